"""The ``env_location`` and ``environment`` facts: which environment to read, then what it holds.

The readers do not know each other: :mod:`.locate` finds the environment, :mod:`.reader` reads a
prefix's site-packages from files and :mod:`.inspect_report` reads a ``pip inspect`` report; these
builders pick one. The readers are imported only when their fact is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from envlint.facts import FactUnavailable
from envlint.facts.environment.locate import EnvLocation, discover, from_prefix, from_python

if TYPE_CHECKING:
    from envlint.facts import Context
    from envlint.facts.environment.reader import Environment


def build_location(ctx: Context) -> EnvLocation:
    config = ctx.config
    if config.no_env:
        raise FactUnavailable("--no-env given", what="environment")
    if config.inspect is not None:
        report = Path(config.inspect)
        from envlint.facts.environment.inspect_report import python_version_of

        return EnvLocation("inspect", report.absolute(), "--inspect", python_version_of(report))
    if config.prefix is not None:
        return from_prefix(Path(config.prefix), "--prefix")
    if config.python is not None:
        return from_python(Path(config.python))
    found, notes = discover(config.root, config.environ)
    if found is None:
        reason = "no environment found (give --python, --prefix or --inspect, activate a venv, or create .venv)"
        if notes:
            reason += "; " + "; ".join(notes)
        raise FactUnavailable(reason, what="environment rules")
    return found


def build_environment(ctx: Context) -> Environment:
    location = ctx.get("env_location")
    if location.kind == "inspect":
        from envlint.facts.environment.inspect_report import read_report

        return read_report(location, ctx.problems)
    from envlint.facts.environment.reader import read_environment

    return read_environment(location, ctx.problems)
