"""envlint: find what package sync cannot mirror onto Linux cluster workers, before launch."""

__version__ = "0.1.0"
