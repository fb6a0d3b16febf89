"""OS-managed package (SYS002).

## What it does
Finds installed distributions that the operating system's package manager installed, not pip,
uv or conda: their `INSTALLER` file says `debian`, `dpkg`, `rpm` (and the like), or there is no
`INSTALLER` and they live in the system Python's directories (`/usr/lib/python3/dist-packages` on
Debian and Ubuntu, `/usr/lib*/python3.X/site-packages` elsewhere). They usually reach an
environment through `--system-site-packages` or by linting the system interpreter.

## Why it breaks package sync
Package sync mirrors Python packages, not the system's: the workers get the same name and version
from PyPI instead. A distribution packaged by the OS can carry a version PyPI never had, patches of
the distribution, and links against system libraries that the workers lack; its requirements were
resolved by the OS, not by pip. What you tested locally is then not what runs on the workers.

## Example
```text
python3 -m venv --system-site-packages .venv    # sees apt's python3-yaml
```
`pyyaml 6.0 was installed by the OS package manager (no INSTALLER, in /usr/lib/python3/dist-packages)`

## How to fix
Install the distribution into the virtual environment with pip (`pip install pyyaml==6.0`), or
make the environment without `--system-site-packages`, so it holds only what package sync can
mirror.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from envlint.diagnostics import Finding, Severity
from envlint.facts.environment.distribution import Distribution
from envlint.facts.environment.reader import Environment
from envlint.registry import rule

#: INSTALLER values written by OS package managers (lower case).
OS_INSTALLERS = frozenset({"debian", "dpkg", "apt", "ubuntu", "rpm", "dnf", "yum", "zypper", "fedora",
                           "pacman", "apk", "alpine", "portage", "gentoo", "nix", "freebsd", "pkg"})
_SYSTEM_ROOTS = ("/usr/lib/", "/usr/lib64/", "/usr/share/")


def os_managed_reason(dist: Distribution) -> str | None:
    """Why the distribution looks OS-managed ('INSTALLER says debian'), or None."""
    if dist.conda is not None:
        return None
    installer = (dist.installer or "").strip().lower()
    if installer in OS_INSTALLERS:
        return f"INSTALLER says {dist.installer}"
    if installer or dist.site_dir is None:
        return None
    site = PurePosixPath(str(dist.site_dir).replace("\\", "/")).as_posix() + "/"
    if site.startswith(_SYSTEM_ROOTS) and ("/dist-packages/" in site or "/site-packages/" in site):
        return f"no INSTALLER, in {dist.site_dir}"
    return None


@rule(code="SYS002", name="os-package", severity=Severity.WARNING,
      summary="A distribution was installed by the operating system's package manager")
def check(environment: Environment) -> Iterator[Finding]:
    for dist in environment.distributions:
        reason = os_managed_reason(dist)
        if reason is None:
            continue
        yield Finding(
            message=f"{dist.name} {dist.version} was installed by the OS package manager ({reason})",
            package=dist.canonical_name, package_version=dist.version,
            help=(f"install it into the virtual environment with pip (pip install \"{dist.name}=={dist.version}\"), "
                  "or make the environment without --system-site-packages"),
        )
