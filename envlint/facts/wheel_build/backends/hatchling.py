"""hatchling: ``packages`` (of ``[tool.hatch.build.targets.wheel]`` or ``[tool.hatch.build]``) or its
default heuristic (a package named like the project, also under ``src/``, a module named like it, or
``<namespace>/<name>/``); it ships whole directories, minus what ``.gitignore`` ignores. Any other
selection key (include, only-include, sources, hooks, ...): no prediction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from envlint.facts.wheel_build.model import HatchlingFindsNoPackage, HatchlingGitignored
from envlint.facts.wheel_build.package_source import PackageSource
from envlint.facts.wheel_build.wheel_plan import Prediction, WheelPlan, rel
from envlint.facts.formats.text import read_text
from envlint.facts.project.model import LeftOut

if TYPE_CHECKING:
    from envlint.facts.formats.pyproject import PyProject

NAME = "hatchling"
_SELECTION_KEYS = ("include", "packages", "only-include", "sources", "force-include", "bypass-selection",
                   "only-packages", "exclude", "artifacts", "hooks", "skip-excluded-dirs")


def _normalize(name: str) -> str:
    return re.sub(r"[^\w\d.]+", "_", name)


def predict(source: PackageSource) -> Prediction:
    pp = source.pyproject
    if pp is None or pp.doc is None:
        return Prediction(None)
    root = source.root
    build = pp.table("tool", "hatch", "build")
    wheel = pp.table("tool", "hatch", "build", "targets", "wheel")
    configured = [k for k in _SELECTION_KEYS if k in wheel or k in build]
    where = pp.at("tool", "hatch", "build", "targets", "wheel") if wheel else \
        pp.at("tool", "hatch", "build") if build else pp.at("build-system")
    plan = WheelPlan(NAME, {}, {}, where, whole_dirs=True, root=root, ignored=_gitignore(root))
    if configured:
        packages = wheel.get("packages", build.get("packages"))
        if configured != ["packages"] or not isinstance(packages, list) or \
                not all(isinstance(p, str) for p in packages):
            return Prediction(None)
        for entry in packages:
            directory = root / entry
            if directory.is_dir():
                plan.add_tree(directory.name, directory)
            elif directory.with_suffix(".py").is_file() or (entry.endswith(".py") and directory.is_file()):
                file = directory if directory.is_file() else directory.with_suffix(".py")
                plan.modules[file.stem] = file
        plan.setting = f"[tool.hatch.build{'.targets.wheel' if 'packages' in wheel else ''}] packages = {packages!r}"
        return Prediction(plan)
    name = pp.name or ""
    if not name:
        return Prediction(None)
    return _default(plan, name, pp)


def _default(plan: WheelPlan, name: str, pp: PyProject) -> Prediction:
    """hatchling's heuristic: the first of the candidate names that exists as a package or module."""
    from packaging.utils import canonicalize_name

    root = plan.root
    candidates = list(dict.fromkeys([_normalize(name), _normalize(canonicalize_name(name))]))
    for cand in candidates:
        if (root / cand / "__init__.py").is_file():
            plan.add_tree(cand, root / cand)
            plan.default, plan.found = "package", cand
            return Prediction(plan)
        if (root / "src" / cand / "__init__.py").is_file():
            plan.add_tree(cand, root / "src" / cand)
            plan.default, plan.found = "package", f"src/{cand}"
            return Prediction(plan)
        if (root / f"{cand}.py").is_file():
            plan.modules[cand] = root / f"{cand}.py"
            plan.default, plan.found = "module", cand
            return Prediction(plan)
        namespaced = sorted(root.glob(f"*/{cand}/__init__.py"))
        if namespaced:
            namespace = namespaced[0].parent.parent
            plan.add_tree(namespace.name, namespace)
            plan.default, plan.found = "namespace", f"{namespace.name}/{cand}"
            return Prediction(plan)
    assert pp.doc is not None
    where = pp.at("project", "name") if pp.doc.keys.get(("project", "name")) else pp.at("build-system")
    return Prediction(None, [HatchlingFindsNoPackage(where, candidates[-1])])


def _gitignore(root: Path) -> Callable[[str], bool] | None:
    text = read_text(root / ".gitignore", None)
    if not text:
        return None
    import pathspec

    try:
        spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
    except Exception:  # a malformed pattern: behave as if nothing is ignored
        return None
    return spec.match_file


def left_out(plan: WheelPlan, file: Path, package: str, directory: Path) -> LeftOut:
    return HatchlingGitignored(rel(file, plan.root), package, file.relative_to(directory).as_posix())
