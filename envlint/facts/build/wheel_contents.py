"""Compatibility names for code written against the old one-module wheel prediction.

The prediction is now split: :mod:`envlint.facts.build.wheel_plan` (the plan every backend returns),
:mod:`envlint.facts.build.backends` (one module per backend and the registry),
:mod:`envlint.facts.build.prediction` (``predict``) and :mod:`envlint.facts.build.wheel_gaps`
(BLD005). Import from those; this module goes once no branch uses it.
"""

from __future__ import annotations

from envlint.facts.build.package_finder import find_modules, find_packages
from envlint.facts.build.prediction import predict
from envlint.facts.build.wheel_gaps import gaps
from envlint.facts.build.wheel_plan import Prediction, WheelPlan, is_test_file, walk_files

__all__ = ["Prediction", "WheelPlan", "find_modules", "find_packages", "gaps", "is_test_file", "predict",
           "walk_files"]
