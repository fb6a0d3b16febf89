"""setup.py, read and never run: imports, module-level literals and ``setup()`` keywords.

The imports come from envlint's one import finder (:mod:`envlint.facts.code.imports`, over CPython's
``ast``, which parses the file first anyway to guard libcst), with ``if __name__ == "__main__":``
counted as always run since pip runs setup.py as ``__main__``. The rest is read with libcst, which
gives exact positions of every value. Values are evaluated statically: string/number/list/tuple/dict
literals, names bound to them at module level, ``+`` of lists or strings, ``dict(...)``,
``find_packages(...)`` and ``Extension(...)``; anything else is :data:`DYNAMIC`. A setup.py that
does not parse (Python 2 syntax) is reported with the line Python's own parser names (only parsed,
never compiled to code objects or run).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envlint.facts.code.imports import GUARD_EXCEPTIONS, ImportRef, imports_of, weaker
from envlint.facts.formats.text import MAX_PARSE_NODES, syntax_size
from envlint.facts.project.model import Position


class _Dynamic:
    def __repr__(self) -> str:
        return "<dynamic>"


#: A value that cannot be known without running the code.
DYNAMIC: Any = _Dynamic()

_SETUP_NAMES = {"setup"}
_MUTATORS = {"update", "append", "extend", "insert", "setdefault", "pop", "remove", "clear", "add", "discard",
             "__setitem__", "popitem"}
_EXTENSION_NAMES = {"Extension", "Pybind11Extension", "CUDAExtension", "CppExtension", "RustExtension",
                    "cythonize", "CMakeExtension"}


@dataclass(frozen=True)
class FindPackages:
    """A ``find_packages(...)`` / ``find_namespace_packages(...)`` call, evaluated later over the tree."""

    namespace: bool
    where: str = "."
    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExtensionSpec:
    """An ``Extension(...)``-like call (or ``cythonize``)."""

    kind: str
    name: Any
    sources: Any
    where: Position


@dataclass(frozen=True)
class Keyword:
    name: str
    value: Any
    where: Position
    items: tuple[tuple[Any, Position], ...] = ()
    """Each element of a list/tuple value with its own position (for requirement strings)."""


@dataclass
class SetupPy:
    path: Path
    imports: list[ImportRef] = field(default_factory=list)
    """Empty when only libcst, not the host's ``ast``, parses the file (syntax newer than the host)."""
    assignments: dict[str, Any] = field(default_factory=dict)
    keywords: dict[str, Keyword] = field(default_factory=dict)
    setup_call: Position | None = None
    extensions: list[ExtensionSpec] = field(default_factory=list)
    error: tuple[str, int | None, int | None] | None = None
    """(message, line, column) when the file does not parse."""
    keywords_complete: bool = True
    """False when setup() also takes ``**<something computed>`` or positional arguments: a keyword
    that is absent may still be given."""

    @property
    def is_build_script(self) -> bool:
        """A setup.py that calls setup() or imports setuptools/distutils (not a module that is merely
        named setup.py, such as a test-suite helper). One that does not parse counts: it is meant to be one."""
        tops = {"setuptools", "distutils", "skbuild"}
        return self.error is not None or self.setup_call is not None or any(
            i.top in tops or i.module.startswith("numpy.distutils") for i in self.imports)

    def value(self, name: str, default: Any = None) -> Any:
        kw = self.keywords.get(name)
        return kw.value if kw is not None else default


def parse(path: Path, text: str) -> SetupPy:
    import libcst as cst

    result = SetupPy(path)
    guard = _libcst_guard(text)
    if isinstance(guard, tuple):
        result.error = guard
        return result
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, SyntaxError) as exc:  # libcst's CSTValidationError is a SyntaxError
        result.error = _syntax_error(text, exc)
        return result
    except (RecursionError, MemoryError) as exc:  # pathological input
        result.error = (f"cannot parse: {type(exc).__name__}", None, None)
        return result
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        positions = wrapper.resolve(PositionProvider)
        _Collector(result, positions).collect(wrapper.module)
    except RecursionError:  # valid Python nested deeper than libcst's tree walk can follow
        result.error = ("nested too deeply to read statically", None, None)
        return result
    if guard is not None:  # pip runs setup.py as __main__
        result.imports = imports_of(guard, text, as_main=True)
    return result


