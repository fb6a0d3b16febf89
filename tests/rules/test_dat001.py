"""DAT001 relative-data-path, with DAT002 in the same fixtures: every reader family, every path kind.

Fixture lines that a rule must report end with a ``# DAT001`` / ``# DAT002`` marker; every other
line must stay silent. Projects are copied to tmp_path first (the scan writes its cache there).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.data_reads import copy_fixture, lint, reported


MARKER = re.compile(r"#\s*(DAT00[12])\s*$")


def expected_markers(project: Path) -> set[tuple[str, int, str]]:
    out = set()
    for path in sorted(project.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = MARKER.search(line)
            if m:
                out.add((path.relative_to(project).as_posix(), number, m.group(1)))
    return out


@pytest.fixture(scope="module")
def readers_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, dict]:
    project = copy_fixture("readers", tmp_path_factory.mktemp("readers"))
    code, report = lint(project)
    return project, code, report


@pytest.mark.parametrize("module", ["builtin_open.py", "pathlib_reads.py", "dataframes.py", "arrays.py",
                                    "models.py", "path_values.py", "absolute.py", "aliased.py"])
def test_each_reader_family_reports_exactly_the_marked_lines(readers_report, module: str) -> None:
    project, code, report = readers_report
    expected = {e for e in expected_markers(project) if e[0] == module}
    assert expected, "the fixture marks at least one line"
    assert {r for r in reported(report) if r[0] == module} == expected
    assert code == 1


@pytest.mark.parametrize("module", ["not_flagged.py", "shadowed_open.py"])
def test_urls_argv_environment_file_relative_and_unknown_values_are_not_reported(readers_report, module: str) -> None:
    _, _, report = readers_report
    assert [d for d in report["diagnostics"] if d["path"] == module] == []


def test_message_names_the_call_and_path_and_points_at_the_call(readers_report) -> None:
    _, _, report = readers_report
    [d] = [d for d in report["diagnostics"] if d["path"] == "dataframes.py" and d["line"] == 6]
    assert d["code"] == "DAT001" and d["severity"] == "warning" and d["name"] == "relative-data-path"
    assert d["message"] == ('pd.read_csv("local_data.csv") runs on the cluster: the script is listed in '
                            "`remote-scripts`; package sync does not copy data files, so the workers have no "
                            "local_data.csv")
    assert d["column"] == 1
    assert "s3://" in d["help"] and "Client.upload_file" in d["help"] and "package data" in d["help"]
    [nested] = [d for d in report["diagnostics"] if d["path"] == "builtin_open.py" and d["line"] == 13]
    assert nested["column"] == 20  # json.load(open(...)): the open call itself, 1-based
    [absolute] = [d for d in report["diagnostics"] if d["path"] == "absolute.py" and d["line"] == 8]
    assert absolute["code"] == "DAT002" and absolute["name"] == "absolute-data-path"
    assert 'np.load("/Users/ana/models/weights.npy")' in absolute["message"]


def test_module_constant_and_glob_are_resolved(readers_report) -> None:
    _, _, report = readers_report
    messages = {d["message"].split(" runs on ")[0].split(" is read by ")[0] for d in report["diagnostics"]}
    assert 'open("local_data.csv")' in messages  # DATA = "local_data.csv"; open(DATA)
    assert 'dd.read_csv("data/*.csv")' in messages
    assert 'open("inputs/{name}.csv")' in messages  # f-string with a constant and a dynamic part


def test_suppression_comment_on_the_line(readers_report) -> None:
    project, _, report = readers_report
    line = next(i for i, text in enumerate((project / "path_values.py").read_text().splitlines(), 1)
                if "suppressed.csv" in text)
    assert not [d for d in report["diagnostics"] if d["path"] == "path_values.py" and d["line"] == line]


def test_notebook_code_cells_are_scanned(readers_report) -> None:
    _, _, report = readers_report
    found = [d for d in report["diagnostics"] if d["path"] == "analysis.ipynb"]
    # the constant comes from cell 2, the read is in cell 3; markdown and the s3:// read are not reported
    assert [(d["code"], d["message"].split(" runs on ")[0]) for d in found] == [
        ("DAT001", 'pd.read_csv("local_data.csv")')]
    assert "(cell 3, line 3)" in found[0]["message"]
    assert (found[0]["cell"], found[0]["line"]) == (3, 3)


def test_file_shipped_inside_the_package_is_not_reported_but_others_are(tmp_path: Path) -> None:
    project = copy_fixture("package_data", tmp_path)
    _, report = lint(project)
    assert reported(report) == expected_markers(project)
    messages = " ".join(d["message"] for d in report["diagnostics"])
    assert "table.csv" not in messages
