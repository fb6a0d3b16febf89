"""PIN003's resolution finishes: the installed versions are tried first (nothing else is read when
they agree), and a time budget that runs out is a ``skipped`` line naming what was not decided."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.index_server import IndexServer
from tests.helpers.pip_inspect import inspect_report
from tests.helpers.support import clean_environ, find, make_wheel, run_json


def lint(tmp: Path, requirements: str, index_url: str, config: str, *env: str) -> tuple[int, dict]:
    project = tmp / "project"
    project.mkdir(exist_ok=True)
    (project / "envlint.toml").write_text(config)
    (project / "requirements.txt").write_text(requirements)
    where = list(env) or ["--no-env", "--target-python", "3.11"]
    return run_json(project, *where, "--index-url", index_url, "--cache-dir", tmp / "cache", "--select", "PIN003",
                    env=clean_environ(XDG_CACHE_HOME=str(tmp / "xdg")))


def test_installed_versions_are_tried_first(tmp_path: Path) -> None:
    w = tmp_path / "w"
    server = IndexServer()
    for v in ("1.26.4", "2.0.0", "2.1.0"):
        server.add_file(make_wheel(w, "numpy", v))
    server.add_file(make_wheel(w, "tool", "1.0", requires=["numpy>=1.20"]))
    report_file = inspect_report(tmp_path / "inspect.json", [("numpy", "1.26.4"), ("tool", "1.0")])
    with server:
        code, report = lint(tmp_path, "numpy\ntool\n", server.url, "timeout = 5\nretries = 1\n",
                            "--inspect", str(report_file))
    assert (code, report["diagnostics"], report["skipped"]) == (0, [], [])
    # numpy 1.26.4, installed, was taken: the newer versions' metadata was never read
    assert server.requests_for("/files/numpy-1.26.4-py3-none-any.whl")
    assert not server.requests_for("/files/numpy-2.")


def test_without_an_environment_the_newest_versions_come_first(tmp_path: Path) -> None:
    w = tmp_path / "w"
    server = IndexServer()
    for v in ("1.26.4", "2.1.0"):
        server.add_file(make_wheel(w, "numpy", v))
    with server:
        code, report = lint(tmp_path, "numpy\n", server.url, "timeout = 5\nretries = 1\n")
    assert (code, report["diagnostics"], report["skipped"]) == (0, [], [])
    assert server.requests_for("/files/numpy-2.1.0-py3-none-any.whl")
    assert not server.requests_for("/files/numpy-1.26.4")


def test_an_expired_budget_names_what_was_not_decided(tmp_path: Path) -> None:
    w = tmp_path / "w"
    server = IndexServer(project_faults={"slowdep": "sleep"}, sleep=3.0)
    server.add_file(make_wheel(w, "app", "1.0", requires=["slowdep>=1"]))
    server.add_file(make_wheel(w, "slowdep", "1.0"))
    with server:
        code, report = lint(tmp_path, "app==1.0\n", server.url, "timeout = 10\nretries = 1\nresolver-timeout = 1\n")
    assert find(report, "PIN003") == []
    skipped = {s["what"]: s["reason"] for s in report["skipped"]}
    assert skipped["resolver: PIN003"].startswith("could not decide in 1 s (resolver-timeout); not decided: slowdep")
