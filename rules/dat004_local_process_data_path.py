"""Local data file read outside the cluster (DAT004, off by default).

## What it does
Reports the reads DAT001 and DAT002 leave out because they do not run on the workers: a read in the
process that drives the cluster (a notebook cell, a script that starts the `Client`, code under
`if __name__ == "__main__":`), and a read whose place is not known (a function with no caller in
sight, module-level code of a library module). It finds the same calls, with the same path rules,
as DAT001 (see `envlint/data/readers.toml`).

Off by default: such reads work under package sync, because the laptop has the file. Turn it on
with `--extend-select DAT004` (or `extend-select = ["DAT004"]` in `[tool.envlint]`) to review every
local path before code moves to the cluster; selecting the `DAT` prefix does not turn it on.

## Why it breaks package sync
It does not, as long as the code stays where it is. A cell that reads `pd.read_csv("sales.csv")`
and hands the frame to the cluster with `dd.from_pandas` or `client.scatter` is fine. The same line
moved into a function given to `client.submit`, or a notebook turned into a `coiled batch run`
script, fails on the workers, which have no copy of the file.

## Example
```python
import pandas as pd
from dask.distributed import Client
import dask.dataframe as dd

client = Client("tcp://scheduler:8786")
df = pd.read_csv("sales.csv")                # DAT004 (read in this process: works)
ddf = dd.from_pandas(df, npartitions=8)      # the data, not the file, goes to the workers


def summarize(path):
    return pd.read_csv("lookup.csv")          # DAT004 (where this runs is not known)
```

## How to fix
Nothing to fix while the read stays in the local process. Before moving it onto the cluster, read
the data from object storage (`s3://`, `gs://`, `abfs://`), or keep reading it locally and send the
data (`dd.from_pandas`, `client.scatter`).
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.code.data_reads import LOCAL, WORKERS, DataRead
from envlint.registry import rule
from envlint.rules._data_messages import subject


@rule(code="DAT004", name="local-process-data-path", severity=Severity.INFO, default=False, precision="medium",
      summary="Code reads a local file where it does not run on the cluster, or where it runs is not known")
def check(data_reads: list[DataRead]) -> Iterator[Finding]:
    for read in data_reads:
        if read.where == WORKERS:
            continue
        if read.where == LOCAL:
            where = "runs in the local process (the notebook or the script that drives the cluster), which has the file"
        elif read.function:
            where = (f"runs wherever `{read.function.rsplit('.', 1)[-1]}()` is called: no call that ships it "
                     "to the cluster is in sight")
        else:
            where = "runs where this module is imported or run: nothing here ships it to the cluster"
        yield Finding(
            message=f"{subject(read)} {where}; the workers would not have {read.target}{read.place}",
            **read.location,  # type: ignore[arg-type]
            help="nothing to do while it stays local; before it runs on the cluster, read it from object "
                 "storage or send the data (dd.from_pandas, client.scatter)",
        )
