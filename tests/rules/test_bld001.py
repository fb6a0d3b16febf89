"""BLD001: imports that setup.py runs at build time must be in the isolated build environment."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.project_cases import case, environ, found, lint


def test_crick_pattern_without_build_system(tmp_path: Path) -> None:
    project = case("crick_no_build_system", tmp_path)
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert code == 1
    assert found(report, "BLD001") == [("setup.py", 4), ("setup.py", 7)]
    numpy, cython = [d for d in report["diagnostics"] if d["code"] == "BLD001"]
    assert "imports numpy" in numpy["message"] and "no [build-system] table" in numpy["message"]
    assert "imports Cython" in cython["message"]
    assert numpy["package"] == "crick"
    # the fix is the exact table to add; the legacy backend because setup.py imports versioneer.py
    assert numpy["help"].splitlines()[1:] == [
        "[build-system]",
        'requires = ["setuptools>=40.8.0", "numpy", "Cython"]',
        'build-backend = "setuptools.build_meta:__legacy__"',
    ]


def test_pyproject_declaring_numpy_and_cython_is_clean(tmp_path: Path) -> None:
    project = case("crick_declared", tmp_path)
    code, report = lint(project, "--select", "BLD001,BLD002", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0


def test_guarded_import_is_not_an_error(tmp_path: Path) -> None:
    project = case("guarded_import", tmp_path)
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0


def test_import_in_a_local_module_that_setup_py_imports(tmp_path: Path) -> None:
    project = case("local_module_imports_yaml", tmp_path)
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert found(report, "BLD001") == [("buildconfig.py", 1)]
    [diag] = report["diagnostics"]
    assert "buildconfig.py (imported by setup.py) imports yaml" in diag["message"]
    assert '"PyYAML"' in diag["help"]


def test_listed_requirement_that_does_not_provide_the_import(tmp_path: Path) -> None:
    project = case("crick_declared", tmp_path)
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=40.8.0", "Cython"]\nbuild-backend = "setuptools.build_meta:__legacy__"\n')
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert found(report, "BLD001") == [("setup.py", 4)]
    [diag] = report["diagnostics"]
    assert "requires lists setuptools>=40.8.0, Cython" in diag["message"]
    assert 'requires = ["setuptools>=40.8.0", "Cython", "numpy"]' in diag["help"]


def test_requirement_that_brings_numpy_along_counts(tmp_path: Path) -> None:
    project = case("crick_declared", tmp_path)
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools", "Cython", "oldest-supported-numpy"]\n'
        'build-backend = "setuptools.build_meta:__legacy__"\n')
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert report["diagnostics"] == []


def test_a_module_merely_named_setup_py_is_not_a_build_script(tmp_path: Path) -> None:
    project = case("crick_declared", tmp_path)
    (project / "setup.py").write_text("import numpy\n\n\ndef setup_module():\n    return numpy.zeros(3)\n")
    (project / "pyproject.toml").write_text('[project]\nname = "crick"\nversion = "1.0"\n')
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert report["diagnostics"] == []


def _suggested_table(diag: dict) -> dict:
    """The [build-system] table of the fix text, parsed as TOML (it must be valid TOML to paste)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    return tomllib.loads(diag["help"].split("\n", 1)[1])["build-system"]


def test_listed_requirement_whose_marker_excludes_the_target(tmp_path: Path) -> None:
    project = case("crick_declared", tmp_path)
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=40.8.0", "Cython", \'numpy; sys_platform=="win32"\']\n'
        'build-backend = "setuptools.build_meta:__legacy__"\n')
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert code == 1
    assert found(report, "BLD001") == [("setup.py", 4)]
    [diag] = report["diagnostics"]
    assert 'numpy; sys_platform=="win32" only under a marker the target does not match' in diag["message"]
    # the suggested table is valid TOML and adds numpy without a marker
    assert _suggested_table(diag) == {
        "requires": ["setuptools>=40.8.0", "Cython", 'numpy; sys_platform=="win32"', "numpy"],
        "build-backend": "setuptools.build_meta:__legacy__"}


