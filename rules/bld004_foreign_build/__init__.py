"""Built for another platform (BLD004).

## What it does
Finds installed distributions whose compiled code was built for another platform than the
workers' and that package sync has to take from this machine: local packages (editable or
directory installs) and direct references (VCS URLs, archives). The platform comes from the WHEEL
file's `Tag:` lines (`macosx_11_0_arm64`, `win_amd64`, or a bare `linux_aarch64` when the workers
are x86_64); without a WHEEL file, from the headers of its compiled files (ELF machine, Mach-O,
PE), or from the file name of the installed wheel archive (all a `pip inspect` report has).

Distributions installed from an index are not reported: the workers fetch their own build of the
same version (whether one exists for Linux is a question for the index rules).

The project part covers local packages whose source compiles native code (`ext_modules`, Cython,
setuptools-rust, maturin, scikit-build-core, meson-python) but whose platform no wheel tag records:
the project itself, editable installs tagged `py3-none-any`, legacy develop installs. They are
built where the environment lives (this machine, or the machine of a `pip inspect` snapshot; this
machine when there is no environment, as with `--no-env`); when that platform is not the workers',
the finding points at the `ext_modules` or `build-backend` line.

## Why it breaks package sync
Package sync rebuilds local packages and direct references on the machine that launches the
cluster and does not cross-compile: a wheel built on a Mac holds Mach-O code, one built on an ARM
machine holds ARM code, and neither runs on 64-bit Linux workers. The install on the workers fails,
or the import does.

## Example
```text
pip install ~/Downloads/fastgeo-0.4.1-cp310-cp310-macosx_11_0_arm64.whl   # on a Mac
```
`fastgeo 0.4.1 was built for macosx_11_0_arm64: its compiled code cannot run on linux_x86_64 workers (installed from the archive /Users/alex/Downloads/fastgeo-0.4.1-cp310-cp310-macosx_11_0_arm64.whl)`

## How to fix
Build the distribution for the workers' platform (a manylinux wheel, e.g. with cibuildwheel in
CI), publish it to PyPI and install it from there; or launch the cluster from a 64-bit Linux
machine, where package sync builds it for the right platform.
"""

from __future__ import annotations

from envlint.diagnostics import Severity
from envlint.registry import declare
from envlint.rules.bld004_foreign_build import environment, project

declare(__name__, code="BLD004", name="foreign-build", severity=Severity.ERROR,
        summary="Compiled code that package sync takes from this machine was built for another platform",
        checks=(environment.check, project.check))
