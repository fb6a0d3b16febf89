"""The header fields of a METADATA or PKG-INFO file, read in one linear pass.

Why not ``packaging.metadata.parse_email``: it is linear too, but it runs the whole file, long
description included, through ``email.parser`` (about fifteen times the cost per distribution, which
a 200-distribution environment feels), and a single-use field written twice (two ``Name:`` lines)
lands in its "unparsed" part, so the distribution would lose its name; pip and ``importlib.metadata``
take the first. The format read here is the same: ``email.parser.HeaderParser``'s header block.
"""

from __future__ import annotations


class Headers:
    """The header fields of a METADATA/PKG-INFO file (names case-insensitive, repeatable fields in order)."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self._fields = fields

    def get(self, name: str) -> str | None:
        values = self._fields.get(name.lower())
        return values[0] if values else None

    def get_all(self, name: str) -> list[str] | None:
        return self._fields.get(name.lower())


def parse_headers(text: str) -> Headers:
    """Read the header block as ``email.parser.HeaderParser`` does, without feeding it the long description.

    The block ends at the first empty line, or at a line that is neither ``Name: value`` nor a
    continuation (indented) line; continuation lines are joined to their field with a newline. Each
    value's lines are joined once at the end: appending to a string per folded line is quadratic
    (2 million folded lines took minutes).
    """
    entries: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if not line:
            break
        if line[0] in " \t":
            if not entries:
                break
            entries[-1][1].append(line)
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            break
        entries.append((name.lower(), [value.strip()]))
    fields: dict[str, list[str]] = {}
    for name, lines in entries:
        fields.setdefault(name, []).append(lines[0] if len(lines) == 1 else "\n".join(lines))
    return Headers(fields)
