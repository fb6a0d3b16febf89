"""Which imports of setup.py, and of the local modules it imports, execute when pip builds a wheel.

Read with ``ast``, never run. Module-level code runs; so does everything the build calls:

- functions and methods called from code that runs (``ext_modules=get_extensions()``,
  ``include_dirs=[numpy_include()]``), within setup.py and the local modules it imports;
- ``__init__`` of a class instantiated there, and its ``__str__``/``__fspath__``: setuptools turns the
  objects in ``include_dirs`` into paths while building (pybind11's ``get_pybind_include`` helper);
- the methods of command classes that ``pip wheel`` runs (``cmdclass={"build_ext": BuildExt}``, or a
  subclass of ``build_ext``/``build_py``/``build``/``install``/``bdist_wheel``/``egg_info``).

An import under ``if`` (or in a loop) stays conditional, and one inside ``try: ... except ImportError``
runs unless every such handler fails anyway: re-raises, exits, imports the same module again, or runs
``pip install`` by subprocess (:attr:`Reached.pip_fallback`: in an isolated build that installs into
nothing the build keeps, and it is not a declaration).

Phases: code that runs before ``setup()`` is called (module level, the call's arguments, ``__init__``
of objects built for them) cannot use ``setup_requires``; code that setup() runs itself (command
classes, ``__str__`` of include helpers) runs after setuptools has installed ``setup_requires`` into
the build environment (``setuptools.build_meta`` hands them to pip as build requirements).

``sys.path`` edits at setup.py's module level (``sys.path.append("tools")``,
``sys.path.insert(0, os.path.join(os.path.dirname(__file__), "build_support"))``) are evaluated when
their path is a literal or derived from ``__file__``: :func:`search_dirs`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: Commands ``pip wheel`` runs through setuptools.build_meta (egg_info/dist_info for metadata, then
#: bdist_wheel, which runs build and install with their sub-commands).
RUN_COMMANDS = frozenset({"egg_info", "dist_info", "bdist_wheel", "build", "build_py", "build_ext", "build_clib",
                          "build_scripts", "install", "install_lib", "install_headers", "install_scripts",
                          "install_data", "install_egg_info", "editable_wheel"})
#: Base classes (their last dotted part, lower case, without underscores) that make a command class.
_COMMAND_BASES = {c.replace("_", ""): c for c in RUN_COMMANDS} | {"buildextension": "build_ext",
                                                                   "pybind11buildext": "build_ext"}
_GUARD_EXCEPTIONS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_CALLED_BY_BUILD = ("__str__", "__fspath__", "__repr__")
_CONSTRUCTORS = ("__new__", "__init__", "__post_init__")
_EXITS = {"exit", "quit", "_exit", "abort"}
MAX_UNITS = 400

Key = tuple[Path, int, str, int]
"""(file, line, module as written, relative level): one import statement's module."""


@dataclass(frozen=True)
class Reached:
    """An import that executes at build time (beyond those at module level, which always do)."""

    late: bool
    """It runs only inside setup() (command classes, ``__str__`` of include helpers): after
    ``setup_requires`` is installed."""
    pip_fallback: bool = False
    """It is guarded by ``except ImportError`` whose fallback runs ``pip install`` by subprocess."""


@dataclass
class _Module:
    path: Path
    tree: ast.Module
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]
    classes: dict[str, ast.ClassDef]
    bindings: dict[str, tuple[str, str | None, int]]
    """Local name -> (module, attribute or None, relative level) for every import in the file."""


def _index(path: Path, tree: ast.Module) -> _Module:
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    classes: dict[str, ast.ClassDef] = {}
    bindings: dict[str, tuple[str, str | None, int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bindings[alias.asname] = (alias.name, None, 0)
                else:
                    top = alias.name.split(".")[0]
                    bindings.setdefault(top, (top, None, 0))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    bindings[alias.asname or alias.name] = (node.module or "", alias.name, node.level)
    for stmt in _flat_statements(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[stmt.name] = stmt
        elif isinstance(stmt, ast.ClassDef):
            classes[stmt.name] = stmt
    return _Module(path, tree, functions, classes, bindings)


def _flat_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, including those under if/try/with (a def under ``if`` still defines)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.AsyncWith)):
            yield from _flat_statements(stmt.body)
            yield from _flat_statements(getattr(stmt, "orelse", []))
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):
                yield from _flat_statements(block)


