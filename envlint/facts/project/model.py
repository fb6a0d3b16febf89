"""Value types of the project facts (filled by envlint.facts.project.declared; read by rules).

Kept apart from the parsers so that rules and other facts (the index, the resolver) can depend on
the shapes without pulling in libcst or the tree walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.requirements import Requirement


@dataclass(frozen=True)
class Position:
    path: Path
    line: int | None = None
    column: int | None = None

    @property
    def location(self) -> dict[str, object]:
        """The ``path``/``line``/``column`` keywords of a Finding that points here."""
        return {"path": str(self.path), "line": self.line, "column": self.column}


@dataclass(frozen=True)
class DeclaredRequirement:
    """A dependency the project declares, with where it is written."""

    raw: str
    """The text as written (a requirement string, ``-e git+...``, a path, ...)."""
    requirement: Requirement | None
    """Parsed PEP 508 requirement; None for bare paths/URLs without a name."""
    where: Position
    source: str
    """'pyproject', 'dependency-group', 'optional', 'requirements', 'constraints', 'setup.cfg', 'setup.py',
    'poetry', 'uv-source', 'environment.yml'."""
    editable: bool = False
    url: str | None = None
    """Direct reference: VCS/archive URL or local path, when the declaration is one."""
    constraint: bool = False
    """From a ``-c`` constraints file (restricts, does not add)."""
    group: str | None = None
    """The extra (source 'optional') or dependency group (source 'dependency-group') it belongs to."""

    @property
    def name(self) -> str | None:
        from packaging.utils import canonicalize_name

        return canonicalize_name(self.requirement.name) if self.requirement else None


def setuptools_extra(decl: DeclaredRequirement, key: str, main_source: str) -> DeclaredRequirement:
    """A declaration of setuptools' ``extras_require`` under ``key``: the extra ``name``, or
    ``name:marker`` (setuptools' conditional form: the marker applies to the extra's requirements; an
    empty name, ``":python_version<'3.8'"``, makes them main dependencies of ``main_source``)."""
    import copy

    from packaging.markers import InvalidMarker, Marker

    name, sep, marker = key.partition(":")
    name, marker = name.strip(), marker.strip()
    req = decl.requirement
    if sep and marker and req is not None:
        try:
            combined = Marker(f"({req.marker}) and ({marker})" if req.marker else marker)
        except InvalidMarker:
            combined = None  # setuptools refuses it; the requirement stays unconditional
        if combined is not None:
            req = copy.copy(req)
            req.marker = combined
    return replace(decl, requirement=req, source="optional" if name else main_source, group=name or None)


@dataclass(frozen=True)
class IndexSetting:
    """A configured package source other than (or replacing) PyPI."""

    kind: str
    """'index-url', 'extra-index-url', 'find-links', 'no-index', 'uv-index', 'poetry-source', ..."""
    value: str
    where: Position | None
    """None for environment variables (then ``variable`` names it)."""
    variable: str | None = None
    origin: str = ""
    """Human description: 'pip global config', 'requirements file', '$PIP_INDEX_URL', ..."""
    is_pypi: bool = False
    """The URL is PyPI's own Simple API endpoint (set by the project fact)."""
    machine: bool = False
    """Set by the configuration of the machine running envlint (its pip/uv files and variables, the
    environment's own pip.conf), not by a project file."""


@dataclass(frozen=True)
class BuildFailure:
    """Base of the neutral facts that say why a local package does not build as a wheel (BLD002 words
    them). The kinds are in :mod:`envlint.facts.wheel_build.model`."""

    where: Position


@dataclass(frozen=True)
class WheelGap:
    """Base of the neutral facts that say which Python code a local package's wheel leaves out (BLD005
    words them). The kinds are in :mod:`envlint.facts.wheel_build.model`."""

    where: Position


@dataclass(frozen=True)
class LeftOut:
    """Base of the neutral facts that say why a wheel leaves a file out, and by which setting (DAT003
    words them). The kinds are in :mod:`envlint.facts.wheel_build.model`."""

    file: str
    """The file, relative to the package's source root."""


#: The build requirement an import of pkg_resources needs: setuptools 82 dropped the module.
PKG_RESOURCES_SETUPTOOLS = "setuptools<82"


@dataclass(frozen=True)
class BuildImport:
    """A module that setup.py (or a local module it imports) imports unconditionally at build time."""

    module: str
    """Dotted name as written, e.g. ``Cython.Build``."""
    where: Position
    candidates: tuple[str, ...]
    """Canonical distributions that provide the module (curated table, installed metadata, the name itself)."""
    provided: bool
    """Does the isolated build environment have one of the candidates?"""
    via: Path | None = None
    """The local module that holds the import, when it is not setup.py itself."""
    late: bool = False
    """It runs only inside setup() (a command class's method, ``__str__`` of an include-path helper), after
    ``setup_requires`` has been installed into the build environment."""
    pip_fallback: bool = False
    """Its ``except ImportError`` fallback runs ``pip install`` in a subprocess (not a declaration)."""


