"""Reporters render a :class:`~envlint.report.Report`; they know diagnostics, never rules or facts."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from envlint.report import Report


@dataclass(frozen=True)
class Options:
    quiet: bool = False
    statistics: bool = False
    color: bool | None = None
    """None: colour only on a terminal (honouring NO_COLOR)."""
    automation_id: str | None = None


class Reporter(Protocol):
    def __call__(self, report: Report, stream: IO[str], options: Options) -> None: ...


#: format name -> "module:function"
FORMATS: dict[str, str] = {
    "text": "envlint.reporters.text:render",
    "json": "envlint.reporters.json:render",
    "sarif": "envlint.reporters.sarif:render",
    "github": "envlint.reporters.github:render",
}


def get(name: str) -> Reporter:
    module, _, func = FORMATS[name].partition(":")
    return getattr(importlib.import_module(module), func)
