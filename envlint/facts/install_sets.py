"""The ``install_sets`` fact: the declared requirements that one install resolves together.

A project's requirements files are often alternatives (``requirements-min.txt`` with the oldest
supported pins, ``requirements-docs.txt`` for the docs build), never installed together. What one
installer run resolves is one of:

- ``pip install -r X`` for each top-level requirements file X: its lines, the files it includes
  with ``-r`` (and, as constraints, with ``-c``; a constraints file restricts only the installs
  that include it), plus the project's own dependencies when X installs the project (``-e .``);
- ``pip install .``: ``[project] dependencies``, setup.cfg/setup.py ``install_requires``, Poetry;
- ``conda env create``: the ``pip:`` section of ``environment.yml`` with what it includes.

The ``project`` fact reads every requirements file once, so it cannot say which file includes
which; the requirements files are read again here, one install at a time (problems are already
reported by the ``project`` fact). A set whose declarations all belong to a larger set (a file
that another file includes) is left out: a conflict in it is a conflict of the larger set.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from envlint.diagnostics import Problems
from envlint.facts import environment_yml, requirements_file
from envlint.facts.project import ENVIRONMENT_FILES, requirements_files
from envlint.facts.project_model import DeclaredRequirement, Project

if TYPE_CHECKING:
    from envlint.facts import Context

#: Declaration sources of the project's own metadata (what ``pip install .`` installs).
PACKAGE_SOURCES = frozenset({"pyproject", "setup.cfg", "setup.py", "poetry"})


@dataclass(frozen=True)
class InstallSet:
    """Declarations one installer run resolves together."""

    label: str
    """The file the install starts from, relative to the project root (``requirements.txt``)."""
    declared: tuple[DeclaredRequirement, ...]


def build(ctx: Context) -> list[InstallSet]:
    project: Project = ctx.get("project")
    return install_sets(project, ctx.config.root)


def install_sets(project: Project, root: Path) -> list[InstallSet]:
    package = tuple(d for d in project.requirements if d.source in PACKAGE_SOURCES)
    known = {_key(d): d for d in project.requirements}
    scratch = Problems()  # the project fact has reported every unreadable line already
    sets: list[InstallSet] = []
    for top in requirements_files(root):
        parsed = requirements_file.parse_files([top], scratch, root)
        declared = [_as_known(d, known) for d in parsed.requirements]
        if any(_installs_project(d, root) for d in declared):
            declared += package
        sets.append(InstallSet(_label(top, root), tuple(declared)))
    if package:
        sets.append(InstallSet(_label(package[0].where.path, root), package))
    for name in ENVIRONMENT_FILES:
        path = root / name
        if path.is_file():
            parsed_yml = environment_yml.parse(path, scratch)
            if parsed_yml is not None and parsed_yml.requirements:
                declared = [_as_known(d, known) for d in parsed_yml.requirements]
                if any(_installs_project(d, root) for d in declared):
                    declared += package
                sets.append(InstallSet(name, tuple(declared)))
    return _without_subsets(sets)


def _key(decl: DeclaredRequirement) -> tuple[str, int | None, int | None]:
    return (str(decl.where.path), decl.where.line, decl.where.column)


def _as_known(decl: DeclaredRequirement, known: dict[tuple[str, int | None, int | None], DeclaredRequirement]
              ) -> DeclaredRequirement:
    """The project fact's declaration for the same line (it names ``-e .`` after the local package),
    with this install's reading of it (a file is constraints only where ``-c`` includes it)."""
    same = known.get(_key(decl))
    if same is None or same.raw != decl.raw:
        return decl
    if (same.constraint, same.source) != (decl.constraint, decl.source):
        return dataclasses.replace(same, constraint=decl.constraint, source=decl.source)
    return same


def _installs_project(decl: DeclaredRequirement, root: Path) -> bool:
    """``.``, ``-e .`` or ``./`` (with extras or a marker): the install includes the project itself."""
    if decl.constraint or not decl.url or requirements_file.is_url(decl.url):
        return False
    location = decl.url.split("[", 1)[0].split(";", 1)[0].strip()
    try:
        return (root / location).resolve() == root.resolve()
    except (OSError, RuntimeError, ValueError):
        return False


def _label(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _without_subsets(sets: list[InstallSet]) -> list[InstallSet]:
    """Drop a set whose declarations are all in another set (the first of equal sets stays)."""
    keys = [frozenset((*_key(d), d.constraint) for d in s.declared) for s in sets]
    kept = []
    for i, s in enumerate(sets):
        if not s.declared:
            continue
        if any(j != i and keys[i] <= keys[j] and (keys[i] != keys[j] or j < i) for j in range(len(sets))):
            continue
        kept.append(s)
    return kept
