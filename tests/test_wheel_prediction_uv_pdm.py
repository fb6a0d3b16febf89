"""uv_build and pdm-backend: their configuration keys, predicted without building (BLD002, BLD005, DAT003).

uv_build: module-name (string, list, dotted), module-root, namespace, wheel-exclude, source-exclude
and the default excludes. pdm-backend: package-dir, includes, excludes and source-includes, with its
precedence between includes and excludes. The last tests build each fixture with the real backend
(pip fetches the pinned version from the package index) and compare the wheel with the prediction;
they are skipped, never failed, when the index cannot be reached.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from project_cases import environ, found, lint, messages
from support import clean_environ

UV_BUILD = "uv_build==0.13.6"
PDM_BACKEND = "pdm-backend==2.5.0"
READS = 'from pathlib import Path\n\nRATES = (Path(__file__).parent / "rates.csv").read_text()\n'
READS_ABOVE = 'from pathlib import Path\n\nRATES = (Path(__file__).parent.parent / "rates.csv").read_text()\n'


def _project(root: Path, backend: str, files: dict[str, str], config: str = "") -> Path:
    requires, module = (UV_BUILD, "uv_build") if backend == "uv" else (PDM_BACKEND, "pdm.backend")
    root.mkdir()
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "Sales.Report"\nversion = "1.0"\n\n[build-system]\nrequires = ["{requires}"]\n'
        f'build-backend = "{module}"\n{config}')
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


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
    "pdm-default": ("pdm", {"src/sales/__init__.py": READS, "src/sales/rates.csv": "a\n",
                            "src/sales/io/__init__.py": "", "src/sales/io/csv.py": "", "src/helpers.py": "",
                            "tests/__init__.py": "", "tests/test_x.py": ""}, ""),
    "pdm-package-dir": ("pdm", {"lib/sales/__init__.py": READS, "lib/sales/rates.csv": "a\n", "lib/tool.py": "",
                                "lib/reports/__init__.py": "", "sales_cli.py": ""},
                        '\n[tool.pdm.build]\npackage-dir = "lib"\n'),
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
    from envlint.facts.package_source import load
    from envlint.facts.wheel_contents import predict, walk_files

    prediction = predict(load(project, Problems()))
    plan = prediction.plan
    assert plan is not None and not prediction.problems
    out = {f"{name}.py" for name in plan.modules}
    for name, directory in plan.packages.items():
        if any(name.startswith(f"{other}.") for other in plan.packages):
            continue  # inside a shipped package: walked with it
        for file in walk_files(directory) + sorted(directory.rglob("__pycache__/*")):
            if file.is_file() and plan.includes(file):
                out.add(f"{name.replace('.', '/')}/{file.relative_to(directory).as_posix()}")
    return out


@pytest.mark.parametrize("case", sorted(REAL))
def test_the_prediction_matches_a_real_build(tmp_path: Path, case: str) -> None:
    backend, files, config = REAL[case]
    project = _project(tmp_path / "p", backend, files, config)
    out = tmp_path / "wheels"
    requirement = UV_BUILD if backend == "uv" else PDM_BACKEND
    fetched = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp_path / "dl"),
                              requirement], env=clean_environ(), capture_output=True, text=True, timeout=300)
    if fetched.returncode != 0:
        pytest.skip(f"cannot fetch {requirement} from the package index: {fetched.stderr.strip()[-300:]}")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(project)],
                           env=clean_environ(), capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = out.glob("*.whl")
    shipped = {n for n in zipfile.ZipFile(wheel).namelist()
               if ".dist-info/" not in n and ".data/" not in n and not n.endswith("/")}
    assert _predicted(project) == shipped
    assert shipped  # the comparison is about something
