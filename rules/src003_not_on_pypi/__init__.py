"""Not on PyPI (SRC003).

## What it does
Finds installed distributions that package sync cannot get from PyPI although they were installed
from a package index (no `direct_url.json`, not conda). It has two parts.

Offline, envlint knows one sure sign: a version with a *local version label* (`2.1.0+cpu`,
`1.4.0+internal`), installed from an index or a `--find-links` directory. PyPI never accepts local
versions, so the label proves it came from another index (a vendor's, a company's).

With the index, envlint asks the package index (PyPI unless `index-url` says otherwise) for each
of the other distributions: it is an error when the index has no such project (a private package
from another index) or no such version (no file of it), and a warning when the version is yanked,
naming the yank reason. A failed or offline look-up is listed under `skipped` and never read as
"not on PyPI"; offline, a cached page that lacks the version is not trusted either.

Distributions from a VCS URL or an archive are SRC002, local directories LOC001.

## Why it breaks package sync
Package sync installs the workers from PyPI. A project or version PyPI does not have (and no
version with a local label is on PyPI) cannot be installed there: the install fails, or the
cluster never starts. A yanked version still installs when pinned exactly, but its authors
withdrew it for a reason.

## Example
```text
acme-inference==0.8.0+cpu   # from a company index
acme-internal==1.4.0        # from a company index
dask==2022.10.1             # yanked
```
`acme-inference 0.8.0+cpu has the local version label '+cpu': PyPI never serves local versions`

`acme-internal 1.4.0 is not on PyPI: no such project`

## How to fix
Install the public release from PyPI (`pip install "acme-inference==0.8.0"`) if there is one, or
publish the distribution to PyPI under a public version, or vendor it as a local package of the
project. Where the variant matters (CPU or GPU builds of one project), pick the matching
distribution on PyPI instead of a label. For a missing version, pick one PyPI has; for a yanked
version, read the reason and move to the release that replaced it (`pip install "dask==2022.10.2"`).
"""

from __future__ import annotations

from envlint.diagnostics import Severity
from envlint.registry import declare
from envlint.rules.src003_not_on_pypi import index, labels

declare(__name__, code="SRC003", name="not-on-pypi", severity=Severity.ERROR,
        summary="A distribution installed from an index cannot come from PyPI",
        checks=(labels.check, index.check))
