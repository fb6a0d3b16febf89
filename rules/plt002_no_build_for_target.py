"""No build for the target (PLT002).

## What it does
Reports an installed platform-specific distribution (compiled files, `Root-Is-Purelib: false`, a
non-`any` wheel tag, or a version the index only has as platform wheels) whose version has no file
on the package index that installs on the target: no wheel for 64-bit Linux and the environment's
CPython, and no sdist to build from either. Typical in snapshots taken on a laptop: `pywin32`,
`pywinpty` or `tensorflow-macos` exist only for Windows or macOS.

A failed or offline look-up is listed under `skipped`, never guessed.

## Why it breaks package sync
Package sync installs the same `name==version` on Linux workers. pip finds nothing it may
install there and the environment cannot be created, so the cluster never starts.

## Example
```text
pywin32==306            # wheels for win32, win_amd64 and win_arm64 only
tensorflow-macos==2.15.0
```
`pywin32 306 has no build on PyPI for linux_x86_64, CPython 3.11: its files are for win32, win_amd64, win_arm64, and there is no sdist`

## How to fix
Keep platform-only packages out of the environment you sync, or declare them with an environment
marker (`pywin32; sys_platform == "win32"`) and install the cross-platform distribution instead
(`tensorflow` rather than `tensorflow-macos`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from envlint.diagnostics import Finding, Severity
from envlint.facts.environment.reader import Environment
from envlint.facts.target import Target
from envlint.facts.index.installed import describe_target, index_installed, is_platform_specific
from envlint.index.models import NO_COMPATIBLE_FILE, IndexFile
from envlint.registry import rule

if TYPE_CHECKING:
    from envlint.facts.index.fact import Index


@rule(code="PLT002", name="no-build-for-target", severity=Severity.ERROR,
      summary="An installed platform-specific distribution has no wheel or sdist for the target on the index")
def check(environment: Environment, target: Target, index: Index) -> Iterator[Finding]:
    dists = index_installed(environment)
    pages = index.project_pages(d.canonical_name for d in dists)
    where = describe_target(target)
    for dist in dists:
        page = pages.get(dist.canonical_name)
        if page is None or not page.exists or dist.parsed_version is None:
            continue
        avail = page.availability(dist.parsed_version, target)
        if avail.status != NO_COMPATIBLE_FILE:
            continue
        only_platform_wheels = all(f.is_platform_specific for f in avail.files)
        if not (is_platform_specific(dist) or only_platform_wheels):
            continue
        platforms = sorted({t.platform for f in avail.files for t in f.tags if t.platform != "any"})
        newer = page.newest_with_wheel(target)
        mismatch = _python_mismatch(avail.files, target)
        if mismatch is not None:
            files, pythons = mismatch
            if newer is not None:
                help_text = (f"pin a version with a wheel for the target: {dist.name} {newer} "
                             f'(pip install "{dist.name}=={newer}")')
            else:
                help_text = (f"keep {dist.name} out of the environment you sync, or build that environment with a "
                             f"Python its wheels are for ({pythons})")
        else:
            if platforms:
                shown = ", ".join(platforms[:6]) + (f" and {len(platforms) - 6} more" if len(platforms) > 6 else "")
                files = f"its files are for {shown}"
            else:
                files = "none of its wheels matches the target's Python"
            help_text = (f"keep {dist.name} out of the environment you sync, or declare it with an environment "
                         f"marker (`{dist.name}; {_marker(platforms)}`) and use a cross-platform distribution "
                         "instead")
            if newer is not None:
                help_text += (f'; {dist.name} {newer} does have a wheel for the target '
                              f'(pip install "{dist.name}=={newer}")')
        yield Finding(
            message=(f"{dist.name} {dist.version} has no build on {index.label} for {where}: {files}, "
                     "and there is no sdist"),
            package=dist.canonical_name, package_version=dist.version, help=help_text,
        )


def _python_mismatch(files: Iterable[IndexFile], target: Target) -> tuple[str, str] | None:
    """When wheels for the target's platform exist but none for its Python: what to say, and which
    Pythons those wheels are for. None when no wheel is for the target's platform."""
    accepted = set(target.platform_tags) | {"any"}
    for_platform = [f for f in files if f.kind == "wheel" and any(t.platform in accepted for t in f.tags)]
    if not for_platform:
        return None
    platforms = sorted({t.platform for f in for_platform for t in f.tags if t.platform in accepted},
                       key=lambda p: (p == "any", p))
    shown = ", ".join(p if p != "any" else "any platform" for p in platforms[:3])
    shown += f" and {len(platforms) - 3} more" if len(platforms) > 3 else ""
    tagged = [f for f in for_platform if f.tags & target.tags]
    if tagged:  # the tags fit: Requires-Python shuts the target out
        floors = sorted({f.requires_python for f in tagged if f.requires_python})
        wanted = " or ".join(floors)
        return f"its wheels for {shown} require Python {wanted}", f"Requires-Python {wanted}"
    interpreters = sorted({t.interpreter for f in for_platform for t in f.tags if t.platform in accepted},
                          key=_interpreter_order)
    major, minor = target.python_version[:2]
    return (f"its wheels for {shown} are for {', '.join(interpreters)} only, none for cp{major}{minor}",
            ", ".join(interpreters))


def _interpreter_order(tag: str) -> tuple[str, int, int, str]:
    """cp39 before cp310: by implementation, then version as numbers."""
    m = re.fullmatch(r"([a-z]+)(\d)(\d*)", tag)
    return (m.group(1), int(m.group(2)), int(m.group(3) or 0), tag) if m else ("~", 0, 0, tag)


def _marker(platforms: list[str]) -> str:
    if platforms and all(p.startswith("win") for p in platforms):
        return 'sys_platform == "win32"'
    if platforms and all(p.startswith("macosx") for p in platforms):
        return 'sys_platform == "darwin"'
    return 'sys_platform != "linux"'
