"""The engine's user-visible contracts: configuration, selection, suppression, exit codes, output,
PATH arguments and the rule catalogue."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli_cases import project
from tests.helpers.support import (clean_environ, find, make_venv, make_wheel, pip_install, run_cli_subprocess,
                                   run_envlint, run_json)


# -- configuration, selection, suppression, exit codes, output ------------------------------------

def test_unknown_config_key_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = project(tmp_path, **{"pyproject.toml": "[tool.envlint]\nselct = ['PIN']\n"})
    proc = run_cli_subprocess(root, "--no-env")
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert "selct" in line and "pyproject.toml" in line and "did you mean" not in line


def test_invalid_config_value_names_key_and_file(tmp_path: Path) -> None:
    root = project(tmp_path, **{"envlint.toml": "fail-level = 'fatal'\n"})
    proc = run_cli_subprocess(root, "--no-env")
    assert proc.returncode == 2
    assert "fail-level" in proc.stderr and "envlint.toml" in proc.stderr


def test_invalid_toml_config_is_exit_2(tmp_path: Path) -> None:
    root = project(tmp_path, **{"envlint.toml": "select = [\n"})
    proc = run_cli_subprocess(root, "--no-env")
    assert proc.returncode == 2 and "invalid TOML" in proc.stderr


def test_missing_path_is_usage_error(tmp_path: Path) -> None:
    proc = run_cli_subprocess(tmp_path / "nope")
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_exit_codes_fail_level_and_exit_zero(tmp_path: Path, conflict_venv: Path) -> None:
    root = project(tmp_path)
    assert run_envlint(root, "--prefix", conflict_venv, "--select", "PIN001")[0] == 1
    assert run_envlint(root, "--prefix", conflict_venv, "--select", "PIN001", "--exit-zero")[0] == 0
    # an error is above every fail level; nothing selected -> clean
    assert run_envlint(root, "--prefix", conflict_venv, "--select", "PIN001", "--fail-level", "error")[0] == 1
    assert run_envlint(root, "--prefix", conflict_venv, "--select", "PIN", "--ignore", "PIN001")[0] == 0


def test_select_ignore_most_specific_wins(tmp_path: Path, conflict_venv: Path) -> None:
    root = project(tmp_path, **{"pyproject.toml": "[tool.envlint]\nignore = ['PIN']\n"})
    _, report = run_json(root, "--prefix", conflict_venv, "--offline")
    assert not find(report, "PIN001")
    _, report = run_json(root, "--prefix", conflict_venv, "--offline", "--extend-select", "PIN001")
    assert find(report, "PIN001")


def test_ignore_packages_and_suppression_comment(tmp_path: Path, conflict_venv: Path) -> None:
    root = project(tmp_path, **{"requirements.txt": "dask==2022.1.0  # envlint: ignore[PIN001]\n"})
    _, report = run_json(root, "--prefix", conflict_venv, "--select", "PIN001")
    assert report["diagnostics"] == []
    root2 = project(tmp_path / "b", **{"requirements.txt": "dask==2022.1.0  # envlint: ignore[SRC]\n"})
    _, report = run_json(root2, "--prefix", conflict_venv, "--select", "PIN001")
    assert [d["line"] for d in find(report, "PIN001")] == [1]
    _, report = run_json(root2, "--prefix", conflict_venv, "--select", "PIN001", "--ignore-packages", "Dask")
    assert report["diagnostics"] == []


def test_per_path_ignores(tmp_path: Path, conflict_venv: Path) -> None:
    root = project(tmp_path, **{
        "requirements.txt": "dask==2022.1.0\n",
        "pyproject.toml": "[tool.envlint.per-path-ignores]\n'requirements*.txt' = ['PIN001']\n",
    })
    _, report = run_json(root, "--prefix", conflict_venv, "--select", "PIN001")
    assert report["diagnostics"] == []


def test_json_contract_shape_and_determinism(tmp_path: Path, conflict_venv: Path) -> None:
    root = project(tmp_path)
    _, first = run_json(root, "--prefix", conflict_venv, "--select", "PIN001,EL001")
    _, second = run_json(root, "--prefix", conflict_venv, "--select", "PIN001,EL001")
    assert first == second
    assert first["version"] == 1 and isinstance(first["envlint"], str)
    assert set(first) >= {"version", "envlint", "target", "diagnostics", "skipped"}
    [diag] = first["diagnostics"]
    assert list(diag) == ["code", "name", "severity", "message", "path", "line", "column", "package",
                          "package_version", "help", "cell", "machine"]
    assert diag["path"] is None and diag["line"] is None  # nothing declares dask here
    assert first["target"]["platform"] == "linux_x86_64"


def test_output_file(tmp_path: Path, conflict_venv: Path) -> None:
    out = tmp_path / "out" / "report.json"
    code, stdout = run_envlint(project(tmp_path), "--prefix", conflict_venv, "--select", "PIN001",
                               "--format", "json", "--output", out)
    assert code == 1 and stdout == ""
    assert json.loads(out.read_text())["diagnostics"][0]["code"] == "PIN001"


def test_text_output_escapes_markup_and_escape_sequences(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    evil = "[bold red]pwn[/]"
    make_wheel(wheels, "victim", "1.0")
    make_wheel(wheels, "evil", "1.0", requires=["victim==2.0"])
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, "victim", "evil", find_links=wheels)
    # rewrite the installed name to carry rich markup and an ANSI escape
    meta = next((venv / "lib").glob("python3.*/site-packages/evil-1.0.dist-info/METADATA"))
    meta.write_text(meta.read_text().replace("Name: evil", f"Name: evil{evil}\x1b[31m"))
    code, out = run_envlint(tmp_path, "--prefix", venv, "--select", "PIN001", "--color", "never")
    assert code == 1
    assert f"evil{evil} 1.0 requires victim==2.0" in out  # printed literally, not interpreted as markup
    assert "\x1b" not in out  # the escape sequence from the metadata is stripped


def test_text_output_footer_names_environment_and_target(tmp_path: Path, conflict_venv: Path) -> None:
    code, out = run_envlint(project(tmp_path), "--prefix", conflict_venv, "--select", "PIN001")
    assert "dask 2022.1.0" in out
    assert "PIN001 [error] distributed 2022.5.1 requires dask==2022.05.1" in out
    assert "help:" in out
    assert f"Environment: venv {conflict_venv} (found via --prefix)" in out
    assert "Found 1 problem (1 error)." in out
    _, quiet = run_envlint(project(tmp_path), "--prefix", conflict_venv, "--select", "PIN001", "--quiet")
    assert "Environment:" not in quiet and "PIN001" in quiet
    _, stats = run_envlint(project(tmp_path), "--prefix", conflict_venv, "--select", "PIN001", "--statistics")
    assert "conflicting-pins" in stats


def test_no_environment_is_one_skipped_line(tmp_path: Path) -> None:
    code, out = run_envlint(project(tmp_path), "--select", "PIN001")
    assert code == 0
    skipped = [l for l in out.splitlines() if l.startswith("Skipped")]
    assert len(skipped) == 1 and "no environment found" in skipped[0]


def test_rule_and_rules_commands() -> None:
    code, out = run_envlint("rules")
    assert code == 0 and "PIN001" in out and "conflicting-pins" in out
    code, out = run_envlint("rule", "pin001")
    assert code == 0 and out.startswith("# PIN001 conflicting-pins") and "## How to fix" in out
    assert run_envlint("rule", "XYZ999")[0] == 2


def test_check_subcommand_and_dot(tmp_path: Path) -> None:
    proc = run_cli_subprocess("check", ".", "--no-env", cwd=project(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "All checks passed." in proc.stdout


def test_broken_pyproject_without_envlint_settings_is_not_a_config_error(tmp_path: Path) -> None:
    root = project(tmp_path, **{"pyproject.toml": "[project\nname = 'x'\n"})
    proc = run_cli_subprocess(root, "--no-env", "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    assert any(d["path"] == "pyproject.toml" for d in report["diagnostics"])  # reported as a finding instead


def test_broken_pyproject_with_envlint_settings_is_a_config_error(tmp_path: Path) -> None:
    root = project(tmp_path, **{"pyproject.toml": "[tool.envlint]\nselect = [\n"})
    proc = run_cli_subprocess(root, "--no-env")
    assert proc.returncode == 2 and "pyproject.toml" in proc.stderr


def test_every_rule_module_is_named_for_its_code() -> None:
    """--select imports only matching modules, found by file name: a module must start with its code."""
    import importlib
    import pkgutil

    import envlint.rules as package
    from envlint.registry import all_rules

    rules = {r.code: r for r in all_rules()}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"envlint.rules.{info.name}")
        code = info.name.split("_", 1)[0].upper()
        assert code in rules, info.name
        assert rules[code].module == module.__name__, info.name  # declared there, documented there
    assert [r.code for r in all_rules(lambda c: c.startswith("DAT"))] == ["DAT001", "DAT002", "DAT003", "DAT004"]


# -- PATH arguments, selectors, platform values, pipes --------------------------------------------

READ = "import pandas as pd\ndf = pd.read_csv('data/x.csv')\n# COILED n-tasks 1\n"  # a script run on the cluster


def test_several_projects_are_refused_and_a_file_restricts_to_itself(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "load.py").write_text(READ)
    (tmp_path / "b" / "other.py").write_text(READ)
    # never merged silently into their common parent (tests/integration/test_repository_paths.py)
    code, _ = run_envlint(tmp_path / "a", tmp_path / "b", "--no-env", "--select", "DAT001")
    assert code == 2
    _, report = run_json(tmp_path / "b" / "load.py", "--no-env", "--select", "DAT001")
    assert [d["path"] for d in report["diagnostics"]] == ["load.py"]


def test_check_subcommand_after_options(tmp_path: Path) -> None:
    proc = run_cli_subprocess("--no-env", "check", ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_unknown_selector_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    proc = run_cli_subprocess(tmp_path, "--no-env", "--select", "PIM")
    assert proc.returncode == 2
    assert "unknown rule code or prefix 'PIM' in 'select'" in proc.stderr
    (tmp_path / "envlint.toml").write_text("ignore = ['XYZ9']\n")
    proc = run_cli_subprocess(tmp_path, "--no-env")
    assert proc.returncode == 2 and "envlint.toml" in proc.stderr and "'XYZ9'" in proc.stderr


def test_platform_must_be_a_linux_tag_and_errors_name_the_key(tmp_path: Path) -> None:
    (tmp_path / "envlint.toml").write_text("platform = 'macosx_11_0_arm64'\n")
    proc = run_cli_subprocess(tmp_path, "--no-env")
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert "envlint.toml" in line and "'platform'" in line and "Linux" in line


def test_output_piped_into_a_reader_that_stops_early(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "load.py").write_text("".join(f"open('f{i}.csv')\n" for i in range(3000)) + "# COILED n-tasks 1\n")
    proc = subprocess.run(f"{sys.executable} -m envlint {tmp_path} --no-env --select DAT001 | head -1",
                          shell=True, capture_output=True, text=True, env=clean_environ(), timeout=120)
    assert proc.stdout.startswith("load.py:1:1: DAT001")
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr


# -- the rule catalogue ---------------------------------------------------------------------------

def test_rules_lists_every_environment_rule_with_its_summary() -> None:
    code, out = run_envlint("rules", "--format", "json")
    assert code == 0
    rules = {r["code"]: r for r in json.loads(out)}
    for code_, severity in {"PIN002": "error", "PIN004": "warning", "SRC002": "warning", "SRC003": "error",
                            "LOC001": "info", "SYS001": "error", "SYS002": "warning", "BLD004": "error",
                            "PLT001": "error"}.items():
        assert rules[code_]["severity"] == severity
        assert rules[code_]["summary"] and not rules[code_]["summary"].endswith(".")
    code, text = run_envlint("rules")
    assert code == 0 and "SYS001" in text and "system-library" in text
