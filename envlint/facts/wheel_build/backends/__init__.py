"""One module per build backend, behind one interface, and the registry that picks the module.

Each backend module exposes:

- ``NAME``: the backend as findings name it (``WheelPlan.backend``);
- ``predict(source: PackageSource) -> Prediction``: the files its wheel will hold (a
  :class:`~envlint.facts.wheel_build.wheel_plan.WheelPlan`), or the neutral facts of a selection it refuses
  (BLD002); ``Prediction(None)`` when the selection cannot be known without running the build;
- ``left_out(plan, file, package, directory) -> LeftOut``: why a file inside the shipped package
  ``package`` (at ``directory``) is not in the wheel, by which of its settings.

:data:`REGISTRY` maps a ``build-backend`` module to its backend module; nothing else switches on
backend names. A backend that is not here (maturin, scikit-build-core, ...) gets no prediction, and
the rules that depend on one stay silent rather than guess.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: ``build-backend`` module (before any ``:object``) -> module of this package.
REGISTRY: dict[str, str] = {
    "setuptools.build_meta": "setuptools",
    "hatchling.build": "hatchling",
    "flit_core.buildapi": "flit",
    "flit.buildapi": "flit",
    "poetry.core.masonry.api": "poetry",
    "poetry.masonry.api": "poetry",
    "uv_build": "uv_build",
    "pdm.backend": "pdm",
}


def module_for(backend_module: str) -> ModuleType | None:
    """The backend module that predicts the wheel of ``backend_module``; None for other backends."""
    name = REGISTRY.get(backend_module)
    return importlib.import_module(f"{__name__}.{name}") if name is not None else None


def module_named(name: str) -> ModuleType | None:
    """The backend module whose ``NAME`` is ``name`` (a plan's ``backend``)."""
    for module_name in dict.fromkeys(REGISTRY.values()):
        module = importlib.import_module(f"{__name__}.{module_name}")
        if module.NAME == name:
            return module
    return None
