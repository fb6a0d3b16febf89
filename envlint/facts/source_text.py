"""Reading project files as text, with a size cap: a huge or unreadable file is an EL001, never a crash."""

from __future__ import annotations

from pathlib import Path

from envlint.diagnostics import Problems

#: Build and configuration files (pyproject.toml, setup.py, requirements files, pip.conf, ...).
MAX_CONFIG_BYTES = 2 * 1024 * 1024
#: Python modules of a local package that are scanned for reads of their own files.
MAX_MODULE_BYTES = 1024 * 1024


def read_text(path: Path, problems: Problems | None, limit: int = MAX_CONFIG_BYTES,
              package: str | None = None) -> str | None:
    """The file's text (UTF-8, BOM removed), or None when it is missing, too large or unreadable.

    Missing files are silent; the other cases are recorded in ``problems`` (when given).
    """
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return None
    except OSError as exc:
        if problems is not None:
            problems.add(path, f"cannot read: {exc.strerror or exc}", package=package)
        return None
    if len(data) > limit:
        if problems is not None:
            problems.add(path, f"larger than {limit // 1024} KB; not read", package=package)
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if problems is not None:
            line = data[: exc.start].count(b"\n") + 1
            problems.add(path, f"not UTF-8 ({exc.reason} at byte {exc.start})", line=line, package=package)
        return data.decode("utf-8", errors="replace")
