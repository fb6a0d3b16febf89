"""pdm-backend: which files the wheel holds, predicted without building (BLD005, DAT003).

One test builds the wheel with the real backend (pip fetches pdm-backend from the package index) and
compares it with the prediction; it is skipped, never failed, when the index cannot be reached.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from project_cases import READS_NEXT_TO_CODE, build_with_backend, environ, found, lint, messages, write_project

BUILD_SYSTEM = '[build-system]\nrequires = ["pdm-backend>=2.4,<3"]\nbuild-backend = "pdm.backend"\n'


def _project(root: Path, files: dict[str, str], config: str = "") -> Path:
    return write_project(root, f'[project]\nname = "sales"\nversion = "1.0"\n\n{BUILD_SYSTEM}{config}', files)


def test_src_packages_ship_with_their_data(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"src/sales/__init__.py": READS_NEXT_TO_CODE, "src/sales/rates.csv": "a\n",
                                         "src/sales/io/__init__.py": "", "tests/test_x.py": "import sales\n"})
    code, report = lint(project, "--select", "BLD,DAT003", env=environ(tmp_path))
    assert (code, report["diagnostics"]) == (0, [])


def test_a_file_read_outside_the_package_is_not_shipped(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"src/sales/__init__.py": 'from pathlib import Path\n\nRATES = '
                                         '(Path(__file__).parent.parent.parent / "rates.csv").read_text()\n',
                                         "rates.csv": "a\n"})
    code, report = lint(project, "--select", "DAT003", env=environ(tmp_path))
    assert found(report, "DAT003") == [("src/sales/__init__.py", 3)]


def test_a_module_next_to_the_package_is_left_out(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"sales/__init__.py": "import helpers\n", "helpers.py": "X = 1\n"})
    code, report = lint(project, "--select", "BLD005", env=environ(tmp_path))
    assert found(report, "BLD005") and "helpers.py" in messages(report, "BLD005")[0]


def test_explicit_includes_are_not_guessed(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"sales/__init__.py": "import helpers\n", "helpers.py": "X = 1\n"},
                       '\n[tool.pdm.build]\nincludes = ["sales", "helpers.py"]\n')
    code, report = lint(project, "--select", "BLD005", env=environ(tmp_path))
    assert report["diagnostics"] == []


def test_the_prediction_matches_a_real_build(tmp_path: Path) -> None:
    from envlint.diagnostics import Problems
    from envlint.facts.build.package_source import load
    from envlint.facts.build.prediction import predict

    project = _project(tmp_path / "p", {"src/sales/__init__.py": READS_NEXT_TO_CODE, "src/sales/rates.csv": "a\n",
                                         "src/sales/io/__init__.py": "", "src/sales/io/csv.py": "X = 1\n",
                                         "src/helpers.py": "Y = 2\n", "tests/test_x.py": "import sales\n"})
    wheel = build_with_backend(project, tmp_path / "build", "pdm-backend>=2.4,<3")
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in n and not n.endswith("/")}
    plan = predict(load(project, Problems())).plan
    assert plan is not None
    predicted = {p.relative_to(project / "src").as_posix() for d in plan.packages.values() for p in d.iterdir()
                 if p.is_file()} | {p.relative_to(project / "src").as_posix() for p in plan.modules.values()}
    assert predicted == shipped
