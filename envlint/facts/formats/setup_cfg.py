"""setup.cfg: setuptools' declarative configuration, with the line of every value.

Lists follow setuptools' rule: a value with line breaks is one item per line, otherwise it is split
at ``,`` (``;`` for requirement lists, whose markers may hold commas).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from envlint.diagnostics import Problems
from envlint.facts.formats import ini as ini_doc
from envlint.facts.wheel_build.model import UnparsableBuildFile, UnparsableRequirement
from envlint.facts.project.model import BuildFailure, DeclaredRequirement, Position, setuptools_extra
from envlint.facts.formats.setup_py import FindPackages
from envlint.facts.formats.text import read_text


@dataclass
class SetupCfg:
    path: Path
    doc: ini_doc.IniDoc | None
    name: str | None = None
    name_where: Position | None = None
    requirements: list[DeclaredRequirement] = field(default_factory=list)
    setup_requires: list[DeclaredRequirement] = field(default_factory=list)
    packages: Any = None
    """A list of names, a FindPackages, or None when not given."""
    packages_where: Position | None = None
    py_modules: list[str] | None = None
    package_dir: dict[str, str] | None = None
    package_data: dict[str, list[str]] | None = None
    exclude_package_data: dict[str, list[str]] | None = None
    include_package_data: bool | None = None
    problems: list[BuildFailure] = field(default_factory=list)

    @property
    def configures_package(self) -> bool:
        return self.doc is None or any(s in self.doc.sections for s in ("metadata", "options"))


def _items(value: ini_doc.IniValue, separator: str = ",") -> list[tuple[str, int, int]]:
    if len(value.items) > 1 or (value.items and value.items[0][0] != value.line):
        return [(t, line, col) for line, col, t in value.items if t and not t.startswith("#")]
    out = []
    for line, col, text in value.items:
        offset = 0
        for piece in text.split(separator):
            stripped = piece.strip()
            if stripped and not stripped.startswith("#"):
                out.append((stripped, line, col + offset + (len(piece) - len(piece.lstrip()))))
            offset += len(piece) + 1
    return out


def _bool(value: ini_doc.IniValue | None) -> bool | None:
    if value is None:
        return None
    return value.text.strip().lower() in ("1", "true", "yes")


def load(path: Path, problems: Problems) -> SetupCfg | None:
    text = read_text(path, problems)
    if text is None:
        return None
    parsed = ini_doc.parse(text)
    if isinstance(parsed, ini_doc.IniError):
        problems.add(path, f"invalid setup.cfg: {parsed.message}", line=parsed.line)
        result = SetupCfg(path, None)
        result.problems.append(UnparsableBuildFile(Position(path, parsed.line), "setup.cfg", parsed.message))
        return result
    result = SetupCfg(path, parsed)
    name = parsed.get("metadata", "name")
    if name is not None and name.text.strip():
        result.name = name.text.strip()
        result.name_where = Position(path, name.line, 1)
    for key, target in (("install_requires", result.requirements), ("setup_requires", result.setup_requires)):
        value = parsed.get("options", key)
        if value is not None:
            target += _requirements(path, value, "setup.cfg", result.problems)
    for extra in parsed.section("options.extras_require"):  # alternatives, not main dependencies
        result.requirements += [setuptools_extra(d, extra.key, "setup.cfg")
                                for d in _requirements(path, extra, "setup.cfg", result.problems)]
    packages = parsed.get("options", "packages")
    if packages is not None:
        result.packages_where = Position(path, packages.line, 1)
        text_value = packages.text.strip()
        if text_value in ("find:", "find_namespace:"):
            find = {v.key: v for v in parsed.section("options.packages.find")}
            where = find["where"].text.strip() if "where" in find else "."
            include = tuple(t for t, _, _ in _items(find["include"])) if "include" in find else ("*",)
            exclude = tuple(t for t, _, _ in _items(find["exclude"])) if "exclude" in find else ()
            result.packages = FindPackages(text_value == "find_namespace:", where, include, exclude)
        else:
            result.packages = [t for t, _, _ in _items(packages)]
    modules = parsed.get("options", "py_modules")
    if modules is not None:
        result.py_modules = [t for t, _, _ in _items(modules)]
    package_dir = parsed.get("options", "package_dir")
    if package_dir is not None:
        result.package_dir = {}
        for item, _, _ in _items(package_dir):
            key, sep, value = item.partition("=")
            if sep:
                result.package_dir[key.strip()] = value.strip()
    result.include_package_data = _bool(parsed.get("options", "include_package_data"))
    for section, attr in (("options.package_data", "package_data"),
                          ("options.exclude_package_data", "exclude_package_data")):
        values = parsed.section(section)
        if values:
            setattr(result, attr, {("" if v.key == "*" else v.key): [t for t, _, _ in _items(v)] for v in values})
    return result


def _requirements(path: Path, value: ini_doc.IniValue, source: str,
                  problems: list[BuildFailure]) -> list[DeclaredRequirement]:
    out = []
    for text, line, column in _items(value, ";" if len(value.items) <= 1 else ","):
        if text.startswith("file:"):
            continue
        where = Position(path, line, column)
        try:
            req: Requirement | None = Requirement(text)
        except InvalidRequirement as exc:
            problems.append(UnparsableRequirement(where, "setup.cfg", f"[options] {value.key}", text,
                                               str(exc).splitlines()[0]))
            req = None
        out.append(DeclaredRequirement(raw=text, requirement=req, where=where, source=source,
                                       url=req.url if req is not None else None))
    return out
