"""Per-file scan results kept in ``<root>/.envlint_cache/``, keyed by content hash (like ruff's cache).

The directory carries its own ``.gitignore`` (``*``) and a ``CACHEDIR.TAG``, so it is never committed
or backed up, and each file is sealed with a key that never leaves this machine
(:mod:`envlint.facts.code.cache_seal`): a cache committed to a repository is never believed. One JSON
file per cache key (envlint version + reader table hash): a new envlint or
an edited reader table starts afresh and the stale file is removed. JSON, not pickle: the cache
lives in the project tree, and loading it must never run code; entries are validated all the same.

A file whose size and mtime match its entry is not read again, unless it was modified within
:data:`MTIME_SLACK_NS` of the moment the cache was written (a same-second edit keeps its size and
mtime on coarse file systems); then, and for every other file, its content hash decides.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envlint.facts.code.cache_seal import machine_key, read_sealed, seal

CACHE_DIR = ".envlint_cache"
MTIME_SLACK_NS = 2_000_000_000
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by envlint.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


#: Bumped when the file's layout changes; part of the cache key, so an old file is never misread.
FORMAT = 3
#: What most files scan to; stored as a row without a result.
EMPTY: Any = {"reads": [], "error": None}


@dataclass
class ScanCache:
    """The cache of one kind of scan; a disabled cache (no writable directory) never hits.

    On disk: ``{"format", "written_ns", "files": {rel: [size, mtime_ns, digest(, result)]}}``, a row
    without a result meaning :data:`EMPTY`. Rows stay as decoded: a warm run over thousands of files
    only compares sizes and mtimes, and indexes the digests only when a file has changed.
    """

    path: Path | None
    root: Path | None = None
    rows: dict[str, list[Any]] = field(default_factory=dict)
    written_ns: int = 0
    used: dict[str, list[Any]] = field(default_factory=dict)
    dirty: bool = False
    _by_digest: dict[str, Any] | None = None

    @classmethod
    def open(cls, root: Path, kind: str, key: str, enabled: bool = True) -> ScanCache:
        if not enabled:
            return cls(None)
        if machine_key() is None:  # nothing to seal with: a tree cache that cannot be checked is off
            return cls(None)
        name = f"{kind}-{hashlib.sha256(f'{FORMAT}:{key}'.encode()).hexdigest()[:16]}.json"
        path = root / CACHE_DIR / name
        cache = cls(path, root=root)
        try:
            payload = read_sealed(path, root)
            if payload is None:
                raise ValueError("not sealed by this machine for this project")
            raw = json.loads(payload)
            if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("files"), dict):
                raise ValueError("not a cache file of this format")
            cache.written_ns = int(raw["written_ns"])
            cache.rows = raw["files"]
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            cache.rows = {}
            cache.dirty = True
        return cache

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def lookup(self, rel: str, size: int, mtime_ns: int) -> Any | None:
        """The cached result when the file is unchanged by size and mtime (and not edited too recently)."""
        row = self.rows.get(rel)
        try:
            if row is None or row[0] != size or row[1] != mtime_ns:
                return None
        except (TypeError, KeyError, IndexError):  # not a row as written: a miss
            return None
        if mtime_ns >= self.written_ns - MTIME_SLACK_NS:
            return None  # touched around the time the cache was written: let the content hash decide
        if not _valid(row) or (len(row) > 3 and not valid_result(row[3])):
            return None  # not what a scan writes: scan the file again
        self.used[rel] = row
        return row[3] if len(row) > 3 else EMPTY

    def _digests(self) -> dict[str, Any]:
        if self._by_digest is None:
            self._by_digest = {row[2]: (row[3] if len(row) > 3 else EMPTY) for row in self.rows.values()
                               if _valid(row) and (len(row) == 3 or valid_result(row[3]))}
        return self._by_digest

    def known_digests(self) -> frozenset[str]:
        return frozenset(self._digests())

    def by_content(self, digest: str) -> Any | None:
        return self._digests().get(digest)

    def store(self, rel: str, size: int, mtime_ns: int, digest: str, result: Any) -> None:
        row: list[Any] = [size, mtime_ns, digest] if result == EMPTY else [size, mtime_ns, digest, result]
        old = self.rows.get(rel)
        if not _valid(old) or old[:3] != row[:3]:
            self.dirty = True
        self.used[rel] = row

    def save(self) -> None:
        """Write what this run used (entries of files that are gone are dropped); errors are ignored."""
        if self.path is None:
            return
        if not self.dirty and len(self.used) == len(self.rows):
            return
        directory = self.path.parent
        try:
            ensure_dir(directory)
            files = dict(sorted(self.used.items()))
            payload = json.dumps({"format": FORMAT, "written_ns": time.time_ns(), "files": files},
                                 separators=(",", ":"))
            sealed = seal(self.root or directory.parent, payload.encode("utf-8"))
            if sealed is None:
                return
            import tempfile

            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(sealed)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            kind = self.path.name.rsplit("-", 1)[0]
            for stale in directory.glob(f"{kind}-*.json"):
                if stale != self.path:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only checkout still gets its findings, just no cache


def valid_result(result: Any) -> bool:
    """A scan result as the scanner writes it: ``{"reads": [[line, column, call, target, kind, cell,
    where, info], ...], "error": [reason, line, column(, cell)] | None(, "ships": {name: how})}`` (the
    cache lives in the project tree: anything else there is a miss)."""
    if not isinstance(result, dict):
        return False
    reads, error, ships = result.get("reads"), result.get("error"), result.get("ships", {})
    if not isinstance(reads, list) or not all(
            isinstance(r, list) and len(r) == 8 and all(isinstance(v, int) or v is None for v in (r[0], r[1], r[5]))
            and all(isinstance(v, str) for v in r[2:5]) and isinstance(r[6], str) and isinstance(r[7], dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in r[7].items()) for r in reads):
        return False
    if not isinstance(ships, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in ships.items()):
        return False
    helpers = result.get("helpers", {})
    if not isinstance(helpers, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and len(v) == 4 and isinstance(v[0], int)
            and all(isinstance(x, str) for x in v[1:]) for k, v in helpers.items()):
        return False
    return error is None or (isinstance(error, list) and len(error) in (3, 4) and isinstance(error[0], str)
                             and all(isinstance(v, int) or v is None for v in error[1:]))


def _valid(row: Any) -> bool:
    """A row as written (a file edited by hand or by another tool is a miss, never a crash)."""
    return isinstance(row, list) and 3 <= len(row) <= 4 and type(row[0]) is int and type(row[1]) is int \
        and isinstance(row[2], str) and (len(row) == 3 or isinstance(row[3], dict))


def ensure_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Automatically created by envlint.\n*\n", encoding="utf-8")
    tag = directory / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(_TAG, encoding="utf-8")
