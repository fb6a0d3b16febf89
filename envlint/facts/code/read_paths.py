"""Small pure helpers of the read scanner: what a path value is, and which code guards a missing file."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_CHAINED = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*::")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_PSEUDO = ("/dev/", "/proc/", "/sys/")


@dataclass(frozen=True)
class Val:
    """A statically known path value."""

    text: str
    """The path, dynamic parts shown as ``{expr}``."""
    dynamic: bool = False
    is_path: bool = False
    """A pathlib object (so ``.open()``/``.read_text()`` on it reads the file)."""
    file_relative: bool = False
    """Built from ``__file__``: DAT003's business, not ours."""


def classify(path: Val) -> str | None:
    """'relative', 'absolute', or None for what is not a local data path (URL, stdin, ``__file__``)."""
    if path.file_relative:
        return None
    text = path.text.strip()
    if _CHAINED.match(text):
        return None  # an fsspec chain: simplecache::s3://...
    scheme = _SCHEME.match(text)
    if scheme:
        if scheme.group(1).lower() != "file":
            return None
        text = text[len(scheme.group(0)):]
        return "absolute" if text.startswith("/") or _DRIVE.match(text) else None
    if not text or text in ("-", ":memory:", ".") or "\n" in text or text[0] in "{[<" or len(text) > 4096:
        return None
    if text.startswith("~") or text.startswith("\\\\") or _DRIVE.match(text):
        return "absolute"
    if text.startswith("/"):
        return None if text.startswith(_PSEUDO) else "absolute"
    return "relative"


def join(left: Val, right: Val, is_path: bool) -> Val:
    if not right.dynamic and (right.text.startswith("/") or _DRIVE.match(right.text)):
        return Val(right.text, False, is_path, False)
    if not left.text:
        text = right.text
    elif left.text.endswith(("/", "\\")):
        text = left.text + right.text
    else:
        text = f"{left.text}/{right.text}"
    return Val(text, left.dynamic or right.dynamic, is_path, left.file_relative or right.file_relative)


def dirname(text: str) -> str:
    head = text.rstrip("/").rpartition("/")[0]
    return head


def truthy(node: ast.expr) -> bool:
    return not (isinstance(node, ast.Constant) and node.value in (None, False))


_EXISTS = frozenset({"exists", "isfile", "isdir", "is_file", "is_dir", "lexists", "access", "glob", "iglob"})
_MISSING = frozenset({"FileNotFoundError", "OSError", "IOError", "EnvironmentError"})


def checks_existence(test: ast.expr) -> bool:
    """``os.path.exists(p)``, ``p.is_file()``, ``not Path(p).exists()``, ``if glob(...)`` ..."""
    for node in ast.walk(test):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in _EXISTS:
                return True
    return False


def exits_unless_exists(stmt: ast.If) -> bool:
    """``if not p.exists(): return / raise / continue / sys.exit()``: what follows runs only when it exists."""
    test = stmt.test
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)) or not checks_existence(test) \
            or not stmt.body:
        return False
    last = stmt.body[-1]
    if isinstance(last, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
        return True
    return isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and \
        ast.unparse(last.value.func) in ("sys.exit", "exit", "quit", "os._exit")


def catches_missing(node: ast.Try) -> bool:
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for kind in kinds:
            name = kind.attr if isinstance(kind, ast.Attribute) else kind.id if isinstance(kind, ast.Name) else ""
            if name in _MISSING:
                return True
    return False




def class_attributes(node: ast.ClassDef) -> dict[str, ast.expr]:
    """Names assigned once in the class body and never through ``self.<name> = ...`` in a method."""
    counts: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            name, value = stmt.target.id, stmt.value
        else:
            continue
        counts[name] = counts.get(name, 0) + 1
        values[name] = value
    if not values:
        return {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store):
            values.pop(sub.attr, None)
    return {k: v for k, v in values.items() if counts[k] == 1}