# -- guards ---------------------------------------------------------------------------------------
def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((getattr(k, "id", None) or getattr(k, "attr", None)) in _GUARD_EXCEPTIONS for k in kinds)


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _pip_installs(node: ast.AST) -> bool:
    """A call that runs ``pip install`` (subprocess argument lists, os.system strings, pip.main)."""
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        words = " ".join(_strings(call)).split()
        if "install" in words and any(w == "pip" or w.endswith("/pip") or w.startswith("pip") for w in words):
            return True
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "main" and isinstance(func.value, ast.Name) \
                and func.value.id == "pip":
            return True
    return False


def _fails_anyway(handler: ast.ExceptHandler, modules: set[str]) -> bool:
    """The handler does not fall back: it raises, exits or imports the same module again."""
    for stmt in handler.body:
        if isinstance(stmt, ast.Raise):
            return True
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            func = stmt.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in _EXITS:
                return True
        if isinstance(stmt, ast.Import) and any(a.name.split(".")[0] in modules for a in stmt.names):
            return True
        if isinstance(stmt, ast.ImportFrom) and not stmt.level and (stmt.module or "").split(".")[0] in modules:
            return True
    return False


@dataclass(frozen=True)
class _Strength:
    runs: bool
    pip_fallback: bool = False


def _try_strength(stmt: ast.Try, outer: _Strength) -> _Strength:
    """How surely the body of ``try`` fails the build when one of its imports is missing."""
    handlers = [h for h in stmt.handlers if _catches_import_error(h)]
    if not handlers:
        return outer
    modules = {a.name.split(".")[0] for n in ast.walk(ast.Module(body=stmt.body, type_ignores=[]))
               if isinstance(n, ast.Import) for a in n.names}
    modules |= {(n.module or "").split(".")[0] for n in ast.walk(ast.Module(body=stmt.body, type_ignores=[]))
                if isinstance(n, ast.ImportFrom) and not n.level}
    pip = any(_pip_installs(h) for h in handlers)
    if pip or all(_fails_anyway(h, modules) for h in handlers):
        return _Strength(outer.runs, outer.pip_fallback or pip)
    return _Strength(False)


# -- the walk -------------------------------------------------------------------------------------
_Target = tuple[_Module, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]
"""A function or class a call reaches, with the module that defines it."""


@dataclass(frozen=True)
class _Unit:
    module: _Module
    body: tuple[ast.stmt, ...]
    late: bool
    strength: _Strength
    owner: ast.ClassDef | None = None
    main: bool = False
    """setup.py's own module level, where ``if __name__ == "__main__":`` runs (pip runs it as __main__)."""


