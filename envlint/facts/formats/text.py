"""Reading project files as text, with a size cap: a huge or unreadable file is an EL001, never a crash."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from envlint.diagnostics import Problems

#: Build and configuration files (pyproject.toml, setup.py, requirements files, pip.conf, ...).
MAX_CONFIG_BYTES = 2 * 1024 * 1024
#: Python modules of a local package that are scanned for reads of their own files.
MAX_MODULE_BYTES = 1024 * 1024
#: The parse budget of one Python file for ``ast`` (:func:`syntax_size`): about 300 MB and a few
#: seconds; 4.5 MB of ordinary code.
MAX_PARSE_NODES = 300_000
_PUNCTUATION = tuple(bytes([c]) for c in b",()[]{}=:;.+-*/%<>|&^~@")


def syntax_size(data: bytes | str) -> int:
    """A linear upper estimate of how many syntax nodes parsing ``data`` as Python makes: its
    punctuation (``1,1,1`` is three nodes). ``ast`` holds about a kilobyte per node while it parses,
    libcst needs about half a millisecond per node: a parse budget is set in this unit."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return sum(raw.count(c) for c in _PUNCTUATION)


def read_text(path: Path, problems: Problems | None, limit: int = MAX_CONFIG_BYTES,
              package: str | None = None) -> str | None:
    """The file's text (UTF-8, BOM removed), or None when it is missing, too large or unreadable.

    Missing files and directories are silent; the other cases are recorded in ``problems`` (when
    given). A FIFO, socket or device is never read (opened without blocking, then refused).
    """
    try:
        fh = open_regular(path)
    except (FileNotFoundError, IsADirectoryError, ValueError):  # ValueError: a NUL byte in the name
        return None
    except NotARegularFile as exc:
        if problems is not None:
            problems.add(path, f"{exc.strerror}; not read", package=package)
        return None
    except OSError as exc:
        if problems is not None:
            problems.add(path, f"cannot read: {exc.strerror or exc}", package=package)
        return None
    with fh:
        try:
            data = fh.read(limit + 1)
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


def is_file(path: Path) -> bool:
    """``path.is_file()``, False also where it cannot be looked at (``Path.is_file`` raises
    PermissionError for a file in a directory this user cannot search)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


class NotARegularFile(OSError):
    """A FIFO, socket or device where a file was expected (never read: reading a FIFO can block forever)."""


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for binary reading without ever blocking; OSError when it is not a regular file.

    The open is non-blocking (a FIFO with no writer would otherwise block it), then ``fstat`` of the
    open file decides: a directory raises IsADirectoryError, a FIFO, socket or device NotARegularFile.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        raise NotARegularFile(errno.EINVAL, f"{_kind(mode)}, not a regular file", str(path))
    return os.fdopen(fd, "rb")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file"


def not_a_file(path: Path) -> str | None:
    """Why ``path``, which exists by name, cannot be read as a file; None when it is one (or absent).

    For the files a build reads by name (pyproject.toml, setup.py, a nested requirements file):
    a directory, a dangling symlink or a symlink loop there is a mistake worth an EL001.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a symbolic link to a missing file" if os.path.islink(path) else None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        return f"unreadable ({exc.strerror or exc})"
    except ValueError:
        return None
    if stat.S_ISREG(mode):
        return None
    return "a directory, not a file" if stat.S_ISDIR(mode) else f"{_kind(mode)}, not a regular file; not read"
