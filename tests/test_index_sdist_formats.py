"""Legacy sdist archives (.tar.bz2, .tgz, .tar.xz, .tar) are sdists: pip installs them, envlint counts them."""

from __future__ import annotations

from pathlib import Path

import pytest
from index_server import SDIST_FORMATS, IndexServer, make_sdist
from pip_inspect import inspect_report
from support import clean_environ, run_json

LEGACY = [ext for ext in SDIST_FORMATS if ext != ".tar.gz"]


@pytest.mark.parametrize("json", [True, False], ids=["pep691-json", "pep503-html"])
def test_legacy_sdists_are_versions_the_index_has(tmp_path: Path, json: bool) -> None:
    index = IndexServer(json=json)
    dists = []
    for i, ext in enumerate(LEGACY):
        name = f"legacy{i}"
        index.add_file(make_sdist(tmp_path / "s", name, "1.0", build_requires=["setuptools"], ext=ext))
        dists.append((name, "1.0"))
    project = tmp_path / "project"
    project.mkdir()
    (project / "envlint.toml").write_text("timeout = 2\nretries = 2\n")
    with index:
        code, report = run_json(project, "--inspect", inspect_report(tmp_path / "inspect.json", dists),
                                "--index-url", index.url, "--cache-dir", tmp_path / "cache",
                                "--select", "SRC003,BLD003,PLT002", env=clean_environ(XDG_CACHE_HOME=str(tmp_path / "xdg")))
    # never "no such version": each version has an sdist, which the workers build (BLD003, a warning)
    found = {(d["code"], d["package"], d["severity"]) for d in report["diagnostics"]}
    assert found == {("BLD003", f"legacy{i}", "warning") for i in range(len(LEGACY))}
    builds = sorted(d["message"].rpartition(" the workers build ")[2] for d in report["diagnostics"])
    assert builds == sorted(f"legacy{i}-1.0{ext}" for i, ext in enumerate(LEGACY))
    assert [s for s in report["skipped"] if s["what"].startswith("index")] == []
    assert code == 1
