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
LINUX_TAG = "cp311-cp311-manylinux_2_17_x86_64"
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


@pytest.fixture(scope="module")
def mac_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("macho")
    wheels = base / "wheels"
    dists = {
        # built from source on the laptop against Homebrew's libpq
        "psycopg2": {f"psycopg2/_psycopg{EXT}": macho(["/opt/homebrew/opt/libpq/lib/libpq.5.dylib", SYSTEM])},
        # the binary wheel next to it ships a libpq.5.dylib of its own (delocated): that one is fine, and
        # it does not bring the Homebrew path psycopg2 loads
        "pgbinary": {f"pgbinary/_psycopg{EXT}": macho(["@loader_path/../pgbinary.dylibs/libpq.5.dylib", SYSTEM]),
                     "pgbinary.dylibs/libpq.5.dylib": macho([SYSTEM])},
        # an index wheel after delocate: the system's libraries and its own .dylibs/
        "pillow": {f"PIL/_imaging{EXT}": macho(["@loader_path/../pillow.dylibs/libjpeg.62.dylib", SYSTEM]),
                   "pillow.dylibs/libjpeg.62.dylib": macho([SYSTEM])},
        "plain": {f"plain/_speedups{EXT}": macho([SYSTEM, "/System/Library/Frameworks/Foundation.framework/Foundation"])},
        # an @rpath library that nothing installed ships
        "rpathext": {f"rpathext/_r{EXT}": macho(["@rpath/libfoo.1.dylib", SYSTEM], ["/opt/homebrew/lib"])},
        # a universal binary: each slice links its own Homebrew library (Intel Homebrew lives in /usr/local)
        "geo": {f"geo/_gdal{EXT}": fat((X86_64, macho(["/usr/local/opt/proj/lib/libproj.25.dylib", SYSTEM], cpu=X86_64)),
                                       (ARM64, macho(["/opt/homebrew/opt/gdal/lib/libgdal.36.dylib", SYSTEM])))},
        # MacPorts, a 32-bit big-endian file with a weak link (the reader takes every layout)
        "ports": {f"ports/_x{EXT}": macho(["/opt/local/lib/libxml2.2.dylib"], cpu=18, bits=32, order=">",
                                          commands_of=[LC_LOAD_WEAK_DYLIB])},
        "broken": {f"broken/_cut{EXT}": macho(["/opt/homebrew/lib/libx.dylib"])[:40]},
        # a Linux index wheel: never read, whatever it holds (the Linux path reads only local builds)
        "linuxwheel": {f"linuxwheel/_l{EXT}": macho(["/opt/homebrew/lib/libx.dylib"])},
    }
    for name, files in dists.items():
        make_wheel(wheels, name, "1.0", files=files)
    venv = make_venv(base / "venv")
    pip_install(venv, *dists, find_links=wheels)
    for info in site_packages(venv).glob("*.dist-info"):  # as a Mac laptop's venv has them
        wheel = info / "WHEEL"
        tag = LINUX_TAG if info.name.startswith("linuxwheel") else MAC_TAG
        wheel.write_text(wheel.read_text().replace("Tag: py3-none-any", f"Tag: {tag}"))
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
    assert {d["package"] for d in find(report, "SYS001")} == {"psycopg2", "rpathext", "geo", "ports"}


def test_an_rpath_library_nothing_ships_is_reported(mac_env: tuple[Path, Path]) -> None:
    venv, project = mac_env
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001")
    [rpath] = find(report, "SYS001", "rpathext")
    assert "libfoo.1.dylib" in rpath["message"] and "@rpath/libfoo.1.dylib" in rpath["message"]


def test_a_universal_binary_reports_the_libraries_of_every_slice(mac_env: tuple[Path, Path]) -> None:
    venv, project = mac_env
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001")
    messages = sorted(d["message"] for d in find(report, "SYS001", "geo"))
    assert len(messages) == 2
    assert "libgdal.36.dylib from Homebrew" in messages[0] and "libgdal-dev" in find(report, "SYS001", "geo")[0]["help"]
    assert "libproj.25.dylib from Homebrew (/usr/local/opt/proj/lib/libproj.25.dylib)" in messages[1]


