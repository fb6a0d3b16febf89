"""The pre-commit hooks, run for real: ``pre-commit try-repo <this checkout>`` against a temporary git
repository, once on a failing commit and once on the commit that fixes it.

pre-commit installs envlint from the checkout with pip (build backend and dependencies from the
package registry, through the machine's own pip configuration), so this is the slowest test; it is
skipped only when pip cannot reach any index. It also checks the claim that matters most for the
``envlint-env`` hook: pre-commit sets ``VIRTUAL_ENV`` to the hook's own venv, and envlint must lint
the *user's* environment instead (``.venv``, or the venv the user activated), never the hook's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from envlint.registry import get_rule

from tests.helpers.support import REPO, make_venv, make_wheel, pip_install

pytestmark = pytest.mark.slow

HOOKS_FILE = REPO / ".pre-commit-hooks.yaml"


def _base_environ(tmp: Path) -> dict[str, str]:
    """The caller's environment with no venv of its own on PATH and no git/venv/envlint variables;
    pip's configuration is kept (the hook install needs it), pre-commit's store goes to tmp."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "VIRTUAL_ENV", "CONDA_", "PYTHON", "ENVLINT_", "PRE_COMMIT"))}
    path = [p for p in env.get("PATH", "").split(os.pathsep)
            if p and not (Path(p).parent / "pyvenv.cfg").is_file()]
    env["PATH"] = os.pathsep.join(path)
    env["PRE_COMMIT_HOME"] = str(tmp / "pre-commit-home")
    env["PRE_COMMIT_COLOR"] = "never"
    env["NO_COLOR"] = "1"
    return env


def _machine_behind_a_mirror(tmp: Path, env: dict[str, str]) -> dict[str, str]:
    """A fake HOME whose pip.conf is this machine's own user configuration (pre-commit's pip must still
    install the hook) plus a company mirror's extra index, and PIP_FIND_LINKS set."""
    home = tmp / "home"
    conf = home / ".config" / "pip" / "pip.conf"
    conf.parent.mkdir(parents=True)
    real = Path(os.path.expanduser("~")) / ".config" / "pip" / "pip.conf"
    text = real.read_text() if real.is_file() else "[global]\n"
    mirror = tmp / "mirror" / "simple"
    mirror.mkdir(parents=True)
    if "extra-index-url" in text:
        text = re.sub(r"(extra-index-url\s*=\s*)", rf"\1file://{mirror} ", text, count=1)
    else:
        text = text.replace("[global]\n", f"[global]\nextra-index-url = file://{mirror}\n", 1)
    conf.write_text(text)
    links = tmp / "find-links"
    links.mkdir()
    find_links = " ".join(filter(None, [env.get("PIP_FIND_LINKS"), str(links)]))
    return {**env, "HOME": str(home), "PIP_FIND_LINKS": find_links}


def _registry_unreachable(env: dict[str, str]) -> str | None:
    """Why pip cannot fetch the hook's build backend (None when it can). Uses pip's own configuration."""
    probe_env = {**env, "PIP_DEFAULT_TIMEOUT": "10", "PIP_RETRIES": "1"}
    try:
        proc = subprocess.run([sys.executable, "-m", "pip", "index", "versions", "setuptools"], capture_output=True,
                              text=True, env=probe_env, timeout=60)
    except subprocess.TimeoutExpired:
        return "no package index answered within 60 s"
    if proc.returncode != 0 or "setuptools" not in proc.stdout:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return f"no package index reachable: {lines[-1] if lines else 'pip index versions failed'}"
    return None


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=envlint tests", "-c", "user.email=tests@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True, capture_output=True, text=True)


def _hook_source(tmp: Path) -> Path:
    """This checkout, as try-repo sees it. A clean checkout (CI) is used as it is. In a work tree with
    uncommitted changes, try-repo would take the tracked changes but not new untracked files (a
    half-state that may not even build), so the test snapshots the work tree (tracked and untracked,
    minus ignored files) into a repository of its own and tries that instead."""
    status = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=True)
    if not status.stdout.strip():
        return REPO
    snapshot = tmp / "envlint-checkout"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        src = REPO / name
        if src.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, snapshot / name)
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-q", "-m", "snapshot of the work tree")
    return snapshot


def _try_repo(source: Path, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(source), "--all-files", "--verbose",
                           "--color", "never"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def _hook_output(out: str, hook_id: str) -> str:
    """The block pre-commit prints for one hook (from its '- hook id:' line to the next hook's status line)."""
    m = re.search(rf"- hook id: {re.escape(hook_id)}\n(.*?)(?=\n[^\n]*\.{{3,}}(?:Passed|Failed|Skipped)|\Z)", out,
                  re.DOTALL)
    assert m, f"no output block for hook {hook_id}:\n{out}"
    return m.group(1)


def _status(out: str, name: str) -> str:
    m = re.search(rf"^{re.escape(name)}\.+(Passed|Failed|Skipped)", out, re.MULTILINE)
    assert m, f"hook {name!r} did not run:\n{out}"
    return m.group(1)


def test_hook_file_patterns() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))}
    assert set(hooks) == {"envlint", "envlint-env"}
    for h in hooks.values():
        assert (h["language"], h["pass_filenames"], h["require_serial"]) == ("python", False, True)
    assert hooks["envlint"]["entry"] == "envlint --no-env --offline"  # project files only, no network
    assert hooks["envlint-env"]["entry"] == "envlint" and hooks["envlint-env"]["always_run"] is True
    files = re.compile(hooks["envlint"]["files"])
    for name in ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "requirements-dev.txt",
                 "requirements/base.txt", "sub/pkg/requirements.in", "envlint.toml", "src/pkg/mod.py",
                 "environment.yml"):
        assert files.search(name), name
    for name in ("README.md", "data/train.csv", "pyproject.toml.bak", "notes/requirements.md", "setup.pyc"):
        assert not files.search(name), name


