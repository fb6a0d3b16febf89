"""What the index says about a project, reduced to what the rules judge: files, versions, tags, yanks.

Built from ``pypi_simple.ProjectPage`` (which already folds PEP 503 HTML, PEP 691 JSON and the PEP 700
fields into one shape); this module only adds the wheel-tag and version parsing the rules need and
the "what would the target get for name==version" verdict.
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Protocol
from urllib.parse import urljoin

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.utils import canonicalize_version, parse_sdist_filename, parse_wheel_filename
from packaging.version import InvalidVersion, Version


class WheelTarget(Protocol):
    """What this module needs to know of the workers (the target fact has it): the index client sits
    below the facts and never imports them."""

    @property
    def python(self) -> str:
        """The target Python's version, e.g. ``3.11.4``."""

    @property
    def python_version(self) -> tuple[int, int, int]: ...

    @property
    def platform_tags(self) -> tuple[str, ...]:
        """Platform tags the workers accept, best first."""

    @property
    def tags(self) -> frozenset[Tag]:
        """Every wheel tag the target interpreter accepts."""


#: Archive suffixes of sdists pip installs: .tar.gz and .zip (PEP 625), and the legacy ones it still
#: accepts (pip's ``SUPPORTED_EXTENSIONS`` less wheels). packaging's parser knows only the first two.
SDIST_SUFFIXES = (".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma",
                  ".tar")

#: Verdicts of :meth:`ProjectInfo.availability`.
NO_PROJECT = "no-project"
NO_VERSION = "no-version"
WHEEL = "wheel"
SDIST_ONLY = "sdist-only"
NO_COMPATIBLE_FILE = "no-compatible-file"


@dataclass(frozen=True)
class IndexFile:
    """One file of a project page."""

    filename: str
    url: str
    kind: str
    """'wheel' or 'sdist' (other package types are dropped: installers never pick them)."""
    version: Version
    tags: frozenset[Tag] = frozenset()
    """Wheel tags (empty for an sdist)."""
    requires_python: str | None = None
    yanked: bool = False
    yanked_reason: str | None = None
    has_metadata: bool = False
    """PEP 658/714: a ``<url>.metadata`` file is served."""
    metadata_digests: tuple[tuple[str, str], ...] = ()
    digests: tuple[tuple[str, str], ...] = ()
    size: int | None = None

    @property
    def is_platform_specific(self) -> bool:
        return self.kind == "wheel" and all(t.platform != "any" for t in self.tags)

    def accepts_python(self, target: WheelTarget) -> bool:
        return python_ok(self.requires_python, target.python)

    def accepts_python_text(self, python: str) -> bool:
        return python_ok(self.requires_python, python)

    def installs_on(self, target: WheelTarget) -> bool:
        """A wheel the target's installer picks (tags and Requires-Python)."""
        return self.kind == "wheel" and bool(self.tags & target.tags) and self.accepts_python(target)


@lru_cache(maxsize=4096)
def python_ok(requires_python: str | None, python: str) -> bool:
    """Does a Requires-Python accept ``python`` (memoized: pages repeat a handful of values)?"""
    if not requires_python:
        return True
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True  # installers ignore a broken Requires-Python too
    return spec.contains(Version(python), prereleases=True)


@dataclass(frozen=True)
class Availability:
    """What the target's installer gets for ``name==version`` from this index."""

    status: str
    """One of NO_PROJECT, NO_VERSION, WHEEL, SDIST_ONLY, NO_COMPATIBLE_FILE."""
    files: tuple[IndexFile, ...] = ()
    """Every file of that version."""
    wheel: IndexFile | None = None
    """The best wheel for the target, when there is one."""
    sdist: IndexFile | None = None

    @property
    def yanked(self) -> bool:
        """PEP 592: a version is yanked when every one of its files is."""
        return bool(self.files) and all(f.yanked for f in self.files)

    @property
    def yanked_reason(self) -> str | None:
        reasons = sorted({f.yanked_reason.strip() for f in self.files if f.yanked and f.yanked_reason
                          and f.yanked_reason.strip()})
        return "; ".join(reasons) or None


