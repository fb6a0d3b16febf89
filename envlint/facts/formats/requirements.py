"""pip requirements files, with the exact line and column of every requirement and option.

Why our own parser: pip's parser is internal API (``pip._internal``) and pip is not ours to import
from another environment; pip-requirements-parser (a copy of pip's code) has had no release since
2022 and reports nested ``-r`` files without a reliable line of the nested file; requirements-parser
drops markers, ``pkg @ url`` and ``\\`` continuations. The format is small (pip's ``req_file.py``):
join ``\\`` continuations, strip ``#`` comments that follow whitespace, split a line into arguments
and options at the first token that starts with ``-``, and follow ``-r``/``-c`` relative to the
including file. This module does exactly that and keeps positions. ``${VAR}`` is left unexpanded
(so no secret is ever printed), and nothing is fetched: a ``-r https://...`` is noted, not read.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from envlint.diagnostics import Problems
from envlint.facts.project.model import DeclaredRequirement, Position
from envlint.facts.formats.text import not_a_file, read_text

_SHLEX_SPACE = re.compile(r"[ \t\r\n]+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
URL_SCHEMES = {"http", "https", "file", "ftp", "git+http", "git+https", "git+ssh", "git+git", "git+file", "git",
               "hg+http", "hg+https", "hg+ssh", "hg+file", "svn+http", "svn+https", "svn+ssh", "svn+svn",
               "svn+file", "bzr+http", "bzr+https", "bzr+ssh", "bzr+sftp", "bzr+ftp", "bzr+lp", "bzr+file"}
ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")

#: option -> (canonical name, takes a value). Short forms as pip spells them.
OPTIONS: dict[str, tuple[str, bool]] = {
    "-i": ("index-url", True), "--index-url": ("index-url", True),
    "--extra-index-url": ("extra-index-url", True), "--no-index": ("no-index", False),
    "-c": ("constraint", True), "--constraint": ("constraint", True),
    "-r": ("requirement", True), "--requirement": ("requirement", True),
    "-e": ("editable", True), "--editable": ("editable", True),
    "-f": ("find-links", True), "--find-links": ("find-links", True),
    "--no-binary": ("no-binary", True), "--only-binary": ("only-binary", True),
    "--prefer-binary": ("prefer-binary", False), "--require-hashes": ("require-hashes", False),
    "--pre": ("pre", False), "--trusted-host": ("trusted-host", True), "--use-feature": ("use-feature", True),
    # per-requirement options
    "--hash": ("hash", True), "--config-settings": ("config-settings", True),
    "--global-option": ("global-option", True), "--install-option": ("install-option", True),
}
MAX_NESTING = 20
#: ``-r``/``-c`` lines followed in one run (each is a file to resolve and open; real projects have a few).
MAX_INCLUDES = 1000


@dataclass(frozen=True)
class RequirementOption:
    """A global option line (``--index-url``, ``--find-links``, ``--no-index``, ...)."""

    name: str
    """Canonical long name without dashes, e.g. 'index-url'."""
    value: str | None
    where: Position


@dataclass
class RequirementsFiles:
    requirements: list[DeclaredRequirement] = field(default_factory=list)
    options: list[RequirementOption] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    """Every file read, in reading order (the top file first)."""


def is_url(text: str) -> bool:
    m = _SCHEME.match(text)
    return bool(m) and m.group(1).lower() in URL_SCHEMES


def looks_like_path(text: str) -> bool:
    """pip's test: a path separator, a leading dot, or an archive file name."""
    if is_url(text):
        return False
    base = text.split(";", 1)[0].strip()
    return "/" in base or "\\" in base or base.startswith(".") or base.lower().endswith(ARCHIVE_SUFFIXES)


def _path_chars(text: str) -> bool:
    return "/" in text or "\\" in text or text.strip().startswith(".")


def egg_name(url: str) -> str | None:
    m = _EGG.search(url)
    return m.group(1) if m else None


def archive_name(location: str) -> str | None:
    """The distribution name in a wheel or sdist file name (``fastgeo-0.4.1-py3-none-any.whl``)."""
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    filename = location.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[0])
        if filename.endswith((".tar.gz", ".zip")):
            return str(parse_sdist_filename(filename)[0])
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return None


