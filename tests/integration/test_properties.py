"""Property-based tests: every parser of envlint takes arbitrary input without an exception escaping.

The contract of each parser (read from its module): bad input becomes an :class:`InputError` in
``Problems`` (EL001), a ``BuildProblem``, a skipped entry or an "unknown" value, never a traceback,
and one bad value never stops the rest of the file from being read. Inputs are generated two ways:
raw noise (random text and bytes) and near-valid documents assembled from the format's own pieces
(requirement strings with Debian and legacy versions, pip options, INI sections, TOML tables,
setup() calls, reader calls, MANIFEST.in commands, index pages), which reach deeper into each parser.

Examples are derandomized (the same ones every run, so the suite is deterministic); set
``ENVLINT_PROPERTY_EXPLORE=<factor>`` to draw fresh random examples, ``<factor>`` times as many.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies as st
from packaging.version import Version

from envlint.diagnostics import Problems
from envlint.facts.wheel_build import package_source
from envlint.facts.wheel_build.local_packages import analyse
from envlint.facts.code.data_reads import scan_bytes
from envlint.facts.environment import reader as environment
from envlint.facts.environment.import_map import from_environment
from envlint.facts.environment.inspect_report import python_version_of, read_report, report_markers
from envlint.facts.environment.locate import EnvLocation
from envlint.facts.environment.requirements_graph import applicable_requirements
from envlint.facts.formats import (environment_yml, ini as ini_doc, manifest_in, pyproject,
                                   requirements as requirements_file, setup_cfg, setup_py, toml as toml_doc)
from envlint.facts.project import index_config
from envlint.facts.project.declared import setup_py_requirements
from envlint.facts.target import Target
from envlint.index.client import parse_page
from envlint.index.metadata import build_requires_from_sdist, metadata_from_wheel, parse_metadata
from envlint.index.models import ProjectInfo, group_records

_EXPLORE = int(os.environ.get("ENVLINT_PROPERTY_EXPLORE", "0") or 0)

pytestmark = [
    # libcst evaluates string literals with ast.literal_eval, which warns about invalid escapes in generated code
    pytest.mark.filterwarnings("ignore:invalid (octal )?escape sequence:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"),
]


def bounded(examples: int) -> settings:
    return settings(max_examples=examples * max(1, _EXPLORE), deadline=None, derandomize=not _EXPLORE,
                    database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                          HealthCheck.filter_too_much, HealthCheck.data_too_large])


TARGET = Target()

# -- building blocks -------------------------------------------------------------------------------

#: Any text a file can hold once decoded (no lone surrogates: a decoded file never has them).
noise = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
one_line = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85"
                                 "\u2028\u2029"), max_size=40)
names = st.one_of(st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,8}", fullmatch=True),
                  st.sampled_from(["numpy", "pandas", "", "-", ".", "_", "a..b", "☃", "x y"]))
versions = st.one_of(
    st.sampled_from(["1.0", "1.2.3-1", "1.2.3-1ubuntu1", "2:1.2.3-1", "1.0-final-123-dev", "1.0.*", "", "1.0+local",
                     "v1", "1!2.0", "0.0.0.0.0.0.1", "1.0a1.post2.dev3", "☃", "99999999999999999999999999"]),
    st.from_regex(r"[0-9a-z.+!*:~-]{1,10}", fullmatch=True))
operators = st.sampled_from(["==", ">=", "<=", "~=", "!=", "===", ">", "<", "=", " ", "", "=>"])
markers = st.sampled_from(["", "; python_version < '3.8'", "; os_name == 'nt'", "; extra == 'x'", ";",
                           "; python_version <", "; foo == 'bar'", " ; sys_platform == \"linux\" and (", "; '1' == '1'",
                           "; python_version < 'abc'", "; platform_machine in 'x86_64 aarch64'"])
extras = st.sampled_from(["", "[a]", "[a,b]", "[", "[]", "[a b]", "[☃]"])
urls = st.sampled_from([
    "git+https://example.invalid/x.git#egg=x", "git+https://example.invalid/x.git@v1#egg=", "https://example.invalid/x-1.0.tar.gz",
    "file:///tmp/x", "file:///tmp/%00x", "./local", "../x", ".", "x.whl", "foo-1.0-py3-none-any.whl", "foo-1.0.tar.gz",
    "http://[::1/x", "http://[bad", "https://example.invalid/simple", "${HOME}/x", "C:\\x\\y.whl", "hg+ssh://h/x"])


@st.composite
def requirement_strings(draw: st.DrawFn) -> str:
    """Requirement strings as people write them, right and wrong."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(names) + draw(extras) + draw(operators) + draw(versions) + draw(markers)
    if kind == 1:
        return f"{draw(names)}{draw(extras)} @ {draw(urls)}{draw(markers)}"
    if kind == 2:
        spec = ",".join(draw(operators) + draw(versions) for _ in range(draw(st.integers(1, 3))))
        return f"{draw(names)} ({spec})" if draw(st.booleans()) else draw(names) + spec
    return draw(one_line)


OPTIONS = ["-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--no-index", "-r", "-c", "-e",
           "--editable", "--hash", "--pre", "--trusted-host", "-x", "--unknown", "--no-binary", "-rrequirements.txt",
           "--index-url=", "--requirement", "--constraint"]
REQUIREMENT_FILES = ["requirements.txt", "other.txt", "sub/nested.txt", "sub", "missing.txt", "fifo.txt",
                     "/nonexistent-envlint/abs.txt", "https://example.invalid/r.txt", "a\x00b.txt", "requirements.txt "]


