"""Every local input reader, fed generated hostile inputs under a memory and a time limit (issue 15).

Each reader runs in a process of its own (tests/integration/hostile_fuzz_driver.py) with
``RLIMIT_AS`` at 2 GB and ``SIGALRM`` per call, at two sizes four times apart: a reader must not
raise, must stay under a second-scale budget per input and under 1 GB of resident memory, and its
time must grow linearly (a quadratic reader takes sixteen times as long on the larger size, which
shows far below the size caps). The whole module takes about half a minute on two cores.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.hostile_fuzz_driver import READERS
from tests.helpers.support import clean_environ

DRIVER = Path(__file__).with_name("hostile_fuzz_driver.py")
SMALL, LARGE = 32 * 1024, 128 * 1024
CALL_SECONDS = 10.0
PEAK_MB = 1024


def _run(reader: str, size: int, work: Path) -> dict[str, dict]:
    done = subprocess.run([sys.executable, str(DRIVER), reader, str(work), str(size)], capture_output=True,
                          text=True, timeout=300, env=clean_environ(XDG_CACHE_HOME=str(work / "cache")), cwd=work.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return {row["case"]: row for row in map(json.loads, done.stdout.splitlines())}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_reader_is_linear_and_bounded(reader: str, tmp_path: Path) -> None:
    small = _run(reader, SMALL, tmp_path / "small")
    large = _run(reader, LARGE, tmp_path / "large")

    assert large, "no cases ran"
    failures = []
    for case, row in large.items():
        if row["error"]:
            failures.append(f"{case}: raised {row['error']}")
        if row["seconds"] > CALL_SECONDS:
            failures.append(f"{case}: {row['seconds']} s")
        if row["peak_mb"] > PEAK_MB:
            failures.append(f"{case}: {row['peak_mb']} MiB")
        before = small.get(case)
        if before is not None and case.startswith("template") and row["seconds"] > 8 * before["seconds"] + 1.0:
            failures.append(f"{case}: {before['seconds']} s at {SMALL} bytes, {row['seconds']} s at {LARGE} "
                            "(grows faster than the input)")
    assert not failures, failures
