"""Project-only runs judge the project's files, never the pip/uv configuration of the machine running
envlint; an environment run on this machine does judge it, and says which file (issue 12, point 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.pip_inspect import inspect_report
from tests.integration.userland import Userland, make_userland


@pytest.fixture
def user(tmp_path: Path) -> Userland:
    u = make_userland(tmp_path)
    (u.project / "requirements.txt").write_text("--extra-index-url https://corp.example.invalid/simple\nrequests\n")
    return u


def _json(proc) -> dict:
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def _src001(report: dict) -> list[dict]:
    return [d for d in report["diagnostics"] if d["code"] == "SRC001"]


def test_no_env_judges_only_the_project_files(user: Userland) -> None:
    report = _json(user.run("--no-env", "services/api", "--offline", "--format", "json"))
    found = _src001(report)
    # the project's own requirements file is still judged ...
    assert [d["path"] for d in found] == ["services/api/requirements.txt"]
    # ... the machine's pip.conf and $PIP_FIND_LINKS are not
    text = user.run("--no-env", "services/api", "--offline").stdout
    assert "pip.conf" not in text and "PIP_FIND_LINKS" not in text and "mirror.example.invalid" not in text


def test_the_hook_passes_on_a_clean_project_behind_a_mirror(user: Userland) -> None:
    (user.project / "requirements.txt").write_text("requests\n")
    (user.project / "app.py").write_text("print('hi')\n")
    proc = user.run("--no-env", "--offline", cwd=user.project)
    assert proc.returncode == 0, proc.stdout
    assert "All checks passed." in proc.stdout


def test_inspect_report_judges_only_the_project_files(user: Userland, tmp_path: Path) -> None:
    report_file = inspect_report(tmp_path / "laptop.json", [("requests", "2.32.3")])
    report = _json(user.run("services/api", "--inspect", report_file, "--offline", "--format", "json"))
    assert [d["path"] for d in _src001(report)] == ["services/api/requirements.txt"]


def test_environment_run_names_the_machine_file_and_sarif_keeps_it_off_project_files(user: Userland) -> None:
    venv = user.venv()
    report = _json(user.run("services/api", "--prefix", venv, "--offline", "--format", "json"))
    paths = sorted((d["path"] or "", d["message"]) for d in _src001(report))
    assert any(p == str(user.pip_conf) and "mirror.example.invalid" in m for p, m in paths), paths
    assert any(p == "" and m.startswith("$PIP_FIND_LINKS") for p, m in paths), paths
    assert {(d["path"] or "").endswith("requirements.txt"): d["machine"] for d in _src001(report)} == {
        True: False, False: True}  # JSON says which findings are about this machine

    sarif = _json(user.run("services/api", "--prefix", venv, "--offline", "--format", "sarif"))
    run = sarif["runs"][0]
    for result in run["results"]:
        assert "mirror.example.invalid" not in result["message"]["text"]
        assert "PIP_FIND_LINKS" not in result["message"]["text"]
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any(t.startswith("SRC001 (~/.config/pip/pip.conf:2)") for t in notes), notes
    assert any("$PIP_FIND_LINKS" in t for t in notes), notes
    # no absolute home path in any `properties`
    home = str(user.home)

    def walk(node: object, in_props: bool = False) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, in_props or key == "properties")
        elif isinstance(node, list):
            for value in node:
                walk(value, in_props)
        elif in_props and isinstance(node, str):
            assert home not in node, node

    walk(sarif)
    assert run["properties"]["environment"]["path"] == "~/venv"
