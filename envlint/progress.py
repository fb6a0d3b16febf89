"""Progress for long phases (the resolver, index look-ups), on stderr and only on a terminal.

A piped or redirected run (CI logs, ``--format json > out``, pre-commit's captured output) never
gets a progress line: :func:`status` is then a no-op. On a terminal a transient spinner line shows
what is going on and disappears when the phase ends, so it never mixes with the report on stdout.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def enabled() -> bool:
    """Progress is shown: stderr is a terminal, TERM is not ``dumb``, and ENVLINT_NO_PROGRESS is unset."""
    try:
        tty = sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and os.environ.get("TERM") != "dumb" and not os.environ.get("ENVLINT_NO_PROGRESS")


@contextmanager
def status(text: str) -> Iterator[Callable[[str], None]]:
    """A spinner with ``text`` on stderr while the block runs; yields a function that changes the text."""
    if not enabled():
        yield lambda _text: None
        return
    from rich.console import Console

    console = Console(stderr=True, highlight=False, markup=False, emoji=False)
    with console.status(text, spinner="dots") as shown:
        yield lambda new: shown.update(new)
