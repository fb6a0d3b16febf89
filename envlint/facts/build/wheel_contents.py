"""Which files a local package's wheel will hold, predicted statically per build backend.

setuptools: an explicit ``packages`` list, ``find_packages``/``find_namespace_packages`` (setup.py,
setup.cfg ``find:``, ``[tool.setuptools.packages.find]``), or its automatic discovery (src layout,
then flat layout, which refuses several top-level packages); data files from ``package_data`` and,
with ``include_package_data``, MANIFEST.in. hatchling: ``packages`` or its default heuristic (a
package named like the project, also under ``src/``); it ships whole directories, minus what
``.gitignore`` ignores. flit and poetry-core: the package named like the project (or the configured
ones), whole directories. uv_build: ``<module-root>/<module-name>/`` (default ``src/`` and the
project name lowercased, ``-``/``.`` as ``_``; a list, dotted names and ``namespace`` for namespace
packages), whole directories minus ``wheel-exclude``, ``source-exclude`` and ``__pycache__``/``*.pyc``/
``*.pyo``; a missing module stops the build. pdm-backend: ``includes`` (default: the top-level
packages of ``package-dir``, ``src/`` when there is one, else its top-level modules) minus
``excludes`` and ``source-includes`` (``tests`` by default), the more specific pattern winning;
no guess with a build hook. Anything dynamic or another backend gives no prediction: the rules that
depend on it stay silent rather than guess.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from envlint.facts.formats.manifest_in import evaluate as evaluate_manifest
from envlint.facts.formats.manifest_in import glob_regex
from envlint.facts.build.package_source import PackageSource
from envlint.facts.project.model import BuildProblem, Position
from envlint.facts.formats.setup_py import DYNAMIC, FindPackages
from envlint.facts.formats.text import read_text

MAX_FILES = 20000
_SKIP_DIRS = {"__pycache__", "node_modules", ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "site-packages"}
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
#: Directory names that hold tests or tooling, not code the workers import.
NOT_SHIPPED_ON_PURPOSE = {"test", "tests", "testing", "docs", "doc", "examples", "example", "benchmarks",
                          "benchmark", "scripts", "tools", "ci", "build", "dist"}
_IMPLICIT_DATA = ("*.pyi", "py.typed")
_SCM_PLUGINS = {"setuptools-scm", "setuptools-git"}
_FILE_SELECTING_COMMANDS = {"build_py", "build", "install_lib", "bdist_wheel", "install", "egg_info", "build_ext"}
_BUILD_FILES = ("setup.py", "pyproject.toml", "setup.cfg")


def is_test_file(path: Path) -> bool:
    """Test code: it does not run on the workers, so what it reads or imports does not matter there."""
    name = path.name
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py" or \
        any(part in ("tests", "test", "testing") for part in path.parts[:-1])


@dataclass
class WheelPlan:
    backend: str
    packages: dict[str, Path]
    """Dotted package name -> its source directory."""
    modules: dict[str, Path]
    """Top-level single-file modules -> their file."""
    where: Position
    """Where the file selection is configured (or the file that implies it)."""
    how: str
    """The selection as a user would name it, e.g. "packages=['crick'] in setup.py"."""
    whole_dirs: bool = False
    """The backend ships every file under a package directory (hatchling, flit, poetry)."""
    explicit: bool = False
    """A hand-written setuptools package list."""
    find: FindPackages | None = None
    auto: bool = False
    """setuptools' automatic discovery."""
    package_data: dict[str, list[str]] = field(default_factory=dict)
    exclude_package_data: dict[str, list[str]] = field(default_factory=dict)
    include_package_data: bool = False
    data_known: bool = True
    manifest: set[str] | None = None
    """Files (relative to the package root) that MANIFEST.in selects."""
    vcs_files: bool = False
    """setuptools-scm adds every file under version control: package data is then likely included."""
    ignored: Callable[[str], bool] | None = None
    """hatchling: files its .gitignore handling leaves out (path relative to the package root)."""
    extensions: bool = False
    root: Path = Path(".")

    # -- membership ------------------------------------------------------------------------------
    def owners(self, path: Path) -> list[tuple[str, Path]]:
        """Shipped packages whose directory holds ``path``, deepest first."""
        out = []
        for name, directory in self.packages.items():
            if _within(path, directory):
                out.append((name, directory))
        return sorted(out, key=lambda item: len(item[1].parts), reverse=True)

    def ships_python(self, path: Path) -> bool:
        if path in self.modules.values():
            return True
        if path.suffix != ".py":
            return False
        if self.whole_dirs:
            return bool(self.owners(path)) and not self._ignored(path)
        return any(directory == path.parent for _, directory in self.packages.items())

    def includes(self, path: Path) -> bool | None:
        """Will the wheel hold this file? None when envlint cannot tell."""
        if self.ships_python(path):
            return True
        owners = self.owners(path)
        if not owners:
            return False
        if self.whole_dirs:
            return not self._ignored(path)
        if not self.data_known:
            return None
        for name, directory in owners:
            rel = path.relative_to(directory).as_posix()
            if _matches(rel, self.exclude_package_data.get("", []) + self.exclude_package_data.get(name, [])):
                return False
        for name, directory in owners:
            rel = path.relative_to(directory).as_posix()
            if _matches(rel, [*_IMPLICIT_DATA, *self.package_data.get("", []), *self.package_data.get(name, [])]):
                return True
        if self.include_package_data:
            if self.vcs_files:
                return None
            if self.manifest is not None and _rel(path, self.root) in self.manifest:
                return True
        return False

    def _ignored(self, path: Path) -> bool:
        return bool(self.ignored and self.ignored(_rel(path, self.root)))

    def python_files(self, limit: int = MAX_FILES) -> Iterator[Path]:
        """The Python files the wheel ships (capped)."""
        seen = 0
        for path in sorted(set(self.modules.values())):
            yield path
        for _, directory in sorted(self.packages.items()):
            if self.whole_dirs and any(_within(directory, d) and directory != d for d in self.packages.values()):
                continue
            entries = walk_files(directory) if self.whole_dirs else _dir_files(directory)
            for path in entries:
                if path.suffix == ".py" and self.ships_python(path):
                    seen += 1
                    if seen > limit:
                        return
                    yield path


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _within(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory)
        return True
    except ValueError:
        return False


def _matches(rel: str, patterns: list[str]) -> bool:
    return any(glob_regex(p.replace("\\", "/").lstrip("./") if p.startswith("./") else p.replace("\\", "/")).match(rel)
               for p in patterns if isinstance(p, str))


def _dir_files(directory: Path) -> list[Path]:
    try:
        return sorted(p for p in directory.iterdir() if p.is_file())
    except OSError:
        return []


def walk_files(directory: Path, limit: int = MAX_FILES) -> list[Path]:
    """Files under ``directory`` (no hidden or cache directories, symlinked dirs not followed), capped."""
    out: list[Path] = []
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".") and not d.endswith(".egg-info"))
        for name in sorted(files):
            out.append(Path(current) / name)
            if len(out) >= limit:
                return out
    return out


def _has_python(directory: Path, limit: int = 2000) -> bool:
    """Python files under ``directory``, not counting vendored projects (directories with build files)."""
    count = 0
    for current, dirs, files in os.walk(directory):
        if any(f in files for f in ("setup.py", "pyproject.toml", "setup.cfg")):
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
        if any(f.endswith(".py") for f in files):
            return True
        count += len(files)
        if count > limit:
            return False
    return False


# -- setuptools' finders -----------------------------------------------------------------------------
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


def _top_level(names: list[str]) -> list[str]:
    tops = [n for n in names if not n.endswith("-stubs")]
    return sorted(n for n in tops if not any(n.startswith(f"{o}.") for o in tops if o != n))


# -- per backend ---------------------------------------------------------------------------------------
@dataclass
class Prediction:
    plan: WheelPlan | None
    problems: list[BuildProblem] = field(default_factory=list)
    """Selections the backend refuses (BLD002)."""


def predict(source: PackageSource) -> Prediction:
    family = source.family
    try:
        if family == "setuptools":
            return _setuptools(source)
        if family == "hatchling":
            return _hatchling(source)
        if family == "flit":
            return _flit(source)
        if family == "poetry":
            return _poetry(source)
        if family == "uv":
            return _uv_build(source)
        if family == "pdm":
            return _pdm(source)
    except (OSError, ValueError, RecursionError):
        return Prediction(None)
    return Prediction(None)


def _setuptools(source: PackageSource) -> Prediction:  # noqa: C901 - the configuration has three homes
    root = source.root
    sp, cfg, pp = source.setup_py, source.setup_cfg, source.pyproject
    tool = pp.table("tool", "setuptools") if pp is not None else {}
    if (sp is not None and sp.error is not None) or (cfg is not None and cfg.doc is None) or \
            (pp is not None and pp.doc is None):
        return Prediction(None)
    if sp is not None and not sp.is_build_script:
        sp = None
    if sp is not None and not sp.keywords_complete:
        return Prediction(None)  # setup(**computed): any keyword may be given
    cmdclass = sp.value("cmdclass") if sp is not None else None
    if isinstance(cmdclass, dict) and set(cmdclass) & _FILE_SELECTING_COMMANDS:
        return Prediction(None)  # a custom build_py & co. can add or drop files

    def pick(py_key: str, cfg_attr: str, tool_key: str) -> tuple[Any, Position | None, str | None, bool]:
        if sp is not None and py_key in sp.keywords:
            kw = sp.keywords[py_key]
            return kw.value, kw.where, "setup.py", True
        if cfg is not None and getattr(cfg, cfg_attr, None) is not None:
            return getattr(cfg, cfg_attr), (cfg.packages_where if cfg_attr == "packages" else None), "setup.cfg", True
        if tool_key in tool:
            where = pp.at("tool", "setuptools", tool_key) if pp is not None else None
            return tool[tool_key], where, "pyproject.toml", True
        return None, None, None, False

    packages, pkg_where, pkg_file, pkg_given = pick("packages", "packages", "packages")
    modules, _, _, mod_given = pick("py_modules", "py_modules", "py-modules")
    package_dir, _, pd_file, _ = pick("package_dir", "package_dir", "package-dir")
    package_data, _, _, _ = pick("package_data", "package_data", "package-data")
    exclude_data, _, _, _ = pick("exclude_package_data", "exclude_package_data", "exclude-package-data")
    include_data, _, _, include_given = pick("include_package_data", "include_package_data", "include-package-data")
    ext_modules = (sp is not None and "ext_modules" in sp.keywords and sp.value("ext_modules") not in ([], ())) or \
        "ext-modules" in tool
    if package_dir is None:
        package_dir = {}
    if not isinstance(package_dir, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                    for k, v in package_dir.items()):
        return Prediction(None)
    if modules is not None and (not isinstance(modules, (list, tuple)) or not all(isinstance(m, str) for m in modules)):
        return Prediction(None)
    if isinstance(packages, dict) and "find" in packages:  # [tool.setuptools.packages.find]
        find = packages["find"] if isinstance(packages["find"], dict) else {}
        wheres = find.get("where", ["."])
        if not isinstance(wheres, list) or len(wheres) != 1 or not isinstance(wheres[0], str):
            return Prediction(None)
        packages = FindPackages(find.get("namespaces", True) is not False, wheres[0],
                                tuple(find.get("include", ["*"])), tuple(find.get("exclude", [])))
        pkg_where = pp.at("tool", "setuptools", "packages", "find") if pp is not None else pkg_where
        if wheres[0] not in (".", "") and "" not in package_dir:
            package_dir = {**package_dir, "": wheres[0]}
    uses_pyproject = pp is not None and (pp.get("project") is not None or bool(tool))
    if not include_given:
        include_data = uses_pyproject
    plan_where = pkg_where or _auto_where(source)
    plan = WheelPlan("setuptools", {}, {}, plan_where, "", root=root, extensions=bool(ext_modules),
                     include_package_data=include_data is True)
    problems: list[BuildProblem] = []

    def package_path(name: str) -> Path:
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            prefix = ".".join(parts[:i])
            if prefix in package_dir:
                return root.joinpath(package_dir[prefix], *parts[i:])
        return root.joinpath(package_dir.get("", ""), *parts)

    if pkg_given:
        if packages is DYNAMIC or (isinstance(packages, (list, tuple)) and any(not isinstance(p, str) for p in packages)):
            return Prediction(None)
        if isinstance(packages, FindPackages):
            base = root / packages.where
            names = find_packages(base, packages)
            plan.find = packages
            if pkg_file != "setup.py" and packages.where not in (".", "") and "" not in package_dir:
                package_dir = {**package_dir, "": packages.where}
            call = "find_namespace_packages" if packages.namespace else "find_packages"
            plan.how = (f"{call}({packages.where!r})" if packages.where not in (".", "") else f"{call}()") + \
                f" in {pkg_file}"
        elif isinstance(packages, (list, tuple)):
            names = list(packages)
            plan.explicit = True
            plan.how = f"packages={names!r} in {pkg_file}"
        else:
            return Prediction(None)
        for name in names:
            directory = package_path(name)
            if not directory.is_dir():
                if plan.explicit or pkg_file == "setup.py":
                    rel = _rel(directory, root)
                    hint = ""
                    src_candidate = root / "src" / Path(*name.split("."))
                    if src_candidate.is_dir():
                        hint = " (it is under src/: set package_dir={'': 'src'})"
                    problems.append(BuildProblem(
                        f"packages names {name!r}, but its directory {rel}/ does not exist{hint}: setuptools stops "
                        "with \"package directory does not exist\"",
                        plan_where, "point package_dir at the directory that holds the package, or fix the name"))
                continue
            plan.packages[name] = directory
    elif not mod_given:
        if ext_modules and not uses_pyproject:
            plan.auto = True
            plan.how = "setuptools' defaults (ext_modules only)"
        else:
            plan.auto = True
            problems += _auto_discover(source, plan, package_dir)
    if mod_given and modules:
        for name in modules:
            path = package_path(name).with_suffix(".py") if "." not in name else package_path(name).with_suffix(".py")
            if path.is_file():
                plan.modules[name] = path
        if not plan.how:
            plan.how = f"py_modules={list(modules)!r}"
    # data
    plan.package_data = _pattern_table(package_data)
    plan.exclude_package_data = _pattern_table(exclude_data)
    if package_data is DYNAMIC or exclude_data is DYNAMIC or include_data is DYNAMIC or \
            plan.package_data is None or plan.exclude_package_data is None:
        plan.data_known = False
        plan.package_data = plan.package_data or {}
        plan.exclude_package_data = plan.exclude_package_data or {}
    if plan.include_package_data:
        requires = {r.name for r in (pp.build_requires or [])} if pp is not None else set()
        plan.vcs_files = bool(requires & _SCM_PLUGINS) or (sp is not None and "use_scm_version" in sp.keywords)
        manifest_text = read_text(root / "MANIFEST.in", None)
        if manifest_text is not None:
            files = [_rel(p, root) for d in plan.packages.values() for p in _dir_files(d)]
            files += [_rel(p, root) for d in plan.packages.values() for p in walk_files(d, 5000)]
            plan.manifest = evaluate_manifest(manifest_text, files)
    return Prediction(plan, problems)


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


def _auto_discover(source: PackageSource, plan: WheelPlan, package_dir: dict[str, str]) -> list[BuildProblem]:
    root = source.root
    explicit = {k: v for k, v in package_dir.items() if k}
    if explicit:
        for name, parent in explicit.items():
            base = root / parent
            plan.packages[name] = base
            for nested in find_packages(base, FindPackages(True)):
                plan.packages[f"{name}.{nested}"] = base.joinpath(*nested.split("."))
        plan.how = "package_dir (setuptools' automatic discovery)"
        return []
    src = root / package_dir.get("", "src")
    if src.is_dir():
        for name in find_packages(src, FindPackages(True)):
            plan.packages[name] = src.joinpath(*name.split("."))
        for name in find_modules(src):
            plan.modules[name] = src / f"{name}.py"
        plan.how = f"setuptools' automatic discovery (src layout: {_rel(src, root)}/)"
        return []
    names = find_packages(root, FindPackages(True), flat=True)
    top = _top_level(names)
    plan.how = "setuptools' automatic discovery (flat layout)"
    if len(top) > 1:
        return [BuildProblem(
            f"setuptools' automatic discovery finds several top-level packages in this flat layout "
            f"({', '.join(top)}) and stops the build to avoid shipping the wrong ones",
            plan.where,
            "name the package: [tool.setuptools] packages = [\"<pkg>\"] in pyproject.toml (or packages=[...] in "
            "setup.py), or move the code into src/<pkg>/")]
    if top:
        for name in names:
            plan.packages[name] = root.joinpath(*name.split("."))
        return []
    modules = find_modules(root, flat=True)
    if len(modules) > 1:
        return [BuildProblem(
            f"setuptools' automatic discovery finds several top-level modules in this flat layout "
            f"({', '.join(modules)}) and stops the build",
            plan.where, "name them: py_modules=[...] in setup.py or [tool.setuptools] py-modules = [...]")]
    for name in modules:
        plan.modules[name] = root / f"{name}.py"
    return []


def _normalize_hatch(name: str) -> str:
    return re.sub(r"[^\w\d.]+", "_", name)


def _hatchling(source: PackageSource) -> Prediction:
    pp = source.pyproject
    if pp is None or pp.doc is None:
        return Prediction(None)
    root = source.root
    build = pp.table("tool", "hatch", "build")
    wheel = pp.table("tool", "hatch", "build", "targets", "wheel")
    selection_keys = ("include", "packages", "only-include", "sources", "force-include", "bypass-selection",
                      "only-packages", "exclude", "artifacts", "hooks", "skip-excluded-dirs")
    configured = [k for k in selection_keys if k in wheel or k in build]
    where = pp.at("tool", "hatch", "build", "targets", "wheel") if wheel else \
        pp.at("tool", "hatch", "build") if build else pp.at("build-system")
    plan = WheelPlan("hatchling", {}, {}, where, "", whole_dirs=True, root=root, ignored=_gitignore(root))
    if configured:
        packages = wheel.get("packages", build.get("packages"))
        if configured != ["packages"] or not isinstance(packages, list) or \
                not all(isinstance(p, str) for p in packages):
            return Prediction(None)
        for entry in packages:
            directory = root / entry
            if directory.is_dir():
                _add_tree(plan, directory.name, directory)
            elif directory.with_suffix(".py").is_file() or (entry.endswith(".py") and directory.is_file()):
                file = directory if directory.is_file() else directory.with_suffix(".py")
                plan.modules[file.stem] = file
        plan.how = f"[tool.hatch.build{'.targets.wheel' if 'packages' in wheel else ''}] packages = {packages!r}"
        return Prediction(plan)
    name = pp.name or ""
    if not name:
        return Prediction(None)
    from packaging.utils import canonicalize_name

    candidates = list(dict.fromkeys([_normalize_hatch(name), _normalize_hatch(canonicalize_name(name))]))
    for cand in candidates:
        if (root / cand / "__init__.py").is_file():
            _add_tree(plan, cand, root / cand)
            plan.how = f"hatchling's default: the package {cand}/ named like the project"
            return Prediction(plan)
        if (root / "src" / cand / "__init__.py").is_file():
            _add_tree(plan, cand, root / "src" / cand)
            plan.how = f"hatchling's default: the package src/{cand}/ named like the project"
            return Prediction(plan)
        if (root / f"{cand}.py").is_file():
            plan.modules[cand] = root / f"{cand}.py"
            plan.how = f"hatchling's default: the module {cand}.py named like the project"
            return Prediction(plan)
        namespaced = sorted(root.glob(f"*/{cand}/__init__.py"))
        if namespaced:
            namespace = namespaced[0].parent.parent
            _add_tree(plan, namespace.name, namespace)
            plan.how = f"hatchling's default: {namespace.name}/{cand}/"
            return Prediction(plan)
    wanted = candidates[-1]
    return Prediction(None, [BuildProblem(
        f"hatchling finds no package named like the project ({wanted}/, src/{wanted}/ or {wanted}.py) and stops: "
        "\"Unable to determine which files to ship inside the wheel\"",
        pp.at("project", "name") if pp.doc.keys.get(("project", "name")) else pp.at("build-system"),
        "tell hatchling where the code is: [tool.hatch.build.targets.wheel] packages = [\"src/<pkg>\"] (or rename "
        "the package directory to match the project name)")])


def _add_tree(plan: WheelPlan, name: str, directory: Path) -> None:
    """A whole directory shipped as package ``name`` (subpackages included)."""
    plan.packages[name] = directory
    for nested in find_packages(directory, FindPackages(True)):
        plan.packages[f"{name}.{nested}"] = directory.joinpath(*nested.split("."))


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


def _flit(source: PackageSource) -> Prediction:
    pp = source.pyproject
    if pp is None or pp.doc is None:
        return Prediction(None)
    root = source.root
    module = pp.table("tool", "flit", "module").get("name") or (pp.name or "").replace("-", "_")
    if not isinstance(module, str) or not module:
        return Prediction(None)
    where = pp.at("tool", "flit", "module") if pp.table("tool", "flit", "module") else pp.at("project", "name")
    plan = WheelPlan("flit", {}, {}, where, f"flit: the module {module} named like the project", whole_dirs=True,
                     root=root)
    for base in (root, root / "src"):
        if (base / module / "__init__.py").is_file():
            _add_tree(plan, module, base / module)
            return Prediction(plan)
        if (base / f"{module}.py").is_file():
            plan.modules[module] = base / f"{module}.py"
            return Prediction(plan)
    return Prediction(None, [BuildProblem(
        f"flit looks for a module named like the project ({module}/__init__.py or {module}.py, also under src/) "
        "and finds none, so the build stops",
        where, "name the module: [tool.flit.module] name = \"<import name>\", or rename the package directory")])


def _poetry(source: PackageSource) -> Prediction:
    pp = source.pyproject
    if pp is None or pp.doc is None:
        return Prediction(None)
    root = source.root
    poetry = pp.table("tool", "poetry")
    packages = poetry.get("packages")
    where = pp.at("tool", "poetry", "packages") if packages is not None else pp.at("tool", "poetry")
    plan = WheelPlan("poetry", {}, {}, where, "", whole_dirs=True, root=root)
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
                _add_tree(plan, entry["include"].replace("/", "."), target)
            elif target.is_file() and target.suffix == ".py":
                plan.modules[target.stem] = target
        plan.how = "[tool.poetry] packages"
        return Prediction(plan)
    name = pp.name or poetry.get("name")
    if not isinstance(name, str) or not name:
        return Prediction(None)
    module = re.sub(r"[-_.]+", "_", name).lower()
    for base in (root, root / "src"):
        if (base / module).is_dir():
            _add_tree(plan, module, base / module)
            plan.how = f"poetry's default: the package {_rel(base / module, root)}/ named like the project"
            return Prediction(plan)
        if (base / f"{module}.py").is_file():
            plan.modules[module] = base / f"{module}.py"
            plan.how = f"poetry's default: the module {module}.py"
            return Prediction(plan)
    return Prediction(None, [BuildProblem(
        f"poetry-core looks for a package named like the project ({module}/ or src/{module}/) and finds none, "
        "so the build stops (\"No file/folder found for package\")",
        where, "name the package: [tool.poetry] packages = [{ include = \"<pkg>\", from = \"src\" }]")])


_UV_DEFAULT_EXCLUDES = ("__pycache__", "*.pyc", "*.pyo")


def _uv_module_name(project_name: str) -> str:
    """uv_build's default module name: the project name lowercased, ``-`` and ``.`` as ``_`` (a
    ``-stubs`` suffix is kept)."""
    name = project_name.strip().lower()
    stubs = name.endswith("-stubs")
    stem = name[: -len("-stubs")] if stubs else name
    stem = re.sub(r"[-_.]+", "_", stem)
    return f"{stem}-stubs" if stubs else stem


def _uv_excluded(patterns: list[str], module_dirs: list[Path], root: Path) -> Callable[[str], bool]:
    """uv_build's wheel excludes over paths relative to the project root: a pattern without a leading
    ``/`` matches at any depth (``**/<pattern>``) and drops a matching directory with everything
    under it; an anchored one (``/<pattern>``) matches the project-relative path of the file itself
    (uv_build prunes directories only for unanchored patterns)."""
    anchored = [glob_regex(p[1:]) for p in patterns if p.startswith("/")]
    floating = [glob_regex(f"**/{p}") for p in patterns if not p.startswith("/")]
    starts = sorted({len(_rel(d, root).split("/")) for d in module_dirs})

    def excluded(rel: str) -> bool:
        parts = rel.split("/")
        first = min((s for s in starts), default=1)
        for depth in range(first, len(parts)):
            directory = "/".join(parts[:depth])
            if any(r.match(directory) for r in floating):
                return True
        return any(r.match(rel) for r in anchored) or any(r.match(rel) for r in floating)

    return excluded


def _uv_build(source: PackageSource) -> Prediction:  # noqa: C901 - one check per uv_build refusal
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
        names = [_uv_module_name(pp.name)] if pp.name else []
    elif isinstance(names, str):
        names = [names]
    excludes: list[str] = []
    if config.get("default-excludes", True) is not False:
        excludes += _UV_DEFAULT_EXCLUDES
    for key in ("wheel-exclude", "source-exclude"):
        value = config.get(key, [])
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            return Prediction(None)
        excludes += value
    if not isinstance(module_root, str) or not isinstance(names, list) or not names or \
            not all(isinstance(n, str) and n for n in names) or module_root.startswith("/"):
        return Prediction(None)
    namespace = config.get("namespace") is True
    where = pp.at("tool", "uv", "build-backend") if config else pp.at("project", "name")
    base = root / module_root if module_root.strip("./") else root
    shown_root = f"{module_root.strip('/')}/" if module_root.strip("./") else "the project root"
    plan = WheelPlan("uv_build", {}, {}, where, f"uv_build: the module {', '.join(names)} in {shown_root}",
                     whole_dirs=True, root=root)
    fix = ("move the package there, or tell uv where it is: [tool.uv.build-backend] module-name = "
           "\"<import name>\" and module-root = \"\" for a package at the project root")
    for name in names:
        parts = name.split(".")
        directory = base.joinpath(*parts)
        init = "__init__.pyi" if parts[0].endswith("-stubs") else "__init__.py"
        if namespace:
            if directory.is_dir():
                _add_tree(plan, name, directory)
                continue
            return Prediction(None, [BuildProblem(
                f"uv_build expects the module directory {_rel(directory, root)}/ and finds none, so the build stops",
                where, fix)])
        for depth in range(1, len(parts)):
            parent = base.joinpath(*parts[:depth])
            if (parent / "__init__.py").is_file() or (parent / "__init__.pyi").is_file():
                return Prediction(None, [BuildProblem(
                    f"module-name {name!r} makes {_rel(parent, root)}/ a namespace package, but it has an "
                    f"__init__.py, so uv_build stops (\"__init__.py is not allowed in parent directory\")",
                    where, f"delete {_rel(parent, root)}/__init__.py, or set module-name = "
                           f"{'.'.join(parts[:depth])!r} to ship the whole package")])
        if (directory / init).is_file():
            _add_tree(plan, name, directory)
            continue
        return Prediction(None, [BuildProblem(
            f"uv_build expects the module {name} at {_rel(directory, root)}/{init} and finds none, so the build stops "
            f"(\"Expected a Python module at: {_rel(directory, root)}/{init}\")", where, fix)])
    plan.ignored = _uv_excluded(excludes, [plan.packages[n] for n in names], root)
    return Prediction(plan)


def _pdm_weight(pattern: str) -> tuple[int, int]:
    """pdm-backend's precedence of an include over an exclude hitting the same path: more path parts
    win, then fewer wildcards (``**`` counts twice)."""
    parts = Path(pattern).parts
    wild = sum(2 if p == "**" else 1 for p in parts if re.search(r"[*?\[]", p)) if re.search(r"[*?\[]", pattern) else 0
    return len(parts), -wild


def _pdm_glob(root: Path, patterns: set[str]) -> dict[str, str] | None:
    """Each path (relative to the project root) the patterns match -> the pattern; None when too many."""
    import glob

    out: dict[str, str] = {}
    for pattern in sorted(patterns):
        for count, path in enumerate(glob.iglob(pattern, root_dir=root, recursive=True)):
            if count > MAX_FILES:
                return None
            out[os.path.normpath(path).replace(os.sep, "/")] = pattern
    return out


def _pdm_is_package(path: Path) -> bool:
    if not path.is_dir() or path.name in ("__pycache__", "__pypackages__"):
        return False
    return (path / "__init__.py").is_file() or (path.name.endswith("-stubs") and (path / "__init__.pyi").is_file())


def _pdm_files(root: Path, config: dict[str, Any], package_dir: str) -> dict[str, Path] | None:
    """The files pdm-backend puts in the wheel: wheel path -> source file."""
    from fnmatch import fnmatch

    includes: list[str] = config.get("includes", [])
    source_includes: list[str] = config.get("source-includes", []) or ["tests"]
    include: set[str] = set()
    exclude = {".pdm-build", *config.get("excludes", []), *source_includes}  # source-includes: sdist only
    if not includes:
        base = package_dir or "."
        tops = sorted(e.name for e in (root / base).iterdir() if _pdm_is_package(e))
        include |= {os.path.join(base, name) for name in tops} if tops else {f"{base}/*.py"}
    else:
        include |= set(includes)
    include |= set(source_includes)
    found_in, found_out = _pdm_glob(root, include), _pdm_glob(root, exclude)
    if found_in is None or found_out is None:
        return None
    paths = []
    for path, key in sorted(found_in.items()):
        if path in found_out:
            if _pdm_weight(key) <= _pdm_weight(found_out[path]):
                continue
            del found_out[path]
        paths.append(path)
    out_paths = sorted(found_out)

    def excluded(rel: str) -> bool:
        return any(rel == e or rel.startswith(f"{e}/") or e == "." or fnmatch(rel, e) for e in out_paths)

    files: dict[str, Path] = {}
    prefix = f"{package_dir}/" if package_dir else None
    for path in paths:
        full = root / path
        if full.is_file():
            found = [(path, full)]
        elif full.is_dir():
            found = [(_rel(f, root), f) for f in _all_files(full) if not f.name.endswith(".pyc")]
            found = [(rel, f) for rel, f in found if not excluded(rel)]
        else:
            continue
        for rel, file in found:
            files[rel[len(prefix):] if prefix and rel.startswith(prefix) else rel] = file
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


def _pdm(source: PackageSource) -> Prediction:
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
            (any(_within(Path(p), Path("src")) for p in includes) and "src" not in excludes and "src/" not in excludes):
        package_dir = "src"
    else:
        package_dir = ""
    package_dir = package_dir.strip("/")
    files = _pdm_files(root, config, package_dir if package_dir != "." else "")
    if files is None:
        return Prediction(None)
    where = pp.at("tool", "pdm", "build") if config else pp.at("build-system")
    shown = f"{package_dir}/" if package_dir not in (".", "") else "the project root"
    how = f"[tool.pdm.build] includes = {includes!r}" if includes else f"pdm-backend's default: the packages in {shown}"
    plan = WheelPlan("pdm-backend", {}, {}, where, how, whole_dirs=True, root=root)
    shipped = {_rel(f, root) for f in files.values()}
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
        _add_tree(plan, name, directory)
    if not includes and not plan.packages:
        plan.how = f"pdm-backend's default: the modules in {shown}"
    plan.ignored = lambda rel: rel not in shipped
    return Prediction(plan)


# -- what the wheel leaves out (BLD005) ---------------------------------------------------------------
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([A-Za-z_][\w]*)[\w.]*[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*))",
                     re.MULTILINE)


def imported_top_names(text: str) -> set[str]:
    names: set[str] = set()
    for m in _IMPORT.finditer(text):
        if m.group(1):
            names.add(m.group(1))
        elif m.group(2):
            for part in m.group(2).split(","):
                names.add(part.strip().split(".", 1)[0].split()[0])
    return names


def gaps(source: PackageSource, plan: WheelPlan) -> list[BuildProblem]:
    """Python code of the tree that the wheel leaves out, or a wheel without Python code."""
    root = source.root
    out: list[BuildProblem] = []
    if plan.backend == "setuptools" and not plan.auto:
        out += _missing_subpackages(plan)
        out += _include_leaves_out_subpackages(plan)
    shipped_tops = {n.split(".", 1)[0] for n in plan.packages} | set(plan.modules)
    candidates = _local_top_level(source, plan)
    unshipped = {name: path for name, path in candidates.items() if name not in shipped_tops}
    if not plan.packages and not plan.modules:
        if not plan.extensions and candidates:
            shown = ", ".join(sorted(_rel(p, root) + ("/" if p.is_dir() else "") for p in candidates.values())[:4])
            src_hint = ""
            if plan.find is not None and plan.find.where in (".", "") and (root / "src").is_dir() and \
                    any(_within(p, root / "src") for p in candidates.values()):
                src_hint = (" (the code is in src/, but the search starts at the project root: use "
                            "find_packages(where=\"src\") with package_dir={\"\": \"src\"})")
            if plan.backend == "pdm-backend" and plan.how.endswith("in src/") and \
                    not any(_within(p, root / "src") for p in candidates.values()):
                src_hint = (" (pdm-backend looks for packages in src/ because that directory exists, and the "
                            "code is outside it)")
            out.append(BuildProblem(
                f"the wheel would contain no Python code: {plan.how} selects nothing, but the tree has {shown}"
                f"{src_hint}", plan.where,
                _select_fix(plan, min(candidates.values(), key=lambda p: (not p.is_dir(), p)), bool(src_hint))))
        return out
    if unshipped:
        users = _importers(plan, set(unshipped))
        for name, path in sorted(unshipped.items()):
            if name not in users:
                continue
            user, line = users[name]
            rel = _rel(path, root) + ("/" if path.is_dir() else "")
            out.append(BuildProblem(
                f"{rel} is imported by {_rel(user, root)}:{line} (`import {name}`), but {plan.how} leaves it out "
                f"of the wheel, so the import fails on the workers",
                plan.where, _ship_fix(plan, name, rel)))
    return out


def _select_fix(plan: WheelPlan, code: Path, src_hint: bool) -> str:
    """How to make the backend select the code at ``code``, in the backend's own settings."""
    rel = _rel(code, plan.root) + ("/" if code.is_dir() else "")
    if plan.backend == "pdm-backend":
        if src_hint:
            return (f"set [tool.pdm.build] package-dir = \"\" (the code is at the project root), or move {rel} "
                    "into src/")
        return (f"list the code: [tool.pdm.build] includes = [\"{rel}\"], or point package-dir at the directory "
                "that holds it")
    if plan.backend == "hatchling":
        return f"list the package: [tool.hatch.build.targets.wheel] packages = [\"{rel.rstrip('/')}\"]"
    if plan.backend == "poetry":
        return f"list the package: [tool.poetry] packages = [{{ include = \"{code.name}\" }}]"
    if plan.backend == "uv_build":
        return "name the module: [tool.uv.build-backend] module-name = \"<import name>\" (and module-root)"
    return ("list the package (packages=[...] / [tool.setuptools] packages) or point the search at the "
            "directory that holds it")


def _ship_fix(plan: WheelPlan, name: str, rel: str) -> str:
    """How to ship the top-level package or module ``name`` (at ``rel``) too, in the backend's own settings."""
    inside = "or move it inside a shipped package"
    path = rel.rstrip("/")
    if plan.backend == "pdm-backend":
        if plan.how.startswith("[tool.pdm.build] includes"):
            return f"add \"{path}\" to [tool.pdm.build] includes, {inside}"
        shipped = sorted({_rel(d, plan.root) for n, d in plan.packages.items() if "." not in n} |
                         {_rel(f, plan.root) for f in plan.modules.values()})
        listed = ", ".join(f'"{x}"' for x in [*shipped, path])
        return f"list it with the shipped code: [tool.pdm.build] includes = [{listed}], {inside}"
    if plan.backend == "hatchling":
        return f"add \"{path}\" to [tool.hatch.build.targets.wheel] packages, {inside}"
    if plan.backend == "poetry":
        parent = Path(path).parent.as_posix()
        origin = f", from = \"{parent}\"" if parent != "." else ""
        return f"add {{ include = \"{Path(path).name}\"{origin} }} to [tool.poetry] packages, {inside}"
    if plan.backend == "uv_build":
        if rel.endswith("/"):
            return (f"add {name!r} to [tool.uv.build-backend] module-name (a list; it must sit in the same "
                    f"module-root), {inside}")
        return "move it inside the shipped module (uv_build ships module directories, not single-file modules)"
    if plan.backend == "flit":
        return "move it inside the shipped package (flit ships the one module named like the project)"
    return f"ship it too (add {name!r} to the packages or modules), {inside}"


def _missing_subpackages(plan: WheelPlan) -> list[BuildProblem]:
    out = []
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
            if not _has_python(child):
                continue  # no code, or only vendored projects of their own
            rel = _rel(child, plan.root)
            if plan.find is not None and not plan.find.namespace and not (child / "__init__.py").is_file():
                out.append(BuildProblem(
                    f"{rel}/ holds Python code but no __init__.py, so {plan.how.split(' in ')[0]} skips it and the "
                    f"wheel leaves out {sub}: `import {sub}` works here and fails on the workers",
                    plan.where, f"add an empty {rel}/__init__.py (or use find_namespace_packages)"))
            elif plan.find is None:
                out.append(BuildProblem(
                    f"{rel}/ holds Python code, but {plan.how} does not list {sub!r}, so the wheel leaves it out "
                    f"and `import {sub}` fails on the workers",
                    plan.where, f"add {sub!r} to packages, or use find_packages() to list every package"))
    return out


def _include_leaves_out_subpackages(plan: WheelPlan) -> list[BuildProblem]:
    """``include=["etl"]`` matches the package etl only: setuptools matches each dotted name against the
    patterns, so etl.sub needs ``etl*`` (or ``etl.*``) too."""
    find = plan.find
    if find is None or tuple(find.include) == ("*",):
        return []
    every = find_packages(plan.root / find.where, FindPackages(find.namespace, find.where, ("*",), find.exclude))
    shipped = set(plan.packages)
    out = []
    for name in sorted(shipped):
        if "." in name and name.rsplit(".", 1)[0] in shipped:
            continue  # reported with its top-most shipped ancestor
        left = [sub for sub in every if sub.startswith(f"{name}.") and sub not in shipped and
                not set(sub.split(".")[1:]) & NOT_SHIPPED_ON_PURPOSE]
        if not left:
            continue
        patterns = [p for p in find.include if fnmatchcase(name, p)]
        fixed = [f"{p}*" if p in patterns and not p.endswith("*") else p for p in find.include]
        home = plan.how.partition(" in ")[2]
        shown = ", ".join(left[:5]) + (f" and {len(left) - 5} more" if len(left) > 5 else "")
        out.append(BuildProblem(
            f"{_include_setting(find, home, list(find.include))} in {home} matches the package {name} but not its "
            f"subpackages, so the wheel leaves out {shown}: `import {left[0]}` works here and fails on the workers",
            plan.where, f"match the subpackages too: {_include_setting(find, home, fixed)}"))
    return out


def _include_setting(find: FindPackages, home: str, include: list[str]) -> str:
    """The include patterns as written in ``home`` (pyproject.toml, setup.cfg or setup.py)."""
    import json

    if home == "pyproject.toml":
        return f"[tool.setuptools.packages.find] include = [{', '.join(json.dumps(i) for i in include)}]"
    if home == "setup.cfg":
        return f"[options.packages.find] include = {', '.join(include)}"
    call = "find_namespace_packages" if find.namespace else "find_packages"
    where = f"where={find.where!r}, " if find.where not in (".", "") else ""
    return f"{call}({where}include={include!r})"


def _local_top_level(source: PackageSource, plan: WheelPlan) -> dict[str, Path]:
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
                if (entry / "__init__.py").is_file():
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
        hits = imported_top_names(text) & (names - set(found))
        for name in sorted(hits):
            m = re.search(rf"^[ \t]*(?:from[ \t]+{name}\b|import[ \t]+(?:[\w.]+[ \t]*,[ \t]*)*{name}\b)", text, re.MULTILINE)
            line = text[: m.start()].count("\n") + 1 if m else 1
            found[name] = (path, line)
        if len(found) == len(names):
            break
    return found
