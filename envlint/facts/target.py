"""The target the workers run: platform, Python, marker environment and accepted wheel tags.

Judged for the target, never the host: markers get a *complete* environment (packaging would fill
missing keys from the running interpreter), and wheel tags come from the target's platform list.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from envlint.config import ConfigError

if TYPE_CHECKING:
    from packaging.markers import Marker
    from packaging.tags import Tag

    from envlint.facts import Context

_ARCH_MACHINE = {"x86_64": "x86_64", "aarch64": "aarch64", "i686": "i686", "armv7l": "armv7l",
                 "ppc64le": "ppc64le", "s390x": "s390x", "arm64": "arm64", "universal2": "arm64",
                 "amd64": "AMD64", "win32": "x86", "arm64ec": "ARM64"}
ARM_ARCHES = {"aarch64", "arm64", "armv7l", "armv6l", "arm"}


@dataclass(frozen=True)
class Target:
    """Where package sync installs: by default 64-bit Linux, manylinux, the environment's CPython."""

    platform: str = "linux_x86_64"
    python_version: tuple[int, int, int] = (3, 11, 0)
    manylinux_glibc: tuple[int, int] = (2, 17)
    """The glibc floor: libraries on that manylinux policy's allow-list are present on every worker."""
    worker_glibc: tuple[int, int] = (2, 31)
    """The workers' glibc: wheels tagged manylinux_2_N with N up to this install there."""
    python_source: str = "default"
    """How the Python version was chosen: 'configured', 'environment', one of the project's files
    ('environment.yml', '.python-version', 'poetry', 'requires-python'; see
    envlint.facts.project.python_pin) or 'host'."""
    extra_markers: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    # -- derived -----------------------------------------------------------------------------
    @property
    def python_fixed(self) -> bool:
        """Was the Python version fixed by the user or the environment (not guessed from the project)?"""
        return self.python_source in ("configured", "environment")

    def with_python(self, version: tuple[int, int, int], source: str) -> Target:
        """The same target for another Python version."""
        import dataclasses

        return dataclasses.replace(self, python_version=version, python_source=source,
                                   extra_markers=dict(self.extra_markers))

    @property
    def os(self) -> str:
        p = self.platform
        if p.startswith(("linux", "manylinux", "musllinux")):
            return "linux"
        if p.startswith("macosx"):
            return "macos"
        if p.startswith("win"):
            return "windows"
        return p.split("_", 1)[0]

    @property
    def arch(self) -> str:
        p = self.platform
        if p == "win32":
            return "x86"
        if p.startswith("win_"):
            return p[4:]
        if p.startswith("macosx_"):
            return p.split("_")[-1]
        for prefix in ("manylinux_", "musllinux_"):
            if p.startswith(prefix):
                return p.split("_", 3)[3]
        if p.startswith(("manylinux1_", "manylinux2010_", "manylinux2014_")):
            return p.split("_", 1)[1]
        return p.split("_", 1)[1] if "_" in p else p

    @property
    def is_arm(self) -> bool:
        return self.arch in ARM_ARCHES

    @property
    def python(self) -> str:
        return ".".join(map(str, self.python_version))

    @cached_property
    def markers(self) -> dict[str, str]:
        """A complete PEP 508 marker environment (every key set, so the host never leaks in)."""
        major, minor, micro = self.python_version
        os_ = self.os
        env = {
            "implementation_name": "cpython",
            "implementation_version": f"{major}.{minor}.{micro}",
            "os_name": "nt" if os_ == "windows" else "posix",
            "platform_machine": _ARCH_MACHINE.get(self.arch, self.arch),
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": {"linux": "Linux", "macos": "Darwin", "windows": "Windows"}.get(os_, os_),
            "platform_version": "",
            "python_full_version": f"{major}.{minor}.{micro}",
            "python_version": f"{major}.{minor}",
            "sys_platform": {"linux": "linux", "macos": "darwin", "windows": "win32"}.get(os_, os_),
        }
        env.update(self.extra_markers)
        return env

    def marker_applies(self, marker: Marker | None, extras: frozenset[str] | set[str] = frozenset()) -> bool:
        """Does a requirement with this marker apply on the target, for any of ``extras`` (or none)?"""
        if marker is None:
            return True
        for extra in ("", *sorted(extras)):
            try:
                if marker.evaluate({**self.markers, "extra": extra}):
                    return True
            except Exception:  # an undefined or malformed comparison: treat as not applying
                continue
        return False

    def accepts_python(self, requires_python: str | None) -> bool | None:
        """True/False for a Requires-Python specifier; None when it does not parse."""
        if not requires_python:
            return True
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import Version

        try:
            spec = SpecifierSet(requires_python)
        except InvalidSpecifier:
            return None
        return spec.contains(Version(self.python), prereleases=True)

    @cached_property
    def platform_tags(self) -> tuple[str, ...]:
        """Platform tags the workers accept, best first (no bare ``linux_*``: indexes never serve those)."""
        if self.os != "linux":
            return (self.platform,)
        arch = self.arch
        floor = 17 if arch in ("aarch64", "ppc64le", "s390x", "armv7l") else 5
        major, top = self.worker_glibc
        tags = []
        for minor in range(top, floor - 1, -1):
            tags.append(f"manylinux_{major}_{minor}_{arch}")
            legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}.get(minor)
            if legacy and (legacy != "manylinux1" or arch in ("x86_64", "i686")) and \
                    (legacy == "manylinux2014" or arch in ("x86_64", "i686")):
                tags.append(f"{legacy}_{arch}")
        return tuple(tags)

    @cached_property
    def tags(self) -> frozenset[Tag]:
        """Every wheel tag the target interpreter accepts from an index."""
        from packaging.tags import compatible_tags, cpython_tags

        pyver = self.python_version[:2]
        abi = f"cp{pyver[0]}{pyver[1]}"
        plats = list(self.platform_tags)
        return frozenset(
            [*cpython_tags(pyver, abis=[abi], platforms=plats),
             *compatible_tags(pyver, interpreter=abi, platforms=plats)]
        )

    def accepts_wheel_tags(self, tags: object) -> bool:
        """Does any of the given tags (Tag objects or 'py3-none-any' strings) install on the target?"""
        from packaging.tags import parse_tag

        accepted = self.tags
        for tag in tags:  # type: ignore[attr-defined]
            parsed = parse_tag(tag) if isinstance(tag, str) else {tag}
            if parsed & accepted:
                return True
        return False

    def to_json(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "python": self.python,
            "python_source": self.python_source,
            "manylinux_glibc": "%d.%d" % self.manylinux_glibc,
            "worker_glibc": "%d.%d" % self.worker_glibc,
            "markers": dict(sorted(self.markers.items())),
        }


