"""PIN003: declared requirements resolved for the target over index metadata, nothing installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.index_server import IndexServer, make_sdist
from tests.helpers.support import clean_environ, find, make_wheel, run_json

CONFIG = "timeout = 2\nretries = 2\n"


@pytest.fixture
def index(tmp_path: Path) -> IndexServer:
    w, s = tmp_path / "w", tmp_path / "s"
    server = IndexServer()
    for v in ("2022.1.0", "2022.5.0", "2022.5.1"):
        server.add_file(make_wheel(w, "dask", v, requires=["toolz>=0.8", 'numpy>=1.18; extra == "array"'],
                                   extras=["array"]))
    server.add_file(make_wheel(w, "distributed", "2022.5.1", requires=["dask==2022.05.1", "toolz>=0.10"]))
    server.add_file(make_wheel(w, "toolz", "0.12.0"))
    server.add_file(make_wheel(w, "numpy", "1.26.4", tag="cp311-cp311-manylinux_2_17_x86_64"))
    server.add_file(make_wheel(w, "numpy", "2.0.0", tag="cp311-cp311-manylinux_2_17_x86_64"), metadata=False)
    # a Windows-only dependency behind a marker: not part of the Linux resolution
    server.add_file(make_wheel(w, "winhelper", "1.0", tag="cp311-cp311-win_amd64"))
    server.add_file(make_wheel(w, "tool", "1.0", requires=['winhelper; sys_platform == "win32"', "numpy<2"]))
    # an sdist whose PEP 643 metadata is final: its requirements count
    server.add_file(make_sdist(s, "sdistdep", "1.0", requires=["numpy>=2"], build_requires=["setuptools"]))
    return server


def lint(tmp: Path, project_files: dict[str, str], index_url: str, *extra: str,
         config: str = CONFIG) -> tuple[int, dict]:
    project = tmp / "project"
    project.mkdir()
    (project / "envlint.toml").write_text(config)
    for name, text in project_files.items():
        (project / name).write_text(text)
    return run_json(project, "--no-env", "--target-python", "3.11", "--index-url", index_url, "--cache-dir",
                    tmp / "cache", "--select", "PIN003", *extra,
                    env=clean_environ(XDG_CACHE_HOME=str(tmp / "xdg")))


def test_seed_example_as_requirements_txt(tmp_path: Path, index: IndexServer) -> None:
    with index:
        code, report = lint(tmp_path, {"requirements.txt": "dask==2022.1.0\ndistributed==2022.05.1\n"}, index.url)
    assert code == 1
    [diag] = find(report, "PIN003")
    assert diag["message"] == (
        "dask==2022.1.0 (requirements.txt:1) and distributed==2022.05.1 (requirements.txt:2) cannot be installed "
        "together on linux_x86_64, CPython 3.11: distributed 2022.5.1 requires dask==2022.05.1")
    assert (diag["path"], diag["line"], diag["package"]) == ("requirements.txt", 1, "dask")
    assert diag["help"].startswith("declare dask==2022.5.1")
    assert report["skipped"] == []
    # only metadata files were fetched: no wheel was downloaded, nothing was installed
    assert not [p for p in index.log if p.startswith("/files/") and not p.endswith(".metadata")]


def test_consistent_twin_is_clean(tmp_path: Path, index: IndexServer) -> None:
    with index:
        code, report = lint(tmp_path, {"requirements.txt": "dask==2022.5.1\ndistributed==2022.05.1\n"}, index.url)
    assert (code, report["diagnostics"], report["skipped"]) == (0, [], [])


def test_conflict_across_pyproject_and_requirements(tmp_path: Path, index: IndexServer) -> None:
    """`pip install -r requirements.txt` with `-e .` in it installs the project's own dependencies too."""
    pyproject = '[project]\nname = "app"\nversion = "1"\ndependencies = [\n  "dask[array]>=2022.1",\n  "tool",\n]\n'
    with index:
        code, report = lint(tmp_path, {"pyproject.toml": pyproject, "requirements.txt": "-e .\nsdistdep==1.0\n"},
                            index.url)
    [diag] = find(report, "PIN003")
    # tool needs numpy<2, sdistdep (an sdist with final metadata) needs numpy>=2; winhelper never enters
    assert diag["package"] == "numpy"
    assert "tool (pyproject.toml:6)" in diag["message"] and "sdistdep==1.0 (requirements.txt:2)" in diag["message"]
    assert "tool 1.0 requires numpy<2" in diag["message"] and "sdistdep 1.0 requires numpy>=2" in diag["message"]
    assert not index.requests_for("/simple/winhelper/")


