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

import json
from collections.abc import Iterator
from pathlib import Path

from envlint.diagnostics import Finding, Severity
from envlint.facts.wheel_build.model import (ImportedCodeLeftOut, IncludeMissesSubpackages, NoPythonCode, Selection,
                                       SubpackageNotListed, SubpackageWithoutInit)
from envlint.facts.formats.setup_py import FindPackages
from envlint.facts.project.model import LocalPackage, WheelGap
from envlint.registry import rule


@rule(code="BLD005", name="wheel-leaves-out-code", severity=Severity.WARNING,
      summary="A local package's wheel would leave out Python code of its source tree")
def check(local_packages: list[LocalPackage]) -> Iterator[Finding]:
    for package in local_packages:
        for gap in package.wheel_gaps:
            message, help_text = explain(gap)
            yield Finding(
                message=f"{package.label}: {message}",
                **gap.where.location,
                package=package.name, package_version=package.version, help=help_text,
            )


def explain(gap: WheelGap) -> tuple[str, str]:
    """What the wheel leaves out, and how to ship it."""
    match gap:
        case SubpackageWithoutInit(directory=directory, subpackage=sub, finder=finder):
            return (f"{directory}/ holds Python code but no __init__.py, so {finder} skips it and the wheel leaves "
                    f"out {sub}: `import {sub}` works here and fails on the workers",
                    f"add an empty {directory}/__init__.py (or use find_namespace_packages)")
        case SubpackageNotListed(directory=directory, subpackage=sub, selection=selection):
            return (f"{directory}/ holds Python code, but {_selection(selection)} does not list {sub!r}, so the wheel "
                    f"leaves it out and `import {sub}` fails on the workers",
                    f"add {sub!r} to packages, or use find_packages() to list every package")
        case IncludeMissesSubpackages(package=name, left_out=left, find=find, home=home):
            fixed = [f"{p}*" if _matches(name, p) and not p.endswith("*") else p for p in find.include]
            shown = ", ".join(left[:5]) + (f" and {len(left) - 5} more" if len(left) > 5 else "")
            return (f"{_include_setting(find, home, list(find.include))} in {home} matches the package {name} but "
                    f"not its subpackages, so the wheel leaves out {shown}: `import {left[0]}` works here and fails "
                    "on the workers",
                    f"match the subpackages too: {_include_setting(find, home, fixed)}")
        case NoPythonCode(selection=selection, candidates=candidates, misplaced=misplaced):
            return (f"the wheel would contain no Python code: {_selection(selection)} selects nothing, but the tree has "
                    f"{', '.join(candidates[:4])}{_MISPLACED.get(misplaced or '', '')}",
                    _select_fix(gap, bool(misplaced)))
        case ImportedCodeLeftOut(selection=selection, path=path, name=name, importer=importer, line=line):
            return (f"{path} is imported by {importer}:{line} (`import {name}`), but {_selection(selection)} leaves it "
                    "out of the wheel, so the import fails on the workers",
                    _ship_fix(selection, name, path))
    raise TypeError(f"BLD005 has no words for {type(gap).__name__}")


def _selection(selection: Selection) -> str:
    """The file selection as a user would name it: the setting as written, or the backend's default."""
    if selection.setting:
        return f"{selection.setting} in {selection.home}" if selection.home else selection.setting
    found, base = selection.found, f"{selection.base}/" if selection.base else "the project root"
    match (selection.backend, selection.default):
        case ("setuptools", "ext_modules"):
            return "setuptools' defaults (ext_modules only)"
        case ("setuptools", "package_dir"):
            return "package_dir (setuptools' automatic discovery)"
        case ("setuptools", "src-layout"):
            return f"setuptools' automatic discovery (src layout: {base})"
        case ("setuptools", "flat-layout"):
            return "setuptools' automatic discovery (flat layout)"
        case ("hatchling", "package"):
            return f"hatchling's default: the package {found}/ named like the project"
        case ("hatchling", "module"):
            return f"hatchling's default: the module {found}.py named like the project"
        case ("hatchling", "namespace"):
            return f"hatchling's default: {found}/"
        case ("flit", _):
            return f"flit: the module {found} named like the project"
        case ("poetry", "package"):
            return f"poetry's default: the package {found}/ named like the project"
        case ("poetry", "module"):
            return f"poetry's default: the module {found}.py"
        case ("uv_build", _):
            return f"uv_build: the module {found} in {base}"
        case ("pdm-backend", kind):
            return f"pdm-backend's default: the {kind} in {base}"
    return ""


