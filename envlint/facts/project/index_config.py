"""Where pip and uv are told to look for packages: every configuration layer, with file and line.

pip (``pip/_internal/configuration.py``): global files (``pip/pip.conf`` under each
``$XDG_CONFIG_DIRS`` entry, then ``/etc/pip.conf``; ``/Library/Application Support/pip/pip.conf`` on
macOS; ``%ProgramData%\\pip\\pip.ini`` on Windows), user files (``~/.pip/pip.conf``,
``$XDG_CONFIG_HOME/pip/pip.conf``; ``~/Library/Application Support/pip/pip.conf`` on macOS;
``%APPDATA%\\pip\\pip.ini`` and ``%USERPROFILE%\\pip\\pip.ini`` on Windows), the environment's own
``<prefix>/pip.conf`` (``pip.ini`` on Windows), ``PIP_CONFIG_FILE`` (``os.devnull`` turns every file
off; an existing file turns the user files off), then ``PIP_*`` variables. The files of every OS are
read where they exist, whatever the host: the environment being linted may be a Mac's or a Windows
machine's. uv (which reads none of pip's): ``uv.toml`` in the project, ``$XDG_CONFIG_HOME/uv/uv.toml``,
``$XDG_CONFIG_DIRS/uv/uv.toml`` or ``/etc/uv/uv.toml``, ``UV_CONFIG_FILE``/``UV_NO_CONFIG``, then
``UV_*`` variables. The process environment is ``config.environ`` (tests pass their own), and the
home directory is its ``HOME``. Nothing is run; the files are parsed.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from envlint.diagnostics import Problems
from envlint.facts.formats import ini as ini_doc
from envlint.facts.formats import toml as toml_doc
from envlint.facts.project.model import IndexSetting, Position
from envlint.facts.formats.pyproject import uv_index_settings
from envlint.facts.formats.text import read_text

PIP_SECTIONS = ("global", "install", "download", "wheel", "lock")
_PIP_KEYS = {"index-url": "index-url", "extra-index-url": "extra-index-url", "find-links": "find-links",
             "no-index": "no-index"}
_TRUE = {"1", "true", "yes", "on", "y"}


def _normalize_pip_key(key: str) -> str:
    key = key.lower().replace("_", "-")
    return key[2:] if key.startswith("--") else key


def pip_config_files(environ: dict[str, str], site_prefix: Path | None) -> list[tuple[str, Path]]:
    """(origin, path) of every pip configuration file pip would read, in pip's order."""
    env_file = environ.get("PIP_CONFIG_FILE")
    if env_file is not None and env_file == os.devnull:
        return []
    out: list[tuple[str, Path]] = []
    xdg_dirs = environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    for directory in xdg_dirs.split(os.pathsep):
        if directory:
            out.append(("pip global configuration", Path(directory) / "pip" / "pip.conf"))
    out.append(("pip global configuration", Path("/etc/pip.conf")))
    out.append(("pip global configuration", Path("/Library/Application Support/pip/pip.conf")))  # macOS
    program_data = environ.get("ProgramData") or environ.get("PROGRAMDATA") or environ.get("ALLUSERSPROFILE")
    if program_data:  # Windows
        out.append(("pip global configuration", Path(program_data) / "pip" / "pip.ini"))
    if not (env_file and Path(env_file).exists()):
        home = environ.get("HOME")
        if home:
            out.append(("pip user configuration", Path(home) / ".pip" / "pip.conf"))
        user_profile = environ.get("USERPROFILE")
        if user_profile:  # Windows' legacy file
            out.append(("pip user configuration", Path(user_profile) / "pip" / "pip.ini"))
        if home:
            config_home = environ.get("XDG_CONFIG_HOME") or str(Path(home) / ".config")
            out.append(("pip user configuration", Path(config_home) / "pip" / "pip.conf"))
            out.append(("pip user configuration", Path(home) / "Library" / "Application Support" / "pip" / "pip.conf"))
        app_data = environ.get("APPDATA")
        if app_data:  # Windows
            out.append(("pip user configuration", Path(app_data) / "pip" / "pip.ini"))
    if site_prefix is not None:
        out.append(("the environment's own pip.conf", site_prefix / "pip.conf"))
        out.append(("the environment's own pip.ini", site_prefix / "pip.ini"))
    if env_file:
        out.append(("$PIP_CONFIG_FILE", Path(env_file)))
    seen: set[Path] = set()
    unique = []
    for origin, path in out:
        if path not in seen:
            seen.add(path)
            unique.append((origin, path))
    return unique


