"""The ``pip:`` list of a conda ``environment.yml``, read line by line (PyYAML is not a dependency).

Only the shape conda documents is read: ``dependencies:`` holding a ``- pip:`` item whose own list
holds pip requirement lines and options (``--index-url ...``, ``-r requirements.txt``, ``-e .``).
Each item is parsed by the requirements-file parser at its own line and column.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from envlint.diagnostics import Problems
from envlint.facts.formats.requirements import RequirementsFiles, parse_text, strip_comment
from envlint.facts.formats.text import read_text

# Greedy tails, stripped in code: a lazy ``.*?\s*$`` backtracks quadratically over a long run of spaces.
_ITEM = re.compile(r"^(?P<indent>\s*)-\s+(?P<value>.*)")
_KEY = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z_][\w-]*)\s*:")


def pip_items(text: str) -> list[tuple[int, int, str]]:
    """(line, column, text) of every item of the ``pip:`` list under ``dependencies:``."""
    out: list[tuple[int, int, str]] = []
    lines = text.splitlines()
    in_deps = False
    deps_indent = -1
    pip_indent: int | None = None
    for number, raw in enumerate(lines, 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        key = _KEY.match(raw)
        if key and not raw.lstrip().startswith("-") and indent == 0:
            in_deps = key.group("key") == "dependencies"
            deps_indent = indent
            pip_indent = None
            continue
        if not in_deps:
            continue
        item = _ITEM.match(raw)
        if pip_indent is not None:
            if item and indent > pip_indent:
                value = _strip_comment(item.group("value"))
                value, offset = _unquote(value)
                if value:
                    out.append((number, item.start("value") + 1 + offset, value))
                continue
            pip_indent = None
        if item and indent > deps_indent:
            value = _strip_comment(item.group("value"))
            if re.match(r"^pip\s*:\s*$", value):
                pip_indent = indent
    return out


def _strip_comment(value: str) -> str:
    return strip_comment(value, at_start=False).strip()


def _unquote(value: str) -> tuple[str, int]:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip(), 1
    return value, 0


def parse(path: Path, problems: Problems) -> RequirementsFiles | None:
    text = read_text(path, problems)
    if text is None:
        return None
    items = pip_items(text)
    if not items:
        return RequirementsFiles()
    # A requirements text with each item at its own line and column, so positions carry over.
    width = max(line for line, _, _ in items)
    lines = [""] * width
    for line, column, value in items:
        lines[line - 1] = " " * (column - 1) + value
    result = parse_text(path, "\n".join(lines) + "\n", problems)
    result.requirements = [
        dataclasses.replace(r, source="environment.yml") if r.where.path == path else r for r in result.requirements]
    result.files = [f for f in result.files if f != path]
    return result
