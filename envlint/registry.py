"""Rules: the record, the ``@rule`` decorator, and the catalogue loaded from ``envlint.rules``.

A rule is a function whose parameters *name the facts it needs* (``environment``, ``target``,
``project``, ...). The engine builds only the facts that enabled rules ask for.
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
    check: CheckFn
    facts: tuple[str, ...]
    """Names of the facts the check function takes, in parameter order."""

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
        facts = tuple(inspect.signature(fn).parameters)
        if code in _RULES and _RULES[code].check is not fn:
            raise ValueError(f"duplicate rule code {code}")
        _RULES[code] = Rule(code, name, severity, summary, body.strip(), fn, facts)
        return fn

    return register


def all_rules() -> list[Rule]:
    """Every rule in the catalogue, sorted by code."""
    import envlint.rules as package

    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{info.name}")
    return sorted(_RULES.values(), key=lambda r: r.code)


def get_rule(code: str) -> Rule | None:
    code = code.strip().upper()
    for r in all_rules():
        if r.code == code:
            return r
    return None


def matches(code: str, selectors: Iterable[str]) -> bool:
    """``PIN001`` matches ``PIN001``, ``PIN``, ``PIN0`` and ``ALL``."""
    return any(s == "ALL" or code.startswith(s) for s in selectors)
