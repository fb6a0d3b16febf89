"""What the program makes itself is not missing where it makes it; a file made on the laptop and read
by the workers is (DAT001 says where it was made). Build scripts and docs/CI/tooling folders are out
of scope. Every case has a firing line and a near-miss twin.

Lines that must be reported end with ``# DAT001``/``# DAT002``/``# DAT004``; every other line stays silent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.rules.test_dat001_where import expected, lint, write_project

FILES = {
    # made in the local process, read back there: fine; read by the workers: a finding
    "flows/download.py": '''
        import os
        from urllib.request import urlretrieve

        import dask.dataframe as dd
        import pandas as pd
        from dask.distributed import Client

        client = Client()
        if not os.path.exists("nyc-taxi.csv"):
            urlretrieve("https://example.invalid/nyc-taxi.csv", "nyc-taxi.csv")
        preview = pd.read_csv("nyc-taxi.csv")
        trips = dd.read_csv("nyc-taxi.csv")  # DAT001
        ''',
    "flows/roundtrip.py": '''
        import dask
        import numpy as np
        import pandas as pd
        import matplotlib.pyplot as plt
        import torch


        @dask.delayed
        def train(seed):
            model = torch.nn.Linear(2, 2)
            torch.save(model.state_dict(), "checkpoint.pt")
            state = torch.load("checkpoint.pt")
            np.save("scores.npy", np.ones(3))
            return state, np.load("scores.npy")


        @dask.delayed
        def report(seed):
            plt.savefig("figure.png")
            return plt.imread("figure.png"), torch.load("pretrained.pt")  # DAT001


        if __name__ == "__main__":
            from dask.distributed import Client

            client = Client("tcp://scheduler:8786")
            frame = pd.DataFrame({"a": [1]})
            frame.to_csv("features.csv")
            again = pd.read_csv("features.csv")
        ''',
    "flows/extract.py": '''
        import tarfile
        import dask


        @dask.delayed
        def unpack_and_read(name):
            with tarfile.open("/srv/archive.tar.gz") as tf:  # DAT002
                tf.extractall("unpacked")
            return open("unpacked/table.csv").read()


        @dask.delayed
        def read_only(name):
            return open("raw/other.csv").read()  # DAT001
        ''',
    # made at module level, read in a shipped function: made on the laptop
    "flows/shipped_after_save.py": '''
        import pandas as pd
        from dask.distributed import Client

        client = Client()
        pd.DataFrame({"zone": [1]}).to_parquet("zones.parquet")


        def enrich(day):
            return pd.read_parquet("zones.parquet")  # DAT001


        client.submit(enrich, 1)
        ''',
    # out of scope: build scripts and docs/CI/tooling folders
    "setup.py": '''
        import dask.dataframe as dd
        from setuptools import setup

        dd.read_csv("versions.csv")
        setup(name="flows", version=open("VERSION").read())
        ''',
    "docs/conf.py": '''
        import dask.dataframe as dd

        dd.read_csv("docs-data.csv")
        ''',
    ".github/scripts/stats.py": '''
        import dask.dataframe as dd

        dd.read_csv("runs.csv")
        ''',
    "tools/release.py": '''
        import dask.dataframe as dd

        dd.read_csv("history.csv")
        ''',
    "flows/in_scope.py": '''
        import dask.dataframe as dd

        dd.read_csv("history.csv")  # DAT001
        ''',
}


@pytest.fixture(scope="module")
def made_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("made") / "project"
    write_project(root, FILES)
    return root, lint(root)


@pytest.mark.parametrize("module", sorted(FILES))
def test_made_files_and_scope(made_report, module: str) -> None:
    root, report = made_report
    found = {(d["path"], d["line"], d["code"]) for d in report["diagnostics"] if d["path"] == module}
    assert found == {e for e in expected(root) if e[0] == module}


def test_the_message_says_where_the_file_was_made(made_report) -> None:
    _, report = made_report
    [d] = [d for d in report["diagnostics"] if d["path"] == "flows/download.py"]
    assert d["message"] == ('dd.read_csv("nyc-taxi.csv") is read by the workers in `dd.read_csv`; nyc-taxi.csv is '
                            "made here by line 10, in the local process, and read by the workers, which never get it")
    [d] = [d for d in report["diagnostics"] if d["path"] == "flows/shipped_after_save.py"]
    assert "made here by line 5" in d["message"] and "`enrich()` is shipped with `client.submit`" in d["message"]


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps({"cells": [{"cell_type": kind, "metadata": {}, "source": text.splitlines(True),
                                  **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                                 for kind, text in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_notebook_download_read_by_the_workers_names_its_cell(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "taxi.ipynb").write_text(notebook(
        ("markdown", "# NYC taxi\n"),
        ("code", "!wget https://example.invalid/yellow.csv -O yellow.csv\n!unzip -q zones.zip -d zones\n"),
        ("code", "import pandas as pd\nimport dask.dataframe as dd\nsample = pd.read_csv('yellow.csv')\n"
                 "trips = dd.read_csv('yellow.csv')\nzones = pd.read_csv('zones/lookup.csv')\n"),
        ("code", "import coiled\ncluster = coiled.Cluster(n_workers=10)\nclient = cluster.get_client()\n"),
    ))
    report = lint(root)
    [d] = report["diagnostics"]
    assert (d["code"], d["cell"], d["line"], d["column"]) == ("DAT001", 3, 4, 9)
    assert "made here by cell 2, line 1" in d["message"] and d["message"].endswith("(cell 3, line 4)")
