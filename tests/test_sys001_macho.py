"""SYS001 on a macOS environment: the libraries Mach-O extension modules link.

A wheel built on a Mac has the same ``macosx_*`` tag as one from an index, so the links tell: a
library from Homebrew or MacPorts (an absolute path outside ``/usr/lib`` and ``/System``) is one the
workers' source build needs as a system package; delocated index wheels link only the system's
libraries and their own ``.dylibs/``. The Mach-O files are built here with ``struct`` (the header
and load commands a linker writes), installed in a real venv whose WHEEL tags say macOS, as a Mac
laptop's venv has them.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from support import find, make_venv, make_wheel, pip_install, run_json, site_packages

ARM64, X86_64 = 0x0100000C, 0x01000007
MAC_TAG = "cp311-cp311-macosx_11_0_arm64"
EXT = ".cpython-311-darwin.so"


def _padded(text: str) -> bytes:
    raw = text.encode() + b"\0"
    return raw + b"\0" * (-len(raw) % 8)


def macho(libraries: list[str], rpaths: list[str] = (), cpu: int = ARM64) -> bytes:
    """A 64-bit little-endian Mach-O bundle with LC_LOAD_DYLIB and LC_RPATH commands."""
    commands = b""
    for lib in libraries:
        name = _padded(lib)
        commands += struct.pack("<IIIIII", 0xC, 24 + len(name), 24, 2, 0x10000, 0x10000) + name
    for path in rpaths:
        name = _padded(path)
        commands += struct.pack("<III", 0x8000001C, 12 + len(name), 12) + name
    header = struct.pack("<IiiIIIII", 0xFEEDFACF, cpu, 0, 8, len(libraries) + len(rpaths), len(commands), 0, 0)
    return header + commands


def fat(*slices: tuple[int, bytes]) -> bytes:
    """A universal binary holding the given (cpu, thin Mach-O) slices."""
    out = struct.pack(">II", 0xCAFEBABE, len(slices))
    offset = 4096
    body = b""
    for cpu, data in slices:
        out += struct.pack(">iiIII", cpu, 0, offset + len(body), len(data), 12)
        body += data + b"\0" * (-len(data) % 4096)
    return out + b"\0" * (offset - len(out)) + body


SYSTEM = "/usr/lib/libSystem.B.dylib"


@pytest.fixture(scope="module")
def mac_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("macho")
    wheels = base / "wheels"
    dists = {
        # built from source on the laptop against Homebrew's libpq
        "psycopg2": {f"psycopg2/_psycopg{EXT}": macho(["/opt/homebrew/opt/libpq/lib/libpq.5.dylib", SYSTEM])},
        # an index wheel after delocate: the system's libraries and its own .dylibs/
        "pillow": {f"PIL/_imaging{EXT}": macho(["@loader_path/../pillow.dylibs/libjpeg.62.dylib", SYSTEM]),
                   "pillow.dylibs/libjpeg.62.dylib": macho([SYSTEM])},
        "plain": {f"plain/_speedups{EXT}": macho([SYSTEM, "/System/Library/Frameworks/Foundation.framework/Foundation"])},
        # an @rpath library that nothing installed ships
        "rpathext": {f"rpathext/_r{EXT}": macho(["@rpath/libfoo.1.dylib", SYSTEM], ["/opt/homebrew/lib"])},
        # a universal binary: the arm64 slice links Homebrew's GDAL, the x86_64 one only the system
        "geo": {f"geo/_gdal{EXT}": fat((X86_64, macho([SYSTEM], cpu=X86_64)),
                                       (ARM64, macho(["/opt/homebrew/opt/gdal/lib/libgdal.36.dylib", SYSTEM])))},
        "broken": {f"broken/_cut{EXT}": macho(["/opt/homebrew/lib/libx.dylib"])[:40]},
    }
    for name, files in dists.items():
        make_wheel(wheels, name, "1.0", files=files)
    venv = make_venv(base / "venv")
    pip_install(venv, *dists, find_links=wheels)
    for info in site_packages(venv).glob("*.dist-info"):  # as a Mac laptop's venv has them
        wheel = info / "WHEEL"
        wheel.write_text(wheel.read_text().replace("Tag: py3-none-any", f"Tag: {MAC_TAG}"))
    project = base / "project"
    project.mkdir()
    return venv, project


def test_a_homebrew_library_is_reported_with_the_linux_package(mac_env: tuple[Path, Path]) -> None:
    venv, project = mac_env
    code, report = run_json(project, "--prefix", venv, "--select", "SYS001,EL001")
    assert code == 1
    [pq] = find(report, "SYS001", "psycopg2")
    assert pq["message"] == ("psycopg2 1.0 was built on this machine against libpq.5.dylib from Homebrew "
                             f"(/opt/homebrew/opt/libpq/lib/libpq.5.dylib), which package sync does not ship "
                             f"(psycopg2/_psycopg{EXT})")
    assert "libpq-dev" in pq["help"] and "psycopg2-binary" in pq["help"]


def test_system_and_delocated_libraries_are_fine(mac_env: tuple[Path, Path]) -> None:
    venv, project = mac_env
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001")
    assert {d["package"] for d in find(report, "SYS001")} == {"psycopg2", "rpathext", "geo"}


def test_an_rpath_library_nothing_ships_and_a_universal_binary(mac_env: tuple[Path, Path]) -> None:
    venv, project = mac_env
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001")
    [rpath] = find(report, "SYS001", "rpathext")
    assert "libfoo.1.dylib" in rpath["message"] and "@rpath/libfoo.1.dylib" in rpath["message"]
    [geo] = find(report, "SYS001", "geo")
    assert "libgdal.36.dylib from Homebrew" in geo["message"]


def test_a_truncated_mach_o_file_is_el001_and_hides_nothing(mac_env: tuple[Path, Path]) -> None:
    venv, project = mac_env
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001,EL001")
    [cut] = find(report, "EL001", "broken")
    assert "truncated or malformed Mach-O file" in cut["message"] and cut["path"].endswith(f"_cut{EXT}")
    assert len(find(report, "SYS001")) == 3


def test_any_damage_to_a_mach_o_file_is_a_clean_error() -> None:
    """Every truncation and many byte flips of a valid file either parse or raise MachOError."""
    import io
    import random

    from envlint.facts.macho import MachOError, read_links

    good = fat((X86_64, macho([SYSTEM], ["/opt/lib"], cpu=X86_64)), (ARM64, macho(["@rpath/libfoo.dylib", SYSTEM])))
    rng = random.Random(7)
    samples = [good[:n] for n in range(0, len(good), 7)]
    for _ in range(2000):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(0, 4200)] = rng.randrange(256)
        samples.append(bytes(data))
    for data in samples:
        try:
            read_links(io.BytesIO(data))
        except (MachOError, struct.error):
            pass
