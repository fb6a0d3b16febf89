"""Command line: parse arguments -> Config -> run -> report -> exit code. Nothing else."""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path
from typing import IO

from envlint.arguments import EXIT_USAGE, Parser, check_parser
from envlint.config import Config, ConfigError, load
from envlint.diagnostics import Severity

EXIT_CLEAN, EXIT_FINDINGS = 0, 1


def _rule_command(argv: list[str], out: IO[str]) -> int:
    from envlint.docs import rule_markdown
    from envlint.registry import all_rules, get_rule

    p = Parser(prog="envlint rule", description="Print a rule's documentation.")
    p.add_argument("code", nargs="?", help="the rule's code, e.g. PIN001")
    p.add_argument("--all", action="store_true", help="print every rule's documentation")
    args = p.parse_args(argv)
    if args.all == (args.code is not None):
        p.error("give a rule code or --all")
    if args.all:
        out.write("\n".join(rule_markdown(r) for r in all_rules()))
        return EXIT_CLEAN
    rule = get_rule(args.code)
    if rule is None:
        raise ConfigError(f"unknown rule code {args.code!r}", hint="`envlint rules` lists every rule")
    out.write(rule_markdown(rule))
    return EXIT_CLEAN


def _rules_command(argv: list[str], out: IO[str]) -> int:
    from envlint.registry import all_rules

    p = Parser(prog="envlint rules", description="List every rule.")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text: a table on a terminal, one rule per line when piped; json: a list of objects")
    args = p.parse_args(argv)
    rules = all_rules()
    if args.format == "json":
        import json

        json.dump([{"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary}
                   for r in rules], out, indent=2)
        out.write("\n")
        return EXIT_CLEAN
    if not getattr(out, "isatty", lambda: False)():  # piped: one rule per line, never wrapped
        width = max(len(r.name) for r in rules)
        for r in rules:
            out.write(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}\n")
        return EXIT_CLEAN
    from rich.table import Table

    from envlint.reporters.text import make_console

    table = Table(box=None, header_style="bold")
    for col in ("code", "name", "severity", "summary"):
        table.add_column(col, overflow="fold")
    for r in rules:
        table.add_row(r.code, r.name, r.severity.value, r.summary)
    make_console(out, None).print(table)
    return EXIT_CLEAN


def _csv(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value is not None else None


def main(argv: list[str] | None = None, stdout: IO[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = stdout or sys.stdout
    code: int | None = None
    try:
        if argv and argv[0] == "rule":
            code = _rule_command(argv[1:], out)
        elif argv and argv[0] == "rules":
            code = _rules_command(argv[1:], out)
        else:
            code = _check(check_parser().parse_args(argv[1:] if argv and argv[0] == "check" else argv), out)
        out.flush()  # here, so that a reader that left is met below, not in Python's flush at exit
        return code
    except ConfigError as exc:
        sys.stderr.write(f"envlint: error: {exc}\n")
        if exc.hint:
            sys.stderr.write(f"hint: {exc.hint}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("envlint: interrupted\n")
        return 130
    except BrokenPipeError:  # `envlint rules | head`: the reader left; nothing more to say
        _reader_left(out)
        return EXIT_CLEAN if code is None else code


def _reader_left(out: IO[str]) -> None:
    """Point the closed stream at /dev/null, so that Python's own flush at exit raises nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, out.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _check_selectors(config: Config, cli_values: dict[str, object]) -> None:
    """A code or prefix that names no rule is a typo that would silently check nothing: exit 2."""
    from envlint.registry import known_codes

    known = known_codes()
    where = str(config.config_file) if config.config_file else "configuration"
    lists = [("select", config.select or []), ("extend-select", config.extend_select), ("ignore", config.ignore)]
    lists += [(f"per-path-ignores '{glob}'", codes) for glob, codes in config.per_path_ignores.items()]
    if config.select == []:  # `--select ''`: a run that checks nothing must not pass as clean
        source = "command line" if cli_values.get("select") is not None else where
        raise ConfigError(f"{source}: 'select' names no rule, so nothing would be checked",
                          hint="give codes or prefixes (e.g. --select BLD,SRC001), or leave 'select' out for all rules")
    for key, selectors in lists:
        for sel in selectors:
            if sel != "ALL" and not any(code.startswith(sel) for code in known):
                source = "command line" if cli_values.get(key) else where
                raise ConfigError(f"{source}: unknown rule code or prefix '{sel}' in '{key}' (see `envlint rules`)")


def _check(args: argparse.Namespace, out: IO[str]) -> int:
    from envlint.engine import run
    from envlint.reporters import Options, get

    raw = list(args.paths or ["."])
    if raw and raw[0] == "check" and not Path("check").exists():  # `envlint --no-env check .`
        raw = raw[1:] or ["."]
    paths = [Path(p) for p in raw]
    for p in paths:
        if not p.exists():
            raise ConfigError(f"{p}: no such file or directory")
    # One project per run (see envlint.workspace); file PATHs restrict which project files are read.
    from envlint.workspace import project_root, repository_root

    root = project_root(paths)
    cli_values = {
        "select": _csv(args.select), "ignore": _csv(args.ignore), "extend-select": _csv(args.extend_select),
        "ignore-packages": _csv(args.ignore_packages), "platform": args.platform,
        "target-python": args.target_python, "manylinux-glibc": args.manylinux_glibc,
        "worker-glibc": args.worker_glibc, "fail-level": args.fail_level, "index-url": args.index_url,
        "offline": args.offline, "timeout": args.timeout, "cache-dir": args.cache_dir,
        "exclude": _csv(args.exclude), "extend-exclude": _csv(args.extend_exclude),
    }
    if args.statistics and args.format != "text":
        raise ConfigError(f"--statistics prints a table of counts, which --format {args.format} has no place for",
                          hint="use --statistics with the text format, or count the diagnostics of the "
                               f"{args.format} output")
    for opt in ("python", "prefix", "inspect", "config"):
        value = getattr(args, opt)
        if value is not None and not value.exists():
            raise ConfigError(f"--{opt} {value}: no such file or directory")
    if args.prefix is not None or args.python is not None:
        from envlint.facts.environment.locate import explicit_problem

        problem = explicit_problem(args.prefix, args.python)
        if problem:
            raise ConfigError(problem)
    config = load(root, cli_values, config_file=args.config, isolated=args.isolated,
                  paths=[p.resolve() for p in paths], python=args.python, prefix=args.prefix,
                  inspect=args.inspect, no_env=args.no_env, no_cache=args.no_cache,
                  want_anchors=args.format == "sarif", display_root=repository_root(root))
    _check_selectors(config, cli_values)
    if args.show_settings or args.show_files:
        from envlint.show import show_files, show_settings

        (show_settings if args.show_settings else show_files)(config, out)
        return EXIT_CLEAN
    report = run(config)
    options = Options(quiet=args.quiet, statistics=args.statistics,
                      color={"auto": None, "always": True, "never": False}[args.color],
                      automation_id=args.automation_id)
    reporter = get(args.format)
    if args.output:
        buffer = io.StringIO()
        reporter(report, buffer, Options(**{**options.__dict__, "color": False}))
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(buffer.getvalue(), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"--output {args.output}: {exc.strerror or exc}") from None
    else:
        try:
            reporter(report, out, options)
            out.flush()
        except BrokenPipeError:  # `envlint . | head`: the reader left; the exit status still counts
            _reader_left(out)
    if args.exit_zero:
        return EXIT_CLEAN
    level: Severity = config.fail_level
    return EXIT_FINDINGS if any(level <= d.severity for d in report.diagnostics) else EXIT_CLEAN


if __name__ == "__main__":
    raise SystemExit(main())
