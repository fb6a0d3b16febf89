"""DAT001/DAT002: reads of local data files, the project tree walk, the scan cache and parallel scans.

Fixture lines that a rule must report end with a ``# DAT001`` / ``# DAT002`` marker; every other
line must stay silent. Projects are copied to tmp_path first (the scan writes its cache there).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from support import TEST_CACHE_HOME, clean_environ, run_json, run_json_without_file_powers, without_file_powers

FIXTURES = Path(__file__).parent / "fixtures" / "data"
MARKER = re.compile(r"#\s*(DAT00[12])\s*$")


def copy_fixture(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(FIXTURES / name, dest, ignore=shutil.ignore_patterns(".envlint_cache"))
    return dest


def remote(project: Path) -> str:
    """A configuration that declares every script of ``project`` to run on the cluster: these tests
    are about which calls read which paths (where a read runs: tests/rules/test_dat001_where.py)."""
    config = project.parent / f"{project.name}-remote.toml"
    config.write_text('remote-scripts = ["*"]\n', encoding="utf-8")
    return str(config)


def lint(project: Path, *extra: str, **env: str) -> tuple[int, dict]:
    return run_json(project, "--no-env", "--isolated", "--config", remote(project), "--select", "DAT,EL001",
                    *extra, env=clean_environ(**env))


def read_cache(path: Path) -> dict:
    """A tree cache file's JSON (after the seal line: envlint.facts.code.cache_seal)."""
    return json.loads(path.read_bytes().split(b"\n", 1)[1])


def write_cache(path: Path, project: Path, cache: object) -> None:
    """Rewrite a tree cache file as this machine would seal it (its key is the tests' user cache's):
    what this machine itself wrote is believed, so an edit here shows what the cache decides."""
    from envlint.facts.code.cache_seal import KEY_NAME, _mac

    key = (Path(TEST_CACHE_HOME) / "envlint" / KEY_NAME).read_bytes()
    payload = json.dumps(cache).encode()
    path.write_bytes(_mac(key, project, payload) + b"\n" + payload)


def expected_markers(project: Path) -> set[tuple[str, int, str]]:
    out = set()
    for path in sorted(project.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = MARKER.search(line)
            if m:
                out.add((path.relative_to(project).as_posix(), number, m.group(1)))
    return out


def reported(report: dict, suffix: str = ".py") -> set[tuple[str, int, str]]:
    return {(d["path"], d["line"], d["code"]) for d in report["diagnostics"]
            if d["code"].startswith("DAT") and d["path"].endswith(suffix)}


@pytest.fixture(scope="module")
def readers_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, dict]:
    project = copy_fixture("readers", tmp_path_factory.mktemp("readers"))
    code, report = lint(project)
    return project, code, report


# -- every reader family, every path kind ---------------------------------------------------------

@pytest.mark.parametrize("module", ["builtin_open.py", "pathlib_reads.py", "dataframes.py", "arrays.py",
                                    "models.py", "path_values.py", "absolute.py", "aliased.py"])
def test_each_reader_family_reports_exactly_the_marked_lines(readers_report, module: str) -> None:
    project, code, report = readers_report
    expected = {e for e in expected_markers(project) if e[0] == module}
    assert expected, "the fixture marks at least one line"
    assert {r for r in reported(report) if r[0] == module} == expected
    assert code == 1


@pytest.mark.parametrize("module", ["not_flagged.py", "shadowed_open.py"])
def test_urls_argv_environment_file_relative_and_unknown_values_are_not_reported(readers_report, module: str) -> None:
    _, _, report = readers_report
    assert [d for d in report["diagnostics"] if d["path"] == module] == []


def test_message_names_the_call_and_path_and_points_at_the_call(readers_report) -> None:
    _, _, report = readers_report
    [d] = [d for d in report["diagnostics"] if d["path"] == "dataframes.py" and d["line"] == 6]
    assert d["code"] == "DAT001" and d["severity"] == "warning" and d["name"] == "relative-data-path"
    assert d["message"] == ('pd.read_csv("local_data.csv") runs on the cluster: the script is listed in '
                            "`remote-scripts`; package sync does not copy data files, so the workers have no "
                            "local_data.csv")
    assert d["column"] == 1
    assert "s3://" in d["help"] and "Client.upload_file" in d["help"] and "package data" in d["help"]
    [nested] = [d for d in report["diagnostics"] if d["path"] == "builtin_open.py" and d["line"] == 13]
    assert nested["column"] == 20  # json.load(open(...)): the open call itself, 1-based
    [absolute] = [d for d in report["diagnostics"] if d["path"] == "absolute.py" and d["line"] == 8]
    assert absolute["code"] == "DAT002" and absolute["name"] == "absolute-data-path"
    assert 'np.load("/Users/ana/models/weights.npy")' in absolute["message"]


