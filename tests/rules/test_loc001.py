"""LOC001 local-package: local-directory and editable installs, at the line that declares them."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.editables import _by_package
from tests.helpers.mixed_venv import Mixed
from tests.helpers.project_cases import environ, lint
from tests.helpers.support import find


# -- local-directory and editable installs --------------------------------------------------------

def test_local_directory_and_editable_installs(mixed: Mixed) -> None:
    _, report = mixed.report()
    by_package = {d["package"]: d for d in find(report, "LOC001")}
    assert set(by_package) == {"localdir", "editpkg"}
    assert by_package["editpkg"]["message"].startswith(
        f"editpkg 0.2 is an editable install of {mixed.sources['editpkg']}: package sync builds it into a wheel")
    assert by_package["localdir"]["message"].startswith(
        f"localdir 0.1 is installed from the local directory {mixed.sources['localdir']}:")
    assert by_package["localdir"]["severity"] == "info"
    assert f"pip wheel --no-deps {mixed.sources['localdir']}" in by_package["localdir"]["help"]


# -- editables the project installs or declares ---------------------------------------------------

def test_project_installed_editable_points_loc001_at_its_name_line(editables, tmp_path: Path) -> None:
    venv, project, _ = editables
    code, report = lint(project, "--prefix", str(venv), "--select", "LOC001", env=environ(tmp_path), no_env=False)
    loc = _by_package(report, "LOC001")
    [own] = loc["churn-model"]
    assert (own["path"], own["line"]) == ("pyproject.toml", 6)
    assert own["severity"] == "info"
    assert {"acme-utils", "churn-model"} <= set(loc)


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
