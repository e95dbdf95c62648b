"""The cases a selection is about: when fewer than k, a page says so and shows nothing."""

from __future__ import annotations

from dashboard.queries import base
from dashboard.queries.selection import Selection


def cases(db: base.Database, sel: Selection) -> int:
    """Cases opened by the end of the period in the selected cells (never shown: it decides
    only whether a page may show anything)."""
    return int(base.run(db, "population", sel.params())["cases"].iloc[0])
