"""Hostile input is read within a memory budget (issue 15): each case below reached 3 to 11 GB before.
Each runs the real CLI in a process of its own under an address-space limit, and must stay under
1 GB of resident memory, say what it refused, and keep the project's other findings."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.integration.hostile_cases import assert_known_findings, el001, project, run_subprocess

SELECT = ("--select", "EL001,DAT,BLD,PIN001")
PEAK_MB = 1024


def run(root: Path, tmp_path: Path, *args: str) -> dict:
    argv = [str(root), "--offline", "--isolated", "--format", "json", *SELECT, *args]
    if not any(a in args for a in ("--prefix", "--inspect", "--python")):
        argv.append("--no-env")
    done, seconds, peak = run_subprocess(argv, tmp_path, timeout=120)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert peak < PEAK_MB, f"peak resident memory {peak} MiB"
    return json.loads(done.stdout)


def test_a_setup_py_of_one_flat_tuple(tmp_path: Path) -> None:
    root = project(tmp_path)
    setup = (root / "setup.py").read_text()
    (root / "setup.py").write_text(setup + "VERSIONS = (" + "1," * 950_000 + ")\n")  # 1.9 MB

    report = run(root, tmp_path)

    assert "too large to read statically" in el001(report)["setup.py"]
    assert ("DAT001", "analysis.py", 3) in {(d["code"], d["path"], d["line"]) for d in report["diagnostics"]}


def test_a_large_module_in_the_scan(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "tables.py").write_text('open("table.csv")\nTABLE = (' + "1," * 4_900_000 + ")\n")  # 9.8 MB

    report = run(root, tmp_path)

    assert "too large to scan" in el001(report)["tables.py"]
    assert_known_findings(report)


def test_inspect_of_a_device(tmp_path: Path) -> None:
    root = project(tmp_path)

    report = run(root, tmp_path, "--inspect", "/dev/zero")

    assert any("a device, not a regular file" in s["reason"] for s in report["skipped"])
    assert_known_findings(report)


def test_an_interpreter_that_prints_a_gigabyte(tmp_path: Path) -> None:
    root = project(tmp_path)
    fake = tmp_path / "tools" / "bin" / "python3"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\nexec head -c 1000000000 /dev/zero\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    assert not (fake.parent.parent / "pyvenv.cfg").exists()

    done, _, _ = run_subprocess([str(root), "--offline", "--isolated", "--python", str(fake)], tmp_path)

    # an explicit --python that is no interpreter is a usage error (issue 12): one line, exit 2, and
    # the gigabyte it prints is never held in memory
    assert done.returncode == 2, done.stdout[-2000:]
    [line] = [x for x in done.stderr.splitlines() if x and not x.startswith("PEAK_KIB=")]
    assert "not a Python interpreter" in line and "printed more than 1024 KB" in line, line
