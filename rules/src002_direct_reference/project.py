"""SRC002, the project part: direct references the project declares, each at its line."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from packaging.utils import canonicalize_name

from envlint.diagnostics import Finding
from envlint.facts.project.model import DeclaredRequirement, Project

_VCS = ("git+", "hg+", "svn+", "bzr+")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".tar")


def check(project: Project) -> Iterator[Finding]:
    local_installs = {p.name for p in project.local_packages
                      if p.origin in ("editable", "local-directory") and p.name}
    for req in [*project.requirements, *project.tree_requirements]:
        if not req.url:
            continue
        if req in project.tree_requirements and _kind(req.url) == "directory":
            continue  # `-e .` in a sub-folder's requirements-dev.txt: that folder's own project
        name = req.name
        kind = _kind(req.url)
        if name and name in project.installed_direct:
            continue  # the environment part reports the installed copy at this line
        if kind == "directory":
            if _is_project_itself(req, project) or (name and name in local_installs):
                continue  # the project itself, or a local install that LOC001 reports at this line
        name = name or _name_in_url(req.url)  # a bare URL line: the wheel or sdist file name says whose it is
        what = name or "a distribution"
        yield Finding(
            message=f"{_source(req)} declares {what} as a direct reference to {_describe(req.url, kind)}, "
                    "not as a release from a package index",
            **req.where.location, package=name,
            help=_help(req, kind, what),
        )


def _name_in_url(url: str) -> str | None:
    """The distribution a bare URL names: ``#egg=name``, or a wheel's or an sdist's file name."""
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    for item in parts.fragment.split("&"):
        key, _, value = item.partition("=")
        if key == "egg" and value:
            return canonicalize_name(value.split("[", 1)[0])
    filename = unquote(parts.path.rsplit("/", 1)[-1])
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[0])
        return str(parse_sdist_filename(filename)[0])
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return None  # a GitHub archive (master.zip) says nothing about whose it is


def _kind(url: str) -> str:
    lower = url.lower()
    if lower.startswith(_VCS) or (lower.startswith("git@") or lower.endswith(".git")):
        return "vcs"
    try:
        path = urlsplit(url).path if "://" in url else url
    except ValueError:  # "https://[oops/x.tar.gz": still a direct reference, of an unknown kind
        path = url
    if path.lower().split("#", 1)[0].endswith(_ARCHIVES):
        return "archive"
    if "://" in url and not lower.startswith("file:"):
        return "url"
    return "directory"


def _describe(url: str, kind: str) -> str:
    shown = _without_password(url)
    return {"vcs": f"the repository {shown}", "archive": f"the archive {shown}", "url": f"the URL {shown}",
            "directory": f"the local directory {shown}"}[kind]


def _without_password(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def _source(req: DeclaredRequirement) -> str:
    return {"uv-source": "[tool.uv.sources] in pyproject.toml",
            "poetry": "[tool.poetry] dependencies in pyproject.toml"}.get(req.source, req.where.path.name)


def _is_project_itself(req: DeclaredRequirement, project: Project) -> bool:
    if req.url is None or "://" in req.url:
        return False
    target = (project.root / req.url.split("[", 1)[0].split(";", 1)[0].strip())
    try:
        return target.resolve() == project.root.resolve()
    except OSError:
        return False


def _help(req: DeclaredRequirement, kind: str, what: str) -> str:
    if kind == "directory":
        return (f"package sync builds {what} from that directory on this machine: check that `pip wheel --no-deps "
                f"{req.url}` works, or publish it to PyPI and declare it by version")
    if kind == "vcs":
        return (f"publish a release of {what} to PyPI and declare it by version (e.g. \"{what}>=1.0\"); until then the "
                "repository must stay reachable from the machine that launches the cluster, and build there")
    return f"declare {what} by version from PyPI instead; until then package sync rebuilds it from that source"
