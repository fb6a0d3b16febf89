"""SRC003, the index part: what the package index says about installed distributions (no such project, no
such version, yanked)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envlint.diagnostics import Finding, Severity
from envlint.facts.environment.reader import Environment
from envlint.facts.target import Target
from envlint.facts.index.installed import index_installed
from envlint.index.models import NO_PROJECT, NO_VERSION

if TYPE_CHECKING:
    from envlint.facts.index.fact import Index


def check(environment: Environment, target: Target, index: Index) -> Iterator[Finding]:
    dists = index_installed(environment)
    pages = index.project_pages(d.canonical_name for d in dists)
    for dist in dists:
        page = pages.get(dist.canonical_name)
        if page is None or dist.parsed_version is None:
            continue  # the look-up failed: a skipped entry says so
        avail = page.availability(dist.parsed_version, target)
        if avail.status == NO_PROJECT:
            yield Finding(
                message=f"{dist.name} {dist.version} is not on {index.label}: no such project",
                package=dist.canonical_name, package_version=dist.version,
                help=(f"publish {dist.name} to PyPI or ship it as a local package of the project; "
                      "package sync installs only from PyPI"),
            )
        elif avail.status == NO_VERSION:
            if page.offline:
                index.skip(f"index: {dist.canonical_name}",
                           f"offline: the cached page has no {dist.version}, but it may be out of date")
                continue
            newest = next((v for v in page.all_versions if not v.is_prerelease), None) or \
                next(iter(page.all_versions), None)
            have = f" (newest: {newest})" if newest is not None else " (it has no files)"
            help_text = (f'install a version {index.label} has (pip install "{dist.name}=={newest}")'
                         if newest is not None else f"publish {dist.name} {dist.version} to {index.label}")
            yield Finding(
                message=f"{dist.name} {dist.version} is not on {index.label}: no such version{have}",
                package=dist.canonical_name, package_version=dist.version, help=help_text,
            )
        elif avail.yanked:
            reason = avail.yanked_reason
            yield Finding(
                message=(f"{dist.name} {dist.version} is yanked on {index.label}"
                         + (f": {reason}" if reason else " (no reason given)")),
                package=dist.canonical_name, package_version=dist.version, severity=Severity.WARNING,
                help=f"move to a release that is not yanked (the newest is {_newest_unyanked(page) or 'unknown'})",
            )


def _newest_unyanked(page) -> str | None:  # type: ignore[no-untyped-def]
    for v in page.all_versions:
        if not v.is_prerelease and any(not f.yanked for f in page.files_for(v)):
            return str(v)
    return None
