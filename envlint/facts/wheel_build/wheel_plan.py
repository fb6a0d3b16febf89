"""What a backend will put in a local package's wheel: the :class:`WheelPlan` every backend returns.

A plan lists the shipped packages (with their directories) and top-level modules, and answers for
any file of the tree whether the wheel holds it (:meth:`WheelPlan.includes`). The backends under
:mod:`envlint.facts.wheel_build.backends` fill it; :mod:`envlint.facts.wheel_build.prediction` picks the backend.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from envlint.facts.wheel_build.model import Selection
from envlint.facts.wheel_build.package_finder import MAX_FILES, find_packages
from envlint.facts.formats.manifest_in import glob_regex
from envlint.facts.formats.setup_py import FindPackages
from envlint.facts.project.model import BuildFailure, Position

_SKIP_DIRS = {"__pycache__", "node_modules", ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "site-packages"}
_IMPLICIT_DATA = ("*.pyi", "py.typed")


def is_test_file(path: Path) -> bool:
    """Test code: it does not run on the workers, so what it reads or imports does not matter there."""
    name = path.name
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py" or \
        any(part in ("tests", "test", "testing") for part in path.parts[:-1])


@dataclass
class WheelPlan:
    backend: str
    packages: dict[str, Path]
    """Dotted package name -> its source directory."""
    modules: dict[str, Path]
    """Top-level single-file modules -> their file."""
    where: Position
    """Where the file selection is configured (or the file that implies it)."""
    setting: str = ""
    """The setting that selects the files, as written (see :class:`~envlint.facts.wheel_build.model.Selection`)."""
    default: str = ""
    """Which default of the backend selects them, when no setting does."""
    found: str = ""
    """What the default found (see :class:`~envlint.facts.wheel_build.model.Selection`)."""
    base: str = ""
    """Where the default looks, relative to the package root."""
    whole_dirs: bool = False
    """The backend ships every file under a package directory (hatchling, flit, poetry)."""
    explicit: bool = False
    """The build file lists the shipped code by hand (setuptools ``packages=[...]``, pdm ``includes``)."""
    find: FindPackages | None = None
    home: str = ""
    """The build file that holds the setting, when findings name it (setuptools: 'setup.py', 'setup.cfg',
    'pyproject.toml')."""
    auto: bool = False
    """setuptools' automatic discovery."""
    lists_packages: bool = False
    """The selection names each package (subpackages included) instead of shipping whole directories."""
    looks_only_in: Path | None = None
    """The one directory the backend searches by default (pdm-backend's ``src/``)."""
    package_data: dict[str, list[str]] = field(default_factory=dict)
    exclude_package_data: dict[str, list[str]] = field(default_factory=dict)
    include_package_data: bool = False
    data_known: bool = True
    manifest: set[str] | None = None
    """Files (relative to the package root) that MANIFEST.in selects."""
    vcs_files: bool = False
    """setuptools-scm adds every file under version control: package data is then likely included."""
    ignored: Callable[[str], bool] | None = None
    """hatchling: files its .gitignore handling leaves out (path relative to the package root)."""
    extensions: bool = False
    root: Path = Path(".")

    # -- membership ------------------------------------------------------------------------------
    def owners(self, path: Path) -> list[tuple[str, Path]]:
        """Shipped packages whose directory holds ``path``, deepest first."""
        out = []
        for name, directory in self.packages.items():
            if within(path, directory):
                out.append((name, directory))
        return sorted(out, key=lambda item: len(item[1].parts), reverse=True)

    def ships_python(self, path: Path) -> bool:
        if path in self.modules.values():
            return True
        if path.suffix != ".py":
            return False
        if self.whole_dirs:
            return bool(self.owners(path)) and not self._ignored(path)
        return any(directory == path.parent for _, directory in self.packages.items())

    def includes(self, path: Path) -> bool | None:
        """Will the wheel hold this file? None when envlint cannot tell."""
        if self.ships_python(path):
            return True
        owners = self.owners(path)
        if not owners:
            return False
        if self.whole_dirs:
            return not self._ignored(path)
        if not self.data_known:
            return None
        for name, directory in owners:
            rel_path = path.relative_to(directory).as_posix()
            if matches(rel_path, self.exclude_package_data.get("", []) + self.exclude_package_data.get(name, [])):
                return False
        for name, directory in owners:
            rel_path = path.relative_to(directory).as_posix()
            if matches(rel_path, [*_IMPLICIT_DATA, *self.package_data.get("", []), *self.package_data.get(name, [])]):
                return True
        if self.include_package_data:
            if self.vcs_files:
                return None
            if self.manifest is not None and rel(path, self.root) in self.manifest:
                return True
        return False

    def _ignored(self, path: Path) -> bool:
        return bool(self.ignored and self.ignored(rel(path, self.root)))

    def python_files(self, limit: int = MAX_FILES) -> Iterator[Path]:
        """The Python files the wheel ships (capped)."""
        seen = 0
        for path in sorted(set(self.modules.values())):
            yield path
        for _, directory in sorted(self.packages.items()):
            if self.whole_dirs and any(within(directory, d) and directory != d for d in self.packages.values()):
                continue
            entries = walk_files(directory) if self.whole_dirs else dir_files(directory)
            for path in entries:
                if path.suffix == ".py" and self.ships_python(path):
                    seen += 1
                    if seen > limit:
                        return
                    yield path

    def selection(self) -> Selection:
        """The selection without its file lists, as the rules need it to name a fix."""
        shipped = sorted({rel(d, self.root) for n, d in self.packages.items() if "." not in n} |
                         {rel(f, self.root) for f in self.modules.values()})
        return Selection(self.backend, self.setting, self.home, self.default, self.found, self.base, self.explicit,
                         tuple(shipped))

    def add_tree(self, name: str, directory: Path) -> None:
        """A whole directory shipped as package ``name`` (subpackages included)."""
        self.packages[name] = directory
        for nested in find_packages(directory, FindPackages(True)):
            self.packages[f"{name}.{nested}"] = directory.joinpath(*nested.split("."))


@dataclass
class Prediction:
    plan: WheelPlan | None
    problems: list[BuildFailure] = field(default_factory=list)
    """Selections the backend refuses (BLD002)."""


def rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def within(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory)
        return True
    except ValueError:
        return False


def matches(rel_path: str, patterns: list[str]) -> bool:
    return any(glob_regex(p.replace("\\", "/").lstrip("./") if p.startswith("./") else p.replace("\\", "/")).match(rel_path)
               for p in patterns if isinstance(p, str))


def dir_files(directory: Path) -> list[Path]:
    try:
        return sorted(p for p in directory.iterdir() if p.is_file())
    except OSError:
        return []


def walk_files(directory: Path, limit: int = MAX_FILES) -> list[Path]:
    """Files under ``directory`` (no hidden or cache directories, symlinked dirs not followed), capped."""
    out: list[Path] = []
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".") and not d.endswith(".egg-info"))
        for name in sorted(files):
            out.append(Path(current) / name)
            if len(out) >= limit:
                return out
    return out


def has_python(directory: Path, limit: int = 2000) -> bool:
    """Python files under ``directory``, not counting vendored projects (directories with build files)."""
    count = 0
    for current, dirs, files in os.walk(directory):
        if any(f in files for f in ("setup.py", "pyproject.toml", "setup.cfg")):
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
        if any(f.endswith(".py") for f in files):
            return True
        count += len(files)
        if count > limit:
            return False
    return False
