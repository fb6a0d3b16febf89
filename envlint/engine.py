"""Run the enabled rules over lazily built facts; turn findings into sorted, filtered diagnostics."""

from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from envlint.config import Config
from envlint.diagnostics import Diagnostic, Finding, Skipped
from envlint.docs import rule_info
from envlint.facts import Context, FactUnavailable
from envlint.paths import relative_path
from envlint.registry import Rule, all_rules
from envlint.report import Report

INPUT_ERROR_CODE = "EL001"
UNUSED_SUPPRESSION_CODE = "EL002"


def _specificity(code: str, selectors: list[str]) -> int:
    best = -1
    for s in selectors:
        if s == "ALL":
            best = max(best, 0)
        elif code.startswith(s):
            best = max(best, len(s))
    return best


def enabled_rules(config: Config, rules: list[Rule] | None = None) -> list[Rule]:
    select = config.select if config.select is not None else ["ALL"]

    def enabled(code: str) -> bool:
        on = max(_specificity(code, select), _specificity(code, config.extend_select))
        return on >= 0 and on > _specificity(code, config.ignore)

    rules = all_rules(enabled) if rules is None else rules
    named = {c.upper() for c in (*select, *config.extend_select)}
    return [r for r in rules if enabled(r.code) and (r.default or r.code in named)]


def run(config: Config) -> Report:
    rules = enabled_rules(config)
    ctx = Context(config)
    findings: list[tuple[Rule, Finding]] = []
    unavailable: dict[tuple[str, str], list[str]] = {}
    for r in rules:
        if r.code in (INPUT_ERROR_CODE, UNUSED_SUPPRESSION_CODE):  # reported by the engine itself, below
            continue
        # Each check of a rule runs on its own: one part may be skipped (its facts unavailable)
        # while another part of the same code still runs.
        for check in r.checks:
            try:
                args = {name: ctx.get(name) for name in check.facts}
            except FactUnavailable as exc:
                codes = unavailable.setdefault((exc.what or check.facts[0], exc.reason), [])
                # A rule with several checks (SRC002, LOC001, BLD004) is skipped only in part.
                label = r.code if len(r.checks) == 1 else f"{r.code} (in part)"
                if label not in codes:
                    codes.append(label)
                continue
            except Exception as exc:  # a bug while reading input must not end the run with a traceback
                if config.environ.get("ENVLINT_DEBUG"):
                    import traceback

                    traceback.print_exc(file=sys.stderr)
                failed = ctx.fail_fact_build(exc)
                codes = unavailable.setdefault((failed, f"internal error: {type(exc).__name__}: {exc}"), [])
                if r.code not in codes:
                    codes.append(r.code)
                continue
            try:
                for finding in check.fn(**args) or ():
                    findings.append((r, finding))
            except FactUnavailable as exc:
                codes = unavailable.setdefault((exc.what or r.code, exc.reason), [])
                if r.code not in codes:
                    codes.append(r.code)
            except Exception as exc:  # a bug in a rule must not hide the other findings
                if config.environ.get("ENVLINT_DEBUG"):
                    import traceback

                    traceback.print_exc(file=sys.stderr)
                ctx.skipped.append(Skipped(r.code, f"internal error: {type(exc).__name__}: {exc}"))

    diagnostics = [_to_diagnostic(config.root, r, f) for r, f in findings]
    # Declarations are built before EL001 is collected, so a project file that does not parse while
    # they are read is still reported; only built when a finding or the reporter needs them.
    declared = None
    if config.want_anchors or any(d.package and d.path is None for d in diagnostics):
        declared = ctx.peek("declarations")
    diagnostics = _point_at_declarations(config.root, declared, diagnostics)
    anchors = _anchors(config.root, declared) if declared is not None else {}
    el001 = next((r for r in rules if r.code == INPUT_ERROR_CODE), None)
    if el001 is not None:  # run last: its fact, input_errors, is complete only once every other fact is built
        diagnostics += [_to_diagnostic(config.root, el001, f) for check in el001.checks
                        for f in check.fn(**{name: ctx.get(name) for name in check.facts}) or ()]
    used: set[tuple[str, int, str]] = set()
    diagnostics = _filter(config, diagnostics, used)
    diagnostics += _unused_suppressions(config, ctx, rules, unavailable, used)
    display_root = config.display_root or config.root
    if display_root != config.root:  # paths shown from the repository root (envlint.workspace)
        diagnostics, anchors = _rebased(config.root, display_root, diagnostics, anchors)
    diagnostics = sorted({_printable(d) for d in diagnostics}, key=Diagnostic.sort_key)

    skipped = _skipped(ctx, unavailable, config.not_applied)
    location = ctx.peek("env_location") if not config.no_env else None
    target = ctx.peek("target")
    return Report(
        root=display_root,
        diagnostics=diagnostics,
        skipped=skipped,
        rules=[rule_info(r) for r in rules],
        target=target.to_json() if target is not None else None,
        environment=location.to_json() if location is not None else None,
        environment_description=location.describe() if location is not None else None,
        **anchors,
    )


