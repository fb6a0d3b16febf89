r"""Local data file by absolute path (DAT002).

## What it does
Finds the same reader calls as DAT001 (the built-in `open` in a read mode, pandas/dask/polars
`read_*`, numpy `load`, `torch.load`, `h5py.File`, `sqlite3.connect`, ... — see
`envlint/data/readers.toml`) when the path is an absolute local path: `/home/...`, `/Users/...`,
`/tmp/...`, `/mnt/...`, `C:\...`, `\\server\share\...`, `~/...` and `Path.home() / ...`,
`file:///...`. Pseudo-file systems every Linux worker has (`/dev/`, `/proc/`, `/sys/`) are not
reported, nor are URLs, write modes, or paths from the command line or the environment.

## Why it breaks package sync
An absolute path names a place on *this* machine. The workers are other Linux machines: your
home directory, your `/tmp` and your mounted drives are not there, and package sync copies
installed packages, not data. The task fails with `FileNotFoundError` on the cluster, or worse,
reads a different file that happens to exist at that path.

## Example
```python
import numpy as np

weights = np.load("/Users/ana/models/weights.npy")  # DAT002
```

## How to fix
Upload the file to object storage and read it by URL (`np.load(fsspec.open("s3://my-bucket/
weights.npy").open())`, `pd.read_parquet("s3://my-bucket/table.parquet")`), send a small file with
`client.upload_file(...)`, or ship it inside a local package as package data. If the path exists on
the workers by design (a shared mount), suppress the line with `# envlint: ignore[DAT002]`.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.code.data_reads import DataRead
from envlint.registry import rule


@rule(code="DAT002", name="absolute-data-path", severity=Severity.WARNING,
      summary="Code reads a local file by an absolute path that exists only on this machine",
      precision="medium")
def check(data_reads: list[DataRead]) -> Iterator[Finding]:
    for read in data_reads:
        if read.kind != "absolute":
            continue
        name = read.target.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or "data"
        yield Finding(
            message=f"{read.call} reads an absolute local path; package sync does not copy it to the "
                    f"workers, which do not have this machine's files{read.where}",
            **read.location,
            help=f"upload it to object storage and read it from there (s3://<bucket>/{name}), "
                 "send it with Client.upload_file, or ship it as package data",
        )
