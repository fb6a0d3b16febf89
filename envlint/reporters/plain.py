"""Text from files and environments made safe to print: terminal escape sequences and control
characters removed (a package or file name can carry them)."""

from __future__ import annotations

import re

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text: object, *, keep_newlines: bool = False) -> str:
    """Escape sequences dropped; tabs and (unless kept) line breaks become spaces; other controls dropped."""
    text = _ESCAPES.sub("", str(text))

    def replace(m: re.Match[str]) -> str:
        ch = m.group()
        if ch in "\n\r":
            return ch if keep_newlines else " "
        return " " if ch == "\t" else ""

    return _CONTROL.sub(replace, text)
