"""BLD003 no-wheel-for-target: the workers build the sdist, and what that build needs beyond
build-essential and python-dev (a system library the copy built here links).

The index findings of a whole laptop venv: tests/integration/test_index_rules.py; legacy sdist
archives: tests/facts/test_index_client.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.index_server import IndexServer, make_sdist
from tests.helpers.laptop_index import LOCAL, lint
from tests.helpers.macho import EXT, SYSTEM, mac_venv, macho
from tests.helpers.support import clean_environ, find, make_venv, make_wheel, pip_install, run_json


# -- a Linux build that links libpq ---------------------------------------------------------------

@pytest.mark.parametrize("links, severity", [(["-lpq"], "error"), (["-lz"], "warning")], ids=["libpq", "libz"])
def test_sdist_build_that_needs_a_system_library_is_an_error(tmp_path: Path, links: list[str], severity: str) -> None:
    """The locally built copy links libpq (not on the manylinux allow-list): the workers' build of the
    sdist needs libpq-dev, more than build-essential and python-dev. Twin: libz is allow-listed."""
    from tests.helpers.native import EXT, compile_so, extension

    so = compile_so(tmp_path / "obj" / "psycopg.so",
                    "extern int PQlibVersion(void);\n" + extension("_psycopg", "PQlibVersion()")
                    if links == ["-lpq"] else extension("_psycopg", "0"), *links)
    house = tmp_path / "wheels"
    make_wheel(house, "psycopg2", "2.9.10", tag=LOCAL,
               files={"psycopg2/__init__.py": "", f"psycopg2/_psycopg{EXT}": so})
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "psycopg2==2.9.10", find_links=house)
    index = IndexServer()
    index.add_file(make_sdist(tmp_path / "s", "psycopg2", "2.9.10", build_requires=["setuptools>=61"]))
    index.add_file(make_wheel(tmp_path / "w", "setuptools", "70.0"))
    with index:
        code, report = lint(tmp_path, venv, index.url, select="BLD003")
    [diag] = find(report, "BLD003", "psycopg2")
    assert diag["severity"] == severity
    if severity == "error":
        assert diag["message"].endswith("the build needs more than build-essential and python-dev: its compiled "
                                        "code links libpq.so.5 (libpq-dev), which build-essential and python-dev "
                                        "do not provide")


# -- a Mac build: its Mach-O links name what the build needs --------------------------------------

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
