"""The environment rules on real venvs: PIN002, PIN004, SRC002, SRC003, LOC001, SYS002, BLD004, PLT001.

One venv holds a firing case and a near-miss twin for each rule (installed in one pip run, offline:
wheels built here, a setuptools project installed as a directory and as an editable, a git repo);
envlint runs over it once per target. The macOS laptop case is a real ``pip inspect`` report of
that venv with its marker environment rewritten to what a Mac records.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import (clean_environ, find, make_venv, make_wheel, run_envlint, run_json, site_packages,
                     venv_python)

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


@pytest.fixture(scope="module")
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


def messages(report: dict, code: str, package: str | None = None) -> list[str]:
    return [d["message"] for d in find(report, code, package)]


# -- PIN002 ---------------------------------------------------------------------------------------

def test_missing_dependency_is_reported_and_other_platforms_are_not(mixed: Mixed) -> None:
    code, report = mixed.report()
    assert code == 1
    [absent] = find(report, "PIN002", "absentdep")
    assert absent["message"] == "needsdep 1.0 requires absentdep>=1, which is not installed"
    assert absent["severity"] == "error" and absent["help"] == 'install it: pip install "absentdep>=1"'
    # uvloop is required on Linux: missing; appnope (darwin) and winonly (win32) are not required there
    assert messages(report, "PIN002", "uvloop") == [
        'webapp 1.0 requires uvloop>=0.17; sys_platform == "linux", which is not installed']
    assert not find(report, "PIN002", "appnope") and not find(report, "PIN002", "winonly")
    assert not find(report, "PIN002", "presentdep")


def test_requested_extra_the_dependency_does_not_provide_is_a_warning(mixed: Mixed) -> None:
    _, report = mixed.report()
    [extra] = find(report, "PIN002", "extraless")
    assert extra["severity"] == "warning"
    assert "needsdep 1.0 requires extraless[turbo], but extraless 1.0 has no extra 'turbo'" in extra["message"]
    assert not find(report, "PIN002", "withextra")


def test_target_only_requirement_in_a_macos_snapshot(mixed: Mixed) -> None:
    """A real pip inspect report of the venv, with the marker environment a Mac records."""
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv_python(mixed.venv)), "inspect"],
                          capture_output=True, text=True, env=clean_environ(), check=True)
    data = json.loads(proc.stdout)
    data["environment"].update(sys_platform="darwin", platform_system="Darwin", platform_machine="arm64",
                               python_version="3.10", python_full_version="3.10.14",
                               implementation_version="3.10.14", platform_release="23.5.0")
    snapshot = mixed.base / "laptop-inspect.json"
    snapshot.write_text(json.dumps(data))

    code, report = run_json(mixed.project, "--inspect", snapshot, "--select", "PIN002,SYS001", "--offline")

    assert code == 1
    assert report["target"]["python"] == "3.10.14" and report["target"]["python_source"] == "environment"
    [uvloop] = find(report, "PIN002", "uvloop")
    assert uvloop["message"] == (
        'webapp 1.0 requires uvloop>=0.17; sys_platform == "linux" on the target, which is not installed: the '
        "marker holds on linux_x86_64 but not where this environment was made (darwin, arm64, Python 3.10.14)")
    assert "package sync mirrors only what is installed here" in uvloop["help"]
    # a plain missing requirement reads as before; appnope is needed on the Mac only
    assert messages(report, "PIN002", "absentdep") == ["needsdep 1.0 requires absentdep>=1, which is not installed"]
    assert not find(report, "PIN002", "appnope")
    # no files in a snapshot: SYS001 says it did not look
    assert any(s["what"] == "compiled extensions" and "SYS001" in s["reason"] for s in report["skipped"])


# -- PIN004 ---------------------------------------------------------------------------------------

def test_requires_python_excluding_the_target(mixed: Mixed) -> None:
    _, report = mixed.report()
    py = report["target"]["python"]
    [newpy] = find(report, "PIN004", "newpy")
    assert newpy["message"] == f"newpy 1.0 requires Python >=3.99, but the target runs CPython {py} (the environment's Python)"
    assert newpy["severity"] == "warning"
    assert not find(report, "PIN004", "oldpy")


def test_requires_python_follows_the_configured_target(mixed: Mixed) -> None:
    _, report = mixed.report("--target-python", "3.7")
    assert {d["package"] for d in find(report, "PIN004")} == {"oldpy", "newpy"}
    assert "(the configured target Python)" in messages(report, "PIN004", "oldpy")[0]


# -- SRC002 / SRC003 ------------------------------------------------------------------------------

def test_archive_and_vcs_installs_name_their_source(mixed: Mixed) -> None:
    _, report = mixed.report()
    assert messages(report, "SRC002", "archived") == [
        f"archived 1.0 was installed from the archive {mixed.sources['archived']}, not from a package index"]
    [vcs] = find(report, "SRC002", "vcspkg")
    assert vcs["message"] == (f"vcspkg 0.3 was installed from git {mixed.sources['vcspkg']} at commit "
                              f"{mixed.commit[:12]}, not from a package index")
    assert f"vcspkg @ git+{mixed.sources['vcspkg'].as_uri()}@{mixed.commit}" in vcs["help"]
    # local directories are LOC001, index installs nothing
    assert {d["package"] for d in find(report, "SRC002")} == {"archived", "archivedlabel", "macpkg", "armbuilt",
                                                              "x86built", "vcspkg"}


def test_local_version_label_from_an_index(mixed: Mixed) -> None:
    _, report = mixed.report()
    [label] = find(report, "SRC003")
    assert label["package"] == "labelled" and label["package_version"] == "1.0+cpu"
    assert label["message"].startswith("labelled 1.0+cpu has the local version label '+cpu': PyPI never serves")
    assert 'pip install "labelled==1.0"' in label["help"]
    # the same label on an archive install is SRC002's business
    assert find(report, "SRC002", "archivedlabel")


# -- LOC001 ---------------------------------------------------------------------------------------

def test_local_directory_and_editable_installs(mixed: Mixed) -> None:
    _, report = mixed.report()
    by_package = {d["package"]: d for d in find(report, "LOC001")}
    assert set(by_package) == {"localdir", "editpkg"}
    assert by_package["editpkg"]["message"].startswith(
        f"editpkg 0.2 is an editable install of {mixed.sources['editpkg']}: package sync builds it into a wheel")
    assert by_package["localdir"]["message"].startswith(
        f"localdir 0.1 is installed from the local directory {mixed.sources['localdir']}:")
    assert by_package["localdir"]["severity"] == "info"
    assert f"pip wheel --no-deps {mixed.sources['localdir']}" in by_package["localdir"]["help"]


# -- SYS002 ---------------------------------------------------------------------------------------

def test_os_installer_is_reported_and_a_missing_installer_in_a_venv_is_not(mixed: Mixed) -> None:
    _, report = mixed.report()
    assert messages(report, "SYS002") == ["aptpkg 1.0 was installed by the OS package manager (INSTALLER says debian)"]


DEBIAN_SITE = Path("/usr/lib/python3/dist-packages")


@pytest.mark.skipif(not (Path("/usr/bin/python3").exists() and DEBIAN_SITE.is_dir()),
                    reason="needs a Debian/Ubuntu system Python")
def test_debian_packages_seen_through_system_site_packages(tmp_path: Path) -> None:
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", "--system-site-packages", str(tmp_path / "v")],
                   check=True, env=clean_environ())
    apt_dists = sorted(p for p in DEBIAN_SITE.glob("*.dist-info") if not (p / "INSTALLER").exists())
    if not apt_dists:
        pytest.skip("no dist-info without INSTALLER in the Debian site directory")

    code, report = run_json(tmp_path, "--prefix", tmp_path / "v", "--select", "SYS002")

    found = find(report, "SYS002")
    assert code == 1 and found
    assert all(f"(no INSTALLER, in {DEBIAN_SITE})" in d["message"] for d in found)


# -- BLD004 / PLT001 ------------------------------------------------------------------------------

def test_foreign_builds_taken_from_this_machine(mixed: Mixed) -> None:
    _, report = mixed.report()
    by_package = {d["package"]: d for d in find(report, "BLD004")}
    assert set(by_package) == {"macpkg", "armbuilt"}
    assert by_package["macpkg"]["message"] == (
        "macpkg 1.0 was built for macosx_11_0_arm64: its compiled code cannot run on linux_x86_64 workers "
        f"(installed from the archive {mixed.sources['macpkg']})")
    assert by_package["armbuilt"]["message"].startswith("armbuilt 1.0 was built for linux_aarch64:")
    # an index install with macOS tags is fine: the workers fetch their own build of that version
    assert not find(report, "BLD004", "macindex")
    assert not find(report, "PLT001")


def test_arm_target(mixed: Mixed) -> None:
    code, report = mixed.report("--platform", "linux_aarch64")
    assert code == 1
    [arm] = find(report, "PLT001")
    assert arm["message"] == "the target linux_aarch64 is ARM: package sync does not support ARM clusters"
    assert arm["path"] is None and arm["package"] is None and arm["severity"] == "error"
    # now the x86_64 build is the foreign one
    assert {d["package"] for d in find(report, "BLD004")} == {"macpkg", "x86built"}


def test_arm_target_needs_no_environment(tmp_path: Path) -> None:
    code, report = run_json(tmp_path, "--no-env", "--platform", "linux_aarch64", "--select", "PLT001")
    assert code == 1 and len(find(report, "PLT001")) == 1
    code, report = run_json(tmp_path, "--no-env", "--select", "PLT001")
    assert code == 0 and report["diagnostics"] == []


# -- the catalogue --------------------------------------------------------------------------------

def test_rules_lists_every_environment_rule_with_its_summary() -> None:
    code, out = run_envlint("rules", "--format", "json")
    assert code == 0
    rules = {r["code"]: r for r in json.loads(out)}
    for code_, severity in {"PIN002": "error", "PIN004": "warning", "SRC002": "warning", "SRC003": "error",
                            "LOC001": "info", "SYS001": "error", "SYS002": "warning", "BLD004": "error",
                            "PLT001": "error"}.items():
        assert rules[code_]["severity"] == severity
        assert rules[code_]["summary"] and not rules[code_]["summary"].endswith(".")
    code, text = run_envlint("rules")
    assert code == 0 and "SYS001" in text and "system-library" in text


def test_rule_prints_sys001_documentation() -> None:
    code, out = run_envlint("rule", "SYS001")
    assert code == 0
    assert out.startswith("# SYS001 system-library")
    for section in ("## What it does", "## Why it breaks package sync", "## Example", "## How to fix"):
        assert section in out
    assert "libpq.so.5" in out and "psycopg2-binary" in out


def test_malformed_snapshot_records_are_el001_and_hide_nothing(tmp_path: Path) -> None:
    snapshot = tmp_path / "inspect.json"
    snapshot.write_text(json.dumps({"version": "1", "installed": [
        {"metadata": {"name": "a", "version": "1", "requires_dist": "b>=1", "requires_python": "not a spec"},
         "direct_url": {"url": 5, "archive_info": {}}},
        {"metadata": {"name": "c", "version": "1+cpu", "requires_dist": ["missing"]}},
        {"metadata": {"name": "d", "version": "1"},
         "direct_url": {"url": "https://user:secret@example.invalid/d.git", "vcs_info": {"vcs": 5, "commit_id": 7}}},
    ]}))

    code, report = run_json(tmp_path, "--inspect", snapshot, "--select", RULES, "--offline")

    assert code == 1
    assert sorted(messages(report, "EL001")) == [
        f"cannot read {snapshot}: a: 'requires_dist' is not a list",
        f"cannot read {snapshot}: a: Requires-Python 'not a spec' is not a valid version specifier",
        f"cannot read {snapshot}: a: direct_url without a 'url' string",
    ]
    assert messages(report, "SRC003", "c") and messages(report, "PIN002", "missing")
    # no credentials in the output, and a VCS name that is not a name is not shown
    assert messages(report, "SRC002", "d") == ["d 1 was installed from a VCS https://example.invalid/d.git, "
                                               "not from a package index"]