@st.composite
def requirement_lines(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    if kind <= 1:
        line = draw(requirement_strings())
        if draw(st.booleans()):
            line += " --hash=sha256:" + draw(st.from_regex(r"[0-9a-f]{0,8}", fullmatch=True))
    elif kind == 2:
        option = draw(st.sampled_from(OPTIONS))
        value = draw(st.one_of(urls, st.sampled_from(REQUIREMENT_FILES), one_line, st.just("")))
        line = f"{option} {value}" if draw(st.booleans()) else f"{option}={value}"
    elif kind == 3:
        line = "# " + draw(one_line)
    elif kind == 4:
        line = draw(one_line)
    else:
        line = draw(requirement_strings()) + "  # " + draw(one_line)
    if draw(st.integers(0, 7)) == 0:
        line += " \\"  # a continuation, possibly at the end of the file
    indent = draw(st.sampled_from(["", "", "  ", "\t"]))
    return indent + line


def text_of(lines: list[str], newline: str = "\n") -> str:
    return newline.join(lines) + (newline if lines else "")


requirements_texts = st.one_of(
    st.builds(text_of, st.lists(requirement_lines(), max_size=12), st.sampled_from(["\n", "\r\n", "\r"])),
    noise)


def write(path: Path, content: str | bytes) -> Path:
    """Write ``content`` at ``path`` (replacing whatever was there: a file, a directory or a FIFO)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        import shutil

        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    if isinstance(content, str):
        content = content.encode("utf-8", errors="surrogatepass")
    path.write_bytes(content)
    return path


def assert_problems_name_files(problems: Problems, *paths: Path) -> None:
    """Every input error names one of the files that were read, with a sane line and a reason."""
    allowed = {str(p) for p in paths}
    for err in problems.errors:
        assert err.reason and isinstance(err.reason, str)
        assert err.line is None or err.line >= 1, err
        if allowed:
            assert err.path in allowed, err


# -- requirements files ----------------------------------------------------------------------------

@bounded(150)
@given(text=requirements_texts)
def test_requirements_text_never_raises_and_every_unparsed_requirement_is_an_input_error(text: str) -> None:
    path = Path("/nonexistent-envlint/requirements.txt")
    problems = Problems()
    result = requirements_file.parse_text(path, text, problems)
    assert_problems_name_files(problems, path)
    bad_lines = {e.line for e in problems.errors}
    physical = len(text.splitlines()) or 1
    for req in result.requirements:
        assert req.where.path == path and 1 <= (req.where.line or 0) <= physical
        if req.requirement is None and req.url is None and not req.editable:
            assert req.where.line in bad_lines, f"{req.raw!r} was dropped without an input error"
    for option in result.options:
        assert 1 <= (option.where.line or 0) <= physical


@bounded(40)
@given(files=st.dictionaries(st.sampled_from(["requirements.txt", "other.txt", "sub/nested.txt"]), requirements_texts,
                             min_size=1))
def test_nested_requirements_files_never_raise(tmp_path: Path, files: dict[str, str]) -> None:
    import shutil

    root = tmp_path / "req"
    shutil.rmtree(root, ignore_errors=True)
    for rel, text in files.items():
        write(root / rel, text)
    os.mkfifo(root / "fifo.txt")  # `-r fifo.txt` must never block the run
    problems = Problems()
    result = requirements_file.parse_files(sorted(root / rel for rel in files), problems, root)
    assert set(result.files) <= {root / rel for rel in files}


# -- INI: pip.conf and setup.cfg ----------------------------------------------------------------------

INI_SECTIONS = ["global", "install", "download", "metadata", "options", "options.extras_require",
                "options.packages.find", "options.package_data", "options.exclude_package_data", "options.entry_points",
                "weird", "", "a]b", "☃"]
INI_KEYS = ["index-url", "index_url", "extra-index-url", "--find-links", "find-links", "no-index", "name",
            "install_requires", "setup_requires", "packages", "py_modules", "package_dir", "include_package_data",
            "where", "include", "exclude", "*", "pkg", "extra", "", "a b", "key:colon", "key=eq", "%(x)s"]
INI_VALUES = st.one_of(requirement_strings(), urls, st.sampled_from(["find:", "find_namespace:", "true", "yes", "0",
                                                                     "=src", "pkg=src, =lib", "*.txt, data/*",
                                                                     "file: requirements.txt", "%(here)s"]), one_line)


@st.composite
def ini_texts(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(noise)
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["key = value", "orphan", "# comment"])))  # before any section
    for _ in range(draw(st.integers(0, 4))):
        lines.append(f"[{draw(st.sampled_from(INI_SECTIONS))}]")
        for _ in range(draw(st.integers(0, 4))):
            sep = draw(st.sampled_from([" = ", "=", ": ", " : "]))
            lines.append(draw(st.sampled_from(INI_KEYS)) + sep + draw(INI_VALUES))
            for _ in range(draw(st.integers(0, 3))):  # continuation lines
                lines.append(draw(st.sampled_from(["    ", "\t", " "])) + draw(INI_VALUES))
            if draw(st.integers(0, 5)) == 0:
                lines.append(draw(st.sampled_from(["", "; comment", "# comment", "junk line", "  ", "[unclosed"])))
    return text_of(lines)


@bounded(120)
@given(text=ini_texts())
def test_ini_parse_never_raises(text: str) -> None:
    parsed = ini_doc.parse(text)
    assert isinstance(parsed, (ini_doc.IniDoc, ini_doc.IniError))
    if isinstance(parsed, ini_doc.IniDoc):
        for value in parsed.values:
            assert value.line >= 1 and all(line >= value.line for line, _, _ in value.items)


@bounded(60)
@given(text=ini_texts())
def test_pip_config_and_setup_cfg_never_raise(tmp_path: Path, text: str) -> None:
    conf = write(tmp_path / "pip.conf", text)
    problems = Problems()
    settings_found = index_config.read_pip_config(conf, "pip user configuration", problems)
    assert_problems_name_files(problems, conf)
    if isinstance(ini_doc.parse(text), ini_doc.IniError):
        assert problems.errors and not settings_found
    cfg = write(tmp_path / "pkg" / "setup.cfg", text)
    problems = Problems()
    loaded = setup_cfg.load(cfg, problems)
    assert loaded is not None
    assert_problems_name_files(problems, cfg)
    _analyse_tree(tmp_path / "pkg")


# -- TOML: pyproject.toml and uv.toml -------------------------------------------------------------------

_BARE_KEY = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)
toml_scalars = st.one_of(st.booleans(), st.integers(-(2 ** 63), 2 ** 63 - 1), one_line, requirement_strings(), urls,
                         st.floats(allow_nan=False, allow_infinity=False))
toml_values = st.recursive(toml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.one_of(_BARE_KEY, one_line), inner, max_size=3)), max_leaves=5)


def table(keys: list[str], values: st.SearchStrategy[Any] = toml_values) -> st.SearchStrategy[Any]:
    """Mostly a table with some of ``keys`` (right or wrong value types), sometimes a value of the wrong kind."""
    return st.one_of(st.fixed_dictionaries({}, optional={k: values for k in keys}),
                     st.fixed_dictionaries({}, optional={k: values for k in keys}), toml_values)


requirement_lists = st.one_of(st.lists(requirement_strings(), max_size=5), toml_values)
pyproject_docs = st.fixed_dictionaries({}, optional={
    "build-system": table(["requires", "build-backend", "backend-path"], st.one_of(
        requirement_lists, st.sampled_from(["setuptools.build_meta", "hatchling.build", "maturin", "x:y", " "]))),
    "project": st.one_of(st.fixed_dictionaries({}, optional={
        "name": st.one_of(names, toml_values), "version": st.one_of(versions, toml_values),
        "dynamic": st.one_of(st.lists(st.sampled_from(["version", "dependencies", "readme"])), toml_values),
        "dependencies": requirement_lists,
        "optional-dependencies": st.one_of(st.dictionaries(_BARE_KEY, requirement_lists, max_size=3), toml_values),
        "requires-python": st.one_of(versions, toml_values)}), toml_values),
    "dependency-groups": st.one_of(st.dictionaries(_BARE_KEY, st.lists(st.one_of(
        requirement_strings(), st.fixed_dictionaries({"include-group": _BARE_KEY}), toml_values), max_size=3)),
        toml_values),
    "tool": st.fixed_dictionaries({}, optional={
        "poetry": table(["name", "dependencies", "dev-dependencies", "group", "source", "package-mode", "packages"], st.one_of(
            st.dictionaries(st.one_of(names, st.just("python")), st.one_of(versions, st.fixed_dictionaries({}, optional={
                "git": urls, "path": urls, "url": urls, "version": versions, "markers": markers}), toml_values),
                max_size=3),
            st.lists(st.fixed_dictionaries({}, optional={"name": names, "url": urls, "priority": one_line,
                                                         "default": st.booleans(), "secondary": st.booleans()}),
                     max_size=3), toml_values)),
        "uv": table(["index", "sources", "index-url", "extra-index-url", "find-links", "no-index", "pip"], st.one_of(
            st.lists(st.fixed_dictionaries({}, optional={"name": names, "url": urls, "default": st.booleans(),
                                                         "explicit": toml_values}), max_size=3),
            st.dictionaries(names, st.one_of(st.fixed_dictionaries({}, optional={
                "git": urls, "path": urls, "url": urls, "rev": one_line, "tag": one_line, "editable": toml_values}),
                toml_values), max_size=3), urls, st.lists(urls, max_size=3), toml_values)),
        "setuptools": table(["packages", "package-dir", "package-data", "include-package-data", "py-modules",
                             "dynamic", "exclude-package-data"]),
        "hatch": toml_values, "envlint": toml_values}),
    "index": st.lists(st.fixed_dictionaries({}, optional={"name": names, "url": urls}), max_size=2),
    "pip": table(["index-url", "extra-index-url", "find-links", "no-index"], st.one_of(urls, st.lists(urls), toml_values)),
})


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(key: str) -> str:
    import re

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_inline(v) for v in value) + "]"
    return "{" + ", ".join(f"{_toml_key(k)} = {_toml_inline(v)}" for k, v in value.items()) + "}"


def toml_dump(doc: dict[str, Any], headers: bool) -> str:
    """TOML for ``doc``: top-level tables as ``[headers]`` (and ``[a.b]`` one level down) or inline."""
    if not headers:
        return "".join(f"{_toml_key(k)} = {_toml_inline(v)}\n" for k, v in doc.items())
    plain = {k: v for k, v in doc.items() if not isinstance(v, dict)}
    out = [toml_dump(plain, False)]
    for key, value in doc.items():
        if not isinstance(value, dict):
            continue
        out.append(f"\n[{_toml_key(key)}]\n")
        out.append(toml_dump({k: v for k, v in value.items() if not isinstance(v, dict)}, False))
        for sub, inner in value.items():
            if isinstance(inner, dict):
                out.append(f"\n[{_toml_key(key)}.{_toml_key(sub)}]\n")
                out.append(toml_dump(inner, False))
    return "".join(out)


@st.composite
def toml_texts(draw: st.DrawFn, docs: st.SearchStrategy[dict[str, Any]] = pyproject_docs) -> str:
    text = toml_dump(draw(docs), draw(st.booleans()))
    mutation = draw(st.integers(0, 5))
    if mutation == 0 and text:  # a syntax error somewhere (or not)
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["[", "]", '"', "'''", "=", "\n[project\n", "\x00", "{", "\n=\n",
                                                 "\\", "\n[[tool.uv.index]]\n"])) + text[at:]
    elif mutation == 1:
        text = draw(noise)
    return text


@bounded(100)
@given(text=toml_texts())
def test_toml_doc_never_raises(text: str) -> None:
    parsed = toml_doc.parse(Path("pyproject.toml"), text)
    if isinstance(parsed, toml_doc.TomlError):
        return
    for key in list(parsed.keys)[:20]:
        assert 1 <= parsed.line_of(*key) <= len(parsed.lines)
    for value in _strings(parsed.data)[:10]:
        parsed.string_position(("project", "dependencies"), value)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@bounded(120)
@given(text=toml_texts())
def test_pyproject_never_raises_and_bad_toml_is_an_input_error(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "pkg" / "pyproject.toml", text)
    problems = Problems()
    loaded = pyproject.load(path, problems)
    assert loaded is not None
    assert_problems_name_files(problems, path)
    if loaded.doc is None:
        assert [e for e in problems.errors if "TOML" in e.reason or "UTF-8" in e.reason]
    for declared in loaded.requirements:
        _ = declared.name
    loaded.is_package  # noqa: B018 - properties read by rules
    uv = write(tmp_path / "uv.toml", text)
    problems = Problems()
    index_config.read_uv_config(uv, "the project's uv.toml", problems)
    assert_problems_name_files(problems, uv)


@bounded(25)
@given(text=toml_texts())
def test_a_local_package_with_any_pyproject_is_analysed_without_an_internal_error(tmp_path: Path, text: str) -> None:
    write(tmp_path / "pkg" / "pyproject.toml", text)
    _analyse_tree(tmp_path / "pkg")


environ_values = st.one_of(urls, one_line, st.lists(urls, max_size=3).map(" ".join), st.sampled_from(["1", "yes", ""]))


@bounded(40)
@given(env=st.dictionaries(st.sampled_from([
    "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX", "UV_INDEX", "UV_DEFAULT_INDEX",
    "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS", "UV_NO_INDEX", "UV_NO_CONFIG", "XDG_CONFIG_DIRS"]),
    environ_values, max_size=6), pip_conf=ini_texts(), uv_toml=toml_texts())
def test_every_pip_and_uv_layer_together_never_raises(tmp_path: Path, env: dict[str, str], pip_conf: str,
                                                      uv_toml: str) -> None:
    home = tmp_path / "home"
    write(home / ".config" / "pip" / "pip.conf", pip_conf)
    write(home / ".config" / "uv" / "uv.toml", uv_toml)
    write(tmp_path / "project" / "uv.toml", uv_toml)
    environ = {"HOME": str(home), **env}
    problems = Problems()
    index_config.collect(environ, tmp_path / "project", tmp_path / "venv", problems)
    assert_problems_name_files(problems)


# -- setup.py ------------------------------------------------------------------------------------------

python_strings = st.one_of(
    st.builds(repr, noise),
    st.sampled_from(['"\\N{NOPE}"', '"\\x"', "b'\\xff'", "u'x'", "ur'x'", 'f"{x}"', 'f"{"', '"""multi\nline"""',
                     "'unterminated", 'r"\\"', "'a' 'b'", "b'a' 'b'", '"\\777"', "'\\U0010ffff'", "'\\U00110000'"]))
python_literals = st.recursive(
    st.one_of(python_strings, st.integers().map(str), st.sampled_from(["None", "True", "1.5", "1e999", "0x", "NAME",
                                                                      "os.environ['X']", "...", "1j", "-1"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(inner, max_size=3).map(lambda xs: "(" + ", ".join(xs) + ",)"),
        st.lists(st.tuples(inner, inner), max_size=3).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
        st.lists(st.tuples(_BARE_KEY.filter(str.isidentifier), inner), max_size=3).map(
            lambda kv: "dict(" + ", ".join(f"{k}={v}" for k, v in kv) + ")"),
        st.tuples(inner, inner).map(lambda ab: f"{ab[0]} + {ab[1]}"),
        st.lists(inner, max_size=3).map(lambda xs: "find_packages(" + ", ".join(xs) + ")"),
        st.lists(inner, max_size=3).map(lambda xs: "find_namespace_packages(where=" + ", ".join(xs or ["1"]) + ")"),
        st.lists(inner, max_size=3).map(lambda xs: "Extension(" + ", ".join(xs) + ")"),
        st.lists(inner, max_size=2).map(lambda xs: "cythonize(" + ", ".join(xs) + ")"),
        inner.map(lambda x: f"*{x}"), inner.map(lambda x: f"**{x}"), inner.map(lambda x: f"[{x} for _ in ()]"),
    ), max_leaves=8)
SETUP_KEYWORDS = ["name", "version", "packages", "py_modules", "package_dir", "package_data", "include_package_data",
                  "install_requires", "extras_require", "setup_requires", "ext_modules", "exclude_package_data",
                  "cmdclass", "data_files", "scripts", "use_scm_version", "zip_safe", "x"]
SETUP_STATEMENTS = st.one_of(
    st.sampled_from(["from setuptools import setup, find_packages, Extension", "import setuptools",
                     "from distutils.core import setup", "import numpy as np", "from Cython.Build import cythonize",
                     "import versioneer", "from . import x", "from .. import *", "try:\n    import numpy\nexcept ImportError:\n    numpy = None",
                     "if sys.version_info < (3,):\n    print 'old'", "print \"python 2\"", "exec 'x = 1'",
                     "except Exception, e:\n    pass", "def f(:\n    pass", "class C:\n\tpass\n        x = 1",
                     "kw = {}", "kw['packages'] = ['a']", "REQS.append('numpy')", "x += ['b']", "x: list = []",
                     "with open('README') as f:\n    long = f.read()", "async def f(): await x",
                     "match x:\n    case 1:\n        import yaml", "\x00", "\ufeffimport os", "λ = 1", "if True:\npass",
                     "(" * 120 + ")" * 120, "[" * 300, "x = " + "-" * 2000 + "1", "lambda: (yield)"]),
    st.tuples(st.sampled_from(["REQS", "NAME", "kw", "packages", "x"]), python_literals).map(lambda t: f"{t[0]} = {t[1]}"),
    st.lists(st.tuples(st.sampled_from(SETUP_KEYWORDS), python_literals), max_size=6).map(
        lambda kws: "setup(" + ", ".join(f"{k}={v}" for k, v in kws) + ")"),
    st.lists(python_literals, max_size=3).map(lambda xs: "setuptools.setup(" + ", ".join(xs) + ")"),
)
setup_texts = st.one_of(st.lists(SETUP_STATEMENTS, max_size=8).map(lambda xs: "\n".join(xs) + "\n"), noise)


@bounded(120)
@given(text=setup_texts)
def test_setup_py_parse_never_raises(text: str) -> None:
    parsed = setup_py.parse(Path("setup.py"), text)
    if parsed.error is not None:
        message, line, column = parsed.error
        assert message and (line is None or line >= 1)
        return
    setup_py_requirements(parsed)
    parsed.is_build_script  # noqa: B018
    for name in parsed.keywords:
        parsed.value(name)
    setup_py.ast_imports(Path("versioneer.py"), text)


@bounded(50)
@given(data=st.one_of(st.binary(max_size=300), setup_texts.map(lambda t: t.encode("utf-8")),
                      setup_texts.map(lambda t: t.encode("latin-1", errors="replace"))))
def test_setup_py_bytes_through_the_package_source_never_raise(tmp_path: Path, data: bytes) -> None:
    setup = write(tmp_path / "pkg" / "setup.py", data)
    problems = Problems()
    source = package_source.load(tmp_path / "pkg", problems)
    assert_problems_name_files(problems, setup)
    if source.setup_py is not None and source.setup_py.error is not None:
        assert problems.errors, "a setup.py that does not parse must be an input error"
    _ = (source.name, source.name_where, source.canonical_name, source.is_package, source.family)
    _analyse_tree(tmp_path / "pkg")


def _analyse_tree(root: Path) -> None:
    """The project's local-package analysis over whatever build files ``root`` holds: no exception."""
    (root / "pkg").mkdir(parents=True, exist_ok=True)
    (root / "pkg" / "__init__.py").write_text("import pandas as pd\nDATA = pd.read_csv('data.csv')\n")
    problems = Problems()
    source = package_source.load(root, problems)
    analyse("project", root, None, source, None, TARGET, lambda: from_environment(None), problems)


# -- environment.yml -----------------------------------------------------------------------------------

@st.composite
def environment_yml_texts(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(noise)
    lines = [draw(st.sampled_from(["name: x", "channels:", "  - conda-forge", "dependencies:", "dependencies: []",
                                   "prefix: /x"])) for _ in range(draw(st.integers(0, 3)))]
    lines.append("dependencies:")
    for _ in range(draw(st.integers(0, 6))):
        indent = draw(st.sampled_from(["  ", "    ", "", "\t", "      "]))
        item = draw(st.one_of(st.sampled_from(["pip:", "pip :", "python=3.11", "- pip:", "pip: [numpy]", "'pip:'"]),
                              requirement_lines(), st.builds(repr, requirement_strings())))
        lines.append(f"{indent}- {item}" if draw(st.integers(0, 4)) else f"{indent}{item}")
    return text_of(lines)


@bounded(80)
@given(text=environment_yml_texts())
def test_environment_yml_never_raises(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "environment.yml", text)
    problems = Problems()
    result = environment_yml.parse(path, problems)
    assert result is not None
    for req in result.requirements:
        assert req.where.line is None or 1 <= req.where.line <= max(1, len(text.splitlines()))


# -- pip inspect reports ---------------------------------------------------------------------------------

json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), noise),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(one_line, inner, max_size=4)), max_leaves=10)
direct_urls = st.one_of(json_values, st.fixed_dictionaries({"url": st.one_of(urls, json_values)}, optional={
    "dir_info": st.one_of(st.fixed_dictionaries({}, optional={"editable": json_values}), json_values),
    "vcs_info": st.one_of(st.fixed_dictionaries({"vcs": st.just("git"), "commit_id": one_line}), json_values),
    "archive_info": json_values}))
