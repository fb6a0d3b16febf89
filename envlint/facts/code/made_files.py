"""Files a module makes itself before it reads them: writes, saves, downloads, extractions.

A file the program made, read back in the same place (laptop -> laptop, or inside one task), exists
when it is read: not a finding. A file made in the local process (a download, ``!wget``, a
``to_csv`` in the notebook) and then read by the workers IS one: the workers never get it. This
module finds the makers; :func:`settle` applies that to the reads of one module.

A maker is a call of a known writing function (``to_csv``, ``np.save``, ``savefig``,
``torch.save``, ``urlretrieve``, ``extractall``, ``open(p, "w")``, ...) any of whose arguments is a
path the scanner can resolve, or a notebook shell line (``!wget -O p``, ``!curl -o p``, ``!unzip -d
dir``, ``!tar x``). Only files with reads pay for this pass.
"""

from __future__ import annotations

import ast
import bisect
import fnmatch
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Calls that make a file at one of their path arguments.
WRITERS = frozenset({
    "to_csv", "to_parquet", "to_json", "to_hdf", "to_feather", "to_pickle", "to_excel", "to_zarr", "to_netcdf",
    "to_orc", "to_stata", "to_file", "to_npy_stack", "to_textfiles", "write_parquet", "write_csv", "write_table",
    "write_feather", "write_text", "write_bytes", "save", "savez", "savez_compressed", "savetxt", "savefig",
    "savemat", "imwrite", "imsave", "dump", "save_model", "save_pretrained", "urlretrieve", "download",
    "download_file", "download_url", "extractall", "extract", "unpack_archive", "copy", "copyfile", "copy2",
    "copytree", "move", "rename", "symlink_to", "write", "touch", "save_weights",
})
_WRITER_CALL = re.compile(rb"\b(?:" + b"|".join(sorted(w.encode() for w in WRITERS)) + rb")\s*\("
                          rb"|\bopen\s*\([^\n]*,\s*(?:mode\s*=\s*)?['\"][rbt+]*[wax][rbt+]*['\"]")


def may_write(data: bytes) -> bool:
    """Whether the source can call a maker at all (most files with reads make nothing: no walk then)."""
    return _WRITER_CALL.search(data) is not None


#: Writers that make their files in the working directory when given no path.
_HERE_BY_DEFAULT = frozenset({"extractall", "unpack_archive"})


@dataclass(frozen=True)
class Made:
    line: int
    func: str | None
    """The enclosing function (dotted), None at module level."""
    target: str
    by_workers: bool = False
    """Written by a dask collection (``ddf.to_csv(...)``): each worker writes its part to its own disk."""
    receiver: ast.expr | None = field(default=None, compare=False, repr=False)
    """The object whose method wrote it (``ddf`` of ``ddf.to_csv``), while collecting."""


def collect(tree: ast.Module, make_scope: Callable[..., Any], value: Callable[[ast.expr, Any], Any],
            is_dask: Callable[[ast.expr], bool] | None = None, data: bytes = b"") -> list[Made]:
    """The makers; with ``data``, only the statements that span a line naming one are descended into."""
    out: list[Made] = []
    lines = sorted({data.count(b"\n", 0, m.start()) + 1 for m in _WRITER_CALL.finditer(data)}) if data else None
    _walk(tree.body, make_scope(tree.body, None, ()), None, make_scope, value, out, lines)
    if is_dask is not None:
        out = [Made(m.line, m.func, m.target, bool(m.receiver is not None and is_dask(m.receiver))) for m in out]
    return out


def _spans(node: ast.AST, lines: list[int] | None) -> bool:
    if lines is None:
        return True
    start = getattr(node, "lineno", None)
    if start is None:
        return True
    i = bisect.bisect_left(lines, start)
    return i < len(lines) and lines[i] <= (getattr(node, "end_lineno", None) or start)


