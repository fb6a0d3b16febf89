"""Local data file by relative path (DAT001).

## What it does
Finds calls in the project's code (`.py` files and notebook code cells) that read a local file by a
relative path: the built-in `open` in a read mode, `io.open`, `pathlib.Path(...).open()` /
`read_text()` / `read_bytes()`, pandas, dask and polars `read_*`/`scan_*`, numpy `load`/`loadtxt`/
`genfromtxt`/`fromfile`, `joblib.load`, `torch.load`, `PIL.Image.open`, `h5py.File`,
`xarray.open_dataset`, `pyarrow.parquet.read_table`, `sqlite3.connect`, `scipy.io.loadmat`,
`cv2.imread` and more (the table is `envlint/data/readers.toml`). The path may be a string literal,
an f-string or concatenation that starts with a literal, `os.path.join` or `Path /` of literals, a
module or function constant, or a glob (`data/*.csv`).

Not reported: URLs (`s3://`, `gs://`, `abfs://`, `hdfs://`, `https://`, `memory://`, any
`scheme://`), write modes (`"w"`, `"a"`, `"x"`), paths that come from the command line or the
environment (`sys.argv`, `argparse`, `os.environ`, `os.getenv`), paths built from `__file__`
(DAT003 checks those), and files inside a local package's import package, which its wheel can
carry as package data.

## Why it breaks package sync
Package sync mirrors the *environment*: installed distributions and local packages as wheels.
It does not copy the files your code reads. `pd.read_csv("local_data.csv")` works on the laptop
and raises `FileNotFoundError` in every task on the cluster, because the workers' working
directory has no `local_data.csv`.

## Example
```python
import pandas as pd

DATA = "local_data.csv"
df = pd.read_csv(DATA)  # DAT001
```

## How to fix
Put the data where the workers can read it and read it from there:
`pd.read_csv("s3://my-bucket/local_data.csv")` (or `gs://`, `abfs://`). For a small file, send it
with `client.upload_file("local_data.csv")` before the tasks run. For a file that belongs to your
code, ship it as package data of a local package and read it with `importlib.resources`. If the
path is really given at run time, suppress the line with `# envlint: ignore[DAT001]`.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.code.data_reads import DataRead
from envlint.registry import rule


@rule(code="DAT001", name="relative-data-path", severity=Severity.WARNING,
      summary="Code reads a local file by a relative path that package sync does not copy to the workers",
      precision="medium")
def check(data_reads: list[DataRead]) -> Iterator[Finding]:
    for read in data_reads:
        if read.kind != "relative":
            continue
        yield Finding(
            message=f"{read.call} reads a local file that package sync does not copy to the workers{read.where}",
            **read.location,
            help=f"upload it to object storage and read it from there (s3://<bucket>/{read.target.lstrip('./')}), "
                 "send it with Client.upload_file, or ship it as package data",
        )
