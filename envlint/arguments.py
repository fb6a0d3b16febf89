"""The command line's argument parser: what ``envlint [check]`` accepts.

Its own module so that the CLI runs it and ``envlint.docs`` generates docs/cli.md's option table
from it, without either importing the other.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from envlint import __version__
from envlint.reporters import FORMATS

EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """No silent abbreviation of long options; a usage error is one line and a hint, exit 2."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.stderr.write(f"hint: `{self.prog} --help` lists the options\n")
        raise SystemExit(EXIT_USAGE)


def check_parser() -> argparse.ArgumentParser:
    p = Parser(prog="envlint", description="Find what package sync cannot mirror onto Linux cluster "
                "workers: system libraries, local data files, unsolvable pins, unbuildable local packages, "
                "non-PyPI sources. Subcommands: `envlint rule CODE`, `envlint rules`.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="the project directory (default: .), or files of one project to restrict the run to")
    p.add_argument("--version", action="version", version=f"envlint {__version__}")
    sel = p.add_argument_group("rule selection")
    sel.add_argument("--select", help="comma-separated codes or prefixes to enable (e.g. BLD,SRC001)")
    sel.add_argument("--extend-select", help="codes or prefixes to enable on top of the configured ones")
    sel.add_argument("--ignore", help="comma-separated codes or prefixes to disable")
    sel.add_argument("--ignore-packages", help="comma-separated distributions whose findings are dropped")
    env = p.add_argument_group("environment (default: $VIRTUAL_ENV, a venv on PATH, $CONDA_PREFIX, .venv)")
    exclusive = env.add_mutually_exclusive_group()
    exclusive.add_argument("--python", type=Path, metavar="PATH", help="an interpreter (asked only as -I -S)")
    exclusive.add_argument("--prefix", type=Path, metavar="DIR", help="a venv or conda prefix, read from files")
    exclusive.add_argument("--inspect", type=Path, metavar="FILE", help="a `pip inspect` JSON report")
    exclusive.add_argument("--no-env", action="store_true", help="skip the environment rules")
    tgt = p.add_argument_group("target")
    tgt.add_argument("--platform", help="target platform tag (default linux_x86_64)")
    tgt.add_argument("--target-python", help="target Python version (default: the environment's)")
    tgt.add_argument("--manylinux-glibc", help="glibc floor whose allow-listed libraries every worker has (default 2.17)")
    tgt.add_argument("--worker-glibc", help="the workers' glibc: manylinux wheels up to it install (default 2.31)")
    idx = p.add_argument_group("package index")
    idx.add_argument("--index-url", help="simple index to ask (default: PyPI)")
    idx.add_argument("--offline", action=argparse.BooleanOptionalAction, default=None,
                     help="use only the index cache: index rules answer from it or are skipped (the `envlint` "
                          "pre-commit hook's default); --no-offline asks the index")
    idx.add_argument("--timeout", type=float, help="seconds per index request (default 15)")
    idx.add_argument("--cache-dir", help="index cache directory")
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=list(FORMATS), default="text",
                     help="output format: text for people, json (docs/json-output.md), sarif and github (docs/ci.md)")
    out.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE")
    out.add_argument("--quiet", "-q", action="store_true", help="only the findings")
    out.add_argument("--statistics", action="store_true", help="print only a table of counts per rule (text format; nothing when clean)")
    out.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                     help="colour in the text output (auto: only on a terminal, honouring NO_COLOR)")
    out.add_argument("--show-settings", action="store_true",
                     help="print the settings this run would use (after configuration files and options) and exit")
    out.add_argument("--show-files", action="store_true", help="print the project files this run would read and exit")
    out.add_argument("--automation-id", help="SARIF runAutomationDetails.id (e.g. envlint/ci)")
    ex = p.add_argument_group("exit status")
    ex.add_argument("--fail-level", choices=["error", "warning", "info"], help="lowest severity that exits 1 (default warning)")
    ex.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    cfg = p.add_argument_group("configuration")
    cfg.add_argument("--config", type=Path, metavar="FILE", help="envlint.toml or pyproject.toml to use")
    cfg.add_argument("--exclude", metavar="PATTERNS",
                     help="comma-separated gitignore-style patterns of project files to skip (replaces `exclude`)")
    cfg.add_argument("--extend-exclude", metavar="PATTERNS",
                     help="patterns to skip on top of the configured `exclude`")
    cfg.add_argument("--isolated", action="store_true", help="ignore configuration files")
    cfg.add_argument("--no-cache", action="store_true",
                     help="neither read nor write the per-file scan cache (.envlint_cache/)")
    return p
