"""Facts: read-only knowledge about the target, the environment, the project and the index.

Each fact has a name (the parameter name rules use) and a builder ``build(ctx) -> value``. Builders
are imported lazily, so a run builds only what its enabled rules ask for. Builders never execute
inspected code, never raise on bad input (they record an :class:`~envlint.diagnostics.InputError`
in ``ctx.problems``) and raise :class:`FactUnavailable` when the fact cannot exist at all (no
environment found, offline).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from envlint.diagnostics import InputError, Problems, Skipped

if TYPE_CHECKING:
    from envlint.config import Config

#: fact name -> "module:function". A new fact is one line here and one builder module.
PROVIDERS: dict[str, str] = {
    "config": "envlint.facts:_config",
    "target": "envlint.facts.target:build",
    "env_location": "envlint.facts.environment.fact:build_location",
    "environment": "envlint.facts.environment.fact:build_environment",
    "native_links": "envlint.facts.native.links:build",
    "declarations": "envlint.facts.project.declarations:build",
    "package_source": "envlint.facts.wheel_build.package_source:build",
    "local_packages": "envlint.facts.wheel_build.local_packages:build",
    "project": "envlint.facts.project.declared:build",
    "install_sets": "envlint.facts.project.install_sets:build",
    "project_tree": "envlint.facts.code.tree:build",
    "data_reads": "envlint.facts.code.data_reads:build",
    "suppression_comments": "envlint.facts.code.suppressions:build",
    "index": "envlint.facts.index.fact:build",
    "installed_versions": "envlint.facts.index.installed:installed_versions",
    "system_requirements": "envlint.facts.environment.system_requirements:build",
    # What the other builders could not read (EL001); complete only after them, so the engine runs EL001 last.
    "input_errors": "envlint.facts:_input_errors",
}


class FactUnavailable(Exception):
    """The fact cannot be built in this run; rules that need it are skipped with this reason."""

    def __init__(self, reason: str, what: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.what = what


class Context:
    """Builds each fact at most once, on first request."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.problems = Problems()
        self.skipped: list[Skipped] = []
        """Skipped entries that fact builders report themselves (e.g. one failed index look-up)."""
        self._values: dict[str, Any] = {}
        self._building: list[str] = []
        self._failures: dict[str, FactUnavailable] = {}

    def get(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        if name in self._failures:
            raise self._failures[name]
        spec = PROVIDERS.get(name)
        if spec is None:  # a rule asking for a fact nobody provides: skip it, never crash the run
            raise FactUnavailable(f"internal error: no fact named {name!r} is provided", what=name)
        module, _, func = spec.partition(":")
        builder = getattr(importlib.import_module(module), func)
        self._building.append(name)
        try:
            value = builder(self)
        except FactUnavailable as exc:
            self._failures[name] = exc
            raise
        except Exception as exc:
            # Remember the crash as unavailability, so later rules skip this fact instead of retrying.
            self._failures[name] = FactUnavailable(f"internal error: {type(exc).__name__}: {exc}", what=name)
            raise
        finally:
            self._building.pop()
        self._values[name] = value
        return value

    def fail_fact_build(self, exc: BaseException) -> str:
        """The name of the fact whose builder raised ``exc`` (for the skipped entry)."""
        for name, failure in self._failures.items():
            if failure.reason.endswith(f"{type(exc).__name__}: {exc}"):
                return name
        return "facts"

    def built(self, name: str) -> bool:
        return name in self._values

    def peek(self, name: str) -> Any | None:
        """The fact if it was already built (or can be), else None; never raises FactUnavailable."""
        try:
            return self.get(name)
        except FactUnavailable:
            return None
        except Exception as exc:  # a crash while building: reported once, the run goes on without it
            if self.config.environ.get("ENVLINT_DEBUG"):
                import traceback

                traceback.print_exc()
            self.skipped.append(Skipped(name, f"internal error: {type(exc).__name__}: {exc}"))
            return None


def _config(ctx: Context) -> Config:
    return ctx.config


def _input_errors(ctx: Context) -> list[InputError]:
    return list(ctx.problems.errors)
