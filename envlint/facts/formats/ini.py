"""INI files (setup.cfg, pip.conf) with the line of every value line.

configparser decides whether the file is valid (pip and setuptools use it, so its errors are theirs);
a line scanner with configparser's rules (``key = value`` or ``key: value``, indented continuation
lines, ``#``/``;`` comment lines, no inline comments) records where each value is written.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass, field

_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]")
_OPTION = re.compile(r"^(?P<key>[^=:\s][^=:]*?)\s*[=:]\s*(?P<value>.*)$")


@dataclass(frozen=True)
class IniValue:
    section: str
    key: str
    """Lower-cased, as configparser stores it."""
    line: int
    items: tuple[tuple[int, int, str], ...]
    """(line, column, text) of every non-empty piece: the text after ``=`` and each continuation line."""

    @property
    def text(self) -> str:
        return "\n".join(t for _, _, t in self.items)


@dataclass
class IniDoc:
    values: list[IniValue] = field(default_factory=list)
    sections: dict[str, int] = field(default_factory=dict)

    def get(self, section: str, key: str) -> IniValue | None:
        for v in self.values:
            if v.section == section and v.key == key:
                return v
        return None

    def section(self, section: str) -> list[IniValue]:
        return [v for v in self.values if v.section == section]


@dataclass(frozen=True)
class IniError:
    message: str
    line: int | None


def parse(text: str, normalize_key=lambda k: k.lower()) -> IniDoc | IniError:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.MissingSectionHeaderError as exc:
        return IniError("no [section] header before the first setting", exc.lineno)
    except configparser.ParsingError as exc:
        errors = getattr(exc, "errors", [])
        line = errors[0][0] if errors else None
        return IniError("line is not 'key = value', a [section] or a comment", line)
    except (configparser.DuplicateSectionError, configparser.DuplicateOptionError) as exc:
        return IniError(str(exc).split(": ", 1)[-1] if ": " in str(exc) else str(exc), getattr(exc, "lineno", None))
    except configparser.Error as exc:
        return IniError(str(exc).splitlines()[0], None)
    return _scan(text, normalize_key)


def _scan(text: str, normalize_key) -> IniDoc:
    doc = IniDoc()
    section = ""
    key: str | None = None
    key_line = 0
    items: list[tuple[int, int, str]] = []

    def flush() -> None:
        if key is not None:
            doc.values.append(IniValue(section, key, key_line, tuple(items)))

    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if raw[0] in " \t" and key is not None:
            items.append((number, len(raw) - len(raw.lstrip()) + 1, stripped))
            continue
        m = _SECTION.match(raw)
        if m:
            flush()
            key = None
            section = m.group("name").strip()
            doc.sections.setdefault(section, number)
            continue
        m = _OPTION.match(raw)
        if m:
            flush()
            key = normalize_key(m.group("key").strip())
            key_line = number
            value = m.group("value").rstrip()
            items = [(number, m.start("value") + 1, value)] if value else []
    flush()
    return doc
