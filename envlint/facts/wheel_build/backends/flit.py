"""flit: the module named like the project (``[tool.flit.module] name``, else the project name with
``-`` as ``_``), as a package directory or a single file, also under ``src/``; shipped whole.
"""

from __future__ import annotations

from pathlib import Path

from envlint.facts.wheel_build.model import BackendLeavesOut, FlitFindsNoModule
from envlint.facts.wheel_build.package_source import PackageSource
from envlint.facts.wheel_build.wheel_plan import Prediction, WheelPlan, rel
from envlint.facts.project.model import LeftOut

NAME = "flit"


def predict(source: PackageSource) -> Prediction:
    pp = source.pyproject
    if pp is None or pp.doc is None:
        return Prediction(None)
    root = source.root
    module = pp.table("tool", "flit", "module").get("name") or (pp.name or "").replace("-", "_")
    if not isinstance(module, str) or not module:
        return Prediction(None)
    where = pp.at("tool", "flit", "module") if pp.table("tool", "flit", "module") else pp.at("project", "name")
    plan = WheelPlan(NAME, {}, {}, where, default="module", found=module, whole_dirs=True, root=root)
    for base in (root, root / "src"):
        if (base / module / "__init__.py").is_file():
            plan.add_tree(module, base / module)
            return Prediction(plan)
        if (base / f"{module}.py").is_file():
            plan.modules[module] = base / f"{module}.py"
            return Prediction(plan)
    return Prediction(None, [FlitFindsNoModule(where, module)])


def left_out(plan: WheelPlan, file: Path, package: str, directory: Path) -> LeftOut:
    """flit ships the whole package directory: nothing inside it is left out."""
    return BackendLeavesOut(rel(file, plan.root), NAME)
