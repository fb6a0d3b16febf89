"""The HTTP session for index look-ups: CacheControl over a file cache, plus an offline mode.

CacheControl implements HTTP caching for ``requests`` (freshness from ``Cache-Control``/``Expires``,
revalidation with ``ETag``/``If-None-Match``) the way pip does; a FileCache keeps responses between
runs in the user cache dir (platformdirs). Writing that ourselves would mean re-deriving RFC 9111.

``--offline`` swaps in :class:`OfflineAdapter`: it answers from the cache *regardless of freshness*
and never opens a socket; a miss raises :class:`OfflineMiss` (the look-up is then skipped, never
read as "not on the index").

A page that is still fresh never reaches this session: envlint.index.freshness turns the headers
this cache serves (this heuristic's ``max-age`` included) into an expiry stored next to the parse
memo, and the client answers such a page from the memo alone.
"""

from __future__ import annotations

import hashlib
import io
import os
import ssl
import threading
import weakref
from email.utils import formatdate
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import requests
from cachecontrol import CacheControlAdapter
from cachecontrol.cache import SeparateBodyBaseCache
from cachecontrol.controller import CacheController
from cachecontrol.caches import SeparateBodyFileCache
from cachecontrol.heuristics import BaseHeuristic

from envlint import __version__
from envlint.index.freshness import DEFAULT_MAX_AGE, OfflineMiss, Stats, default_cache_dir  # noqa: F401

USER_AGENT = f"envlint/{__version__} (+package-sync linter)"


_TLS: dict[tuple[str | None, str | None], ssl.SSLContext] = {}
_TLS_LOCK = threading.Lock()


def _tls_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    with _TLS_LOCK:  # once, even when sixteen connections open at the same moment
        if (cafile, capath) not in _TLS:
            _TLS[(cafile, capath)] = ssl.create_default_context(cafile=cafile, capath=capath)
        return _TLS[(cafile, capath)]


class SharedTLSContext:
    """Verify TLS with one context per CA bundle, loaded once, not once per connection.

    With ``REQUESTS_CA_BUNDLE`` (or a ``verify`` path), requests hands urllib3 the bundle's path and
    urllib3 loads it into a new context for every connection it opens: 0.1 s of CPU each on a
    busy machine for a system bundle, dozens of times in a cold run. The same bundle, verified the
    same way, goes into one context here.
    """

    def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None
                                             ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(  # type: ignore[misc]
            request, verify, cert)
        cafile, capath = pool_kwargs.get("ca_certs"), pool_kwargs.get("ca_cert_dir")
        if (cafile or capath) and host_params.get("scheme") == "https" and "ssl_context" not in pool_kwargs:
            try:
                pool_kwargs["ssl_context"] = _tls_context(cafile, capath)
            except (OSError, ssl.SSLError):
                return host_params, pool_kwargs  # let urllib3 report the bad bundle as it would
            pool_kwargs.pop("ca_certs", None)
            pool_kwargs.pop("ca_cert_dir", None)
        return host_params, pool_kwargs

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        super().cert_verify(conn, url, verify, cert)  # type: ignore[misc]
        # requests sets the bundle's path on the pool again; the pool's context already holds it
        if isinstance(verify, str) and getattr(conn, "conn_kw", {}).get("ssl_context") is not None:
            conn.ca_certs = None
            conn.ca_cert_dir = None


