"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning (see docs/ci.md).

What GitHub reads, and how envlint fills it:

- one run; ``tool.driver`` lists *every enabled rule* (not only those that fired), so a result's
  ``ruleIndex`` is stable between runs;
- every result has a physical location whose URI is relative to ``%SRCROOT%`` (the repository
  root): GitHub rejects the *whole file* when one result has no location ("expected at least one
  location"). A finding about a distribution with no project line points at the line that declares
  it, else at line 1 of the project's main dependency file. A finding that has nowhere to point
  (no dependency file at all) is reported as a tool notification instead of a result, counted in
  ``run.properties``;
- ``partialFingerprints.primaryLocationLineHash`` is computed here (see :func:`fingerprint`), so the
  upload action never hashes the pointed line's text (which would merge every finding that points
  at "requirements.txt line 1" into one alert);
- at most :data:`MAX_RESULTS` results (GitHub shows the top 5,000 of a run, prioritised by
  severity): beyond it the least severe are dropped, with a notification and ``run.properties``;
- no ``security-severity`` (these are not security alerts), no absolute ``file://`` URIs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from envlint import __url__, __version__
from envlint.diagnostics import Diagnostic, Severity
from envlint.paths import relative_path

if TYPE_CHECKING:
    from envlint.report import Report, RuleInfo
    from envlint.reporters import Options

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
#: GitHub accepts 25,000 results per run but shows only the top 5,000 by severity.
MAX_RESULTS = 5000
#: GitHub keeps at most 10 tags per rule; SARIF strings shown as descriptions stay under 1024 characters.
MAX_TAGS = 10
MAX_DESCRIPTION = 1024
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_WINDOWS_ABS = re.compile(r"^[A-Za-z]:[\\/]")
_SITE = re.compile(r"^.*?/(?:site|dist)-packages/")
_NUMBERS = re.compile(r"\d[\w.+!-]*")


# ---------------------------------------------------------------------------------------- rules


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    tags = ["envlint", "package-sync", rule.family.lower(), rule.name][:MAX_TAGS]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _clip(rule.summary + ".")},
        "fullDescription": {"text": _clip(rule.description or rule.summary + ".")},
        "help": {"text": rule.help_markdown, "markdown": rule.help_markdown},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": tags, "precision": rule.precision},
    }


# ------------------------------------------------------------------------------------ locations


def _outside(path: str, report: Report) -> bool:
    """True for a path that is not a project file GitHub can show: absolute, above the root, or in the environment."""
    if path.startswith("/") or _WINDOWS_ABS.match(path) or path == ".." or path.startswith("../"):
        return True
    env = report.environment or {}
    env_path = env.get("path")
    if env_path and env.get("kind") != "inspect":
        rel = relative_path(report.root, env_path)
        if rel and not rel.startswith(("/", "../")) and (path == rel or path.startswith(rel.rstrip("/") + "/")):
            return True
    return False


def portable(path: str) -> str:
    """A path as SARIF ``properties`` may carry it: never an absolute path into a home directory
    (``/home/alice/x`` -> ``~/x``); other paths unchanged."""
    home = os.path.expanduser("~").rstrip("/\\")
    if home and home not in ("~", "/") and (path == home or path.startswith(home + "/")):
        return "~" + path[len(home):]
    return path


def _anchor(d: Diagnostic, report: Report) -> tuple[str, int, int | None] | None:
    """(relative path, line, column) GitHub can show for ``d``, or None when there is none (then the
    finding is a notification). A finding about the machine's own configuration has none: it is never
    placed on a project file."""
    if d.machine:
        return None
    if d.path and not _outside(d.path, report):
        if d.cell is not None:  # a line in a cell is no line of the .ipynb file: point at the file
            return d.path, 1, None
        return d.path, d.line or 1, d.column
    if d.package and d.package in report.declared:
        return report.declared[d.package]
    if report.main_file:
        return report.main_file, 1, None
    return None


def artifact_uri(path: str) -> str:
    """A relative URI reference for a POSIX path: ``%``, ``:``, ``,``, spaces and non-ASCII are percent-encoded."""
    return quote(path.lstrip("/"), safe="/-._~!$&'()*+;=@")


def _location(path: str, line: int, column: int | None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(1, line)}
    if column and column >= 1:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT},
                                 "region": region}}


# --------------------------------------------------------------------------------- fingerprints


def _stable_path(path: str | None, report: Report) -> str:
    """The finding's own path in a form equal on every machine (no home dirs, no temp dirs)."""
    if not path:
        return ""
    if not _outside(path, report):
        return path
    posix = path.replace("\\", "/")
    m = _SITE.match(posix)
    return posix[m.end():] if m else PurePosixPath(posix).name


def _stable_message(message: str, report: Report) -> str:
    text = message
    prefixes = [str(p) for p in (report.root, (report.environment or {}).get("path")) if p]
    for prefix in sorted(prefixes, key=len, reverse=True):  # the environment may sit inside the root
        text = text.replace(prefix.rstrip("/") + "/", "").replace(prefix, "")
    text = re.sub(r"(?:[^\s/:'\"]*/)*(?:site|dist)-packages/", "", text)
    text = _NUMBERS.sub("#", text)  # versions, counts and line numbers change; the finding does not
    return " ".join(text.split())


