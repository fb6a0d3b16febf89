"""PIN002 missing-requirement, on the mixed venv (tests/helpers/mixed_venv.py) and on a macOS
``pip inspect`` snapshot of it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers.mixed_venv import Mixed
from tests.helpers.project_cases import messages
from tests.helpers.support import clean_environ, find, run_json, venv_python


def test_missing_dependency_is_reported_and_other_platforms_are_not(mixed: Mixed) -> None:
    code, report = mixed.report()
    assert code == 1
    [absent] = find(report, "PIN002", "absentdep")
    assert absent["message"] == "needsdep 1.0 requires absentdep>=1, which is not installed"
    assert absent["severity"] == "error" and absent["help"] == 'install it: pip install "absentdep>=1"'
    # uvloop is required on Linux: missing; appnope (darwin) and winonly (win32) are not required there
    assert messages(report, "PIN002", "uvloop") == [
        'webapp 1.0 requires uvloop>=0.17; sys_platform == "linux", which is not installed']
    assert not find(report, "PIN002", "appnope") and not find(report, "PIN002", "winonly")
    assert not find(report, "PIN002", "presentdep")


def test_requested_extra_the_dependency_does_not_provide_is_a_warning(mixed: Mixed) -> None:
    _, report = mixed.report()
    [extra] = find(report, "PIN002", "extraless")
    assert extra["severity"] == "warning"
    assert "needsdep 1.0 requires extraless[turbo], but extraless 1.0 has no extra 'turbo'" in extra["message"]
    assert not find(report, "PIN002", "withextra")


def test_target_only_requirement_in_a_macos_snapshot(mixed: Mixed) -> None:
    """A real pip inspect report of the venv, with the marker environment a Mac records."""
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv_python(mixed.venv)), "inspect"],
                          capture_output=True, text=True, env=clean_environ(), check=True)
    data = json.loads(proc.stdout)
    data["environment"].update(sys_platform="darwin", platform_system="Darwin", platform_machine="arm64",
                               python_version="3.10", python_full_version="3.10.14",
                               implementation_version="3.10.14", platform_release="23.5.0")
    snapshot = mixed.base / "laptop-inspect.json"
    snapshot.write_text(json.dumps(data))

    code, report = run_json(mixed.project, "--inspect", snapshot, "--select", "PIN002,SYS001", "--offline")

    assert code == 1
    assert report["target"]["python"] == "3.10.14" and report["target"]["python_source"] == "environment"
    [uvloop] = find(report, "PIN002", "uvloop")
    assert uvloop["message"] == (
        'webapp 1.0 requires uvloop>=0.17; sys_platform == "linux" on the target, which is not installed: the '
        "marker holds on linux_x86_64 but not where this environment was made (darwin, arm64, Python 3.10.14)")
    assert "package sync mirrors only what is installed here" in uvloop["help"]
    # a plain missing requirement reads as before; appnope is needed on the Mac only
    assert messages(report, "PIN002", "absentdep") == ["needsdep 1.0 requires absentdep>=1, which is not installed"]
    assert not find(report, "PIN002", "appnope")
    # no files in a snapshot: SYS001 says it did not look
    assert any(s["what"] == "compiled extensions" and "SYS001" in s["reason"] for s in report["skipped"])
