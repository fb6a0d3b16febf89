"""uv_build and pdm-backend: which files the wheel holds, predicted without building (BLD002,
BLD005, DAT003).

uv_build: module-name (string, list, dotted), module-root, namespace, wheel-exclude, source-exclude
and the default excludes. pdm-backend: package-dir, includes, excludes and source-includes, with its
precedence between includes and excludes. The help of BLD005 names the backend's own setting. The
tests named ..._matches_a_real_build build with the real backend (pip fetches it from the package
index) and compare the wheel with the prediction; test_uv_build_refuses_what_envlint_reports checks
that the projects envlint reports as BLD002 do fail to build. They are skipped, never failed, when
the index cannot be reached.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.helpers.project_cases import (READS_NEXT_TO_CODE, build_with_backend, environ, found, lint, messages,
                                         pip_wheel, write_project)


# -- pdm-backend: a minimal project ---------------------------------------------------------------

PDM_BUILD_SYSTEM = '[build-system]\nrequires = ["pdm-backend>=2.4,<3"]\nbuild-backend = "pdm.backend"\n'


def _pdm_project(root: Path, files: dict[str, str], config: str = "") -> Path:
    return write_project(root, f'[project]\nname = "sales"\nversion = "1.0"\n\n{PDM_BUILD_SYSTEM}{config}', files)


def test_src_packages_ship_with_their_data(tmp_path: Path) -> None:
    project = _pdm_project(tmp_path / "p", {"src/sales/__init__.py": READS_NEXT_TO_CODE, "src/sales/rates.csv": "a\n",
                                             "src/sales/io/__init__.py": "", "tests/test_x.py": "import sales\n"})
    code, report = lint(project, "--select", "BLD,DAT003", env=environ(tmp_path))
    assert (code, report["diagnostics"]) == (0, [])


def test_a_file_read_outside_the_package_is_not_shipped(tmp_path: Path) -> None:
    project = _pdm_project(tmp_path / "p", {"src/sales/__init__.py": 'from pathlib import Path\n\nRATES = '
                                             '(Path(__file__).parent.parent.parent / "rates.csv").read_text()\n',
                                             "rates.csv": "a\n"})
    code, report = lint(project, "--select", "DAT003", env=environ(tmp_path))
    assert found(report, "DAT003") == [("src/sales/__init__.py", 3)]


def test_a_module_next_to_the_package_is_left_out(tmp_path: Path) -> None:
    project = _pdm_project(tmp_path / "p", {"sales/__init__.py": "import helpers\n", "helpers.py": "X = 1\n"})
    code, report = lint(project, "--select", "BLD005", env=environ(tmp_path))
    assert found(report, "BLD005") and "helpers.py" in messages(report, "BLD005")[0]


def test_explicit_includes_are_not_guessed(tmp_path: Path) -> None:
    project = _pdm_project(tmp_path / "p", {"sales/__init__.py": "import helpers\n", "helpers.py": "X = 1\n"},
                           '\n[tool.pdm.build]\nincludes = ["sales", "helpers.py"]\n')
    code, report = lint(project, "--select", "BLD005", env=environ(tmp_path))
    assert report["diagnostics"] == []


def test_pdm_src_layout_prediction_matches_a_real_build(tmp_path: Path) -> None:
    from envlint.diagnostics import Problems
    from envlint.facts.wheel_build.package_source import load
    from envlint.facts.wheel_build.prediction import predict

    project = _pdm_project(tmp_path / "p", {"src/sales/__init__.py": READS_NEXT_TO_CODE, "src/sales/rates.csv": "a\n",
                                             "src/sales/io/__init__.py": "", "src/sales/io/csv.py": "X = 1\n",
                                             "src/helpers.py": "Y = 2\n", "tests/test_x.py": "import sales\n"})
    wheel = build_with_backend(project, tmp_path / "build", "pdm-backend>=2.4,<3")
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in n and not n.endswith("/")}
    plan = predict(load(project, Problems())).plan
    assert plan is not None
    predicted = {p.relative_to(project / "src").as_posix() for d in plan.packages.values() for p in d.iterdir()
                 if p.is_file()} | {p.relative_to(project / "src").as_posix() for p in plan.modules.values()}
    assert predicted == shipped


# -- uv_build: a minimal project ------------------------------------------------------------------

UV_BUILD_SYSTEM = '[build-system]\nrequires = ["uv_build>=0.9,<0.10"]\nbuild-backend = "uv_build"\n'


def _uv_build_project(root: Path, files: dict[str, str], config: str = "") -> Path:
    return write_project(root, f'[project]\nname = "Sales-Report"\nversion = "1.0"\n\n{UV_BUILD_SYSTEM}{config}', files)


def test_default_layout_ships_the_src_package_with_its_data(tmp_path: Path) -> None:
    project = _uv_build_project(tmp_path / "p", {"src/sales_report/__init__.py": READS_NEXT_TO_CODE,
                                                  "src/sales_report/rates.csv": "a,b\n",
                                                  "src/sales_report/sub/__init__.py": ""})
    code, report = lint(project, "--select", "BLD,DAT003", env=environ(tmp_path))
    assert (code, report["diagnostics"]) == (0, [])


def test_a_module_outside_the_package_is_left_out(tmp_path: Path) -> None:
    project = _uv_build_project(tmp_path / "p", {"src/sales_report/__init__.py": "import helpers\n",
                                                  "src/helpers.py": "X = 1\n"})
    code, report = lint(project, "--select", "BLD005", env=environ(tmp_path))
    assert found(report, "BLD005") and "helpers.py" in messages(report, "BLD005")[0]


def test_the_module_missing_stops_the_build(tmp_path: Path) -> None:
    project = _uv_build_project(tmp_path / "p", {"sales_report/__init__.py": ""})  # at the root, not in src/
    code, report = lint(project, "--select", "BLD002", env=environ(tmp_path))
    assert found(report, "BLD002") and "src/sales_report/__init__.py" in messages(report, "BLD002")[0]
    # told where it is, it builds
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text()
                                            + '\n[tool.uv.build-backend]\nmodule-root = ""\n')
    code, report = lint(project, "--select", "BLD002", env=environ(tmp_path))
    assert report["diagnostics"] == []


def test_a_data_file_outside_the_module_is_not_shipped(tmp_path: Path) -> None:
    project = _uv_build_project(tmp_path / "p", {"src/sales_report/__init__.py":
                                                  'from pathlib import Path\n\nRATES = (Path(__file__).parent.parent / '
                                                  '"rates.csv").read_text()\n',
                                                  "src/rates.csv": "a,b\n"})
    code, report = lint(project, "--select", "DAT003", env=environ(tmp_path))
    assert found(report, "DAT003") == [("src/sales_report/__init__.py", 3)]


def test_configured_module_name_and_namespace(tmp_path: Path) -> None:
    project = _uv_build_project(tmp_path / "p", {"lib/acme/sales/core.py": READS_NEXT_TO_CODE,
                                                  "lib/acme/sales/rates.csv": "a,b\n"},
                                '\n[tool.uv.build-backend]\nmodule-name = "acme.sales"\nmodule-root = "lib"\nnamespace = true\n')
    code, report = lint(project, "--select", "BLD,DAT003", env=environ(tmp_path))
    assert (code, report["diagnostics"]) == (0, [])


def test_uv_build_src_layout_prediction_matches_a_real_build(tmp_path: Path) -> None:
    from envlint.diagnostics import Problems
    from envlint.facts.wheel_build.package_source import load
    from envlint.facts.wheel_build.prediction import predict

    project = _uv_build_project(tmp_path / "p", {"src/sales_report/__init__.py": READS_NEXT_TO_CODE,
                                                  "src/sales_report/rates.csv": "a,b\n",
                                                  "src/sales_report/sub/__init__.py": "",
                                                  "src/sales_report/sub/models.py": "X = 1\n",
                                                  "src/helpers.py": "Y = 2\n", "scripts/tool.py": "Z = 3\n"})
    wheel = build_with_backend(project, tmp_path / "build", "uv_build>=0.9,<0.10")
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in n and not n.endswith("/")}
    plan = predict(load(project, Problems())).plan
    assert plan is not None
    predicted = {p.relative_to(project / "src").as_posix() for d in plan.packages.values() for p in d.iterdir()
                 if p.is_file()}
    assert predicted == shipped
    assert all(plan.includes(project / "src" / name) for name in shipped)
    assert not plan.includes(project / "src" / "helpers.py")


# -- uv_build and pdm-backend: their settings -----------------------------------------------------

UV_BUILD = "uv_build==0.13.6"
PDM_BACKEND = "pdm-backend==2.5.0"
READS = READS_NEXT_TO_CODE
READS_ABOVE = 'from pathlib import Path\n\nRATES = (Path(__file__).parent.parent / "rates.csv").read_text()\n'


def _project(root: Path, backend: str, files: dict[str, str], config: str = "") -> Path:
    requires, module = (UV_BUILD, "uv_build") if backend == "uv" else (PDM_BACKEND, "pdm.backend")
    return write_project(root, f'[project]\nname = "Sales.Report"\nversion = "1.0"\n\n[build-system]\n'
                               f'requires = ["{requires}"]\nbuild-backend = "{module}"\n{config}', files)


def _lint(project: Path, tmp_path: Path) -> dict:
    code, report = lint(project, "--select", "BLD,DAT003", env=environ(tmp_path))
    assert code in (0, 1), report
    return report


# -- uv_build ------------------------------------------------------------------------------------------
def test_uv_default_module_ships_its_data(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", "uv", {"src/sales_report/__init__.py": READS,
                                               "src/sales_report/rates.csv": "a\n"})
    assert _lint(project, tmp_path)["diagnostics"] == []


def test_uv_module_name_list_at_the_project_root(tmp_path: Path) -> None:
    config = '\n[tool.uv.build-backend]\nmodule-name = ["sales", "rates"]\nmodule-root = ""\n'
    project = _project(tmp_path / "p", "uv", {"sales/__init__.py": "import rates\n" + READS,
                                               "sales/rates.csv": "a\n", "rates/__init__.py": ""}, config)
    assert _lint(project, tmp_path)["diagnostics"] == []
    # a module the list leaves out, imported by shipped code
    (project / "helpers.py").write_text("X = 1\n")
    (project / "sales" / "cli.py").write_text("import helpers\n")
    report = _lint(project, tmp_path)
    assert found(report, "BLD005") and "helpers.py" in messages(report, "BLD005")[0]


def test_uv_data_file_outside_the_module_is_not_shipped(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", "uv", {"src/sales_report/__init__.py": READS_ABOVE, "src/rates.csv": "a\n"})
    assert found(_lint(project, tmp_path), "DAT003") == [("src/sales_report/__init__.py", 3)]


def test_uv_wheel_exclude_and_source_exclude_drop_files(tmp_path: Path) -> None:
    files = {"src/sales_report/__init__.py": READS, "src/sales_report/rates.csv": "a\n",
             "src/sales_report/gen/__init__.py": READS, "src/sales_report/gen/rates.csv": "a\n"}
    project = _project(tmp_path / "p", "uv", files,
                       '\n[tool.uv.build-backend]\nwheel-exclude = ["*.csv"]\n')
    assert found(_lint(project, tmp_path), "DAT003") == [("src/sales_report/__init__.py", 3),
                                                         ("src/sales_report/gen/__init__.py", 3)]
    # an unanchored directory exclude drops the directory and its code; the package's own data ships
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text().replace(
        'wheel-exclude = ["*.csv"]', 'source-exclude = ["gen"]'))
    assert _lint(project, tmp_path)["diagnostics"] == []


def test_uv_module_missing_or_namespace_parent_with_init_stops_the_build(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", "uv", {"src/Sales_Report/__init__.py": ""})  # uv lowercases the name
    report = _lint(project, tmp_path)
    assert "src/sales_report/__init__.py" in messages(report, "BLD002")[0]
    project = _project(tmp_path / "q", "uv", {"src/acme/__init__.py": "", "src/acme/sales/__init__.py": ""},
                       '\n[tool.uv.build-backend]\nmodule-name = "acme.sales"\n')
    report = _lint(project, tmp_path)
    assert "src/acme/ a namespace package" in messages(report, "BLD002")[0]


def test_uv_namespace_module(tmp_path: Path) -> None:
    config = '\n[tool.uv.build-backend]\nmodule-name = "acme.sales"\n'
    project = _project(tmp_path / "p", "uv", {"src/acme/sales/__init__.py": READS, "src/acme/sales/rates.csv": "a\n"},
                       config)
    assert _lint(project, tmp_path)["diagnostics"] == []


# -- pdm-backend ---------------------------------------------------------------------------------------
def test_pdm_default_src_layout(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", "pdm", {"src/sales/__init__.py": READS, "src/sales/rates.csv": "a\n",
                                                "tests/__init__.py": "", "tests/test_sales.py": "import sales\n"})
    assert _lint(project, tmp_path)["diagnostics"] == []


def test_pdm_package_dir(tmp_path: Path) -> None:
    config = '\n[tool.pdm.build]\npackage-dir = "lib"\n'
    project = _project(tmp_path / "p", "pdm", {"lib/sales/__init__.py": READS, "lib/sales/rates.csv": "a\n"}, config)
    assert _lint(project, tmp_path)["diagnostics"] == []
    (project / "lib" / "sales" / "__init__.py").write_text("import helpers\n" + READS)
    (project / "helpers.py").write_text("X = 1\n")  # outside package-dir: not in the wheel
    report = _lint(project, tmp_path)
    assert found(report, "BLD005") and "helpers.py" in messages(report, "BLD005")[0]


def test_pdm_data_file_outside_the_package_is_not_shipped(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", "pdm", {"src/sales/__init__.py": READS_ABOVE, "src/rates.csv": "a\n"})
    assert found(_lint(project, tmp_path), "DAT003") == [("src/sales/__init__.py", 3)]


def test_pdm_excludes_and_the_more_specific_include(tmp_path: Path) -> None:
    files = {"src/sales/__init__.py": READS, "src/sales/rates.csv": "a\n"}
    project = _project(tmp_path / "p", "pdm", files, '\n[tool.pdm.build]\nexcludes = ["**/*.csv"]\n')
    assert found(_lint(project, tmp_path), "DAT003") == [("src/sales/__init__.py", 3)]
    # an include with more path parts than the exclude wins
    project = _project(tmp_path / "q", "pdm", files, '\n[tool.pdm.build]\nincludes = ["src/sales", '
                       '"src/sales/rates.csv"]\nexcludes = ["**/*.csv"]\n')
    assert _lint(project, tmp_path)["diagnostics"] == []


def test_pdm_source_includes_stay_out_of_the_wheel(tmp_path: Path) -> None:
    files = {"src/sales/__init__.py": READS, "src/sales/rates.csv": "a\n"}
    project = _project(tmp_path / "p", "pdm", files, '\n[tool.pdm.build]\nsource-includes = ["src/sales/rates.csv"]\n')
    assert found(_lint(project, tmp_path), "DAT003") == [("src/sales/__init__.py", 3)]


def test_pdm_includes_without_the_imported_module(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", "pdm", {"sales/__init__.py": "import helpers\n", "helpers.py": "X = 1\n"},
                       '\n[tool.pdm.build]\nincludes = ["sales/"]\n')
    report = _lint(project, tmp_path)
    assert found(report, "BLD005") and "helpers.py" in messages(report, "BLD005")[0]


def test_pdm_src_directory_hides_packages_at_the_root(tmp_path: Path) -> None:
    """src/ exists (documentation, say), so pdm-backend looks for packages there only: the wheel has no code."""
    files = {"src/README.md": "docs\n", "sales/__init__.py": READS, "sales/rates.csv": "a\n"}
    report = _lint(_project(tmp_path / "p", "pdm", files), tmp_path)
    (diagnostic,) = [d for d in report["diagnostics"] if d["code"] == "BLD005"]
    assert "no Python code" in diagnostic["message"] and "src/" in diagnostic["message"]
    assert 'package-dir = ""' in diagnostic["help"]
    report = _lint(_project(tmp_path / "q", "pdm", files, '\n[tool.pdm.build]\npackage-dir = ""\n'), tmp_path)
    assert report["diagnostics"] == []


def test_fix_is_spelled_in_the_backends_settings(tmp_path: Path) -> None:
    # pdm-backend's default ships the packages and not the modules next to them
    project = _project(tmp_path / "p", "pdm", {"sales/__init__.py": "import helpers\n", "helpers.py": ""})
    (diagnostic,) = [d for d in _lint(project, tmp_path)["diagnostics"] if d["code"] == "BLD005"]
    assert 'includes = ["sales", "helpers.py"]' in diagnostic["help"]
    # uv_build ships module directories only: a single-file module has to move inside
    project = _project(tmp_path / "q", "uv", {"src/sales_report/__init__.py": "import helpers\n",
                                               "src/helpers.py": ""})
    (diagnostic,) = [d for d in _lint(project, tmp_path)["diagnostics"] if d["code"] == "BLD005"]
    assert "move it inside the shipped module" in diagnostic["help"]
    # a package next to the module can join module-name
    project = _project(tmp_path / "r", "uv", {"src/sales_report/__init__.py": "import helpers\n",
                                               "src/helpers/__init__.py": ""})
    (diagnostic,) = [d for d in _lint(project, tmp_path)["diagnostics"] if d["code"] == "BLD005"]
    assert "'helpers' to [tool.uv.build-backend] module-name" in diagnostic["help"]


# -- against real builds -------------------------------------------------------------------------------
REAL = {
    "uv-default-excludes": ("uv", {"src/sales_report/__init__.py": READS, "src/sales_report/rates.csv": "a\n",
                                   "src/sales_report/sub/models.py": "X = 1\n", "src/sales_report/notes.txt": "n\n",
                                   "src/sales_report/gen/g.py": "", "src/sales_report/__pycache__/m.pyc": "",
                                   "src/helpers.py": "", "scripts/tool.py": ""},
                            '\n[tool.uv.build-backend]\nwheel-exclude = ["*.txt"]\nsource-exclude = ["gen"]\n'),
    "uv-flat-list": ("uv", {"sales/__init__.py": READS, "sales/rates.csv": "a\n", "rates/__init__.py": "",
                            "rates/data/x.json": "{}", "helpers.py": ""},
                     '\n[tool.uv.build-backend]\nmodule-name = ["sales", "rates"]\nmodule-root = ""\n'),
    "uv-namespace": ("uv", {"lib/acme/sales/__init__.py": READS, "lib/acme/sales/rates.csv": "a\n",
                            "lib/acme/other/__init__.py": ""},
                     '\n[tool.uv.build-backend]\nmodule-name = "acme.sales"\nmodule-root = "lib"\n'),
    "uv-hidden-files-and-anchored-excludes": ("uv", {
        "src/sales_report/__init__.py": READS, "src/sales_report/rates.csv": "a\n", "src/sales_report/.keep": "",
        "src/sales_report/.cache/x.json": "{}", "src/sales_report/node_modules/y.js": "",
        "src/sales_report/old.pyo": "", "src/sales_report/data/a.csv": "", "src/sales_report/data/b.json": "{}",
        "src/sales_report/io/data/c.csv": ""},
        '\n[tool.uv.build-backend]\nwheel-exclude = ["/src/sales_report/rates.csv", "data/*.csv"]\n'),
    "uv-stubs": ("uv", {"src/sales_report-stubs/__init__.pyi": "", "src/sales_report-stubs/io.pyi": ""},
                 '\n[tool.uv.build-backend]\nmodule-name = "sales_report-stubs"\n'),
    "uv-namespace-true": ("uv", {"src/sales_report/io/__init__.py": "", "src/sales_report/cli.py": "",
                                 "src/sales_report/rates.csv": "a\n"}, "\n[tool.uv.build-backend]\nnamespace = true\n"),
    "pdm-default": ("pdm", {"src/sales/__init__.py": READS, "src/sales/rates.csv": "a\n",
                            "src/sales/io/__init__.py": "", "src/sales/io/csv.py": "", "src/helpers.py": "",
                            "tests/__init__.py": "", "tests/test_x.py": ""}, ""),
    "pdm-package-dir": ("pdm", {"lib/sales/__init__.py": READS, "lib/sales/rates.csv": "a\n", "lib/tool.py": "",
                                "lib/reports/__init__.py": "", "sales_cli.py": ""},
                        '\n[tool.pdm.build]\npackage-dir = "lib"\n'),
    "pdm-flat-packages-leave-modules-out": ("pdm", {"sales/__init__.py": "import helpers\n", "sales/rates.csv": "",
                                                    "helpers.py": "", "tests/test_sales.py": ""}, ""),
    "pdm-hidden-files-and-nested-tests": ("pdm", {
        "src/sales/__init__.py": "", "src/sales/.keep": "", "src/sales/.cache/x.json": "{}",
        "src/sales/__pycache__/notes.txt": "", "src/sales/tests/test_io.py": "", "src/sales/build/gen.py": ""}, ""),
    "pdm-excludes-dir-and-glob": ("pdm", {
        "src/sales/__init__.py": "", "src/sales/fixtures/a.json": "{}", "src/sales/fixtures/b.py": "",
        "src/sales/test_a.py": "", "src/sales/io/test_b.py": "", "src/sales/io/c.py": ""},
        '\n[tool.pdm.build]\nexcludes = ["src/sales/fixtures", "**/test_*.py"]\n'),
    "pdm-includes-root-modules": ("pdm", {"sales.py": "", "helpers.py": "", "tools/t.py": "", "pkg/__init__.py": ""},
                                  '\n[tool.pdm.build]\nincludes = ["*.py"]\n'),
    "pdm-flat-modules": ("pdm", {"sales.py": "", "helpers.py": "", "setup_notes.txt": ""}, ""),
    "pdm-includes-excludes": ("pdm", {"src/sales/__init__.py": READS, "src/sales/rates.csv": "a\n",
                                      "src/sales/big.csv": "b\n", "src/sales/fixtures/f.json": "{}",
                                      "src/sales/io/__init__.py": "", "src/extra/__init__.py": ""},
                              '\n[tool.pdm.build]\nincludes = ["src/sales", "src/sales/rates.csv"]\n'
                              'excludes = ["**/*.csv"]\nsource-includes = ["src/sales/fixtures"]\n'),
}


def _predicted(project: Path) -> set[str]:
    """Wheel paths of the files the prediction ships: package contents and top-level modules."""
    from envlint.diagnostics import Problems
    from envlint.facts.wheel_build.package_source import load
    from envlint.facts.wheel_build.prediction import predict

    prediction = predict(load(project, Problems()))
    plan = prediction.plan
    assert plan is not None and not prediction.problems
    out = {f"{name}.py" for name in plan.modules}
    for name, directory in plan.packages.items():
        if any(name.startswith(f"{other}.") for other in plan.packages):
            continue  # inside a shipped package: walked with it
        for file in sorted(directory.rglob("*")):  # hidden files and caches too: the backends see them
            if file.is_file() and plan.includes(file):
                out.add(f"{name.replace('.', '/')}/{file.relative_to(directory).as_posix()}")
    return out


@pytest.mark.parametrize("case", sorted(REAL))
def test_the_prediction_matches_a_real_build(tmp_path: Path, case: str) -> None:
    backend, files, config = REAL[case]
    project = _project(tmp_path / "p", backend, files, config)
    wheel = build_with_backend(project, tmp_path / "build", UV_BUILD if backend == "uv" else PDM_BACKEND)
    shipped = {n for n in zipfile.ZipFile(wheel).namelist()
               if ".dist-info/" not in n and ".data/" not in n and not n.endswith("/")}
    assert _predicted(project) == shipped
    assert shipped  # the comparison is about something


@pytest.mark.parametrize("case", ["missing", "namespace-parent-with-init"])
def test_uv_build_refuses_what_envlint_reports(tmp_path: Path, case: str) -> None:
    """BLD002's prediction against the real backend: envlint reports it, and the build does fail."""
    from envlint.diagnostics import Problems
    from envlint.facts.wheel_build.package_source import load
    from envlint.facts.wheel_build.prediction import predict

    if case == "missing":
        project = _project(tmp_path / "p", "uv", {"sales_report/__init__.py": ""})  # at the root, not in src/
        said = "Expected a Python module at: src/sales_report/__init__.py"
    else:
        project = _project(tmp_path / "p", "uv", {"src/acme/__init__.py": "", "src/acme/sales/__init__.py": ""},
                           '\n[tool.uv.build-backend]\nmodule-name = "acme.sales"\n')
        said = "is not allowed in parent directory: src/acme"
    assert predict(load(project, Problems())).problems
    built = pip_wheel(project, tmp_path / "build", UV_BUILD)
    assert built.returncode != 0 and said in built.stderr
