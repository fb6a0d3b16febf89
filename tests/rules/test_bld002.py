"""BLD002: local packages whose wheel build fails, read from their build files (never run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.project_cases import case, environ, found, lint, messages


@pytest.mark.parametrize(("broken", "twin", "where", "says"), [
    ("build_system_without_requires", "valid_toml", ("pyproject.toml", 1), "[build-system] has no 'requires' key"),
    ("invalid_requirement_string", "valid_toml", ("pyproject.toml", 10), "invalid requirement 'numpy>=1.0.*'"),
    ("project_without_version", "project_dynamic_version", ("pyproject.toml", 5),
     "[project] has no version and does not list it in dynamic"),
    ("backend_not_provided", "backend_provided", ("pyproject.toml", 3),
     "build-backend 'hatchling.build' comes from hatchling, but [build-system] requires lists setuptools>=61"),
    ("flat_layout_several_packages", "flat_layout_named_package", ("pyproject.toml", 1),
     "several top-level packages in this flat layout (analysis, data, notebooks)"),
    ("hatchling_name_mismatch", "hatchling_packages_configured", ("pyproject.toml", 6),
     "hatchling finds no package named like the project (acme_report/"),
])
def test_cause_and_its_twin(tmp_path: Path, broken: str, twin: str, where: tuple[str, int], says: str) -> None:
    env = environ(tmp_path)
    code, report = lint(case(broken, tmp_path), "--select", "BLD", env=env)
    assert code == 1
    assert found(report, "BLD002") == [where]
    assert says in messages(report, "BLD002")[0]
    assert found(report, "BLD005") == []  # a refused selection is not also "leaves out code"

    code, report = lint(case(twin, tmp_path), "--select", "BLD", env=env)
    assert report["diagnostics"] == [] and code == 0


def test_invalid_toml_is_el001_and_bld002_and_the_rest_is_still_checked(tmp_path: Path) -> None:
    project = case("invalid_toml", tmp_path)
    code, report = lint(project, "--select", "BLD002,EL001,SRC001", env=environ(tmp_path))
    assert found(report, "BLD002") == [("pyproject.toml", 5)]
    [el001] = [d for d in report["diagnostics"] if d["code"] == "EL001"]
    assert (el001["path"], el001["line"], el001["column"]) == ("pyproject.toml", 5, 9)
    assert "invalid TOML" in el001["message"]
    # requirements.txt is still read
    assert found(report, "SRC001") == [("requirements.txt", 1)]


def test_python2_setup_py(tmp_path: Path) -> None:
    env = environ(tmp_path)
    code, report = lint(case("python2_setup_py", tmp_path), "--select", "BLD002,EL001", env=env)
    assert found(report, "BLD002") == [("setup.py", 3)]
    assert found(report, "EL001") == [("setup.py", 3)]
    [message] = messages(report, "BLD002")
    assert "Python 2 syntax" in message and "Missing parentheses in call to 'print'" in message

    code, report = lint(case("python3_setup_py", tmp_path), "--select", "BLD002,EL001", env=env)
    assert report["diagnostics"] == []