class _Reach:
    def __init__(self, locate: Callable[[str, int, Path], list[Path]], parse: Callable[[Path], ast.Module | None]):
        self.locate = locate
        self.parse = parse
        self.modules: dict[Path, _Module | None] = {}
        self.out: dict[Key, Reached] = {}
        self.seen: set[tuple[int, bool, bool, bool]] = set()
        self.todo: list[_Unit] = []

    def module(self, path: Path) -> _Module | None:
        if path not in self.modules:
            tree = self.parse(path)
            self.modules[path] = _index(path, tree) if tree is not None else None
        return self.modules[path]

    def push(self, unit: _Unit) -> None:
        key = (id(unit.body[0]) if unit.body else 0, unit.late, unit.strength.runs, unit.strength.pip_fallback)
        if not unit.body or not unit.strength.runs or key in self.seen or len(self.seen) >= MAX_UNITS:
            return
        self.seen.add(key)
        self.todo.append(unit)

    def run(self) -> None:
        while self.todo:
            unit = self.todo.pop()
            for stmt in unit.body:
                self.statement(unit, stmt, unit.strength)

    def record(self, unit: _Unit, key: Key, strength: _Strength) -> None:
        if not strength.runs:
            return
        new = Reached(unit.late, strength.pip_fallback)
        old = self.out.get(key)
        if old is None or (old.late, old.pip_fallback) > (new.late, new.pip_fallback):
            self.out[key] = new

    def statement(self, unit: _Unit, stmt: ast.stmt, strength: _Strength) -> None:  # noqa: C901
        path = unit.module.path
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                self.record(unit, (path, getattr(alias, "lineno", stmt.lineno), alias.name, 0), strength)
                self.follow(unit, alias.name, None, 0, strength)
        elif isinstance(stmt, ast.ImportFrom):
            self.record(unit, (path, stmt.lineno, stmt.module or "", stmt.level), strength)
            for alias in stmt.names:
                self.follow(unit, stmt.module or "", alias.name, stmt.level, strength)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for expr in [*stmt.decorator_list, *stmt.args.defaults, *stmt.args.kw_defaults]:
                self.expression(unit, expr, strength)
        elif isinstance(stmt, ast.ClassDef):
            for expr in [*stmt.decorator_list, *stmt.bases]:
                self.expression(unit, expr, strength)
            inside = _Unit(unit.module, unit.body, unit.late, strength, stmt)
            for inner in stmt.body:  # a class body runs when the class is defined
                self.statement(inside, inner, strength)
        elif isinstance(stmt, ast.Try):
            for inner in stmt.body:
                self.statement(unit, inner, _try_strength(stmt, strength))
            for block in (*(h.body for h in stmt.handlers), stmt.orelse):
                for inner in block:
                    self.statement(unit, inner, _Strength(False))
            for inner in stmt.finalbody:
                self.statement(unit, inner, strength)
        elif isinstance(stmt, ast.If):
            self.expression(unit, stmt.test, strength)
            main = unit.main and _is_main_test(stmt.test)
            for inner in stmt.body:
                self.statement(unit, inner, strength if main else _Strength(False))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.expression(unit, item.context_expr, strength)
            for inner in stmt.body:
                self.statement(unit, inner, strength)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            self.expression(unit, stmt.iter if isinstance(stmt, (ast.For, ast.AsyncFor)) else stmt.test, strength)
        else:
            self.expression(unit, stmt, strength)

    def expression(self, unit: _Unit, node: ast.AST, strength: _Strength) -> None:
        """Calls in ``node`` (not inside lambdas or nested definitions) that reach local code."""
        if not strength.runs:
            return
        stack: list[ast.AST] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(current, ast.Call):
                self.call(unit, current, strength)
                if _call_name(current.func) == "setup":
                    self.setup_call(unit, current, strength)
            stack.extend(ast.iter_child_nodes(current))

    def call(self, unit: _Unit, call: ast.Call, strength: _Strength) -> None:
        target = self.resolve(unit, call.func)
        if target is None:
            return
        module, node = target
        if isinstance(node, ast.ClassDef):
            for method in self.methods(module, node, _CONSTRUCTORS):
                self.push(_Unit(module, tuple(method.body), unit.late, strength, node))
            for method in self.methods(module, node, _CALLED_BY_BUILD):
                self.push(_Unit(module, tuple(method.body), True, strength, node))
        else:
            self.push(_Unit(module, tuple(node.body), unit.late, strength, unit.owner if module is unit.module
                            and node.name not in module.functions else None))

    def resolve(self, unit: _Unit, func: ast.expr) -> _Target | None:
        mod = unit.module
        if isinstance(func, ast.Name):
            if func.id in mod.functions:
                return mod, mod.functions[func.id]
            if func.id in mod.classes:
                return mod, mod.classes[func.id]
            bound = mod.bindings.get(func.id)
            if bound is not None and bound[1] is not None:
                return self.member(mod, bound[0], bound[2], bound[1])
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id == "self" and unit.owner is not None:
                found = self.methods(mod, unit.owner, (func.attr,))
                return (mod, found[0]) if found else None
            bound = mod.bindings.get(func.value.id)
            if bound is not None:
                dotted = bound[0] if bound[1] is None else f"{bound[0]}.{bound[1]}" if bound[0] else bound[1]
                return self.member(mod, dotted, bound[2], func.attr)
        return None

    def member(self, mod: _Module, dotted: str, level: int, name: str) -> _Target | None:
        for path in reversed(self.locate(dotted, level, mod.path)):
            other = self.module(path)
            if other is not None and (found := other.functions.get(name) or other.classes.get(name)):
                return other, found
        return None

    def methods(self, mod: _Module, cls: ast.ClassDef, names: tuple[str, ...] | None,
                depth: int = 0) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        """Methods of ``cls`` (all when ``names`` is None), with those inherited from local base classes."""
        found = [s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and (names is None or s.name in names)]
        if depth < 5:
            for base in cls.bases:
                if isinstance(base, ast.Name) and base.id in mod.classes and mod.classes[base.id] is not cls:
                    have = {f.name for f in found}
                    inherited = self.methods(mod, mod.classes[base.id], names, depth + 1)
                    found += [m for m in inherited if m.name not in have]
        return found

    def follow(self, unit: _Unit, dotted: str, name: str | None, level: int, strength: _Strength) -> None:
        """A local module imported by code that runs: its module level runs too."""
        if not strength.runs:
            return
        candidates = [dotted] if name is None else [dotted, f"{dotted}.{name}" if dotted else name]
        for candidate in candidates:
            for path in self.locate(candidate, level, unit.module.path):
                other = self.module(path)
                if other is not None:
                    self.push(_Unit(other, tuple(other.tree.body), unit.late, strength))

    def setup_call(self, unit: _Unit, call: ast.Call, strength: _Strength) -> None:
        """Command classes of ``cmdclass`` run inside setup()."""
        for keyword in call.keywords:
            if keyword.arg == "cmdclass":
                for cls_name, command in self.cmdclass(unit.module, keyword.value):
                    if command not in RUN_COMMANDS:
                        continue
                    found = self.resolve(unit, ast.Name(id=cls_name))
                    if found is not None and isinstance(found[1], ast.ClassDef):
                        self.command_class(found[0], found[1], strength)

    def cmdclass(self, mod: _Module, value: ast.expr) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        dicts = [value]
        if isinstance(value, ast.Name):  # cmdclass = {...}; cmdclass["build_ext"] = X; cmdclass.update(...)
            for node in ast.walk(mod.tree):
                named = isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == value.id
                                                              for t in node.targets)
                if named:
                    dicts.append(node.value)
                elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript) and \
                        isinstance(node.targets[0].value, ast.Name) and node.targets[0].value.id == value.id and \
                        isinstance(node.targets[0].slice, ast.Constant) and isinstance(node.value, ast.Name):
                    pairs.append((node.value.id, str(node.targets[0].slice.value)))
        for d in dicts:
            if isinstance(d, ast.Dict):
                pairs += [(v.id, k.value) for k, v in zip(d.keys, d.values)
                          if isinstance(k, ast.Constant) and isinstance(k.value, str) and isinstance(v, ast.Name)]
            elif isinstance(d, ast.Call) and _call_name(d.func) == "dict":
                pairs += [(kw.value.id, kw.arg) for kw in d.keywords if kw.arg and isinstance(kw.value, ast.Name)]
        return pairs

    def command_class(self, mod: _Module, cls: ast.ClassDef, strength: _Strength) -> None:
        for method in self.methods(mod, cls, None):
            self.push(_Unit(mod, tuple(method.body), True, strength, cls))


