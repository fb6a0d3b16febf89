"""Real network faults: each failed look-up is a skipped entry, every other finding is still reported.

Timeouts are small (0.2 s per attempt, 2 attempts) so a server that never answers in time costs
well under a second; nothing here measures time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from index_server import IndexServer, closed_port_url
from support import clean_environ, make_venv, make_wheel, pip_install, run_json

RULES = "BLD003,SRC003,PLT002,SYS003"
CONFIG = "timeout = 0.2\nretries = 2\n"


@pytest.fixture(scope="session")
def small_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faults")
    house = root / "wheels"
    make_wheel(house, "wheelok", "1.0")
    make_wheel(house, "pydot", "1.4.2")  # SYS003: needs Graphviz's `dot`, whatever the index says
    make_wheel(house, "torchish", "2.1.0+cpu")  # SRC003 without the index: a local version label
    venv = make_venv(root / "venv")
    pip_install(venv, "wheelok", "pydot", "torchish", find_links=house)
    return venv


def lint(tmp: Path, venv: Path, index_url: str) -> tuple[int, dict]:
    project = tmp / "project"
    project.mkdir()
    (project / "envlint.toml").write_text(CONFIG)
    return run_json(project, "--prefix", venv, "--index-url", index_url, "--cache-dir", tmp / "cache",
                    "--select", RULES, env=clean_environ(XDG_CACHE_HOME=str(tmp / "xdg")))


def index_skips(report: dict) -> dict[str, str]:
    return {s["what"]: s["reason"] for s in report["skipped"] if s["what"].startswith("index: ")}


def assert_other_findings_survive(code: int, report: dict) -> None:
    assert code == 1
    assert {(d["code"], d["package"]) for d in report["diagnostics"]} == {("SYS003", "pydot"), ("SRC003", "torchish")}


def served(tmp: Path, **kwargs: object) -> IndexServer:
    server = IndexServer(**kwargs)  # type: ignore[arg-type]
    server.add_file(make_wheel(tmp / "w", "wheelok", "1.0"))
    server.add_file(make_wheel(tmp / "w", "pydot", "1.4.2"))
    return server


def test_healthy_index_twin(tmp_path: Path, small_venv: Path) -> None:
    with served(tmp_path) as index:
        code, report = lint(tmp_path, small_venv, index.url)
    assert_other_findings_survive(code, report)
    assert index_skips(report) == {}


def test_server_that_times_out(tmp_path: Path, small_venv: Path) -> None:
    with served(tmp_path, fault="sleep", sleep=1.5) as index:
        code, report = lint(tmp_path, small_venv, index.url)
    assert_other_findings_survive(code, report)
    reason = "timed out after 0.2 s (2 attempts)"  # a read timeout: each look-up's own, never "unreachable"
    assert index_skips(report) == {"index: pydot": reason, "index: wheelok": reason}


def test_server_error_500(tmp_path: Path, small_venv: Path) -> None:
    with served(tmp_path, fault="500") as index:
        code, report = lint(tmp_path, small_venv, index.url)
    assert_other_findings_survive(code, report)
    reason = "HTTP 500 from the index (2 attempts)"
    assert index_skips(report) == {"index: pydot": reason, "index: wheelok": reason}
    assert len(index.requests_for("/simple/pydot/")) == 2  # retried, as configured


def test_malformed_json(tmp_path: Path, small_venv: Path) -> None:
    with served(tmp_path, fault="malformed") as index:
        code, report = lint(tmp_path, small_venv, index.url)
    assert_other_findings_survive(code, report)
    skips = index_skips(report)
    assert set(skips) == {"index: pydot", "index: wheelok"}
    assert all(r.startswith("malformed response: ") for r in skips.values())
    assert len(index.requests_for("/simple/pydot/")) == 1  # a body that does not parse is not retried


def test_closed_port(tmp_path: Path, small_venv: Path) -> None:
    code, report = lint(tmp_path, small_venv, closed_port_url())
    assert_other_findings_survive(code, report)
    reason = "index unreachable: cannot connect ([Errno 111] Connection refused), 2 attempts"
    assert index_skips(report) == {"index: pydot": reason, "index: wheelok": reason}


def test_a_missing_project_is_an_answer_not_a_fault(tmp_path: Path, small_venv: Path) -> None:
    """404 is "no such project" (SRC003), asked once: never retried, never skipped."""
    index = IndexServer()
    index.add_file(make_wheel(tmp_path / "w", "pydot", "1.4.2"))
    with index:
        code, report = lint(tmp_path, small_venv, index.url)
    assert {(d["code"], d["package"]) for d in report["diagnostics"]} == {
        ("SYS003", "pydot"), ("SRC003", "torchish"), ("SRC003", "wheelok")}
    assert index_skips(report) == {}
    assert len(index.requests_for("/simple/wheelok/")) == 1
