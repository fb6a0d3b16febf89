"""A wheel's ``METADATA`` read with HTTP range requests, without downloading the wheel.

The approach of pip's ``lazy_wheel`` and of uv (no code is shared with either): a wheel is a zip
archive, whose end-of-central-directory record and central directory sit at the end of the file and
give the offset of every member. So the reader asks for the last :data:`TAIL` bytes (a suffix
range, which also tells the file's size), lets :mod:`zipfile` parse the directory out of a sparse,
seekable view of the file, and then asks for the one member it needs. Builders write the
``.dist-info`` directory last, so for most wheels the first answer already holds the directory and
the member; a wheel with a large directory (torch: thousands of files) takes two or three requests,
whatever the wheel's size.

Every read is capped: a single range is at most :data:`MAX_RANGE` bytes (the central directory of a
zip with millions of entries is refused, not parsed) and the member is inflated only up to
``max_size`` bytes (a METADATA that inflates to gigabytes is refused after ``max_size``).

A server that ignores ``Range`` answers 200 with the whole file: :class:`RangesUnsupported` carries
that (unread) response so that the caller can fall back to a full download of a small file.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from bisect import bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

#: Bytes asked for first, from the end of the file: the end-of-central-directory record with the
#: largest zip comment (64 KiB), and for most wheels the whole central directory and the METADATA.
TAIL = 128 * 1024
#: The largest single range read (a central directory larger than this is refused).
MAX_RANGE = 32 * 1024 * 1024
#: Bytes fetched at least on a miss (zipfile reads a member's local header in small pieces).
MIN_FETCH = 16 * 1024

_CONTENT_RANGE = re.compile(r"^bytes\s+(\d+)-(\d+)/(\d+)\s*$")


class RangesUnsupported(Exception):
    """The server answered the range request with the whole file (status 200)."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__("the server does not honour Range requests")
        self.response = response


class TooLarge(Exception):
    """A read went over its cap (the message says what)."""


class BadWheel(Exception):
    """The bytes are not a readable wheel (the message says why)."""