def _command_of(mod: _Module, cls: ast.ClassDef, depth: int = 0) -> str | None:
    """The command a class subclasses (``class BuildExt(build_ext)`` -> build_ext), through local bases."""
    for base in cls.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name in mod.classes and mod.classes[name] is not cls and depth < 5:
            found = _command_of(mod, mod.classes[name], depth + 1)
            if found:
                return found
        key = name.lower().replace("_", "").removesuffix("orig").removesuffix("base").removesuffix("command")
        key = key.removesuffix("cmd")
        if key in _COMMAND_BASES:
            return _COMMAND_BASES[key]
    return None


def reachable(setup_path: Path, tree: ast.Module, locate: Callable[[str, int, Path], list[Path]],
              parse: Callable[[Path], ast.Module | None]) -> dict[Key, Reached]:
    """Every import statement's module that executes while pip builds a wheel from this setup.py.

    ``locate(module, level, from_file)`` gives the local files an import runs (none for a module that is
    not in the source tree); ``parse`` reads one of them (None when it cannot be read)."""
    reach = _Reach(locate, parse)
    top = _index(setup_path, tree)
    reach.modules[setup_path] = top
    reach.push(_Unit(top, tuple(tree.body), False, _Strength(True), main=True))
    reach.run()
    # command classes that cmdclass does not name literally (cmdclass=versioneer.get_cmdclass(cmds))
    named = {name for node in ast.walk(tree) if isinstance(node, ast.keyword) and node.arg == "cmdclass"
             for name, _ in reach.cmdclass(top, node.value)}
    for cls in top.classes.values():
        if cls.name not in named and _command_of(top, cls) in RUN_COMMANDS:
            reach.command_class(top, cls, _Strength(True))
    reach.run()
    return reach.out


