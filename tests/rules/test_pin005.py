"""PIN005 declared-not-installed: a requirement the project declares that the environment lacks on the
target. Each firing case has a near-miss twin that must stay silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.pip_inspect import inspect_report
from tests.helpers.support import make_venv, make_wheel, pip_install, run_json


def _project(root: Path, dependencies: list[str], **files: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    deps = ", ".join(f"'{d}'" for d in dependencies)  # TOML literal strings: markers hold double quotes
    (root / "pyproject.toml").write_text(f'[project]\nname = "app"\nversion = "1.0"\ndependencies = [{deps}]\n')
    for name, text in files.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture(scope="module")
def venv_with_requests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("pin005")
    venv = make_venv(base / "venv")
    wheels = base / "wheels"
    make_wheel(wheels, "requests", "2.32.3")
    make_wheel(wheels, "Foo_Bar", "1.0")
    pip_install(venv, "requests", "Foo_Bar", find_links=wheels)
    return venv


def _pin005(project: Path, *env: str | Path) -> list[tuple[str, int, str]]:
    code, report = run_json(project, *env, "--select", "PIN005", "--offline")
    found = [(d["path"], d["line"], d["package"]) for d in report["diagnostics"] if d["code"] == "PIN005"]
    assert code == (1 if found else 0)
    return found


def test_fires_for_a_pyproject_dependency_the_venv_lacks(tmp_path: Path, venv_with_requests: Path) -> None:
    project = _project(tmp_path / "p", ["requests>=2", "torch==2.3.1"])
    assert _pin005(project, "--prefix", venv_with_requests) == [("pyproject.toml", 4, "torch")]
    _, report = run_json(project, "--prefix", venv_with_requests, "--select", "PIN005", "--offline")
    [d] = report["diagnostics"]
    assert d["severity"] == "error" and d["message"].startswith("torch==2.3.1 is declared in pyproject.toml")
    assert 'pip install "torch==2.3.1"' in d["help"]


def test_twin_installed_under_another_spelling_is_silent(tmp_path: Path, venv_with_requests: Path) -> None:
    project = _project(tmp_path / "p", ["requests>=2", "foo.bar"])
    assert _pin005(project, "--prefix", venv_with_requests) == []


def test_fires_for_requirements_txt_and_environment_yml(tmp_path: Path, venv_with_requests: Path) -> None:
    project = _project(tmp_path / "p", [], **{
        "requirements.txt": "requests\nnumpy==1.26.4\n",
        "environment.yml": "name: app\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - rich>=13\n",
    })
    assert _pin005(project, "--prefix", venv_with_requests) == [
        ("environment.yml", 6, "rich"), ("requirements.txt", 2, "numpy")]


def test_twin_dev_files_extras_groups_and_constraints_are_silent(tmp_path: Path, venv_with_requests: Path) -> None:
    project = _project(tmp_path / "p", ["requests"], **{
        "requirements-dev.txt": "pytest\n",
        "requirements__docs.txt": "sphinx\n",
        "requirements.txt": "-c constraints.txt\nrequests\n",
        "constraints.txt": "numpy<2\n",
    })
    with (project / "pyproject.toml").open("a") as fh:
        fh.write('[project.optional-dependencies]\ngpu = ["cupy"]\n[dependency-groups]\ntest = ["pytest"]\n')
    assert _pin005(project, "--prefix", venv_with_requests) == []


def test_markers_are_evaluated_for_the_target(tmp_path: Path) -> None:
    # an environment made on macOS: the Linux-only requirement was never installed there
    report = inspect_report(tmp_path / "mac.json", [("requests", "2.32.3")])
    import json

    data = json.loads(report.read_text())
    data["environment"].update(sys_platform="darwin", platform_system="Darwin", platform_machine="arm64")
    report.write_text(json.dumps(data))
    project = _project(tmp_path / "p", ['uvloop>=0.19; sys_platform == "linux"'])
    assert _pin005(project, "--inspect", report) == [("pyproject.toml", 4, "uvloop")]


def test_twin_marker_that_does_not_hold_on_the_target_is_silent(tmp_path: Path) -> None:
    report = inspect_report(tmp_path / "linux.json", [("requests", "2.32.3")])
    project = _project(tmp_path / "p", ['pywin32; sys_platform == "win32"', 'tomli; python_version < "3.11"'])
    assert _pin005(project, "--inspect", report) == []


def test_twin_without_an_environment_is_skipped(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", ["torch==2.3.1"])
    code, report = run_json(project, "--no-env", "--select", "PIN005", "--offline")
    assert code == 0 and report["diagnostics"] == []
    assert any("PIN005" in s["what"] for s in report["skipped"])


def test_twin_direct_references_and_local_paths_are_left_to_src002_and_loc001(tmp_path: Path,
                                                                            venv_with_requests: Path) -> None:
    project = _project(tmp_path / "p", ["acme @ git+https://git.example.invalid/acme.git"],
                       **{"requirements.txt": "-e ./libs/lib\n"})
    assert _pin005(project, "--prefix", venv_with_requests) == []
