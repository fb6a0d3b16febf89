"""BLD004, the project part: local packages that compile native code and whose platform no wheel tag records
(the project itself, editable installs tagged ``py3-none-any``, legacy develop installs): they are built where
the environment lives."""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding
from envlint.facts.project.model import CompiledCode, Project
from envlint.facts.target import Target
from envlint.rules.bld004_foreign_build.environment import runs_on


def check(project: Project, target: Target) -> Iterator[Finding]:
    built_on = project.env_platform
    if built_on is None:
        return
    for package in project.local_packages:
        compiled = package.compiled
        if compiled is None:
            continue
        platforms = {t.rsplit("-", 1)[-1] for t in package.wheel_tags if t.count("-") == 2} - {"any"}
        if platforms:
            continue  # the environment part judges the installed wheel's own tags
        if runs_on(built_on, target):
            continue
        name = package.name or package.root.name
        if target.is_arm:
            # PLT001 already says package sync has no ARM clusters: launching from an ARM machine is no fix.
            fix = (f"package sync does not support ARM clusters (PLT001): use x86_64 workers (target linux_x86_64)"
                   f"{', where code built on this machine runs' if runs_on(built_on, Target()) else ''}, or build a "
                   f"Docker image for the ARM workers with {name} compiled for {target.platform}")
        else:
            fix = (f"build {name} for {target.platform} (a manylinux wheel, e.g. with cibuildwheel in CI) and install "
                   f"it from PyPI, or launch the cluster from a Linux {target.arch} machine")
        yield Finding(
            message=(f"{name} compiles native code ({_why(compiled)}) and package sync builds it on this machine "
                     f"({built_on}): code compiled for {_described(built_on)} cannot run on {target.platform} workers"),
            **compiled.where.location,
            package=package.name, package_version=package.version,
            help=fix,
        )


def _why(compiled: CompiledCode) -> str:
    """What in the build files compiles, as the message says it."""
    detail = compiled.detail
    return {
        "backend": f"its build backend is {detail}, which compiles native code",
        "setup-keyword": f"setup.py builds extension modules ({detail}=...)",
        "extension": f"setup.py builds extension modules ({detail}(...))",
        "scikit-build": "setup.py builds with scikit-build (CMake)",
        "setuptools-ext-modules": "[tool.setuptools] ext-modules builds extension modules",
        "setuptools-rust": "setuptools-rust builds its Rust crate",
    }.get(compiled.kind, "its build files build extension modules")


def _described(platform: str) -> str:
    built = Target(platform=platform)
    system = {"linux": "Linux", "macos": "macOS", "windows": "Windows"}.get(built.os, built.os)
    return f"{system} {built.arch}"
