"""BLD002, index part: a `[build-system] requires` name that no configured index serves, against real
indexes on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.index_server import IndexServer
from tests.helpers.project_cases import environ, found, messages
from tests.helpers.support import make_wheel, run_json

PYPROJECT = ('[build-system]\nrequires = ["setuptools>=61", "numpy", "acme-build-helpers>=1.0"]\n'
             'build-backend = "setuptools.build_meta"\n[project]\nname = "acme"\nversion = "1.0"\n'
             '[tool.setuptools]\npackages = ["acme"]\n')


def _project(root: Path) -> Path:
    (root / "acme").mkdir(parents=True)
    (root / "acme" / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


def _public(tmp: Path) -> IndexServer:
    server = IndexServer()
    for name in ("setuptools", "numpy"):
        server.add_file(make_wheel(tmp / "public", name, "70.0"))
    return server


def _lint(tmp: Path, index_url: str, *extra: str, **env: str) -> dict:
    project = _project(tmp / "project")
    _, report = run_json(project, "--no-env", "--isolated", "--index-url", index_url, "--cache-dir", tmp / "cache",
                         "--select", "BLD002", *extra, env=environ(tmp, **env))
    return report


def test_build_requirement_no_index_serves(tmp_path: Path) -> None:
    with _public(tmp_path) as public:
        report = _lint(tmp_path, public.url)
    assert found(report, "BLD002") == [("pyproject.toml", 2)]
    [message] = messages(report, "BLD002")
    assert "requires lists acme-build-helpers>=1.0" in message
    assert f"{public.url}: no such project" in message  # the look-up's evidence
    assert "numpy" not in message.split("requires lists")[1].split(",")[0]


def test_build_requirement_served_by_an_extra_index_of_the_pip_configuration(tmp_path: Path) -> None:
    with _public(tmp_path) as public, IndexServer() as private:
        private.add_file(make_wheel(tmp_path / "private", "acme-build-helpers", "1.2"))
        report = _lint(tmp_path, public.url, PIP_EXTRA_INDEX_URL=private.url)
    assert found(report, "BLD002") == []


def test_find_links_makes_the_answer_unknown(tmp_path: Path) -> None:
    (tmp_path / "wheels").mkdir()
    with _public(tmp_path) as public:
        report = _lint(tmp_path, public.url, PIP_FIND_LINKS=str(tmp_path / "wheels"))
    assert found(report, "BLD002") == []
    assert any(s["what"] == "index: acme-build-helpers" and "not checked" in s["reason"] for s in report["skipped"])


def test_offline_skips_cleanly(tmp_path: Path) -> None:
    with _public(tmp_path) as public:
        report = _lint(tmp_path, public.url, "--offline")
        assert public.log == []
    assert found(report, "BLD002") == []
    assert any("offline" in s["reason"] and "BLD002" in s["reason"] for s in report["skipped"])
