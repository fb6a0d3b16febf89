"""Find reader calls with a local path in one Python source (or notebook), with the stdlib ``ast``.

Only the statements that span a pre-filter hit are descended into, so a large module costs one C
parse plus a walk of a few branches. Names are resolved through the imports and the single-assignment
constants of the module and of the enclosing function; a value that comes from anywhere else
(``sys.argv``, ``argparse``, ``os.environ``, a parameter) is unknown and never flagged.

Everything here is a pure function of the bytes and the reader table, so results can be cached by
content hash and computed in worker processes.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from typing import Any

from envlint.facts.code import read_where
from envlint.facts.code.read_paths import Val as _Val
from envlint.facts.code.read_paths import catches_missing as _catches_missing
from envlint.facts.code.read_paths import checks_existence as _checks_existence
from envlint.facts.code.read_paths import class_attributes, classify
from envlint.facts.code.read_paths import dirname as _dirname
from envlint.facts.code.read_paths import exits_unless_exists as _exits_unless_exists
from envlint.facts.code.read_paths import join as _join
from envlint.facts.code.read_paths import truthy as _truthy
from envlint.facts.code.read_scope import UNKNOWN as _UNKNOWN
from envlint.facts.code.read_scope import Default as _Default
from envlint.facts.code.read_scope import Scope as _Scope
from envlint.facts.code.reader_table import ReaderSpec, ReaderTable, reexported
from envlint.facts.formats.text import MAX_PARSE_NODES, syntax_size

#: Result of one file: {"reads": [[line, column, call, target, kind, cell, where, info], ...],
#: "error": [reason, line, column] | None}. ``where``: "workers", "local" or "unknown"; ``info``: a
#: dict of the optional keys "by" (what ships the code: "client.submit", "# COILED"), "reader" (the
#: lazy reader that makes it a worker read), "func" (the enclosing function, dotted).
ScanResult = dict[str, Any]
WORKERS, LOCAL, UNKNOWN = "workers", "local", "unknown"

_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath",
                         "pathlib.WindowsPath", "pathlib.PureWindowsPath"})
_JOINS = frozenset({"os.path.join", "posixpath.join", "ntpath.join"})
_SAME = frozenset({"os.path.expanduser", "os.path.abspath", "os.path.realpath", "os.path.normpath",
                   "os.fspath", "str", "os.path.expandvars"})
_MAX_DEPTH = 12


@dataclass(frozen=True)
class _Ctx:
    """Where the code being visited runs."""

    where: str
    by: str | None = None
    """What ships it to the cluster (``client.submit``, ``@dask.delayed``, ``# COILED``)."""
    func: str | None = None
    """The enclosing function or class, dotted (``Loader.load``)."""
    guarded: bool = False
    """Inside an existence check or a ``try`` that catches a missing file."""

    def inside(self, name: str, shipped_by: str | None) -> _Ctx:
        func = f"{self.func}.{name}" if self.func else name
        if shipped_by is not None:
            return _Ctx(WORKERS, shipped_by, func, self.guarded)
        if self.where == WORKERS:
            return replace(self, func=func)
        return _Ctx(UNKNOWN, None, func, self.guarded)


class _FileScan:
    def __init__(self, table: ReaderTable, lines: list[int], source_lines: list[bytes],
                 shipped: read_where.Shipping | None = None) -> None:
        self.table = table
        self.lines = lines
        self.source_lines = source_lines
        self.reads: list[list[Any]] = []
        self.shipped = shipped.nodes if shipped is not None else {}
        self.remote = shipped.remote if shipped is not None else set()
        self.no_cluster = False
        """A notebook or script that starts no cluster: dask runs delayed and lazy reads in its own threads."""
        self.module_body: list[ast.stmt] = []
        self.helpers: dict[str, list[Any]] = {}
        """Function -> [parameter index, parameter, reader, what ships it ("" for a lazy reader)]."""
        self._classes: dict[str, dict[str, ast.expr]] | None = None
        self._methods: dict[int, ast.ClassDef] = {}
        self._attrs: dict[int, dict[str, ast.expr]] = {}
        self.cluster = shipped is not None

    # -- descent -------------------------------------------------------------------------------
    def _overlaps(self, node: ast.AST) -> bool:
        start = getattr(node, "lineno", None)
        if start is None:
            return True
        end = getattr(node, "end_lineno", None) or start
        i = bisect_left(self.lines, start)
        return i < len(self.lines) and self.lines[i] <= end

    def visit(self, node: ast.AST, scope: _Scope, ctx: _Ctx) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            self._visit_function(node, scope, ctx)
            return
        if isinstance(node, ast.ClassDef):
            ctx = replace(ctx, func=f"{ctx.func}.{node.name}" if ctx.func else node.name)
            for stmt in node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self._methods[id(stmt)] = node  # its attributes are worked out when a read asks
        elif isinstance(node, ast.Call):
            self.check_call(node, scope, ctx)
        elif isinstance(node, ast.If) and not ctx.guarded and _checks_existence(node.test):
            ctx = replace(ctx, guarded=True)
        if isinstance(node, ast.expr):  # no statement blocks inside: the plain walk
            for child in ast.iter_child_nodes(node):
                if self._overlaps(child):
                    self.visit(child, scope, ctx)
            return
        try_guard = isinstance(node, ast.Try) and not ctx.guarded and _catches_missing(node)
        for name, value in ast.iter_fields(node):
            if isinstance(value, list):
                inner = replace(ctx, guarded=True) if try_guard and name == "body" else ctx
                for child in value:
                    if not isinstance(child, ast.AST):
                        continue
                    if self._overlaps(child):
                        self.visit(child, scope, inner)
                    if not inner.guarded and isinstance(child, ast.If) and _exits_unless_exists(child):
                        inner = replace(inner, guarded=True)  # `if not p.exists(): return` guards what follows
            elif isinstance(value, ast.AST) and self._overlaps(value):
                self.visit(value, scope, ctx)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, scope: _Scope,
                        ctx: _Ctx) -> None:
        args = node.args
        params = tuple(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
        params += tuple(a.arg for a in (args.vararg, args.kwarg) if a is not None)
        for default in (*args.defaults, *[d for d in args.kw_defaults if d is not None]):
            if self._overlaps(default):
                self.visit(default, scope, ctx)
        shipped_by = self.shipped.get(id(node))
        if self.no_cluster and id(node) not in self.remote:
            shipped_by = None
        inner_ctx = ctx.inside(getattr(node, "name", "<lambda>"), shipped_by)
        if isinstance(node, ast.Lambda):
            if self._overlaps(node.body):
                self.visit(node.body, _Scope([], scope, params), inner_ctx)
            return
        for deco in node.decorator_list:
            if self._overlaps(deco):
                self.visit(deco, scope, ctx)
        positional = [*args.posonlyargs, *args.args]
        defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults))
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        defaults = {k: v for k, v in defaults.items() if isinstance(v, (ast.Constant, ast.JoinedStr, ast.BinOp,
                                                                         ast.Call, ast.Name, ast.Attribute))}
        inner = _Scope(node.body, scope, params, defaults)
        if id(node) in self._methods and positional and not any(
                isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list):
            inner.self_name, inner.owner = positional[0].arg, self._methods[id(node)]
        block = inner_ctx
        for stmt in node.body:
            if self._overlaps(stmt):
                self.visit(stmt, inner, block)
            if not block.guarded and isinstance(stmt, ast.If) and _exits_unless_exists(stmt):
                block = replace(block, guarded=True)

    # -- resolution ----------------------------------------------------------------------------
    def qualify(self, node: ast.expr, scope: _Scope) -> str | None:
        """The dotted name a call target refers to (``pd.read_csv`` -> ``pandas.read_csv``)."""
        if isinstance(node, ast.Name):
            found = scope.lookup(node.id)
            if found is None:
                return node.id  # a built-in (or an undefined name)
            kind, value = found
            return value if kind == "import" else None
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value, scope)
            return f"{base}.{node.attr}" if base is not None else None
        return None

    def value(self, node: ast.expr | None, scope: _Scope, depth: int = 0) -> _Val | None:
        if node is None or depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return _Val(node.value)
            if isinstance(node.value, bytes):
                return _Val(node.value.decode("utf-8", "replace"))
            return None
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return _Val("__file__", file_relative=True)
            found = scope.lookup(node.id)
            if found is None or found[0] != "value" or found[1] is _UNKNOWN:
                return None
            target = found[1].node if isinstance(found[1], _Default) else found[1]
            return self.value(target, scope, depth + 1)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            attr = self._class_attribute(node.value.id, node.attr, scope)
            if attr is not None:
                return self.value(attr, scope, depth + 1)
        if isinstance(node, ast.JoinedStr):
            return self._concat([self._part(v, scope, depth) for v in node.values], is_path=False)
        if isinstance(node, ast.BinOp):
            left = self.value(node.left, scope, depth + 1)
            if left is None:
                return None
            if isinstance(node.op, ast.Add):
                return self._concat([left, self._part(node.right, scope, depth)], is_path=left.is_path)
            if isinstance(node.op, ast.Div) and left.is_path:
                return _join(left, self._part(node.right, scope, depth), is_path=True)
            if isinstance(node.op, ast.Mod) and not left.is_path:
                return _Val(left.text, dynamic=True, file_relative=left.file_relative)
            return None
        if isinstance(node, ast.Call):
            return self._call_value(node, scope, depth)
        if isinstance(node, ast.Attribute):
            if node.attr in ("parent", "parents"):
                base = self.value(node.value, scope, depth + 1)
                if base is not None and base.is_path:
                    return _Val(_dirname(base.text), base.dynamic, True, base.file_relative)
            return None
        return None

    def _part(self, node: ast.expr, scope: _Scope, depth: int) -> _Val:
        if isinstance(node, ast.FormattedValue):
            node = node.value
        known = self.value(node, scope, depth + 1)
        if known is not None:
            return known
        return _Val("{" + _short(node) + "}", dynamic=True)

    @staticmethod
    def _concat(parts: list[_Val], is_path: bool) -> _Val | None:
        if not parts or (parts[0].dynamic and parts[0].text.startswith("{")):
            return None  # the start of the path is not known: it may come from argv or the environment
        return _Val("".join(p.text for p in parts), any(p.dynamic for p in parts), is_path,
                    any(p.file_relative for p in parts))

    def _call_value(self, node: ast.Call, scope: _Scope, depth: int) -> _Val | None:
        func = node.func
        name = self.qualify(func, scope)
        args = node.args
        if any(isinstance(a, ast.Starred) for a in args):
            return None
        if name in _PATH_TYPES or name in _JOINS:
            if not args:
                return _Val("", is_path=name in _PATH_TYPES)
            first = self.value(args[0], scope, depth + 1)
            if first is None:
                return None
            out = first
            for arg in args[1:]:
                out = _join(out, self._part(arg, scope, depth), is_path=False)
            return _Val(out.text, out.dynamic, name in _PATH_TYPES or first.is_path, out.file_relative)
        if name in _SAME and args:
            inner = self.value(args[0], scope, depth + 1)
            if inner is not None and name == "str":
                return _Val(inner.text, inner.dynamic, False, inner.file_relative)
            return inner
        if name == "os.path.dirname" and args:
            inner = self.value(args[0], scope, depth + 1)
            return _Val(_dirname(inner.text), inner.dynamic, inner.is_path, inner.file_relative) if inner else None
        if name in ("os.getcwd", "pathlib.Path.cwd"):
            return _Val("", is_path=name.endswith("cwd"))
        if name == "pathlib.Path.home":
            return _Val("~", is_path=True)
        if isinstance(func, ast.Attribute):
            attr = func.attr
            if attr == "format" and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str):
                return _Val(func.value.value, dynamic=bool(args or node.keywords))
            if attr in ("resolve", "absolute", "expanduser", "with_suffix", "with_name", "joinpath", "with_stem"):
                base = self.value(func.value, scope, depth + 1)
                if base is None or not base.is_path:
                    return None
                if attr == "joinpath":
                    out = base
                    for arg in args:
                        out = _join(out, self._part(arg, scope, depth), is_path=True)
                    return out
                if attr in ("with_suffix", "with_name", "with_stem"):
                    return _Val(base.text, True, True, base.file_relative)
                return base
        return None

    # -- readers -------------------------------------------------------------------------------
    def check_call(self, node: ast.Call, scope: _Scope, ctx: _Ctx) -> None:
        func = node.func
        spec: ReaderSpec | None = None
        path: _Val | None = None
        call_node, shipped_by = node, None
        name = self.qualify(func, scope)
        if name is not None:
            spec = self.table.specs.get(name)
            if spec is None and name.count(".") >= 2:
                spec = self.table.specs.get(reexported(name, self.table.specs) or "")
            if spec is not None and (spec.receiver or spec.receiver_type):
                spec = None
        if spec is None and isinstance(func, ast.Attribute):
            if func.attr in self.table.receivers:
                receiver = self.value(func.value, scope)
                if receiver is not None and receiver.is_path:
                    spec, path = self.table.receivers[func.attr], receiver
            elif func.attr in self.table.typed and self._instance_of(func.value, scope) == \
                    self.table.typed[func.attr].receiver_type:
                spec = self.table.typed[func.attr]
        if spec is None:
            spec, call_node, shipped_by = self._shipped_reader(node, scope)
            if spec is None:
                return
            if self.no_cluster and shipped_by == "delayed":
                shipped_by = None  # run by dask's local threads
        path_node: ast.expr | None = None
        if path is None:
            path_node = _argument(call_node, spec.arg, spec.kw)
            if path_node is None:
                return
            path = self.value(path_node, scope)
            if path is None:
                self._parameter_read(call_node, spec, path_node, scope, ctx, func)
                return
        if not _reads(call_node, spec, self, scope):
            return
        kind = classify(path)
        if kind is None:
            return
        if spec.receiver:
            call = f'Path("{path.text}").{func.attr}()'  # type: ignore[union-attr]
        elif shipped_by == "submit":
            call = f'{_short(func)}({_short(node.args[0])}, "{path.text}")'
        else:
            call = f'{_short(func)}("{path.text}")'
        info: dict[str, str] = {}
        where = ctx.where
        if shipped_by is not None:
            where, info["by"] = WORKERS, _short(func.func if isinstance(func, ast.Call) else func)
        else:
            if (spec.workers or any(_truthy(kw.value) for kw in call_node.keywords if kw.arg in spec.workers_if)) \
                    and not (self.no_cluster and ctx.where != WORKERS):
                where, info["reader"] = WORKERS, _short(func)
            if ctx.by:
                info["by"] = ctx.by
        if ctx.func:
            info["func"] = ctx.func
        if ctx.guarded:
            info["guarded"] = "1"
        at: ast.expr = node
        origin = self._origin(path_node, scope) if path_node is not None else None
        if origin is not None:  # reported where the default is written: the line a user edits
            at, info["default"] = origin.node, origin.name
        self.reads.append([at.lineno, self._column(at), call, path.text, kind, None, where, info])

    def _shipped_reader(self, node: ast.Call, scope: _Scope) -> tuple[ReaderSpec | None, ast.Call, str | None]:
        """``delayed(pd.read_csv)(path)`` and ``client.submit(pd.read_csv, path)``: the reader is the task."""
        func = node.func
        if isinstance(func, ast.Call) and func.args and self.qualify(func.func, scope) in read_where.DELAYED:
            spec = self.table.specs.get(self.qualify(func.args[0], scope) or "")
            if spec is not None and not spec.receiver and not spec.receiver_type:
                return spec, node, "delayed"
        if isinstance(func, ast.Attribute) and func.attr == "submit" and node.args and self.cluster:
            spec = self.table.specs.get(self.qualify(node.args[0], scope) or "")
            if spec is not None and not spec.receiver and not spec.receiver_type:
                shifted = ast.Call(func=node.args[0], args=node.args[1:], keywords=node.keywords)
                return spec, shifted, "submit"
        return None, node, None

    def _instance_of(self, node: ast.expr, scope: _Scope) -> str | None:
        """The class a receiver was made from (``cfg = configparser.ConfigParser()`` -> its name)."""
        if isinstance(node, ast.Name):
            found = scope.lookup(node.id)
            if found is None or found[0] != "value" or found[1] is _UNKNOWN:
                return None
            node = found[1]
        if isinstance(node, ast.Call):
            return self.qualify(node.func, scope)
        return None

    def _parameter_read(self, node: ast.Call, spec: ReaderSpec, path_node: ast.expr, scope: _Scope, ctx: _Ctx,
                        func: ast.expr) -> None:
        """A module-level function that reads its parameter on the workers (``def load(folder):
        return dd.read_parquet(folder)``): its callers' literals are followed across modules."""
        if not isinstance(path_node, ast.Name) or not ctx.func or "." in ctx.func or ctx.guarded:
            return
        name = path_node.id
        if name not in scope.params or name in scope.rebound or not _reads(node, spec, self, scope):
            return
        lazy = (spec.workers or any(_truthy(kw.value) for kw in node.keywords if kw.arg in spec.workers_if)) \
            and not (self.no_cluster and ctx.where != WORKERS)
        if not lazy and not (ctx.where == WORKERS and (ctx.by or "").startswith("@")):
            return  # only a decorated function ships itself when called: f(x) of delayed(f) runs here
        self.helpers[ctx.func] = [scope.params.index(name), name, _short(func), "" if lazy else (ctx.by or "")]

    def _class_attribute(self, owner: str, attr: str, scope: _Scope) -> ast.expr | None:
        """``self.data_dir`` in a method, or ``Config.data_dir``: a class attribute no method reassigns."""
        s: _Scope | None = scope
        while s is not None:
            if s.self_name == owner and s.owner is not None:
                cls = s.owner
                if id(cls) not in self._attrs:
                    self._attrs[id(cls)] = class_attributes(cls)
                return self._attrs[id(cls)].get(attr)
            s = s.parent
        found = scope.lookup(owner)
        if found is not None and found[0] == "value" and found[1] is _UNKNOWN:
            if self._classes is None:
                self._classes = {c.name: class_attributes(c) for c in self.module_body if isinstance(c, ast.ClassDef)}
            return self._classes.get(owner, {}).get(attr)
        return None

    def _origin(self, path_node: ast.expr, scope: _Scope) -> _Default | None:
        """The parameter default a path comes from (``def load(path="data/x.csv")``), if any."""
        for sub in ast.walk(path_node):
            if isinstance(sub, ast.Name):
                found = scope.lookup(sub.id)
                if found is not None and isinstance(found[1], _Default):
                    return found[1]
        return None

    def _column(self, node: ast.expr) -> int:
        line = self.source_lines[node.lineno - 1] if 0 < node.lineno <= len(self.source_lines) else b""
        return len(line[: node.col_offset].decode("utf-8", "replace")) + 1


