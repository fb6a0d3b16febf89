"""Where the project declares each distribution: the line a user edits, built on the ``project`` fact.

An environment finding about a distribution (PIN001, SRC003, ...) is pointed at its declaration:
the exact line and column in pyproject.toml, a requirements file (nested ``-r`` files included),
setup.cfg, setup.py or environment.yml. The project's own name points at its ``name = ...`` line,
so a finding about the project's editable install (LOC001) lands in its pyproject.toml.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from envlint.facts.project.model import DeclaredRequirement, Project

if TYPE_CHECKING:
    from envlint.facts import Context

#: Files that declare dependencies, in the order a finding prefers them.
DEPENDENCY_FILES = ("pyproject.toml", "requirements.txt", "setup.cfg", "setup.py", "environment.yml")
#: Declaration sources, preferred first (a constraint only narrows, so it comes last).
_SOURCE_ORDER = {"pyproject": 0, "optional": 1, "dependency-group": 2, "poetry": 0, "uv-source": 3,
                 "requirements": 4, "setup.cfg": 5, "setup.py": 6, "environment.yml": 7, "constraints": 9}


@dataclass(frozen=True)
class Declaration:
    name: str
    path: Path
    line: int
    column: int
    text: str


def requirement_name(text: str) -> str | None:
    text = text.strip()
    if not text or text.startswith(("-", "#")):
        return None
    try:
        return canonicalize_name(Requirement(text).name)
    except InvalidRequirement:
        return None


class Declarations(dict[str, Declaration]):
    """canonical name -> its preferred declaration. ``main_file`` is where undeclared findings may point."""

    main_file: Path | None = None


def from_project(project: Project) -> Declarations:
    found = Declarations()

    def key(req: DeclaredRequirement) -> tuple[int, int, str, int, int]:
        return (1 if req.constraint else 0, _SOURCE_ORDER.get(req.source, 8), str(req.where.path),
                req.where.line or 0, req.where.column or 0)

    for req in sorted(project.requirements, key=key):
        name = req.name
        if name and name not in found and req.where.line:
            found[name] = Declaration(name, req.where.path, req.where.line, req.where.column or 1, req.raw)
    for package in project.local_packages:
        if package.origin == "project" and package.name and package.name not in found and \
                package.name_where is not None and package.name_where.line:
            where = package.name_where
            found[package.name] = Declaration(package.name, where.path, where.line, where.column or 1, package.name)
    found.main_file = project.main_dependency_file
    return found


def build(ctx: Context) -> Declarations:
    return from_project(ctx.get("project"))