def strip_comment(line: str, *, at_start: bool = True) -> str:
    """``line`` without its comment: from the first ``#`` at the start (``at_start``) or after
    whitespace. pip's ``(^|\\s+)#.*$``, found in one pass: that regex backtracks quadratically over a
    long run of spaces."""
    at = line.find("#")
    while at >= 0 and not (line[at - 1].isspace() if at else at_start):
        at = line.find("#", at + 1)
    return line if at < 0 else line[:at]


def logical_lines(text: str) -> list[tuple[int, str, str]]:
    """(first physical line, logical line without comment, first physical line's text)."""
    out: list[tuple[int, str, str]] = []
    pending: list[str] = []
    first = 0
    first_text = ""
    physical = text.splitlines()
    for number, line in enumerate(physical, 1):
        is_comment = line.lstrip().startswith("#")
        if line.endswith("\\") and not is_comment:
            if not pending:
                first, first_text = number, line
            pending.append(line[:-1])
            continue
        if pending:
            pending.append(line if not is_comment else "")
            joined = "".join(pending)
            pending = []
            out.append((first, strip_comment(joined).strip(), first_text))
        else:
            out.append((number, strip_comment(line).strip(), line))
    if pending:
        out.append((first, strip_comment("".join(pending)).strip(), first_text))
    return [(n, body, raw) for n, body, raw in out if body]


def _split_args_options(line: str) -> tuple[str, str]:
    tokens = line.split(" ")
    args: list[str] = []
    for i, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(args), " ".join(tokens[i:])
        args.append(token)
    return " ".join(args), ""


def _parse_options(text: str) -> tuple[list[tuple[str, str | None, str]], list[str]]:
    """[(canonical name, value, token as written)], [unknown tokens]."""
    if not any(c in text for c in "\"'\\"):  # nothing for shlex to do: the same tokens, 50 times faster
        tokens = [t for t in _SHLEX_SPACE.split(text) if t]
    else:
        try:
            tokens = shlex.split(text, posix=True)
        except ValueError:
            tokens = text.split()
    found: list[tuple[str, str | None, str]] = []
    unknown: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        name, _, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        spec = OPTIONS.get(name)
        if spec is None and not token.startswith("--") and len(token) > 2 and token[:2] in OPTIONS:
            name, inline = token[:2], token[2:]  # -ifoo, -rfile
            spec = OPTIONS.get(name)
        if spec is None:
            unknown.append(token)  # pip stops at the first option it does not know; so do we
            break
        canonical, takes_value = spec
        value: str | None = None
        if takes_value:
            if inline:
                value = inline
            elif i + 1 < len(tokens):
                i += 1
                value = tokens[i]
            else:
                unknown.append(token)
                i += 1
                continue
        found.append((canonical, value, name))
        i += 1
    return found, unknown


def _column(raw: str, needle: str, default: int) -> int:
    at = raw.find(needle) if needle else -1
    return at + 1 if at >= 0 else default


