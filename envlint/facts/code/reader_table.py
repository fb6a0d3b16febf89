"""The table of calls that read local files (``envlint/data/readers.toml``) and its cheap pre-filter.

The pre-filter decides, from the raw bytes, whether a file can contain a reader call at all and on
which lines, so that only those files are parsed and only those lines' statements are looked at.
It is conservative: a call ``name(`` whose name is a reader's last component counts, unless every
reader of that name lives in a module the file never mentions (``sqlite3.connect`` in a file that
never says ``sqlite3``). Only the built-in ``open`` needs no module.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from envlint import data as envlint_data

_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_OPEN_PAREN = re.compile(rb"[ \t]*\(")
#: Substrings found with a fast ``bytes.find``; every reader's last name component contains one.
_SEEDS = (b"read", b"open", b"load", b"File", b"Store", b"connect", b"glob", b"from", b"memmap",
          b"ataset", b"scan_", b"Capture", b"Booster")
_IDENT = re.compile(rb"\w+")


@dataclass(frozen=True)
class ReaderSpec:
    name: str
    """Qualified name after imports are resolved (``pandas.read_csv``; ``open`` is the built-in)."""
    arg: int = 0
    kw: str | None = None
    mode_arg: int | None = None
    mode_kw: str | None = None
    default_mode: str = "r"
    receiver: bool = False
    """The path is the object the method is called on (``Path("x").read_text()``)."""
    receiver_type: str | None = None
    """A method of instances of this class (``configparser.ConfigParser().read(path)``)."""
    workers: bool = False
    """A lazy collection reader: its tasks open the path on the workers (``dd.read_csv``)."""
    workers_if: tuple[str, ...] = ()
    """Keywords that make it one (``xr.open_dataset(path, chunks={})``), unless passed None or False."""

    @property
    def last(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def module_token(self) -> bytes | None:
        """The top-level module the file must import for this reader to be reachable (None: the built-in)."""
        if self.receiver:
            return b"pathlib"
        if "." not in self.name:
            return None
        return self.name.split(".", 1)[0].encode()


@dataclass(frozen=True)
class ReaderTable:
    specs: dict[str, ReaderSpec]
    digest: str
    """sha256 of the table file: part of the scan cache key."""
    receivers: dict[str, ReaderSpec] = field(default_factory=dict)
    """Method name -> spec, for readers whose path is the receiver."""
    typed: dict[str, ReaderSpec] = field(default_factory=dict)
    """Method name -> spec, for methods of instances of a known class (``receiver_type``)."""
    _by_token: dict[bytes | None, dict[bytes, tuple[frozenset[int], frozenset[bytes]]]] = field(default_factory=dict)
    """Module token -> seed -> (offsets of the seed inside reader names, the reader names)."""
    _plans: dict[frozenset, dict[bytes, tuple[tuple[int, ...], frozenset[bytes]]]] = field(default_factory=dict)
    """Memo: the tokens a file imports -> the seeds to look for."""
    _tokens: dict[bytes, tuple[bytes | None, ...]] = field(default_factory=dict)
    _receiver_names: frozenset[bytes] = frozenset()
    _late_path: frozenset[bytes] = frozenset()
    """Reader names some reader of which takes its path after the first argument."""
    _path_keywords: dict[bytes, frozenset[bytes]] = field(default_factory=dict)
    """Reader name -> the keywords its path can be passed by."""

    @classmethod
    def from_toml(cls, data: bytes) -> ReaderTable:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib

        raw = tomllib.loads(data.decode("utf-8")).get("readers", {})
        specs: dict[str, ReaderSpec] = {}
        for name, entry in raw.items():
            specs[name] = ReaderSpec(
                name=name, arg=int(entry.get("arg", 0)), kw=entry.get("kw"),
                mode_arg=entry.get("mode"), mode_kw=entry.get("mode-kw"),
                default_mode=entry.get("default-mode", "r"), receiver=bool(entry.get("receiver", False)),
                receiver_type=entry.get("receiver-type"), workers=entry.get("where") == "workers", workers_if=tuple(entry.get("workers-if", ())),
            )
        receivers = {s.last: s for s in specs.values() if s.receiver}
        typed = {s.last: s for s in specs.values() if s.receiver_type}
        tokens: dict[bytes, set[bytes | None]] = defaultdict(set)
        for s in specs.values():
            tokens[s.last.encode()].add(s.module_token)
        by_token: dict[bytes | None, dict[bytes, tuple[set[int], set[bytes]]]] = defaultdict(dict)
        for anchor, anchor_tokens in sorted(tokens.items(), key=lambda kv: kv[0]):
            seed = next((s for s in _SEEDS if s in anchor), None)
            if seed is None:
                raise ValueError(f"reader name {anchor.decode()!r} has none of the pre-filter's seeds; add one")
            for token in anchor_tokens:
                offsets, names = by_token[token].setdefault(seed, (set(), set()))
                offsets.add(anchor.index(seed))
                names.add(anchor)
        plan = {token: {seed: (frozenset(o), frozenset(n)) for seed, (o, n) in seeds.items()}
                for token, seeds in by_token.items()}
        return cls(specs, hashlib.sha256(data).hexdigest(), receivers, typed, plan, {},
                   {k: tuple(sorted(v, key=lambda t: t or b"")) for k, v in tokens.items()},
                   frozenset(n.encode() for n in receivers),
                   frozenset(s.last.encode() for s in specs.values() if s.arg != 0 and not s.receiver),
                   {anchor: frozenset(s.kw.encode() for s in specs.values() if s.last.encode() == anchor and s.kw)
                    for anchor in tokens})

    def _plan_for(self, tokens: frozenset) -> dict[bytes, tuple[tuple[int, ...], frozenset[bytes]]]:
        plan = self._plans.get(tokens)
        if plan is None:
            merged: dict[bytes, tuple[set[int], set[bytes]]] = {}
            for token in tokens:
                for seed, (offsets, names) in self._by_token.get(token, {}).items():
                    o, n = merged.setdefault(seed, (set(), set()))
                    o.update(offsets)
                    n.update(names)
            plan = {seed: (tuple(sorted(o)), frozenset(n)) for seed, (o, n) in merged.items()}
            self._plans[tokens] = plan
        return plan

    def candidate_offsets(self, data: bytes) -> list[int]:
        """Byte offsets of every ``name(`` in ``data`` that may be a reader call, sorted.

        Only readers of modules the file imports are looked for (the scanner resolves names through
        the file's imports, so a reader of a module the file never imports cannot be found anyway),
        plus the built-in ``open``.
        """
        modules = imported_modules(data)
        lenient = bool(modules & _CLUSTER)  # a parameter read on the workers is followed to its callers
        tokens = frozenset(t for t in self._by_token if t is None or t in modules)
        hits: set[int] = set()
        bound: dict[bytes, bool] = {}
        size = len(data)
        ident = _IDENT.match
        lines = _LineInfo(data)
        for seed, (offsets, anchors) in self._plan_for(tokens).items():
            i = data.find(seed)
            while i >= 0:
                for k in offsets:
                    start = i - k
                    if start < 0 or (start > 0 and data[start - 1] in _WORD):
                        continue
                    m = ident(data, start)
                    name = m.group() if m is not None else b""
                    if name not in anchors:
                        continue
                    end = start + len(name)
                    if end >= size or not (data[end] == 0x28 or _OPEN_PAREN.match(data, end)):
                        continue
                    if lines.in_comment_or_doctest(start):
                        continue
                    dotted = start > 0 and data[start - 1] == 0x2E
                    reach = self._reachable(name, dotted, modules)
                    if reach == _RECEIVER or (reach == _ARGUMENT and _argument_may_resolve(
                            data, end, bound, self._path_keywords[name], name == b"open" and not dotted, lenient)):
                        hits.add(start)
                i = data.find(seed, i + 1)
        if modules and b" as " in data:
            self._alias_calls(data, modules, bound, lines, hits)
        if modules & _CLUSTER and (b"delayed(" in data or b".submit(" in data):
            for token in (b"delayed(", b".submit("):  # delayed(pd.read_csv)(path), client.submit(pd.read_csv, path)
                i = data.find(token)
                while i >= 0:
                    if not lines.in_comment_or_doctest(i):
                        hits.add(i)
                    i = data.find(token, i + 1)
        return sorted(hits)

    def _alias_calls(self, data: bytes, modules: set[bytes], bound: dict[bytes, bool], lines: _LineInfo,
                     hits: set[int]) -> None:
        """Calls of a reader imported under another name (``from pandas import read_csv as rc``).

        Found from each `` as `` (a fast search; ``with open(p) as f`` fails at once, as the word before
        it must be a reader's name), never by a regular expression over the whole file."""
        size = len(data)
        i = data.find(b" as ")
        while i >= 0:
            j = i
            while j > 0 and data[j - 1] in _WORD:
                j -= 1
            name = data[j:i]
            m = _IDENT.match(data, i + 4) if name in self._tokens else None
            if m is not None and m.group() != name and not lines.in_comment_or_doctest(j) and \
                    self._reachable(name, True, modules) != _NO:
                alias = m.group()
                k = data.find(alias)
                while k >= 0:
                    end = k + len(alias)
                    if (k == 0 or (data[k - 1] not in _WORD and data[k - 1] != 0x2E)) and end < size and \
                            data[end] not in _WORD and _OPEN_PAREN.match(data, end) and \
                            not lines.in_comment_or_doctest(k):
                        hits.add(k)
                    k = data.find(alias, k + 1)
            i = data.find(b" as ", i + 4)

    def _reachable(self, anchor: bytes, dotted: bool, modules: set[bytes]) -> int:
        """Whether a call of ``anchor`` can be a reader here, and how its path must then be checked."""
        verdict = _NO
        for token in self._tokens[anchor]:
            if token is None:
                if dotted:
                    continue
            elif token not in modules:
                continue
            if anchor in self._receiver_names and token == b"pathlib":
                return _RECEIVER
            verdict = _ARGUMENT
        if verdict == _ARGUMENT and anchor in self._late_path:
            return _RECEIVER  # the path is not the first argument: no cheap look at it
        return verdict

    def candidate_lines(self, data: bytes) -> list[int]:
        """1-based line numbers of :meth:`candidate_offsets` (sorted, unique)."""
        lines: list[int] = []
        line, pos = 1, 0
        for offset in self.candidate_offsets(data):
            line += data.count(b"\n", pos, offset)
            pos = offset
            if not lines or lines[-1] != line:
                lines.append(line)
        return lines


_NO, _ARGUMENT, _RECEIVER = 0, 1, 2
_CLUSTER = frozenset({b"dask", b"distributed", b"coiled"})
_QUOTE_PREFIX = re.compile(rb"[rRbBuUfF]{1,2}['\"]")
_SPACE = re.compile(rb"(?:[ \t\r\n]|\\\n|#[^\n]*)*")
#: First names of an argument that can build a path from literals (the scanner resolves these).
_PATH_STARTS = frozenset({b"os", b"posixpath", b"ntpath", b"pathlib", b"Path", b"PurePath", b"PosixPath",
                          b"PurePosixPath", b"WindowsPath", b"PureWindowsPath", b"str", b"join"})


_LITERAL_THEN_MODE = re.compile(
    rb"[rRbBuU]{0,2}(?P<q>['\"])[^'\"\n\\\\]*(?P=q)[ \t]*,[ \t]*(?:mode[ \t]*=[ \t]*)?[rRbB]{0,2}(?P<q2>['\"])(?P<mode>[a-zA-Z+]*)(?P=q2)")
_PATH_METHODS = frozenset({b"joinpath", b"with_suffix", b"with_name", b"with_stem", b"resolve", b"absolute",
                           b"expanduser", b"parent", b"parents", b"format"})


def _argument_may_resolve(data: bytes, paren: int, bound: dict[bytes, bool], path_keywords: frozenset[bytes],
                          builtin_open: bool = False, lenient: bool = False) -> bool:
    """Whether the first argument of the call whose ``(`` is at or after ``paren`` can be a known path.

    What the scanner can resolve passes: a string literal (unless the built-in ``open`` gets a
    literal write mode right after it), a path builder (``os.path.join``, ``Path``), a parenthesised
    expression, the path's keyword argument, a name the file assigns at statement level (a constant)
    or a path method on it. A number, a list, ``*args``, a subscript (``sys.argv[1]``), a call or an
    attribute of anything else, or a name the file never assigns (a parameter, an import) cannot.
    """
    p = data.index(b"(", paren) + 1
    p = _SPACE.match(data, p).end()  # type: ignore[union-attr]
    if p >= len(data):
        return False
    c = data[p]
    if c == 0x28:  # (
        return True
    if c in (0x22, 0x27) or _QUOTE_PREFIX.match(data, p):  # " '
        if builtin_open:
            m = _LITERAL_THEN_MODE.match(data, p)
            if m is not None and any(ch in m.group("mode") for ch in b"wax"):
                return False
        return True
    m = _IDENT.match(data, p)
    if m is None or not (c == 0x5F or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A):
        return False
    name = m.group()
    q = _SPACE.match(data, m.end()).end()  # type: ignore[union-attr]
    nxt = data[q:q + 1]
    if nxt == b"=" and data[q + 1:q + 2] != b"=":  # a keyword argument
        if name in path_keywords:
            return True
        window = data[q:q + 400]
        return any(kw + b"=" in window for kw in path_keywords)
    if name in _PATH_STARTS:
        return True
    if nxt in (b"[", b"("):
        return False  # sys.argv[1], config["path"], make_path(): never resolved
    if nxt == b".":
        attr = _IDENT.match(data, _SPACE.match(data, q + 1).end())  # type: ignore[union-attr]
        if attr is None:
            return False
        if attr.group() not in _PATH_METHODS:
            # self.data_dir / Config.data_dir: a class attribute (assigned at the start of a line)
            if name != b"self" and not (0x41 <= c <= 0x5A):
                return False  # args.input, buf.getvalue(): never resolved
            key = b"." + attr.group()
            if key not in bound:
                bound[key] = _assigned(data, attr.group())
            return bound[key]
    if lenient and nxt in (b")", b","):
        return True  # a bare name: maybe a parameter, followed to the function's callers
    if name not in bound:
        bound[name] = _assigned(data, name) or _literal_default(data, name)
    return bound[name]


class _LineInfo:
    """Is the text before a candidate call a comment or a doctest prompt? Computed once per line.

    Looking back to the start of the line for every candidate call was quadratic on one giant line
    (200,000 ``open(`` on one 1 MB line took 14 s); now each line is searched once.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.newlines: list[int] | None = None
        self.lines: dict[int, tuple[int, bool]] = {}

    def in_comment_or_doctest(self, start: int) -> bool:
        if self.newlines is None:
            self.newlines = [m.start() for m in re.finditer(b"\n", self.data)]
        k = bisect.bisect_left(self.newlines, start)
        line_start = self.newlines[k - 1] + 1 if k > 0 else 0
        info = self.lines.get(line_start)
        if info is None:
            line_end = self.newlines[k] if k < len(self.newlines) else len(self.data)
            first_hash = self.data.find(b"#", line_start, line_end)
            head = self.data[line_start:min(line_end, line_start + 4096)].lstrip()
            info = (first_hash, head.startswith((b">>>", b"... ")))
            self.lines[line_start] = info
        first_hash, prompt = info
        return (first_hash != -1 and first_hash < start) or prompt


def _literal_default(data: bytes, name: bytes) -> bool:
    """``name`` is a parameter with a default value somewhere (``def load(path="data/x.csv")``)."""
    return re.search(rb"[(,]\s*" + re.escape(name) + rb"\s*(?::[^=,()]*)?=\s*[\w\"'(]", data) is not None


def _assigned(data: bytes, name: bytes) -> bool:
    """``name`` is the target of a statement-level ``name = ...`` or ``name: T = ...`` somewhere."""
    n = len(name)
    i = data.find(name)
    while i >= 0:
        j = i - 1
        while j >= 0 and data[j] in (0x20, 0x09):
            j -= 1
        if j < 0 or data[j] in (0x0A, 0x3B):  # line start or ';'
            k = i + n
            if k < len(data) and data[k] not in _WORD:
                rest = data[k:k + 200].split(b"\n", 1)[0].lstrip()
                if rest.startswith(b":"):
                    rest = rest.partition(b"=")[1:] and b"=" + rest.partition(b"=")[2]
                if rest.startswith(b"=") and not rest.startswith(b"=="):
                    return True
        i = data.find(name, i + 1)
    return False


#: Conventional aliases, for modules re-exported by a project module (``from utils import np``).
REEXPORT_ALIASES = {b"np": b"numpy", b"pd": b"pandas", b"dd": b"dask", b"da": b"dask", b"db": b"dask",
                    b"xr": b"xarray", b"plt": b"matplotlib", b"pl": b"polars", b"gpd": b"geopandas",
                    b"pq": b"pyarrow", b"sio": b"scipy"}
_ALIAS_MODULES = {"np": "numpy", "pd": "pandas", "dd": "dask.dataframe", "da": "dask.array", "db": "dask.bag",
                  "xr": "xarray", "plt": "matplotlib.pyplot", "pl": "polars", "gpd": "geopandas",
                  "pq": "pyarrow.parquet"}


def reexported(name: str, specs: dict) -> str | None:
    """``utils.general.cv2.imread`` -> ``cv2.imread`` when that is a reader (the module re-exported
    by a project module); conventional aliases are read as their modules (``utils.np.load``)."""
    parts = name.split(".")
    for i in range(1, len(parts) - 1):
        head, rest = parts[i], parts[i + 1:]
        candidate = ".".join([_ALIAS_MODULES.get(head, head), *rest])
        if candidate in specs:
            return candidate
    return None


def imported_modules(data: bytes) -> set[bytes]:
    """Top-level names of the modules ``data`` imports (``import a.b as c, d`` -> a, d; ``from e.f import g`` -> e).

    Found from the word ``import`` (a fast search) and its line; relative imports are left out.
    """
    tops: set[bytes] = set()
    i = data.find(b"import")
    while i >= 0:
        after = data[i + 6:i + 7]
        if after in (b" ", b"\t"):
            line_start = data.rfind(b"\n", 0, i) + 1
            head = data[line_start:i].strip()
            if not head or head.endswith((b":", b";")):
                end = data.find(b"\n", i)
                rest = data[i + 7:end if end >= 0 else len(data)].split(b"#", 1)[0].split(b";", 1)[0]
                for part in rest.replace(b"(", b" ").replace(b")", b" ").split(b","):
                    words = part.split()
                    if words:
                        tops.add(words[0].split(b".", 1)[0])
            elif head.startswith(b"from") and head[4:5] in (b" ", b"\t"):
                module = head[5:].strip()
                if module and not module.startswith(b"."):
                    tops.add(module.split(b".", 1)[0])
                    if b"." in module:  # `from utils.general import cv2, np`: a module re-exported by a project module
                        end = data.find(b"\n", i)
                        for part in data[i + 7:end if end >= 0 else len(data)].split(b"#", 1)[0].split(b","):
                            words = part.split()
                            if len(words) == 1 and words[0] not in (b"(", b"*"):
                                name = words[0].strip(b"()")
                                tops.add(REEXPORT_ALIASES.get(name, name))
        i = data.find(b"import", i + 6)
    return tops


@lru_cache(maxsize=1)
def load_table() -> ReaderTable:
    data = envlint_data.read_bytes("readers.toml")
    return ReaderTable.from_toml(data)


@lru_cache(maxsize=1)
def table_digest() -> str:
    """The table's digest (:attr:`ReaderTable.digest`) without parsing it: a warm run that finds every
    file in the scan cache never needs the table itself."""
    return hashlib.sha256(envlint_data.read_bytes("readers.toml")).hexdigest()
