"""Read distribution metadata and build requirements out of index files, without running anything.

Core metadata comes from a PEP 658 ``.metadata`` file, else from the ``METADATA`` member of a
wheel; build requirements from ``[build-system] requires`` in an sdist's ``pyproject.toml`` (an
sdist without one gets setuptools' legacy defaults, as pip does).
"""

from __future__ import annotations

import io
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: What pip assumes for an sdist without ``[build-system]`` (PEP 517 fallback).
LEGACY_BUILD_REQUIRES = ("setuptools>=40.8.0",)


@dataclass(frozen=True)
class DistMetadata:
    name: str
    version: str
    requires: tuple[Requirement, ...]
    requires_python: str | None
    provides_extra: frozenset[str]
    dynamic: frozenset[str]
    """PEP 643 ``Dynamic`` fields (lower case): an sdist's value for them is not final."""
    metadata_version: str

    @property
    def requires_final(self) -> bool:
        """Can ``Requires-Dist`` be trusted without building? (wheels always; sdists per PEP 643)."""
        if "requires-dist" in self.dynamic:
            return False
        try:
            major, minor = (int(p) for p in self.metadata_version.split(".")[:2])
        except ValueError:
            return False
        return (major, minor) >= (2, 2)


def parse_metadata(text: str) -> DistMetadata | None:
    headers = HeaderParser().parsestr(text)
    name, version = (headers.get("Name") or "").strip(), (headers.get("Version") or "").strip()
    if not name or not version:
        return None
    requires = []
    for raw in headers.get_all("Requires-Dist") or []:
        try:
            requires.append(Requirement(raw))
        except InvalidRequirement:
            continue  # installers skip what they cannot parse too
    return DistMetadata(
        name=name, version=version, requires=tuple(requires),
        requires_python=(headers.get("Requires-Python") or "").strip() or None,
        provides_extra=frozenset(canonicalize_name(e) for e in headers.get_all("Provides-Extra") or []),
        dynamic=frozenset(d.strip().lower() for d in headers.get_all("Dynamic") or []),
        metadata_version=(headers.get("Metadata-Version") or "").strip(),
    )


def metadata_from_wheel(data: bytes) -> DistMetadata | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            member = next((n for n in zf.namelist()
                           if n.count("/") == 1 and n.endswith(".dist-info/METADATA")), None)
            if member is None:
                return None
            return parse_metadata(zf.read(member).decode("utf-8", errors="replace"))
    except (zipfile.BadZipFile, OSError, EOFError):
        return None


def _sdist_member(data: bytes, filename: str, wanted: str) -> bytes | None:
    """The top-level ``<dir>/<wanted>`` member of an sdist (.zip, or a tar archive of any compression), or None."""
    try:
        if filename.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for n in zf.namelist():
                    if n.count("/") == 1 and n.endswith("/" + wanted):
                        return zf.read(n)
            return None
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
            for member in tf:
                parts = member.name.lstrip("./").split("/")
                if len(parts) == 2 and parts[1] == wanted and member.isfile():
                    fh = tf.extractfile(member)
                    return fh.read() if fh else None
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError):
        return None
    return None


def build_requires_from_sdist(data: bytes, filename: str) -> tuple[Requirement, ...] | None:
    """``[build-system] requires`` of an sdist; setuptools' defaults when absent; None when unreadable."""
    raw = _sdist_member(data, filename, "pyproject.toml")
    if raw is None:
        if _sdist_member(data, filename, "PKG-INFO") is None and _sdist_member(data, filename, "setup.py") is None:
            return None
        texts: list[str] = list(LEGACY_BUILD_REQUIRES)
    else:
        try:
            doc = tomllib.loads(raw.decode("utf-8", errors="replace"))
        except (tomllib.TOMLDecodeError, RecursionError):  # RecursionError: arrays nested thousands deep
            return None
        system = doc.get("build-system")
        requires = system.get("requires") if isinstance(system, dict) else None
        if requires is None:
            texts = list(LEGACY_BUILD_REQUIRES)
        elif isinstance(requires, list):
            texts = [r for r in requires if isinstance(r, str)]
        else:
            return None
    out = []
    for text in texts:
        try:
            out.append(Requirement(text))
        except InvalidRequirement:
            continue
    return tuple(out)
