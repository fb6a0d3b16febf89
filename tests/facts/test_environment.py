"""Finding the environment ($VIRTUAL_ENV, PATH, .venv, --python and symlinks to an interpreter) and
reading legacy develop installs (envlint/facts/environment/)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.helpers.cli_cases import project
from tests.helpers.support import clean_environ, find, make_venv, run_json, site_packages


# -- discovery ------------------------------------------------------------------------------------

def test_discovery_order_and_own_prefix(tmp_path: Path, conflict_venv: Path) -> None:
    root = project(tmp_path)
    # $VIRTUAL_ENV
    _, report = run_json(root, "--select", "PIN001", env=clean_environ(VIRTUAL_ENV=str(conflict_venv)))
    assert report["environment"]["how"] == "$VIRTUAL_ENV"
    # envlint's own prefix in $VIRTUAL_ENV (pre-commit) is passed over; the venv on PATH is used
    env = clean_environ(VIRTUAL_ENV=sys.prefix,
                        PATH=os.pathsep.join([str(Path(sys.prefix) / "bin"), str(conflict_venv / "bin"), "/usr/bin"]))
    _, report = run_json(root, "--select", "PIN001", env=env)
    assert report["environment"]["how"] == "PATH" and report["environment"]["path"] == str(conflict_venv)
    # .venv in the project root
    (root / ".venv").symlink_to(conflict_venv)
    _, report = run_json(root, "--select", "PIN001", env=clean_environ(PATH="/usr/bin"))
    assert report["environment"]["how"] == ".venv"
    assert find(report, "PIN001")
    # only envlint's own environment: never linted silently
    _, report = run_json(project(tmp_path / "x"), "--select", "PIN001",
                         env=clean_environ(VIRTUAL_ENV=sys.prefix, PATH="/usr/bin"))
    assert report["environment"] is None
    assert "envlint's own environment" in report["skipped"][0]["reason"]


def test_python_option_reads_venv_files(tmp_path: Path, conflict_venv: Path) -> None:
    _, report = run_json(project(tmp_path), "--python", conflict_venv / "bin" / "python", "--select", "PIN001")
    assert report["environment"]["how"] == "--python"
    assert find(report, "PIN001")


# -- interpreter symlinks and legacy develop installs ---------------------------------------------

def test_python_symlink_to_a_venv_interpreter_lints_that_venv(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "venv")
    link = tmp_path / "py"
    link.symlink_to(venv / "bin" / "python")
    _, report = run_json(tmp_path, "--python", link, "--select", "PIN001")
    assert report["environment"]["path"] == str(venv) and report["environment"]["kind"] == "venv"


def test_legacy_develop_install_found_through_its_egg_link(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "venv")
    src = tmp_path / "src" / "legacypkg"
    (src / "legacy_pkg.egg-info").mkdir(parents=True)
    (src / "legacy_pkg.egg-info" / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: legacy-pkg\nVersion: 0.9\n")
    (src / "legacy_pkg.egg-info" / "requires.txt").write_text("six>=1.16\n")
    (site_packages(venv) / "legacy-pkg.egg-link").write_text(f"{src}\n.")  # no easy-install.pth line
    _, report = run_json(tmp_path, "--prefix", venv, "--select", "LOC001,PIN002")
    [loc] = find(report, "LOC001", "legacy-pkg")
    assert str(src) in loc["message"]
    assert find(report, "PIN002", "six")  # its requires.txt is read too
