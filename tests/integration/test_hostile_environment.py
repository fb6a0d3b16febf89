"""Broken installed metadata is EL001 with the path and reason, and every other finding survives."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.support import find, make_venv, make_wheel, pip_install, run_json, site_packages


def _dist_info(site: Path, name: str, version: str) -> Path:
    return site / f"{name}-{version}.dist-info"


def test_broken_metadata_files_are_el001_and_do_not_hide_findings(tmp_path: Path, wheelhouse: Path) -> None:
    for name in ("nover", "binmeta", "badrecord", "badwheel", "badurl", "legacyver", "dirmeta", "badreq"):
        make_wheel(wheelhouse, name, "1.0")
    make_wheel(wheelhouse, "dask", "2022.1.0")
    make_wheel(wheelhouse, "distributed", "2022.5.1", requires=["dask==2022.05.1"])
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "nover", "binmeta", "badrecord", "badwheel", "badurl", "legacyver", "dirmeta", "badreq",
                "dask", "distributed", find_links=wheelhouse)
    site = site_packages(venv)
    meta = _dist_info(site, "nover", "1.0") / "METADATA"
    meta.write_text("Metadata-Version: 2.1\nName: nover\n")
    (_dist_info(site, "binmeta", "1.0") / "METADATA").write_bytes(b"\xff\xfe\x00garbage\x00\x01")
    (_dist_info(site, "badrecord", "1.0") / "RECORD").write_bytes(b"a.py,sha256=x,1\n\"unterminated\x00\n")
    (_dist_info(site, "badwheel", "1.0") / "WHEEL").write_text("this is not a wheel file\n")
    (_dist_info(site, "badurl", "1.0") / "direct_url.json").write_text("{not json")
    legacy = _dist_info(site, "legacyver", "1.0") / "METADATA"
    legacy.write_text(legacy.read_text().replace("Version: 1.0", "Version: 2.0-final-123-dev"))
    dirmeta = _dist_info(site, "dirmeta", "1.0") / "METADATA"
    dirmeta.unlink()
    dirmeta.mkdir()  # unreadable as a file
    badreq = _dist_info(site, "badreq", "1.0") / "METADATA"
    badreq.write_text(badreq.read_text().replace(
        "Version: 1.0\n", "Version: 1.0\nRequires-Dist: foo>=1.0.*\nRequires-Dist: dask>=3000\n"))

    code, report = run_json(tmp_path, "--prefix", venv, "--select", "EL001,PIN001")

    assert code == 1
    el001 = {(Path(d["path"]).parent.name, Path(d["path"]).name): d["message"] for d in find(report, "EL001")}
    assert "no Version field" in el001[("nover-1.0.dist-info", "METADATA")]
    assert "not UTF-8" in el001[("binmeta-1.0.dist-info", "METADATA")]
    assert "malformed RECORD" in el001[("badrecord-1.0.dist-info", "RECORD")]
    assert "malformed WHEEL" in el001[("badwheel-1.0.dist-info", "WHEEL")]
    assert "malformed direct_url.json" in el001[("badurl-1.0.dist-info", "direct_url.json")]
    assert "not a valid PEP 440 version" in el001[("legacyver-1.0.dist-info", "METADATA")]
    assert "cannot read" in el001[("dirmeta-1.0.dist-info", "METADATA")]
    assert "invalid requirement 'foo>=1.0.*'" in el001[("badreq-1.0.dist-info", "METADATA")]
    # the other findings are all still there, including the valid requirement next to the broken one
    pins = {(d["package"], d["message"].split(" requires")[0]) for d in find(report, "PIN001")}
    assert pins == {("dask", "distributed 2022.5.1"), ("dask", "badreq 1.0")}


def test_malformed_conda_meta_record(tmp_path: Path, wheelhouse: Path) -> None:
    make_wheel(wheelhouse, "dask", "2022.1.0")
    make_wheel(wheelhouse, "distributed", "2022.5.1", requires=["dask==2022.05.1"])
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "dask", "distributed", find_links=wheelhouse)
    prefix = tmp_path / "conda"
    (prefix / "conda-meta").mkdir(parents=True)
    (prefix / "lib").mkdir()
    (prefix / "lib" / site_packages(venv).parent.name).mkdir()
    site_packages(venv).rename(prefix / "lib" / site_packages(venv).parent.name / "site-packages")
    (prefix / "conda-meta" / "broken-1.0-0.json").write_text("{")
    (prefix / "conda-meta" / "python-3.11.7-h0_0.json").write_text(json.dumps({"name": "python", "version": "3.11.7"}))
    code, report = run_json(tmp_path, "--prefix", prefix, "--select", "EL001,PIN001")
    assert report["environment"]["kind"] == "conda"
    assert report["target"]["python"] == "3.11.7"
    [err] = find(report, "EL001")
    assert err["path"].endswith("conda-meta/broken-1.0-0.json") and "malformed conda-meta record" in err["message"]
    assert find(report, "PIN001", "dask")


def test_pip_inspect_report_that_is_not_json_is_a_skipped_line(tmp_path: Path) -> None:
    report_file = tmp_path / "inspect.json"
    report_file.write_text("{ nope")
    code, report = run_json(tmp_path, "--inspect", report_file, "--select", "PIN001")
    assert code == 0
    assert report["diagnostics"] == []
    assert "is not valid JSON" in report["skipped"][0]["reason"]
