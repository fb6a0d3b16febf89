"""pdm-backend: ``includes`` (default: the top-level packages of ``package-dir``, ``src/`` when there is
one, else its top-level modules) minus ``excludes`` and ``source-includes`` (``tests`` by default), the
more specific pattern winning; paths under ``package-dir`` lose that prefix in the wheel. A build
hook or ``run-setuptools``: no prediction.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from envlint.facts.wheel_build.model import PdmNotSelected
from envlint.facts.wheel_build.package_finder import MAX_FILES
from envlint.facts.wheel_build.package_source import PackageSource
from envlint.facts.wheel_build.wheel_plan import Prediction, WheelPlan, rel, within
from envlint.facts.project.model import LeftOut

NAME = "pdm-backend"


def predict(source: PackageSource) -> Prediction:
    """pdm-backend: ``includes`` (default: the top-level packages of ``package-dir``, which is ``src/``
    when there is one, else its top-level modules) minus ``excludes`` and ``source-includes`` (sdist
    only; ``tests`` by default), with pdm-backend's precedence between the two; paths under
    ``package-dir`` lose that prefix in the wheel. A build hook or setuptools run: no guess."""
    pp = source.pyproject
    if pp is None or pp.doc is None:
        return Prediction(None)
    root = source.root
    config = pp.table("tool", "pdm", "build")
    if config.get("run-setuptools") or "custom-hook" in config or (root / "pdm_build.py").is_file():
        return Prediction(None)
    for key in ("includes", "excludes", "source-includes"):
        value = config.get(key, [])
        if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
            return Prediction(None)
    includes, excludes = config.get("includes", []), config.get("excludes", [])
    if "package-dir" in config:
        package_dir = config["package-dir"]
        if not isinstance(package_dir, str):
            return Prediction(None)
    elif ((root / "src").is_dir() and not includes) or \
            (any(within(Path(p), Path("src")) for p in includes) and "src" not in excludes and "src/" not in excludes):
        package_dir = "src"
    else:
        package_dir = ""
    package_dir = package_dir.strip("/")
    files = _files(root, config, package_dir if package_dir != "." else "")
    if files is None:
        return Prediction(None)
    where = pp.at("tool", "pdm", "build") if config else pp.at("build-system")
    plan = WheelPlan(NAME, {}, {}, where, whole_dirs=True, root=root, explicit=bool(includes),
                     base=package_dir if package_dir not in (".", "") else "")
    if includes:
        plan.setting = f"[tool.pdm.build] includes = {includes!r}"
    else:
        plan.default = "packages"
    if not includes and package_dir == "src":
        plan.looks_only_in = root / "src"
    _fill(plan, files)
    if not includes and not plan.packages:
        plan.default = "modules"
    return Prediction(plan)


def _fill(plan: WheelPlan, files: dict[str, Path]) -> None:
    """The plan's packages and modules from the wheel's files; everything else is left out."""
    root = plan.root
    shipped = {rel(f, root) for f in files.values()}
    tops: dict[str, Path] = {}
    for wheel_path, file in sorted(files.items()):
        parts = wheel_path.split("/")
        if len(parts) == 1:
            if file.suffix == ".py" and wheel_path != "__init__.py":
                plan.modules[file.stem] = file
            continue
        if file.suffix in (".py", ".pyi") and parts[0] not in tops:
            tops[parts[0]] = file.parents[len(parts) - 2]
    for name, directory in sorted(tops.items()):
        plan.add_tree(name, directory)
    plan.ignored = lambda rel_path: rel_path not in shipped


def _weight(pattern: str) -> tuple[int, int]:
    """pdm-backend's precedence of an include over an exclude hitting the same path: more path parts
    win, then fewer wildcards (``**`` counts twice)."""
    parts = Path(pattern).parts
    wild = sum(2 if p == "**" else 1 for p in parts if re.search(r"[*?\[]", p)) if re.search(r"[*?\[]", pattern) else 0
    return len(parts), -wild


def _glob(root: Path, patterns: set[str]) -> dict[str, str] | None:
    """Each path (relative to the project root) the patterns match -> the pattern; None when too many."""
    import glob

    out: dict[str, str] = {}
    for pattern in sorted(patterns):
        for count, path in enumerate(glob.iglob(pattern, root_dir=root, recursive=True)):
            if count > MAX_FILES:
                return None
            out[os.path.normpath(path).replace(os.sep, "/")] = pattern
    return out


def _is_package(path: Path) -> bool:
    if not path.is_dir() or path.name in ("__pycache__", "__pypackages__"):
        return False
    return (path / "__init__.py").is_file() or (path.name.endswith("-stubs") and (path / "__init__.pyi").is_file())


def _selected(root: Path, config: dict[str, Any], package_dir: str) -> tuple[list[str], list[str]] | None:
    """The paths pdm-backend includes and those it excludes (the precedence between them applied)."""
    includes: list[str] = config.get("includes", [])
    source_includes: list[str] = config.get("source-includes", []) or ["tests"]
    include: set[str] = set()
    exclude = {".pdm-build", *config.get("excludes", []), *source_includes}  # source-includes: sdist only
    if not includes:
        base = package_dir or "."
        tops = sorted(e.name for e in (root / base).iterdir() if _is_package(e))
        include |= {os.path.join(base, name) for name in tops} if tops else {f"{base}/*.py"}
    else:
        include |= set(includes)
    include |= set(source_includes)
    found_in, found_out = _glob(root, include), _glob(root, exclude)
    if found_in is None or found_out is None:
        return None
    paths = []
    for path, key in sorted(found_in.items()):
        if path in found_out:
            if _weight(key) <= _weight(found_out[path]):
                continue
            del found_out[path]
        paths.append(path)
    return paths, sorted(found_out)


def _files(root: Path, config: dict[str, Any], package_dir: str) -> dict[str, Path] | None:
    """The files pdm-backend puts in the wheel: wheel path -> source file."""
    from fnmatch import fnmatch

    selected = _selected(root, config, package_dir)
    if selected is None:
        return None
    paths, out_paths = selected

    def excluded(rel_path: str) -> bool:
        return any(rel_path == e or rel_path.startswith(f"{e}/") or e == "." or fnmatch(rel_path, e) for e in out_paths)

    files: dict[str, Path] = {}
    prefix = f"{package_dir}/" if package_dir else None
    for path in paths:
        full = root / path
        if full.is_file():
            found = [(path, full)]
        elif full.is_dir():
            found = [(rel(f, root), f) for f in _all_files(full) if not f.name.endswith(".pyc")]
            found = [(rel_path, f) for rel_path, f in found if not excluded(rel_path)]
        else:
            continue
        for rel_path, file in found:
            files[rel_path[len(prefix):] if prefix and rel_path.startswith(prefix) else rel_path] = file
        if len(files) > MAX_FILES:
            return None
    return files


def _all_files(directory: Path) -> list[Path]:
    out: list[Path] = []
    for current, dirs, names in os.walk(directory):
        dirs.sort()
        out += [Path(current) / n for n in sorted(names)]
        if len(out) > MAX_FILES:
            break
    return out


def left_out(plan: WheelPlan, file: Path, package: str, directory: Path) -> LeftOut:
    return PdmNotSelected(rel(file, plan.root))
