"""The values that flow out of rules: findings, diagnostics and skipped checks."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.Enum):
    """How bad a diagnostic is. Ordered: ``INFO < WARNING < ERROR``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __lt__(self, other: Severity) -> bool:
        return self.rank < other.rank

    def __le__(self, other: Severity) -> bool:
        return self.rank <= other.rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Finding:
    """What a rule yields: the rule's code, name and default severity are added by the engine.

    ``path`` is a filesystem path (absolute, or relative to the project root); the engine makes it
    relative to the project root for output.
    """

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    package: str | None = None
    """Canonical distribution name, where the finding concerns one."""
    package_version: str | None = None
    help: str | None = None
    """The remedy, one or two sentences."""
    severity: Severity | None = None
    """Overrides the rule's default severity for this one finding (e.g. a yanked version is a warning)."""
    cell: int | None = None
    """A notebook's cell (1-based over every cell, markdown included); ``line``/``column`` are then in that cell."""
    machine: bool = False
    """About the configuration of the machine running envlint (a pip/uv file outside the project, a
    ``PIP_*`` variable), not about the project: SARIF never places it on a project file."""


@dataclass(frozen=True)
class Diagnostic:
    """One reported problem. Field names are the JSON output's (a public contract)."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str | None = None
    """POSIX path relative to the project root (or absolute when outside it)."""
    line: int | None = None
    column: int | None = None
    package: str | None = None
    package_version: str | None = None
    help: str | None = None
    cell: int | None = None
    """Notebook cell number (1-based, every cell counted); ``line``/``column`` are inside that cell."""
    machine: bool = False
    """See :attr:`Finding.machine`."""

    def sort_key(self) -> tuple:
        return (
            self.path is None,
            self.path or "",
            self.cell or 0,
            self.line or 0,
            self.column or 0,
            self.package or "",
            self.code,
            self.message,
        )


@dataclass(frozen=True)
class Skipped:
    """A check that did not run, and why (no environment, offline, a failed look-up)."""

    what: str
    reason: str


@dataclass(frozen=True)
class InputError:
    """A file or record that could not be read; reported as EL001 and the run goes on."""

    path: str
    reason: str
    line: int | None = None
    column: int | None = None
    package: str | None = None
    cell: int | None = None


@dataclass
class Problems:
    """Collects input errors while facts are gathered (shared by every fact builder)."""

    errors: list[InputError] = field(default_factory=list)

    def add(self, path: object, reason: str, line: int | None = None, column: int | None = None,
            package: str | None = None, cell: int | None = None) -> None:
        self.errors.append(InputError(str(path), reason, line, column, package, cell))
