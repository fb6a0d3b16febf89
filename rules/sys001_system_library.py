"""Missing system library (SYS001).

## What it does
Reads the compiled extension modules of distributions that were **built on this machine** (their
WHEEL tag is a bare `linux_*` platform, which PyPI never accepts, or they have no WHEEL file) and
lists the shared libraries each one needs (ELF `DT_NEEDED`, read with pyelftools; nothing is
loaded). A library is fine when it is bundled in the distribution itself (`<dist>.libs/`), shipped
by another installed distribution (as the `nvidia-*` wheels ship CUDA libraries), in a conda
environment's `lib/`, or on the manylinux allow-list of the target's glibc floor (`libc.so.6`,
`libm.so.6`, `libz.so.1`, ...: auditwheel's policy data). Any other library is reported, with the
Debian package a build needs and the conda-forge package that brings it, where envlint knows them.

On macOS, where a wheel built on the laptop has the same `macosx_*` tag as one from an index, the
Mach-O load commands of every extension module are read (headers only): a library linked by an
absolute path outside the system's (`/usr/lib`, `/System`), i.e. from Homebrew (`/opt/homebrew`,
`/usr/local`) or MacPorts (`/opt/local`), or an `@rpath`/`@loader_path` library that no installed
distribution ships, is reported with the Linux package the workers' build would need
(`libpq.5.dylib` is `libpq.so.5`, from `libpq-dev`). Every slice of a universal binary is read.
Delocated index wheels link only the system's libraries and their own `.dylibs/`, so they stay
silent. A library linked by absolute path is loaded from that path, so another distribution that
ships a file of the same name (`psycopg2-binary`'s `libpq.5.dylib`) does not bring it; a path inside
a conda environment's prefix is conda's. As on Linux, the interpreter's own library (`libpython`,
`Python.framework`) and a library whose Linux name is on the allow-list (Homebrew's `libz.1.dylib`,
GCC's `libstdc++.6.dylib`) are on the workers.

Wheels from an index are not read on Linux: auditwheel already made them self-contained. A `pip
inspect` report lists no files, so this rule is skipped for snapshots.

## Why it breaks package sync
The library came from this machine's package manager (`apt`, `brew`), which package sync does not
mirror. The workers install the same version from PyPI; with no wheel there it is built from
source, and the workers' build image has only `build-essential` and the Python headers: no
`libpq-dev`, so the build fails, or the import does at run time.

## Example
```text
pip install --no-binary psycopg2 psycopg2   # built here against the system's libpq
```
`psycopg2 2.9.9 was built on this machine and needs libpq.so.5, which nothing installed provides and is not on the manylinux_2_17 allow-list (psycopg2/_psycopg.cpython-311-x86_64-linux-gnu.so)`

On a Mac with Homebrew's libpq:
`psycopg2 2.9.9 was built on this machine against libpq.5.dylib from Homebrew (/opt/homebrew/opt/libpq/lib/libpq.5.dylib), which package sync does not ship (psycopg2/_psycopg.cpython-311-darwin.so)`

## How to fix
Install a wheel that bundles the library (`pip install psycopg2-binary` instead of `psycopg2`), or
install the distribution from conda-forge (`conda install -c conda-forge psycopg2`), which brings
`libpq` as a conda package that package sync mirrors. Building it yourself needs the Debian
package named in the message (`libpq-dev`), which the workers do not have.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.native.links import NativeLinks, binary_wheel_for, library_hint
from envlint.facts.native.macho import linux_soname, origin
from envlint.facts.environment.reader import Environment
from envlint.registry import rule


@rule(code="SYS001", name="system-library", severity=Severity.ERROR,
      summary="A locally built extension needs a shared library that package sync does not ship")
def check(environment: Environment, native_links: NativeLinks) -> Iterator[Finding]:
    missing: dict[tuple[str, str, str], list[str]] = {}
    for native in native_links.files:
        if native.format == "mach-o":
            unshipped = native_links.unshipped_macho(native)
        elif native.format == "elf":
            unshipped = [s for s in native.needed if native_links.provider(native.distribution, s) is None]
        else:
            unshipped = []
        for soname in unshipped:
            users = missing.setdefault((native.distribution, soname, native.format), [])
            if native.record_path not in users:
                users.append(native.record_path)
    for (name, soname, fmt), users in sorted(missing.items()):
        dist = environment.get(name)
        if dist is None:
            continue
        shown = ", ".join(sorted(users)[:3]) + (f" and {len(users) - 3} more" if len(users) > 3 else "")
        if fmt == "mach-o":  # a library named by its path (or an @rpath/@loader_path one)
            library = soname.rsplit("/", 1)[-1]
            yield Finding(
                message=(f"{dist.name} {dist.version} was built on this machine against {library} from "
                         f"{origin(soname)} ({soname}), which package sync does not ship ({shown})"),
                package=dist.canonical_name, package_version=dist.version,
                help=_help(dist.name, dist.canonical_name, linux_soname(library)),
            )
            continue
        yield Finding(
            message=(f"{dist.name} {dist.version} was built on this machine and needs {soname}, which nothing "
                     f"installed provides and is not on the {native_links.policy.name} allow-list ({shown})"),
            package=dist.canonical_name, package_version=dist.version,
            help=_help(dist.name, dist.canonical_name, soname),
        )


def _help(display: str, name: str, soname: str) -> str:
    hint = library_hint(soname)
    options = []
    binary = binary_wheel_for(name)
    if binary:
        options.append(f"install {binary} instead of {display} (its wheels bundle {soname})")
    else:
        options.append(f"install {display} from a wheel on PyPI that bundles {soname}, if there is one")
    if hint and hint.conda_forge:
        options.append(f"install {display} from conda-forge, which brings {soname} in its {hint.conda_forge} package")
    else:
        options.append(f"install {display} and the library from conda-forge")
    text = "; or ".join(options)
    if hint and hint.debian:
        text += f". Building it needs {hint.debian} (Debian/Ubuntu), which the workers do not have"
    return text
