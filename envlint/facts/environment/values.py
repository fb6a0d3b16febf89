"""Small parsers shared by the environment readers (site-packages, ``pip inspect`` reports, locating).

Each reads one value as pip or CPython wrote it: a Python version in text, a ``file:`` URL from
``direct_url.json``, a ``Requires-Python`` specifier.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from envlint.diagnostics import Problems


def version_from_text(text: str | None) -> tuple[int, int, int] | None:
    """``(3, 11, 4)`` from text that starts with a version (``3.11.4``, ``3.11``, ``3.11.4 (main, ...)``)."""
    if not text:
        return None
    m = re.match(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def file_url_path(url: str) -> Path | None:
    """The local path of a ``file:`` URL, or None for any other URL (or one no installer could have written)."""
    try:
        parsed = urlparse(url)
    except ValueError:  # "file://[x": not a URL pip could have written
        return None
    path = unquote(parsed.path)
    if parsed.scheme != "file" or "\x00" in path:  # no directory has a NUL byte in its name
        return None
    return Path(path)


def check_requires_python(value: str | None, path: Path, problems: Problems, package: str,
                          where: str = "") -> str | None:
    """The Requires-Python text, or None (and an EL001 entry) when it is not a valid specifier."""
    if not value:
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        SpecifierSet(value)
    except InvalidSpecifier:
        problems.add(path, f"{where}Requires-Python {value!r} is not a valid version specifier", package=package)
        return None
    return value
