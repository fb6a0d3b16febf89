from __future__ import annotations

from pathlib import Path

import pytest

# Fixtures that test files of several folders share: defined in tests/helpers/, registered here
# once, so that each is built once per session.
from tests.helpers.cli_cases import conflict_venv  # noqa: F401
from tests.helpers.editables import editables  # noqa: F401
from tests.helpers.mixed_venv import mixed  # noqa: F401
from tests.helpers.native import built  # noqa: F401
from tests.helpers.sarif import validator  # noqa: F401


@pytest.fixture
def wheelhouse(tmp_path: Path) -> Path:
    path = tmp_path / "wheelhouse"
    path.mkdir()
    return path


_LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True)
def _no_real_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite never talks to a real index: in-process connections go only to loopback.

    Tests marked ``live`` (opt-in) are exempt; subprocess tools (pip, pre-commit) are not affected.
    """
    if request.node.get_closest_marker("live"):
        return
    import socket

    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and not str(host).startswith(_LOOPBACK):
            raise OSError(f"test tried to reach {host}: tests use the loopback index server only")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
