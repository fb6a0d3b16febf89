"""The index client against a real index on 127.0.0.1: each failed look-up is a skipped entry and
every other finding is still reported; one slow project is that project's failure, never the whole
index's; legacy sdist archives are sdists.

Timeouts are small (0.2 s per attempt, 2 attempts) so a server that never answers in time costs
well under a second; nothing here measures time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from envlint.index.client import Failure, IndexClient

from tests.helpers.index_server import SDIST_FORMATS, IndexServer, closed_port_url, make_sdist
from tests.helpers.pip_inspect import inspect_report
from tests.helpers.support import clean_environ, find, make_venv, make_wheel, pip_install, run_json


# -- network faults -------------------------------------------------------------------------------

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


# -- legacy sdist archives ------------------------------------------------------------------------

LEGACY = [ext for ext in SDIST_FORMATS if ext != ".tar.gz"]


@pytest.mark.parametrize("json", [True, False], ids=["pep691-json", "pep503-html"])
def test_legacy_sdists_are_versions_the_index_has(tmp_path: Path, json: bool) -> None:
    index = IndexServer(json=json)
    dists = []
    for i, ext in enumerate(LEGACY):
        name = f"legacy{i}"
        index.add_file(make_sdist(tmp_path / "s", name, "1.0", build_requires=["setuptools"], ext=ext))
        dists.append((name, "1.0"))
    project = tmp_path / "project"
    project.mkdir()
    (project / "envlint.toml").write_text("timeout = 2\nretries = 2\n")
    with index:
        code, report = run_json(project, "--inspect", inspect_report(tmp_path / "inspect.json", dists),
                                "--index-url", index.url, "--cache-dir", tmp_path / "cache",
                                "--select", "SRC003,BLD003,PLT002", env=clean_environ(XDG_CACHE_HOME=str(tmp_path / "xdg")))
    # never "no such version": each version has an sdist, which the workers build (BLD003, a warning)
    found = {(d["code"], d["package"], d["severity"]) for d in report["diagnostics"]}
    assert found == {("BLD003", f"legacy{i}", "warning") for i in range(len(LEGACY))}
    builds = sorted(d["message"].rpartition(" the workers build ")[2] for d in report["diagnostics"])
    assert builds == sorted(f"legacy{i}-1.0{ext}" for i, ext in enumerate(LEGACY))
    assert [s for s in report["skipped"] if s["what"].startswith("index")] == []
    assert code == 1


# -- slow look-ups --------------------------------------------------------------------------------

def test_one_slow_project_does_not_shut_off_the_index(tmp_path: Path) -> None:
    """An environment of 60 distributions where one project's page answers after the timeout: that
    look-up is skipped, and the resolver's later look-ups still reach the index (PIN003 fires)."""
    w = tmp_path / "w"
    index = IndexServer(project_faults={"slowpkg": "sleep"}, sleep=4.0)
    dists = [(f"pkg{i:02d}", "1.0") for i in range(59)] + [("slowpkg", "1.0")]
    for name, version in dists:
        index.add_file(make_wheel(w, name, version))
    for v in ("2022.1.0", "2022.5.1"):
        index.add_file(make_wheel(w, "dask", v))
    index.add_file(make_wheel(w, "distributed", "2022.5.1", requires=["dask==2022.05.1"]))
    project = tmp_path / "project"
    project.mkdir()
    (project / "envlint.toml").write_text("timeout = 1\nretries = 1\n")
    (project / "requirements.txt").write_text("dask==2022.1.0\ndistributed==2022.05.1\n")
    report_file = inspect_report(tmp_path / "inspect.json", dists)
    with index:
        code, report = run_json(project, "--inspect", report_file, "--index-url", index.url,
                                "--cache-dir", tmp_path / "cache", "--select", "BLD003,SRC003,PLT002,PIN003",
                                env=clean_environ(XDG_CACHE_HOME=str(tmp_path / "xdg")))
    skipped = {s["what"]: s["reason"] for s in report["skipped"] if s["what"].startswith(("index", "resolver"))}
    assert skipped == {"index: slowpkg": "timed out after 1 s (1 attempt)"}
    [diag] = find(report, "PIN003")
    assert "dask==2022.1.0 (requirements.txt:1) and distributed==2022.05.1 (requirements.txt:2)" in diag["message"]
    assert code == 1


def test_a_trickling_index_cannot_keep_envlint_running(tmp_path: Path) -> None:
    """An index that sends its answers one byte every 0.25 s for two minutes (no single read times
    out): envlint, a real process, ends about its time limits, with the look-ups skipped. The bound
    on the process is generous (30 s against a 1 s budget per batch); it is not a timing measure."""
    index = IndexServer(fault="trickle", trickle_every=0.25, trickle_for=120)
    index.add_file(make_wheel(tmp_path / "w", "pkg00", "1.0"))
    project = tmp_path / "project"
    project.mkdir()
    (project / "envlint.toml").write_text("timeout = 1\nretries = 1\n")
    (project / "requirements.txt").write_text("dask==2022.1.0\ndistributed==2022.05.1\n")
    report_file = inspect_report(tmp_path / "inspect.json", [("pkg00", "1.0"), ("pkg01", "2.0")])
    with index:
        done = subprocess.run(
            [sys.executable, "-m", "envlint", str(project), "--inspect", str(report_file), "--index-url", index.url,
             "--cache-dir", str(tmp_path / "cache"), "--select", "BLD003,SRC003,PLT002,PIN003", "--format", "json"],
            capture_output=True, text=True, timeout=30, env=clean_environ(XDG_CACHE_HOME=str(tmp_path / "xdg")))
    report = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert report["diagnostics"] == []
    skipped = {s["what"]: s["reason"] for s in report["skipped"] if s["what"].startswith(("index", "resolver"))}
    assert set(skipped) == {"index: pkg00", "index: pkg01", "index: dask", "index: distributed", "resolver: PIN003"}
    assert all(r.startswith("no answer within 1 s") for w, r in skipped.items() if w.startswith("index"))


def test_a_file_over_the_size_limit_is_not_a_malformed_response(tmp_path: Path) -> None:
    big = make_wheel(tmp_path / "wheels", "bigpkg", "1.0", files={"bigpkg/blob.bin": os.urandom(2 * 1024 * 1024)})
    with IndexServer() as server:
        served = server.add_file(big)
        client = IndexClient(server.url, cache_dir=tmp_path / "cache", offline=False, timeout=10, retries=1,
                             progress=False)
        url = f"{server.url.rsplit('/simple/', 1)[0]}/files/{served.filename}"
        got = client.get_bytes(url, what=served.filename, max_size=1024 * 1024)
    assert isinstance(got, Failure)
    assert got.reason == f"{served.filename} is larger than 1 MB; not read"
    assert "malformed" not in got.reason
