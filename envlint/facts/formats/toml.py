"""TOML with positions: tomllib for the values, a small line scanner for where each key is written.

tomllib gives no positions, and a finding must point at the line a user edits. The scanner follows
table headers (``[a.b]``, ``[[a.b]]``) and ``key = value`` lines outside multi-line strings and
arrays, so ``line_of("project", "dependencies")`` is the line of that key; a string inside a value
is then found from that line on. Parse errors keep tomllib's line and column.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KeyPath = tuple[Any, ...]

_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY = rf"(?:{_BARE}|{_QUOTED})(?:\s*\.\s*(?:{_BARE}|{_QUOTED}))*"
_KEY_LINE = re.compile(rf"^\s*({_KEY})\s*=(?!=)")
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_KEY})\s*\]\]?\s*(?:#.*)?$")
_PART = re.compile(rf"{_BARE}|{_QUOTED}")


@dataclass(frozen=True)
class TomlError:
    message: str
    line: int | None
    column: int | None


def split_key(text: str) -> tuple[str, ...]:
    parts = []
    for m in _PART.finditer(text):
        token = m.group(0)
        if token[0] in "\"'":
            token = token[1:-1]
        parts.append(token)
    return tuple(parts)


@dataclass
class TomlDoc:
    path: Path
    text: str
    data: dict[str, Any]
    lines: list[str] = field(default_factory=list)
    keys: dict[KeyPath, int] = field(default_factory=dict)
    """Full key path (array-of-table entries carry their index) -> 1-based line."""

    def get(self, *path: Any, default: Any = None) -> Any:
        value: Any = self.data
        for part in path:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
            else:
                return default
        return value

    def table(self, *path: Any) -> dict[str, Any]:
        value = self.get(*path)
        return value if isinstance(value, dict) else {}

    def line_of(self, *path: Any) -> int | None:
        """Line of the key (or table header) at ``path``; falls back to the nearest written parent."""
        path = tuple(path)
        while path:
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return None

    def string_position(self, path: KeyPath, value: str) -> tuple[int | None, int | None]:
        """(line, column) of the string ``value`` written inside the value of ``path``."""
        start = self.line_of(*path) or 1
        for number in range(start, min(len(self.lines), start + 5000) + 1):
            line = self.lines[number - 1]
            for quote in ('"', "'"):
                at = line.find(f"{quote}{value}{quote}")
                if at >= 0:
                    return number, at + 2
        return self.line_of(*path), None


#: tomllib's time grows with the square of a dotted key's length (100,000 parts: minutes); real keys
#: have a handful. A longer key (bare or quoted parts) is refused before tomllib sees the document.
MAX_KEY_PARTS = 64
_BARE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def overlong_key(text: str) -> int | None:
    """The first line whose leading (dotted) key has more than :data:`MAX_KEY_PARTS` parts; one pass."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.count(".") >= MAX_KEY_PARTS and _key_parts(line) > MAX_KEY_PARTS:
            return number
    return None


def _key_parts(line: str) -> int:
    """How many dotted parts the key at the start of ``line`` (or of its ``[header]``) has."""
    i, n, parts = 0, len(line), 0
    while i < n and line[i] in " \t[":
        i += 1
    while i < n:
        if line[i] in "\"'":
            end = line.find(line[i], i + 1)
            if end < 0:
                break
            i = end + 1
        elif line[i] in _BARE_CHARS:
            while i < n and line[i] in _BARE_CHARS:
                i += 1
        else:
            break
        parts += 1
        while i < n and line[i] in " \t":
            i += 1
        if i >= n or line[i] != ".":
            break
        i += 1
        while i < n and line[i] in " \t":
            i += 1
    return parts


def parse(path: Path, text: str) -> TomlDoc | TomlError:
    overlong = overlong_key(text)
    if overlong is not None:
        return TomlError(f"a key of more than {MAX_KEY_PARTS} dotted parts; not parsed", overlong, None)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _ERROR_AT.search(message)
        line = int(m.group(1)) if m else getattr(exc, "lineno", None)
        column = int(m.group(2)) if m else getattr(exc, "colno", None)
        if line is None and "end of document" in message:
            line = text.count("\n") + 1
        return TomlError(_ERROR_AT.sub("", message).strip(), line, column)
    except RecursionError:  # tomllib recurses per level of nested arrays and inline tables
        return TomlError("arrays or tables nested too deeply to read", None, None)
    lines = text.splitlines()
    return TomlDoc(path, text, data, lines, _scan_keys(lines))


def _strip_strings(line: str, in_multiline: str | None) -> tuple[str, str | None]:
    """The line without string contents and comments; tracks multi-line strings across lines."""
    out = []
    i = 0
    n = len(line)
    quote = in_multiline
    while i < n:
        if quote:
            if quote in ('"""', "'''"):
                end = line.find(quote, i)
                if end < 0:
                    return "".join(out), quote
                i = end + 3
                quote = None
                out.append('""')
                continue
            ch = line[i]
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = None
                out.append('""')
            i += 1
            continue
        ch = line[i]
        if ch == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            quote = line[i:i + 3]
            i += 3
            continue
        if ch in "\"'":
            quote = ch
            i += 1
            continue
        out.append(ch)
        i += 1
    if quote in ('"', "'"):
        quote = None  # an unterminated one-line string: tomllib would have failed; stay robust
    return "".join(out), quote


def _scan_keys(lines: list[str]) -> dict[KeyPath, int]:
    keys: dict[KeyPath, int] = {}
    table: KeyPath = ()
    array_counts: dict[tuple[str, ...], int] = {}
    depth = 0
    multiline: str | None = None
    for number, line in enumerate(lines, 1):
        if multiline is None and depth == 0:
            header = _HEADER.match(line)
            if header:
                name = split_key(header.group(2))
                if header.group(1) == "[[":
                    array_counts[name] = array_counts.get(name, -1) + 1
                    table = (*_with_indices(name[:-1], array_counts), name[-1], array_counts[name])
                else:
                    table = _with_indices(name, array_counts)
                keys.setdefault(table, number)
                continue
            m = _KEY_LINE.match(line)
            if m:
                keys.setdefault((*table, *split_key(m.group(1))), number)
        stripped, multiline = _strip_strings(line, multiline)
        depth = max(0, depth + stripped.count("[") + stripped.count("{")
                    - stripped.count("]") - stripped.count("}"))
    return keys


def _with_indices(name: tuple[str, ...], array_counts: dict[tuple[str, ...], int]) -> KeyPath:
    """``[a.b]`` under an array of tables ``[[a]]`` belongs to its latest entry: ('a', n, 'b')."""
    out: list[Any] = []
    for i, part in enumerate(name):
        out.append(part)
        prefix = name[: i + 1]
        if prefix in array_counts and i < len(name) - 1:
            out.append(array_counts[prefix])
    return tuple(out)
