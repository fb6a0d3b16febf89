"""Minimal ELF64 shared objects for the hostile tests, written byte by byte (no compiler needed)."""

from __future__ import annotations

import struct

DT_NULL, DT_NEEDED, DT_STRTAB, DT_STRSZ = 0, 1, 5, 10
_HEADER = struct.Struct("<16sHHIQQQIHHHHHH")
_PHDR = struct.Struct("<IIQQQQQQ")


def shared_object(names: list[str], *, repeat_first: int = 0, offset_past_table: bool = False) -> bytes:
    """An x86_64 ``ET_DYN`` file whose dynamic section needs ``names`` (the first ``repeat_first`` more
    times; with ``offset_past_table``, one more DT_NEEDED points past the end of the string table)."""
    start = _HEADER.size + 2 * _PHDR.size
    strtab = b"\0"
    offsets = []
    for name in names:
        offsets.append(len(strtab))
        strtab += name.encode() + b"\0"
    dyn_off = (start + len(strtab) + 7) & ~7
    entries = [(DT_NEEDED, o) for o in offsets] + [(DT_NEEDED, offsets[0])] * repeat_first
    if offset_past_table:
        entries.append((DT_NEEDED, len(strtab) + 4096))
    entries += [(DT_STRTAB, start), (DT_STRSZ, len(strtab)), (DT_NULL, 0)]
    dynamic = b"".join(struct.pack("<qQ", tag, value) for tag, value in entries)
    total = dyn_off + len(dynamic)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    header = _HEADER.pack(ident, 3, 62, 1, 0, _HEADER.size, 0, 0, _HEADER.size, _PHDR.size, 2, 64, 0, 0)
    load = _PHDR.pack(1, 4, 0, 0, 0, total, total, 0x1000)
    dyn = _PHDR.pack(2, 4, dyn_off, dyn_off, dyn_off, len(dynamic), len(dynamic), 8)
    body = header + load + dyn + strtab
    return body + bytes(dyn_off - len(body)) + dynamic
