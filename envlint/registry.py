"""Rules: the record, the declarations, and the catalogue loaded from ``envlint.rules``.

A rule is one declaration in one catalogue entry of ``rules/`` (a module, or a package for a rule
with one check per input), named ``<code>_<what>``; that entry's docstring is the rule's
documentation. A check is a function whose parameters *name the facts it needs* (``environment``,
``target``, ``project``, ...); the engine builds only the facts that enabled rules ask for.

- ``@rule(code=, name=, severity=, summary=)`` on a module's check function declares a rule with
  that one check.
- ``declare(__name__, code=, name=, severity=, summary=, checks=(...))`` in a rule package's
  ``__init__`` declares a rule with one check per input (e.g. SRC002: ``environment.check``, the
  installed distributions, and ``project.check``, what the project declares). The engine runs each
  check on its own, so a check whose facts are unavailable (no environment) is skipped while the
  others still run.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable, Sequence
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
    """Markdown with the sections of :data:`SECTIONS` (the declaring module's docstring, title removed)."""
    checks: tuple[Check, ...]
    """Every check function of this code (at least one), in declaration order."""
    module: str = ""
    """The module that declares the rule (its docstring is :attr:`doc`)."""
    precision: str = "high"
    """How exact the detection is: 'high' (reads exact metadata) or 'medium' (a heuristic reading of code)."""
    default: bool = True
    """Runs unless deselected; False: runs only when its full code is selected (``--extend-select DAT004``)."""

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


def rule(*, code: str, name: str, severity: Severity, summary: str,
         precision: str = "high", default: bool = True) -> Callable[[CheckFn], CheckFn]:
    """Declare a rule whose one check is the decorated function; its module's docstring is the documentation."""

    def register(fn: CheckFn) -> CheckFn:
        declare(fn.__module__, code=code, name=name, severity=severity, summary=summary, checks=(fn,),
                precision=precision, default=default)
        return fn

    return register


def declare(module: str, *, code: str, name: str, severity: Severity, summary: str,
            checks: Sequence[CheckFn], precision: str = "high", default: bool = True) -> None:
    """Declare a rule in ``module`` (pass ``__name__``) with these checks; the module's docstring is the
    documentation: a title line (``Conflicting pins (PIN001).``), a blank line, then the sections.

    A code belongs to one module. Declaring it again from the same module adds checks (name,
    severity and summary must agree); a re-imported module replaces its own checks.
    """
    if not _CODE.match(code):
        raise ValueError(f"bad rule code {code!r}")
    if not _NAME.match(name):
        raise ValueError(f"rule name must be kebab-case: {name!r}")
    if not checks:
        raise ValueError(f"rule {code} declares no check")
    new = [Check(fn, tuple(inspect.signature(fn).parameters)) for fn in checks]
    existing = _RULES.get(code)
    if existing is None:
        _RULES[code] = Rule(code, name, severity, summary, _documentation(module), tuple(new), module, precision,
                            default)
        return
    if existing.module != module:
        raise ValueError(f"rule {code} is declared in {existing.module} and again in {module}: declare it once, "
                         "with one check per input (see envlint.registry.declare)")
    if (existing.name, existing.severity, existing.summary, existing.precision) != \
            (name, severity, summary, precision):
        raise ValueError(f"rule {code} registered twice with different name, severity or summary: "
                         f"{existing.name!r}/{existing.severity.value}/{existing.summary!r} vs "
                         f"{name!r}/{severity.value}/{summary!r}")
    merged = list(existing.checks)
    for check in new:
        same = [i for i, c in enumerate(merged) if c.key == check.key]
        if same:
            merged[same[0]] = check
        else:
            merged.append(check)
    _RULES[code] = Rule(code, name, severity, summary, existing.doc, tuple(merged), module, precision,
                        existing.default)


def _documentation(module: str) -> str:
    """The module's docstring without its first paragraph (the title line)."""
    doc = inspect.cleandoc(getattr(sys.modules.get(module), "__doc__", None) or "")
    return doc.split("\n\n", 1)[1].strip() if "\n\n" in doc else ""


def all_rules(wanted: Callable[[str], bool] | None = None) -> list[Rule]:
    """The rules of the catalogue, sorted by code: every rule, or those whose code ``wanted`` accepts.

    A catalogue entry's name starts with its code (``pin001_conflicting_pins.py``, the package
    ``src002_direct_reference/``), so a run with ``--select DAT`` imports only the DAT entries and none
    of the facts the others import.
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