def _skipped(ctx: Context, unavailable: dict[tuple[str, str], list[str]], not_applied: list[str]) -> list[Skipped]:
    skipped = list(ctx.skipped) + [Skipped("configuration", why) for why in not_applied]
    for (what, reason), codes in unavailable.items():
        skipped.append(Skipped(f"{what}: {', '.join(sorted(codes))}", reason))
    return sorted({_printable(s) for s in skipped}, key=lambda s: (s.what, s.reason))


def _unused_suppressions(config: Config, ctx: Context, rules: list[Rule],
                         unavailable: dict[tuple[str, str], list[str]],
                         used: set[tuple[str, int, str]]) -> list[Diagnostic]:
    """EL002, run last: it needs to know which comments hid a finding (``used``) and which rules ran
    completely (a rule skipped in whole or in part, or one that asks a failed index, did not)."""
    from envlint.facts.code.suppressions import SuppressionUse
    from envlint.registry import known_codes

    el002 = next((r for r in rules if r.code == UNUSED_SUPPRESSION_CODE), None)
    comments = ctx.peek("suppression_comments") if el002 is not None else None
    if el002 is None or not comments:
        return []
    skips = " ".join([what for what, _ in unavailable] + [c for codes in unavailable.values() for c in codes]
                     + [s.what for s in ctx.skipped])
    index_skipped = any(w.startswith(("index", "resolver")) for w in skips.split())
    complete = frozenset(r.code for r in rules if r.code not in skips
                         and not (index_skipped and "index" in r.all_facts))
    use = SuppressionUse(frozenset(used), frozenset(known_codes()), complete, frozenset(r.code for r in rules))
    findings = [f for check in el002.checks for f in check.fn(comments, use) or ()]
    return _filter(config, [_to_diagnostic(config.root, el002, f) for f in findings], by_line=False)


def _rebased(project: Path, repository: Path, diagnostics: list[Diagnostic],
             anchors: dict[str, Any]) -> tuple[list[Diagnostic], dict[str, Any]]:
    from envlint.workspace import rebase

    out = [replace(d, path=rebase(d.path, project, repository)) if d.path else d for d in diagnostics]
    if anchors:
        anchors = {"main_file": rebase(anchors["main_file"], project, repository),
                   "declared": {name: (rebase(p, project, repository) or "", line, column)
                                for name, (p, line, column) in anchors["declared"].items()}}
    return out, anchors


def _printable(item: Any) -> Any:
    """A file name that is not UTF-8 arrives with surrogate escapes, which no UTF-8 output can encode:
    its bytes are shown as ``\\xe9`` instead (the rest of the text is unchanged)."""
    fields = {k: _unsurrogate(v) for k, v in item.__dict__.items() if isinstance(v, str) and not _encodes(v)}
    return replace(item, **fields) if fields else item


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _unsurrogate(text: str) -> str:
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that did not come from a byte
        return text.encode("utf-8", "replace").decode("utf-8")


