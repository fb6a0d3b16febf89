"""Value types of the project facts (filled by envlint.facts.project; read by rules).

Kept apart from the parsers so that rules and other facts (the index, the resolver) can depend on
the shapes without pulling in libcst or the tree walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement


@dataclass(frozen=True)
class Position:
    path: Path
    line: int | None = None
    column: int | None = None


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

    @property
    def name(self) -> str | None:
        from packaging.utils import canonicalize_name

        return canonicalize_name(self.requirement.name) if self.requirement else None


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


@dataclass(frozen=True)
class LocalPackage:
    """The project itself, or an editable/local-directory install of the environment."""

    root: Path
    name: str | None
    """Canonical distribution name, when known."""
    origin: str
    """'project', 'editable' or 'local-directory'."""
    built_on_target: bool | None = None
    """For installed local packages: was its wheel built on a machine matching the target?"""
    version: str | None = None


@dataclass
class Project:
    root: Path
    requirements: list[DeclaredRequirement] = field(default_factory=list)
    index_settings: list[IndexSetting] = field(default_factory=list)
    local_packages: list[LocalPackage] = field(default_factory=list)
    main_dependency_file: Path | None = None
    """pyproject.toml / requirements.txt / setup.cfg / setup.py: where undeclared findings point."""
