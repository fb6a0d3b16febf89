"""PATH arguments, selector typos, platform values, interpreter symlinks, legacy develop installs,
and output hygiene in the GitHub format."""

from __future__ import annotations

from pathlib import Path

from support import clean_environ, find, make_venv, run_cli_subprocess, run_envlint, run_json, site_packages

READ = "import pandas as pd\ndf = pd.read_csv('data/x.csv')\n# COILED n-tasks 1\n"  # a script run on the cluster


def test_several_projects_are_refused_and_a_file_restricts_to_itself(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "load.py").write_text(READ)
    (tmp_path / "b" / "other.py").write_text(READ)
    # never merged silently into their common parent (tests/integration/test_repository_paths.py)
    code, _ = run_envlint(tmp_path / "a", tmp_path / "b", "--no-env", "--select", "DAT001")
    assert code == 2
    _, report = run_json(tmp_path / "b" / "load.py", "--no-env", "--select", "DAT001")
    assert [d["path"] for d in report["diagnostics"]] == ["load.py"]


def test_check_subcommand_after_options(tmp_path: Path) -> None:
    proc = run_cli_subprocess("--no-env", "check", ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_unknown_selector_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    proc = run_cli_subprocess(tmp_path, "--no-env", "--select", "PIM")
    assert proc.returncode == 2
    assert "unknown rule code or prefix 'PIM' in 'select'" in proc.stderr
    (tmp_path / "envlint.toml").write_text("ignore = ['XYZ9']\n")
    proc = run_cli_subprocess(tmp_path, "--no-env")
    assert proc.returncode == 2 and "envlint.toml" in proc.stderr and "'XYZ9'" in proc.stderr


def test_platform_must_be_a_linux_tag_and_errors_name_the_key(tmp_path: Path) -> None:
    (tmp_path / "envlint.toml").write_text("platform = 'macosx_11_0_arm64'\n")
    proc = run_cli_subprocess(tmp_path, "--no-env")
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert "envlint.toml" in line and "'platform'" in line and "Linux" in line


def test_python_symlink_to_a_venv_interpreter_lints_that_venv(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "venv")
    link = tmp_path / "py"
    link.symlink_to(venv / "bin" / "python")
    _, report = run_json(tmp_path, "--python", link, "--select", "PIN001")
    assert report["environment"]["path"] == str(venv) and report["environment"]["kind"] == "venv"


def test_legacy_develop_install_found_through_its_egg_link(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "venv")
    src = tmp_path / "src" / "legacypkg"
    (src / "legacy_pkg.egg-info").mkdir(parents=True)
    (src / "legacy_pkg.egg-info" / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: legacy-pkg\nVersion: 0.9\n")
    (src / "legacy_pkg.egg-info" / "requires.txt").write_text("six>=1.16\n")
    (site_packages(venv) / "legacy-pkg.egg-link").write_text(f"{src}\n.")  # no easy-install.pth line
    _, report = run_json(tmp_path, "--prefix", venv, "--select", "LOC001,PIN002")
    [loc] = find(report, "LOC001", "legacy-pkg")
    assert str(src) in loc["message"]
    assert find(report, "PIN002", "six")  # its requires.txt is read too


def test_github_format_drops_escape_sequences_from_names(tmp_path: Path) -> None:
    (tmp_path / "load.py").write_text("import pandas as pd\ndf = pd.read_csv('x\x1b]0;pwned\x07\x1b[31m.csv')\n# COILED n-tasks 1\n")
    code, out = run_envlint(tmp_path, "--no-env", "--select", "DAT001", "--format", "github",
                            env=clean_environ())
    assert code == 1
    [line] = [l for l in out.splitlines() if l.startswith("::")]
    assert line.startswith("::warning file=load.py,line=2") and "\x1b" not in line and "\x07" not in line


def test_output_piped_into_a_reader_that_stops_early(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "load.py").write_text("".join(f"open('f{i}.csv')\n" for i in range(3000)) + "# COILED n-tasks 1\n")
    proc = subprocess.run(f"{sys.executable} -m envlint {tmp_path} --no-env --select DAT001 | head -1",
                          shell=True, capture_output=True, text=True, env=clean_environ(), timeout=120)
    assert proc.stdout.startswith("load.py:1:1: DAT001")
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr
