"""Notebooks never silently lose findings: IPython syntax is read as IPython reads it, a cell that
still does not parse is an EL001 naming its cell while the other cells are checked (with the names
they define), and every finding carries its cell with the line and column inside it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.helpers.support import clean_environ, run_envlint, run_json
from tests.rules.test_dat001_made_here import notebook
from tests.rules.test_dat001_where import lint

MAGICS = [
    ("markdown", "# Exploring the taxi data\n\nRead on the cluster.\n"),
    ("code", "%matplotlib inline\n%load_ext autoreload\n!pip install -q dask[dataframe]\nimport os\n"
             "import dask.dataframe as dd\nimport pandas as pd\nfrom dask.distributed import Client\n"
             "DATA = 'data/yellow_*.csv'\nclient = Client()\n"),
    ("code", "%%time\nddf = dd.read_csv(DATA)\n"),                         # cell 3: a worker read after %%time
    ("code", "files = !ls data\npd.read_csv?\nddf.head??\n"),
    ("code", "if not os.path.exists('zones.csv'):\n    !wget https://example.invalid/zones.csv\n"
             "zones = pd.read_csv('zones.csv')\n"),                     # local read of a local download
    ("code", "%%bash\nls -la data/ | head\n"),
    ("code", "def per_partition(df):\n    %time x = 1\n    return df.merge(pd.read_csv('lookup.csv'))\n\n"
             "ddf.map_partitions(per_partition)\n"),                  # cell 7: shipped function, magic inside
    ("code", "counts = ddf.groupby('zone').size().compute()\ncounts.to_csv('counts.csv')\n"
             "pd.read_csv('counts.csv')\n"),                            # read back locally
]


def test_ipython_syntax_is_read_and_every_finding_has_its_cell(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "taxi.ipynb").write_text(notebook(*MAGICS))
    report = lint(root)
    found = [(d["code"], d["cell"], d["line"], d["column"]) for d in report["diagnostics"]]
    assert found == [("DAT001", 3, 2, 7), ("DAT001", 7, 3, 21)]
    first = report["diagnostics"][0]
    assert first["message"].startswith('dd.read_csv("data/yellow_*.csv") is read by the workers in `dd.read_csv`')
    assert first["message"].endswith("(cell 3, line 2)")
    assert "`per_partition()` is shipped with `.map_partitions`" in report["diagnostics"][1]["message"]


def test_a_cell_that_does_not_parse_is_el001_and_the_others_are_checked(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "broken.ipynb").write_text(notebook(
        ("code", "import dask.dataframe as dd\nfrom distributed import Client\nclient = Client('tcp://10.0.0.5:8786')\n"
                 "DATA = 'events/*.parquet'\n"),
        ("markdown", "Some notes\n"),
        ("code", "print 'python 2'\n"),
        ("code", "events = dd.read_parquet(DATA)\n"),
    ))
    report = lint(root)
    by_code = {d["code"]: d for d in report["diagnostics"]}
    assert set(by_code) == {"EL001", "DAT001"}
    assert by_code["EL001"]["cell"] == 3 and by_code["EL001"]["line"] == 1
    assert "cell 3 does not parse as Python 3" in by_code["EL001"]["message"]
    assert (by_code["DAT001"]["cell"], by_code["DAT001"]["line"]) == (4, 1)
    assert 'dd.read_parquet("events/*.parquet")' in by_code["DAT001"]["message"]  # DATA from cell 1


def test_a_cell_with_leading_indentation_runs_as_ipython_runs_it(tmp_path: Path) -> None:
    """IPython strips a cell's leading indentation (its ``leading_indent`` clean-up): `` Image(...)`` or
    an indented worker read is Python, not a cell that does not parse."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "figures.ipynb").write_text(notebook(
        ("code", "import dask.dataframe as dd\nfrom dask.distributed import Client\nclient = Client()\n"
                 "from IPython.display import Image\n"),
        ("code", " Image(filename='./figures/02_04.png', width=600) "),
        ("code", "\n  events = dd.read_parquet('events/')\n  events.head()\n"),
    ))
    report = lint(root)
    found = [(d["code"], d["cell"], d["line"]) for d in report["diagnostics"]]
    assert found == [("DAT001", 3, 2)]


def test_an_indented_block_that_ipython_rejects_too_is_still_el001(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "figures.ipynb").write_text(notebook(
        ("code", "import dask.dataframe as dd\nfrom dask.distributed import Client\nclient = Client()\n"),
        ("code", "x = 1\n    y = 2\n"),  # indentation after an unindented first line: IPython fails too
        ("code", "events = dd.read_parquet('events/')\n"),
    ))
    report = lint(root)
    assert sorted((d["code"], d["cell"]) for d in report["diagnostics"]) == [("DAT001", 3), ("EL001", 2)]


def test_the_same_notebook_without_a_cluster_read_is_silent(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "local.ipynb").write_text(notebook(
        ("code", "%matplotlib inline\nimport pandas as pd\n!wget https://example.invalid/t.csv\n"),
        ("code", "%%time\ndf = pd.read_csv('t.csv')\nother = pd.read_csv('other.csv')\n"),
    ))
    _, report = run_json(root, "--no-env", "--isolated", "--select", "DAT,EL001", env=clean_environ())
    assert report["diagnostics"] == []


def test_text_sarif_and_github_positions_of_a_notebook_finding(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "taxi.ipynb").write_text(notebook(*MAGICS[:3]))
    base = [root, "--no-env", "--isolated", "--select", "DAT"]
    _, text = run_envlint(*base, env=clean_environ())
    assert "taxi.ipynb:cell 3:2:7: DAT001" in text
    _, sarif = run_envlint(*base, "--format", "sarif", env=clean_environ())
    [result] = json.loads(sarif)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert result["properties"]["cell"] == 3 and result["properties"]["line"] == 2
    _, github = run_envlint(*base, "--format", "github", env=clean_environ())
    [annotation] = [line for line in github.splitlines() if line.startswith("::")]
    assert "file=taxi.ipynb," in annotation and "line=" not in annotation
    assert re.search(r"\(cell 3, line 2\)", annotation)
