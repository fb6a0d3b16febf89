"""PLT002 no-build-for-target says why no file installs: other platforms, or Linux wheels for other
Pythons only."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.helpers.index_server import IndexServer
from tests.helpers.laptop_index import RULES, summary
from tests.helpers.pip_inspect import inspect_report
from tests.helpers.support import clean_environ, find, make_wheel, run_json


# -- wheels for other Pythons or other platforms --------------------------------------------------

LINUX = "manylinux_2_17_x86_64"


def lint(tmp_path: Path, index: IndexServer, dists: list[tuple[str, str]]) -> tuple[int, dict]:
    project = tmp_path / "project"
    project.mkdir()
    with index:
        return run_json(project, "--inspect", inspect_report(tmp_path / "inspect.json", dists), "--index-url",
                        index.url, "--cache-dir", tmp_path / "cache", "--select", "PLT002",
                        env=clean_environ(XDG_CACHE_HOME=str(tmp_path / "xdg")))


def test_linux_wheels_for_other_pythons_only(tmp_path: Path) -> None:
    """The environment's CPython is 3.11; the version has Linux wheels for cp39 and cp310 (and cp312's
    abi3) only: the message names the Python mismatch, not "its files are for manylinux"."""
    w = tmp_path / "w"
    index = IndexServer()
    for tag in (f"cp39-cp39-{LINUX}", f"cp310-cp310-{LINUX}", "cp310-cp310-win_amd64"):
        index.add_file(make_wheel(w, "oldwheels", "1.0", tag=tag))
    index.add_file(make_wheel(w, "oldwheels", "2.0", tag=f"cp311-cp311-{LINUX}"))
    index.add_file(make_wheel(w, "newabi", "1.0", tag=f"cp312-abi3-{LINUX}"))
    # tags the target accepts, but Requires-Python shuts it out
    index.add_file(make_wheel(w, "pyfloor", "1.0", tag=f"cp38-abi3-{LINUX}"), requires_python=">=3.12")
    code, report = lint(tmp_path, index, [("oldwheels", "1.0"), ("newabi", "1.0"), ("pyfloor", "1.0")])
    assert code == 1
    where = f"has no build on {index.url} for linux_x86_64, CPython 3.11: "
    [old] = find(report, "PLT002", "oldwheels")
    assert old["message"] == (f"oldwheels 1.0 {where}its wheels for {LINUX} are for cp39, cp310 only, none for cp311, "
                              "and there is no sdist")
    assert 'pip install "oldwheels==2.0"' in old["help"]
    assert "sys_platform" not in old["help"]  # it does run on Linux: a platform marker is no remedy
    [new] = find(report, "PLT002", "newabi")
    assert new["message"] == (f"newabi 1.0 {where}its wheels for {LINUX} are for cp312 only, none for cp311, "
                              "and there is no sdist")
    [floor] = find(report, "PLT002", "pyfloor")
    assert floor["message"] == f"pyfloor 1.0 {where}its wheels for {LINUX} require Python >=3.12, and there is no sdist"
    assert floor["help"].endswith("a Python its wheels are for (Requires-Python >=3.12)")


def test_files_for_other_platforms_twin(tmp_path: Path) -> None:
    index = IndexServer()
    for tag in ("cp311-cp311-win_amd64", "cp311-cp311-macosx_11_0_arm64"):
        index.add_file(make_wheel(tmp_path / "w", "winmac", "1.0", tag=tag))
    code, report = lint(tmp_path, index, [("winmac", "1.0")])
    [diag] = find(report, "PLT002", "winmac")
    assert diag["message"].endswith("its files are for macosx_11_0_arm64, win_amd64, and there is no sdist")
    assert 'sys_platform != "linux"' in diag["help"]


# -- a pip inspect snapshot from a laptop ---------------------------------------------------------

def test_pip_inspect_snapshot_from_a_laptop(tmp_path: Path) -> None:
    """A `pip inspect` report has no WHEEL tags: files only for other platforms on the index tell."""
    report_file = tmp_path / "inspect.json"
    installed = [{"metadata": {"name": n, "version": v, "metadata_version": "2.1"}, "installer": "pip",
                  "requested": True} for n, v in [("pywin32", "306"), ("tensorflow-macos", "2.15.0"),
                                                  ("wheelok", "1.0")]]
    report_file.write_text(json.dumps({"version": "1", "pip_version": "24.0", "installed": installed,
                                       "environment": {"python_full_version": f"{sys.version_info[0]}."
                                                       f"{sys.version_info[1]}.0", "sys_platform": "darwin"}}))
    w = tmp_path / "w"
    server = IndexServer()
    for tag in ("cp311-cp311-win32", "cp311-cp311-win_amd64", "cp311-cp311-win_arm64"):
        server.add_file(make_wheel(w, "pywin32", "306", tag=tag))
    server.add_file(make_wheel(w, "tensorflow-macos", "2.15.0", tag="cp311-cp311-macosx_12_0_arm64"))
    server.add_file(make_wheel(w, "wheelok", "1.0"))
    project = tmp_path / "project"
    project.mkdir()
    with server:
        code, report = run_json(project, "--inspect", report_file, "--index-url", server.url, "--cache-dir",
                                tmp_path / "cache", "--select", RULES,
                                env=clean_environ(XDG_CACHE_HOME=str(tmp_path / "xdg")))
    assert code == 1
    assert summary(report) == {("PLT002", "pywin32", "error"), ("PLT002", "tensorflow-macos", "error")}
    [pywin] = find(report, "PLT002", "pywin32")
    assert "its files are for win32, win_amd64, win_arm64, and there is no sdist" in pywin["message"]
    assert '(`pywin32; sys_platform == "win32"`)' in pywin["help"]