_LIBCST_AT = re.compile(r"error at (\d+):(\d+)")
#: Nesting libcst is never handed: its native parser overflows the C stack (a segfault, no
#: traceback) at a few thousand levels of ``-x``, ``a and b and ...`` or ``import a.a.a...``.
_MAX_NESTING = 1000
_TOO_DEEP = ("nested too deeply to read statically", None, None)


#: libcst takes about half a millisecond and tens of kilobytes per node (a 2 MB setup.py of one flat
#: tuple: minutes and gigabytes): a setup.py above this many (estimated, then counted) is not parsed.
#: A large hand-written setup.py has a few thousand.
MAX_SETUP_PY_NODES = 20_000


def _too_large(nodes: int) -> tuple[str, None, None]:
    return (f"too large to read statically (about {nodes} syntax nodes, more than {MAX_SETUP_PY_NODES}); not parsed",
            None, None)


def _libcst_guard(text: str) -> tuple[str, int | None, int | None] | ast.Module | None:
    """Why ``text`` must not reach libcst; else CPython's tree of it (for the imports), or None when
    only libcst may read it. CPython's parser goes first: it fails cleanly (RecursionError,
    MemoryError, "too many nested parentheses") where libcst's would crash, and libcst's nesting for
    what CPython keeps flat (``and`` chains, dotted names) is counted on its tree."""
    estimate = syntax_size(text)
    if estimate > MAX_SETUP_PY_NODES:
        return _too_large(estimate)
    try:
        tree = ast.parse(text)
    except SyntaxError as err:
        if "too many nested" in (err.msg or ""):
            return (f"does not parse as Python 3: {err.msg}", err.lineno, err.offset)
        # a syntax error (or grammar newer than this Python's) is libcst's to report, unless the text
        # holds what libcst nests deeply and CPython flat
        chained = text.count(" and ") + text.count(" or ")
        dotted = max((line.count(".") for line in text.splitlines()), default=0)
        if max(chained, dotted) > _MAX_NESTING:
            return (f"does not parse as Python 3: {err.msg or 'invalid syntax'}", err.lineno, err.offset)
        return None
    except (RecursionError, MemoryError):
        return _TOO_DEEP
    except ValueError as exc:  # NUL bytes (Python 3.11 and older)
        return (f"does not parse as Python 3: {exc}", None, None)
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > 2 * MAX_SETUP_PY_NODES:
            return _too_large(nodes)
        if isinstance(node, ast.BoolOp):
            depth += len(node.values)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            depth += max([a.name.count(".") for a in node.names] + [(node.module or "").count(".")
                                                                     if isinstance(node, ast.ImportFrom) else 0])
        if depth > _MAX_NESTING:
            return _TOO_DEEP
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


def _syntax_error(text: str, exc: Any) -> tuple[str, int | None, int | None]:
    """Python's own parser names the line best (``Missing parentheses in call to 'print'``)."""
    try:
        ast.parse(text)
    except SyntaxError as err:
        return (f"does not parse as Python 3: {err.msg or 'invalid syntax'}", err.lineno, err.offset)
    except (ValueError, RecursionError, MemoryError):
        pass
    m = _LIBCST_AT.search(str(getattr(exc, "message", exc)))
    line = int(m.group(1)) if m else getattr(exc, "raw_line", None)
    return ("does not parse as Python 3: invalid syntax", line, None)


