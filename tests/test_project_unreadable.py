"""EL001 for project files that do not parse: each with its path and line, and the rest is still checked."""

from __future__ import annotations

from pathlib import Path

from project_cases import case, environ, found, lint, messages
from support import make_venv, make_wheel, pip_install


def _el001(report: dict) -> dict[str, dict]:
    return {d["path"]: d for d in report["diagnostics"] if d["code"] == "EL001"}


def test_every_unparsable_file_is_reported_and_other_findings_survive(tmp_path: Path) -> None:
    project = case("setuptools_data_undeclared", tmp_path)
    (project / "requirements.txt").write_text("numpy==1.26.4\npandas>=2.0.*\n--extra-index-url https://x.example.invalid/simple\n")
    (project / "churn" / "broken.py").write_text("import os\n\nHERE = os.path.dirname(__file__\n")
    (project / "churn" / "other.py").write_text(
        "from pathlib import Path\n\nCONFIG = (Path(__file__).parent / 'weights.json').read_text()\n")
    env = environ(tmp_path, pip_config=True)
    user = Path(env["HOME"]) / ".config" / "pip" / "pip.conf"
    user.parent.mkdir(parents=True)
    user.write_text("index-url = https://nosection.example.invalid/simple\n")

    # the user's pip.conf is read in an environment run on this machine (never in a project-only run)
    venv = make_venv(tmp_path / "venv")
    code, report = lint(project, "--prefix", str(venv), "--select", "EL001,SRC001,DAT003,BLD", env=env, no_env=False)
    el001 = _el001(report)
    assert (el001["requirements.txt"]["line"], el001["churn/broken.py"]["line"]) == (2, 3)
    assert "invalid requirement 'pandas>=2.0.*'" in el001["requirements.txt"]["message"]
    assert "does not parse as Python 3" in el001["churn/broken.py"]["message"]
    assert el001[str(user)]["line"] == 1
    # the rest of the tree is still checked
    assert found(report, "SRC001") == [("requirements.txt", 3)]
    assert ("churn/other.py", 3) in found(report, "DAT003")
    assert ("churn/model.py", 9) in found(report, "DAT003")


def test_invalid_setup_cfg(tmp_path: Path) -> None:
    project = case("setuptools_data_undeclared", tmp_path)
    (project / "setup.cfg").write_text("[metadata]\nname = churn\nthis line is not an option\n")
    (project / "requirements.txt").write_text("-i https://x.example.invalid/simple\n")
    code, report = lint(project, "--select", "EL001,SRC001,BLD002", env=environ(tmp_path))
    assert _el001(report)["setup.cfg"]["line"] == 3
    assert found(report, "BLD002") == [("setup.cfg", 3)]
    assert found(report, "SRC001") == [("requirements.txt", 1)]


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    project = case("requirements_plain", tmp_path)
    with (project / "requirements.txt").open("w") as fh:
        fh.write("--extra-index-url https://x.example.invalid/simple\n")
        fh.write(("# padding\n" * 1000) * 300)
    code, report = lint(project, "--select", "EL001,SRC001", env=environ(tmp_path))
    assert "larger than" in _el001(report)["requirements.txt"]["message"]
    assert found(report, "SRC001") == []


def test_environment_findings_point_at_the_line_of_a_nested_requirements_file(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    make_wheel(wheels, "dask", "2022.1.0")
    make_wheel(wheels, "distributed", "2022.5.1", requires=["dask==2022.05.1"])
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "dask==2022.1.0", "distributed==2022.5.1", find_links=wheels)
    project = tmp_path / "project"
    (project / "requirements").mkdir(parents=True)
    (project / "requirements.txt").write_text("-r requirements/base.txt\n")
    (project / "requirements" / "base.txt").write_text("# the cluster's pins\ndistributed==2022.05.1\n    dask==2022.1.0\n")
    code, report = lint(project, "--prefix", str(venv), "--select", "PIN001", env=environ(tmp_path), no_env=False)
    [diag] = [d for d in report["diagnostics"] if d["code"] == "PIN001"]
    assert (diag["path"], diag["line"], diag["column"]) == ("requirements/base.txt", 3, 5)
    assert messages(report, "PIN001")
