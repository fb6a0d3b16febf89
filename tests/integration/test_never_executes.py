"""envlint never executes what it inspects: setup.py, build backends, .pth lines, sitecustomize,
editable finders and modules imported by setup.py all write a marker if they ever run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.support import clean_environ, make_venv, make_wheel, pip_install, run_cli_subprocess, site_packages


def _payload(marker: Path, who: str) -> str:
    return f"open({str(marker)!r}, 'a').write({who!r} + '\\n')\n"


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path, Path]:
    marker = tmp_path / "EXECUTED"
    project = tmp_path / "project"
    project.mkdir()
    (project / "setup.py").write_text(
        "import helpers\nimport numpy\nfrom setuptools import setup\n" + _payload(marker, "setup.py")
        + "setup(name='hostile', version='1.0', packages=['hostile'])\n")
    (project / "helpers.py").write_text(_payload(marker, "helpers.py imported by setup.py"))
    (project / "conftest.py").write_text(_payload(marker, "conftest.py"))
    (project / "hostile").mkdir()
    (project / "hostile" / "__init__.py").write_text(
        _payload(marker, "package code") + "import pandas as pd\ndf = pd.read_csv('local_data.csv')\n")
    (project / "requirements.txt").write_text("numpy==1.0\n")
    backend = tmp_path / "backend_project"
    backend.mkdir()
    (backend / "pyproject.toml").write_text(
        "[build-system]\nrequires = []\nbuild-backend = 'evil_backend'\nbackend-path = ['.']\n"
        "[project]\nname = 'backendproj'\nversion = '1.0'\n")
    (backend / "evil_backend.py").write_text(_payload(marker, "build backend"))

    wheels = tmp_path / "wheels"
    make_wheel(wheels, "finderpkg", "1.0", files={
        "__editable___finderpkg_1_0_finder.py": _payload(marker, "editable finder")
        + "MAPPING = {'finderpkg': '/nonexistent'}\ndef install():\n    pass\n",
        "__editable__.finderpkg-1.0.pth": "import __editable___finderpkg_1_0_finder; "
        "__editable___finderpkg_1_0_finder.install()\n",
    })
    make_wheel(wheels, "numpy", "1.0", tag="cp311-cp311-linux_x86_64",
               files={"numpy/__init__.py": _payload(marker, "inspected distribution imported")})
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "finderpkg", "numpy", find_links=wheels)
    site = site_packages(venv)
    # finderpkg claims to be an editable install of the backend project (a local package envlint inspects)
    (site / "finderpkg-1.0.dist-info" / "direct_url.json").write_text(
        json.dumps({"url": backend.as_uri(), "dir_info": {"editable": True}}))
    (site / "zz_evil.pth").write_text(f"import os; {_payload(marker, '.pth import line').strip()}\n")
    (site / "sitecustomize.py").write_text(_payload(marker, "sitecustomize"))
    (site / "usercustomize.py").write_text(_payload(marker, "usercustomize"))
    assert not marker.exists()
    return marker, project, venv


@pytest.mark.parametrize("how", ["--python", "--prefix", "discovered"])
def test_every_rule_runs_and_nothing_executes(hostile: tuple[Path, Path, Path], tmp_path: Path, how: str) -> None:
    marker, project, venv = hostile
    args: list[str] = [str(project), "--select", "ALL", "--offline", "--cache-dir", str(tmp_path / "cache"),
                       "--format", "json"]
    env = clean_environ(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    if how == "--python":
        args += ["--python", str(venv / "bin" / "python")]
    elif how == "--prefix":
        args += ["--prefix", str(venv)]
    else:
        env["VIRTUAL_ENV"] = str(venv)
    proc = run_cli_subprocess(*args, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    assert '"diagnostics"' in proc.stdout
    assert not marker.exists(), f"inspected code ran: {marker.read_text()}"
