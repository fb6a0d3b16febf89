"""The ``native_links`` fact: which shared libraries the compiled code of locally built distributions needs.

Only distributions whose wheel was built on this machine are read (a bare ``linux_*`` WHEEL tag, or no
WHEEL at all next to extension modules): an index wheel's libraries were already vetted by auditwheel,
so SYS001 needs nothing else, and a large environment costs a few file reads, not one per ``.so``.

Each native file is opened read-only and only its headers are parsed (pyelftools, the reader
auditwheel uses); nothing is loaded or run. The magic bytes are checked first: an ELF file gives its
machine and ``DT_NEEDED``/``DT_RPATH``/``DT_RUNPATH``; a Mach-O file its architecture, linked
libraries and rpaths (:mod:`envlint.facts.native.macho`; on macOS every distribution with extension modules
is read, as a locally built wheel has an ordinary ``macosx_*`` tag); a PE file its machine;
anything else, and a truncated or malformed file, is EL001.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import os
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from envlint import data as envlint_data
from envlint.diagnostics import Problems, Skipped
from envlint.facts.environment.distribution import Distribution
from envlint.facts.formats.text import open_regular

if TYPE_CHECKING:
    from envlint.facts import Context
    from envlint.facts.environment.reader import Environment
    from envlint.facts.target import Target

ELF_MAGIC = b"\x7fELF"
_MACHO_MAGICS = {b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
                 b"\xca\xfe\xba\xbe", b"\xbe\xba\xfe\xca"}
#: ELF e_machine -> the architecture name used in wheel platform tags.
_ELF_MACHINES = {"EM_X86_64": "x86_64", "EM_386": "i686", "EM_AARCH64": "aarch64", "EM_ARM": "armv7l",
                 "EM_PPC64": "ppc64le", "EM_S390": "s390x", "EM_RISCV": "riscv64", "EM_LOONGARCH": "loongarch64"}
#: PE machine -> architecture.
_PE_MACHINES = {0x8664: "amd64", 0x14C: "x86", 0xAA64: "arm64"}


@dataclass(frozen=True)
class NativeFile:
    """One compiled file (extension module or shared library) of a distribution."""

    distribution: str
    """Canonical name of the distribution whose RECORD lists it."""
    record_path: str
    """The path as written in RECORD (relative to the site directory)."""
    path: Path
    format: str
    """'elf', 'mach-o' or 'pe'."""
    machine: str | None = None
    """Architecture in wheel-tag spelling ('x86_64', 'aarch64', 'arm64', 'amd64'); None when unknown."""
    needed: tuple[str, ...] = ()
    """``DT_NEEDED`` sonames, in file order (ELF only)."""
    rpath: tuple[str, ...] = ()
    runpath: tuple[str, ...] = ()


@dataclass(frozen=True)
class LibraryPolicy:
    """A manylinux policy's allow-list: libraries every system of that policy has."""

    name: str
    aliases: tuple[str, ...]
    glibc: tuple[int, int]
    libraries: frozenset[str]
    always: tuple[str, ...] = ()
    """fnmatch patterns that are never bundled (the ELF loader, libpython)."""

    def allows(self, soname: str) -> bool:
        return soname in self.libraries or any(fnmatch.fnmatchcase(soname, p) for p in self.always)

    @property
    def label(self) -> str:
        return self.name + (f" ({', '.join(self.aliases)})" if self.aliases else "")