class CountingAdapter(SharedTLSContext, CacheControlAdapter):
    """CacheControl's adapter, counting what reached the network and what the cache answered."""

    def __init__(self, stats: Stats, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stats = stats

    def build_response(self, request: Any, response: Any, from_cache: bool = False,  # type: ignore[override]
                       cacheable_methods: Any = None) -> requests.Response:
        if from_cache:
            self.stats.count(cached=True)
        else:
            self.stats.count(network=True, revalidated=response.status == 304)
        return super().build_response(request, response, from_cache, cacheable_methods)


class OfflineAdapter(CountingAdapter):
    """Answer from the cache only, stale or not; a miss is :class:`OfflineMiss`."""

    def send(self, request: Any, stream: bool = False, timeout: Any = None, verify: Any = True,  # type: ignore[override]
             cert: Any = None, proxies: Any = None, cacheable_methods: Any = None) -> requests.Response:
        key = self.controller.cache_url(request.url)
        data = self.cache.get(key)
        body = self.cache.get_body(key) if isinstance(self.cache, SeparateBodyBaseCache) and data else None
        cached = self.controller.serializer.loads(request, data, body) if data else None
        if cached is None:
            raise OfflineMiss(request.url)
        return self.build_response(request, cached, from_cache=True)


class DefaultFreshness(BaseHeuristic):
    """A response that says nothing about caching (no Cache-Control, Expires, ETag or Last-Modified,
    as some proxies and mirrors serve the index) is fresh for ``seconds``: PyPI itself gives its
    simple pages ``max-age=600``. Responses that do say something are left alone."""

    def __init__(self, seconds: int = DEFAULT_MAX_AGE) -> None:
        self.seconds = seconds

    def update_headers(self, response: Any) -> dict[str, str]:
        headers = response.headers
        if response.status != 200 or any(h in headers for h in ("cache-control", "expires", "etag", "last-modified")):
            return {}
        out = {"cache-control": f"max-age={self.seconds}"}
        if "date" not in headers:
            out["date"] = formatdate(usegmt=True)
        return out

    def warning(self, response: Any) -> str | None:
        return None


class VerifiedFileCache(SeparateBodyFileCache):
    """CacheControl's file cache, with every body checked against a digest written beside it.

    A body that was edited (even keeping its length) or cut short on disk fails the check: the
    whole entry then reads as absent, so the page is fetched again (online) or the look-up is
    skipped (offline) -- never parsed into findings, and never kept failing until it expires.
    """

    _SUFFIX = ".sum"

    @staticmethod
    def _digest(body: bytes) -> bytes:
        return hashlib.blake2b(body, digest_size=32).digest()

    def set_body(self, key: str, body: bytes) -> None:
        super().set_body(key, body)
        self._write(self._fn(key) + self._SUFFIX, self._digest(body))

    def _verified(self, key: str) -> bytes | None:
        name = self._fn(key)
        try:
            with open(name + self._SUFFIX, "rb") as fh:
                expected = fh.read(64)
            with open(name + ".body", "rb") as fh:
                body = fh.read()
        except OSError:
            return None
        return body if self._digest(body) == expected else None

    def get(self, key: str) -> bytes | None:
        data = super().get(key)
        if data is not None and self._verified(key) is None:
            self.delete(key)  # an entry whose body cannot be trusted is no entry
            return None
        return data

    def get_body(self, key: str) -> IO[bytes] | None:
        body = self._verified(key)
        return io.BytesIO(body) if body is not None else None

    def delete(self, key: str) -> None:
        super().delete(key)
        try:
            os.remove(self._fn(key) + self._SUFFIX)
        except OSError:
            pass


class ValidatedOnlyController(CacheController):
    """Keep only project pages that can be revalidated (an ETag or Last-Modified); files as before.

    A page without validators can only be downloaded again once stale, so its body is worth nothing
    after its freshness (the heuristic's 600 s); within it, the page is answered from its parse memo
    and record (envlint.index.freshness), which are made from the same headers. Not storing such
    bodies is most of the cache: an index that sends no validators (as some mirrors do) otherwise
    left every page twice on disk, as a body and as a parse."""

    def cache_response(self, request: Any, response_or_ref: Any, body: bytes | None = None,
                       status_codes: Any = None) -> None:
        response = response_or_ref() if isinstance(response_or_ref, weakref.ReferenceType) else response_or_ref
        page = "vnd.pypi.simple" in (request.headers.get("Accept") or "")
        if page and response is not None and "etag" not in response.headers \
                and "last-modified" not in response.headers:
            return
        super().cache_response(request, response_or_ref, body, status_codes)


class _Session(requests.Session):
    """A session that reads proxy/CA/netrc settings from the environment once per host, not per request
    (requests scans every environment variable on each call, which dominates a warm run)."""

    def __init__(self) -> None:
        super().__init__()
        self._settings: dict[tuple, dict[str, Any]] = {}
        self._settings_lock = threading.Lock()

    def merge_environment_settings(self, url, proxies, stream, verify, cert):  # type: ignore[no-untyped-def]
        if proxies:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, stream, verify, cert)
        with self._settings_lock:
            if key not in self._settings:
                self._settings[key] = super().merge_environment_settings(url, proxies, stream, verify, cert)
            return dict(self._settings[key])


def make_session(cache_dir: Path, *, offline: bool, pool_size: int, stats: Stats) -> requests.Session:
    """A requests session whose http(s) traffic goes through the cache (or only to it, offline)."""
    session = _Session()
    session.headers["User-Agent"] = USER_AGENT
    # Bodies in files of their own: a fresh hit reads the small header record, and the body only
    # when it is read (a page whose parse is memoized is never read).
    cache = VerifiedFileCache(str(cache_dir))
    cls = OfflineAdapter if offline else CountingAdapter
    adapter = cls(stats, cache=cache, heuristic=DefaultFreshness(), controller_class=ValidatedOnlyController,
                  pool_connections=pool_size,
                  pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def make_plain_session(*, pool_size: int) -> requests.Session:
    """A session without the HTTP cache, for distribution files and their metadata: what is kept of
    them is the parsed metadata (envlint.index.files), never the files."""
    from requests.adapters import HTTPAdapter

    class _Adapter(SharedTLSContext, HTTPAdapter):
        pass

    session = _Session()
    session.headers["User-Agent"] = USER_AGENT
    adapter = _Adapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
