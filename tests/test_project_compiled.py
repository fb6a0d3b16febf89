"""BLD004, the project part: local packages that compile native code where the environment lives."""

from __future__ import annotations

import json
from pathlib import Path

from project_cases import case, environ, found, lint, messages
from support import make_venv


def _snapshot(path: Path, sys_platform: str, machine: str) -> Path:
    """A pip inspect report taken on another machine (only its marker environment matters here)."""
    path.write_text(json.dumps({
        "version": "1", "pip_version": "24.0", "installed": [],
        "environment": {"implementation_name": "cpython", "implementation_version": "3.11.7", "os_name": "posix",
                        "platform_machine": machine, "platform_python_implementation": "CPython",
                        "platform_release": "", "platform_system": "Darwin", "platform_version": "",
                        "python_full_version": "3.11.7", "python_version": "3.11", "sys_platform": sys_platform},
    }))
    return path


def test_extension_built_here_for_other_workers(tmp_path: Path) -> None:
    project = case("compiled_project", tmp_path)
    venv = make_venv(tmp_path / "venv")
    env = environ(tmp_path)
    # this machine is linux x86_64; ARM workers cannot run what it compiles
    code, report = lint(project, "--prefix", str(venv), "--platform", "linux_aarch64", "--select", "BLD004",
                        env=env, no_env=False)
    assert found(report, "BLD004") == [("setup.py", 7)]
    [message] = messages(report, "BLD004")
    assert "fastmath compiles native code (setup.py builds extension modules (ext_modules=...))" in message
    assert "cannot run on linux_aarch64 workers" in message

    code, report = lint(project, "--prefix", str(venv), "--select", "BLD004", env=env, no_env=False)
    assert report["diagnostics"] == [] and code == 0


def test_snapshot_taken_on_a_mac(tmp_path: Path) -> None:
    env = environ(tmp_path)
    report_file = _snapshot(tmp_path / "inspect.json", "darwin", "arm64")
    code, report = lint(case("maturin_project", tmp_path), "--inspect", str(report_file), "--select", "BLD004",
                        env=env, no_env=False)
    assert found(report, "BLD004") == [("pyproject.toml", 3)]
    assert "its build backend is maturin (Rust)" in messages(report, "BLD004")[0]
    assert "(macosx_11_0_arm64)" in messages(report, "BLD004")[0]

    # pure Python is fine wherever it is built
    code, report = lint(case("python3_setup_py", tmp_path), "--inspect", str(report_file), "--select", "BLD004",
                        env=env, no_env=False)
    assert report["diagnostics"] == []


def test_unknown_build_platform_says_nothing(tmp_path: Path) -> None:
    code, report = lint(case("compiled_project", tmp_path), "--platform", "linux_aarch64", "--select", "BLD004",
                        env=environ(tmp_path))
    assert report["diagnostics"] == []
