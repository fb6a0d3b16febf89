"""Resolve a project's declared requirements for the target over index metadata (PIN003).

resolvelib is the backtracking resolver pip uses; this module is its provider: candidates come
from the index's project pages (files that install on the target, Requires-Python honoured, yanked
versions only for exact pins, prereleases only when asked for or when nothing else matches),
dependencies from PEP 658 metadata files (else the wheel's own METADATA). Extras are modelled the
way pip does: ``name[extra]`` is a node of its own that depends on ``name`` at the same version.

Nothing is installed and nothing is built: an sdist without trustworthy metadata (PEP 643) counts
as having no dependencies, which can hide a conflict but never invents one. Projects the index
does not know (private packages, the project itself, URL and path declarations) are taken as
given. The work is bounded by ``resolver-timeout`` seconds and ``resolver-max-rounds`` rounds.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version
from resolvelib import AbstractProvider, BaseReporter, ResolutionImpossible, ResolutionTooDeep, Resolver
from resolvelib.structs import RequirementInformation

from envlint.facts.project.model import DeclaredRequirement
from envlint.facts.target import Target
from envlint.facts.index.fact import Index, LookupFailed
from envlint.index.metadata import DistMetadata
from envlint.index.models import IndexFile, ProjectInfo, best_wheel, python_ok

#: Declaration sources the resolver takes (the install sets decide which extras and groups go together).
RESOLVED_SOURCES = frozenset({"pyproject", "requirements", "setup.cfg", "setup.py", "poetry", "environment.yml",
                              "optional", "dependency-group"})


#: How many levels of the dependency tree are read ahead before the resolver starts.
READ_AHEAD_WAVES = 12
#: Candidates whose metadata is read at once when the resolver backtracks on a project.
BACKTRACK_AHEAD = 6


@dataclass(frozen=True)
class Candidate:
    name: str
    """Canonical name."""
    version: Version | None
    """None for a project taken as given (not on the index, or declared by URL/path)."""
    extras: frozenset[str] = frozenset()
    file: IndexFile | None = None

    @property
    def identifier(self) -> str:
        return identifier(self.name, self.extras)

    def __str__(self) -> str:
        return f"{self.name} {self.version}" if self.version is not None else self.name


@dataclass(frozen=True, eq=False)
class Req:
    """A requirement in the graph, remembering which declaration brought it in."""

    requirement: Requirement
    name: str
    extras: frozenset[str]
    root: DeclaredRequirement | None
    """The declaration this requirement is, or comes from (through ``parent``)."""
    parent: Candidate | None = None

    @property
    def identifier(self) -> str:
        return identifier(self.name, self.extras)


def identifier(name: str, extras: Iterable[str]) -> str:
    extras = sorted(extras)
    return f"{name}[{','.join(extras)}]" if extras else name


@dataclass(frozen=True)
class Conflict:
    """Why the declared requirements cannot all be installed: the requirements on one project."""

    name: str
    causes: tuple[Req, ...]
    suggestion: Version | None = None
    """A version of ``name`` that satisfies every requirement that does not come straight from a
    declaration of ``name`` itself (what to declare instead), when there is one."""
    why: Mapping[str, Req] = field(default_factory=dict, compare=False)
    """For :func:`explain`: which requirement brought each project in."""


@dataclass(frozen=True)
class Outcome:
    status: str
    """'ok', 'conflict' or 'undecided'."""
    conflict: Conflict | None = None
    reason: str | None = None
    """Why it could not decide (time or round limit, a failed look-up)."""
    unknown: tuple[str, ...] = ()
    """Candidates whose dependencies could not be known without building (sdists)."""


class _Deadline(Exception):
    pass


def _is_exact(req: Requirement) -> bool:
    return any(s.operator in ("==", "===") and not s.version.endswith(".*") for s in req.specifier)


@dataclass
class Provider(AbstractProvider):  # type: ignore[type-arg]
    index: Index
    target: Target
    deadline: float
    external: frozenset[str] = frozenset()
    constraints: Mapping[str, Sequence[SpecifierSet]] = field(default_factory=dict)
    preferred: Mapping[str, Version] = field(default_factory=dict)
    """Versions tried first when allowed (the installed ones): likeliest to resolve, quickest to confirm."""
    progress: Callable[[str, int], None] | None = None
    """Called with each project the resolver takes up, and how many it has taken up so far (a hook
    for a progress display; the resolver never prints)."""
    unknown: set[str] = field(default_factory=set)
    seen: dict[str, None] = field(default_factory=dict)
    """Projects the resolver asked for, in order."""
    expanded: set[str] = field(default_factory=set)
    """Projects whose dependencies it has read (for one candidate at least)."""
    why: dict[str, Req] = field(default_factory=dict)
    """name -> the requirement that first brought it in (one with a declaration when there is one)."""
    _files: dict[str, dict[Version, tuple[IndexFile | None, IndexFile | None]]] = field(default_factory=dict)
    _read_ahead: set[str] = field(default_factory=set)
    _spec_memo: dict[tuple, list[Version]] = field(default_factory=dict)
    _tried: dict[str, int] = field(default_factory=dict)
    stalled: dict[str, None] = field(default_factory=dict)
    """Projects whose page look-up failed during the read-ahead (in order)."""

    # -- helpers -----------------------------------------------------------------------------
    def _check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Deadline()

    def _page(self, name: str) -> ProjectInfo | None:
        """The project page, or None when the project is taken as given."""
        if name in self.external:
            return None
        page = self.index.project(name, deadline=self.deadline)
        if page is None:
            raise LookupFailed(name, "look-up failed")
        return page if page.exists else None

    def _versions(self, page: ProjectInfo, reqs: list[Req], excluded: set[Version]) -> list[Candidate]:
        return list(self._iter_versions(page, reqs, excluded))

    def _iter_versions(self, page: ProjectInfo, reqs: list[Req], excluded: set[Version]) -> Iterator[Candidate]:
        """The candidates for ``reqs``, best first: the installed version, then newest first; final
        releases only, unless no final release is allowed (then prereleases). Lazy: the resolver
        usually takes the first, and a file list is read only for a version it reaches."""
        exact = any(_is_exact(r.requirement) for r in reqs)
        specs = [r.requirement.specifier for r in reqs] + list(self.constraints.get(page.name, ()))
        extras = reqs[0].extras if reqs else frozenset()
        preferred = self.preferred.get(page.name)
        order = page.all_versions if preferred is None else \
            (preferred, *(v for v in page.all_versions if v != preferred))
        for prereleases in (False, True):
            found = False
            for v in self._allowed(page, order, specs, prereleases):
                if v in excluded:
                    continue
                self._check_time()
                file = self._best_file(page, v, exact)
                if file is not None:
                    found = True
                    yield Candidate(page.name, v, extras, file)
            if found:
                return

    def _allowed(self, page: ProjectInfo, order: Sequence[Version], specs: list[SpecifierSet],
                 prereleases: bool) -> list[Version]:
        """The versions of ``order`` that every specifier allows (memoized: resolvelib asks again
        with the same requirements as it pins and backtracks)."""
        key = (page.name, order[0] if order else None, prereleases, tuple(sorted(map(str, specs))))
        if key not in self._spec_memo:
            # SpecifierSet.prereleases is computed on each access: once per specifier here
            allowed: list[Version] = list(order)
            for spec in specs:  # filter() is ten times contains() per version; same verdicts
                allowed = list(spec.filter(allowed, prereleases=prereleases or bool(spec.prereleases)))
            self._spec_memo[key] = allowed
        return self._spec_memo[key]

    def _best_file(self, page: ProjectInfo, v: Version, exact: bool) -> IndexFile | None:
        """The file the target's installer takes for ``v`` (a wheel before an sdist; yanked files only
        for an exact pin), memoized per page and version."""
        memo = self._files.setdefault(page.name, {})
        if v not in memo and not page.may_accept_python(v, self.target.python):
            memo[v] = (None, None)  # decided from the raw records, no file parsed
        if v not in memo:
            tags = self.target.tags
            files = [f for f in page.files_for(v) if python_ok(f.requires_python, self.target.python)
                     and (f.kind == "sdist" or not tags.isdisjoint(f.tags))]
            best = {}
            for key, group in (("any", files), ("unyanked", [f for f in files if not f.yanked])):
                wheels = [f for f in group if f.kind == "wheel"]
                best[key] = best_wheel(wheels, self.target) if wheels else (group[0] if group else None)
            memo[v] = (best["unyanked"], best["any"])
        unyanked, any_file = memo[v]
        return any_file if exact else unyanked

    # -- resolvelib's provider API -----------------------------------------------------------
    def identify(self, requirement_or_candidate: Req | Candidate) -> str:
        return requirement_or_candidate.identifier

    def get_preference(self, identifier: str, resolutions: Mapping[str, Candidate],
                       candidates: Mapping[str, Iterator[Candidate]],
                       information: Mapping[str, Iterator[RequirementInformation]],
                       backtrack_causes: Sequence[RequirementInformation]) -> tuple:
        infos = list(information[identifier])
        in_causes = any(c.requirement.identifier == identifier for c in backtrack_causes)
        pinned = any(_is_exact(i.requirement.requirement) for i in infos)
        direct = any(i.parent is None for i in infos)
        return (not in_causes, not pinned, not direct, identifier)

    def find_matches(self, identifier: str, requirements: Mapping[str, Iterator[Req]],
                     incompatibilities: Mapping[str, Iterator[Candidate]]) -> Callable[[], Iterator[Candidate]] | list[Candidate]:
        self._check_time()
        reqs = list(requirements[identifier])
        name, extras = (reqs[0].name, reqs[0].extras) if reqs else (identifier.split("[")[0], frozenset())
        self._take_up(name)
        for r in reqs:
            known = self.why.get(name)
            if known is None or (known.root is None and r.root is not None):
                self.why[name] = r
        page = self._page(name)
        if page is None:
            return [Candidate(name, None, extras)]
        excluded = {c.version for c in incompatibilities[identifier] if c.version is not None}
        if excluded:  # backtracking: the next candidates' metadata at once, not one by one
            ahead = itertools.islice(self._iter_versions(page, reqs, excluded), BACKTRACK_AHEAD)
            self.index.prefetch_metadata([c.file for c in ahead if c.file is not None], deadline=self.deadline)
        return lambda: self._iter_versions(page, reqs, excluded)  # resolvelib takes a lazy factory

    def is_satisfied_by(self, requirement: Req, candidate: Candidate) -> bool:
        if candidate.version is None:
            return True
        return requirement.requirement.specifier.contains(candidate.version, prereleases=True)

    def get_dependencies(self, candidate: Candidate) -> list[Req]:
        self._check_time()
        deps: list[Req] = []
        if candidate.extras and candidate.version is not None:
            base = Requirement(f"{candidate.name}=={candidate.version}")
            deps.append(Req(base, candidate.name, frozenset(), None, candidate))
        if candidate.version is None or candidate.file is None:
            return deps
        self._backtrack_ahead(candidate)
        meta = self.index.metadata(candidate.name, candidate.file, deadline=self.deadline)
        self.expanded.add(candidate.name)
        if meta is None:
            self.unknown.add(str(candidate))
            return deps
        deps += self._deps_of(candidate, meta)
        for dep in deps:
            self._take_up(dep.name)
        new = [d for d in deps if d.name not in self._read_ahead and d.name not in self.external]
        if new:  # what the read-ahead has not seen (another version's requirements): two levels of it
            self._prefetch(new, waves=2)
        self._prefetch_tops(deps)
        return deps

    def _backtrack_ahead(self, candidate: Candidate) -> None:
        """When the resolver tries another version of a project it already tried (it is walking back
        through the versions), read the metadata of the next older ones at once, more each time."""
        tried = self._tried.get(candidate.name, 0)
        self._tried[candidate.name] = tried + 1
        if not tried or candidate.version is None:
            return
        page = self.index.project(candidate.name, deadline=self.deadline)
        if page is None or not page.exists:
            return
        window = min(BACKTRACK_AHEAD * tried, 3 * BACKTRACK_AHEAD)
        files = []
        for v in itertools.islice((v for v in page.all_versions if v < candidate.version), window):
            file = self._best_file(page, v, False)
            if file is not None and self.index.known_metadata(file) is None:
                files.append(file)
        if files and candidate.file is not None:
            self.index.prefetch_metadata([candidate.file, *files], deadline=self.deadline)

    def _prefetch_tops(self, deps: list[Req]) -> None:
        """The metadata of each dependency's likeliest candidate under *this* requirement (the
        read-ahead took another requirement on the same project), in one concurrent batch."""
        names = {d.name for d in deps if d.name not in self.external}
        if not names:
            return
        pages = self.index.project_pages(names, deadline=self.deadline)
        files = []
        for d in deps:
            page = pages.get(d.name)
            top = self._top(page, d) if page is not None and page.exists else None
            if top is not None and top.file is not None and self.index.known_metadata(top.file) is None:
                files.append(top.file)
        if files:
            self.index.prefetch_metadata(files, deadline=self.deadline)

    def _deps_of(self, candidate: Candidate, meta: DistMetadata) -> list[Req]:
        """The requirements of a candidate's metadata that apply on the target (for its extras only,
        when the candidate is ``name[extra]``: the base node brings the rest)."""
        deps = []
        for req in meta.requires_for(candidate.extras):
            if candidate.extras:
                applies = self.target.marker_applies(req.marker, candidate.extras) and \
                    not self.target.marker_applies(req.marker)
            else:
                applies = self.target.marker_applies(req.marker)
            if applies:
                deps.append(Req(req, canonicalize_name(req.name), frozenset(canonicalize_name(e) for e in req.extras),
                                None, candidate))
        return deps

    def _take_up(self, name: str) -> None:
        if name not in self.seen:
            self.seen[name] = None
            if self.progress is not None:
                self.progress(name, len(self.seen))

    def still_open(self) -> list[str]:
        """What a time limit left undecided: projects whose look-up did not finish, then the projects
        taken up whose dependencies were never read."""
        names = [*self.stalled, *(n for n in self.seen if n not in self.expanded and n not in self.external)]
        return list(dict.fromkeys(names))

    def _prefetch(self, reqs: list[Req], waves: int = 1) -> None:
        """Read ahead ``waves`` levels of the tree from ``reqs`` (see envlint.facts.index.readahead)."""
        from envlint.facts.index.readahead import read_ahead

        read_ahead(self, reqs, waves)

    def _top(self, page: ProjectInfo, req: Req) -> Candidate | None:
        """The candidate the resolver will most likely take for ``req`` (what :meth:`_versions` lists
        first), without listing the others."""
        specs = [req.requirement.specifier, *self.constraints.get(page.name, ())]
        exact = _is_exact(req.requirement)
        preferred = self.preferred.get(page.name)
        fallback = None
        finals = [(s, bool(s.prereleases)) for s in specs]
        order = page.all_versions if preferred is None else (preferred, *page.all_versions)
        for v in self._allowed(page, order, specs, True):
            file = self._best_file(page, v, exact)
            if file is None:
                continue
            candidate = Candidate(page.name, v, req.extras, file)
            if all(s.contains(v, prereleases=p) for s, p in finals):
                return candidate
            fallback = fallback or candidate
        return fallback


class _Quiet(BaseReporter):  # type: ignore[type-arg]
    pass


def roots_of(declared: Iterable[DeclaredRequirement], target: Target) -> tuple[list[Req], frozenset[str], dict[str, list[SpecifierSet]]]:
    """Requirements to resolve, names taken as given, and constraints, from the declarations."""
    roots: list[Req] = []
    external: set[str] = set()
    constraints: dict[str, list[SpecifierSet]] = {}
    for decl in declared:
        req = decl.requirement
        if req is None:
            continue
        name = canonicalize_name(req.name)
        if decl.url or decl.editable or req.url:
            external.add(name)
            continue
        if decl.constraint:
            if target.marker_applies(req.marker):
                constraints.setdefault(name, []).append(req.specifier)
            continue
        if decl.source not in RESOLVED_SOURCES or not target.marker_applies(req.marker):
            continue
        roots.append(Req(req, name, frozenset(canonicalize_name(e) for e in req.extras), decl))
    return roots, frozenset(external), constraints


def resolve(declared: Iterable[DeclaredRequirement], target: Target, index: Index, *, timeout: float,
            max_rounds: int, deadline: float | None = None, preferred: Mapping[str, Version] | None = None,
            progress: Callable[[str, int], None] | None = None, label: str = "") -> Outcome:
    """Resolve one install's declarations (see envlint.facts.project.install_sets), within ``timeout``
    seconds or by ``deadline`` when given (several installs share one ``resolver-timeout``). On a
    terminal a spinner on stderr says which install (``label``) is being resolved and how far it got."""
    from envlint.progress import status

    what = f"resolving {label} (PIN003)" if label else "resolving (PIN003)"
    with status(what) as update:
        def shown(name: str, count: int) -> None:
            update(f"{what}: {count} projects, now {name}")
            if progress is not None:
                progress(name, count)

        return _resolve(declared, target, index, timeout=timeout, max_rounds=max_rounds, deadline=deadline,
                        preferred=preferred, progress=shown)


def _resolve(declared: Iterable[DeclaredRequirement], target: Target, index: Index, *, timeout: float,
             max_rounds: int, deadline: float | None, preferred: Mapping[str, Version] | None,
             progress: Callable[[str, int], None] | None) -> Outcome:
    roots, external, constraints = roots_of(declared, target)
    if not roots:
        return Outcome("ok")
    deadline = time.monotonic() + timeout if deadline is None else deadline
    if time.monotonic() >= deadline:
        return Outcome("undecided", reason=f"could not decide in {timeout:g} s (resolver-timeout; "
                                            "the time went to the installs before this one)")
    provider = Provider(index, target, deadline, external, constraints, preferred=preferred or {}, progress=progress)
    # Ask for every declared project at once before the resolver asks one at a time.
    index.project_pages({r.name for r in roots if r.name not in external}, deadline=deadline)
    try:
        provider._prefetch(roots, waves=READ_AHEAD_WAVES)
        Resolver(provider, _Quiet()).resolve(roots, max_rounds=max_rounds)
    except _Deadline:
        return Outcome("undecided", reason=f"could not decide in {timeout:g} s (resolver-timeout)"
                                           + _open_note(provider.still_open() or sorted({r.name for r in roots})))
    except ResolutionTooDeep:
        return Outcome("undecided", reason=f"could not decide in {max_rounds} rounds (resolver-max-rounds)")
    except LookupFailed as exc:
        if time.monotonic() >= deadline:  # the look-up ran out of the resolver's time, not the index's
            return Outcome("undecided", reason=f"could not decide in {timeout:g} s (resolver-timeout)"
                                               + _open_note(provider.still_open() or [exc.name]))
        return Outcome("undecided", reason=f"could not decide: the index look-up for {exc.name} failed "
                                            "(the 'index' skipped lines say why)")
    except ResolutionImpossible as exc:
        return Outcome("conflict", _conflict(provider, exc.causes), unknown=tuple(sorted(provider.unknown)))
    return Outcome("ok", unknown=tuple(sorted(provider.unknown)))


def _open_note(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f"; not decided: {', '.join(names[:shown])}{more}"


def _conflict(provider: Provider, causes: Sequence[RequirementInformation]) -> Conflict:
    reqs: list[Req] = []
    for info in causes:
        if info.requirement not in reqs:
            reqs.append(info.requirement)
    name = reqs[0].name if reqs else ""
    suggestion = None
    from_others = [r for r in reqs if r.parent is not None and r.parent.name != r.name]
    page = provider.index.project(name) if from_others and name not in provider.external else None
    if page is not None and page.exists:
        found = provider._versions(page, from_others, set())
        suggestion = found[0].version if found else None
    return Conflict(name, tuple(reqs), suggestion, dict(provider.why))


def explain(req: Req, why: Mapping[str, Req]) -> tuple[DeclaredRequirement | None, list[Candidate]]:
    """The declaration a requirement comes from, and the chain of candidates from it to ``req``."""
    chain: list[Candidate] = []
    current: Req | None = req
    while current is not None and current.root is None and current.parent is not None:
        if current.parent.name == current.name:  # name[extra] -> name at the same version: not a reason
            current = why.get(current.name) if why.get(current.name) is not current else None
            continue
        if current.parent in chain:
            break
        chain.insert(0, current.parent)
        current = why.get(current.parent.name)
    return (current.root if current is not None else None), chain
