"""SRC003 not-on-pypi, the environment part: a local version label. The index part (no such
project, no such version, yanked): tests/integration/test_index_rules.py."""

from __future__ import annotations

from tests.helpers.mixed_venv import Mixed
from tests.helpers.support import find


def test_local_version_label_from_an_index(mixed: Mixed) -> None:
    _, report = mixed.report()
    [label] = find(report, "SRC003")
    assert label["package"] == "labelled" and label["package_version"] == "1.0+cpu"
    assert label["message"].startswith("labelled 1.0+cpu has the local version label '+cpu': PyPI never serves")
    assert 'pip install "labelled==1.0"' in label["help"]
    # the same label on an archive install is SRC002's business
    assert find(report, "SRC002", "archivedlabel")
