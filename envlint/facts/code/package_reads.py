"""Files a local package reads next to its own code: ``__file__``-relative paths and package resources.

Recognised (parsed with ``ast``, never run): ``os.path.join(os.path.dirname(__file__), "x.csv")``
(with ``abspath``/``realpath``/``normpath``), ``Path(__file__).parent / "x.csv"`` (``.resolve()``,
``.parents[n]``, ``.joinpath(...)``, ``.with_name(...)``), names bound to such paths,
``importlib.resources.files(pkg) / "x.csv"`` (or ``.joinpath("x.csv")``) and the legacy
``read_text``/``read_binary``/``open_text``/``open_binary``/``path``/``is_resource``(pkg, "x.csv"),
``pkgutil.get_data(__name__, "x.csv")`` and ``pkg_resources.resource_filename``/``resource_string``/
``resource_stream``. A ``__file__``-relative path counts when it is used (passed to a call, opened,
read), not where it is only bound to a name; a package resource counts where it is named, bound or not
(``NOTES = pkgutil.get_data("pkg", "notes.txt")`` reads at import). The file (or directory) must exist
in the source tree.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, replace
from pathlib import Path

_FILE_FUNCS = {"dirname", "abspath", "realpath", "normpath"}
_RESOURCE_FILE_FUNCS = {"read_text", "read_binary", "open_text", "open_binary", "path", "is_resource"}
_RESOURCE_MODULES = ("importlib.resources", "importlib_resources", "pkgutil", "pkg_resources")
_PKG_RESOURCES = {"resource_filename", "resource_string", "resource_stream", "resource_listdir",
                  "resource_isdir"}
PREFILTER = ("__file__", "resources", "get_data", "resource_")


@dataclass(frozen=True)
class _PathValue:
    path: Path
    literal: bool
    """At least one literal part was joined onto the module's location."""
    resource: bool = False
    """Named through a package-resource API (importlib.resources, pkgutil, pkg_resources): only ever used
    to read package data, so it counts even where it is only bound to a name."""
    recorded: bool = False
    """Already reported where it was bound to a name (its later uses are not reported again)."""


@dataclass(frozen=True)
class FoundRead:
    target: Path
    line: int
    column: int
    expression: str


def package_dir_of(module: str, module_file: Path, packages: dict[str, Path]) -> Path | None:
    if module in packages:
        return packages[module]
    parent = module.rsplit(".", 1)[0] if "." in module else None
    if parent and parent in packages:
        return packages[parent]
    return None


def _resource_dir(name: str, packages: dict[str, Path]) -> Path | None:
    """The directory a dotted resource anchor names: a listed package, or a directory without __init__.py
    inside one (``open_text("pkg.templates", ...)`` imports it as a namespace package)."""
    if name in packages:
        return packages[name]
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        owner = packages.get(".".join(parts[:i]))
        if owner is not None:
            candidate = owner.joinpath(*parts[i:])
            return candidate if candidate.is_dir() else None
    return None


