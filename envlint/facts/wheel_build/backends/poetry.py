"""poetry-core: ``[tool.poetry] packages`` (plain ``include``/``from`` entries; globs or ``format``: no
prediction), else the package or module named like the project (lowercased, ``-``/``_``/``.`` as
``_``), also under ``src/``; shipped whole.
"""

from __future__ import annotations

import re
from pathlib import Path

from envlint.facts.wheel_build.model import BackendLeavesOut, PoetryFindsNoPackage
from envlint.facts.wheel_build.package_source import PackageSource
from envlint.facts.wheel_build.wheel_plan import Prediction, WheelPlan, rel
from envlint.facts.project.model import LeftOut

NAME = "poetry"


def predict(source: PackageSource) -> Prediction:
    pp = source.pyproject
    if pp is None or pp.doc is None:
        return Prediction(None)
    root = source.root
    poetry = pp.table("tool", "poetry")
    packages = poetry.get("packages")
    where = pp.at("tool", "poetry", "packages") if packages is not None else pp.at("tool", "poetry")
    plan = WheelPlan(NAME, {}, {}, where, whole_dirs=True, root=root)
    if packages is not None:
        if not isinstance(packages, list):
            return Prediction(None)
        for entry in packages:
            if not isinstance(entry, dict) or not isinstance(entry.get("include"), str) or \
                    any(c in entry["include"] for c in "*?[") or entry.get("format"):
                return Prediction(None)
            base = root / entry.get("from", ".")
            target = base / entry["include"]
            if target.is_dir():
                plan.add_tree(entry["include"].replace("/", "."), target)
            elif target.is_file() and target.suffix == ".py":
                plan.modules[target.stem] = target
        plan.setting = "[tool.poetry] packages"
        return Prediction(plan)
    name = pp.name or poetry.get("name")
    if not isinstance(name, str) or not name:
        return Prediction(None)
    module = re.sub(r"[-_.]+", "_", name).lower()
    for base in (root, root / "src"):
        if (base / module).is_dir():
            plan.add_tree(module, base / module)
            plan.default, plan.found = "package", rel(base / module, root)
            return Prediction(plan)
        if (base / f"{module}.py").is_file():
            plan.modules[module] = base / f"{module}.py"
            plan.default, plan.found = "module", module
            return Prediction(plan)
    return Prediction(None, [PoetryFindsNoPackage(where, module)])


def left_out(plan: WheelPlan, file: Path, package: str, directory: Path) -> LeftOut:
    """poetry ships the whole package directory: nothing inside it is left out."""
    return BackendLeavesOut(rel(file, plan.root), NAME)
