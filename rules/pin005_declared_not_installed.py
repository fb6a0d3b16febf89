"""Declared but not installed (PIN005).

## What it does
When both a project and an environment are checked, reports every requirement the project declares
that the environment does not have: `[project] dependencies` of pyproject.toml (and Poetry's
dependencies, setup.cfg's and setup.py's `install_requires`), the lines of `requirements.txt` or
`requirements.in` at the project root, and the `pip:` list of `environment.yml`. Markers are
evaluated for the target (the workers' Linux and Python), so `pywin32; sys_platform == "win32"` is
not reported, while `uvloop; sys_platform == "linux"` is reported for an environment made on macOS.

Not reported: extras and dependency groups (installed on request), constraints, other requirements
files (`requirements-dev.txt`, `requirements/docs.txt`: often installed elsewhere), direct
references and local paths (SRC002 and LOC001 judge those), and the project's own packages. A
declared version the installed one does not satisfy is not this rule's business either.

## Why it breaks package sync
Package sync mirrors what is installed, not what the project declares. A declared dependency that
was never installed here is not installed on the workers either: the first `import torch` on a
worker fails, although `pip install -e .` on a fresh machine would have worked.

## Example
```toml
# pyproject.toml
[project]
dependencies = ["torch==2.3.1"]   # the environment has no torch
```
`torch==2.3.1 is declared in pyproject.toml but not installed in the environment: package sync mirrors only what is installed, so the workers will not have torch`

## How to fix
Install the project's dependencies into the environment you launch the cluster from
(`pip install -e .`, `pip install -r requirements.txt`), or remove the declaration if the project no
longer needs it.
"""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import canonicalize_name

from envlint.diagnostics import Finding, Severity
from envlint.facts.environment.reader import Environment
from envlint.facts.project.model import DeclaredRequirement, Project
from envlint.facts.target import Target
from envlint.registry import rule

#: Declarations of what the project installs by default (its metadata, environment.yml's pip list).
MAIN_SOURCES = frozenset({"pyproject", "poetry", "setup.cfg", "setup.py", "environment.yml"})
#: Requirements files whose lines are the project's main install (at the project root).
MAIN_REQUIREMENTS_FILES = frozenset({"requirements.txt", "requirements.in"})


@rule(code="PIN005", name="declared-not-installed", severity=Severity.ERROR,
      summary="A requirement the project declares is not installed in the environment")
def check(project: Project, environment: Environment, target: Target) -> Iterator[Finding]:
    own = {canonicalize_name(p.name) for p in project.local_packages if p.name}
    seen: set[tuple[str, str]] = set()
    for decl in project.requirements:
        name = decl.name
        if name is None or name in own or not _is_main(decl, project) or decl.url or decl.editable:
            continue
        req = decl.requirement
        if req is None or not target.marker_applies(req.marker) or environment.get(name) is not None:
            continue
        if (name, str(decl.where.path)) in seen:
            continue
        seen.add((name, str(decl.where.path)))
        where = decl.where.path.name
        yield Finding(
            message=(f"{decl.raw.strip()} is declared in {where} but not installed in the environment: package "
                     f"sync mirrors only what is installed, so the workers will not have {req.name}"),
            package=name, **decl.where.location,
            help=(f'install it into the environment you launch the cluster from (pip install "{_bare(decl)}", or '
                  f"{_reinstall(decl)}), or remove the declaration if the project no longer needs it"),
        )


def _is_main(decl: DeclaredRequirement, project: Project) -> bool:
    if decl.constraint or decl.group is not None:
        return False
    if decl.source in MAIN_SOURCES:
        return True
    return (decl.source == "requirements" and decl.where.path.name in MAIN_REQUIREMENTS_FILES
            and decl.where.path.parent == project.root)


def _reinstall(decl: DeclaredRequirement) -> str:
    if decl.source == "requirements":
        return f"pip install -r {decl.where.path.name}"
    if decl.source == "environment.yml":
        return f"conda env update -f {decl.where.path.name}"
    return "pip install -e ."


def _bare(decl: DeclaredRequirement) -> str:
    req = decl.requirement
    assert req is not None
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}{req.specifier}"
