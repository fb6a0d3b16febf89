"""The project tree: every file under the project root that a linter should look at.

Walks from ``config.root`` like git would see it: ``.gitignore`` files (nested ones apply below
their directory, ancestors' up to the repository root too, and ``.git/info/exclude``), then the
``exclude`` patterns of the configuration. Virtual environments (a directory holding ``pyvenv.cfg``
or ``conda-meta``), VCS metadata, build output and tool caches are skipped without being listed.
Symbolic links are followed only within the project (one pointing outside is an EL001 problem and
is not followed: docs/security.md); a loop is cut, depth is capped, and a directory that
cannot be listed is an EL001 problem; the walk goes on. A run with the cache on reuses the last walk
while no directory has changed (:mod:`envlint.facts.code.walk_cache`).
"""

from __future__ import annotations

import operator
import os
import re
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from envlint.facts.code import walk_cache
from envlint.facts.formats.text import MAX_CONFIG_BYTES, not_a_file, open_regular

if TYPE_CHECKING:
    import pathspec

    from envlint.facts import Context

#: Directory names never entered (ruff, black and git tooling skip the same kinds).
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", ".git-rewrite", ".jj", ".pants.d", ".pyenv", ".direnv", ".eggs",
    "node_modules", "__pycache__", "__pypackages__", "site-packages", ".ipynb_checkpoints",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".pytype", ".hypothesis",
    ".envlint_cache", "buck-out", "_build", ".vscode", ".idea",
})
#: Build output: skipped unless the directory is itself a Python package (``pkg/build/__init__.py``).
BUILD_DIRS = frozenset({"build", "dist"})
#: A directory holding one of these is an environment, not project code.
ENV_MARKERS = frozenset({"pyvenv.cfg", "conda-meta"})
MAX_DEPTH = 40
#: Files the project facts read as code: a symlink among them that leads nowhere is reported.
CODE_SUFFIXES = (".py", ".pyw", ".ipynb")
_NAME = operator.attrgetter("name")


@dataclass(frozen=True)
class ProjectTree:
    """The files of the project, as POSIX paths relative to ``root``, sorted."""

    root: Path
    files: tuple[str, ...]
    skipped_dirs: tuple[str, ...] = ()
    """Directories left out because they are environments, build output or caches (for reporting)."""

    @property
    def python_files(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.endswith((".py", ".pyw")))

    @property
    def notebooks(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.endswith(".ipynb"))

    def path(self, rel: str) -> Path:
        return self.root / rel


_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")