_MISPLACED = {
    "search-at-root": (" (the code is in src/, but the search starts at the project root: use "
                       "find_packages(where=\"src\") with package_dir={\"\": \"src\"})"),
    "outside-src": " (pdm-backend looks for packages in src/ because that directory exists, and the code is outside it)",
}


def _matches(name: str, pattern: str) -> bool:
    from fnmatch import fnmatchcase

    return fnmatchcase(name, pattern)


def _include_setting(find: FindPackages, home: str, include: list[str]) -> str:
    """The include patterns as written in ``home`` (pyproject.toml, setup.cfg or setup.py)."""
    if home == "pyproject.toml":
        return f"[tool.setuptools.packages.find] include = [{', '.join(json.dumps(i) for i in include)}]"
    if home == "setup.cfg":
        return f"[options.packages.find] include = {', '.join(include)}"
    call = "find_namespace_packages" if find.namespace else "find_packages"
    where = f"where={find.where!r}, " if find.where not in (".", "") else ""
    return f"{call}({where}include={include!r})"


def _select_fix(gap: NoPythonCode, misplaced: bool) -> str:
    """How to make the backend select the code at ``gap.first``, in the backend's own settings
    (``misplaced``: the code is outside where the backend looks)."""
    match gap.selection.backend:
        case "pdm-backend" if misplaced:
            return (f"set [tool.pdm.build] package-dir = \"\" (the code is at the project root), or move {gap.first} "
                    "into src/")
        case "pdm-backend":
            return (f"list the code: [tool.pdm.build] includes = [\"{gap.first}\"], or point package-dir at the "
                    "directory that holds it")
        case "hatchling":
            return f"list the package: [tool.hatch.build.targets.wheel] packages = [\"{gap.first.rstrip('/')}\"]"
        case "poetry":
            return f"list the package: [tool.poetry] packages = [{{ include = \"{gap.first_name}\" }}]"
        case "uv_build":
            return "name the module: [tool.uv.build-backend] module-name = \"<import name>\" (and module-root)"
    return ("list the package (packages=[...] / [tool.setuptools] packages) or point the search at the "
            "directory that holds it")


def _ship_fix(selection: Selection, name: str, rel: str) -> str:
    """How to ship the top-level package or module ``name`` (at ``rel``, ``/`` after a directory) too, in
    the backend's own settings."""
    inside = "or move it inside a shipped package"
    path = rel.rstrip("/")
    match selection.backend:
        case "pdm-backend" if selection.explicit:
            return f"add \"{path}\" to [tool.pdm.build] includes, {inside}"
        case "pdm-backend":
            listed = ", ".join(f'"{x}"' for x in [*selection.shipped, path])
            return f"list it with the shipped code: [tool.pdm.build] includes = [{listed}], {inside}"
        case "hatchling":
            return f"add \"{path}\" to [tool.hatch.build.targets.wheel] packages, {inside}"
        case "poetry":
            parent = Path(path).parent.as_posix()
            origin = f", from = \"{parent}\"" if parent != "." else ""
            return f"add {{ include = \"{Path(path).name}\"{origin} }} to [tool.poetry] packages, {inside}"
        case "uv_build" if rel.endswith("/"):
            return (f"add {name!r} to [tool.uv.build-backend] module-name (a list; it must sit in the same "
                    f"module-root), {inside}")
        case "uv_build":
            return "move it inside the shipped module (uv_build ships module directories, not single-file modules)"
        case "flit":
            return "move it inside the shipped package (flit ships the one module named like the project)"
    return f"ship it too (add {name!r} to the packages or modules), {inside}"
