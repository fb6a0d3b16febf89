"""A real package index on 127.0.0.1 for tests and benchmarks.

Serves the "simple" repository API the way public indexes do: PEP 691 JSON when the client asks
for it (``Accept: application/vnd.pypi.simple.v1+json``), PEP 503 HTML otherwise (or always, with
``json=False``), PEP 700 fields (``versions``, ``size``), PEP 592 yanks with reasons, PEP 658/714
``.metadata`` files, real wheel and sdist files, ``ETag``/``Cache-Control`` with 304 revalidation.

Faults, for the whole server or per project: ``"sleep"`` (answers only after ``sleep`` seconds, so a
client with a shorter timeout gives up; the server thread is a daemon and the sleep is bounded),
``"500"`` (Internal Server Error), ``"malformed"`` (a JSON content type with a body that is not
JSON), ``"trickle"`` (headers at once, then one body byte every ``trickle_every`` seconds for
``trickle_for`` seconds: no single read ever times out). ``log`` records every request and
``not_modified`` counts 304 answers. :func:`closed_port_url` gives an index URL
nobody listens on.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import socket
import tarfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


@dataclass
class ServedFile:
    filename: str
    data: bytes
    yanked: str | bool = False
    """False, True (yanked without a reason) or the reason."""
    requires_python: str | None = None
    metadata: bytes | None = None
    """Served as ``<file>.metadata`` (PEP 658) when not None."""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class RawPage:
    """A project page body sent as given, in chunks (so a 2 GB page needs no 2 GB in the server)."""

    chunks: Callable[[], Iterable[bytes]]
    length: int
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class IndexServer:
    json: bool = True
    fault: str | None = None
    project_faults: dict[str, str] = field(default_factory=dict)
    sleep: float = 2.0
    trickle_every: float = 0.25
    trickle_for: float = 120.0
    max_age: int = 600
    cache_headers: bool = True
    """False: project pages carry no ETag or Cache-Control (as some mirrors and proxies serve them)."""
    ranges: bool = True
    """Honour ``Range: bytes=...`` on distribution files (206 answers), as public indexes do."""
    advertise_metadata: bool = True
    """False: pages advertise no PEP 658 metadata, though ``<file>.metadata`` is still served."""
    projects: dict[str, list[ServedFile]] = field(default_factory=dict)
    raw_pages: dict[str, RawPage] = field(default_factory=dict)
    """Project pages served as they are (hostile bodies: huge, gzip bombs, wrong types), by name."""
    file_bytes: dict[str, int] = field(default_factory=dict)
    """Body bytes sent per distribution file name (ranges included; ``.metadata`` files not)."""
    range_requests: list[str] = field(default_factory=list)
    """The ``Range`` header of every file request that had one."""
    log: list[str] = field(default_factory=list)
    """Every request path, in order (thread-safe appends)."""
    not_modified: int = 0
    """How many 304 answers were given (revalidations of cached pages)."""
    _httpd: ThreadingHTTPServer | None = None
    _bodies: dict[tuple[str, bool], bytes] = field(default_factory=dict)

    # -- content ---------------------------------------------------------------------------------
    def add_file(self, path: Path, *, yanked: str | bool = False, requires_python: str | None = None,
                 metadata: bool = True) -> ServedFile:
        """Serve a wheel or sdist; a wheel's METADATA is also served as a PEP 658 file."""
        data = path.read_bytes()
        name = path.name
        if name.endswith(".whl"):
            project = parse_wheel_filename(name)[0]
            meta = _wheel_metadata(data) if metadata else None
        else:
            project = sdist_name_version(name)[0]
            meta = _sdist_pkg_info(data) if metadata else None
        served = ServedFile(name, data, yanked, requires_python, meta)
        self._bodies.clear()
        self.projects.setdefault(canonicalize_name(project), []).append(served)
        return served

    def add_project(self, name: str) -> None:
        """A project with a page but no files."""
        self.projects.setdefault(canonicalize_name(name), [])

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/simple/"

    def start(self) -> IndexServer:
        server = self

        class Handler(_Handler):
            index = server

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> IndexServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests_for(self, prefix: str) -> list[str]:
        return [p for p in list(self.log) if p.startswith(prefix)]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default listen backlog (5) overflows when the client opens its 16 connections at once on a
    # loaded machine: the kernel drops the SYNs and the client sees a connect timeout.
    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    index: IndexServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.index.log.append(self.path)
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if len(parts) == 2 and parts[0] == "simple":
            return self._project(parts[1])
        if len(parts) == 2 and parts[0] == "files":
            return self._file(parts[1])
        self._send(404, b"not found", "text/plain")

    def _fault(self, project: str) -> bool:
        fault = self.index.project_faults.get(project, self.index.fault)
        if fault == "sleep":
            time.sleep(self.index.sleep)
            return False
        if fault == "500":
            self._send(500, b"internal server error", "text/plain")
            return True
        if fault == "trickle":
            self._trickle()
            return True
        if fault == "malformed":
            self._send(200, b'{"meta": {"api-version": "1.1"}, "files": [ {"filename": ', JSON_TYPE)
            return True
        return False

    def _trickle(self) -> None:
        """A 200 whose body comes one byte at a time, until ``trickle_for`` ends or the client leaves."""
        try:
            self.send_response(200)
            self.send_header("Content-Type", JSON_TYPE)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.flush()
            end = time.monotonic() + self.index.trickle_for
            while time.monotonic() < end:
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(self.index.trickle_every)
        except OSError:
            pass  # the client gave up
        self.close_connection = True

    def _project(self, name: str) -> None:
        canonical = canonicalize_name(name)
        if self._fault(canonical):
            return
        if canonical != name:
            self.send_response(301)
            self.send_header("Location", f"/simple/{canonical}/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        raw = self.index.raw_pages.get(canonical)
        if raw is not None:
            return self._raw(raw)
        files = self.index.projects.get(canonical)
        if files is None:
            return self._send(404, b"no such project", "text/plain")
        want_json = self.index.json and JSON_TYPE in (self.headers.get("Accept") or "")
        body = self.index._bodies.get((canonical, want_json))
        if body is None:
            if want_json:
                body = json.dumps(_json_page(canonical, files, self.index.advertise_metadata),
                                  sort_keys=True).encode()
            else:
                body = _html_page(canonical, files, self.index.advertise_metadata).encode()
            self.index._bodies[(canonical, want_json)] = body
        ctype = JSON_TYPE if want_json else "text/html; charset=utf-8"
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.index.not_modified += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", f"max-age={self.index.max_age}, public")
            self.send_header("Date", self.date_time_string())
            self.send_header("Vary", "Accept")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if not self.index.cache_headers:
            return self._send(200, body, ctype, {"Vary": "Accept"})
        self._send(200, body, ctype, {"ETag": etag, "Cache-Control": f"max-age={self.index.max_age}, public",
                                      "Vary": "Accept"})

    def _file(self, filename: str) -> None:
        meta = filename.endswith(".metadata")
        base = filename[: -len(".metadata")] if meta else filename
        for project, files in self.index.projects.items():
            for f in files:
                if f.filename == base:
                    if self._fault(project):
                        return
                    if meta:
                        if f.metadata is None:
                            return self._send(404, b"no metadata", "text/plain")
                        return self._send(200, f.metadata, "application/octet-stream",
                                          {"Cache-Control": "max-age=31536000, immutable"})
                    return self._distribution(f)
        self._send(404, b"no such file", "text/plain")

    def _raw(self, page: RawPage) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(page.length))
            self.send_header("Date", self.date_time_string())
            for k, v in page.headers.items():
                self.send_header(k, v)
            self.end_headers()
            for chunk in page.chunks():
                self.wfile.write(chunk)
        except OSError:
            self.close_connection = True  # the client stopped reading (as it should)

    def _distribution(self, f: ServedFile) -> None:
        headers = {"Cache-Control": "max-age=31536000, immutable"}
        asked = self.headers.get("Range")
        if asked:
            self.index.range_requests.append(asked)
        span = _byte_range(asked, len(f.data)) if asked and self.index.ranges else None
        if span is None:
            body, status = f.data, 200
            if self.index.ranges:
                headers["Accept-Ranges"] = "bytes"
        else:
            start, end = span
            body, status = f.data[start:end], 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(f.data)}"
        self.index.file_bytes[f.filename] = self.index.file_bytes.get(f.filename, 0) + len(body)
        self._send(status, body, "application/octet-stream", headers)

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Date", self.date_time_string())
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout was shorter than our sleep)


