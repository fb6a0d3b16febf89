"""BLD003, SRC003 (index part) and PLT002 together against a real index on 127.0.0.1 and a laptop's
real venv, and the index cache of such runs: warm, revalidated, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.index_server import IndexServer, make_sdist
from tests.helpers.laptop_index import CP, LOCAL, lint, summary
from tests.helpers.support import find, make_venv, make_wheel, pip_install


MANYLINUX = f"{CP}-{CP}-manylinux_2_17_x86_64.manylinux2014_x86_64"


@pytest.fixture(scope="session")
def laptop_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv as a laptop has it: index installs, locally built wheels, one direct reference."""
    root = tmp_path_factory.mktemp("laptop")
    house = root / "wheels"
    make_wheel(house, "psycopg2", "2.9.10", tag=LOCAL)
    make_wheel(house, "PyYAML", "5.4.1", tag=LOCAL)
    make_wheel(house, "buildheavy", "2.0", tag=LOCAL)
    make_wheel(house, "winonly", "1.0", tag=LOCAL)
    make_wheel(house, "crossplat", "1.0", tag=LOCAL)
    for name, version in [("wheelok", "1.0"), ("privatepkg", "0.3"), ("oldver", "2.0"), ("yankedpkg", "1.1"),
                          ("flaky", "1.0")]:
        make_wheel(house, name, version)
    venv = make_venv(root / "venv")
    pip_install(venv, "psycopg2==2.9.10", "PyYAML==5.4.1", "buildheavy==2.0", "winonly==1.0", "crossplat==1.0",
                "wheelok==1.0", "privatepkg==0.3", "oldver==2.0", "yankedpkg==1.1", "flaky==1.0", find_links=house)
    direct = make_wheel(root / "direct", "directpkg", "1.0")
    pip_install(venv, direct)  # a path: pip writes direct_url.json, so the index is never asked
    return venv


def public_index(tmp: Path, *, json: bool = True, max_age: int = 600) -> IndexServer:
    """The public index as the laptop's distributions find it."""
    w, s = tmp / "index-wheels", tmp / "index-sdists"
    server = IndexServer(json=json, max_age=max_age, project_faults={"flaky": "500"})
    server.add_file(make_sdist(s, "psycopg2", "2.9.10", build_requires=["setuptools>=61"]))
    server.add_file(make_wheel(w, "psycopg2", "2.9.10", tag="cp311-cp311-win_amd64"))
    server.add_file(make_wheel(w, "psycopg2-binary", "2.9.10", tag=MANYLINUX))
    server.add_file(make_sdist(s, "PyYAML", "5.4.1", build_requires=None))
    server.add_file(make_wheel(w, "PyYAML", "5.4.1", tag="cp39-cp39-manylinux1_x86_64"))
    server.add_file(make_wheel(w, "PyYAML", "6.0.1", tag=MANYLINUX))
    server.add_file(make_sdist(s, "buildheavy", "2.0", build_requires=["setuptools>=61", "sdisttool>=1"]))
    server.add_file(make_sdist(s, "sdisttool", "1.5", build_requires=["setuptools"]))
    server.add_file(make_wheel(w, "setuptools", "70.0"))
    server.add_file(make_wheel(w, "winonly", "1.0", tag="cp311-cp311-win_amd64"))
    server.add_file(make_wheel(w, "winonly", "1.0", tag="cp311-cp311-macosx_11_0_arm64"))
    server.add_file(make_wheel(w, "crossplat", "1.0", tag=MANYLINUX))
    server.add_file(make_wheel(w, "wheelok", "1.0"))
    server.add_file(make_wheel(w, "oldver", "1.0"))
    server.add_file(make_wheel(w, "yankedpkg", "1.1"), yanked="broken build, use 1.2")
    server.add_file(make_wheel(w, "yankedpkg", "1.2"))
    server.add_file(make_wheel(w, "flaky", "1.0"))
    return server


EXPECTED = {
    ("BLD003", "psycopg2", "warning"),
    ("BLD003", "pyyaml", "warning"),
    ("BLD003", "buildheavy", "error"),
    ("SRC003", "privatepkg", "error"),
    ("SRC003", "oldver", "error"),
    ("SRC003", "yankedpkg", "warning"),
    ("PLT002", "winonly", "error"),
}


