"""``# envlint: ignore[...]`` comments that suppress nothing (EL002, like ruff's unused ``noqa``).

The engine records which comments suppressed a finding; this module finds every suppression comment
in the project's files and reports the rest: a code that names no rule, a code whose rules ran and
found nothing on that line, a bare ``# envlint: ignore`` on a line without findings. A code whose
rules did not run completely (not selected, skipped for want of an environment or the index) is never
called unused: nothing is known about it. In Python files only real comments count (``tokenize``),
never the text of a string.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from envlint.diagnostics import Finding

SUPPRESS = re.compile(r"#\s*envlint:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?", re.IGNORECASE)
#: Files larger than this are not searched for comments (generated data, not code).
MAX_FILE = 5 * 1024 * 1024


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
        if rel.endswith(".ipynb"):  # a cell's line is no line of the file: not judged here
            continue
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


def unused(comments: list[Comment], used: set[tuple[str, int, str]], known: set[str],
           complete: Callable[[str], bool]) -> list[Finding]:
    """EL002 findings for the comments (``used``: (path, line, selector) that suppressed something)."""
    out: list[Finding] = []
    for c in comments:
        where = {"path": c.path, "line": c.line, "column": c.column}
        if not c.codes:
            if (c.path, c.line, "") not in used and complete(""):
                out.append(Finding(message="`# envlint: ignore` suppresses nothing on this line", **where,
                                   help="remove the comment: it hides nothing now and would hide any finding "
                                        "that appears on this line later"))
            continue
        for code in c.codes:
            if not any(k.startswith(code) for k in known):
                out.append(Finding(message=f"unknown rule code '{code}' in `# envlint: ignore[...]`", **where,
                                   help="fix the code (`envlint rules` lists them) or remove it"))
            elif (c.path, c.line, code) not in used and complete(code):
                out.append(Finding(message=f"unused suppression: no {code} finding on this line", **where,
                                   help=f"remove {code} from the comment: it hides nothing now and would hide a "
                                        "finding that appears on this line later"))
    return out