installed_items = st.one_of(json_values, st.fixed_dictionaries({"metadata": st.one_of(json_values, st.fixed_dictionaries(
    {"name": st.one_of(names, json_values), "version": st.one_of(versions, json_values)}, optional={
        "requires_dist": st.one_of(st.lists(requirement_strings(), max_size=4), json_values),
        "provides_extra": st.one_of(st.lists(names, max_size=3), json_values),
        "requires_python": st.one_of(versions.map(lambda v: ">=" + v), json_values)}))}, optional={
    "direct_url": direct_urls, "metadata_location": st.one_of(urls, json_values), "installer": json_values,
    "requested": json_values}))
inspect_reports = st.one_of(json_values, st.fixed_dictionaries({"installed": st.one_of(
    st.lists(installed_items, max_size=5), json_values)}, optional={
    "environment": st.one_of(st.dictionaries(st.sampled_from(["python_version", "python_full_version", "sys_platform",
                                                              "platform_machine"]), json_values), json_values),
    "version": json_values}))


@bounded(100)
@given(report=inspect_reports)
def test_inspect_report_never_raises_beyond_fact_unavailable(tmp_path: Path, report: Any) -> None:
    from envlint.facts import FactUnavailable

    path = tmp_path / "inspect.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    problems = Problems()
    try:
        env = read_report(EnvLocation("inspect", path, "--inspect"), problems)
    except FactUnavailable:
        return
    assert_problems_name_files(problems, path)
    python_version_of(path)
    report_markers(path)
    _use_environment(env, tmp_path)


