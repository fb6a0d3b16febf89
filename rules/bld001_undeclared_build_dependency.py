"""Undeclared build dependency (BLD001).

## What it does
Reads the `setup.py` of the project and of every editable or local-directory install (and the local
modules it imports, such as `versioneer.py` or `from mypkg import version`) and finds imports that run
at build time but that the isolated build environment will not have: not the standard library, not
setuptools (which pip provides only when there is no `[build-system]` table), and not provided by
`[build-system] requires` or what those requirements bring along. Import names are mapped to
distributions from the installed metadata and a curated table (`Cython` → Cython, `skbuild` →
scikit-build, `yaml` → PyYAML).

An import runs at build time wherever it sits when the build executes it: at module level (including
`if __name__ == "__main__":`, since pip runs setup.py as `__main__`); in a function or method called
from there or from the `setup()` call's arguments (`ext_modules=get_extensions()`,
`include_dirs=[numpy_include()]`), also in the local modules setup.py imports; in `__init__`,
`__str__` or `__fspath__` of an object created there (pybind11's `get_pybind_include()` helper); in
the methods of command classes a wheel build runs (`cmdclass={"build_ext": ...}`, or subclasses of
`build_ext`, `build_py`, `build`, `install`, `egg_info`, `bdist_wheel`). Code that only setup() itself
runs (command classes, `__str__`) may also use `setup_requires`, which setuptools has pip install
before the build proper; module-level code runs before that and may not. An import under an `if`, or
in `try: ... except ImportError:` whose handler really falls back, is not reported; one whose handler
re-raises, exits or runs `pip install` in a subprocess is (a subprocess install is not a declaration).
`sys.path.append(...)`/`sys.path.insert(...)` with a literal or `__file__`-based path make the
modules in that folder local. `pkg_resources` needs `setuptools<82`: newer setuptools no longer has it.
Each missing distribution is reported once per file, at its first import.

## Why it breaks package sync
Package sync builds each local package into a wheel with pip, in an isolated build environment that
holds only the declared build requirements. The import fails (`ModuleNotFoundError: No module named
'numpy'`), the wheel is not built, and the cluster starts without the package: imports fail on the
workers. It works on your machine only because `pip install -e .` or `--no-build-isolation` used the
packages already installed there.

## Example
```python
# setup.py (crick 0.0.3, no pyproject.toml)
import numpy as np
from Cython.Build import cythonize
```
`setup.py imports numpy at build time, but the isolated build environment will not have it (numpy): there is no [build-system] table, so pip builds with setuptools only`

## How to fix
Declare the build requirements in `pyproject.toml`:
```toml
[build-system]
requires = ["setuptools>=40.8.0", "numpy", "Cython"]
build-backend = "setuptools.build_meta:__legacy__"
```
(the legacy backend keeps setup.py's directory on `sys.path`, which `import versioneer` needs), or add the missing distribution to an existing `requires` list.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from envlint.diagnostics import Finding, Severity
from envlint.facts.project.model import PKG_RESOURCES_SETUPTOOLS, BuildImport, LocalPackage
from envlint.registry import rule


@rule(code="BLD001", name="undeclared-build-dependency", severity=Severity.ERROR,
      summary="setup.py imports a module that the isolated build environment will not have")
def check(local_packages: list[LocalPackage]) -> Iterator[Finding]:
    for package in local_packages:
        missing = [i for i in package.build_imports if not i.provided]
        if not missing:
            continue
        groups: dict[tuple[str, str], list[BuildImport]] = {}
        for imp in missing:  # one finding per missing distribution and file
            groups.setdefault((imp.candidates[0], str(imp.where.path)), []).append(imp)
        table = _build_system_table(package, [i.candidates[0] for i in missing])
        for (dist, _), imports in groups.items():
            imp = min(imports, key=lambda i: (i.where.line or 0, i.where.column or 0))
            tops = list(dict.fromkeys(i.module.split(".", 1)[0] for i in sorted(
                imports, key=lambda i: (i.where.line or 0, i.where.column or 0))))
            holder = "setup.py" if imp.via is None else f"{_shown(imp.via, package)} (imported by setup.py)"
            why = _why(package, imp, dist)
            if all(i.late for i in imports):
                why += ("; this code runs inside setup(), after setuptools installs setup_requires, but "
                        "setup_requires does not list it either")
            if any(i.pip_fallback for i in imports):
                why += ("; its `except ImportError` fallback runs `pip install` in a subprocess, which is not a "
                        "declaration: the isolated build does not get the package that way")
            yield Finding(
                message=(f"{holder} imports {', '.join(tops)} at build time, but the isolated build environment "
                         f"will not have it ({_display(dist)}): {why}"),
                **imp.where.location,
                package=package.name, package_version=package.version,
                help=table,
            )


def _why(package: LocalPackage, imp: BuildImport, dist: str) -> str:
    if dist == PKG_RESOURCES_SETUPTOOLS:
        return ("setuptools 82 and later no longer include pkg_resources, and the isolated build installs the "
                "newest setuptools")
    if not package.has_build_system:
        return "there is no [build-system] table, so pip builds with setuptools only"
    if excluded := [r.raw for r in package.build_requires
                    if r.name in imp.candidates and r.name not in package.build_provides]:
        return (f"[build-system] requires lists {', '.join(excluded)} only under a marker the target does "
                "not match, so the build does not install it")
    listed = ", ".join(r.raw for r in package.build_requires) or "nothing"
    return f"[build-system] requires lists {listed}, which does not provide it"


def _shown(path: Path, package: LocalPackage) -> str:
    try:
        return path.relative_to(package.root).as_posix()
    except ValueError:
        return path.name


def _build_system_table(package: LocalPackage, needed: list[str]) -> str:
    """The exact [build-system] table that makes the build environment complete."""
    requires: list[str] = [r.raw for r in package.build_requires] if package.has_build_system else ["setuptools>=40.8.0"]
    # A listed name whose marker excludes the target is not installed there: add an unconditioned entry.
    present = {r.name for r in package.build_requires if r.name and r.name in package.build_provides}
    for dist in needed:
        if dist not in present:
            requires.append(_display(dist))
            present.add(dist)
    # setup.py importing its neighbours (versioneer.py) needs the legacy backend, which puts setup.py's
    # directory on sys.path as `python setup.py` did.
    backend = package.build_backend or ("setuptools.build_meta:__legacy__" if package.local_build_modules
                                        else "setuptools.build_meta")
    items = ", ".join(_toml_string(r) for r in requires)
    where = "in pyproject.toml" if package.has_build_system else "in a pyproject.toml next to setup.py"
    return (f"declare the build requirements {where}:\n[build-system]\nrequires = [{items}]\n"
            f"build-backend = {_toml_string(backend)}")


def _toml_string(text: str) -> str:
    """``text`` as a TOML string: basic when it can be written plainly, literal when it holds double quotes
    (``'numpy; sys_platform == "win32"'``), else basic with escapes."""
    plain = not any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)
    if plain and '"' not in text and "\\" not in text:
        return f'"{text}"'
    if plain and "'" not in text:
        return f"'{text}'"
    escapes = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
    return '"' + "".join(escapes.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
                         for c in text) + '"'


_DISPLAY = {"cython": "Cython", "pyyaml": "PyYAML"}


def _display(dist: str) -> str:
    return _DISPLAY.get(dist, dist)