_PLATFORM = re.compile(r"^[a-z0-9_]+$")


def parse_version(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.split(".")[:3]]
    while len(parts) < 3:
        parts.append(0)
    return parts[0], parts[1], parts[2]


def _project_python(root):  # type: ignore[no-untyped-def]
    from envlint.facts.project.python_pin import project_python

    return project_python(root) if root is not None else None


def build(ctx: Context) -> Target:
    config = ctx.config
    platform = config.platform.strip().lower().replace("-", "_").replace(".", "_")
    if not _PLATFORM.match(platform) or "_" not in platform:
        raise ConfigError(f"invalid platform {config.platform!r} (expected a tag such as linux_x86_64)")
    if config.target_python:
        version, source = parse_version(config.target_python), "configured"
        if len(config.target_python.split(".")) == 2:
            version = (version[0], version[1], 0)
    else:
        location = ctx.peek("env_location")
        if location is not None and location.python_version:
            version, source = location.python_version, "environment"
        elif (pin := _project_python(config.root)) is not None:
            version, source = pin.version, pin.source
        else:
            version, source = (sys.version_info[0], sys.version_info[1], sys.version_info[2]), "host"
    glibc = tuple(int(p) for p in config.manylinux_glibc.split("."))
    worker = tuple(int(p) for p in config.worker_glibc.split("."))
    return Target(platform=platform, python_version=version, manylinux_glibc=glibc,  # type: ignore[arg-type]
                  worker_glibc=max(worker, glibc), python_source=source)  # type: ignore[arg-type]
