"""The ``data_reads`` fact: every call in the project's code that reads a local file by a literal path.

Pipeline per file: stat -> cache (size+mtime, then content hash) -> pre-filter (bytes) -> ``ast``
parse of the files that can contain a reader call -> resolved reads. Large trees are scanned in
worker processes; the result is sorted, so it does not depend on how the work was split.
Files that cannot be read or parsed become EL001 problems; the other files are still reported.

Environment knobs (for benchmarks and debugging): ``ENVLINT_JOBS`` (worker processes; 1 = serial),
``--no-cache`` or ``ENVLINT_NO_CACHE`` (any value): neither read nor write ``.envlint_cache/``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from envlint import __version__
from envlint.facts.code.read_scanner import ScanResult, scan_notebook, scan_python
from envlint.facts.code.reader_table import load_table, table_digest
from envlint.facts.code.scan_cache import ScanCache, content_hash

if TYPE_CHECKING:
    from collections.abc import Callable

    from envlint.facts import Context
    from envlint.facts.code.tree import ProjectTree

MAX_FILE_BYTES = 10 * 1024 * 1024
#: Below this many files (or bytes) to scan, worker processes cost more than they save.
PARALLEL_MIN_FILES = 400
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
MAX_WORKERS = 8
#: What one scan worker may hold at its peak: its largest parse (300 MB, see text.MAX_PARSE_NODES) and more.
WORKER_MEMORY = 512 * 1024 * 1024


WORKERS, LOCAL, UNKNOWN = "workers", "local", "unknown"


@dataclass(frozen=True)
class DataRead:
    """One call that reads a local file, and where it runs."""

    path: str
    """The source file, POSIX, relative to the project root."""
    line: int | None
    column: int | None
    call: str
    """The call as shown to the user: ``pd.read_csv("local_data.csv")``."""
    target: str
    """The path it reads; dynamic parts shown as ``{expr}``."""
    kind: str
    """'relative' or 'absolute'."""
    cell: int | None = None
    """Notebook cell number (1-based, counting every cell); ``line`` is then the line in that cell."""
    where: str = UNKNOWN
    """'workers' (the read runs on the cluster), 'local' (in the process that drives the cluster: a
    notebook, a script that starts the client) or 'unknown' (a function with no caller in sight)."""
    by: str | None = None
    """What ships the code to the workers: ``client.submit``, ``@dask.delayed``, ``# COILED``,
    ``remote-scripts``; None for a lazy reader (see ``reader``) or code that is not shipped."""
    reader: str | None = None
    """The lazy collection reader whose tasks open the path (``dd.read_csv``)."""
    function: str | None = None
    """The enclosing function (dotted, ``Loader.load``), if any."""
    passed_to: str | None = None
    """For a literal passed to a project helper (``load("data/events")``): the reader inside the helper
    (``dd.read_parquet``); ``function`` is then the helper."""
    default: str | None = None
    """The parameter whose default value is the path (the finding points at the default)."""
    made: tuple[int | None, int] | None = None
    """(cell, line) of the code in the local process that makes the file the workers read (a
    download, ``!wget``, a ``to_csv``); None when the program does not make it."""
    made_by_workers: bool = False
    """The maker is a dask collection's writer (``ddf.to_csv``): each worker wrote its part to its own disk."""

    @property
    def place(self) -> str:
        """' (cell 3, line 2)' for a notebook, '' otherwise."""
        return f" (cell {self.cell}, line {self.line})" if self.cell is not None else ""

    @property
    def location(self) -> dict[str, object]:
        """A Finding's ``path``/``line``/``column``/``cell`` (a notebook's line is in its cell)."""
        return {"path": self.path, "line": self.line, "column": self.column, "cell": self.cell}


# -- one file (runs in worker processes too) ------------------------------------------------------

def scan_bytes(rel: str, data: bytes) -> ScanResult:
    table = load_table()
    if rel.endswith(".ipynb"):
        if b"(" not in data:
            return {"reads": [], "error": None}
        return scan_notebook(data, table)  # pre-filtered cell by cell: the JSON escapes the source
    return scan_python(data, table)


