"""The ``suppression_comments`` fact: every ``# envlint: ignore[...]`` comment of the project's files,
and :class:`SuppressionUse`, what the engine learnt about them while it filtered the findings.

Read for EL002 (rules/el002_unused_suppression.py, like ruff's unused ``noqa``). In Python files only
real comments count (``tokenize``), never the text of a string.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from envlint.facts import Context

SUPPRESS = re.compile(r"#\s*envlint:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?", re.IGNORECASE)
#: Files larger than this are not searched for comments (generated data, not code).
MAX_FILE = 5 * 1024 * 1024
#: Files where ``#`` starts a comment and findings are placed: Python, requirements, TOML, INI, YAML.
#: Documentation (Markdown, reST) that shows the syntax is no suppression.
COMMENT_SUFFIXES = (".py", ".pyw", ".txt", ".in", ".toml", ".cfg", ".ini", ".conf", ".yml", ".yaml")


@dataclass(frozen=True)
class Comment:
    path: str
    """POSIX path relative to the project root."""
    line: int
    column: int
    codes: tuple[str, ...]
    """Upper-case codes or prefixes; empty for a bare ``# envlint: ignore``."""


def comments_in(root: Path, files: Iterable[str]) -> list[Comment]:
    out: list[Comment] = []
    for rel in files:
        if not rel.endswith(COMMENT_SUFFIXES):  # a notebook cell's line is no line of the file, and
            continue                              # documentation that shows the syntax hides nothing
        try:
            full = root / rel
            if full.stat().st_size > MAX_FILE:
                continue
            data = full.read_bytes()
        except OSError:
            continue
        if b"envlint" not in data:
            continue
        text = data.decode("utf-8", "replace")
        for line, column, comment in _comments(rel, text):
            for m in SUPPRESS.finditer(comment):
                codes = tuple(c.strip().upper() for c in (m.group(1) or "").split(",") if c.strip())
                out.append(Comment(rel, line, column + m.start() + 1, codes))
    return out


def _comments(rel: str, text: str) -> Iterable[tuple[int, int, str]]:
    """(line, 0-based column, text) of the comments of a file."""
    if rel.endswith((".py", ".pyw")):
        try:
            for tok in tokenize.generate_tokens(io.StringIO(text).readline):
                if tok.type == tokenize.COMMENT:
                    yield tok.start[0], tok.start[1], tok.string
            return
        except (tokenize.TokenError, SyntaxError, ValueError):
            pass  # a file that does not tokenize: read it line by line
    for number, line in enumerate(text.splitlines(), 1):
        at = line.find("#")
        if at >= 0 and "envlint" in line:
            yield number, at, line[at:]


@dataclass(frozen=True)
class SuppressionUse:
    """Which comments hid a finding in this run, and which rules ran completely (filled by the engine)."""

    used: frozenset[tuple[str, int, str]]
    """(path, line, selector) of every comment selector that suppressed a finding; "" for a bare comment."""
    known: frozenset[str]
    """Every rule code."""
    complete: frozenset[str]
    """Codes of the enabled rules that ran completely (not skipped, in part or whole)."""
    enabled: frozenset[str]

    def ran_completely(self, selector: str) -> bool:
        """Every enabled rule the selector names ran completely (and there is at least one)."""
        matching = [c for c in self.enabled if c.startswith(selector)]
        return bool(matching) and all(c in self.complete for c in matching)


def build(ctx: Context) -> list[Comment]:
    tree = ctx.get("project_tree")
    if Path(tree.root) != ctx.config.root:  # a single-file run: the file's own directory
        return []
    return comments_in(tree.root, tree.files)