@dataclass(frozen=True)
class _Ignore:
    """One ignore file's patterns and how to turn a root-relative path into one relative to it."""

    spec: pathspec.PathSpec
    prefix: str = ""
    """Prepended to the root-relative path (for ignore files above the root)."""
    strip: str = ""
    """Removed from the front of the root-relative path (for ignore files below the root)."""

    @cached_property
    def _any(self) -> re.Pattern[str] | None:
        """One regex matching whatever any pattern matches: most paths match none, and one search
        per path is far cheaper than one per pattern (the walk asks for every file of the tree)."""
        parts = [p.regex.pattern for p in self.spec.patterns
                 if p.include is not None and isinstance(getattr(p, "regex", None), re.Pattern)]
        if len(parts) != sum(1 for p in self.spec.patterns if p.include is not None):
            return None
        try:
            return re.compile("|".join(f"(?:{_NAMED_GROUP.sub('(?:', part)})" for part in parts))
        except re.error:
            return None

    def verdict(self, rel: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included by a ``!`` pattern, None: no pattern matches."""
        if self.strip:
            if not rel.startswith(self.strip):
                return None
            rel = rel[len(self.strip):]
        return self.decide(self.prefix + rel + ("/" if is_dir else ""), is_dir)

    def decide(self, path: str, is_dir: bool) -> bool | None:
        """:meth:`verdict` for a path relative to the ignore file's directory (a directory's ends in "/")."""
        quick = self._any
        if quick is not None and quick.search(path) is None:
            return None
        for pattern, regex, kind in self._ordered:
            if regex is None:
                if pattern.match_file(path) is not None:
                    return bool(pattern.include)
                continue
            if _matches_entry(regex, kind, path, is_dir):
                return bool(pattern.include)
        return None

    @cached_property
    def _ordered(self) -> tuple[tuple[Any, re.Pattern[str] | None, str], ...]:
        """The patterns that decide something, last first, each with its regex (None: ask pathspec)
        and its kind (see :func:`_matches_entry`)."""
        out = []
        for p in reversed(self.spec.patterns):
            if p.include is None:
                continue
            text = str(getattr(p, "pattern", "")).rstrip().lstrip("!")
            if text == "/":  # "!/" names nothing in git (pathspec reads it as every directory)
                continue
            text = text.lstrip("/")  # "/**/" is every directory, not the directories inside one
            kind = "inside-dirs" if text.endswith("/**/") else "inside" if text.endswith("/**") else "entry"
            out.append((p, p.regex if isinstance(getattr(p, "regex", None), re.Pattern) else None, kind))
        return tuple(out)


def _matches_entry(regex: re.Pattern[str], kind: str, path: str, is_dir: bool) -> bool:
    """Whether a pattern matches the entry itself, as git decides (``path`` ends in "/" for a directory).

    pathspec's regexes also match whatever lies under a matching directory (the match then ends at
    that directory's "/"); the walk has already decided those by pruning or entering the directory,
    and git never lets such a parent match decide for the entry. ``abc/**`` matches only what is
    inside abc, ``abc/**/`` only directories inside abc: one of the entry's parent directories must
    match ``abc`` (asked of the parent path, as a greedy ``**/`` in ``abc`` could swallow the entry).
    """
    if regex.pattern == ".":  # "**" or "/**": everything
        return True
    if not regex.pattern.startswith("^"):  # "**/", "*/": every directory, tried on the entry's own name
        m = regex.search(path, path.rfind("/", 0, len(path) - 1) + 1)
        return m is not None and m.end() == len(path)
    if kind == "entry":
        return regex.fullmatch(path) is not None
    if kind == "inside-dirs" and not is_dir:
        return False
    parent = path[: path.rfind("/", 0, len(path) - 1) + 1]
    return bool(parent) and regex.match(parent) is not None


@dataclass
class _Walk:
    root: Path
    ctx: Context | None
    exclude: _Ignore | None
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    walked: list[str] = field(default_factory=list)
    """Real paths of the trees walked: the root and each symlinked directory followed."""
    dirs: dict[str, int] = field(default_factory=dict)
    """mtime of every directory listed (and of build directories skipped), for the walk cache."""
    ignore_files: dict[str, list[int] | None] = field(default_factory=dict)
    """[size, mtime_ns] of every ignore file read (None: looked for, absent), for the walk cache."""
    outside_links: list[str] = field(default_factory=list)
    """Symbolic links (relative to the root) that point out of the project: listed, never followed."""

    def problem(self, path: Path, reason: str) -> None:
        if self.ctx is not None:
            self.ctx.problems.add(path, reason)

    def ignored(self, rel: str, is_dir: bool, stack: list[_Ignore]) -> bool:
        if not stack and self.exclude is None:
            return False
        if self.exclude is not None and self.exclude.verdict(rel, is_dir):
            return True
        for ignore in reversed(stack):  # the deepest .gitignore decides first, as in git
            verdict = ignore.verdict(rel, is_dir)
            if verdict is not None:
                return verdict
        return False

    def walk(self, directory: str, rel: str, stack: list[_Ignore], depth: int) -> None:
        if depth > MAX_DEPTH:
            self.problem(Path(directory), f"directory nesting deeper than {MAX_DEPTH} levels; not searched further")
            return
        try:
            self.dirs[rel] = os.stat(directory).st_mtime_ns
            with os.scandir(directory) as it:
                entries = sorted(it, key=_NAME)
        except OSError as exc:
            self.problem(Path(directory), f"cannot list directory: {exc.strerror or exc}")
            return
        names = {e.name for e in entries}
        if depth > 0 and names & ENV_MARKERS:
            self.skipped.append(rel)
            return
        if ".gitignore" in names:
            ignore_file = os.path.join(directory, ".gitignore")
            self.ignore_files[ignore_file] = walk_cache.stat_key(ignore_file)
            spec = _read_ignore_file(Path(ignore_file), self)
            if spec is not None:
                stack = [*stack, _Ignore(spec, strip=rel + "/" if rel else "")]
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir()  # follows symlinks
                is_file = not is_dir and entry.is_file()
            except OSError:  # a symlink loop
                is_dir = is_file = False
            if is_dir:
                if _skip_dir(entry):
                    self.skipped.append(child)
                    if entry.name in BUILD_DIRS:  # skipped until it holds an __init__.py
                        try:
                            self.dirs[child] = entry.stat().st_mtime_ns
                        except OSError:
                            pass
                    continue
                if self.ignored(child, True, stack):
                    continue
                if entry.is_symlink() and not self.follow(entry.path):
                    continue
                self.walk(entry.path, child, stack, depth + 1)
            elif is_file and not self.ignored(child, False, stack):
                if entry.is_symlink() and self.outside(entry.path):
                    continue
                self.files.append(child)
            elif not is_file and entry.name.endswith(CODE_SUFFIXES) and entry.is_symlink() and \
                    not self.ignored(child, False, stack):
                # code that cannot be read: a dangling link or a loop (a FIFO is no code: git cannot hold one)
                self.problem(Path(entry.path), not_a_file(Path(entry.path)) or "a broken symbolic link")

    def outside(self, link: str) -> bool:
        """A symbolic link out of the project is never followed: what lies outside is not the
        project's, and a repository must not make envlint read the machine's files. It is no error
        either (``data -> /mnt/big/data`` is common): the run's skipped lines name it."""
        target = os.path.realpath(link)
        root = self.walked[0]
        if target == root or target.startswith(root.rstrip(os.sep) + os.sep):
            return False
        self.outside_links.append(os.path.relpath(link, self.root).replace(os.sep, "/"))
        return True

    def follow(self, link: str) -> bool:
        """Follow a symlinked directory only into a tree not walked yet (no loops, no duplicates), and
        never out of the project."""
        if self.outside(link):
            return False
        target = os.path.realpath(link)
        for walked in self.walked:
            if target == walked or target.startswith(walked.rstrip(os.sep) + os.sep) or walked.startswith(
                    target.rstrip(os.sep) + os.sep):
                return False
        self.walked.append(target)
        return True


