"""BLD002, the index part: build requirements that no configured index serves.

This part asks the package index (PyPI, or ``--index-url``) for every distribution named in a local
package's ``[build-system] requires``, and the extra indexes of the pip configuration for those it
does not have. A name that
no configured index has cannot be installed into the isolated build environment, so ``pip wheel``
fails before building. Offline, nothing is looked up (one skipped line says so); a look-up that fails
is a skipped line, never a finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envlint.diagnostics import Finding
from envlint.facts.project.model import DeclaredRequirement, LocalPackage, Project

if TYPE_CHECKING:
    from envlint.facts.index.fact import Index

#: Settings through which pip may find a distribution besides the index envlint asks.
_PIP_SOURCES = ("index-url", "extra-index-url", "find-links")


def check(local_packages: list[LocalPackage], project: Project, index: Index) -> Iterator[Finding]:
    wanted: dict[str, list[tuple[LocalPackage, DeclaredRequirement]]] = {}
    for package in local_packages:
        if not package.has_build_system:
            continue
        for declared in package.build_requires:
            name = declared.name
            if name and declared.requirement is not None and declared.requirement.url is None \
                    and name in package.build_provides:  # a marker that excludes the target: not installed
                wanted.setdefault(name, []).append((package, declared))
    if not wanted:
        return
    if index.offline:
        index.skip("index: [build-system] requires", "offline: build requirements were not looked up (BLD002)")
        return
    pages = index.project_pages(wanted)
    absent = sorted(n for n, page in pages.items() if page is not None and not page.exists)
    if not absent:
        return
    checked, unknown = [index.label], _other_sources(project, index)
    for setting in unknown.pop("urls", []):
        other = index.other(setting)
        answers = other.project_pages(absent)
        absent = [n for n in absent if answers.get(n) is not None and not answers[n].exists]  # type: ignore[union-attr]
        checked.append(other.label)
    if unknown.get("unchecked"):
        for name in absent:
            index.skip(f"index: {name}", f"not on {' or '.join(checked)}; also configured, not checked: "
                       + ", ".join(unknown["unchecked"]))
        return
    for name in absent:
        for package, declared in wanted[name]:
            yield Finding(
                message=(f"{package.label} cannot be built into a wheel: [build-system] requires lists "
                         f"{declared.raw}, but no configured index has a project named {name} "
                         f"({'; '.join(f'{label}: no such project' for label in checked)}), so pip cannot "
                         "install it into the isolated build environment"),
                **declared.where.location,
                package=package.name, package_version=package.version,
                help=(f"fix the name if it is misspelt, publish {name} to PyPI, or drop the requirement; "
                      f"check with `pip download --no-deps {name}`"),
            )


def _other_sources(project: Project, index: Index) -> dict[str, list[str]]:
    """Extra simple indexes to ask ("urls") and sources that cannot be asked ("unchecked": find-links, file
    URLs)."""
    out: dict[str, list[str]] = {"urls": [], "unchecked": []}
    for setting in project.index_settings:
        if setting.kind not in _PIP_SOURCES or setting.is_pypi or not setting.value:
            continue
        value = setting.value.strip()
        if setting.kind != "find-links" and value.startswith(("http://", "https://")):
            if value.rstrip("/") + "/" != index.client.endpoint and value not in out["urls"]:
                out["urls"].append(value)
        elif value not in out["unchecked"]:
            out["unchecked"].append(value)
    return out
