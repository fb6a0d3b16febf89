"""Progress for long phases: on stderr, only on a terminal (issue 12, point 5). The resolver used to be
silent for seconds; index look-ups already had a progress bar."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path

from tests.helpers.index_server import IndexServer
from tests.helpers.support import make_wheel
from tests.integration.userland import ENVLINT, Userland, make_userland


def _serve(user: Userland, server: IndexServer, tmp: Path) -> list[str]:
    """Serve two projects; returns the options that point envlint at this index and a fresh cache."""
    wheels = tmp / "served"
    server.add_file(make_wheel(wheels, "requests", "2.32.3", requires=["idna>=3"]))
    server.add_file(make_wheel(wheels, "idna", "3.7"))
    (user.project / "app.py").write_text("print('hi')\n")
    return ["--index-url", server.url, "--cache-dir", str(tmp / "cache")]


def _run_with_tty_stderr(user: Userland, *args: str) -> tuple[int, str, str]:
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(ENVLINT), *args], cwd=user.repo, stdout=subprocess.PIPE, stderr=slave,
                            env={**user.env, "TERM": "xterm"})
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    out = proc.stdout.read().decode() if proc.stdout else ""
    code = proc.wait(timeout=60)
    os.close(master)
    return code, out, b"".join(chunks).decode(errors="replace")


def test_resolver_progress_goes_to_a_terminal_stderr_only(tmp_path: Path) -> None:
    user = make_userland(tmp_path)
    with IndexServer() as server:
        index = _serve(user, server, tmp_path)
        code, out, err = _run_with_tty_stderr(user, "--no-env", "--no-offline", "services/api", *index)
    assert code == 0, out + err
    assert "resolving pyproject.toml (PIN003)" in err
    assert "resolving" not in out and "\x1b" not in out  # the report itself stays clean


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    user = make_userland(tmp_path)
    with IndexServer() as server:
        index = _serve(user, server, tmp_path)
        proc = user.run("--no-env", "--no-offline", "services/api", *index)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
