"""BLD005: Python code of the source tree that the predicted wheel leaves out."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.project_cases import case, environ, found, lint, messages


@pytest.mark.parametrize(("gap", "twin", "where", "says"), [
    ("explicit_packages_missing_sub", "explicit_packages_listed", ("setup.py", 6),
     "stats/robust/ holds Python code, but packages=['stats'] in setup.py does not list 'stats.robust'"),
    ("find_packages_no_init", "find_namespace_packages", ("setup.py", 3),
     "geo/projections/ holds Python code but no __init__.py, so find_packages() skips it"),
    ("src_layout_untold", "src_layout_told", ("setup.py", 6),
     "the wheel would contain no Python code: find_packages() in setup.py selects nothing, but the tree has src/etl/"),
    ("module_outside_package", "module_listed", ("setup.py", 6),
     "helpers.py is imported by scorer/core.py:3 (`import helpers`), but packages=['scorer'] in setup.py leaves it out"),
])
def test_gap_and_its_twin(tmp_path: Path, gap: str, twin: str, where: tuple[str, int], says: str) -> None:
    env = environ(tmp_path)
    code, report = lint(case(gap, tmp_path), "--select", "BLD", env=env)
    assert found(report, "BLD005") == [where]
    assert says in messages(report, "BLD005")[0]
    assert code == 1  # warnings fail at the default fail level

    code, report = lint(case(twin, tmp_path), "--select", "BLD", env=env)
    assert report["diagnostics"] == [] and code == 0


def test_tests_left_out_on_purpose_are_not_reported(tmp_path: Path) -> None:
    # stats/tests/ is not listed in either twin: leaving tests out of a wheel is normal
    code, report = lint(case("explicit_packages_listed", tmp_path), "--select", "BLD005", env=environ(tmp_path))
    assert report["diagnostics"] == []


def test_dynamic_package_list_is_not_guessed(tmp_path: Path) -> None:
    project = case("explicit_packages_missing_sub", tmp_path)
    (project / "setup.py").write_text(
        "import os\nfrom setuptools import setup\n\n"
        "setup(name='stats', version='1.0', packages=[d for d in os.listdir('.') if os.path.isdir(d)])\n")
    code, report = lint(project, "--select", "BLD005", env=environ(tmp_path))
    assert report["diagnostics"] == []


def test_setup_with_computed_keywords_is_not_guessed(tmp_path: Path) -> None:
    # setup(**kw) with kw computed: `packages` may well be given, so no discovery is assumed
    project = case("module_outside_package", tmp_path)
    (project / "setup.py").write_text(
        "from setuptools import setup\n\nkw = dict(name='scorer', version='1.0')\nkw.update(packages=['scorer'])\n"
        "setup(**kw)\n")
    (project / "extra.py").write_text("X = 1\n")
    code, report = lint(project, "--select", "BLD", env=environ(tmp_path))
    assert report["diagnostics"] == []


def test_a_vendored_project_inside_a_package_and_test_importers_are_not_gaps(tmp_path: Path) -> None:
    project = case("explicit_packages_listed", tmp_path)
    vendored = project / "stats" / "vendored" / "tinylib"
    (vendored / "tinylib").mkdir(parents=True)
    (vendored / "setup.py").write_text("from setuptools import setup\nsetup(name='tinylib')\n")
    (vendored / "tinylib" / "__init__.py").write_text("")
    (project / "stats" / "vendored" / "README").write_text("third-party code\n")
    (project / "stats" / "vendored" / "tinylib" / "setup.py").touch()
    (project / "conftest_helpers.py").write_text("X = 1\n")
    (project / "stats" / "tests" / "test_helpers.py").write_text("import conftest_helpers\n")
    code, report = lint(project, "--select", "BLD005", env=environ(tmp_path))
    assert report["diagnostics"] == []


_SETUP_PY_FIND = ("from setuptools import find_packages, setup\n\n"
                  "setup(name='etl', version='1.0', packages=find_packages(include={include!r}))\n")
_SETUP_CFG_FIND = ("[metadata]\nname = etl\nversion = 1.0\n\n[options]\npackages = find:\n\n"
                   "[options.packages.find]\ninclude = {include}\n")


def _find_config(project: Path, home: str, include: list[str]) -> None:
    """The fixture's [tool.setuptools.packages.find] moved to setup.py or setup.cfg."""
    if home == "pyproject.toml":
        text = (project / "pyproject.toml").read_text()
        (project / "pyproject.toml").write_text(text.replace('include = ["etl"]', f"include = {include!r}".replace(
            "'", '"')))
        return
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n')
    if home == "setup.py":
        (project / "setup.py").write_text(_SETUP_PY_FIND.format(include=include))
    else:
        (project / "setup.cfg").write_text(_SETUP_CFG_FIND.format(include=", ".join(include)))


@pytest.mark.parametrize(("home", "line", "written", "fix"), [
    ("pyproject.toml", 9, '[tool.setuptools.packages.find] include = ["etl"]',
     '[tool.setuptools.packages.find] include = ["etl*"]'),
    ("setup.py", 3, "find_packages(include=['etl'])", "find_packages(include=['etl*'])"),
    ("setup.cfg", 6, "[options.packages.find] include = etl", "[options.packages.find] include = etl*"),
])
def test_include_pattern_that_matches_only_the_top_package(tmp_path: Path, home: str, line: int, written: str,
                                                           fix: str) -> None:
    project = case("find_include_top_only", tmp_path)
    _find_config(project, home, ["etl"])
    code, report = lint(project, "--select", "BLD", env=environ(tmp_path))
    assert found(report, "BLD005") == [(home, line)]
    [diag] = report["diagnostics"]
    # etl.tests is left out too, on purpose: not reported
    assert diag["message"] == (f"etl: {written} in {home} matches the package etl but not its subpackages, so the wheel "
                               "leaves out etl.sub, etl.sub.deep: `import etl.sub` works here and fails on the workers")
    assert diag["help"] == f"match the subpackages too: {fix}"
    assert code == 1


@pytest.mark.parametrize("home", ["pyproject.toml", "setup.py", "setup.cfg"])
@pytest.mark.parametrize("include", [["etl*"], ["etl", "etl.*"]])
def test_include_pattern_that_matches_the_subpackages_is_clean(tmp_path: Path, home: str,
                                                               include: list[str]) -> None:
    project = case("find_include_top_only", tmp_path)
    _find_config(project, home, include)
    code, report = lint(project, "--select", "BLD", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0


def test_include_star_fixture_is_clean(tmp_path: Path) -> None:
    code, report = lint(case("find_include_star", tmp_path), "--select", "BLD", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0
