r"""Local data file by absolute path, read on the cluster (DAT002).

## What it does
Finds the same reads as DAT001, in the same places (code that runs on the workers: lazy collection
readers such as `dd.read_parquet`, functions shipped with `client.submit`/`dask.delayed`/
`map_partitions`/`@coiled.function`, `# COILED` batch scripts and `remote-scripts`), when the path is
an absolute local path: `/home/...`, `/Users/...`, `/tmp/...`, `/mnt/...`, `C:\...`,
`\\server\share\...`, `~/...` and `Path.home() / ...`, `file:///...`. Pseudo-file systems every
Linux worker has (`/dev/`, `/proc/`, `/sys/`) are not reported, nor are URLs, write modes, paths
from the command line or the environment, guarded reads, build scripts and docs/CI folders, or reads
in the local process (see DAT001; DAT004 reports those, off by default).

## Why it breaks package sync
An absolute path names a place on *this* machine. The workers are other Linux machines: your
home directory, your `/tmp` and your mounted drives are not there, and package sync copies
installed packages, not data. The task fails with `FileNotFoundError` on the cluster, or worse,
reads a different file that happens to exist at that path.

## Example
```python
import numpy as np
from dask.distributed import Client

client = Client()


def score(batch):
    weights = np.load("/Users/ana/models/weights.npy")  # DAT002: score() is shipped with client.map
    return batch @ weights


futures = client.map(score, batches)
```

## How to fix
Upload the file to object storage and read it by URL (`np.load(fsspec.open("s3://my-bucket/
weights.npy").open())`, `pd.read_parquet("s3://my-bucket/table.parquet")`), send a small file with
`client.upload_file(...)`, load it in the local process and pass the array to the tasks, or ship it
inside a local package as package data. If the path exists on the workers by design (a shared
mount), suppress the line with `# envlint: ignore[DAT002]`.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.code.data_reads import WORKERS, DataRead
from envlint.registry import rule
from envlint.rules._data_messages import missing, remedy, runs_where, subject


@rule(code="DAT002", name="absolute-data-path", severity=Severity.WARNING,
      summary="Code that runs on the cluster reads a local file by an absolute path that exists only on this machine",
      precision="medium")
def check(data_reads: list[DataRead]) -> Iterator[Finding]:
    for read in data_reads:
        if read.kind != "absolute" or read.where != WORKERS:
            continue
        name = read.target.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or "data"
        yield Finding(
            message=f"{subject(read)} {runs_where(read)}; "
                    + missing(read, "an absolute path names a place on this machine, and package sync does not "
                                    "copy data files to the workers")
                    + read.place,
            **read.location,  # type: ignore[arg-type]
            help=remedy(read, name),
        )
