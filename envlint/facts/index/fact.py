"""The ``index`` fact: a lazy view of the package index that rules ask for the names they need.

Building the fact touches nothing; the first ``project_pages(names)`` call fetches every name it
is given concurrently, and later calls reuse the answers. A failed look-up is recorded once as a
``Skipped("index: <name>", reason)`` entry and comes back as ``None``, so a rule can never mistake
a timeout or an offline cache miss for "not on the index".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from envlint.diagnostics import Skipped
from envlint.index.endpoint import cache_dir_of, pypi_endpoint, same_index
from envlint.index.metadata import DistMetadata, build_requires_from_sdist
from envlint.index.models import IndexFile, ProjectInfo

if TYPE_CHECKING:
    from envlint.facts import Context
    from envlint.index.client import IndexClient

# requests and CacheControl (~0.15 s to import) load only when a run builds the index fact, not
# whenever a rule module that mentions the index is imported.


class LookupFailed(Exception):
    """A look-up the caller cannot do without failed (already recorded as a skipped entry)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class Index:
    """Answers about one simple index (PyPI unless ``index-url`` says otherwise)."""

    def __init__(self, client: IndexClient, skipped: list[Skipped], *, is_pypi: bool) -> None:
        self.client = client
        self.is_pypi = is_pypi
        self.label = "PyPI" if is_pypi else client.endpoint
        """How findings name the index: 'PyPI' or the index URL."""
        self._skipped = skipped
        self._recorded: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._metadata: dict[str, DistMetadata | None] = {}
        self._build_requires: dict[str, tuple[Requirement, ...] | None] = {}
        self._others: dict[str, Index] = {}
        self._metadata_reader = None
        self._failed: dict[str, object] = {}
        """Prefetches that failed, by file URL (reported when the file is asked for)."""

    @property
    def offline(self) -> bool:
        return self.client.offline

    def other(self, endpoint: str) -> Index:
        """The same look-ups against another simple index (an ``extra-index-url`` of the pip configuration),
        with this one's cache, timeouts and offline setting; its failures are skipped entries too."""
        from envlint.index.client import IndexClient

        with self._lock:
            if endpoint not in self._others:
                c = self.client
                client = IndexClient(endpoint, cache_dir=c.cache_dir, offline=c.offline, timeout=c.timeout,
                                     retries=c.retries)
                self._others[endpoint] = Index(client, self._skipped, is_pypi=False)
            return self._others[endpoint]

    def skip(self, what: str, reason: str) -> None:
        with self._lock:
            if (what, reason) not in self._recorded:
                self._recorded.add((what, reason))
                self._skipped.append(Skipped(what, reason))

    # -- project pages ---------------------------------------------------------------------------
    def project_pages(self, names: Iterable[str], *, deadline: float | None = None) -> dict[str, ProjectInfo | None]:
        """canonical name -> its page (``exists`` False for "no such project"), or None when the
        look-up failed (then a skipped entry says why)."""
        from envlint.index.client import Failure

        out: dict[str, ProjectInfo | None] = {}
        for name, value in self.client.pages(names, deadline=deadline).items():
            if isinstance(value, Failure):
                self.skip(f"index: {name}", value.reason)
                out[name] = None
            else:
                out[name] = value
        return out

    def project(self, name: str, *, deadline: float | None = None) -> ProjectInfo | None:
        name = canonicalize_name(name)
        return self.project_pages([name], deadline=deadline)[name]

    # -- files -----------------------------------------------------------------------------------
    def metadata(self, project: str, file: IndexFile, *, deadline: float | None = None) -> DistMetadata | None:
        """Core metadata of one file: PEP 658 when served, else read from the wheel (by range requests).

        None when it cannot be known without building (an sdist without a metadata file). Raises
        :class:`LookupFailed` when the index did not answer.
        """
        from envlint.index.client import Failure

        if file.url not in self._metadata:
            got = self._failed.pop(file.url, None) or self._reader().many([file], deadline=deadline)[file.url]
            if isinstance(got, Failure):
                self.skip(f"index: {project}", f"{file.filename}: {got.reason}")
                raise LookupFailed(project, got.reason)
            self._keep(file, got)
        return self._metadata[file.url]

    def prefetch_metadata(self, files: Iterable[IndexFile], *, deadline: float | None = None) -> None:
        """Read the metadata of several files concurrently so that later :meth:`metadata` calls are
        local (a failure is kept for :meth:`metadata` to report, when it is asked for that file)."""
        from envlint.index.client import Failure

        wanted = {f.url: f for f in files if f.url not in self._metadata and f.url not in self._failed and (f.kind == "wheel" or f.has_metadata)}
        if not wanted:
            return
        for url, got in self._reader().many(wanted.values(), deadline=deadline).items():
            if isinstance(got, Failure):
                self._failed[url] = got
            else:
                self._keep(wanted[url], got)

    def known_metadata(self, file: IndexFile) -> DistMetadata | None:
        """The metadata already read for a file in this run (never asks the index)."""
        return self._metadata.get(file.url)

    def _keep(self, file: IndexFile, meta: DistMetadata | None) -> None:
        if meta is not None and file.kind == "sdist" and not meta.requires_final:
            meta = None
        self._metadata[file.url] = meta

    def _reader(self):  # type: ignore[no-untyped-def]
        from envlint.index.files import MetadataReader

        with self._lock:
            if self._metadata_reader is None:
                self._metadata_reader = MetadataReader(self.client)
            return self._metadata_reader

    def build_requires_many(self, sdists: Iterable[tuple[str, IndexFile]], *,
                            deadline: float | None = None) -> dict[str, tuple[Requirement, ...] | None]:
        """``[build-system] requires`` of sdists (``(project, file)`` pairs), read from the archives,
        downloaded concurrently; by file URL, None when unknown (too large, unreadable, failed)."""
        from envlint.index.client import MAX_DOWNLOAD, Failure

        items = {f.url: (project, f) for project, f in sdists}
        todo = [(url, f.filename, f.digests) for url, (_, f) in sorted(items.items())
                if url not in self._build_requires and (f.size is None or f.size <= MAX_DOWNLOAD)]
        got = self.client.get_many(todo, deadline=deadline) if todo else {}
        for url, data in got.items():
            project, f = items[url]
            if isinstance(data, Failure):
                if not data.missing:
                    self.skip(f"index: {project}", f"{f.filename}: {data.reason}")
                self._build_requires[url] = None
            else:
                self._build_requires[url] = build_requires_from_sdist(data, f.filename)
        return {url: self._build_requires.get(url) for url in items}


def build(ctx: Context) -> Index:
    from envlint.index.client import IndexClient
    config = ctx.config
    cache_dir = cache_dir_of(config.cache_dir)
    pypi = pypi_endpoint(cache_dir)
    endpoint = config.index_url or pypi
    client = IndexClient(endpoint, cache_dir=cache_dir, offline=config.offline, timeout=config.timeout,
                         retries=config.retries)
    is_pypi = same_index(endpoint, pypi)
    return Index(client, ctx.skipped, is_pypi=is_pypi)


def deadline_in(seconds: float) -> float:
    return time.monotonic() + seconds
