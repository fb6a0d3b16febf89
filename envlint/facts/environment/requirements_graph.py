"""Which installed requirements apply on the target, following the extras installed dists request.

pip records no user-requested extras, so the extras that count are those that installed
distributions ask of each other (``dask[array]``), followed to a fixpoint.
"""

from __future__ import annotations

from collections.abc import Iterator

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from envlint.facts.environment.distribution import Distribution
from envlint.facts.environment.reader import Environment
from envlint.facts.target import Target


def requested_extras(environment: Environment, target: Target) -> dict[str, set[str]]:
    """canonical name -> canonical extras requested of it by installed distributions on the target."""
    extras: dict[str, set[str]] = {}
    changed = True
    while changed:
        changed = False
        for dist in environment.distributions:
            own = extras.get(dist.canonical_name, set())
            for req in dist.requirements(own):
                if not req.extras or not target.marker_applies(req.marker, own):
                    continue
                wanted = {canonicalize_name(e) for e in req.extras}
                have = extras.setdefault(canonicalize_name(req.name), set())
                if not wanted <= have:
                    have |= wanted
                    changed = True
    return extras


def applicable_requirements(environment: Environment, target: Target) -> Iterator[tuple[Distribution, Requirement]]:
    extras = requested_extras(environment, target)
    for dist in environment.distributions:
        own = extras.get(dist.canonical_name, set())
        for req in dist.requirements(own):
            if target.marker_applies(req.marker, own):
                yield dist, req
