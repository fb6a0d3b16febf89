"""The documentation generated from the code is up to date, and says what the code does."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from envlint.config import KEYS
from envlint.docs import HEADER, REGENERATE, expected_files, generated_pages, rule_markdown, stale
from envlint.registry import SECTIONS, all_rules

from tests.helpers.support import REPO, run_envlint


DOCS = REPO / "docs"


def test_generated_docs_are_fresh() -> None:
    out_of_date = [str(p.relative_to(REPO)) for p in stale(DOCS)]
    assert not out_of_date, (
        f"generated documentation is stale: {', '.join(out_of_date)}. A rule's docstring, the CLI options or "
        f"envlint.config.KEYS changed: regenerate with `{REGENERATE}` (from the repository root) and commit "
        f"docs/rules/ and docs/cli.md.")


def test_every_rule_has_a_page_with_the_generated_header() -> None:
    pages = generated_pages()
    for r in all_rules():
        path = DOCS / "rules" / f"{r.code}.md"
        assert path.read_text(encoding="utf-8") == HEADER + rule_markdown(r) == pages[path.name]
        for section in SECTIONS:
            assert f"## {section}" in r.doc, f"{r.code}'s docstring has no '## {section}' section"
    index = (DOCS / "rules" / "README.md").read_text(encoding="utf-8")
    assert index.startswith(HEADER)
    for r in all_rules():
        assert f"[{r.code}]({r.code}.md)" in index


@pytest.mark.parametrize("code", [r.code for r in all_rules()])
def test_envlint_rule_prints_the_page(code: str) -> None:
    status, out = run_envlint("rule", code.lower())
    assert status == 0
    assert HEADER + out == (DOCS / "rules" / f"{code}.md").read_text(encoding="utf-8")


def test_cli_reference_lists_every_option_and_config_key() -> None:
    from envlint.arguments import check_parser

    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert expected_files(DOCS)[DOCS / "cli.md"] == text
    for action in check_parser()._actions:
        for option in action.option_strings:
            assert f"`{option}" in text, option
    for key in KEYS:
        assert f"| `{key}` |" in text, key  # the generated key table


def test_json_output_doc_names_every_field(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("dask==2022.1.0\n")
    _, report = run_envlint(tmp_path, "--no-env", "--offline", "--format", "json")
    data = json.loads(report)
    text = (DOCS / "json-output.md").read_text(encoding="utf-8")
    fields = set(data) | set(data["target"] or {})
    from envlint.diagnostics import Diagnostic, Skipped

    fields |= set(Diagnostic.__dataclass_fields__) | set(Skipped.__dataclass_fields__)
    fields |= {"kind", "path", "how", "python"}  # environment
    for name in sorted(fields):
        assert f"| `{name}` |" in text, f"docs/json-output.md does not document the field {name!r}"
    assert f'"version": {data["version"]}' in text


def test_docs_links_resolve() -> None:
    for page in [REPO / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.relative_to(REPO)} links to missing {target}"


def test_docs_state_the_never_executes_guarantee() -> None:
    for page in ("index.md", "cli.md"):
        assert "never" in (DOCS / page).read_text(encoding="utf-8").lower()
    assert re.search(r"never (runs|executes)", (DOCS / "index.md").read_text(encoding="utf-8"))


def test_a_rule_with_several_checks_is_documented_once() -> None:
    """A rule's page is the docstring of the module that declares it: a check module with sections of
    its own would be documentation nobody sees (SRC003's index part was missing from its page)."""
    import inspect
    import sys

    for r in all_rules():
        documented = {m for m in (r.module, *(c.fn.__module__ for c in r.checks))
                      if any(f"## {s}" in (sys.modules[m].__doc__ or "") for s in SECTIONS)}
        assert documented == {r.module}, f"{r.code}: sections in {sorted(documented)}; keep them in {r.module}"
        assert r.doc == inspect.cleandoc(sys.modules[r.module].__doc__ or "").split("\n\n", 1)[1].strip()


def test_src003_page_describes_both_parts() -> None:
    status, out = run_envlint("rule", "SRC003")
    assert status == 0
    for words in ("local version label", "no such project", "no such version", "yanked", "warning", "skipped"):
        assert words in out, words


def yaml_blocks() -> list[tuple[str, int, str]]:
    """Every ```yaml block of the docs: (page, line of the fence, text)."""
    blocks = []
    for page in sorted([REPO / "README.md", *DOCS.rglob("*.md")]):
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"^```ya?ml[^\n]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
            blocks.append((str(page.relative_to(REPO)), text.count("\n", 0, m.start()) + 1, m.group(1)))
    return blocks


@pytest.mark.parametrize("page, line, text", yaml_blocks(),
                         ids=[f"{page}:{line}" for page, line, _ in yaml_blocks()])
def test_yaml_in_the_docs_parses(page: str, line: int, text: str) -> None:
    """A workflow or hook configuration copied from the docs must load (GitHub rejects a workflow
    whose `run:` is a quoted scalar followed by more text)."""
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        pytest.fail(f"{page}:{line}: the yaml block does not parse: {exc}")
    nodes = [doc]
    while nodes:  # every workflow step's `run:` is one shell script
        node = nodes.pop()
        if isinstance(node, dict):
            assert isinstance(node.get("run", ""), str), f"{page}:{line}: {node}"
            nodes += node.values()
        elif isinstance(node, list):
            nodes += node


def _tags() -> set[str]:
    proc = subprocess.run(["git", "tag", "--list"], cwd=REPO, capture_output=True, text=True)
    return set(proc.stdout.split())


def test_pre_commit_doc_pins_a_commit_not_a_missing_tag() -> None:
    text = (REPO / "docs" / "pre-commit.md").read_text()
    revs = re.findall(r"^\s*rev:\s*(\S+)", text, re.MULTILINE)
    assert revs
    for rev in revs:
        assert not re.fullmatch(r"v?\d+(\.\d+)*", rev) or rev in _tags(), rev
    assert "**Pinning.**" in text and "autoupdate --freeze" in text


def test_ci_doc_uses_the_action_pinned_to_a_commit_with_documented_permissions() -> None:
    text = (REPO / "docs" / "ci.md").read_text()
    workflow = yaml.safe_load(re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)[0])
    assert workflow["permissions"] == {"contents": "read", "security-events": "write", "actions": "read"}
    uses = [s["uses"] for s in workflow["jobs"]["envlint"]["steps"] if "envlint@" in s.get("uses", "")]
    assert uses == ["OWNER/envlint@COMMIT_SHA"] and "**Pinning.**" in text
    assert "pip install \"envlint @ git+" not in text  # no install step that cannot work


def test_action_metadata() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert [s["name"] for s in action["runs"]["steps"]] == ["Install envlint", "Run envlint", "Upload SARIF",
                                                          "Fail on findings"]
    assert all(spec.get("description") for spec in action["inputs"].values())


# -- envlint rule ---------------------------------------------------------------------------------

def test_rule_prints_sys001_documentation() -> None:
    code, out = run_envlint("rule", "SYS001")
    assert code == 0
    assert out.startswith("# SYS001 system-library")
    for section in ("## What it does", "## Why it breaks package sync", "## Example", "## How to fix"):
        assert section in out
    assert "libpq.so.5" in out and "psycopg2-binary" in out
