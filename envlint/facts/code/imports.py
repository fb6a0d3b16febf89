"""The imports of a Python module, read with ``ast`` (never run): the one import finder of envlint.

Each import comes with where it is written and when it runs: ``module`` (always), ``guarded`` (in
``try: ... except ImportError``), ``conditional`` (under ``if``/``for``/``while``/``match`` or in an
``except``/``else`` branch) or ``function`` (in a ``def`` or ``class`` body). For a script that runs as
``__main__`` (setup.py: pip runs it so), the body of ``if __name__ == "__main__":`` counts as
``module``.

Positions are those of the name as written: the dotted name of each ``import`` alias, the module of a
``from`` import (the statement itself for ``from . import x``), with 1-based columns in characters.

Used by setup.py's reader (:mod:`envlint.facts.formats.setup_py`), the build-time import follower
(:mod:`envlint.facts.wheel_build.build_imports`) and BLD005's search for importers of left-out code
(:mod:`envlint.facts.wheel_build.wheel_gaps`); those used a libcst walk, a second ``ast`` walk and a line
regex (which also matched ``import x`` inside strings and docstrings). Text that the host's ``ast``
cannot parse has no imports (:func:`find_imports` returns None): a module that does not parse fails on
the workers anyway, and the callers report the syntax error themselves; syntax newer than the host's
Python is not read either (run envlint with the project's Python).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

GUARD_EXCEPTIONS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_ORDER = {"module": 0, "guarded": 1, "conditional": 2, "function": 3}
#: From ``from`` to the first character of the module name: blanks, line continuations and dots.
_FROM_PREFIX = re.compile(r"from(?:[ \t\f]|\\(?:\r\n|\r|\n))*(?:\.(?:[ \t\f]|\\(?:\r\n|\r|\n))*)*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class ImportRef:
    module: str
    """Dotted name as written (``Cython.Build``); '' for ``from . import x``."""
    line: int
    column: int
    context: str
    """'module', 'guarded', 'conditional' or 'function' (see the module docstring)."""
    level: int = 0
    """Relative import level (``from . import x`` is 1)."""
    names: tuple[str, ...] = ()
    """For ``from X import a, b``: the imported names (none for ``*``)."""

    @property
    def top(self) -> str:
        return self.module.split(".", 1)[0]


def find_imports(path: Path, text: str, *, as_main: bool = False) -> list[ImportRef] | None:
    """Every import of ``text``, in source order; None when it does not parse (or is past the parse
    budget, :data:`envlint.facts.formats.text.MAX_PARSE_NODES`)."""
    from envlint.facts.formats.text import MAX_PARSE_NODES, syntax_size

    if syntax_size(text) > MAX_PARSE_NODES:
        return None
    try:
        tree = ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return imports_of(tree, text, as_main=as_main)


def imports_of(tree: ast.Module, text: str, *, as_main: bool = False) -> list[ImportRef]:
    """The imports of an already parsed module (``text`` is its source, for positions)."""
    return _Finder(text, as_main).find(tree)


def weaker(outer: str, inner: str) -> str:
    """The context of code with ``inner`` context inside code with ``outer`` context."""
    return outer if _ORDER[outer] >= _ORDER[inner] else inner


class _Finder:
    def __init__(self, text: str, as_main: bool) -> None:
        self.text = text
        self.as_main = as_main
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        self.out: list[ImportRef] = []

    def find(self, tree: ast.Module) -> list[ImportRef]:
        self.walk(tree.body, "module")
        return self.out

    def walk(self, body: list[ast.stmt], context: str) -> None:  # noqa: C901 - one branch per statement kind
        for stmt in body:
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    line, column = self.position(alias.lineno, alias.col_offset)
                    self.out.append(ImportRef(alias.name, line, column, context))
            elif isinstance(stmt, ast.ImportFrom):
                self.import_from(stmt, context)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.walk(stmt.body, "function")
            elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
                guarded = any(_catches_import_error(h) for h in stmt.handlers)  # type: ignore[attr-defined]
                self.walk(stmt.body, weaker(context, "guarded") if guarded else context)
                for handler in stmt.handlers:  # type: ignore[attr-defined]
                    self.walk(handler.body, weaker(context, "conditional"))
                self.walk(stmt.orelse, weaker(context, "conditional"))  # type: ignore[attr-defined]
                self.walk(stmt.finalbody, context)  # type: ignore[attr-defined]
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                self.walk(stmt.body, context)
            elif isinstance(stmt, ast.If):
                runs = self.as_main and _is_main_test(stmt.test)  # pip runs setup.py as __main__
                self.walk(stmt.body, context if runs else weaker(context, "conditional"))
                self.walk(stmt.orelse, weaker(context, "conditional"))
            elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
                self.walk(stmt.body, weaker(context, "conditional"))
                self.walk(stmt.orelse, weaker(context, "conditional"))
            elif isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    self.walk(case.body, weaker(context, "conditional"))

    def import_from(self, stmt: ast.ImportFrom, context: str) -> None:
        start = self.offset(stmt.lineno, stmt.col_offset)
        if stmt.module:
            prefix = _FROM_PREFIX.match(self.text, start)
            start = prefix.end() if prefix is not None else start
        line = self.line_of(start)
        names = tuple(a.name for a in stmt.names if a.name != "*")
        self.out.append(ImportRef(stmt.module or "", line, start - self.starts[line - 1] + 1, context,
                                  stmt.level, names))

    def offset(self, lineno: int, col_offset: int) -> int:
        """The index in the text of ``ast``'s (1-based line, UTF-8 byte column)."""
        start = self.starts[lineno - 1] if lineno - 1 < len(self.starts) else len(self.text)
        line = self.text[start:start + col_offset]
        return start + len(line.encode("utf-8")[:col_offset].decode("utf-8", errors="ignore"))

    def position(self, lineno: int, col_offset: int) -> tuple[int, int]:
        start = self.offset(lineno, col_offset)
        return lineno, start - self.starts[lineno - 1] + 1

    def line_of(self, index: int) -> int:
        from bisect import bisect_right

        return bisect_right(self.starts, index)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kind = handler.type
    if kind is None:
        return True
    names = [*kind.elts] if isinstance(kind, ast.Tuple) else [kind]
    return any((getattr(n, "id", None) or getattr(n, "attr", None)) in GUARD_EXCEPTIONS for n in names)


def _is_main_test(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [n for n in sides if isinstance(n, ast.Name) and n.id == "__name__"]
    strings = [n for n in sides if isinstance(n, ast.Constant) and n.value == "__main__"]
    return len(names) == 1 and len(strings) == 1