def _skip_dir(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    if name in BUILD_DIRS:
        return not os.path.exists(os.path.join(entry.path, "__init__.py"))
    return False


#: Patterns read from one ignore file: each is a regex that every path of the walk may meet (git's
#: own repository ignores fewer than 300 names). Past this, an EL001 says the rest are not applied.
MAX_IGNORE_PATTERNS = 5000


def _read_ignore_file(path: Path, walk: _Walk | None) -> pathspec.PathSpec | None:
    try:
        with open_regular(path) as fh:  # a FIFO named .gitignore must not block the walk
            data = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        if walk is not None:
            walk.problem(path, f"cannot read: {exc.strerror or exc}")
        return None
    if len(data) > MAX_CONFIG_BYTES:
        if walk is not None:
            walk.problem(path, f"larger than {MAX_CONFIG_BYTES // 1024} KB; not read")
        return None
    lines = data.decode("utf-8", errors="replace").splitlines()
    patterns = 0
    for index, line in enumerate(lines):
        patterns += bool(line.strip()) and not line.startswith("#")
        if patterns > MAX_IGNORE_PATTERNS:
            if walk is not None:
                walk.problem(path, f"more than {MAX_IGNORE_PATTERNS} patterns; only the first "
                             f"{MAX_IGNORE_PATTERNS} are applied")
            lines = lines[:index]
            break
    return _compile(lines, path, walk)


def _compile(lines: Iterable[str], source: Path | str, walk: _Walk | None) -> pathspec.PathSpec | None:
    import pathspec  # only a walk that meets ignore patterns needs it (a cached walk does not)

    good: list[str] = []
    classes: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        text = line
        if ("[" in line or "***" in line or "\\/" in line) and not line.startswith("#"):
            rewritten = _for_pathspec(line, classes)
            if rewritten is None:  # git matches nothing with it (an unterminated "[", say)
                continue
            text = rewritten
        try:
            pathspec.GitIgnoreSpec.from_lines([text])
        except Exception as exc:  # pathspec raises its own error types for malformed patterns
            if walk is not None and walk.ctx is not None:
                walk.ctx.problems.add(source, f"invalid ignore pattern {line!r}: {exc}", line=number)
            continue
        good.append(text)
    if not good:
        return None
    spec = pathspec.GitIgnoreSpec.from_lines(good)
    if classes:
        for pattern in spec.patterns:
            regex = getattr(pattern, "regex", None)
            if isinstance(regex, re.Pattern) and any(mark in regex.pattern for mark in classes):
                text = regex.pattern
                for mark, cls in classes.items():
                    text = text.replace(mark, cls)
                pattern.regex = re.compile(text)
    return spec


#: POSIX classes inside a bracket expression, as git's wildmatch reads them (ASCII only).
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "blank": " \t", "cntrl": "\x00-\x1f\x7f", "digit": "0-9",
    "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@[-`{-~", "space": "\t\n\r ",
    "upper": "A-Z", "xdigit": "0-9A-Fa-f",
}
_MARKS = 0xF0000  # private-use characters stand for bracket expressions while pathspec reads a line


