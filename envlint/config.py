"""Configuration: ``[tool.envlint]`` in pyproject.toml or ``envlint.toml``, overridden by the CLI.

Every key is declared once in :data:`KEYS` (type, default, help); an unknown key or a value of the
wrong type is a :class:`ConfigError` naming the key and the file (the CLI exits 2).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envlint.diagnostics import Severity


class ConfigError(Exception):
    """Invalid configuration or usage; one line (and an optional ``hint`` line), exit code 2."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def _str_list(key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return [v.strip() for v in value if v.strip()]


def _codes(key: str, value: Any) -> list[str]:
    codes = [c.upper() for c in _str_list(key, value)]
    for c in codes:
        if not (c == "ALL" or (c[:1].isalpha() and c.isalnum())):
            raise ValueError(f"{c!r} is not a rule code or prefix")
    return codes


def _str(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value.strip()


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _positive(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError("expected a positive number")
    return float(value)


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("expected a positive integer")
    return value


def _at_most(parse: Callable[[str, Any], Any], limit: float, unit: str = "") -> Callable[[str, Any], Any]:
    """``parse``, refusing values above ``limit``: no configuration can make a run hang for hours."""
    def bounded(key: str, value: Any) -> Any:
        parsed = parse(key, value)
        if parsed > limit:
            raise ValueError(f"at most {limit:g}{unit} (a larger value only makes a failing run hang)")
        return parsed
    return bounded


def _severity(key: str, value: Any) -> Severity:
    if isinstance(value, Severity):
        return value
    return Severity.parse(_str(key, value))


def _per_path(key: str, value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ValueError('expected a table of glob = ["CODE", ...]')
    return {str(k): _codes(key, v) for k, v in value.items()}


_LINUX_PLATFORM = re.compile(r"^(linux|manylinux1|manylinux2010|manylinux2014|manylinux_\d+_\d+|musllinux_\d+_\d+)_"
                             r"(x86_64|i686|aarch64|armv7l|ppc64le|s390x|riscv64)$")


def _platform(key: str, value: Any) -> str:
    text = _str(key, value).lower().replace("-", "_").replace(".", "_")
    if not _LINUX_PLATFORM.match(text):
        raise ValueError(f"{value!r} is not a Linux platform tag (package sync workers run Linux; "
                         "e.g. linux_x86_64 or linux_aarch64)")
    return text


def _glibc(key: str, value: Any) -> str:
    text = _str(key, value)
    parts = text.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError("expected a glibc version such as 2.17")
    return text


def _python_version(key: str, value: Any) -> str:
    text = _str(key, str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value)
    parts = text.split(".")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or parts[0] != "3":
        raise ValueError("expected a Python 3 version such as 3.11 or 3.11.7")
    return text


@dataclass(frozen=True)
class Key:
    attr: str
    parse: Callable[[str, Any], Any]
    help: str


#: Every configuration key, as written in ``[tool.envlint]`` (kebab-case).
KEYS: dict[str, Key] = {
    "select": Key("select", _codes, "Rule codes or prefixes to enable (default: all)."),
    "ignore": Key("ignore", _codes, "Rule codes or prefixes to disable."),
    "extend-select": Key("extend_select", _codes, "Codes or prefixes to enable on top of `select`."),
    "ignore-packages": Key("ignore_packages", _str_list, "Distributions whose findings are dropped."),
    "per-path-ignores": Key("per_path_ignores", _per_path, 'Glob -> codes ignored in matching files, e.g. {"scripts/*" = ["DAT"]}.'),
    "exclude": Key("exclude", _str_list, "Extra gitignore-style patterns of project files to skip."),
    "extend-exclude": Key("extend_exclude", _str_list, "Patterns to skip on top of `exclude` (e.g. from the command line)."),
    "remote-scripts": Key("remote_scripts", _str_list, "Gitignore-style patterns of scripts that run on the cluster (DAT001/DAT002 report every local read in them)."),
    "platform": Key("platform", _platform, "Target platform tag (default linux_x86_64)."),
    "target-python": Key("target_python", _python_version, "Target Python version (default: the environment's)."),
    "manylinux-glibc": Key("manylinux_glibc", _glibc, "Oldest glibc of the workers (default 2.17)."),
    "worker-glibc": Key("worker_glibc", _glibc, "The workers' glibc: manylinux wheels up to it install (default 2.31)."),
    "fail-level": Key("fail_level", _severity, "Lowest severity that makes the exit code 1 (default warning)."),
    "index-url": Key("index_url", _str, "Simple index to ask (default: PyPI)."),
    "offline": Key("offline", _bool, "Use only the index cache; never touch the network."),
    "timeout": Key("timeout", _at_most(_positive, 120, " s"), "Seconds per index request (default 15, at most 120)."),
    "retries": Key("retries", _at_most(_positive_int, 10), "Attempts per index request (default 3, at most 10)."),
    "resolver-timeout": Key("resolver_timeout", _at_most(_positive, 600, " s"),
                            "Seconds the resolver may spend on PIN003 (default 30, at most 600)."),
    "resolver-max-rounds": Key("resolver_max_rounds", _at_most(_positive_int, 100_000),
                               "Resolution rounds before PIN003 gives up (default 2000, at most 100000)."),
    "cache-dir": Key("cache_dir", _str, "Where index responses are cached (default: the user cache dir)."),
}

#: Keys a configuration file found in the project (not named by --config) cannot set: they choose
#: where envlint sends the environment's package names and where it writes (docs/security.md).
USER_ONLY = ("index-url", "cache-dir")


@dataclass
class Config:
    """Everything a run needs to know. Paths are absolute."""

    root: Path = field(default_factory=Path.cwd)
    paths: list[Path] = field(default_factory=list)
    config_file: Path | None = None
    # rule selection
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    ignore_packages: list[str] = field(default_factory=list)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    extend_exclude: list[str] = field(default_factory=list)
    remote_scripts: list[str] = field(default_factory=list)
    # target
    platform: str = "linux_x86_64"
    target_python: str | None = None
    manylinux_glibc: str = "2.17"
    worker_glibc: str = "2.31"
    fail_level: Severity = Severity.WARNING
    # environment selection (CLI only)
    python: Path | None = None
    prefix: Path | None = None
    inspect: Path | None = None
    no_env: bool = False
    no_cache: bool = False
    """Neither read nor write the per-file scan cache (``--no-cache``; also ``ENVLINT_NO_CACHE``)."""
    # index
    index_url: str | None = None
    offline: bool = False
    timeout: float = 15.0
    retries: int = 3
    resolver_timeout: float = 30.0
    resolver_max_rounds: int = 2000
    cache_dir: str | None = None
    display_root: Path | None = None
    """The repository root output paths are relative to (see envlint.workspace); None: the project root."""
    want_anchors: bool = False
    """The reporter needs every declaration and the main dependency file (SARIF)."""
    # the process environment (so tests and pre-commit can pass their own)
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    not_applied: list[str] = field(default_factory=list)
    """Settings of a project's configuration file that were not applied, and why (a skipped line each)."""


def find_config_file(root: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``envlint.toml`` or pyproject.toml with ``[tool.envlint]``, from root upwards."""
    for directory in (root, *root.parents):
        own = directory / "envlint.toml"
        if own.is_file():
            return own, envlint_toml_settings(own, _read(own))
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = _read(pyproject)
            except ConfigError:
                # A broken pyproject.toml without envlint settings is the project's problem, which the
                # project rules report with its line (EL001/BLD002); it is not a configuration error.
                if "tool.envlint" in _text(pyproject):
                    raise
                data = {}
            tool = data.get("tool", {})
            if isinstance(tool, dict) and "envlint" in tool:
                section = tool["envlint"]
                if not isinstance(section, dict):
                    raise ConfigError(f"{pyproject}: [tool.envlint] must be a table")
                return pyproject, section
        if (directory / ".git").exists():
            break
    return None


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _read(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):  # imported here: a run that finds no configuration file never needs it
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    from envlint.facts.formats.text import MAX_CONFIG_BYTES, open_regular
    from envlint.facts.formats.toml import MAX_KEY_PARTS, overlong_key

    try:
        with open_regular(path) as fh:  # never a blocking read of a FIFO, never more than the cap
            data = fh.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KB; not read")
        text = data.decode("utf-8")
        overlong = overlong_key(text)
        if overlong is not None:
            raise ConfigError(f"{path}: line {overlong}: a key of more than {MAX_KEY_PARTS} dotted parts; not read")
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def envlint_toml_settings(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The settings of an ``envlint.toml``: its top level, or a ``[tool.envlint]`` table copied from
    pyproject.toml (the layout the docs show), but not both."""
    tool = data.get("tool")
    if isinstance(tool, dict) and "envlint" in tool:
        section = tool["envlint"]
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [tool.envlint] must be a table")
        others = [k for k in data if k != "tool"] + [f"tool.{k}" for k in tool if k != "envlint"]
        if others:
            raise ConfigError(f"{path}: settings both at the top level and in [tool.envlint] ('{others[0]}'); "
                              "envlint.toml takes its keys at the top level")
        return section
    return data


def _table_of(source: str) -> str:
    return "the top level of envlint.toml" if source.endswith("envlint.toml") and "[tool.envlint]" not in source \
        else "[tool.envlint]" if source != "command line" else "the options"


def apply(config: Config, values: dict[str, Any], source: str, *, base: Path | None = None,
          found: bool = False) -> None:
    """Validate ``values`` (kebab-case keys) and set them on ``config``.

    ``base``: the directory a relative ``cache-dir`` is relative to (the file's; the working directory
    for the command line). ``found``: the file was found in the project, not named by the user; the
    :data:`USER_ONLY` keys are then validated but not applied.
    """
    for key, value in values.items():
        spec = KEYS.get(key)
        if spec is None:
            hint = ""
            alt = key.replace("_", "-")
            if alt in KEYS:
                hint = f" (did you mean '{alt}'?)"
            elif key == "tool" and isinstance(value, dict):
                hint = " (put the keys at the top level of envlint.toml, or in [tool.envlint] of pyproject.toml)"
            raise ConfigError(f"{source}: unknown key '{key}' in {_table_of(source)}{hint}")
        try:
            parsed = spec.parse(key, value)
        except ValueError as exc:
            raise ConfigError(f"{source}: invalid value for '{key}': {exc}") from None
        if found and key in USER_ONLY:
            config.not_applied.append(
                f"{source}: '{key}' not applied: a project's configuration cannot choose where envlint sends "
                f"package names or writes its cache (pass --{key} or --config FILE)")
            continue
        if key == "cache-dir":
            parsed = str((base or Path.cwd()) / Path(parsed).expanduser())
        setattr(config, spec.attr, parsed)


def load(root: Path, cli_values: dict[str, Any] | None = None, *, config_file: Path | None = None,
         isolated: bool = False, **cli_only: Any) -> Config:
    """Build a Config: defaults, then the config file, then CLI values (kebab-case keys)."""
    config = Config(root=root.resolve())
    for name, value in cli_only.items():
        setattr(config, name, value)
    if config_file is not None:
        data = _read(config_file)
        if config_file.name == "pyproject.toml":
            data = data.get("tool", {}).get("envlint", {})
        else:
            data = envlint_toml_settings(config_file, data)
        config.config_file = config_file.resolve()
        apply(config, data, str(config_file), base=config.config_file.parent)
    elif not isolated:
        found = find_config_file(config.root)
        if found:
            config.config_file, data = found
            apply(config, data, str(found[0]), base=found[0].parent, found=True)
    if cli_values:
        apply(config, {k: v for k, v in cli_values.items() if v is not None}, "command line")
    if config.extend_exclude:  # the walk reads one list; `--exclude` replaced `exclude` above
        config.exclude = [*config.exclude, *(p for p in config.extend_exclude if p not in config.exclude)]
    return config
