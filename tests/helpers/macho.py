"""Mach-O files as a Mac laptop's venv holds them (SYS001, BLD003 and the Mach-O reader's tests).

The files are built here with ``struct`` (the header and load commands a linker writes), or are real
delocated index builds (tests/fixtures/macho, see its README); ``mac_venv`` installs them in a real
venv whose WHEEL tags say macOS, as a Mac laptop's venv has them.
"""

from __future__ import annotations

import struct
from pathlib import Path

from tests.helpers.support import TESTS, make_venv, make_wheel, pip_install, site_packages


ARM64, X86_64 = 0x0100000C, 0x01000007
MAC_TAG = "cp311-cp311-macosx_11_0_arm64"
EXT = ".cpython-311-darwin.so"


def _padded(text: str) -> bytes:
    raw = text.encode() + b"\0"
    return raw + b"\0" * (-len(raw) % 8)


LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB = 0xC, 0x80000018, 0x8000001F
LC_LAZY_LOAD_DYLIB, LC_LOAD_UPWARD_DYLIB, LC_RPATH = 0x20, 0x80000023, 0x8000001C


def macho(libraries: list[str], rpaths: list[str] = (), cpu: int = ARM64, *, bits: int = 64, order: str = "<",
          commands_of: list[int] | None = None) -> bytes:
    """A Mach-O bundle (64-bit little-endian unless told) with dylib commands (LC_LOAD_DYLIB unless
    ``commands_of`` names each one's) and LC_RPATH commands, as a linker writes them."""
    commands = b""
    kinds = commands_of or [LC_LOAD_DYLIB] * len(libraries)
    for kind, lib in zip(kinds, libraries):
        name = _padded(lib)
        commands += struct.pack(order + "IIIIII", kind, 24 + len(name), 24, 2, 0x10000, 0x10000) + name
    for path in rpaths:
        name = _padded(path)
        commands += struct.pack(order + "III", LC_RPATH, 12 + len(name), 12) + name
    magic = 0xFEEDFACF if bits == 64 else 0xFEEDFACE
    header = struct.pack(order + "IiiIIII", magic, cpu, 0, 8, len(libraries) + len(rpaths), len(commands), 0)
    if bits == 64:
        header += struct.pack(order + "I", 0)  # reserved
    return header + commands


def fat(*slices: tuple[int, bytes], wide: bool = False) -> bytes:
    """A universal binary holding the given (cpu, thin Mach-O) slices (64-bit offsets when ``wide``)."""
    out = struct.pack(">II", 0xCAFEBABF if wide else 0xCAFEBABE, len(slices))
    offset = 4096
    body = b""
    for cpu, data in slices:
        if wide:
            out += struct.pack(">iiQQII", cpu, 0, offset + len(body), len(data), 12, 0)
        else:
            out += struct.pack(">iiIII", cpu, 0, offset + len(body), len(data), 12)
        body += data + b"\0" * (-len(data) % 4096)
    return out + b"\0" * (offset - len(out)) + body


SYSTEM = "/usr/lib/libSystem.B.dylib"


FIXTURES = TESTS / "fixtures" / "macho"
ARM64_SO = FIXTURES / "markupsafe-3.0.4-arm64-_speedups.cpython-311-darwin.so"
UNIVERSAL2_SO = FIXTURES / "markupsafe-3.0.2-universal2-_speedups.cpython-311-darwin.so"


def mac_venv(base: Path, dists: dict[str, dict[str, bytes]], version: str = "1.0") -> Path:
    """A real venv holding ``dists``, their WHEEL files tagged macOS as a Mac laptop's venv has them."""
    wheels = base / "wheels"
    for name, files in dists.items():
        make_wheel(wheels, name, version, files=files)
    venv = make_venv(base / "venv")
    pip_install(venv, *dists, find_links=wheels)
    for info in site_packages(venv).glob("*.dist-info"):
        wheel = info / "WHEEL"
        wheel.write_text(wheel.read_text().replace("Tag: py3-none-any", f"Tag: {MAC_TAG}"))
    return venv
