"""Which installed distributions came from an index, and how findings describe the target.

Shared by the index-backed environment rules (BLD003, PLT002, SRC003): a distribution installed
from a VCS URL, an archive, a local directory or by conda is another rule's concern (SRC002,
LOC001), and one with a local version label is SRC003's offline part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envlint.facts.environment.distribution import Distribution
from envlint.facts.environment.reader import Environment
from envlint.facts.target import Target

if TYPE_CHECKING:
    from packaging.version import Version

    from envlint.facts import Context


def from_index(dist: Distribution) -> bool:
    """Installed from a package index (pip/uv without a direct reference), with a PEP 440 version."""
    if dist.parsed_version is None or dist.parsed_version.local:
        return False
    if dist.direct_url is not None or dist.is_local_directory or dist.conda is not None:
        return False
    return dist.kind != "egg-link"


def index_installed(environment: Environment) -> list[Distribution]:
    return [d for d in environment.distributions if from_index(d)]


def describe_target(target: Target) -> str:
    major, minor = target.python_version[:2]
    return f"{target.platform}, CPython {major}.{minor}"


def is_platform_specific(dist: Distribution) -> bool:
    """Built for one platform: a non-``any`` WHEEL tag, Root-Is-Purelib false, or compiled files."""
    if dist.wheel_tags:
        return any(not t.endswith("-any") for t in dist.wheel_tags)
    if dist.root_is_purelib is False:
        return True
    return bool(dist.extension_modules)


def installed_versions(ctx: Context) -> dict[str, Version]:
    """The ``installed_versions`` fact: canonical name -> installed version, when an environment is
    inspected (empty otherwise, never unavailable). The resolver tries these versions first: an
    environment that works is the likeliest answer, and the quickest to confirm."""
    if ctx.config.no_env:
        return {}
    environment = ctx.peek("environment")
    if environment is None:
        return {}
    return {d.canonical_name: d.parsed_version for d in environment.distributions if d.parsed_version is not None}