@dataclass(frozen=True)
class NativeLinks:
    files: tuple[NativeFile, ...]
    """Native files of locally built distributions, sorted by distribution then path."""
    policy: LibraryPolicy
    shipped_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """soname -> canonical names of installed distributions whose RECORD holds a file of that name."""
    environment_libraries: frozenset[str] = frozenset()
    """File names in a conda environment's ``lib/`` (conda packages that package sync mirrors)."""
    read: bool = True
    """False when the environment has no files to read (a pip inspect report)."""
    conda_prefixes: tuple[str, ...] = ()
    """A conda environment's prefix (as given and resolved): Mach-O libraries linked by a path in it are conda's."""

    def of(self, distribution: str) -> tuple[NativeFile, ...]:
        return tuple(f for f in self.files if f.distribution == distribution)

    def provider(self, distribution: str, soname: str) -> str | None:
        """Why ``soname`` is present on the workers next to ``distribution``, or None when nothing brings it."""
        owners = self.shipped_by.get(soname, ())
        if distribution in owners:
            return f"bundled in {distribution}"
        if owners:
            return f"shipped by {owners[0]}"
        if self.policy.allows(soname):
            return f"on the {self.policy.name} allow-list"
        if soname in self.environment_libraries:
            return "in the conda environment's lib/"
        return None

    def unshipped(self, native: NativeFile) -> list[str]:
        """What ``native`` links that nothing on the workers provides: sonames (ELF), library paths (Mach-O)."""
        if native.format == "elf":
            return [s for s in native.needed if self.provider(native.distribution, s) is None]
        if native.format == "mach-o":
            return self.unshipped_macho(native)
        return []

    def unshipped_macho(self, native: NativeFile) -> list[str]:
        """Libraries a Mach-O file links that neither macOS nor the environment brings: an absolute path
        outside the system's (Homebrew, MacPorts) and outside a conda environment's prefix, or an
        ``@rpath``/``@loader_path``/``@executable_path`` name that no installed distribution ships
        (delocated wheels ship theirs in ``.dylibs/``). An absolute path is loaded from that path, so
        another distribution shipping a file of the same name does not bring it. The interpreter's own
        library (``libpython``, ``Python.framework``) and one whose Linux soname is on the manylinux
        allow-list (``libz``, ``libstdc++`` from Homebrew's GCC) are on the workers, as for ELF."""
        from envlint.facts.native.macho import is_python, is_system, linux_soname

        out = []
        for library in native.needed:
            if is_system(library) or is_python(library) or self.policy.allows(linux_soname(library)):
                continue
            if library.startswith("@"):
                name = library.rsplit("/", 1)[-1]
                if self.shipped_by.get(name) or name in self.environment_libraries:
                    continue
            elif any(library.startswith(prefix.rstrip("/") + "/") for prefix in self.conda_prefixes):
                continue
            out.append(library)
        return out


# -- the allow-list --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _policy_data() -> dict:
    text = envlint_data.read_text("manylinux-policy.json")
    return json.loads(text)


def policy_for(glibc: tuple[int, int]) -> LibraryPolicy:
    """The manylinux policy of a glibc floor: the newest policy not newer than it (the oldest if none)."""
    data = _policy_data()
    policies = sorted(data["policies"], key=lambda p: tuple(int(x) for x in p["glibc"].split(".")))
    chosen = policies[0]
    for p in policies:
        if tuple(int(x) for x in p["glibc"].split(".")) <= tuple(glibc):
            chosen = p
    return LibraryPolicy(
        name=chosen["name"], aliases=tuple(chosen.get("aliases", ())),
        glibc=tuple(int(x) for x in chosen["glibc"].split(".")),  # type: ignore[arg-type]
        libraries=frozenset(chosen["libraries"]),
        always=tuple(data.get("always_present", {}).get("patterns", ())),
    )


@dataclass(frozen=True)
class LibraryHint:
    """Where a system library comes from (envlint/data/system-libraries.json)."""

    debian: str | None = None
    """The Debian/Ubuntu package a source build needs (usually the -dev package)."""
    conda_forge: str | None = None
    """The conda-forge package that brings the library."""


@lru_cache(maxsize=1)
def _library_data() -> dict:
    text = envlint_data.read_text("system-libraries.json")
    return json.loads(text)


def library_hint(soname: str) -> LibraryHint | None:
    """``libpq.so.5`` -> LibraryHint('libpq-dev', 'libpq'); None for a library not in the table."""
    stem = soname.split(".so", 1)[0] + ".so"
    entry = _library_data()["libraries"].get(stem)
    return LibraryHint(entry.get("debian"), entry.get("conda_forge")) if entry else None


def binary_wheel_for(distribution: str) -> str | None:
    """A distribution on PyPI whose wheels bundle the libraries ``distribution`` links (psycopg2-binary)."""
    entry = _library_data()["distributions"].get(distribution)
    return entry.get("binary_wheel") if entry else None


# -- reading files ---------------------------------------------------------------------------------

def _is_native(name: str) -> bool:
    return name.endswith((".so", ".pyd", ".dylib", ".dll")) or ".so." in name


