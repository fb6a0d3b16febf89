"""A repository's configuration cannot make envlint do something dangerous (issue 15, docs/security.md):
send the environment's package names to a host of its choosing, write outside the project, or hang a
run for hours. Keys a found project file may not set are reported as a skipped line and not applied;
time limits are capped wherever they come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.hostile_cases import project
from tests.helpers.index_server import IndexServer
from tests.helpers.project_cases import environ
from tests.helpers.support import make_venv, make_wheel, pip_install, run_envlint


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("config-venv")
    make_wheel(base / "wheels", "private-internal-tool", "1.0")
    env = make_venv(base / "venv")
    pip_install(env, "private-internal-tool", find_links=base / "wheels")
    return env


def test_a_project_index_url_never_receives_the_environments_package_names(tmp_path: Path, venv: Path) -> None:
    root = project(tmp_path, crick=False)
    with IndexServer() as collector:
        (root / "pyproject.toml").write_text(
            f'[tool.envlint]\nindex-url = "{collector.url}"\ntimeout = 1\nretries = 1\nselect = ["SRC003"]\n')
        code, out = run_envlint(root, "--prefix", venv, "--format", "json", env=environ(tmp_path))
        report = json.loads(out)

        assert collector.log == [], collector.log
    reasons = [s["reason"] for s in report["skipped"] if s["what"] == "configuration"]
    assert len(reasons) == 1 and "'index-url' not applied" in reasons[0], report["skipped"]


def test_the_same_setting_given_by_the_user_is_applied(tmp_path: Path, venv: Path) -> None:
    root = project(tmp_path, crick=False)
    config = tmp_path / "ci-envlint.toml"
    with IndexServer() as index:
        config.write_text(f'index-url = "{index.url}"\ntimeout = 2\nretries = 1\nselect = ["SRC003"]\n')
        run_envlint(root, "--prefix", venv, "--config", config, "--format", "json",
                    "--cache-dir", tmp_path / "cache", env=environ(tmp_path))
        assert index.requests_for("/simple/private-internal-tool")


@pytest.mark.parametrize("setting, limit", [("timeout = 100000", "at most 120"), ("retries = 1000", "at most 10"),
                                            ("resolver-timeout = 86400", "at most 600"),
                                            ("resolver-max-rounds = 100000000", "at most 100000")])
def test_time_limits_are_capped(tmp_path: Path, setting: str, limit: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, crick=False)
    (root / "envlint.toml").write_text(setting + "\n")

    code, _ = run_envlint(root, "--no-env", "--offline", env=environ(tmp_path))

    assert code == 2
    assert limit in capsys.readouterr().err


def test_a_project_cache_dir_is_not_written(tmp_path: Path, venv: Path) -> None:
    root = project(tmp_path, crick=False)
    escape = tmp_path / "escaped-cache"
    (root / "pyproject.toml").write_text('[tool.envlint]\ncache-dir = "../escaped-cache"\nselect = ["SRC003"]\n')

    _, out = run_envlint(root, "--prefix", venv, "--offline", "--format", "json", env=environ(tmp_path))

    assert not escape.exists()
    assert any("'cache-dir' not applied" in s["reason"] for s in json.loads(out)["skipped"])


def test_a_relative_cache_dir_is_relative_to_its_configuration_file(tmp_path: Path, venv: Path) -> None:
    root = project(tmp_path, crick=False)
    (root / "ci").mkdir()
    (root / "ci" / "envlint.toml").write_text('cache-dir = "index-cache"\nselect = ["SRC003"]\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    run_envlint(root, "--prefix", venv, "--offline", "--config", root / "ci" / "envlint.toml",
                env=environ(tmp_path), cwd=elsewhere)

    assert (root / "ci" / "index-cache").is_dir()
    assert not (elsewhere / "index-cache").exists()
