"""``--format github``: workflow-command annotations, escaped so that a file name or a message can
never break the command or inject another one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from envlint.diagnostics import Diagnostic, Severity
from envlint.reporters.github import annotation

from tests.helpers.support import clean_environ, make_venv, make_wheel, pip_install, run_envlint


_COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def unescape(text: str) -> str:
    """What the Actions runner does with a property value or message."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    m = _COMMAND.match(line)
    assert m, f"not a workflow command: {line!r}"
    props = dict(p.split("=", 1) for p in m.group(2).split(","))
    return m.group(1), {k: unescape(v) for k, v in props.items()}, unescape(m.group(3))


@pytest.fixture(scope="module")
def conflict_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("github-env")
    make_wheel(base / "wheels", "dask", "2022.1.0")
    make_wheel(base / "wheels", "distributed", "2022.5.1", requires=["dask==2022.05.1"])
    venv = make_venv(base / "venv")
    pip_install(venv, "dask", "distributed", find_links=base / "wheels")
    return venv


def test_file_name_with_comma_colon_and_percent_is_escaped(tmp_path: Path, conflict_env: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    name = "requirements-a,b:c%.txt"
    (project / name).write_text("# cluster pins\ndask==2022.1.0\ndistributed==2022.05.1\n")

    code, out = run_envlint(project, "--prefix", conflict_env, "--offline", "--format", "github", "--select", "PIN001")

    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("::error file=requirements-a%2Cb%3Ac%25.txt,line=2,col=1,title=PIN001 conflicting-pins::")
    kind, props, message = parse(lines[0])
    assert kind == "error"
    assert props == {"file": name, "line": "2", "col": "1", "title": "PIN001 conflicting-pins"}
    assert message.startswith("distributed 2022.5.1 requires dask==2022.05.1, but dask 2022.1.0 is installed\nhelp: ")
    assert lines[-1] == "envlint: 1 problem"


def test_message_and_title_escaping_cannot_inject_a_command() -> None:
    d = Diagnostic("DAT001", "relative-data-path", Severity.WARNING,
                   "reads 100% of\r\n::error::injected, really: yes", path="src/a,b:c%.py", line=7, column=3,
                   help="ship it\nas package data")
    line = annotation(d)
    assert "\n" not in line and "\r" not in line
    assert line == ("::warning file=src/a%2Cb%3Ac%25.py,line=7,col=3,title=DAT001 relative-data-path::"
                    "reads 100%25 of%0D%0A::error::injected, really: yes%0Ahelp: ship it%0Aas package data")
    kind, props, message = parse(line)
    assert (kind, props["file"]) == ("warning", "src/a,b:c%.py")
    assert message == "reads 100% of\r\n::error::injected, really: yes\nhelp: ship it\nas package data"


def test_levels_and_findings_without_a_project_path() -> None:
    info = Diagnostic("LOC001", "local-package", Severity.INFO, "built into a wheel at launch", package="acme",
                      package_version="0.1")
    outside = Diagnostic("SYS001", "missing-system-library", Severity.ERROR, "needs libpq.so.5", package="psycopg2",
                         package_version="2.9.10", path="/home/alice/.venv/lib/python3.11/site-packages/psycopg2/x.so")
    kind, props, message = parse(annotation(info))
    assert kind == "notice" and props == {"title": "LOC001 local-package"}
    assert message == "acme 0.1: built into a wheel at launch"
    kind, props, message = parse(annotation(outside))
    assert kind == "error" and "file" not in props and "line" not in props
    assert message.endswith("(/home/alice/.venv/lib/python3.11/site-packages/psycopg2/x.so)")


def test_clean_project_prints_no_annotation(tmp_path: Path) -> None:
    code, out = run_envlint(tmp_path, "--no-env", "--offline", "--format", "github")
    assert code == 0
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "envlint: all checks passed" in out


def test_python_file_named_with_comma_colon_and_percent(tmp_path: Path) -> None:
    from envlint.registry import get_rule

    if get_rule("DAT001") is None:
        pytest.skip("DAT001 is not in the catalogue")
    (tmp_path / "a,b:c%.py").write_text('rows = open("data/rows.txt").readlines()\n# COILED n-tasks 1\n')
    code, out = run_envlint(tmp_path, "--no-env", "--offline", "--format", "github", "--select", "DAT001")
    assert code == 1
    [line] = [line for line in out.splitlines() if line.startswith("::")]
    assert line.startswith("::warning file=a%2Cb%3Ac%25.py,line=1,col=")
    kind, props, message = parse(line)
    assert (props["file"], props["title"]) == ("a,b:c%.py", "DAT001 relative-data-path")
    assert 'open("data/rows.txt")' in message and "\nhelp: " in message


# -- escape sequences in names --------------------------------------------------------------------

def test_github_format_drops_escape_sequences_from_names(tmp_path: Path) -> None:
    (tmp_path / "load.py").write_text("import pandas as pd\ndf = pd.read_csv('x\x1b]0;pwned\x07\x1b[31m.csv')\n# COILED n-tasks 1\n")
    code, out = run_envlint(tmp_path, "--no-env", "--select", "DAT001", "--format", "github",
                            env=clean_environ())
    assert code == 1
    [line] = [l for l in out.splitlines() if l.startswith("::")]
    assert line.startswith("::warning file=load.py,line=2") and "\x1b" not in line and "\x07" not in line
