"""Names bound in one module or function body, for the read scanner: imports, constants, parameter
defaults and (for a method) class attributes; everything else is unknown."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

UNKNOWN = object()


@dataclass(frozen=True)
class Default:
    """A parameter whose default is a value: followed, and reported where the default is written."""

    name: str
    node: ast.expr


class Scope:
    """Names bound in one module or function body: imports, constants, everything else unknown."""

    def __init__(self, body: list[ast.stmt], parent: Scope | None, params: tuple[str, ...] = (),
                 defaults: dict[str, ast.expr] | None = None) -> None:
        self.parent = parent
        self.imports: dict[str, str] = {}
        self.values: dict[str, Any] = {p: UNKNOWN for p in params}
        self.values.update({p: Default(p, node) for p, node in (defaults or {}).items()})
        self.self_name: str | None = None
        self.owner: ast.ClassDef | None = None
        """For a method: its first parameter, and the class it can read attributes of through it."""
        counts: dict[str, int] = {}
        for name, value in _bindings(body, self.imports):
            counts[name] = counts.get(name, 0) + 1
            self.values[name] = value if value is not None and name not in params else UNKNOWN
        for name, n in counts.items():
            if n > 1:
                self.values[name] = UNKNOWN
        self.params = params
        self.rebound = frozenset(counts)
        """Names the body binds (a parameter among them no longer holds what the caller passed)."""

    def lookup(self, name: str) -> tuple[str, Any] | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.imports:
                return "import", scope.imports[name]
            if name in scope.values:
                return "value", scope.values[name]
            scope = scope.parent
        return None


def _bindings(body: list[ast.stmt], imports: dict[str, str]):
    """(name, value node or None) for every binding made directly in ``body`` (not nested scopes)."""
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            simple = len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            for target in stmt.targets:
                for name in _target_names(target):
                    yield name, stmt.value if simple else None
        elif isinstance(stmt, ast.AnnAssign):
            for name in _target_names(stmt.target):
                yield name, stmt.value
        elif isinstance(stmt, ast.AugAssign):
            for name in _target_names(stmt.target):
                yield name, None
                yield name, None
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    imports[top] = top
        elif isinstance(stmt, ast.ImportFrom):
            if stmt.level == 0 and stmt.module:
                for alias in stmt.names:
                    if alias.name != "*":
                        imports[alias.asname or alias.name] = f"{stmt.module}.{alias.name}"
            else:
                for alias in stmt.names:
                    yield alias.asname or alias.name, None
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield stmt.name, None
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            for name in _target_names(stmt.target):
                yield name, None
            yield from _bindings(stmt.body, imports)
            yield from _bindings(stmt.orelse, imports)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    for name in _target_names(item.optional_vars):
                        yield name, None
            yield from _bindings(stmt.body, imports)
        elif isinstance(stmt, (ast.If, ast.While)):
            yield from _bindings(stmt.body, imports)
            yield from _bindings(stmt.orelse, imports)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            yield from _bindings(stmt.body, imports)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                if handler.name:
                    yield handler.name, None
                yield from _bindings(handler.body, imports)
            yield from _bindings(stmt.orelse, imports)  # type: ignore[attr-defined]
            yield from _bindings(stmt.finalbody, imports)  # type: ignore[attr-defined]
        elif isinstance(stmt, ast.Global):
            for name in stmt.names:
                yield name, None
                yield name, None


def _target_names(target: ast.expr):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


