"""Small index files whose digest was checked (PEP 658 metadata, mostly), kept by URL in the cache dir.

A warm run reads them back without loading the HTTP stack (requests, CacheControl, pypi-simple:
about 0.3 s of CPU); each is re-checked against the index's digest when read, and one that no longer
matches is fetched again. Files without a usable digest are never kept.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable
from pathlib import Path

FILES_DIR = "files-v1"
#: Larger files (wheels, sdists) stay in the HTTP cache only.
FILE_MEMO_MAX = 1024 * 1024


def _usable(digests: Iterable[tuple[str, str]]) -> bool:
    return any(algo in hashlib.algorithms_available for algo, _ in digests)


def digest_matches(data: bytes, digests: Iterable[tuple[str, str]]) -> bool:
    """The first digest whose algorithm this Python has decides; False when none can be checked."""
    for algo, expected in digests:
        if algo in hashlib.algorithms_available:
            return hashlib.new(algo, data).hexdigest() == expected.lower()
    return False


def memo_path(cache_dir: Path, url: str) -> Path:
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return cache_dir / FILES_DIR / digest[:2] / digest


def recall(cache_dir: Path, url: str, digests: Iterable[tuple[str, str]]) -> bytes | None:
    """The file fetched before, when it still matches the index's digest (None otherwise)."""
    digests = tuple(digests)
    if not _usable(digests):
        return None
    try:
        data = memo_path(cache_dir, url).read_bytes()
    except OSError:
        return None
    return data if digest_matches(data, digests) else None


def keep(cache_dir: Path, url: str, data: bytes, digests: Iterable[tuple[str, str]]) -> None:
    """Remember a fetched file (small, with a usable digest); a read-only or full cache only costs speed."""
    if len(data) > FILE_MEMO_MAX or not _usable(digests):
        return
    path = memo_path(cache_dir, url)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass
