"""BLD004, the environment part: installed local packages and direct references, judged by their wheel tags,
the headers of their compiled files, or the file name of the installed wheel."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote, urlparse

from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from envlint.diagnostics import Finding
from envlint.facts.environment.distribution import Distribution
from envlint.facts.native.links import NativeLinks
from envlint.facts.environment.reader import Environment
from envlint.facts.target import Target

_FORMAT_OS = {"elf": "linux", "mach-o": "macos", "pe": "windows"}


def check(environment: Environment, target: Target, native_links: NativeLinks) -> Iterator[Finding]:
    for dist in environment.distributions:
        if dist.conda is not None or not _taken_from_here(dist):
            continue
        platforms, compiled = _platforms(dist, native_links)
        if not platforms or not compiled or any(runs_on(p, target) for p in platforms):
            continue
        shown = ", ".join(sorted(set(platforms)))
        yield Finding(
            message=(f"{dist.name} {dist.version} was built for {shown}: its compiled code cannot run on "
                     f"{target.platform} workers ({_origin(dist)})"),
            package=dist.canonical_name, package_version=dist.version,
            help=(f"build {dist.name} for {target.platform} (a manylinux wheel, e.g. with cibuildwheel in CI) and "
                  f"install it from PyPI, or launch the cluster from a Linux {target.arch} machine, where package "
                  "sync builds it for the workers"),
        )


def _taken_from_here(dist: Distribution) -> bool:
    """Package sync builds or ships it from this machine: a local directory or a direct reference."""
    return dist.is_local_directory or dist.is_direct_reference or dist.kind == "egg-link"


def _platforms(dist: Distribution, native_links: NativeLinks) -> tuple[list[str], bool]:
    """The platforms the distribution was built for, and whether it holds compiled code."""
    if dist.wheel_tags:
        abis = {t.split("-")[1] for t in dist.wheel_tags if t.count("-") == 2}
        compiled = dist.root_is_purelib is False or bool(dist.extension_modules) or abis != {"none"}
        return [p for p in dist.platform_tags if p != "any"], compiled
    files = [f for f in native_links.of(dist.canonical_name) if f.machine or f.format != "elf"]
    if files:
        return sorted({_file_platform(f.format, f.machine) for f in files}), True
    name = unquote(urlparse(dist.url or "").path).rsplit("/", 1)[-1]
    if name.endswith(".whl"):  # a pip inspect report has no WHEEL file, but the wheel's name has its tags
        try:
            _, _, _, tags = parse_wheel_filename(name)
        except InvalidWheelFilename:
            return [], False
        return sorted({t.platform for t in tags if t.platform != "any"}), any(t.abi != "none" for t in tags)
    return [], False


def _file_platform(fmt: str, machine: str | None) -> str:
    os_ = _FORMAT_OS.get(fmt, fmt)
    return f"{os_}_{machine or 'unknown'}" if os_ != "macos" else f"macosx_{machine or 'unknown'}"


def runs_on(platform: str, target: Target) -> bool:
    """Does code built for ``platform`` run on the target's workers?"""
    if platform.startswith("musllinux") and not target.platform.startswith("musllinux"):
        return False  # musl-linked code does not load on glibc workers
    built = Target(platform=platform)
    return built.os == target.os and built.arch == target.arch


def _origin(dist: Distribution) -> str:
    url = dist.url or ""
    parsed = urlparse(url)
    where = unquote(parsed.path) if parsed.scheme == "file" else url
    if dist.editable or dist.kind == "egg-link":
        return f"an editable install of {dist.source_path or where}"
    if dist.dir_info is not None:
        return f"installed from the local directory {dist.source_path or where}"
    if dist.vcs_info is not None:
        vcs = dist.vcs_info.get("vcs")
        return f"installed from {vcs if isinstance(vcs, str) and vcs.isidentifier() else 'a VCS'} {where}"
    return f"installed from the archive {where}"
