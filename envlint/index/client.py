"""Talk to a simple index: project pages and files, concurrently, time-limited, retried, cached.

Why pypi-simple: it is the maintained client for the "simple" repository API and already speaks
every dialect envlint meets: PEP 503 HTML pages (mirrors, devpi, Artifactory, ``--index-url``
servers), PEP 691 JSON (preferred through content negotiation, so HTML is the automatic fallback),
PEP 700 fields (``versions``, ``size``, ``upload-time``), PEP 592 yanks with reasons and PEP 658/714
metadata files. It accepts our own ``requests`` session, so HTTP caching (CacheControl) and the
offline mode sit underneath it, and its endpoint constant is where PyPI's address comes from (this
repository never spells a registry's host). Hand-written parsing would re-implement its HTML and
JSON handling, including the legacy attribute names PEP 714 keeps alive.

Failures never raise out of this module: a look-up that times out, cannot connect, gets a 5xx or
an unreadable body becomes a :class:`Failure` with a one-line reason. A 404 is an answer ("no
such project"), never retried; every other failure is retried with exponential backoff, and one
look-up that cannot reach the index at all stops the rest of the batch from queueing behind it.
"""

from __future__ import annotations

import collections
import hashlib
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from packaging.utils import canonicalize_name

from envlint.index.freshness import (
    ACCEPT,
    OfflineMiss,
    PageRecord,
    Stats,
    fresh_until,
    read_record,
    servable,
    write_record,
)
from envlint.index import file_memo
from envlint.index import sealed
from envlint.index.models import FileRecord, IndexFile, ProjectInfo, group_records, pack_group, record_of

if TYPE_CHECKING:
    import requests

# requests, CacheControl and pypi-simple are imported on the first look-up that needs the network
# (or the HTTP cache): a warm run whose pages are all fresh answers from the parse memos alone.

T = TypeVar("T")

#: Files larger than this are not downloaded to read metadata or build requirements.
MAX_DOWNLOAD = 64 * 1024 * 1024
#: Show a progress display for batches at least this large (and only on a terminal).
PROGRESS_THRESHOLD = 10
#: Seconds a batch waits past its deadline for look-ups to report their own failure.
GRACE = 0.5
#: Where parsed project pages are memoized, under the cache dir (bump when FileRecord or its grouping changes).
PARSED_DIR = "pages-v8"
#: The fields of a PEP 691 file kept in a page's parse memo (the rest, upload times, provenance, is
#: never read).
KEPT_FIELDS = frozenset({"filename", "url", "hashes", "requires-python", "yanked", "core-metadata",
                         "dist-info-metadata", "size"})
#: The largest project page read (decoded bytes; a gzip bomb counts for what it inflates to).
MAX_PAGE = 64 * 1024 * 1024
#: The most files (JSON entries, HTML anchors) a project page may list; PyPI's largest pages list tens
#: of thousands. Larger pages are refused before they are parsed (a look-up skipped, saying why).
MAX_PAGE_FILES = 200_000


@dataclass(frozen=True)
class Failure:
    """A look-up that gave no usable answer, and why (one line)."""

    reason: str
    missing: bool = False
    """The index answered 404 for a file (metadata not served, file gone): an answer, not a fault."""


def _cannot_reach(exc: BaseException) -> bool:
    """Did the failure happen before a connection to the index existed (refused, DNS, connect timeout)?

    Only such a failure says the index itself is unreachable. A read timeout or a connection the
    server dropped mid-answer is about one look-up: requests wraps the read timeout of a streamed
    body in a ``ConnectionError`` too, so the cause is read from urllib3's exception, not the class.
    """
    import requests
    from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ProxyError):
        return True
    if isinstance(exc, (requests.ReadTimeout, requests.exceptions.SSLError)):
        return False
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, MaxRetryError):
        cause = cause.reason
    return isinstance(cause, (NewConnectionError, ConnectTimeoutError))


_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")\]]+")


