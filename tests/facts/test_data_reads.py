"""The data-read scan (envlint/facts/code/): files that do not parse, the size cap, the scan cache,
parallel scans and the reader table's prefilter. Its findings are DAT001/DAT002 (tests/rules/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.data_reads import FIXTURES, copy_fixture, lint, read_cache, reported, write, write_cache


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
