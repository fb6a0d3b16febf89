"""Paths as envlint reports them: POSIX, relative to the project root where they are inside it.

Below the engine, the rules and the reporters, so that each can show a path the same way.
"""

from __future__ import annotations

import os
from pathlib import Path


def relative_path(root: Path, path: str | os.PathLike[str] | None) -> str | None:
    """``path`` as a POSIX path relative to ``root`` (also through symlinks); absolute when outside it."""
    if path is None:
        return None
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            return p.as_posix()
