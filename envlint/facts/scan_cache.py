"""Per-file scan results kept in ``<root>/.envlint_cache/``, keyed by content hash (like ruff's cache).

The directory carries its own ``.gitignore`` (``*``) and a ``CACHEDIR.TAG``, so it is never committed
or backed up. One JSON file per cache key (envlint version + reader table hash): a new envlint or
an edited reader table starts afresh and the stale file is removed. JSON, not pickle: the cache
lives in the project tree, and loading it must never run code.

A file whose size and mtime match its entry is not read again, unless it was modified within
:data:`MTIME_SLACK_NS` of the moment the cache was written (a same-second edit keeps its size and
mtime on coarse file systems); then, and for every other file, its content hash decides.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_DIR = ".envlint_cache"
MTIME_SLACK_NS = 2_000_000_000
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by envlint.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Entry:
    size: int
    mtime_ns: int
    digest: str
    result: Any


@dataclass
class ScanCache:
    """The cache of one kind of scan; a disabled cache (no writable directory) never hits."""

    path: Path | None
    entries: dict[str, Entry] = field(default_factory=dict)
    written_ns: int = 0
    by_digest: dict[str, Any] = field(default_factory=dict)
    used: dict[str, Entry] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def open(cls, root: Path, kind: str, key: str, enabled: bool = True) -> ScanCache:
        if not enabled:
            return cls(None)
        name = f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
        path = root / CACHE_DIR / name
        cache = cls(path)
        try:
            with path.open("rb") as fh:
                raw = json.load(fh)
            cache.written_ns = int(raw["written_ns"])
            for rel, (size, mtime_ns, digest, result) in raw["files"].items():
                entry = Entry(int(size), int(mtime_ns), str(digest), result)
                cache.entries[rel] = entry
                cache.by_digest[entry.digest] = entry.result
        except (OSError, ValueError, KeyError, TypeError):
            cache.entries.clear()
            cache.by_digest.clear()
            cache.dirty = True
        return cache

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def lookup(self, rel: str, size: int, mtime_ns: int) -> Any | None:
        """The cached result when the file is unchanged by size and mtime (and not edited too recently)."""
        entry = self.entries.get(rel)
        if entry is None or entry.size != size or entry.mtime_ns != mtime_ns:
            return None
        if mtime_ns >= self.written_ns - MTIME_SLACK_NS:
            return None  # touched around the time the cache was written: let the content hash decide
        self.used[rel] = entry
        return entry.result

    def known_digests(self) -> frozenset[str]:
        return frozenset(self.by_digest)

    def by_content(self, digest: str) -> Any | None:
        return self.by_digest.get(digest)

    def store(self, rel: str, size: int, mtime_ns: int, digest: str, result: Any) -> None:
        entry = Entry(size, mtime_ns, digest, result)
        old = self.entries.get(rel)
        if old is None or (old.size, old.mtime_ns, old.digest) != (size, mtime_ns, digest):
            self.dirty = True
        self.used[rel] = entry

    def save(self) -> None:
        """Write what this run used (entries of files that are gone are dropped); errors are ignored."""
        if self.path is None:
            return
        if not self.dirty and set(self.used) == set(self.entries):
            return
        directory = self.path.parent
        try:
            _ensure_dir(directory)
            files = {rel: [e.size, e.mtime_ns, e.digest, e.result] for rel, e in sorted(self.used.items())}
            payload = json.dumps({"written_ns": time.time_ns(), "files": files}, separators=(",", ":"))
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(payload)
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


def _ensure_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Automatically created by envlint.\n*\n", encoding="utf-8")
    tag = directory / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(_TAG, encoding="utf-8")