def _for_pathspec(line: str, classes: dict[str, str]) -> str | None:
    r"""Rewrite an ignore line that pathspec reads differently from git; None: git matches nothing with it.

    - A run of three or more stars is ``**`` for git (any directories, when slashes or the pattern's
      ends are on both sides) or ``*``; pathspec reads ``***`` as three single stars. ``**`` gives
      git's reading in both places.
    - ``\/`` is a slash for git; pathspec refuses the line.
    - A bracket expression follows git's wildmatch (``\`` escapes inside it, ``[:alpha:]`` classes,
      ``]`` first is a member, never a "/"); pathspec copies it into a regex nearly as written. Each
      one becomes a private-use character here, recorded in ``classes`` with the regex that
      :func:`_compile` puts in its place once pathspec has translated the line.
    """
    out: list[str] = []
    i, n = 0, len(line)
    slash_in_bracket = False
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n:
            if line[i + 1] == "/":
                if not line[i + 2:].strip(" "):
                    return None  # "a\/": a directory-only "a\", which matches nothing
                out.append("/")
            else:
                out.append(line[i:i + 2])
            i += 2
        elif ch == "[":
            parsed = _bracket(line, i + 1)
            if parsed is None:
                return None
            cls, i, slash = parsed
            slash_in_bracket |= slash
            mark = chr(_MARKS + len(classes))
            if mark in line:
                return line
            classes[mark] = cls
            out.append(mark)
        elif ch == "*" and line.startswith("***", i):
            while i < n and line[i] == "*":
                i += 1
            out.append("**")
        else:
            out.append(ch)
            i += 1
    text = "".join(out)
    if slash_in_bracket:  # a "/" anywhere but at the end anchors the pattern, even inside brackets
        bang = "!" if text.startswith("!") else ""
        body = text[len(bang):]
        if "/" not in body.rstrip(" ")[:-1]:
            text = f"{bang}/{body}"
    return text


