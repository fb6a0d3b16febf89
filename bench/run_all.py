"""Run every benchmark in bench/ and print one table per benchmark (optionally JSON).

A benchmark is a module ``bench/bench_<name>.py`` with a function ``run() -> list[dict]``: one dict
per measured tool, with at least ``benchmark`` and ``tool``; the other keys are its own columns.
``run()`` must work without arguments (it builds or reuses what it needs under bench/.cache/) and may
take keyword options with defaults. An optional ``verdicts(rows) -> list[str]`` prints target lines.
Adding a benchmark is adding such a module; nothing here changes.

    python bench/run_all.py                 # every bench_*.py
    python bench/run_all.py --only tree env # bench_tree.py and bench_env.py
    python bench/run_all.py --json results.json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def discover(only: list[str] | None = None) -> dict[str, Path]:
    found = {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}
    if only:
        missing = [name for name in only if name not in found]
        if missing:
            raise SystemExit(f"no benchmark named {', '.join(missing)} (have: {', '.join(found)})")
        found = {name: found[name] for name in only}
    return found


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def print_table(rows: list[dict[str, object]], stream=sys.stdout) -> None:
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    cells = [["" if row.get(k) is None else str(row.get(k)) for k in keys] for row in rows]
    widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(keys)]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths)), file=stream)
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths)), file=stream)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="benchmark names (bench_NAME.py)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every row to FILE")
    args = parser.parse_args(argv)
    everything: list[dict[str, object]] = []
    verdict_lines: list[str] = []
    failed = []
    for name, path in discover(args.only).items():
        print(f"\n== {name} ({path.name}) ==", flush=True)
        start = time.perf_counter()
        try:
            module = load(path)
            rows = module.run()
        except Exception:  # one broken benchmark does not hide the others' numbers
            traceback.print_exc()
            failed.append(name)
            continue
        print_table(rows)
        verdicts = list(getattr(module, "verdicts", lambda rows: [])(rows))
        for line in verdicts:
            print(line)
        verdict_lines += verdicts
        print(f"({time.perf_counter() - start:.0f} s including set-up)")
        everything += rows
    if everything:
        # One table of every row (the columns of all benchmarks), then every target verdict.
        print("\n== all benchmarks ==")
        print_table(everything)
        for line in verdict_lines:
            print(line)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2) + "\n", encoding="utf-8")
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
