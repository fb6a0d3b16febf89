from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def wheelhouse(tmp_path: Path) -> Path:
    path = tmp_path / "wheelhouse"
    path.mkdir()
    return path