def test_pyproject_and_a_requirements_file_without_the_project_are_resolved_apart(tmp_path: Path,
                                                                                   index: IndexServer) -> None:
    """Twin: `pip install .` and `pip install -r requirements.txt` are two installs, not one."""
    pyproject = '[project]\nname = "app"\nversion = "1"\ndependencies = [\n  "dask[array]>=2022.1",\n  "tool",\n]\n'
    with index:
        code, report = lint(tmp_path, {"pyproject.toml": pyproject, "requirements.txt": "sdistdep==1.0\n"}, index.url)
    assert (code, report["diagnostics"], report["skipped"]) == (0, [], [])


def test_alternative_requirements_files_are_resolved_apart(tmp_path: Path, index: IndexServer) -> None:
    """requirements-min.txt pins the oldest supported versions: an alternative to requirements.txt,
    never installed together with it."""
    files = {"requirements.txt": "dask==2022.5.1\ndistributed==2022.05.1\n", "requirements-min.txt": "dask==2022.1.0\n"}
    with index:
        code, report = lint(tmp_path, files, index.url)
    assert (code, report["diagnostics"], report["skipped"]) == (0, [], [])


def test_an_included_file_is_resolved_with_the_file_that_includes_it(tmp_path: Path, index: IndexServer) -> None:
    files = {"requirements.txt": "dask==2022.1.0\n", "requirements-dev.txt": "-r requirements.txt\ndistributed==2022.05.1\n"}
    with index:
        code, report = lint(tmp_path, files, index.url)
    [diag] = find(report, "PIN003")  # once: requirements.txt alone is part of requirements-dev.txt
    assert diag["message"].startswith(
        "distributed==2022.05.1 (requirements-dev.txt:2) and dask==2022.1.0 (requirements.txt:1) cannot be installed "
        "together")


def test_constraints_apply_to_the_file_that_includes_them(tmp_path: Path, index: IndexServer) -> None:
    files = {"constraints.txt": "dask==2022.1.0\n", "requirements-a.txt": "-c constraints.txt\ndask\n",
             "requirements-b.txt": "distributed==2022.05.1\n"}
    with index:
        code, report = lint(tmp_path, files, index.url)
    assert (code, report["diagnostics"], report["skipped"]) == (0, [], [])


def test_no_such_version(tmp_path: Path, index: IndexServer) -> None:
    with index:
        code, report = lint(tmp_path, {"requirements.txt": "dask==2022.1.10\n"}, index.url)
    [diag] = find(report, "PIN003")
    assert diag["message"].startswith("dask==2022.1.10 (requirements.txt:1) cannot be installed on linux_x86_64")


def test_private_and_url_requirements_are_taken_as_given(tmp_path: Path, index: IndexServer) -> None:
    reqs = "internal-lib==3.1\n./vendor/thing\ndask==2022.5.1\n"
    with index:
        code, report = lint(tmp_path, {"requirements.txt": reqs}, index.url)
    assert report["diagnostics"] == []


def test_bounded_by_the_resolver_timeout(tmp_path: Path, index: IndexServer) -> None:
    index.fault, index.sleep = "sleep", 1.0
    with index:
        code, report = lint(tmp_path, {"requirements.txt": "dask==2022.1.0\ndistributed==2022.05.1\n"}, index.url,
                            config="timeout = 0.2\nretries = 1\nresolver-timeout = 0.5\n")
    assert report["diagnostics"] == []
    skipped = {s["what"]: s["reason"] for s in report["skipped"]}
    assert skipped["resolver: PIN003"].startswith("could not decide")
    assert skipped["index: dask"] == "timed out after 0.2 s (1 attempt)"


