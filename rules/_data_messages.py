"""Messages shared by the data-file rules (DAT001, DAT002, DAT004): where a read runs, and the remedy."""

from __future__ import annotations

from envlint.facts.code.data_reads import DataRead

#: Files that are code, not data: the remedy is to ship them with the code, not to upload them.
SOURCE_SUFFIXES = (".py", ".pyw", ".ipynb", ".pyx", ".pxd", ".sh", ".r", ".R", ".jl", ".sql", ".js")


def subject(read: DataRead) -> str:
    """The read as the message starts: the call, and where a followed path comes from."""
    if read.default and read.function:
        return f"the default of `{read.default}` in `{read.function.rsplit('.', 1)[-1]}()`, read by {read.call},"
    return read.call


def runs_where(read: DataRead) -> str:
    """'read by the workers in `dd.read_csv`' / 'runs on the workers: `load()` is shipped with client.submit'."""
    if read.passed_to and read.function:
        fn = read.function.rsplit(".", 1)[-1]
        shipped = f" (`{fn}()` is shipped with `{read.by}`)" if read.by else ""
        return f"passes {read.target} to `{fn}()`, which reads it with `{read.passed_to}` on the workers{shipped}"
    if read.reader:
        return f"is read by the workers in `{read.reader}`"
    if read.by == "# COILED":
        return "runs on the cluster: the script declares `# COILED` batch options"
    if read.by == "remote-scripts":
        return "runs on the cluster: the script is listed in `remote-scripts`"
    if read.by and read.function and not read.function.endswith("<lambda>"):
        return f"runs on the workers: `{read.function.rsplit('.', 1)[-1]}()` is shipped with `{read.by}`"
    if read.by and read.function:
        return f"runs on the workers: the function is shipped with `{read.by}`"
    if read.by:
        return f"runs on the workers: the reader is shipped with `{read.by}`"
    return "runs on the workers"


def missing(read: DataRead, what: str) -> str:
    """'the workers have no data.csv' or, for a file made in the local process, where it was made."""
    if read.made is not None:
        cell, line = read.made
        at = f"cell {cell}, line {line}" if cell is not None else f"line {line}"
        if read.made_by_workers:
            return (f"{read.target} is written by the workers at {at}, each to its own disk, so no one machine "
                    "has all of it (this process, which lists the files, has none)")
        return f"{read.target} is made here by {at}, in the local process, and read by the workers, which never get it"
    return what


def remedy(read: DataRead, name: str) -> str:
    if read.made is not None:
        return ("make the file where the workers read it (download or write it inside the task), or write it "
                "to object storage and read it from there (s3://<bucket>/...)")
    if read.target.rstrip("/").endswith(SOURCE_SUFFIXES):
        return ("it is code: make it part of a local package (package sync ships those) and import it, "
                "or send it with Client.upload_file")
    return (f"upload it to object storage and read it from there (s3://<bucket>/{name}), "
            "send it with Client.upload_file, or ship it as package data")
