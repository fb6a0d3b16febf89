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
from envlint.facts.project.model import LocalPackage
from envlint.registry import rule


@rule(code="DAT003", name="package-file-not-shipped", severity=Severity.WARNING,
      summary="A local package reads a file next to its code that its wheel will not include",
      precision="medium")
def check(local_packages: list[LocalPackage]) -> Iterator[Finding]:
    for package in local_packages:
        for read in package.data_reads:
            if not read.missing:
                continue
            base = package.root
            target = _show(read.target, base) + ("/" if read.is_dir else "")
            if read.is_dir:
                first = _show(read.missing[0], base)
                what = f"{len(read.missing)} file(s) under {target} (e.g. {first})"
            else:
                what = "it"
            yield Finding(
                message=(f"{_show(read.where.path, base)} reads {target} next to its code ({read.expression}), but the "
                         f"wheel of {package.name or base.name} will not include {what}: {read.why}"),
                **read.where.location,
                package=package.name, package_version=package.version, help=read.fix,
            )


def _show(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)