@dataclass(frozen=True)
class CompiledCode:
    """Why a local package holds compiled code: what in its build files compiles (BLD004 words it).

    ``kind`` is one of ``backend`` (``detail``: the backend as described in the curated table),
    ``setup-keyword`` (``detail``: ``ext_modules``, ``rust_extensions`` or ``cffi_modules``),
    ``extension`` (``detail``: ``Extension``, ``Pybind11Extension``, ...), ``scikit-build``,
    ``setuptools-ext-modules`` (``[tool.setuptools] ext-modules``) or ``setuptools-rust``.
    """

    kind: str
    where: Position
    detail: str = ""


@dataclass(frozen=True)
class DataRead:
    """Code of a local package that reads a file next to itself (``__file__``, importlib.resources, ...)."""

    target: Path
    """The file or directory read, resolved in the source tree."""
    where: Position
    expression: str
    """The expression as written (shortened)."""
    missing: tuple[Path, ...]
    """Files under ``target`` that the wheel will not include (empty: all included)."""
    is_dir: bool = False
    left_out: LeftOut | None = None
    """Why the wheel leaves out the first missing file, and by which setting."""


@dataclass(frozen=True)
class LocalPackage:
    """The project itself, or an editable/local-directory install of the environment."""

    root: Path
    name: str | None
    """Canonical distribution name, when known."""
    origin: str
    """'project', 'editable', 'local-directory' or 'sub-project' (a Python project in a folder below the root)."""
    built_on_target: bool | None = None
    """For installed local packages: was its wheel built on a machine matching the target?"""
    version: str | None = None
    main_file: Path | None = None
    """pyproject.toml, else setup.py, else setup.cfg: where package-level findings point."""
    name_where: Position | None = None
    """Where the package's name is written (``name = "..."``)."""
    build_backend: str | None = None
    """The ``build-backend`` string; None without ``[build-system]`` (pip then uses setuptools)."""
    has_build_system: bool = False
    build_requires: tuple[DeclaredRequirement, ...] = ()
    build_provides: frozenset[str] = frozenset()
    """Canonical distributions the isolated build environment has (requires, what they bring along)."""
    build_imports: tuple[BuildImport, ...] = ()
    local_build_modules: tuple[Path, ...] = ()
    """Local modules setup.py imports (``versioneer.py``): they need setup.py's directory on sys.path."""
    build_problems: tuple[BuildFailure, ...] = ()
    """BLD002: reasons the wheel build fails."""
    wheel_gaps: tuple[WheelGap, ...] = ()
    """BLD005: Python code of the tree the wheel leaves out, or a wheel without any Python code."""
    data_reads: tuple[DataRead, ...] = ()
    compiled: CompiledCode | None = None
    wheel_tags: tuple[str, ...] = ()
    """WHEEL ``Tag:`` lines of the installed copy (installed local packages only)."""
    installed_version: str | None = None

    @property
    def label(self) -> str:
        """How findings name it: its distribution name, else 'the project' or its directory."""
        return self.name or ("the project" if self.origin == "project" else str(self.root))


@dataclass
class Project:
    root: Path
    requirements: list[DeclaredRequirement] = field(default_factory=list)
    index_settings: list[IndexSetting] = field(default_factory=list)
    local_packages: list[LocalPackage] = field(default_factory=list)
    main_dependency_file: Path | None = None
    """pyproject.toml / requirements.txt / setup.cfg / setup.py: where undeclared findings point."""
    env_platform: str | None = None
    """The platform local packages are built on (this machine for a live environment or none at all, the
    snapshot's for a pip inspect report); None when unknown."""
    installed_direct: frozenset[str] = frozenset()
    """Canonical names the environment has from a direct reference (reported by the environment part
    of SRC002, which points at the declaring line)."""
    files: list[Path] = field(default_factory=list)
    """Project files that were read (pyproject.toml, requirements files, ...)."""
    environment_on_this_machine: bool = False
    """An environment on the machine running envlint is checked (not --no-env, not --inspect): only then
    is this machine's pip/uv configuration (the ``machine`` index settings) about what gets mirrored."""
    tree_requirements: list[DeclaredRequirement] = field(default_factory=list)
    """Lines of requirements files elsewhere in the tree (``docs/requirements.txt``, a sub-project's
    ``requirements-dev.txt``, ``.ci/*.txt``): read for their sources (SRC001, SRC002), not installed with
    the project, so no pin or resolution rule reads them."""
