"""Mach-O links on a Mac laptop's venv: real extension modules from PyPI, the interpreter's own library,
Linux names of macOS libraries, and BLD003 for a Mac build whose version has only an sdist.

The real files (tests/fixtures/macho, see its README) are delocated index builds: they link only
libSystem, so envlint reads them and says nothing. The struct-built files of test_sys001_macho.py
cover the layouts and the findings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from index_server import IndexServer, make_sdist
from support import clean_environ, find, make_venv, make_wheel, pip_install, run_json, site_packages
from test_sys001_macho import EXT, MAC_TAG, SYSTEM, macho

FIXTURES = Path(__file__).parent / "fixtures" / "macho"
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


def test_bld003_names_the_linux_package_a_mac_build_needs_and_not_libsystem(tmp_path: Path) -> None:
    """A Mac wheel built here of a version with only an sdist: the workers build it, and the libraries its
    Mach-O code links outside macOS (Homebrew's libpq) are what that build needs; libSystem is not."""
    venv = mac_venv(tmp_path, {
        "psycopg2": {f"psycopg2/_psycopg{EXT}": macho(["/opt/homebrew/opt/libpq/lib/libpq.5.dylib", SYSTEM])},
        "plainext": {f"plainext/_s{EXT}": macho([SYSTEM])},
    }, version="2.9.10")
    index = IndexServer()
    for name in ("psycopg2", "plainext"):
        index.add_file(make_sdist(tmp_path / "sdists", name, "2.9.10", build_requires=None))
    project = tmp_path / "project"
    project.mkdir()
    with index:
        _, report = run_json(project, "--prefix", venv, "--index-url", index.url, "--cache-dir", tmp_path / "cache",
                             "--select", "BLD003", env=clean_environ(XDG_CACHE_HOME=str(tmp_path / "xdg")))
    [pq] = find(report, "BLD003", "psycopg2")
    assert pq["severity"] == "error"
    assert pq["message"].endswith("its compiled code links libpq.so.5 (libpq-dev), which build-essential and "
                                  "python-dev do not provide")
    [plain] = find(report, "BLD003", "plainext")
    assert plain["severity"] == "warning" and "links" not in plain["message"] and "libSystem" not in plain["message"]
