"""DAT002 absolute-data-path, selected alone (its firing lines are marked in the fixtures of
tests/rules/test_dat001.py)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.data_reads import copy_fixture, remote
from tests.helpers.support import clean_environ, run_json


def test_select_dat002_only(tmp_path: Path) -> None:
    project = copy_fixture("readers", tmp_path)
    _, report = run_json(project, "--no-env", "--isolated", "--config", remote(project), "--select", "DAT002",
                         env=clean_environ())
    assert {d["code"] for d in report["diagnostics"]} == {"DAT002"}
    assert {d["path"] for d in report["diagnostics"]} == {"absolute.py", "aliased.py"}
