"""Unreadable input (EL001).

## What it does
Reports a file or record that envlint could not read or parse: malformed `METADATA`, `RECORD`,
`WHEEL` or `direct_url.json`, a conda-meta record that is not JSON, invalid TOML, a requirement
string or version that is not PEP 440/508, a Python file that does not parse, an unreadable
directory. The run goes on: every other finding is still reported.

## Why it breaks package sync
Package sync reads the same files. A distribution whose metadata is broken cannot be mirrored
reliably, and a project file that does not parse usually fails the worker's install or build
too. envlint also cannot check what it cannot read, so it tells you instead of staying silent.

## Example
```text
.venv/lib/python3.11/site-packages/foo-1.0.dist-info/METADATA: malformed metadata: no Version field
```

## How to fix
Repair or reinstall the distribution (`pip install --force-reinstall foo`), or fix the file at
the reported line. Ignore a path you do not control with `per-path-ignores`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from envlint.diagnostics import Finding, InputError, Severity
from envlint.registry import rule


@rule(code="EL001", name="unreadable-input", severity=Severity.ERROR,
      summary="A file or record envlint needs cannot be read or parsed")
def check(input_errors: Sequence[InputError]) -> Iterator[Finding]:
    # Run by the engine after every other rule: the fact builders record what they could not read
    # while they are built, so the list is complete only then.
    for err in input_errors:
        yield Finding(message=f"cannot read {err.path}: {err.reason}", path=err.path, line=err.line,
                      column=err.column, package=err.package, cell=err.cell)