def memo_path(cache_dir: Path, key: str) -> Path:
    """Where the parse of one page body (by its memo key) is kept."""
    return cache_dir / PARSED_DIR / key[:2] / key


def read_memo(path: Path) -> tuple[dict, list[str] | None] | None:
    """A page's parse memo, when its checksum matches (an edited or cut memo is no memo)."""
    value = sealed.load(path)
    if not isinstance(value, tuple) or len(value) != 2:
        return None
    groups, versions = value
    if not isinstance(groups, dict) or not (versions is None or isinstance(versions, list)):
        return None
    return groups, versions


def _has_entries(cache_dir: Path) -> bool:
    """Does the cache directory hold any cached response (anything but our own small memo files)?"""
    try:
        return any(not p.name.endswith(".txt") for p in cache_dir.iterdir())
    except OSError:
        return False


def _short(exc: BaseException) -> str:
    """The useful words of a requests/urllib3/parser exception, on one line."""
    text = str(exc)
    m = _ERRNO.search(text)
    if m:
        return m.group(0).strip()
    if "timed out" in text:
        return "timed out"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return first[:200]


class IndexClient:
    """Project pages and files from one simple index."""

    def __init__(self, endpoint: str, *, cache_dir: Path, offline: bool, timeout: float, retries: int,
                 workers: int = 16, progress: bool | None = None) -> None:
        self.endpoint = endpoint.rstrip("/") + "/"
        self.offline = offline
        self.timeout = timeout
        self.retries = max(1, retries)
        self.workers = max(1, workers)
        if progress is None:
            from envlint.progress import enabled

            progress = enabled()
        self.progress = progress
        self.stats = Stats()
        self.cache_dir = cache_dir
        self._session: requests.Session | None = None
        self._files: requests.Session | None = None
        """For distribution and metadata files: no HTTP cache (wheels are never stored; see files.py)."""
        self._simple = None
        self._lock = threading.Lock()
        self._pages: dict[str, ProjectInfo | Failure] = {}
        self._down: str | None = None
        """Why the index is unreachable, once one look-up found out (later ones are not queued)."""

    # -- plumbing --------------------------------------------------------------------------------
    @property
    def budget(self) -> float:
        """Seconds one batch may take: every attempt of one look-up, with backoff between them."""
        return self.timeout * self.retries + sum(self._backoff(a) for a in range(self.retries - 1))

    @staticmethod
    def _backoff(attempt: int) -> float:
        return min(0.25 * 2 ** attempt, 2.0)

    def _client(self):  # type: ignore[no-untyped-def]
        with self._lock:
            if self._simple is None:
                from pypi_simple import PyPISimple

                from envlint.index.cache import make_plain_session, make_session

                self._session = make_session(self.cache_dir, offline=self.offline,
                                             pool_size=self.workers, stats=self.stats)
                self._files = make_plain_session(pool_size=self.workers)
                self._simple = PyPISimple(endpoint=self.endpoint, session=self._session, accept=ACCEPT)
            return self._simple

    def close(self) -> None:
        for session in (self._session, self._files):
            if session is not None:
                session.close()

    def _attempts(self, what: str, deadline: float, call: Callable[[float], T]) -> T | Failure:
        """Run ``call(timeout)`` with retries and backoff, within ``deadline``; failures become Failure."""
        import requests

        last = "no attempt made"
        unreachable = False
        for attempt in range(self.retries):
            unreachable = False
            if self._down is not None:
                return Failure(f"index unreachable: {self._down}")
            remaining = deadline - time.monotonic()
            if remaining <= 0.01:
                return Failure(f"no answer within {self.budget:g} s ({last})" if attempt else
                               f"no answer within {self.budget:g} s")
            try:
                return call(min(self.timeout, remaining))
            except OfflineMiss:
                return Failure("offline, and not in the index cache")
            except requests.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else 0
                if status == 404:
                    return Failure(f"HTTP 404 for {what}", missing=True)
                last = f"HTTP {status} from the index"
                if status < 500 and status not in (408, 429):
                    return Failure(last)
            except (requests.Timeout, requests.ConnectionError) as exc:
                unreachable = _cannot_reach(exc)
                if isinstance(exc, requests.Timeout) or "timed out" in str(exc):
                    last = f"timed out after {self.timeout:g} s"
                    last = f"cannot connect ({last})" if unreachable else last
                else:
                    last = f"cannot connect ({_short(exc)})" if unreachable else f"connection failed ({_short(exc)})"
            except requests.RequestException as exc:
                return Failure(f"request failed: {_short(exc)}")
            except _TooLarge as exc:  # a size limit of envlint's, not a fault of the index
                return Failure(str(exc))
            except _Malformed as exc:
                return Failure(f"malformed response: {exc}")
            except _TooSlow:
                return Failure(f"no answer within {self.budget:g} s (the body came too slowly)")
            if attempt + 1 < self.retries:
                time.sleep(max(0.0, min(self._backoff(attempt), deadline - time.monotonic())))
        attempts = f"{self.retries} attempt{'s' if self.retries != 1 else ''}"
        if unreachable:
            # No connection to the index at all: every look-up of the run gets this same reason. A
            # read timeout is not that: one project's page (or one file) can be slow to come.
            with self._lock:
                self._down = self._down or f"{last}, {attempts}"
            return Failure(f"index unreachable: {self._down}")
        return Failure(f"{last} ({attempts})")

    def _map(self, items: list[str], work: Callable[[str], ProjectInfo | Failure | bytes], deadline: float,
             label: str) -> dict[str, object]:
        """Run ``work`` over ``items`` on worker threads; what is not done by ``deadline`` fails.

        The workers are daemon threads of our own, not a ThreadPoolExecutor: a worker stuck reading
        from a server that never finishes its answer is abandoned at the deadline, and nothing joins
        it when the interpreter exits (concurrent.futures joins its workers at exit, which kept
        envlint running as long as the server kept sending).
        """
        results: dict[str, object] = {}
        if not items:
            return results
        pending = collections.deque(items)
        done: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
        lock = threading.Lock()

        def worker() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    item = pending.popleft()
                try:
                    value: object = work(item)
                except Exception as exc:  # a bug in parsing must not end the run
                    value = Failure(f"internal error: {type(exc).__name__}: {exc}")
                done.put((item, value))

        for i in range(min(self.workers, len(items))):
            threading.Thread(target=worker, name=f"envlint-index-{i}", daemon=True).start()
        progress = None
        if self.progress and len(items) >= PROGRESS_THRESHOLD:
            from rich.console import Console
            from rich.progress import Progress

            progress = Progress(console=Console(stderr=True), transient=True)
            task = progress.add_task(label, total=len(items))
            progress.start()
        # Each look-up stops itself at ``deadline``; the grace lets it say why (timeout, refused...).
        end = deadline + GRACE
        try:
            while len(results) < len(items):
                remaining = end - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    item, value = done.get(timeout=remaining)
                except queue.Empty:
                    break
                results[item] = value
                if progress is not None:
                    progress.advance(task)
        finally:
            with lock:
                pending.clear()  # nothing more starts; a worker still reading is abandoned
            if progress is not None:
                progress.stop()
        for item in items:
            results.setdefault(item, Failure(f"no answer within {self.budget:g} s"))
        return results

    # -- project pages ---------------------------------------------------------------------------
    def pages(self, names: Iterable[str], *, deadline: float | None = None) -> dict[str, ProjectInfo | Failure]:
        """Project pages by canonical name, fetched concurrently; each answer is kept for the run."""
        wanted = sorted({canonicalize_name(n) for n in names})
        with self._lock:
            todo = [n for n in wanted if n not in self._pages]
        if todo and self.offline and not _has_entries(self.cache_dir):
            # Offline with nothing cached: every look-up is a miss; say so without loading the client.
            with self._lock:
                for name in todo:
                    self._pages.setdefault(name, Failure("offline, and not in the index cache"))
            todo = []
        if todo:
            # Fresh pages (offline: any page) are answered here, from their parse memo, without a
            # thread, a request or even importing requests; only the rest go to the pool.
            local = {n: info for n in todo if (info := self._from_memo(n)) is not None}
            if local:
                self.stats.count(cached=len(local))
                with self._lock:
                    for name, info in local.items():
                        self._pages.setdefault(name, info)
                todo = [n for n in todo if n not in local]
        if todo:
            limit = time.monotonic() + self.budget
            limit = min(limit, deadline) if deadline is not None else limit
            fetched = self._map(todo, lambda n: self._page(n, limit), limit, "index look-ups")
            with self._lock:
                for name, value in fetched.items():
                    self._pages.setdefault(name, value)  # type: ignore[arg-type]
        with self._lock:
            return {n: self._pages[n] for n in wanted}

    def _project_url(self, name: str) -> str:
        """The page URL of a canonical name (what pypi-simple's ``get_project_url`` builds)."""
        return f"{self.endpoint}{name}/"

    def _from_memo(self, name: str) -> ProjectInfo | None:
        """The page, when its record says it is still fresh (offline: when it has one at all) and
        its parse memo is there; None sends the look-up through the session."""
        memo_dir = self.cache_dir / PARSED_DIR
        record = read_record(memo_dir, self._project_url(name))
        if record is None or not (self.offline or (record.expires is not None and time.time() < record.expires)):
            return None
        memo = read_memo(memo_path(self.cache_dir, record.memo))
        if memo is None:
            return None
        groups, versions = memo
        return ProjectInfo(name, True, groups, versions=versions, offline=self.offline, source=record.url,
                           base_url=record.url)

    def _page(self, name: str, deadline: float) -> ProjectInfo | Failure:
        import requests

        simple = self._client()
        url = self._project_url(name)

        def call(timeout: float) -> ProjectInfo:
            # stream: a cached body whose parse is memoized is never read (see _parsed_page)
            r = simple.s.get(url, timeout=timeout, headers={"Accept": simple.accept}, stream=True)
            try:
                if r.status_code == 404:
                    return ProjectInfo(name, False, offline=self.offline, source=url)
                r.raise_for_status()
                try:
                    return self._to_info(name, r, deadline)
                except requests.exceptions.InvalidJSONError as exc:
                    raise _Malformed(_short(exc)) from exc
                except (requests.RequestException, OfflineMiss, _Malformed, _TooLarge, _TooSlow):
                    raise  # e.g. a timeout while the body streams in
                except Exception as exc:  # JSON/HTML/content-type errors of a bad body
                    raise _Malformed(_short(exc)) from exc
            finally:
                r.close()

        return self._attempts(f"project {name}", deadline, call)

    def _to_info(self, name: str, r: requests.Response, deadline: float) -> ProjectInfo:
        records, versions, key = self._parsed_page(name, r, deadline)
        if not self.offline and r.status_code == 200 and servable([h.status_code for h in r.history]):
            # What the cache now holds for this page, and until when it is fresh (see freshness.py).
            requested = r.history[0].url if r.history else r.url
            write_record(self.cache_dir / PARSED_DIR, requested, PageRecord(r.url, key, fresh_until(r.headers)))
        return ProjectInfo(name, True, records, versions=versions, offline=self.offline, source=r.url,
                           base_url=r.url)

    def _parsed_page(self, name: str, r: requests.Response,
                     deadline: float) -> tuple[dict[str, tuple[str, bytes]], list[str] | None, str]:
        """The page's file records (by version, each group marshalled), PEP 700 versions and memo
        key, parsed once per distinct body.

        Parsing a large page (pydantic validation of thousands of files) costs far more than
        reading it from the HTTP cache, so the parse is memoized on disk, keyed by a digest of the
        body: a warm run that CacheControl answers from the cache (or with a 304) parses nothing,
        and unmarshals only the versions it asks about.
        """
        ctype = r.headers.get("content-type", "text/html")
        # Identify the body without reading it: its ETag, else the Date and length of the response
        # the cache holds; only a response without either is hashed.
        ident = r.headers.get("ETag") or (r.headers.get("Date", "") + "/" + r.headers.get("Content-Length", ""))
        if not getattr(r, "from_cache", False) or ident == "/":
            body = read_body(r, deadline, max_size=MAX_PAGE, what=f"the page of {name}")  # read in full: that
            # is when CacheControl stores it
            if ident == "/":
                ident = hashlib.blake2b(body, digest_size=20).hexdigest()
        key = hashlib.blake2b("\0".join((r.url, ctype, ident)).encode(), digest_size=20).hexdigest()
        memo = memo_path(self.cache_dir, key)
        kept = read_memo(memo)
        if kept is not None:
            r.close()
            return kept[0], kept[1], key
        read_body(r, deadline, max_size=MAX_PAGE, what=f"the page of {name}")
        records, versions = parse_page(name, r)
        records = [{k: v for k, v in rec.items() if k in KEPT_FIELDS} if isinstance(rec, dict) else rec
                   for rec in records]
        groups = {k: (text, pack_group(v)) for k, (text, v) in group_records(records).items()}
        if not self.offline:
            sealed.store(memo, (groups, versions))
        return groups, versions, key

    # -- files -----------------------------------------------------------------------------------
    def get_bytes(self, url: str, *, what: str, digests: Iterable[tuple[str, str]] = (),
                  deadline: float | None = None, max_size: int = MAX_DOWNLOAD) -> bytes | Failure:
        """A file's bytes (checked against the index's digests when it gave some).

        Read on a worker thread, so that a server that never finishes cannot hold the caller past
        the deadline."""
        limit = time.monotonic() + self.budget
        limit = min(limit, deadline) if deadline is not None else limit
        digests = tuple(digests)
        remembered = self._remembered(url, digests)
        if remembered is not None:
            return remembered
        got = self._map([url], lambda u: self._fetch(u, what, digests, limit, max_size), limit, "index downloads")
        return got[url]  # type: ignore[return-value]

    def _remembered(self, url: str, digests: tuple[tuple[str, str], ...]) -> bytes | None:
        data = file_memo.recall(self.cache_dir, url, digests)
        if data is not None:
            self.stats.count(cached=True)
        return data

    def _fetch(self, url: str, what: str, digests: Iterable[tuple[str, str]], limit: float,
               max_size: int = MAX_DOWNLOAD) -> bytes | Failure:
        self._client()
        assert self._session is not None
        session = self._session

        def call(timeout: float) -> bytes:
            with session.get(url, timeout=timeout, stream=True) as r:
                r.raise_for_status()
                size = r.headers.get("Content-Length", "")
                if size.isdigit() and int(size) > max_size:
                    raise _TooLarge(f"{what} is larger than {max_size // (1024 * 1024)} MB; not read")
                data = read_body(r, limit, max_size=max_size, what=what)
            for algo, expected in digests:
                if algo in hashlib.algorithms_available:
                    if hashlib.new(algo, data).hexdigest() != expected.lower():
                        raise _Malformed(f"{what} does not match its {algo} digest")
                    break
            file_memo.keep(self.cache_dir, url, data, digests)
            return data

        return self._attempts(what, limit, call)

    def get_many(self, files: Iterable[tuple[str, str, tuple[tuple[str, str], ...]]], *,
                 deadline: float | None = None) -> dict[str, bytes | Failure]:
        """Several ``(url, what, digests)`` downloads at once, by URL."""
        specs = {url: (what, digests) for url, what, digests in files}
        limit = time.monotonic() + self.budget
        limit = min(limit, deadline) if deadline is not None else limit
        known: dict[str, bytes | Failure] = {}
        for url, (_, digests) in specs.items():
            if (data := self._remembered(url, tuple(digests))) is not None:
                known[url] = data
        todo = sorted(u for u in specs if u not in known)
        fetched = self._map(todo, lambda u: self._fetch(u, specs[u][0], specs[u][1], limit),
                            limit, "index downloads") if todo else {}
        return {**known, **fetched}  # type: ignore[dict-item]


