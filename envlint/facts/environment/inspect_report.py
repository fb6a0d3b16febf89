"""A ``pip inspect`` JSON report as an environment, so a snapshot taken on a laptop can be linted anywhere."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from envlint.diagnostics import Problems
from envlint.facts import FactUnavailable
from envlint.facts.environment.distribution import Distribution
from envlint.facts.environment.locate import EnvLocation
from envlint.facts.environment.reader import Environment
from envlint.facts.environment.values import check_requires_python, file_url_path, version_from_text
from envlint.facts.formats.text import open_regular

#: A pip inspect report of a thousand distributions is about 10 MB; its JSON is ten times that in memory.
MAX_REPORT_BYTES = 64 * 1024 * 1024


def _load(report: Path) -> dict:
    try:
        with open_regular(report) as fh:  # a FIFO or a device (/dev/zero) is refused, never read
            raw = fh.read(MAX_REPORT_BYTES + 1)
        if len(raw) > MAX_REPORT_BYTES:
            raise FactUnavailable(f"pip inspect report {report} is larger than {MAX_REPORT_BYTES // (1024 * 1024)} "
                                  "MB; not read", what="environment rules")
        data = json.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise FactUnavailable(f"cannot read pip inspect report {report}: {exc.strerror or exc}",
                              what="environment rules") from None
    except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested thousands deep
        raise FactUnavailable(f"{report} is not valid JSON: {exc}", what="environment rules") from None
    if not isinstance(data, dict) or not isinstance(data.get("installed"), list):
        raise FactUnavailable(f"{report} is not a pip inspect report (no 'installed' list)",
                              what="environment rules")
    return data


def python_version_of(report: Path) -> tuple[int, int, int] | None:
    env = _load(report).get("environment")
    if isinstance(env, dict):
        return version_from_text(str(env.get("python_full_version") or env.get("python_version") or ""))
    return None


def _list(meta: dict, key: str, report: Path, name: str, canonical: str, problems: Problems) -> list:
    """A list field of a report's metadata; anything else is EL001 and counts as empty."""
    value = meta.get(key)
    if value is None or isinstance(value, list):
        return value or []
    problems.add(report, f"{name}: '{key}' is not a list", package=canonical)
    return []


def _is_url(value: object) -> bool:
    try:
        return isinstance(value, str) and urlsplit(value) is not None
    except ValueError:  # "https://[oops"
        return False


def read_report(location: EnvLocation, problems: Problems) -> Environment:
    report = location.path
    data = _load(report)
    seen: dict[str, Distribution] = {}
    for i, item in enumerate(data["installed"]):
        where = f"installed[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("metadata"), dict):
            problems.add(report, f"{where}: not an object with 'metadata'")
            continue
        meta = item["metadata"]
        name, version = meta.get("name"), meta.get("version")
        if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
            problems.add(report, f"{where}: metadata without name or version")
            continue
        canonical = canonicalize_name(name)
        try:
            parsed: Version | None = Version(version)
        except InvalidVersion:
            parsed = None
            problems.add(report, f"{name}: version {version!r} is not a valid PEP 440 version", package=canonical)
        requires = []
        for raw in _list(meta, "requires_dist", report, name, canonical, problems):
            try:
                requires.append(Requirement(str(raw)))
            except InvalidRequirement as exc:
                problems.add(report, f"{name}: invalid requirement {raw!r}: {str(exc).splitlines()[0]}",
                             package=canonical)
        direct_url = item.get("direct_url") if isinstance(item.get("direct_url"), dict) else None
        if direct_url is not None and not _is_url(direct_url.get("url")):
            problems.add(report, f"{name}: direct_url without a 'url' string", package=canonical)
            direct_url = None
        dir_info = (direct_url or {}).get("dir_info")
        editable = bool(dir_info.get("editable")) if isinstance(dir_info, dict) else False
        source = None
        if isinstance(dir_info, dict) and isinstance((direct_url or {}).get("url"), str):
            source = file_url_path(direct_url["url"])
        extras = _list(meta, "provides_extra", report, name, canonical, problems)
        location_text = item.get("metadata_location")
        site_dir = Path(location_text).parent if isinstance(location_text, str) and location_text else None
        requires_python = meta.get("requires_python") if isinstance(meta.get("requires_python"), str) else None
        dist = Distribution(
            name=name, canonical_name=canonical, version=version, parsed_version=parsed,
            requires=tuple(requires),
            requires_python=check_requires_python(requires_python, report, problems, canonical, f"{name}: "),
            provides_extra=frozenset(canonicalize_name(str(e)) for e in extras if isinstance(e, str)),
            installer=item.get("installer") if isinstance(item.get("installer"), str) else None,
            direct_url=direct_url, editable=editable, source_path=source, metadata_path=report, site_dir=site_dir,
            kind="inspect", requested=item.get("requested") if isinstance(item.get("requested"), bool) else None,
        )
        seen.setdefault(canonical, dist)
    dists = tuple(sorted(seen.values(), key=lambda d: d.canonical_name))
    env = data.get("environment")
    markers = {str(k): str(v) for k, v in env.items()} if isinstance(env, dict) else None
    return Environment(location, dists, markers=markers)


def report_markers(report: Path) -> dict[str, str]:
    env = _load(report).get("environment")
    return {k: str(v) for k, v in env.items()} if isinstance(env, dict) else {}
