"""The project tree walk (envlint/facts/code/): what it skips (.gitignore, environments, build and
cache directories, configured excludes), symlink loops, unreadable directories, and the walk cache.
How it matches git itself: tests/facts/test_walk_gitignore.py.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.helpers.data_reads import copy_fixture, lint, read_cache, remote, reported, write, write_cache
from tests.helpers.support import clean_environ, run_json, run_json_without_file_powers, without_file_powers


def test_gitignored_environment_build_and_cache_directories_are_skipped(tmp_path: Path) -> None:
    project = tmp_path / "tree"
    write(project / "app.py")
    write(project / ".gitignore", "ignored/\n*.generated.py\n!keep.generated.py\n")
    write(project / "ignored" / "x.py")
    write(project / "a.generated.py")
    write(project / "keep.generated.py")
    write(project / "sub" / ".gitignore", "local.py\n")
    write(project / "sub" / "local.py")
    write(project / "sub" / "kept.py")
    write(project / "local.py")  # the nested .gitignore applies only below sub/
    write(project / "myvenv" / "pyvenv.cfg", "home = /usr/bin\n")
    write(project / "myvenv" / "lib" / "python3.11" / "site-packages" / "dep.py")
    write(project / "condaenv" / "conda-meta" / "history", "")
    write(project / "condaenv" / "lib" / "thing.py")
    for name in ("node_modules", ".git", "build", "dist", "pkg.egg-info", "__pycache__", ".tox", ".nox",
                 ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages"):
        write(project / name / "skipped.py")
    write(project / "mypkg" / "build" / "__init__.py", "")  # a package named build is code, not output
    write(project / "mypkg" / "build" / "steps.py")
    _, report = lint(project)
    assert {path for path, _, _ in reported(report)} == {
        "app.py", "keep.generated.py", "sub/kept.py", "local.py", "mypkg/build/steps.py"}


def test_configured_exclude_patterns_are_skipped(tmp_path: Path) -> None:
    project = tmp_path / "excl"
    write(project / "app.py")
    write(project / "scripts" / "legacy" / "old.py")
    write(project / "notebooks" / "scratch.py")
    config = tmp_path / "envlint.toml"
    config.write_text('exclude = ["scripts/legacy/", "scratch.py"]\nremote-scripts = ["*"]\n')
    _, report = run_json(project, "--no-env", "--config", config, "--select", "DAT", env=clean_environ())
    assert {path for path, _, _ in reported(report)} == {"app.py"}


def test_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    project = tmp_path / "loop"
    write(project / "pkg" / "mod.py")
    os.symlink("..", project / "pkg" / "up")
    os.symlink(project / "pkg", project / "alias")
    _, report = lint(project)
    assert {path for path, _, _ in reported(report)} == {"pkg/mod.py"}


@pytest.mark.skipif(without_file_powers() is None,
                    reason="chmod 000 cannot keep this process out here (root without setpriv)")
def test_unreadable_directory_is_el001_and_the_walk_goes_on(tmp_path: Path) -> None:
    project = tmp_path / "perm"
    write(project / "ok.py")
    write(project / "locked" / "hidden.py")
    (project / "locked").chmod(0)
    try:
        _, report = run_json_without_file_powers(project, "--no-env", "--isolated", "--config", remote(project),
                                                 "--select", "DAT,EL001", env=clean_environ())
    finally:
        (project / "locked").chmod(0o755)
    assert any(d["code"] == "EL001" and d["path"] == "locked" for d in report["diagnostics"])
    assert {path for path, _, _ in reported(report)} == {"ok.py"}


def test_gitignore_files_above_the_root_apply_but_never_hide_the_root_itself(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / ".gitignore", "generated/\n*.tmp.py\nscratch/\n")
    write(repo / "proj" / "app.py")
    write(repo / "proj" / "generated" / "out.py")
    write(repo / "proj" / "a.tmp.py")
    _, report = lint(repo / "proj")  # paths are shown from the repository root
    assert {path for path, _, _ in reported(report)} == {"proj/app.py"}
    # a directory the repository ignores is still linted when it is the PATH given
    write(repo / "scratch" / "try.py")
    _, report = lint(repo / "scratch")
    assert {path for path, _, _ in reported(report)} == {"scratch/try.py"}


def _age(project: Path) -> None:
    """Date every directory 10 s back, as if the tree had been made a while ago (a directory changed
    within the last moments is never trusted from the cache)."""
    past = time.time() - 10
    for directory in [project, *(p for p in project.rglob("*") if p.is_dir())]:
        os.utime(directory, (past, past))


def _settle(project: Path) -> dict:
    """Lint until the walk is cached: the first run makes .envlint_cache/ (changing the root), the
    next records the walk."""
    lint(project)
    _age(project)
    return lint(project)[1]


def _walk_cache(project: Path) -> Path:
    (path,) = (project / ".envlint_cache").glob("walk-*.json")
    return path


def test_the_walk_is_reused_until_a_directory_changes(tmp_path: Path) -> None:
    project = copy_fixture("readers", tmp_path)
    (project / "sub").mkdir()
    first = _settle(project)
    # a walk cache that lists a file the tree does not have shows that it is used
    cache = read_cache(_walk_cache(project))
    cache["files"].append("ghost.py")
    write_cache(_walk_cache(project), project, cache)
    _, lied = lint(project)
    assert any(d["path"] == "ghost.py" and d["code"] == "EL001" for d in lied["diagnostics"])
    # a new file changes its directory: walked again, and found
    (project / "sub" / "new.py").write_text('import pandas as pd\n\nframe = pd.read_csv("new.csv")\n')
    _, second = lint(project)
    assert not any(d["path"] == "ghost.py" for d in second["diagnostics"])
    assert ("sub/new.py", 3, "DAT001") in reported(second)
    assert reported(second) - {("sub/new.py", 3, "DAT001")} == reported(first)


def test_editing_an_ignore_file_or_adding_one_below_is_seen(tmp_path: Path) -> None:
    project = copy_fixture("readers", tmp_path)
    (project / "sub").mkdir()
    (project / "sub" / "load.py").write_text('open("sub.csv")\n')
    (project / ".gitignore").write_text("")
    assert ("sub/load.py", 1, "DAT001") in reported(_settle(project))
    (project / ".gitignore").write_text("sub/\n")  # same directories, edited ignore file
    assert ("sub/load.py", 1, "DAT001") not in reported(lint(project)[1])
    (project / ".gitignore").write_text("")
    _settle(project)
    (project / "sub" / ".gitignore").write_text("load.py\n")  # a new ignore file below
    assert ("sub/load.py", 1, "DAT001") not in reported(lint(project)[1])


def test_a_build_directory_that_becomes_a_package_is_walked(tmp_path: Path) -> None:
    project = copy_fixture("readers", tmp_path)
    (project / "build").mkdir()
    (project / "build" / "load.py").write_text('open("built.csv")\n')
    assert ("build/load.py", 1, "DAT001") not in reported(_settle(project))
    (project / "build" / "__init__.py").write_text("")
    assert ("build/load.py", 1, "DAT001") in reported(lint(project)[1])


@pytest.mark.parametrize("poison", ["[]", '{"format": 1, "listed_ns": 0, "dirs": {"": "x"}}', "garbage"])
def test_a_walk_cache_that_is_not_what_envlint_wrote_is_a_miss(tmp_path: Path, poison: str) -> None:
    project = copy_fixture("readers", tmp_path)
    _, clean = lint(project, "--no-cache")
    _settle(project)
    _walk_cache(project).write_text(poison)
    code, report = lint(project)
    assert report["diagnostics"] == clean["diagnostics"] and code == 1
