"""Direct reference (SRC002).

## What it does
Finds installed distributions that came from a direct reference instead of a package index: a VCS
URL (`pip install git+https://...`), or an archive (`pip install ./dist/foo-1.0.tar.gz`,
`pip install https://.../foo-1.0.whl`). pip records this in the distribution's `direct_url.json`
(`vcs_info` or `archive_info`); envlint names the source: the VCS URL and commit, or the archive's
path or URL. Editable and local-directory installs are LOC001 instead.

It also reads what the project declares, without an environment: `pkg @ git+https://...` in
pyproject.toml, setup.cfg, setup.py or a requirements file, `-e git+...`, a wheel, archive or
directory path in a requirements file or environment.yml, `[tool.uv.sources]` git/path/url entries
and poetry git/path/url dependencies, each at its line. A declaration whose distribution is
installed from that reference is reported once, by the installed copy, at the declaring line.

## Why it breaks package sync
Package sync installs the workers from PyPI. A distribution from a direct reference is not there
(or not at that version and source), so package sync has to rebuild it as a wheel on this machine
from the recorded source. That breaks when the source is gone or unreachable from this machine
(a deleted archive, a private repository, a commit that was force-pushed away), when it does not
build as a wheel, and when it holds compiled code and this machine is not 64-bit Linux: nothing is
cross-compiled.

## Example
```text
pip install "geodata @ git+https://example.invalid/acme/geodata.git@v1.2.0"
```
`geodata 1.2.0 was installed from git https://example.invalid/acme/geodata.git at commit 8f3c2a1d9e4b (requested v1.2.0), not from a package index`

## How to fix
Publish the distribution to PyPI and install it from there, or replace it with a released version
that is on PyPI. If it must stay a direct reference, make sure the source stays reachable from
the machine that launches the cluster and builds there: `pip wheel "<the reference>"`.
"""

from __future__ import annotations

from envlint.diagnostics import Severity
from envlint.registry import declare
from envlint.rules.src002_direct_reference import environment, project

declare(__name__, code="SRC002", name="direct-reference", severity=Severity.WARNING,
        summary="A distribution comes from a VCS URL or an archive, not from a package index",
        checks=(environment.check, project.check))