def _use_environment(env: environment.Environment, root: Path) -> None:
    """What rules and the project fact do with every distribution: none of it may raise."""
    for dist in env.distributions:
        _ = (dist.url, dist.vcs_info, dist.archive_info, dist.dir_info, dist.is_local_directory,
             dist.is_direct_reference, dist.built_locally, dist.platform_tags)
    list(applicable_requirements(env, TARGET))
    from envlint.facts.wheel_build.local_packages import discover

    discover(root, package_source.PackageSource(root), env)


# -- installed METADATA / WHEEL / RECORD / direct_url.json ------------------------------------------------

@st.composite
def metadata_texts(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(noise)
    fields = [("Metadata-Version", draw(st.sampled_from(["2.1", "2.4", "x", ""])))]
    if draw(st.integers(0, 5)):
        fields.append(("Name", draw(names)))
    if draw(st.integers(0, 5)):
        fields.append(("Version", draw(versions)))
    for _ in range(draw(st.integers(0, 4))):
        fields.append((draw(st.sampled_from(["Requires-Dist", "Provides-Extra", "Requires-Python", "Dynamic", "X",
                                              "requires-dist", " Name", "Name "])),
                       draw(st.one_of(requirement_strings(), versions, one_line))))
    lines = [f"{k}: {v}" if draw(st.integers(0, 6)) else f"{k}{v}" for k, v in fields]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(["  continued", "\tmore", "", "junk"])))
    return text_of(lines) + draw(st.sampled_from(["", "\nlong description\nName: not-a-header\n"]))


