"""SRC002, the environment part: installed distributions whose direct_url.json has vcs_info or archive_info."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote, urlparse

from packaging.utils import parse_wheel_filename

from envlint.diagnostics import Finding
from envlint.facts.environment.distribution import Distribution
from envlint.facts.environment.reader import Environment


def check(environment: Environment) -> Iterator[Finding]:
    for dist in environment.distributions:
        if dist.is_local_directory or not dist.is_direct_reference:
            continue
        yield Finding(
            message=f"{dist.name} {dist.version} was installed from {describe_source(dist)}, not from a package index",
            package=dist.canonical_name, package_version=dist.version,
            help=_help(dist),
        )


def describe_source(dist: Distribution) -> str:
    """'git https://... at commit abc1234 (requested v1.0)', 'the archive /path/x.whl' or 'the archive <url>'."""
    url = dist.url or "an unknown URL"
    vcs = dist.vcs_info
    if vcs is not None:
        kind = vcs_name(vcs, "a VCS")
        text = f"{kind} {_show(url)}"
        commit = vcs.get("commit_id")
        if isinstance(commit, str) and commit:
            text += f" at commit {commit[:12]}"
        requested = vcs.get("requested_revision")
        if isinstance(requested, str) and requested and requested != commit:
            text += f" (requested {requested})"
        return text
    return f"the archive {_show(url)}"


def reference(dist: Distribution) -> str:
    """The PEP 508 direct reference that reinstalls it: ``name @ git+URL@commit`` or ``name @ URL``."""
    url = _show_url(dist.url or "")
    vcs = dist.vcs_info
    if vcs is not None:
        kind = vcs_name(vcs, "git")
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        url = f"{kind}+{url}" + (f"@{commit}" if isinstance(commit, str) and commit else "")
    return f"{dist.name} @ {url}"


def vcs_name(vcs_info: dict, default: str) -> str:
    kind = vcs_info.get("vcs")
    return kind if isinstance(kind, str) and kind.isidentifier() else default


def _show_url(url: str) -> str:
    """The URL without credentials."""
    parsed = urlparse(url)
    if parsed.username or parsed.password:
        host = parsed.hostname or ""
        if parsed.port:
            host += f":{parsed.port}"
        return parsed._replace(netloc=host).geturl()
    return url


def _show(url: str) -> str:
    """A file URL as its path; credentials in a URL are never shown."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return unquote(parsed.path)
    return _show_url(url)


def _is_wheel(dist: Distribution) -> bool:
    return urlparse(dist.url or "").path.endswith(".whl")


def _compiled_wheel(dist: Distribution) -> bool:
    """Does the installed wheel hold compiled code? (WHEEL and RECORD, else the wheel's file name.)"""
    if dist.root_is_purelib is False or dist.extension_modules:
        return True
    if dist.has_wheel_file:
        return False
    name = unquote(urlparse(dist.url or "").path).rsplit("/", 1)[-1]
    try:
        _, _, _, tags = parse_wheel_filename(name)
    except ValueError:  # not a wheel name pip installs
        return False
    return any(t.abi != "none" for t in tags)


def _help(dist: Distribution) -> str:
    if dist.vcs_info is not None:
        return (f"publish {dist.name} to PyPI and install it from there; until then package sync rebuilds it from "
                f"that repository on this machine, which needs access to it and a build that works "
                f"(`pip wheel --no-deps \"{reference(dist)}\"`)")
    if _is_wheel(dist):
        extra = " and holds compiled code, which runs on the workers only if it was built for 64-bit Linux" \
            if _compiled_wheel(dist) else ""
        return (f"install {dist.name} from PyPI instead (or publish it there); this wheel exists only at that "
                f"location{extra}")
    return (f"install {dist.name} from PyPI instead (or publish it there); package sync must rebuild it from that "
            "archive on this machine, which needs the file and a build that works")
