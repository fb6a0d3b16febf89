"""DAT001/DAT002 report a local read only where it runs on the cluster's workers; DAT004 (off by
default) reports the others. Every case has a firing line and a near-miss twin in real-looking code.

Each project line that must be reported ends with ``# DAT001``, ``# DAT002`` or ``# DAT004``; every
other line must stay silent (the runs select DAT004 too, so "silent" means no finding at all).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.helpers.support import clean_environ, run_json

MARKER = re.compile(r"#\s*(DAT00[124])\s*$")

FILES = {
    # lazy collection readers: the tasks open the files
    "pipeline/lazy.py": '''
        import dask.dataframe as dd
        import dask.bag as db
        import dask.array as da
        import pandas as pd
        import xarray as xr

        ddf = dd.read_csv("data/trips-*.csv")  # DAT001
        events = dd.read_parquet(path="/Users/ana/events/")  # DAT002
        lines = db.read_text("logs/*.log")  # DAT001
        cube = da.from_zarr("cube.zarr")  # DAT001
        ds = xr.open_mfdataset("era5/*.nc", parallel=True)  # DAT001
        lazy = xr.open_dataset("sst.nc", chunks={"time": 10})  # DAT001
        eager = xr.open_dataset("mask.nc")  # DAT004
        eager2 = xr.open_dataset("land.nc", chunks=None)  # DAT004
        lookup = pd.read_csv("zones.csv")  # DAT004
        ''',
    # functions shipped to the cluster
    "pipeline/shipped.py": '''
        import functools

        import dask
        import numpy as np
        import pandas as pd
        import dask.dataframe as dd
        from dask import delayed
        from dask.distributed import Client

        client = Client("tcp://scheduler:8786")
        frame = pd.read_csv("inputs/small.csv")  # DAT004


        def score(batch):
            weights = np.load("/Users/ana/models/weights.npy")  # DAT002
            return batch @ weights


        def summarize(path):
            return pd.read_csv("zones.csv")  # DAT004


        def enrich(part):
            return part.merge(pd.read_parquet("zones.parquet"))  # DAT001


        @dask.delayed
        def load_day(day):
            return pd.read_csv(f"days/{day}.csv")  # DAT001


        @delayed(pure=True)
        def load_month(month):
            return helper(month)


        def helper(month):
            return pd.read_json("months.json")  # DAT001


        def per_file(name, scale):
            with open("calibration.txt") as fh:  # DAT001
                return fh.read()


        futures = client.map(score, [frame.values])
        parts = dd.from_pandas(frame, npartitions=4).map_partitions(enrich)
        scaled = client.submit(functools.partial(per_file, scale=2), "a")
        raw = delayed(pd.read_csv)("raw.csv")  # DAT001
        direct = client.submit(pd.read_parquet, "direct.parquet")  # DAT001
        squares = dd.from_pandas(frame, npartitions=2).x.apply(lambda v: open("factor.txt").read())  # DAT001
        pandas_apply = frame.x.apply(lambda v: open("factor2.txt").read())  # DAT004
        ''',
    # a function of this module shipped from another module
    "pipeline/tasks.py": '''
        import pandas as pd


        def clean(day):
            return pd.read_csv("rules.csv")  # DAT001


        def unused(day):
            return pd.read_csv("unused.csv")  # DAT004
        ''',
    "pipeline/run.py": '''
        from dask.distributed import Client

        from pipeline import tasks

        if __name__ == "__main__":
            client = Client()
            client.submit(tasks.clean, 1)
        ''',
    # a coiled batch script runs on cloud VMs
    "batch/process.py": '''
        # COILED n-tasks 10
        # COILED memory 8 GiB
        import pandas as pd

        df = pd.read_csv("manifest.csv")  # DAT001
        ''',
    # the same script without the directive runs where it is started
    "batch/local_process.py": '''
        import pandas as pd

        if __name__ == "__main__":
            df = pd.read_csv("manifest.csv")  # DAT004
        ''',
    # a script that starts no cluster: dask reads and runs delayed functions in its own threads
    "batch/threads_only.py": '''
        import dask
        import dask.dataframe as dd
        import pandas as pd


        @dask.delayed
        def load(day):
            return pd.read_csv("days.csv")  # DAT004


        if __name__ == "__main__":
            frame = dd.read_csv("trips-*.csv")  # DAT004
            dask.compute(load(1))
        ''',
    # the same with a cluster
    "batch/on_cluster.py": '''
        import coiled
        import dask
        import dask.dataframe as dd
        import pandas as pd


        @dask.delayed
        def load(day):
            return pd.read_csv("days.csv")  # DAT001


        if __name__ == "__main__":
            client = coiled.Cluster(n_workers=20).get_client()
            frame = dd.read_csv("trips-*.csv")  # DAT001
            dask.compute(load(1))
        ''',
    # listed in remote-scripts
    "jobs/nightly.py": '''
        import json

        settings = json.load(open("settings.json"))  # DAT001
        ''',
    # reads guarded against a missing file are not missing
    "pipeline/guarded.py": '''
        import os
        from pathlib import Path

        import dask
        import pandas as pd


        @dask.delayed
        def cached(key):
            if os.path.exists("cache.parquet"):
                return pd.read_parquet("cache.parquet")
            return pd.read_csv("fallback.csv")  # DAT001


        @dask.delayed
        def optional(key):
            try:
                return pd.read_csv("optional.csv")
            except FileNotFoundError:
                return None


        @dask.delayed
        def early(key):
            path = Path("early.csv")
            if not path.exists():
                return None
            return pd.read_csv(path)


        @dask.delayed
        def broad(key):
            try:
                return pd.read_csv("broad.csv")  # DAT001
            except ValueError:
                return None
        ''',
}
CONFIG = 'remote-scripts = ["jobs/*.py"]\n'


def write_project(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def expected(root: Path) -> set[tuple[str, int, str]]:
    out = set()
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = MARKER.search(line)
            if m:
                out.add((path.relative_to(root).as_posix(), number, m.group(1)))
    return out


def lint(root: Path, config: str | None = None, *extra: str) -> dict:
    args = [root, "--no-env", "--isolated", "--select", "DAT,EL001", "--extend-select", "DAT004", *extra]
    if config is not None:
        conf = root.parent / "envlint.toml"
        conf.write_text(config, encoding="utf-8")
        args += ["--config", conf]
    _, report = run_json(*args, env=clean_environ())
    return report


@pytest.fixture(scope="module")
def where_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("where") / "project"
    write_project(root, FILES)
    return root, lint(root, CONFIG)


@pytest.mark.parametrize("module", sorted(FILES))
def test_each_read_is_reported_by_where_it_runs(where_report, module: str) -> None:
    root, report = where_report
    found = {(d["path"], d["line"], d["code"]) for d in report["diagnostics"] if d["path"] == module}
    assert found == {e for e in expected(root) if e[0] == module}


def test_messages_say_where_the_read_runs(where_report) -> None:
    root, report = where_report
    by_line = {(d["path"], d["line"]): d for d in report["diagnostics"]}

    def at(rel: str, text: str) -> dict:
        lines = (root / rel).read_text(encoding="utf-8").splitlines()
        return by_line[(rel, next(i for i, line in enumerate(lines, 1) if text in line))]

    lazy = at("pipeline/lazy.py", "trips-")
    assert lazy["message"] == ('dd.read_csv("data/trips-*.csv") is read by the workers in `dd.read_csv`; package '
                               "sync does not copy data files, so the workers have no data/trips-*.csv")
    assert "s3://<bucket>/data/trips-*.csv" in lazy["help"]
    assert "`score()` is shipped with `client.map`" in at("pipeline/shipped.py", "weights.npy")["message"]
    assert "`helper()` is shipped with `@delayed(pure=True)`" in at("pipeline/shipped.py", "months.json")["message"]
    assert "`clean()` is shipped with `client.submit in pipeline/run.py`" in \
        at("pipeline/tasks.py", "rules.csv")["message"]
    assert "declares `# COILED` batch options" in at("batch/process.py", "manifest")["message"]
    assert "listed in `remote-scripts`" in at("jobs/nightly.py", "settings")["message"]
    local = at("pipeline/shipped.py", "small.csv")
    assert local["code"] == "DAT004" and local["severity"] == "info" and "local process" in local["message"]


def test_dat004_is_off_by_default_even_with_the_dat_prefix(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write_project(root, {k: FILES[k] for k in ("pipeline/lazy.py", "batch/local_process.py")})
    _, report = run_json(root, "--no-env", "--isolated", "--select", "DAT", env=clean_environ())
    assert {d["code"] for d in report["diagnostics"]} == {"DAT001", "DAT002"}
    _, report = run_json(root, "--no-env", "--isolated", env=clean_environ())
    assert "DAT004" not in {d["code"] for d in report["diagnostics"]}


def test_a_source_file_read_is_not_told_to_go_to_object_storage(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write_project(root, {"job.py": '''
        # COILED n-tasks 4
        exec(open("steps/prepare.py").read())
        '''})
    [d] = lint(root)["diagnostics"]
    assert d["code"] == "DAT001" and "s3://" not in d["help"] and "local package" in d["help"]