class _Collector:
    def __init__(self, result: SetupPy, positions: Any) -> None:
        self.result = result
        self.positions = positions
        self.assigned_items: dict[str, tuple[tuple[Any, Position], ...]] = {}

    def pos(self, node: Any) -> Position:
        code_range = self.positions.get(node)
        if code_range is None:
            return Position(self.result.path)
        return Position(self.result.path, code_range.start.line, code_range.start.column + 1)

    # -- walk -------------------------------------------------------------------------------------
    def collect(self, module: Any) -> None:
        self.walk_body(module.body, "module")

    def walk_body(self, body: Any, context: str) -> None:
        for stmt in body:
            self.walk_statement(stmt, context)

    def walk_statement(self, stmt: Any, context: str) -> None:
        import libcst as cst

        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.small_statement(small, context)
            return
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            self.walk_block(stmt.body, "function")
            return
        if isinstance(stmt, cst.If):
            self.scan_calls(stmt.test)
            # pip runs setup.py as __main__: `if __name__ == "__main__":` always runs, its else branch never.
            self.walk_block(stmt.body, context if _is_main_test(stmt.test) else weaker(context, "conditional"))
            orelse = stmt.orelse
            while orelse is not None:
                if isinstance(orelse, cst.If):
                    self.scan_calls(orelse.test)
                    self.walk_block(orelse.body, weaker(context, "conditional"))
                    orelse = orelse.orelse
                else:
                    self.walk_block(orelse.body, weaker(context, "conditional"))
                    orelse = None
            return
        if isinstance(stmt, cst.Try):
            guarded = any(_catches_import_error(h) for h in stmt.handlers)
            self.walk_block(stmt.body, weaker(context, "guarded") if guarded else context)
            for handler in stmt.handlers:
                self.walk_block(handler.body, weaker(context, "conditional"))
            if stmt.orelse is not None:
                self.walk_block(stmt.orelse.body, weaker(context, "conditional"))
            if stmt.finalbody is not None:
                self.walk_block(stmt.finalbody.body, context)
            return
        if isinstance(stmt, cst.With):
            for item in stmt.items:
                self.scan_calls(item.item)
            self.walk_block(stmt.body, context)
            return
        if isinstance(stmt, (cst.For, cst.While)):
            self.walk_block(stmt.body, weaker(context, "conditional"))
            if stmt.orelse is not None:
                self.walk_block(stmt.orelse.body, weaker(context, "conditional"))
            return
        body = getattr(stmt, "body", None)
        if body is not None:
            self.walk_block(body, weaker(context, "conditional"))

    def walk_block(self, block: Any, context: str) -> None:
        import libcst as cst

        if isinstance(block, cst.IndentedBlock):
            self.walk_body(block.body, context)
        elif isinstance(block, cst.SimpleStatementSuite):
            for small in block.body:
                self.small_statement(small, context)

    def small_statement(self, small: Any, context: str) -> None:
        import libcst as cst

        if isinstance(small, (cst.Import, cst.ImportFrom)):
            return  # imports: envlint.facts.code.imports
        if isinstance(small, (cst.Assign, cst.AnnAssign)):
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            for target in targets:  # kw["packages"] = ..., or a rebinding under if/def: no longer known
                base = target.value if isinstance(target, (cst.Subscript, cst.Attribute)) else target
                if isinstance(base, cst.Name) and (context != "module" or base is not target):
                    self.result.assignments[base.value] = DYNAMIC
        if isinstance(small, (cst.Assign, cst.AnnAssign)) and context == "module":
            value_node = small.value
            if value_node is not None:
                value = self.evaluate(value_node)
                for target in targets:
                    if isinstance(target, cst.Name):
                        self.result.assignments[target.value] = value
                        self.assigned_items[target.value] = self.items(value_node)
            self.scan_calls(value_node)
            return
        if isinstance(small, cst.AugAssign) and context == "module" and isinstance(small.target, cst.Name):
            old = self.result.assignments.get(small.target.value, DYNAMIC)
            if isinstance(small.operator, cst.AddAssign):
                self.result.assignments[small.target.value] = _add(old, self.evaluate(small.value))
            else:
                self.result.assignments[small.target.value] = DYNAMIC
            self.scan_calls(small.value)
            return
        if isinstance(small, cst.Expr):
            self.scan_calls(small.value)
            self.forget_mutated(small.value)
            return
        for child in getattr(small, "children", ()):
            self.scan_calls(child)

    def forget_mutated(self, node: Any) -> None:
        """``kw.update(...)``, ``REQS.append(...)``: the name's literal value is no longer known."""
        import libcst as cst

        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
                isinstance(node.func.value, cst.Name) and node.func.attr.value in _MUTATORS:
            self.result.assignments[node.func.value.value] = DYNAMIC

    # -- setup() and Extension() calls ----------------------------------------------------------
    def scan_calls(self, node: Any) -> None:
        import libcst as cst

        if node is None:
            return
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Call):
                name = _call_name(current.func)
                if name in _SETUP_NAMES and (self.result.setup_call is None or
                                             len(current.args) > len(self.result.keywords)):
                    self.setup_call(current)
                elif name in _EXTENSION_NAMES:
                    self.evaluate(current)
            stack.extend(getattr(current, "children", ()))

    def setup_call(self, call: Any) -> None:
        self.result.setup_call = self.pos(call)
        self.result.keywords_complete = True
        keywords: dict[str, Keyword] = {}
        for arg in call.args:
            if arg.keyword is None and not arg.star:
                self.result.keywords_complete = False
            if arg.keyword is not None:
                value = self.evaluate(arg.value)
                keywords[arg.keyword.value] = Keyword(arg.keyword.value, value, self.pos(arg.keyword),
                                                      self.items(arg.value))
            elif arg.star == "**":
                spread = self.evaluate(arg.value)
                if isinstance(spread, dict):
                    where = self.pos(arg.value)
                    for key, value in spread.items():
                        if isinstance(key, str) and key not in keywords:
                            keywords[key] = Keyword(key, value, where)
                else:
                    self.result.keywords_complete = False
            elif arg.star == "*":
                self.result.keywords_complete = False
        self.result.keywords = keywords

    def items(self, node: Any) -> tuple[tuple[Any, Position], ...]:
        import libcst as cst

        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return tuple((self.evaluate(el.value), self.pos(el.value)) for el in node.elements
                         if not isinstance(el, cst.StarredElement))
        if isinstance(node, cst.Name):
            return self.assigned_items.get(node.value, ())
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self.items(node.left) + self.items(node.right)
        return ()

    # -- static evaluation ------------------------------------------------------------------------
    def evaluate(self, node: Any) -> Any:  # noqa: C901 - one dispatch over node types
        import libcst as cst

        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            try:
                value = node.evaluated_value
            except (SyntaxError, ValueError, TypeError) as exc:  # "\N{NOPE}": libcst parses what Python rejects
                where = self.pos(node)
                if self.result.error is None:
                    self.result.error = (f"does not parse as Python 3: {getattr(exc, 'msg', None) or exc}",
                                         where.line, where.column)
                return DYNAMIC
            return value.decode("latin-1") if isinstance(value, bytes) else (value if value is not None else DYNAMIC)
        if isinstance(node, (cst.Integer, cst.Float)):
            return node.evaluated_value
        if isinstance(node, cst.Name):
            if node.value in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.value]
            return self.result.assignments.get(node.value, DYNAMIC)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            out: list[Any] = []
            for el in node.elements:
                if isinstance(el, cst.StarredElement):
                    inner = self.evaluate(el.value)
                    out.extend(inner) if isinstance(inner, (list, tuple)) else out.append(DYNAMIC)
                else:
                    out.append(self.evaluate(el.value))
            return tuple(out) if isinstance(node, cst.Tuple) else out
        if isinstance(node, cst.Dict):
            result: dict[Any, Any] = {}
            for el in node.elements:
                if isinstance(el, cst.DictElement):
                    key = self.evaluate(el.key)
                    if key is DYNAMIC or isinstance(key, (list, dict)):
                        return DYNAMIC
                    result[key] = self.evaluate(el.value)
                else:
                    spread = self.evaluate(el.value)
                    if not isinstance(spread, dict):
                        return DYNAMIC
                    result.update(spread)
            return result
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return _add(self.evaluate(node.left), self.evaluate(node.right))
        if isinstance(node, cst.Call):
            return self.evaluate_call(node)
        if isinstance(node, cst.Subscript) or isinstance(node, cst.Attribute):
            return DYNAMIC
        return DYNAMIC

    def evaluate_call(self, node: Any) -> Any:
        name = _call_name(node.func)
        args = [a for a in node.args if a.keyword is None and not a.star]
        kwargs = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if name in ("find_packages", "find_namespace_packages", "PEP420PackageFinder.find"):
            where = self.evaluate(args[0].value) if args else (self.evaluate(kwargs["where"]) if "where" in kwargs else ".")
            exclude = self.evaluate(args[1].value) if len(args) > 1 else (
                self.evaluate(kwargs["exclude"]) if "exclude" in kwargs else ())
            include = self.evaluate(args[2].value) if len(args) > 2 else (
                self.evaluate(kwargs["include"]) if "include" in kwargs else ("*",))
            if not isinstance(where, str) or not _str_seq(exclude) or not _str_seq(include):
                return DYNAMIC
            return FindPackages(name != "find_packages", where, tuple(include), tuple(exclude))
        if name == "dict" and not args and all(not a.star for a in node.args):
            return {k: self.evaluate(v) for k, v in kwargs.items()}
        if name in _EXTENSION_NAMES:
            ext_name = self.evaluate(args[0].value) if args else self.evaluate(kwargs["name"]) if "name" in kwargs else DYNAMIC
            sources = self.evaluate(args[1].value) if len(args) > 1 else (
                self.evaluate(kwargs["sources"]) if "sources" in kwargs else DYNAMIC)
            if name == "cythonize":
                ext_name, sources = DYNAMIC, ext_name
            spec = ExtensionSpec(name, ext_name, sources, self.pos(node))
            if all(e.where != spec.where for e in self.result.extensions):
                self.result.extensions.append(spec)
            return [spec] if name == "cythonize" else spec
        return DYNAMIC


