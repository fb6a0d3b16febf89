"""One installed distribution, as read from its metadata files."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

#: Suffixes of compiled extension modules and shared libraries.
NATIVE_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")


@dataclass(frozen=True)
class CondaRecord:
    """The conda package that owns a distribution (from ``conda-meta/*.json``)."""

    name: str
    version: str
    build: str
    channel: str
    subdir: str
    path: Path


@dataclass(frozen=True)
class Distribution:
    name: str
    """As written in METADATA."""
    canonical_name: str
    version: str
    parsed_version: Version | None
    """None when the version is not PEP 440 (reported as EL001)."""
    requires: tuple[Requirement, ...] = ()
    """Parsed requirements, except those that apply only with one extra (see ``extra_requires``)."""
    extra_requires: tuple[tuple[str, str], ...] = ()
    """(canonical extra, raw Requires-Dist) of requirements whose marker is just ``extra == "x"``
    (possibly ``and``-ed with more): parsed only when something requests that extra, because most
    Requires-Dist lines of a large environment belong to extras nobody installed."""
    requires_python: str | None = None
    provides_extra: frozenset[str] = frozenset()
    """Canonicalized extra names."""
    installer: str | None = None
    wheel_tags: tuple[str, ...] = ()
    """``Tag:`` lines of WHEEL (empty when there is no WHEEL file)."""
    root_is_purelib: bool | None = None
    direct_url: dict | None = None
    """Parsed PEP 610 direct_url.json."""
    editable: bool = False
    source_path: Path | None = None
    """Source tree of an editable or local-directory install."""
    metadata_path: Path | None = None
    """The .dist-info / .egg-info directory (or the report, for a pip inspect snapshot)."""
    site_dir: Path | None = None
    files: tuple[str, ...] | None = None
    """RECORD paths relative to ``site_dir``; None when there is no RECORD."""
    extension_modules: tuple[str, ...] = ()
    """RECORD paths of native files (``.so``, ``.pyd``, ...)."""
    conda: CondaRecord | None = None
    kind: str = "dist-info"
    """'dist-info', 'egg-info', 'egg-link' (develop install) or 'inspect'."""
    requested: bool | None = None
    has_wheel_file: bool = False
    notes: tuple[str, ...] = field(default=())

    # -- requirements -------------------------------------------------------------------------
    def requirements(self, extras: frozenset[str] | set[str] = frozenset()) -> Iterator[Requirement]:
        """The requirements that can apply when ``extras`` are requested (markers still to evaluate)."""
        yield from self.requires
        for extra, raw in self.extra_requires:
            if extra in extras:
                try:
                    yield parse_requirement(raw)
                except InvalidRequirement:
                    continue

    @property
    def all_requires(self) -> tuple[Requirement, ...]:
        return tuple(self.requirements(self.extras_in_requirements))

    @property
    def extras_in_requirements(self) -> frozenset[str]:
        """Extras named by deferred requirements (a dist may use an extra it never declared)."""
        return frozenset(e for e, _ in self.extra_requires)

    # -- provenance ---------------------------------------------------------------------------
    @property
    def url(self) -> str | None:
        return (self.direct_url or {}).get("url")

    @property
    def vcs_info(self) -> dict | None:
        info = (self.direct_url or {}).get("vcs_info")
        return info if isinstance(info, dict) else None

    @property
    def archive_info(self) -> dict | None:
        info = (self.direct_url or {}).get("archive_info")
        return info if isinstance(info, dict) else None

    @property
    def dir_info(self) -> dict | None:
        info = (self.direct_url or {}).get("dir_info")
        return info if isinstance(info, dict) else None

    @property
    def is_local_directory(self) -> bool:
        """Installed from a source directory (editable or not)."""
        return self.editable or self.dir_info is not None

    @property
    def is_direct_reference(self) -> bool:
        """Installed from a VCS URL or an archive (file or URL), i.e. not from an index."""
        return self.vcs_info is not None or self.archive_info is not None

    @property
    def built_locally(self) -> bool:
        """Its wheel was built on the machine that owns the environment (bare ``linux_*`` etc. tag)."""
        if self.conda is not None:
            return False
        if self.wheel_tags:
            return any(_is_local_platform_tag(t) for t in self.wheel_tags)
        return bool(self.extension_modules) and self.kind != "inspect"

    @property
    def platform_tags(self) -> tuple[str, ...]:
        return tuple(sorted({t.rsplit("-", 1)[-1] for t in self.wheel_tags if t.count("-") == 2}))


def _is_local_platform_tag(tag: str) -> bool:
    plat = tag.rsplit("-", 1)[-1]
    return plat.startswith("linux_") or plat in ("linux",)


@functools.lru_cache(maxsize=None)
def parse_requirement(raw: str) -> Requirement:
    """Parse a requirement string once per run (the same strings recur across distributions)."""
    return Requirement(raw)


_ONLY_EXTRA = re.compile(r"""\bextra\s*==\s*(['"])([^'"]+)\1""")


def deferred_extra(raw: str) -> str | None:
    """The extra a Requires-Dist string applies to, when its marker can hold only for that extra."""
    _, sep, marker = raw.partition(";")
    if not sep or " or " in marker or "extra" not in marker:
        return None
    found = _ONLY_EXTRA.findall(marker)
    if len(found) != 1 or marker.count("extra") != 1:
        return None
    return canonicalize_name(found[0][1])

