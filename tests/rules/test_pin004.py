"""PIN004 requires-python-mismatch, on the mixed venv (tests/helpers/mixed_venv.py)."""

from __future__ import annotations

from tests.helpers.mixed_venv import Mixed
from tests.helpers.project_cases import messages
from tests.helpers.support import find


def test_requires_python_excluding_the_target(mixed: Mixed) -> None:
    _, report = mixed.report()
    py = report["target"]["python"]
    [newpy] = find(report, "PIN004", "newpy")
    assert newpy["message"] == f"newpy 1.0 requires Python >=3.99, but the target runs CPython {py} (the environment's Python)"
    assert newpy["severity"] == "warning"
    assert not find(report, "PIN004", "oldpy")


def test_requires_python_follows_the_configured_target(mixed: Mixed) -> None:
    _, report = mixed.report("--target-python", "3.7")
    assert {d["package"] for d in find(report, "PIN004")} == {"oldpy", "newpy"}
    assert "(the configured target Python)" in messages(report, "PIN004", "oldpy")[0]
