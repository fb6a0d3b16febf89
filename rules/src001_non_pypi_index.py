"""Non-PyPI package index (SRC001).

## What it does
Reports every place that points pip or uv at a package source other than PyPI: an `index-url`,
`extra-index-url`, `find-links` or `no-index` in any pip configuration layer (global, user, the
environment's own `pip.conf`, `$PIP_CONFIG_FILE`; the Linux, macOS and Windows locations alike,
such as `~/Library/Application Support/pip/pip.conf` and `%APPDATA%\\pip\\pip.ini`) or in
`PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`, `PIP_FIND_LINKS`, `PIP_NO_INDEX`; requirements-file options
(`--index-url`/`-i`, `--extra-index-url`, `--find-links`/`-f`, `--no-index`, nested files included); uv indexes
(`[[tool.uv.index]]`, `uv.toml`, `UV_INDEX`, `UV_DEFAULT_INDEX`, `UV_EXTRA_INDEX_URL`,
`UV_FIND_LINKS`, ...); poetry sources; and the same options in the `pip:` list of
`environment.yml`. It names the file and line, or the variable. An index URL equal to PyPI's is not
reported. Whether a given installed distribution is actually missing from PyPI is SRC003.

The configuration of the machine running envlint (its pip and uv files and `PIP_*`/`UV_*`
variables, the environment's own `pip.conf`) is judged only when an environment on this machine is
checked: a project-only run (`--no-env`, the `envlint` pre-commit hook, `--inspect REPORT`) judges the
project's files alone, so a company mirror in `~/.config/pip/pip.conf` never fails a commit. Those
findings name the machine's file (or variable); in SARIF they are tool notifications, never results on
a project file.

## Why it breaks package sync
Package sync installs the workers from PyPI (and conda channels) only. A distribution that came
from a private index, a mirror with extra packages, or a local wheel directory may not exist on
PyPI, or not in that version or build (`torch==2.1.0+cpu`), and the workers cannot install it.

## Example
```ini
# ~/.config/pip/pip.conf
[global]
extra-index-url = https://download.example.invalid/whl/cpu
```
`pip user configuration [global] sets extra-index-url https://download.example.invalid/whl/cpu: packages may come from a source package sync does not use`

## How to fix
Install from PyPI where you can, and check the distributions that came from elsewhere with
`envlint --select SRC003`. Remove settings you no longer need. A private package that the cluster
must have belongs on PyPI (or is built from source in the project).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

from envlint.diagnostics import Finding, Severity
from envlint.facts.project.model import Project
from envlint.registry import rule

@rule(code="SRC001", name="non-pypi-index", severity=Severity.WARNING,
      summary="A package index or find-links location other than PyPI is configured")
def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, str, str | None, int | None, str | None]] = set()
    for setting in project.index_settings:
        if setting.is_pypi or (setting.machine and not project.environment_on_this_machine):
            continue  # PyPI itself; this machine's configuration in a project-only run
        key = (setting.kind, setting.value, str(setting.where.path) if setting.where else None,
               setting.where.line if setting.where else None, setting.variable)
        if key in seen:
            continue
        seen.add(key)
        origin = setting.origin or (f"${setting.variable}" if setting.variable else "configuration")
        if setting.kind == "no-index":
            what = "no-index: pip ignores PyPI and installs only from find-links locations"
        else:
            kind = {"uv-index": "a uv index", "poetry-source": "a poetry source"}.get(setting.kind, setting.kind)
            what = f"{kind} {redact(setting.value)}: packages may come from a source package sync does not use"
        where = setting.where
        yield Finding(
            message=f"{origin} sets {what}",
            path=str(where.path) if where else None, line=where.line if where else None,
            column=where.column if where else None, machine=setting.machine,
            help=("make sure every distribution installed from there is also on PyPI (`envlint --select SRC003` checks "
                  "the environment), and remove the setting if you no longer need it"),
        )


def redact(url: str) -> str:
    """The URL without a password (``user:secret@host`` -> ``user:***@host``); ${VARS} stay as written."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    if parts.username and "@" in parts.netloc and ":" not in parts.netloc.split("@", 1)[0]:
        netloc = "***@" + parts.netloc.split("@", 1)[1]  # a bare token as user name
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url