def _walk(body: list[ast.stmt], scope: Any, func: str | None, make_scope: Callable[..., Any],
          value: Callable[[ast.expr, Any], Any], out: list[Made], lines: list[int] | None = None) -> None:
    stack: list[ast.AST] = [n for n in reversed(body) if _spans(n, lines)]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            params = tuple(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
            name = f"{func}.{node.name}" if func else node.name
            _walk(node.body, make_scope(node.body, scope, params), name, make_scope, value, out, lines)
            continue
        if isinstance(node, ast.ClassDef):
            _walk(node.body, scope, f"{func}.{node.name}" if func else node.name, make_scope, value, out, lines)
            continue
        if isinstance(node, ast.Call):
            _maker(node, scope, func, value, out)
        stack.extend(n for n in reversed(list(ast.iter_child_nodes(node))) if _spans(n, lines))


def _maker(node: ast.Call, scope: Any, func: str | None, value: Callable[[ast.expr, Any], Any],
           out: list[Made]) -> None:
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
    if name == "open" or (name == "open" and isinstance(f, ast.Attribute)):
        mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
        if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str) and any(c in mode.value for c in "wax")):
            return
    elif name not in WRITERS:
        return
    found = False
    candidates = [*node.args, *(k.value for k in node.keywords)]
    if isinstance(f, ast.Attribute) and name in ("write_text", "write_bytes", "touch", "mkdir", "open",
                                                   "symlink_to", "rename"):
        candidates.append(f.value)  # Path("x").write_text(...)
    for arg in candidates:
        if isinstance(arg, ast.Starred):
            continue
        known = value(arg, scope)
        if known is not None and known.text and "://" not in known.text:
            out.append(Made(node.lineno, func, known.text, receiver=f.value if isinstance(f, ast.Attribute) else None))
            found = True
    if not found and name in _HERE_BY_DEFAULT and not node.args and not node.keywords:
        out.append(Made(node.lineno, func, "."))


def shell_made(command: str) -> list[str]:
    """Paths a notebook shell line makes: ``wget URL [-O p] [-P dir]``, ``curl -o p``, ``unzip -d dir``, ``tar x``."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        return []
    out: list[str] = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        if word in ("-O", "-o", "--output", "--output-document", "-P", "--directory-prefix", "-d", "-C") and nxt:
            out.append(nxt)
    if not words:
        return out
    tool = words[0]
    if tool == "wget" and not any(w in ("-O", "--output-document") for w in words):
        urls = [w for w in words[1:] if "://" in w]
        prefix = next((words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-P", "--directory-prefix")), "")
        out += [f"{prefix.rstrip('/')}/{u.rstrip('/').rsplit('/', 1)[-1]}".lstrip("/") for u in urls]
    if tool in ("tar", "unzip", "gunzip", "git") and not any(w in ("-d", "-C") for w in words):
        out.append(".")
    return out


def made_by_shell(nb: Any) -> tuple[Made, ...]:
    """Files a notebook's ``!wget``/``!curl``/``!unzip`` lines make, at their line of the joined source."""
    out = []
    line_of = {where: i for i, where in enumerate(nb.where, 1)}
    for cell in nb.cells:
        for i, command in enumerate(cell.shell, 1):
            if command and (cell.number, i) in line_of:
                out += [Made(line_of[(cell.number, i)], None, path) for path in shell_made(command)]
    return tuple(out)


def matches(made: str, target: str) -> bool:
    made = made[2:] if made.startswith("./") else made
    target = target[2:] if target.startswith("./") else target
    if made in (".", "") and not target.startswith(("/", "~")):
        return True
    if "{" in made:
        made = made.split("{", 1)[0]
        return bool(made) and target.startswith(made)
    base = made.rstrip("/")
    return target == made or target.startswith(base + "/") or fnmatch.fnmatchcase(made, target) or (
        "{" in target and target.split("{", 1)[0] and made.startswith(target.split("{", 1)[0]))


def settle(rows: list[list[Any]], made: list[Made], workers: str) -> list[list[Any]]:
    """Drop the reads of files the module makes itself in the same place; a worker read of a file made
    at module level (in the local process) stays, noting the maker's line (``info["made"]``)."""
    out = []
    for row in rows:
        line, target, where, info = row[0], row[3], row[6], row[7]
        func = info.get("func")
        found = [m for m in made if matches(m.target, target) and (func is not None or m.line < line)]
        if not found:
            out.append(row)
            continue
        if where != workers:
            continue  # read where it was made (or somewhere unknown): not missing
        if any(m.func == func and m.line < line for m in found) and func is not None:
            continue  # written and read back inside the same task
        here = [m for m in found if m.func is None]
        if not here or info.get("by") == "# COILED":
            continue  # made by other code on the cluster, or the whole script runs there: maybe the same machine
        extra = {"made": str(here[0].line)}
        if here[0].by_workers:
            extra["made_by"] = "workers"
        out.append([*row[:7], {**info, **extra}])
    return out
