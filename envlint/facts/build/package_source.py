"""A local package's source tree as its build files describe it: pyproject.toml, setup.py, setup.cfg."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from envlint.diagnostics import Problems
from envlint.facts.project.model import BuildProblem, Position
from envlint.facts.formats.text import not_a_file, read_text

if TYPE_CHECKING:
    from envlint.facts import Context
    from envlint.facts.formats import pyproject as pyproject_mod
    from envlint.facts.formats import setup_cfg as setup_cfg_mod
    from envlint.facts.formats import setup_py as setup_py_mod

#: build-backend module -> the family whose file selection envlint predicts.
BACKEND_FAMILIES = {
    "setuptools.build_meta": "setuptools",
    "hatchling.build": "hatchling",
    "flit_core.buildapi": "flit",
    "flit.buildapi": "flit",
    "poetry.core.masonry.api": "poetry",
    "poetry.masonry.api": "poetry",
    "uv_build": "uv",
    "pdm.backend": "pdm",
    "maturin": "maturin",
    "scikit_build_core.build": "scikit-build-core",
    "mesonpy": "meson-python",
}


@dataclass
class PackageSource:
    root: Path
    pyproject: pyproject_mod.PyProject | None = None
    setup_py: setup_py_mod.SetupPy | None = None
    setup_cfg: setup_cfg_mod.SetupCfg | None = None
    problems: list[BuildProblem] = field(default_factory=list)
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
        return BACKEND_FAMILIES.get(self.backend_module, "other")

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
                    hint = " (Python 2 syntax?)" if _looks_like_python2(text) else ""
                    source.problems.append(BuildProblem(
                        f"setup.py does not parse as Python 3{hint}: {message.removeprefix('does not parse as Python 3: ')}",
                        Position(setup_py, line, column),
                        "port setup.py to Python 3 (the build runs it with the workers' Python 3), or replace it "
                        "with a [project] table in pyproject.toml"))
    return source


_PY2 = re.compile(r"^\s*(print\s+[\"'\w]|exec\s+[\"'\w])|except\s+\w+\s*,\s*\w+\s*:|\bur[\"']", re.MULTILINE)


def _looks_like_python2(text: str) -> bool:
    return bool(_PY2.search(text))
