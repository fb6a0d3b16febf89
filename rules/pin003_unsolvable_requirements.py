"""Unsolvable declared requirements (PIN003).

## What it does
Resolves the project's declared requirements (requirements files, `[project] dependencies`,
setup.cfg/setup.py, poetry) *for the target*, before anything is installed, with resolvelib (the
resolver pip uses) over the index's metadata: PEP 658 metadata files where the index serves
them, else the wheel's own `METADATA`. When no set of versions satisfies them all, it names the
declaration lines that cannot be satisfied together and the requirement that breaks them.

Each install is resolved on its own, as one installer run would see it: every top-level
requirements file (`requirements*.txt`, `requirements*.in`, `requirements/*.txt`) with the files it
includes (`-r`; `-c` constraints restrict only the installs that include them) and, when it
installs the project itself (`-e .`, `-e .[dev]`), the project's dependencies with those extras;
the project's own dependencies (`pip install .`); each extra with them (`pip install .[dev]`; an
extra that names the project itself, `all = ["app[a,b]"]`, stands for those extras), from
pyproject.toml, setup.cfg or setup.py (setuptools' `"dev:python_version<'3.9'"` keys keep their
marker); each dependency group with them (`uv sync --group test`, `{include-group = ...}`
followed); and the `pip:` section of `environment.yml`. Alternatives are
never mixed: files such as `requirements-min.txt` with the oldest supported pins, and extras and
groups, which are resolved one at a time (`pip install .[a,b]` is not checked: two extras that pin
different versions on purpose are common, and are not reported). An extra's or group's install
reports a conflict only when one of the lines it names belongs to that extra or group: a conflict
among the main dependencies is reported once, not once per extra.

The target Python is the environment's (or `--target-python`); without either, the project's own:
the `python` item of `environment.yml`, `.python-version`, Poetry's `python` constraint, then the
lowest version `requires-python` allows. An environment file's install is judged for its own
`python`, and a dependency group for uv's per-group `requires-python`
(`[tool.uv.dependency-groups] test = {requires-python = ">=3.12"}`).

Projects the index does not know and URL or path declarations are taken as given. The work is
bounded (one budget for all installs, index pages fetched once per run, metadata read
concurrently and without downloading wheels, installed versions tried first): after
`resolver-timeout` seconds or `resolver-max-rounds` rounds the check is listed under `skipped`
("could not decide in 30 s (resolver-timeout); not decided: torch, ...") instead of hanging, and so
is a failed look-up.

## Why it breaks package sync
The workers' pip and conda refuse an environment whose requirements contradict each other, and
the cluster never starts. pip check only looks at what is installed; this finds the conflict in
the declarations, even if nothing is installed yet.

## Example
```text
dask==2022.1.0
distributed==2022.05.1   # requires dask==2022.05.1
```
`dask==2022.1.0 (requirements.txt:1) and distributed==2022.05.1 (requirements.txt:2) cannot be installed together on linux_x86_64, CPython 3.11: distributed 2022.5.1 requires dask==2022.05.1`

## How to fix
Change one of the named lines so that they agree (`dask==2022.05.1`), or relax a pin and let the
installer choose; then re-run envlint.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envlint.config import Config
from envlint.diagnostics import Finding, Severity
from envlint.facts import FactUnavailable
from envlint.facts.project.install_sets import OPTION_SOURCES, InstallSet
from envlint.facts.project.model import DeclaredRequirement
from envlint.facts.project.python_pin import lowest_allowed
from envlint.facts.target import Target
from envlint.facts.index.installed import describe_target
from envlint.facts.index.resolver import Conflict, explain, resolve
from envlint.paths import relative_path
from envlint.registry import rule

if TYPE_CHECKING:
    from packaging.version import Version

    from envlint.facts.index.fact import Index


@rule(code="PIN003", name="unsolvable-requirements", severity=Severity.ERROR,
      summary="The project's declared requirements cannot all be installed together on the target")
def check(install_sets: list[InstallSet], target: Target, index: Index, config: Config,
          installed_versions: dict[str, Version]) -> Iterator[Finding]:
    deadline = time.monotonic() + config.resolver_timeout  # one budget for every install
    undecided: dict[str, list[str]] = {}
    reported: set[tuple[str, int | None, str]] = set()
    for install in install_sets:
        install_target = target_for(install, target)
        if install_target is None:
            continue
        outcome = resolve(install.declared, install_target, index, timeout=config.resolver_timeout,
                          max_rounds=config.resolver_max_rounds, deadline=deadline, preferred=installed_versions,
                          label=install.label)
        if outcome.status == "undecided":
            undecided.setdefault(outcome.reason or "could not decide", []).append(install.label)
        elif outcome.status == "conflict" and outcome.conflict is not None:
            declarations = _declarations(outcome.conflict)
            if install.option is not None and not any(d.source in OPTION_SOURCES for d in declarations):
                continue  # among the main dependencies only: their own install reports it, once
            finding = _finding(outcome.conflict, declarations, install_target, index, config)
            if finding is None:
                continue
            key = (finding.path or "", finding.line, finding.message)
            if key not in reported:  # a file two installs include: one finding
                reported.add(key)
                yield finding
    if undecided:
        if len(install_sets) == 1:
            raise FactUnavailable(next(iter(undecided)), what="resolver")
        raise FactUnavailable("; ".join(f"{', '.join(labels)}: {reason}" for reason, labels in undecided.items()),
                              what="resolver")


def target_for(install: InstallSet, target: Target) -> Target | None:
    """The target one install is judged for: its own Python when it names one (an environment
    file's ``python``, uv's per-group ``requires-python``) and no one fixed the Python; None when
    uv would not install the group on a fixed target Python at all."""
    if install.python is None:
        return target
    spec, where = install.python
    if target.python_fixed:
        if install.option is not None and target.accepts_python(spec) is False:
            return None  # uv leaves the group out on this Python
        return target
    version = lowest_allowed(spec)
    return target.with_python(version, where) if version is not None else target


def _declarations(conflict: Conflict) -> list[DeclaredRequirement]:
    """The declaration lines behind the conflict's causes, in order, each once."""
    declarations: list[DeclaredRequirement] = []
    for req in conflict.causes:
        decl, _ = explain(req, conflict.why)
        if decl is not None and decl not in declarations:
            declarations.append(decl)
    return declarations


