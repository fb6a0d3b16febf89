"""The `envlint` pre-commit hook on a warm cache, against `ruff check`, on a 30-file project.

Builds a project of 30 files (pyproject.toml declaring five dependencies, a requirements.txt and 28
Python modules) inside a git repository under a temporary directory, serves the five dependencies
from the loopback index (tests/helpers/index_server.py), and warms both caches with one run that may use the
network (`envlint --no-env --no-offline`: the index cache and the per-file scan cache). Then it times,
alternately, as whole commands (interpreter start-up included):

- the hook's own command, `envlint --no-env --offline` (the entry of .pre-commit-hooks.yaml): index
  rules answer from the warm cache, no request is made (the server's request log is checked);
- `ruff check` of the same project (ruff from the PATH or next to this interpreter; install it into
  your venv: it is not a dependency of envlint).

Target (issue 12): the hook <= 0.3 s median.

    python bench/bench_hook.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the checkout, for tests.helpers

TARGET_S = 0.3
DEPENDENCIES = ["requests", "numpy", "pandas", "rich", "attrs"]
MODULE = '''"""Module {i}."""

import json
import os
from pathlib import Path

HERE = Path(__file__).parent


def load_{i}(name: str) -> dict:
    with open(HERE / name) as fh:
        return json.load(fh)


def env_{i}() -> str:
    return os.environ.get("APP_{i}", "")
'''


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else shutil.which(name)


def make_project(base: Path) -> Path:
    project = base / "repo" / "app"
    (project / "app").mkdir(parents=True)
    deps = ", ".join(f'"{d}"' for d in DEPENDENCIES)
    (project / "pyproject.toml").write_text(f'[project]\nname = "app"\nversion = "1.0"\ndependencies = [{deps}]\n')
    (project / "requirements.txt").write_text("-e .\n")
    for i in range(28):
        (project / "app" / f"m{i:02d}.py").write_text(MODULE.format(i=i))
    subprocess.run(["git", "init", "-q"], cwd=base / "repo", check=True)
    return project


def _time(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, proc.returncode


def run(repeat: int = 7) -> list[dict]:
    from tests.helpers.index_server import IndexServer
    from tests.helpers.support import make_wheel

    envlint, ruff = _tool("envlint"), _tool("ruff")
    if envlint is None:
        raise SystemExit("envlint is not installed next to this interpreter")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="envlint-bench-hook-") as tmp, IndexServer() as server:
        base = Path(tmp)
        for name in DEPENDENCIES:
            server.add_file(make_wheel(base / "wheels", name, "1.0"))
        project = make_project(base)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV", "ENVLINT_"))}
        env.update(HOME=str(base), XDG_CACHE_HOME=str(base / "cache"), NO_COLOR="1")
        common = ["--index-url", server.url, "--cache-dir", str(base / "index-cache")]
        subprocess.run([envlint, "--no-env", "--no-offline", *common], cwd=project, env=env, capture_output=True)
        warmed = len(server.log)
        cases = {"envlint --no-env --offline (the hook)": [envlint, "--no-env", "--offline", *common]}
        if ruff:
            cases["ruff check"] = [ruff, "check", "--no-cache", "--quiet", "."]
        times: dict[str, list[tuple[float, float, int]]] = {name: [] for name in cases}
        for name, cmd in cases.items():  # one warm-up each
            _time(cmd, project, env)
        for _ in range(repeat):
            for name, cmd in cases.items():
                times[name].append(_time(cmd, project, env))
        assert len(server.log) == warmed, "the hook asked the index"
        for name, samples in times.items():
            walls = [w for w, _, _ in samples]
            rows.append({"benchmark": "hook, 30 files, warm cache", "tool": name,
                         "median_s": round(statistics.median(walls), 3), "best_s": round(min(walls), 3),
                         "cpu_s": round(statistics.median(c for _, c, _ in samples), 3),
                         "requests": len(server.log) - warmed if name.startswith("envlint") else None})
    return rows


def verdicts(rows: list[dict]) -> list[str]:
    hook = next(r for r in rows if r["tool"].startswith("envlint"))
    ok = hook["median_s"] <= TARGET_S
    return [f"hook median {hook['median_s']} s (cpu {hook['cpu_s']} s): target <= {TARGET_S} s "
            f"{'met' if ok else 'NOT met'}; {hook['requests']} index requests"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rows = run(args.repeat)
    columns = list(rows[0])
    print(" | ".join(columns))
    for r in rows:
        print(" | ".join(str(r[c]) for c in columns))
    for line in verdicts(rows):
        print(line)


if __name__ == "__main__":
    main()