def fingerprint(d: Diagnostic, report: Report) -> str:
    """The identity of a finding across runs, machines and working directories.

    A distribution finding: rule code, the finding's own path (relative, or the part after
    ``site-packages/`` for an environment file) and the distribution's canonical name, never its
    version, so an upgrade that does not fix it keeps the alert. A file finding: rule code, path and
    the message with every number and absolute prefix removed, never the line number or the line's
    text, so inserting lines above it keeps the alert. Equal keys in one run get ``:2``, ``:3``...
    in report order (the upload action's own convention).
    """
    if d.package:
        key = ["v1", d.code, _stable_path(d.path, report), d.package]
    else:
        key = ["v1", d.code, _stable_path(d.path, report), _stable_message(d.message, report)]
    return hashlib.sha256("\x1f".join(key).encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------------------------------- results


def _message(d: Diagnostic, rule: RuleInfo | None) -> str:
    text = d.message.strip() or (rule.summary if rule else d.code)
    if d.help and d.help.strip():
        text += f"\nHelp: {d.help.strip()}"
    return text


def _result(d: Diagnostic, anchor: tuple[str, int, int | None], index: dict[str, int],
            rules: dict[str, RuleInfo], fp: str) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": d.code}
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    result["level"] = LEVEL[d.severity]
    result["message"] = {"text": _message(d, rules.get(d.code))}
    result["locations"] = [_location(*anchor)]
    result["partialFingerprints"] = {"primaryLocationLineHash": fp}
    props: dict[str, Any] = {}
    if d.package:
        props["package"] = d.package
        if d.package_version:
            props["package_version"] = d.package_version
    if d.cell is not None:
        props["cell"] = d.cell
        if d.line:
            props["line"] = d.line
        if d.column:
            props["column"] = d.column
    if d.path and d.path != anchor[0]:
        props["path"] = portable(d.path)  # where the finding itself is (e.g. a file in the environment)
        if d.line:
            props["line"] = d.line
    if props:
        result["properties"] = props
    return result


def _notification(level: str, text: str, rule: str | None = None) -> dict[str, Any]:
    note: dict[str, Any] = {"level": level, "message": {"text": text}}
    if rule:
        note["associatedRule"] = {"id": rule}
    return note


def to_sarif(report: Report, automation_id: str | None = None) -> dict[str, Any]:
    rules = {r.code: r for r in report.rules}
    index = {r.code: i for i, r in enumerate(report.rules)}
    notifications: list[dict[str, Any]] = []
    located: list[tuple[Diagnostic, tuple[str, int, int | None]]] = []
    unlocated = 0
    for d in report.diagnostics:
        anchor = _anchor(d, report)
        if anchor is None and d.machine:  # this machine's pip/uv configuration: no project file to point at
            where = f" ({portable(d.path)}{f':{d.line}' if d.line else ''})" if d.path else ""
            notifications.append(_notification(LEVEL[d.severity], f"{d.code}{where}: {_message(d, rules.get(d.code))}",
                                               d.code))
        elif anchor is None:
            unlocated += 1
            where = f" ({d.package} {d.package_version or ''})".rstrip() if d.package else ""
            notifications.append(_notification(LEVEL[d.severity], f"{d.code}{where}: {_message(d, rules.get(d.code))}",
                                               d.code))
        else:
            located.append((d, anchor))

    # Fingerprints over every located finding (before truncation, so they do not depend on it).
    seen: Counter[str] = Counter()
    fps = []
    for d, _ in located:
        fp = fingerprint(d, report)
        seen[fp] += 1
        fps.append(f"{fp}:{seen[fp]}")
    items = list(zip(located, fps))
    truncated = len(items) > MAX_RESULTS
    if truncated:
        keep = sorted(range(len(items)), key=lambda i: -items[i][0][0].severity.rank)[:MAX_RESULTS]
        items = [items[i] for i in sorted(keep)]
        notifications.append(_notification(
            "warning", f"{len(located)} results; only the {MAX_RESULTS} most severe are included "
            "(GitHub code scanning shows at most 5,000 results per run)"))
    results = [_result(d, anchor, index, rules, fp) for (d, anchor), fp in items]

    for s in report.skipped:
        notifications.append(_notification("note", f"skipped {s.what}: {s.reason}"))
    if unlocated:
        notifications.append(_notification(
            "warning", f"{unlocated} finding(s) had no project file to point at (no pyproject.toml, requirements "
            "file, setup.cfg or setup.py); GitHub code scanning rejects results without a location, so they are "
            "listed here as notifications"))

    driver: dict[str, Any] = {"name": "envlint", "version": __version__, "informationUri": __url__,
                              "rules": [_rule_descriptor(r) for r in report.rules]}
    if _SEMVER.match(__version__):
        driver["semanticVersion"] = __version__
    run: dict[str, Any] = {"tool": {"driver": driver}}
    if automation_id:
        run["automationDetails"] = {"id": automation_id}
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run["invocations"] = [invocation]
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = results
    props: dict[str, Any] = {
        "diagnostics": len(report.diagnostics),
        "results": len(results),
        "truncated": truncated,
        "unlocated": unlocated,
    }
    if report.target is not None:
        props["target"] = report.target
    if report.environment is not None:
        env = dict(report.environment)
        if isinstance(env.get("path"), str):
            env["path"] = portable(env["path"])
        props["environment"] = env
    run["properties"] = props
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, stream: IO[str], options: Options) -> None:
    json.dump(to_sarif(report, options.automation_id), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
