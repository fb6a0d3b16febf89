"""SRC001: every configured package source other than PyPI, with its file and line (or variable).

Each run gets HOME/XDG directories inside tmp_path, so the machine's own pip configuration never
leaks in; pip configuration files are read only where a test turns them on.
"""

from __future__ import annotations

from pathlib import Path

from pypi_simple import PYPI_SIMPLE_ENDPOINT

from tests.helpers.project_cases import case, environ, found, lint, messages
from tests.helpers.support import make_venv


def _pathless(report: dict) -> list[str]:
    return sorted(d["message"] for d in report["diagnostics"] if d["code"] == "SRC001" and d["path"] is None)


def test_requirements_options_including_a_nested_file(tmp_path: Path) -> None:
    code, report = lint(case("requirements_index_options", tmp_path), "--select", "SRC001", env=environ(tmp_path))
    assert code == 1
    assert found(report, "SRC001") == [("requirements.txt", 2), ("requirements.txt", 3), ("requirements.txt", 4),
                                       ("requirements/dev.txt", 2)]
    text = "\n".join(messages(report, "SRC001"))
    assert "sets index-url https://mirror.example.invalid/simple" in text
    assert "sets extra-index-url https://download.example.invalid/whl/cpu" in text
    assert "requirements file requirements/dev.txt sets find-links https://wheels.example.invalid/dev/" in text
    assert "trusted-host" not in text  # trusting a host is not a package source


def test_no_index(tmp_path: Path) -> None:
    code, report = lint(case("requirements_no_index", tmp_path), "--select", "SRC001", env=environ(tmp_path))
    assert found(report, "SRC001") == [("requirements.txt", 1), ("requirements.txt", 2)]
    assert "no-index: pip ignores PyPI" in messages(report, "SRC001")[0]


def test_plain_requirements_and_pypi_itself_are_clean(tmp_path: Path) -> None:
    project = case("requirements_plain", tmp_path)
    # PyPI's own endpoint, spelled without the trailing slash, is not another index
    (project / "requirements" / "dev.txt").write_text(f"--index-url {PYPI_SIMPLE_ENDPOINT.rstrip('/')}\npytest>=8\n")
    code, report = lint(project, "--select", "SRC001", env=environ(tmp_path))
    assert report["diagnostics"] == [] and code == 0


def test_uv_index_uv_toml_and_uv_variables(tmp_path: Path) -> None:
    project = case("uv_index", tmp_path)
    env = environ(tmp_path, UV_INDEX="internal=https://uv.example.invalid/simple", UV_NO_CONFIG="")
    # $UV_INDEX is this machine's configuration: judged in an environment run on this machine only
    venv = make_venv(tmp_path / "venv")
    code, report = lint(project, "--prefix", str(venv), "--select", "SRC001", env=env, no_env=False)
    assert found(report, "SRC001")[:2] == [("pyproject.toml", 8), ("uv.toml", 1)]
    text = "\n".join(messages(report, "SRC001"))
    assert "uv index 'pytorch-cpu' (explicit) in [tool.uv] in pyproject.toml sets a uv index" in text
    assert _pathless(report) == ["$UV_INDEX sets a uv index https://uv.example.invalid/simple: packages may come "
                                 "from a source package sync does not use"]

    # UV_NO_CONFIG turns uv.toml off (pyproject's [tool.uv] is project metadata and stays)
    code, report = lint(project, "--select", "SRC001", env=environ(tmp_path, UV_NO_CONFIG="1"))
    assert found(report, "SRC001") == [("pyproject.toml", 8)]


def test_poetry_source(tmp_path: Path) -> None:
    code, report = lint(case("poetry_source", tmp_path), "--select", "SRC001", env=environ(tmp_path))
    assert found(report, "SRC001") == [("pyproject.toml", 13)]
    assert "poetry source 'private' (priority supplemental) sets a poetry source https://pypi.example.invalid/simple/" \
        in messages(report, "SRC001")[0]


def test_environment_yml_pip_options(tmp_path: Path) -> None:
    env = environ(tmp_path)
    code, report = lint(case("environment_yml_pip_options", tmp_path), "--select", "SRC001", env=env)
    assert found(report, "SRC001") == [("environment.yml", 9)]
    [diag] = report["diagnostics"]
    assert diag["column"] == 7 and "environment.yml pip options sets extra-index-url" in diag["message"]

    code, report = lint(case("environment_yml_plain", tmp_path), "--select", "SRC001", env=env)
    assert report["diagnostics"] == []


