"""Test helpers: real wheels, real venvs (python -m venv + pip), and running the real CLI.

Wheels are built here as real zip archives with dist-info (METADATA, WHEEL, RECORD) and installed
with pip into venvs made by ``python -m venv``; pip never sees the machine's own configuration
(PIP_CONFIG_FILE=/dev/null, no index), so tests run offline.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from envlint.cli import main

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"


#: One throwaway cache dir per test process: no test reads or fills the user's real index cache.
TEST_CACHE_HOME = tempfile.mkdtemp(prefix="envlint-test-cache-")


def clean_environ(**extra: str) -> dict[str, str]:
    """The process environment without anything that points pip/uv/envlint elsewhere."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV", "CONDA_", "PYTHON", "ENVLINT_"))}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    env["XDG_CACHE_HOME"] = TEST_CACHE_HOME
    env.update(extra)
    return env


def _record_line(arcname: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def make_wheel(wheelhouse: Path, name: str, version: str, *, requires: Iterable[str] = (),
               requires_python: str | None = None, extras: Iterable[str] = (),
               files: Mapping[str, bytes | str] | None = None, tag: str = "py3-none-any",
               purelib: bool | None = None, metadata_extra: str = "") -> Path:
    """Write a real wheel ``name-version-tag.whl`` into ``wheelhouse``; returns its path."""
    wheelhouse.mkdir(parents=True, exist_ok=True)
    dist = name.replace("-", "_").replace(".", "_")
    dist_info = f"{dist}-{version}.dist-info"
    module = dist.lower()
    files = dict(files) if files is not None else {f"{module}/__init__.py": f"__version__ = {version!r}\n"}
    meta = [f"Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        meta.append(f"Requires-Python: {requires_python}")
    meta += [f"Provides-Extra: {e}" for e in extras]
    meta += [f"Requires-Dist: {r}" for r in requires]
    metadata = "\n".join(meta) + "\n" + metadata_extra + "\n"
    if purelib is None:
        purelib = tag.endswith("-any")
    wheel = (f"Wheel-Version: 1.0\nGenerator: envlint-tests\nRoot-Is-Purelib: {'true' if purelib else 'false'}\n"
             + "".join(f"Tag: {t}\n" for t in _expand_tag(tag)))
    contents: dict[str, bytes] = {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}
    contents[f"{dist_info}/METADATA"] = metadata.encode()
    contents[f"{dist_info}/WHEEL"] = wheel.encode()
    record = [_record_line(k, v) for k, v in contents.items()] + [f"{dist_info}/RECORD,,"]
    contents[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = wheelhouse / f"{dist}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, data in contents.items():
            zf.writestr(arcname, data)
    return path


def _expand_tag(tag: str) -> list[str]:
    py, abi, plat = tag.split("-")
    return [f"{a}-{b}-{c}" for a in py.split(".") for b in abi.split(".") for c in plat.split(".")]


def make_venv(path: Path) -> Path:
    """A real venv without pip (fast); packages go in with the test runner's pip ``--python``."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True,
                   env=clean_environ())
    return path


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def pip_install(venv: Path, *args: str | os.PathLike[str], find_links: Path | None = None,
                no_deps: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "pip", "--python", str(venv_python(venv)), "install", "--no-index",
           "--no-build-isolation", "-q"]
    if no_deps:
        cmd.append("--no-deps")
    if find_links:
        cmd += ["--find-links", str(find_links)]
    cmd += [str(a) for a in args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=clean_environ())


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3.*/site-packages"))


def run_envlint(*args: str | os.PathLike[str], env: Mapping[str, str] | None = None,
                cwd: Path | None = None) -> tuple[int, str]:
    """Run the CLI in-process with a controlled environment; returns (exit code, stdout)."""
    from envlint import config as config_module

    out = io.StringIO()
    environ = dict(env) if env is not None else clean_environ()
    saved_env = os.environ.copy()
    saved_cwd = Path.cwd()
    try:
        os.environ.clear()
        os.environ.update(environ)
        if cwd:
            os.chdir(cwd)
        code = main([str(a) for a in args], stdout=out)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
    del config_module
    return code, out.getvalue()


def run_json(*args: str | os.PathLike[str], env: Mapping[str, str] | None = None,
             cwd: Path | None = None) -> tuple[int, dict]:
    code, out = run_envlint(*args, "--format", "json", env=env, cwd=cwd)
    return code, json.loads(out)


def codes(report: dict, package: str | None = None) -> set[str]:
    return {d["code"] for d in report["diagnostics"] if package is None or d["package"] == package}


def find(report: dict, code: str, package: str | None = None) -> list[dict]:
    return [d for d in report["diagnostics"] if d["code"] == code and (package is None or d["package"] == package)]


def run_cli_subprocess(*args: str | os.PathLike[str], env: Mapping[str, str] | None = None,
                       cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "envlint", *map(str, args)], capture_output=True, text=True,
                          env=dict(env) if env is not None else clean_environ(), cwd=cwd, timeout=300)


def permissions_bind_us() -> bool:
    """Whether ``chmod 000`` keeps this process out: False for root with its usual capabilities."""
    with tempfile.TemporaryDirectory() as directory:
        probe = Path(directory) / "probe"
        probe.write_text("")
        probe.chmod(0)
        try:
            probe.open().close()
        except PermissionError:
            return True
        finally:
            probe.chmod(0o600)
    return False


def without_file_powers() -> list[str] | None:
    """A command prefix under which ``chmod 000`` keeps envlint out, as it does for a user without root.

    Nothing for an ordinary user; for root, ``setpriv`` dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
    (``--reuid`` to an unprivileged user cannot work: the interpreter may live under /root, mode 0700).
    None when neither works here; the permission tests then skip.
    """
    if permissions_bind_us():
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]
    with tempfile.TemporaryDirectory() as directory:
        probe = Path(directory) / "probe"
        probe.write_text("")
        probe.chmod(0)
        try:
            result = subprocess.run([*prefix, sys.executable, "-I", "-S", "-c", f"open({str(probe)!r})"],
                                    capture_output=True, text=True, timeout=60)
        finally:
            probe.chmod(0o600)
    return prefix if "PermissionError" in result.stderr else None


def run_json_without_file_powers(*args: str | os.PathLike[str], env: Mapping[str, str] | None = None,
                                 ) -> tuple[int, dict]:
    """The CLI in a subprocess that chmod 000 binds (see :func:`without_file_powers`), JSON out."""
    prefix = without_file_powers()
    assert prefix is not None, "callers skip when permissions cannot bind"
    result = subprocess.run([*prefix, sys.executable, "-m", "envlint", *map(str, args), "--format", "json"],
                            capture_output=True, text=True, env=dict(env) if env is not None else clean_environ(),
                            timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)