record_texts = st.one_of(noise, st.lists(st.one_of(
    st.tuples(st.sampled_from(["x/__init__.py", "x/_c.so", "x/_c.cpython-311-x86_64-linux-gnu.so", "lib.so.1", ""]),
              st.sampled_from(["sha256=abc", "", "md5"]), st.sampled_from(["1", "", "x"])).map(",".join),
    st.sampled_from(['"unterminated', "a,b", "a,b,c,d", ",,", "\x00", '"a""b",x,1']), one_line), max_size=6).map(text_of))
wheel_texts = st.one_of(noise, st.lists(st.sampled_from(["Wheel-Version: 1.0", "Root-Is-Purelib: true",
                                                         "Root-Is-Purelib: nope", "Tag: py3-none-any",
                                                         "Tag: cp311-cp311-linux_x86_64", "Tag: x", "Tag:", "Tag: a-b-c-d",
                                                         "Generator: x", "junk"]), max_size=5).map(text_of))


def _as_bytes(text_or_bytes: str | bytes) -> bytes:
    return text_or_bytes if isinstance(text_or_bytes, bytes) else text_or_bytes.encode("utf-8")


@bounded(100)
@given(kind=st.sampled_from(["dist-info", "egg-info"]),
       metadata=st.one_of(metadata_texts(), st.binary(max_size=100)),
       wheel=st.one_of(st.none(), wheel_texts), record=st.one_of(st.none(), record_texts, st.binary(max_size=60)),
       direct_url=st.one_of(st.none(), direct_urls.map(json.dumps), noise),
       installer=st.one_of(st.none(), noise), requires_txt=st.one_of(st.none(), st.builds(
           text_of, st.lists(st.one_of(requirement_strings(), st.sampled_from(["[extra]", "[:python_version<'3'", "[x:os_name=='nt']", "[]"])), max_size=5))),
       conda=st.one_of(st.none(), json_values.map(json.dumps), st.fixed_dictionaries({
           "name": json_values, "version": json_values, "files": st.one_of(st.lists(st.sampled_from([
               "lib/python3.11/site-packages/x-1.0.dist-info/RECORD", "x.egg-info", 1]), max_size=3), json_values)}).map(json.dumps)))
def test_installed_metadata_files_never_raise(tmp_path: Path, kind: str, metadata: str | bytes, wheel: str | None,
                                              record: str | bytes | None, direct_url: str | None, installer: str | None,
                                              requires_txt: str | None, conda: str | None) -> None:
    import shutil

    prefix = tmp_path / "env"
    shutil.rmtree(prefix, ignore_errors=True)
    site = prefix / "lib" / "python3.11" / "site-packages"
    meta_dir = site / f"x-1.0.{kind}"
    write(meta_dir / ("METADATA" if kind == "dist-info" else "PKG-INFO"), _as_bytes(metadata))
    for name, content in (("WHEEL", wheel), ("RECORD", record), ("direct_url.json", direct_url),
                          ("INSTALLER", installer), ("requires.txt", requires_txt)):
        if content is not None:
            write(meta_dir / name, _as_bytes(content))
    owners = {}
    problems = Problems()
    if conda is not None:
        write(prefix / "conda-meta" / "x-1.0-0.json", conda)
        owners = environment._conda_owners(prefix, problems)
    dist = environment.read_distribution(meta_dir, kind, site, [site.resolve()], owners, prefix, problems)
    for err in problems.errors:
        assert Path(err.path).is_relative_to(prefix) and err.reason
    if dist is not None:
        location = EnvLocation("venv", prefix, "--prefix", (3, 11, 7), (site,))
        _use_environment(environment.Environment(location, (dist,)), tmp_path)


