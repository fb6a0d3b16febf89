"""The README's first command: the demo project with its macOS laptop snapshot reads as documented."""

from __future__ import annotations

from tests.helpers.support import REPO, run_envlint, run_json

DEMO = REPO / "examples" / "demo"


def test_demo_snapshot_reports_the_documented_problems() -> None:
    code, report = run_json(DEMO, "--inspect", DEMO / "laptop-inspect.json", "--offline")

    assert code == 1
    found = {(d["code"], d["package"]) for d in report["diagnostics"]}
    assert {("PIN001", "dask"), ("PIN002", "uvloop"), ("PIN004", "networkx"), ("SRC002", "geodata"),
            ("SRC002", "fastgeo"), ("BLD004", "fastgeo"), ("SRC003", "acme-inference"),
            ("LOC001", "acme-utils")} <= found
    assert report["target"]["platform"] == "linux_x86_64" and report["target"]["python"] == "3.10.14"
    by_code = {d["code"]: d for d in report["diagnostics"] if d["package"] == "dask"}
    # paths from the repository root (the demo lives in this repository)
    assert (by_code["PIN001"]["path"], by_code["PIN001"]["line"]) == ("examples/demo/requirements.txt", 3)
    [uvloop] = [d for d in report["diagnostics"] if d["code"] == "PIN002"]
    assert "not where this environment was made (darwin, arm64, Python 3.10.14)" in uvloop["message"]


def test_demo_text_output_names_environment_and_target() -> None:
    code, out = run_envlint(DEMO, "--inspect", DEMO / "laptop-inspect.json", "--offline")
    assert code == 1
    assert "requirements.txt:3:1: PIN001 [error] distributed 2022.5.1 requires dask==2022.05.1" in out
    assert "Environment: pip inspect report" in out and "(found via --inspect)" in out
    assert "Target: linux_x86_64, CPython 3.10.14 (environment)" in out


def test_snapshot_source_trees_from_another_machine_are_skipped_not_errors() -> None:
    _, report = run_json(DEMO, "--inspect", DEMO / "laptop-inspect.json", "--offline")
    assert not [d for d in report["diagnostics"] if d["code"] == "BLD002"]
    [skip] = [s for s in report["skipped"] if s["what"] == "local package /Users/alex/src/acme-utils"]
    assert "not on this machine" in skip["reason"]
