"""CLI conventions users know from ruff and deptry (issue 12, point 6), through the installed console
script in a monorepo behind a pip mirror."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from envlint.arguments import check_parser as _check_parser
from envlint.reporters import FORMATS
from tests.integration.userland import Userland, make_userland


@pytest.fixture
def user(tmp_path: Path) -> Userland:
    return make_userland(tmp_path)


def test_a_usage_error_is_one_line_and_a_hint(user: Userland) -> None:
    for args in (["--format", "xml"], ["--no-such-flag"], ["rule"]):
        proc = user.run(*args)
        assert proc.returncode == 2 and proc.stdout == ""
        lines = proc.stderr.splitlines()
        assert len(lines) == 2, proc.stderr
        assert re.match(r"envlint( rule)?: error: ", lines[0]) and lines[1].startswith("hint: ")


def test_long_options_are_never_abbreviated(user: Userland) -> None:
    proc = user.run("--no-en", "services/api")  # would have meant --no-env
    assert proc.returncode == 2 and "unrecognized arguments: --no-en" in proc.stderr


def test_every_flag_has_help_and_format_choices_come_from_the_registry() -> None:
    parser = _check_parser()
    for action in parser._actions:
        if action.option_strings or action.dest == "paths":
            assert action.help, action.option_strings or action.dest
    [fmt] = [a for a in parser._actions if "--format" in a.option_strings]
    assert list(fmt.choices) == list(FORMATS)


def test_exclude_and_extend_exclude_on_the_command_line(user: Userland) -> None:
    (user.project / "scratch.py").write_text("open('data/a.csv')\n")
    files = user.run("services/api", "--show-files").stdout.splitlines()
    assert files == ["services/api/app.py", "services/api/pyproject.toml", "services/api/scratch.py"]
    files = user.run("services/api", "--show-files", "--extend-exclude", "scratch.py").stdout.splitlines()
    assert files == ["services/api/app.py", "services/api/pyproject.toml"]
    (user.project / "envlint.toml").write_text('exclude = ["app.py"]\n')
    assert user.run("services/api", "--show-files", "--extend-exclude", "scratch.py").stdout.splitlines() == [
        "services/api/envlint.toml", "services/api/pyproject.toml"]
    assert "services/api/app.py" in user.run("services/api", "--show-files", "--exclude", "scratch.py").stdout


def test_show_settings(user: Userland) -> None:
    (user.project / "envlint.toml").write_text('[tool.envlint]\nselect = ["DAT"]\nfail-level = "error"\n')
    proc = user.run("services/api", "--show-settings", "--ignore", "DAT002")
    assert proc.returncode == 0
    assert f"# configuration file: {user.project / 'envlint.toml'}" in proc.stdout
    for line in ('select = ["DAT"]', 'ignore = ["DAT002"]', 'fail-level = "error"', "# target-python is not set"):
        assert line in proc.stdout.splitlines(), line


def test_envlint_toml_error_names_the_right_table(user: Userland) -> None:
    (user.project / "envlint.toml").write_text("selct = ['DAT']\n")
    proc = user.run("services/api")
    assert proc.returncode == 2
    assert "unknown key 'selct' in the top level of envlint.toml" in proc.stderr


def test_rule_all_and_piped_rules_one_per_line(user: Userland) -> None:
    proc = user.run("rule", "--all")
    assert proc.returncode == 0
    codes = re.findall(r"^# ([A-Z]+\d{3}) ", proc.stdout, re.MULTILINE)
    listed = user.run("rules").stdout.splitlines()
    assert len(listed) == len(codes) and [line.split()[0] for line in listed] == codes
    assert "PIN005" in codes


def test_statistics_prints_only_the_table_and_the_summary_comes_last(user: Userland) -> None:
    proc = user.run("services/api", "--no-env", "--offline", "--statistics")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        " count  code    name                severity ",
        "     1  DAT001  relative-data-path  warning  "]
    text = user.run("services/api", "--no-env", "--offline").stdout.splitlines()
    assert text[-1] == "Found 1 problem (1 warning)."
    github = user.run("services/api", "--no-env", "--offline", "--format", "github").stdout.splitlines()
    assert github[-1] == "envlint: 1 problem"


def test_statistics_of_a_clean_run_print_nothing_and_other_formats_refuse_it(user: Userland) -> None:
    clean = user.run("services/api", "--no-env", "--offline", "--statistics", "--ignore", "DAT")
    assert (clean.returncode, clean.stdout) == (0, "")
    refused = user.run("services/api", "--no-env", "--offline", "--statistics", "--format", "json")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("envlint: error: --statistics prints a table of counts")


def test_src002_on_a_wheel_url_names_the_distribution(user: Userland) -> None:
    (user.project / "requirements.txt").write_text(
        "https://files.example.invalid/Acme_Geo-1.2.0-cp311-cp311-manylinux_2_17_x86_64.whl\n")
    report = json.loads(user.run("services/api", "--no-env", "--offline", "--select", "SRC002",
                                 "--format", "json").stdout)
    [d] = report["diagnostics"]
    assert d["package"] == "acme-geo" and d["message"].startswith("requirements.txt declares acme-geo ")
