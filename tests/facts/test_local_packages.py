"""Local packages of the environment (editable installs) are analysed from their source trees.

One real venv (tests/helpers/editables.py) holds editable installs made by pip: the project itself, a
dependency that leaves a subpackage and a data file out of its wheel, one whose source directory is
gone and one whose build files are gone. LOC001's own cases are in tests/rules/test_loc001.py.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.editables import _by_package
from tests.helpers.project_cases import case, environ, lint


def test_editable_dependencies_are_checked_from_their_source(editables, tmp_path: Path) -> None:
    venv, project, sources = editables
    code, report = lint(project, "--prefix", str(venv), "--select", "BLD002,BLD005,DAT003", env=environ(tmp_path),
                        no_env=False)
    bld002 = _by_package(report, "BLD002")
    assert "does not exist" in bld002["lost-pkg"][0]["message"]
    assert "has no pyproject.toml, setup.py or setup.cfg" in bld002["bare-pkg"][0]["message"]
    [gap] = _by_package(report, "BLD005")["acme-utils"]
    assert gap["path"] == str(sources["acme"] / "pyproject.toml")
    assert "acme_utils/io/ holds Python code" in gap["message"] and "'acme_utils.io'" in gap["message"]
    [read] = _by_package(report, "DAT003")["acme-utils"]
    assert (read["path"], read["line"]) == (str(sources["acme"] / "acme_utils" / "__init__.py"), 7)
    assert "acme_utils/lookup.csv" in read["message"]
    assert 'package-data] acme_utils = ["lookup.csv"]' in read["help"]
    # the project itself builds fine
    assert "churn-model" not in bld002


def test_without_the_environment_only_the_project_is_a_local_package(tmp_path: Path) -> None:
    project = case("editable_project", tmp_path)
    code, report = lint(project, "--select", "BLD002,BLD005,DAT003", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0