def read_native_file(path: Path, distribution: str, record_path: str, problems: Problems) -> NativeFile | None:
    """Parse one file's headers; None (and an EL001 entry) when it cannot be read as a native file."""
    try:
        with open_regular(path) as fh:  # never a blocking read of a FIFO named like a library
            magic = fh.read(4)
            if magic == ELF_MAGIC:
                return _read_elf(fh, path, distribution, record_path, problems)
            if magic in _MACHO_MAGICS or magic == b"\xca\xfe\xba\xbf":
                return _read_macho(fh, path, distribution, record_path, problems)
            if magic[:2] == b"MZ":
                return NativeFile(distribution, record_path, path, "pe", _pe_machine(fh))
    except FileNotFoundError:
        problems.add(path, "listed in RECORD but missing", package=distribution)
        return None
    except OSError as exc:
        problems.add(path, f"cannot read: {exc.strerror or exc}", package=distribution)
        return None
    shown = magic.hex(" ") if magic else "an empty file"
    problems.add(path, f"not an ELF, Mach-O or PE file (starts with {shown})", package=distribution)
    return None


#: A real library's dynamic section has a few dozen entries (16 bytes each on 64-bit): this is 64 K of them.
MAX_DYNAMIC_BYTES = 1024 * 1024
_STRING_TAGS = ("DT_NEEDED", "DT_RPATH", "DT_RUNPATH", "DT_SONAME")


class _Malformed(Exception):
    """An ELF file that parses but cannot be what a linker wrote (the reason says why)."""


