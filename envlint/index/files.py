"""Core metadata of index files, without downloading wheels; kept compactly between runs.

For each file, in order (the first that answers wins):

1. the metadata memo: what an earlier run parsed for this file URL (a few hundred bytes, never the
   wheel; see :func:`memo_path`);
2. the PEP 658/714 metadata file ``<url>.metadata``: when the page advertises it, and also when it
   does not (some indexes serve it anyway), while the index serves at least as many of these
   unadvertised files as it refuses (an index that serves none is asked once, then never again);
3. for a wheel, its ``METADATA`` member read with HTTP range requests
   (:mod:`envlint.index.lazy_wheel`): a few hundred kilobytes whatever the wheel's size;
4. an index that ignores ``Range`` sends the whole file: it is read when it is at most
   :data:`~envlint.index.client.MAX_DOWNLOAD` bytes (and checked against the page's digest), and
   the look-up fails, saying why, when it is larger.

Files go through a session *without* the HTTP cache: wheels are never stored, only the parsed
metadata. ``--offline`` answers from the memo alone.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from envlint.index import sealed
from envlint.index.client import MAX_DOWNLOAD, Failure, IndexClient, _Malformed, metadata_url, read_body
from envlint.index.metadata import MAX_METADATA, DistMetadata, from_compact, parse_metadata, to_compact

if TYPE_CHECKING:
    import requests

    from envlint.index.models import IndexFile

#: Where parsed metadata is kept, under the cache dir (bump when :func:`to_compact` changes).
MEMO_DIR = "metadata-v1"
_MB = 1024 * 1024


def memo_path(cache_dir: Path, file: IndexFile) -> Path:
    """The memo of one file: keyed by its URL and the digest the page gives for it (a file replaced
    under the same URL gets a new digest, so a new memo)."""
    digest = dict(file.digests).get("sha256", "")
    key = hashlib.blake2b(f"{file.url}\0{digest}".encode(), digest_size=20).hexdigest()
    return cache_dir / MEMO_DIR / key[:2] / key


def read_memo(cache_dir: Path, file: IndexFile) -> DistMetadata | None:
    """The memoized metadata, when its stored checksum matches (an edited or cut memo is ignored)."""
    return from_compact(sealed.load(memo_path(cache_dir, file)))


def write_memo(cache_dir: Path, file: IndexFile, meta: DistMetadata) -> None:
    """Store (atomically); a read-only or full cache dir only costs speed."""
    sealed.store(memo_path(cache_dir, file), to_compact(meta))


class MetadataReader:
    """Core metadata of many index files at once, on the client's worker threads."""

    def __init__(self, client: IndexClient) -> None:
        self.client = client
        self._hits = 0
        self._misses = 0
        """Unadvertised ``.metadata`` files served and refused so far (see :meth:`_worth_asking`)."""
        self.transferred = 0
        """Bytes of wheel files read (ranges and small full downloads), for benchmarks and tests."""
        self._lock = threading.Lock()

    def many(self, files: Iterable[IndexFile], *, deadline: float | None = None
             ) -> dict[str, DistMetadata | None | Failure]:
        """By file URL: the metadata, None when it cannot be known without building, or a Failure."""
        client = self.client
        by_url = {f.url: f for f in files}
        out: dict[str, DistMetadata | None | Failure] = {}
        todo = []
        for url, f in by_url.items():
            hit = read_memo(client.cache_dir, f)
            if hit is not None:
                out[url] = hit
            elif client.offline:
                out[url] = Failure("offline, and not in the index cache")
            else:
                todo.append(url)
        if todo:
            limit = time.monotonic() + client.budget
            limit = min(limit, deadline) if deadline is not None else limit
            got = client._map(sorted(todo), lambda u: self._one(by_url[u], limit), limit,  # type: ignore[arg-type]
                              "index metadata")
            out.update(got)  # type: ignore[arg-type]
        return out

    def _one(self, file: IndexFile, limit: float) -> DistMetadata | None | Failure:
        meta = self._sidecar(file, limit)
        if isinstance(meta, Failure):
            return meta
        if meta is None and file.kind == "wheel":
            meta = self.client._attempts(file.filename, limit, lambda timeout: self._from_wheel(file, timeout, limit))
        if isinstance(meta, DistMetadata):
            write_memo(self.client.cache_dir, file, meta)
        return meta

    def _sidecar(self, file: IndexFile, limit: float) -> DistMetadata | None | Failure:
        """From ``<url>.metadata``: advertised, or (for a wheel) tried while the index serves them."""
        advertised = file.has_metadata
        if not advertised and not (file.kind == "wheel" and self._worth_asking()):
            return None
        client = self.client
        client._client()
        session = client._files

        def call(timeout: float) -> bytes:
            with session.get(metadata_url(file), timeout=timeout, stream=True) as r:
                r.raise_for_status()
                data = read_body(r, limit, max_size=MAX_METADATA, what=f"metadata of {file.filename}")
            _check_digests(data, file.metadata_digests if advertised else (), f"metadata of {file.filename}")
            return data

        got = client._attempts(f"metadata of {file.filename}", limit, call)
        if not advertised:
            with self._lock:
                if isinstance(got, bytes):
                    self._hits += 1
                else:
                    self._misses += 1
        if isinstance(got, bytes):
            return parse_metadata(got)
        return None if got.missing or not advertised else got

    def _worth_asking(self) -> bool:
        """Ask for unadvertised ``.metadata`` files while the index serves at least as many as it
        refuses: an index that serves none is asked once or twice, then never again this run."""
        with self._lock:
            return self._misses == 0 or self._hits >= self._misses

    def _from_wheel(self, file: IndexFile, timeout: float, limit: float) -> DistMetadata | None:
        from envlint.index.lazy_wheel import BadWheel, RangesUnsupported, TooLarge, fetch_metadata, metadata_of_zip

        session = self.client._files
        assert session is not None
        try:
            raw, fetched = fetch_metadata(session, file.url, timeout=timeout, deadline=limit, max_size=MAX_METADATA,
                                          read=lambda r, d, cap: read_body(r, d, max_size=cap, what=file.filename))
        except RangesUnsupported as exc:
            with exc.response as r:
                data = self._whole(file, r, limit)
            fetched = len(data)
            _check_digests(data, file.digests, file.filename)
            try:
                import io

                raw = metadata_of_zip(io.BytesIO(data), MAX_METADATA)
            except (BadWheel, TooLarge) as err:
                raise _Malformed(f"{file.filename}: {err}") from err
        except (BadWheel, TooLarge) as exc:
            raise _Malformed(f"{file.filename}: {exc}") from exc
        except TimeoutError as exc:
            raise _Malformed(f"{file.filename}: {exc}") from exc
        with self._lock:
            self.transferred += fetched
        return parse_metadata(raw) if raw is not None else None

    @staticmethod
    def _whole(file: IndexFile, r: requests.Response, limit: float) -> bytes:
        """The body of a 200 answer to a range request: the whole file, read only when small."""
        r.raise_for_status()
        length = r.headers.get("Content-Length", "")
        size = int(length) if length.isdigit() else file.size
        if size is not None and size > MAX_DOWNLOAD:
            raise _Malformed(f"{file.filename} is {size // _MB} MB, and the index serves neither its metadata "
                             "file nor byte ranges (files up to "
                             f"{MAX_DOWNLOAD // _MB} MB are downloaded instead)")
        return read_body(r, limit, max_size=MAX_DOWNLOAD, what=file.filename)


def _check_digests(data: bytes, digests: Iterable[tuple[str, str]], what: str) -> None:
    for algo, expected in digests:
        if algo in hashlib.algorithms_available:
            if hashlib.new(algo, data).hexdigest() != expected.lower():
                raise _Malformed(f"{what} does not match its {algo} digest")
            return
