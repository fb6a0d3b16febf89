"""wheel_build: how a local package becomes a wheel (its build files, the build-time imports, the backend's prediction)."""