class ProjectInfo:
    """A project page: ``exists`` is False when the index answered 404 (no such project).

    Pages can be large (thousands of files for long-lived projects), so a file is parsed (wheel
    tags, URL joined) only when its version is asked about: a look-up costs the versions it needs.
    """

    def __init__(self, name: str, exists: bool,
                 entries: Sequence[FileRecord] | Mapping[str, tuple[str, bytes]] = (), *,
                 versions: Sequence[str] | None = None,
                 offline: bool = False, source: str = "", base_url: str | None = None) -> None:
        self.name = name
        """Canonical name."""
        self.exists = exists
        self.versions = tuple(versions) if versions is not None else None
        """PEP 700 ``versions`` (None when the index does not send it, e.g. HTML pages)."""
        self.offline = offline
        """Served from the cache without asking the index (``--offline``): it may be stale."""
        self.source = source
        """The page's URL."""
        self._entries = entries
        """The page's files as :data:`FileRecord` tuples, or already grouped by version key with each
        group still marshalled (from the parse memo); parsed into IndexFile per version on demand."""
        self._base_url = base_url
        self._parsed: dict[Version, tuple[IndexFile, ...]] = {}

    def __repr__(self) -> str:
        return f"ProjectInfo({self.name!r}, exists={self.exists}, files={len(self._entries)})"

    @cached_property
    def _records(self) -> dict[str, tuple[str, tuple[FileRecord, ...] | bytes]]:
        """version key (:func:`version_key`) -> (the version as written, the records of its files)."""
        if isinstance(self._entries, dict):
            return self._entries
        return group_records(self._entries)

    @cached_property
    def all_versions(self) -> tuple[Version, ...]:
        """Versions that have at least one file, newest first."""
        return tuple(sorted((Version(text) for text, _ in self._records.values()), reverse=True))

    @property
    def files(self) -> tuple[IndexFile, ...]:
        """Every file (parses the whole page: prefer :meth:`files_for`)."""
        return tuple(f for v in self.all_versions for f in self.files_for(v))

    def files_for(self, version: Version | str) -> tuple[IndexFile, ...]:
        try:
            v = version if isinstance(version, Version) else Version(version)
        except InvalidVersion:
            return ()
        if v not in self._parsed:
            records = self._records.get(version_key(v), ("", ()))[1]
            if isinstance(records, bytes):  # kept packed until asked for
                records = unpack_group(records)
            files = (_from_record(e, self._base_url) for e in records)
            # the filename's own version decides (``1.0`` and ``1.0.0`` are one version)
            self._parsed[v] = tuple(f for f in files if f is not None and f.version == v)
        return self._parsed[v]

    def may_accept_python(self, version: Version, python: str) -> bool:
        """Does any file of ``version`` accept ``python`` by its Requires-Python? Read from the raw
        records, without parsing the files (a cheap test before :meth:`files_for`)."""
        if version in self._parsed:
            return any(f.accepts_python_text(python) for f in self._parsed[version])
        records = self._records.get(version_key(version), ("", ()))[1]
        if isinstance(records, bytes):
            records = unpack_group(records)
        for rec in records:
            value = rec.get("requires-python") if isinstance(rec, dict) else None
            if python_ok(value if isinstance(value, str) else None, python):
                return True
        return False

    def availability(self, version: Version | str, target: WheelTarget) -> Availability:
        if not self.exists:
            return Availability(NO_PROJECT)
        files = self.files_for(version)
        if not files:
            return Availability(NO_VERSION)
        wheels = [f for f in files if f.installs_on(target)]
        sdist = next((f for f in files if f.kind == "sdist"), None)
        if wheels:
            return Availability(WHEEL, files, best_wheel(wheels, target), sdist)
        if sdist is not None:
            return Availability(SDIST_ONLY, files, None, sdist)
        return Availability(NO_COMPATIBLE_FILE, files)

    def newest_with_wheel(self, target: WheelTarget, *, include_prereleases: bool = False) -> Version | None:
        """The newest non-yanked version with a wheel for the target."""
        for v in self.all_versions:
            if v.is_prerelease and not include_prereleases:
                continue
            if any(f.installs_on(target) and not f.yanked for f in self.files_for(v)):
                return v
        return None


