"""Follow a literal path into a project helper that reads it on the workers, across modules.

``def load(folder): return dd.read_parquet(folder)`` in ``pipeline/io.py`` reads whatever its
callers pass, on the workers. The scan records such helpers (a module-level function whose
parameter goes straight to a lazy reader, or that is decorated to run on the cluster, so that calling it
ships it: ``@dask.delayed``, ``@coiled.function``); this pass finds the
calls that pass them a literal path (``load("data/events")``, in any module or notebook of the
project) and reports the read where the literal is written: the line a user edits.

Only files that name a helper followed by ``(`` are parsed, and only when the project has helpers.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Helper:
    dotted: str
    rel: str
    func: str
    index: int
    param: str
    reader: str
    by: str


@dataclass(frozen=True)
class Call:
    rel: str
    line: int
    column: int
    cell: int | None
    call: str
    target: str
    kind: str
    helper: Helper


def helpers_of(results: dict[str, Any], module_name: Any) -> list[Helper]:
    out = []
    for rel in sorted(results):
        for func, (index, param, reader, by) in (results[rel].get("helpers") or {}).items():
            out.append(Helper(f"{module_name(rel)}.{func}", rel, func, index, param, reader, by))
    return out


def find_calls(root: Path, files: list[str], helpers: list[Helper], module_name: Any) -> list[Call]:
    if not helpers:
        return []
    names = {h.func.encode() + b"(" for h in helpers}
    out: list[Call] = []
    for rel in files:
        try:
            with open(os.path.join(root, rel), "rb") as fh:
                data = fh.read(10 * 1024 * 1024 + 1)
        except OSError:
            continue
        if not any(n in data for n in names):
            continue
        out.extend(_calls_in(rel, data, helpers, module_name(rel)))
    return out


def _calls_in(rel: str, data: bytes, helpers: list[Helper], module: str) -> list[Call]:
    from envlint.facts.code.read_paths import classify
    from envlint.facts.code.read_scanner import _FileScan
    from envlint.facts.code.read_scope import Scope
    from envlint.facts.code.read_where import imports_of
    from envlint.facts.code.reader_table import load_table

    from envlint.facts.formats.text import MAX_PARSE_NODES, syntax_size

    where: list[tuple[int, int]] | None = None
    if syntax_size(data) > MAX_PARSE_NODES:
        return []  # past the parse budget: the scan reports the file
    try:
        if rel.endswith(".ipynb"):
            from envlint.facts.code import notebook_cells

            nb = notebook_cells.assemble(notebook_cells.load_cells(data), parse_each=True)
            tree, where = ast.parse(nb.source), nb.where
            source = nb.source.encode("utf-8", "surrogatepass")
        else:
            tree, source = ast.parse(data), data
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []  # the scan reports what does not parse
    imports = imports_of(tree)
    package = module.rsplit(".", 1)[0] if "." in module else ""
    for node in ast.walk(tree):  # from .io import load
        if isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(package.split(".")[: max(0, len(package.split(".")) - node.level + 1)]) if package else ""
            prefix = ".".join(p for p in (base, node.module or "") if p)
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{prefix}.{alias.name}" if prefix else alias.name
    scan = _FileScan(load_table(), [], source.splitlines())
    scope = Scope(tree.body, None)
    by_dotted = {h.dotted: h for h in helpers}
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        helper = _callee(node.func, imports, module, by_dotted)
        if helper is None:
            continue
        arg = next((k.value for k in node.keywords if k.arg == helper.param), None)
        if arg is None and helper.index < len(node.args) and not any(
                isinstance(a, ast.Starred) for a in node.args[: helper.index + 1]):
            arg = node.args[helper.index]
        value = scan.value(arg, scope) if arg is not None else None
        kind = classify(value) if value is not None else None
        if kind is None:
            continue
        line, cell = arg.lineno, None  # type: ignore[union-attr]
        if where is not None:
            if not 0 < line <= len(where):
                continue
            cell, line = where[line - 1]
        call = f'{ast.unparse(node.func)}("{value.text}")'  # type: ignore[union-attr]
        out.append(Call(rel, line, scan._column(arg), cell, call, value.text, kind, helper))  # type: ignore[union-attr, arg-type]
    return out


def _callee(func: ast.expr, imports: dict[str, str], module: str, helpers: dict[str, Helper]) -> Helper | None:
    if isinstance(func, ast.Name):
        candidates = [imports.get(func.id, ""), f"{module}.{func.id}"]
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in imports:
        candidates = [f"{imports[func.value.id]}.{func.attr}"]
    else:
        return None
    for name in candidates:
        if not name:
            continue
        if name in helpers:
            return helpers[name]
        for dotted, helper in helpers.items():  # the project may be imported with or without its top folder
            if dotted.endswith(f".{name}") or name.endswith(f".{dotted}"):
                return helper
    return None
