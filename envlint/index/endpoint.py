"""PyPI's Simple API endpoint, and whether a configured URL is it.

The endpoint is pypi-simple's ``PYPI_SIMPLE_ENDPOINT`` constant (the repository never spells a
registry host). Importing pypi-simple costs a sixth of a second or more (pydantic, BeautifulSoup),
which a run that only compares configured URLs with it, or works offline, never needs otherwise;
so the constant's value is remembered in the cache dir the first time it is read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MEMO_NAME = "pypi-simple-endpoint.txt"


def pypi_endpoint(cache_dir: Path | None = None) -> str:
    """The constant, read from its memo in ``cache_dir`` when there is one."""
    memo = cache_dir / MEMO_NAME if cache_dir is not None else None
    if memo is not None and "pypi_simple" not in sys.modules:
        try:
            value = memo.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            value = ""
        if value.startswith(("https://", "http://")):
            return value
    from pypi_simple import PYPI_SIMPLE_ENDPOINT

    if memo is not None:
        try:
            memo.parent.mkdir(parents=True, exist_ok=True)
            memo.write_text(PYPI_SIMPLE_ENDPOINT, encoding="utf-8")
        except OSError:
            pass
    return PYPI_SIMPLE_ENDPOINT


def cache_dir_of(configured: str | None) -> Path:
    """The index cache dir: ``cache-dir`` from the configuration, else the user cache dir."""
    return Path(configured).expanduser() if configured else default_cache_dir()


def default_cache_dir() -> Path:
    """The HTTP cache (and parse memos) in the user cache dir (platformdirs)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("envlint", appauthor=False)) / "http"


def same_index(url: str, other: str) -> bool:
    """Whether two index URLs name the same index (scheme and host case, trailing slash, query and
    fragment do not count); False for a URL that does not parse."""
    try:
        return _normalize(url) == _normalize(other)
    except ValueError:
        return False


def _normalize(url: str) -> str:
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), (parts.hostname or "").lower(), parts.path.rstrip("/"), "", ""))
