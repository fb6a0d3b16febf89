"""What the index says about a project, reduced to what the rules judge: files, versions, tags, yanks.

Built from ``pypi_simple.ProjectPage`` (which already folds PEP 503 HTML, PEP 691 JSON and the PEP 700
fields into one shape); this module only adds the wheel-tag and version parsing the rules need and
the "what would the target get for name==version" verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from envlint.facts.target import Target

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

    def accepts_python(self, target: Target) -> bool:
        if not self.requires_python:
            return True
        try:
            spec = SpecifierSet(self.requires_python)
        except InvalidSpecifier:
            return True  # installers ignore a broken Requires-Python too
        return spec.contains(Version(target.python), prereleases=True)

    def installs_on(self, target: Target) -> bool:
        """A wheel the target's installer picks (tags and Requires-Python)."""
        return self.kind == "wheel" and bool(self.tags & target.tags) and self.accepts_python(target)


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


@dataclass(frozen=True)
class ProjectInfo:
    """A project page: ``exists`` is False when the index answered 404 (no such project)."""

    name: str
    """Canonical name."""
    exists: bool
    files: tuple[IndexFile, ...] = ()
    versions: tuple[str, ...] | None = None
    """PEP 700 ``versions`` (None when the index does not send it, e.g. HTML pages)."""
    offline: bool = False
    """Served from the cache without asking the index (``--offline``): it may be stale."""
    source: str = ""
    """The page's URL."""
    _by_version: dict[Version, list[IndexFile]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for f in self.files:
            self._by_version.setdefault(f.version, []).append(f)

    @cached_property
    def all_versions(self) -> tuple[Version, ...]:
        """Versions that have at least one file, newest first."""
        return tuple(sorted(self._by_version, reverse=True))

    def files_for(self, version: Version | str) -> tuple[IndexFile, ...]:
        try:
            v = version if isinstance(version, Version) else Version(version)
        except InvalidVersion:
            return ()
        return tuple(self._by_version.get(v, ()))

    def availability(self, version: Version | str, target: Target) -> Availability:
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

    def newest_with_wheel(self, target: Target, *, include_prereleases: bool = False) -> Version | None:
        """The newest non-yanked version with a wheel for the target."""
        for v in self.all_versions:
            if v.is_prerelease and not include_prereleases:
                continue
            if any(f.installs_on(target) and not f.yanked for f in self._by_version[v]):
                return v
        return None


def best_wheel(wheels: Iterable[IndexFile], target: Target) -> IndexFile:
    """The wheel the installer would prefer: the most specific tag in the target's order."""
    from packaging.tags import cpython_tags, compatible_tags

    major, minor = target.python_version[:2]
    order = {t: i for i, t in enumerate([
        *cpython_tags((major, minor), abis=[f"cp{major}{minor}"], platforms=list(target.platform_tags)),
        *compatible_tags((major, minor), interpreter=f"cp{major}{minor}", platforms=list(target.platform_tags))])}
    return min(wheels, key=lambda f: (min((order.get(t, len(order)) for t in f.tags), default=len(order)),
                                      f.filename))


def index_file(filename: str, url: str, *, requires_python: str | None = None,
               yanked: bool = False, yanked_reason: str | None = None, has_metadata: bool | None = None,
               metadata_digests: dict[str, str] | None = None, digests: dict[str, str] | None = None,
               size: int | None = None) -> IndexFile | None:
    """An IndexFile from a filename, or None for files installers never pick (eggs, .exe, bad names)."""
    try:
        if filename.endswith(".whl"):
            _name, version, _build, tags = parse_wheel_filename(filename)
            kind = "wheel"
        elif filename.endswith((".tar.gz", ".zip")):
            _name, version = parse_sdist_filename(filename)
            tags = frozenset()
            kind = "sdist"
        else:
            return None
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return IndexFile(
        filename=filename, url=url, kind=kind, version=version, tags=frozenset(tags),
        requires_python=requires_python or None, yanked=yanked, yanked_reason=yanked_reason,
        has_metadata=bool(has_metadata), metadata_digests=tuple(sorted((metadata_digests or {}).items())),
        digests=tuple(sorted((digests or {}).items())), size=size,
    )