def _argument(node: ast.Call, index: int | None, keyword: str | None) -> ast.expr | None:
    for kw in node.keywords:
        if keyword is not None and kw.arg == keyword:
            return kw.value
    if index is not None and index >= 0:
        for i, arg in enumerate(node.args):
            if isinstance(arg, ast.Starred):
                return None
            if i == index:
                return arg
    return None


def _reads(node: ast.Call, spec: ReaderSpec, scan: _FileScan, scope: _Scope) -> bool:
    """Whether the call opens for reading: a mode with w, a or x writes; an unknown mode is not judged."""
    if spec.mode_arg is None and spec.mode_kw is None:
        return True
    mode_node = _argument(node, spec.mode_arg, spec.mode_kw)
    if mode_node is None:
        mode = spec.default_mode
    else:
        known = scan.value(mode_node, scope)
        if known is None or known.dynamic:
            return False
        mode = known.text
    return not any(c in mode for c in "wax")


def _short(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


# -- entry points --------------------------------------------------------------------------------

def scan_python(data: bytes, table: ReaderTable, lines: list[int] | None = None) -> ScanResult:
    """Reader calls in one Python source. ``lines``: the pre-filter's hits (computed when None)."""
    nul = data.find(b"\x00")
    if nul >= 0:  # Python refuses such a file whatever it holds: say so even without a reader call
        return {"reads": [], "error": ["not Python source: a NUL byte (a binary file?)", data.count(b"\n", 0, nul) + 1,
                                       None]}
    encoding = _encoding_error(data)
    if lines is None:
        lines = table.candidate_lines(data)
    if not lines:
        return {"reads": [], "error": encoding}
    size = syntax_size(data)
    if size > MAX_PARSE_NODES:
        return {"reads": [], "error": [f"too large to scan (about {size} syntax nodes, more than {MAX_PARSE_NODES}: "
                                       "parsing it would take gigabytes); not scanned", None, None]}
    try:
        tree = ast.parse(data)
    except SyntaxError as exc:
        return {"reads": [], "error": [_syntax_reason(exc), exc.lineno, exc.offset]}
    except (ValueError, MemoryError, RecursionError) as exc:  # absurd nesting
        return {"reads": [], "error": [f"not Python source: {exc}", None, None]}
    directive = b"COILED" in data and read_where.COILED_DIRECTIVE.search(data) is not None
    reads, ships, helpers = _scan_tree(tree, table, lines, data, _Ctx(WORKERS, "# COILED") if directive else None)
    return _result(reads, encoding, ships, helpers)


def _result(reads: list, error: list | None, ships: dict[str, str], helpers: dict[str, list[Any]]) -> ScanResult:
    out: ScanResult = {"reads": reads, "error": error}
    if ships:
        out["ships"] = dict(sorted(ships.items()))
    if helpers:
        out["helpers"] = dict(sorted(helpers.items()))
    return out


_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def _encoding_error(data: bytes) -> list | None:
    """Python runs a module only when it is UTF-8 or declares its encoding (PEP 263); ``ast`` is laxer."""
    if data.isascii() or _CODING.search(data, 0, _second_line_end(data)):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"not UTF-8 ({exc.reason} at byte {exc.start}) and no coding declaration, so Python refuses to run it",
                data.count(b"\n", 0, exc.start) + 1, None]
    return None


