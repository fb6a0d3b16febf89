"""No wheel for the target (BLD003).

## What it does
Asks the package index (PyPI unless `index-url` says otherwise) which files exist for each
installed `name==version` that came from an index, and reports those where no wheel installs on
the target (64-bit Linux, manylinux, the environment's CPython by default) while an sdist exists:
the workers will have to build it. It becomes an error when that build needs more than the
`build-essential` and `python-dev` packages the workers have: the locally built copy links an
external shared library (the same evidence as SYS001; on a Mac, a Homebrew or MacPorts library its
Mach-O code links, named as Linux names it: `libpq.5.dylib` is `libpq.so.5`), or one of the sdist's
own build requirements (`[build-system] requires`) has no wheel for the target either.

Distributions installed from a URL, a local directory or by conda are not looked up (SRC002,
LOC001 cover them). A failed or offline look-up is listed under `skipped`, never guessed.

## Why it breaks package sync
Package sync installs the same versions on the workers with pip. Without a matching wheel pip
builds the sdist there, with only a C compiler and the Python headers: a build that needs
`libpq-dev`, a Fortran compiler or another sdist-only build tool fails, and the cluster never
starts. Even a build that succeeds slows every worker's start.

## Example
```text
psycopg2==2.9.10      # sdist only for linux_x86_64; the build needs libpq-dev
PyYAML==5.4.1         # no cp311 manylinux wheel
```
`no wheel of psycopg2 2.9.10 on PyPI installs on linux_x86_64, CPython 3.11: the workers build psycopg2-2.9.10.tar.gz`

## How to fix
Pick a version or a variant that has a wheel for the target (`PyYAML>=6.0.1`, `psycopg2-binary`
instead of `psycopg2`), or install the package from conda-forge, which package sync mirrors with
its libraries. If you need exactly this version, build the wheel for the target yourself and use
a Docker image.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from envlint.diagnostics import Finding, Severity
from envlint.facts.native.links import NativeLinks, binary_wheel_for, library_hint
from envlint.facts.environment.reader import Environment
from envlint.facts.native.macho import linux_soname
from envlint.facts.target import Target
from envlint.facts.index.installed import describe_target, index_installed
from envlint.index.models import NO_COMPATIBLE_FILE, SDIST_ONLY, ProjectInfo
from envlint.registry import rule

if TYPE_CHECKING:
    from envlint.facts.index.fact import Index


def external_libraries(native_links: NativeLinks, name: str) -> list[str]:
    """Sonames the locally built copy of ``name`` links that nothing on the workers provides (a Mac build's
    Homebrew ``libpq.5.dylib`` by its Linux name, ``libpq.so.5``; the system's own libraries are not)."""
    out: list[str] = []
    for f in native_links.of(name):
        for library in native_links.unshipped(f):
            soname = linux_soname(library) if f.format == "mach-o" else library
            if soname not in out:
                out.append(soname)
    return sorted(out)


def chosen_version(page: ProjectInfo, req: Requirement, target: Target):  # type: ignore[no-untyped-def]
    """The version pip would pick for a build requirement: the newest match with a usable file."""
    for prereleases in (False, True):
        for v in page.all_versions:
            if v.is_prerelease and not prereleases:
                continue
            if not req.specifier.contains(v, prereleases=True):
                continue
            status = page.availability(v, target).status
            if status not in (NO_COMPATIBLE_FILE,) and not all(f.yanked for f in page.files_for(v)):
                return v
    return None


@rule(code="BLD003", name="no-wheel-for-target", severity=Severity.WARNING,
      summary="No wheel on the index installs on the target, so the workers build the sdist")
def check(environment: Environment, target: Target, index: Index, native_links: NativeLinks) -> Iterator[Finding]:
    dists = index_installed(environment)
    pages = index.project_pages(d.canonical_name for d in dists)
    where = describe_target(target)
    builds = []
    for dist in dists:
        page = pages.get(dist.canonical_name)
        if page is None or not page.exists or dist.parsed_version is None:
            continue
        avail = page.availability(dist.parsed_version, target)
        if avail.status == SDIST_ONLY and avail.sdist is not None:
            builds.append((dist, page, avail.sdist))
    if not builds:
        return

    # Build requirements of every sdist, then their own pages: two concurrent batches.
    build_requires = index.build_requires_many([(d.canonical_name, s) for d, _, s in builds])
    needed = {canonicalize_name(r.name) for reqs in build_requires.values() for r in reqs or ()
              if target.marker_applies(r.marker)}
    tool_pages = index.project_pages(needed) if needed else {}

    for dist, page, sdist in builds:
        reasons = []
        libs = external_libraries(native_links, dist.canonical_name)
        if libs:
            named = []
            for soname in libs:
                hint = library_hint(soname)
                named.append(f"{soname} ({hint.debian})" if hint and hint.debian else soname)
            reasons.append(f"its compiled code links {', '.join(named)}, which build-essential and python-dev "
                           "do not provide")
        for req in build_requires.get(sdist.url) or ():
            if not target.marker_applies(req.marker):
                continue
            tool = tool_pages.get(canonicalize_name(req.name))
            if tool is None or not tool.exists:
                continue
            v = chosen_version(tool, req, target)
            if v is not None and tool.availability(v, target).status == SDIST_ONLY:
                reasons.append(f"its build requirement {req} ({req.name} {v}) has no wheel for the target either")

        message = (f"no wheel of {dist.name} {dist.version} on {index.label} installs on {where}: "
                   f"the workers build {sdist.filename}")
        fixes = []
        alternative = binary_wheel_for(dist.canonical_name)
        if alternative:
            fixes.append(f"use {alternative}, which ships wheels with the libraries bundled")
        newer = page.newest_with_wheel(target)
        if newer is not None and newer != dist.parsed_version:
            fixes.append(f'pin a version with a wheel for the target (pip install "{dist.name}=={newer}")')
        fixes.append("install it from conda-forge, which package sync mirrors with its libraries")
        if reasons:
            fixes.append("build the wheel for the target yourself and ship a Docker image")
        help_text = "; ".join(fixes[:-1]) + ("; or " if len(fixes) > 1 else "") + fixes[-1]
        if reasons:
            message += "; the build needs more than build-essential and python-dev: " + "; ".join(reasons)
        yield Finding(message=message, package=dist.canonical_name, package_version=dist.version,
                      help=help_text, severity=Severity.ERROR if reasons else None)
