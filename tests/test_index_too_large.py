"""A file larger than envlint reads is skipped with that reason, never called a malformed response
(issue 12, point 6): the index did nothing wrong."""

from __future__ import annotations

import os
from pathlib import Path

from index_server import IndexServer
from support import make_wheel

from envlint.index.client import Failure, IndexClient


def test_a_file_over_the_size_limit_is_not_a_malformed_response(tmp_path: Path) -> None:
    big = make_wheel(tmp_path / "wheels", "bigpkg", "1.0", files={"bigpkg/blob.bin": os.urandom(2 * 1024 * 1024)})
    with IndexServer() as server:
        served = server.add_file(big)
        client = IndexClient(server.url, cache_dir=tmp_path / "cache", offline=False, timeout=10, retries=1,
                             progress=False)
        url = f"{server.url.rsplit('/simple/', 1)[0]}/files/{served.filename}"
        got = client.get_bytes(url, what=served.filename, max_size=1024 * 1024)
    assert isinstance(got, Failure)
    assert got.reason == f"{served.filename} is larger than 1 MB; not read"
    assert "malformed" not in got.reason