def test_bounded_by_rounds(tmp_path: Path, index: IndexServer) -> None:
    with index:
        code, report = lint(tmp_path, {"requirements.txt": "dask==2022.1.0\ndistributed==2022.05.1\n"}, index.url,
                            config=CONFIG + "resolver-max-rounds = 1\n")
    assert report["diagnostics"] == []
    assert {"what": "resolver: PIN003", "reason": "could not decide in 1 rounds (resolver-max-rounds)"} \
        in report["skipped"]


def test_offline_without_cache_never_claims_a_conflict(tmp_path: Path) -> None:
    code, report = lint(tmp_path, {"requirements.txt": "dask==2022.1.10\n"}, "http://127.0.0.1:9/simple/",
                        "--offline")
    assert report["diagnostics"] == []
    assert {"what": "index: dask", "reason": "offline, and not in the index cache"} in report["skipped"]


# -- extras and dependency groups ---------------------------------------------------------------------

def _pyproject(extras: str = "", groups: str = "", deps: str = '"dask==2022.1.0"') -> str:
    text = f'[project]\nname = "app"\nversion = "1"\ndependencies = [{deps}]\n'
    if extras:
        text += f"\n[project.optional-dependencies]\n{extras}"
    if groups:
        text += f"\n[dependency-groups]\n{groups}"
    return text


def test_an_extra_that_conflicts_with_a_main_pin(tmp_path: Path, index: IndexServer) -> None:
    """`pip install .[dist]` fails: the extra's distributed needs another dask than the main pin."""
    pyproject = _pyproject(extras='dist = ["distributed==2022.05.1"]\nok = ["toolz"]\n')
    with index:
        code, report = lint(tmp_path, {"pyproject.toml": pyproject}, index.url)
    [diag] = find(report, "PIN003")
    assert code == 1 and diag["package"] == "dask"
    assert "dask==2022.1.0 (pyproject.toml:4)" in diag["message"]
    assert "distributed==2022.05.1 (pyproject.toml:7)" in diag["message"]


def test_a_dependency_group_that_conflicts_and_one_that_includes_it(tmp_path: Path, index: IndexServer) -> None:
    pyproject = _pyproject(groups='dist = ["distributed==2022.05.1"]\nall = [{include-group = "dist"}, "toolz"]\n')
    with index:
        code, report = lint(tmp_path, {"pyproject.toml": pyproject}, index.url)
    [diag] = find(report, "PIN003")  # the same two lines, reported once
    assert "distributed==2022.05.1 (pyproject.toml:7)" in diag["message"]


def test_two_extras_that_only_conflict_with_each_other_are_alternatives(tmp_path: Path, index: IndexServer) -> None:
    pyproject = _pyproject(deps='"toolz"', extras='old = ["dask==2022.1.0"]\nnew = ["distributed==2022.05.1"]\n')
    with index:
        code, report = lint(tmp_path, {"pyproject.toml": pyproject}, index.url)
    assert (code, find(report, "PIN003"), report["skipped"]) == (0, [], [])


def test_a_main_conflict_is_reported_once_whatever_the_extras(tmp_path: Path, index: IndexServer) -> None:
    """The main pins conflict: `pip install .` reports it; `.[a]`, `.[b]` and `--group test` add nothing to it."""
    pyproject = _pyproject(deps='"dask==2022.1.0", "distributed==2022.05.1"', extras='a = ["toolz"]\nb = ["numpy<2"]\n',
                           groups='test = ["toolz>=0.10"]\n')
    with index:
        code, report = lint(tmp_path, {"pyproject.toml": pyproject}, index.url)
    [diag] = find(report, "PIN003")
    assert code == 1 and report["skipped"] == []
    assert diag["message"].startswith("dask==2022.1.0 (pyproject.toml:4) and distributed==2022.05.1 (pyproject.toml:4) "
                                      "cannot be installed together")


