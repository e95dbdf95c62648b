"""Numbers as the reader writes them: every figure's text comes from number(value, kind).

A kind names what a number is (a count, a share, a score...), so a language decides how
each is written. `decimals(kind)` is the precision shown, and rounded() the value rounded
to it: charts are given exactly what the tables show, never more digits.

Nothing here imports streamlit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from dashboard.i18n import t

KINDS = (
    "count", "share", "score", "index", "months", "rate", "usd",
    "delta_count", "delta_pp", "delta_score", "delta_index", "delta_months",
)  # fmt: skip


def _spec(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown number kind {kind!r}")
    return t(f"format.{kind}")


def number(value: float, kind: str) -> str:
    """The text of a value of this kind in the current language."""
    return _spec(kind).format(value)


def formatter(kind: str) -> Callable[[float], str]:
    """number(value, kind) for many values: the kind's format looked up once."""
    spec = _spec(kind)
    return spec.format


def decimals(kind: str) -> int:
    """Digits after the decimal point of the value itself as shown (a share shown as a whole
    percentage has 2)."""
    match = re.search(r"\.(\d+)([f%])", _spec(kind))
    if not match:
        return 0
    places = int(match.group(1))
    return places + 2 if match.group(2) == "%" else places


def rounded(value: float, kind: str) -> float:
    """The value rounded as it is shown (NaN stays NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    return round(float(value), decimals(kind))
