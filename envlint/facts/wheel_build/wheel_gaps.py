"""What a local package's wheel leaves out (BLD005): Python code of its tree that the wheel plan
does not ship, as neutral facts (the rule words them).

- a subpackage that a hand-written package list does not name, or a directory of code without
  ``__init__.py`` that ``find_packages()`` skips;
- subpackages that the ``include`` patterns of a package search do not match;
- a top-level package or module outside the shipped ones that shipped code imports;
- a plan that selects no Python code while the tree has some.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

from envlint.facts.wheel_build.model import (ImportedCodeLeftOut, IncludeMissesSubpackages, NoPythonCode,
                                       SubpackageNotListed, SubpackageWithoutInit)
from envlint.facts.wheel_build.package_finder import FLAT_EXCLUDE_MODULES, find_packages
from envlint.facts.wheel_build.package_source import PackageSource
from envlint.facts.wheel_build.wheel_plan import WheelPlan, has_python, is_test_file, rel, within
from envlint.facts.code.imports import find_imports
from envlint.facts.formats.setup_py import FindPackages
from envlint.facts.formats.text import is_file, read_text
from envlint.facts.project.model import WheelGap

#: Directory names that hold tests or tooling, not code the workers import.
NOT_SHIPPED_ON_PURPOSE = {"test", "tests", "testing", "docs", "doc", "examples", "example", "benchmarks",
                          "benchmark", "scripts", "tools", "ci", "build", "dist"}


def gaps(source: PackageSource, plan: WheelPlan) -> list[WheelGap]:
    """Python code of the tree that the wheel leaves out, or a wheel without Python code."""
    root = source.root
    out: list[WheelGap] = []
    if plan.lists_packages:
        out += _missing_subpackages(plan)
        out += _include_leaves_out_subpackages(plan)
    shipped_tops = {n.split(".", 1)[0] for n in plan.packages} | set(plan.modules)
    candidates = _local_top_level(source)
    unshipped = {name: path for name, path in candidates.items() if name not in shipped_tops}
    if not plan.packages and not plan.modules:
        if not plan.extensions and candidates:
            out.append(_no_python_code(plan, candidates))
        return out
    if unshipped:
        users = _importers(plan, set(unshipped))
        for name, path in sorted(unshipped.items()):
            if name not in users:
                continue
            user, line = users[name]
            shown = rel(path, root) + ("/" if path.is_dir() else "")
            out.append(ImportedCodeLeftOut(plan.where, plan.selection(), shown, name, rel(user, root), line))
    return out


def _no_python_code(plan: WheelPlan, candidates: dict[str, Path]) -> NoPythonCode:
    root = plan.root
    shown = tuple(sorted(rel(p, root) + ("/" if p.is_dir() else "") for p in candidates.values()))
    misplaced = None
    if plan.find is not None and plan.find.where in (".", "") and (root / "src").is_dir() and \
            any(within(p, root / "src") for p in candidates.values()):
        misplaced = "search-at-root"
    if plan.looks_only_in is not None and not any(within(p, plan.looks_only_in) for p in candidates.values()):
        misplaced = "outside-src"
    first = min(candidates.values(), key=lambda p: (not p.is_dir(), p))
    return NoPythonCode(plan.where, plan.selection(), shown, rel(first, root) + ("/" if first.is_dir() else ""),
                        first.name, misplaced)


def _missing_subpackages(plan: WheelPlan) -> list[WheelGap]:
    out: list[WheelGap] = []
    shipped = set(plan.packages)
    for name, directory in sorted(plan.packages.items()):
        try:
            children = sorted(p for p in directory.iterdir() if p.is_dir())
        except OSError:
            continue
        for child in children:
            sub = f"{name}.{child.name}"
            if sub in shipped or not child.name.isidentifier() or child.name in NOT_SHIPPED_ON_PURPOSE:
                continue
            if plan.find is not None and any(fnmatchcase(sub, p) for p in plan.find.exclude):
                continue
            if not has_python(child):
                continue  # no code, or only vendored projects of their own
            shown = rel(child, plan.root)
            if plan.find is not None and not plan.find.namespace and not (child / "__init__.py").is_file():
                out.append(SubpackageWithoutInit(plan.where, shown, sub, plan.setting))
            elif plan.find is None:
                out.append(SubpackageNotListed(plan.where, shown, sub, plan.selection()))
    return out


def _include_leaves_out_subpackages(plan: WheelPlan) -> list[WheelGap]:
    """``include=["etl"]`` matches the package etl only: setuptools matches each dotted name against the
    patterns, so etl.sub needs ``etl*`` (or ``etl.*``) too."""
    find = plan.find
    if find is None or tuple(find.include) == ("*",):
        return []
    every = find_packages(plan.root / find.where, FindPackages(find.namespace, find.where, ("*",), find.exclude))
    shipped = set(plan.packages)
    out: list[WheelGap] = []
    for name in sorted(shipped):
        if "." in name and name.rsplit(".", 1)[0] in shipped:
            continue  # reported with its top-most shipped ancestor
        left = [sub for sub in every if sub.startswith(f"{name}.") and sub not in shipped and
                not set(sub.split(".")[1:]) & NOT_SHIPPED_ON_PURPOSE]
        if left:
            out.append(IncludeMissesSubpackages(plan.where, name, tuple(left), find, plan.home))
    return out


def _local_top_level(source: PackageSource) -> dict[str, Path]:
    """Top-level packages (with __init__.py) and modules of the tree that look like shipped code."""
    out: dict[str, Path] = {}
    root = source.root
    bases = [root] + ([root / "src"] if (root / "src").is_dir() else [])
    for base in bases:
        try:
            entries = sorted(base.iterdir())
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if entry.is_dir():
                if not name.isidentifier() or name in NOT_SHIPPED_ON_PURPOSE or name.startswith(("_", ".")):
                    continue
                if is_file(entry / "__init__.py"):  # False in a directory this user cannot search
                    out.setdefault(name, entry)
            elif entry.suffix == ".py" and entry.stem.isidentifier():
                if base == root and any(fnmatchcase(entry.stem, p) for p in FLAT_EXCLUDE_MODULES):
                    continue
                if entry.stem in NOT_SHIPPED_ON_PURPOSE or entry.stem.startswith(("test_", "_")):
                    continue
                out.setdefault(entry.stem, entry)
    return out


def _importers(plan: WheelPlan, names: set[str]) -> dict[str, tuple[Path, int]]:
    """For each name, the first shipped file (and line) that imports it absolutely."""
    found: dict[str, tuple[Path, int]] = {}
    for path in plan.python_files(limit=5000):
        if is_test_file(path):
            continue
        text = read_text(path, None, limit=1024 * 1024)
        if not text:
            continue
        imports = find_imports(path, text)
        if imports is None:
            continue
        for ref in sorted(imports, key=lambda r: (r.line, r.column)):
            if not ref.level and ref.top in names and ref.top not in found:
                found[ref.top] = (path, ref.line)
        if len(found) == len(names):
            break
    return found