def _second_line_end(data: bytes) -> int:
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    return len(data) if second < 0 else second


def _scan_tree(tree: ast.Module, table: ReaderTable, lines: list[int], data: bytes, module_ctx: _Ctx | None,
               extra_made: tuple = ()) -> tuple[list, dict[str, str], dict[str, list[Any]]]:
    """The reads (rows without cell), the functions of other modules this one ships, and its functions
    that read a parameter on the workers. ``module_ctx``: where module-level code runs (None: decide here)."""
    from envlint.facts.code.reader_table import imported_modules

    shipped = read_where.shipping(tree) if imported_modules(data) & read_where.CLUSTER_MODULES else None
    if module_ctx is None:
        local = (shipped is not None and shipped.client) or b"__main__" in data
        module_ctx = _Ctx(LOCAL if local else UNKNOWN)
    scan = _FileScan(table, lines, data.splitlines(), shipped)
    scan.module_body = tree.body
    scan.no_cluster = module_ctx.where == LOCAL and not (shipped is not None and shipped.client)
    module = _Scope(tree.body, None)
    ctx = module_ctx
    for stmt in tree.body:
        if scan._overlaps(stmt):
            scan.visit(stmt, module, ctx)
        if not ctx.guarded and isinstance(stmt, ast.If) and _exits_unless_exists(stmt):
            ctx = replace(ctx, guarded=True)
    reads = sorted(scan.reads, key=lambda r: (r[0], r[1], r[2]))
    if reads:
        from envlint.facts.code import made_files

        made = list(extra_made)
        if made_files.may_write(data):
            made += made_files.collect(tree, _Scope, scan.value, shipped.is_dask if shipped else None, data)
        if made:
            reads = made_files.settle(reads, made, WORKERS)
    return reads, shipped.names if shipped else {}, scan.helpers


