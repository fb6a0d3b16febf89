"""Local package does not build as a wheel (BLD002).

## What it does
Checks the build files of the project and of every editable or local-directory install without
running them, and reports what makes `pip wheel` fail:

- no `pyproject.toml`, `setup.py` or `setup.cfg` at all (or the source directory is gone);
- a `pyproject.toml` that is not valid TOML (with the line), a `[build-system]` without `requires`,
  an invalid requirement string, a `[project]` table without `name`, or without `version` that is
  not listed in `dynamic`;
- a `build-backend` that no requirement in `requires` provides (`hatchling.build` with
  `requires = ["setuptools"]`);
- a `[build-system] requires` name that no configured index has (online: PyPI, or `--index-url`, and
  the extra indexes of the pip configuration are asked; offline, or with `find-links` configured, the
  look-up is skipped with a note), so pip cannot install it into the isolated build environment;
- a `setup.py` that does not parse as Python 3 (Python 2 syntax such as `print "x"`);
- a file selection the backend refuses: setuptools' automatic discovery with several top-level
  packages in a flat layout, a listed package whose directory does not exist, hatchling, flit or
  poetry finding no package named like the project, uv_build finding no module where it looks
  (`src/<name>/__init__.py` unless `[tool.uv.build-backend]` says otherwise) or a namespace parent
  of a dotted `module-name` that has an `__init__.py`.

## Why it breaks package sync
Package sync builds every local package into a wheel when the cluster launches. A package whose
build fails is left out with a note, the cluster starts anyway, and `import` fails on the workers.

## Example
```toml
[build-system]
requires = ["setuptools>=61"]
build-backend = "hatchling.build"
```
`build-backend 'hatchling.build' comes from hatchling, but [build-system] requires lists setuptools>=61, so the isolated build cannot import the backend`

## How to fix
Fix the reported line: add the missing key or requirement, port setup.py to Python 3, or tell the
backend where the package is (`[tool.setuptools] packages = ["pkg"]`,
`[tool.hatch.build.targets.wheel] packages = ["src/pkg"]`). Then check with
`pip wheel --no-deps <package directory>`.
"""

from __future__ import annotations

from envlint.diagnostics import Severity
from envlint.registry import declare
from envlint.rules.bld002_unbuildable_local_package import index, project

declare(__name__, code="BLD002", name="unbuildable-local-package", severity=Severity.ERROR,
        summary="A local package cannot be built into a wheel",
        checks=(project.check, index.check))
