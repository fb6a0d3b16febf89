"""What the engine hands the reporters: diagnostics, skipped checks, and plain data about the rules.

Reporters import this module and :mod:`envlint.diagnostics` only: never the registry, the rules or
the facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envlint.diagnostics import Diagnostic, Severity, Skipped


@dataclass(frozen=True)
class RuleInfo:
    """What a reporter may show about a rule that ran (SARIF lists these as ``tool.driver.rules``)."""

    code: str
    name: str
    severity: Severity
    """The default severity."""
    summary: str
    """One line, no trailing period."""
    description: str
    """'What it does' as one paragraph of plain text ('' when the rule has none)."""
    help_markdown: str
    """The rule's whole page, as ``envlint rule CODE`` prints it."""
    help_uri: str
    """The rule's page in the repository."""
    precision: str = "high"
    """'high' (reads exact metadata) or 'medium' (a heuristic reading of code)."""

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")


@dataclass
class Report:
    """Everything a reporter needs; reporters know nothing else (no rules, no facts)."""

    root: Path
    diagnostics: list[Diagnostic]
    skipped: list[Skipped]
    rules: list[RuleInfo]
    """The rules that were enabled (SARIF lists them all)."""
    target: dict[str, Any] | None = None
    environment: dict[str, Any] | None = None
    environment_description: str | None = None
    notes: list[str] = field(default_factory=list)
    main_file: str | None = None
    """The project's main dependency file (relative POSIX path), where SARIF anchors a finding that has no project line."""
    declared: dict[str, tuple[str, int, int | None]] = field(default_factory=dict)
    """Canonical name -> (relative path, line, column) of the project's first declaration (SARIF anchors)."""
