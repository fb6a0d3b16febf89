"""Local package (LOC001).

## What it does
Lists installed distributions that come from a local source directory: editable installs
(`pip install -e .`, PEP 660 or legacy `setup.py develop` egg-links) and plain installs of a
directory (`pip install ./mypkg`). It names the source directory. When the package is the project
itself (`pip install -e .` in the project's own environment), the finding points at the `name`
line of the project's pyproject.toml (or setup.cfg/setup.py); a local package the project declares
(`-e ../acme-utils` in a requirements file) points at that line.

## Why it breaks package sync
Package sync builds each local package into a wheel on this machine when the cluster launches, so
the package must build with `pip wheel` (see the project rules: build requirements, compiled code
on a machine that is not 64-bit Linux). A package that fails to build is left out with a note and
the cluster starts without it: imports fail on the workers. And the wheel is a snapshot: edits
made after launch are not picked up by a running cluster.

## Example
```text
pip install -e ../acme-utils
```
`acme-utils 0.3.0 is an editable install of /Users/alex/src/acme-utils: package sync builds it into a wheel at launch`

## How to fix
Nothing, if you meant it: check that `pip wheel <source directory>` works, and re-create the
cluster after editing the package. To silence it for a package, use `ignore-packages`. For a
package that is stable, publish it to PyPI and install it from there.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.environment.distribution import Distribution
from envlint.facts.environment.reader import Environment
from envlint.registry import rule


@rule(code="LOC001", name="local-package", severity=Severity.INFO,
      summary="An editable or local-directory package is built into a wheel at launch")
def check(environment: Environment) -> Iterator[Finding]:
    """The environment part: installed distributions from a local directory."""
    for dist in environment.distributions:
        if not dist.is_local_directory:
            continue
        source = str(dist.source_path) if dist.source_path else "an unrecorded directory"
        how = "an editable install of" if dist.editable else "installed from the local directory"
        if dist.kind == "egg-link":
            how = "a development install (setup.py develop) of"
        yield Finding(
            message=(f"{dist.name} {dist.version} is {how} {source}: package sync builds it into a wheel at "
                     "launch, and later edits do not reach a running cluster"),
            package=dist.canonical_name, package_version=dist.version,
            help=_help(dist, source),
        )


def _help(dist: Distribution, source: str) -> str:
    check = f"check that `pip wheel --no-deps {source}` works" if dist.source_path else \
        "check that its source directory builds with `pip wheel`"
    return f"{check}, and re-create the cluster after editing {dist.name}"