@bounded(100)
@given(text=st.one_of(metadata_texts(), noise))
def test_metadata_header_helpers_never_raise(text: str) -> None:
    headers = environment.parse_headers(text)
    for name in ("Name", "Version", "Requires-Dist", "Provides-Extra", "Requires-Python"):
        headers.get(name), headers.get_all(name)
    environment._parse_wheel(text)
    environment._parse_record(text, Path("RECORD"), Problems(), "x")
    environment._egg_requires(text)
    problems = Problems()
    environment.check_requires_python(text, Path("METADATA"), problems, "x")
    for raw in headers.get_all("Requires-Dist") or []:
        try:
            environment.parse_requirement(raw)
        except environment.InvalidRequirement:
            pass


# -- data reads (DAT001/DAT002 scanner) -------------------------------------------------------------------

path_expressions = st.one_of(
    python_strings, st.sampled_from([
        'f"data/{x}.csv"', 'f"{x}"', '"data/" + name', 'os.path.join("data", "x.csv")', 'os.path.join(BASE, *parts)',
        'Path("data") / "x.csv"', 'Path(__file__).parent / "x.csv"', 'DATA', 'sys.argv[1]', 'os.environ["X"]',
        '"s3://bucket/x.csv"', '"/etc/passwd"', '"~/x.csv"', '"C:\\\\x.csv"', '"data/*.csv"', '"-"', '":memory:"',
        'str(Path("a"))', '"a".format(1)', '"%s.csv" % name', 'path=__file__', '*args', '**kw', '"data/[red]oops[/].csv"',
        '"\\x1b[31mred.csv"', 'Path("a").joinpath("b", "c")', '(lambda: "x.csv")()', '"x" if a else "y"']))
READERS = ["open", "pd.read_csv", "pd.read_parquet", "np.load", "Path", "io.open", "joblib.load", "torch.load",
           "xr.open_dataset", "dd.read_csv", "sqlite3.connect", "h5py.File", "Image.open", "json.load", "pl.scan_csv"]
reader_lines = st.one_of(
    st.tuples(st.sampled_from(READERS), st.lists(path_expressions, max_size=3),
              st.sampled_from(["", ', "r"', ', "w"', ', mode="rb"', ", mode=m", ", encoding='utf-8'"]),
              st.sampled_from(["", ".read()", ".read_text()", ".open()", ".read_bytes()", ".head()"])).map(
        lambda t: f"{t[0]}({', '.join(t[1])}{t[2]}){t[3]}"),
    st.tuples(st.sampled_from(["DATA", "BASE", "name", "x", "parts", "m"]), path_expressions).map(lambda t: f"{t[0]} = {t[1]}"),
    st.sampled_from(["import pandas as pd", "import numpy as np", "from pathlib import Path", "import os", "import os.path",
                     "import dask.dataframe as dd", "import polars as pl", "from PIL import Image", "import xarray as xr",
                     "from pandas import *", "import json", "import io", "import sys", "global DATA", "del DATA",
                     "def f(DATA='x.csv'):", "class K:", "with open('a') as fh:", "try:", "except:", "for x in y:",
                     "if __name__ == '__main__':", "match x:", "    case 'a':", "async def g():", "    pass", "\x00",
                     "print 'py2'", "x = (", "    " * 30 + "pass", "f(" * 200, "[" * 40 + "]" * 40, "lambda: (yield)"]),
)


@st.composite
def python_sources(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=400))
    lines = []
    for _ in range(draw(st.integers(1, 10))):
        indent = draw(st.sampled_from(["", "", "    ", "        ", "\t"]))
        lines.append(indent + draw(reader_lines))
    data = "\n".join(lines).encode("utf-8")
    if draw(st.integers(0, 6)) == 0:  # a byte that is not UTF-8, or a coding cookie
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xe9", b"\xff\xfe", b"# -*- coding: latin-1 -*-\n", b"\xef\xbb\xbf",
                                                 b"# coding: nope\n"])) + data[at:]
    return data


def _check_scan(result: Any) -> None:
    assert set(result) >= {"reads", "error"}
    if result["error"] is not None:
        reason, line, column, *cell = result["error"]
        assert isinstance(reason, str) and reason and len(cell) <= 1
    for line, column, call, target, kind, cell, where, info in result["reads"]:
        assert kind in ("relative", "absolute") and isinstance(call, str) and isinstance(target, str)
        assert where in ("workers", "local", "unknown") and isinstance(info, dict)
        assert line is None or line >= 1


@bounded(250)
@given(data=python_sources())
def test_data_read_scanner_never_raises(data: bytes) -> None:
    _check_scan(scan_bytes("module.py", data))


notebooks = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.lists(st.one_of(json_values, st.fixed_dictionaries({"cell_type": st.sampled_from(["code", "markdown", "raw", 1]),
                                                          "source": st.one_of(python_sources().map(
                                                              lambda b: b.decode("utf-8", errors="replace")),
                                                              python_sources().map(lambda b: b.decode("utf-8", errors="replace").splitlines(True)),
                                                              json_values)})), max_size=4).map(
        lambda cells: json.dumps({"cells": cells, "nbformat": 4}).encode()),
    st.binary(max_size=100).map(lambda b: b"(" + b))


@bounded(80)
@given(data=notebooks)
def test_notebook_scanner_never_raises(data: bytes) -> None:
    _check_scan(scan_bytes("analysis.ipynb", data))


# -- MANIFEST.in -----------------------------------------------------------------------------------------

manifest_patterns = st.one_of(st.from_regex(r"[a-z*?\[\]!\\/.^$(){}|+-]{1,8}", fullmatch=True),
                              st.sampled_from(["[z-a].txt", "[]", "[!]", "**", "**/", "[[:alpha:]]", "*.txt", "../x",
                                               "/abs", "\\", "(?P<x>", "[\\]", "a[b-]", "[^x]"]))
manifest_texts = st.one_of(noise, st.lists(st.tuples(
    st.sampled_from(["include", "exclude", "recursive-include", "recursive-exclude", "global-include", "global-exclude",
                     "graft", "prune", "bogus", ""]), st.lists(manifest_patterns, max_size=3)).map(
    lambda t: " ".join([t[0], *t[1]])), max_size=6).map(text_of))
file_lists = st.lists(st.from_regex(r"[a-z]{1,3}(/[a-z*\[\]]{1,3}){0,3}\.(py|txt|csv)", fullmatch=True), max_size=8)


@bounded(150)
@given(text=manifest_texts, files=file_lists)
def test_manifest_in_never_raises(text: str, files: list[str]) -> None:
    assert manifest_in.evaluate(text, files) <= set(files)


@bounded(20)
@given(text=manifest_texts)
def test_a_local_package_with_any_manifest_in_is_analysed_without_an_internal_error(tmp_path: Path, text: str) -> None:
    root = tmp_path / "pkg"
    write(root / "setup.py", "from setuptools import setup\nsetup(name='pkg', packages=['pkg'], include_package_data=True)\n")
    write(root / "MANIFEST.in", text)
    write(root / "pkg" / "data.csv", "a\n")
    _analyse_tree(root)


