"""The requirements-file parser against the cases of the shared notes (environment-facts.md §6).

pip-requirements-parser handled every case there; requirements-parser lost markers and ``pkg @ url``
and failed on a ``\\`` continuation. Ours must give the same requirements and options, plus the
exact line and column of each one, nested files included.
"""

from __future__ import annotations

from pathlib import Path

from envlint.diagnostics import Problems
from envlint.facts.formats.requirements import parse_files

MAIN = """-r base.txt
-c constraints.txt
--index-url https://mirror.example.invalid/simple
--extra-index-url=https://extra.example.invalid/simple
--find-links ./wheels
--trusted-host mirror.example.invalid
--only-binary numpy
--pre
-e git+https://example.invalid/org/repo.git@v1.0#egg=mypkg
-e ./local/path
./dist/thing-1.0-py3-none-any.whl
requests[security]>=2.0; python_version >= "3.8"  # inline comment
numpy==1.26.4 --hash=sha256:0123456789abcdef
torch==2.1.0+cpu
pkg @ https://example.invalid/pkg-1.0.tar.gz
pandas>=2,\\
    <3
"""


def test_the_shared_notes_requirements_file(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(MAIN)
    (tmp_path / "base.txt").write_text("six>=1.16\n")
    (tmp_path / "constraints.txt").write_text("# pins\nnumpy<2\n")
    problems = Problems()
    parsed = parse_files([tmp_path / "requirements.txt"], problems, tmp_path)
    assert problems.errors == []
    rows = [(r.where.path.name, r.where.line, r.where.column, r.name, str(r.requirement.specifier) if r.requirement else None,
             r.editable, r.url, r.constraint) for r in parsed.requirements]
    assert rows == [
        ("base.txt", 1, 1, "six", ">=1.16", False, None, False),
        ("constraints.txt", 2, 1, "numpy", "<2", False, None, True),
        ("requirements.txt", 9, 4, "mypkg", "", True, "git+https://example.invalid/org/repo.git@v1.0#egg=mypkg", False),
        ("requirements.txt", 10, 4, None, None, True, "./local/path", False),
        ("requirements.txt", 11, 1, "thing", "", False, "./dist/thing-1.0-py3-none-any.whl", False),
        ("requirements.txt", 12, 1, "requests", ">=2.0", False, None, False),
        ("requirements.txt", 13, 1, "numpy", "==1.26.4", False, None, False),
        ("requirements.txt", 14, 1, "torch", "==2.1.0+cpu", False, None, False),
        ("requirements.txt", 15, 1, "pkg", "", False, "https://example.invalid/pkg-1.0.tar.gz", False),
        ("requirements.txt", 16, 1, "pandas", "<3,>=2", False, None, False),
    ]
    requests = parsed.requirements[5].requirement
    assert requests is not None and requests.extras == {"security"} and str(requests.marker) == 'python_version >= "3.8"'
    options = [(o.name, o.value, o.where.line) for o in parsed.options]
    assert options == [
        ("index-url", "https://mirror.example.invalid/simple", 3),
        ("extra-index-url", "https://extra.example.invalid/simple", 4),
        ("find-links", "./wheels", 5),
        ("trusted-host", "mirror.example.invalid", 6),
        ("only-binary", "numpy", 7),
        ("pre", None, 8),
    ]
    assert [p.name for p in parsed.files] == ["requirements.txt", "base.txt", "constraints.txt"]


def test_bad_lines_are_input_errors_with_their_position(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "numpy\n  foo>=1.0.*\n--no-such-option x\n-r missing.txt\n-r requirements.txt\n")
    problems = Problems()
    parsed = parse_files([tmp_path / "requirements.txt"], problems, tmp_path)
    assert [(e.line, e.column, e.reason.split(":")[0]) for e in problems.errors] == [
        (2, 3, "invalid requirement 'foo>=1.0.*'"),
        (3, 1, "unknown requirements-file option '--no-such-option'"),
        (4, 1, "requirements file 'missing.txt' does not exist"),
    ]
    assert [r.name for r in parsed.requirements] == ["numpy", None]  # the cycle back to itself is read once
