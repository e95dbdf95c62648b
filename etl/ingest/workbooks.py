"""Excel workbooks as the clerk sees them: every cell of a merged range holds the range's value.

openpyxl's streaming (read-only) mode, the only one fast enough for large sheets, does not
report merged ranges; they are read here from the sheet's XML (`<mergeCell ref="A2:A9"/>`),
which a workbook keeps after the cells, and the rows are filled as they stream past.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from openpyxl.utils.cell import range_boundaries

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class Merged:
    min_row: int
    min_col: int
    max_row: int
    max_col: int


def merged_ranges(path: Path) -> dict[str, list[Merged]]:
    """sheet name -> its merged ranges (1-based, inclusive)."""
    out: dict[str, list[Merged]] = {}
    with zipfile.ZipFile(path) as z:
        for sheet, member in _sheet_members(z).items():
            found, tail = [], b""
            with z.open(member) as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    data = tail + chunk
                    found += _MERGE.findall(data)
                    # a tag cut by the chunk boundary is found whole in the next round
                    cut = data.rfind(b"<")
                    tail = data[cut:] if cut >= 0 and b">" not in data[cut:] else b""
            ranges = []
            for ref in dict.fromkeys(found):
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
                ranges.append(Merged(min_row, min_col, max_row, max_col))
            out[sheet] = ranges
    return out


def _sheet_members(z: zipfile.ZipFile) -> dict[str, str]:
    """sheet name -> the zip member holding its XML (from the workbook and its relations)."""
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG}Relationship")}
    out = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"))
        if target:
            member = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            out[sheet.get("name")] = posixpath.normpath(member)
    return out


def filled_rows(
    ws, merges: list[Merged], max_row: int | None = None
) -> Iterator[tuple[int, list, bool]]:
    """(row number, values, blank) for every row from the first; merged cells hold their range's
    value. blank: the row has no value of its own (a row filled only by a merge is blank)."""
    starting = defaultdict(list)
    for m in merges:
        starting[m.min_row].append(m)
    active: list[tuple[Merged, object]] = []
    for number, row in enumerate(ws.iter_rows(min_row=1, max_row=max_row, values_only=True), 1):
        values = list(row or ())
        blank = all(v is None or str(v).strip() == "" for v in values)
        for m in starting.pop(number, ()):
            active.append((m, values[m.min_col - 1] if m.min_col <= len(values) else None))
        if active:
            width = max(m.max_col for m, _ in active)
            values += [None] * (width - len(values))
            for m, value in active:
                values[m.min_col - 1 : m.max_col] = [value] * (m.max_col - m.min_col + 1)
            active = [(m, v) for m, v in active if m.max_row > number]
        yield number, values, blank


def cell_text(value) -> str | None:
    """Excel cells as the text a clerk typed: dates ISO, whole numbers without '.0'."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