def test_an_extra_is_resolved_with_the_main_dependencies_not_alone(tmp_path: Path, index: IndexServer) -> None:
    """Twin of the extra conflict: the same extra beside a main pin it agrees with is clean."""
    pyproject = _pyproject(deps='"dask==2022.5.1"', extras='dist = ["distributed==2022.05.1"]\n',
                           groups='test = ["distributed==2022.05.1"]\n')
    with index:
        code, report = lint(tmp_path, {"pyproject.toml": pyproject}, index.url)
    assert (code, report["diagnostics"], report["skipped"]) == (0, [], [])


def test_an_extra_that_names_the_project_itself(tmp_path: Path, index: IndexServer) -> None:
    """`all = ["app[dist,ok]"]` means those extras: resolved from them, app itself is never looked up."""
    pyproject = _pyproject(extras='dist = ["distributed==2022.05.1"]\nok = ["toolz"]\nall = ["app[dist,ok]"]\n')
    with index:
        _, report = lint(tmp_path, {"pyproject.toml": pyproject}, index.url)
        assert not index.requests_for("/simple/app/")
    assert len(find(report, "PIN003")) == 1
    assert not [s for s in report["skipped"] if "app" in s["what"]]


def test_setup_py_extras_are_alternatives_too(tmp_path: Path, index: IndexServer) -> None:
    setup = ('from setuptools import setup\nsetup(name="app", version="1", install_requires=["toolz"],\n'
             '      extras_require={"old": ["dask==2022.1.0"], "new": ["distributed==2022.05.1"]})\n')
    with index:
        code, report = lint(tmp_path, {"setup.py": setup}, index.url)
    assert (code, find(report, "PIN003")) == (0, [])


def test_setup_cfg_extra_that_conflicts_with_a_main_pin(tmp_path: Path, index: IndexServer) -> None:
    setup_cfg = ("[metadata]\nname = app\nversion = 1\n\n[options]\ninstall_requires =\n    dask==2022.1.0\n\n"
                 "[options.extras_require]\ndist =\n    distributed==2022.05.1\nold =\n    dask<2022.5\n")
    with index:
        code, report = lint(tmp_path, {"setup.cfg": setup_cfg}, index.url)
    [diag] = find(report, "PIN003")
    assert code == 1
    assert "dask==2022.1.0 (setup.cfg:7)" in diag["message"]
    assert "distributed==2022.05.1 (setup.cfg:11)" in diag["message"]


def test_an_undecided_extra_is_named_in_skipped(tmp_path: Path, index: IndexServer) -> None:
    pyproject = _pyproject(deps='"toolz"', extras='dist = ["distributed==2022.05.1"]\n', groups='test = ["dask"]\n')
    with index:
        code, report = lint(tmp_path, {"pyproject.toml": pyproject}, index.url,
                            config=CONFIG + "resolver-max-rounds = 1\n")
    [reason] = [s["reason"] for s in report["skipped"] if s["what"] == "resolver: PIN003"]
    assert "pyproject.toml [project.optional-dependencies] dist" in reason
    assert "pyproject.toml [dependency-groups] test" in reason


def test_setup_py_conditional_extra_keys_keep_their_marker(tmp_path: Path, index: IndexServer) -> None:
    """setuptools' `"name:marker"` keys: the marker decides, and an empty name is a main dependency."""
    setup = ('from setuptools import setup\nsetup(name="app", version="1", install_requires=["dask==2022.1.0"],\n'
             '      extras_require={"legacy:python_version<\'3.8\'": ["distributed==2022.05.1"],\n'
             '                      ":python_version<\'3.8\'": ["distributed==2022.05.1"],\n'
             '                      "dist:python_version>=\'3.8\'": ["distributed>=2022.5"]})\n')
    with index:
        code, report = lint(tmp_path, {"setup.py": setup}, index.url)
    [diag] = find(report, "PIN003")  # only the extra whose marker holds on CPython 3.11
    assert code == 1 and report["skipped"] == []
    assert "distributed>=2022.5 (setup.py:5)" in diag["message"]
    assert "dask==2022.1.0 (setup.py:2)" in diag["message"]
