"""One real venv holding a firing case and a near-miss twin for each environment rule.

PIN002, PIN004, SRC002, SRC003, LOC001, SYS002, BLD004 and PLT001 (tests/rules/): installed in one pip
run, offline: wheels built here, a setuptools project installed as a directory and as an editable, a
git repo; envlint runs over it once per target (``Mixed.report`` remembers each run).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.support import clean_environ, make_venv, make_wheel, run_json, site_packages, venv_python


RULES = "PIN002,PIN004,SRC002,SRC003,LOC001,SYS001,SYS002,BLD004,PLT001,EL001"
SETUP_PROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
"""


def setuptools_shim(base: Path) -> Path:
    """A directory with only the runner's setuptools, for PYTHONPATH of an offline --no-build-isolation build.

    The test venvs have no setuptools of their own (they are made --without-pip), and nothing else
    of the runner's environment may leak into them.
    """
    import setuptools

    site = Path(setuptools.__file__).resolve().parent.parent
    shim = base / "setuptools-shim"
    shim.mkdir()
    for name in ("setuptools", "pkg_resources", "_distutils_hack"):
        if (site / name).exists():
            (shim / name).symlink_to(site / name)
    for info in site.glob("setuptools-*.dist-info"):
        (shim / info.name).symlink_to(info)
    return shim


def pip(venv: Path, *args: str | os.PathLike[str], shim: Path | None = None) -> None:
    cmd = [sys.executable, "-m", "pip", "--python", str(venv_python(venv)), "install", "--no-index",
           "--no-build-isolation", "--no-deps", "--ignore-requires-python", "-q", *map(str, args)]
    extra = {"PYTHONPATH": str(shim)} if shim else {}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=clean_environ(**extra))
    assert proc.returncode == 0, proc.stderr


def setuptools_project(root: Path, name: str, version: str) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(SETUP_PROJECT.format(name=name, version=version))
    (root / name).mkdir()
    (root / name / "__init__.py").write_text("VALUE = 1\n")
    return root


def git_repo(root: Path, name: str, version: str) -> str:
    setuptools_project(root, name, version)
    env = clean_environ(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
                        GIT_COMMITTER_EMAIL="t@example.invalid", GIT_CONFIG_GLOBAL=os.devnull,
                        GIT_CONFIG_NOSYSTEM="1")
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "v1"]):
        subprocess.run(["git", *cmd], cwd=root, check=True, env=env, capture_output=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, env=env, capture_output=True,
                          text=True).stdout.strip()


def retag(venv: Path, dist_info: str, *tags: str) -> None:
    """Rewrite an installed distribution's WHEEL Tag lines (as if its wheel had been built elsewhere)."""
    wheel = site_packages(venv) / dist_info / "WHEEL"
    lines = [line for line in wheel.read_text().splitlines() if not line.startswith("Tag:")]
    wheel.write_text("\n".join(lines + [f"Tag: {t}" for t in tags]) + "\n")


class Mixed:
    def __init__(self, base: Path, venv: Path, project: Path, commit: str, sources: dict[str, Path]) -> None:
        self.base, self.venv, self.project, self.commit, self.sources = base, venv, project, commit, sources
        self._reports: dict[tuple[str, ...], tuple[int, dict]] = {}

    def report(self, *args: str) -> tuple[int, dict]:
        if args not in self._reports:
            self._reports[args] = run_json(self.project, "--prefix", self.venv, "--select", RULES, "--offline", *args)
        return self._reports[args]


@pytest.fixture(scope="session")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Mixed:
    base = tmp_path_factory.mktemp("mixed")
    wheels = base / "wheels"
    archives = base / "archives"
    # PIN002: a missing requirement, one for another OS only, an extra the dependency lacks, and twins.
    make_wheel(wheels, "needsdep", "1.0", requires=[
        "absentdep>=1", "presentdep", 'winonly; sys_platform == "win32"', "extraless[turbo]", "withextra[fast]"])
    make_wheel(wheels, "presentdep", "1.0")
    make_wheel(wheels, "extraless", "1.0")
    make_wheel(wheels, "withextra", "1.0", extras=["fast"], requires=['presentdep; extra == "fast"'])
    make_wheel(wheels, "webapp", "1.0", requires=['uvloop>=0.17; sys_platform == "linux"',
                                                   'appnope; sys_platform == "darwin"'])
    # PIN004
    make_wheel(wheels, "newpy", "1.0", requires_python=">=3.99")
    make_wheel(wheels, "oldpy", "1.0", requires_python=">=3.8")
    # SRC003 and twins
    make_wheel(wheels, "labelled", "1.0+cpu")
    make_wheel(wheels, "plainver", "2.0")
    # SRC002: archives (one with a label: SRC002, not SRC003)
    archived = make_wheel(archives, "archived", "1.0")
    archived_label = make_wheel(archives, "archivedlabel", "1.0+cpu")
    # BLD004: archives built here (retagged after install), and an index twin
    macpkg = make_wheel(archives, "macpkg", "1.0", tag="cp311-cp311-linux_x86_64")
    armbuilt = make_wheel(archives, "armbuilt", "1.0", tag="cp311-cp311-linux_x86_64")
    x86built = make_wheel(archives, "x86built", "1.0", tag="cp311-cp311-linux_x86_64")
    make_wheel(wheels, "macindex", "1.0", tag="cp311-cp311-linux_x86_64")
    # SYS002
    make_wheel(wheels, "aptpkg", "1.0")
    make_wheel(wheels, "noinstaller", "1.0")
    # LOC001 and SRC002 (VCS)
    shim = setuptools_shim(base)
    localdir = setuptools_project(base / "src" / "localdir", "localdir", "0.1")
    editpkg = setuptools_project(base / "src" / "editpkg", "editpkg", "0.2")
    vcsrepo = base / "src" / "vcspkg"
    commit = git_repo(vcsrepo, "vcspkg", "0.3")

    venv = make_venv(base / "venv")
    pip(venv, "--find-links", wheels, "needsdep", "presentdep", "extraless", "withextra", "webapp", "newpy", "oldpy",
        "labelled", "plainver", "macindex", "aptpkg", "noinstaller", archived, archived_label, macpkg, armbuilt,
        x86built, localdir, "-e", editpkg, f"vcspkg @ git+{vcsrepo.as_uri()}", shim=shim)
    retag(venv, "macpkg-1.0.dist-info", "cp311-cp311-macosx_11_0_arm64")
    retag(venv, "macindex-1.0.dist-info", "cp311-cp311-macosx_11_0_arm64")
    retag(venv, "armbuilt-1.0.dist-info", "cp311-cp311-linux_aarch64")
    site = site_packages(venv)
    (site / "aptpkg-1.0.dist-info" / "INSTALLER").write_text("debian\n")
    (site / "noinstaller-1.0.dist-info" / "INSTALLER").unlink()
    project = base / "project"
    project.mkdir()
    return Mixed(base, venv, project, commit, {"localdir": localdir, "editpkg": editpkg, "vcspkg": vcsrepo,
                                               "archived": archived, "archivedlabel": archived_label,
                                               "macpkg": macpkg})
