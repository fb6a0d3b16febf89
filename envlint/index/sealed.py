"""Memo files of the index cache: plain data marshalled, behind a checksum.

A memo is believed only when its checksum matches: an edited, cut or half-written file is no memo (the
look-up is done again), never a wrong answer. The checksum guards against corruption and casual edits,
not against someone who rewrites both (docs/security.md).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import threading
from pathlib import Path
from typing import Any

_SIZE = 20


def load(path: Path) -> Any | None:
    """The value stored at ``path``, or None when it is missing, unreadable or fails its checksum."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    check, payload = blob[:_SIZE], blob[_SIZE:]
    if hashlib.blake2b(payload, digest_size=_SIZE).digest() != check:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def store(path: Path, value: Any) -> None:
    """Write ``value`` atomically; a read-only or full cache directory only costs speed."""
    try:
        payload = marshal.dumps(value)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(hashlib.blake2b(payload, digest_size=_SIZE).digest() + payload)
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass
