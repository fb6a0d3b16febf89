"""The ``project`` fact: what the project declares, where it gets packages from, and its local packages.

Everything is static: pyproject.toml, setup.cfg, setup.py (libcst), requirements files (with nested
``-r``/``-c``), ``environment.yml``, pip and uv configuration, and the source trees of the project
and of every editable or local-directory install of the environment. A file that does not parse is
an EL001 problem and the rest is still read.
"""

from __future__ import annotations

import dataclasses
import sysconfig
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement

from envlint.diagnostics import Problems
from envlint.facts.formats import environment_yml
from envlint.facts.project import index_config
from envlint.facts.wheel_build import local_packages
from envlint.facts.wheel_build import package_source
from envlint.facts.formats import requirements as requirements_file
from envlint.facts.project.model import DeclaredRequirement, IndexSetting, Position, Project, setuptools_extra
from envlint.facts.formats.setup_py import DYNAMIC, SetupPy
from envlint.facts.formats.text import not_a_file, read_text
from envlint.index.endpoint import cache_dir_of, pypi_endpoint, same_index

if TYPE_CHECKING:
    from envlint.facts import Context

REQUIREMENTS_GLOBS = ("requirements*.txt", "requirements*.in", "requirements/*.txt", "requirements/*.in")
ENVIRONMENT_FILES = ("environment.yml", "environment.yaml")
#: Settings whose value is an index URL, which may be PyPI's own.
URL_KINDS = frozenset({"index-url", "extra-index-url", "uv-index", "poetry-source"})


def requirements_files(root: Path, problems: Problems | None = None) -> list[Path]:
    """The project's requirements files; one that is not a file (a directory, a dangling symlink, a
    FIFO) is an input error when ``problems`` is given, as ``pip install -r`` fails on it."""
    out: list[Path] = []
    for pattern in REQUIREMENTS_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                if path not in out:
                    out.append(path)
            elif problems is not None and (why := not_a_file(path)) is not None:
                problems.add(path, why)
    return out


def _mark_pypi(settings: list[IndexSetting], cache_dir: str | None) -> list[IndexSetting]:
    """The settings, those whose URL is PyPI's own endpoint marked ``is_pypi``."""
    if not any(s.kind in URL_KINDS for s in settings):
        return settings
    pypi = pypi_endpoint(cache_dir_of(cache_dir))
    return [dataclasses.replace(s, is_pypi=True) if s.kind in URL_KINDS and same_index(s.value, pypi) else s
            for s in settings]


def build(ctx: Context) -> Project:
    config = ctx.config
    root = config.root
    problems = ctx.problems
    environment = None if config.no_env else ctx.peek("environment")
    location = None if config.no_env else ctx.peek("env_location")
    project = Project(root)

    source: package_source.PackageSource = ctx.get("package_source")
    if source.pyproject is not None:
        project.requirements += source.pyproject.requirements
        project.index_settings += source.pyproject.index_settings
        project.files.append(source.pyproject.path)
    if source.setup_cfg is not None:
        project.requirements += source.setup_cfg.requirements
        project.files.append(source.setup_cfg.path)
    if source.setup_py is not None:
        project.requirements += setup_py_requirements(source.setup_py)
        project.files.append(source.setup_py.path)
    req_files = requirements_files(root, problems)
    parsed = requirements_file.parse_files(req_files, problems, root)
    project.requirements += parsed.requirements
    project.files += parsed.files
    project.index_settings += [_option_setting(o, root) for o in parsed.options if _is_index_option(o.name)]
    _tree_requirements(ctx, project, set(parsed.files) | set(req_files))
    for name in ENVIRONMENT_FILES:
        path = root / name
        if not path.is_file() and (why := not_a_file(path)) is not None:
            problems.add(path, why)
        elif path.is_file():
            env_yml = environment_yml.parse(path, problems)
            if env_yml is not None:
                project.requirements += env_yml.requirements
                project.files += [path, *env_yml.files]
                project.index_settings += [_option_setting(o, root, "environment.yml pip options")
                                           for o in env_yml.options if _is_index_option(o.name)]
    project.index_settings += index_config.project_uv_config(config.environ, root, problems)
    # The machine's pip/uv configuration (marked `machine`): where this machine's pip would fetch build
    # requirements (BLD002) in every run; SRC001 judges it only when an environment on this machine is
    # checked (a project-only run: --no-env, the pre-commit hook, --inspect, no environment found).
    project.environment_on_this_machine = location is not None and location.kind != "inspect"
    site_prefix = location.path if project.environment_on_this_machine and location is not None else None
    project.index_settings += index_config.collect(config.environ, root, site_prefix, problems)
    project.index_settings = _mark_pypi(project.index_settings, config.cache_dir)

    project.local_packages = ctx.get("local_packages")
    project.tree_requirements += _sub_project_requirements(project)
    project.requirements = [_name_local_path(r, project, root) for r in project.requirements]
    project.main_dependency_file = _main_file(root, source, req_files)
    project.env_platform = _env_platform(location)
    if environment is not None:
        project.installed_direct = frozenset(d.canonical_name for d in environment.distributions
                                             if d.is_direct_reference and not d.is_local_directory)
    return project


