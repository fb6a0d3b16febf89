"""BLD004 foreign-build: compiled code that package sync takes from this machine was built for
another platform: installed distributions (their WHEEL tags, or the file headers when WHEEL is gone)
and local packages that compile native code where the environment lives."""

from __future__ import annotations

import json
import sysconfig
from pathlib import Path

import pytest

from tests.helpers.mixed_venv import Mixed
from tests.helpers.project_cases import case, environ, found, lint, messages
from tests.helpers.support import find, make_venv, run_json


# -- local packages compiled where the environment lives ------------------------------------------

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


LINUX_X86_64_HOST = pytest.mark.skipif(sysconfig.get_platform() != "linux-x86_64",
                                       reason="judges what this machine (a Linux x86_64 host) builds")


@LINUX_X86_64_HOST
def test_without_an_environment_the_project_is_built_on_this_machine(tmp_path: Path) -> None:
    # --no-env: package sync builds the project here (linux_x86_64), and ARM workers cannot run that code
    code, report = lint(case("compiled_project", tmp_path), "--platform", "linux_aarch64", "--select",
                        "BLD004,PLT001", env=environ(tmp_path))
    assert found(report, "BLD004") == [("setup.py", 7)]
    [message] = messages(report, "BLD004")
    assert "package sync builds it on this machine (linux_x86_64)" in message
    assert "code compiled for Linux x86_64 cannot run on linux_aarch64 workers" in message
    [diag] = [d for d in report["diagnostics"] if d["code"] == "BLD004"]
    # PLT001 already says ARM clusters are unsupported: the fix must not be "launch from an ARM machine"
    assert "package sync does not support ARM clusters (PLT001)" in diag["help"]
    assert "launch the cluster from" not in diag["help"]
    assert [d["code"] for d in report["diagnostics"]].count("PLT001") == 1


@LINUX_X86_64_HOST
def test_without_an_environment_default_target_matches_this_machine(tmp_path: Path) -> None:
    code, report = lint(case("compiled_project", tmp_path), "--select", "BLD004", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0
    # pure Python is fine for ARM workers too (as far as BLD004 goes)
    code, report = lint(case("python3_setup_py", tmp_path), "--platform", "linux_aarch64", "--select", "BLD004",
                        env=environ(tmp_path))
    assert report["diagnostics"] == []


# -- installed builds taken from this machine -----------------------------------------------------

def test_foreign_builds_taken_from_this_machine(mixed: Mixed) -> None:
    _, report = mixed.report()
    by_package = {d["package"]: d for d in find(report, "BLD004")}
    assert set(by_package) == {"macpkg", "armbuilt"}
    assert by_package["macpkg"]["message"] == (
        "macpkg 1.0 was built for macosx_11_0_arm64: its compiled code cannot run on linux_x86_64 workers "
        f"(installed from the archive {mixed.sources['macpkg']})")
    assert by_package["armbuilt"]["message"].startswith("armbuilt 1.0 was built for linux_aarch64:")
    # an index install with macOS tags is fine: the workers fetch their own build of that version
    assert not find(report, "BLD004", "macindex")
    assert not find(report, "PLT001")


# -- an installed Mach-O build whose WHEEL file is gone -------------------------------------------

def test_a_mach_o_extension_without_wheel_file_is_a_foreign_build(built: tuple[Path, Path]) -> None:
    venv, project = built
    _, report = run_json(project, "--prefix", venv, "--select", "BLD004,SYS001,EL001")
    [mac] = find(report, "BLD004")
    assert mac["package"] == "machoext"
    assert mac["message"].startswith("machoext 1.0 was built for macosx_arm64: its compiled code cannot run on "
                                     "linux_x86_64 workers (installed from the archive ")
    assert not find(report, "EL001", "machoext") and not find(report, "SYS001", "machoext")