# -- index pages and index files ---------------------------------------------------------------------------

FILENAMES = ["x-1.0-py3-none-any.whl", "x-1.0.tar.gz", "x-1.0.zip", "x-2.0-cp311-cp311-manylinux_2_17_x86_64.whl",
             "x-1.0-1-py3-none-any.whl", "x-1.0-py3-none-any", "x-bad-version.tar.gz", "x-1.0.egg", "x.whl",
             "x-1.0-py3-none-any.whl.metadata", "x-1.0-py3-none-any-extra.whl", "x-1.0-☃-none-any.whl", "-.tar.gz",
             "x-1.0-py3-none-linux_x86_64.whl", "x-1.0.0-py3-none-any.whl", "x-1.0.post1.tar.gz", "x-1.0a1.zip"]
file_records = st.one_of(json_values, st.fixed_dictionaries({"filename": st.one_of(st.sampled_from(FILENAMES), json_values),
                                                             "url": st.one_of(urls, json_values)}, optional={
    "hashes": st.one_of(st.dictionaries(st.sampled_from(["sha256", "md5", "nope"]), st.one_of(one_line, json_values)), json_values),
    "requires-python": st.one_of(versions.map(lambda v: ">=" + v), json_values),
    "yanked": json_values, "core-metadata": json_values, "dist-info-metadata": json_values, "size": json_values}))
json_pages = st.one_of(json_values, st.fixed_dictionaries({
    "meta": st.one_of(st.fixed_dictionaries({"api-version": st.one_of(st.sampled_from(["1.0", "1.1", "2.0", "1.x"]), json_values)}),
                      json_values),
    "files": st.one_of(st.lists(file_records, max_size=6), json_values)}, optional={
    "versions": st.one_of(st.lists(versions, max_size=3), json_values), "name": json_values})).map(json.dumps)


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    anchors = []
    for _ in range(draw(st.integers(0, 5))):
        attrs = [f'href="{draw(st.one_of(urls, st.sampled_from(FILENAMES), one_line))}"']
        for attr in ("data-requires-python", "data-yanked", "data-dist-info-metadata", "data-core-metadata"):
            if draw(st.booleans()):
                attrs.append(f'{attr}="{draw(st.one_of(one_line, versions))}"')
        anchors.append(f"<a {' '.join(attrs)}>{draw(st.one_of(st.sampled_from(FILENAMES), one_line))}</a>")
    head = draw(st.sampled_from(["", '<meta name="pypi:repository-version" content="1.0">',
                                 '<meta name="pypi:repository-version" content="9.0">',
                                 '<meta name="pypi:repository-version" content="x">']))
    return f"<!DOCTYPE html><html><head>{head}</head><body>{''.join(anchors)}{draw(noise)}</body></html>"


def _response(body: bytes, content_type: str) -> requests.Response:
    r = requests.Response()
    r.status_code = 200
    r._content = body  # a real Response holding a body, as requests builds it after reading the socket
    r.headers["content-type"] = content_type
    r.url = "http://127.0.0.1:9/simple/x/"
    r.encoding = None
    return r


@bounded(150)
@given(body=st.one_of(json_pages.map(str.encode), html_pages().map(str.encode), st.binary(max_size=100)),
       content_type=st.sampled_from(["application/vnd.pypi.simple.v1+json", "text/html", "application/vnd.pypi.simple.v1+html",
                                     "text/html; charset=latin-1", "application/json", "", ";;", "text/plain"]))
def test_index_page_parsing_feeds_only_what_the_rules_can_use(body: bytes, content_type: str) -> None:
    try:
        records, versions_list = parse_page("x", _response(body, content_type))
    except Exception:  # the client turns any error of parse_page into a "malformed response" failure
        return
    info = ProjectInfo("x", True, records, versions=versions_list, base_url="http://127.0.0.1:9/simple/x/")
    _use_page(info)
    grouped = {k: (text, __import__("marshal").dumps(v)) for k, (text, v) in group_records(records).items()}
    _use_page(ProjectInfo("x", True, grouped, base_url="http://127.0.0.1:9/simple/x/"))


def _use_page(info: ProjectInfo) -> None:
    """What BLD003, PLT002, SRC003 and the resolver ask of a page."""
    for version in (*info.all_versions, "1.0", Version("2.0"), "not a version"):
        availability = info.availability(version, TARGET)
        _ = (availability.yanked, availability.yanked_reason)
        for file in info.files_for(version):
            _ = (file.is_platform_specific, file.accepts_python(TARGET), file.installs_on(TARGET))
    info.newest_with_wheel(TARGET)
    info.newest_with_wheel(TARGET, include_prereleases=True)
    info.files  # noqa: B018


@bounded(80)
@given(text=st.one_of(metadata_texts(), noise), wrap=st.sampled_from(["text", "wheel", "bad-zip"]))
def test_index_metadata_never_raises(text: str, wrap: str) -> None:
    if wrap == "text":
        parse_metadata(text)
        return
    buffer = io.BytesIO()
    if wrap == "wheel":
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("x-1.0.dist-info/METADATA", text.encode("utf-8"))
        metadata_from_wheel(buffer.getvalue())
    else:
        metadata_from_wheel(text.encode("utf-8")[:50])


@bounded(60)
@given(pyproject_text=st.one_of(st.none(), toml_texts()), fmt=st.sampled_from([".tar.gz", ".zip", ".tar.gz-truncated"]),
       member=st.sampled_from(["x-1.0/pyproject.toml", "pyproject.toml", "x-1.0/sub/pyproject.toml", "./x-1.0/pyproject.toml"]))