#: Folders whose ``*.txt`` files are requirements files whatever their name (CI set-ups).
CI_DIRS = frozenset({".ci", "ci"})
#: Folders of test data: a requirements file there is a fixture, not how the repository installs.
FIXTURE_DIRS = frozenset({"fixtures", "testdata", "test_data"})


def tree_requirements_files(files: tuple[str, ...], known: set[Path], root: Path) -> tuple[list[Path], list[Path]]:
    """Requirements files elsewhere in the project tree: (named like requirements files, ``*.txt`` in a CI
    folder). The tree walk honours ``exclude`` and ``.gitignore``."""
    named: list[Path] = []
    ci: list[Path] = []
    for rel in files:
        folder, _, name = rel.rpartition("/")
        path = root / rel
        if not folder or path in known or not name.endswith((".txt", ".in")) or FIXTURE_DIRS & set(folder.split("/")):
            continue
        parent = folder.rpartition("/")[2]
        if "requirements" in name.lower() or "constraints" in name.lower() or parent == "requirements":
            named.append(path)
        elif parent in CI_DIRS and name.endswith(".txt"):
            ci.append(path)
    return named, ci


def _tree_requirements(ctx: Context, project: Project, known: set[Path]) -> None:
    """Read requirements files anywhere in the tree for their sources (SRC001/SRC002)."""
    from envlint.facts import FactUnavailable

    try:
        tree = ctx.get("project_tree")
    except FactUnavailable:
        return
    root = ctx.config.root
    named, ci = tree_requirements_files(tree.files, known, root)
    # a CI folder's other text files are not requirements: their lines that do not parse are no problem
    for paths, problems in ((named, ctx.problems), (ci, Problems())):
        if not paths:
            continue
        parsed = requirements_file.parse_files(paths, problems, root)
        project.tree_requirements += [r for r in parsed.requirements if r.where.path not in known]
        project.files += [f for f in parsed.files if f not in known]
        project.index_settings += [_option_setting(o, root) for o in parsed.options
                                   if _is_index_option(o.name) and o.where.path not in known]


def _sub_project_requirements(project: Project) -> list[DeclaredRequirement]:
    """What the sub-projects of the tree declare in their own build files, for their sources (SRC002).
    Their unreadable lines were reported when the local packages were analysed."""
    out: list[DeclaredRequirement] = []
    for package in project.local_packages:
        if package.origin != "sub-project":
            continue
        sub = package_source.load(package.root, Problems(), package=package.name)
        if sub.pyproject is not None:
            out += sub.pyproject.requirements
        if sub.setup_cfg is not None:
            out += sub.setup_cfg.requirements
        if sub.setup_py is not None:
            out += setup_py_requirements(sub.setup_py)
    return out


def _is_index_option(name: str) -> bool:
    return name in ("index-url", "extra-index-url", "find-links", "no-index")


def _option_setting(option: Any, root: Path, origin: str | None = None) -> IndexSetting:
    path = option.where.path
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = str(path)
    return IndexSetting(option.name, option.value or "", option.where, origin=origin or f"requirements file {shown}")


