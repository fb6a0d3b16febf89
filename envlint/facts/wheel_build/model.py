"""The neutral facts of a local package's build: why it fails, what its wheel leaves out and why.

Facts say *what* is so, in the project's own terms (a setting's name as written, a path relative to
the package root, a parser's error); the rules word them: BLD002 the failures, BLD005 the gaps,
DAT003 the left-out files. Kinds specific to one backend carry its name in the class name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envlint.facts.formats.setup_py import FindPackages
from envlint.facts.project.model import BuildFailure, LeftOut, WheelGap

# -- why the build fails (BLD002) ---------------------------------------------------------------------


@dataclass(frozen=True)
class SourceMissing(BuildFailure):
    """The source directory of an editable or local-directory install is gone."""

    root: Path
    origin: str


@dataclass(frozen=True)
class NoBuildFiles(BuildFailure):
    """No pyproject.toml, setup.py or setup.cfg."""

    root: Path


@dataclass(frozen=True)
class UnparsableBuildFile(BuildFailure):
    """A build file that does not parse: its name and the parser's own error."""

    file: str
    """'pyproject.toml', 'setup.cfg' or 'setup.py'."""
    error: str
    python2: bool = False
    """setup.py only: the text looks like Python 2."""


@dataclass(frozen=True)
class NotATable(BuildFailure):
    """A pyproject.toml table (``build-system``, ``project``) written as something else."""

    table: str


@dataclass(frozen=True)
class MissingKey(BuildFailure):
    """A key a build frontend or backend requires: ``[build-system] requires``, ``[project] name`` or
    ``version`` (absent and not listed in ``dynamic``)."""

    table: str
    key: str


@dataclass(frozen=True)
class NotAString(BuildFailure):
    """A setting that must be a string (``[build-system] build-backend``)."""

    setting: str


@dataclass(frozen=True)
class NotAList(BuildFailure):
    """A requirement list written as something else."""

    setting: str
    """As written, e.g. ``[build-system] requires``."""


@dataclass(frozen=True)
class NotARequirementString(BuildFailure):
    """An item of a requirement list that is not a string."""

    setting: str
    item: Any


@dataclass(frozen=True)
class UnparsableRequirement(BuildFailure):
    """A requirement string that is not PEP 508."""

    file: str
    """'pyproject.toml' or 'setup.cfg'."""
    setting: str
    """As written in ``file``: ``[project] dependencies``, ``[options] install_requires``."""
    text: str
    error: str


@dataclass(frozen=True)
class BackendNotProvided(BuildFailure):
    """``build-backend`` names a module that no ``[build-system] requires`` entry provides."""

    backend: str
    provider: str
    """The distribution that provides the backend."""
    requires: tuple[str, ...]
    """``[build-system] requires`` as written."""


@dataclass(frozen=True)
class SetuptoolsPackageDirMissing(BuildFailure):
    """A listed package whose directory does not exist (setuptools stops)."""

    package: str
    directory: str
    """Relative to the package root."""
    under_src: bool
    """The package is under src/ instead."""


@dataclass(frozen=True)
class SetuptoolsFlatLayoutAmbiguous(BuildFailure):
    """setuptools' automatic discovery finds several top-level packages (or modules) and stops."""

    kind: str
    """'packages' or 'modules'."""
    names: tuple[str, ...]


@dataclass(frozen=True)
class HatchlingFindsNoPackage(BuildFailure):
    """hatchling's default finds no package named like the project."""

    wanted: str


@dataclass(frozen=True)
class FlitFindsNoModule(BuildFailure):
    module: str


@dataclass(frozen=True)
class PoetryFindsNoPackage(BuildFailure):
    module: str


@dataclass(frozen=True)
class UvModuleMissing(BuildFailure):
    """uv_build finds no ``__init__.py`` (``__init__.pyi`` for stubs) where it looks."""

    module: str
    init: str
    """The file it expects, relative to the package root."""


@dataclass(frozen=True)
class UvNamespaceDirMissing(BuildFailure):
    directory: str


