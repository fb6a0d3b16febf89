"""SRC003, the offline part: versions with a local version label, which PyPI never serves."""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding
from envlint.facts.environment.distribution import Distribution
from envlint.facts.environment.reader import Environment


def local_version_label(dist: Distribution) -> str | None:
    """The local label of a distribution installed from an index ('cpu' for 2.1.0+cpu), else None.

    None for direct-reference, local-directory and conda installs: those are other rules' concern.
    """
    if dist.direct_url is not None or dist.is_local_directory or dist.conda is not None:
        return None
    if dist.parsed_version is None:
        return None
    return dist.parsed_version.local


def check(environment: Environment) -> Iterator[Finding]:
    for dist in environment.distributions:
        label = local_version_label(dist)
        if label is None:
            continue
        public = dist.parsed_version.public if dist.parsed_version is not None else dist.version
        yield Finding(
            message=(f"{dist.name} {dist.version} has the local version label '+{label}': PyPI never serves "
                     "local versions, so it came from another index and package sync cannot install it from PyPI"),
            package=dist.canonical_name, package_version=dist.version,
            help=(f'install the public release if PyPI has it (pip install "{dist.name}=={public}"), or publish '
                  f"{dist.name} to PyPI under a version without a label"),
        )
