"""The target environment's distributions, read from files only.

Mirrors ``site.addsitedir()`` without executing anything: site dirs, then the *path* lines of their
``.pth`` files (``import`` lines are recorded, never run); first distribution wins per canonical name.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from envlint.diagnostics import Problems
from envlint.facts.environment.distribution import NATIVE_SUFFIXES, CondaRecord, Distribution, deferred_extra, parse_requirement
from envlint.facts.environment.locate import EnvLocation
from envlint.facts.environment.metadata_headers import parse_headers
from envlint.facts.environment.values import check_requires_python, file_url_path
from envlint.facts.formats.text import open_regular

MAX_METADATA_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Environment:
    location: EnvLocation
    distributions: tuple[Distribution, ...]
    """Sorted by canonical name; one per name (the one imports would see)."""
    pth_imports: tuple[tuple[str, int, str], ...] = ()
    """(pth file, line number, text) of ``import`` lines, which envlint never runs."""
    shadowed: tuple[Distribution, ...] = ()
    """Later duplicates of a name (not visible to imports)."""
    markers: dict[str, str] | None = field(default=None, compare=False)
    """The marker environment where this environment was made (a pip inspect report's own; else this
    machine's, with the environment's Python). For explanations only: verdicts use the target's."""
    _index: dict[str, Distribution] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({d.canonical_name: d for d in self.distributions})

    def get(self, name: str) -> Distribution | None:
        return self._index.get(canonicalize_name(name))

    def __contains__(self, name: str) -> bool:
        return canonicalize_name(name) in self._index

    @property
    def python_version(self) -> tuple[int, int, int] | None:
        return self.location.python_version


def read_environment(location: EnvLocation, problems: Problems) -> Environment:
    paths, pth_imports = expand_pth(location.site_dirs, problems)
    conda = _conda_owners(location.path, problems) if location.kind == "conda" else {}
    site_dirs = [p.resolve() for p in location.site_dirs]
    seen: dict[str, Distribution] = {}
    shadowed: list[Distribution] = []
    for path in paths:
        for meta_dir, kind in _metadata_dirs(path):
            dist = read_distribution(meta_dir, kind, path, site_dirs, conda, location.path, problems)
            if dist is None:
                continue
            if dist.canonical_name in seen:
                shadowed.append(dist)
            else:
                seen[dist.canonical_name] = dist
    dists = tuple(sorted(seen.values(), key=lambda d: d.canonical_name))
    return Environment(location, dists, tuple(pth_imports), tuple(shadowed), markers=local_markers(location))


def local_markers(location: EnvLocation) -> dict[str, str]:
    """This machine's marker environment with the environment's Python (where a local env was made)."""
    from packaging.markers import default_environment

    env = dict(default_environment())
    if location.python_version:
        major, minor, micro = location.python_version
        env.update(python_version=f"{major}.{minor}", python_full_version=f"{major}.{minor}.{micro}")
    return env


def expand_pth(site_dirs: tuple[Path, ...], problems: Problems) -> tuple[list[Path], list[tuple[str, int, str]]]:
    paths: list[Path] = []
    imports: list[tuple[str, int, str]] = []
    for site in site_dirs:
        if site not in paths:
            paths.append(site)
        try:
            listing = os.listdir(site)
        except OSError as exc:
            problems.add(site, f"cannot list site directory: {exc.strerror or exc}")
            continue
        names = sorted(n for n in listing if n.endswith(".pth") and not n.startswith("."))
        # ``setup.py develop`` writes ``<name>.egg-link`` (first line: the source dir); its line in
        # easy-install.pth may be missing, and the metadata lives in that source dir.
        for link_name in sorted(n for n in listing if n.endswith(".egg-link")):
            text = _read_text(site / link_name, problems)
            first = text.splitlines()[0].strip() if text and text.strip() else ""
            target = Path(os.path.normpath(os.path.join(site, first))) if first else None
            if target is not None and target.is_dir() and target not in paths:
                paths.append(target)
        for name in names:
            pth = site / name
            try:
                with open_regular(pth) as fh:  # never a blocking read of a FIFO
                    text = fh.read(MAX_METADATA_BYTES).decode("utf-8", errors="replace")
            except OSError as exc:
                problems.add(pth, f"cannot read: {exc.strerror or exc}")
                continue
            for number, line in enumerate(text.splitlines(), 1):
                stripped = line.rstrip()
                if not stripped or stripped.startswith("#"):
                    continue
                if stripped.startswith(("import ", "import\t")):
                    imports.append((str(pth), number, stripped))
                    continue
                target = Path(os.path.normpath(os.path.join(site, stripped)))
                if target.is_dir() and target not in paths:
                    paths.append(target)
    return paths, imports


def _metadata_dirs(path: Path) -> list[tuple[Path, str]]:
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return []
    found = []
    for name in names:
        if name.endswith(".dist-info"):
            found.append((path / name, "dist-info"))
        elif name.endswith(".egg-info"):
            found.append((path / name, "egg-info"))
        elif name.endswith(".egg") and (path / name / "EGG-INFO").is_dir():
            found.append((path / name / "EGG-INFO", "egg-info"))
    return found


