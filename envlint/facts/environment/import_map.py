"""Import name -> distributions: the environment's own metadata, then a curated table, then the name.

Installed metadata answers for what is installed (``top_level.txt`` written by setuptools, else the
first path parts of RECORD, as ``importlib.metadata.packages_distributions`` does); the curated
table ``envlint/data/import-names.toml`` answers for build-time imports that are usually not
installed where envlint runs (``Cython``, ``skbuild``) and names that differ (``yaml`` -> PyYAML).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from envlint import data as envlint_data
from envlint.facts.formats.text import open_regular

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

if TYPE_CHECKING:
    from envlint.facts.environment.reader import Environment

#: Standard-library modules removed in recent Pythons: still "not a build dependency" for our purpose.
REMOVED_STDLIB = frozenset({
    "distutils", "imp", "asynchat", "asyncore", "smtpd", "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt",
    "imghdr", "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau",
    "telnetlib", "uu", "xdrlib", "lib2to3", "formatter", "parser", "symbol", "macpath", "binhex",
    "test",  # CPython's own regression-test package (not in sys.stdlib_module_names)
})


def is_stdlib(module: str) -> bool:
    top = module.split(".", 1)[0]
    return top in sys.stdlib_module_names or top in REMOVED_STDLIB or top == "__future__"


@dataclass(frozen=True)
class Curated:
    imports: dict[str, tuple[str, ...]]
    backends: dict[str, tuple[str, ...]]
    compiling_backends: dict[str, str]
    build_provides: dict[str, tuple[str, ...]]
    setuptools_modules: frozenset[str]


@lru_cache(maxsize=1)
def curated() -> Curated:
    data = tomllib.loads(envlint_data.read_text("import-names.toml"))

    def names(values: object) -> tuple[str, ...]:
        return tuple(canonicalize_name(v) for v in values) if isinstance(values, list) else ()

    return Curated(
        imports={k: names(v) for k, v in data.get("imports", {}).items()},
        backends={k: names(v) for k, v in data.get("backends", {}).items()},
        compiling_backends={k: str(v) for k, v in data.get("compiling-backends", {}).items()},
        build_provides={canonicalize_name(k.split("[", 1)[0]): names(v)
                        for k, v in data.get("build-provides", {}).items()},
        setuptools_modules=frozenset(data.get("setuptools-modules", {}).get("modules", [])),
    )


@dataclass
class ImportMap:
    installed: dict[str, set[str]] = field(default_factory=dict)
    """Dotted import name (one or two parts) -> canonical names of installed distributions."""

    def candidates(self, module: str) -> tuple[str, ...]:
        """Distributions that may provide ``module``, best first; never empty."""
        parts = module.split(".")
        table = curated().imports
        out: list[str] = []
        for n in range(len(parts), 0, -1):
            prefix = ".".join(parts[:n])
            for dist in sorted(self.installed.get(prefix, ())):
                if dist not in out:
                    out.append(dist)
            for dist in table.get(prefix, ()):
                if dist not in out:
                    out.append(dist)
            if out:
                break
        identity = canonicalize_name(parts[0])
        if not out:
            out.append(identity)
        return tuple(out)


def from_environment(environment: Environment | None) -> ImportMap:
    result = ImportMap()
    if environment is None:
        return result
    for dist in environment.distributions:
        if dist.editable:
            continue
        for name in _top_level(dist):
            result.installed.setdefault(name, set()).add(dist.canonical_name)
    return result


def _top_level(dist) -> set[str]:  # type: ignore[no-untyped-def]
    names: set[str] = set()
    meta = dist.metadata_path
    if meta is not None and meta.is_dir():
        try:
            with open_regular(meta / "top_level.txt") as fh:  # never a blocking read of a FIFO
                text = fh.read().decode("utf-8", errors="replace")
        except OSError:
            text = ""
        names.update(line.strip().replace("/", ".") for line in text.splitlines() if line.strip())
    for path in dist.files or ():
        parts = path.split("/")
        first = parts[0]
        if not first or first in ("..", "__pycache__") or first.endswith((".dist-info", ".data", ".egg-info")):
            continue
        if len(parts) == 1:
            module = first.split(".", 1)[0]
            if first.endswith((".py", ".so", ".pyd")) and module.isidentifier():
                names.add(module)
            continue
        if first.isidentifier():
            names.add(first)
            if len(parts) > 2 and parts[1].isidentifier():
                names.add(f"{first}.{parts[1]}")
    return names