def test_pip_configuration_layers_and_variables(tmp_path: Path) -> None:
    project = case("requirements_plain", tmp_path)
    env = environ(tmp_path, pip_config=True, PIP_EXTRA_INDEX_URL="https://env.example.invalid/simple")
    home = Path(env["HOME"])
    user = home / ".config" / "pip" / "pip.conf"
    user.parent.mkdir(parents=True)
    user.write_text("[global]\ntimeout = 60\n\n[install]\nextra-index-url =\n    https://a.example.invalid/simple\n"
                    "    https://b.example.invalid/simple\n")
    legacy = home / ".pip" / "pip.conf"
    legacy.parent.mkdir(parents=True)
    legacy.write_text(f"[global]\nindex-url = {PYPI_SIMPLE_ENDPOINT}\nfind-links = /srv/wheels\n")
    venv = make_venv(tmp_path / "venv")
    (venv / "pip.conf").write_text("[global]\nindex-url = https://site.example.invalid/simple\n")

    code, report = lint(project, "--prefix", str(venv), "--select", "SRC001", env=env, no_env=False)
    assert found(report, "SRC001") == [
        (str(user), 6), (str(user), 7), (str(legacy), 3), (str(venv / "pip.conf"), 2), (None, None)]
    text = "\n".join(messages(report, "SRC001"))
    assert "pip user configuration [install] sets extra-index-url https://a.example.invalid/simple" in text
    assert "the environment's own pip.conf [global] sets index-url https://site.example.invalid/simple" in text
    assert "$PIP_EXTRA_INDEX_URL sets extra-index-url https://env.example.invalid/simple" in text

    # PIP_CONFIG_FILE=/dev/null turns every file off, as it does for pip; the variable stays
    env["PIP_CONFIG_FILE"] = "/dev/null"
    code, report = lint(project, "--prefix", str(venv), "--select", "SRC001", env=env, no_env=False)
    assert found(report, "SRC001") == [(None, None)]

    # an existing PIP_CONFIG_FILE replaces the user files
    own = tmp_path / "ci-pip.conf"
    own.write_text("[global]\nfind-links = https://ci.example.invalid/wheels/\n")
    env["PIP_CONFIG_FILE"] = str(own)
    del env["PIP_EXTRA_INDEX_URL"]
    code, report = lint(project, "--prefix", str(venv), "--select", "SRC001", env=env, no_env=False)
    assert found(report, "SRC001") == [(str(own), 2), (str(venv / "pip.conf"), 2)]


def test_credentials_in_an_index_url_are_not_printed(tmp_path: Path) -> None:
    project = case("requirements_plain", tmp_path)
    (project / "requirements.txt").write_text("-i https://bot:s3cr3t@private.example.invalid/simple\nnumpy\n")
    code, report = lint(project, "--select", "SRC001", env=environ(tmp_path))
    [message] = messages(report, "SRC001")
    assert "s3cr3t" not in message and "https://bot:***@private.example.invalid/simple" in message


def test_pip_configuration_files_of_macos_and_windows(tmp_path: Path) -> None:
    # read where they exist, whatever the host: the environment may be a Mac's or a Windows machine's
    project = case("requirements_plain", tmp_path)
    windows = tmp_path / "windows"
    env = environ(tmp_path, pip_config=True, APPDATA=str(windows / "AppData" / "Roaming"),
                  ProgramData=str(windows / "ProgramData"), USERPROFILE=str(windows / "Users" / "alex"))
    home = Path(env["HOME"])
    mac_user = home / "Library" / "Application Support" / "pip" / "pip.conf"
    mac_user.parent.mkdir(parents=True)
    mac_user.write_text("[global]\nindex-url = https://mac.example.invalid/simple\n")
    app_data = windows / "AppData" / "Roaming" / "pip" / "pip.ini"
    app_data.parent.mkdir(parents=True)
    app_data.write_text("[install]\nfind-links = https://appdata.example.invalid/wheels/\n")
    program_data = windows / "ProgramData" / "pip" / "pip.ini"
    program_data.parent.mkdir(parents=True)
    program_data.write_text("[global]\nextra-index-url = https://programdata.example.invalid/simple\n")
    legacy_windows = windows / "Users" / "alex" / "pip" / "pip.ini"
    legacy_windows.parent.mkdir(parents=True)
    legacy_windows.write_text("[global]\nno-index = true\n")
    venv = make_venv(tmp_path / "venv")
    (venv / "pip.ini").write_text("[global]\nindex-url = https://venv-ini.example.invalid/simple\n")

    code, report = lint(project, "--prefix", str(venv), "--select", "SRC001", env=env, no_env=False)
    assert code == 1
    assert sorted(found(report, "SRC001")) == sorted([(str(program_data), 2), (str(legacy_windows), 2),
                                                      (str(mac_user), 2), (str(app_data), 2),
                                                      (str(venv / "pip.ini"), 2)])
    text = "\n".join(messages(report, "SRC001"))
    assert "pip user configuration [global] sets index-url https://mac.example.invalid/simple" in text
    assert "pip global configuration [global] sets extra-index-url https://programdata.example.invalid/simple" in text

    # an existing PIP_CONFIG_FILE replaces the user files (macOS and Windows ones too), as for pip
    own = tmp_path / "ci-pip.conf"
    own.write_text("[global]\ntimeout = 60\n")
    env["PIP_CONFIG_FILE"] = str(own)
    code, report = lint(project, "--prefix", str(venv), "--select", "SRC001", env=env, no_env=False)
    assert sorted(found(report, "SRC001")) == sorted([(str(program_data), 2), (str(venv / "pip.ini"), 2)])


def test_macos_user_pip_configuration_without_index_settings_is_clean(tmp_path: Path) -> None:
    project = case("requirements_plain", tmp_path)
    env = environ(tmp_path, pip_config=True)
    mac_user = Path(env["HOME"]) / "Library" / "Application Support" / "pip" / "pip.conf"
    mac_user.parent.mkdir(parents=True)
    mac_user.write_text("[global]\ntimeout = 60\n[install]\ntrusted-host = mac.example.invalid\n")
    venv = ("--prefix", str(make_venv(tmp_path / "venv")))
    code, report = lint(project, *venv, "--select", "SRC001", env=env, no_env=False)
    assert report["diagnostics"] == [] and code == 0
    # and PIP_CONFIG_FILE=/dev/null turns it off like every other file
    mac_user.write_text("[global]\nindex-url = https://mac.example.invalid/simple\n")
    code, report = lint(project, *venv, "--select", "SRC001", env=environ(tmp_path), no_env=False)
    assert report["diagnostics"] == [] and code == 0
    code, report = lint(project, *venv, "--select", "SRC001", env=env, no_env=False)
    assert found(report, "SRC001") == [(str(mac_user), 2)]
    # a project-only run never judges this machine's configuration
    code, report = lint(project, "--select", "SRC001", env=env)
    assert report["diagnostics"] == [] and code == 0


def test_comparing_with_pypi_does_not_load_the_http_stack(tmp_path: Path) -> None:
    """SRC001 needs PyPI's endpoint only to compare URLs: after the first run has remembered it, a run
    does not import pypi-simple (pydantic, BeautifulSoup), which would slow every lint down."""
    import json
    import subprocess
    import sys

    project = case("requirements_plain", tmp_path)
    (project / "requirements" / "dev.txt").write_text(
        f"--index-url {PYPI_SIMPLE_ENDPOINT}\n--extra-index-url https://extra.example.invalid/simple\npytest\n")
    env = environ(tmp_path, XDG_CACHE_HOME=str(tmp_path / "cache"))
    argv = [sys.executable, "-X", "importtime", "-m", "envlint", str(project), "--isolated", "--no-env",
            "--select", "SRC001", "--format", "json"]
    runs = [subprocess.run(argv, env=env, capture_output=True, text=True) for _ in range(2)]
    for run in runs:
        shown = [d["message"] for d in json.loads(run.stdout)["diagnostics"]]
        assert len(shown) == 1 and "extra-index-url https://extra.example.invalid/simple" in shown[0]
    imported = {line.rsplit("|", 1)[-1].strip() for line in runs[1].stderr.splitlines() if "|" in line}
    assert not imported & {"pypi_simple", "pydantic", "bs4", "requests"}
