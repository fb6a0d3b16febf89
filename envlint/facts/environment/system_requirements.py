"""The ``system_requirements`` fact: known run-time system needs, and what a conda environment brings.

The table is ``envlint/data/system-requirements.toml`` (one line per distribution). For a conda
environment, the names of the conda packages installed in it come from the ``conda-meta/*.json``
file names (``<name>-<version>-<build>.json``): package sync mirrors those, so a need a conda package
already meets is not reported.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from envlint import data as envlint_data

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

if TYPE_CHECKING:
    from envlint.facts import Context

DATA_FILE = "system-requirements.toml"


@dataclass(frozen=True)
class SystemNeed:
    distribution: str
    """Canonical distribution name."""
    needs: str
    check: str
    conda: str
    """conda-forge package(s), space-separated."""
    apt: str
    note: str | None = None


@dataclass(frozen=True)
class SystemRequirements:
    needs: dict[str, SystemNeed]
    conda_packages: frozenset[str] | None
    """Conda packages installed in the environment (None when it is not a conda environment)."""

    def met_by_conda(self, need: SystemNeed) -> bool:
        return self.conda_packages is not None and all(p in self.conda_packages for p in need.conda.split())


@lru_cache(maxsize=1)
def load_table() -> dict[str, SystemNeed]:
    text = envlint_data.read_text(DATA_FILE)
    data = tomllib.loads(text)
    out = {}
    for name, entry in sorted(data.get("distributions", {}).items()):
        canonical = canonicalize_name(name)
        out[canonical] = SystemNeed(canonical, entry["needs"], entry["check"], entry["conda"], entry["apt"],
                                    entry.get("note"))
    return out


def conda_packages(prefix: os.PathLike[str] | str) -> frozenset[str]:
    try:
        names = os.listdir(os.path.join(prefix, "conda-meta"))
    except OSError:
        return frozenset()
    out = set()
    for n in names:
        if n.endswith(".json") and n.count("-") >= 2:
            out.add(n[: -len(".json")].rsplit("-", 2)[0].lower())
    return frozenset(out)


def build(ctx: Context) -> SystemRequirements:
    location = ctx.peek("env_location")
    conda = conda_packages(location.path) if location is not None and location.kind == "conda" else None
    return SystemRequirements(load_table(), conda)
