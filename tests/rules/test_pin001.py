"""PIN001 conflicting-pins: an installed distribution's requirement excludes the installed version
of another; the finding points at the line that declares it."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.project_cases import environ, lint, messages
from tests.helpers.support import find, make_venv, make_wheel, pip_install, run_json


# -- installed conflicts --------------------------------------------------------------------------

def test_seed_conflict_dask_distributed(tmp_path: Path, wheelhouse: Path) -> None:
    make_wheel(wheelhouse, "dask", "2022.1.0")
    make_wheel(wheelhouse, "distributed", "2022.5.1", requires=["dask==2022.05.1"])
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "dask==2022.1.0", "distributed==2022.5.1", find_links=wheelhouse)
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("dask==2022.1.0\ndistributed==2022.05.1\n")

    code, report = run_json(project, "--prefix", venv, "--select", "PIN001")

    assert code == 1
    [diag] = find(report, "PIN001")
    assert diag["package"] == "dask" and diag["package_version"] == "2022.1.0"
    assert "distributed 2022.5.1 requires dask==2022.05.1, but dask 2022.1.0 is installed" in diag["message"]
    # an environment finding about a declared distribution points at its declaration
    assert (diag["path"], diag["line"]) == ("requirements.txt", 1)
    assert report["environment"]["how"] == "--prefix"


def test_consistent_twin_is_clean(tmp_path: Path, wheelhouse: Path) -> None:
    make_wheel(wheelhouse, "dask", "2022.5.1")
    make_wheel(wheelhouse, "distributed", "2022.5.1", requires=["dask==2022.05.1"])
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "dask", "distributed", find_links=wheelhouse)
    code, report = run_json(tmp_path, "--prefix", venv, "--select", "PIN001")
    assert code == 0
    assert report["diagnostics"] == []


def test_requirement_behind_an_extra_counts_only_when_an_installed_dist_requests_it(tmp_path: Path,
                                                                                     wheelhouse: Path) -> None:
    make_wheel(wheelhouse, "numpy", "1.0")
    make_wheel(wheelhouse, "dask", "2022.1.0", extras=["array", "test"],
               requires=['numpy>=1.18; extra == "array"', 'pytest>=9000; extra == "test"'])
    make_wheel(wheelhouse, "distributed", "2022.1.0", requires=["dask[array]==2022.1.0"])
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "numpy", "dask", find_links=wheelhouse)
    # nobody requests dask[array] yet: numpy 1.0 is fine
    _, report = run_json(tmp_path, "--prefix", venv, "--select", "PIN001,PIN002")
    assert report["diagnostics"] == []
    pip_install(venv, "distributed", find_links=wheelhouse)
    _, report = run_json(tmp_path, "--prefix", venv, "--select", "PIN001,PIN002")
    [diag] = find(report, "PIN001")
    assert diag["package"] == "numpy" and 'dask 2022.1.0 requires numpy>=1.18; extra == "array"' in diag["message"]
    assert not find(report, "PIN002")  # pytest stays behind the [test] extra nobody asked for


# -- pointing at a nested requirements file -------------------------------------------------------

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
