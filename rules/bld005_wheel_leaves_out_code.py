"""Wheel leaves out Python code (BLD005).

## What it does
Predicts, without building, which Python modules the wheel of the project and of every editable or
local-directory install will hold, for setuptools (explicit `packages`, `find_packages`, setup.cfg
`find:`, `[tool.setuptools.packages.find]`, automatic discovery), hatchling, flit, poetry-core, uv_build (`module-name`, `module-root`,
`namespace`) and pdm-backend (`package-dir`, `includes`, `excludes`, `source-includes`).
It reports code of the source tree that the wheel leaves out:

- a subpackage that an explicit `packages=["pkg"]` list does not name (`pkg.sub`), or a directory
  without `__init__.py` that `find_packages()` skips;
- subpackages that an `include` pattern of the package search does not match: `include = ["pkg"]`
  (or `find_packages(include=["pkg"])`) matches `pkg` only, not `pkg.sub`;
- a top-level package or module outside the shipped packages that shipped code imports;
- a wheel that would contain no Python code at all (for example `find_packages()` searching the
  project root while the code is in `src/`, or pdm-backend looking only in an `src/` directory that
  holds no package while the code is at the project root).

It stays silent when the selection is computed at build time (it cannot know).

## Why it breaks package sync
An editable install imports from the source tree, so everything works on your machine. Package sync
installs the *wheel* on the workers, and what the wheel leaves out is not there: `ModuleNotFoundError`
on the workers only.

## Example
```python
setup(name="crick", packages=["crick"])   # crick/stats/__init__.py exists
```
`crick/stats/ holds Python code, but packages=['crick'] in setup.py does not list 'crick.stats', so the wheel leaves it out and `import crick.stats` fails on the workers`

## How to fix
List every package (`packages=find_packages()` or `[tool.setuptools.packages.find]`), match the
subpackages in `include` (`include = ["pkg*"]`), add the missing `__init__.py`, point the search at
`src/` (`package_dir={"": "src"}`), or move the module into a shipped package. The help of each
finding names the setting of the project's backend: `[tool.hatch.build.targets.wheel] packages`,
`[tool.poetry] packages`, `[tool.uv.build-backend] module-name` (uv_build ships module directories,
not single-file modules), `[tool.pdm.build] includes` or `package-dir`.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.project.model import LocalPackage
from envlint.registry import rule


@rule(code="BLD005", name="wheel-leaves-out-code", severity=Severity.WARNING,
      summary="A local package's wheel would leave out Python code of its source tree")
def check(local_packages: list[LocalPackage]) -> Iterator[Finding]:
    for package in local_packages:
        for gap in package.wheel_gaps:
            yield Finding(
                message=f"{package.label}: {gap.message}",
                **gap.where.location,
                package=package.name, package_version=package.version, help=gap.help,
            )
