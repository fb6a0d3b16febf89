"""Projects for the data-read tests (DAT001/DAT002, the tree walk, the scan and walk caches).

Fixture lines that a rule must report end with a ``# DAT001`` / ``# DAT002`` marker; every other
line must stay silent. Projects are copied to tmp_path first (the scan writes its cache there).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers.support import TEST_CACHE_HOME, TESTS, clean_environ, run_json


FIXTURES = TESTS / "fixtures" / "data"


def copy_fixture(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(FIXTURES / name, dest, ignore=shutil.ignore_patterns(".envlint_cache"))
    return dest


def remote(project: Path) -> str:
    """A configuration that declares every script of ``project`` to run on the cluster: these tests
    are about which calls read which paths (where a read runs: tests/rules/test_dat001_where.py)."""
    config = project.parent / f"{project.name}-remote.toml"
    config.write_text('remote-scripts = ["*"]\n', encoding="utf-8")
    return str(config)


def lint(project: Path, *extra: str, **env: str) -> tuple[int, dict]:
    return run_json(project, "--no-env", "--isolated", "--config", remote(project), "--select", "DAT,EL001",
                    *extra, env=clean_environ(**env))


def read_cache(path: Path) -> dict:
    """A tree cache file's JSON (after the seal line: envlint.facts.code.cache_seal)."""
    return json.loads(path.read_bytes().split(b"\n", 1)[1])


def write_cache(path: Path, project: Path, cache: object) -> None:
    """Rewrite a tree cache file as this machine would seal it (its key is the tests' user cache's):
    what this machine itself wrote is believed, so an edit here shows what the cache decides."""
    from envlint.facts.code.cache_seal import KEY_NAME, _mac

    key = (Path(TEST_CACHE_HOME) / "envlint" / KEY_NAME).read_bytes()
    payload = json.dumps(cache).encode()
    path.write_bytes(_mac(key, project, payload) + b"\n" + payload)


def reported(report: dict, suffix: str = ".py") -> set[tuple[str, int, str]]:
    return {(d["path"], d["line"], d["code"]) for d in report["diagnostics"]
            if d["code"].startswith("DAT") and d["path"].endswith(suffix)}


READ = "open('data.csv')\n"


def write(path: Path, text: str = READ) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
