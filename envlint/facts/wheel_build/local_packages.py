"""Local packages: the project itself, the Python projects in its sub-folders, and every editable or
local-directory install of the environment.

Each is analysed from its source tree: what its isolated build has and needs (BLD001/BLD002), what
its wheel would hold (BLD005), which files next to its code it reads (DAT003), and whether it
compiles native code (BLD004).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from envlint.diagnostics import Problems, Skipped
from envlint.facts.wheel_build import package_source
from envlint.facts.wheel_build.model import NoBuildFiles, SourceMissing
from envlint.facts.project.model import DataRead, LocalPackage, Position
from envlint.facts.formats.text import MAX_MODULE_BYTES, read_text

if TYPE_CHECKING:
    from envlint.facts import Context
    from envlint.facts.environment.import_map import ImportMap
    from envlint.facts.wheel_build.wheel_plan import WheelPlan
    from envlint.facts.environment.distribution import Distribution
    from envlint.facts.environment.reader import Environment
    from envlint.facts.target import Target

MAX_SCANNED_MODULES = 5000


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def _source_root(path: Path) -> Path:
    """A legacy develop install may point at ``<src>/src``: walk up to the directory with build files."""
    for candidate in (path, path.parent, path.parent.parent):
        if any((candidate / f).is_file() for f in ("pyproject.toml", "setup.py", "setup.cfg")):
            return candidate
    return path


def build(ctx: Context) -> list[LocalPackage]:
    """The ``local_packages`` fact: the project itself (when it is a package) and every editable or
    local-directory install of the environment, each analysed from its source tree."""
    config = ctx.config
    root = config.root
    problems = ctx.problems
    environment = None if config.no_env else ctx.peek("environment")
    location = None if config.no_env else ctx.peek("env_location")
    source: package_source.PackageSource = ctx.get("package_source")
    found = list(discover(root, source, environment))
    found += [("sub-project", path, None) for path in sub_projects(ctx, [p for _, p, _ in found])]
    if not found:
        return []
    target = ctx.peek("target")
    packages: list[LocalPackage] = []
    cache: dict[str, ImportMap] = {}

    def import_map() -> ImportMap:
        from envlint.facts.environment.import_map import from_environment

        if "map" not in cache:
            cache["map"] = from_environment(environment)
        return cache["map"]

    snapshot = location is not None and location.kind == "inspect"
    for origin, path, dist in found:
        if snapshot and origin != "project" and not path.is_dir():
            # A pip inspect report taken on another machine names source trees that are not here.
            ctx.skipped.append(Skipped(f"local package {path}", "named by the pip inspect report but not on this "
                                       "machine; run envlint where the environment lives to check that it builds"))
            continue
        try:
            sub = package_source.load(path, problems) if origin == "sub-project" else None
            if sub is not None and not sub.is_package:
                continue
            packages.append(analyse(
                origin, path, dist, source if origin == "project" else sub, environment, target, import_map,
                problems))
        except Exception as exc:  # a bug must not hide the other local packages (or the whole run)
            if config.environ.get("ENVLINT_DEBUG"):
                traceback.print_exc(file=sys.stderr)
            ctx.skipped.append(Skipped(f"local package {path}", f"internal error: {type(exc).__name__}: {exc}"))
    return packages


#: Folders whose projects are test data, not code that gets built (a fixture's setup.py).
TEST_DIRS = frozenset({"tests", "test", "testing", "fixtures", "testdata", "test_data"})
MAX_SUB_PROJECTS = 200


def sub_projects(ctx: Context, known: list[Path]) -> list[Path]:
    """Python projects below the root: folders of the project tree (which honours ``exclude`` and
    ``.gitignore``) that hold their own setup.py or pyproject.toml and Python code, except those under test
    folders and those already found as editable or local-directory installs. A folder whose only
    Python file is its build file is a dependency list (pip-tools' examples/readme), never built."""
    from envlint.facts import FactUnavailable

    try:
        tree = ctx.get("project_tree")
    except FactUnavailable:
        return []
    folders = sorted({rel.rpartition("/")[0] for rel in tree.files
                      if rel.rpartition("/")[2] in ("setup.py", "pyproject.toml") and "/" in rel})
    with_code = _folders_with_code(tree.files) if folders else set()
    out: list[Path] = []
    for rel in folders:
        if TEST_DIRS & set(rel.split("/")):
            continue
        if rel not in with_code:  # a pyproject.toml that only lists dependencies (pip-compile's input): no package
            continue
        path = tree.path(rel)
        if not any(_same(path, k) for k in known):
            out.append(path)
        if len(out) >= MAX_SUB_PROJECTS:
            break
    return out


def _folders_with_code(files: tuple[str, ...] | list[str]) -> set[str]:
    """Every folder that holds Python code below it, setup.py itself not counted."""
    out: set[str] = set()
    for rel in files:
        folder, _, name = rel.rpartition("/")
        if not name.endswith((".py", ".pyx")) or name == "setup.py":
            continue
        while folder and folder not in out:
            out.add(folder)
            folder = folder.rpartition("/")[0]
    return out


def discover(root: Path, project: package_source.PackageSource, environment: Environment | None
             ) -> list[tuple[str, Path, Distribution | None]]:
    entries: list[tuple[str, Path, Distribution | None]] = []
    project_dist = None
    others: list[tuple[str, Path, Distribution]] = []
    for dist in environment.distributions if environment is not None else ():
        if not dist.is_local_directory or dist.source_path is None:
            continue
        source = _source_root(dist.source_path)
        if _same(source, root):
            project_dist = dist
            continue
        origin = "editable" if dist.editable else "local-directory"
        others.append((origin, source, dist))
    if project.is_package or project_dist is not None:
        entries.append(("project", root, project_dist))
    seen = {root}
    for origin, source, dist in sorted(others, key=lambda e: (e[2].canonical_name, str(e[1]))):
        if any(_same(source, s) for s in seen):
            continue
        seen.add(source)
        entries.append((origin, source, dist))
    return entries


def analyse(origin: str, root: Path, dist: Distribution | None, source: package_source.PackageSource | None,
            environment: Environment | None, target: Target | None, import_map: Callable[[], ImportMap],
            problems: Problems) -> LocalPackage:
    # The analysers (packaging, libcst for setup.py) load only when there is a local package.
    from envlint.facts.wheel_build import build_imports as build_analysis
    from envlint.facts.wheel_build import prediction as wheel_prediction
    from envlint.facts.wheel_build import wheel_gaps

    name = dist.canonical_name if dist is not None else None
    common = dict(origin=origin, version=dist.version if dist is not None else None,
                  wheel_tags=dist.wheel_tags if dist is not None else (),
                  installed_version=dist.version if dist is not None else None)
    if not root.is_dir():
        return LocalPackage(root=root, name=name, **common, build_problems=(SourceMissing(Position(root), root, origin),))
    if source is None:
        source = package_source.load(root, problems, package=name)
    name = name or source.canonical_name
    if not source.has_build_files:
        return LocalPackage(root=root, name=name, **common, build_problems=(NoBuildFiles(Position(root), root),))
    build_problems = list(source.problems)
    provides = build_analysis.build_provides(source, environment, target)
    backend = build_analysis.backend_problem(source, provides)
    if backend is not None:
        build_problems.append(backend)
    prediction = wheel_prediction.predict(source)
    build_problems += prediction.problems
    plan = prediction.plan
    # A selection the backend refuses is BLD002; predicting what it would leave out adds nothing.
    gaps = wheel_gaps.gaps(source, plan) if plan is not None and not prediction.problems else []
    reads = data_reads(plan, problems, name) if plan is not None else []
    imports, local_modules = build_analysis.build_imports(source, provides, import_map, problems, package=name)
    return LocalPackage(
        root=root, name=name, **common, main_file=source.main_file, name_where=source.name_where,
        build_backend=source.backend, has_build_system=source.has_build_system,
        build_requires=tuple(source.pyproject.build_requires or ()) if source.pyproject is not None else (),
        build_provides=provides, build_imports=tuple(imports), local_build_modules=tuple(local_modules),
        build_problems=tuple(build_problems),
        wheel_gaps=tuple(gaps), data_reads=tuple(reads), compiled=build_analysis.compiled_code(source),
    )


def _module_name(path: Path, plan: WheelPlan) -> str:
    for name, file in plan.modules.items():
        if file == path:
            return name
    for name, directory in sorted(plan.packages.items(), key=lambda item: -len(item[1].parts)):
        if path.parent == directory:
            return name if path.name == "__init__.py" else f"{name}.{path.stem}"
        try:
            rel = path.relative_to(directory).with_suffix("")
        except ValueError:
            continue
        parts = [p for p in rel.parts if p != "__init__"]
        return ".".join([name, *parts])
    return path.stem


def data_reads(plan: WheelPlan, problems: Problems, package: str | None) -> list[DataRead]:
    from envlint.facts.wheel_build.prediction import left_out
    from envlint.facts.wheel_build.wheel_plan import is_test_file, walk_files
    from envlint.facts.code import package_reads

    out: list[DataRead] = []
    for path in plan.python_files(limit=MAX_SCANNED_MODULES):
        if is_test_file(path):
            continue
        text = read_text(path, problems, limit=MAX_MODULE_BYTES, package=package)
        if not text:
            continue
        found, error = package_reads.scan_module(path, _module_name(path, plan), plan.packages, text)
        if error is not None:
            problems.add(path, f"does not parse as Python 3: {error.msg or 'invalid syntax'}", line=error.lineno,
                         column=error.offset, package=package)
            continue
        for read in found:
            target = read.target
            if target.is_file():
                if target.suffix == ".py":
                    continue
                verdict = plan.includes(target)
                missing: tuple[Path, ...] = (target,) if verdict is False else ()
                is_dir = False
            elif target.is_dir():
                files = walk_files(target, 500)
                if not files or any(f.suffix == ".py" for f in files):
                    continue  # a code directory (often put on sys.path), not a data directory
                files = [f for f in files if f.suffix != ".pyc"]
                missing = tuple(f for f in files if plan.includes(f) is False)
                is_dir = True
            else:
                continue
            out.append(DataRead(target, Position(path, read.line, read.column), read.expression, missing, is_dir,
                                left_out(plan, missing[0]) if missing else None))
    return out