def _bracket(line: str, i: int) -> tuple[str, int, bool] | None:
    """Parse the bracket expression opened just before ``line[i]`` as git's wildmatch does: its regex
    (never matching "/"), the index past its "]", and whether a "/" stood in it; None when git
    matches nothing with the pattern (no closing "]", an unknown class)."""
    n = len(line)
    negated = i < n and line[i] in "!^"
    if negated:
        i += 1
    parts: list[str] = []
    prev: str | None = None
    slash = False
    first = True
    while True:
        if i >= n:
            return None
        ch = line[i]
        if ch == "]" and not first:
            break
        first = False
        if ch == "\\":
            i += 1
            if i >= n:
                return None
            ch = line[i]
            parts.append(re.escape(ch))
            prev = ch
        elif ch == "-" and prev is not None and i + 1 < n and line[i + 1] != "]":
            i += 1
            high = line[i]
            if high == "\\":
                i += 1
                if i >= n:
                    return None
                high = line[i]
            if prev <= high:  # else the range is empty, and the character before "-" stays a member
                parts[-1] = f"{re.escape(prev)}-{re.escape(high)}"
            slash |= high == "/"
            prev = None
        elif ch == "[" and line.startswith("[:", i):
            close = line.find("]", i + 2)
            if close < 0:
                return None
            if close - 1 < i + 2 or line[close - 1] != ":":  # no ":]": a plain "[" member
                parts.append(re.escape("["))
                prev = "["
            else:
                name = line[i + 2:close - 1]
                if name not in _POSIX_CLASSES:
                    return None
                parts.append(re.escape(_POSIX_CLASSES[name]).replace("\\-", "-"))
                prev = None
                i = close
        else:
            parts.append(re.escape(ch))
            prev = ch
        slash |= ch == "/"
        i += 1
    members = "".join(parts)
    if negated:
        return f"[^/{members}]", i + 1, slash
    return (f"(?:(?!/)[{members}])" if members else "(?!)"), i + 1, slash


def _ancestor_ignores(root: Path, walk: _Walk) -> list[_Ignore]:
    """Ignore files above the root, up to the repository root (only inside a git work tree)."""
    chain: list[Path] = []
    for directory in (root, *root.parents):
        chain.append(directory)
        if (directory / ".git").exists():
            break
    else:
        return []
    repo = chain[-1]
    for directory in chain[1:]:
        try:
            walk.dirs[str(directory)] = directory.stat().st_mtime_ns  # a new ignore file or .git above
        except OSError:
            pass
    sources = [(repo / ".git" / "info" / "exclude", repo)]
    sources += [(directory / ".gitignore", directory) for directory in reversed(chain[1:])]  # outermost first
    found: list[tuple[pathspec.PathSpec, str]] = []
    for path, base in sources:
        walk.ignore_files[str(path)] = walk_cache.stat_key(str(path))
        if not path.is_file():
            continue
        spec = _read_ignore_file(path, walk if path.name == ".gitignore" else None)
        if spec is not None:
            found.append((spec, _prefix(base, root)))
    if not _root_ignored(found):
        return [_Ignore(spec, prefix=prefix) for spec, prefix in found]
    # The root was asked for by name: a pattern that ignores it (or a directory above it) does not
    # hide the whole tree, although git lists nothing under an ignored directory.
    import pathspec

    out: list[_Ignore] = []
    for spec, prefix in found:
        above = [prefix[: i + 1] for i, ch in enumerate(prefix) if ch == "/"]
        kept = [p for p in spec.patterns if not (p.include and any(p.match_file(d) is not None for d in above))]
        if kept:
            out.append(_Ignore(pathspec.GitIgnoreSpec(kept), prefix=prefix))
    return out


def _root_ignored(found: list[tuple[pathspec.PathSpec, str]]) -> bool:
    """Whether git ignores the root or a directory between it and the repository root, going down
    from the repository root as git's walk does (``found``: ignore files outermost first, each with
    the root's path relative to its directory)."""
    ignores = [_Ignore(spec) for spec, _ in found]
    prefixes = [prefix for _, prefix in found]
    depth = max((prefix.count("/") for prefix in prefixes), default=0)
    for level in range(depth):  # from the outermost directory below the repository root down to the root
        steps_up = depth - level - 1
        for ignore, prefix in zip(reversed(ignores), reversed(prefixes)):  # the deepest decides first
            parts = prefix.split("/")[:-1]
            if len(parts) <= steps_up:  # that ignore file lies at or below this directory
                continue
            verdict = ignore.decide("/".join(parts[: len(parts) - steps_up]) + "/", True)
            if verdict is not None:
                if verdict:
                    return True
                break
    return False


