"""What the user selected, as plain data, and how it becomes bound SQL parameters.

Built by dashboard/filters.py from the sidebar; used by every query. Nothing here imports
streamlit. Quarters are dates (first day of the quarter), as in the published marts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

AGE_GROUPS = ("child", "adult")


def add_quarters(quarter: dt.date, n: int) -> dt.date:
    index = quarter.year * 4 + (quarter.month - 1) // 3 + n
    return dt.date(index // 4, 3 * (index % 4) + 1, 1)


def quarters_between(first: dt.date, last: dt.date) -> int:
    """Number of quarters from first to last, both included."""
    return (last.year - first.year) * 4 + (last.month - first.month) // 3 + 1


def quarter_code(quarter: dt.date) -> str:
    """'2024Q3': the form used in links."""
    return f"{quarter.year}Q{(quarter.month - 1) // 3 + 1}"


def parse_quarter_code(code: str) -> dt.date | None:
    match = re.fullmatch(r"(\d{4})-?Q([1-4])", str(code).strip().upper())
    if not match:
        return None
    return dt.date(int(match.group(1)), 3 * (int(match.group(2)) - 1) + 1, 1)


@dataclass(frozen=True)
class Selection:
    q_from: dt.date
    q_to: dt.date
    country: str | None = None
    provinces: tuple[str, ...] = ()
    sex: str | None = None
    age_group: str | None = None  # 'child' | 'adult' | None (everyone)
    form: str | None = None

    def __post_init__(self) -> None:
        if self.q_from > self.q_to:
            raise ValueError("q_from after q_to")
        if self.age_group not in (None, *AGE_GROUPS):
            raise ValueError(f"unknown age group {self.age_group!r}")

    @property
    def n_quarters(self) -> int:
        return quarters_between(self.q_from, self.q_to)

    def previous(self) -> Selection:
        """The period of equal length just before this one, same cells."""
        n = self.n_quarters
        return dataclasses.replace(
            self, q_from=add_quarters(self.q_from, -n), q_to=add_quarters(self.q_from, -1)
        )

    def replace(self, **changes: Any) -> Selection:
        return dataclasses.replace(self, **changes)

    def params(self) -> dict[str, Any]:
        """Bound parameters for the cell filter (sql/_cell_filter.sql) and the period.

        Lists are one parameter each; an empty list means "all".
        """
        return {
            "country": self.country,
            "provinces": list(self.provinces),
            "sexes": [self.sex] if self.sex else [],
            "age_groups": [self.age_group] if self.age_group else [],
            "forms": [self.form] if self.form else [],
            "q_from": self.q_from,
            "q_to": self.q_to,
            "y_from": self.q_from.year,  # yearly marts (budget, service costs)
            "y_to": self.q_to.year,
        }
