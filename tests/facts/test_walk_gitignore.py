"""The project walk skips exactly what git ignores: each case is checked against real git.

Trees are made in tmp_path with ``git init`` (nothing is added or committed), and envlint's list of
files is compared with ``git ls-files --others --exclude-standard``. The trees avoid the directory
names envlint skips by design whatever git says (virtual environments, ``node_modules``,
``__pycache__``, ``build``/``dist`` without ``__init__.py``, ``*.egg-info``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from envlint.facts.code.tree import walk_tree

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
    "anchored double star with a slash is every directory": ({".gitignore": "/**/\n"}, ["a.py", "sub/b.py"]),
    "directories inside any directory of a name": ({".gitignore": "**/lib/**/\n"},
                                                   ["lib/a.py", "lib/lib/b.py", "x/lib/deep/c.py", "lib/x/d.py"]),
    "a negated slash names nothing": ({".gitignore": "gen\n!/\n"}, ["gen/a.py", "b.py"]),
    "a run of three stars": ({".gitignore": "***/gen/\na***b.py\n"}, ["gen/a.py", "x/gen/b.py", "axyb.py", "a/b.py", "c.py"]),
    "three stars alone ignore everything": ({".gitignore": "***/**\n"}, ["a.py", "sub/b.py"]),
    "an escaped slash": ({".gitignore": "out\\/**\n"}, ["out/a.py", "x/out/b.py", "c.py"]),
    "POSIX classes in brackets": ({".gitignore": "[[:upper:]]*\n*[[:digit:]].py\n"},
                                  ["README.py", "a1.py", "a.py", "sub/B.txt", "sub/c.py"]),
    "escapes and a leading ] in brackets": ({".gitignore": "[\\]x].py\n[]a]b.py\n[!]a]c.py\n"},
                                            ["].py", "x.py", "\\.py", "ab.py", "]b.py", "bb.py", "bc.py", "ac.py", "]c.py"]),
    "a bracket that never closes matches nothing": ({".gitignore": "a[b.py\n[[:nope:]]\n"}, ["a[b.py", "ab.py", "n"]),
    "a slash inside brackets anchors": ({".gitignore": "[a/]b.py\n"}, ["ab.py", "sub/ab.py"]),
}

#: The walk starts in ``sub`` of the repository, whose ignore files above it still apply.
SUB_CASES = {
    "double star below the root's own name": ({".gitignore": "sub/**/**\n"}, ["sub/a.py", "sub/d/b.py"]),
    "every file but directories re-included": ({".gitignore": "*\n!*/\n!*.py\n"}, ["sub/a.py", "sub/b.txt", "sub/d/c.py"]),
    "everything ignored but the root re-included": ({".gitignore": "*\n!sub/\n"}, ["sub/a.py", "sub/d/b.py"]),
    "a pattern in info/exclude": ({".git/info/exclude": "sub/d/\n"}, ["sub/a.py", "sub/d/b.py"]),
    "a middle .gitignore": ({"x/.gitignore": "*.txt\n"}, ["x/sub/a.py", "x/sub/b.txt"]),
}


def _git(tmp_path: Path, *args: str) -> bytes:
    """Run git with no configuration but the repository's (no GIT_DIR or global excludes from outside)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
           "LC_ALL": "C"}
    return subprocess.run(["git", *args], capture_output=True, check=True, env=env).stdout


def _compare(tmp_path: Path, ignore_files: dict[str, str], tree: list[str], start: str = ".") -> tuple[set[str], set[str]]:
    _git(tmp_path, "init", "-q", str(tmp_path))
    for rel, text in ignore_files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for rel in tree:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    root = tmp_path / start
    out = _git(tmp_path, "-C", str(root), "-c", "core.excludesFile=/dev/null", "ls-files", "--others",
               "--exclude-standard", "-z").decode()
    git = {p for p in out.split("\0") if p and not p.endswith(".gitignore")}
    ours = {p for p in walk_tree(root).files if not p.endswith(".gitignore")}
    return git, ours


@pytest.mark.parametrize("case", sorted(CASES))
def test_walk_lists_what_git_does_not_ignore(tmp_path: Path, case: str) -> None:
    git, ours = _compare(tmp_path, *CASES[case])
    assert ours == git


@pytest.mark.parametrize("case", sorted(SUB_CASES))
def test_walk_from_a_subdirectory_lists_what_git_does(tmp_path: Path, case: str) -> None:
    ignore_files, tree = SUB_CASES[case]
    start = "x/sub" if any(p.startswith("x/") for p in tree) else "sub"
    git, ours = _compare(tmp_path, ignore_files, tree, start)
    assert ours == git


def test_a_root_git_ignores_is_still_walked(tmp_path: Path) -> None:
    """Asked for by name, an ignored directory is linted (git would list nothing in it); the patterns
    below it still count."""
    git, ours = _compare(tmp_path, {".gitignore": "sub/\n*.txt\n"}, ["sub/a.py", "sub/b.txt"], "sub")
    assert git == set()
    assert ours == {"a.py"}


_PARTS = st.sampled_from(["a", "b", "sub", "deep"])
_PATHS = st.lists(_PARTS, min_size=1, max_size=3).map("/".join).map(lambda p: p + ".py")
_PATTERNS = st.builds(
    lambda neg, lead, body, tail: ("!" if neg else "") + ("/" if lead else "") + body + tail,
    st.booleans(), st.booleans(),
    st.sampled_from(["a", "b", "sub", "deep", "*.py", "a.py", "sub/deep", "sub/*", "**/deep", "sub/**", "*", "**/sub/**/", "**", "?",
                     "***", "[ab]", "[!a]*", "[[:lower:]]", "s[[:alpha:]]b", "[a-c].py", "sub\\/deep"]),
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
