"""EL001 unreadable-input: files and records that do not parse, each with its path and line, and the
rest of the run is still checked.

EL001 cases of one reader live with that reader's tests: the source scan (tests/facts/test_data_reads.py),
the tree walk (tests/facts/test_walk.py), native files (tests/rules/test_sys001.py,
tests/facts/test_native_macho.py); hostile input of every kind in tests/integration/test_hostile_*.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.mixed_venv import RULES
from tests.helpers.project_cases import case, environ, found, lint, messages
from tests.helpers.support import make_venv, run_json


# -- project files --------------------------------------------------------------------------------

def _el001(report: dict) -> dict[str, dict]:
    return {d["path"]: d for d in report["diagnostics"] if d["code"] == "EL001"}


def test_every_unparsable_file_is_reported_and_other_findings_survive(tmp_path: Path) -> None:
    project = case("setuptools_data_undeclared", tmp_path)
    (project / "requirements.txt").write_text("numpy==1.26.4\npandas>=2.0.*\n--extra-index-url https://x.example.invalid/simple\n")
    (project / "churn" / "broken.py").write_text("import os\n\nHERE = os.path.dirname(__file__\n")
    (project / "churn" / "other.py").write_text(
        "from pathlib import Path\n\nCONFIG = (Path(__file__).parent / 'weights.json').read_text()\n")
    env = environ(tmp_path, pip_config=True)
    user = Path(env["HOME"]) / ".config" / "pip" / "pip.conf"
    user.parent.mkdir(parents=True)
    user.write_text("index-url = https://nosection.example.invalid/simple\n")

    # the user's pip.conf is read in an environment run on this machine (never in a project-only run)
    venv = make_venv(tmp_path / "venv")
    code, report = lint(project, "--prefix", str(venv), "--select", "EL001,SRC001,DAT003,BLD", env=env, no_env=False)
    el001 = _el001(report)
    assert (el001["requirements.txt"]["line"], el001["churn/broken.py"]["line"]) == (2, 3)
    assert "invalid requirement 'pandas>=2.0.*'" in el001["requirements.txt"]["message"]
    assert "does not parse as Python 3" in el001["churn/broken.py"]["message"]
    assert el001[str(user)]["line"] == 1
    # the rest of the tree is still checked
    assert found(report, "SRC001") == [("requirements.txt", 3)]
    assert ("churn/other.py", 3) in found(report, "DAT003")
    assert ("churn/model.py", 9) in found(report, "DAT003")


def test_invalid_setup_cfg(tmp_path: Path) -> None:
    project = case("setuptools_data_undeclared", tmp_path)
    (project / "setup.cfg").write_text("[metadata]\nname = churn\nthis line is not an option\n")
    (project / "requirements.txt").write_text("-i https://x.example.invalid/simple\n")
    code, report = lint(project, "--select", "EL001,SRC001,BLD002", env=environ(tmp_path))
    assert _el001(report)["setup.cfg"]["line"] == 3
    assert found(report, "BLD002") == [("setup.cfg", 3)]
    assert found(report, "SRC001") == [("requirements.txt", 1)]


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    project = case("requirements_plain", tmp_path)
    with (project / "requirements.txt").open("w") as fh:
        fh.write("--extra-index-url https://x.example.invalid/simple\n")
        fh.write(("# padding\n" * 1000) * 300)
    code, report = lint(project, "--select", "EL001,SRC001", env=environ(tmp_path))
    assert "larger than" in _el001(report)["requirements.txt"]["message"]
    assert found(report, "SRC001") == []


# -- pip inspect records --------------------------------------------------------------------------

def test_malformed_snapshot_records_are_el001_and_hide_nothing(tmp_path: Path) -> None:
    snapshot = tmp_path / "inspect.json"
    snapshot.write_text(json.dumps({"version": "1", "installed": [
        {"metadata": {"name": "a", "version": "1", "requires_dist": "b>=1", "requires_python": "not a spec"},
         "direct_url": {"url": 5, "archive_info": {}}},
        {"metadata": {"name": "c", "version": "1+cpu", "requires_dist": ["missing"]}},
        {"metadata": {"name": "d", "version": "1"},
         "direct_url": {"url": "https://user:secret@example.invalid/d.git", "vcs_info": {"vcs": 5, "commit_id": 7}}},
    ]}))

    code, report = run_json(tmp_path, "--inspect", snapshot, "--select", RULES, "--offline")

    assert code == 1
    assert sorted(messages(report, "EL001")) == [
        f"cannot read {snapshot}: a: 'requires_dist' is not a list",
        f"cannot read {snapshot}: a: Requires-Python 'not a spec' is not a valid version specifier",
        f"cannot read {snapshot}: a: direct_url without a 'url' string",
    ]
    assert messages(report, "SRC003", "c") and messages(report, "PIN002", "missing")
    # no credentials in the output, and a VCS name that is not a name is not shown
    assert messages(report, "SRC002", "d") == ["d 1 was installed from a VCS https://example.invalid/d.git, "
                                               "not from a package index"]
