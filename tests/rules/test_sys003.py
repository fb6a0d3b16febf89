"""SYS003: run-time system programs and libraries that wheels do not bundle (no index, no network)."""

from __future__ import annotations

import json
from pathlib import Path

from envlint.facts.environment.system_requirements import load_table

from tests.helpers.support import find, make_venv, make_wheel, pip_install, run_json, site_packages


def test_known_needs_are_reported_and_point_at_the_declaration(tmp_path: Path, wheelhouse: Path) -> None:
    for name, version in [("pdf2image", "1.17.0"), ("graphviz", "0.20.1"), ("python-magic", "0.4.27"),
                          ("requests", "2.31.0")]:
        make_wheel(wheelhouse, name, version)
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "pdf2image", "graphviz", "python-magic", "requests", find_links=wheelhouse)
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("requests\npdf2image==1.17.0\n")

    code, report = run_json(project, "--prefix", venv, "--select", "SYS003", "--offline", "--cache-dir",
                            tmp_path / "cache")

    assert code == 1
    assert {(d["package"], d["severity"]) for d in report["diagnostics"]} == {
        ("pdf2image", "warning"), ("graphviz", "warning"), ("python-magic", "warning")}
    [pdf] = find(report, "SYS003", "pdf2image")
    assert pdf["message"] == ("pdf2image needs poppler (`pdftoppm`, `pdfinfo`) at run time; its wheel does not bundle "
                              "it and package sync does not install system packages")
    assert "conda install -c conda-forge poppler" in pdf["help"] and "pdftoppm -v" in pdf["help"]
    assert (pdf["path"], pdf["line"]) == ("requirements.txt", 2)
    [dot] = find(report, "SYS003", "graphviz")
    assert "`dot`" in dot["message"] and "apt-get install graphviz" in dot["help"]
    assert report["skipped"] == []  # no index needed


def test_conda_environment_that_has_the_package_is_clean(tmp_path: Path, wheelhouse: Path) -> None:
    make_wheel(wheelhouse, "pdf2image", "1.17.0")
    make_wheel(wheelhouse, "pydot", "2.0.0")
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "pdf2image", "pydot", find_links=wheelhouse)
    prefix = tmp_path / "conda"
    (prefix / "conda-meta").mkdir(parents=True)
    lib = prefix / "lib" / site_packages(venv).parent.name
    lib.mkdir(parents=True)
    site_packages(venv).rename(lib / "site-packages")
    (prefix / "conda-meta" / "python-3.11.7-h0_0.json").write_text(json.dumps({"name": "python", "version": "3.11.7"}))
    (prefix / "conda-meta" / "poppler-24.02.0-hfb8f4d2_0.json").write_text(json.dumps({"name": "poppler"}))

    code, report = run_json(tmp_path, "--prefix", prefix, "--select", "SYS003")

    assert report["environment"]["kind"] == "conda"
    # poppler comes with the conda environment (package sync mirrors it); Graphviz does not
    assert [(d["package"], d["code"]) for d in report["diagnostics"]] == [("pydot", "SYS003")]


def test_table_entries_are_complete() -> None:
    table = load_table()
    assert len(table) >= 30
    for need in table.values():
        assert need.needs and need.check and need.conda and need.apt
    for name in ("graphviz", "pydot", "pdf2image", "pytesseract", "python-magic", "pyodbc", "weasyprint",
                 "cairosvg", "pycairo", "mysqlclient", "gdal"):
        assert name in table
