"""SYS001 system-library: a locally built extension needs a shared library that package sync does
not ship.

Linux: small C extensions compiled here with gcc (tests/helpers/native.py). The seed case: psycopg2
built from source links the system's ``libpq.so.5``, which nothing installed provides. Twins: an
extension linking only allow-listed libraries (libz, libm), one whose library is bundled in its own
``.libs``, one whose library another installed distribution ships, and an index wheel (never read).
Damaged ``.so`` files are EL001 and hide nothing.

macOS: a wheel built on a Mac has the same ``macosx_*`` tag as one from an index, so the links tell:
a library from Homebrew or MacPorts (an absolute path outside ``/usr/lib`` and ``/System``) is one
the workers' source build needs as a system package; delocated index wheels link only the system's
libraries and their own ``.dylibs/`` (tests/helpers/macho.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.macho import (ARM64, ARM64_SO, EXT, LC_LOAD_WEAK_DYLIB, MAC_TAG, SYSTEM, UNIVERSAL2_SO, X86_64, fat,
                                 mac_venv, macho)
from tests.helpers.native import EXT as ELF_EXT
from tests.helpers.support import find, make_venv, make_wheel, pip_install, run_envlint, run_json, site_packages


# -- Linux: ELF extensions compiled here ----------------------------------------------------------

def test_psycopg2_built_from_source_needs_libpq(built: tuple[Path, Path]) -> None:
    venv, project = built
    code, report = run_json(project, "--prefix", venv, "--select", "SYS001,EL001")

    assert code == 1
    [pq] = find(report, "SYS001")
    assert pq["package"] == "psycopg2" and pq["package_version"] == "2.9.9"
    assert pq["message"] == (
        "psycopg2 2.9.9 was built on this machine and needs libpq.so.5, which nothing installed provides and is "
        f"not on the manylinux_2_17 allow-list (psycopg2/_psycopg{ELF_EXT})")
    assert "install psycopg2-binary instead of psycopg2" in pq["help"]
    assert "conda-forge" in pq["help"] and "libpq-dev" in pq["help"]
    # it points at the declaration the user edits
    assert (pq["path"], pq["line"]) == ("requirements.txt", 1)


def test_damaged_shared_objects_are_el001_and_hide_nothing(built: tuple[Path, Path]) -> None:
    venv, project = built
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001,EL001")
    el001 = {Path(d["path"]).name: d["message"] for d in find(report, "EL001")}
    assert set(el001) == {f"_trunc{ELF_EXT}", "_text.so"}, el001  # nothing of the index wheel was read
    assert "truncated or malformed ELF file" in el001[f"_trunc{ELF_EXT}"]
    assert "not an ELF, Mach-O or PE file (starts with 49 4e 50 55)" in el001["_text.so"]
    assert all(d["package"] == "brokenext" for d in find(report, "EL001"))
    assert len(find(report, "SYS001", "psycopg2")) == 1


def test_allow_listed_bundled_and_shipped_libraries_are_fine(built: tuple[Path, Path]) -> None:
    venv, project = built
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001")
    assert {d["package"] for d in find(report, "SYS001")} == {"psycopg2"}


def test_the_allow_list_follows_the_glibc_floor(built: tuple[Path, Path]) -> None:
    venv, project = built
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001", "--manylinux-glibc", "2.5")
    [expat] = find(report, "SYS001", "expatext")
    assert "needs libexpat.so.1" in expat["message"] and "manylinux_2_5 allow-list" in expat["message"]


def test_text_output_names_the_library_and_the_remedy(built: tuple[Path, Path]) -> None:
    venv, project = built
    code, out = run_envlint(project, "--prefix", venv, "--select", "SYS001")
    assert code == 1
    assert "requirements.txt:1:1: SYS001 [error] psycopg2 2.9.9 was built on this machine and needs libpq.so.5" in out
    assert "help: install psycopg2-binary instead of psycopg2 (its wheels bundle libpq.so.5)" in out


# -- macOS: Mach-O files built here ---------------------------------------------------------------

LINUX_TAG = "cp311-cp311-manylinux_2_17_x86_64"


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


# -- macOS: real delocated extensions -------------------------------------------------------------

def test_real_delocated_extensions_say_nothing(tmp_path: Path) -> None:
    venv = mac_venv(tmp_path, {
        "markupsafe": {f"markupsafe/_speedups{EXT}": ARM64_SO.read_bytes()},
        "markupsafe-universal": {f"markupsafe_universal/_speedups{EXT}": UNIVERSAL2_SO.read_bytes()},
        # the twin: the same layout linking Homebrew's libpq is reported
        "pqext": {f"pqext/_pq{EXT}": macho(["/opt/homebrew/opt/libpq/lib/libpq.5.dylib", SYSTEM])},
    })
    project = tmp_path / "project"
    project.mkdir()
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001,EL001")
    assert [(d["code"], d["package"]) for d in report["diagnostics"]] == [("SYS001", "pqext")]


def test_the_interpreter_and_allow_listed_libraries_are_on_the_workers(tmp_path: Path) -> None:
    """Python's own library and libraries whose Linux soname is on the manylinux allow-list (libz,
    libstdc++ from Homebrew's GCC, glib) are not reported; Homebrew's libomp and pango are, by their
    Linux names (libomp.so, libpango-1.0.so.0) with the packages a build needs."""
    venv = mac_venv(tmp_path, {
        "pyembed": {f"pyembed/_e{EXT}": macho([
            "/Library/Frameworks/Python.framework/Versions/3.11/Python", "@rpath/libpython3.11.dylib",
            "/opt/homebrew/opt/python@3.11/Frameworks/Python.framework/Versions/3.11/Python", SYSTEM])},
        "allowed": {f"allowed/_a{EXT}": macho([
            "/opt/homebrew/opt/zlib/lib/libz.1.dylib", "/opt/homebrew/opt/gcc/lib/gcc/current/libstdc++.6.dylib",
            "/opt/homebrew/opt/glib/lib/libglib-2.0.0.dylib", SYSTEM])},
        "omp": {f"omp/_o{EXT}": macho(["/opt/homebrew/opt/libomp/lib/libomp.dylib", SYSTEM])},
        "pangoext": {f"pangoext/_p{EXT}": macho(["/opt/homebrew/opt/pango/lib/libpango-1.0.0.dylib", SYSTEM])},
    })
    project = tmp_path / "project"
    project.mkdir()
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001,EL001")
    assert {d["package"] for d in report["diagnostics"]} == {"omp", "pangoext"}
    [omp] = find(report, "SYS001", "omp")
    assert "against libomp.dylib from Homebrew (/opt/homebrew/opt/libomp/lib/libomp.dylib)" in omp["message"]
    assert "libomp-dev" in omp["help"] and "llvm-openmp" in omp["help"]
    [pango] = find(report, "SYS001", "pangoext")
    assert "libpango-1.0.so.0" in pango["help"] and "libpango1.0-dev" in pango["help"]
