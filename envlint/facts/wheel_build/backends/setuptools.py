"""setuptools: an explicit ``packages`` list, ``find_packages``/``find_namespace_packages`` (setup.py,
setup.cfg ``find:``, ``[tool.setuptools.packages.find]``), or its automatic discovery (src layout,
then flat layout, which refuses several top-level packages); data files from ``package_data`` and,
with ``include_package_data``, MANIFEST.in. A custom ``build_py`` & co., ``setup(**computed)`` or a
computed package list: no prediction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envlint.facts.wheel_build.model import SetuptoolsFlatLayoutAmbiguous, SetuptoolsNotPackageData, SetuptoolsPackageDirMissing
from envlint.facts.wheel_build.package_finder import find_modules, find_packages, top_level
from envlint.facts.wheel_build.package_source import PackageSource
from envlint.facts.wheel_build.wheel_plan import Prediction, WheelPlan, dir_files, rel, walk_files
from envlint.facts.formats.manifest_in import evaluate as evaluate_manifest
from envlint.facts.formats.setup_py import DYNAMIC, FindPackages
from envlint.facts.formats.text import read_text
from envlint.facts.project.model import BuildFailure, LeftOut, Position

NAME = "setuptools"
_SCM_PLUGINS = {"setuptools-scm", "setuptools-git"}
_FILE_SELECTING_COMMANDS = {"build_py", "build", "install_lib", "bdist_wheel", "install", "egg_info", "build_ext"}


@dataclass
class _Setting:
    """One setuptools keyword, from whichever of its three homes gives it."""

    value: Any = None
    where: Position | None = None
    file: str | None = None
    given: bool = False


@dataclass
class _Config:
    packages: _Setting
    modules: _Setting
    package_dir: dict[str, str]
    package_data: Any
    exclude_data: Any
    include_data: Any
    include_given: bool
    ext_modules: bool
    uses_pyproject: bool


def predict(source: PackageSource) -> Prediction:
    config = _read_config(source)
    if config is None:
        return Prediction(None)
    root = source.root
    include_data = config.include_data if config.include_given else config.uses_pyproject
    plan_where = config.packages.where or _auto_where(source)
    plan = WheelPlan(NAME, {}, {}, plan_where, root=root, extensions=config.ext_modules,
                     include_package_data=include_data is True)
    problems: list[BuildFailure] = []
    if config.packages.given:
        listed = _listed_packages(plan, config)
        if listed is None:
            return Prediction(None)
        problems += listed
    elif not config.modules.given:
        plan.auto = True
        if config.ext_modules and not config.uses_pyproject:
            plan.default = "ext_modules"
        else:
            problems += _auto_discover(source, plan, config.package_dir)
    modules = config.modules.value
    if config.modules.given and modules:
        for name in modules:
            path = _package_path(root, config.package_dir, name).with_suffix(".py")
            if path.is_file():
                plan.modules[name] = path
        if not plan.setting and not plan.default:
            plan.setting = f"py_modules={list(modules)!r}"
    plan.lists_packages = not plan.auto
    _data(source, plan, config, include_data)
    return Prediction(plan, problems)


def _read_config(source: PackageSource) -> _Config | None:
    """The file selection from setup.py, setup.cfg and ``[tool.setuptools]``; None when it cannot be known."""
    sp, cfg, pp = source.setup_py, source.setup_cfg, source.pyproject
    tool = pp.table("tool", "setuptools") if pp is not None else {}
    if (sp is not None and sp.error is not None) or (cfg is not None and cfg.doc is None) or \
            (pp is not None and pp.doc is None):
        return None
    if sp is not None and not sp.is_build_script:
        sp = None
    if sp is not None and not sp.keywords_complete:
        return None  # setup(**computed): any keyword may be given
    cmdclass = sp.value("cmdclass") if sp is not None else None
    if isinstance(cmdclass, dict) and set(cmdclass) & _FILE_SELECTING_COMMANDS:
        return None  # a custom build_py & co. can add or drop files

    def pick(py_key: str, cfg_attr: str, tool_key: str) -> _Setting:
        if sp is not None and py_key in sp.keywords:
            kw = sp.keywords[py_key]
            return _Setting(kw.value, kw.where, "setup.py", True)
        if cfg is not None and getattr(cfg, cfg_attr, None) is not None:
            return _Setting(getattr(cfg, cfg_attr), cfg.packages_where if cfg_attr == "packages" else None,
                            "setup.cfg", True)
        if tool_key in tool:
            where = pp.at("tool", "setuptools", tool_key) if pp is not None else None
            return _Setting(tool[tool_key], where, "pyproject.toml", True)
        return _Setting()

    packages, modules = pick("packages", "packages", "packages"), pick("py_modules", "py_modules", "py-modules")
    package_dir = pick("package_dir", "package_dir", "package-dir").value
    include = pick("include_package_data", "include_package_data", "include-package-data")
    ext_modules = (sp is not None and "ext_modules" in sp.keywords and sp.value("ext_modules") not in ([], ())) or \
        "ext-modules" in tool
    if package_dir is None:
        package_dir = {}
    if not isinstance(package_dir, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                    for k, v in package_dir.items()):
        return None
    if modules.value is not None and (not isinstance(modules.value, (list, tuple)) or
                                      not all(isinstance(m, str) for m in modules.value)):
        return None
    if isinstance(packages.value, dict) and "find" in packages.value:  # [tool.setuptools.packages.find]
        found = _pyproject_find(packages, package_dir, pp)
        if found is None:
            return None
        package_dir = found
    return _Config(packages, modules, package_dir, pick("package_data", "package_data", "package-data").value,
                   pick("exclude_package_data", "exclude_package_data", "exclude-package-data").value,
                   include.value, include.given, bool(ext_modules),
                   pp is not None and (pp.get("project") is not None or bool(tool)))


def _pyproject_find(packages: _Setting, package_dir: dict[str, str], pp: Any) -> dict[str, str] | None:
    """``[tool.setuptools.packages.find]`` as a FindPackages (in ``packages``); the package_dir it
    implies, or None when it cannot be known."""
    find = packages.value["find"] if isinstance(packages.value["find"], dict) else {}
    wheres = find.get("where", ["."])
    if not isinstance(wheres, list) or len(wheres) != 1 or not isinstance(wheres[0], str):
        return None
    packages.value = FindPackages(find.get("namespaces", True) is not False, wheres[0],
                                  tuple(find.get("include", ["*"])), tuple(find.get("exclude", [])))
    packages.where = pp.at("tool", "setuptools", "packages", "find") if pp is not None else packages.where
    if wheres[0] not in (".", "") and "" not in package_dir:
        return {**package_dir, "": wheres[0]}
    return package_dir


def _package_path(root: Path, package_dir: dict[str, str], name: str) -> Path:
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in package_dir:
            return root.joinpath(package_dir[prefix], *parts[i:])
    return root.joinpath(package_dir.get("", ""), *parts)


def _listed_packages(plan: WheelPlan, config: _Config) -> list[BuildFailure] | None:
    """An explicit list or a package search; None when it is computed at build time."""
    packages, pkg_file, root = config.packages.value, config.packages.file, plan.root
    package_dir = config.package_dir
    if packages is DYNAMIC or (isinstance(packages, (list, tuple)) and any(not isinstance(p, str) for p in packages)):
        return None
    plan.home = pkg_file or ""
    if isinstance(packages, FindPackages):
        names = find_packages(root / packages.where, packages)
        plan.find = packages
        if pkg_file != "setup.py" and packages.where not in (".", "") and "" not in package_dir:
            package_dir = {**package_dir, "": packages.where}
            config.package_dir = package_dir
        call = "find_namespace_packages" if packages.namespace else "find_packages"
        plan.setting = f"{call}({packages.where!r})" if packages.where not in (".", "") else f"{call}()"
    elif isinstance(packages, (list, tuple)):
        names = list(packages)
        plan.explicit = True
        plan.setting = f"packages={names!r}"
    else:
        return None
    problems: list[BuildFailure] = []
    for name in names:
        directory = _package_path(root, package_dir, name)
        if not directory.is_dir():
            if plan.explicit or pkg_file == "setup.py":
                under_src = (root / "src" / Path(*name.split("."))).is_dir()
                problems.append(SetuptoolsPackageDirMissing(plan.where, name, rel(directory, root), under_src))
            continue
        plan.packages[name] = directory
    return problems


def _data(source: PackageSource, plan: WheelPlan, config: _Config, include_data: Any) -> None:
    """package_data, exclude_package_data and (with include_package_data) MANIFEST.in."""
    root, sp, pp = source.root, source.setup_py, source.pyproject
    package_data, exclude_data = _pattern_table(config.package_data), _pattern_table(config.exclude_data)
    plan.package_data = package_data or {}
    plan.exclude_package_data = exclude_data or {}
    if config.package_data is DYNAMIC or config.exclude_data is DYNAMIC or include_data is DYNAMIC or \
            package_data is None or exclude_data is None:
        plan.data_known = False
    if plan.include_package_data:
        requires = {r.name for r in (pp.build_requires or [])} if pp is not None else set()
        if sp is not None and not sp.is_build_script:
            sp = None
        plan.vcs_files = bool(requires & _SCM_PLUGINS) or (sp is not None and "use_scm_version" in sp.keywords)
        manifest_text = read_text(root / "MANIFEST.in", None)
        if manifest_text is not None:
            files = [rel(p, root) for d in plan.packages.values() for p in dir_files(d)]
            files += [rel(p, root) for d in plan.packages.values() for p in walk_files(d, 5000)]
            plan.manifest = evaluate_manifest(manifest_text, files)


def _pattern_table(value: Any) -> dict[str, list[str]] | None:
    if value is None:
        return {}
    if not isinstance(value, dict):
        return None
    out: dict[str, list[str]] = {}
    for key, patterns in value.items():
        if not isinstance(key, str):
            return None
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, (list, tuple)) or not all(isinstance(p, str) for p in patterns):
            return None
        out["" if key == "*" else key] = list(patterns)
    return out


def _auto_where(source: PackageSource) -> Position:
    if source.setup_py is not None and source.setup_py.setup_call is not None:
        return source.setup_py.setup_call
    if source.pyproject is not None and source.pyproject.doc is not None:
        for key in (("tool", "setuptools"), ("project",), ("build-system",)):
            if key in source.pyproject.doc.keys:
                return source.pyproject.at(*key)
    main = source.main_file
    return Position(main or source.root, 1 if main else None)


def _auto_discover(source: PackageSource, plan: WheelPlan, package_dir: dict[str, str]) -> list[BuildFailure]:
    root = source.root
    explicit = {k: v for k, v in package_dir.items() if k}
    if explicit:
        for name, parent in explicit.items():
            base = root / parent
            plan.packages[name] = base
            for nested in find_packages(base, FindPackages(True)):
                plan.packages[f"{name}.{nested}"] = base.joinpath(*nested.split("."))
        plan.default = "package_dir"
        return []
    src = root / package_dir.get("", "src")
    if src.is_dir():
        for name in find_packages(src, FindPackages(True)):
            plan.packages[name] = src.joinpath(*name.split("."))
        for name in find_modules(src):
            plan.modules[name] = src / f"{name}.py"
        plan.default, plan.base = "src-layout", rel(src, root)
        return []
    names = find_packages(root, FindPackages(True), flat=True)
    top = top_level(names)
    plan.default = "flat-layout"
    if len(top) > 1:
        return [SetuptoolsFlatLayoutAmbiguous(plan.where, "packages", tuple(top))]
    if top:
        for name in names:
            plan.packages[name] = root.joinpath(*name.split("."))
        return []
    modules = find_modules(root, flat=True)
    if len(modules) > 1:
        return [SetuptoolsFlatLayoutAmbiguous(plan.where, "modules", tuple(modules))]
    for name in modules:
        plan.modules[name] = root / f"{name}.py"
    return []


def left_out(plan: WheelPlan, file: Path, package: str, directory: Path) -> LeftOut:
    return SetuptoolsNotPackageData(rel(file, plan.root), package, file.relative_to(directory).as_posix(),
                                    plan.include_package_data, plan.manifest is not None)
