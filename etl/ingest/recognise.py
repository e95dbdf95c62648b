"""Which table a file or sheet holds, and on which row its header is.

The table is recognised by the file or sheet name (spec.table_for_name: the table's own name
or one of its names in the six languages), else by its header row. The header is the row,
among the first twenty, that names the most columns of the table (by name or alias,
spec.header_lookup): titles, notes and blank rows above it are passed over, and the row it
was found on is reported. Without a name, a row naming every required column of exactly one
table makes the sheet that table; two tables fitting equally well are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.ingest import spec
from etl.ingest.errors import FileRefused

HEADER_SEARCH_ROWS = 20
# a row naming this many columns of one table is taken for its header even if it lacks a
# required one, so that the refusal names what is missing instead of skipping the sheet
LOOKS_LIKE = 3


@dataclass(frozen=True)
class Header:
    table: str
    index: int  # position of the header among the rows searched (0 = the first row)
    named: int  # columns of the table the row names
    how: str  # "file name" | "sheet name" | "header row"


def columns_named(table: str, cells: list[str]) -> set[str]:
    lookup = spec.header_lookup(table)
    keys = (spec.header_key(c) for c in cells if c and str(c).strip())
    return {lookup[k] for k in keys if k in lookup}


def _complete(table: str, named: set[str]) -> bool:
    return all(c.name in named for c in spec.columns(table) if c.required)


def find_header(rows: list[list[str]], *, named: str | None, how: str, label: str) -> Header | None:
    """The header of the rows (the first rows of a file or sheet); named: the table the name
    says, if any. None when no row is the header of a table. Raises FileRefused when the
    header fits two tables."""
    rows = rows[:HEADER_SEARCH_ROWS]
    if named:
        counts = [len(columns_named(named, r)) for r in rows]
        best = max(range(len(rows)), key=counts.__getitem__) if rows else 0
        return Header(named, best, counts[best] if rows else 0, how)
    found = []  # (complete, columns named, table, row)
    for table in spec.TABLE_ORDER:
        for i, cells in enumerate(rows):
            names = columns_named(table, cells)
            if names:
                found.append((_complete(table, names), len(names), table, i))
    pool = [f for f in found if f[0]] or [f for f in found if f[1] >= LOOKS_LIKE]
    if not pool:
        return None
    top = max(f[1] for f in pool)
    best = [f for f in pool if f[1] == top]
    tables = sorted({f[2] for f in best}, key=spec.TABLE_ORDER.index)
    if len(tables) > 1:
        raise FileRefused(
            f"{label}: its header fits the tables {' and '.join(tables)} equally well; name the file or "
            "sheet after its table"
        )
    first = min(best, key=lambda f: f[3])
    return Header(first[2], first[3], first[1], "header row")


def header_cells(cells: list) -> list[str]:
    out = ["" if v is None else str(v).strip() for v in cells]
    while out and out[-1] == "":
        out.pop()
    return out
