"""Index look-ups for a 200-distribution environment: cold cache, warm cache, revalidation.

What BLD003, SRC003 and PLT002 do for an environment: fetch the project page of every installed
distribution (concurrently, through the HTTP cache) and judge ``name==version`` for the target.
Each case prints the wall time and how many requests reached the network.

By default the index is a loopback server (tests/helpers/index_server.py) with 200 projects of 30 versions
and 5 files each, so the numbers measure envlint, not the network. ``--live`` asks PyPI (the
endpoint comes from pypi-simple) for 200 distributions a data-science environment has; its cache
goes to a temporary directory, never the user cache.

    python bench/bench_index.py [--live] [--workers N]

Targets (issue 4): cold < 3 s on a normal connection; warm < 0.3 s with zero requests beyond
revalidation.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the checkout: tests.helpers

#: 200 distributions of a data-science environment (pandas, dask[complete], scikit-learn, jupyterlab,
#: matplotlib, pyarrow, sqlalchemy, boto3, seaborn, statsmodels, flask, fastapi and what they bring).
LIVE_NAMES = """
aiohappyeyeballs aiohttp aiosignal alabaster amqp annotated-types anyio argon2-cffi argon2-cffi-bindings arrow
asttokens async-lru attrs babel beautifulsoup4 billiard black bleach blinker bokeh boto3 botocore cachetools
celery certifi cffi cfgv charset-normalizer click cloudpickle comm contourpy coverage cryptography cycler dask
debugpy decorator defusedxml distlib distributed docutils et-xmlfile executing fastapi fastjsonschema filelock
flake8 flask fonttools fqdn frozenlist fsspec google-auth greenlet grpcio gunicorn h11 httpcore httptools httpx
identify idna imagesize importlib-metadata iniconfig ipykernel ipython ipython-pygments-lexers isoduration isort
itsdangerous jedi jinja2 jmespath joblib json5 jsonpointer jsonschema jsonschema-specifications jupyter-client
jupyter-core jupyter-events jupyter-lsp jupyter-server jupyter-server-terminals jupyterlab jupyterlab-pygments
jupyterlab-server kiwisolver kombu lark locket lxml lz4 markdown-it-py markupsafe matplotlib matplotlib-inline
mccabe mdurl mistune mpmath msgpack multidict mypy-extensions narwhals nbclient nbconvert nbformat nest-asyncio
networkx nodeenv notebook-shim numexpr numpy oauthlib openpyxl overrides packaging pandas pandocfilters parso
partd pathspec patsy pexpect pillow pip platformdirs pluggy pre-commit prometheus-client prompt-toolkit
propcache protobuf psutil psycopg2-binary ptyprocess pure-eval pyarrow pyasn1 pyasn1-modules pycodestyle
pycparser pydantic pydantic-core pyflakes pygments pyopenssl pyparsing pytest python-dateutil python-dotenv
python-json-logger pytz pyyaml pyzmq redis referencing regex requests requests-oauthlib rfc3339-validator
rfc3986-validator rich rpds-py rsa s3transfer scikit-learn scipy seaborn send2trash setuptools six sniffio
snowballstemmer sortedcontainers soupsieve sphinx sqlalchemy stack-data starlette statsmodels sympy tblib
terminado threadpoolctl tinycss2 toolz tornado tqdm traitlets typing-extensions typing-inspection tzdata
uri-template urllib3 uvicorn uvloop vine virtualenv watchfiles wcwidth webcolors webencodings websocket-client
websockets werkzeug wheel xlrd xyzservices yarl zict zipp
""".split()


def loopback_index(projects: int = 200, versions: int = 30, max_age: int = 600):  # type: ignore[no-untyped-def]
    """A loopback index with ``projects`` projects of ``versions`` versions, 5 files each."""
    from tests.helpers.index_server import IndexServer, ServedFile

    server = IndexServer(max_age=max_age)
    tags = ["cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64", "cp311-cp311-macosx_11_0_arm64",
            "cp311-cp311-win_amd64", "py3-none-any"]
    for i in range(projects):
        name = f"project-{i:03d}"
        files = server.projects.setdefault(name, [])
        for v in range(versions):
            version = f"1.{v}.0"
            stem = f"project_{i:03d}-{version}"
            files.append(ServedFile(f"{stem}.tar.gz", stem.encode()))
            for tag in tags:
                files.append(ServedFile(f"{stem}-{tag}.whl", (stem + tag).encode(), metadata=b"Name: x\n"))
    return server


def lookup(endpoint: str, names: Iterable[str], cache: Path, *, workers: int) -> dict[str, object]:
    """One envlint-style pass: every page, then the verdict for one version of each (as the rules judge
    the installed version; the last of the page's PEP 700 ``versions``)."""
    from envlint.facts.target import Target
    from envlint.index.client import IndexClient
    from envlint.facts.index.fact import Index

    skipped: list = []
    client = IndexClient(endpoint, cache_dir=cache, offline=False, timeout=15, retries=3, workers=workers,
                         progress=False)
    index = Index(client, skipped, is_pypi=False)
    target = Target()
    start = time.perf_counter()
    pages = index.project_pages(names)
    verdicts = 0
    for page in pages.values():
        if page is not None and page.exists and (page.versions or page.all_versions):
            page.availability(page.versions[-1] if page.versions else page.all_versions[0], target)
            verdicts += 1
    seconds = time.perf_counter() - start
    client.close()
    return {"seconds": round(seconds, 3), "requests": client.stats.network,
            "revalidated": client.stats.revalidated, "from_cache": client.stats.from_cache,
            "failed": len(skipped), "verdicts": verdicts}


def lookup_in_new_process(endpoint: str, names: list[str], cache: Path, *, workers: int) -> dict[str, object]:
    """The warm case as a user runs it: a new interpreter, nothing imported yet. Also says whether
    the HTTP stack (requests, CacheControl, pypi-simple) had to be imported at all."""
    out = subprocess.run([sys.executable, __file__, "--child", endpoint, str(cache), str(workers), *names],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def _child(endpoint: str, cache: str, workers: str, names: list[str]) -> None:
    row = lookup(endpoint, names, Path(cache), workers=int(workers))
    row["http_imported"] = any(m in sys.modules for m in ("requests", "cachecontrol", "pypi_simple"))
    print(json.dumps(row))


def run(live: bool | None = None, workers: int = 16) -> list[dict[str, object]]:
    live = bool(os.environ.get("ENVLINT_BENCH_LIVE")) if live is None else live
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        if live:
            from pypi_simple import PYPI_SIMPLE_ENDPOINT

            names = LIVE_NAMES[:200]
            for case in ("cold", "warm"):
                rows.append({"benchmark": "index look-ups", "tool": "envlint index client", "index": "PyPI", "cache": case, "projects": len(names),
                             **lookup(PYPI_SIMPLE_ENDPOINT, names, cache, workers=workers)})
            rows.append({"benchmark": "index look-ups", "tool": "envlint index client", "index": "PyPI",
                         "cache": "warm, new process", "projects": len(names),
                         **lookup_in_new_process(PYPI_SIMPLE_ENDPOINT, names, cache, workers=workers)})
            return rows
        names = [f"project-{i:03d}" for i in range(200)]
        with loopback_index() as server:
            for case in ("cold", "warm"):
                rows.append({"benchmark": "index look-ups", "tool": "envlint index client", "index": "loopback",
                             "cache": case,
                             "projects": len(names), **lookup(server.url, names, cache, workers=workers)})
            rows.append({"benchmark": "index look-ups", "tool": "envlint index client", "index": "loopback",
                         "cache": "warm, new process", "projects": len(names),
                         **lookup_in_new_process(server.url, names, cache, workers=workers)})
        with loopback_index(max_age=0) as server:  # every cached page is stale: ETag revalidation
            lookup(server.url, names, Path(tmp) / "stale", workers=workers)
            rows.append({"benchmark": "index look-ups", "tool": "envlint index client", "index": "loopback",
                         "cache": "stale (304s)",
                         "projects": len(names), **lookup(server.url, names, Path(tmp) / "stale", workers=workers)})
    return rows


def verdicts(rows: list[dict[str, object]]) -> list[str]:
    """The issue's targets, checked against the rows (cold < 3 s; warm < 0.3 s with no requests)."""
    out = []
    for row in rows:
        if row["cache"] == "cold":
            ok = float(row["seconds"]) < 3  # type: ignore[arg-type]
            out.append(f"{row['index']} cold: {row['seconds']} s ({'meets' if ok else 'misses'} the 3 s target)")
        elif str(row["cache"]).startswith("warm"):
            ok = float(row["seconds"]) < 0.3 and row["requests"] == 0  # type: ignore[arg-type]
            out.append(f"{row['index']} {row['cache']}: {row['seconds']} s, {row['requests']} requests "
                       f"({'meets' if ok else 'misses'} the 0.3 s / zero-request target)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="ask PyPI instead of a loopback index")
    parser.add_argument("--workers", type=int, default=16, help="concurrent look-ups (default 16)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)  # lookup_in_new_process
    args = parser.parse_args()
    if args.child:
        endpoint, cache, workers, *names = args.child
        return _child(endpoint, cache, workers, names)
    rows = run(live=args.live or None, workers=args.workers)
    cols = ["index", "cache", "projects", "seconds", "requests", "revalidated", "from_cache", "failed"]
    print("  ".join(f"{c:>18}" for c in cols))
    for row in rows:
        print("  ".join(f"{row[c]!s:>18}" for c in cols))
    for row in rows:
        if "http_imported" in row:
            print(f"{row['index']} {row['cache']}: requests/CacheControl/pypi-simple "
                  f"{'imported' if row['http_imported'] else 'never imported'}")
    for line in verdicts(rows):
        print(line)


if __name__ == "__main__":
    main()
