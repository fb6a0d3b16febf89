"""Hostile and broken project input: each is an EL001 naming the path and the reason (or is skipped
where a user expects it to be), and every other finding of the run is still reported.

Every tree holds a known-good finding next to the hostile input: ``analysis.py`` reads
``local_data.csv`` by a relative path (DAT001 at line 3), and where setup.py is not itself the
hostile part, a crick-style setup.py imports numpy with no [build-system] (BLD001).

Unreadable files: the tests run as root, for whom ``chmod 000`` stops nothing, so unreadability is
made with what stops root too: a directory where a file is expected, a dangling symlink, a symlink
loop and a FIFO. The chmod cases run only for another user.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

import pytest

from tests.helpers.project_cases import environ
from tests.integration.hostile_cases import CRICK, KNOWN, project
from tests.helpers.sarif import assert_valid
from tests.helpers.support import run_envlint, run_json_without_file_powers, without_file_powers

SELECT = ("--select", "EL001,DAT,BLD,SRC002")


def lint(root: Path, tmp_path: Path, *args: str, fmt: str = "json", isolated: bool = True) -> tuple[int, str]:
    argv = [str(root), "--no-env", "--offline", "--format", fmt, *SELECT, *args]
    if isolated:
        argv.append("--isolated")
    return run_envlint(*argv, env=environ(tmp_path))


def report_of(root: Path, tmp_path: Path, *args: str, isolated: bool = True) -> dict:
    code, out = lint(root, tmp_path, *args, isolated=isolated)
    report = json.loads(out)
    assert code == 1, report
    return report


def el001(report: dict) -> dict[str, dict]:
    """EL001 diagnostics by path (relative to the project root)."""
    return {d["path"]: d for d in report["diagnostics"] if d["code"] == "EL001"}


def assert_known_findings(report: dict, *, crick: bool = True) -> None:
    found = {(d["code"], d["path"], d["line"]) for d in report["diagnostics"]}
    assert ("DAT001", "analysis.py", 3) in found, found
    if crick:
        assert ("BLD001", "setup.py", 1) in found, found


# -- files that do not parse --------------------------------------------------------------------------

def test_invalid_toml_in_pyproject(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "pyproject.toml").write_text('[project\nname = "crick"\n')

    report = report_of(root, tmp_path)

    err = el001(report)["pyproject.toml"]
    assert "invalid TOML" in err["message"] and err["line"] == 1
    assert_known_findings(report, crick=False)
    # a pyproject.toml no frontend can read is also why the package does not build
    assert any(d["code"] == "BLD002" and d["path"] == "pyproject.toml" for d in report["diagnostics"])


def test_non_utf8_pyproject_is_a_finding_also_when_looking_for_configuration(tmp_path: Path) -> None:
    root = project(tmp_path, crick=False)
    (root / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\nversion = "1"\n')

    report = report_of(root, tmp_path, isolated=False)  # envlint reads pyproject.toml for [tool.envlint] too

    assert "not UTF-8" in el001(report)["pyproject.toml"]["message"]
    assert_known_findings(report, crick=False)


def test_invalid_requirement_strings_and_versions(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "requirements.txt").write_text(
        "numpy==1.2.3-1\n"               # PEP 440 reads a Debian-style 1.2.3-1 as 1.2.3.post1: valid, not reported
        "python-apt==2.4.0ubuntu1\n"     # a Debian package version
        "libfoo==1:1.2.3-1\n"            # with a Debian epoch
        "legacy==1.0-final-123-dev\n"    # a pre-PEP 440 (legacy) version
        "jar==1.0.0-SNAPSHOT\n"
        "pandas>=2.0.*\n"
        "[bold]evil @ https://example.invalid/evil.tar.gz\n"
        "bar @ https://example.invalid/bar-1.0.tar.gz\n")  # after the broken lines: still read

    report = report_of(root, tmp_path)

    errors = [(d["line"], d["message"]) for d in report["diagnostics"] if d["code"] == "EL001"]
    assert [line for line, _ in errors] == [2, 3, 4, 5, 6, 7]
    assert all("requirements.txt: invalid requirement" in message for _, message in errors)
    assert "'libfoo==1:1.2.3-1'" in errors[1][1]
    assert [(d["line"], d["package"]) for d in report["diagnostics"] if d["code"] == "SRC002"] == [(8, "bar")]
    assert_known_findings(report)


def test_invalid_requirement_in_pyproject_and_setup_cfg_is_why_the_build_fails(tmp_path: Path) -> None:
    # In build files a requirement a backend rejects is BLD002 (the wheel build fails), at its line.
    root = project(tmp_path, crick=False)
    (root / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools"]\nbuild-backend = '
                                         '"setuptools.build_meta"\n\n[project]\nname = "pkg"\nversion = "1"\n'
                                         'dependencies = ["python-apt==2.4.0ubuntu1"]\n')
    (root / "setup.cfg").write_text("[options]\ninstall_requires =\n    jar==1.0.0-SNAPSHOT\n")

    report = report_of(root, tmp_path)

    bld002 = {(d["path"], d["line"]) for d in report["diagnostics"] if d["code"] == "BLD002"}
    assert {("pyproject.toml", 8), ("setup.cfg", 3)} <= bld002
    assert_known_findings(report, crick=False)


def test_python2_setup_py(tmp_path: Path) -> None:
    root = project(tmp_path, crick=False)
    (root / "setup.py").write_text('from distutils.core import setup\n\nprint "building"\n'
                                   'setup(name="oldpkg", version="0.1", packages=["oldpkg"])\n')
    (root / "oldpkg").mkdir()
    (root / "oldpkg" / "__init__.py").write_text("")

    report = report_of(root, tmp_path)

    err = el001(report)["setup.py"]
    assert err["line"] == 3 and "does not parse as Python 3" in err["message"]
    [bld002] = [d for d in report["diagnostics"] if d["code"] == "BLD002"]
    assert "(Python 2 syntax?)" in bld002["message"]
    assert_known_findings(report, crick=False)


def test_setup_py_string_that_python_rejects(tmp_path: Path) -> None:
    # libcst parses "\N{NOPE}"; Python does not compile it. This used to end the run with a traceback.
    root = project(tmp_path, crick=False)
    (root / "setup.py").write_text('from setuptools import setup\nsetup(name="\\N{NOPE}", version="1")\n')

    report = report_of(root, tmp_path)

    err = el001(report)["setup.py"]
    assert err["line"] == 2 and "does not parse as Python 3" in err["message"]
    assert_known_findings(report, crick=False)


def test_non_utf8_and_binary_python_files(tmp_path: Path) -> None:
    root = project(tmp_path)
    # Python refuses to run a non-UTF-8 module without a coding line, even when the byte is in a comment.
    (root / "latin.py").write_bytes(b'# caf\xe9\nimport dask.dataframe as dd\n\ndd.read_csv("other.csv")\n')
    (root / "declared.py").write_bytes(b'# -*- coding: latin-1 -*-\nNAME = "caf\xe9"\n')
    (root / "binary.py").write_bytes(bytes(range(256)) * 4)
    (root / "nul.py").write_bytes(b'import pandas as pd\n\x00\npd.read_csv("nul.csv")\n')

    report = report_of(root, tmp_path)

    errors = el001(report)
    assert "not UTF-8" in errors["latin.py"]["message"] and errors["latin.py"]["line"] == 1
    assert "NUL byte" in errors["binary.py"]["message"]
    assert "NUL byte" in errors["nul.py"]["message"] and errors["nul.py"]["line"] == 2
    assert "declared.py" not in errors
    # the read in the non-UTF-8 file is still reported (the file is readable once its encoding is fixed)
    assert ("latin.py", 4) in {(d["path"], d["line"]) for d in report["diagnostics"] if d["code"] == "DAT001"}
    assert_known_findings(report)


def test_a_50_mb_python_file_is_not_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    line = b'frame = pd.read_csv("huge.csv")  # generated code, padded to a realistic line length ......\n'
    with (root / "generated.py").open("wb") as fh:
        fh.write(b"import pandas as pd\n")
        chunk = line * 10_000
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)

    report = report_of(root, tmp_path)

    assert "larger than 10 MB; not scanned" in el001(report)["generated.py"]["message"]
    assert not [d for d in report["diagnostics"] if d["path"] == "generated.py" and d["code"] != "EL001"]
    assert_known_findings(report)


# -- the shape of the tree -------------------------------------------------------------------------------

def test_a_tree_200_levels_deep(tmp_path: Path) -> None:
    root = project(tmp_path)
    deep = root.joinpath(*["d"] * 200)
    deep.mkdir(parents=True)
    (deep / "leaf.py").write_text(KNOWN)
    shallow = root.joinpath(*["d"] * 10)
    (shallow / "reader.py").write_text(KNOWN)

    report = report_of(root, tmp_path)

    [err] = [d for d in report["diagnostics"] if d["code"] == "EL001"]
    assert err["path"] == "/".join(["d"] * 41) and "deeper than 40 levels" in err["message"]
    assert ("/".join(["d"] * 10) + "/reader.py", 3) in {(d["path"], d["line"]) for d in report["diagnostics"]
                                                       if d["code"] == "DAT001"}
    assert_known_findings(report)


def test_a_directory_symlink_to_its_ancestor_is_followed_no_further(tmp_path: Path) -> None:
    # Skipped without a diagnostic: what it points at is walked anyway (git keeps the link itself,
    # and ruff and black walk past it too); every file is reported once.
    root = project(tmp_path)
    (root / "pkg").mkdir()
    (root / "pkg" / "reader.py").write_text(KNOWN)
    (root / "pkg" / "up").symlink_to("..")

    report = report_of(root, tmp_path)

    assert not el001(report)
    dat = [(d["path"], d["line"]) for d in report["diagnostics"] if d["code"] == "DAT001"]
    assert dat == [("analysis.py", 3), ("pkg/reader.py", 3)]
    assert_known_findings(report)


def test_a_file_symlink_loop_and_a_dangling_symlink_in_the_code(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "a.py").symlink_to("b.py")
    (root / "b.py").symlink_to("a.py")
    (root / "gone.py").symlink_to("nowhere/gone.py")
    (root / "notes.txt").symlink_to("missing.txt")  # not code envlint reads: nothing to say

    report = report_of(root, tmp_path)

    errors = el001(report)
    assert "symbolic link loop" in errors["a.py"]["message"] and "symbolic link loop" in errors["b.py"]["message"]
    assert "symbolic link to a missing file" in errors["gone.py"]["message"]
    assert "notes.txt" not in errors
    assert_known_findings(report)


def test_build_files_that_are_not_files(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "pyproject.toml").mkdir()                  # a directory where a file is expected
    (root / "setup.cfg").symlink_to("missing.cfg")     # a dangling symlink
    (root / "requirements.txt").write_text("-r loop.txt\n-r dir.txt\n-r fifo.txt\nrequests==2.31.0\n")
    (root / "loop.txt").symlink_to("loop.txt")
    (root / "dir.txt").mkdir()
    os.mkfifo(root / "fifo.txt")

    with FifoGuard(root / "fifo.txt") as guard:
        report = report_of(root, tmp_path)

    assert guard.blocking_opens == []
    errors = el001(report)
    assert "a directory" in errors["pyproject.toml"]["message"]
    assert "symbolic link to a missing file" in errors["setup.cfg"]["message"]
    nested = [d["message"] for d in report["diagnostics"] if d["code"] == "EL001" and d["path"] == "requirements.txt"]
    assert len(nested) == 3
    assert any("'loop.txt' is a symbolic link loop" in m for m in nested)
    assert any("'dir.txt' is a directory" in m for m in nested)
    assert any("'fifo.txt' is a named pipe (FIFO)" in m for m in nested)
    assert_known_findings(report)


def test_a_requirements_file_that_is_not_a_file(tmp_path: Path) -> None:
    # `pip install -r requirements-dev.txt` fails on these: envlint says why it did not read them.
    root = project(tmp_path)
    (root / "requirements-dev.txt").mkdir()
    (root / "requirements-test.txt").symlink_to("gone.txt")

    report = report_of(root, tmp_path)

    errors = el001(report)
    assert "a directory" in errors["requirements-dev.txt"]["message"]
    assert "symbolic link to a missing file" in errors["requirements-test.txt"]["message"]
    assert_known_findings(report)


class FifoGuard:
    """FIFOs that can never block envlint, and a record of every blocking open of one.

    A thread per FIFO opens it for writing: that open returns once a reader opens the FIFO. The
    thread then reads the reader's open flags from /proc, records a reader without O_NONBLOCK (one
    that would have hung without this writer), and closes its end, so the reader sees end-of-file
    and the run goes on. No timing is involved: a bug is a recorded blocking open, never a hang.
    """

    def __init__(self, *fifos: Path) -> None:
        self.fifos = [os.path.realpath(f) for f in fifos]
        self.blocking_opens: list[str] = []
        self._done = False
        self._threads = [threading.Thread(target=self._serve, args=(f,), daemon=True) for f in self.fifos]

    def __enter__(self) -> FifoGuard:
        if not os.path.isdir("/proc/self/fdinfo"):
            pytest.skip("needs /proc to see how a FIFO is opened")
        for fifo in self.fifos:
            if not os.path.exists(fifo):
                os.mkfifo(fifo)
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done = True
        for fifo, thread in zip(self.fifos, self._threads):
            release = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets a waiting writer return
            thread.join()
            os.close(release)

    def _serve(self, fifo: str) -> None:
        while True:
            fd = os.open(fifo, os.O_WRONLY)
            try:
                if self._done:
                    return
                for flags in self._readers(fifo):
                    if not flags & os.O_NONBLOCK and fifo not in self.blocking_opens:
                        self.blocking_opens.append(fifo)
            finally:
                os.close(fd)

    @staticmethod
    def _readers(fifo: str) -> list[int]:
        out = []
        for name in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{name}") != fifo:
                    continue
                with open(f"/proc/self/fdinfo/{name}") as fh:
                    flags = int(re.search(r"^flags:\s*([0-7]+)", fh.read(), re.MULTILINE).group(1), 8)
            except (OSError, AttributeError):
                continue  # closed meanwhile
            if flags & os.O_ACCMODE == os.O_RDONLY:
                out.append(flags)
        return out


def test_fifos_are_never_opened_for_a_blocking_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "setup.py").write_text(CRICK.replace("include_dirs", "include_package_data=True,\n      include_dirs"))
    (root / "environment.yml").symlink_to("environment.fifo")
    (root / "requirements.txt").write_text("-r requirements-fifo.txt\n")
    fifos = [root / n for n in ("MANIFEST.in", "pyproject.toml", "setup.cfg", "requirements-dev.txt", "uv.toml",
                                "environment.fifo", "requirements-fifo.txt", "envlint.toml", "fifo.py",
                                "crick/module.py", "crick/data.csv")]

    with FifoGuard(*fifos) as guard:
        report = report_of(root, tmp_path, isolated=False)  # envlint.toml and pyproject.toml are looked for too

    assert guard.blocking_opens == []
    errors = el001(report)
    # a FIFO where a build file is expected is reported; one among the code files is not project code
    # (git cannot store a FIFO), so the tree walk passes it by
    assert "named pipe (FIFO)" in errors["pyproject.toml"]["message"]
    assert "named pipe (FIFO)" in errors["setup.cfg"]["message"]
    assert "named pipe (FIFO)" in errors["requirements-dev.txt"]["message"]
    assert "named pipe (FIFO)" in errors["environment.yml"]["message"]
    assert any("'requirements-fifo.txt' is a named pipe (FIFO)" in d["message"] for d in report["diagnostics"]
               if d["path"] == "requirements.txt")
    assert "fifo.py" not in errors
    assert_known_findings(report)


def test_a_gitignore_fifo_does_not_block_the_tree_walk(tmp_path: Path) -> None:
    root = project(tmp_path)
    with FifoGuard(root / ".gitignore", root / "crick" / ".gitignore") as guard:
        report = report_of(root, tmp_path)
    assert guard.blocking_opens == []
    assert "named pipe (FIFO)" in el001(report)[".gitignore"]["message"]
    assert_known_findings(report)


@pytest.mark.skipif(without_file_powers() is None,
                    reason="chmod 000 cannot keep this process out here (root without setpriv)")
def test_unreadable_file_and_directory_by_permissions(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "private.py").write_text(KNOWN)
    (root / "private.py").chmod(0)
    (root / "closed").mkdir()
    (root / "closed" / "inside.py").write_text(KNOWN)
    (root / "closed").chmod(0)
    try:
        code, report = run_json_without_file_powers(root, "--no-env", "--offline", "--isolated", *SELECT,
                                                    env=environ(tmp_path))
    finally:
        (root / "closed").chmod(0o755)
    assert code == 1, report
    errors = el001(report)
    assert "Permission denied" in errors["private.py"]["message"]
    assert "cannot list directory" in errors["closed"]["message"]
    assert_known_findings(report)


# -- names that carry markup or terminal escapes ----------------------------------------------------------

ESCAPED = "esc\x1b[31mred\x1b[0m.py"


def hostile_names(root: Path) -> None:
    (root / "markup.py").write_text('import dask.dataframe as dd\n\ndd.read_csv("data/[red]oops[/].csv")\n')
    (root / "data" / "[red]oops[").mkdir(parents=True)
    (root / "data" / "[red]oops[" / "].csv").write_text("a,b\n")
    (root / "[bold]report[x].py").write_text('open("notes/[bold]todo.txt").read()\n# COILED n-tasks 2\n')
    (root / ESCAPED).write_text('import dask.dataframe as dd\n\ndd.read_csv("esc.csv")\n')
    (root / f"broken{ESCAPED}").write_bytes(b"\x00\x01")
    (root / "requirements.txt").write_text("[red]evil\x1b]0;owned\x07 @ https://example.invalid/evil.tar.gz\n")


@pytest.mark.parametrize("color", ["never", "always"])
def test_markup_and_escape_sequences_in_names_are_printed_literally_or_stripped(tmp_path: Path, color: str) -> None:
    root = project(tmp_path)
    hostile_names(root)

    code, out = lint(root, tmp_path, "--color", color, fmt="text")

    assert code == 1
    # terminal escape sequences from names are removed; with --color always only envlint's own styles remain
    for hostile in ("\x1b[31mred", "\x1b[0m.py", "\x1b]0;owned", "\x07"):
        assert hostile not in out
    if color == "never":
        assert "\x1b" not in out
    text = re.sub(r"\x1b\[[0-9;]*m", "", out)
    # rich markup in a name is text, never a style
    assert 'dd.read_csv("data/[red]oops[/].csv")' in text
    assert "[bold]report[x].py:1:1: DAT001" in text
    assert "escred.py:3:1: DAT001" in text
    assert "brokenescred.py:1: EL001" in text
    assert "analysis.py:3:6: DAT001" in text and "setup.py:1:8: BLD001" in text


def hostile_tree(root: Path) -> None:
    """Most of the above in one tree (not the 50 MB file)."""
    hostile_names(root)
    (root / "pyproject.toml").write_text('[project\nname = "x"\n')
    (root / "requirements-dev.txt").write_text("python-apt==2.4.0ubuntu1\nbar @ https://example.invalid/bar-1.0.tar.gz\n")
    (root / "latin.py").write_bytes(b'# caf\xe9\nimport dask.dataframe as dd\n\ndd.read_csv("other.csv")\n')
    (root / "deep").joinpath(*["d"] * 60).mkdir(parents=True)
    (root / "loop").mkdir()
    (root / "loop" / "up").symlink_to("..")
    (root / "a.py").symlink_to("b.py")
    (root / "b.py").symlink_to("a.py")
    (root / "setup.cfg").mkdir()
    (root / "line\nbreak,1:2%.py").write_text(KNOWN)  # a name that would end an annotation early


def test_github_annotations_of_the_hostile_tree_are_one_per_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    hostile_tree(root)
    report = json.loads(lint(root, tmp_path)[1])
    code, out = lint(root, tmp_path, fmt="github")

    assert code == 1
    lines = out.split("\n")
    assert lines[-1] == ""
    annotations = [line for line in lines[:-1] if line.startswith("::")]
    assert len(annotations) == len(report["diagnostics"])
    for line in annotations:
        assert re.fullmatch(r"::(error|warning|notice) [^:\r\n]*::[^\r\n]*", line), line
    assert [line for line in lines[:-1] if not line.startswith("::")][0].startswith("envlint: ")
    assert any("file=analysis.py,line=3" in line and "DAT001" in line for line in annotations)
    assert any("file=line%0Abreak%2C1%3A2%25.py,line=3" in line for line in annotations)


def test_sarif_of_the_hostile_tree_is_valid(tmp_path: Path, validator) -> None:  # noqa: F811
    root = project(tmp_path)
    hostile_tree(root)

    code, out = lint(root, tmp_path, fmt="sarif")

    assert code == 1
    sarif = json.loads(out)
    assert_valid(validator, sarif)
    results = sarif["runs"][0]["results"]
    located = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results}
    assert ("DAT001", "analysis.py") in located and ("BLD001", "setup.py") in located
    assert {"EL001"} <= {r["ruleId"] for r in results}


def test_fifos_in_the_environment_are_never_opened_for_a_blocking_read(tmp_path: Path) -> None:
    # The environment's side of the FIFO case (test_hostile_environment.py, next to this file, has the malformed files).
    root = project(tmp_path)  # its setup.py imports numpy: the import map reads every top_level.txt
    prefix = tmp_path / "venv"
    site = prefix / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    for name, version, requires in (("dask", "2022.1.0", ""), ("distributed", "2022.5.1", "Requires-Dist: dask==2022.05.1\n"),
                                    ("piped", "1.0", "")):
        meta = site / f"{name}-{version}.dist-info"
        meta.mkdir()
        (meta / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires}")
    (site / "piped-1.0.dist-info" / "METADATA").unlink()
    # a locally built wheel whose extension module (read for its ELF headers) is a FIFO
    native = site / "native-1.0.dist-info"
    native.mkdir()
    (native / "METADATA").write_text("Metadata-Version: 2.1\nName: native\nVersion: 1.0\n")
    (native / "WHEEL").write_text("Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n")
    so = "native/_c.cpython-311-x86_64-linux-gnu.so"
    (native / "RECORD").write_text(f"{so},,\nnative-1.0.dist-info/RECORD,,\n")
    (site / "native").mkdir()
    fifos = [site / "piped-1.0.dist-info" / "METADATA", site / "dask-2022.1.0.dist-info" / "RECORD", site / "fifo.pth",
             site / so, prefix / "pyvenv.cfg", site / "dask-2022.1.0.dist-info" / "top_level.txt"]

    with FifoGuard(*fifos) as guard:
        code, out = run_envlint(root, "--prefix", prefix, "--offline", "--isolated", "--format", "json",
                                "--select", "EL001,PIN001,DAT,SYS001,BLD", env=environ(tmp_path))

    report = json.loads(out)
    assert guard.blocking_opens == []
    assert ("dask", "PIN001") in {(d["package"], d["code"]) for d in report["diagnostics"]}
    unread = {Path(d["path"]).name for d in report["diagnostics"] if d["code"] == "EL001" and "named pipe" in d["message"]}
    assert unread == {"METADATA", "RECORD", "fifo.pth", so.rsplit("/", 1)[1]}
    assert_known_findings(report)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_file_name_that_is_not_utf8(tmp_path: Path, fmt: str) -> None:
    # Linux file names are bytes; Python hands one that is not UTF-8 over with surrogate escapes, which
    # a UTF-8 stdout (strict, as in any UTF-8 locale) cannot encode. The name is shown with \xNN escapes.
    import subprocess
    import sys

    root = project(tmp_path)
    (Path(os.fsdecode(bytes(root))) / os.fsdecode(b"caf\xe9.py")).write_text(KNOWN)
    (Path(os.fsdecode(bytes(root))) / os.fsdecode(b"bad\xff.py")).write_bytes(b"\x00")
    env = {**environ(tmp_path), "PYTHONIOENCODING": "utf-8:strict"}
    argv = [sys.executable, "-m", "envlint", str(root), "--isolated", "--no-env", "--offline", *SELECT,
            "--format", fmt]

    shown = subprocess.run(argv, capture_output=True, env=env, timeout=300)
    written = subprocess.run([*argv, "--output", str(tmp_path / "report.out")], capture_output=True, env=env,
                             timeout=300)

    assert (shown.returncode, written.returncode) == (1, 1), shown.stderr.decode(errors="replace")
    for out in (shown.stdout.decode("utf-8"), (tmp_path / "report.out").read_text(encoding="utf-8")):
        if fmt == "json":
            paths = {(d["code"], d["path"]) for d in json.loads(out)["diagnostics"]}
            assert {("DAT001", "caf\\xe9.py"), ("EL001", "bad\\xff.py"), ("DAT001", "analysis.py")} <= paths
        elif fmt == "sarif":
            uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    for r in json.loads(out)["runs"][0]["results"]}
            assert {"analysis.py", "setup.py"} <= uris and len(uris) == 4
        else:
            assert "caf\\xe9.py" in out and "bad\\xff.py" in out and "analysis.py" in out


@pytest.mark.parametrize("statement", [
    "X = " + "-" * 10_000 + "1",        # CPython's parser gives up cleanly; libcst's overflowed the C stack
    "X = a" + " and a" * 30_000,        # CPython keeps an `and` chain flat; libcst nests it pairwise
    "import " + "a." * 30_000 + "b",    # a dotted name: one string to CPython, nested attributes to libcst
    "X = a" + ".b" * 30_000,            # CPython gives up cleanly; libcst took minutes
])
def test_a_setup_py_nested_deeper_than_a_parser_survives(tmp_path: Path, statement: str) -> None:
    # The first three segfaulted the whole process (no output at all): run as a user does, in a process of its own.
    import subprocess
    import sys

    root = project(tmp_path, crick=False)
    (root / "setup.py").write_text(f"from setuptools import setup\n{statement}\nsetup(name='deep')\n")
    (root / "pyproject.toml").write_text("[tool.other]\nx = " + "[" * 20_000 + "]" * 20_000 + "\n")
    argv = [sys.executable, "-m", "envlint", str(root), "--isolated", "--no-env", "--offline", *SELECT,
            "--format", "json"]

    done = subprocess.run(argv, capture_output=True, text=True, env=environ(tmp_path), timeout=300)

    assert done.returncode == 1, done.stderr[-2000:]
    report = json.loads(done.stdout)
    errors = el001(report)
    # 30,000 dots are also more syntax than a setup.py may have (its parse budget): refused before parsing
    assert re.search("nested too deeply|too large to read statically", errors["setup.py"]["message"])
    assert "nested too deeply" in errors["pyproject.toml"]["message"]
    assert_known_findings(report, crick=False)