def _versions(files: list[ServedFile]) -> list[str]:
    out = []
    for f in files:
        v = str(parse_wheel_filename(f.filename)[1] if f.filename.endswith(".whl") else sdist_name_version(f.filename)[1])
        if v not in out:
            out.append(v)
    return out


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """``bytes=a-b``, ``bytes=a-`` or ``bytes=-n`` as [start, end); None for anything else."""
    unit, _, spec = header.partition("=")
    first, dash, last = spec.strip().partition("-")
    if unit.strip() != "bytes" or not dash or "," in spec:
        return None
    if not first:
        return (max(0, size - int(last)), size) if last.isdigit() else None
    if not first.isdigit() or (last and not last.isdigit()):
        return None
    end = min(size, int(last) + 1) if last else size
    return (int(first), end) if int(first) < end else None


def _json_page(name: str, files: list[ServedFile], advertise: bool = True) -> dict:
    return {
        "meta": {"api-version": "1.1"},
        "name": name,
        "versions": _versions(files),
        "files": [
            {
                "filename": f.filename,
                "url": f"../../files/{f.filename}",
                "hashes": {"sha256": f.sha256},
                "requires-python": f.requires_python,
                "yanked": f.yanked,
                "core-metadata": {"sha256": hashlib.sha256(f.metadata).hexdigest()}
                if f.metadata is not None and advertise else False,
                "size": len(f.data),
                "upload-time": "2024-01-01T00:00:00.000000Z",
            }
            for f in files
        ],
    }


