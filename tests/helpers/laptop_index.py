"""A real index on 127.0.0.1 and a laptop's venv for the index rules (BLD003, SRC003, PLT002)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.helpers.support import clean_environ, run_json


CP = f"cp{sys.version_info[0]}{sys.version_info[1]}"
LOCAL = f"{CP}-{CP}-linux_x86_64"  # what a wheel built on this machine is tagged
RULES = "BLD003,SRC003,PLT002"


def lint(tmp: Path, venv: Path, index_url: str, *extra: str, select: str = RULES,
         config: str = "timeout = 2\nretries = 2\n") -> tuple[int, dict]:
    project = tmp / "project"
    project.mkdir(exist_ok=True)
    (project / "envlint.toml").write_text(config)
    env = clean_environ(XDG_CACHE_HOME=str(tmp / "xdg-cache"))  # never the real user cache
    return run_json(project, "--prefix", venv, "--index-url", index_url, "--cache-dir", tmp / "cache",
                    "--select", select, *extra, env=env)


def summary(report: dict) -> set[tuple[str, str, str]]:
    return {(d["code"], d["package"], d["severity"]) for d in report["diagnostics"]}
