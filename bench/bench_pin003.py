"""PIN003 over real ML/data projects' declared requirements: cold and warm time, cache size.

The projects' requirement files are stored under ``bench/data/pin003/<project>/`` (each file's first
line says which public repository and commit it comes from): MiniGPT-4 (environment.yml with
``python=3.9``), LLaVA (pyproject.toml, ``requires-python >= 3.8``, torch==2.1.2), Stability-AI's
generative-models, AllenNLP (torch<1.12) and text-generation-webui: 20 to 60 requirements each.

Each project is copied to a temporary directory and the real CLI runs on it as a user would, online
(``--select PIN003 --no-env``): once with an empty cache (**cold**), then again (**warm**). The
machine's pip configuration is hidden (``PIP_CONFIG_FILE=/dev/null``, no ``PIP_*`` variables, a
temporary HOME); the cache is a temporary directory, never the user cache.

    python bench/bench_pin003.py [--only llava allennlp]

Targets (issue 13): cold <= 8 s and warm <= 1 s per project, the cache <= 100 MB for all of them,
and no "could not decide" caused by a file's size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "pin003"

#: Projects whose files say nothing about their Python: judged for the Python of their era.
TARGET_PYTHON = {"allennlp": "3.8", "generative-models": "3.10", "text-generation-webui": "3.11"}
COLD_TARGET, WARM_TARGET, CACHE_TARGET_MB = 8.0, 1.0, 100.0


def clean_env(home: Path) -> dict[str, str]:
    """The process environment with the machine's pip/uv/envlint settings hidden (CA settings kept)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV", "CONDA_", "PYTHON", "ENVLINT_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    return env


def cache_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / (1024 * 1024)


def run_once(project: Path, cache: Path, env: dict[str, str], target: str | None) -> tuple[float, float, dict]:
    """Wall seconds, CPU seconds (user + system) and the JSON report of one CLI run."""
    cmd = [sys.executable, "-m", "envlint", str(project), "--no-env", "--select", "PIN003", "--format", "json",
           "--cache-dir", str(cache)]
    if target:
        cmd += ["--target-python", target]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env)
        _, _, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        report = {"diagnostics": [], "skipped": [{"what": "bench", "reason": stderr.strip()[-300:]}]}
    return elapsed, usage.ru_utime + usage.ru_stime, report


def declared_count(project: Path) -> int:
    from envlint.config import load
    from envlint.facts import Context

    ctx = Context(load(project, {"offline": True}, no_env=True))
    return len({d.raw for d in ctx.get("project").requirements})


def run(only: list[str] | None = None) -> list[dict]:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="envlint-bench-pin003-") as tmp:
        root = Path(tmp)
        env = clean_env(root / "home")
        caches = []
        for source in sorted(DATA.iterdir()):
            if only and source.name not in only:
                continue
            project = root / source.name
            shutil.copytree(source, project)
            cache = root / "cache" / source.name
            caches.append(cache)
            target = TARGET_PYTHON.get(source.name)
            row: dict = {"benchmark": "pin003", "tool": source.name, "declared": declared_count(project)}
            for case in ("cold", "warm"):
                elapsed, cpu, report = run_once(project, cache, env, target)
                row[f"{case}_s"] = round(elapsed, 2)
                row[f"{case}_cpu_s"] = round(cpu, 2)
                if case == "cold":
                    row["python"] = f"{report.get('target', {}).get('python')} ({report.get('target', {}).get('python_source')})"
                    row["findings"] = len(report.get("diagnostics", []))
                    undecided = [s["reason"] for s in report.get("skipped", [])]
                    row["skipped"] = len(undecided)
                    row["size_undecided"] = sum("MB" in r for r in undecided)
                    row["skip_reasons"] = "; ".join(undecided)[:300]
            row["cache_mb"] = round(cache_mb(cache), 1)
            rows.append(row)
        total = sum(cache_mb(c) for c in caches)
        rows.append({"benchmark": "pin003", "tool": "all projects", "cache_mb": round(total, 1)})
    return rows


def verdicts(rows: list[dict]) -> list[str]:
    projects = [r for r in rows if "cold_s" in r]
    total = next((r["cache_mb"] for r in rows if r["tool"] == "all projects"), 0.0)
    return [
        f"cold <= {COLD_TARGET:g} s: {'met' if all(r['cold_s'] <= COLD_TARGET for r in projects) else 'NOT met'}",
        f"warm <= {WARM_TARGET:g} s: {'met' if all(r['warm_s'] <= WARM_TARGET for r in projects) else 'NOT met'}",
        f"cache <= {CACHE_TARGET_MB:g} MB (all projects: {total} MB): {'met' if total <= CACHE_TARGET_MB else 'NOT met'}",
        "no undecided because of a file's size: "
        + ("met" if not any(r.get("size_undecided") for r in projects) else "NOT met"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    rows = run(args.only)
    keys = ["tool", "declared", "python", "cold_s", "cold_cpu_s", "warm_s", "warm_cpu_s", "cache_mb", "findings",
            "skipped", "size_undecided"]
    print(" | ".join(keys))
    for r in rows:
        print(" | ".join(str(r.get(k, "")) for k in keys))
    for r in rows:
        if r.get("skip_reasons"):
            print(f"{r['tool']}: skipped: {r['skip_reasons']}")
    for line in verdicts(rows):
        print(line)
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
