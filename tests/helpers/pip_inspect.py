"""``pip inspect`` reports written by tests: an environment of many distributions without a venv."""

from __future__ import annotations

import json
from pathlib import Path


def inspect_report(path: Path, dists: list[tuple[str, str]]) -> Path:
    """A report of a Linux CPython 3.11 environment holding ``dists`` (installed from an index)."""
    installed = [{"metadata": {"metadata_version": "2.1", "name": n, "version": v},
                  "metadata_location": f"/home/u/.venv/lib/python3.11/site-packages/{n}-{v}.dist-info",
                  "installer": "pip", "requested": True} for n, v in dists]
    environment = {"implementation_name": "cpython", "implementation_version": "3.11.9", "os_name": "posix",
                   "platform_machine": "x86_64", "platform_system": "Linux", "python_full_version": "3.11.9",
                   "platform_python_implementation": "CPython", "python_version": "3.11", "sys_platform": "linux"}
    path.write_text(json.dumps({"version": "1", "pip_version": "24.0", "installed": installed,
                                "environment": environment}))
    return path
