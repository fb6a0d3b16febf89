"""Needs a system program or library at run time (SYS003).

## What it does
Reports installed distributions that are known to call a system program or load a system library
at run time which their wheels do not bundle: `graphviz`/`pydot` need Graphviz's `dot`,
`pdf2image` needs poppler, `pytesseract` needs `tesseract`, `python-magic` needs libmagic,
`pyodbc` needs unixODBC, `weasyprint` needs Pango, and more. The table lives in
`envlint/data/system-requirements.toml`, one line per distribution, with what is needed, a command
that checks for it and the conda-forge package that provides it. In a conda environment that
already has that conda package installed, nothing is reported. Needs no network.

## Why it breaks package sync
Package sync installs Python packages, not what `apt` or Homebrew put on your laptop. The
environment installs fine on the workers, and the first call that needs the program fails there
(`FileNotFoundError: 'dot'`, `PDFInfoNotInstalledError`, `ImportError: failed to find libmagic`).

## Example
```text
pdf2image==1.17.0
```
`pdf2image needs poppler (pdftoppm, pdfinfo) at run time; its wheel does not bundle it and package sync does not install system packages`

## How to fix
Install the system dependency with conda from conda-forge (`conda install -c conda-forge poppler`):
package sync mirrors conda packages, including non-Python ones. Otherwise build a Docker image
with it (`apt-get install poppler-utils`) and use that as the software environment.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.environment.reader import Environment
from envlint.facts.environment.system_requirements import SystemRequirements
from envlint.registry import rule


@rule(code="SYS003", name="system-requirement", severity=Severity.WARNING,
      summary="A distribution needs a system program or library at run time that its wheel does not bundle",
      precision="medium")
def check(environment: Environment, system_requirements: SystemRequirements) -> Iterator[Finding]:
    for dist in environment.distributions:
        need = system_requirements.needs.get(dist.canonical_name)
        if need is None or system_requirements.met_by_conda(need):
            continue
        conda = " ".join(need.conda.split())
        help_text = (f"install it with conda (conda install -c conda-forge {conda}), which package sync mirrors, "
                     f"or use a Docker image that has it (apt-get install {need.apt}); check with `{need.check}`")
        if need.note:
            help_text += f"; note: {need.note}"
        yield Finding(
            message=(f"{dist.name} needs {need.needs} at run time; its wheel does not bundle it and package sync "
                     "does not install system packages"),
            package=dist.canonical_name, package_version=dist.version, help=help_text,
        )
