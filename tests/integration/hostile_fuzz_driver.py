"""Run one envlint input reader over generated hostile inputs, inside a memory and time limit.

Started as a process of its own by tests/integration/test_hostile_fuzz.py (``python
hostile_fuzz_driver.py READER WORKDIR SIZE``): it lowers its own ``RLIMIT_AS`` and ``RLIMIT_CPU``,
then feeds the reader adversarial inputs at the size caps (long runs of what the format cares
about: spaces, dots, brackets, quotes, folds, NULs, invalid UTF-8) and seeded random mixes of the
format's significant characters. Every call runs under ``SIGALRM``. One JSON line per input:
reader, case, seconds, peak RSS so far and the exception, if any (a reader must report bad input
as a problem, never raise).
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

MEMORY_LIMIT = 2 * 1024 * 1024 * 1024
CALL_SECONDS = 20
#: Size of the adversarial templates (set by ``main``): the test runs each reader at two sizes and
#: compares the times, so that a quadratic reader shows at sizes far below the caps.
CAP = 256 * 1024
SEED = 15
RANDOM_CASES = 15


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Timeout(f"more than {CALL_SECONDS} s")


def _random(alphabet: str, rng: random.Random, size: int) -> str:
    runs = []
    while sum(map(len, runs)) < size:
        runs.append(rng.choice(alphabet) * rng.choice((1, 1, 2, 3, 50, 5000)))
    return "".join(runs)[:size]


def texts(significant: str, templates: list[str]) -> Iterator[tuple[str, str]]:
    """(case name, text): the templates, then seeded random mixes of ``significant`` characters."""
    for i, template in enumerate(templates):
        yield f"template-{i}", template
    rng = random.Random(SEED)
    for i in range(RANDOM_CASES):
        yield f"random-{i}", _random(significant, rng, rng.choice((10, 1000, CAP // 4)))


def fill(unit: str, prefix: str = "", suffix: str = "", size: int | None = None) -> str:
    size = CAP if size is None else size
    return prefix + unit * max(0, (size - len(prefix) - len(suffix)) // len(unit)) + suffix


# -- the readers --------------------------------------------------------------------------------------

def _problems() -> object:
    from envlint.diagnostics import Problems

    return Problems()


def requirements(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    from envlint.facts.formats import requirements as req

    templates = [fill(" ", "numpy", "x\n"), fill(" #", "a"), fill("\\\n"), fill("-r x\n"), fill("a @ "),
                 fill("[", "a"), fill("\x00"), fill(" ; python_version > '3'", "a")]
    for name, text in texts(" \t#\\-r@;[]=<>!~.,\"'\n\x00abc", templates):
        path = work / "requirements.txt"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        yield name, lambda path=path: req.parse_files([path], _problems(), work)


def environment_yml(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    from envlint.facts.formats import environment_yml as yml

    templates = ["dependencies:\n  - pip:\n" + fill("    - a\n"), "dependencies:\n  - pip:\n    - " + fill(" ", "x", "y #"),
                 fill(" ", "dependencies:\n  -", "\n"), fill("  - pip:\n", "dependencies:\n")]
    for name, text in texts(" -:#\"'\n\tpi", templates):
        path = work / "environment.yml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        yield name, lambda path=path: yml.parse(path, _problems())


def pyproject(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    from envlint.facts.formats import pyproject as pp

    templates = [fill("k.", "[", "x]\n"), fill("k.", "", "x = 1\n"), fill("[", "x = "), fill("{a=", "x = "),
                 fill('"', "x = "), fill('"a".', "[", "b]\n"), fill("[[a]]\n"), fill("a = 1\n")]
    for name, text in texts("[]{}.=\"'\n #ab", templates):
        path = work / "pyproject.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        yield name, lambda path=path: pp.load(path, _problems())


def setup_cfg(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    from envlint.facts.formats import setup_cfg as sc

    templates = ["[options]\ninstall_requires =\n" + fill("    a\n"), fill("[", "", "\n"), fill(" x\n", "[metadata]\na =\n")]
    for name, text in texts("[]=:\n ;#ab", templates):
        path = work / "setup.cfg"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        yield name, lambda path=path: sc.load(path, _problems())


def setup_py(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    from envlint.facts.formats import setup_py as sp

    templates = [fill("1,", "X = (", ")\n"), fill("(", "X = "), fill("-", "X = ", "1\n"), fill(" and a", "X = a"),
                 fill(".b", "X = a"), fill("[1,", "X = "), fill("'a' + ", "X = ", "'b'\n"),
                 fill("setup(name='a')\n", "from setuptools import setup\n")]
    for name, text in texts("()[]{},.+-*= \n'\"abc:", templates):
        yield name, lambda text=text: sp.parse(work / "setup.py", text)
        yield name + "-imports", lambda text=text: sp.ast_imports(work / "setup.py", text)


def ini(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    from envlint.facts.formats import ini as ini_doc

    templates = [fill("[", "", "\n"), "[global]\nindex-url =\n" + fill("  x\n"), fill("a=b\n", "[s]\n"), fill("%(", "[s]\na=")]
    for name, text in texts("[]=:%()\n #ab", templates):
        yield name, lambda text=text: ini_doc.parse(text)


def manifest_in(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    from envlint.facts.formats import manifest_in as mi

    files = [f"pkg/sub{i}/file{i}.py" for i in range(500)]
    templates = [fill("*", "include ", "\n"), fill("**/", "recursive-include pkg ", "x\n"),
                 fill("[", "global-include ", "\n"), fill("include a\n")]
    for name, text in texts("*?[]!/ \nabc", templates):
        yield name, lambda text=text: mi.evaluate(text, files)


def metadata(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    """A whole environment on disk: METADATA, RECORD, WHEEL, direct_url.json, .pth and egg-link files."""
    from envlint.facts.environment.locate import from_prefix
    from envlint.facts.environment.reader import read_environment

    cap = CAP * 4  # METADATA may be 8 MB
    prefix = work / "venv"
    site = prefix / "lib" / "python3.11" / "site-packages"
    dist = site / "hostile-1.0.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (prefix / "pyvenv.cfg").write_text("version = 3.11.7\n")
    head = "Metadata-Version: 2.1\nName: hostile\nVersion: 1.0\n"
    cases = {
        "folded": {"METADATA": head + fill(" x\n", "Summary: s\n", size=cap)},
        "requires": {"METADATA": head + fill("Requires-Dist: a[b,c]>=1; extra == 'x'\n", size=cap)},
        "record-climbs": {"METADATA": head, "RECORD": fill("../../../../etc/x.so,,\n", size=cap)},
        "record-quotes": {"METADATA": head, "RECORD": fill('"', size=cap)},
        "wheel": {"METADATA": head, "WHEEL": fill("Tag: py3-none-any\n", "Wheel-Version: 1.0\n", size=cap)},
        "direct-url": {"METADATA": head, "direct_url.json": fill("[", size=cap)},
        "nul": {"METADATA": fill("\x00", head, size=cap)},
    }
    rng = random.Random(SEED)
    for i in range(RANDOM_CASES):
        cases[f"random-{i}"] = {"METADATA": head + _random(":\n \tabc=;[]", rng, rng.choice((10, 100_000))),
                                "RECORD": _random(",\"\n./so", rng, 10_000)}
    (site / "hostile.pth").write_text(fill("../" * 10 + "x\n", size=200_000))
    for name, files in cases.items():
        def run(files: dict[str, str] = files) -> object:
            for old in dist.iterdir():
                old.unlink()
            for file_name, text in files.items():
                (dist / file_name).write_text(text, encoding="utf-8", errors="surrogatepass")
            return read_environment(from_prefix(prefix, "--prefix"), _problems())
        yield name, run


def inspect_report(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    from envlint.facts import FactUnavailable
    from envlint.facts.environment.inspect_report import python_version_of

    fifo = work / "report.fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    big = work / "big.json"
    with big.open("wb") as fh:  # larger than the 64 MB cap, sparse
        fh.truncate(65 * 1024 * 1024)

    def safe(path: Path) -> Callable[[], object]:
        def run() -> object:
            try:
                return python_version_of(path)
            except FactUnavailable as exc:  # the documented way to say "not a report"
                return str(exc)
        return run

    yield "fifo", safe(fifo)
    yield "device", safe(Path("/dev/zero"))
    yield "larger-than-cap", safe(big)
    deep = work / "deep.json"
    deep.write_text(fill("["))
    yield "deep", safe(deep)


def native(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for tests.*
    from tests.integration.hostile_elf import shared_object

    from envlint.facts.native.links import read_native_file

    elf = shared_object(["libfoo.so.1"])
    cases = {"many-needed": shared_object(["libfoo.so.1"], repeat_first=200_000),
             "past-table": shared_object(["libc.so.6"], offset_past_table=True),
             "macho-many-commands": bytes.fromhex("cffaedfe") + b"\xff" * 28 + b"\x00" * 1000}
    rng = random.Random(SEED)
    for i in range(RANDOM_CASES):  # flipped bytes in a valid file
        data = bytearray(elf)
        for _ in range(rng.choice((1, 4, 32))):
            data[rng.randrange(len(data))] = rng.randrange(256)
        cases[f"mutated-{i}"] = bytes(data)
    for name, data in cases.items():
        path = work / f"{name}.so"
        path.write_bytes(data)
        yield name, lambda path=path: read_native_file(path, "hostile", path.name, _problems())


def scan(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    from envlint.facts.code.data_reads import scan_bytes

    size = CAP * 2  # (a module may be 10 MB: the time check shows what would grow)
    templates = [fill("1,", 'open("a.csv")\nX = (', ")\n", size), fill("(", 'open("a.csv")\nX = ', "", size),
                 fill('open("a.csv")\n', size=size), fill(" ", "#", "\nopen('x')\n", size),
                 fill("a" * 1000 + ".", 'open("a.csv")\nX = ', "b\n", size)]
    for name, text in texts("()[]{},.'\"\n openread_csv#", templates):
        data = text.encode("utf-8", "surrogatepass")
        yield name, lambda data=data: scan_bytes("m.py", data)
    notebook = json.dumps({"cells": [{"cell_type": "code", "source": fill("1,", "open('a.csv')\nX = (", ")",
                                                                          size // 2)}]}).encode()
    yield "notebook", lambda: scan_bytes("n.ipynb", notebook)


def tree(work: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    from envlint.facts.code.tree import walk_tree

    root = work / "tree"
    (root / "a" / "b").mkdir(parents=True, exist_ok=True)
    (root / "a" / "b" / "m.py").write_text("x = 1\n")
    templates = [fill("*", "", "\n"), fill("**/", "", "x\n"), fill("[", "", "\n"),
                 fill("a\n"), fill("\\", "", "\n"), fill("!", "", "a\n")]
    for name, text in texts("*?[]!/\\\n #ab", templates):
        def run(text: str = text) -> object:
            (root / ".gitignore").write_text(text, encoding="utf-8", errors="surrogatepass")
            return walk_tree(root)
        yield name, run


READERS: dict[str, Callable[[Path], Iterator[tuple[str, Callable[[], object]]]]] = {
    f.__name__: f for f in (requirements, environment_yml, pyproject, setup_cfg, setup_py, ini, manifest_in,
                            metadata, inspect_report, native, scan, tree)}


def main(reader: str, work: Path, size: int) -> None:
    global CAP
    CAP = size
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    signal.signal(signal.SIGALRM, _alarm)
    work.mkdir(parents=True, exist_ok=True)
    for case, call in READERS[reader](work):
        error = None
        start = time.monotonic()
        signal.alarm(CALL_SECONDS)
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - every escape is a finding of this test
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[-2000:]
        finally:
            signal.alarm(0)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps({"reader": reader, "case": case, "seconds": round(time.monotonic() - start, 3),
                          "peak_mb": peak, "error": error}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
