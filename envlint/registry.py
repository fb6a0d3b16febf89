"""Rules: the record, the ``@rule`` decorator, and the catalogue loaded from ``envlint.rules``.

A rule is a function whose parameters *name the facts it needs* (``environment``, ``target``,
``project``, ...). The engine builds only the facts that enabled rules ask for.

One code may have several check functions (``@rule`` applied again with the same code, name,
severity and summary, usually from another module): e.g. SRC002 has an environment part and a
project part. The engine runs each check on its own, so a part whose facts are unavailable (no
environment) is skipped while the other part still runs. The documentation comes from the module
whose docstring has the sections; the other modules may have a plain docstring.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from envlint.diagnostics import Finding, Severity

CheckFn = Callable[..., Iterable[Finding]]

_CODE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SECTIONS = ("What it does", "Why it breaks package sync", "Example", "How to fix")


@dataclass(frozen=True)
class Check:
    """One check function of a rule and the facts it takes."""

    fn: CheckFn
    facts: tuple[str, ...]
    """Names of the facts the function takes, in parameter order."""

    @property
    def key(self) -> tuple[str, str]:
        return (getattr(self.fn, "__module__", "") or "", getattr(self.fn, "__qualname__", "") or "")


@dataclass(frozen=True)
class Rule:
    code: str
    """Stable public identifier, e.g. ``PIN001``."""
    name: str
    """kebab-case name, e.g. ``conflicting-pins``."""
    severity: Severity
    summary: str
    """One line, no trailing period."""
    doc: str
    """Markdown with the sections of :data:`SECTIONS` (the rule module's docstring, title removed)."""
    checks: tuple[Check, ...]
    """Every check function registered under this code (at least one), ordered by module."""

    @property
    def check(self) -> CheckFn:
        """The first check function (kept for callers that predate several checks per code)."""
        return self.checks[0].fn

    @property
    def facts(self) -> tuple[str, ...]:
        """The facts of the first check function."""
        return self.checks[0].facts

    @property
    def all_facts(self) -> tuple[str, ...]:
        """Every fact any of the checks takes, without repeats."""
        return tuple(dict.fromkeys(f for c in self.checks for f in c.facts))

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")


_RULES: dict[str, Rule] = {}


def rule(*, code: str, name: str, severity: Severity, summary: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check function as a rule. Its module docstring is the rule's documentation."""
    if not _CODE.match(code):
        raise ValueError(f"bad rule code {code!r}")
    if not _NAME.match(name):
        raise ValueError(f"rule name must be kebab-case: {name!r}")

    def register(fn: CheckFn) -> CheckFn:
        module = inspect.getmodule(fn)
        doc = inspect.cleandoc(module.__doc__ or "") if module else ""
        # The first paragraph is the title line ("Conflicting pins (PIN001)."); the rest is the body.
        body = doc.split("\n\n", 1)[1] if "\n\n" in doc else ""
        check = Check(fn, tuple(inspect.signature(fn).parameters))
        existing = _RULES.get(code)
        if existing is None:
            _RULES[code] = Rule(code, name, severity, summary, body.strip(), (check,))
            return fn
        if (existing.name, existing.severity, existing.summary) != (name, severity, summary):
            raise ValueError(f"rule {code} registered twice with different name, severity or summary: "
                             f"{existing.name!r}/{existing.severity.value}/{existing.summary!r} vs "
                             f"{name!r}/{severity.value}/{summary!r}")
        # A re-imported module replaces its own check instead of adding a second copy.
        checks = [c for c in existing.checks if c.key != check.key] + [check]
        checks.sort(key=lambda c: c.key)
        doc = existing.doc or body.strip()
        if existing.doc and body.strip() and _has_sections(body) and not _has_sections(existing.doc):
            doc = body.strip()
        _RULES[code] = Rule(code, name, severity, summary, doc, tuple(checks))
        return fn

    return register


def _has_sections(doc: str) -> bool:
    return any(f"## {section}" in doc for section in SECTIONS)


def all_rules(wanted: Callable[[str], bool] | None = None) -> list[Rule]:
    """The rules of the catalogue, sorted by code: every rule, or those whose code ``wanted`` accepts.

    A rule module's file name starts with its code (``pin001_conflicting_pins.py``), so a run with
    ``--select DAT`` imports only the DAT modules and none of the facts the others import.
    """
    import envlint.rules as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        if wanted is None or wanted(info.name.split("_", 1)[0].upper()):
            importlib.import_module(f"{package.__name__}.{info.name}")
    return sorted((r for r in _RULES.values() if wanted is None or wanted(r.code)), key=lambda r: r.code)


def known_codes() -> set[str]:
    """Every rule code, from the catalogue's file names (no rule module is imported)."""
    import envlint.rules as package

    codes = {info.name.split("_", 1)[0].upper() for info in pkgutil.iter_modules(package.__path__)
             if not info.name.startswith("_")}
    return codes | set(_RULES)


def get_rule(code: str) -> Rule | None:
    code = code.strip().upper()
    for r in all_rules():
        if r.code == code:
            return r
    return None


def matches(code: str, selectors: Iterable[str]) -> bool:
    """``PIN001`` matches ``PIN001``, ``PIN``, ``PIN0`` and ``ALL``."""
    return any(s == "ALL" or code.startswith(s) for s in selectors)
