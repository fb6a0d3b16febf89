"""The `envlint` pre-commit hook makes no network request by default: index-backed rules answer from
the index cache or are skipped (issue 12, point 5). Runs the hook's own entry (from
.pre-commit-hooks.yaml) with the installed console script, against the loopback index."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.helpers.index_server import IndexServer
from tests.helpers.support import REPO, make_wheel
from tests.integration.userland import ENVLINT, make_userland


def _hook_entry(hook_id: str) -> list[str]:
    text = (REPO / ".pre-commit-hooks.yaml").read_text()
    block = text.split(f"- id: {hook_id}\n", 1)[1].split("\n- id:", 1)[0]
    [entry] = re.findall(r"^\s*entry:\s*(.+)$", block, re.MULTILINE)
    return shlex.split(entry)


def test_the_hook_entry_is_offline_and_project_only() -> None:
    assert _hook_entry("envlint") == ["envlint", "--no-env", "--offline"]


def test_the_hook_asks_no_index_cold_or_warm(tmp_path: Path) -> None:
    user = make_userland(tmp_path)
    (user.project / "app.py").write_text("print('hello')\n")
    wheels = tmp_path / "served"
    with IndexServer() as server:
        server.add_file(make_wheel(wheels, "requests", "2.32.3", requires=["idna>=3"]))
        server.add_file(make_wheel(wheels, "idna", "3.7"))
        # the index and cache are the user's to choose (a project's envlint.toml cannot): `args:` of the hook
        index = ["--index-url", server.url, "--cache-dir", str(tmp_path / "cache")]
        hook = [*_hook_entry("envlint")[1:], "services/api", *index]

        # cold cache: nothing asked, the index rules say they were skipped
        proc = user.run(*hook)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert server.log == []
        assert "offline, and not in the index cache" in proc.stdout

        # a run that may use the network fills the cache ...
        proc = user.run("--no-env", "--no-offline", "services/api", *index)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        asked = len(server.log)
        assert asked > 0

        # ... and the hook then answers from it, still without a request, and without even loading
        # the HTTP stack (pages from their parse memo, metadata files from the verified-file memo)
        proc = user.run(*hook, PYTHONPROFILEIMPORTTIME="1")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert len(server.log) == asked
        assert "not in the index cache" not in proc.stdout and "PIN003" not in proc.stdout
        imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
        assert not imported & {"requests", "pypi_simple", "cachecontrol", "pydantic"}
    assert ENVLINT.is_file()
