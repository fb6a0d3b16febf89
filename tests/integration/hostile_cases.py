"""Shared pieces of the tests/integration/test_hostile_*.py modules (issue 15: hostile repositories and
environments): a project with known-good findings next to the hostile input, run through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers.project_cases import environ
from tests.helpers.support import run_envlint

#: analysis.py has the cluster's workers read local_data.csv by a relative path: DAT001 at line 3.
KNOWN = 'import dask.dataframe as dd\n\ndf = dd.read_csv("local_data.csv")\n'
#: crick 0.0.3's pattern: setup.py imports numpy and nothing installs it for the isolated build: BLD001.
CRICK = ("import numpy as np\nfrom setuptools import setup, Extension\n\n"
         'setup(name="crick", version="0.1", packages=["crick"],\n'
         '      ext_modules=[Extension("crick.tdigest", ["crick/tdigest.c"])],\n'
         "      include_dirs=[np.get_include()])\n")


def project(tmp_path: Path, *, crick: bool = True) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "analysis.py").write_text(KNOWN)
    if crick:
        (root / "setup.py").write_text(CRICK)
        (root / "crick").mkdir()
        (root / "crick" / "__init__.py").write_text("")
    return root


def lint(root: Path, tmp_path: Path, *args: str, fmt: str = "json") -> tuple[int, str]:
    argv = [str(root), "--offline", "--format", fmt, *args]
    if "--prefix" not in args and "--inspect" not in args and "--python" not in args:
        argv.append("--no-env")
    if "--config" not in args:
        argv.append("--isolated")
    return run_envlint(*argv, env=environ(tmp_path))


def report_of(root: Path, tmp_path: Path, *args: str) -> dict:
    _, out = lint(root, tmp_path, *args)
    return json.loads(out)


def el001(report: dict) -> dict[str, str]:
    """EL001 messages by path."""
    return {d["path"]: d["message"] for d in report["diagnostics"] if d["code"] == "EL001"}


def found(report: dict) -> set[tuple[str, str | None, int | None]]:
    return {(d["code"], d["path"], d["line"]) for d in report["diagnostics"]}


def assert_known_findings(report: dict, *, crick: bool = True) -> None:
    assert ("DAT001", "analysis.py", 3) in found(report), found(report)
    if crick:
        assert ("BLD001", "setup.py", 1) in found(report), found(report)


def no_internal_error(report: dict) -> None:
    assert not [s for s in report["skipped"] if "internal error" in s["reason"]], report["skipped"]


#: The address-space limit of a CLI run in these tests: a regression fails with MemoryError, it does
#: not take the machine's memory (before the fixes, single runs reached 11 GB).
MEMORY_LIMIT_MB = 3072


def run_subprocess(argv: list[str], tmp_path: Path, *, timeout: float = 60, prefix: list[str] | None = None,
                   memory_mb: int = MEMORY_LIMIT_MB) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """The CLI in a process of its own (as a user runs it), in ``tmp_path``: (result, seconds, peak RSS
    in MiB). The peak is read from the kernel (``ru_maxrss`` of the waited-for child, worker processes
    included as they are waited for) through a small wrapper, so other tests' children do not count."""
    wrapper = ("import resource, subprocess, sys, json\n"
               f"limit = {memory_mb} * 1024 * 1024\n"
               "def cap():\n"
               "    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
               "p = subprocess.run(sys.argv[1:], preexec_fn=cap)\n"
               "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "sys.stderr.write('\\nPEAK_KIB=%d\\n' % r.ru_maxrss)\n"
               "raise SystemExit(p.returncode)\n")
    cmd = [*(prefix or []), sys.executable, "-c", wrapper, sys.executable, "-m", "envlint", *argv]
    start = time.monotonic()
    # Run from the project directory when the first argument is one: outside a git repository, paths
    # are shown from the working directory (docs/cli.md), and these tests expect project-relative ones.
    first = Path(argv[0]) if argv and not argv[0].startswith("-") else None
    cwd = first if first is not None and first.is_dir() else tmp_path
    done = subprocess.run(cmd, capture_output=True, text=True, env=environ(tmp_path), timeout=timeout,
                          stdin=subprocess.DEVNULL, cwd=cwd)
    seconds = time.monotonic() - start
    peak = 0
    for line in done.stderr.splitlines():
        if line.startswith("PEAK_KIB="):
            peak = int(line.split("=", 1)[1]) // 1024
    return done, seconds, peak


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
