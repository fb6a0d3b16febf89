"""docs/ci.md's workflow and the composite action (action.yml) run as written (issue 12, point 5):
every `run:` step is executed locally with bash, in a git repository with a nested project, with a
pip.conf that adds extra indexes and PIP_FIND_LINKS set; `uses:` steps of GitHub's own actions are
checked for their inputs, and envlint's action is expanded into its own steps.

Installing envlint from its checkout (the action's first step) needs pip to reach a package index with
the build backend and envlint's dependencies, through this machine's pip configuration; the test is
skipped when none answers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers.support import REPO
from tests.integration.userland import Userland, make_userland

pytestmark = pytest.mark.slow

WORKFLOW_PERMISSIONS = {"contents": "read", "security-events": "write", "actions": "read"}


def _workflow() -> dict:
    text = (REPO / "docs" / "ci.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL) if "upload" in b or "jobs:" in b)
    return yaml.safe_load(block)


def _action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text())


def _machine_pip_conf(user: Userland, tmp: Path) -> None:
    """The fake HOME's pip.conf: this machine's own user configuration (so pip can install envlint),
    plus an extra index and find-links of a company mirror (an empty local one)."""
    real_home = Path(os.path.expanduser("~"))
    original = real_home / ".config" / "pip" / "pip.conf"
    text = original.read_text() if original.is_file() and real_home != user.home else "[global]\n"
    mirror = tmp / "mirror" / "simple"
    mirror.mkdir(parents=True)
    if "extra-index-url" in text:
        text = re.sub(r"(extra-index-url\s*=\s*)", rf"\1file://{mirror} ", text, count=1)
    else:
        text = text.replace("[global]\n", f"[global]\nextra-index-url = file://{mirror}\n", 1)
    user.pip_conf.write_text(text)


def _index_unreachable(env: dict[str, str]) -> str | None:
    probe = {**env, "PIP_DEFAULT_TIMEOUT": "10", "PIP_RETRIES": "1"}
    try:
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",
                               env["HOME"] + "/probe", "setuptools"], capture_output=True, text=True, env=probe,
                              timeout=120)
    except subprocess.TimeoutExpired:
        return "no package index answered within 120 s"
    return None if proc.returncode == 0 else f"no package index reachable: {proc.stderr.strip()[-200:]}"


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)


def _inputs(action: dict, given: dict[str, str]) -> dict[str, str]:
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update({k: str(v) for k, v in given.items()})
    return values


def _expand(value: str, inputs: dict[str, str]) -> str:
    """``${{ inputs.X }}`` (the only expression the action's env values use)."""
    def repl(m: re.Match[str]) -> str:
        expr = m.group(1).strip()
        assert expr.startswith("inputs."), expr
        return inputs[expr[len("inputs."):]]
    return re.sub(r"\$\{\{(.*?)\}\}", repl, value)


def _action_checkout(tmp: Path) -> Path:
    """What the runner checks out for ``uses: OWNER/envlint@SHA``: the tracked (and new, not ignored)
    files of this work tree, without build output a local build left behind."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    checkout = tmp / "action-checkout"
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, checkout / name)
    return checkout


def _run_action(action: dict, given: dict[str, str], cwd: Path, env: dict[str, str], runner_temp: Path) -> dict:
    """Run the composite action's steps as the runner would; returns {"exit-code": ..., "uploaded": ...}."""
    inputs = _inputs(action, given)
    outputs: dict[str, dict[str, str]] = {}
    result: dict[str, object] = {"uploaded": None, "failed": False}
    for step in action["runs"]["steps"]:
        if "uses" in step:
            assert step["uses"] == "github/codeql-action/upload-sarif@v3"
            assert set(step["with"]) == {"sarif_file", "category"}
            code = outputs.get("run", {}).get("exit-code", "")
            if inputs["upload"] == "true" and code not in ("", "2"):
                result["uploaded"] = (cwd / _expand(step["with"]["sarif_file"], inputs),
                                      _expand(step["with"]["category"], inputs))
            continue
        assert step["shell"] == "bash" and "${{" not in step["run"]  # values only through env:
        if step.get("if"):  # the last step: fail on findings
            assert "steps.run.outputs.exit-code == '1'" in step["if"]
            if not (inputs["fail-on-findings"] == "true" and outputs["run"]["exit-code"] == "1"):
                continue
        github_output = runner_temp / f"output-{step.get('id', 'x')}"
        github_output.write_text("")
        step_env = {**env, "GITHUB_ACTION_PATH": env["ACTION_CHECKOUT"], "RUNNER_TEMP": str(runner_temp),
                    "GITHUB_OUTPUT": str(github_output)}
        step_env.update({k: _expand(str(v), inputs) for k, v in (step.get("env") or {}).items()})
        proc = _bash(step["run"], cwd, step_env)
        if step.get("if"):
            result["failed"] = proc.returncode != 0
            continue
        assert proc.returncode == 0, (step["name"], proc.stdout, proc.stderr)
        if "id" in step:
            outputs[step["id"]] = dict(line.split("=", 1) for line in github_output.read_text().splitlines() if line)
    result["exit-code"] = outputs["run"]["exit-code"]
    return result


def test_the_workflow_and_the_action_run_as_written(tmp_path: Path) -> None:
    user = make_userland(tmp_path)
    _machine_pip_conf(user, tmp_path)
    (user.repo / "requirements.txt").write_text("# the project's pins\n")
    env = {**user.env, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    reason = _index_unreachable(env)
    if reason:
        pytest.skip(reason)
    python_dir = tmp_path / "setup-python"  # what actions/setup-python puts first on PATH
    python_dir.mkdir()
    (python_dir / "python").symlink_to(shutil.which("python3") or sys.executable)
    (python_dir / "python3").symlink_to(shutil.which("python3") or sys.executable)
    env["PATH"] = f"{python_dir}{os.pathsep}{env['PATH']}"
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    env["ACTION_CHECKOUT"] = str(_action_checkout(tmp_path))

    workflow = _workflow()
    assert workflow["permissions"] == WORKFLOW_PERMISSIONS
    action = _action()
    assert action["runs"]["using"] == "composite"
    result = None
    for step in workflow["jobs"]["envlint"]["steps"]:
        uses = step.get("uses", "")
        if uses.startswith(("actions/checkout@", "actions/setup-python@")):
            continue  # the repository is checked out; python is on PATH
        if uses:
            assert re.fullmatch(r"[A-Za-z0-9_.-]+/envlint@[A-Za-z0-9_]+", uses), uses
            assert set(step["with"]) <= set(action["inputs"])
            result = _run_action(action, step["with"], user.repo, env, runner_temp)
            continue
        proc = _bash(step["run"], user.repo, env)
        assert proc.returncode == 0, (step["name"], proc.stdout, proc.stderr)

    assert result is not None
    assert result["exit-code"] == "1" and result["failed"]  # DAT001 in services/api/app.py fails the job
    sarif_file, category = result["uploaded"]
    assert category == "envlint"
    sarif = json.loads(Path(sarif_file).read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert "services/api/app.py" in uris
    # the machine's pip.conf (extra indexes) and $PIP_FIND_LINKS never land on a project file
    for r in sarif["runs"][0]["results"]:
        assert "PIP_FIND_LINKS" not in r["message"]["text"] and "mirror" not in r["message"]["text"]

    # a monorepo: the action with path: services/api
    clean = _run_action(action, {"path": "services/api", "args": "--no-env --offline", "sarif-file": "api.sarif",
                                 "fail-on-findings": "false"}, user.repo, env, runner_temp)
    assert clean["exit-code"] == "1" and not clean["failed"]