def _anchors(root: Path, declared: Any) -> dict[str, Any]:
    """Where a finding without a project line can point (read by the SARIF reporter)."""
    main = getattr(declared, "main_file", None)
    return {
        "main_file": relative_path(root, main) if main is not None else None,
        "declared": {name: (relative_path(root, d.path) or "", d.line, d.column) for name, d in declared.items()},
    }


def _to_diagnostic(root: Path, r: Rule, f: Finding) -> Diagnostic:
    return Diagnostic(
        code=r.code, name=r.name, severity=f.severity or r.severity, message=f.message,
        path=relative_path(root, f.path), line=f.line, column=f.column,
        package=_canonical(f.package) if f.package else None,
        package_version=f.package_version, help=f.help, cell=f.cell, machine=f.machine,
    )


def _point_at_declarations(root: Path, declared: Any, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """An environment finding about a distribution the project declares points at that declaration."""
    if not declared:
        return diagnostics
    out = []
    for d in diagnostics:
        where = declared.get(d.package) if d.package and d.path is None else None
        if where is not None:
            d = Diagnostic(**{**d.__dict__, "path": relative_path(root, where.path),
                              "line": where.line, "column": where.column})
        out.append(d)
    return out


_SUPPRESS = re.compile(r"#\s*envlint:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?", re.IGNORECASE)


class _Lines:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self.cache:
            full = self.root / path
            try:
                if full.stat().st_size > 50 * 1024 * 1024:
                    self.cache[path] = None
                else:
                    self.cache[path] = full.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self.cache[path] = None
        lines = self.cache[path]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]


def suppressions(text: str | None) -> tuple[str, ...] | None:
    """The codes a line's ``# envlint: ignore[...]`` comments name: None for none, ``("",)`` for all."""
    if not text or "envlint" not in text:
        return None
    found: list[str] = []
    for m in _SUPPRESS.finditer(text):
        if m.group(1) is None:
            return ("",)
        found += [c.strip().upper() for c in m.group(1).split(",") if c.strip()]
    return tuple(found) or None


def _filter(config: Config, diagnostics: list[Diagnostic], used: set[tuple[str, int, str]] | None = None,
            by_line: bool = True) -> list[Diagnostic]:
    """Drop ignored packages, per-path ignores and (``by_line``) findings a line's ``# envlint: ignore``
    names; ``used`` collects (path, line, selector) of each comment that suppressed something (EL002)."""
    ignored_packages = {_canonical(p) for p in config.ignore_packages}
    lines = _Lines(config.root)
    line_suppressions: dict[tuple[str, int], tuple[str, ...] | None] = {}
    out = []
    for d in diagnostics:
        if d.package and d.package in ignored_packages:
            continue
        if d.path and config.per_path_ignores and any(
            fnmatch.fnmatch(d.path, pattern) and any(d.code.startswith(c) or c == "ALL" for c in codes)
            for pattern, codes in config.per_path_ignores.items()
        ):
            continue
        if by_line and d.path and d.line and d.cell is None and not Path(d.path).is_absolute():
            key = (d.path, d.line)
            if key not in line_suppressions:  # one look per line, however many findings it has
                line_suppressions[key] = suppressions(lines.line(d.path, d.line))
            names = line_suppressions[key]
            matched = [c for c in names or () if d.code.startswith(c)]
            if matched:
                if used is not None:
                    used.update((d.path, d.line, c) for c in matched)
                continue
        out.append(d)
    return out


def _canonical(name: str) -> str:
    # packaging.utils imports packaging.tags (logging, platform, sysconfig): only when a finding or
    # the configuration names a distribution.
    from packaging.utils import canonicalize_name

    return canonicalize_name(name)