def read_pip_config(path: Path, origin: str, problems: Problems) -> list[IndexSetting]:
    if not path.is_file():
        return []
    text = read_text(path, problems)
    if text is None:
        return []
    parsed = ini_doc.parse(text, normalize_key=_normalize_pip_key)
    if isinstance(parsed, ini_doc.IniError):
        problems.add(path, f"invalid pip configuration: {parsed.message}", line=parsed.line)
        return []
    out: list[IndexSetting] = []
    for value in parsed.values:
        if value.section not in PIP_SECTIONS or value.key not in _PIP_KEYS:
            continue
        kind = _PIP_KEYS[value.key]
        label = f"{origin} [{value.section}]"
        if kind == "no-index":
            if value.text.strip().lower() in _TRUE:
                out.append(IndexSetting(kind, "", Position(path, value.line, 1), origin=label))
            continue
        for line, column, text_value in value.items:
            for offset, token in _tokens(text_value):
                out.append(IndexSetting(kind, token, Position(path, line, column + offset), origin=label))
    return out


def _tokens(text: str) -> list[tuple[int, str]]:
    out = []
    i = 0
    for token in text.split():
        at = text.find(token, i)
        out.append((at, token))
        i = at + len(token)
    return out


def pip_environment(environ: dict[str, str]) -> list[IndexSetting]:
    out: list[IndexSetting] = []
    for variable, kind in (("PIP_INDEX_URL", "index-url"), ("PIP_EXTRA_INDEX_URL", "extra-index-url"),
                           ("PIP_FIND_LINKS", "find-links")):
        value = environ.get(variable, "")
        for token in value.split():
            out.append(IndexSetting(kind, token, None, variable=variable, origin=f"${variable}"))
    if environ.get("PIP_NO_INDEX", "").strip().lower() in _TRUE:
        out.append(IndexSetting("no-index", "", None, variable="PIP_NO_INDEX", origin="$PIP_NO_INDEX"))
    return out


def uv_config_files(environ: dict[str, str], root: Path) -> list[tuple[str, Path]]:
    if environ.get("UV_NO_CONFIG", "").strip().lower() in _TRUE:
        return []
    if environ.get("UV_CONFIG_FILE"):
        return [("$UV_CONFIG_FILE", Path(environ["UV_CONFIG_FILE"]))]
    out = [("the project's uv.toml", root / "uv.toml")]
    home = environ.get("HOME")
    config_home = environ.get("XDG_CONFIG_HOME") or (str(Path(home) / ".config") if home else None)
    if config_home:
        out.append(("uv user configuration", Path(config_home) / "uv" / "uv.toml"))
    system = [Path(d) / "uv" / "uv.toml" for d in (environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(os.pathsep) if d]
    found = next((p for p in system if p.is_file()), None)
    out.append(("uv system configuration", found or Path("/etc/uv/uv.toml")))
    return out


def read_uv_config(path: Path, origin: str, problems: Problems) -> list[IndexSetting]:
    if not path.is_file():
        return []
    text = read_text(path, problems)
    if text is None:
        return []
    parsed = toml_doc.parse(path, text)
    if isinstance(parsed, toml_doc.TomlError):
        problems.add(path, f"invalid TOML: {parsed.message}", line=parsed.line, column=parsed.column)
        return []
    return uv_index_settings(parsed, (), path, origin)


def uv_environment(environ: dict[str, str]) -> list[IndexSetting]:
    out: list[IndexSetting] = []
    for variable, kind, separators in (("UV_INDEX", "uv-index", None), ("UV_DEFAULT_INDEX", "uv-index", None),
                                       ("UV_INDEX_URL", "index-url", None),
                                       ("UV_EXTRA_INDEX_URL", "extra-index-url", None),
                                       ("UV_FIND_LINKS", "find-links", ",")):
        value = environ.get(variable, "")
        if separators:
            value = value.replace(separators, " ")
        for token in value.split():
            if kind == "uv-index" and "=" in token.split("://", 1)[0]:
                token = token.split("=", 1)[1]  # name=url
            out.append(IndexSetting(kind, token, None, variable=variable, origin=f"${variable}"))
    if environ.get("UV_NO_INDEX", "").strip().lower() in _TRUE:
        out.append(IndexSetting("no-index", "", None, variable="UV_NO_INDEX", origin="$UV_NO_INDEX"))
    return out


def project_uv_config(environ: dict[str, str], root: Path, problems: Problems) -> list[IndexSetting]:
    """The project's own ``uv.toml`` (a project file: read in every run, unless uv would ignore it)."""
    if environ.get("UV_NO_CONFIG", "").strip().lower() in _TRUE or environ.get("UV_CONFIG_FILE"):
        return []
    return read_uv_config(root / "uv.toml", "the project's uv.toml", problems)


def collect(environ: dict[str, str], root: Path, site_prefix: Path | None, problems: Problems) -> list[IndexSetting]:
    """Index settings from the configuration of the machine running envlint: pip's and uv's files and
    variables, and the environment's own pip.conf (not the project's files, not its uv.toml); each
    marked ``machine``. Read only when an environment on this machine is checked."""
    out: list[IndexSetting] = []
    for origin, path in pip_config_files(environ, site_prefix):
        out += read_pip_config(path, origin, problems)
    out += pip_environment(environ)
    for origin, path in uv_config_files(environ, root):
        if origin != "the project's uv.toml":
            out += read_uv_config(path, origin, problems)
    out += uv_environment(environ)
    return [dataclasses.replace(s, machine=True) for s in out]