def test_module_constant_and_glob_are_resolved(readers_report) -> None:
    _, _, report = readers_report
    messages = {d["message"].split(" runs on ")[0].split(" is read by ")[0] for d in report["diagnostics"]}
    assert 'open("local_data.csv")' in messages  # DATA = "local_data.csv"; open(DATA)
    assert 'dd.read_csv("data/*.csv")' in messages
    assert 'open("inputs/{name}.csv")' in messages  # f-string with a constant and a dynamic part


def test_suppression_comment_on_the_line(readers_report) -> None:
    project, _, report = readers_report
    line = next(i for i, text in enumerate((project / "path_values.py").read_text().splitlines(), 1)
                if "suppressed.csv" in text)
    assert not [d for d in report["diagnostics"] if d["path"] == "path_values.py" and d["line"] == line]


def test_notebook_code_cells_are_scanned(readers_report) -> None:
    _, _, report = readers_report
    found = [d for d in report["diagnostics"] if d["path"] == "analysis.ipynb"]
    # the constant comes from cell 2, the read is in cell 3; markdown and the s3:// read are not reported
    assert [(d["code"], d["message"].split(" runs on ")[0]) for d in found] == [
        ("DAT001", 'pd.read_csv("local_data.csv")')]
    assert "(cell 3, line 3)" in found[0]["message"]
    assert (found[0]["cell"], found[0]["line"]) == (3, 3)


def test_select_dat002_only(tmp_path: Path) -> None:
    project = copy_fixture("readers", tmp_path)
    _, report = run_json(project, "--no-env", "--isolated", "--config", remote(project), "--select", "DAT002",
                         env=clean_environ())
    assert {d["code"] for d in report["diagnostics"]} == {"DAT002"}
    assert {d["path"] for d in report["diagnostics"]} == {"absolute.py", "aliased.py"}


# -- package data ---------------------------------------------------------------------------------

def test_file_shipped_inside_the_package_is_not_reported_but_others_are(tmp_path: Path) -> None:
    project = copy_fixture("package_data", tmp_path)
    _, report = lint(project)
    assert reported(report) == expected_markers(project)
    messages = " ".join(d["message"] for d in report["diagnostics"])
    assert "table.csv" not in messages


# -- input that cannot be parsed ------------------------------------------------------------------

def test_non_utf8_and_python2_files_are_el001_and_the_rest_is_still_reported(tmp_path: Path) -> None:
    project = tmp_path / "broken"
    project.mkdir()
    (project / "latin1.py").write_bytes(b"name = 'caf\xe9'\nopen('x.csv')\n")
    (project / "legacy.py").write_text("import os\nprint 'hello'\nopen('y.csv')\n")
    (project / "nul.py").write_bytes(b"open('z.csv')\x00\n")
    (project / "good.py").write_text("open('good.csv')\n")
    code, report = lint(project)
    el001 = {d["path"]: d for d in report["diagnostics"] if d["code"] == "EL001"}
    assert set(el001) == {"latin1.py", "legacy.py", "nul.py"}
    assert el001["legacy.py"]["line"] == 2 and "Python 3" in el001["legacy.py"]["message"]
    assert "UTF-8" in el001["latin1.py"]["message"] and el001["latin1.py"]["line"] == 1
    assert reported(report) == {("good.py", 1, "DAT001")}
    assert code == 1


def test_file_over_the_size_cap_is_el001(tmp_path: Path) -> None:
    project = tmp_path / "big"
    project.mkdir()
    (project / "generated.py").write_bytes(b"open('a.csv')\n" + b"x = 1\n" * (2 * 1024 * 1024))
    (project / "small.py").write_text("open('b.csv')\n")
    _, report = lint(project)
    [big] = [d for d in report["diagnostics"] if d["code"] == "EL001"]
    assert big["path"] == "generated.py" and "10 MB" in big["message"]
    assert reported(report) == {("small.py", 1, "DAT001")}


# -- the tree walk ----------------------------------------------------------------------------------

