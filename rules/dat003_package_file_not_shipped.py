"""Package reads a file its wheel leaves out (DAT003).

## What it does
Finds code of a local package (the project, or an editable or local-directory install) that reads a
file next to its own code: `os.path.join(os.path.dirname(__file__), "x.csv")`,
`Path(__file__).parent / "x.csv"`, `importlib.resources.files(pkg) / "x.csv"` (or
`.joinpath("x.csv")`), the legacy `importlib.resources.read_text(pkg, "x.csv")` and its
`read_binary`/`open_text`/`open_binary`/`path`/`is_resource` siblings,
`pkgutil.get_data(__name__, "x.csv")`, `pkg_resources.resource_filename(...)`. It then predicts
whether the package's wheel will carry that file: a file outside every shipped package never is;
setuptools ships data files only when `package_data` (or `include_package_data` with MANIFEST.in)
names them; hatchling, flit, poetry, uv_build and pdm-backend ship the whole package directory, minus what hatchling's
`.gitignore` handling, uv_build's `wheel-exclude`/`source-exclude` and pdm-backend's
`excludes`/`source-includes` leave out. Only files that exist in the source tree are checked.

## Why it breaks package sync
With an editable install the code reads the file from your source tree, so it works locally.
Package sync installs the built wheel on the workers; a file the wheel does not carry is simply not
there, and the read fails with `FileNotFoundError` on the workers only.

## Example
```python
# mypkg/model.py, built with setuptools, no package_data
WEIGHTS = Path(__file__).parent / "weights.json"
json.loads(WEIGHTS.read_text())
```
`mypkg/model.py reads mypkg/weights.json next to its code (WEIGHTS), but the wheel of mypkg will not include it: setuptools ships only .py files of mypkg unless package_data names the others`

## How to fix
Declare the file as package data for the build backend (`package_data={"mypkg": ["*.json"]}`,
`[tool.setuptools.package-data]`, or `include_package_data = true` with a MANIFEST.in line), or move
it inside the package directory; read it with `importlib.resources.files("mypkg") / "weights.json"`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from envlint.diagnostics import Finding, Severity
from envlint.facts.wheel_build.model import (BackendLeavesOut, HatchlingGitignored, OutsidePackages, PdmNotSelected,
                                       SetuptoolsNotPackageData, UvExcluded)
from envlint.facts.project.model import LeftOut, LocalPackage
from envlint.registry import rule


@rule(code="DAT003", name="package-file-not-shipped", severity=Severity.WARNING,
      summary="A local package reads a file next to its code that its wheel will not include",
      precision="medium")
def check(local_packages: list[LocalPackage]) -> Iterator[Finding]:
    for package in local_packages:
        for read in package.data_reads:
            if not read.missing or read.left_out is None:
                continue
            base = package.root
            target = _show(read.target, base) + ("/" if read.is_dir else "")
            if read.is_dir:
                first = _show(read.missing[0], base)
                what = f"{len(read.missing)} file(s) under {target} (e.g. {first})"
            else:
                what = "it"
            why, fix = explain(read.left_out)
            yield Finding(
                message=(f"{_show(read.where.path, base)} reads {target} next to its code ({read.expression}), but the "
                         f"wheel of {package.name or base.name} will not include {what}: {why}"),
                **read.where.location,
                package=package.name, package_version=package.version, help=fix,
            )


def _show(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def explain(left_out: LeftOut) -> tuple[str, str]:
    """Why the wheel leaves the file out, and how to ship it, in the terms of the package's backend."""
    file = left_out.file
    match left_out:
        case OutsidePackages(shipped=shipped):
            return (f"{file} is outside the shipped packages ({', '.join(shipped) or 'nothing'}), and wheels carry "
                    "only package contents",
                    "move the file into the package directory (and declare it as package data if the build backend "
                    "needs that), then read it with importlib.resources.files(<package>)")
        case SetuptoolsNotPackageData(package=name, in_package=rel):
            return _setuptools_why(left_out), (
                f'declare it: package_data={{"{name}": ["{_pattern(rel)}"]}} in setup.py, or '
                f'[tool.setuptools.package-data] {name} = ["{_pattern(rel)}"] in pyproject.toml')
        case HatchlingGitignored(package=name, in_package=rel):
            return (f"{file} is ignored by .gitignore, and hatchling leaves ignored files out of the wheel",
                    f'force it in: [tool.hatch.build.targets.wheel.force-include] "{file}" = '
                    f'"{name.replace(".", "/")}/{rel}"')
        case UvExcluded():
            return (f"{file} matches a [tool.uv.build-backend] exclude (wheel-exclude, source-exclude or the "
                    f"default __pycache__/*.pyc/*.pyo), so uv_build leaves it out of the wheel",
                    "narrow the exclude pattern so that it no longer matches the file")
        case PdmNotSelected():
            return (f"{file} is not selected by [tool.pdm.build] (outside includes, or matched by excludes or "
                    f"source-includes), so pdm-backend leaves it out of the wheel",
                    f'include it: [tool.pdm.build] includes = [..., "{file}"] (a path more specific than the exclude '
                    f'wins), and keep it out of source-includes')
        case BackendLeavesOut(backend=backend):
            return f"{backend} leaves {file} out of the wheel", "declare it as package data for the build backend"
    raise TypeError(f"DAT003 has no words for {type(left_out).__name__}")


def _setuptools_why(left_out: SetuptoolsNotPackageData) -> str:
    if left_out.include_package_data and left_out.manifest:
        return f"it matches neither package_data nor MANIFEST.in, so setuptools leaves {left_out.file} out of the wheel"
    if left_out.include_package_data:
        return (f"include_package_data takes only files listed in MANIFEST.in (there is none), and no package_data "
                f"pattern matches {left_out.file}")
    return f"setuptools ships only .py files of {left_out.package} unless package_data names the others"


def _pattern(rel: str) -> str:
    """A package_data pattern for the file at ``rel`` in its package: itself, or its directory's files of its kind."""
    return rel if "/" not in rel else f"{rel.rsplit('/', 1)[0]}/*{Path(rel).suffix}"
