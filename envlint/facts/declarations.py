"""Where the project declares each distribution (pyproject, requirements files, setup.cfg, setup.py).

Used to point an environment finding at the line a user edits. The richer project facts reuse
:func:`requirement_name`; this module only needs "name -> first declaring line".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

if TYPE_CHECKING:
    from envlint.facts import Context

_QUOTED = re.compile(r"""(["'])((?:(?!\1).)+)\1""")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
#: Files that declare dependencies, in the order a finding prefers them.
DEPENDENCY_FILES = ("pyproject.toml", "requirements.txt", "setup.cfg", "setup.py", "environment.yml")


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


def _requirements_files(root: Path) -> list[Path]:
    out = []
    for pattern in ("requirements*.txt", "requirements/*.txt", "requirements*.in"):
        out.extend(sorted(root.glob(pattern)))
    return out


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > 5 * 1024 * 1024:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


class Declarations(dict[str, Declaration]):
    """canonical name -> its first declaration. ``main_file`` is where undeclared findings may point."""

    main_file: Path | None = None


def build(ctx: Context) -> Declarations:
    root = ctx.config.root
    found = Declarations()

    def add(name: str | None, path: Path, line: int, column: int, text: str) -> None:
        if name and name not in found:
            found[name] = Declaration(name, path, line, column, text)

    pyproject = root / "pyproject.toml"
    text = _read(pyproject)
    if text is not None:
        section = ""
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("["):
                section = stripped
                continue
            if section.startswith(("[project", "[dependency-groups", "[tool.poetry")) and "build-system" not in section:
                for m in _QUOTED.finditer(line):
                    add(requirement_name(m.group(2)), pyproject, number, m.start(2) + 1, m.group(2))
                if section.startswith("[tool.poetry") and "dependencies" in section:
                    m = _NAME.match(line)
                    if m and "=" in line and m.group(1).lower() != "python":
                        add(canonicalize_name(m.group(1)), pyproject, number, m.start(1) + 1, line.strip())
    for req_file in _requirements_files(root):
        text = _read(req_file)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            body = line.split(" #", 1)[0].strip()
            if body.startswith(("-e ", "--editable")):
                m = re.search(r"#egg=([A-Za-z0-9._-]+)", line)
                if m:
                    add(canonicalize_name(m.group(1)), req_file, number, 1, body)
                continue
            add(requirement_name(body.rstrip("\\").strip()), req_file, number, line.find(body[:1]) + 1 if body else 1, body)
    setup_cfg = root / "setup.cfg"
    text = _read(setup_cfg)
    if text is not None:
        in_reqs = False
        for number, line in enumerate(text.splitlines(), 1):
            if re.match(r"^\s*(install_requires|setup_requires|tests_require)\s*=", line) or \
                    re.match(r"^\s*\[options\.extras_require\]", line):
                in_reqs = True
                after = line.split("=", 1)[1] if "=" in line else ""
                add(requirement_name(after), setup_cfg, number, line.find(after.strip()[:1]) + 1, after.strip())
                continue
            if in_reqs and line[:1] in (" ", "\t") and line.strip():
                add(requirement_name(line.strip()), setup_cfg, number, len(line) - len(line.lstrip()) + 1, line.strip())
            elif line.strip() and line[:1] not in (" ", "\t"):
                in_reqs = bool(re.match(r"^\s*\w+\s*=", line)) and in_reqs and False
    setup_py = root / "setup.py"
    text = _read(setup_py)
    if text is not None:
        for number, line in enumerate(text.splitlines(), 1):
            for m in _QUOTED.finditer(line):
                candidate = m.group(2)
                if any(op in candidate for op in "<>=~!") or "[" in candidate:
                    add(requirement_name(candidate), setup_py, number, m.start(2) + 1, candidate)
    for name in DEPENDENCY_FILES:
        if (root / name).is_file():
            found.main_file = root / name
            break
    else:
        reqs = _requirements_files(root)
        found.main_file = reqs[0] if reqs else None
    return found
