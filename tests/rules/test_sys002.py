"""SYS002 os-package: distributions the operating system's package manager installed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers.mixed_venv import Mixed
from tests.helpers.project_cases import messages
from tests.helpers.support import clean_environ, find, run_json


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