@pytest.mark.parametrize("as_json", [True, False], ids=["pep691-json", "pep503-html"])
def test_index_findings(tmp_path: Path, laptop_venv: Path, as_json: bool) -> None:
    with public_index(tmp_path, json=as_json) as index:
        code, report = lint(tmp_path, laptop_venv, index.url)

    assert code == 1
    assert summary(report) == EXPECTED
    # one project failed (HTTP 500): it is skipped, and everything else is still reported
    assert {"what": "index: flaky", "reason": "HTTP 500 from the index (2 attempts)"} in report["skipped"]
    # the direct reference was never looked up
    assert not index.requests_for("/simple/directpkg/")

    [psycopg2] = find(report, "BLD003", "psycopg2")
    assert psycopg2["message"].startswith("no wheel of psycopg2 2.9.10 on ")
    assert "the workers build psycopg2-2.9.10.tar.gz" in psycopg2["message"]
    assert "psycopg2-binary" in psycopg2["help"]
    [pyyaml] = find(report, "BLD003", "pyyaml")
    assert 'pip install "PyYAML==6.0.1"' in pyyaml["help"]
    [heavy] = find(report, "BLD003", "buildheavy")
    assert "its build requirement sdisttool>=1 (sdisttool 1.5) has no wheel for the target either" in heavy["message"]
    [private] = find(report, "SRC003", "privatepkg")
    assert private["message"].endswith("privatepkg 0.3 is not on " + index.url + ": no such project")
    [old] = find(report, "SRC003", "oldver")
    assert "oldver 2.0 is not on" in old["message"] and "no such version (newest: 1.0)" in old["message"]
    [yanked] = find(report, "SRC003", "yankedpkg")
    assert yanked["message"].endswith("yankedpkg 1.1 is yanked on " + index.url + ": broken build, use 1.2")
    [win] = find(report, "PLT002", "winonly")
    assert "its files are for macosx_11_0_arm64, win_amd64, and there is no sdist" in win["message"]


def test_warm_cache_asks_nothing_and_revalidation_is_304(tmp_path: Path, laptop_venv: Path) -> None:
    with public_index(tmp_path) as index:
        _, cold = lint(tmp_path, laptop_venv, index.url)
        pages_cold = len(index.requests_for("/simple/"))
        _, warm = lint(tmp_path, laptop_venv, index.url)
        # fresh pages come from the cache; only answers that are never cached are asked again:
        # the 404 of the project that does not exist, and the project that failed with a 500
        assert set(index.requests_for("/simple/")[pages_cold:]) == {"/simple/privatepkg/", "/simple/flaky/"}
    assert summary(warm) == summary(cold) == EXPECTED

    stale = tmp_path / "stale"
    stale.mkdir()
    with public_index(stale, max_age=0) as index:
        lint(stale, laptop_venv, index.url)
        assert index.not_modified == 0
        _, again = lint(stale, laptop_venv, index.url)
        assert index.not_modified > 0  # pages were revalidated with their ETag, bodies reused
    assert summary(again) == EXPECTED


def test_offline_uses_only_the_cache(tmp_path: Path, laptop_venv: Path) -> None:
    with public_index(tmp_path) as index:
        lint(tmp_path, laptop_venv, index.url)  # fills the cache
        url = index.url
    # the server is gone: offline answers come from the cache, stale or not
    code, report = lint(tmp_path, laptop_venv, url, "--offline")
    assert code == 1
    have = summary(report)
    # a cached page without the version is not trusted offline: no false "not on PyPI"
    assert have == EXPECTED - {("SRC003", "oldver", "error"), ("SRC003", "privatepkg", "error")}
    skipped = {s["what"]: s["reason"] for s in report["skipped"]}
    assert skipped["index: oldver"] == "offline: the cached page has no 2.0, but it may be out of date"
    assert skipped["index: privatepkg"] == "offline, and not in the index cache"  # a 404 is never cached


def test_offline_with_an_empty_cache_reports_nothing_from_the_index(tmp_path: Path, laptop_venv: Path) -> None:
    code, report = lint(tmp_path, laptop_venv, "http://127.0.0.1:9/simple/", "--offline")
    assert report["diagnostics"] == []
    assert code == 0
    reasons = {s["reason"] for s in report["skipped"] if s["what"].startswith("index: ")}
    assert reasons == {"offline, and not in the index cache"}
    assert {s["what"] for s in report["skipped"]} >= {"index: psycopg2", "index: privatepkg", "index: winonly"}
    assert not (tmp_path / "xdg-cache").exists()