READ = "open('data.csv')\n"


def write(path: Path, text: str = READ) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_gitignored_environment_build_and_cache_directories_are_skipped(tmp_path: Path) -> None:
    project = tmp_path / "tree"
    write(project / "app.py")
    write(project / ".gitignore", "ignored/\n*.generated.py\n!keep.generated.py\n")
    write(project / "ignored" / "x.py")
    write(project / "a.generated.py")
    write(project / "keep.generated.py")
    write(project / "sub" / ".gitignore", "local.py\n")
    write(project / "sub" / "local.py")
    write(project / "sub" / "kept.py")
    write(project / "local.py")  # the nested .gitignore applies only below sub/
    write(project / "myvenv" / "pyvenv.cfg", "home = /usr/bin\n")
    write(project / "myvenv" / "lib" / "python3.11" / "site-packages" / "dep.py")
    write(project / "condaenv" / "conda-meta" / "history", "")
    write(project / "condaenv" / "lib" / "thing.py")
    for name in ("node_modules", ".git", "build", "dist", "pkg.egg-info", "__pycache__", ".tox", ".nox",
                 ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages"):
        write(project / name / "skipped.py")
    write(project / "mypkg" / "build" / "__init__.py", "")  # a package named build is code, not output
    write(project / "mypkg" / "build" / "steps.py")
    _, report = lint(project)
    assert {path for path, _, _ in reported(report)} == {
        "app.py", "keep.generated.py", "sub/kept.py", "local.py", "mypkg/build/steps.py"}


def test_configured_exclude_patterns_are_skipped(tmp_path: Path) -> None:
    project = tmp_path / "excl"
    write(project / "app.py")
    write(project / "scripts" / "legacy" / "old.py")
    write(project / "notebooks" / "scratch.py")
    config = tmp_path / "envlint.toml"
    config.write_text('exclude = ["scripts/legacy/", "scratch.py"]\nremote-scripts = ["*"]\n')
    _, report = run_json(project, "--no-env", "--config", config, "--select", "DAT", env=clean_environ())
    assert {path for path, _, _ in reported(report)} == {"app.py"}


def test_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    project = tmp_path / "loop"
    write(project / "pkg" / "mod.py")
    os.symlink("..", project / "pkg" / "up")
    os.symlink(project / "pkg", project / "alias")
    _, report = lint(project)
    assert {path for path, _, _ in reported(report)} == {"pkg/mod.py"}


@pytest.mark.skipif(without_file_powers() is None,
                    reason="chmod 000 cannot keep this process out here (root without setpriv)")
def test_unreadable_directory_is_el001_and_the_walk_goes_on(tmp_path: Path) -> None:
    project = tmp_path / "perm"
    write(project / "ok.py")
    write(project / "locked" / "hidden.py")
    (project / "locked").chmod(0)
    try:
        _, report = run_json_without_file_powers(project, "--no-env", "--isolated", "--config", remote(project),
                                                 "--select", "DAT,EL001", env=clean_environ())
    finally:
        (project / "locked").chmod(0o755)
    assert any(d["code"] == "EL001" and d["path"] == "locked" for d in report["diagnostics"])
    assert {path for path, _, _ in reported(report)} == {"ok.py"}


# -- cache and parallel scans ---------------------------------------------------------------------

def test_second_run_uses_the_cache_with_identical_results_and_rescans_a_changed_file(tmp_path: Path) -> None:
    project = copy_fixture("readers", tmp_path)
    (project / "legacy.py").write_text("print 'hello'\nopen('y.csv')\n")
    first_code, first = lint(project)
    cache = project / ".envlint_cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    [cache_file] = cache.glob("data-reads-*.json")
    assert "legacy.py" in read_cache(cache_file)["files"]

    second_code, second = lint(project)
    assert (second_code, second["diagnostics"]) == (first_code, first["diagnostics"])
    assert any(d["code"] == "EL001" and d["path"] == "legacy.py" for d in second["diagnostics"])

    # an edit right after a run that keeps size and mtime (a file system with coarse timestamps):
    # the content hash still sees it
    arrays = project / "arrays.py"
    arrays.write_text(arrays.read_text() + "\n")
    lint(project)
    stat = arrays.stat()
    arrays.write_text(arrays.read_text().replace('"weights.npy"', '"weights.npz"'))
    os.utime(arrays, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    _, third = lint(project)
    messages = [d["message"] for d in third["diagnostics"] if d["path"] == "arrays.py"]
    assert any('"weights.npz"' in m for m in messages) and not any('"weights.npy"' in m for m in messages)

    (project / "legacy.py").write_text("open('fixed.csv')\n")  # fixed: no EL001 any more
    _, fourth = lint(project)
    assert not [d for d in fourth["diagnostics"] if d["code"] == "EL001"]
    assert ("legacy.py", 1, "DAT001") in reported(fourth)


def test_cache_can_be_turned_off(tmp_path: Path) -> None:
    project = copy_fixture("package_data", tmp_path)
    lint(project, ENVLINT_NO_CACHE="1")
    lint(project, "--no-cache")
    assert not (project / ".envlint_cache").exists()

    # A cache that says mypkg/__init__.py reads /home/ana/fake.csv is believed by a normal run (the
    # file's size and mtime match), and never even read with --no-cache.
    lint(project)
    (cache_file,) = (project / ".envlint_cache").glob("data-reads-*.json")
    cache = read_cache(cache_file)
    cache["written_ns"] += 3600 * 10**9
    row = cache["files"]["mypkg/__init__.py"]
    cache["files"]["mypkg/__init__.py"] = [*row[:3], {"reads": [[1, 1, "open", "/home/ana/fake.csv", "absolute", None, "workers", {}]],
                                                      "error": None}]
    write_cache(cache_file, project, cache)
    assert ("mypkg/__init__.py", 1, "DAT002") in reported(lint(project)[1])
    assert ("mypkg/__init__.py", 1, "DAT002") not in reported(lint(project, "--no-cache")[1])


def test_parallel_scan_gives_the_same_output_as_serial(tmp_path: Path) -> None:
    project = copy_fixture("readers", tmp_path)
    for i in range(30):  # enough files for several chunks
        write(project / "many" / f"m{i:02d}.py", f"import pandas as pd\npd.read_csv('part{i}.csv')\n")
    serial = lint(project, ENVLINT_JOBS="1", ENVLINT_NO_CACHE="1")
    parallel = lint(project, ENVLINT_JOBS="2", ENVLINT_NO_CACHE="1")
    assert serial == parallel
    assert len([d for d in parallel[1]["diagnostics"] if d["path"].startswith("many/")]) == 30


def test_gitignore_files_above_the_root_apply_but_never_hide_the_root_itself(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / ".gitignore", "generated/\n*.tmp.py\nscratch/\n")
    write(repo / "proj" / "app.py")
    write(repo / "proj" / "generated" / "out.py")
    write(repo / "proj" / "a.tmp.py")
    _, report = lint(repo / "proj")  # paths are shown from the repository root
    assert {path for path, _, _ in reported(report)} == {"proj/app.py"}
    # a directory the repository ignores is still linted when it is the PATH given
    write(repo / "scratch" / "try.py")
    _, report = lint(repo / "scratch")
    assert {path for path, _, _ in reported(report)} == {"scratch/try.py"}


@pytest.mark.parametrize("module", sorted(p.name for p in (FIXTURES / "readers").glob("*.py")))
def test_prefilter_never_drops_a_read_the_scanner_would_find(module: str) -> None:
    from envlint.facts.code.read_scanner import scan_python
    from envlint.facts.code.reader_table import load_table

    data = (FIXTURES / "readers" / module).read_bytes()
    table = load_table()
    every_line = list(range(1, data.count(b"\n") + 2))
    assert scan_python(data, table)["reads"] == scan_python(data, table, lines=every_line)["reads"]


@pytest.mark.parametrize("poison", [
    "not json at all",
    '{"format": 2, "written_ns": "soon", "files": {}}',
    '{"format": 2, "written_ns": 0, "files": []}',
    "ROWS",
])
def test_a_cache_file_that_is_not_what_envlint_wrote_is_a_miss(tmp_path: Path, poison: str) -> None:
    """The cache lives in the project tree, where anyone (or a committed copy) can change it: whatever it
    holds, the findings are the same as without it."""
    project = copy_fixture("readers", tmp_path)
    _, clean = lint(project, "--no-cache")
    lint(project)
    (cache_file,) = (project / ".envlint_cache").glob("data-reads-*.json")
    if poison == "ROWS":
        cache = read_cache(cache_file)
        cache["written_ns"] += 3600 * 10**9
        bad_rows = [["7", 1, 5], [1, 2], [1, 2, 3], "row", [1, 2, "d", {"reads": [[1, 2]]}],
                    [1, 2, "d", {"reads": [], "error": ["why", "one", None]}], [1, 2, "d", {"reads": "all"}]]
        for (rel, row), bad in zip(sorted(cache["files"].items()), bad_rows * 20):
            cache["files"][rel] = [row[0], row[1], *bad[2:]] if isinstance(bad, list) and len(bad) > 2 else bad
        write_cache(cache_file, project, cache)
    else:
        cache_file.write_text(poison)
    code, report = lint(project)
    assert report["diagnostics"] == clean["diagnostics"] and code == 1


def test_an_edited_reader_table_starts_a_new_cache() -> None:
    """The cache key uses the table's digest without parsing the table: the same digest the table has."""
    from envlint.facts.code.reader_table import load_table, table_digest

    assert table_digest() == load_table().digest


# -- the walk cache ---------------------------------------------------------------------------------

def _age(project: Path) -> None:
    """Date every directory 10 s back, as if the tree had been made a while ago (a directory changed
    within the last moments is never trusted from the cache)."""
    past = time.time() - 10
    for directory in [project, *(p for p in project.rglob("*") if p.is_dir())]:
        os.utime(directory, (past, past))


def _settle(project: Path) -> dict:
    """Lint until the walk is cached: the first run makes .envlint_cache/ (changing the root), the
    next records the walk."""
    lint(project)
    _age(project)
    return lint(project)[1]


def _walk_cache(project: Path) -> Path:
    (path,) = (project / ".envlint_cache").glob("walk-*.json")
    return path


def test_the_walk_is_reused_until_a_directory_changes(tmp_path: Path) -> None:
    project = copy_fixture("readers", tmp_path)
    (project / "sub").mkdir()
    first = _settle(project)
    # a walk cache that lists a file the tree does not have shows that it is used
    cache = read_cache(_walk_cache(project))
    cache["files"].append("ghost.py")
    write_cache(_walk_cache(project), project, cache)
    _, lied = lint(project)
    assert any(d["path"] == "ghost.py" and d["code"] == "EL001" for d in lied["diagnostics"])
    # a new file changes its directory: walked again, and found
    (project / "sub" / "new.py").write_text('import pandas as pd\n\nframe = pd.read_csv("new.csv")\n')
    _, second = lint(project)
    assert not any(d["path"] == "ghost.py" for d in second["diagnostics"])
    assert ("sub/new.py", 3, "DAT001") in reported(second)
    assert reported(second) - {("sub/new.py", 3, "DAT001")} == reported(first)


def test_editing_an_ignore_file_or_adding_one_below_is_seen(tmp_path: Path) -> None:
    project = copy_fixture("readers", tmp_path)
    (project / "sub").mkdir()
    (project / "sub" / "load.py").write_text('open("sub.csv")\n')
    (project / ".gitignore").write_text("")
    assert ("sub/load.py", 1, "DAT001") in reported(_settle(project))
    (project / ".gitignore").write_text("sub/\n")  # same directories, edited ignore file
    assert ("sub/load.py", 1, "DAT001") not in reported(lint(project)[1])
    (project / ".gitignore").write_text("")
    _settle(project)
    (project / "sub" / ".gitignore").write_text("load.py\n")  # a new ignore file below
    assert ("sub/load.py", 1, "DAT001") not in reported(lint(project)[1])


def test_a_build_directory_that_becomes_a_package_is_walked(tmp_path: Path) -> None:
    project = copy_fixture("readers", tmp_path)
    (project / "build").mkdir()
    (project / "build" / "load.py").write_text('open("built.csv")\n')
    assert ("build/load.py", 1, "DAT001") not in reported(_settle(project))
    (project / "build" / "__init__.py").write_text("")
    assert ("build/load.py", 1, "DAT001") in reported(lint(project)[1])


@pytest.mark.parametrize("poison", ["[]", '{"format": 1, "listed_ns": 0, "dirs": {"": "x"}}', "garbage"])
def test_a_walk_cache_that_is_not_what_envlint_wrote_is_a_miss(tmp_path: Path, poison: str) -> None:
    project = copy_fixture("readers", tmp_path)
    _, clean = lint(project, "--no-cache")
    _settle(project)
    _walk_cache(project).write_text(poison)
    code, report = lint(project)
    assert report["diagnostics"] == clean["diagnostics"] and code == 1
