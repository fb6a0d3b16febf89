"""Terminal output: findings grouped by file, then by distribution, with a footer.

Every name that comes from a file or an environment is rendered as plain text with control
characters removed: a package or file name can carry rich markup or terminal escape sequences. No
line starts with ``::`` (a GitHub Actions workflow command): such a path is shown as ``./::...``, such
a package as ``\\::...``.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import IO, TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from envlint.diagnostics import Diagnostic, Severity
from envlint.reporters.plain import clean

if TYPE_CHECKING:
    from envlint.report import Report
    from envlint.reporters import Options

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def make_console(stream: IO[str], color: bool | None) -> Console:
    no_color = bool(os.environ.get("NO_COLOR"))
    if color is None:
        force = None
        no_color = no_color or not getattr(stream, "isatty", lambda: False)()
    else:
        force = color
        no_color = not color
    return Console(file=stream, force_terminal=force, no_color=no_color, highlight=False,
                   soft_wrap=True, emoji=False, markup=False)


def _not_a_command(text: str, escape: str) -> str:
    """Text that starts a line, never starting with ``::``: GitHub Actions runs such a line of a
    job's log as a workflow command (``::error ...``, ``::add-mask::``, ``::stop-commands::``), and
    a file or package name is the repository's to choose."""
    return escape + text if text.lstrip().startswith("::") else text


def _line(d: Diagnostic, with_path: bool) -> Text:
    t = Text()
    if with_path and d.path:
        t.append(_not_a_command(clean(d.path), "./"), style="bold")
        if d.cell is not None:
            t.append(f":cell {d.cell}")
        if d.line:
            t.append(f":{d.line}")
            if d.column:
                t.append(f":{d.column}")
        t.append(": ")
    t.append(d.code, style=STYLE[d.severity])
    t.append(f" [{d.severity.value}] ", style=STYLE[d.severity])
    t.append(clean(d.message))
    return t


def render(report: Report, stream: IO[str], options: Options) -> None:
    console = make_console(stream, options.color)
    if options.statistics:  # only the table (ruff's --statistics)
        _statistics(console, report)
        return
    by_file = [d for d in report.diagnostics if d.path]
    by_package = [d for d in report.diagnostics if not d.path]
    for d in by_file:
        console.print(_line(d, True))
        if d.package and not options.quiet:
            console.print(Text("  package: ", style="dim") + Text(clean(f"{d.package} {d.package_version or ''}".strip())))
        if d.help and not options.quiet:
            console.print(Text("  help: ", style="dim") + Text(clean(d.help)))
    current = None
    for d in sorted(by_package, key=lambda d: (d.package or "", d.code, d.message)):
        key = (d.package, d.package_version)
        if key != current:
            current = key
            title = clean(f"{d.package} {d.package_version or ''}".strip()) if d.package else "environment"
            title = _not_a_command(title, "\\")
            console.print(Text(title, style="bold"))
        console.print(Text("  ") + _line(d, False))
        if d.help and not options.quiet:
            console.print(Text("    help: ", style="dim") + Text(clean(d.help)))
    if options.quiet:
        return
    for what, reason in _grouped_skips(report.skipped):
        console.print(Text("Skipped ", style="dim") + Text(clean(what)) + Text(": ") + Text(clean(reason)))
    if report.environment_description:
        console.print(Text("Environment: ", style="dim") + Text(clean(report.environment_description)))
    if report.target:
        t = report.target
        console.print(Text("Target: ", style="dim") + Text(clean(f"{t['platform']}, CPython {t['python']} "
                                                                  f"({t['python_source']}), glibc {t['worker_glibc']}")))
    # the summary line comes last, where the eye lands (ruff, pytest)
    if report.diagnostics:
        counts = Counter(d.severity for d in report.diagnostics)
        parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in
                 (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
        n = len(report.diagnostics)
        console.print(Text(f"Found {n} problem{'s' if n != 1 else ''} ({', '.join(parts)}).", style="bold"))
    else:
        console.print(Text("All checks passed.", style="bold green"))


def _statistics(console: Console, report: Report) -> None:
    """A count per rule, as ruff's --statistics: nothing at all when there is nothing to count."""
    counts = Counter((d.code, d.name, d.severity.value) for d in report.diagnostics)
    if not counts:
        return
    table = Table(show_header=True, header_style="bold", box=None)
    for col in ("count", "code", "name", "severity"):
        table.add_column(col, justify="right" if col == "count" else "left")
    for (code, name, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(str(n), code, name, sev)
    console.print(table)


def _grouped_skips(skipped: list) -> list[tuple[str, str]]:
    """One line per reason for per-package look-ups ("index: dask"), so 200 offline misses read as one."""
    groups: dict[tuple[str, str], list[str]] = {}
    lines: list[tuple[str, str]] = []
    for s in skipped:
        kind, sep, name = s.what.partition(": ")
        if sep and " " not in name and kind in ("index",):
            key = (kind, s.reason)
            if key not in groups:
                groups[key] = []
                lines.append((f"\0{kind}", s.reason))
            groups[key].append(name)
        else:
            lines.append((s.what, s.reason))
    out = []
    for what, reason in lines:
        if what.startswith("\0"):
            kind = what[1:]
            names = groups[(kind, reason)]
            if len(names) == 1:
                what = f"{kind}: {names[0]}"
            else:
                shown = ", ".join(names[:5]) + (f", ... ({len(names)} packages)" if len(names) > 5 else "")
                what = f"{kind}: {shown}"
        out.append((what, reason))
    return out
