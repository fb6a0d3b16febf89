"""Issue 12, point 4, as the issue tells it: `torch==2.3.1` in pyproject.toml against a venv without
torch used to pass. The installed console script, in a monorepo, reports it as PIN005."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.userland import make_userland


def test_torch_declared_but_not_in_the_venv(tmp_path: Path) -> None:
    user = make_userland(tmp_path)
    (user.project / "pyproject.toml").write_text(
        '[project]\nname = "api"\nversion = "0.1.0"\ndependencies = ["torch==2.3.1"]\n')
    venv = user.venv()
    proc = user.run("services/api", "--prefix", venv, "--offline", "--select", "PIN005")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("services/api/pyproject.toml:4:18: PIN005 [error] torch==2.3.1 is declared in "
                                  "pyproject.toml but not installed in the environment")
    # the project-only hook has no environment to compare with: skipped, not failed
    proc = user.run("--no-env", "services/api", "--offline", "--select", "PIN005", "--format", "json")
    assert proc.returncode == 0
    assert any("PIN005" in s["what"] for s in json.loads(proc.stdout)["skipped"])
    # `envlint rule PIN005` explains it
    proc = user.run("rule", "PIN005")
    assert proc.returncode == 0 and "## How to fix" in proc.stdout