def _syntax_reason(exc: SyntaxError) -> str:
    msg = exc.msg or "invalid syntax"
    if "decode" in msg or "codec" in msg or "utf-8" in msg.lower():
        return f"not valid UTF-8 (or its declared encoding): {msg}"
    return f"does not parse as Python 3: {msg}"


def scan_notebook(data: bytes, table: ReaderTable) -> ScanResult:
    """Reader calls in a Jupyter notebook's code cells (see :mod:`notebook_cells`); each read notes its
    cell and its line in the cell. A cell that does not parse is reported; the others are still read."""
    from envlint.facts.code import notebook_cells
    from envlint.facts.code.made_files import made_by_shell

    try:
        cells = notebook_cells.load_cells(data)
    except ValueError as exc:
        return {"reads": [], "error": [f"not a Jupyter notebook: {exc}", None, None]}
    nb = notebook_cells.assemble(cells)
    source = nb.source.encode("utf-8", "surrogatepass")
    size = syntax_size(source)
    if size > MAX_PARSE_NODES:
        return {"reads": [], "error": [f"code cells too large to scan (about {size} syntax nodes, more than "
                                       f"{MAX_PARSE_NODES}); not scanned", None, None]}
    candidates = table.candidate_lines(source)
    if not candidates:
        return {"reads": [], "error": None}
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        nb = notebook_cells.assemble(cells, parse_each=True)
        source = nb.source.encode("utf-8", "surrogatepass")
        candidates = table.candidate_lines(source)
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, MemoryError, RecursionError):  # cells that parse alone but not together
            tree = ast.Module(body=[], type_ignores=[])
    error = None
    if nb.broken:
        number, reason, line = nb.broken[0]
        more = f" (and {len(nb.broken) - 1} more cells)" if len(nb.broken) > 1 else ""
        error = [f"cell {number} does not parse as Python 3, even read as IPython: {reason}{more}; "
                 f"the other cells were checked", line, None, number]
    rows, ships, helpers = _scan_tree(tree, table, candidates, source, _Ctx(LOCAL), made_by_shell(nb))
    reads = []
    for line, column, call, target, kind, _cell, where, info in rows:
        cell, cell_line = nb.where[line - 1] if 0 < line <= len(nb.where) else (None, line)
        if "made" in info and 0 < int(info["made"]) <= len(nb.where):
            made_cell, made_line = nb.where[int(info["made"]) - 1]
            info = {**info, "made": str(made_line), "made_cell": str(made_cell)}
        reads.append([cell_line, column, call, target, kind, cell, where, info])
    reads.sort(key=lambda r: (r[5] or 0, r[0], r[1], r[2]))
    return _result(reads, error, ships, helpers)
