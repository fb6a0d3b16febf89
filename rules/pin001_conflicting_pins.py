"""Conflicting pins (PIN001).

## What it does
Checks every installed distribution's `Requires-Dist` against the installed version of the
required distribution, like `pip check`, but judged for the *target*: markers are evaluated for
the workers' platform and Python, the extras that installed distributions actually request are
followed, and prereleases are handled explicitly.

## Why it breaks package sync
Package sync asks the workers' package manager to install exactly these versions together. If
one distribution's requirement rules out another's installed version, pip and conda refuse the
environment and the cluster never starts.

## Example
```text
distributed==2022.05.1   # requires dask==2022.05.1
dask==2022.1.0
```
`distributed 2022.5.1 requires dask==2022.05.1, but dask 2022.1.0 is installed.`

## How to fix
Install versions that agree: upgrade or downgrade one side (`pip install "dask==2022.05.1"`),
then re-run envlint. `pip install <pkg>` without `--no-deps` lets pip pick a consistent set.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.environment.reader import Environment
from envlint.facts.environment.requirements_graph import applicable_requirements
from envlint.facts.target import Target
from envlint.registry import rule


@rule(code="PIN001", name="conflicting-pins", severity=Severity.ERROR,
      summary="An installed distribution's requirement excludes the installed version of another")
def check(environment: Environment, target: Target) -> Iterator[Finding]:
    for dist, req in applicable_requirements(environment, target):
        dep = environment.get(req.name)
        if dep is None or not req.specifier:
            continue
        if dep.parsed_version is None:
            continue  # reported as EL001
        if req.specifier.contains(dep.parsed_version, prereleases=True):
            continue
        yield Finding(
            message=f"{dist.name} {dist.version} requires {req}, but {dep.name} {dep.version} is installed",
            package=dep.canonical_name, package_version=dep.version,
            help=f'install a version that satisfies both, e.g. pip install "{req.name}{req.specifier}"',
        )
