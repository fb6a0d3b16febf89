"""Where a run stands: the project a PATH argument names, and the repository root paths are shown from.

Paths in every output format are relative to the *repository root*: the git work tree that contains
the project (the nearest directory upwards holding ``.git``), else the working directory when the
project is inside it, else the project root itself. ``envlint services/api`` run anywhere in a
repository reports ``services/api/app.py``, the path GitHub (SARIF, annotations) expects.

One run checks one project. A directory argument is a project; a file argument restricts the run to
that file, in the project that holds it (the nearest directory upwards with a ``pyproject.toml``,
``setup.py``, ``setup.cfg``, ``requirements.txt`` or ``environment.yml``, not above the repository
root; else the file's directory). Arguments that name different projects are refused: envlint never
merges them silently into their common parent.
"""

from __future__ import annotations

import os
from pathlib import Path

from envlint.config import ConfigError

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "environment.yml",
                   "environment.yaml")


def git_root(start: Path) -> Path | None:
    """The git work tree holding ``start`` (a ``.git`` directory or file), or None."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def repository_root(project: Path, cwd: Path | None = None) -> Path:
    """Where displayed paths start (see the module docstring)."""
    project = project.resolve()
    found = git_root(project)
    if found is not None:
        return found
    here = (cwd or Path.cwd()).resolve()
    if project == here or here in project.parents:
        return here
    return project


def _project_of_file(path: Path) -> Path:
    start = path.parent.resolve()
    stop = git_root(start)
    for directory in (start, *start.parents):
        if any((directory / marker).is_file() for marker in PROJECT_MARKERS):
            return directory
        if directory == stop:
            break
    return start


def project_root(paths: list[Path]) -> Path:
    """The one project the PATH arguments name (absolute); a ConfigError when they name several."""
    roots: dict[Path, list[str]] = {}
    for p in paths:
        root = Path(os.path.abspath(p)) if p.is_dir() else Path(os.path.abspath(_project_of_file(p)))
        roots.setdefault(root.resolve(), []).append(str(p))
    if len(roots) == 1:
        return Path(os.path.abspath(next(iter(roots))))
    dirs = [str(p) for p in paths if p.is_dir()]
    if len(dirs) >= 2:
        listed = ", ".join(dirs)
        raise ConfigError(f"several projects given ({listed}): envlint checks one project per run",
                          hint="run it once per project, e.g. " + " && ".join(f"envlint {d}" for d in dirs[:2]))
    listed = ", ".join(" ".join(v) for v in roots.values())
    raise ConfigError(f"the paths given belong to different projects ({listed}): envlint checks one project per run",
                      hint="give the files of one project, or run envlint once per project")


def rebase(path: str | None, project: Path, repository: Path) -> str | None:
    """A project-relative (or absolute) POSIX path as shown: relative to the repository root when it
    lies inside it, else absolute."""
    if path is None or project == repository:
        return path
    full = path if os.path.isabs(path) else os.path.join(project, path)
    rel = os.path.relpath(os.path.normpath(full), repository)
    if rel == ".." or rel.startswith(".." + os.sep):
        return Path(os.path.normpath(full)).as_posix()
    return Path(rel).as_posix()
