"""A local package's source tree as its build files describe it: pyproject.toml, setup.py, setup.cfg."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from envlint.diagnostics import Problems
from envlint.facts.wheel_build.backends import REGISTRY
from envlint.facts.wheel_build.model import UnparsableBuildFile
from envlint.facts.project.model import BuildFailure, Position
from envlint.facts.formats.text import not_a_file, read_text

if TYPE_CHECKING:
    from envlint.facts import Context
    from envlint.facts.formats import pyproject as pyproject_mod
    from envlint.facts.formats import setup_cfg as setup_cfg_mod
    from envlint.facts.formats import setup_py as setup_py_mod

@dataclass
class PackageSource:
    root: Path
    pyproject: pyproject_mod.PyProject | None = None
    setup_py: setup_py_mod.SetupPy | None = None
    setup_cfg: setup_cfg_mod.SetupCfg | None = None
    problems: list[BuildFailure] = field(default_factory=list)
    """Why the build fails before any file selection (unparsable files, bad pyproject tables)."""

    @property
    def has_build_files(self) -> bool:
        return any(x is not None for x in (self.pyproject, self.setup_py, self.setup_cfg))

    @property
    def is_package(self) -> bool:
        """Do the build files describe a package (not just tool settings in pyproject.toml)?"""
        if self.setup_py is not None and self.setup_py.is_build_script:
            return True
        if self.setup_cfg is not None and self.setup_cfg.configures_package:
            return True
        return self.pyproject is not None and self.pyproject.is_package

    @property
    def backend(self) -> str | None:
        """The build-backend object reference; None when pip falls back to setuptools' legacy backend."""
        if self.pyproject is not None and self.pyproject.build_backend:
            return self.pyproject.build_backend
        return None

    @property
    def backend_module(self) -> str:
        return (self.backend or "setuptools.build_meta:__legacy__").split(":", 1)[0].strip()

    @property
    def family(self) -> str:
        """The module of :mod:`envlint.facts.wheel_build.backends` that predicts this backend's wheel, or 'other'."""
        return REGISTRY.get(self.backend_module, "other")

    @property
    def has_build_system(self) -> bool:
        return self.pyproject is not None and self.pyproject.has_build_system

    @property
    def name(self) -> str | None:
        if self.pyproject is not None and self.pyproject.name:
            return self.pyproject.name
        if self.setup_cfg is not None and self.setup_cfg.name:
            return self.setup_cfg.name
        if self.setup_py is not None:
            value = self.setup_py.value("name")
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    @property
    def canonical_name(self) -> str | None:
        from packaging.utils import canonicalize_name

        return canonicalize_name(self.name) if self.name else None

    @property
    def name_where(self) -> Position | None:
        if self.pyproject is not None and self.pyproject.doc is not None:
            for key in (("project", "name"), ("tool", "poetry", "name")):
                line = self.pyproject.doc.keys.get(key)
                if line:
                    return Position(self.pyproject.path, line, 1)
        if self.setup_cfg is not None and self.setup_cfg.name_where is not None:
            return self.setup_cfg.name_where
        if self.setup_py is not None and "name" in self.setup_py.keywords:
            return self.setup_py.keywords["name"].where
        main = self.main_file
        return Position(main, 1, 1) if main is not None else None

    @property
    def main_file(self) -> Path | None:
        for part in (self.pyproject, self.setup_py, self.setup_cfg):
            if part is not None:
                return part.path
        return None

    def build_system_where(self) -> Position:
        if self.pyproject is not None and self.pyproject.doc is not None and self.pyproject.has_build_system:
            return self.pyproject.at("build-system")
        main = self.main_file or self.root
        return Position(main, 1 if main != self.root else None)


def build(ctx: Context) -> PackageSource:
    """The ``package_source`` fact: the project root's own build files."""
    return load(ctx.config.root, ctx.problems)


def load(root: Path, problems: Problems, package: str | None = None) -> PackageSource:
    source = PackageSource(root)
    for name in ("pyproject.toml", "setup.cfg", "setup.py"):
        why = not_a_file(root / name)
        if why is not None:  # pip skips it, then fails for want of build files: say why it is not read
            problems.add(root / name, why, package=package)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        from envlint.facts.formats import pyproject as pyproject_mod  # tomllib and packaging: only when there is one

        source.pyproject = pyproject_mod.load(pyproject, problems)
        if source.pyproject is not None:
            source.problems += source.pyproject.problems
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        from envlint.facts.formats import setup_cfg as setup_cfg_mod

        source.setup_cfg = setup_cfg_mod.load(setup_cfg, problems)
        if source.setup_cfg is not None:
            source.problems += source.setup_cfg.problems
    setup_py = root / "setup.py"
    if setup_py.is_file():
        text = read_text(setup_py, problems, package=package)
        if text is not None:
            from envlint.facts.formats import setup_py as setup_py_mod

            parsed = setup_py_mod.parse(setup_py, text)
            source.setup_py = parsed
            if parsed.error is not None:
                message, line, column = parsed.error
                problems.add(setup_py, message, line=line, column=column, package=package)
                if message.startswith("does not parse"):  # not when it is only too deeply nested to read
                    source.problems.append(UnparsableBuildFile(
                        Position(setup_py, line, column), "setup.py",
                        message.removeprefix("does not parse as Python 3: "), _looks_like_python2(text)))
    return source


_PY2 = re.compile(r"^\s*(print\s+[\"'\w]|exec\s+[\"'\w])|except\s+\w+\s*,\s*\w+\s*:|\bur[\"']", re.MULTILINE)


def _looks_like_python2(text: str) -> bool:
    return bool(_PY2.search(text))
