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
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

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
    requires_text: tuple[str, ...]
    """``Requires-Dist`` as written; parsed on demand (:attr:`requires`, :meth:`requires_for`): a
    distribution may list thousands of requirements for extras nobody asks for."""
    requires_python: str | None
    provides_extra: frozenset[str]
    dynamic: frozenset[str]
    """PEP 643 ``Dynamic`` fields (lower case): an sdist's value for them is not final."""
    metadata_version: str

    @cached_property
    def requires(self) -> tuple[Requirement, ...]:
        """Every parsable requirement (installers skip the others too)."""
        return tuple(r for r in map(parse_requirement, self.requires_text) if r is not None)

    def requires_for(self, extras: frozenset[str] | set[str]) -> list[Requirement]:
        """The requirements that can apply with ``extras``: a line whose marker is only
        ``extra == "x"`` is parsed only when x is one of them."""
        out = []
        for text in self.requires_text:
            m = _EXTRA_ONLY.match(text.partition(";")[2]) if ";" in text else None
            if m is not None and canonicalize_name(m.group(1)) not in extras:
                continue
            req = parse_requirement(text)
            if req is not None:
                out.append(req)
        return out

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


#: A marker that is only ``extra == "name"`` (the requirement applies only with that extra).
_EXTRA_ONLY = re.compile(r"""^\s*extra\s*==\s*['"]([^'"]+)['"]\s*$""")


@lru_cache(maxsize=65536)
def parse_requirement(text: str) -> Requirement | None:
    """A requirement, or None when it does not parse (memoized: distributions share many)."""
    try:
        return Requirement(text)
    except InvalidRequirement:
        return None


#: The largest METADATA read (decoded): real ones, long descriptions included, are far smaller.
MAX_METADATA = 16 * 1024 * 1024


def parse_metadata(data: str | bytes) -> DistMetadata | None:
    """Core metadata (``METADATA``/``PKG-INFO``/a PEP 658 file), or None without a name and version.

    :func:`packaging.metadata.parse_email` does the RFC 822 parsing (linear in the input: 2 M folded
    lines take a second); fields that are not valid UTF-8 or repeat a single-valued field land in
    its "unparsed" part, from which the first name/version is still taken, as before.
    """
    from packaging.metadata import parse_email

    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    raw, unparsed = parse_email(text)

    def single(key: str) -> str:
        value = raw.get(key)
        if isinstance(value, str):
            return value.strip()
        extra = unparsed.get(key)
        return extra[0].strip() if isinstance(extra, list) and extra and isinstance(extra[0], str) else ""

    name, version = single("name"), single("version")
    if not name or not version:
        return None
    return DistMetadata(
        name=name, version=version, requires_text=tuple(raw.get("requires_dist") or ()),
        requires_python=single("requires_python") or None,
        provides_extra=frozenset(canonicalize_name(e) for e in raw.get("provides_extra") or []),
        dynamic=frozenset(d.strip().lower() for d in raw.get("dynamic") or []),
        metadata_version=single("metadata_version"),
    )


def to_compact(meta: DistMetadata) -> tuple:
    """What the metadata memo keeps of a distribution's metadata (plain data, for marshal)."""
    return (meta.name, meta.version, list(meta.requires_text), meta.requires_python,
            sorted(meta.provides_extra), sorted(meta.dynamic), meta.metadata_version)


def from_compact(value: object) -> DistMetadata | None:
    """The inverse of :func:`to_compact`; None for anything else."""
    if not (isinstance(value, tuple) and len(value) == 7):
        return None
    name, version, requires, requires_python, extras, dynamic, metadata_version = value
    if not (isinstance(name, str) and isinstance(version, str) and isinstance(requires, list)
            and isinstance(extras, list) and isinstance(dynamic, list) and isinstance(metadata_version, str)
            and isinstance(requires_python, (str, type(None))) and all(isinstance(r, str) for r in requires)):
        return None
    return DistMetadata(name, version, tuple(requires), requires_python, frozenset(map(str, extras)), frozenset(map(str, dynamic)),
                        metadata_version)


def metadata_from_wheel(data: bytes, max_size: int = MAX_METADATA) -> DistMetadata | None:
    """The metadata of a whole wheel's bytes (its METADATA inflated up to ``max_size`` only)."""
    from envlint.index.lazy_wheel import BadWheel, TooLarge, metadata_of_zip

    try:
        raw = metadata_of_zip(io.BytesIO(data), max_size)
    except (BadWheel, TooLarge):
        return None
    return parse_metadata(raw) if raw is not None else None


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