def test_listed_requirement_whose_marker_matches_the_target_counts(tmp_path: Path) -> None:
    project = case("crick_declared", tmp_path)
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=40.8.0", "Cython", \'numpy; platform_machine=="x86_64"\']\n'
        'build-backend = "setuptools.build_meta:__legacy__"\n')
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0
    # judged for the target's markers, not the host's: aarch64 workers do not get numpy from that line
    code, report = lint(project, "--select", "BLD001", "--platform", "linux_aarch64", env=environ(tmp_path))
    assert found(report, "BLD001") == [("setup.py", 4)]


def test_suggested_table_is_valid_toml_when_a_listed_requirement_holds_quotes(tmp_path: Path) -> None:
    project = case("crick_declared", tmp_path)
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=40.8.0", "Cython; python_version >= \\"3.8\\""]\n'
        'build-backend = "setuptools.build_meta:__legacy__"\n')
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert found(report, "BLD001") == [("setup.py", 4)]
    [diag] = report["diagnostics"]
    assert _suggested_table(diag)["requires"] == ["setuptools>=40.8.0", 'Cython; python_version >= "3.8"', "numpy"]


def test_import_under_main_block_runs_at_build_time(tmp_path: Path) -> None:
    # pip runs setup.py as __main__, so the body of `if __name__ == "__main__":` runs in the build
    project = case("main_block_import", tmp_path)
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert code == 1
    assert found(report, "BLD001") == [("setup.py", 4)]
    assert '"numpy"' in report["diagnostics"][0]["help"]
    # written the other way round too
    setup_py = project / "setup.py"
    setup_py.write_text(setup_py.read_text().replace('__name__ == "__main__"', "'__main__' == __name__"))
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert found(report, "BLD001") == [("setup.py", 4)]


def test_import_under_other_if_or_guarded_main_block_is_not_reported(tmp_path: Path) -> None:
    project = case("main_block_import", tmp_path)
    setup_py = project / "setup.py"
    text = setup_py.read_text()
    setup_py.write_text(text.replace('if __name__ == "__main__":', 'if __name__ == "fastpkg.setup":'))
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0
    setup_py.write_text(text.replace("    import numpy\n", "    try:\n        import numpy\n    except ImportError:\n"
                                                         "        numpy = None\n"))
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0


def test_local_submodule_imported_from_the_package(tmp_path: Path) -> None:
    project = case("local_submodule_version", tmp_path)
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert found(report, "BLD001") == [("etl/version.py", 1)]
    [diag] = report["diagnostics"]
    assert "etl/version.py (imported by setup.py) imports yaml" in diag["message"]
    assert '"PyYAML"' in diag["help"] and "setuptools.build_meta:__legacy__" in diag["help"]
    # from etl.version import VERSION runs the same module
    (project / "setup.py").write_text('from setuptools import setup\n\nfrom etl.version import VERSION\n\n'
                                      'setup(name="etl", version=VERSION, packages=["etl"])\n')
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert found(report, "BLD001") == [("etl/version.py", 1)]


def test_local_submodule_reached_by_a_relative_import(tmp_path: Path) -> None:
    project = case("local_submodule_version", tmp_path)
    (project / "setup.py").write_text('from setuptools import setup\n\nimport etl\n\n'
                                      'setup(name="etl", version=etl.VERSION, packages=["etl"])\n')
    (project / "etl" / "__init__.py").write_text("from .version import VERSION\n")
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert found(report, "BLD001") == [("etl/version.py", 1)]


def test_local_submodule_that_imports_only_the_standard_library_is_clean(tmp_path: Path) -> None:
    project = case("local_submodule_version", tmp_path)
    (project / "etl" / "version.py").write_text('import re\n\nVERSION = re.sub("x", "", "1.0x")\n')
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0
    # a sibling module setup.py does not import is not read
    (project / "etl" / "loader.py").write_text("import yaml\n")
    code, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0