class _Sparse(io.RawIOBase):
    """A seekable, read-only view of a remote file of known size, holding only the ranges read."""

    def __init__(self, size: int, fetch: Callable[[int, int], bytes]) -> None:
        super().__init__()
        self.size = size
        self._fetch = fetch
        self._starts: list[int] = []
        self._chunks: list[bytes] = []
        self._pos = 0
        self.fetched = 0
        """Bytes asked of the server so far (the first answer included)."""

    def add(self, start: int, data: bytes) -> None:
        i = bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._chunks.insert(i, data)

    def _find(self, start: int, end: int) -> bytes | None:
        i = bisect_right(self._starts, start) - 1
        while i >= 0:  # chunks may overlap: any one that covers [start, end) will do
            s, chunk = self._starts[i], self._chunks[i]
            if s <= start and s + len(chunk) >= end:
                return chunk[start - s:end - s]
            i -= 1
        return None

    def ensure(self, start: int, end: int) -> None:
        """Have [start, end) (clipped to the file) at hand, in one request when it is missing."""
        start, end = max(0, start), min(self.size, end)
        if end <= start or self._find(start, end) is not None:
            return
        if end - start > MAX_RANGE:
            raise TooLarge(f"a read of {end - start} bytes (more than {MAX_RANGE // (1024 * 1024)} MB)")
        data = self._fetch(start, end)
        self.fetched += len(data)
        if len(data) != end - start:
            raise BadWheel(f"asked for {end - start} bytes at {start}, got {len(data)}")
        self.add(start, data)

    # -- io ------------------------------------------------------------------------------------
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, n: int = -1) -> bytes:
        start = self._pos
        end = self.size if n is None or n < 0 else min(self.size, start + n)
        if end <= start:
            return b""
        if self._find(start, end) is None:
            self.ensure(start, max(end, start + MIN_FETCH))
        data = self._find(start, end) or b""
        self._pos = start + len(data)
        return data

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def metadata_member(zf: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """The wheel's top-level ``<name>.dist-info/METADATA`` member."""
    return next((i for i in zf.infolist()
                 if i.filename.count("/") == 1 and i.filename.endswith(".dist-info/METADATA")), None)


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_size: int) -> bytes:
    """A member's bytes, inflated only up to ``max_size`` (more is :class:`TooLarge`)."""
    if info.file_size > max_size:
        raise TooLarge(f"its METADATA is {info.file_size} bytes (more than {max_size // (1024 * 1024)} MB)")
    try:
        with zf.open(info) as fh:
            data = fh.read(max_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise BadWheel(f"its METADATA cannot be read ({exc})") from exc
    except Exception as exc:  # zlib.error and friends
        raise BadWheel(f"its METADATA cannot be read ({type(exc).__name__})") from exc
    if len(data) > max_size:
        raise TooLarge(f"its METADATA inflates to more than {max_size // (1024 * 1024)} MB")
    return data


def metadata_of_zip(fileobj: io.RawIOBase | io.BytesIO, max_size: int,
                    before_read: Callable[[zipfile.ZipInfo], None] | None = None) -> bytes | None:
    """The METADATA bytes of a wheel (None when it has none)."""
    try:
        zf = zipfile.ZipFile(fileobj)  # type: ignore[arg-type]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise BadWheel(f"not a zip archive ({exc})") from exc
    with zf:
        info = metadata_member(zf)
        if info is None:
            return None
        if before_read is not None:
            before_read(info)
        return read_member(zf, info, max_size)


def _content_range(r: requests.Response) -> tuple[int, int, int]:
    m = _CONTENT_RANGE.match(r.headers.get("Content-Range", ""))
    if m is None:
        raise BadWheel("a 206 answer without a usable Content-Range")
    first, last, total = (int(g) for g in m.groups())
    if last < first or last >= total:
        raise BadWheel("a 206 answer with an impossible Content-Range")
    return first, last, total


def fetch_metadata(session: requests.Session, url: str, *, timeout: float, deadline: float, max_size: int,
                   read: Callable[[requests.Response, float, int], bytes]) -> tuple[bytes | None, int]:
    """A wheel's METADATA by range requests, and the bytes transferred; raises
    :class:`RangesUnsupported` (with the open 200 response), :class:`TooLarge`, :class:`BadWheel`, or
    what requests raises. ``read(response, deadline, cap)`` reads a body in full, capped."""
    headers = {"Range": f"bytes=-{TAIL}", "Accept-Encoding": "identity"}
    r = session.get(url, headers=headers, timeout=timeout, stream=True)
    if r.status_code == 200:
        raise RangesUnsupported(r)
    with r:
        r.raise_for_status()
        if r.status_code != 206:
            raise BadWheel(f"HTTP {r.status_code} to a range request")
        first, last, total = _content_range(r)
        tail = read(r, deadline, last - first + 1)

    def fetch(start: int, end: int) -> bytes:
        if time.monotonic() > deadline:
            raise TimeoutError("the deadline passed between range requests")
        with session.get(url, headers={"Range": f"bytes={start}-{end - 1}", "Accept-Encoding": "identity"},
                         timeout=timeout, stream=True) as part:
            part.raise_for_status()
            if part.status_code != 206:
                raise BadWheel(f"HTTP {part.status_code} to a range request")
            got_first, _, got_total = _content_range(part)
            if got_first != start or got_total != total:
                raise BadWheel("a range answer for other bytes than asked")
            return read(part, deadline, end - start)

    sparse = _Sparse(total, fetch)
    sparse.add(first, tail)
    sparse.fetched = len(tail)

    def before_read(info: zipfile.ZipInfo) -> None:
        # the local header (30 bytes, the name, an extra field) and the compressed member, in one request
        end = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size + 1024
        sparse.ensure(info.header_offset, end)

    return metadata_of_zip(sparse, max_size, before_read), sparse.fetched
