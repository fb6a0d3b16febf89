"""DAT001/DAT002 follow a path through parameter defaults, class attributes, project helpers called
with a literal (across modules and from notebooks) and re-exported modules, and report it where the
literal is written. Each case has a firing line and a near-miss twin.

Lines that must be reported end with ``# DAT001``/``# DAT002``/``# DAT004``; every other line stays silent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.test_dat001_made_here import notebook
from tests.rules.test_dat001_where import expected, lint, write_project

FILES = {
    "etl/__init__.py": "",
    "etl/io.py": '''
        import dask.dataframe as dd
        import pandas as pd


        def load_events(folder, columns=None):
            return dd.read_parquet(folder, columns=columns)


        def load_local(path):
            return pd.read_csv(path)
        ''',
    "etl/tasks.py": '''
        import configparser

        import dask
        import pandas as pd
        from omegaconf import OmegaConf
        from utils.general import cv2


        @dask.delayed
        def score(day, lookup="lookups/zones.csv"):  # DAT001
            return pd.read_csv(lookup)


        @dask.delayed
        def score_given(day, lookup=None):
            return pd.read_csv(lookup)


        def describe(day, lookup="lookups/names.csv"):  # DAT004
            return pd.read_csv(lookup)


        @dask.delayed
        def configured(day):
            parser = configparser.ConfigParser()
            parser.read("settings.ini")  # DAT001
            conf = OmegaConf.load("conf/train.yaml")  # DAT001
            return cv2.imread("frames/0001.png")  # DAT001


        class Job:
            data_dir = "data/raw"
            out_dir = "data/out"

            def __init__(self, out_dir=None):
                self.out_dir = out_dir

            @dask.delayed
            def run(self):
                raw = pd.read_csv(self.data_dir)  # DAT001
                return raw, pd.read_csv(self.out_dir)


        class Settings:
            ROOT = "/mnt/team/shared"


        settings = configparser.ConfigParser()
        settings.read("local.ini")  # DAT004
        shared = dask.delayed(pd.read_parquet)(Settings.ROOT + "/table.parquet")  # DAT002
        ''',
    "etl/main.py": '''
        import sys

        from etl.io import load_events, load_local
        from etl import io

        events = load_events("data/events")  # DAT001
        users = io.load_events(folder="/Users/ana/users")  # DAT002
        given = load_events(sys.argv[1])
        small = load_local("data/small.csv")
        ''',
}


@pytest.fixture(scope="module")
def follow_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("follow") / "project"
    write_project(root, FILES)
    (root / "explore.ipynb").write_text(notebook(
        ("markdown", "# Events\n"),
        ("code", "%load_ext autoreload\nfrom etl.io import load_events\n"),
        ("code", "recent = load_events('data/recent')\n"),
    ))
    return root, lint(root)


@pytest.mark.parametrize("module", sorted(FILES))
def test_followed_values_are_reported_where_the_literal_is(follow_report, module: str) -> None:
    root, report = follow_report
    found = {(d["path"], d["line"], d["code"]) for d in report["diagnostics"] if d["path"] == module}
    assert found == {e for e in expected(root) if e[0] == module}


def test_messages_name_the_read_the_value_reaches(follow_report) -> None:
    _, report = follow_report
    messages = {(d["path"], d["line"]): d["message"] for d in report["diagnostics"]}
    assert messages[("etl/main.py", 6)].startswith(
        'load_events("data/events") passes data/events to `load_events()`, which reads it with '
        "`dd.read_parquet` on the workers;")
    assert messages[("etl/tasks.py", 10)].startswith(
        'the default of `lookup` in `score()`, read by pd.read_csv("lookups/zones.csv"), runs on the workers')


def test_a_notebook_call_of_a_project_helper_names_its_cell(follow_report) -> None:
    _, report = follow_report
    [d] = [d for d in report["diagnostics"] if d["path"] == "explore.ipynb"]
    assert (d["code"], d["cell"], d["line"], d["column"]) == ("DAT001", 3, 1, 22)