def _scan_guarded(rel: str, data: bytes) -> ScanResult:
    try:
        return scan_bytes(rel, data)
    except RecursionError:
        return {"reads": [], "error": ["nested too deeply to scan", None, None]}
    except Exception as exc:  # a scanner bug on one file must not hide the other files' findings
        return {"reads": [], "error": [f"could not be scanned (envlint bug, please report): "
                                       f"{type(exc).__name__}: {exc}", None, None]}


def _scan_chunk(chunk: list[tuple[str, str]], known: frozenset[str]) -> list[tuple[str, int, int, str, Any]]:
    """(rel, size, mtime_ns, digest, result or None when ``known`` has the digest) for each file."""
    out = []
    for rel, full in chunk:
        try:
            with open(full, "rb") as fh:
                st = os.fstat(fh.fileno())
                data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            out.append((rel, -1, -1, "", {"reads": [], "error": [f"cannot read: {exc.strerror or exc}", None, None]}))
            continue
        if len(data) > MAX_FILE_BYTES:
            out.append((rel, st.st_size, st.st_mtime_ns, "", {
                "reads": [], "error": [f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not scanned", None, None]}))
            continue
        digest = content_hash(data)
        result = None if digest in known else _scan_guarded(rel, data)
        out.append((rel, st.st_size, st.st_mtime_ns, digest, result))
    return out


# -- the whole tree ----------------------------------------------------------------------------------

def _workers(environ: dict[str, str], files: int, size: int) -> int:
    wanted = environ.get("ENVLINT_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    if files < PARALLEL_MIN_FILES or size < PARALLEL_MIN_BYTES:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS, _memory_slots()))


def _memory_slots() -> int:
    """How many workers the machine's available memory holds, at :data:`WORKER_MEMORY` each (a
    worker parses one file at a time, within the parse budget of ``text.MAX_PARSE_NODES``)."""
    try:
        available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        with open("/proc/meminfo", "rb") as fh:  # MemAvailable counts the page cache that can be freed
            for line in fh:
                if line.startswith(b"MemAvailable:"):
                    available = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, AttributeError, IndexError):
        return MAX_WORKERS
    return max(1, available // WORKER_MEMORY)


def _chunks(items: list[tuple[str, str, int]], count: int) -> list[list[tuple[str, str]]]:
    """Split into ``count`` chunks of similar total size (largest files dealt first)."""
    chunks: list[list[tuple[str, str]]] = [[] for _ in range(count)]
    loads = [0] * count
    for rel, full, size in sorted(items, key=lambda t: (-t[2], t[0])):
        i = loads.index(min(loads))
        chunks[i].append((rel, full))
        loads[i] += size + 4096
    return [c for c in chunks if c]


def _context() -> Any:
    import multiprocessing
    import threading

    # fork is cheapest, but forking a process that runs other threads can deadlock.
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def scan_files(root: Path, files: list[str], environ: dict[str, str], cache: ScanCache,
               ) -> tuple[dict[str, ScanResult], dict[str, str]]:
    """Results for every file, and the files that could not be looked at (rel -> reason)."""
    results: dict[str, ScanResult] = {}
    unreadable: dict[str, str] = {}
    todo: list[tuple[str, str, int]] = []
    base = os.path.join(root, "")
    for rel in files:
        full = base + rel  # tree paths are relative and use "/"
        try:
            st = os.stat(full)
        except OSError as exc:
            unreadable[rel] = f"cannot read: {exc.strerror or exc}"
            continue
        if st.st_size > MAX_FILE_BYTES:
            unreadable[rel] = f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not scanned"
            continue
        hit = cache.lookup(rel, st.st_size, st.st_mtime_ns)
        if hit is not None:
            results[rel] = hit
        else:
            todo.append((rel, full, st.st_size))
    if todo:
        known = cache.known_digests()
        jobs = _workers(environ, len(todo), sum(t[2] for t in todo))
        if jobs > 1:
            from concurrent.futures import ProcessPoolExecutor

            chunks = _chunks(todo, jobs * 4)
            try:
                with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=_context()) as pool:
                    done = [row for part in pool.map(_scan_chunk, chunks, [known] * len(chunks)) for row in part]
            except (OSError, RuntimeError):  # no processes to be had (sandbox, BrokenProcessPool): serial
                jobs = 1
        if jobs <= 1:
            done = _scan_chunk([(rel, full) for rel, full, _ in todo], known)
        for rel, size, mtime_ns, digest, result in done:
            if result is None:
                result = cache.by_content(digest)
            results[rel] = result
            if digest and size >= 0:
                cache.store(rel, size, mtime_ns, digest, result)
    cache.save()
    return results, unreadable


def build(ctx: Context) -> list[DataRead]:
    tree: ProjectTree = ctx.get("project_tree")
    config = ctx.config
    cache = ScanCache.open(tree.root, "data-reads", f"{__version__}:{table_digest()}",
                           enabled=not (config.no_cache or config.environ.get("ENVLINT_NO_CACHE")))
    files = [f for f in tree.files if f.endswith((".py", ".pyw", ".ipynb")) and in_scope(f)]
    results, unreadable = scan_files(tree.root, files, config.environ, cache)
    for rel, reason in sorted(unreadable.items()):
        ctx.problems.add(tree.root / rel, reason)
    roots: list[Path] = []

    def shipped() -> list[Path]:
        # Built only when a relative read names an existing file: the project fact (pip
        # configuration, requirements, every local package) costs more than a warm scan.
        if not roots:
            roots.extend(_package_dirs(ctx, tree))
        return roots

    remote = _matcher(config.remote_scripts)
    ships = _shipped_elsewhere(results)
    reads: list[DataRead] = []
    for rel in sorted(results):
        result = results[rel]
        error = result.get("error")
        if error:
            ctx.problems.add(tree.root / rel, error[0], line=error[1], column=error[2],
                             cell=error[3] if len(error) > 3 else None)
        for line, column, call, target, kind, cell, where, info in result.get("reads", ()):
            if info.get("guarded"):
                continue  # inside `if p.exists():` or `try: ... except FileNotFoundError:`
            by, func = info.get("by"), info.get("func")
            if where != WORKERS:
                if remote is not None and remote(rel):
                    where, by = WORKERS, "remote-scripts"
                elif func is not None:
                    how = _lookup_shipped(ships, rel, func)
                    if how is not None:
                        where, by = WORKERS, how
            made = (int(info["made_cell"]) if "made_cell" in info else None, int(info["made"])) \
                if "made" in info else None
            read = DataRead(rel, line, column, call, target, kind, cell, where, by, info.get("reader"), func,
                            default=info.get("default"), made=made,
                            made_by_workers=info.get("made_by") == "workers")
            if kind == "relative" and _ships_as_package_data(tree.root, rel, target, shipped):
                continue
            reads.append(read)
    reads += _helper_calls(tree.root, files, results, shipped)
    reads.sort(key=lambda r: (r.path, r.cell or 0, r.line or 0, r.column or 0, r.call))
    return reads


def _helper_calls(root: Path, files: list[str], results: dict[str, ScanResult],
                  shipped: Callable[[], list[Path]]) -> list[DataRead]:
    """Literals passed to project helpers that read their parameter on the workers (see helper_calls)."""
    from envlint.facts.code import helper_calls

    helpers = helper_calls.helpers_of(results, module_name)
    out = []
    for c in helper_calls.find_calls(root, files, helpers, module_name):
        if c.kind == "relative" and _ships_as_package_data(root, c.rel, c.target, shipped):
            continue
        out.append(DataRead(c.rel, c.line, c.column, c.call, c.target, c.kind, c.cell, WORKERS, c.helper.by or None,
                            None, c.helper.func, passed_to=c.helper.reader))
    return out


#: Folders whose code never runs on the cluster: documentation, CI and tooling.
OUT_OF_SCOPE_DIRS = frozenset({"docs", "doc", ".github", ".gitlab", ".circleci", ".buildkite", "ci", ".ci",
                               "binder", ".binder", ".devcontainer", "tools", "devtools", "dev-tools"})
#: Build scripts and test configuration: they run on the build (or test) machine, in the project folder.
BUILD_SCRIPTS = frozenset({"setup.py", "conftest.py", "versioneer.py"})
#: The same at the project root only (elsewhere the name means nothing special).
ROOT_SCRIPTS = frozenset({"hatch_build.py", "build_backend.py", "noxfile.py", "tasks.py", "fabfile.py",
                          "pavement.py"})


def in_scope(rel: str) -> bool:
    """Whether a file's reads can run on the cluster (not a build script, not docs/CI/tooling)."""
    parts = rel.split("/")
    if parts[-1] in BUILD_SCRIPTS or (len(parts) == 1 and parts[0] in ROOT_SCRIPTS):
        return False
    return not any(p in OUT_OF_SCOPE_DIRS for p in parts[:-1])


def _matcher(patterns: list[str]) -> Callable[[str], bool] | None:
    if not patterns:
        return None
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    return lambda rel: spec.match_file(rel)


def module_name(rel: str) -> str:
    """``src/pkg/mod.py`` -> ``pkg.mod``; ``pkg/__init__.py`` -> ``pkg``."""
    stem = rel.rsplit(".", 1)[0]
    parts = [p for p in stem.split("/") if p]
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _shipped_elsewhere(results: dict[str, ScanResult]) -> dict[str, str]:
    """Dotted names of functions that some module ships to the cluster -> 'client.submit in a.py'."""
    out: dict[str, str] = {}
    for rel in sorted(results):
        for name, how in (results[rel].get("ships") or {}).items():
            out.setdefault(name, f"{how} in {rel}")
    return out


def _lookup_shipped(ships: dict[str, str], rel: str, func: str) -> str | None:
    if not ships:
        return None
    full = f".{module_name(rel)}.{func}"
    for name, how in ships.items():
        if full.endswith(f".{name}") and "." in name:
            return how
    return None


# -- package data ----------------------------------------------------------------------------------

def _package_dirs(ctx: Context, tree: ProjectTree) -> list[Path]:
    """Roots of the local packages (the project itself, and those the ``project`` fact knows)."""
    from envlint.facts import PROVIDERS

    roots = [tree.root]
    if "project" in PROVIDERS:
        try:
            project = ctx.peek("project")
        except Exception:  # the project fact's own problems are reported by its rules
            project = None
        for package in getattr(project, "local_packages", None) or ():
            root = getattr(package, "root", None)
            if root is not None and Path(root) not in roots:
                roots.append(Path(root))
    return roots


def _ships_as_package_data(root: Path, rel: str, target: str, package_roots: Callable[[], list[Path]]) -> bool:
    """Conservatively: the path names an existing file inside an import package of a local package.

    A wheel carries an import package's directory (with its data files, when the build backend is
    told to include them); files at the top of a project or in plain folders are never carried.
    The path is tried against the project root (the usual working directory) and the reading file's
    directory.
    """
    if "{" in target or "*" in target or "?" in target:
        return False
    source_dir = (root / rel).parent
    for base in (root, source_dir):
        candidate = Path(os.path.normpath(base / target))
        if not candidate.is_file():
            continue
        for package_root in package_roots():
            try:
                inside = candidate.relative_to(package_root)
            except ValueError:
                continue
            if len(inside.parts) >= 2 and (package_root / inside.parts[0] / "__init__.py").is_file():
                return True
            if len(inside.parts) >= 3 and inside.parts[0] == "src" and (
                    package_root / "src" / inside.parts[1] / "__init__.py").is_file():
                return True
    return False
