"""uv_build: ``<module-root>/<module-name>/`` (default ``src/`` and the project name lowercased, ``-``/``.``
as ``_``; a list, dotted names and ``namespace`` for namespace packages), shipped whole minus
``wheel-exclude``, ``source-exclude`` and ``__pycache__``/``*.pyc``/``*.pyo``; a missing module stops
the build.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from envlint.facts.wheel_build.model import UvExcluded, UvModuleMissing, UvNamespaceDirMissing, UvNamespaceParentHasInit
from envlint.facts.wheel_build.package_source import PackageSource
from envlint.facts.wheel_build.wheel_plan import Prediction, WheelPlan, rel
from envlint.facts.formats.manifest_in import glob_regex
from envlint.facts.project.model import BuildFailure, LeftOut

NAME = "uv_build"
_DEFAULT_EXCLUDES = ("__pycache__", "*.pyc", "*.pyo")


def module_name(project_name: str) -> str:
    """uv_build's default module name: the project name lowercased, ``-`` and ``.`` as ``_`` (a
    ``-stubs`` suffix is kept)."""
    name = project_name.strip().lower()
    stubs = name.endswith("-stubs")
    stem = name[: -len("-stubs")] if stubs else name
    stem = re.sub(r"[-_.]+", "_", stem)
    return f"{stem}-stubs" if stubs else stem


def _excluded(patterns: list[str], module_dirs: list[Path], root: Path) -> Callable[[str], bool]:
    """uv_build's wheel excludes over paths relative to the project root: a pattern without a leading
    ``/`` matches at any depth (``**/<pattern>``) and drops a matching directory with everything
    under it; an anchored one (``/<pattern>``) matches the project-relative path of the file itself
    (uv_build prunes directories only for unanchored patterns)."""
    anchored = [glob_regex(p[1:]) for p in patterns if p.startswith("/")]
    floating = [glob_regex(f"**/{p}") for p in patterns if not p.startswith("/")]
    starts = sorted({len(rel(d, root).split("/")) for d in module_dirs})

    def excluded(rel_path: str) -> bool:
        parts = rel_path.split("/")
        first = min((s for s in starts), default=1)
        for depth in range(first, len(parts)):
            directory = "/".join(parts[:depth])
            if any(r.match(directory) for r in floating):
                return True
        return any(r.match(rel_path) for r in anchored) or any(r.match(rel_path) for r in floating)

    return excluded


def predict(source: PackageSource) -> Prediction:
    """uv's build backend: the module ``<module-root>/<module-name>/`` (default ``src/`` and the project
    name lowercased with ``-`` and ``.`` as ``_``), shipped whole minus ``wheel-exclude``,
    ``source-exclude`` and the default excludes; a dotted name is a module inside a namespace
    package, ``namespace = true`` ships the directory without checking for ``__init__.py``."""
    pp = source.pyproject
    if pp is None or pp.doc is None:
        return Prediction(None)
    root = source.root
    config = pp.table("tool", "uv", "build-backend")
    module_root = config.get("module-root", "src")
    names = config.get("module-name")
    if names is None:
        names = [module_name(pp.name)] if pp.name else []
    elif isinstance(names, str):
        names = [names]
    excludes: list[str] = []
    if config.get("default-excludes", True) is not False:
        excludes += _DEFAULT_EXCLUDES
    for key in ("wheel-exclude", "source-exclude"):
        value = config.get(key, [])
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            return Prediction(None)
        excludes += value
    if not isinstance(module_root, str) or not isinstance(names, list) or not names or \
            not all(isinstance(n, str) and n for n in names) or module_root.startswith("/"):
        return Prediction(None)
    where = pp.at("tool", "uv", "build-backend") if config else pp.at("project", "name")
    base = root / module_root if module_root.strip("./") else root
    plan = WheelPlan(NAME, {}, {}, where, default="module", found=", ".join(names),
                     base=module_root.strip("/") if module_root.strip("./") else "", whole_dirs=True, root=root)
    for name in names:
        refused = _add_module(plan, base, name, config.get("namespace") is True)
        if refused is not None:
            return Prediction(None, [refused])
    plan.ignored = _excluded(excludes, [plan.packages[n] for n in names], root)
    return Prediction(plan)


def _add_module(plan: WheelPlan, base: Path, name: str, namespace: bool) -> BuildFailure | None:
    """Ship the module ``name`` under ``base``, or say why uv_build stops."""
    root, where = plan.root, plan.where
    parts = name.split(".")
    directory = base.joinpath(*parts)
    init = "__init__.pyi" if parts[0].endswith("-stubs") else "__init__.py"
    if namespace:
        if directory.is_dir():
            plan.add_tree(name, directory)
            return None
        return UvNamespaceDirMissing(where, rel(directory, root))
    for depth in range(1, len(parts)):
        parent = base.joinpath(*parts[:depth])
        if (parent / "__init__.py").is_file() or (parent / "__init__.pyi").is_file():
            return UvNamespaceParentHasInit(where, name, rel(parent, root), ".".join(parts[:depth]))
    if (directory / init).is_file():
        plan.add_tree(name, directory)
        return None
    return UvModuleMissing(where, name, f"{rel(directory, root)}/{init}")


def left_out(plan: WheelPlan, file: Path, package: str, directory: Path) -> LeftOut:
    return UvExcluded(rel(file, plan.root))