def _env_with(base: Path, wheels: Path, *requirements: str) -> Path:
    venv = make_venv(base)
    pip_install(venv, *requirements, find_links=wheels)
    return venv


def test_try_repo_failing_then_passing_commit(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = _machine_behind_a_mirror(tmp_path, _base_environ(tmp_path))
    reason = _registry_unreachable(env)
    if reason:
        pytest.skip(f"pre-commit installs the hook from a package index: {reason}")
    assert get_rule("BLD001") is not None
    source = _hook_source(tmp_path)

    wheels = tmp_path / "wheels"
    make_wheel(wheels, "dask", "2022.1.0")
    make_wheel(wheels, "dask", "2022.5.1")
    make_wheel(wheels, "distributed", "2022.5.1", requires=["dask==2022.05.1"])

    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    # The hooks are checked for their wiring and for what they make of this machine's pip configuration
    # (SRC001), not against the public index (offline, empty cache): only these rules run.
    (repo / "envlint.toml").write_text(f'select = ["PIN001", "BLD001", "EL001", "SRC001"]\noffline = true\n'
                                       f'cache-dir = "{(tmp_path / "envlint-cache").as_posix()}"\n')
    (repo / ".gitignore").write_text(".venv/\n")
    (repo / "requirements.txt").write_text("# cluster pins\ndask==2022.1.0\ndistributed==2022.05.1\n")
    # crick 0.0.3's pattern: setup.py imports numpy, and nothing tells the isolated build to install it
    (repo / "setup.py").write_text("import numpy\nfrom setuptools import setup\n\n"
                                   "setup(name='crunch', version='0.1', include_dirs=[numpy.get_include()])\n")
    # the user's project venv, with the seed conflict
    _env_with(repo / ".venv", wheels, "dask==2022.1.0", "distributed==2022.5.1")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "failing")

    failing = _try_repo(source, repo, env)
    out = failing.stdout + failing.stderr
    assert failing.returncode == 1, out
    assert _status(out, "envlint (project and environment)") == "Failed"
    env_block = _hook_output(out, "envlint-env")
    assert "requirements.txt:2:1: PIN001 [error] distributed 2022.5.1 requires dask==2022.05.1, but dask " \
           "2022.1.0 is installed" in env_block
    # the user's .venv, not the hook's own venv (which pre-commit put in VIRTUAL_ENV)
    assert "Environment: venv .venv (found via .venv)" in env_block  # relative to the hook's working directory
    assert _status(out, "envlint (project files)") == "Failed"
    project_block = _hook_output(out, "envlint")
    [bld] = [line for line in project_block.splitlines() if "BLD001" in line]
    assert bld.startswith("setup.py:1:") and "BLD001 [error]" in bld and "numpy" in bld
    assert "PIN001 [error]" not in project_block  # --no-env: the project's files only
    # the machine's pip.conf and $PIP_FIND_LINKS: never judged by the project-only hook; the
    # environment hook judges them and names the file
    assert "SRC001" not in project_block and "pip.conf" not in project_block
    pip_conf = Path(env["HOME"]) / ".config" / "pip" / "pip.conf"
    assert f"{pip_conf}:" in env_block and "SRC001 [warning]" in env_block
    assert "$PIP_FIND_LINKS sets find-links" in env_block
    (repo / "envlint.toml").write_text(f'select = ["PIN001", "BLD001", "EL001"]\noffline = true\n'
                                       f'cache-dir = "{(tmp_path / "envlint-cache").as_posix()}"\n')

    # The fix: declare the build dependency, pin versions that agree, and work in a venv that has them.
    (repo / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools>=68", "numpy"]\n'
                                         'build-backend = "setuptools.build_meta"\n')
    (repo / "requirements.txt").write_text("# cluster pins\ndask==2022.5.1\ndistributed==2022.05.1\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "passing")
    activated = _env_with(tmp_path / "activated", wheels, "dask==2022.5.1", "distributed==2022.5.1")
    # `source activated/bin/activate`; .venv (still broken, untracked) must not be what is linted
    env = {**env, "VIRTUAL_ENV": str(activated), "PATH": f"{activated / 'bin'}{os.pathsep}{env['PATH']}"}

    passing = _try_repo(source, repo, env)
    out = passing.stdout + passing.stderr
    assert passing.returncode == 0, out
    assert _status(out, "envlint (project files)") == "Passed"
    assert _status(out, "envlint (project and environment)") == "Passed"
    env_block = _hook_output(out, "envlint-env")
    assert f"Environment: venv {activated} (found via PATH)" in env_block
    assert "All checks passed." in env_block