def setup_py_requirements(sp: SetupPy) -> list[DeclaredRequirement]:
    """install_requires and extras_require strings of setup.py, at the line that writes each one."""
    lines = None
    out: list[DeclaredRequirement] = []
    for key in ("install_requires", "extras_require"):
        kw = sp.keywords.get(key)
        if kw is None:
            continue
        positions = {value: where for value, where in kw.items if isinstance(value, str)}
        values: list[tuple[Any, str | None]] = []
        if isinstance(kw.value, (list, tuple)):
            values = [(v, None) for v in kw.value]
        elif isinstance(kw.value, dict):  # extras_require: each extra is an alternative, not a main dependency
            for extra, group in kw.value.items():
                items = list(group) if isinstance(group, (list, tuple)) else [group] if isinstance(group, str) else []
                values += [(v, str(extra) if key == "extras_require" else None) for v in items]
        for value, extra_name in values:
            if not isinstance(value, str) or value is DYNAMIC:
                continue
            where = positions.get(value)
            if where is None:
                if lines is None:
                    lines = (read_text(sp.path, None) or "").splitlines()
                where = _find_string(sp.path, lines, value) or kw.where
            try:
                req: Requirement | None = Requirement(value)
            except InvalidRequirement:
                req = None
            decl = DeclaredRequirement(raw=value, requirement=req, where=where, source="setup.py",
                                       url=req.url if req is not None else None)
            out.append(decl if extra_name is None else setuptools_extra(decl, extra_name, "setup.py"))
    return out


def _find_string(path: Path, lines: list[str], value: str) -> Position | None:
    for number, line in enumerate(lines, 1):
        for quote in ('"', "'"):
            at = line.find(f"{quote}{value}{quote}")
            if at >= 0:
                return Position(path, number, at + 2)
    return None


def _name_local_path(req: DeclaredRequirement, project: Project, root: Path) -> DeclaredRequirement:
    """``-e ../acme`` names no distribution: take the name of the local package at that path."""
    if req.requirement is not None or not req.url or "://" in req.url:
        return req
    target = (root / req.url.split("[", 1)[0].split(";", 1)[0].strip())
    for package in project.local_packages:
        if package.name and local_packages._same(package.root, target):
            try:
                named = Requirement(package.name)
            except InvalidRequirement:
                return req
            from dataclasses import replace

            return replace(req, requirement=named)
    return req


def _main_file(root: Path, source: package_source.PackageSource, req_files: list[Path]) -> Path | None:
    if source.pyproject is not None and (source.pyproject.is_package or source.pyproject.requirements):
        return source.pyproject.path
    for candidate in ("requirements.txt",):
        if (root / candidate).is_file():
            return root / candidate
    for part in (source.setup_cfg, source.setup_py):
        if part is not None:
            return part.path
    for name in ENVIRONMENT_FILES:
        if (root / name).is_file():
            return root / name
    if req_files:
        return req_files[0]
    return source.pyproject.path if source.pyproject is not None else None


def host_platform() -> str:
    """This machine as a wheel platform tag: linux_x86_64, macosx_14_0_arm64, win_amd64."""
    return sysconfig.get_platform().replace("-", "_").replace(".", "_").replace(" ", "_")


def _env_platform(location: Any) -> str | None:
    """The platform local packages are built on: the snapshot's when linting a report, else this machine
    (where the environment lives, and where package sync builds the project when there is no environment)."""
    if location is None:
        return host_platform()
    if location.kind == "inspect":
        from envlint.facts.environment.inspect_report import report_markers

        try:
            markers = report_markers(location.path)
        except Exception:  # the environment fact reports an unreadable report
            return None
        return platform_from_markers(markers)
    return host_platform()


def platform_from_markers(markers: dict[str, str]) -> str | None:
    system = markers.get("sys_platform", "")
    machine = markers.get("platform_machine", "")
    if not system or not machine:
        return None
    machine_l = machine.lower()
    if system.startswith("linux"):
        return f"linux_{machine_l}"
    if system == "darwin":
        return f"macosx_11_0_{'arm64' if machine_l in ('arm64', 'aarch64') else machine_l}"
    if system == "win32":
        return {"amd64": "win_amd64", "arm64": "win_arm64", "x86": "win32"}.get(machine_l, "win_amd64")
    return None