class _Scanner:
    def __init__(self, path: Path, module: str, packages: dict[str, Path], text: str) -> None:
        self.path = path
        self.module = module
        self.packages = packages
        self.text = text
        self.found: list[FoundRead] = []
        self.scopes: list[dict[str, _PathValue | None]] = [{}]
        self.resources_names: set[str] = set()
        """Local names bound to importlib.resources / pkgutil / pkg_resources callables or modules."""

    # -- names ---------------------------------------------------------------------------------
    def lookup(self, name: str) -> _PathValue | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def package_dir(self, node: ast.expr | None) -> Path | None:
        if node is None:
            return None
        if isinstance(node, ast.Name) and node.id in ("__name__", "__package__"):
            name = self.module if node.id == "__name__" else self.module.rsplit(".", 1)[0] \
                if self.path.name != "__init__.py" else self.module
            return package_dir_of(name, self.path, self.packages) or (
                self.path.parent if node.id == "__name__" else None)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return _resource_dir(node.value, self.packages) or package_dir_of(node.value, self.path, self.packages)
        if isinstance(node, ast.Name) and node.id in self.packages:
            return self.packages[node.id]
        return None

    # -- evaluation ------------------------------------------------------------------------------
    def value(self, node: ast.expr, depth: int = 0) -> _PathValue | None:  # noqa: C901 - one dispatch
        if depth > 30:
            return None
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return _PathValue(self.path, False)
            return self.lookup(node.id)
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            args = node.args
            if name in _FILE_FUNCS and len(args) == 1 and _is_os_path(func):
                inner = self.value(args[0], depth + 1)
                if inner is None:
                    return None
                return replace(inner, path=inner.path.parent, recorded=False) if name == "dirname" else inner
            if name == "join" and _is_os_path(func) and args:
                base = self.value(args[0], depth + 1)
                parts = [_literal(a) for a in args[1:]]
                if base is None or any(p is None for p in parts):
                    return None
                return _join(base, parts)
            if name in ("Path", "PurePath", "PosixPath") and len(args) >= 1:
                base = self.value(args[0], depth + 1)
                parts = [_literal(a) for a in args[1:]]
                if base is None or any(p is None for p in parts):
                    return None
                return _join(base, parts)
            if isinstance(func, ast.Attribute):
                owner = self.value(func.value, depth + 1) if func.attr in (
                    "resolve", "absolute", "joinpath", "with_name", "expanduser") else None
                if owner is not None:
                    if func.attr in ("resolve", "absolute", "expanduser"):
                        return owner
                    if func.attr == "joinpath":
                        parts = [_literal(a) for a in args]
                        return None if any(p is None for p in parts) else _join(owner, parts)
                    if func.attr == "with_name" and len(args) == 1:
                        part = _literal(args[0])
                        return None if part is None else _PathValue(owner.path.with_name(part), True,
                                                                    owner.resource)
            if name == "files" and self._is_resources(func) and len(args) == 1:
                directory = self.package_dir(args[0])
                return _PathValue(directory, False, True) if directory is not None else None
            if name in _RESOURCE_FILE_FUNCS and self._is_resources(func) and len(args) >= 2:
                directory = self.package_dir(args[0])
                part = _literal(args[1])
                if directory is not None and part is not None:
                    return _join(_PathValue(directory, False, True), [part])
            if (name == "get_data" and self._is_module(func, "pkgutil")) or \
                    (name in _PKG_RESOURCES and self._is_module(func, "pkg_resources")):
                if len(args) >= 2:
                    directory = self.package_dir(args[0])
                    part = _literal(args[1])
                    if directory is not None and part is not None:
                        return _join(_PathValue(directory, False, True), [part])
            return None
        if isinstance(node, ast.Attribute):
            if node.attr == "parent":
                inner = self.value(node.value, depth + 1)
                return replace(inner, path=inner.path.parent, recorded=False) if inner is not None else None
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
            inner = self.value(node.value.value, depth + 1)
            index = node.slice
            if inner is not None and isinstance(index, ast.Constant) and isinstance(index.value, int):
                parents = inner.path.parents
                if 0 <= index.value < len(parents):
                    return replace(inner, path=parents[index.value], recorded=False)
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left = self.value(node.left, depth + 1)
            part = _literal(node.right)
            if left is not None and part is not None:
                return _join(left, [part])
            return None
        return None

    def _is_resources(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.resources_names
        if isinstance(func, ast.Attribute):
            return _dotted(func.value) in ("importlib.resources", "importlib_resources", "resources") or \
                _dotted(func.value) in self.resources_names
        return False

    def _is_module(self, func: ast.expr, module: str) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.resources_names
        return isinstance(func, ast.Attribute) and _dotted(func.value) in (module, *self.resources_names)

    # -- walk ------------------------------------------------------------------------------------
    def scan(self, tree: ast.Module) -> None:
        self.visit_body(tree.body)

    def visit_body(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.visit_stmt(stmt)

    def visit_stmt(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.ImportFrom) and stmt.module in _RESOURCE_MODULES:
            for alias in stmt.names:
                self.resources_names.add(alias.asname or alias.name)
            return
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "importlib":  # from importlib import resources as r
            for alias in stmt.names:
                if alias.name == "resources":
                    self.resources_names.add(alias.asname or alias.name)
            return
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name in _RESOURCE_MODULES and alias.asname:
                    self.resources_names.add(alias.asname)
            return
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.scopes.append({})
            self.visit_body(stmt.body)
            self.scopes.pop()
            return
        if isinstance(stmt, ast.ClassDef):
            self.visit_body(stmt.body)
            return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = self.value(stmt.value)
            if value is not None and value.literal and value.resource and not value.recorded:
                self.record(stmt.value, value)  # NOTES = pkgutil.get_data("pkg", "notes.txt")
                value = replace(value, recorded=True)
            for target in targets:
                if isinstance(target, ast.Name):
                    self.scopes[-1][target.id] = value
            if value is None:
                self.visit_expr(stmt.value, parent_is_path=False)
            return
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                self.visit_stmt(child)
            elif isinstance(child, ast.expr):
                self.visit_expr(child, parent_is_path=False)
            elif isinstance(child, (ast.excepthandler, ast.withitem, ast.match_case)):
                for sub in ast.iter_child_nodes(child):
                    if isinstance(sub, ast.stmt):
                        self.visit_stmt(sub)
                    elif isinstance(sub, ast.expr):
                        self.visit_expr(sub, parent_is_path=False)

    def visit_expr(self, node: ast.expr, parent_is_path: bool) -> None:
        value = self.value(node)
        if value is not None and not parent_is_path:
            if value.literal and not value.recorded:
                self.record(node, value)
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.visit_expr(child, parent_is_path=value is not None)

    def record(self, node: ast.expr, value: _PathValue) -> None:
        text = ast.get_source_segment(self.text, node) or ""
        text = " ".join(text.split())
        if len(text) > 100:
            text = text[:97] + "..."
        self.found.append(FoundRead(Path(os.path.normpath(value.path)), node.lineno, node.col_offset + 1, text))


def _is_os_path(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        return _dotted(func.value) in ("os.path", "path", "osp", "op")
    return isinstance(func, ast.Name)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        left = _dotted(node.value)
        return f"{left}.{node.attr}" if left else None
    return None


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _join(base: _PathValue, parts: list[str | None]) -> _PathValue:
    path = base.path
    for part in parts:
        assert part is not None
        if not part or os.path.isabs(part) or "://" in part:
            return replace(base, path=path, recorded=False)
        path = path.joinpath(*[p for p in part.replace("\\", "/").split("/") if p])
    return _PathValue(path, base.literal or bool(parts), base.resource)


def scan_module(path: Path, module: str, packages: dict[str, Path], text: str) -> tuple[list[FoundRead], SyntaxError | None]:
    """Reads of files next to the module's code; a syntax error is returned, not raised."""
    if not any(token in text for token in PREFILTER):
        return [], None
    from envlint.facts.formats.text import MAX_PARSE_NODES, syntax_size

    if syntax_size(text) > MAX_PARSE_NODES:  # past the parse budget: the scan of the tree says so
        return [], None
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        return [], exc
    except (ValueError, RecursionError, MemoryError):
        return [], None
    scanner = _Scanner(path, module, packages, text)
    scanner.scan(tree)
    return scanner.found, None
