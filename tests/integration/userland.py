"""A user's machine for end-to-end tests: the INSTALLED ``envlint`` console script, run in a git
repository that holds a nested project (``services/api``), with a fake HOME whose pip.conf adds extra
indexes and with ``PIP_FIND_LINKS`` set -- the set-up of a machine behind a company mirror.

Nothing here hides that configuration from envlint (unlike ``support.clean_environ``): these tests
check what envlint does with it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.support import TEST_CACHE_HOME, make_venv

#: The console script pip installed next to the test interpreter (``pip install -e .``).
ENVLINT = Path(sys.executable).with_name("envlint")

PIP_CONF = """\
[global]
extra-index-url = https://mirror.example.invalid/simple
    https://mirror2.example.invalid/simple
"""

PYPROJECT = """\
[project]
name = "api"
version = "0.1.0"
dependencies = ["requests>=2"]
"""

#: A Coiled batch script (its ``# COILED`` options say it runs on the cluster), so DAT001 reports its read.
APP = """\
import json

with open("data/settings.json") as fh:
    SETTINGS = json.load(fh)
# COILED --vm-type m6i.xlarge
"""
#: Appended to a test's own script so that its reads run on the cluster (see APP).
REMOTE = "# COILED --vm-type m6i.xlarge\n"


@dataclass
class Userland:
    repo: Path
    home: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def project(self) -> Path:
        return self.repo / "services" / "api"

    @property
    def pip_conf(self) -> Path:
        return self.home / ".config" / "pip" / "pip.conf"

    def run(self, *args: str | os.PathLike[str], cwd: Path | None = None, timeout: float = 120,
            **env: str) -> subprocess.CompletedProcess[str]:
        """``envlint ARGS`` as a user types it (from the repository root unless ``cwd`` says otherwise)."""
        return subprocess.run([str(ENVLINT), *map(str, args)], cwd=cwd or self.repo, capture_output=True,
                              text=True, env={**self.env, **env}, timeout=timeout)

    def run_piped_to_a_reader_that_left(self, *args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
        """``envlint ARGS | true``: the reader is gone before envlint writes (as ``| head`` after its lines)."""
        command = " ".join(shlex.quote(str(a)) for a in (ENVLINT, *args)) + " | true"
        return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=self.repo, capture_output=True,
                              text=True, env=self.env, timeout=120)

    def venv(self, name: str = "venv") -> Path:
        """An empty real venv outside the repository."""
        return make_venv(self.home / name)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=envlint tests", "-c", "user.email=tests@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True, capture_output=True, text=True)


def make_userland(tmp: Path, *, commit: bool = True) -> Userland:
    home = tmp / "home"
    (home / ".config" / "pip").mkdir(parents=True)
    (home / ".config" / "pip" / "pip.conf").write_text(PIP_CONF)
    wheels = tmp / "wheels"
    wheels.mkdir()
    repo = tmp / "repo"
    project = repo / "services" / "api"
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / "app.py").write_text(APP)
    (repo / "README.md").write_text("a monorepo\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV", "CONDA_", "PYTHON", "ENVLINT_", "GIT_", "XDG_",
                                "PRE_COMMIT"))}
    # No venv of the test runner on PATH: envlint would find it as "the activated venv".
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and not (Path(p).parent / "pyvenv.cfg").is_file())
    env.update(HOME=str(home), PIP_FIND_LINKS=str(wheels), XDG_CACHE_HOME=TEST_CACHE_HOME, NO_COLOR="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    _git(repo, "init", "-q")
    if commit:
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "init")
    return Userland(repo, home, env)
