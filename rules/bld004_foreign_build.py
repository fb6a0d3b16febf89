"""Built for another platform (BLD004).

## What it does
Finds installed distributions whose compiled code was built for another platform than the
workers' and that package sync has to take from this machine: local packages (editable or
directory installs) and direct references (VCS URLs, archives). The platform comes from the WHEEL
file's `Tag:` lines (`macosx_11_0_arm64`, `win_amd64`, or a bare `linux_aarch64` when the workers
are x86_64); without a WHEEL file, from the headers of its compiled files (ELF machine, Mach-O,
PE), or from the file name of the installed wheel archive (all a `pip inspect` report has).

Distributions installed from an index are not reported: the workers fetch their own build of the
same version (whether one exists for Linux is a question for the index rules).

The project part covers local packages whose source compiles native code (`ext_modules`, Cython,
setuptools-rust, maturin, scikit-build-core, meson-python) but whose platform no wheel tag records:
the project itself, editable installs tagged `py3-none-any`, legacy develop installs. They are
built where the environment lives (this machine, or the machine of a `pip inspect` snapshot; this
machine when there is no environment, as with `--no-env`); when that platform is not the workers',
the finding points at the `ext_modules` or `build-backend` line.

## Why it breaks package sync
Package sync rebuilds local packages and direct references on the machine that launches the
cluster and does not cross-compile: a wheel built on a Mac holds Mach-O code, one built on an ARM
machine holds ARM code, and neither runs on 64-bit Linux workers. The install on the workers fails,
or the import does.

## Example
```text
pip install ~/Downloads/fastgeo-0.4.1-cp310-cp310-macosx_11_0_arm64.whl   # on a Mac
```
`fastgeo 0.4.1 was built for macosx_11_0_arm64: its compiled code cannot run on linux_x86_64 workers (installed from the archive /Users/alex/Downloads/fastgeo-0.4.1-cp310-cp310-macosx_11_0_arm64.whl)`

## How to fix
Build the distribution for the workers' platform (a manylinux wheel, e.g. with cibuildwheel in
CI), publish it to PyPI and install it from there; or launch the cluster from a 64-bit Linux
machine, where package sync builds it for the right platform.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote, urlparse

from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from envlint.diagnostics import Finding, Severity
from envlint.facts.environment.distribution import Distribution
from envlint.facts.native.links import NativeLinks
from envlint.facts.environment.reader import Environment
from envlint.facts.target import Target
from envlint.registry import rule

_FORMAT_OS = {"elf": "linux", "mach-o": "macos", "pe": "windows"}


@rule(code="BLD004", name="foreign-build", severity=Severity.ERROR,
      summary="Compiled code that package sync takes from this machine was built for another platform")
def check(environment: Environment, target: Target, native_links: NativeLinks) -> Iterator[Finding]:
    """The environment part: installed local packages and direct references."""
    for dist in environment.distributions:
        if dist.conda is not None or not _taken_from_here(dist):
            continue
        platforms, compiled = _platforms(dist, native_links)
        if not platforms or not compiled or any(_runs_on(p, target) for p in platforms):
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


def _runs_on(platform: str, target: Target) -> bool:
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