def _read_elf(fh, path: Path, distribution: str, record_path: str, problems: Problems) -> NativeFile | None:
    from elftools.elf.elffile import ELFFile

    needed: list[str] = []
    rpath: list[str] = []
    runpath: list[str] = []
    try:
        fh.seek(0)
        elf = ELFFile(fh)
        machine = _ELF_MACHINES.get(elf["e_machine"])
        if machine == "ppc64le" and not elf.little_endian:
            machine = "ppc64"
        for segment in elf.iter_segments():
            if segment.header.p_type != "PT_DYNAMIC":
                continue
            if segment.header.p_filesz > MAX_DYNAMIC_BYTES:
                raise _Malformed(f"a dynamic section of {segment.header.p_filesz} bytes, more than "
                                 f"{MAX_DYNAMIC_BYTES // 1024} KB; not read")
            tags = list(itertools.islice(segment.iter_tags(), MAX_DYNAMIC_BYTES // 8))
            strsz = next((t.entry.d_val for t in tags if t.entry.d_tag == "DT_STRSZ"), None)
            for tag in tags:
                if tag.entry.d_tag in _STRING_TAGS and strsz is not None and tag.entry.d_val >= strsz:
                    raise _Malformed(f"{tag.entry.d_tag} at offset {tag.entry.d_val}, past the end of the "
                                     f"string table ({strsz} bytes)")
                if tag.entry.d_tag == "DT_NEEDED":
                    if not tag.needed:
                        raise _Malformed("a DT_NEEDED entry with an empty library name")
                    needed.append(tag.needed)
                elif tag.entry.d_tag == "DT_RPATH":
                    rpath.extend(p for p in tag.rpath.split(":") if p)
                elif tag.entry.d_tag == "DT_RUNPATH":
                    runpath.extend(p for p in tag.runpath.split(":") if p)
            break
    except _Malformed as exc:
        problems.add(path, f"malformed ELF file ({exc})", package=distribution)
        return None
    except Exception as exc:  # pyelftools raises ELFError, struct/Value/Key/Index errors on damaged files
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        problems.add(path, f"truncated or malformed ELF file ({reason})", package=distribution)
        return None
    return NativeFile(distribution, record_path, path, "elf", machine, tuple(needed), tuple(rpath), tuple(runpath))


def _read_macho(fh, path: Path, distribution: str, record_path: str, problems: Problems) -> NativeFile | None:
    from envlint.facts.native.macho import MachOError, read_links

    try:
        machine, libraries, rpaths = read_links(fh)
    except (MachOError, struct.error) as exc:
        problems.add(path, f"truncated or malformed Mach-O file ({exc})", package=distribution)
        return None
    return NativeFile(distribution, record_path, path, "mach-o", machine, libraries, rpaths)


def _pe_machine(fh) -> str | None:
    fh.seek(0x3C)
    raw = fh.read(4)
    if len(raw) != 4:
        return None
    fh.seek(int.from_bytes(raw, "little"))
    header = fh.read(6)
    if len(header) != 6 or header[:4] != b"PE\0\0":
        return None
    return _PE_MACHINES.get(int.from_bytes(header[4:6], "little"))


def to_read(dist: Distribution) -> bool:
    """Is this a distribution whose native files envlint reads (built on this machine, files on disk)?

    A wheel built on a Mac has the same ``macosx_*`` tag as one from an index, so every macOS
    distribution with extension modules is read (headers only); its links tell (see SYS001)."""
    if dist.kind == "inspect" or dist.conda is not None or not dist.extension_modules:
        return False
    return dist.built_locally or any(t.startswith("macosx_") for t in dist.platform_tags)


def _files_of(dist: Distribution, prefix: Path, problems: Problems) -> Iterable[tuple[str, Path]]:
    """The extension modules RECORD lists, each where it lies; one outside the environment (``../..``
    out of it, an absolute path, a symbolic link) is an EL001 and is never opened."""
    base = dist.site_dir or (dist.metadata_path.parent if dist.metadata_path else None)
    if base is None:
        return
    roots = {os.path.realpath(prefix), os.path.realpath(base)}
    for rel in dist.extension_modules:
        path = Path(os.path.normpath(base / rel))
        try:
            real = os.path.realpath(path)
        except (OSError, ValueError):  # ValueError: a NUL byte
            real = ""
        if not any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots):
            where = dist.metadata_path / "RECORD" if dist.metadata_path else path
            problems.add(where, f"RECORD entry {rel!r} lies outside the environment; not read",
                         package=dist.canonical_name)
            continue
        yield rel, path


def _shipped_by(environment: Environment, wanted: set[str]) -> dict[str, tuple[str, ...]]:
    owners: dict[str, list[str]] = {}
    if not wanted:
        return {}
    for dist in environment.distributions:
        for rel in dist.files or ():
            name = rel.rsplit("/", 1)[-1]
            if name in wanted and _is_native(name):
                names = owners.setdefault(name, [])
                if dist.canonical_name not in names:
                    names.append(dist.canonical_name)
    return {k: tuple(v) for k, v in owners.items()}


def _conda_libraries(environment: Environment) -> frozenset[str]:
    if environment.location.kind != "conda":
        return frozenset()
    try:
        return frozenset(n for n in os.listdir(environment.location.path / "lib") if _is_native(n))
    except OSError:
        return frozenset()


def _conda_prefixes(environment: Environment) -> tuple[str, ...]:
    if environment.location.kind != "conda":
        return ()
    given = str(environment.location.path)
    try:
        resolved = str(environment.location.path.resolve())
    except OSError:
        return (given,)
    return (given,) if resolved == given else (given, resolved)


def read_links(environment: Environment, target: Target, problems: Problems) -> NativeLinks:
    files: list[NativeFile] = []
    for dist in environment.distributions:
        if not to_read(dist):
            continue
        for rel, path in _files_of(dist, environment.location.path, problems):
            native = read_native_file(path, dist.canonical_name, rel, problems)
            if native is not None:
                files.append(native)
    wanted = {soname.rsplit("/", 1)[-1] for f in files for soname in f.needed}  # Mach-O names are paths
    return NativeLinks(files=tuple(files), policy=policy_for(target.manylinux_glibc),
                       shipped_by=_shipped_by(environment, wanted),
                       environment_libraries=_conda_libraries(environment),
                       conda_prefixes=_conda_prefixes(environment))


def build(ctx: Context) -> NativeLinks:
    environment = ctx.get("environment")
    target = ctx.get("target")
    if environment.location.kind == "inspect":
        ctx.skipped.append(Skipped(
            "compiled extensions",
            "a pip inspect report lists no installed files, so the shared libraries that locally built "
            "extensions need (SYS001) were not read; run envlint on the environment itself (--prefix or --python)",
        ))
        return NativeLinks(files=(), policy=policy_for(target.manylinux_glibc), read=False)
    return read_links(environment, target, ctx.problems)
