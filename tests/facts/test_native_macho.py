"""The Mach-O reader (envlint/facts/native/): every dylib command and layout, damage of any kind,
real delocated extensions from an index, and the Linux names of macOS libraries."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.helpers.macho import (ARM64, ARM64_SO, EXT, LC_LAZY_LOAD_DYLIB, LC_LOAD_DYLIB, LC_LOAD_UPWARD_DYLIB,
                                 LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, SYSTEM, UNIVERSAL2_SO, X86_64, fat, macho)


# -- files built here with struct -----------------------------------------------------------------

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


# -- real extensions from an index, Linux names ---------------------------------------------------

@pytest.mark.parametrize("path, machine", [(ARM64_SO, "arm64"), (UNIVERSAL2_SO, "universal2")],
                         ids=["arm64", "universal2"])
def test_a_real_extension_from_an_index_wheel_is_read(path: Path, machine: str) -> None:
    from envlint.diagnostics import Problems
    from envlint.facts.native.links import read_native_file

    problems = Problems()
    native = read_native_file(path, "markupsafe", path.name, problems)
    assert not problems.errors
    assert native is not None and (native.format, native.machine) == ("mach-o", machine)
    assert native.needed == (SYSTEM,) and native.rpath == ()


def test_linux_names_of_macos_libraries() -> None:
    from envlint.facts.native.macho import linux_soname

    assert linux_soname("/opt/homebrew/opt/libpq/lib/libpq.5.dylib") == "libpq.so.5"
    assert linux_soname("libomp.dylib") == "libomp.so"
    assert linux_soname("libglib-2.0.0.dylib") == "libglib-2.0.so.0"
    assert linux_soname("libusb-1.0.0.dylib") == "libusb-1.0.so.0"
    assert linux_soname("libyaml-0.2.dylib") == "libyaml-0.so.2"
    assert linux_soname("libpcre2-8.0.dylib") == "libpcre2-8.so.0"
    assert linux_soname("libbz2.1.0.8.dylib") == "libbz2.so.1.0.8"
    assert linux_soname("/opt/homebrew/opt/qt/lib/QtCore.framework/Versions/A/QtCore") == "QtCore"
