"""A warm run asks the index nothing for fresh pages, revalidates stale ones, and --offline serves
stale ones: counted by a real index on 127.0.0.1 (its request log), judged by the CLI's JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.index_server import IndexServer
from tests.helpers.support import clean_environ, make_venv, make_wheel, pip_install, run_json

RULES = "BLD003,SRC003,PLT002"
PAGES = {"/simple/wheelok/", "/simple/yankedpkg/"}
EXPECTED = {("SRC003", "yankedpkg", "warning")}


@pytest.fixture(scope="session")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fresh")
    make_wheel(root / "wheels", "wheelok", "1.0")
    make_wheel(root / "wheels", "yankedpkg", "1.1")
    venv = make_venv(root / "venv")
    pip_install(venv, "wheelok==1.0", "yankedpkg==1.1", find_links=root / "wheels")
    return venv


def index(tmp: Path, **kwargs: object) -> IndexServer:
    server = IndexServer(**kwargs)  # type: ignore[arg-type]
    server.add_file(make_wheel(tmp / "served", "wheelok", "1.0"))
    server.add_file(make_wheel(tmp / "served", "yankedpkg", "1.1"), yanked="broken, use 1.2")
    server.add_file(make_wheel(tmp / "served", "yankedpkg", "1.2"))
    return server


def lint(tmp: Path, venv: Path, url: str, *extra: str) -> tuple[int, dict]:
    project = tmp / "project"
    project.mkdir(exist_ok=True)
    (project / "envlint.toml").write_text("timeout = 2\nretries = 2\n")
    return run_json(project, "--prefix", venv, "--index-url", url, "--cache-dir", tmp / "cache",
                    "--select", RULES, *extra, env=clean_environ(XDG_CACHE_HOME=str(tmp / "xdg")))


def summary(report: dict) -> set[tuple[str, str, str]]:
    assert not [s for s in report["skipped"] if s["what"].startswith("index: ")]
    return {(d["code"], d["package"], d["severity"]) for d in report["diagnostics"]}


@pytest.mark.parametrize("kwargs", [{"max_age": 600}, {"cache_headers": False}],
                         ids=["max-age", "no-cache-headers-600s-heuristic"])
def test_fresh_pages_cost_no_request(tmp_path: Path, venv: Path, kwargs: dict) -> None:
    with index(tmp_path, **kwargs) as server:
        _, cold = lint(tmp_path, venv, server.url)
        assert set(server.requests_for("/simple/")) == PAGES
        asked = len(server.log)
        _, warm = lint(tmp_path, venv, server.url)
        assert server.log[asked:] == []  # not a page, not a file, not a revalidation
    assert summary(warm) == summary(cold) == EXPECTED


def test_stale_pages_are_revalidated(tmp_path: Path, venv: Path) -> None:
    with index(tmp_path, max_age=0) as server:  # every cached page is stale at once
        _, cold = lint(tmp_path, venv, server.url)
        asked = len(server.log)
        _, warm = lint(tmp_path, venv, server.url)
        assert set(server.log[asked:]) == PAGES
        assert server.not_modified == len(PAGES)  # each asked with its ETag, answered 304
    assert summary(warm) == summary(cold) == EXPECTED


def test_offline_serves_stale_pages(tmp_path: Path, venv: Path) -> None:
    with index(tmp_path, max_age=0) as server:
        _, online = lint(tmp_path, venv, server.url)
        url = server.url
    # the index is gone and every cached page is stale: offline still answers from the cache
    code, offline = lint(tmp_path, venv, url, "--offline")
    assert code == 1
    assert summary(offline) == summary(online) == EXPECTED
