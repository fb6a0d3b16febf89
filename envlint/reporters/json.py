"""``--format json``: the versioned, documented machine format (see docs/json-output.md).

A public contract: fields are only ever added. Diagnostics are sorted (path, line, column, package,
code, message); absent values are null.
"""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

from envlint import __version__

if TYPE_CHECKING:
    from envlint.report import Report
    from envlint.reporters import Options

SCHEMA_VERSION = 1


def to_dict(report: Report) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "envlint": __version__,
        "target": report.target,
        "environment": report.environment,
        "diagnostics": [
            {
                "code": d.code,
                "name": d.name,
                "severity": d.severity.value,
                "message": d.message,
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "package": d.package,
                "package_version": d.package_version,
                "help": d.help,
                "cell": d.cell,
                "machine": d.machine,
            }
            for d in report.diagnostics
        ],
        "skipped": [{"what": s.what, "reason": s.reason} for s in report.skipped],
    }


def render(report: Report, stream: IO[str], options: Options) -> None:
    json.dump(to_dict(report), stream, indent=2, sort_keys=False, ensure_ascii=False)
    stream.write("\n")
