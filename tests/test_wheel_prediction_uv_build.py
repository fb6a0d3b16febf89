"""uv_build: which files the wheel holds, predicted without building (BLD002, BLD005, DAT003).

One test builds the wheel with the real backend (pip fetches uv_build from the package index) and
compares it with the prediction; it is skipped, never failed, when the index cannot be reached.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from project_cases import READS_NEXT_TO_CODE, build_with_backend, environ, found, lint, messages, write_project

BUILD_SYSTEM = '[build-system]\nrequires = ["uv_build>=0.9,<0.10"]\nbuild-backend = "uv_build"\n'


def _project(root: Path, files: dict[str, str], config: str = "") -> Path:
    return write_project(root, f'[project]\nname = "Sales-Report"\nversion = "1.0"\n\n{BUILD_SYSTEM}{config}', files)




def test_default_layout_ships_the_src_package_with_its_data(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"src/sales_report/__init__.py": READS_NEXT_TO_CODE,
                                         "src/sales_report/rates.csv": "a,b\n",
                                         "src/sales_report/sub/__init__.py": ""})
    code, report = lint(project, "--select", "BLD,DAT003", env=environ(tmp_path))
    assert (code, report["diagnostics"]) == (0, [])


def test_a_module_outside_the_package_is_left_out(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"src/sales_report/__init__.py": "import helpers\n",
                                         "src/helpers.py": "X = 1\n"})
    code, report = lint(project, "--select", "BLD005", env=environ(tmp_path))
    assert found(report, "BLD005") and "helpers.py" in messages(report, "BLD005")[0]


def test_the_module_missing_stops_the_build(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"sales_report/__init__.py": ""})  # at the root, not in src/
    code, report = lint(project, "--select", "BLD002", env=environ(tmp_path))
    assert found(report, "BLD002") and "src/sales_report/__init__.py" in messages(report, "BLD002")[0]
    # told where it is, it builds
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text()
                                            + '\n[tool.uv.build-backend]\nmodule-root = ""\n')
    code, report = lint(project, "--select", "BLD002", env=environ(tmp_path))
    assert report["diagnostics"] == []


def test_a_data_file_outside_the_module_is_not_shipped(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"src/sales_report/__init__.py":
                                         'from pathlib import Path\n\nRATES = (Path(__file__).parent.parent / '
                                         '"rates.csv").read_text()\n',
                                         "src/rates.csv": "a,b\n"})
    code, report = lint(project, "--select", "DAT003", env=environ(tmp_path))
    assert found(report, "DAT003") == [("src/sales_report/__init__.py", 3)]


def test_configured_module_name_and_namespace(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"lib/acme/sales/core.py": READS_NEXT_TO_CODE,
                                         "lib/acme/sales/rates.csv": "a,b\n"},
                       '\n[tool.uv.build-backend]\nmodule-name = "acme.sales"\nmodule-root = "lib"\nnamespace = true\n')
    code, report = lint(project, "--select", "BLD,DAT003", env=environ(tmp_path))
    assert (code, report["diagnostics"]) == (0, [])


def test_the_prediction_matches_a_real_build(tmp_path: Path) -> None:
    from envlint.diagnostics import Problems
    from envlint.facts.build.package_source import load
    from envlint.facts.build.prediction import predict

    project = _project(tmp_path / "p", {"src/sales_report/__init__.py": READS_NEXT_TO_CODE,
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
