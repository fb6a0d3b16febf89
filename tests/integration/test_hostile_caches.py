"""Caches in the project tree cannot lie (issue 15): a ``.envlint_cache/`` committed to a repository,
or written on another machine, is never believed. Each run's findings equal a ``--no-cache`` run's."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from tests.integration.hostile_cases import el001, found, lint, project, report_of
from tests.helpers.project_cases import environ
from tests.helpers.support import run_envlint

SELECT = ("--select", "EL001,DAT,BLD")


def _cache_file(root: Path, kind: str, key: str, fmt: int) -> Path:
    directory = root / ".envlint_cache"
    directory.mkdir(exist_ok=True)
    return directory / f"{kind}-{hashlib.sha256(f'{fmt}:{key}'.encode()).hexdigest()[:16]}.json"


def test_a_committed_walk_cache_hides_nothing_and_adds_nothing(tmp_path: Path) -> None:
    from envlint import __version__
    from envlint.facts.code.tree import MAX_DEPTH

    root = project(tmp_path)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.py").write_text('open("/home/victim/.netrc").read()\n')
    clean = report_of(root, tmp_path, *SELECT, "--no-cache")
    # What a repository can commit: a walk that lists nothing of the tree and one file outside it.
    cache = _cache_file(root, "walk", f"{__version__}:{MAX_DEPTH}:{[]!r}", 1)
    cache.write_text(json.dumps({"format": 1, "listed_ns": time.time_ns() + 10**12, "dirs": {}, "ignores": {},
                                 "files": ["../outside/secret.py"], "skipped": []}))

    report = report_of(root, tmp_path, *SELECT)

    assert report["diagnostics"] == clean["diagnostics"]
    assert ".netrc" not in json.dumps(report)
    assert ("DAT001", "analysis.py", 3) in found(report)


def test_a_committed_data_reads_cache_hides_nothing_and_adds_nothing(tmp_path: Path) -> None:
    from envlint import __version__
    from envlint.facts.code.reader_table import table_digest
    from envlint.facts.code.scan_cache import FORMAT, content_hash

    root = project(tmp_path)
    (root / "quiet.py").write_text("print('no reads here')\n")
    clean = report_of(root, tmp_path, *SELECT, "--no-cache")
    rows = {}
    for name in ("analysis.py", "quiet.py"):
        st = (root / name).stat()
        rows[name] = [st.st_size, st.st_mtime_ns, content_hash((root / name).read_bytes())]
    # analysis.py's content maps to no reads; quiet.py's to a made-up absolute read
    rows["quiet.py"].append({"reads": [[1, 1, "open", "/srv/fake.csv", "absolute", None]], "error": None})
    cache = _cache_file(root, "data-reads", f"{__version__}:{table_digest()}", FORMAT)
    cache.write_text(json.dumps({"format": FORMAT, "written_ns": time.time_ns() + 10**12, "files": rows}))

    report = report_of(root, tmp_path, *SELECT)

    assert report["diagnostics"] == clean["diagnostics"]
    assert ("DAT001", "analysis.py", 3) in found(report)
    assert "/srv/fake.csv" not in json.dumps(report)


def test_a_cache_sealed_on_another_machine_is_a_miss(tmp_path: Path) -> None:
    """Another machine (another user cache, so another key) writes the cache, then edits it and seals it
    again with its own key, as an attacker who runs envlint can: this machine does not believe it."""
    from envlint.facts.code.cache_seal import KEY_NAME, _mac

    root = project(tmp_path)
    other_home = tmp_path / "other-machine-cache"
    argv = [str(root), "--no-env", "--offline", "--isolated", "--format", "json", *SELECT]
    run_envlint(*argv, env=environ(tmp_path, XDG_CACHE_HOME=str(other_home)))
    cache = next((root / ".envlint_cache").glob("data-reads-*.json"))
    payload = json.loads(cache.read_bytes().split(b"\n", 1)[1])
    payload["written_ns"] += 10**12
    payload["files"]["analysis.py"] = payload["files"]["analysis.py"][:3]  # "reads nothing"
    data = json.dumps(payload).encode()
    key = (other_home / "envlint" / KEY_NAME).read_bytes()
    cache.write_bytes(_mac(key, root, data) + b"\n" + data)
    assert ("DAT001", "analysis.py", 3) not in found(json.loads(run_envlint(
        *argv, env=environ(tmp_path, XDG_CACHE_HOME=str(other_home)))[1]))  # the other machine believes it

    report = json.loads(lint(root, tmp_path, *SELECT)[1])

    assert ("DAT001", "analysis.py", 3) in found(report)
    assert not el001(report)
