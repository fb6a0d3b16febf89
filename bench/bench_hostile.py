"""Hostile inputs at their largest (issue 15): wall time and peak resident memory of one envlint run each.

Each case is the largest of its kind the issue names (or the size cap that now bounds it), built
once under ``bench/.cache/hostile/`` from files only (no index, no network), and run as a user
runs it: ``python -m envlint`` in a process of its own, ``--offline --isolated``. ``peak_rss_mib``
is the child's ``ru_maxrss`` as ``wait4`` reports it (its worker processes included). Target:
every run <= 30 s and <= 1 GB.

    python bench/bench_hostile.py
    python bench/bench_hostile.py --only metadata elf
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # run as a script or from run_all: bench_tree's table printer

from bench_tree import print_table  # noqa: E402
CACHE = HERE / ".cache" / "hostile"
KNOWN = 'import pandas as pd\n\ndf = pd.read_csv("local_data.csv")\n'
MAX_SECONDS, MAX_MIB = 30.0, 1024
PY = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _project(name: str) -> Path:
    root = CACHE / name
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "analysis.py").write_text(KNOWN)
    return root


def _venv(name: str, dists: dict[str, dict[str, bytes | str]]) -> Path:
    """A venv made of files only: pyvenv.cfg and dist-info directories (envlint reads files)."""
    prefix = CACHE / name
    if prefix.exists():
        shutil.rmtree(prefix)
    site = prefix / "lib" / f"python{PY}" / "site-packages"
    site.mkdir(parents=True)
    (prefix / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {PY}.0\n")
    for dist, files in dists.items():
        for rel, data in files.items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.encode() if isinstance(data, str) else data)
        (site / f"{dist}-1.0.dist-info" / "INSTALLER").write_text("pip\n")
    return prefix


def _meta(name: str, extra: str = "") -> str:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n{extra}"


# -- the cases: each returns the CLI arguments --------------------------------------------------------

def requirements_spaces() -> list[str]:
    root = _project("requirements-spaces")
    (root / "requirements.txt").write_text("numpy" + " " * (2 * 1024 * 1024 - 100) + "x\n")
    return [str(root), "--no-env"]


def requirements_includes() -> list[str]:
    root = _project("requirements-includes")
    (root / "requirements.txt").write_text("-r x\n" * (2 * 1024 * 1024 // 5 - 10))
    return [str(root), "--no-env"]


def environment_yml() -> list[str]:
    root = _project("environment-yml")
    (root / "environment.yml").write_text(
        "dependencies:\n  - pip:\n    - numpy" + " " * (2 * 1024 * 1024 - 100) + "x #c\n")
    return [str(root), "--no-env"]


def toml_keys() -> list[str]:
    root = _project("toml-keys")
    (root / "pyproject.toml").write_text("[" + ".".join(f"k{i}" for i in range(100_000)) + "]\n")
    return [str(root), "--no-env"]


def gitignore() -> list[str]:
    root = _project("gitignore")
    (root / ".gitignore").write_text("".join(f"p{i}\n" for i in range(300_000))[: 2 * 1024 * 1024 - 10])
    return [str(root), "--no-env"]


def setup_py_tuple() -> list[str]:
    root = _project("setup-py-tuple")
    (root / "setup.py").write_text("from setuptools import setup\nX = (" + "1," * 1_000_000 + ")\nsetup()\n")
    return [str(root), "--no-env"]


def large_module() -> list[str]:
    root = _project("large-module")
    (root / "tables.py").write_text('open("t.csv")\nT = (' + "1," * 4_900_000 + ")\n")
    return [str(root), "--no-env"]


def metadata_folded() -> list[str]:
    venv = _venv("metadata-venv", {"folded": {
        "folded-1.0.dist-info/METADATA": _meta("folded", "Summary: s\n" + " x\n" * 2_000_000)}})
    return [str(_project("metadata")), "--prefix", str(venv)]


def elf_needed() -> list[str]:
    sys.path.insert(0, str(REPO))  # the checkout, for tests.*
    from tests.integration.hostile_elf import shared_object

    platform = "linux_x86_64"
    venv = _venv("elf-venv", {"needsmany": {
        "needsmany-1.0.dist-info/METADATA": _meta("needsmany"),
        "needsmany-1.0.dist-info/WHEEL": f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp3-cp3-{platform}\n",
        "needsmany-1.0.dist-info/RECORD": "needsmany/_ext.so,,\n",
        "needsmany/_ext.so": shared_object(["libfoo.so.1"], repeat_first=8_000_000),  # 128 MB
    }})
    return [str(_project("elf")), "--prefix", str(venv)]


def inspect_device() -> list[str]:
    return [str(_project("inspect-device")), "--inspect", "/dev/zero"]


def inspect_fifo() -> list[str]:
    root = _project("inspect-fifo")
    fifo = CACHE / "report.fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    return [str(root), "--inspect", str(fifo)]


def chatty_python() -> list[str]:
    fake = CACHE / "chatty" / "bin" / "python3"
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_text("#!/bin/sh\nexec head -c 1000000000 /dev/zero\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return [str(_project("chatty-python")), "--python", str(fake)]


CASES: dict[str, tuple[str, Callable[[], list[str]]]] = {
    "requirements-spaces": ("requirements.txt: one line of 2 MB of spaces", requirements_spaces),
    "requirements-includes": ("requirements.txt: 419,000 '-r x' lines", requirements_includes),
    "environment-yml": ("environment.yml: a pip item of 2 MB of spaces", environment_yml),
    "toml": ("pyproject.toml: a header of 100,000 dotted keys", toml_keys),
    "gitignore": (".gitignore: 2 MB, 280,000 patterns", gitignore),
    "setup-py": ("setup.py: 2 MB, one flat tuple", setup_py_tuple),
    "module": ("a 9.8 MB module in the scan", large_module),
    "metadata": ("METADATA with 2,000,000 folded lines", metadata_folded),
    "elf": ("a 128 MB ELF with 8,000,000 DT_NEEDED entries", elf_needed),
    "inspect-device": ("--inspect /dev/zero", inspect_device),
    "inspect-fifo": ("--inspect on a FIFO", inspect_fifo),
    "python": ("--python printing 1 GB", chatty_python),
}


def measure(argv: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit code of ``python -m envlint ARGV`` (killed after 120 s)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV", "CONDA_", "ENVLINT_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, HOME=str(CACHE / "home"), XDG_CACHE_HOME=str(CACHE / "xdg-cache"),
               XDG_CONFIG_HOME=str(CACHE / "home" / ".config"))
    cmd = [sys.executable, "-m", "envlint", *argv, "--offline", "--isolated", "--format", "json"]
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env,
                                cwd=CACHE)
        deadline = start + 120
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def build_in_child(key: str) -> list[str]:
    """Build a case in a process of its own: a child's ``ru_maxrss`` starts from the RSS of the process
    that forked it, so the 128 MB ELF must not be built in this one."""
    import json

    done = subprocess.run([sys.executable, __file__, "--build", key], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def run(only: list[str] | None = None) -> list[dict[str, object]]:
    CACHE.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    for key, (label, _) in CASES.items():
        if only and key not in only:
            continue
        argv = build_in_child(key)
        wall, peak, code = measure(argv)
        rows.append({"benchmark": "hostile", "tool": label, "seconds": round(wall, 2),
                     "peak_rss_mib": round(peak, 1), "exit": code,
                     "within_target": code in (0, 1) and wall <= MAX_SECONDS and peak <= MAX_MIB})
    return rows


def verdicts(rows: list[dict[str, object]]) -> list[str]:
    missed = [str(r["tool"]) for r in rows if not r["within_target"]]
    return [f"target every run <= {MAX_SECONDS:g} s and <= {MAX_MIB} MiB: "
            + ("met" if not missed else f"MISSED by {', '.join(missed)}")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="run only these cases")
    parser.add_argument("--build", choices=sorted(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        import json

        CACHE.mkdir(parents=True, exist_ok=True)
        print(json.dumps(CASES[args.build][1]()))
        return
    rows = run(args.only)
    print_table(rows)
    for line in verdicts(rows):
        print(line)


if __name__ == "__main__":
    main()
