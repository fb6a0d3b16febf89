"""`envlint .` at a repository root reads the Python projects and requirements files in its sub-folders."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.project_cases import environ, found, messages
from tests.helpers.support import run_json

NUMPY_SETUP = 'import numpy\nfrom setuptools import setup\n\nsetup(name="{name}", version="1.0")\n'


def _monorepo(root: Path) -> Path:
    files = {
        # the root is a package of its own, declared correctly
        "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
                          '[project]\nname = "mono"\nversion = "1.0"\n[tool.setuptools]\npackages = ["mono"]\n',
        "mono/__init__.py": "",
        "projects/alpha/setup.py": NUMPY_SETUP.format(name="alpha"),
        "projects/alpha/alpha/__init__.py": "",
        "examples/foo/pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
                                       'build-backend = "setuptools.build_meta"\n'
                                       '[project]\nname = "foo"\nversion = "0.1"\n'
                                       'dependencies = ["helper @ git+https://example.invalid/helper.git"]\n',
        "examples/foo/setup.py": NUMPY_SETUP.format(name="foo"),
        "examples/foo/foo/__init__.py": "",
        # not projects of the repository: a test fixture, a git-ignored folder, an excluded one, tool settings
        "tests/fixtures/bad/setup.py": NUMPY_SETUP.format(name="bad"),
        "scratch/beta/setup.py": NUMPY_SETUP.format(name="beta"),
        "vendor/gamma/setup.py": NUMPY_SETUP.format(name="gamma"),
        "docs/pyproject.toml": "[tool.black]\nline-length = 100\n",
        ".gitignore": "scratch/\n",
        # requirements files anywhere in the tree
        "docs/requirements.txt": "sphinx\nmytheme @ git+https://example.invalid/theme.git\n",
        "projects/alpha/requirements-dev.txt": "-e .\n--extra-index-url https://example.invalid/simple\n",
        ".ci/lint.txt": "ruff\nhttps://example.invalid/wheels/tool-1.0-py3-none-any.whl\n",
        "tests/fixtures/req/requirements.txt": "--index-url https://example.invalid/fixture/simple\n",
        "envlint.toml": 'exclude = ["vendor/"]\n',
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_sub_projects_are_linted_with_root_relative_paths(tmp_path: Path) -> None:
    root = _monorepo(tmp_path / "repo")
    _, report = run_json(str(root), "--no-env", "--offline", "--select", "BLD001,SRC001,SRC002",
                         env=environ(tmp_path))
    assert found(report, "BLD001") == [("examples/foo/setup.py", 1), ("projects/alpha/setup.py", 1)]
    alpha = [d for d in report["diagnostics"] if d["code"] == "BLD001" and d["package"] == "alpha"]
    assert alpha and "setup.py imports numpy at build time" in alpha[0]["message"]
    foo = [d for d in report["diagnostics"] if d["code"] == "BLD001" and d["package"] == "foo"]
    assert "requires lists setuptools, which does not provide it" in foo[0]["message"]


def test_requirements_files_anywhere_in_the_tree_are_read_for_sources(tmp_path: Path) -> None:
    root = _monorepo(tmp_path / "repo")
    _, report = run_json(str(root), "--no-env", "--offline", "--select", "SRC001,SRC002", env=environ(tmp_path))
    assert sorted(found(report, "SRC002")) == [(".ci/lint.txt", 2), ("docs/requirements.txt", 2),
                                               ("examples/foo/pyproject.toml", 7)]
    src001 = [d for d in report["diagnostics"] if d["code"] == "SRC001" and d["path"]]
    assert [(d["path"], d["line"]) for d in src001 if not d["path"].startswith("/")] == [
        ("projects/alpha/requirements-dev.txt", 2)]
    # `-e .` in a sub-folder's requirements file is that folder's own project, not a direct reference
    assert not any("projects/alpha" in m for m in messages(report, "SRC002"))


def test_a_single_project_is_unchanged(tmp_path: Path) -> None:
    root = tmp_path / "single"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "setup.py").write_text(NUMPY_SETUP.format(name="single"))
    _, report = run_json(str(root), "--no-env", "--offline", "--select", "BLD001", env=environ(tmp_path))
    assert found(report, "BLD001") == [("setup.py", 1)]


def test_twin_a_folder_whose_pyproject_only_lists_dependencies_is_no_sub_project(tmp_path: Path) -> None:
    """pip-tools' examples/readme: a pyproject.toml that is pip-compile's input, with no code beside it.
    Nobody builds it, so its hatchling default (no package named like the project) fails nothing."""
    root = _monorepo(tmp_path / "repo")
    readme = root / "examples" / "readme"
    readme.mkdir(parents=True)
    (readme / "pyproject.toml").write_text('[build-system]\nrequires = ["hatchling"]\n'
                                           'build-backend = "hatchling.build"\n'
                                           '[project]\nname = "my-cool-django-app"\nversion = "42"\n'
                                           'dependencies = ["django"]\n')
    (readme / "constraints.txt").write_text("django==4.2\n")
    _, report = run_json(str(root), "--no-env", "--offline", "--select", "BLD", env=environ(tmp_path))
    assert not [d for d in report["diagnostics"] if (d["path"] or "").startswith("examples/readme/")]
    assert found(report, "BLD001") == [("examples/foo/setup.py", 1), ("projects/alpha/setup.py", 1)]