def pack_group(records: tuple[FileRecord, ...]) -> bytes:
    """One version's file records as stored in a page's parse memo: marshalled, then compressed
    (a third of the size; a run decompresses only the versions it asks about)."""
    return zlib.compress(marshal.dumps(records), 1)


def unpack_group(data: bytes) -> tuple[FileRecord, ...]:
    try:
        value = marshal.loads(zlib.decompress(data))
    except (zlib.error, EOFError, ValueError, TypeError):
        return ()
    return value if isinstance(value, tuple) else ()


def version_key(v: Version) -> str:
    """One string per version as installers compare them (``1.0`` == ``1.0.0``, ``2022.05.1`` == ``2022.5.1``)."""
    return canonicalize_version(v, strip_trailing_zero=True)


def group_records(records: Iterable[FileRecord]) -> dict[str, tuple[str, tuple[FileRecord, ...]]]:
    """Records by :func:`version_key` of the version their filename carries, with that version as
    first written (files with an unparsable version are dropped)."""
    groups: dict[str, tuple[str, list[FileRecord]]] = {}
    keys: dict[str, str | None] = {}
    for rec in records:
        text = _version_text(rec["filename"]) if isinstance(rec, dict) and isinstance(rec.get("filename"), str) \
            else None
        if text is None:
            continue
        if text not in keys:
            try:
                keys[text] = version_key(Version(text))
            except InvalidVersion:
                keys[text] = None
        key = keys[text]
        if key is not None:
            groups.setdefault(key, (text, []))[1].append(rec)
    return {k: (text, tuple(v)) for k, (text, v) in groups.items()}


def _version_text(filename: str) -> str | None:
    """The version part of a wheel or sdist filename, by string slicing (no full parse)."""
    if filename.endswith(".whl"):
        parts = filename.split("-")
        return parts[1] if len(parts) >= 5 else None
    suffix = sdist_suffix(filename)
    if suffix is None:
        return None
    return filename[: -len(suffix)].rpartition("-")[2] or None


def sdist_suffix(filename: str) -> str | None:
    """The sdist archive suffix of ``filename`` (``.tar.gz``, ``.tar.bz2``, ...), or None."""
    return next((s for s in SDIST_SUFFIXES if filename.endswith(s)), None)


#: One file of a page, as a PEP 691 file object (a dict with the JSON keys: ``filename``, ``url``,
#: ``hashes``, ``requires-python``, ``yanked``, ``core-metadata``, ``size``); HTML pages are turned
#: into the same shape. Kept as plain data so that it marshals between runs.
FileRecord = dict


def record_of(pkg: Any) -> FileRecord:
    """A FileRecord from pypi-simple's PEP 503 ``DistributionPackage`` (HTML pages)."""
    metadata: Any = False
    if pkg.has_metadata:
        metadata = dict(pkg.metadata_digests or {}) or True
    return {"filename": pkg.filename, "url": pkg.url, "hashes": dict(pkg.digests or {}),
            "requires-python": pkg.requires_python, "yanked": (pkg.yanked_reason or True) if pkg.is_yanked else False,
            "core-metadata": metadata, "size": pkg.size}