def _html_page(name: str, files: list[ServedFile], advertise: bool = True) -> str:
    links = []
    for f in files:
        attrs = [f'href="../../files/{html.escape(f.filename)}#sha256={f.sha256}"']
        if f.requires_python:
            attrs.append(f'data-requires-python="{html.escape(f.requires_python)}"')
        if f.yanked is not False:
            attrs.append(f'data-yanked="{html.escape(f.yanked if isinstance(f.yanked, str) else "")}"')
        if f.metadata is not None and advertise:
            attrs.append(f'data-core-metadata="sha256={hashlib.sha256(f.metadata).hexdigest()}"')
        links.append(f"<a {' '.join(attrs)}>{html.escape(f.filename)}</a><br/>")
    return ("<!DOCTYPE html><html><head><meta name=\"pypi:repository-version\" content=\"1.1\">"
            f"<title>Links for {name}</title></head><body><h1>Links for {name}</h1>"
            + "\n".join(links) + "</body></html>")


def _wheel_metadata(data: bytes) -> bytes | None:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for n in zf.namelist():
            if n.count("/") == 1 and n.endswith(".dist-info/METADATA"):
                return zf.read(n)
    return None


#: sdist archive suffixes -> tarfile write mode (pip still installs all of them).
SDIST_FORMATS = {".tar.gz": "w:gz", ".tgz": "w:gz", ".tar.bz2": "w:bz2", ".tar.xz": "w:xz", ".tar": "w"}


def sdist_name_version(filename: str) -> tuple[str, Version]:
    """Name and version of ``name-version.<any sdist suffix>`` (packaging only knows .tar.gz and .zip)."""
    ext = next(e for e in (*SDIST_FORMATS, ".zip") if filename.endswith(e))
    name, _, version = filename[: -len(ext)].rpartition("-")
    return canonicalize_name(name), Version(version)


def _sdist_pkg_info(data: bytes) -> bytes | None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
        for m in tf:
            if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"):
                fh = tf.extractfile(m)
                return fh.read() if fh else None
    return None


def make_sdist(directory: Path, name: str, version: str, *, requires: Iterable[str] = (),
               build_requires: Iterable[str] | None = None, metadata_version: str = "2.2",
               dynamic: Iterable[str] = (), ext: str = ".tar.gz") -> Path:
    """A real ``name-version<ext>`` (a tar archive, compressed as :data:`SDIST_FORMATS` says) with
    PKG-INFO, pyproject.toml (when ``build_requires`` is not None) and a small package."""
    directory.mkdir(parents=True, exist_ok=True)
    dist = canonicalize_name(name).replace("-", "_")
    top = f"{dist}-{version}"
    pkg_info = [f"Metadata-Version: {metadata_version}", f"Name: {name}", f"Version: {version}"]
    pkg_info += [f"Dynamic: {d}" for d in dynamic]
    pkg_info += [f"Requires-Dist: {r}" for r in requires]
    members = {f"{top}/PKG-INFO": ("\n".join(pkg_info) + "\n").encode(),
               f"{top}/{dist}/__init__.py": f"__version__ = {version!r}\n".encode()}
    if build_requires is not None:
        reqs = ", ".join(json.dumps(r) for r in build_requires)
        members[f"{top}/pyproject.toml"] = (f"[build-system]\nrequires = [{reqs}]\n"
                                            'build-backend = "setuptools.build_meta"\n').encode()
    else:
        members[f"{top}/setup.py"] = b"from setuptools import setup\nsetup()\n"
    path = directory / f"{top}{ext}"
    with tarfile.open(path, SDIST_FORMATS[ext]) as tf:  # type: ignore[call-overload]
        for arcname, data in members.items():
            info = tarfile.TarInfo(arcname)
            info.size = len(data)
            info.mtime = 1_700_000_000
            tf.addfile(info, io.BytesIO(data))
    return path


def closed_port_url() -> str:
    """An index URL on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/simple/"