def _read_text(path: Path, problems: Problems, package: str | None = None, *, required: bool = False) -> str | None:
    try:
        with open_regular(path) as fh:  # never a blocking read of a FIFO
            data = fh.read(MAX_METADATA_BYTES + 1)
    except FileNotFoundError:
        if required:
            problems.add(path, "missing", package=package)
        return None
    except OSError as exc:
        problems.add(path, f"cannot read: {exc.strerror or exc}", package=package)
        return None
    if len(data) > MAX_METADATA_BYTES:
        problems.add(path, f"larger than {MAX_METADATA_BYTES // (1024 * 1024)} MB; not read", package=package)
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(path, f"not UTF-8 ({exc.reason} at byte {exc.start})", package=package)
        return data.decode("utf-8", errors="replace")


def read_distribution(meta_dir: Path, kind: str, path_entry: Path, site_dirs: list[Path],
                      conda: dict[str, CondaRecord], prefix: Path, problems: Problems) -> Distribution | None:
    if meta_dir.is_file():  # a single-file egg-info (PKG-INFO contents)
        meta_file = meta_dir
    else:
        meta_file = meta_dir / ("METADATA" if kind == "dist-info" else "PKG-INFO")
    text = _read_text(meta_file, problems, required=True)
    if text is None:
        return None
    headers = parse_headers(text)
    name = (headers.get("Name") or "").strip()
    version = (headers.get("Version") or "").strip()
    if not name or not version:
        missing = "Name" if not name else "Version"
        problems.add(meta_file, f"malformed metadata: no {missing} field")
        return None
    canonical = canonicalize_name(name)
    try:
        parsed: Version | None = Version(version)
    except InvalidVersion:
        parsed = None
        problems.add(meta_file, f"version {version!r} is not a valid PEP 440 version", package=canonical)

    raw_reqs = headers.get_all("Requires-Dist") or []
    if kind == "egg-info" and not raw_reqs and meta_dir.is_dir():
        raw_reqs = _egg_requires(_read_text(meta_dir / "requires.txt", problems, canonical) or "")
    requires, deferred = _requirements(raw_reqs, meta_file, problems, canonical)
    provides = frozenset(canonicalize_name(e) for e in headers.get_all("Provides-Extra") or [])
    files = _InstallFiles()
    if meta_dir.is_dir():
        files = _install_files(meta_dir, kind, problems, canonical)
    direct_url = files.direct_url

    # Editable / local directory installs.
    resolved_meta = meta_dir.resolve()
    in_site = any(_is_within(resolved_meta, s) for s in site_dirs)
    editable = bool((direct_url or {}).get("dir_info", {}).get("editable")) if isinstance(
        (direct_url or {}).get("dir_info"), dict) else False
    source_path = None
    url = (direct_url or {}).get("url")
    if isinstance(url, str) and url.startswith("file:") and isinstance((direct_url or {}).get("dir_info"), dict):
        source_path = file_url_path(url)
    this_kind = kind
    if not in_site:  # metadata lives in a source tree reached through a .pth line (setup.py develop)
        editable = True
        this_kind = "egg-link"
        source_path = source_path or path_entry
    extensions = tuple(f for f in files.files if _is_native(f)) if files.files and files.record_has_native else ()
    owner = None
    if conda:
        try:
            rel = resolved_meta.relative_to(prefix.resolve()).as_posix()
        except ValueError:
            rel = None
        owner = conda.get(rel) if rel else None
    return Distribution(
        name=name, canonical_name=canonical, version=version, parsed_version=parsed,
        requires=tuple(requires), extra_requires=tuple(deferred),
        requires_python=check_requires_python((headers.get("Requires-Python") or "").strip(), meta_file, problems,
                                              canonical),
        provides_extra=provides, installer=files.installer, wheel_tags=files.wheel_tags,
        root_is_purelib=files.purelib, direct_url=direct_url, editable=editable, source_path=source_path,
        metadata_path=meta_dir, site_dir=meta_dir.parent if in_site else path_entry, files=files.files,
        extension_modules=extensions, conda=owner, kind=this_kind, requested=files.requested,
        has_wheel_file=files.has_wheel,
    )


def _requirements(raw_reqs: list[str], meta_file: Path, problems: Problems, canonical: str
                  ) -> tuple[list[Requirement], list[tuple[str, str]]]:
    """Parsed Requires-Dist lines, and the (extra, raw) ones left for when that extra is requested."""
    requires = []
    deferred = []
    for raw in raw_reqs:
        extra = deferred_extra(raw)
        if extra is not None:
            deferred.append((extra, raw))
            continue
        try:
            requires.append(parse_requirement(raw))
        except InvalidRequirement as exc:
            problems.add(meta_file, f"invalid requirement {raw!r}: {str(exc).splitlines()[0]}", package=canonical)
    return requires, deferred