def _prefix(base: Path, root: Path) -> str:
    rel = root.relative_to(base).as_posix()
    return "" if rel == "." else rel + "/"


def walk_tree(root: Path, exclude: Iterable[str] = (), ctx: Context | None = None, *,
              cache: bool = False) -> ProjectTree:
    """List the project's files (see the module docstring); ``cache``: reuse and record the walk in
    ``.envlint_cache/`` (see :mod:`envlint.facts.code.walk_cache`)."""
    root = Path(os.path.abspath(root))
    exclude = list(exclude)
    cached = None
    if cache:
        from envlint import __version__

        cached = walk_cache.cache_path(root, f"{__version__}:{MAX_DEPTH}:{exclude!r}")
        hit = walk_cache.load(cached, root)
        if hit is not None:
            return ProjectTree(root, tuple(sorted(hit[0])), tuple(sorted(hit[1])))
        from envlint.facts.code.scan_cache import CACHE_DIR, ensure_dir

        try:  # made before the root is listed, so that making it later does not change the root's mtime
            ensure_dir(root / CACHE_DIR)
        except OSError:
            pass
    problems_before = len(ctx.problems.errors) if ctx is not None else 0
    listed_ns = time.time_ns()
    walk = _Walk(root, ctx, None)
    if exclude:
        spec = _compile(exclude, "configuration 'exclude'", walk)
        walk.exclude = _Ignore(spec) if spec is not None else None
    try:
        mode = root.stat().st_mode
    except OSError as exc:
        walk.problem(root, f"cannot read project root: {exc.strerror or exc}")
        return ProjectTree(root, ())
    if not stat.S_ISDIR(mode):
        return ProjectTree(root.parent, (root.name,))
    walk.walked.append(os.path.realpath(root))
    walk.walk(str(root), "", _ancestor_ignores(root, walk), 0)
    tree = ProjectTree(root, tuple(sorted(walk.files)), tuple(sorted(walk.skipped)))
    if walk.outside_links and ctx is not None:
        from envlint.diagnostics import Skipped

        ctx.skipped.append(Skipped("project tree", "symbolic links to paths outside the project are not followed: "
                                   + ", ".join(sorted(walk.outside_links))))
    clean = ctx is not None and len(ctx.problems.errors) == problems_before and not walk.outside_links
    if cached is not None and clean and len(walk.walked) == 1:  # no problem to repeat, no symlinked directory
        walk_cache.save(root, cached, listed_ns, walk.dirs, walk.ignore_files, list(tree.files), list(tree.skipped_dirs))
    return tree


def build(ctx: Context) -> ProjectTree:
    config = ctx.config
    enabled = not (config.no_cache or config.environ.get("ENVLINT_NO_CACHE"))
    tree = walk_tree(config.root, config.exclude, ctx, cache=enabled)
    return restrict(tree, config.paths)


def restrict(tree: ProjectTree, paths: Iterable[Path]) -> ProjectTree:
    """Keep the files at or under the PATH arguments (``envlint a b``, ``envlint pkg/load.py``)."""
    prefixes = []
    for path in paths:
        try:
            rel = Path(os.path.abspath(path)).relative_to(tree.root).as_posix()
        except ValueError:
            continue
        if rel in ("", "."):
            return tree
        prefixes.append(rel)
    if not prefixes:
        return tree
    kept = tuple(f for f in tree.files if any(f == p or f.startswith(p + "/") for p in prefixes))
    return ProjectTree(tree.root, kept, tree.skipped_dirs)
