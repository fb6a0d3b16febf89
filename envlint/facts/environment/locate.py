"""Which environment to inspect, and how it was found. Reads files; asks an interpreter only as ``-I -S``.

Order without an explicit choice: ``$VIRTUAL_ENV`` (unless it is envlint's own prefix, as under
pre-commit or pipx), a venv on ``PATH``, ``$CONDA_PREFIX``, then ``.venv/`` in the project root.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from envlint.facts import FactUnavailable
from envlint.facts.environment.values import version_from_text
from envlint.facts.formats.text import open_regular

_LIB_PY = re.compile(r"^python(\d+)\.(\d+)t?$")


@dataclass(frozen=True)
class EnvLocation:
    kind: str
    """'venv', 'conda', 'prefix' (a plain interpreter prefix) or 'inspect' (a ``pip inspect`` report)."""
    path: Path
    """The prefix, or the report file."""
    how: str
    """How it was found: '--python', '--prefix', '--inspect', '$VIRTUAL_ENV', 'PATH', '$CONDA_PREFIX', '.venv'."""
    python_version: tuple[int, int, int] | None = None
    site_dirs: tuple[Path, ...] = ()
    """Own site dirs first, then the base interpreter's when system site-packages are included."""
    system_site_dirs: tuple[Path, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        """For people: the path relative to the working directory when it lies inside it."""
        kind = {"inspect": "pip inspect report"}.get(self.kind, self.kind)
        try:
            shown = self.path.relative_to(Path.cwd()).as_posix() or "."
        except (ValueError, OSError):
            shown = str(self.path)
        return f"{kind} {shown} (found via {self.how})"

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "path": str(self.path), "how": self.how,
                "python": ".".join(map(str, self.python_version)) if self.python_version else None}


def own_prefixes() -> set[Path]:
    """The prefixes envlint itself runs from (never linted silently)."""
    out = set()
    for p in (sys.prefix, sys.exec_prefix):
        try:
            out.add(Path(p).resolve())
        except OSError:
            pass
    return out


