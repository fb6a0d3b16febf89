"""A project directory made of given files, and a venv where dask and distributed conflict (PIN001)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.support import make_venv, make_wheel, pip_install


@pytest.fixture(scope="session")
def conflict_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("conflict")
    wheels = base / "wheels"
    make_wheel(wheels, "dask", "2022.1.0")
    make_wheel(wheels, "distributed", "2022.5.1", requires=["dask==2022.05.1"])
    venv = make_venv(base / "venv")
    pip_install(venv, "dask", "distributed", find_links=wheels)
    return venv


def project(tmp_path: Path, **files: str) -> Path:
    root = tmp_path / "proj"
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
