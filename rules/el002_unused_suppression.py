"""Unused suppression (EL002).

## What it does
Reports a `# envlint: ignore[...]` comment that names a code no rule has, or that suppresses nothing:
a code whose rules ran and found nothing on that line, or a bare `# envlint: ignore` on a line without
findings. It works like ruff's unused `noqa` (RUF100). A code whose rules did not run completely in
this run (not selected, skipped for want of an environment, an index look-up that failed) is never
called unused, since nothing is known about it. In Python files only real comments count, never the
text of a string.

## Why it breaks package sync
A stale suppression hides nothing today, but it will silently hide the next finding on that line: a
new pin, a new data path, a new dependency that the workers cannot install. A misspelt code
(`# envlint: ignore[DAT01]`) never suppressed what it was meant to, and the finding it should have
covered is then reported without the reader knowing why.

## Example
```python
df = pd.read_csv("s3://bucket/data.csv")  # envlint: ignore[DAT001]
```
`unused suppression: no DAT001 finding on this line`

## How to fix
Remove the code from the comment, or the whole comment when nothing is left. Fix a misspelt code
(`envlint rules` lists them).
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.code.suppressions import Comment, SuppressionUse
from envlint.registry import rule


@rule(code="EL002", name="unused-suppression", severity=Severity.WARNING,
      summary="A `# envlint: ignore` comment names an unknown code or suppresses nothing")
def check(suppression_comments: list[Comment], suppression_use: SuppressionUse) -> Iterator[Finding]:
    # Run by the engine after it has filtered the other rules' findings (it knows which comments hid one).
    use = suppression_use
    for c in suppression_comments:
        where = {"path": c.path, "line": c.line, "column": c.column}
        if not c.codes:
            if (c.path, c.line, "") not in use.used and use.ran_completely(""):
                yield Finding(message="`# envlint: ignore` suppresses nothing on this line", **where,
                              help="remove the comment: it hides nothing now and would hide any finding that "
                                   "appears on this line later")
            continue
        for code in c.codes:
            if not any(k.startswith(code) for k in use.known):
                yield Finding(message=f"unknown rule code '{code}' in `# envlint: ignore[...]`", **where,
                              help="fix the code (`envlint rules` lists them) or remove it")
            elif (c.path, c.line, code) not in use.used and use.ran_completely(code):
                yield Finding(message=f"unused suppression: no {code} finding on this line", **where,
                              help=f"remove {code} from the comment: it hides nothing now and would hide a finding "
                                   "that appears on this line later")
