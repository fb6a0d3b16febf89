"""Asking an interpreter (``python -I -S -c PROBE``) with a bound on time and on what it may print.

The interpreter is the user's (``--python``), but what it prints is read into memory: an
interpreter (or a wrapper script in its place) that prints a gigabyte, or never exits, must not
take envlint with it. The output is read as it comes; past :data:`MAX_PROBE_BYTES` or
:data:`PROBE_TIMEOUT` the process is killed and the run says why.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import time

#: The probe prints one small JSON object (paths and a version): a few KB.
MAX_PROBE_BYTES = 1024 * 1024
PROBE_TIMEOUT = 20.0


def run_capped(argv: list[str], env: dict[str, str], *, limit: int = MAX_PROBE_BYTES,
               timeout: float = PROBE_TIMEOUT) -> str:
    """The process's standard output (UTF-8); SubprocessError when it fails, takes too long or prints too much."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env)
    assert proc.stdout is not None
    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + timeout
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise subprocess.TimeoutExpired(argv, timeout)
                if not selector.select(left):
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise subprocess.SubprocessError(f"it printed more than {limit // 1024} KB")
                chunks.append(chunk)
        code = proc.wait(max(0.1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    if code != 0:
        raise subprocess.CalledProcessError(code, argv)
    return b"".join(chunks).decode("utf-8", errors="replace")
