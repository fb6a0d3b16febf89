"""pyproject.toml: build system, PEP 621 metadata, dependency groups, and the uv/poetry/setuptools tables.

Values come from tomllib, positions from :mod:`envlint.facts.formats.toml`. Problems that stop a wheel
build (no ``requires``, an invalid requirement string, ``[project]`` without a name or version)
are collected as neutral facts (:mod:`envlint.facts.wheel_build.model`) that BLD002 words; a TOML syntax
error is also an input error (EL001).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from envlint.diagnostics import Problems
from envlint.facts.formats import toml as toml_doc
from envlint.facts.wheel_build.model import (MissingKey, NotAList, NotARequirementString, NotAString,
                                       NotATable, UnparsableBuildFile, UnparsableRequirement)
from envlint.facts.project.model import BuildFailure, DeclaredRequirement, IndexSetting, Position
from envlint.facts.formats.text import read_text


@dataclass
class PyProject:
    path: Path
    doc: toml_doc.TomlDoc | None
    error: toml_doc.TomlError | None = None
    has_build_system: bool = False
    build_requires: list[DeclaredRequirement] | None = None
    """None when ``[build-system]`` has no ``requires`` key (or there is no ``[build-system]``)."""
    build_backend: str | None = None
    backend_path: tuple[str, ...] = ()
    name: str | None = None
    requirements: list[DeclaredRequirement] = field(default_factory=list)
    """Runtime declarations: [project] dependencies and extras, dependency groups, poetry, uv sources."""
    group_includes: dict[str, list[str]] = field(default_factory=dict)
    """PEP 735 ``{include-group = ...}`` entries, by the group that holds them."""
    index_settings: list[IndexSetting] = field(default_factory=list)
    problems: list[BuildFailure] = field(default_factory=list)

    def at(self, *key: Any) -> Position:
        line = self.doc.line_of(*key) if self.doc is not None else None
        return Position(self.path, line or 1, 1 if line else None)

    def get(self, *key: Any, default: Any = None) -> Any:
        return self.doc.get(*key, default=default) if self.doc is not None else default

    def table(self, *key: Any) -> dict[str, Any]:
        return self.doc.table(*key) if self.doc is not None else {}

    @property
    def is_package(self) -> bool:
        """Does this file describe a buildable package (not just tool settings)?"""
        if self.doc is None:
            return True  # broken: treat as meant to be one, so BLD002 can say why it does not build
        if self.has_build_system or "project" in self.doc.data:
            return self.table("tool", "poetry").get("package-mode", True) is not False
        return bool(self.table("tool", "poetry")) and self.table("tool", "poetry").get("package-mode", True) is not False


def load(path: Path, problems: Problems) -> PyProject | None:
    text = read_text(path, problems)
    if text is None:
        return None
    parsed = toml_doc.parse(path, text)
    if isinstance(parsed, toml_doc.TomlError):
        problems.add(path, f"invalid TOML: {parsed.message}", line=parsed.line, column=parsed.column)
        result = PyProject(path, None, parsed)
        result.problems.append(UnparsableBuildFile(Position(path, parsed.line, parsed.column), "pyproject.toml",
                                                   parsed.message))
        return result
    result = PyProject(path, parsed)
    _build_system(result)
    _project(result)
    _poetry(result)
    _uv(result)
    return result


def _requirement_list(result: PyProject, key: tuple[Any, ...], source: str, *, build: bool = False) -> list[DeclaredRequirement]:
    doc = result.doc
    assert doc is not None
    value = doc.get(*key)
    out: list[DeclaredRequirement] = []
    if value is None:
        return out
    if not isinstance(value, list):
        result.problems.append(NotAList(result.at(*key), _key_text(key)))
        return out
    for item in value:
        if isinstance(item, dict) and source == "dependency-group":
            included = item.get("include-group")  # PEP 735 {include-group = "..."}
            if isinstance(included, str):
                result.group_includes.setdefault(str(key[-1]), []).append(included)
            continue
        if not isinstance(item, str):
            result.problems.append(NotARequirementString(result.at(*key), _key_text(key), item))
            continue
        line, column = doc.string_position(key, item)
        where = Position(result.path, line, column)
        try:
            req: Requirement | None = Requirement(item)
        except InvalidRequirement as exc:
            req = None
            if source != "dependency-group":  # groups are not part of the wheel's metadata
                result.problems.append(UnparsableRequirement(where, "pyproject.toml", _key_text(key), item,
                                                          str(exc).splitlines()[0]))
        group = str(key[-1]) if source in ("optional", "dependency-group") else None
        out.append(DeclaredRequirement(raw=item, requirement=req, where=where, source=source,
                                       url=req.url if req is not None else None, group=group))
    return out


def _key_text(key: tuple[Any, ...]) -> str:
    if len(key) >= 2:
        return f"[{'.'.join(str(k) for k in key[:-1])}] {key[-1]}"
    return str(key[0])


def _build_system(result: PyProject) -> None:
    doc = result.doc
    assert doc is not None
    table = doc.get("build-system")
    if table is None:
        return
    result.has_build_system = True
    if not isinstance(table, dict):
        result.problems.append(NotATable(result.at("build-system"), "build-system"))
        return
    if "requires" not in table:
        result.problems.append(MissingKey(result.at("build-system"), "build-system", "requires"))
    else:
        result.build_requires = _requirement_list(result, ("build-system", "requires"), "build-system", build=True)
    backend = table.get("build-backend")
    if backend is not None and not isinstance(backend, str):
        result.problems.append(NotAString(result.at("build-system", "build-backend"), "[build-system] build-backend"))
    elif isinstance(backend, str):
        result.build_backend = backend.strip()
    paths = table.get("backend-path")
    if isinstance(paths, list):
        result.backend_path = tuple(p for p in paths if isinstance(p, str))


def _project(result: PyProject) -> None:
    doc = result.doc
    assert doc is not None
    project = doc.get("project")
    if project is None:
        _dependency_groups(result)
        return
    if not isinstance(project, dict):
        result.problems.append(NotATable(result.at("project"), "project"))
        return
    dynamic = project.get("dynamic") or []
    dynamic = [d for d in dynamic if isinstance(d, str)] if isinstance(dynamic, list) else []
    name = project.get("name")
    if isinstance(name, str) and name.strip():
        result.name = name.strip()
    else:
        result.problems.append(MissingKey(result.at("project"), "project", "name"))
    if "version" not in project and "version" not in dynamic:
        result.problems.append(MissingKey(result.at("project"), "project", "version"))
    result.requirements += _requirement_list(result, ("project", "dependencies"), "pyproject")
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        for extra in optional:
            result.requirements += _requirement_list(result, ("project", "optional-dependencies", extra), "optional")
    _dependency_groups(result)


def _dependency_groups(result: PyProject) -> None:
    groups = result.get("dependency-groups")
    if isinstance(groups, dict):
        for group in groups:
            result.requirements += _requirement_list(result, ("dependency-groups", group), "dependency-group")


def _named(name: str) -> Requirement | None:
    try:
        return Requirement(name)
    except InvalidRequirement:
        return None


def _poetry(result: PyProject) -> None:
    doc = result.doc
    assert doc is not None
    poetry = doc.table("tool", "poetry")
    if not poetry:
        return
    if not result.name and isinstance(poetry.get("name"), str):
        result.name = poetry["name"]
    tables: list[tuple[Any, ...]] = [("tool", "poetry", "dependencies"), ("tool", "poetry", "dev-dependencies")]
    groups = poetry.get("group")
    if isinstance(groups, dict):
        tables += [("tool", "poetry", "group", g, "dependencies") for g in groups]
    for key in tables:
        deps = doc.get(*key)
        if not isinstance(deps, dict):
            continue
        for name, spec in deps.items():
            if name.lower() == "python":
                continue
            where = Position(result.path, doc.line_of(*key, name), _name_column(doc, key, name))
            specs = spec if isinstance(spec, list) else [spec]
            url = None
            for one in specs:
                if isinstance(one, dict):
                    for kind in ("git", "path", "url"):
                        if isinstance(one.get(kind), str):
                            url = one[kind] if kind != "git" else f"git+{one[kind]}" if "://" in one[kind] else one[kind]
                            break
                if url:
                    break
            raw = doc.lines[where.line - 1].strip() if where.line else name
            result.requirements.append(DeclaredRequirement(raw=raw, requirement=_named(name), where=where,
                                                           source="poetry", url=url))
    sources = poetry.get("source")
    if isinstance(sources, list):
        for i, source in enumerate(sources):
            if not isinstance(source, dict):
                continue
            url = source.get("url")
            if isinstance(url, str) and url.strip():
                where = result.at("tool", "poetry", "source", i, "url")
                priority = source.get("priority") or ("default" if source.get("default") else
                                                      "secondary" if source.get("secondary") else "primary")
                result.index_settings.append(IndexSetting(
                    "poetry-source", url.strip(), where,
                    origin=f"poetry source '{source.get('name', '?')}' (priority {priority})"))


def _name_column(doc: toml_doc.TomlDoc, key: tuple[Any, ...], name: str) -> int | None:
    line = doc.line_of(*key, name)
    if not line:
        return None
    text = doc.lines[line - 1]
    at = text.find(name)
    return at + 1 if at >= 0 else 1


def _uv(result: PyProject) -> None:
    doc = result.doc
    assert doc is not None
    uv = doc.table("tool", "uv")
    if not uv:
        return
    result.index_settings += uv_index_settings(doc, ("tool", "uv"), result.path, "[tool.uv] in pyproject.toml")
    sources = uv.get("sources")
    if isinstance(sources, dict):
        for name, spec in sources.items():
            for one in spec if isinstance(spec, list) else [spec]:
                if not isinstance(one, dict):
                    continue
                url = None
                if isinstance(one.get("git"), str):
                    url = "git+" + one["git"] if "://" in one["git"] else one["git"]
                    for ref in ("rev", "tag", "branch"):
                        if isinstance(one.get(ref), str):
                            url += f"@{one[ref]}"
                            break
                elif isinstance(one.get("path"), str):
                    url = one["path"]
                elif isinstance(one.get("url"), str):
                    url = one["url"]
                if url is None:
                    continue
                where = Position(result.path, doc.line_of("tool", "uv", "sources", name),
                                 _name_column(doc, ("tool", "uv", "sources"), name))
                raw = doc.lines[where.line - 1].strip() if where.line else name
                result.requirements.append(DeclaredRequirement(
                    raw=raw, requirement=_named(name), where=where, source="uv-source", url=url,
                    editable=bool(one.get("editable"))))


def uv_index_settings(doc: toml_doc.TomlDoc, prefix: tuple[Any, ...], path: Path, origin: str) -> list[IndexSetting]:
    """Index settings of a uv configuration table (``[tool.uv]`` or the top level of uv.toml)."""
    out: list[IndexSetting] = []
    table = doc.get(*prefix) if prefix else doc.data
    if not isinstance(table, dict):
        return out

    def where(*key: Any) -> Position:
        return Position(path, doc.line_of(*prefix, *key) or 1, None)

    indexes = table.get("index")
    if isinstance(indexes, list):
        for i, index in enumerate(indexes):
            if isinstance(index, dict) and isinstance(index.get("url"), str):
                flags = [f for f in ("default", "explicit") if index.get(f) is True]
                name = index.get("name", "?")
                out.append(IndexSetting("uv-index", index["url"], where("index", i, "url"),
                                        origin=f"uv index '{name}'" + (f" ({', '.join(flags)})" if flags else "")
                                        + f" in {origin}"))
    for section in ((), ("pip",)):
        sub = table.get(section[0]) if section else table
        if not isinstance(sub, dict):
            continue
        label = f"{origin}" + (" [pip]" if section else "")
        for key, kind in (("index-url", "index-url"), ("extra-index-url", "extra-index-url"),
                          ("find-links", "find-links")):
            value = sub.get(key)
            values = value if isinstance(value, list) else [value]
            for v in values:
                if isinstance(v, str) and v.strip():
                    out.append(IndexSetting(kind, v.strip(), where(*section, key), origin=label))
        if sub.get("no-index") is True:
            out.append(IndexSetting("no-index", "", where(*section, "no-index"), origin=label))
    return out
