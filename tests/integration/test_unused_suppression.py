"""EL002: `# envlint: ignore[...]` comments that name an unknown code or suppress nothing, reported the
way ruff reports unused `noqa` (issue 12, point 6). Each firing case has a silent twin."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.userland import REMOTE, Userland, make_userland

READ = 'open("data/a.csv")'


def _el002(user: Userland, *args: str) -> list[tuple[str, int, str]]:
    proc = user.run("services/api", "--offline", "--format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return [(d["path"], d["line"], d["message"]) for d in json.loads(proc.stdout)["diagnostics"]
            if d["code"] == "EL002"]


def _app(user: Userland, *lines: str) -> None:
    (user.project / "app.py").write_text("\n".join(lines) + "\n" + REMOTE)


def test_unused_and_unknown_codes_fire_used_ones_do_not(tmp_path: Path) -> None:
    user = make_userland(tmp_path)
    _app(user, f"{READ}  # envlint: ignore[DAT001]",          # used: silent
         f"{READ}  # envlint: ignore[DAT001,DAT002]",            # DAT002 unused
         "x = 1  # envlint: ignore[DAT001]",                     # nothing here
         f"{READ}  # envlint: ignore[DAT01X]")                   # unknown (and DAT001 reported)
    found = _el002(user, "--no-env")
    assert found == [("services/api/app.py", 2, "unused suppression: no DAT002 finding on this line"),
                     ("services/api/app.py", 3, "unused suppression: no DAT001 finding on this line"),
                     ("services/api/app.py", 4, "unknown rule code 'DAT01X' in `# envlint: ignore[...]`")]


def test_twin_codes_of_rules_that_did_not_run_are_not_called_unused(tmp_path: Path) -> None:
    user = make_userland(tmp_path)
    (user.project / "requirements.txt").write_text("dask==2022.1.0  # envlint: ignore[PIN001]\n")
    _app(user, "x = 1  # envlint: ignore[SYS001]", "y = 2  # envlint: ignore")
    assert _el002(user, "--no-env") == []                       # PIN001/SYS001 need an environment
    assert _el002(user, "--no-env", "--select", "DAT,EL") == [
        ("services/api/app.py", 2, "`# envlint: ignore` suppresses nothing on this line")]


def test_twin_text_in_a_string_is_not_a_comment(tmp_path: Path) -> None:
    user = make_userland(tmp_path)
    _app(user, 'HELP = "add # envlint: ignore[DAT001] to the line"', "print(HELP)")
    assert _el002(user, "--no-env") == []


def test_fires_in_requirements_files_too(tmp_path: Path) -> None:
    user = make_userland(tmp_path)
    _app(user, "print(1)")
    (user.project / "requirements.txt").write_text("requests  # envlint: ignore[SRC001]\n")
    assert _el002(user, "--no-env") == [
        ("services/api/requirements.txt", 1, "unused suppression: no SRC001 finding on this line")]
    text = user.run("services/api", "--no-env", "--offline").stdout
    assert "services/api/requirements.txt:1:11: EL002 [warning] unused suppression" in text


def test_twin_documentation_that_shows_the_syntax_is_no_suppression(tmp_path: Path) -> None:
    """Found on envlint's own docs: a rule page shows `# envlint: ignore[SRC001]` as an example."""
    user = make_userland(tmp_path)
    _app(user, "print(1)")
    (user.project / "README.md").write_text("Silence a line with `x = 1  # envlint: ignore[SRC001]`.\n")
    (user.project / "docs.rst").write_text("    requests  # envlint: ignore[SRC001]\n")
    assert _el002(user, "--no-env") == []
