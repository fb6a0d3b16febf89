"""The target Python taken from the project when no environment fixes it: environment.yml's
``python``, ``.python-version``, uv's per-group ``requires-python``, ``requires-python``; and
``--target-python`` still wins. Each with a firing case and a near-miss twin (PIN003)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers.index_server import IndexServer
from tests.helpers.support import clean_environ, find, make_wheel, run_envlint, run_json

CONFIG = "timeout = 5\nretries = 1\n"


@pytest.fixture
def index(tmp_path: Path) -> IndexServer:
    """``modern`` 2.0 needs Python 3.10 or newer (its wheel says so); 1.0 runs anywhere."""
    w = tmp_path / "w"
    server = IndexServer()
    server.add_file(make_wheel(w, "modern", "1.0"))
    server.add_file(make_wheel(w, "modern", "2.0", requires_python=">=3.10"), requires_python=">=3.10")
    return server


def lint(tmp: Path, files: dict[str, str], index_url: str, *extra: str) -> tuple[int, dict]:
    project = tmp / "project"
    project.mkdir()
    (project / "envlint.toml").write_text(CONFIG)
    for name, text in files.items():
        (project / name).write_text(text)
    return run_json(project, "--no-env", "--index-url", index_url, "--cache-dir", tmp / "cache",
                    "--select", "PIN003", *extra, env=clean_environ(XDG_CACHE_HOME=str(tmp / "xdg")))


def env_yml(python: str) -> str:
    return f"name: app\ndependencies:\n  - {python}\n  - numpy-base  # conda\n  - pip\n  - pip:\n    - modern==2.0\n"


@pytest.mark.parametrize(("files", "python", "source"), [
    ({"environment.yml": env_yml("python=3.8")}, "3.8.0", "environment.yml"),
    ({"environment.yml": env_yml("conda-forge::python>=3.9,<3.12")}, "3.9.0", "environment.yml"),
    ({".python-version": "3.8\n", "requirements.txt": "modern==2.0\n"}, "3.8.0", ".python-version"),
    ({"pyproject.toml": '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.9"\n'
                        'dependencies = ["modern==2.0"]\n'}, "3.9.0", "requires-python"),
])
def test_project_python_fires(tmp_path: Path, index: IndexServer, files: dict[str, str], python: str,
                              source: str) -> None:
    with index:
        code, report = lint(tmp_path, files, index.url)
    assert report["target"]["python"] == python and report["target"]["python_source"] == source
    [diag] = find(report, "PIN003")
    major_minor = python.rsplit(".", 1)[0]
    assert f"cannot be installed on linux_x86_64, CPython {major_minor} (the Python of {source})" in diag["message"]
    assert code == 1


@pytest.mark.parametrize("files", [
    {"environment.yml": env_yml("python=3.10")},
    {"environment.yml": env_yml("python 3.11.*")},
    {".python-version": "cpython@3.12\n", "requirements.txt": "modern==2.0\n"},
    {"pyproject.toml": '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.10"\n'
                       'dependencies = ["modern==2.0"]\n'},
])
def test_project_python_near_miss(tmp_path: Path, index: IndexServer, files: dict[str, str]) -> None:
    with index:
        code, report = lint(tmp_path, files, index.url)
    assert (code, report["diagnostics"], report["skipped"]) == (0, [], [])


def test_python_version_file_comes_before_requires_python(tmp_path: Path, index: IndexServer) -> None:
    files = {".python-version": "3.11\n", "requirements.txt": "modern==2.0\n",
             "pyproject.toml": '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.8"\n'}
    with index:
        code, report = lint(tmp_path, files, index.url)
    assert report["target"]["python_source"] == ".python-version"
    assert (code, report["diagnostics"]) == (0, [])


def test_target_python_option_wins(tmp_path: Path, index: IndexServer) -> None:
    files = {".python-version": "3.8\n", "environment.yml": env_yml("python=3.8"),
             "requirements.txt": "modern==2.0\n"}
    with index:
        code, report = lint(tmp_path, files, index.url, "--target-python", "3.11")
    assert report["target"]["python_source"] == "configured"
    assert (code, report["diagnostics"]) == (0, [])


GROUPS = '''[project]
name = "app"
version = "1"
requires-python = ">=3.8"
dependencies = []

[dependency-groups]
ml = ["modern==2.0"]
'''


def test_uv_group_requires_python_near_miss(tmp_path: Path, index: IndexServer) -> None:
    """The group is only installed on 3.10+: judged there, modern 2.0 installs."""
    text = GROUPS + '\n[tool.uv.dependency-groups]\nml = {requires-python = ">=3.10"}\n'
    with index:
        code, report = lint(tmp_path, {"pyproject.toml": text}, index.url)
    assert report["target"]["python"] == "3.8.0"  # the project's own floor
    assert (code, report["diagnostics"], report["skipped"]) == (0, [], [])


def test_uv_group_requires_python_fires(tmp_path: Path, index: IndexServer) -> None:
    text = GROUPS + '\n[tool.uv.dependency-groups]\nml = {requires-python = ">=3.9"}\n'
    with index:
        code, report = lint(tmp_path, {"pyproject.toml": text}, index.url)
    [diag] = find(report, "PIN003")
    assert "CPython 3.9 (the Python of uv dependency group requires-python)" in diag["message"]
    assert diag["line"] == 8


def test_uv_group_without_its_setting_is_judged_for_the_project_python(tmp_path: Path,
                                                                       index: IndexServer) -> None:
    with index:
        _, report = lint(tmp_path, {"pyproject.toml": GROUPS}, index.url)
    [diag] = find(report, "PIN003")
    assert "CPython 3.8 (the Python of requires-python)" in diag["message"]


def test_text_target_line_says_where_the_python_came_from(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".python-version").write_text("3.9.7\n")
    code, out = run_envlint(project, "--no-env", "--offline", "--select", "PIN003", "--cache-dir", tmp_path / "c",
                            env=clean_environ(XDG_CACHE_HOME=str(tmp_path / "xdg"), COLUMNS="200"))
    assert "CPython 3.9.7 (.python-version)" in out
