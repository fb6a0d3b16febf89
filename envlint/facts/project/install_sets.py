"""The ``install_sets`` fact: the declared requirements that one install resolves together.

A project's requirements files are often alternatives (``requirements-min.txt`` with the oldest
supported pins, ``requirements-docs.txt`` for the docs build), never installed together. What one
installer run resolves is one of:

- ``pip install -r X`` for each top-level requirements file X: its lines, the files it includes
  with ``-r`` (and, as constraints, with ``-c``; a constraints file restricts only the installs
  that include it), plus the project's own dependencies when X installs the project (``-e .``);
- ``pip install .``: ``[project] dependencies``, setup.cfg/setup.py ``install_requires``, Poetry;
- ``pip install .[E]`` for each extra E (pyproject.toml, setup.cfg or setup.py): the main
  dependencies and E's (an extra that names the project, ``all = ["app[a,b]"]``, stands for those
  extras); ``uv sync --group G`` for each dependency group G: the main dependencies and G's, with
  its ``{include-group = ...}`` entries. Extras and groups are alternatives: one at a time;
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
from envlint.facts.formats import environment_yml
from envlint.facts.formats import requirements as requirements_file
from envlint.facts.project import python_pin
from envlint.facts.project.declared import ENVIRONMENT_FILES, requirements_files
from envlint.facts.project.model import DeclaredRequirement, Project

if TYPE_CHECKING:
    from envlint.facts import Context

#: Declaration sources of the project's own metadata (what ``pip install .`` installs).
PACKAGE_SOURCES = frozenset({"pyproject", "setup.cfg", "setup.py", "poetry"})

#: Declaration sources of the project's extras and dependency groups (each installed on request).
OPTION_SOURCES = frozenset({"optional", "dependency-group"})

#: Where each file declares its extras (for the install sets' labels).
_EXTRAS_TABLE = {"pyproject.toml": "[project.optional-dependencies]", "setup.cfg": "[options.extras_require]",
                 "setup.py": "extras_require"}


@dataclass(frozen=True)
class InstallSet:
    """Declarations one installer run resolves together."""

    label: str
    """The file the install starts from, relative to the project root (``requirements.txt``), or the
    extra or group (``pyproject.toml [project.optional-dependencies] dev``)."""
    declared: tuple[DeclaredRequirement, ...]
    option: str | None = None
    """The extra or dependency group this install adds to the main dependencies (``pip install .[dev]``,
    ``uv sync --group test``); None for the other installs. A conflict of such an install counts only
    when one of its lines belongs to the option: the main dependencies are checked on their own."""
    python: tuple[str, str] | None = None
    """The Python this install asks for, as (a PEP 440 specifier, where it is written), when it says:
    an environment file's ``python`` item, uv's per-group ``requires-python`` (with the project's)."""


def build(ctx: Context) -> list[InstallSet]:
    project: Project = ctx.get("project")
    source = ctx.peek("package_source")
    includes = source.pyproject.group_includes if source is not None and source.pyproject is not None else {}
    return install_sets(project, ctx.config.root, includes)


def install_sets(project: Project, root: Path, group_includes: dict[str, list[str]] | None = None
                 ) -> list[InstallSet]:
    package = tuple(d for d in project.requirements if d.source in PACKAGE_SOURCES)
    options = _Options(project, group_includes or {})
    known = {_key(d): d for d in project.requirements}
    scratch = Problems()  # the project fact has reported every unreadable line already
    sets: list[InstallSet] = []
    for top in requirements_files(root):
        parsed = requirements_file.parse_files([top], scratch, root)
        declared = [_as_known(d, known) for d in parsed.requirements]
        for d in [d for d in declared if _installs_project(d, root)]:
            declared += [*package, *options.extras(_extras_of(d))]
        sets.append(InstallSet(_label(top, root), tuple(dict.fromkeys(declared))))
    if package:
        sets.append(InstallSet(_label(package[0].where.path, root), package))
    # `pip install .[extra]` and `uv sync --group group`: the main dependencies and that one option
    # (options are alternatives: two extras that pin different versions are not a conflict).
    for extra, first in options.names("optional"):
        sets.append(InstallSet(f"{_label(first.where.path, root)} {_EXTRAS_TABLE.get(first.where.path.name, 'extra')} "
                               f"{extra}", tuple(dict.fromkeys([*package, *options.extras([extra])])), option=extra))
    group_python = python_pin.uv_group_requires_python(root)
    for group, first in options.names("dependency-group"):
        spec = group_python.get(group)
        if spec is not None:
            own = python_pin.project_requires_python(root)
            spec = f"{own},{spec}" if own else spec
        sets.append(InstallSet(f"{_label(first.where.path, root)} [dependency-groups] {group}",
                               tuple(dict.fromkeys([*package, *options.group(group)])), option=group,
                               python=(spec, "uv dependency group requires-python") if spec else None))
    for name in ENVIRONMENT_FILES:
        path = root / name
        if path.is_file():
            parsed_yml = environment_yml.parse(path, scratch)
            if parsed_yml is not None and parsed_yml.requirements:
                declared = [_as_known(d, known) for d in parsed_yml.requirements]
                if any(_installs_project(d, root) for d in declared):
                    declared += package
                spec = python_pin.environment_yml_spec(path)
                sets.append(InstallSet(name, tuple(declared), python=(spec, name) if spec else None))
    return _without_subsets(sets)


class _Options:
    """The project's extras and dependency groups, with their references followed: an extra that
    names the project itself (``all = ["app[a,b]"]``) and a group's ``{include-group = ...}``."""

    def __init__(self, project: Project, includes: dict[str, list[str]]) -> None:
        from packaging.utils import canonicalize_name

        self._canonical = canonicalize_name
        own = [p.name for p in project.local_packages if p.origin == "project" and p.name]
        self.own = canonicalize_name(own[0]) if own else None
        self.declared = [d for d in project.requirements if d.source in OPTION_SOURCES and d.group]
        self.includes = {canonicalize_name(k): [canonicalize_name(v) for v in vs] for k, vs in includes.items()}

    def names(self, source: str) -> list[tuple[str, DeclaredRequirement]]:
        first: dict[str, DeclaredRequirement] = {}
        for d in self.declared:
            if d.source == source:
                first.setdefault(d.group or "", d)
        return sorted(first.items())

    def extras(self, names: list[str], seen: set[str] | None = None) -> list[DeclaredRequirement]:
        seen = set() if seen is None else seen
        out: list[DeclaredRequirement] = []
        for name in names:
            key = self._canonical(name)
            if key in seen:
                continue
            seen.add(key)
            for d in self.declared:
                if d.source != "optional" or self._canonical(d.group or "") != key:
                    continue
                req = d.requirement
                if req is not None and self.own is not None and self._canonical(req.name) == self.own and not req.url:
                    out += self.extras(sorted(req.extras), seen)  # the project's own extras
                else:
                    out.append(d)
        return out

    def group(self, name: str, seen: set[str] | None = None) -> list[DeclaredRequirement]:
        seen = set() if seen is None else seen
        key = self._canonical(name)
        if key in seen:
            return []
        seen.add(key)
        out = [d for d in self.declared if d.source == "dependency-group" and self._canonical(d.group or "") == key]
        for included in self.includes.get(key, []):
            out += self.group(included, seen)
        return out


def _extras_of(decl: DeclaredRequirement) -> list[str]:
    """The extras of ``.[dev,test]`` (a requirement line that installs the project)."""
    text = (decl.url or "").split(";", 1)[0]
    if "[" not in text or "]" not in text:
        return []
    return [e.strip() for e in text.split("[", 1)[1].split("]", 1)[0].split(",") if e.strip()]


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
    """Drop a set whose declarations are all in another set (the first of equal sets stays). An
    extra's or group's set never stands in for a set without one (it reports only the option's
    conflicts: the main dependencies keep their own set)."""
    keys = [frozenset((*_key(d), d.constraint) for d in s.declared) for s in sets]

    def covers(j: int, i: int) -> bool:
        if j == i or not keys[i] <= keys[j] or (keys[i] == keys[j] and j > i):
            return False
        if sets[i].python is not None and sets[i].python != sets[j].python:
            return False  # an install for another Python is its own
        return sets[j].option is None or sets[i].option is not None

    kept = []
    for i, s in enumerate(sets):
        if not s.declared:
            continue
        if any(covers(j, i) for j in range(len(sets))):
            continue
        kept.append(s)
    return kept
