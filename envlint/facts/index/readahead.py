"""Read the dependency tree ahead of the resolver, concurrently and without waiting for levels.

resolvelib asks for one project at a time; asked cold, each question is a page look-up and a
metadata read, one after the other. The read-ahead crawls the tree the resolver will most likely
walk (each requirement's likeliest version: the installed one, else the newest allowed) on worker
threads: as soon as a project's page is in, its candidate's metadata is read, and as soon as that
is in, its dependencies' pages are asked for. No level waits for the slowest look-up of the level
before it. What it reads lands in the index fact's per-run memos, where the resolver finds it.

Bounded by the resolver's deadline and by ``depth``; a failed look-up is remembered as "stalled"
(the resolver's time-out message names it) and is never retried here.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any, Protocol


class Req(Protocol):
    """A requirement the read-ahead follows (the resolver's ``Req``)."""

    @property
    def name(self) -> str: ...


class Provider(Protocol):
    """What the read-ahead uses of the resolver's provider; typed here so the two modules form no cycle."""

    index: Any
    deadline: float
    external: Any
    stalled: dict[str, None]
    _read_ahead: set[str]

    def _top(self, page: Any, req: Any) -> Any: ...

    def _deps_of(self, candidate: Any, meta: Any) -> list[Any]: ...

#: Look-ups in flight at once (each page or metadata read also uses the client's own thread).
WORKERS = 16


def read_ahead(provider: Provider, reqs: list[Req], depth: int) -> None:
    """Crawl from ``reqs`` down to ``depth`` levels, until done or the provider's deadline."""
    todo: queue.SimpleQueue[tuple[Req, int] | None] = queue.SimpleQueue()
    lock = threading.Lock()
    pending = [0]
    in_flight: dict[str, None] = {}
    done = threading.Event()

    def submit(req: Req, level: int) -> None:
        with lock:
            if req.name in provider._read_ahead or req.name in provider.external or level > depth:
                return
            provider._read_ahead.add(req.name)
            pending[0] += 1
        todo.put((req, level))

    def finish() -> None:
        with lock:
            pending[0] -= 1
            if pending[0] == 0:
                done.set()

    def worker() -> None:
        while not done.is_set():
            item = todo.get()
            if item is None:
                return
            req, level = item
            with lock:
                in_flight[req.name] = None
            try:
                for dep in _one(provider, req):
                    submit(dep, level + 1)
            except Exception:  # a read-ahead failure only costs the resolver a look-up of its own
                pass
            finally:
                with lock:
                    in_flight.pop(req.name, None)
                finish()

    for req in reqs:
        submit(req, 1)
    if not pending[0]:
        return
    threads = [threading.Thread(target=worker, name=f"envlint-readahead-{i}", daemon=True)
               for i in range(min(WORKERS, max(4, pending[0] * 2)))]
    for t in threads:
        t.start()
    finished = done.wait(max(0.0, provider.deadline - time.monotonic()))
    done.set()
    if not finished:
        with lock:
            for name in in_flight:  # still being read when the time ran out
                provider.stalled.setdefault(name, None)
    for _ in threads:
        todo.put(None)  # wake the idle ones; a worker still reading is abandoned (daemon)


def _one(provider: Provider, req: Req) -> list[Req]:
    """One project: its page, its likeliest candidate's metadata, and that candidate's requirements."""
    if time.monotonic() >= provider.deadline:
        return []
    index = provider.index
    page = index.project_pages([req.name], deadline=provider.deadline).get(req.name)
    if page is None:
        provider.stalled.setdefault(req.name, None)  # failed or ran out of time
        return []
    if not page.exists:
        return []
    top = provider._top(page, req)
    if top is None or top.file is None:
        return []
    index.prefetch_metadata([top.file], deadline=provider.deadline)
    meta = index.known_metadata(top.file)
    return provider._deps_of(top, meta) if meta is not None else []
