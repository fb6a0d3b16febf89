"""ARM target (PLT001).

## What it does
Reports when the target platform is ARM (`--platform linux_aarch64`, or `platform` in the
configuration). It needs no environment: it is about the cluster, not the packages.

## Why it breaks package sync
Package sync does not support clusters of ARM instances, even when the cluster is launched from an
ARM machine (an Apple silicon Mac, a Graviton instance). The cluster does not start with a synced
environment.

An environment made on an ARM laptop for the default x86_64 workers is fine for pure Python;
compiled code built locally on that laptop is BLD004.

## Example
```text
envlint . --platform linux_aarch64
```
`the target linux_aarch64 is ARM: package sync does not support ARM clusters`

## How to fix
Use x86_64 instances for the cluster (envlint's default target, `linux_x86_64`), or build a Docker
image for ARM workers and use it instead of package sync.
"""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding, Severity
from envlint.facts.target import Target
from envlint.registry import rule


@rule(code="PLT001", name="arm-target", severity=Severity.ERROR,
      summary="Package sync does not support ARM clusters")
def check(target: Target) -> Iterator[Finding]:
    if target.is_arm:
        yield Finding(
            message=f"the target {target.platform} is ARM: package sync does not support ARM clusters",
            help="use x86_64 instances for the cluster (target linux_x86_64), or build a Docker image for ARM "
                 "workers instead of using package sync",
        )
