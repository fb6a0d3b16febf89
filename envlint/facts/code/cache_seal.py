"""Seals for the caches kept in the project tree (``.envlint_cache/``): a cache file is believed only
when this machine wrote it for this project.

A repository can hold any file, a committed ``.envlint_cache/`` included; a cache that is believed
because it is present could hide every finding or add false ones. So each cache file starts with an
HMAC-SHA256 of its content and of the project's real path, keyed by a random secret that never leaves
this machine: ``tree-cache.key`` in the user cache directory (created ``0600`` on first use). A file
whose seal does not verify (another machine's, another project's, edited, truncated) is a miss and
is rewritten; without a usable key (no writable user cache directory) the tree caches are off.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from envlint.facts.formats.text import open_regular

KEY_NAME = "tree-cache.key"
KEY_BYTES = 32
#: A cache file larger than this is not read (a whole tree's rows are a few MB).
MAX_CACHE_BYTES = 128 * 1024 * 1024
_MAC_HEX = hashlib.sha256().digest_size * 2


def key_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("envlint", appauthor=False))


@lru_cache(maxsize=8)
def _key_in(directory: str) -> bytes | None:
    path = Path(directory) / KEY_NAME
    for _ in range(2):
        try:
            with open_regular(path) as fh:
                key = fh.read(KEY_BYTES + 1)
            return key if len(key) == KEY_BYTES else None
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            Path(directory).mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        except FileExistsError:  # another envlint made it first: read theirs
            continue
        except OSError:
            return None
        key = secrets.token_bytes(KEY_BYTES)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return key
    return None


def machine_key() -> bytes | None:
    """This machine's secret for tree caches; None when it cannot be read or made."""
    return _key_in(str(key_dir()))


def _mac(key: bytes, root: Path, payload: bytes) -> bytes:
    bound = os.path.realpath(root).encode("utf-8", "surrogateescape") + b"\0" + payload
    return hmac.new(key, bound, hashlib.sha256).hexdigest().encode()


def seal(root: Path, payload: bytes) -> bytes | None:
    """The cache file's bytes (seal line, then ``payload``); None when there is no key."""
    key = machine_key()
    return None if key is None else _mac(key, root, payload) + b"\n" + payload


def read_sealed(path: Path, root: Path) -> bytes | None:
    """The payload of a cache file this machine wrote for ``root``; None for anything else."""
    key = machine_key()
    if key is None:
        return None
    try:
        with open_regular(path) as fh:
            data = fh.read(MAX_CACHE_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(data) > MAX_CACHE_BYTES or data[_MAC_HEX:_MAC_HEX + 1] != b"\n":
        return None
    mac, payload = data[:_MAC_HEX], data[_MAC_HEX + 1:]
    return payload if hmac.compare_digest(mac, _mac(key, root, payload)) else None


def safe_relative(rel: object) -> bool:
    """A project-relative POSIX path as the walk writes it: no absolute path, no ``..``, no NUL."""
    return isinstance(rel, str) and bool(rel) and not rel.startswith("/") and "\x00" not in rel and \
        not any(part in ("", ".", "..") for part in rel.split("/"))
