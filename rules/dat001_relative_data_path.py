"""Local data file by relative path, read on the cluster (DAT001).

## What it does
Finds reads of a local file by a relative path **in code that runs on the cluster's workers**.
Package sync copies packages, never data files, so a local path breaks only where it is opened on a
cluster machine. A read runs on the workers when:

- it is a lazy collection reader, whose tasks open the files: `dd.read_csv/read_parquet/read_json/
  read_table/read_hdf/read_orc`, `db.read_text`, `da.from_zarr`/`from_npy_stack`, dask-cudf's
  `read_*`, `xr.open_zarr`, and `xr.open_dataset`/`open_mfdataset` with `chunks=` or `parallel=`;
- the reader itself is the task: `dask.delayed(pd.read_csv)("x.csv")`, `client.submit(pd.read_csv, "x.csv")`;
- it is inside a function shipped to the cluster: decorated with `@dask.delayed`/`@delayed`/
  `@coiled.function`, passed to `dask.delayed(f)`, to `client.submit/map/run`, or to
  `map_partitions`/`map_blocks`/`map_overlap` or `.map/.apply/.filter` of a dask collection (a
  lambda, a `functools.partial`, or a function of another module of the project, too), or called
  by such a function;
- the script declares that it runs remotely: `# COILED ...` batch options in the file, or a path
  matching `remote-scripts = [...]` in `[tool.envlint]`.

A notebook or script that starts no cluster (no `Client(...)`, `coiled.Cluster(...)`, `LocalCluster`,
`get_client()`) runs dask in its own threads: its lazy readers and delayed functions read the
laptop's files, and are not reported (a function shipped with `client.submit` or `@coiled.function`
still is). A helper called with a literal is followed when calling it ships it (`@dask.delayed`,
`@coiled.function`) or it reads in a lazy reader; calling a function that is elsewhere passed to
`delayed(f)` runs it here.

Reads in the local process are not reported: a notebook cell or a script that starts the client
reads the laptop's file, and hands the data over (`dd.from_pandas`, `client.scatter`). Nor are reads
whose place is unknown (a function with no caller in sight, a library module's top level): they
would be guesses. Both are reported by DAT004, which is off by default.

What the program makes itself is not missing where it makes it: a file written, saved, downloaded
or extracted before (`to_csv` -> `read_csv`, `np.save` -> `np.load`, `savefig` -> `imread`,
`torch.save` -> `torch.load`, `urlretrieve` -> read, `extractall` -> read) and read back in the
same place (the local process, or the same shipped function) is not reported. But a file made in
the local process (a download, `!wget`/`!curl`/`!unzip` in a notebook, a `to_csv` at the top of the
script) and then read by the workers IS reported, naming the line that made it: the workers never
get it (a `LocalCluster` shares the laptop's disk and hides this).

Also not reported: reads guarded by an existence check (`if p.exists():`, `if not
os.path.exists(p): return`) or inside `try:` with `except FileNotFoundError`/`OSError`; reads in
`setup.py` and other build scripts (`hatch_build.py`, `noxfile.py`, `conftest.py`, ...) and in
docs/CI/tooling folders (`docs/`, `doc/`, `.github/`, `ci/`, `binder/`, `tools/`, ...); URLs
(`s3://`, `gs://`, any `scheme://`), write modes, paths from the command line or the environment,
paths built from `__file__` (DAT003), and files inside a local package's import package, which its
wheel can carry as package data.

The path is followed through parameter defaults (`def load(day, path="data/x.csv")`, reported at
the default), class attributes (`self.data_dir`, `Config.ROOT`), project helpers called with a
literal in any module or notebook (`def load(folder): return dd.read_parquet(folder)` then
`load("data/events")`, reported at the literal: "passes data/events to `load()`, which reads it
with `dd.read_parquet` on the workers"), and modules re-exported by a project module
(`from utils.general import cv2`). A helper is followed when it reads its parameter in a lazy
reader or is itself shipped to the cluster.

Notebooks are read the way IPython runs them: `%magic` and `!shell` lines, `x = !cmd`, `obj?`, and
`%%time`-style cells (whose body is Python) are accepted; `%%bash`/`%%writefile` cells are skipped.
A cell that still does not parse is reported as EL001 with its cell number, and the other cells are
checked with the names they define. A notebook finding carries `cell` (1-based, every cell counted)
with `line`/`column` inside that cell (see docs/json-output.md).

The readers are those of `envlint/data/readers.toml`: the built-in `open`, pathlib, pandas, dask,
polars, numpy, `torch.load`, `h5py.File`, xarray, pyarrow, `PIL.Image.open`, `cv2.imread`,
`OmegaConf.load`, `configparser.ConfigParser().read`, and more. The path may be a literal, an
f-string or concatenation that starts with one, `os.path.join`/`Path /` of literals, a module or
function constant, or a glob.

## Why it breaks package sync
Package sync mirrors the *environment*: installed distributions and local packages as wheels. It
does not copy the files your code reads. `dd.read_csv("data/*.csv")` lists the files on the laptop
while it builds the graph, then every task opens its file on a worker, whose working directory has
no `data/`: `FileNotFoundError` on the cluster, although the same code worked with a `LocalCluster`
(which shares the laptop's disk).

## Example
```python
from urllib.request import urlretrieve

import dask
import dask.dataframe as dd
import pandas as pd

ddf = dd.read_csv("data/*.csv")          # DAT001: read by the workers in dd.read_csv


@dask.delayed
def load(day):
    return pd.read_csv("lookup.csv")      # DAT001: load() is shipped with @dask.delayed


df = pd.read_csv("small.csv")            # not reported: read in this process (DAT004)

urlretrieve("https://example.invalid/trips.csv", "trips.csv")
trips = dd.read_csv("trips.csv")          # DAT001: trips.csv is made here by line 17, read by the workers
```

## How to fix
Put the data where the workers can read it and read it from there:
`dd.read_csv("s3://my-bucket/data/*.csv")` (or `gs://`, `abfs://`). For a small file, send it with
`client.upload_file("lookup.csv")` before the tasks run, or read it in the local process and send
the data (`client.scatter`, `dd.from_pandas`). For a file that belongs to your code, ship it as
package data of a local package and read it with `importlib.resources`. If the path is really given
at run time, suppress the line with `# envlint: ignore[DAT001]`.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.code.data_reads import WORKERS, DataRead
from envlint.registry import rule
from envlint.rules._data_messages import missing, remedy, runs_where, subject


@rule(code="DAT001", name="relative-data-path", severity=Severity.WARNING,
      summary="Code that runs on the cluster reads a local file by a relative path that package sync does not copy",
      precision="medium")
def check(data_reads: list[DataRead]) -> Iterator[Finding]:
    for read in data_reads:
        if read.kind != "relative" or read.where != WORKERS:
            continue
        yield Finding(
            message=f"{subject(read)} {runs_where(read)}; "
                    + missing(read, f"package sync does not copy data files, so the workers have no {read.target}")
                    + read.place,
            **read.location,  # type: ignore[arg-type]
            help=remedy(read, read.target.lstrip("./")),
        )
