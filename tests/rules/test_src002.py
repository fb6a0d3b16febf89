"""SRC002 direct-reference: distributions installed from an archive or a VCS URL (the environment
part), and direct references the project declares, at their line (the project part)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.mixed_venv import Mixed
from tests.helpers.project_cases import case, environ, found, lint, messages
from tests.helpers.support import find


# -- the project part: declared direct references -------------------------------------------------

def _by_line(report: dict) -> dict[tuple[str, int], dict]:
    return {(d["path"], d["line"]): d for d in report["diagnostics"] if d["code"] == "SRC002"}


def test_requirements_and_uv_sources(tmp_path: Path) -> None:
    code, report = lint(case("direct_references", tmp_path), "--select", "SRC002", env=environ(tmp_path))
    assert code == 1
    assert found(report, "SRC002") == [("pyproject.toml", 11), ("pyproject.toml", 12), ("requirements.txt", 1),
                                       ("requirements.txt", 2), ("requirements.txt", 3), ("requirements.txt", 4)]
    by_line = _by_line(report)
    assert by_line[("requirements.txt", 1)]["package"] == "geodata"
    assert "the repository git+https://example.invalid/acme/geodata.git@v1.2.0" in by_line[("requirements.txt", 1)]["message"]
    assert by_line[("requirements.txt", 2)]["package"] == "acme-tools"  # from #egg=
    assert by_line[("requirements.txt", 2)]["column"] == 4
    assert by_line[("requirements.txt", 3)]["package"] == "fastgeo"  # from the wheel's file name
    assert "the archive ./vendor/fastgeo-0.4.1-py3-none-any.whl" in by_line[("requirements.txt", 3)]["message"]
    assert "the local directory ../shared-lib" in by_line[("requirements.txt", 4)]["message"]
    assert "[tool.uv.sources] in pyproject.toml declares internal" in by_line[("pyproject.toml", 11)]["message"]
    assert "git+https://example.invalid/acme/internal.git@v2" in by_line[("pyproject.toml", 11)]["message"]


    # `-e .` is the project itself, and numpy==1.26.4 is a release: neither is reported
def test_poetry_git_and_path_dependencies(tmp_path: Path) -> None:
    code, report = lint(case("poetry_git_dependency", tmp_path), "--select", "SRC002", env=environ(tmp_path))
    assert found(report, "SRC002") == [("pyproject.toml", 10), ("pyproject.toml", 11)]
    assert "declares mylib as a direct reference to the repository git+https://example.invalid/acme/mylib.git" \
        in messages(report, "SRC002")[0]


def test_releases_only_is_clean(tmp_path: Path) -> None:
    code, report = lint(case("no_direct_references", tmp_path), "--select", "SRC002", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0


def test_a_bare_url_line_names_the_distribution_its_file_name_or_egg_fragment_gives(tmp_path: Path) -> None:
    project = tmp_path / "bare"
    project.mkdir()
    (project / "requirements.txt").write_text(
        "https://example.invalid/whl/cpu/torch-1.8.1%2Bcpu-cp37-cp37m-linux_x86_64.whl\n"
        "https://example.invalid/files/Fancy_Geo-0.4.1.tar.gz\n"
        "git+https://example.invalid/acme/tools.git#egg=acme-tools\n"
        "https://example.invalid/acme/panopticapi/archive/master.zip\n")  # the twin: says nothing of whose
    code, report = lint(project, "--select", "SRC002", env=environ(tmp_path))
    named = [(d["line"], d["package"]) for d in report["diagnostics"]]
    assert named == [(1, "torch"), (2, "fancy-geo"), (3, "acme-tools"), (4, None)]
    shown = messages(report, "SRC002")
    assert "declares torch as a direct reference to the archive" in shown[0]
    assert "declares a distribution as a direct reference to the archive" in shown[3]


# -- the environment part: archive and VCS installs -----------------------------------------------

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
