"""The project walk's result, kept in ``.envlint_cache/`` and reused while no directory has changed.

Like git's untracked cache: adding, removing or renaming an entry changes its directory's mtime, so
a walk whose every directory (skipped ones included) still has the recorded mtime, and whose
ignore files (in the tree and above it) still have their recorded size and mtime, lists the same
files. Then nothing is listed, no ignore pattern is compiled or matched, and the walk costs one
``stat`` per directory. Anything else (a changed directory, an edited ignore file, a directory
modified so close to the moment it was listed that a later change could keep its mtime: within
20 ms on a file system with sub-second times, 2 s on one with whole seconds, as git's "racy"
check; a cache file that is not what envlint writes, or that this machine did not seal for this
project: :mod:`envlint.facts.code.cache_seal`) means a full walk, whose result replaces
the cache. A walk that reported a problem or followed a symlinked directory is not cached.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from envlint.facts.code.cache_seal import read_sealed, safe_relative, seal
from envlint.facts.code.scan_cache import CACHE_DIR, ensure_dir

FORMAT = 1


def cache_path(root: Path, key: str) -> Path:
    return root / CACHE_DIR / f"walk-{hashlib.sha256(f'{FORMAT}:{key}'.encode()).hexdigest()[:16]}.json"


def stat_key(path: str) -> list[int] | None:
    """[size, mtime_ns] of a file, or None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def load(path: Path, root: Path) -> tuple[list[str], list[str]] | None:
    """(files, skipped directories) when the recorded walk still holds, else None."""
    try:
        payload = read_sealed(path, root)
        if payload is None:  # not written by this machine for this project (e.g. committed): a full walk
            return None
        raw = json.loads(payload)
        listed = raw["listed_ns"]
        dirs, ignores, files, skipped = raw["dirs"], raw["ignores"], raw["files"], raw["skipped"]
        if raw.get("format") != FORMAT or type(listed) is not int or not isinstance(dirs, dict) or \
                not isinstance(ignores, dict) or not isinstance(files, list) or not isinstance(skipped, list):
            return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    base = os.path.join(root, "")
    for rel, mtime in dirs.items():
        if type(mtime) is not int or not isinstance(rel, str) or racy(mtime, listed):
            return None
        try:
            st = os.stat(base + rel if rel and not os.path.isabs(rel) else (rel or str(root)))
        except OSError:
            return None
        if st.st_mtime_ns != mtime:
            return None
    for name, recorded in ignores.items():
        if not isinstance(name, str) or stat_key(name) != recorded:
            return None
    if not all(safe_relative(f) for f in files) or not all(safe_relative(s) for s in skipped):
        return None
    return files, skipped


def racy(mtime_ns: int, listed_ns: int) -> bool:
    """Modified so close to the listing that a later change could have kept the same mtime."""
    granule = 2_000_000_000 if mtime_ns % 1_000_000_000 == 0 else 20_000_000
    return mtime_ns >= listed_ns - granule


def save(root: Path, path: Path, listed_ns: int, dirs: dict[str, int], ignores: dict[str, list[int] | None],
         files: list[str], skipped: list[str]) -> None:
    """Record a walk that began at ``listed_ns`` (directories by root-relative path, absolute for
    those above the root)."""
    try:
        ensure_dir(path.parent)
        payload = json.dumps({"format": FORMAT, "listed_ns": listed_ns, "dirs": dirs, "ignores": ignores,
                              "files": files, "skipped": skipped}, separators=(",", ":"))
        sealed = seal(root, payload.encode("utf-8"))
        if sealed is None:
            return
        tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        tmp.write_bytes(sealed)
        os.replace(tmp, path)
        for stale in path.parent.glob("walk-*.json"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only checkout is walked in full every time
