"""The libraries a Mach-O file (a macOS extension module or dylib) links, read from its load commands.

Only the headers are read: the Mach-O header (32 or 64 bit, either byte order) or the fat header of a
universal binary and each slice's header, then the load commands. Nothing is loaded or run. A file
that ends early or whose sizes do not add up raises :class:`MachOError`.
"""

from __future__ import annotations

import re
import struct
from typing import BinaryIO

#: Load commands that name a library the file needs at load time.
_DYLIB_COMMANDS = {0xC, 0x80000018, 0x8000001F, 0x20, 0x80000023}  # LOAD, WEAK, REEXPORT, LAZY, UPWARD
_LC_RPATH = 0x8000001C
_MAX_COMMANDS = 4096
_MAX_COMMANDS_SIZE = 16 * 1024 * 1024
_MAX_SLICES = 16
CPUS = {0x01000007: "x86_64", 0x0100000C: "arm64", 7: "i386", 12: "arm"}


class MachOError(ValueError):
    """Not a well-formed Mach-O file."""


def read_links(fh: BinaryIO) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """(architecture, libraries, rpaths) of the file, libraries and rpaths in file order, every slice
    of a universal binary included ('universal2' when it has several)."""
    fh.seek(0)
    magic = fh.read(4)
    if magic in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"):  # fat headers are big-endian (64-bit offsets: bf)
        wide = magic[3] == 0xBF
        size = fh.seek(0, 2)
        fh.seek(4)
        count = struct.unpack(">I", _exactly(fh, 4))[0]
        if not 0 < count <= _MAX_SLICES:
            raise MachOError(f"{count} slices in a universal binary")
        entries = []
        for _ in range(count):
            if wide:
                cpu, _sub, offset, _size, _align, _reserved = struct.unpack(">iiQQII", _exactly(fh, 32))
            else:
                cpu, _sub, offset, _size, _align = struct.unpack(">iiIII", _exactly(fh, 20))
            if offset < 8 or offset + 28 > size:  # a slice holds at least a Mach-O header
                raise MachOError(f"a slice at offset {offset} outside the file's {size} bytes")
            entries.append((cpu, offset))
        libraries: list[str] = []
        rpaths: list[str] = []
        arches = []
        for cpu, offset in entries:
            arch, libs, paths = _thin(fh, offset)
            arches.append(arch or CPUS.get(cpu))
            libraries += [lib for lib in libs if lib not in libraries]
            rpaths += [p for p in paths if p not in rpaths]
        arch = arches[0] if len(set(arches)) == 1 else "universal2"
        return arch, tuple(libraries), tuple(rpaths)
    arch, libs, paths = _thin(fh, 0)
    return arch, libs, paths


def _thin(fh: BinaryIO, offset: int) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    fh.seek(offset)
    magic = _exactly(fh, 4)
    if magic in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf"):
        order = ">"
    elif magic in (b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"):
        order = "<"
    else:
        raise MachOError(f"no Mach-O header at offset {offset} (found {magic.hex(' ')})")
    is64 = magic in (b"\xfe\xed\xfa\xcf", b"\xcf\xfa\xed\xfe")
    cpu, _sub, _filetype, ncmds, sizeofcmds, _flags = struct.unpack(order + "iiIIII", _exactly(fh, 24))
    if is64:
        _exactly(fh, 4)  # reserved
    if ncmds > _MAX_COMMANDS or sizeofcmds > _MAX_COMMANDS_SIZE:
        raise MachOError(f"{ncmds} load commands in {sizeofcmds} bytes")
    commands = _exactly(fh, sizeofcmds)
    libraries: list[str] = []
    rpaths: list[str] = []
    at = 0
    for _ in range(ncmds):
        if at + 8 > len(commands):
            raise MachOError("load commands end early")
        cmd, size = struct.unpack_from(order + "II", commands, at)
        if size < 8 or at + size > len(commands):
            raise MachOError(f"load command of {size} bytes at {at} does not fit")
        if cmd in _DYLIB_COMMANDS or cmd == _LC_RPATH:
            if size < 12:
                raise MachOError("library command too short")
            (name_at,) = struct.unpack_from(order + "I", commands, at + 8)
            if not 8 <= name_at < size:
                raise MachOError("library name outside its command")
            raw = commands[at + name_at:at + size].split(b"\0", 1)[0]
            name = raw.decode("utf-8", errors="replace")
            (rpaths if cmd == _LC_RPATH else libraries).append(name)
        at += size
    return CPUS.get(cpu), tuple(libraries), tuple(rpaths)


def _exactly(fh: BinaryIO, size: int) -> bytes:
    data = fh.read(size)
    if len(data) != size:
        raise MachOError("the file ends early")
    return data


def is_system(path: str) -> bool:
    """A library every Mac has (the OS's own), not one a package manager installed."""
    return path.startswith(("/usr/lib/", "/System/"))


def is_python(path: str) -> bool:
    """The interpreter's own library (``libpython3.11.dylib``, ``Python.framework/.../Python``): the workers'
    Python provides it, as the manylinux allow-list treats ``libpython``."""
    name = path.rsplit("/", 1)[-1]
    return name.startswith("libpython") or (name == "Python" and "/Python.framework/" in path)


def origin(path: str) -> str:
    """Where a library linked by path comes from, as a user would say it."""
    if path.startswith(("/opt/homebrew/", "/usr/local/Cellar/", "/usr/local/opt/")):
        return "Homebrew"
    if path.startswith("/opt/local/"):
        return "MacPorts"
    if path.startswith("/usr/local/"):
        return "/usr/local (Homebrew on an Intel Mac, or installed by hand)"
    if path.startswith("@"):
        return "a run-time search path that no installed distribution fills"
    if "/" not in path:
        return "a relative path, looked up in the working directory"
    return path.rsplit("/", 1)[0] or "/"


#: ``libglib-2.0.0.dylib``: a versioned name (``libglib-2.0``) and then the library's own version.
_DASH_VERSIONED = re.compile(r"^(lib[^.]*-\d+\.\d+)\.(\d[\d.]*)$")


def linux_soname(name: str) -> str:
    """The Linux name of a macOS library file: ``libpq.5.dylib`` -> ``libpq.so.5``, ``libomp.dylib`` ->
    ``libomp.so``, ``libglib-2.0.0.dylib`` -> ``libglib-2.0.so.0``; a framework keeps its name."""
    base = name.rsplit("/", 1)[-1]
    if not base.endswith(".dylib"):
        return base
    stem = base[: -len(".dylib")]
    dashed = _DASH_VERSIONED.match(stem)
    if dashed:
        return f"{dashed.group(1)}.so.{dashed.group(2)}"
    lib, _, version = stem.partition(".")
    return f"{lib}.so.{version}" if version else f"{lib}.so"