def _is_main_test(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and \
        any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


# -- sys.path -------------------------------------------------------------------------------------
def search_dirs(setup_path: Path, tree: ast.Module, root: Path) -> list[Path]:
    """Directories inside ``root`` that setup.py's module level puts on ``sys.path``."""
    values: dict[str, object] = {}
    found: list[Path] = []
    for stmt in _flat_statements(tree.body):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            values[stmt.targets[0].id] = _path_value(stmt.value, setup_path, values)
            continue
        added: list[ast.expr] = []
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and _is_sys_path(stmt.value.func):
            call = stmt.value
            method = call.func.attr  # type: ignore[attr-defined]
            if method == "append" and call.args:
                added.append(call.args[0])
            elif method == "insert" and len(call.args) == 2:
                added.append(call.args[1])
            elif method == "extend" and call.args and isinstance(call.args[0], (ast.List, ast.Tuple)):
                added += call.args[0].elts
        elif isinstance(stmt, ast.AugAssign) and _is_sys_path_name(stmt.target) and \
                isinstance(stmt.value, (ast.List, ast.Tuple)):
            added += stmt.value.elts
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Subscript) and \
                _is_sys_path_name(stmt.targets[0].value) and isinstance(stmt.value, (ast.List, ast.Tuple)):
            added += stmt.value.elts
        for expr in added:
            value = _path_value(expr, setup_path, values)
            if isinstance(value, Path):
                folder = value if value.is_absolute() else setup_path.parent / value
                try:
                    folder = Path(*_normalise(folder.relative_to(root).parts))
                except ValueError:
                    continue
                if ".." not in folder.parts and (root / folder).is_dir() and root / folder not in found:
                    found.append(root / folder)
    return found


def _normalise(parts: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            if not out:
                return [".."]
            out.pop()
        elif part not in (".", ""):
            out.append(part)
    return out


def _is_sys_path(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and func.attr in ("append", "insert", "extend") and \
        _is_sys_path_name(func.value)


def _is_sys_path_name(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(node.value, ast.Name) and \
        node.value.id == "sys"


def _path_value(node: ast.expr, setup_path: Path, values: dict[str, object]) -> object:  # noqa: C901
    """A path expression made of literals and ``__file__``: a Path (the file itself for ``__file__``)
    or None when it depends on anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return Path(node.value) if node.value else Path(".")
    if isinstance(node, ast.Name):
        if node.id == "__file__":
            return setup_path
        return values.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _path_value(node.left, setup_path, values), _path_value(node.right, setup_path, values)
        return left / right if isinstance(left, Path) and isinstance(right, Path) else None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _path_value(node.value, setup_path, values)
        return _parent(inner) if isinstance(inner, Path) else None
    if isinstance(node, ast.Attribute) and node.attr in ("curdir",):
        return Path(".")
    if not isinstance(node, ast.Call):
        return None
    name = _call_name(node.func)
    args = [_path_value(a, setup_path, values) for a in node.args]
    if name == "getcwd":
        return setup_path.parent
    if isinstance(node.func, ast.Attribute) and name in ("resolve", "absolute") and not node.args:
        inner = _path_value(node.func.value, setup_path, values)
        return inner if isinstance(inner, Path) else None
    if isinstance(node.func, ast.Attribute) and name == "joinpath":
        inner = _path_value(node.func.value, setup_path, values)
        return inner.joinpath(*args) if isinstance(inner, Path) and all(isinstance(a, Path) for a in args) \
            else None
    if not args or not all(isinstance(a, Path) for a in args):
        return None
    first = args[0]
    assert isinstance(first, Path)
    if name in ("abspath", "realpath", "normpath", "Path", "PurePath", "str", "fspath", "expanduser"):
        return first if len(args) == 1 else None
    if name == "dirname" and len(args) == 1:
        return _parent(first)
    if name == "join":
        return first.joinpath(*args[1:])  # type: ignore[arg-type]
    return None


def _parent(path: Path) -> Path:
    return path.parent if path.name not in ("", ".") else path / ".."
