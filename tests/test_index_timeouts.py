"""Slow look-ups: one project that times out is that project's failure, never the whole index's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from index_server import IndexServer
from pip_inspect import inspect_report
from support import clean_environ, find, make_wheel, run_json


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
