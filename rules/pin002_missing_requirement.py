"""Missing requirement (PIN002).

## What it does
Checks that every distribution an installed distribution requires *on the target* is installed.
Markers are evaluated for the workers (Linux, their machine, the target Python), not for the
machine where the environment was made, and the extras that installed distributions request of
each other are followed. So it also finds a requirement that applies only on the target: in an
environment made on macOS, `uvloop; sys_platform == "linux"` was never installed, and `pip check`
on the laptop does not mention it.

It also reports (as a warning) a requirement of an extra that the installed distribution does not
provide, e.g. `dask[dataframe]` when the installed dask declares no `dataframe` extra: the
dependencies behind that extra are then not installed either.

## Why it breaks package sync
Package sync mirrors what is installed. A requirement that is not installed is not installed on the
workers either, so importing the package that needs it fails there, or the workers' package
manager refuses the environment. A requirement that applies only on Linux is the easy one to
miss: it is invisible wherever the environment was made.

## Example
```text
acme-utils 0.3.0 requires uvloop>=0.19; sys_platform == "linux"   # made on macOS: never installed
```
`acme-utils 0.3.0 requires uvloop>=0.19; sys_platform == "linux" on the target, which is not installed`

## How to fix
Install the missing distribution (`pip install "uvloop>=0.19"`). For a requirement that applies
only on the target, make the environment on Linux (a container or CI job) so pip installs it, or
add the distribution to the cluster's software environment yourself. For a missing extra, upgrade
the distribution to a version that provides it, or install the extra's dependencies directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from envlint.diagnostics import Finding, Severity
from envlint.facts.environment.distribution import Distribution
from envlint.facts.environment.reader import Environment
from envlint.facts.environment.requirements_graph import applicable_requirements, requested_extras
from envlint.facts.target import Target
from envlint.registry import rule

_OS_NAMES = {"linux": "Linux", "macos": "macOS", "windows": "Windows"}
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']|["']([^"']+)["']\s*==\s*extra""")


@rule(code="PIN002", name="missing-requirement", severity=Severity.ERROR,
      summary="A distribution required on the target is not installed")
def check(environment: Environment, target: Target) -> Iterator[Finding]:
    extras = requested_extras(environment, target)
    for dist, req in applicable_requirements(environment, target):
        dep = environment.get(req.name)
        if dep is None:
            yield _missing(dist, req, target, environment.markers, extras.get(dist.canonical_name, set()))
        elif req.extras:
            yield from _unknown_extras(dist, req, dep)


def _missing(dist: Distribution, req: Requirement, target: Target, made: Mapping[str, str] | None,
             own_extras: set[str]) -> Finding:
    bare = _without_marker(req)
    name = canonicalize_name(req.name)
    if req.marker is not None and made and not _applies(req.marker, made, own_extras):
        where = ", ".join(v for v in (made.get("sys_platform"), made.get("platform_machine"),
                                      f"Python {made['python_full_version']}" if made.get("python_full_version")
                                      else None) if v)
        return Finding(
            message=(f"{dist.name} {dist.version} requires {req} on the target, which is not installed: the "
                     f"marker holds on {target.platform} but not where this environment was made ({where})"),
            package=name,
            help=(f'the workers need "{bare}", but package sync mirrors only what is installed here: make this '
                  f"environment on {_OS_NAMES.get(target.os, target.os)} (e.g. in a container) so pip installs it, or add \"{bare}\" to the "
                  "cluster's software environment yourself"),
        )
    return Finding(
        message=f"{dist.name} {dist.version} requires {req}, which is not installed",
        package=name,
        help=f'install it: pip install "{bare}"',
    )


def _unknown_extras(dist: Distribution, req: Requirement, dep: Distribution) -> Iterator[Finding]:
    known = set(dep.provides_extra) | dep.extras_in_requirements
    for r in dep.requires:
        if r.marker is not None:
            known.update(canonicalize_name(a or b) for a, b in _EXTRA.findall(str(r.marker)))
    for extra in sorted({canonicalize_name(e) for e in req.extras} - known):
        yield Finding(
            message=(f"{dist.name} {dist.version} requires {req.name}[{extra}], but {dep.name} {dep.version} "
                     f"has no extra '{extra}', so the dependencies behind it are not installed"),
            package=dep.canonical_name, package_version=dep.version, severity=Severity.WARNING,
            help=(f"install a version of {dep.name} that provides [{extra}], or install what {dist.name} needs "
                  "from it directly"),
        )


def _applies(marker: Marker, markers: Mapping[str, str], extras: set[str]) -> bool:
    for extra in ("", *sorted(extras)):
        try:
            if marker.evaluate({**markers, "extra": extra}):
                return True
        except Exception:  # an undefined comparison: treat as not applying
            continue
    return False


def _without_marker(req: Requirement) -> str:
    text = req.name
    if req.extras:
        text += "[" + ",".join(sorted(req.extras)) + "]"
    if req.url:
        return f"{text} @ {req.url}"
    return text + str(req.specifier)