@dataclass(frozen=True)
class UvNamespaceParentHasInit(BuildFailure):
    """A dotted ``module-name`` makes a parent a namespace package, but the parent has an ``__init__.py``."""

    module: str
    parent: str
    parent_module: str
    """The dotted name that would ship the whole parent package."""


# -- what the wheel leaves out (BLD005) ----------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """How the backend selects the wheel's files, as the rules need to name the fix."""

    backend: str
    setting: str
    """The setting that selects the files, as written (``packages=['crick']``, ``find_packages()``,
    ``[tool.poetry] packages``); '' when the backend's default selects them."""
    home: str
    """The build file that holds ``setting`` when findings name it ('setup.py', ...), else ''."""
    default: str
    """Which default of the backend selects the files: 'package', 'module', 'namespace', 'packages',
    'modules', 'src-layout', 'flat-layout', 'package_dir', 'ext_modules'; '' for a setting."""
    found: str
    """What the default found: a package or module path without ``/`` or ``.py`` (``src/pkg``), or the
    module names it looks for (flit, uv_build)."""
    base: str
    """Where the default looks, relative to the package root ('' for the root itself)."""
    explicit: bool
    """The build file lists the shipped code by hand."""
    shipped: tuple[str, ...]
    """The shipped top-level packages and modules, relative to the package root."""


@dataclass(frozen=True)
class SubpackageWithoutInit(WheelGap):
    """``find_packages()`` skips a directory of code without ``__init__.py``."""

    directory: str
    subpackage: str
    finder: str
    """The call as written, e.g. ``find_packages()``."""


@dataclass(frozen=True)
class SubpackageNotListed(WheelGap):
    """A hand-written package list does not name a subpackage with code."""

    directory: str
    subpackage: str
    selection: Selection


@dataclass(frozen=True)
class IncludeMissesSubpackages(WheelGap):
    """The include patterns of a package search match a package but not its subpackages."""

    package: str
    left_out: tuple[str, ...]
    find: FindPackages
    home: str
    """The file that holds the search: 'pyproject.toml', 'setup.cfg' or 'setup.py'."""


@dataclass(frozen=True)
class NoPythonCode(WheelGap):
    """The selection picks nothing while the tree has code."""

    selection: Selection
    candidates: tuple[str, ...]
    """Code of the tree (``/`` after a directory), sorted."""
    first: str
    """The candidate to name in the fix (a package before a module)."""
    first_name: str
    misplaced: str | None = None
    """'search-at-root' (the code is in src/, the search starts at the root) or 'outside-src' (the
    backend looks in src/ only, the code is outside it)."""


@dataclass(frozen=True)
class ImportedCodeLeftOut(WheelGap):
    """Shipped code imports a top-level package or module of the tree that the wheel leaves out."""

    selection: Selection
    path: str
    """Relative to the package root, ``/`` after a directory."""
    name: str
    importer: str
    line: int


# -- why a file is left out (DAT003) -----------------------------------------------------------------


@dataclass(frozen=True)
class OutsidePackages(LeftOut):
    shipped: tuple[str, ...]
    """Top-level names of the shipped packages and modules."""


@dataclass(frozen=True)
class SetuptoolsNotPackageData(LeftOut):
    package: str
    in_package: str
    """The file, relative to its package directory."""
    include_package_data: bool
    manifest: bool
    """A MANIFEST.in exists."""


@dataclass(frozen=True)
class HatchlingGitignored(LeftOut):
    package: str
    in_package: str


@dataclass(frozen=True)
class UvExcluded(LeftOut):
    """A ``wheel-exclude``, ``source-exclude`` or default exclude of ``[tool.uv.build-backend]``."""


@dataclass(frozen=True)
class PdmNotSelected(LeftOut):
    """Outside ``[tool.pdm.build] includes``, or matched by ``excludes``/``source-includes``."""


@dataclass(frozen=True)
class BackendLeavesOut(LeftOut):
    backend: str
