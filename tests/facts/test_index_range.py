"""PIN003 over an index that advertises no PEP 658 metadata: the wheel's METADATA is read with HTTP
range requests (no whole wheel is transferred), a server without ``Range`` support gets a full
download of small files only, and what was read is kept compactly (never the wheel)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from tests.helpers.index_server import IndexServer
from tests.helpers.support import clean_environ, find, make_wheel, run_json

CONFIG = "timeout = 5\nretries = 1\n"
BLOB = 3 * 1024 * 1024


def big_wheel(directory: Path, name: str, version: str, requires: list[str], *, metadata_first: bool = False,
              entries: int = 0) -> Path:
    """A real wheel of a few MB (incompressible), optionally with its METADATA stored first (far
    from the end of the file) or with thousands of entries (a central directory larger than the
    first range)."""
    files: dict[str, bytes | str] = {f"{name}/blob.bin": os.urandom(BLOB)}
    files.update({f"{name}/sub/module_with_a_long_name_{i:05d}.py": "" for i in range(entries)})
    path = make_wheel(directory, name, version, requires=requires, files=files)
    if metadata_first:  # rewrite with the dist-info members before the blob
        with zipfile.ZipFile(path) as zf:
            members = [(i.filename, zf.read(i)) for i in zf.infolist()]
        members.sort(key=lambda m: ".dist-info/" not in m[0])
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
            for arcname, data in members:
                zf.writestr(arcname, data)
    return path


def serve(tmp_path: Path, **options: object) -> tuple[IndexServer, dict[str, int]]:
    """An index whose pages advertise no metadata; ``big``'s wheels serve no ``.metadata`` at all."""
    w = tmp_path / "w"
    server = IndexServer(advertise_metadata=False, **options)  # type: ignore[arg-type]
    sizes = {}
    for version, kwargs in (("1.0", {}), ("2.0", {"metadata_first": True}), ("3.0", {"entries": 3000})):
        path = big_wheel(w, "big", version, ["dep<2"], **kwargs)  # type: ignore[arg-type]
        server.add_file(path, metadata=False)
        sizes[path.name] = path.stat().st_size
    server.add_file(make_wheel(w, "dep", "1.0"))
    server.add_file(make_wheel(w, "dep", "2.0"))
    return server, sizes


def lint(tmp: Path, requirements: str, index_url: str, cache: Path | None = None,
         *extra: str) -> tuple[int, dict]:
    project = tmp / "project"
    project.mkdir(exist_ok=True)
    (project / "envlint.toml").write_text(CONFIG)
    (project / "requirements.txt").write_text(requirements)
    return run_json(project, "--no-env", "--target-python", "3.11", "--index-url", index_url, "--cache-dir",
                    cache or tmp / "cache", "--select", "PIN003", *extra,
                    env=clean_environ(XDG_CACHE_HOME=str(tmp / "xdg")))


@pytest.mark.parametrize("version", ["1.0", "2.0", "3.0"])
def test_metadata_by_range_requests_without_the_wheel(tmp_path: Path, version: str) -> None:
    server, sizes = serve(tmp_path)
    with server:
        code, report = lint(tmp_path, f"big=={version}\ndep==2.0\n", server.url)
    [diag] = find(report, "PIN003")
    assert f"big {version} requires dep<2" in diag["message"], diag
    assert report["skipped"] == []
    wheel = f"big-{version}-py3-none-any.whl"
    # only ranges were asked for, and together far less than the wheel
    assert server.range_requests and server.file_bytes[wheel] < sizes[wheel] // 4
    assert all(r.startswith("bytes=") for r in server.range_requests)
    # the unadvertised .metadata was tried once (the index serves none for big), then never again
    assert len(server.requests_for(f"/files/{wheel}.metadata")) <= 1


def test_near_miss_twin_and_a_warm_run_transfers_nothing(tmp_path: Path) -> None:
    server, sizes = serve(tmp_path)
    with server:
        code, report = lint(tmp_path, "big==3.0\ndep==1.0\n", server.url)
        assert (code, report["diagnostics"], report["skipped"]) == (0, [], [])
        sent = dict(server.file_bytes)
        code, report = lint(tmp_path, "big==3.0\ndep==2.0\n", server.url)
    assert find(report, "PIN003")
    assert server.file_bytes == sent  # the parsed metadata was kept; no byte of a wheel again
    # the cache holds parsed metadata, not wheels: far smaller than one wheel
    cached = sum(p.stat().st_size for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert cached < min(sizes.values()) // 10


def test_unadvertised_metadata_file_is_used_when_served(tmp_path: Path) -> None:
    server = IndexServer(advertise_metadata=False)
    w = tmp_path / "w"
    server.add_file(big_wheel(w, "big", "1.0", ["dep<2"]))  # .metadata served, not advertised
    server.add_file(make_wheel(w, "dep", "2.0"))
    with server:
        code, report = lint(tmp_path, "big==1.0\ndep==2.0\n", server.url)
    assert find(report, "PIN003") and report["skipped"] == []
    assert server.requests_for("/files/big-1.0-py3-none-any.whl.metadata")
    assert "big-1.0-py3-none-any.whl" not in server.file_bytes  # the wheel itself was never asked for


def test_server_without_range_support_falls_back_to_a_full_download(tmp_path: Path) -> None:
    server, sizes = serve(tmp_path, ranges=False)
    with server:
        code, report = lint(tmp_path, "big==1.0\ndep==2.0\n", server.url)
    [diag] = find(report, "PIN003")
    assert "big 1.0 requires dep<2" in diag["message"]
    assert server.file_bytes["big-1.0-py3-none-any.whl"] == sizes["big-1.0-py3-none-any.whl"]


def test_large_wheel_without_range_support_is_a_skipped_line(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import envlint.index.files as files

    monkeypatch.setattr(files, "MAX_DOWNLOAD", 1024 * 1024)  # the 3 MB wheel is "large"
    server, _ = serve(tmp_path, ranges=False)
    with server:
        code, report = lint(tmp_path, "big==1.0\ndep==2.0\n", server.url)
    assert find(report, "PIN003") == []
    reasons = " ".join(s["reason"] for s in report["skipped"])
    assert "serves neither its metadata file nor byte ranges" in reasons
    # asked once (the range request the server answered in full), the answer left unread, no retry
    assert server.log.count("/files/big-1.0-py3-none-any.whl") == 1