def _from_record(rec: Any, base_url: str | None) -> IndexFile | None:
    """An IndexFile from a PEP 691 file object; None when it is not one (fields of the wrong type)."""
    if not isinstance(rec, dict):
        return None
    filename, url = rec.get("filename"), rec.get("url")
    if not isinstance(filename, str) or not isinstance(url, str):
        return None
    hashes = rec.get("hashes")
    hashes = {k: v for k, v in hashes.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(hashes, dict) else {}
    requires_python = rec.get("requires-python")
    yanked = rec.get("yanked", False)
    # PEP 714 renamed dist-info-metadata to core-metadata; indexes may still send the old key.
    metadata = rec.get("core-metadata", rec.get("dist-info-metadata", False))
    size = rec.get("size")
    try:
        url = _join(base_url, url) if base_url else url
    except ValueError:  # "http://[oops": no installer can fetch it either
        return None
    return index_file(filename, url,
                      requires_python=requires_python if isinstance(requires_python, str) else None,
                      yanked=bool(yanked), yanked_reason=yanked if isinstance(yanked, str) else None,
                      has_metadata=bool(metadata),
                      metadata_digests={k: v for k, v in metadata.items() if isinstance(v, str)}
                      if isinstance(metadata, dict) else None,
                      digests=hashes, size=size if isinstance(size, int) and not isinstance(size, bool) else None)


#: Characters after which a URL is not plain "scheme://host/path/name" (query, fragment, params,
#: IPv6 hosts, escapes, dot segments): such URLs always go through urljoin.
_UNPLAIN = frozenset("?#;[%\\")


def _join(base_url: str, url: str) -> str:
    """``urljoin(base_url, url)``, without re-parsing both URLs for every file of a page.

    A plain absolute URL (PyPI's, and every HTML page pypi-simple already resolved) is returned as
    it is, which is what urljoin returns for it; a plain relative one is joined directory first
    (once per page and directory) and its file name appended. Anything else goes to urljoin.
    """
    if _UNPLAIN.isdisjoint(url) and "/." not in url and not url.startswith("."):
        if url.startswith(("https://", "http://")) and url.count("/") >= 3:
            return url
    directory, slash, name = url.rpartition("/")
    if slash and name and name not in (".", "..") and _UNPLAIN.isdisjoint(name) and not url.startswith("//") \
            and ":" not in url.partition("/")[0]:
        return _join_dir(base_url, directory + "/") + name
    return urljoin(base_url, url)


@lru_cache(maxsize=256)
def _join_dir(base_url: str, directory: str) -> str:
    return urljoin(base_url, directory)


def best_wheel(wheels: Iterable[IndexFile], target: WheelTarget) -> IndexFile:
    """The wheel the installer would prefer: the most specific tag in the target's order."""
    order = _tag_order(target.python_version[:2], target.platform_tags)
    worst = len(order)
    return min(wheels, key=lambda f: (min((order.get(t, worst) for t in f.tags), default=worst), f.filename))


@lru_cache(maxsize=8)
def _tag_order(python: tuple[int, ...], platforms: tuple[str, ...]) -> dict[Tag, int]:
    from packaging.tags import compatible_tags, cpython_tags

    major, minor = python[0], python[1]
    tags = [*cpython_tags((major, minor), abis=[f"cp{major}{minor}"], platforms=list(platforms)),
            *compatible_tags((major, minor), interpreter=f"cp{major}{minor}", platforms=list(platforms))]
    return {t: i for i, t in enumerate(tags)}


def index_file(filename: str, url: str, *, requires_python: str | None = None,
               yanked: bool = False, yanked_reason: str | None = None, has_metadata: bool | None = None,
               metadata_digests: dict[str, str] | None = None, digests: dict[str, str] | None = None,
               size: int | None = None) -> IndexFile | None:
    """An IndexFile from a filename, or None for files installers never pick (eggs, .exe, bad names)."""
    try:
        if filename.endswith(".whl"):
            _name, version, _build, tags = parse_wheel_filename(filename)
            kind = "wheel"
        elif (suffix := sdist_suffix(filename)) is not None:
            # the name and version rules do not depend on the suffix: parse as the .tar.gz it could be
            _name, version = parse_sdist_filename(filename[: -len(suffix)] + ".tar.gz")
            tags = frozenset()
            kind = "sdist"
        else:
            return None
    except ValueError:  # packaging's InvalidWheelFilename, InvalidSdistFilename, InvalidVersion, InvalidTag
        return None
    return IndexFile(
        filename=filename, url=url, kind=kind, version=version, tags=frozenset(tags),
        requires_python=requires_python or None, yanked=yanked, yanked_reason=yanked_reason,
        has_metadata=bool(has_metadata), metadata_digests=tuple(sorted((metadata_digests or {}).items())),
        digests=tuple(sorted((digests or {}).items())), size=size,
    )
