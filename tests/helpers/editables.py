"""A real venv of editable installs made by pip (local packages, LOC001)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.project_cases import FIXTURES, pip_install_sources
from tests.helpers.support import make_venv


def _tiny(path: Path, name: str) -> Path:
    (path / name.replace("-", "_")).mkdir(parents=True)
    (path / name.replace("-", "_") / "__init__.py").write_text("")
    (path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{name}"\nversion = "1.0"\n')
    return path


@pytest.fixture(scope="session")
def editables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Path]]:
    base = tmp_path_factory.mktemp("editables")
    venv = make_venv(base / "venv")
    acme = shutil.copytree(FIXTURES / "acme_utils", base / "src" / "acme_utils")
    project = shutil.copytree(FIXTURES / "editable_project", base / "project")
    lost = _tiny(base / "src" / "lost", "lost-pkg")
    bare = _tiny(base / "src" / "bare", "bare-pkg")
    pip_install_sources(venv, "-e", acme, "-e", project, "-e", lost, "-e", bare, base=base)
    shutil.rmtree(lost)
    (bare / "pyproject.toml").unlink()
    return venv, project, {"acme": acme, "lost": lost, "bare": bare}


def _by_package(report: dict, code: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for d in report["diagnostics"]:
        if d["code"] == code:
            out.setdefault(d["package"], []).append(d)
    return out