class _Malformed(Exception):
    """The index answered, but the body cannot be read."""


class _TooLarge(Exception):
    """The file is larger than envlint reads (MAX_DOWNLOAD); the index did nothing wrong."""


class _TooSlow(Exception):
    """The body was still coming in at the deadline (each read in time, the whole too slow)."""


#: Bytes read at a time while a body streams in (requests' own chunk size for ``Response.content``).
BODY_CHUNK = 10 * 1024


def read_body(r: requests.Response, deadline: float, *, max_size: int | None = None, what: str = "the body") -> bytes:
    """The response's body, read chunk by chunk with the deadline checked between chunks.

    The read timeout bounds each socket read, not the whole body: a server that sends a byte now and
    then is never timed out by it. Once read, ``r.content``, ``r.text`` and ``r.json()`` use these bytes.
    """
    if r._content_consumed and isinstance(r._content, bytes):
        return r._content
    chunks: list[bytes] = []
    size = 0
    for chunk in r.iter_content(BODY_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if max_size is not None and size > max_size:
            raise _TooLarge(f"{what} is larger than {max_size // (1024 * 1024)} MB; not read")
        if time.monotonic() > deadline:
            raise _TooSlow()
    body = b"".join(chunks)
    r._content = body
    r._content_consumed = True
    return body


def parse_page(name: str, r: requests.Response) -> tuple[list[FileRecord], list[str] | None]:
    """File records and PEP 700 versions of a project page.

    HTML (PEP 503) goes through pypi-simple's parser. JSON (PEP 691) is decoded with the standard
    library and its file objects are kept as they are: validating every file with pypi-simple's
    pydantic model cost 2.5 s for the 175,000 files of a 200-distribution environment's pages
    (76 MB), most of the 3 s budget of a cold run, for files of versions nobody asks about. The
    fields envlint reads are type-checked when a file is used (:func:`_from_record`), the page
    structure and API version here.
    """
    from mailbits import ContentType
    from pypi_simple import ProjectPage
    from pypi_simple.util import check_repo_version

    ctype = ContentType.parse(r.headers.get("content-type", "text/html")).content_type
    body = r.content
    if ctype == "application/vnd.pypi.simple.v1+json":
        if body.count(b'"filename"') > MAX_PAGE_FILES:
            raise _Malformed(f"the page lists more than {MAX_PAGE_FILES} files; not read")
        doc = r.json()
        meta = doc.get("meta") if isinstance(doc, dict) else None
        files = doc.get("files") if isinstance(doc, dict) else None
        if not isinstance(meta, dict) or not isinstance(meta.get("api-version"), str) or not isinstance(files, list):
            raise _Malformed("not a PEP 691 project page (no meta.api-version or files list)")
        if len(files) > MAX_PAGE_FILES:
            raise _Malformed(f"the page lists more than {MAX_PAGE_FILES} files; not read")
        if not all(isinstance(f, dict) and isinstance(f.get("filename"), str) and isinstance(f.get("url"), str)
                   for f in files):
            # what pip and pypi-simple refuse too: a page that cannot be trusted to list the files
            raise _Malformed("a file entry without a string filename and url")
        check_repo_version(meta["api-version"])
        versions = doc.get("versions")
        if versions is not None and not (isinstance(versions, list) and all(isinstance(v, str) for v in versions)):
            versions = None
        return files, versions
    if body.count(b"<a") + body.count(b"<A") > MAX_PAGE_FILES:
        raise _Malformed(f"the page lists more than {MAX_PAGE_FILES} files; not read")
    page = ProjectPage.from_response(r, name)
    return [record_of(p) for p in page.packages], page.versions


def metadata_url(file: IndexFile) -> str:
    """PEP 658: the metadata file sits next to the distribution file."""
    return file.url.partition("#")[0] + ".metadata"
