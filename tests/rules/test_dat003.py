"""DAT003: a local package reads a file next to its code that its wheel will not include."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.project_cases import case, environ, found, lint, messages


@pytest.mark.parametrize(("missing", "included", "where", "why"), [
    ("setuptools_data_undeclared", "setuptools_data_declared", [("churn/model.py", 9), ("churn/model.py", 13)],
     "setuptools ships only .py files of churn unless package_data names the others"),
    ("manifest_missing", "manifest_includes", [("churn/model.py", 9), ("churn/model.py", 13)],
     "include_package_data takes only files listed in MANIFEST.in (there is none)"),
    ("file_outside_package", "file_inside_package", [("rates/__init__.py", 8)],
     "data/rates.csv is outside the shipped packages (rates), and wheels carry only package contents"),
    ("hatchling_gitignored_data", "file_inside_package", [("rates/__init__.py", 5)],
     "rates/data/rates.csv is ignored by .gitignore, and hatchling leaves ignored files out of the wheel"),
])
def test_package_data_not_included_and_included(tmp_path: Path, missing: str, included: str,
                                                where: list[tuple[str, int]], why: str) -> None:
    env = environ(tmp_path)
    code, report = lint(case(missing, tmp_path), "--select", "DAT003", env=env)
    assert found(report, "DAT003") == where
    assert all(why in m for m in messages(report, "DAT003"))
    assert code == 1

    code, report = lint(case(included, tmp_path), "--select", "DAT003", env=env)
    assert report["diagnostics"] == [] and code == 0


def test_help_names_the_package_data_to_declare(tmp_path: Path) -> None:
    code, report = lint(case("setuptools_data_undeclared", tmp_path), "--select", "DAT003", env=environ(tmp_path))
    helps = [d["help"] for d in report["diagnostics"]]
    assert 'package_data={"churn": ["weights.json"]}' in helps[0]
    assert '[tool.setuptools.package-data] churn = ["templates/*.html"]' in helps[1]
    assert "pkgutil.get_data(__name__, \"templates/report.html\")" in report["diagnostics"][1]["message"]


def test_a_file_that_does_not_exist_is_not_reported(tmp_path: Path) -> None:
    project = case("setuptools_data_undeclared", tmp_path)
    (project / "churn" / "weights.json").unlink()
    code, report = lint(project, "--select", "DAT003", env=environ(tmp_path))
    assert found(report, "DAT003") == [("churn/model.py", 13)]


def test_tests_and_code_directories_put_on_sys_path_are_not_reads(tmp_path: Path) -> None:
    project = case("setuptools_data_declared", tmp_path)
    (project / "churn" / "vendored" / "lib").mkdir(parents=True)
    (project / "churn" / "vendored" / "lib" / "helper.py").write_text("X = 1\n")
    (project / "churn" / "compat.py").write_text(
        "import os\nimport sys\n\nsys.path.insert(0, os.path.join(os.path.dirname(__file__), 'vendored', 'lib'))\n")
    (project / "churn" / "tests").mkdir()
    (project / "churn" / "tests" / "__init__.py").write_text("")
    (project / "churn" / "tests" / "test_docs.py").write_text(
        "from pathlib import Path\n\nREADME = (Path(__file__).parents[2] / 'setup.py').read_text()\n")
    (project / "setup.py").write_text((project / "setup.py").read_text().replace(
        'packages=["churn"]', 'packages=["churn", "churn.tests"]'))
    code, report = lint(project, "--select", "DAT003", env=environ(tmp_path))
    assert report["diagnostics"] == []


def test_package_resource_apis_read_files_the_wheel_leaves_out(tmp_path: Path) -> None:
    # pkgutil.get_data, the legacy importlib.resources functions and files().joinpath(), each bound to a name
    # at import time: the read happens where the name is bound (and a later use is not reported twice)
    code, report = lint(case("resource_api_undeclared", tmp_path), "--select", "DAT003", env=environ(tmp_path))
    assert code == 1
    assert found(report, "DAT003") == [("memo/texts.py", line) for line in (7, 8, 9, 10, 11, 12, 13, 14, 18)]
    expressions = [m.split(" next to its code (", 1)[1].split("), but", 1)[0] for m in messages(report, "DAT003")]
    assert expressions == [
        'pkgutil.get_data("memo", "notes.txt")', 'importlib.resources.read_text("memo", "notes.txt")',
        'res.read_binary("memo", "notes.txt")', 'importlib.resources.open_text("memo", "notes.txt")',
        'importlib.resources.open_binary("memo", "notes.txt")', 'importlib.resources.is_resource("memo", "notes.txt")',
        'files("memo").joinpath("notes.txt")', 'importlib.resources.open_text("memo.templates", "report.html")',
        'importlib.resources.path("memo", "notes.txt")']
    templates = report["diagnostics"][7]
    assert "reads memo/templates/report.html" in templates["message"]
    assert 'package_data={"memo": ["templates/*.html"]}' in templates["help"]


def test_package_resource_apis_reading_declared_package_data_are_clean(tmp_path: Path) -> None:
    code, report = lint(case("resource_api_declared", tmp_path), "--select", "DAT003", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0
