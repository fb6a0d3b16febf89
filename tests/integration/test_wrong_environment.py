"""A wrong --prefix or --python is a usage error: exit 2 with one line saying why (issue 12, point 3).
Implicit discovery that finds nothing keeps its skipped line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.integration.userland import Userland, make_userland


@pytest.fixture
def user(tmp_path: Path) -> Userland:
    return make_userland(tmp_path)


def _one_line_error(proc, *needles: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("envlint: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_prefix_that_is_not_an_environment(user: Userland) -> None:
    _one_line_error(user.run("services/api", "--prefix", "services"), "--prefix services: not a Python environment",
                    "no pyvenv.cfg")


def test_prefix_that_is_a_file(user: Userland) -> None:
    _one_line_error(user.run("services/api", "--prefix", "README.md"), "not a Python environment", "not a directory")


def test_python_that_is_not_an_interpreter(user: Userland, tmp_path: Path) -> None:
    _one_line_error(user.run("services/api", "--python", "README.md"), "--python README.md: not a Python interpreter")
    fake = tmp_path / "fake-python"
    fake.write_text("#!/bin/sh\necho hello\n")
    fake.chmod(0o755)
    _one_line_error(user.run("services/api", "--python", fake), "not a Python interpreter",
                    "did not answer like a Python interpreter")
    _one_line_error(user.run("services/api", "--python", "services"), "is a directory")


def test_a_real_environment_still_works(user: Userland) -> None:
    venv = user.venv()
    for option, value in (("--prefix", venv), ("--python", venv / "bin" / "python")):
        proc = user.run("services/api", option, value, "--offline")
        assert proc.returncode in (0, 1), proc.stderr
        assert f"Environment: venv {venv} (found via {option})" in proc.stdout


def test_implicit_discovery_that_finds_nothing_is_a_skipped_line(user: Userland) -> None:
    proc = user.run("services/api", "--offline")
    assert proc.returncode in (0, 1), proc.stderr
    assert "Skipped environment rules: " in proc.stdout and "no environment found" in proc.stdout
    assert os.path.basename(str(user.home)) not in proc.stderr


def test_an_empty_select_is_a_usage_error_not_a_clean_run(user: Userland) -> None:
    proc = user.run("services/api", "--no-env", "--select", "")
    assert proc.returncode == 2 and "names no rule" in proc.stderr and proc.stdout == ""


def test_a_reader_that_leaves_early_gets_no_traceback(user: Userland) -> None:
    for args in (["rules"], ["rule", "--all"], ["services/api", "--no-env", "--show-settings"]):
        proc = user.run_piped_to_a_reader_that_left(*args)
        assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, (args, proc.stderr)
