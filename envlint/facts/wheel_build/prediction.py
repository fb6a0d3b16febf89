"""Which files a local package's wheel will hold, predicted statically by its backend's module.

The backend modules live in :mod:`envlint.facts.wheel_build.backends` (one per backend, picked by the
registry there); BLD005's gap-finding is in :mod:`envlint.facts.wheel_build.wheel_gaps`.
"""

from __future__ import annotations

from pathlib import Path

from envlint.facts.wheel_build import backends
from envlint.facts.wheel_build.model import BackendLeavesOut, OutsidePackages
from envlint.facts.wheel_build.package_source import PackageSource
from envlint.facts.wheel_build.wheel_plan import Prediction, WheelPlan, rel
from envlint.facts.project.model import LeftOut


def predict(source: PackageSource) -> Prediction:
    """The backend's wheel plan; ``Prediction(None)`` for a backend envlint does not predict, or when
    the selection is computed at build time."""
    module = backends.module_for(source.backend_module)
    if module is None:
        return Prediction(None)
    try:
        return module.predict(source)
    except (OSError, ValueError, RecursionError):
        return Prediction(None)


def left_out(plan: WheelPlan, file: Path) -> LeftOut:
    """Why ``file`` is not in the wheel, and by which setting of the package's backend."""
    owners = plan.owners(file)
    rel_root = rel(file, plan.root)
    if not owners:
        return OutsidePackages(rel_root, tuple(sorted({n.split(".", 1)[0] for n in plan.packages} | set(plan.modules))))
    name, directory = owners[0]
    module = backends.module_named(plan.backend)
    if module is None:
        return BackendLeavesOut(rel_root, plan.backend)
    return module.left_out(plan, file, name, directory)