def test_sdist_build_requirements_never_raise(pyproject_text: str | None, fmt: str, member: str) -> None:
    buffer = io.BytesIO()
    files = {"x-1.0/PKG-INFO": b"Name: x\nVersion: 1.0\n"}
    if pyproject_text is not None:
        files[member] = pyproject_text.encode("utf-8")
    if fmt == ".zip":
        with zipfile.ZipFile(buffer, "w") as zf:
            for name, data in files.items():
                zf.writestr(name, data)
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as tf:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
    data = buffer.getvalue()
    if fmt.endswith("truncated"):
        data = data[: len(data) // 2]
    result = build_requires_from_sdist(data, "x-1.0" + fmt.removesuffix("-truncated"))
    assert result is None or isinstance(result, tuple)


# -- the whole CLI, a few times ---------------------------------------------------------------------------

@bounded(8)
@given(pyproject_text=toml_texts(), requirements=requirements_texts, setup=setup_texts, setup_cfg_text=ini_texts(),
       module=python_sources(), manifest=manifest_texts, env_yml=environment_yml_texts())
def test_the_cli_reports_every_hostile_tree_and_keeps_the_known_finding(
        tmp_path: Path, pyproject_text: str, requirements: str, setup: str, setup_cfg_text: str, module: bytes,
        manifest: str, env_yml: str) -> None:
    import shutil

    from tests.helpers.support import clean_environ, run_json

    root = tmp_path / "tree"
    shutil.rmtree(root, ignore_errors=True)
    for rel, content in (("pyproject.toml", pyproject_text), ("requirements.txt", requirements), ("setup.py", setup),
                         ("setup.cfg", setup_cfg_text), ("pkg/module.py", module), ("MANIFEST.in", manifest),
                         ("environment.yml", env_yml), ("pkg/__init__.py", ""),
                         ("analysis.py", 'import dask.dataframe as dd\ndf = dd.read_csv("local_data.csv")\n')):
        write(root / rel, content)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    code, report = run_json(root, "--isolated", "--no-env", "--offline", "--cache-dir", tmp_path / "cache",
                            "--select", "EL001,BLD,DAT,SRC001,SRC002,LOC001,PIN001",
                            env=clean_environ(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config")))
    assert code in (0, 1)
    assert ("analysis.py", 2) in {(d["path"], d["line"]) for d in report["diagnostics"] if d["code"] == "DAT001"}
    assert not [s for s in report["skipped"] if "internal error" in s["reason"]], report["skipped"]


def _cli(root: Path, tmp_path: Path, *args: str | Path) -> dict:
    from tests.helpers.support import clean_environ, run_json

    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    code, report = run_json(root, "--isolated", "--offline", "--cache-dir", tmp_path / "cache", *args,
                            env=clean_environ(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config")))
    assert code in (0, 1)
    assert not [s for s in report["skipped"] if "internal error" in s["reason"]], report["skipped"]
    return report


@bounded(10)
@given(report=inspect_reports, extra=st.lists(installed_items, max_size=3))
def test_every_environment_rule_takes_any_pip_inspect_report(tmp_path: Path, report: Any, extra: list[Any]) -> None:
    # a known finding next to the generated distributions: distributed wants another dask than the installed one
    known = [{"metadata": {"name": "dask", "version": "2022.1.0"}},
             {"metadata": {"name": "distributed", "version": "2022.5.1", "requires_dist": ["dask==2022.05.1"]}}]
    if isinstance(report, dict) and isinstance(report.get("installed"), list):
        report = {**report, "installed": [*known, *report["installed"], *extra]}
    path = tmp_path / "inspect.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    (tmp_path / "project").mkdir(exist_ok=True)
    result = _cli(tmp_path / "project", tmp_path, "--inspect", path, "--ignore", "PIN003")
    if isinstance(report, dict) and isinstance(report.get("installed"), list):
        assert ("dask", "distributed") in {(d["package"], d["message"].split(" ", 1)[0]) for d in result["diagnostics"]
                                           if d["code"] == "PIN001"}


@bounded(10)
@given(metadata=metadata_texts(), wheel=wheel_texts, record=record_texts, direct_url=direct_urls.map(json.dumps))
def test_every_environment_rule_takes_any_installed_metadata(tmp_path: Path, metadata: str, wheel: str, record: str,
                                                             direct_url: str) -> None:
    import shutil

    prefix = tmp_path / "venv"
    shutil.rmtree(prefix, ignore_errors=True)
    site = prefix / "lib" / "python3.11" / "site-packages"
    write(prefix / "pyvenv.cfg", "home = /nonexistent-envlint/bin\nversion = 3.11.7\n")
    for name, content in (("METADATA", metadata), ("WHEEL", wheel), ("RECORD", record), ("direct_url.json", direct_url),
                          ("INSTALLER", "pip\n")):
        write(site / "hostile-1.0.dist-info" / name, content)
    write(site / "dask-2022.1.0.dist-info" / "METADATA", "Metadata-Version: 2.1\nName: dask\nVersion: 2022.1.0\n")
    write(site / "distributed-2022.5.1.dist-info" / "METADATA",
          "Metadata-Version: 2.1\nName: distributed\nVersion: 2022.5.1\nRequires-Dist: dask==2022.05.1\n")
    (tmp_path / "project").mkdir(exist_ok=True)
    result = _cli(tmp_path / "project", tmp_path, "--prefix", prefix, "--ignore", "PIN003")
    assert ("dask", "distributed") in {(d["package"], d["message"].split(" ", 1)[0]) for d in result["diagnostics"]
                                       if d["code"] == "PIN001"}


# -- nesting thousands deep (no generator reaches it; each parser's recursion must stay inside it) ----------

DEEP_JSON = "[" * 50_000 + "]" * 50_000
DEEP_TOML = "a = " + "[" * 50_000 + "]" * 50_000 + "\n"


def _deep_sdist() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tf:
        data = ("[build-system]\nrequires = " + DEEP_TOML[4:]).encode()
        info = tarfile.TarInfo("x-1.0/pyproject.toml")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_documents_nested_thousands_deep_are_input_errors(tmp_path: Path) -> None:
    from envlint.config import find_config_file
    from envlint.facts import FactUnavailable

    problems = Problems()
    assert isinstance(toml_doc.parse(Path("pyproject.toml"), DEEP_TOML), toml_doc.TomlError)
    path = write(tmp_path / "project" / "pyproject.toml", DEEP_TOML)
    assert pyproject.load(path, problems).doc is None
    assert find_config_file(tmp_path / "project") is None  # a broken pyproject.toml without [tool.envlint]
    index_config.read_uv_config(write(tmp_path / "uv.toml", DEEP_TOML), "uv", problems)
    assert build_requires_from_sdist(_deep_sdist(), "x-1.0.tar.gz") is None
    report = write(tmp_path / "inspect.json", '{"installed": ' + DEEP_JSON + "}")
    try:
        read_report(EnvLocation("inspect", report, "--inspect"), problems)
        raise AssertionError("a report nested too deeply is no report")
    except FactUnavailable:
        pass
    site = tmp_path / "site"
    write(site / "x-1.0.dist-info" / "METADATA", "Metadata-Version: 2.1\nName: x\nVersion: 1.0\n")
    write(site / "x-1.0.dist-info" / "direct_url.json", DEEP_JSON)
    write(tmp_path / "conda-meta" / "x-1.0-0.json", DEEP_JSON)
    environment._conda_owners(tmp_path, problems)
    dist = environment.read_distribution(site / "x-1.0.dist-info", "dist-info", site, [site], {}, tmp_path, problems)
    assert dist is not None and dist.direct_url is None
    _check_scan(scan_bytes("deep.ipynb", ('{"cells": ' + DEEP_JSON + ', "x": "("}').encode()))
    _check_scan(scan_bytes("deep.py", b"import pandas as pd\npd.read_csv(" + b"-" * 50_000 + b"1)\n"))
    reasons = [e.reason for e in problems.errors]
    assert sum("nested too deeply" in r for r in reasons) == 2  # pyproject.toml, uv.toml
    assert sum("recursion" in r for r in reasons) == 2  # direct_url.json, the conda-meta record
