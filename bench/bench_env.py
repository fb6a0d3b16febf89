"""Environment scan: envlint (every environment rule, ELF included, offline) against `pip check`.

Builds (once, cached under bench/.cache/env-200) a 200+-distribution venv with pandas,
dask[complete], scikit-learn, jupyterlab, matplotlib, pyarrow, sqlalchemy, boto3 and friends, then
times both tools in the same run as whole commands (interpreter start-up included) and records
each command's peak memory (max RSS of the child process).

    python bench/bench_env.py [--env DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
PACKAGES = ["pandas", "dask[complete]", "scikit-learn", "jupyterlab", "matplotlib", "pyarrow", "sqlalchemy",
            "boto3", "seaborn", "statsmodels", "flask", "fastapi", "plotly", "google-cloud-storage",
            "azure-storage-blob", "sphinx", "pytest", "black", "mypy", "apache-beam", "xgboost", "typer", "httpx",
            "mlflow-skinny"]
ENV_RULES = "PIN001,PIN002,PIN004,SRC002,SRC003,LOC001,SYS001,SYS002,SYS003,BLD004,PLT001,EL001"


def ensure_env(path: Path) -> Path:
    if (path / "pyvenv.cfg").is_file():
        return path
    print(f"building {path} (one-off, needs the package index)...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    pip = [str(path / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "-U", "pip"], check=True)
    subprocess.run([*pip, *PACKAGES], check=True)
    return path


def measure(cmd: list[str], repeat: int, cwd: Path) -> tuple[float, float, int]:
    """Median seconds, best seconds, and peak RSS in KiB over ``repeat`` runs."""
    times, peak = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        times.append(time.perf_counter() - start)
        peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), min(times), peak


def count_dists(env: Path) -> int:
    return sum(1 for _ in env.glob("lib/python3*/site-packages/*.dist-info"))


def run(env: Path | None = None, repeat: int = 5) -> list[dict[str, object]]:
    env = ensure_env(env or CACHE / "env-200")
    n = count_dists(env)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        envlint = [sys.executable, "-m", "envlint", str(root), "--prefix", str(env), "--offline",
                   "--cache-dir", str(CACHE / "index-cache"), "--select", ENV_RULES, "--format", "json", "--isolated"]
        pip_check = [str(env / "bin" / "python"), "-m", "pip", "check"]
        # the default run (issue 13): every rule, offline, as `envlint --prefix ENV --offline` runs
        default = [a for a in envlint if a not in ("--select", ENV_RULES)]
        measure(envlint, 1, root)  # warm the OS file cache (and the index cache) for both
        measure(default, 1, root)
        measure(pip_check, 1, root)
        e_runs, d_runs, p_runs = [], [], []
        for _ in range(repeat):  # alternate, so all see the same machine load
            e_runs.append(measure(envlint, 1, root))
            d_runs.append(measure(default, 1, root))
            p_runs.append(measure(pip_check, 1, root))
        e_med = statistics.median(r[0] for r in e_runs)
        e_best = min(r[1] for r in e_runs)
        e_rss = max(r[2] for r in e_runs)
        p_med = statistics.median(r[0] for r in p_runs)
        p_best = min(r[1] for r in p_runs)
        p_rss = max(r[2] for r in p_runs)
        d_med = statistics.median(r[0] for r in d_runs)
    return [
        {"benchmark": "env scan", "tool": "envlint --offline (all rules, default)", "dists": n,
         "median_s": round(d_med, 3), "best_s": round(min(r[1] for r in d_runs), 3),
         "peak_rss_mib": round(max(r[2] for r in d_runs) / 1024, 1), "ratio_vs_pip_check": round(d_med / p_med, 2)},
        {"benchmark": "env scan", "tool": "envlint --offline (env rules)", "dists": n, "median_s": round(e_med, 3),
         "best_s": round(e_best, 3), "peak_rss_mib": round(e_rss / 1024, 1),
         "ratio_vs_pip_check": round(e_med / p_med, 2)},
        {"benchmark": "env scan", "tool": "pip check", "dists": n, "median_s": round(p_med, 3),
         "best_s": round(p_best, 3), "peak_rss_mib": round(p_rss / 1024, 1), "ratio_vs_pip_check": 1.0},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", type=Path, help="an existing venv to scan instead of the cached one")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = run(args.env, args.repeat)
    keys = list(rows[0])
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(str(row[k]) for k in keys))


if __name__ == "__main__":
    main()


def verdicts(rows: list[dict[str, object]]) -> list[str]:
    out = []
    for row in rows[:2]:
        ratio = float(row["ratio_vs_pip_check"])  # type: ignore[arg-type]
        ok = "MET" if ratio <= 1.0 else "MISSED"
        out.append(f"env scan, {row['tool']}: envlint/pip check = {ratio:.2f} (target <= 1.00): {ok}")
    return out
