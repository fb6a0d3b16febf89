"""Local packages of the environment (editable installs) are analysed from their source trees.

One real venv holds editable installs made by pip: the project itself, a dependency that leaves a
subpackage and a data file out of its wheel, one whose source directory is gone and one whose
build files are gone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from project_cases import FIXTURES, case, environ, lint, pip_install_sources
from support import make_venv


def _tiny(path: Path, name: str) -> Path:
    (path / name.replace("-", "_")).mkdir(parents=True)
    (path / name.replace("-", "_") / "__init__.py").write_text("")
    (path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{name}"\nversion = "1.0"\n')
    return path


@pytest.fixture(scope="module")
def editables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Path]]:
    base = tmp_path_factory.mktemp("editables")
    venv = make_venv(base / "venv")
    acme = shutil.copytree(FIXTURES / "acme_utils", base / "src" / "acme_utils")
    project = shutil.copytree(FIXTURES / "editable_project", base / "project")
    lost = _tiny(base / "src" / "lost", "lost-pkg")
    bare = _tiny(base / "src" / "bare", "bare-pkg")
    pip_install_sources(venv, "-e", acme, "-e", project, "-e", lost, "-e", bare, base=base)
    shutil.rmtree(lost)
    (bare / "pyproject.toml").unlink()
    return venv, project, {"acme": acme, "lost": lost, "bare": bare}


def _by_package(report: dict, code: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for d in report["diagnostics"]:
        if d["code"] == code:
            out.setdefault(d["package"], []).append(d)
    return out


def test_project_installed_editable_points_loc001_at_its_name_line(editables, tmp_path: Path) -> None:
    venv, project, _ = editables
    code, report = lint(project, "--prefix", str(venv), "--select", "LOC001", env=environ(tmp_path), no_env=False)
    loc = _by_package(report, "LOC001")
    [own] = loc["churn-model"]
    assert (own["path"], own["line"]) == ("pyproject.toml", 6)
    assert own["severity"] == "info"
    assert {"acme-utils", "churn-model"} <= set(loc)


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


def test_a_declared_editable_path_is_named_and_reported_once(editables, tmp_path: Path) -> None:
    venv, project, sources = editables
    requirements = project / "requirements.txt"
    requirements.write_text("requests>=2\n-e ../src/acme_utils\n")
    try:
        code, report = lint(project, "--prefix", str(venv), "--select", "LOC001,SRC002", env=environ(tmp_path),
                            no_env=False)
    finally:
        requirements.unlink()
    [acme] = _by_package(report, "LOC001")["acme-utils"]
    assert (acme["path"], acme["line"], acme["column"]) == ("requirements.txt", 2, 4)
    assert "SRC002" not in {d["code"] for d in report["diagnostics"]}  # LOC001 already says it, at that line
