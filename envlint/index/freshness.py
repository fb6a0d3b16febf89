"""When a cached project page may be answered without asking the index: freshness, and the page records.

A warm run should not pay for HTTP at all. Going through ``requests`` and CacheControl costs about
2 ms per cached page (building a prepared request, unpickling the cached response, wrapping it in a
``Response``) and importing them costs a tenth of a second more, which alone was most of the
0.3 s a 200-distribution warm run may take. So a page that is still *fresh* is answered from its
parse memo (see ``client.IndexClient._parsed_page``) without going through the session.

Where freshness comes from, and why it is stored here: CacheControl keeps the response headers it
serves (with :class:`envlint.index.cache.DefaultFreshness`'s ``max-age`` already added to a response
that said nothing about caching), but reading that record means importing requests, urllib3 and
CacheControl's serializer, which is the cost being avoided. So whenever the session hands us a
project page (downloaded, revalidated with a 304, or answered from its cache), :func:`fresh_until`
turns *those same headers* into an expiry time, and :func:`write_record` stores it next to the parse
memo, keyed by the page URL and the Accept header. The headers CacheControl holds stay the single
source: the record is a derivation of them, rewritten every time the session serves the page, and
:func:`fresh_until` follows CacheControl's own rule (``Controller.cached_request``: ``max-age``, else
``Expires - Date``, fresh while the age is below that lifetime), leaning to "stale" where they
could differ (a response's ``no-cache``), so that a page is never answered locally when CacheControl
would revalidate it: what the record calls stale goes through the session, which answers it from
its cache or revalidates it with its ETag.

``--offline`` answers from any record, fresh or not, exactly as the offline adapter answers from
any cached response.

Nothing here imports requests, CacheControl or pypi-simple.
"""

from __future__ import annotations

import calendar
import hashlib
import marshal
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_tz
from pathlib import Path

from envlint.index.endpoint import default_cache_dir  # noqa: F401  (where it used to live)

#: Seconds a page whose response says nothing about caching stays fresh (PyPI gives ``max-age=600``).
DEFAULT_MAX_AGE = 600

#: What the client asks for: PEP 691 JSON first, PEP 503 HTML as the fallback (pypi-simple's
#: ``ACCEPT_ANY``, spelled here so that the fast path knows the request without importing it).
ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html, text/html;q=0.01"

#: Statuses CacheControl answers from its cache (a page served through a redirect counts only when
#: every hop is a permanent redirect CacheControl keeps).
_PERMANENT_REDIRECTS = (301, 308)

#: Under the parse memo directory: one record per page URL.
RECORDS = "urls"


class OfflineMiss(Exception):
    """Offline, and the cache has no answer for this URL."""


@dataclass
class Stats:
    """What the session did: requests that reached the network, and answers from the cache."""

    network: int = 0
    """Responses that came over the network (including 304 revalidations)."""
    revalidated: int = 0
    """304 Not Modified answers (the cached body was reused)."""
    from_cache: int = 0
    """Answers served from the cache without touching the network (a fresh page's record included)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, *, network: int = 0, revalidated: int = 0, cached: int = 0) -> None:
        with self._lock:
            self.network += network
            self.revalidated += revalidated
            self.from_cache += cached


def _cache_control(value: str) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for part in value.split(","):
        key, _, arg = part.strip().partition("=")
        key = key.strip().lower()
        if key:
            arg = arg.strip().strip('"')
            out[key] = int(arg) if arg.isdigit() else None
    return out


def fresh_until(headers: Mapping[str, str]) -> float | None:
    """Until when (epoch seconds) a cached 200 with these headers is fresh; None when never.

    The rule of CacheControl's ``Controller.cached_request``: no ``Date``, no freshness; the
    lifetime is ``max-age``, else ``Expires - Date``; ``no-store`` (not cached) and ``Vary: *``
    (never matches) are never fresh. ``headers`` must be case-insensitive (as requests' are).
    """
    date_text = headers.get("date")
    if not date_text:
        return None
    cc = _cache_control(headers.get("cache-control", ""))
    if "no-store" in cc or "no-cache" in cc or "*" in headers.get("vary", ""):
        return None
    parsed = parsedate_tz(date_text)
    if parsed is None:
        return None
    date = calendar.timegm(parsed[:6])
    lifetime: int | None = None
    if "max-age" in cc:
        lifetime = cc["max-age"]
    elif headers.get("expires"):
        expires = parsedate_tz(headers["expires"])
        lifetime = calendar.timegm(expires[:6]) - date if expires is not None else None
    if not lifetime or lifetime <= 0:
        return None
    return float(date + lifetime)


@dataclass(frozen=True)
class PageRecord:
    """What the last answer of the session for a page URL was: its parse memo and its expiry."""

    url: str
    """The page's final URL (after permanent redirects): file URLs are joined to it."""
    memo: str
    """The parse memo's key (``client.memo_path``)."""
    expires: float | None
    """Epoch seconds until which the page is fresh (None: always revalidate)."""


def record_path(memo_dir: Path, url: str, accept: str = ACCEPT) -> Path:
    key = hashlib.blake2b(f"{url}\0{accept}".encode(), digest_size=20).hexdigest()
    return memo_dir / RECORDS / key[:2] / key


def read_record(memo_dir: Path, url: str, accept: str = ACCEPT) -> PageRecord | None:
    try:
        final, memo, expires = marshal.loads(record_path(memo_dir, url, accept).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(final, str) or not isinstance(memo, str) or not isinstance(expires, (float, type(None))):
        return None
    return PageRecord(final, memo, expires)


def write_record(memo_dir: Path, url: str, record: PageRecord, accept: str = ACCEPT) -> None:
    """Store (atomically) the record; a read-only or full cache dir only costs speed."""
    path = record_path(memo_dir, url, accept)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(marshal.dumps((record.url, record.memo, record.expires)))
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass


def servable(response_history: list[int]) -> bool:
    """Would CacheControl answer this page again from its cache (every redirect hop permanent)?"""
    return all(status in _PERMANENT_REDIRECTS for status in response_history)
