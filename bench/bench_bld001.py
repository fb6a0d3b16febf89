"""BLD001 against real isolated builds: precision and recall over real sdists with build-time imports.

Each case is an sdist from the package index (``name==version``). Its label comes from a real build:
``pip wheel --no-deps <sdist>`` with build isolation, in a temporary directory, time-limited, with the
machine's pip configuration hidden (fake HOME, ``PIP_CONFIG_FILE=/dev/null``, no ``PIP_FIND_LINKS``), so
the build environment holds exactly what the sdist declares. A build that stops with
``ModuleNotFoundError: No module named 'X'`` is labelled *missing X*; one that produces a wheel is
labelled *wheel*, and one that reaches the C compiler without a ModuleNotFoundError is stopped there and
labelled *compiled* (both mean: nothing is missing); any other outcome (a Python error before compiling,
a timeout) is left unlabelled and shown.
envlint never runs these builds itself: only this benchmark does, to get the ground truth.

sdists and labels are cached under ``bench/.cache/bld001/`` (``labels.json``); later runs only re-run
envlint. Then ``envlint <unpacked sdist> --select BLD001 --offline --format json`` is compared with the
label:

- true positive: the build failed on X and BLD001 names X (as an import or its distribution);
- false negative: the build failed on X and BLD001 does not name X;
- false positive: the build made a wheel (or compiled) and BLD001 reports something, or the build failed on X and
  BLD001 names only other modules.

    python bench/bench_bld001.py               # label what is not cached yet, then score
    python bench/bench_bld001.py --relabel crick
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache" / "bld001"
LABELS = CACHE / "labels.json"
BUILD_TIMEOUT = 420

#: name==version, chosen for a setup.py that imports something at build time: at module level, in
#: functions called from setup() arguments, in pybind11-style include helpers, in cmdclass methods,
#: behind ``except ImportError`` fallbacks, or after sys.path edits.
CASES = [
    "crick==0.0.3", "pyemd==0.5.1", "hdbscan==0.8.26", "lap==0.4.0", "fasttext==0.9.2", "cyvcf2==0.30.14",
    "madmom==0.16.1", "nmslib==2.1.1", "hnswlib==0.7.0", "torch-scatter==2.1.2", "ripser==0.6.0",
    "POT==0.7.0", "bx-python==0.8.9", "scs==2.1.2", "osqp==0.6.1", "qdldl==0.1.5", "ecos==2.0.7.post1",
    "fastdtw==0.3.4", "python-crfsuite==0.9.7", "wordcloud==1.8.1", "cytoolz==0.10.1", "line_profiler==2.1.2",
    "editdistance==0.5.3", "pyxDamerauLevenshtein==1.5.3", "dtaidistance==2.2.5", "pyclipper==1.1.0.post3",
    "pysptk==0.1.18", "scikit-fmm==2019.1.30", "implicit==0.4.4", "pykdtree==1.3.1", "cyordereddict==1.0.0",
    "pyjnius==1.2.1", "python-Levenshtein==0.12.0", "pyhacrf==0.1.2", "pybloomfiltermmap3==0.5.3",
    "fastcluster==1.1.26", "word2vec==0.10.2", "pyfasttext==0.4.6", "glove_python==0.1.0",
    "pycocotools==2.0.2", "Bottleneck==1.2.1", "numpy-quaternion==2019.12.11.22.25.52",
    "torch-sparse==0.6.18", "torch-cluster==1.6.3", "simplejson==3.17.0", "pyrsistent==0.17.3",
    "tinyarray==1.2.3", "PyWavelets==1.1.1", "mahotas==1.4.9", "gensim==3.8.1", "pomegranate==0.11.1",
    "pyworld==0.2.10", "numba==0.48.0", "PyYAML==5.3", "msgpack==1.0.0", "kiwisolver==1.1.0", "cftime==1.0.4.2",
    "tslearn==0.4.1", "hmmlearn==0.2.3", "pesq==0.0.1", "blis==0.4.1", "cymem==2.0.3",
    "hnswlib==0.4.0", "nmslib==2.0.6", "cvxpy==1.0.25", "ctc-segmentation==1.1.0", "KDEpy==1.0.10",
    "ncls==0.0.57", "spectrum==0.7.6", "statsmodels==0.9.0", "fasttext==0.9.1",
]


def hidden_pip_env(home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(HOME=home, PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_NO_INPUT="1", PIP_DEFAULT_TIMEOUT="60")
    return env


def fetch_sdist(case: str) -> Path | None:
    """The sdist file of ``name==version``, downloaded once from the default index (PyPI's endpoint comes
    from pypi-simple, never spelled here) and checked against its published digest."""
    name, version = case.split("==")
    folder = CACHE / "sdists"
    folder.mkdir(parents=True, exist_ok=True)
    for existing in folder.glob(f"{case.replace('==', '-')}.*"):
        return existing
    from pypi_simple import PyPISimple

    with PyPISimple() as client:
        page = client.get_project_page(name)
    for package in page.packages:
        if package.version == version and package.package_type == "sdist":
            import requests

            body = requests.get(package.url, timeout=120).content
            want = package.digests.get("sha256")
            if want and hashlib.sha256(body).hexdigest() != want:
                raise RuntimeError(f"{case}: digest mismatch")
            suffix = ".zip" if package.filename.endswith(".zip") else ".tar.gz"
            target = folder / f"{case.replace('==', '-')}{suffix}"
            target.write_bytes(body)
            return target
    return None


def unpack(sdist: Path) -> Path:
    """The project directory inside the sdist, unpacked once under bench/.cache/bld001/src/."""
    dest = CACHE / "src" / sdist.name.removesuffix(".tar.gz").removesuffix(".zip")
    if not dest.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=CACHE))
        if sdist.suffix == ".zip":
            with zipfile.ZipFile(sdist) as zf:
                zf.extractall(tmp)
        else:
            with tarfile.open(sdist) as tf:
                tf.extractall(tmp, filter="data")
        tops = [p for p in tmp.iterdir() if p.is_dir()]
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(tops[0] if len(tops) == 1 else tmp), dest)
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


_MISSING = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")
#: The compiler's first command line for one of the package's own sources (setuptools echoes it): the
#: build has got past setup.py's imports, the command classes' set-up and the include-path helpers.
#: A probe of a temporary file (``has_flag()`` compiling /tmp/tmpXXXX.cpp) comes before
#: ``build_extensions`` imports pybind11 or numpy, so it does not count.
_COMPILER = re.compile(r"^\s*(?:\S*-)?(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+|nvcc)\s.*\s-c\s+(?!/tmp/)\S")


def label(sdist: Path) -> dict[str, object]:
    """Build the sdist with pip in isolation (verbose, so setup.py's output streams) and read the outcome.

    A build that reaches the C compiler without a ModuleNotFoundError is stopped there and labelled
    ``compiled``: every import that setup.py, its helpers and the command classes run before compiling
    has succeeded, and compiling large extensions on a shared machine would only add minutes."""
    with tempfile.TemporaryDirectory(prefix="bld001-") as tmp:
        env = hidden_pip_env(tmp)
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", f"{tmp}/out",
                                 str(sdist)], cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace", start_new_session=True)
        log: list[str] = []
        outcome = None
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line)
            if _MISSING.search(line):
                continue
            if _COMPILER.search(line) and not _MISSING.search("".join(log)):
                outcome = "compiled"
                break
            if time.monotonic() - started > BUILD_TIMEOUT:
                outcome = "timeout"
                break
        if outcome is not None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
        seconds = round(time.monotonic() - started, 1)
        text = "".join(log)
        found = _MISSING.findall(text)
        if found:
            return {"outcome": "missing", "module": found[0], "seconds": seconds}
        if outcome is not None:
            return {"outcome": outcome, "seconds": seconds}
        if proc.returncode == 0 and list(Path(tmp, "out").glob("*.whl")):
            return {"outcome": "wheel", "seconds": seconds}
        tail = [line.strip() for line in log if line.strip()][-6:]
        return {"outcome": "other", "seconds": seconds, "tail": tail}


def load_labels() -> dict[str, dict[str, object]]:
    return json.loads(LABELS.read_text()) if LABELS.is_file() else {}


def save_labels(labels: dict[str, dict[str, object]]) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    LABELS.write_text(json.dumps(labels, indent=1, sort_keys=True) + "\n")


def ensure_labels(cases: list[str], relabel: set[str]) -> dict[str, dict[str, object]]:
    labels = load_labels()
    for case in cases:
        if case in labels and case.split("==")[0] not in relabel:
            continue
        try:
            sdist = fetch_sdist(case)
        except Exception as exc:  # noqa: BLE001 - a bench row, not a crash
            labels[case] = {"outcome": "unavailable", "why": str(exc)[:200]}
            save_labels(labels)
            continue
        if sdist is None:
            labels[case] = {"outcome": "unavailable", "why": "no sdist of that version"}
        else:
            labels[case] = label(sdist)
        print(f"labelled {case}: {labels[case]}", file=sys.stderr, flush=True)
        save_labels(labels)
    return labels


def envlint_findings(project: Path, source: Path | None = None) -> list[dict[str, object]]:
    """BLD001's findings on ``project``; ``source``: run the envlint of that source tree instead (a checkout
    of another revision, with ``envlint/rules`` linked to its ``rules/``), to compare."""
    with tempfile.TemporaryDirectory(prefix="bld001-envlint-") as tmp:
        env = hidden_pip_env(tmp)
        if source is not None:
            env["PYTHONPATH"] = str(source)
        done = subprocess.run([sys.executable, "-m", "envlint", str(project), "--select", "BLD001", "--offline",
                               "--format", "json", "--no-cache", "--isolated", "--no-env"],
                              env=env, capture_output=True, text=True,
                              timeout=300, cwd=tmp)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"envlint failed on {project}: {done.stderr[-2000:]}") from None
    return [f for f in report.get("diagnostics", []) if f.get("code") == "BLD001"]


def names_module(finding: dict[str, object], module: str) -> bool:
    top = module.split(".")[0].lower()
    message = str(finding.get("message", "")).lower()
    return f"imports {top} " in message or f"imports {top}," in message or f"({top})" in message \
        or f"({top.replace('_', '-')})" in message


def score(labels: dict[str, dict[str, object]], cases: list[str], source: Path | None = None
          ) -> list[dict[str, object]]:
    rows = []
    for case in cases:
        lab = labels.get(case, {})
        outcome = lab.get("outcome")
        if outcome not in ("wheel", "compiled", "missing"):
            rows.append({"case": case, "label": outcome, "verdict": "unlabelled", "reported": ""})
            continue
        project = unpack(fetch_sdist(case))  # type: ignore[arg-type]
        findings = envlint_findings(project, source)
        reported = sorted({str(f["message"]).split(" imports ", 1)[-1].split(" ", 1)[0] for f in findings})
        if outcome in ("wheel", "compiled"):
            verdict = "FP" if findings else "TN"
        elif _no_distribution(str(lab["module"])):
            verdict = "n/a"  # a module gone from the standard library or setuptools' distutils: no build
            #                  requirement brings it back, so it is not BLD001's to report
        else:
            module = str(lab["module"])
            if any(names_module(f, module) for f in findings):
                verdict = "TP"
            else:
                verdict = "FN+FP" if findings else "FN"
        rows.append({"case": case, "label": outcome if outcome != "missing" else f"missing {lab['module']}",
                     "verdict": verdict, "reported": ",".join(reported)})
    return rows


def _no_distribution(module: str) -> bool:
    return module.split(".")[0] in ("distutils", "imp", "asynchat", "asyncore", "smtpd")


def summary(rows: list[dict[str, object]]) -> dict[str, object]:
    tp = sum(r["verdict"] == "TP" for r in rows)
    fp = sum(r["verdict"] in ("FP", "FN+FP") for r in rows)
    fn = sum(r["verdict"] in ("FN", "FN+FP") for r in rows)
    labelled = sum(r["verdict"] not in ("unlabelled", "n/a") for r in rows)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"labelled": labelled, "tp": tp, "fp": fp, "fn": fn,
            "precision": round(precision, 3), "recall": round(recall, 3)}


def run(relabel: tuple[str, ...] = (), cases: list[str] | None = None) -> list[dict[str, object]]:
    chosen = cases or CASES
    labels = ensure_labels(chosen, set(relabel))
    rows = score(labels, chosen)
    total = summary(rows)
    return [{"benchmark": "bld001", "tool": "envlint BLD001", **total}]


def verdicts(rows: list[dict[str, object]]) -> list[str]:
    row = rows[0]
    ok = float(row["precision"]) >= 0.95 and float(row["recall"]) >= 0.95  # type: ignore[arg-type]
    return [f"target precision and recall >= 0.95: {'met' if ok else 'NOT met'}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relabel", nargs="*", default=[], help="distribution names to build again")
    parser.add_argument("--relabel-outcome", nargs="*", default=[],
                        help="build again every case whose cached label has this outcome (compiled, other)")
    parser.add_argument("--label-only", action="store_true", help="download and build, do not score")
    parser.add_argument("--baseline", type=Path, metavar="SRC",
                        help="score the envlint of this source tree (e.g. an export of main) instead")
    parser.add_argument("--score-only", action="store_true", help="use the cached labels, build nothing")
    parser.add_argument("--only", nargs="*", help="cases (name==version) to use instead of the full list")
    args = parser.parse_args()
    chosen = args.only or CASES
    again = set(args.relabel) | {c.split("==")[0] for c, lab in load_labels().items()
                                 if lab.get("outcome") in args.relabel_outcome}
    labels = load_labels() if args.score_only else ensure_labels(chosen, again)
    if args.label_only:
        return 0
    rows = score(labels, chosen, args.baseline)
    for row in rows:
        print(f"{row['case']:<42} {str(row['label']):<30} {row['verdict']:<10} {row['reported']}")
    total = summary(rows)
    print(" ".join(f"{k}={v}" for k, v in total.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
