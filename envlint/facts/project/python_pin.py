"""Which Python the project says it runs on, when no environment fixes the target Python.

Read from the project's own files, in this order (the first that names a CPython version wins):

1. ``environment.yml``/``environment.yaml``: the ``python`` item of ``dependencies``
   (``python=3.8``, ``python==3.8.10``, ``conda-forge::python>=3.9``, ``python 3.10.*``);
2. ``.python-version`` (what uv, pyenv and rye install): its first version line;
3. Poetry's ``[tool.poetry.dependencies] python`` (``^3.9``, ``~3.10``, ``>=3.8,<3.12``);
4. ``[project] requires-python`` (else setup.cfg's ``python_requires``).

A constraint gives its lowest allowed CPython version (``>=3.9`` is 3.9, ``^3.8.1`` is 3.8.1): the
oldest Python the project supports is where a too-new pin fails first. Per-install settings are
read here too: uv's ``[tool.uv.dependency-groups] <group> = {requires-python = "..."}``.

Files are read with the size cap of envlint.facts.formats.text; nothing unreadable raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from envlint.facts.formats.text import read_text

#: CPython minor versions considered when finding the lowest one a constraint allows.
_MINORS = range(0, 20)
_MICROS = range(0, 40)
_VERSION = re.compile(r"^(?:cpython[-@]?)?(3)\.(\d{1,2})(?:\.(\d{1,2}))?$")
_CONDA_OPERATORS = ("==", ">=", "<=", "!=", "~=", ">", "<", "=")

#: ``Target.python_source`` values of the project's own files (see docs/json-output.md).
SOURCES = ("environment.yml", ".python-version", "poetry", "requires-python")


@dataclass(frozen=True)
class PythonPin:
    version: tuple[int, int, int]
    source: str
    """One of :data:`SOURCES`."""


def lowest_allowed(spec: str) -> tuple[int, int, int] | None:
    """The lowest CPython 3 version (3.N.M) a PEP 440 specifier allows; None when none or unparsable."""
    if not spec.strip():
        return None
    try:
        specifier = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    for minor in _MINORS:
        for micro in _MICROS:
            if specifier.contains(f"3.{minor}.{micro}", prereleases=False):
                # 3.0 means "any Python 3" (">=3", "<4"): no lower bound worth judging for
                return (3, minor, micro) if (minor, micro) != (0, 0) else None
    return None


def project_python(root: Path) -> PythonPin | None:
    """The first Python version the project's files name (see the module docstring)."""
    for name in ("environment.yml", "environment.yaml"):
        version = environment_yml_python(root / name)
        if version is not None:
            return PythonPin(version, "environment.yml")
    version = python_version_file(root / ".python-version")
    if version is not None:
        return PythonPin(version, ".python-version")
    doc = _pyproject(root)
    tool = doc.get("tool") if isinstance(doc.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    deps = poetry.get("dependencies") if isinstance(poetry.get("dependencies"), dict) else {}
    if isinstance(deps.get("python"), str) and (version := lowest_allowed(poetry_to_pep440(deps["python"]))):
        return PythonPin(version, "poetry")
    project = doc.get("project") if isinstance(doc.get("project"), dict) else {}
    requires = project.get("requires-python")
    if not isinstance(requires, str):
        requires = _setup_cfg_python_requires(root / "setup.cfg")
    if isinstance(requires, str) and (version := lowest_allowed(requires)):
        return PythonPin(version, "requires-python")
    return None


def project_requires_python(root: Path) -> str | None:
    """``[project] requires-python`` as written, when it is a string."""
    project = _pyproject(root).get("project")
    value = project.get("requires-python") if isinstance(project, dict) else None
    return value if isinstance(value, str) else None


def uv_group_requires_python(root: Path) -> dict[str, str]:
    """uv's per-group ``requires-python`` (``[tool.uv.dependency-groups] <group>``), by group name."""
    tool = _pyproject(root).get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    groups = uv.get("dependency-groups") if isinstance(uv, dict) else None
    if not isinstance(groups, dict):
        return {}
    return {name: settings["requires-python"] for name, settings in groups.items()
            if isinstance(name, str) and isinstance(settings, dict) and isinstance(settings.get("requires-python"), str)}


def python_version_file(path: Path) -> tuple[int, int, int] | None:
    """The first version line of a ``.python-version`` file (``3.10``, ``3.10.4``, ``cpython@3.12``)."""
    text = read_text(path, None, limit=64 * 1024)
    if text is None:
        return None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if not line:
            continue
        m = _VERSION.match(line)
        if m is None:
            return None  # pypy, a path, "system": not a CPython version
        return (3, int(m.group(2)), int(m.group(3) or 0))
    return None


def environment_yml_python(path: Path) -> tuple[int, int, int] | None:
    """The lowest version the ``python`` item of a conda environment file's ``dependencies`` allows."""
    spec = environment_yml_spec(path)
    return lowest_allowed(spec) if spec is not None else None


def environment_yml_spec(path: Path) -> str | None:
    """The ``python`` item of a conda environment file's ``dependencies``, as a PEP 440 specifier."""
    text = read_text(path, None)
    if text is None:
        return None
    in_deps = False
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if raw[0] not in " \t-":  # a top-level key
            in_deps = stripped.split(":", 1)[0].strip() == "dependencies"
            continue
        if not in_deps or not stripped.startswith("-"):
            continue
        item = stripped[1:].split(" #", 1)[0].strip().strip("\"'")
        spec = conda_python_spec(item)
        if spec is not None:
            return spec
    return None


def conda_python_spec(item: str) -> str | None:
    """A conda match spec for ``python`` as a PEP 440 specifier (``python=3.8`` is ``==3.8.*``)."""
    item = item.rpartition("::")[2].strip()  # conda-forge::python=3.8
    if not item.lower().startswith("python"):
        return None
    rest = item[len("python"):]
    if rest and rest[0] not in " =<>!~":
        return None  # python-dateutil, pythonnet
    rest = rest.strip().split("[", 1)[0].strip()
    if not rest:
        return None
    version_only = rest.split()[0] if rest[0].isdigit() else None
    if version_only is not None:  # "python 3.8" / "python 3.8.*"
        rest = "=" + version_only
    parts = []
    for clause in rest.replace(" ", "").split(","):
        op = next((o for o in _CONDA_OPERATORS if clause.startswith(o)), None)
        if op is None:
            return None
        version = clause[len(op):].split("=", 1)[0]  # drop a build string: python=3.8=h12_0
        if op == "=":  # conda's "=3.8" is 3.8.*
            op, version = "==", version if version.endswith("*") else version.rstrip(".") + ".*"
        parts.append(op + version)
    return ",".join(parts)


def poetry_to_pep440(constraint: str) -> str:
    """Poetry's ``^3.9``/``~3.9``/``3.9.*``/``>=3.8,<3.12``/``*`` as a PEP 440 specifier (lower bounds
    are what counts here; ``^``/``~`` keep theirs); empty for ``*``."""
    clauses = []
    for clause in re.split(r"\s*,\s*|\s+", constraint.strip()):
        if not clause or clause == "*":
            continue
        if clause[0] in "^~" and not clause.startswith("~="):
            clauses.append(">=" + clause[1:])
        elif clause[0].isdigit():
            clauses.append("==" + clause)
        else:
            clauses.append(clause)
    return ",".join(clauses)


def _pyproject(root: Path) -> dict:
    """pyproject.toml's data through the project's TOML reader (its caps and error handling)."""
    from envlint.facts.formats import toml as toml_doc

    path = root / "pyproject.toml"
    text = read_text(path, None)
    if text is None:
        return {}
    parsed = toml_doc.parse(path, text)
    return parsed.data if isinstance(parsed, toml_doc.TomlDoc) else {}


def _setup_cfg_python_requires(path: Path) -> str | None:
    text = read_text(path, None)
    if text is None:
        return None
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[] ").lower()
        elif section == "options" and "=" in stripped and not line[:1].isspace():
            key, _, value = stripped.partition("=")
            if key.strip().lower().replace("-", "_") == "python_requires":
                return value.strip() or None
    return None
