"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=F,line=L,col=C,title=CODE name::message`` (``::warning`` for warnings, ``::notice``
for info). Property values escape ``%``, ``\\r``, ``\\n``, ``:`` and ``,``; the message escapes
``%``, ``\\r`` and ``\\n`` (GitHub's own toolkit does the same). ``file`` is a path relative to the
repository root: a finding without a project path (a distribution in the environment, or a file
outside the project) gets no ``file``, and GitHub shows it on the run's summary instead of on a line.
"""

from __future__ import annotations

import re
from typing import IO, TYPE_CHECKING

from envlint.diagnostics import Diagnostic, Severity
from envlint.reporters.plain import clean

if TYPE_CHECKING:
    from envlint.report import Report
    from envlint.reporters import Options

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_WINDOWS_ABS = re.compile(r"^[A-Za-z]:[\\/]")


def escape_data(text: str) -> str:
    """A workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _in_project(path: str | None) -> bool:
    return bool(path) and not (path.startswith(("/", "../")) or path == ".." or _WINDOWS_ABS.match(path))


def annotation(d: Diagnostic) -> str:
    props = []
    if _in_project(d.path):
        props.append(f"file={escape_property(d.path or '')}")
        if d.line and d.cell is None:  # a line in a notebook cell is no line of the file
            props.append(f"line={d.line}")
            if d.column:
                props.append(f"col={d.column}")
    props.append(f"title={escape_property(f'{d.code} {d.name}')}")
    message = d.message
    if d.package and d.package not in message:
        message = f"{d.package} {d.package_version or ''}".rstrip() + f": {message}"
    if d.path and not _in_project(d.path):
        message += f" ({d.path})"
    if d.help:
        message += f"\nhelp: {d.help}"
    # escape sequences from names are dropped; the help's line break is escaped, never interpreted
    return f"::{COMMAND[d.severity]} {','.join(props)}::{escape_data(clean(message, keep_newlines=True))}"


def render(report: Report, stream: IO[str], options: Options) -> None:
    for d in report.diagnostics:
        stream.write(annotation(d) + "\n")
    if options.quiet:
        return
    for s in report.skipped:
        stream.write(escape_data(f"envlint: skipped {s.what}: {s.reason}") + "\n")
    n = len(report.diagnostics)  # the summary line comes last
    stream.write(f"envlint: {n} problem{'s' if n != 1 else ''}" if n else "envlint: all checks passed")
    stream.write("\n")
