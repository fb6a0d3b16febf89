"""What the isolated build of a local package has, and what its setup.py needs at build time.

pip builds in isolation: the build environment holds exactly ``[build-system] requires`` (and
what those bring along), or ``setuptools`` alone when there is no ``[build-system]``
(``pip/_internal/pyproject.py``). ``setup_requires`` is fetched only after setup.py has run, so it
never satisfies a top-level import. setup.py's unconditional imports, and those of the local
modules it imports (``versioneer.py``), must be covered.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from envlint.diagnostics import Problems
from envlint.facts.wheel_build import build_time
from envlint.facts.wheel_build.model import BackendNotProvided
from envlint.facts.wheel_build.package_source import PackageSource
from envlint.facts.code.imports import ImportRef, find_imports
from envlint.facts.environment.import_map import ImportMap, curated, is_stdlib
from envlint.facts.formats.text import read_text
from envlint.facts.project.model import PKG_RESOURCES_SETUPTOOLS, BuildImport, CompiledCode, Position

if TYPE_CHECKING:
    from envlint.facts.environment.reader import Environment
    from envlint.facts.target import Target

MAX_LOCAL_MODULES = 25
PIP_DEFAULT_BUILD_REQUIRES = ("setuptools>=40.8.0",)


def build_provides(source: PackageSource, environment: Environment | None, target: Target | None) -> frozenset[str]:
    """Canonical names of the distributions the isolated build environment will hold."""
    if not source.has_build_system:
        names = {"setuptools"}
    else:
        requires = source.pyproject.build_requires if source.pyproject is not None else None
        names = set()
        for declared in requires or ():
            req = declared.requirement
            if req is None:
                continue
            if req.marker is not None and target is not None and not target.marker_applies(req.marker):
                continue
            names.add(canonicalize_name(req.name))
    table = curated().build_provides
    todo = list(names)
    while todo:
        name = todo.pop()
        brought = set(table.get(name, ()))
        dist = environment.get(name) if environment is not None else None
        if dist is not None:
            for req in dist.requires:
                if req.marker is None or target is None or target.marker_applies(req.marker):
                    brought.add(canonicalize_name(req.name))
        for extra in brought - names:
            names.add(extra)
            todo.append(extra)
    return frozenset(names)


def backend_problem(source: PackageSource, provides: frozenset[str]) -> BackendNotProvided | None:
    """A build-backend that no listed requirement provides (pip fails to import it)."""
    pp = source.pyproject
    if pp is None or pp.doc is None or not source.backend or pp.backend_path or pp.build_requires is None:
        return None
    module = source.backend_module
    providers = curated().backends.get(module)
    if providers is None or set(providers) & provides:
        return None
    return BackendNotProvided(pp.at("build-system", "build-backend"), source.backend, providers[0],
                              tuple(r.raw for r in pp.build_requires))


def _local_base(root: Path, top: str, package_dirs: list[Path]) -> Path | None:
    """The directory that holds a local top-level module or package (with or without __init__.py); None
    when the module is not local."""
    for base in [root, root / "src", *package_dirs]:
        if (base / f"{top}.py").is_file() or (base / top / "__init__.py").is_file():
            return base
        if (base / top).is_dir() and any((base / top).glob("*.py")):
            return base
    return None


def _module_file(base: Path, parts: list[str]) -> Path | None:
    if not parts:
        return None
    if (base.joinpath(*parts[:-1]) / f"{parts[-1]}.py").is_file():
        return base.joinpath(*parts[:-1]) / f"{parts[-1]}.py"
    if (base.joinpath(*parts) / "__init__.py").is_file():
        return base.joinpath(*parts) / "__init__.py"
    return None


def _submodule_files(base: Path, parts: list[str], names: tuple[str, ...]) -> list[Path]:
    """The files an import runs below ``base``: each package on the dotted path (``pkg.version`` runs
    pkg/version.py), and each imported name that is a submodule (``from pkg import version``)."""
    files = [f for i in range(1, len(parts) + 1) if (f := _module_file(base, parts[:i])) is not None]
    return files + [f for name in names if (f := _module_file(base, [*parts, name])) is not None]


def build_imports(source: PackageSource, provides: frozenset[str], import_map: Callable[[], ImportMap],
                  problems: Problems, package: str | None = None) -> tuple[list[BuildImport], list[Path]]:
    """Unconditional build-time imports that are not local, and the local modules setup.py imports."""
    sp = source.setup_py
    if sp is None or sp.error is not None or not sp.is_build_script:
        return [], []
    setuptools_modules = curated().setuptools_modules if "setuptools" in provides else frozenset()
    if not _keeps_pkg_resources(source):
        setuptools_modules -= {"pkg_resources"}
    package_dirs: list[Path] = []
    package_dir = sp.value("package_dir")
    if isinstance(package_dir, dict):
        package_dirs = [source.root / v for v in package_dir.values() if isinstance(v, str)]
    reached, path_dirs = _build_time(source, package_dirs, problems, package)
    package_dirs += path_dirs
    late_provides = _late_provides(source, provides)
    out: list[BuildImport] = []
    seen_files: set[Path] = {sp.path}
    queue: list[tuple[Path, list[ImportRef], Path | None]] = [(sp.path, sp.imports, None)]
    mapping: ImportMap | None = None

    def follow(local: Path) -> None:
        """Read a local module that runs at build time, for its own imports."""
        if local in seen_files or len(seen_files) >= MAX_LOCAL_MODULES:
            return
        seen_files.add(local)
        text = read_text(local, problems, package=package)
        nested = find_imports(local, text) if text is not None else None
        if nested is not None:
            queue.append((local, nested, local))

    while queue:
        path, imports, via = queue.pop(0)
        for ref in imports:
            reach = reached.get((path, ref.line, ref.module, ref.level))
            if ref.context != "module" and reach is None:
                continue
            if ref.level:  # `from ._version import v` in a local package module that setup.py imports
                base = via.parent if via is not None else None
                for _ in range(ref.level - 1):
                    base = base.parent if base is not None else None
                if base is not None and base.is_relative_to(source.root):
                    parts = ref.module.split(".") if ref.module else []
                    for file in _submodule_files(base, parts, ref.names):
                        follow(file)
                continue
            if not ref.module:
                continue
            top = ref.top
            if is_stdlib(top) or top in setuptools_modules:
                continue
            base = _local_base(source.root, top, package_dirs)
            if base is not None:
                for found in _submodule_files(base, ref.module.split("."), ref.names):
                    follow(found)
                continue
            if mapping is None:
                mapping = import_map()
            candidates = mapping.candidates(ref.module) if top != "pkg_resources" else (PKG_RESOURCES_SETUPTOOLS,)
            late = reach is not None and reach.late
            have = provides if not late else late_provides if late_provides is not None else frozenset(candidates)
            out.append(BuildImport(ref.module, Position(path, ref.line, ref.column), candidates,
                                   bool(set(candidates) & have), via, late=late,
                                   pip_fallback=reach is not None and reach.pip_fallback))
    return out, sorted(seen_files - {sp.path})


def _build_time(source: PackageSource, package_dirs: list[Path], problems: Problems,
                package: str | None) -> tuple[dict[build_time.Key, build_time.Reached], list[Path]]:
    """What runs at build time beyond module level, and the directories setup.py adds to sys.path."""
    assert source.setup_py is not None
    setup_path = source.setup_py.path
    trees: dict[Path, ast.Module | None] = {}

    def parse(path: Path) -> ast.Module | None:
        if path not in trees:
            text = read_text(path, problems, package=package)
            try:
                trees[path] = ast.parse(text) if text is not None else None
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                trees[path] = None
        return trees[path]

    tree = parse(setup_path)
    if tree is None:
        return {}, []
    try:
        bases = list(package_dirs) + build_time.search_dirs(setup_path, tree, source.root)
    except RecursionError:  # a path expression nested too deeply to follow: no sys.path edit is known
        bases = list(package_dirs)

    def locate(dotted: str, level: int, origin: Path) -> list[Path]:
        parts = dotted.split(".") if dotted else []
        if level:
            base: Path | None = origin.parent
            for _ in range(level - 1):
                base = base.parent if base is not None else None
            if base is None or not base.is_relative_to(source.root):
                return []
            return _submodule_files(base, parts, ())
        if not parts or len(trees) >= MAX_LOCAL_MODULES:
            return []
        found = _local_base(source.root, parts[0], bases)
        return _submodule_files(found, parts, ()) if found is not None else []

    try:
        reached = build_time.reachable(setup_path, tree, locate, parse)
    except RecursionError:  # code nested too deeply to follow: module level only, as before
        reached = {}
    return reached, bases[len(package_dirs):]


def _keeps_pkg_resources(source: PackageSource) -> bool:
    """Does the build install a setuptools that still ships pkg_resources (removed in setuptools 82)?
    Only when ``[build-system] requires`` caps setuptools below it; pip installs the newest otherwise."""
    pp = source.pyproject
    for declared in (pp.build_requires or ()) if pp is not None and source.has_build_system else ():
        req = declared.requirement
        if req is not None and canonicalize_name(req.name) == "setuptools" and req.specifier and \
                not any(req.specifier.contains(v, prereleases=True) for v in ("82.0.0", "90", "999")):
            return True
    return False


def _late_provides(source: PackageSource, provides: frozenset[str]) -> frozenset[str] | None:
    """What the build environment holds once setup() runs: ``provides`` plus ``setup_requires``, which
    setuptools' build backend has pip install before the build proper. None when ``setup_requires``
    cannot be read statically (code inside setup() is then not judged)."""
    sp = source.setup_py
    assert sp is not None
    if "setup_requires" not in sp.keywords and not sp.keywords_complete:
        return None  # setup(**metadata) with a dict built up in code: it may well be there
    declared = sp.value("setup_requires", [])
    if isinstance(declared, str):
        declared = [declared]
    if not isinstance(declared, (list, tuple)) or not all(isinstance(d, str) for d in declared):
        return None
    names = set(provides)
    for text in declared:
        try:
            names.add(canonicalize_name(Requirement(text).name))
        except InvalidRequirement:
            return None
    if source.setup_cfg is not None:
        names |= {canonicalize_name(r.requirement.name) for r in source.setup_cfg.setup_requires
                  if r.requirement is not None}
    return frozenset(names)


def compiled_code(source: PackageSource) -> CompiledCode | None:
    sp, pp = source.setup_py, source.pyproject
    module = source.backend_module if source.backend else None
    if module is not None:
        described = curated().compiling_backends.get(module)
        if described and pp is not None:
            return CompiledCode("backend", pp.at("build-system", "build-backend"), described)
    if sp is not None and sp.error is None:
        for key in ("ext_modules", "rust_extensions", "cffi_modules"):
            if key in sp.keywords and sp.value(key) not in ([], (), None):
                return CompiledCode("setup-keyword", sp.keywords[key].where, key)
        if sp.extensions:
            ext = sp.extensions[0]
            return CompiledCode("extension", ext.where, ext.kind)
        if any(i.top == "skbuild" and i.context == "module" for i in sp.imports):
            return CompiledCode("scikit-build", sp.setup_call or Position(sp.path, 1))
    if pp is not None and pp.doc is not None and "ext-modules" in pp.table("tool", "setuptools"):
        return CompiledCode("setuptools-ext-modules", pp.at("tool", "setuptools", "ext-modules"))
    if pp is not None and pp.build_requires:
        names = {r.name for r in pp.build_requires if r.name}
        if "setuptools-rust" in names and (source.root / "Cargo.toml").is_file():
            return CompiledCode("setuptools-rust", pp.at("build-system", "requires"))
    return None
