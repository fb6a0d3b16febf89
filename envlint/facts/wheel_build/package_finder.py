"""setuptools' package and module finders, over a source tree (no setuptools import).

``find_packages``/``find_namespace_packages`` (PackageFinder, PEP420PackageFinder) and the flat-layout
finders of its automatic discovery. The other backends use them to list the subpackages of a
directory they ship whole.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path

from envlint.facts.formats.setup_py import FindPackages

MAX_FILES = 20000
#: setuptools' FlatLayoutPackageFinder / FlatLayoutModuleFinder reserved names.
FLAT_EXCLUDE_PACKAGES = (
    "ci", "bin", "debian", "doc", "docs", "documentation", "manpages", "news", "newsfragments", "changelog",
    "test", "tests", "unit_test", "unit_tests", "example", "examples", "scripts", "tools", "util", "utils",
    "python", "build", "dist", "venv", "env", "requirements", "tasks", "fabfile", "site_scons", "benchmark",
    "benchmarks", "exercise", "exercises", "htmlcov", "[._]*",
)
FLAT_EXCLUDE_MODULES = (
    "setup", "conftest", "test", "tests", "example", "examples", "build", "toxfile", "noxfile", "pavement",
    "dodo", "tasks", "fabfile", "[Ss][Cc]onstruct", "conanfile", "manage", "benchmark", "benchmarks", "exercise",
    "exercises", "[._]*",
)


def find_packages(where: Path, find: FindPackages, *, flat: bool = False) -> list[str]:
    """setuptools' PackageFinder / PEP420PackageFinder / FlatLayoutPackageFinder over ``where``."""
    include = find.include or ("*",)
    exclude = find.exclude or (tuple(p for x in FLAT_EXCLUDE_PACKAGES for p in (x, f"{x}.*")) if flat else ())
    found: list[str] = []
    stack = [(where, "")]
    visited = 0
    while stack:
        directory, prefix = stack.pop()
        try:
            children = sorted((e for e in os.scandir(directory) if e.is_dir()), key=lambda e: e.name, reverse=True)
        except OSError:
            continue
        for entry in children:
            visited += 1
            if visited > MAX_FILES:
                return sorted(found)
            name = entry.name
            package = f"{prefix}{name}"
            if "." in name or name == "__pycache__":
                continue
            full = Path(entry.path)
            if flat:
                parts = package.split(".")
                if not ((parts[0].isidentifier() or parts[0].endswith("-stubs"))
                        and all(p.isidentifier() for p in parts[1:])):
                    continue
            elif not find.namespace and not (full / "__init__.py").is_file():
                continue
            if any(fnmatchcase(package, p) for p in include) and not any(fnmatchcase(package, p) for p in exclude):
                found.append(package)
            if f"{package}*" in exclude or f"{package}.*" in exclude:
                continue
            stack.append((full, f"{package}."))
    return sorted(found)


def find_modules(where: Path, *, flat: bool = False) -> list[str]:
    try:
        names = sorted(p.stem for p in where.glob("*.py") if p.is_file())
    except OSError:
        return []
    out = []
    for name in names:
        if not name.isidentifier():
            continue
        if flat and any(fnmatchcase(name, p) for p in FLAT_EXCLUDE_MODULES):
            continue
        out.append(name)
    return out


def top_level(names: list[str]) -> list[str]:
    tops = [n for n in names if not n.endswith("-stubs")]
    return sorted(n for n in tops if not any(n.startswith(f"{o}.") for o in tops if o != n))
