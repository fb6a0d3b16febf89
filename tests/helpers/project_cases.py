"""Helpers for the project-rule tests: copy a fixture tree, run the CLI with a controlled environment.

The machine running the tests has its own pip configuration (``~/.config/pip/pip.conf``,
``PIP_FIND_LINKS``); every run here gets a HOME and XDG directories inside ``tmp_path`` instead.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.helpers.support import TESTS, clean_environ, run_json

FIXTURES = TESTS / "fixtures" / "project"


def case(name: str, tmp_path: Path) -> Path:
    """A copy of ``tests/fixtures/project/<name>`` (outside the repository, so no config file is found)."""
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def environ(tmp_path: Path, *, pip_config: bool = False, **extra: str) -> dict[str, str]:
    """A process environment whose HOME and XDG directories are inside ``tmp_path``.

    ``pip_config=False`` keeps ``PIP_CONFIG_FILE=/dev/null`` (pip reads no file at all).
    """
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = clean_environ(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                        XDG_CONFIG_DIRS=str(tmp_path / "xdg"))
    if pip_config:
        env.pop("PIP_CONFIG_FILE", None)
    env.update(extra)
    return env


def lint(project: Path, *args: str, env: dict[str, str], no_env: bool = True) -> tuple[int, dict]:
    argv = [str(project), "--isolated", *args]
    if no_env:
        argv.append("--no-env")
    return run_json(*argv, env=env)


def found(report: dict, code: str) -> list[tuple[str | None, int | None]]:
    """(path, line) of each diagnostic of ``code``, in report order (files first, then pathless ones)."""
    return [(d["path"], d["line"]) for d in report["diagnostics"] if d["code"] == code]


def messages(report: dict, code: str, package: str | None = None) -> list[str]:
    return [d["message"] for d in report["diagnostics"]
            if d["code"] == code and (package is None or d["package"] == package)]


def setuptools_shim(base: Path) -> Path:
    """A directory holding only the runner's setuptools: PYTHONPATH for an offline --no-build-isolation build
    into a venv made --without-pip (nothing else of the runner's environment leaks in)."""
    import setuptools

    site = Path(setuptools.__file__).resolve().parent.parent
    shim = base / "setuptools-shim"
    shim.mkdir(exist_ok=True)
    for name in ("setuptools", "pkg_resources", "_distutils_hack"):
        if (site / name).exists() and not (shim / name).exists():
            (shim / name).symlink_to(site / name)
    for info in site.glob("setuptools-*.dist-info"):
        if not (shim / info.name).exists():
            (shim / info.name).symlink_to(info)
    return shim


def pip_install_sources(venv: Path, *args: str | Path, base: Path) -> None:
    """pip install (e.g. ``-e <dir>``) into ``venv`` offline, building with the runner's setuptools."""
    import subprocess
    import sys

    from tests.helpers.support import venv_python

    cmd = [sys.executable, "-m", "pip", "--python", str(venv_python(venv)), "install", "--no-index",
           "--no-build-isolation", "--no-deps", "-q", *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True,
                          env=clean_environ(PYTHONPATH=str(setuptools_shim(base))))
    assert proc.returncode == 0, proc.stderr


#: What pip prints when no package index answers (as opposed to a pin that names no release).
_UNREACHABLE = ("(from versions: none)", "NewConnectionError", "Max retries exceeded", "ProxyError",
                "Temporary failure in name resolution", "Name or service not known", "Network is unreachable",
                "ConnectTimeout", "ReadTimeout", "SSLError")


def fetch_backend(out: Path, backend: str) -> Path:
    """Download the build backend ``backend`` (the requirement a fixture pins, ``uv_build==0.13.6``) into
    ``out``; returns ``out``. When no package index answers, the test is skipped with pip's words, never
    failed; a pin that names no release fails it."""
    import sys

    fetched = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(out), backend],
                             env=clean_environ(PIP_RETRIES="1", PIP_DEFAULT_TIMEOUT="20"),
                             capture_output=True, text=True, timeout=300)
    if fetched.returncode != 0:
        said = fetched.stderr.strip()
        why = [line.strip() for line in said.splitlines() if any(sign in line for sign in _UNREACHABLE)]
        if why:
            import pytest

            pytest.skip(f"cannot fetch {backend} from the package index: {why[0][:300]}")
        raise AssertionError(f"pip could not fetch {backend}:\n{said[-2000:]}")
    return out


def pip_wheel(project: Path, out: Path, backend: str) -> subprocess.CompletedProcess[str]:
    """``pip wheel --no-deps`` of ``project`` into ``out/wheel`` with the real build backend ``backend``
    (fetched first, see fetch_backend)."""
    import sys

    found_at = fetch_backend(out / "backend", backend)
    return subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "--find-links", str(found_at),
                           "-w", str(out / "wheel"), str(project)],
                          env=clean_environ(), capture_output=True, text=True, timeout=300)


def build_with_backend(project: Path, out: Path, backend: str) -> Path:
    """Build ``project``'s wheel with the real build backend ``backend``; returns the wheel. Skipped when no
    package index answers; a build that fails fails the test."""
    built = pip_wheel(project, out, backend)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (out / "wheel").glob("*.whl")
    return wheel


#: A module that reads a data file next to its own code (DAT003 checks that the wheel ships it).
READS_NEXT_TO_CODE = 'from pathlib import Path\n\nRATES = (Path(__file__).parent / "rates.csv").read_text()\n'


def write_project(root: Path, pyproject: str, files: dict[str, str]) -> Path:
    """A project directory: its pyproject.toml and the given files (relative paths -> text)."""
    root.mkdir()
    (root / "pyproject.toml").write_text(pyproject)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