def test_a_macports_library_in_a_32_bit_big_endian_file(mac_env: tuple[Path, Path]) -> None:
    venv, project = mac_env
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001")
    [ports] = find(report, "SYS001", "ports")
    assert "libxml2.2.dylib from MacPorts (/opt/local/lib/libxml2.2.dylib)" in ports["message"]
    assert "libxml2-dev" in ports["help"] and "libxml2.so.2" in ports["help"]


def test_a_truncated_mach_o_file_is_el001_and_hides_nothing(mac_env: tuple[Path, Path]) -> None:
    venv, project = mac_env
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001,EL001")
    [cut] = find(report, "EL001", "broken")
    assert "truncated or malformed Mach-O file" in cut["message"] and cut["path"].endswith(f"_cut{EXT}")
    assert len(find(report, "SYS001")) == 5
    assert not find(report, "EL001", "linuxwheel") and not find(report, "SYS001", "linuxwheel")


def test_every_dylib_command_and_layout_is_read() -> None:
    import io

    from envlint.facts.native.macho import read_links

    kinds = [LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LAZY_LOAD_DYLIB, LC_LOAD_UPWARD_DYLIB]
    libs = [f"/opt/homebrew/lib/lib{i}.dylib" for i in range(5)]
    for bits in (32, 64):
        for order in "<>":
            data = macho(libs, ["@loader_path/../lib"], cpu=X86_64, bits=bits, order=order, commands_of=kinds)
            assert read_links(io.BytesIO(data)) == ("x86_64", tuple(libs), ("@loader_path/../lib",))
    for wide in (False, True):
        data = fat((X86_64, macho(["/usr/local/lib/liba.dylib", SYSTEM], cpu=X86_64)),
                   (ARM64, macho(["/opt/homebrew/lib/libb.dylib", SYSTEM], ["/opt/homebrew/lib"])), wide=wide)
        assert read_links(io.BytesIO(data)) == (
            "universal2", ("/usr/local/lib/liba.dylib", SYSTEM, "/opt/homebrew/lib/libb.dylib"), ("/opt/homebrew/lib",))


def test_any_damage_to_a_mach_o_file_is_a_clean_error() -> None:
    """Every truncation and many byte flips of a valid file either parse or raise MachOError."""
    import io
    import random

    from envlint.facts.native.macho import MachOError, read_links

    rng = random.Random(7)
    for wide in (False, True):
        good = fat((X86_64, macho([SYSTEM], ["/opt/lib"], cpu=X86_64)), (ARM64, macho(["@rpath/libfoo.dylib", SYSTEM])),
                   wide=wide)
        samples = [good[:n] for n in range(0, len(good), 7)]
        for _ in range(2000):
            data = bytearray(good)
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(0, 80) if rng.random() < 0.5 else rng.randrange(0, 4200)  # the fat header often
                data[at] = rng.randrange(256)
            samples.append(bytes(data))
        for data in samples:
            try:
                read_links(io.BytesIO(data))
            except MachOError:
                pass


def test_a_slice_offset_past_the_end_of_the_file_is_el001(tmp_path: Path) -> None:
    """A 64-bit fat header can hold any offset; one past the file is a malformed file, not a crash."""
    from envlint.diagnostics import Problems
    from envlint.facts.native.links import read_native_file

    for offset in (2**64 - 1, 2**63, 2**40):
        path = tmp_path / f"_x{offset}{EXT}"
        path.write_bytes(struct.pack(">II", 0xCAFEBABF, 1) + struct.pack(">iiQQII", ARM64, 0, offset, 64, 12, 0))
        problems = Problems()
        assert read_native_file(path, "x", path.name, problems) is None
        [error] = problems.errors
        assert "truncated or malformed Mach-O file" in error.reason and "outside the file" in error.reason