@dataclass
class _InstallFiles:
    """What the files next to METADATA say (INSTALLER, REQUESTED, direct_url.json, WHEEL, RECORD)."""

    installer: str | None = None
    requested: bool | None = None
    direct_url: dict | None = None
    has_wheel: bool = False
    wheel_tags: tuple[str, ...] = ()
    purelib: bool | None = None
    files: tuple[str, ...] | None = None
    record_has_native: bool = True


def _install_files(meta_dir: Path, kind: str, problems: Problems, canonical: str) -> _InstallFiles:
    out = _InstallFiles()
    inst = _read_text(meta_dir / "INSTALLER", problems, canonical)
    out.installer = inst.strip().splitlines()[0].strip() if inst and inst.strip() else None
    out.requested = (meta_dir / "REQUESTED").exists()
    du = _read_text(meta_dir / "direct_url.json", problems, canonical)
    if du is not None:
        try:
            direct_url = json.loads(du)
            if not isinstance(direct_url, dict) or not isinstance(direct_url.get("url"), str):
                raise ValueError("expected an object with a 'url' string")
            urlsplit(direct_url["url"])  # ValueError for what is not a URL ("https://[oops")
            out.direct_url = direct_url
        except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested thousands deep
            problems.add(meta_dir / "direct_url.json", f"malformed direct_url.json: {exc}", package=canonical)
    wheel = _read_text(meta_dir / "WHEEL", problems, canonical)
    if wheel is not None:
        out.has_wheel = True
        out.wheel_tags, out.purelib, ok = _parse_wheel(wheel)
        if not ok:
            problems.add(meta_dir / "WHEEL", "malformed WHEEL file (no Wheel-Version or Tag lines)", package=canonical)
    record = _read_text(meta_dir / "RECORD", problems, canonical)
    if record is not None:
        out.files = _parse_record(record, meta_dir / "RECORD", problems, canonical)
        out.record_has_native = any(suffix in record for suffix in (".so", ".pyd", ".dylib", ".dll"))
    elif kind == "egg-info":
        installed = _read_text(meta_dir / "installed-files.txt", problems, canonical)
        if installed is not None:
            base = meta_dir.parent
            out.files = tuple(os.path.relpath(os.path.normpath(meta_dir / l.strip()), base)
                              for l in installed.splitlines() if l.strip())
    return out


def _is_within(path: Path, parent: Path) -> bool:
    try:
        path.relative_to(parent)
        return True
    except ValueError:
        return False


def _is_native(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.endswith(NATIVE_SUFFIXES) or ".so." in name


def _parse_wheel(text: str) -> tuple[tuple[str, ...], bool | None, bool]:
    tags = []
    purelib = None
    version_seen = False
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "tag" and value:
            tags.append(value)
        elif key == "root-is-purelib":
            purelib = value.lower() == "true"
        elif key == "wheel-version":
            version_seen = True
    return tuple(tags), purelib, bool(tags) and version_seen


def _parse_record(text: str, path: Path, problems: Problems, package: str) -> tuple[str, ...]:
    files = []
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        for row in reader:
            if not row:
                continue
            if len(row) != 3 or not row[0]:
                problems.add(path, f"malformed RECORD: line {reader.line_num} has {len(row)} fields, expected "
                             "path,hash,size", line=reader.line_num, package=package)
                continue
            files.append(row[0])
    except csv.Error as exc:
        problems.add(path, f"malformed RECORD: {exc}", line=reader.line_num, package=package)
    return tuple(files)


_SECTION = re.compile(r"^\[(.*)\]$")


def _egg_requires(text: str) -> list[str]:
    """Turn an egg-info ``requires.txt`` into Requires-Dist strings."""
    out = []
    extra = marker = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _SECTION.match(line)
        if m:
            extra, _, marker = m.group(1).partition(":")
            continue
        conds = []
        if extra:
            conds.append(f'extra == "{extra}"')
        if marker:
            conds.append(f"({marker})")
        out.append(line + ("; " + " and ".join(conds) if conds else ""))
    return out


def _conda_owners(prefix: Path, problems: Problems) -> dict[str, CondaRecord]:
    """Map metadata dirs (relative to the prefix) to the conda record that installed them."""
    owners: dict[str, CondaRecord] = {}
    meta = prefix / "conda-meta"
    try:
        records = sorted(meta.glob("*.json"))
    except OSError:
        return owners
    for path in records:
        text = _read_text(path, problems)
        if text is None:
            continue
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("expected an object")
            record = CondaRecord(str(data.get("name", "")), str(data.get("version", "")),
                                 str(data.get("build", data.get("build_string", ""))),
                                 str(data.get("channel", "")), str(data.get("subdir", "")), path)
            files = data.get("files") or []
            if not isinstance(files, list):
                raise ValueError("'files' is not a list")
        except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested thousands deep
            problems.add(path, f"malformed conda-meta record: {exc}")
            continue
        for f in files:
            if not isinstance(f, str):
                continue
            if f.endswith(".dist-info/RECORD") or f.endswith(".egg-info/PKG-INFO"):
                owners[f.rsplit("/", 1)[0]] = record
            elif f.endswith(".egg-info"):
                owners[f] = record
    return owners
