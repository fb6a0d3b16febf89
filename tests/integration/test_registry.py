"""Several check functions under one code: each runs on its own, so one part can be skipped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from envlint import registry
from envlint.diagnostics import Finding, Severity

from tests.helpers.support import clean_environ, run_json


@pytest.fixture
def scratch_rules() -> Iterator[None]:
    registry.all_rules()  # load the real catalogue first: restoring must not drop imported rules
    saved = dict(registry._RULES)
    try:
        yield
    finally:
        registry._RULES.clear()
        registry._RULES.update(saved)


def _register_two_parts() -> None:
    @registry.rule(code="ZZZ901", name="two-parts", severity=Severity.WARNING, summary="A test rule with two parts")
    def env_part(environment: object) -> Iterator[Finding]:
        yield Finding(message="from the environment part")

    @registry.rule(code="ZZZ901", name="two-parts", severity=Severity.WARNING, summary="A test rule with two parts")
    def project_part(config: object) -> Iterator[Finding]:
        yield Finding(message="from the project part")


def test_second_decoration_adds_a_check(scratch_rules: None) -> None:
    _register_two_parts()
    rule = registry.get_rule("ZZZ901")
    assert rule is not None
    assert [c.fn.__name__ for c in rule.checks] == ["env_part", "project_part"]
    assert rule.facts == ("environment",) and rule.all_facts == ("environment", "config")


def test_second_decoration_must_repeat_name_severity_summary(scratch_rules: None) -> None:
    _register_two_parts()
    with pytest.raises(ValueError, match="ZZZ901 registered twice"):
        @registry.rule(code="ZZZ901", name="two-parts", severity=Severity.ERROR, summary="A test rule with two parts")
        def other(config: object) -> Iterator[Finding]:
            return iter(())


def test_part_without_its_facts_is_skipped_other_part_runs(scratch_rules: None, tmp_path: Path) -> None:
    _register_two_parts()
    env = clean_environ(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / ".config"))
    code, report = run_json(tmp_path, "--no-env", "--select", "ZZZ901", "--isolated", env=env)
    assert [d["message"] for d in report["diagnostics"]] == ["from the project part"]
    assert any("ZZZ901" in s["what"] for s in report["skipped"])
    assert code == 1
