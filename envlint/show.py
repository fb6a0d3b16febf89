"""``--show-settings`` and ``--show-files``: what a run would use, printed instead of running it."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import IO, Any

from envlint.config import KEYS, Config


def _toml(value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value) if isinstance(value, str) else str(value)


def show_settings(config: Config, out: IO[str]) -> None:
    """Every configuration key with the value this run uses, after files and options, as TOML."""
    out.write(f"# configuration file: {config.config_file or '(none)'}\n")
    out.write(f"# project: {config.root}\n")
    out.write(f"# paths shown from: {config.display_root or config.root}\n")
    if config.no_env:
        env = "--no-env (project files only)"
    else:
        chosen = [(o, v) for o, v in (("--python", config.python), ("--prefix", config.prefix),
                                      ("--inspect", config.inspect)) if v is not None]
        env = f"{chosen[0][0]} {chosen[0][1]}" if chosen else "discovered ($VIRTUAL_ENV, a venv on PATH, $CONDA_PREFIX, .venv)"
    out.write(f"# environment: {env}\n")
    for key, spec in KEYS.items():
        value = getattr(config, spec.attr)
        if key == "select" and value is None:
            value = ["ALL"]
        out.write(f"# {key} is not set\n" if value is None else f"{key} = {_toml(value)}\n")


def show_files(config: Config, out: IO[str]) -> None:
    """The project files a run would read (after .gitignore and ``exclude``), one per line."""
    from envlint.facts import Context
    from envlint.workspace import rebase

    tree = Context(config).get("project_tree")
    for name in tree.files:
        out.write(f"{rebase(name, config.root, config.display_root or config.root)}\n")
