"""Paths are relative to the git work tree that holds the project, in every format; one project per
run (issue 12, point 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.userland import REMOTE, Userland, make_userland

APP = "services/api/app.py"


@pytest.fixture
def user(tmp_path: Path) -> Userland:
    return make_userland(tmp_path)


def _run(user: Userland, *args: str, cwd: Path | None = None):
    proc = user.run("--no-env", "--offline", "--select", "DAT001", *args, cwd=cwd)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    return proc.stdout


@pytest.mark.parametrize("where", ["repo", "services", "project"])
def test_every_format_reports_the_path_from_the_repository_root(user: Userland, where: str) -> None:
    cwd = {"repo": user.repo, "services": user.repo / "services", "project": user.project}[where]
    arg = {"repo": "services/api", "services": "api", "project": "."}[where]
    assert _run(user, arg, cwd=cwd).startswith(f"{APP}:3:")
    report = json.loads(_run(user, arg, "--format", "json", cwd=cwd))
    assert [d["path"] for d in report["diagnostics"]] == [APP]
    sarif = json.loads(_run(user, arg, "--format", "sarif", cwd=cwd))
    [location] = sarif["runs"][0]["results"][0]["locations"]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": APP, "uriBaseId": "%SRCROOT%"}
    github = _run(user, arg, "--format", "github", cwd=cwd)
    assert github.startswith(f"::warning file={APP},line=3,")


def test_suppressions_and_per_path_ignores_still_read_the_project(user: Userland) -> None:
    (user.project / "envlint.toml").write_text('[per-path-ignores]\n"scripts/*" = ["DAT"]\n')
    (user.project / "scripts").mkdir()
    (user.project / "scripts" / "load.py").write_text("open('data/a.csv')\n" + REMOTE)
    (user.project / "other.py").write_text("open('data/b.csv')  # envlint: ignore[DAT001]\n" + REMOTE)
    report = json.loads(_run(user, "services/api", "--format", "json"))
    assert [d["path"] for d in report["diagnostics"]] == [APP]


def test_outside_a_git_repository_paths_start_at_the_working_directory(tmp_path: Path) -> None:
    user = make_userland(tmp_path)
    import shutil

    shutil.rmtree(user.repo / ".git")
    assert _run(user, "services/api").startswith(f"{APP}:3:")
    assert _run(user, ".", cwd=user.project).startswith("app.py:3:")


def test_a_file_argument_is_checked_in_its_project(user: Userland) -> None:
    (user.project / "pkg").mkdir()
    (user.project / "pkg" / "load.py").write_text("open('data/a.csv')\n" + REMOTE)
    report = json.loads(_run(user, "services/api/pkg/load.py", "--format", "json"))
    assert [d["path"] for d in report["diagnostics"]] == ["services/api/pkg/load.py"]


def test_several_projects_are_refused_clearly(user: Userland) -> None:
    worker = user.repo / "services" / "worker"
    worker.mkdir()
    (worker / "pyproject.toml").write_text('[project]\nname = "worker"\nversion = "1"\n')
    proc = user.run("--no-env", "services/api", "services/worker")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "envlint: error: several projects given (services/api, services/worker): envlint checks one project per run",
        "hint: run it once per project, e.g. envlint services/api && envlint services/worker",
    ]
    (worker / "main.py").write_text("print(1)\n")
    proc = user.run("--no-env", "services/api/app.py", "services/worker/main.py")
    assert proc.returncode == 2 and "belong to different projects" in proc.stderr
    # files of one project are fine
    (user.project / "b.py").write_text("print(1)\n")
    proc = user.run("--no-env", "--offline", "services/api/app.py", "services/api/b.py", "--select", "DAT001")
    assert proc.returncode == 1 and proc.stdout.startswith(f"{APP}:3:")