def read_pyvenv_cfg(prefix: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        with open_regular(prefix / "pyvenv.cfg") as fh:  # never a blocking read of a FIFO
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return values
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    return values


def _lib_site_dirs(prefix: Path) -> tuple[list[Path], tuple[int, int, int] | None]:
    """site-packages dirs under a POSIX or Windows prefix, and the Python version their names give."""
    dirs: list[Path] = []
    version = None
    for lib in ("lib", "lib64"):
        base = prefix / lib
        try:
            entries = sorted(base.iterdir())
        except OSError:
            continue
        for entry in entries:
            m = _LIB_PY.match(entry.name)
            if m and (entry / "site-packages").is_dir():
                if (entry / "site-packages").resolve() not in [d.resolve() for d in dirs]:
                    dirs.append(entry / "site-packages")
                version = version or (int(m.group(1)), int(m.group(2)), 0)
    win = prefix / "Lib" / "site-packages"
    if win.is_dir() and win not in dirs:
        dirs.append(win)
    return dirs, version


def from_prefix(prefix: Path, how: str) -> EnvLocation:
    prefix = prefix.absolute()
    if not prefix.is_dir():
        raise FactUnavailable(f"{prefix} is not a directory", what="environment")
    cfg = read_pyvenv_cfg(prefix)
    own, dir_version = _lib_site_dirs(prefix)
    if cfg:
        version = version_from_text(cfg.get("version_info") or cfg.get("version")) or dir_version
        system: list[Path] = []
        if cfg.get("include-system-site-packages", "").lower() == "true" and cfg.get("home"):
            base = Path(cfg["home"]).parent
            system, _ = _lib_site_dirs(base)
            if version:
                system = [d for d in system if d.parent.name.startswith(f"python{version[0]}.{version[1]}")]
                system += [d for d in _debian_site_dirs(base, version) if d not in system]
        return EnvLocation("venv", prefix, how, version, tuple(own + system), tuple(system))
    if (prefix / "conda-meta").is_dir():
        version = dir_version
        for rec in sorted((prefix / "conda-meta").glob("python-[0-9]*.json")):
            version = version_from_text(rec.name[len("python-"):]) or version
        return EnvLocation("conda", prefix, how, version, tuple(own))
    version = dir_version or _stdlib_version(prefix)
    extra = [d for d in _debian_site_dirs(prefix, version) if d not in own] if version else []
    if not own and not extra:
        raise FactUnavailable(f"{prefix} has no pyvenv.cfg, conda-meta/ or lib/python3.*/site-packages",
                              what="environment")
    return EnvLocation("prefix", prefix, how, version, tuple(own + extra))


def _stdlib_version(prefix: Path) -> tuple[int, int, int] | None:
    """The newest ``lib/pythonX.Y`` holding a standard library (a system prefix without site-packages)."""
    found = []
    for entry in prefix.glob("lib/python3.*"):
        m = _LIB_PY.match(entry.name)
        if m and (entry / "os.py").is_file():
            found.append((int(m.group(1)), int(m.group(2)), 0))
    return max(found) if found else None


def _debian_site_dirs(prefix: Path, version: tuple[int, int, int]) -> list[Path]:
    """Debian's and Ubuntu's site dirs of a system interpreter, in its ``site.getsitepackages()`` order."""
    major, minor = version[0], version[1]
    candidates = [prefix / "local" / "lib" / f"python{major}.{minor}" / "dist-packages",
                  prefix / "lib" / f"python{major}" / "dist-packages",
                  prefix / "lib" / f"python{major}.{minor}" / "dist-packages"]
    return [d for d in candidates if d.is_dir()]


_PROBE = (
    "import sys, json, sysconfig; "
    "print(json.dumps({'version': list(sys.version_info[:3]), 'prefix': sys.prefix, "
    "'paths': sysconfig.get_paths()}))"
)


def _link_chain(exe: Path, limit: int = 40) -> list[Path]:
    """The interpreter path and every symlink hop after it: a venv's ``bin/python`` links to the base
    interpreter, so a link *to* a venv's python must be recognised at the hop that is in the venv."""
    chain = [exe]
    current = exe
    for _ in range(limit):
        try:
            target = os.readlink(current)
        except OSError:
            break
        current = Path(os.path.normpath(current.parent / target))
        chain.append(current)
    try:
        chain.append(exe.resolve())
    except OSError:
        pass
    return chain


def from_python(python: Path) -> EnvLocation:
    """An interpreter: its venv's files when it has one, else ask it as ``python -I -S`` (no site, no .pth)."""
    exe = python if python.is_absolute() else Path.cwd() / python
    if not exe.exists():
        raise FactUnavailable(f"interpreter {python} does not exist", what="environment")
    for link in _link_chain(exe):
        candidate = link.parent.parent
        if (candidate / "pyvenv.cfg").is_file() or (candidate / "conda-meta").is_dir():
            return from_prefix(candidate, "--python")
    import subprocess

    from envlint.facts.environment.probe import run_capped

    try:
        out = run_capped([str(exe), "-I", "-S", "-c", _PROBE], env={"PATH": os.environ.get("PATH", "")})
        data = json.loads(out)
    except ValueError:
        raise FactUnavailable(f"{python} did not answer like a Python interpreter", what="environment") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise FactUnavailable(f"cannot ask interpreter {python}: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}",
                              what="environment") from None
    prefix = Path(data["prefix"])
    dirs = []
    for key in ("purelib", "platlib"):
        d = Path(data["paths"].get(key, ""))
        if d.is_dir() and d not in dirs:
            dirs.append(d)
    loc = from_prefix(prefix, "--python") if prefix.is_dir() else None
    site = [*dirs, *[d for d in (loc.site_dirs if loc else ()) if d not in dirs]]
    v = data.get("version") or [3, 0, 0]
    return EnvLocation("prefix", prefix, "--python", (v[0], v[1], v[2]), tuple(site))


def _is_own(path: Path) -> bool:
    try:
        return path.resolve() in own_prefixes()
    except OSError:
        return False


def discover(root: Path, environ: dict[str, str]) -> tuple[EnvLocation | None, list[str]]:
    """Find the user's environment; returns it (or None) and notes about candidates passed over."""
    notes: list[str] = []
    venv = environ.get("VIRTUAL_ENV")
    if venv:
        if _is_own(Path(venv)):
            notes.append(f"$VIRTUAL_ENV is envlint's own environment ({venv}); not linted")
        elif Path(venv).is_dir():
            return from_prefix(Path(venv), "$VIRTUAL_ENV"), notes
    for entry in environ.get("PATH", "").split(os.pathsep):
        if not entry:
            continue
        candidate = Path(entry).parent
        if (candidate / "pyvenv.cfg").is_file() and not _is_own(candidate):
            return from_prefix(candidate, "PATH"), notes
    conda = environ.get("CONDA_PREFIX")
    if conda:
        if _is_own(Path(conda)):
            notes.append(f"$CONDA_PREFIX is envlint's own environment ({conda}); not linted")
        elif Path(conda).is_dir():
            return from_prefix(Path(conda), "$CONDA_PREFIX"), notes
    local = root / ".venv"
    if (local / "pyvenv.cfg").is_file():
        if _is_own(local):
            notes.append(f"{local} is envlint's own environment; not linted")
        else:
            return from_prefix(local, ".venv"), notes
    return None, notes


def explicit_problem(prefix: Path | None, python: Path | None) -> str | None:
    """Why ``--prefix``/``--python`` does not name a Python environment/interpreter (None when it does).

    An explicit choice that is wrong is a usage error (exit 2), not a run without environment rules.
    """
    try:
        if prefix is not None:
            from_prefix(prefix, "--prefix")
        elif python is not None:
            if python.is_dir():
                return f"--python {python}: is a directory, not a Python interpreter (use --prefix for an environment)"
            from_python(python)
    except FactUnavailable as exc:
        option = "--prefix" if prefix is not None else "--python"
        what = "a Python environment" if prefix is not None else "a Python interpreter"
        reason = " ".join(exc.reason.split())
        return f"{option} {prefix if prefix is not None else python}: not {what} ({reason})"
    return None

