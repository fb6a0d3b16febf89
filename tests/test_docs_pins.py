"""The docs never name a release tag envlint does not have (issue 12, point 5): pre-commit's `rev:` and
the action's `uses:` are commits, explained in a "Pinning" paragraph; the workflow's permissions are
the ones GitHub documents for upload-sarif."""

from __future__ import annotations

import re
import subprocess

import yaml

from support import REPO


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
