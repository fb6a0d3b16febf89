"""README's demo output is real output: the installed console script, run as the README says from the
repository root, prints exactly the block the README shows."""

from __future__ import annotations

import re
import subprocess

from tests.helpers.support import REPO, clean_environ
from tests.integration.userland import ENVLINT

COMMAND = "envlint examples/demo --inspect examples/demo/laptop-inspect.json --offline"


def test_readme_demo_block_is_what_the_command_prints(tmp_path) -> None:
    readme = (REPO / "README.md").read_text()
    m = re.search(r"```text\n\$ " + re.escape(COMMAND) + r"\n(.*?)```", readme, re.DOTALL)
    assert m, "README has no demo block"
    env = clean_environ(HOME=str(tmp_path), NO_COLOR="1")
    proc = subprocess.run([str(ENVLINT), *COMMAND.split()[1:], "--cache-dir", str(tmp_path / "cache"), "--no-cache"],
                          cwd=REPO, capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert proc.stdout == m.group(1)
