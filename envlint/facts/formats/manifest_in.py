"""MANIFEST.in, evaluated over a list of files like setuptools' ``FileList`` (without running anything).

Commands: ``include``, ``exclude``, ``recursive-include``, ``recursive-exclude``, ``global-include``,
``global-exclude``, ``graft``, ``prune``. Patterns are globs where ``*`` does not cross ``/`` and
``**`` does; ``recursive-*`` match the file name anywhere under a directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


#: Wildcards in one pattern: each is a place the regex can backtrack to, so a pattern of thousands
#: (``**/**/**/...``) takes exponential time on a path it does not match. Real patterns have a few;
#: one with more matches nothing.
MAX_WILDCARDS = 64
#: MANIFEST.in commands evaluated (each is matched against every file of the project); the rest are not.
MAX_COMMANDS = 2000
_STAR_RUNS = re.compile(r"\*{3,}")
_DEEP_RUNS = re.compile(r"(?:\*\*/){2,}")


@lru_cache(maxsize=1024)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob (``*`` within one path part, ``**`` across parts, ``?``, ``[...]``) as an anchored regex."""
    pattern = _DEEP_RUNS.sub("**/", _STAR_RUNS.sub("**", pattern))  # the same paths, without nested repeats
    if pattern.count("*") + pattern.count("?") > MAX_WILDCARDS:
        return re.compile("(?!)")
    out = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(ch))
                i += 1
            else:
                body = pattern[i + 1:end]
                negate = body.startswith("!")
                # Inside a class only ``-`` ranges are special, as in fnmatch: escape what re would read.
                body = re.sub(r"([\\&~|\[^])", r"\\\1", body[1:] if negate else body)
                group = f"[{'^' if negate else ''}{body}]"
                try:
                    re.compile(group)
                except re.error:  # an empty class or range ([z-a], [!]) matches nothing, as in fnmatch
                    group = "(?!)"
                out.append(group)
                i = end + 1
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _clean(path: str) -> str:
    path = path.replace("\\", "/").strip()
    while path.startswith("./"):
        path = path[2:]
    return path.strip("/")


def evaluate(text: str, files: Iterable[str]) -> set[str]:
    """The subset of ``files`` (POSIX paths relative to the project root) that MANIFEST.in selects."""
    all_files = sorted(set(files))
    selected: set[str] = set()
    commands = 0
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        commands += 1
        if commands > MAX_COMMANDS:
            break
        words = line.split()
        action, args = words[0], words[1:]
        if action in ("include", "exclude"):
            regexes = [glob_regex(_clean(p)) for p in args]
            matched = {f for f in all_files if any(r.match(f) for r in regexes)}
        elif action in ("global-include", "global-exclude"):
            regexes = [glob_regex("**/" + _clean(p)) for p in args]
            matched = {f for f in all_files if any(r.match(f) for r in regexes)}
        elif action in ("recursive-include", "recursive-exclude") and args:
            base = _clean(args[0])
            prefix = f"{base}/" if base else ""
            regexes = [glob_regex(f"{prefix}**/{_clean(p)}") for p in args[1:]]
            matched = {f for f in all_files if f.startswith(prefix) and any(r.match(f) for r in regexes)}
        elif action in ("graft", "prune") and args:
            matched = set()
            for d in args:
                base = _clean(d)
                regex = glob_regex(base) if any(c in base for c in "*?[") else None
                for f in all_files:
                    parents = f.split("/")[:-1]
                    dirs = ["/".join(parents[:k]) for k in range(1, len(parents) + 1)]
                    if (regex and any(regex.match(x) for x in dirs)) or (not regex and (f.startswith(base + "/") or not base)):
                        matched.add(f)
        else:
            continue
        if action in ("include", "global-include", "recursive-include", "graft"):
            selected |= matched
        else:
            selected -= matched
    return selected
