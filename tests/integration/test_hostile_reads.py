"""Nothing outside the project or the environment is read (issue 15): requirements files included with
``-r``/``-c``, a requirements file or code that is a symbolic link out of the project, a symlinked
directory pointing outside, RECORD entries that climb out of the environment. Each is an EL001 saying
why, the outside file's content never reaches a finding, and the project's own findings stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.hostile_cases import assert_known_findings, el001, no_internal_error, project, report_of
from tests.helpers.support import make_venv, make_wheel, pip_install, site_packages

SELECT = ("--select", "EL001,DAT,BLD,SRC002")


def test_requirements_files_outside_the_project_are_never_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    (tmp_path / "outside.txt").write_text("shared-secret-pkg @ https://example.invalid/s.tar.gz\n")
    (tmp_path / "outside-dir").mkdir()
    (tmp_path / "outside-dir" / "reqs.txt").write_text("linked-secret-pkg @ https://example.invalid/l.tar.gz\n")
    (root / "requirements.txt").write_text(
        "mine @ https://example.invalid/mine.tar.gz\n-r /etc/passwd\n-c ../outside.txt\n-r linked/reqs.txt\n")
    (root / "linked").symlink_to(tmp_path / "outside-dir")
    (root / "requirements-dev.txt").symlink_to("/etc/passwd")

    report = report_of(root, tmp_path, *SELECT)

    errors = el001(report)
    shown = " ".join(d["message"] for d in report["diagnostics"])
    assert "root:" not in shown and "secret-pkg" not in shown  # nothing of the outside files
    assert not [d for d in report["diagnostics"] if d["code"] == "SRC002" and d["path"] != "requirements.txt"]
    messages = [d["message"] for d in report["diagnostics"] if d["code"] == "EL001"]
    assert any("'/etc/passwd' is outside the project; not read" in m for m in messages), messages
    assert any("'../outside.txt' is outside the project; not read" in m for m in messages), messages
    assert any("'linked/reqs.txt' is outside the project" in m for m in messages), messages
    assert "outside the project (a symbolic link to /etc/passwd); not read" in errors["requirements-dev.txt"]
    # the project's own direct reference is still reported, with the other findings
    assert any(d["code"] == "SRC002" and "mine" in d["message"] for d in report["diagnostics"])
    assert_known_findings(report)


def test_a_nul_byte_in_a_requirement_path_is_el001_and_the_file_is_still_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "requirements.txt").write_text(
        "./vendored\x00pkg\n-e ./edit\x00able\n-r more\x00.txt\nmine @ https://example.invalid/mine.tar.gz\n")

    report = report_of(root, tmp_path, *SELECT)

    no_internal_error(report)
    lines = {d["line"]: d["message"] for d in report["diagnostics"]
             if d["code"] == "EL001" and d["path"] == "requirements.txt"}
    assert "has a NUL byte; not read" in lines[1] and "has a NUL byte; not read" in lines[2]
    assert "has a NUL byte in its name; not read" in lines[3]
    assert any(d["code"] == "SRC002" and "mine" in d["message"] for d in report["diagnostics"])
    assert_known_findings(report)


def test_symbolic_links_out_of_the_project_are_not_followed(tmp_path: Path) -> None:
    root = project(tmp_path)
    outside = tmp_path / "elsewhere"
    (outside / "pkg").mkdir(parents=True)
    (outside / "pkg" / "loader.py").write_text('open("/home/someone/.ssh/id_rsa").read()\n')
    (outside / "single.py").write_text('open("outside_single.csv").read()\n')
    (root / "shared").symlink_to(outside / "pkg")       # a directory outside
    (root / "single.py").symlink_to(outside / "single.py")  # a file outside
    (root / "inside").mkdir()
    (root / "inside" / "reader.py").write_text('import dask.dataframe as dd\n\ndd.read_csv("inside.csv")\n')
    (root / "alias.py").symlink_to("inside/reader.py")   # a link within the project is fine

    report = report_of(root, tmp_path, *SELECT)

    # not followed, and no error either (a data folder linked to a big disk is common): a skipped line
    assert not [d for d in report["diagnostics"] if d["code"] == "EL001"]
    assert {"what": "project tree", "reason": "symbolic links to paths outside the project are not followed: "
            "shared, single.py"} in report["skipped"]
    shown = " ".join(d["message"] for d in report["diagnostics"])
    assert "id_rsa" not in shown and "outside_single.csv" not in shown
    assert not [d for d in report["diagnostics"] if d["path"] and d["path"].startswith("shared/")]
    paths = {d["path"] for d in report["diagnostics"] if d["code"] == "DAT001"}
    assert {"inside/reader.py", "alias.py"} <= paths
    assert_known_findings(report)


@pytest.fixture
def record_venv(tmp_path: Path, wheelhouse: Path) -> tuple[Path, Path]:
    """A venv with a locally built distribution whose RECORD climbs out of the environment."""
    make_wheel(wheelhouse, "climber", "1.0", tag="cp311-cp311-linux_x86_64",
               files={"climber/__init__.py": "", "climber/_inside.so": b"\x7fELF\x02\x01\x01" + b"\0" * 9})
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "climber", find_links=wheelhouse)
    outside = tmp_path / "outside.so"
    outside.write_bytes(b"NOT AN ELF, and not the environment's\n")
    record = site_packages(venv) / "climber-1.0.dist-info" / "RECORD"
    record.write_text(record.read_text() + "../../../../../../../../../../etc/ld.so.cache.so,,\n"
                      f"{outside},,\n")
    return venv, outside


def test_record_entries_outside_the_environment_are_never_opened(tmp_path: Path,
                                                                 record_venv: tuple[Path, Path]) -> None:
    venv, outside = record_venv
    root = project(tmp_path, crick=False)

    report = report_of(root, tmp_path, "--prefix", str(venv), "--select", "EL001,SYS001,DAT")

    messages = [d["message"] for d in report["diagnostics"] if d["code"] == "EL001"]
    record = [m for m in messages if "RECORD entry" in m]
    assert len(record) == 2 and all(m.endswith("lies outside the environment; not read") for m in record), messages
    assert not any("not an ELF" in m for m in messages), messages  # the outside files were never opened
    assert any("_inside.so" in m and "malformed ELF" in m for m in messages), messages  # the inside one was
    assert_known_findings(report, crick=False)
