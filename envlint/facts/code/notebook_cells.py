"""A Jupyter notebook's code cells as one Python module, the way IPython runs them.

IPython rewrites its own syntax before Python sees a cell: ``%magic`` and ``!shell`` lines,
``x = !cmd`` / ``x = %magic`` assignments, ``obj?`` / ``??obj`` help, and ``%%cell`` magics. Here
each such line becomes a plain statement of the same indentation (``pass``, or ``x = None`` for an
assignment, so the name is bound but unknown), which keeps every other line and column where it is.
A ``%%time``/``%%timeit``/``%%capture``/... cell runs its body as Python; the body of any other
cell magic (``%%bash``, ``%%writefile``, ``%%sql``) is not Python and is blanked.

A cell that still does not parse is left out (and reported by its number); the other cells are
analysed together, so a name one cell defines is known in the cells after it.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

#: Cell magics whose body is Python that IPython runs.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy",
                                "memit", "snakeviz", "scalene", "px", "dask"})
_LINE_MAGIC = re.compile(r"^(\s*)(?:[%!]|\?\?|\?)")
_ASSIGN_MAGIC = re.compile(r"^(\s*)([A-Za-z_][\w.,\s\[\]]*?)\s*=\s*[%!]")
_HELP = re.compile(r"^(\s*)[A-Za-z_][\w.\[\]()'\"]*\?\??\s*$")


@dataclass
class Cell:
    number: int
    """1-based over every cell, markdown included (as nbformat counts them)."""
    lines: list[str]
    shell: list[str] = field(default_factory=list)
    """The ``!cmd`` lines' commands, by cell line (empty string: not a shell line)."""


@dataclass
class NotebookSource:
    cells: list[Cell]
    broken: list[tuple[int, str, int | None]] = field(default_factory=list)
    """(cell number, reason, line in the cell) of every code cell that does not parse."""
    where: list[tuple[int, int]] = field(default_factory=list)
    """Line of :attr:`source` (0-based) -> (cell number, line in the cell)."""
    source: str = ""


def load_cells(data: bytes) -> list[Cell]:
    """The code cells; raises ValueError when the file is no notebook."""
    try:
        nb = json.loads(data)
    except RecursionError as exc:  # JSON nested thousands deep
        raise ValueError(str(exc) or "nested too deeply") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise ValueError("no 'cells' list")
    out = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        text = "".join(s for s in src if isinstance(s, str)) if isinstance(src, list) else str(src)
        lines, shell = python_lines(text.splitlines())
        out.append(Cell(number, lines, shell))
    return out


def _dedented(lines: list[str]) -> list[str]:
    """IPython's ``leading_indent`` clean-up: a cell whose first line is indented (`` Image(...)``) runs,
    with that indentation taken off every line that starts with it. Blank lines before it are kept, so
    line numbers inside the cell stay the same; columns on the dedented lines shift by its width."""
    first = next((line for line in lines if line.strip()), "")
    indent = first[: len(first) - len(first.lstrip(" \t"))]
    if not indent:
        return lines
    return [line[len(indent):] if line.startswith(indent) else line for line in lines]


def python_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    """The cell's lines with IPython syntax replaced, and the shell commands by line."""
    lines = _dedented(lines)
    shell = [""] * len(lines)
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(None, 1)
        name = magic[0] if magic else ""
        if name not in PYTHON_CELL_MAGICS:
            if name in ("bash", "sh", "script", "system"):
                shell = ["", *(line.strip() for line in lines[1:])]
            return ["pass"] + [""] * (len(lines) - 1), shell
        lines = ["pass", *lines[1:]]
    out = []
    for i, line in enumerate(lines):
        m = _LINE_MAGIC.match(line)
        if m is not None:
            if line.lstrip().startswith("!"):
                shell[i] = line.lstrip()[1:].strip()
            out.append(f"{m.group(1)}pass")
            continue
        m = _ASSIGN_MAGIC.match(line)
        if m is not None and not line.lstrip().startswith(("#", "'", '"')) and "(" not in m.group(2):
            if "!" in line[m.end() - 1:m.end()]:
                shell[i] = line[m.end():].strip()
            out.append(f"{m.group(1)}{m.group(2)} = None")
            continue
        m = _HELP.match(line)
        if m is not None:
            out.append(f"{m.group(1)}pass")
            continue
        out.append(line)
    return out, shell


def assemble(cells: list[Cell], parse_each: bool = False) -> NotebookSource:
    """The cells as one module's source; ``parse_each``: leave out (and record) the cells that do not
    parse on their own (asked for when the whole does not parse, so a good notebook is parsed once)."""
    result = NotebookSource(cells)
    parts: list[str] = []
    for cell in cells:
        if not cell.lines:
            continue
        text = "\n".join(cell.lines)
        if parse_each:
            try:
                ast.parse(text)
            except SyntaxError as exc:
                result.broken.append((cell.number, exc.msg or "invalid syntax", exc.lineno))
                continue
            except (ValueError, MemoryError, RecursionError) as exc:
                result.broken.append((cell.number, str(exc) or type(exc).__name__, None))
                continue
        parts.append(text)
        result.where.extend((cell.number, i) for i in range(1, len(cell.lines) + 1))
    result.source = "\n".join(parts)
    return result
