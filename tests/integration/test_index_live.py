"""Known facts about PyPI itself. Off by default (and in CI): ENVLINT_LIVE_TESTS=1 turns them on.

The endpoint is pypi-simple's constant; the cache goes to a temporary directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from packaging.version import Version

from envlint.facts.index.fact import Index, pypi_endpoint
from envlint.facts.target import Target
from envlint.index.client import IndexClient
from envlint.index.models import NO_VERSION, SDIST_ONLY, WHEEL

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("ENVLINT_LIVE_TESTS") != "1", reason="talks to PyPI; set ENVLINT_LIVE_TESTS=1"),
]

TARGET = Target(platform="linux_x86_64", python_version=(3, 11, 0))


@pytest.fixture(scope="module")
def pypi(tmp_path_factory: pytest.TempPathFactory) -> Index:
    skipped: list = []
    client = IndexClient(pypi_endpoint(), cache_dir=tmp_path_factory.mktemp("pypi-cache"), offline=False,
                         timeout=20, retries=3, progress=False)
    index = Index(client, skipped, is_pypi=True)
    pages = index.project_pages(["psycopg2", "psycopg2-binary", "torch", "dask"])
    assert skipped == [] and all(p is not None and p.exists for p in pages.values())
    return index


def test_psycopg2_is_sdist_only_for_the_target(pypi: Index) -> None:
    page = pypi.project("psycopg2")
    assert page is not None
    avail = page.availability("2.9.10", TARGET)
    assert avail.status == SDIST_ONLY and avail.sdist is not None
    assert any(f.kind == "wheel" for f in avail.files)  # wheels exist, just not for linux


def test_psycopg2_binary_has_a_wheel(pypi: Index) -> None:
    page = pypi.project("psycopg2-binary")
    assert page is not None
    avail = page.availability("2.9.10", TARGET)
    assert avail.status == WHEEL and avail.wheel is not None and "manylinux" in avail.wheel.filename


def test_a_local_version_is_absent(pypi: Index) -> None:
    page = pypi.project("torch")
    assert page is not None
    assert page.availability("2.1.0+cpu", TARGET).status == NO_VERSION
    assert page.availability("2.1.0", TARGET).status == WHEEL
    assert all(v.local is None for v in page.all_versions)


def test_yanked_version_has_its_reason(pypi: Index) -> None:
    page = pypi.project("dask")
    assert page is not None
    avail = page.availability(Version("2022.10.1"), TARGET)
    assert avail.status == WHEEL and avail.yanked


def test_no_such_project(tmp_path: Path) -> None:
    skipped: list = []
    index = Index(IndexClient(pypi_endpoint(), cache_dir=tmp_path, offline=False, timeout=20, retries=3),
                  skipped, is_pypi=True)
    page = index.project("envlint-nonexistent-project-for-tests")
    assert page is not None and not page.exists and skipped == []