class _Reader:
    def __init__(self, problems: Problems, root: Path) -> None:
        self.problems = problems
        self.root = root
        self.result = RequirementsFiles()
        self.seen: set[Path] = set()
        self.includes = 0
        self._real_root: str | None = None

    def read(self, path: Path, *, constraint: bool, depth: int = 0, text: str | None = None) -> None:
        try:
            key = path.resolve()
        except OSError:
            key = path
        if key in self.seen:
            return
        self.seen.add(key)
        if text is None:
            outside = self._outside(path)
            if outside:  # a top-level file that is a symbolic link out of the project
                self.problems.add(path, f"{outside}; not read")
                return
            text = read_text(path, self.problems)
        if text is None:
            return
        self.result.files.append(path)
        for number, line, raw in logical_lines(text):
            indent = len(raw) - len(raw.lstrip()) + 1
            args, opts = _split_args_options(line)
            options, unknown = _parse_options(opts) if opts else ([], [])
            for token in unknown:
                self.problems.add(path, f"unknown requirements-file option {token!r}", line=number,
                                  column=_column(raw, token, indent))
            if args:
                self._requirement(path, number, indent, raw, args, editable=False, constraint=constraint)
                continue
            for name, value, token in options:
                where = Position(path, number, _column(raw, token, indent))
                if name in ("requirement", "constraint") and value:
                    self._nested(path, where, value, constraint=constraint or name == "constraint", depth=depth)
                elif name == "editable" and value:
                    self._requirement(path, number, _column(raw, value, indent), raw, value, editable=True,
                                      constraint=constraint)
                elif name not in ("hash", "config-settings", "global-option", "install-option"):
                    self.result.options.append(RequirementOption(name, value, where))

    def _nested(self, path: Path, where: Position, value: str, *, constraint: bool, depth: int) -> None:
        if is_url(value):
            self.problems.add(path, f"nested requirements file {value!r} is a URL; not fetched", line=where.line,
                              column=where.column)
            return
        self.includes += 1
        if self.includes > MAX_INCLUDES:
            if self.includes == MAX_INCLUDES + 1:
                self.problems.add(path, f"more than {MAX_INCLUDES} -r/-c lines; the rest are not read",
                                  line=where.line, column=where.column)
            return
        if "\x00" in value:
            self.problems.add(path, f"requirements file {value!r} has a NUL byte in its name; not read",
                              line=where.line, column=where.column)
            return
        nested = (path.parent / value) if not Path(value).is_absolute() else Path(value)
        outside = self._outside(nested)
        if outside:
            self.problems.add(path, f"requirements file {value!r} {outside}; not read", line=where.line,
                              column=where.column)
            return
        if depth >= MAX_NESTING:
            self.problems.add(path, f"requirements files nested deeper than {MAX_NESTING}; {value!r} not read",
                              line=where.line)
            return
        if not nested.is_file():
            why = not_a_file(nested)
            self.problems.add(path, f"requirements file {value!r} {f'is {why}' if why else 'does not exist'}",
                              line=where.line, column=where.column)
            return
        self.read(nested, constraint=constraint, depth=depth + 1)

    def _outside(self, path: Path) -> str | None:
        """Why an included file is not read: it lies outside the project (by its real path)."""
        try:
            if self._real_root is None:
                self._real_root = os.path.realpath(self.root)
            real, root = os.path.realpath(path), self._real_root
        except (OSError, ValueError):
            return "cannot be resolved"
        if os.path.commonpath([real, root]) != root:
            return "is outside the project" + (f" (a symbolic link to {real})" if real != os.path.abspath(path)
                                               else "")
        return None

    def _requirement(self, path: Path, number: int, column: int, raw: str, text: str, *, editable: bool,
                     constraint: bool) -> None:
        text = text.strip()
        column = _column(raw, text.split(" ", 1)[0], column)
        where = Position(path, number, column)
        if "\x00" in text:  # no file, URL or name has one: pip rejects the line
            self.problems.add(path, f"requirement {text!r} has a NUL byte; not read", line=number, column=column)
            return
        source = "constraints" if constraint else "requirements"
        before_at, at, _ = text.partition("@")
        named_url = bool(at) and not editable and not is_url(text) and not _path_chars(before_at)
        if not named_url and (is_url(text) or looks_like_path(text) or editable):
            sep = "; " if is_url(text) else ";"
            location, _, marker = text.partition(sep)
            location = location.strip()
            name = egg_name(location) or archive_name(location)
            req = None
            if name:
                try:
                    req = Requirement(name + (f"; {marker}" if marker.strip() else ""))
                except InvalidRequirement:
                    req = None
            # A path stays as written (relative to where pip runs: the project root).
            self.result.requirements.append(DeclaredRequirement(
                raw=text, requirement=req, where=where, source=source, editable=editable, url=location,
                constraint=constraint))
            return
        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            self.problems.add(path, f"invalid requirement {text!r}: {str(exc).splitlines()[0]}", line=number,
                              column=column)
            self.result.requirements.append(DeclaredRequirement(raw=text, requirement=None, where=where,
                                                                source=source, constraint=constraint))
            return
        self.result.requirements.append(DeclaredRequirement(
            raw=text, requirement=req, where=where, source=source, url=req.url, constraint=constraint))


def parse_files(paths: list[Path], problems: Problems, root: Path) -> RequirementsFiles:
    """Read the given top-level requirements files and every file they include with -r/-c."""
    reader = _Reader(problems, root)
    for path in paths:
        reader.read(path, constraint=False)
    return reader.result


def parse_text(path: Path, text: str, problems: Problems, *, constraint: bool = False) -> RequirementsFiles:
    """Parse text as if it were the file ``path`` (nested files are read relative to it)."""
    reader = _Reader(problems, path.parent)
    reader.read(path, constraint=constraint, text=text)
    return reader.result