def _finding(conflict: Conflict, declarations: list[DeclaredRequirement], target: Target, index: Index,
             config: Config) -> Finding | None:
    def where(decl: DeclaredRequirement) -> str:
        path = relative_path(config.root, decl.where.path)
        return f"{path}:{decl.where.line}" if decl.where.line else str(path)

    declarations = list(declarations)
    reasons: list[str] = []
    for req in conflict.causes:
        _, chain = explain(req, conflict.why)
        if chain:
            via = f" (through {' -> '.join(str(c) for c in chain[:-1])})" if len(chain) > 1 else ""
            reasons.append(f"{chain[-1]} requires {req.requirement}{via}")
    if not declarations:
        return None
    declarations.sort(key=lambda d: (str(d.where.path), d.where.line or 0, d.where.column or 0))
    named = " and ".join(f"{d.raw.strip()} ({where(d)})" for d in declarations)
    on = describe_target(target)
    if not target.python_fixed and target.python_source != "host":
        on += f" (the Python of {target.python_source})"
    if len(declarations) == 1 and not reasons:
        message = (f"{named} cannot be installed on {on}: no version of {conflict.name} on {index.label} satisfies "
                   "it and installs there")
    else:
        why = "; ".join(dict.fromkeys(reasons)) or f"no version of {conflict.name} satisfies them all"
        message = f"{named} cannot be installed together on {on}: {why}"
    anchor = next((d for d in declarations if d.name == conflict.name), declarations[0])
    if conflict.suggestion is not None:
        help_text = (f"declare {conflict.name}=={conflict.suggestion}, which the other requirements accept, or change "
                     "the other line")
    else:
        help_text = "change one of these declarations so that they agree (relax a pin, or pick versions released together)"
    return Finding(message=message, path=str(anchor.where.path), line=anchor.where.line,
                   column=anchor.where.column, package=conflict.name, help=help_text)
