"""Requires-Python excludes the target (PIN004).

## What it does
Checks each installed distribution's `Requires-Python` against the target Python (by default the
environment's own Python; set another with `--target-python` or `target-python` in the
configuration). pip refuses such a distribution unless told `--ignore-requires-python`, and
`pip check` never looks at it.

## Why it breaks package sync
The workers' package manager honours `Requires-Python`: it will not install this version for the
target Python, so the environment cannot be recreated there (or pip falls back to another
version than the one you tested). Code that declares it needs a newer Python may also simply fail
on the workers.

## Example
```text
networkx 3.5   # Requires-Python: >=3.11, in an environment of Python 3.10
```
`networkx 3.5 requires Python >=3.11, but the target runs CPython 3.10.14`

## How to fix
Install a version that supports the target Python (`pip install "networkx<3.5"`), or make the
environment (and the cluster) use a Python the distribution supports.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.environment.reader import Environment
from envlint.facts.target import Target
from envlint.registry import rule

_SOURCE = {"environment": "the environment's Python", "configured": "the configured target Python",
           "host": "envlint's own Python, as the environment's is unknown",
           "environment.yml": "the project's environment.yml python", ".python-version": "the project's .python-version",
           "poetry": "the project's Poetry python constraint",
           "requires-python": "the lowest Python the project's requires-python allows"}


@rule(code="PIN004", name="requires-python-mismatch", severity=Severity.WARNING,
      summary="An installed distribution's Requires-Python excludes the target Python")
def check(environment: Environment, target: Target) -> Iterator[Finding]:
    for dist in environment.distributions:
        if not dist.requires_python or target.accepts_python(dist.requires_python) is not False:
            continue  # no constraint, satisfied, or unparsable (reported as EL001)
        source = _SOURCE.get(target.python_source)
        yield Finding(
            message=(f"{dist.name} {dist.version} requires Python {dist.requires_python}, but the target runs "
                     f"CPython {target.python}" + (f" ({source})" if source else "")),
            package=dist.canonical_name, package_version=dist.version,
            help=(f"install a version of {dist.name} that supports Python {target.python_version[0]}."
                  f"{target.python_version[1]}, or use a Python that satisfies {dist.requires_python} here and on "
                  "the cluster"),
        )
