"""Source tree: envlint's data-file scan (DAT, cold and warm) against ruff and fawltydeps.

Builds (once, cached under bench/.cache/) a tree of about 2 million lines of real Python: the
Django, sympy, pandas and scipy wheels, unpacked (their Python sources and the test suites they
ship). Wheels rather than sdists: `pip download` of an sdist runs the project's build backend to get
its metadata (pandas' and scipy's compile with meson), and envlint's rule is never to run inspected
build code. A venv with ruff and fawltydeps is made beside it. Then, in one run on the same tree:

- `ruff check --select F401` (Rust, every file parsed; the bar),
- envlint `--select DAT --no-env` cold (no .envlint_cache/), cold with one process, and warm,
- fawltydeps `--list-imports` (parses every file in Python; once, it is slow),
- envlint with the same options on an empty directory: the start-up floor (interpreter, imports of
  every rule module) that every envlint run pays,

timed as whole commands (interpreter start-up included), median of --repeat runs, with the
children's CPU time. Targets: envlint cold within 5x ruff; warm under 10 % of cold.

    python bench/bench_tree.py [--repeat N] [--no-fawltydeps] [--tree DIR]
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
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
TREE = CACHE / "tree"
TOOLS = CACHE / "tree-tools"
#: Pinned so that runs compare: about 2.0 M lines of Python in about 4,800 files.
WHEELS = ["django==5.2.19", "sympy==1.14.0", "pandas==2.3.2", "scipy==1.16.3"]
PLATFORM = ["--platform", "manylinux2014_x86_64", "--python-version", "3.11", "--implementation", "cp"]
TOOLS_REQS = ["ruff", "fawltydeps"]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENVLINT_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(extra)
    return env


def _ensure_cache_dir() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    ignore = CACHE / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")


def ensure_tree(tree: Path = TREE) -> Path:
    """Download the pinned wheels (once) and unpack their Python files into ``tree``."""
    done = tree / ".complete"
    if done.is_file():
        return tree
    _ensure_cache_dir()
    dists = CACHE / "tree-wheels"
    print(f"building {tree} (one-off, needs the package index)...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                    *PLATFORM, "-d", str(dists), *WHEELS], check=True)
    if tree.exists():
        shutil.rmtree(tree)
    for wheel in sorted(dists.glob("*.whl")):
        dest = tree / wheel.name.split("-", 1)[0].lower()
        with zipfile.ZipFile(wheel) as zf:
            for info in zf.infolist():
                if info.filename.endswith((".py", ".pyi", ".ipynb")) and ".." not in info.filename:
                    zf.extract(info, dest)
    done.write_text("\n".join(WHEELS) + "\n")
    return tree


def ensure_tools(venv: Path = TOOLS) -> dict[str, Path | None]:
    """A venv with ruff and fawltydeps (fawltydeps is optional: None when it does not install)."""
    bin_dir = venv / "bin"
    if not (venv / "pyvenv.cfg").is_file():
        _ensure_cache_dir()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "ruff"], check=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "fawltydeps"], check=False)
    return {name: (bin_dir / name if (bin_dir / name).exists() else None) for name in TOOLS_REQS}


def ensure_envlint(venv: Path = CACHE / "tree-envlint") -> Path:
    """envlint as users install it (``pip install .``, not the editable development install, whose
    import hook costs every run a few milliseconds), refreshed from this checkout on every call."""
    bin_dir = venv / "bin"
    if not (venv / "pyvenv.cfg").is_file():
        _ensure_cache_dir()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(HERE.parent)], check=True)
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
                    str(HERE.parent)], check=True, capture_output=True)
    return bin_dir / "envlint"


def count_lines(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for path in tree.rglob("*.py"):
        files += 1
        with path.open("rb") as fh:
            lines += sum(1 for _ in fh)
    return files, lines


def measure(cmd: list[str], cwd: Path, env: dict[str, str], before=None) -> tuple[float, float]:
    """Wall seconds and the child's CPU seconds (user + system) of one run."""
    if before is not None:
        before()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def series(cmd: list[str], cwd: Path, env: dict[str, str], repeat: int, before=None) -> dict[str, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = measure(cmd, cwd, env, before)
        walls.append(wall)
        cpus.append(cpu)
    return {"median_s": statistics.median(walls), "best_s": min(walls), "cpu_s": statistics.median(cpus)}


def run(repeat: int = 3, fawltydeps: bool = True, tree: Path | None = None) -> list[dict[str, object]]:
    tree = ensure_tree() if tree is None else tree
    tools = ensure_tools()
    files, lines = count_lines(tree)
    env = _clean_env()
    cache = tree / ".envlint_cache"

    def drop_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    # The console script of a regular install, as users run it.
    command = [str(ensure_envlint())]
    options = ["--select", "DAT", "--no-env", "--isolated", "--exit-zero", "--format", "json", "--output", os.devnull]
    envlint = [*command, str(tree), *options]
    # --no-respect-gitignore: the tree sits in bench/.cache/, which git (and so ruff) ignores; envlint
    # lints the PATH it is given even when an ancestor .gitignore lists it.
    ruff = [str(tools["ruff"]), "check", "--select", "F401", "--no-cache", "--isolated", "--exit-zero", "-q",
            "--no-respect-gitignore", str(tree)]
    # warm the OS file cache for everyone, then interleave nothing: each tool's runs back to back
    series(ruff, tree, env, 1)
    results: list[tuple[str, dict[str, float]]] = [
        ("ruff check --select F401", series(ruff, tree, env, repeat)),
        ("envlint --select DAT (cold)", series(envlint, tree, env, repeat, before=drop_cache)),
        ("envlint --select DAT (cold, 1 process)", series(envlint, tree, _clean_env(ENVLINT_JOBS="1"), 1,
                                                         before=drop_cache)),
    ]
    series(envlint, tree, env, 1, before=drop_cache)  # fill the cache
    # warm runs are short and noisier: at least 10 of them
    results.append(("envlint --select DAT (warm)", series(envlint, tree, env, max(repeat, 10))))
    with tempfile.TemporaryDirectory() as empty:
        floor = [*command, empty, *options]
        results.append(("envlint start-up floor (empty dir)", series(floor, Path(empty), env, max(repeat, 10))))
    if fawltydeps and tools.get("fawltydeps"):
        fd = [str(tools["fawltydeps"]), "--list-imports", "--code", str(tree)]
        results.append(("fawltydeps --list-imports", series(fd, tree, env, 1)))
    ruff_s = results[0][1]["median_s"]
    cold_s = results[1][1]["median_s"]
    rows: list[dict[str, object]] = []
    for tool, r in results:
        rows.append({
            "benchmark": "source tree", "tool": tool,
            "files": 0 if "empty dir" in tool else files, "lines": 0 if "empty dir" in tool else lines,
            "median_s": round(r["median_s"], 3), "best_s": round(r["best_s"], 3), "cpu_s": round(r["cpu_s"], 3),
            "x_ruff": round(r["median_s"] / ruff_s, 2),
            "pct_of_cold": round(100 * r["median_s"] / cold_s, 1) if tool.startswith("envlint") else None,
        })
    return rows


def verdicts(rows: list[dict[str, object]]) -> list[str]:
    by_tool = {str(r["tool"]): r for r in rows}
    cold = by_tool.get("envlint --select DAT (cold)")
    warm = by_tool.get("envlint --select DAT (warm)")
    floor = by_tool.get("envlint start-up floor (empty dir)")
    out = []
    if cold:
        ok = float(cold["x_ruff"]) <= 5  # type: ignore[arg-type]
        out.append(f"target cold <= 5x ruff: {cold['x_ruff']}x -> {'met' if ok else 'MISSED'}")
    if warm:
        ok = float(warm["pct_of_cold"]) < 10  # type: ignore[arg-type]
        out.append(f"target warm < 10% of cold: {warm['pct_of_cold']}% -> {'met' if ok else 'MISSED'}")
        if floor and cold:
            scan = float(warm["median_s"]) - float(floor["median_s"])  # type: ignore[arg-type]
            out.append(f"warm scan beyond start-up: {scan:.3f} s = "
                       f"{100 * scan / float(cold['median_s']):.1f}% of cold")  # type: ignore[arg-type]
    return out


def print_table(rows: list[dict[str, object]], stream=sys.stdout) -> None:
    keys = list(rows[0])
    cells = [[("" if r[k] is None else str(r[k])) for k in keys] for r in rows]
    widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(keys)]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths)), file=stream)
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths)), file=stream)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-fawltydeps", action="store_true", help="skip fawltydeps (it takes minutes)")
    parser.add_argument("--tree", type=Path, help="benchmark this tree instead of the downloaded one")
    args = parser.parse_args()
    rows = run(args.repeat, not args.no_fawltydeps, args.tree)
    print_table(rows)
    for line in verdicts(rows):
        print(line)


if __name__ == "__main__":
    main()