def _is_main_test(test: Any) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    import libcst as cst

    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1 or \
            not isinstance(test.comparisons[0].operator, cst.Equal):
        return False
    sides = [test.left, test.comparisons[0].comparator]
    names = [n for n in sides if isinstance(n, cst.Name) and n.value == "__name__"]
    strings = [n for n in sides if isinstance(n, cst.SimpleString) and n.value in ('"__main__"', "'__main__'")]
    return len(names) == 1 and len(strings) == 1


def _catches_import_error(handler: Any) -> bool:
    import libcst as cst

    kind = handler.type
    if kind is None:
        return True
    names = []
    if isinstance(kind, cst.Tuple):
        names = [_dotted(el.value) for el in kind.elements]
    else:
        names = [_dotted(kind)]
    return any((n or "").rsplit(".", 1)[-1] in GUARD_EXCEPTIONS for n in names)


def _dotted(node: Any) -> str | None:
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        left = _dotted(node.value)
        return f"{left}.{node.attr.value}" if left else None
    return None


def _call_name(func: Any) -> str | None:
    import libcst as cst

    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        # setuptools.setup, distutils.core.setup, setuptools.find_packages, ...
        return func.attr.value
    return None


def _str_seq(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def _add(left: Any, right: Any) -> Any:
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return list(left) + list(right)
    if isinstance(left, (list, tuple)) and right is DYNAMIC:
        return [*left, DYNAMIC]
    if left is DYNAMIC and isinstance(right, (list, tuple)):
        return [DYNAMIC, *right]
    return DYNAMIC


def ast_imports(path: Path, text: str) -> SetupPy:
    """Only the imports of a module (see :func:`envlint.facts.code.imports.find_imports`), as a SetupPy
    whose ``error`` is set when the text does not parse."""
    from envlint.facts.code.imports import find_imports

    result = SetupPy(path)
    size = syntax_size(text)
    if size > MAX_PARSE_NODES:
        result.error = (f"too large to read (about {size} syntax nodes, more than {MAX_PARSE_NODES}); not parsed",
                        None, None)
        return result
    found = find_imports(path, text)
    if found is None:
        result.error = ("does not parse as Python 3", None, None)
    else:
        result.imports = found
    return result
