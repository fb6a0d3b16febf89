"""The project walk skips exactly what git ignores: each case is checked against real git.

Trees are made in tmp_path with ``git init`` (nothing is added or committed), and envlint's list of
files is compared with ``git ls-files --others --exclude-standard``. The trees avoid the directory
names envlint skips by design whatever git says (virtual environments, ``node_modules``,
``__pycache__``, ``build``/``dist`` without ``__init__.py``, ``*.egg-info``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envlint.facts.tree import walk_tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

CASES = {
    "star-star then a directory re-included": ({".gitignore": "sub/**\n!sub/deep/\n"},
                                               ["sub/a.py", "sub/deep/b.py", "sub/deep/c/d.py", "top.py"]),
    "star-star then a directory and its contents re-included": (
        {".gitignore": "sub/**\n!sub/deep/\n!sub/deep/**\n"}, ["sub/a.py", "sub/deep/b.py", "sub/deep/c/d.py"]),
    "everything but one directory": ({".gitignore": "/*\n!/keep/\n!/.gitignore\n"}, ["a.py", "keep/b.py", "other/c.py"]),
    "a file under an excluded directory cannot come back": ({".gitignore": "out/\n!out/keep.py\n"},
                                                            ["out/keep.py", "out/x.py", "y.py"]),
    "negated file name": ({".gitignore": "*.py\n!important.py\n"}, ["a.py", "important.py", "sub/important.py", "sub/b.py"]),
    "anchored pattern in a nested file": ({"sub/.gitignore": "/local.py\n"},
                                          ["local.py", "sub/local.py", "sub/deeper/local.py"]),
    "double star directory": ({".gitignore": "**/cache/\n"}, ["cache/a.py", "x/cache/b.py", "x/cachex/c.py", "cache.py"]),
    "trailing spaces": ({".gitignore": "a.py   \nb.py\\ \n"}, ["a.py", "b.py", "b.py ", "c.py"]),
    "escaped hash and bang": ({".gitignore": "\\#hash.py\n\\!bang.py\n"}, ["#hash.py", "!bang.py", "ok.py"]),
    "directory-only pattern and a file of that name": ({".gitignore": "foo/\n"}, ["foo", "bar/foo/x.py", "baz.py"]),
    "a deeper file re-includes": ({".gitignore": "*.csv\n", "data/.gitignore": "!keep.csv\n"},
                                  ["a.csv", "data/keep.csv", "data/other.csv"]),
    "a slash in the middle anchors": ({".gitignore": "doc/frotz\n"}, ["doc/frotz", "a/doc/frotz", "doc/frotz2"]),
    "one level wildcard": ({".gitignore": "a/*/c.py\n"}, ["a/b/c.py", "a/b/x/c.py", "a/c.py"]),
    "middle double star": ({".gitignore": "a/**/c.py\n"}, ["a/c.py", "a/b/c.py", "a/b/x/c.py", "b/c.py"]),
    "the last matching pattern wins": ({".gitignore": "!a.py\na.py\n"}, ["a.py", "b.py"]),
    "character classes": ({".gitignore": "f?.py\n[ab].txt\n"}, ["f1.py", "f12.py", "a.txt", "c.txt"]),
    "info/exclude": ({".git/info/exclude": "secret.py\n"}, ["secret.py", "open.py"]),
    "a directory re-included under an excluded parent stays out": ({".gitignore": "lib/\n!lib/keep/\n"},
                                                                   ["lib/keep/a.py", "lib/b.py", "c.py"]),
}


def _compare(tmp_path: Path, ignore_files: dict[str, str], tree: list[str]) -> tuple[set[str], set[str]]:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for rel, text in ignore_files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for rel in tree:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    out = subprocess.run(["git", "-C", str(tmp_path), "-c", "core.excludesFile=/dev/null", "ls-files", "--others",
                          "--exclude-standard", "-z"], capture_output=True, check=True).stdout.decode()
    git = {p for p in out.split("\0") if p and not p.endswith(".gitignore")}
    ours = {p for p in walk_tree(tmp_path).files if not p.endswith(".gitignore")}
    return git, ours


@pytest.mark.parametrize("case", sorted(CASES))
def test_walk_lists_what_git_does_not_ignore(tmp_path: Path, case: str) -> None:
    git, ours = _compare(tmp_path, *CASES[case])
    assert ours == git


_PARTS = st.sampled_from(["a", "b", "sub", "deep"])
_PATHS = st.lists(_PARTS, min_size=1, max_size=3).map("/".join).map(lambda p: p + ".py")
_PATTERNS = st.builds(
    lambda neg, lead, body, tail: ("!" if neg else "") + ("/" if lead else "") + body + tail,
    st.booleans(), st.booleans(),
    st.sampled_from(["a", "b", "sub", "deep", "*.py", "a.py", "sub/deep", "sub/*", "**/deep", "sub/**", "*"]),
    st.sampled_from(["", "/", "/**"]),
)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=st.lists(_PATHS, min_size=1, max_size=6, unique=True),
       patterns=st.lists(_PATTERNS, min_size=1, max_size=4),
       nested=st.lists(_PATTERNS, max_size=2))
def test_random_ignore_files_agree_with_git(tmp_path_factory: pytest.TempPathFactory, paths: list[str],
                                            patterns: list[str], nested: list[str]) -> None:
    root = tmp_path_factory.mktemp("gitignore")
    ignore = {".gitignore": "\n".join(patterns) + "\n"}
    if nested and any(p.startswith("sub/") for p in paths):
        ignore["sub/.gitignore"] = "\n".join(nested) + "\n"
    git, ours = _compare(root, ignore, paths)
    assert ours == git, (patterns, nested)
