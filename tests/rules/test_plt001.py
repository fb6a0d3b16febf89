"""PLT001 arm-target: an ARM target, with and without an environment."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.mixed_venv import Mixed
from tests.helpers.support import find, run_json


def test_arm_target(mixed: Mixed) -> None:
    code, report = mixed.report("--platform", "linux_aarch64")
    assert code == 1
    [arm] = find(report, "PLT001")
    assert arm["message"] == "the target linux_aarch64 is ARM: package sync does not support ARM clusters"
    assert arm["path"] is None and arm["package"] is None and arm["severity"] == "error"
    # now the x86_64 build is the foreign one
    assert {d["package"] for d in find(report, "BLD004")} == {"macpkg", "x86built"}


def test_arm_target_needs_no_environment(tmp_path: Path) -> None:
    code, report = run_json(tmp_path, "--no-env", "--platform", "linux_aarch64", "--select", "PLT001")
    assert code == 1 and len(find(report, "PLT001")) == 1
    code, report = run_json(tmp_path, "--no-env", "--select", "PLT001")
    assert code == 0 and report["diagnostics"] == []
