"""Hostile input takes linear or capped time (issue 15). Each case took from tens of seconds to
forever before; each now runs the real CLI in a process of its own within a minute (seconds, in
practice), says what it refused, and keeps the project's other findings."""

from __future__ import annotations

import json
import os
import sysconfig
from pathlib import Path

import pytest

from tests.integration.hostile_cases import assert_known_findings, el001, project, run_subprocess
from tests.integration.hostile_elf import shared_object
from tests.helpers.support import make_venv, make_wheel, pip_install, site_packages

LIMIT = 60  # seconds; before the fixes each case below took minutes or never ended
SELECT = ("--select", "EL001,DAT,BLD,SRC002,SYS001")
PLATFORM = sysconfig.get_platform().replace("-", "_").replace(".", "_")
PY = f"cp{sysconfig.get_python_version().replace('.', '')}"
LOCAL_TAG = f"{PY}-{PY}-{PLATFORM}"  # built on this machine: its ELF files are read


def run(root: Path, tmp_path: Path, *args: str) -> dict:
    argv = [str(root), "--offline", "--isolated", "--format", "json", *SELECT, *args]
    if "--prefix" not in args and "--inspect" not in args:
        argv.append("--no-env")
    done, _, _ = run_subprocess(argv, tmp_path, timeout=LIMIT)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_requirements_line_of_spaces(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "requirements.txt").write_text("numpy" + " " * 200_000 + "x\nmine @ https://example.invalid/m.tar.gz\n")

    report = run(root, tmp_path)

    assert any(d["code"] == "SRC002" and "mine" in d["message"] for d in report["diagnostics"])
    assert_known_findings(report)


def test_an_environment_yml_of_spaces(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "environment.yml").write_text(
        "dependencies:\n  - pip:\n    - numpy" + " " * 200_000 + "x #c\n    - mine @ https://example.invalid/m.tar.gz\n")

    report = run(root, tmp_path)

    assert any(d["code"] == "SRC002" and "mine" in d["message"] for d in report["diagnostics"])
    assert_known_findings(report)


@pytest.mark.parametrize("line", ["[" + ".".join(f"k{i}" for i in range(100_000)) + "]",
                                  ".".join(f"k{i}" for i in range(100_000)) + " = 1"])
def test_a_toml_key_of_100000_dotted_parts(tmp_path: Path, line: str) -> None:
    root = project(tmp_path)
    (root / "pyproject.toml").write_text(f'[project]\nname = "crick"\n{line}\n')

    report = run(root, tmp_path)

    assert "a key of more than 64 dotted parts; not parsed" in el001(report)["pyproject.toml"]
    assert ("DAT001", "analysis.py", 3) in {(d["code"], d["path"], d["line"]) for d in report["diagnostics"]}


@pytest.fixture
def venv(tmp_path: Path, wheelhouse: Path) -> Path:
    make_wheel(wheelhouse, "folded", "1.0")
    make_wheel(wheelhouse, "needsmany", "1.0", tag=LOCAL_TAG,
               files={"needsmany/__init__.py": "", "needsmany/_ext.so": shared_object(["libfoo.so.1"],
                                                                                      repeat_first=70_000)})
    make_wheel(wheelhouse, "pastend", "1.0", tag=LOCAL_TAG,
               files={"pastend/__init__.py": "",
                      "pastend/_ext.so": shared_object(["libc.so.6"], offset_past_table=True)})
    env = make_venv(tmp_path / "venv")
    pip_install(env, "folded", "needsmany", "pastend", find_links=wheelhouse)
    meta = site_packages(env) / "folded-1.0.dist-info" / "METADATA"
    text = meta.read_text()
    meta.write_text(text.replace("Version: 1.0\n", "Version: 1.0\nSummary: s\n" + " x\n" * 2_000_000, 1))
    return env


def test_metadata_with_two_million_folded_lines_and_elf_files_that_lie(tmp_path: Path, venv: Path) -> None:
    root = project(tmp_path, crick=False)

    report = run(root, tmp_path, "--prefix", str(venv))

    by_package = {d["package"]: d["message"] for d in report["diagnostics"] if d["code"] == "EL001"}
    assert "a dynamic section of 1120" in by_package["needsmany"] and "not read" in by_package["needsmany"]
    assert "past the end of the string table" in by_package["pastend"]
    assert not [d for d in report["diagnostics"] if d["code"] == "SYS001"], report["diagnostics"]
    assert "folded" not in by_package  # its METADATA is read, folded lines and all
    assert_known_findings(report, crick=False)


def test_inspect_of_a_fifo_does_not_block(tmp_path: Path) -> None:
    root = project(tmp_path, crick=False)
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)

    report = run(root, tmp_path, "--inspect", str(fifo))

    assert any("a named pipe (FIFO), not a regular file" in s["reason"] for s in report["skipped"])
    assert_known_findings(report, crick=False)


def test_elf_reading_keeps_real_libraries(tmp_path: Path, wheelhouse: Path) -> None:
    """The caps leave an ordinary extension alone: its missing library is still SYS001."""
    make_wheel(wheelhouse, "plain", "1.0", tag=LOCAL_TAG,
               files={"plain/_ext.so": shared_object(["libpq.so.5", "libc.so.6"])})
    env = make_venv(tmp_path / "venv")
    pip_install(env, "plain", find_links=wheelhouse)
    root = project(tmp_path, crick=False)

    report = run(root, tmp_path, "--prefix", str(env))

    assert [d["package"] for d in report["diagnostics"] if d["code"] == "SYS001"] == ["plain"]
