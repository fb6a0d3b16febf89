"""Names a repository chooses never become GitHub Actions workflow commands in text output, and
permission problems never cost a finding (issue 15)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.hostile_cases import assert_known_findings, el001, is_root, lint, project, run_subprocess
from tests.helpers.support import make_venv, make_wheel, pip_install, site_packages

COMMAND = "::error title=Owned::pwned"


def test_no_line_of_text_output_starts_a_workflow_command(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / f"{COMMAND}.py").write_text('import dask.dataframe as dd\ndd.read_csv("x.csv")\n')
    (root / "  ::add-mask::secret.py").write_text('import dask.dataframe as dd\ndd.read_csv("y.csv")\n')

    code, out = lint(root, tmp_path, "--select", "EL001,DAT,BLD", fmt="text")

    assert code == 1
    assert not [line for line in out.splitlines() if line.lstrip().startswith("::")], out
    assert f"./{COMMAND}.py:2:1: DAT001" in out
    assert "./  ::add-mask::secret.py:2:1: DAT001" in out
    assert "analysis.py:3:6: DAT001" in out


def test_no_package_heading_starts_a_workflow_command(tmp_path: Path, wheelhouse: Path) -> None:
    make_wheel(wheelhouse, "dask", "2022.1.0")
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "dask", find_links=wheelhouse)
    dist_info = site_packages(venv) / "dask-2022.1.0.dist-info"
    (dist_info / "METADATA").write_text((dist_info / "METADATA").read_text().replace("Name: dask", f"Name: {COMMAND}"))
    (dist_info / "direct_url.json").write_text('{"url": "https://example.invalid/dask.tar.gz", "archive_info": {}}')
    root = project(tmp_path, crick=False)

    _, out = lint(root, tmp_path, "--prefix", str(venv), "--select", "SRC002", fmt="text")

    assert not [line for line in out.splitlines() if line.lstrip().startswith("::")], out
    assert out.startswith("\\::error title=owned::pwned 2022.1.0\n  SRC002 [warning]"), out


def _as_non_root(tmp_path: Path) -> list[str] | None:
    """A command prefix that runs without root's power over file permissions: root keeps its uid (so
    the interpreter under /root stays reachable) but loses CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH,
    as `setpriv` allows. None where that is not possible (then the test is skipped)."""
    if not is_root():
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]
    probe = tmp_path / "probe"
    probe.write_text("")
    probe.chmod(0)
    try:
        done = subprocess.run([*prefix, "cat", str(probe)], capture_output=True)
    except OSError:
        return None
    finally:
        probe.chmod(0o600)
    return prefix if done.returncode != 0 else None


def test_an_unreadable_sub_folder_as_a_user_without_root_powers(tmp_path: Path) -> None:
    """Runs as root too, through setpriv (as the chmod cases of tests/integration/test_hostile_project.py
    do), so CI, which runs as root, covers it."""
    prefix = _as_non_root(tmp_path)
    if prefix is None:
        pytest.skip("cannot drop root's file-permission capabilities here (no setpriv, or not permitted)")
    root = project(tmp_path)
    (root / "private.py").write_text('open("private.csv")\n')
    (root / "private.py").chmod(0)
    (root / "closed").mkdir()
    (root / "closed" / "__init__.py").write_text('open("closed.csv")\n')
    (root / "closed").chmod(0)
    try:
        done, _, _ = run_subprocess([str(root), "--no-env", "--offline", "--isolated", "--no-cache",
                                     "--format", "json", "--select", "EL001,DAT,BLD"], tmp_path, prefix=prefix)
    finally:
        (root / "closed").chmod(0o755)
    report = json.loads(done.stdout)

    errors = el001(report)
    assert "Permission denied" in errors["private.py"]
    assert "cannot list directory" in errors["closed"]
    assert not [s for s in report["skipped"] if "internal error" in s["reason"]], report["skipped"]
    assert_known_findings(report)
