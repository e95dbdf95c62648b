"""Amounts as agencies write them, read one distinct text at a time.

Plain amounts (450000, 1234.50) never come here: DuckDB casts them. This module reads the
rest: thousands grouped by comma, point, space, no-break space or apostrophe (1,234.50,
1.234,50, 1 234,50), a decimal comma (16,95), and a currency sign or code before or after the
number ($1,234.50, ៛1,541,000, 1.515.300 ₫, 1,000 KHR).

Money has at most two decimals in every currency the framework meets, which settles most
texts on their own: one separator followed by one or two digits is the decimal mark
(16,95; 16.95), followed by exactly three it groups thousands (1,234; 1.234), and when a
text shows two separators the last is the decimal mark. Which mark a file uses is decided
from all its amounts (etl/validate/formats.py): a file showing both, or the same mark both
grouping and as decimals, is refused, since one of its readings would be wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from etl.ingest import spec

SPACES = " \u00a0\u202f\u2009'’"  # grouping only: space, no-break and thin spaces, apostrophes
_AMOUNT = re.compile(
    r"(?P<pre>[^\d\-+.,]*?)\s*(?P<num>[-+]?(?:\d|[.,]\d)(?:[\d.,"
    + re.escape(SPACES)
    + r"]*\d)?)\s*(?P<post>[^\d]*?)"
)


@dataclass(frozen=True)
class Amount:
    """What an amount text says. decimal: the decimal mark it shows ("." or ","); grouping:
    the mark it groups thousands with; ambiguous: one mark followed by exactly three digits,
    read as grouping unless the file's decimal mark is that one (then three decimals, which
    money never has); unit: the currency its sign or code says."""

    digits: str | None  # the number with "." as its decimal mark, no grouping; None if bad
    decimal: str | None = None
    grouping: str | None = None
    ambiguous: bool = False
    unit: str | None = None
    negative: bool = False
    problem: str | None = None


@cache
def _currency_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def _unit(sign: str) -> str | None:
    code = spec.currency_signs().get(sign.lower())
    if code:
        return code
    return sign.upper() if sign.upper() in _currency_codes() else None


def _grouped(whole: str, mark: str) -> bool:
    """whole, grouped by mark in threes (1,234,567), with a first group of 1-3 digits not
    starting with 0."""
    groups = whole.split(mark)
    return (
        1 <= len(groups[0]) <= 3
        and not (groups[0].startswith("0") and len(groups) > 1)
        and all(len(g) == 3 for g in groups[1:])
    )


def read(text: str) -> Amount:
    t = unicodedata.normalize("NFC", text).strip()
    m = _AMOUNT.fullmatch(t)
    if not m:
        return Amount(None, problem="not a number")
    pre, post, num = m["pre"].strip(), m["post"].strip(), m["num"]
    unit = None
    for sign in (pre, post):
        if sign:
            found = _unit(sign)
            if found is None:
                return Amount(None, problem=f"'{sign}' is not a currency sign or code")
            if unit and found != unit:
                return Amount(None, problem="two different currencies")
            unit = found
    negative = num.startswith("-")
    num = num.lstrip("+-")
    spaced = any(c in num for c in SPACES)
    if spaced:
        parts = re.split("[" + re.escape(SPACES) + "]", num)
        last = re.split(r"[.,]", parts[-1], maxsplit=1)
        if not _grouped(" ".join([*parts[:-1], last[0]]), " "):
            return Amount(None, problem="spaces that do not group thousands")
        num = "".join(parts)
    dots, commas = num.count("."), num.count(",")
    base = {"unit": unit, "negative": negative}
    if not dots and not commas:
        return Amount(num, grouping=" " if spaced else None, **base)
    if dots and commas:
        mark = "." if num.rfind(".") > num.rfind(",") else ","
        group = "," if mark == "." else "."
        whole, _, frac = num.rpartition(mark)
        if num.count(mark) > 1 or not _grouped(whole, group) or not 1 <= len(frac) <= 2:
            return Amount(None, problem="separators that do not read as one number")
        return Amount(f"{whole.replace(group, '')}.{frac}", mark, group, **base)
    mark = "." if dots else ","
    whole, _, frac = num.rpartition(mark)
    if num.count(mark) > 1:
        if not _grouped(num, mark):
            return Amount(None, problem="separators that do not group thousands")
        return Amount(num.replace(mark, ""), grouping=mark, **base)
    if len(frac) == 3 and _grouped(num, mark) and not spaced:
        return Amount(whole + frac, grouping=mark, ambiguous=True, **base)
    if 1 <= len(frac) <= 2:
        return Amount(f"{whole or '0'}.{frac}", mark, " " if spaced else None, **base)
    return Amount(None, problem="more than two decimals")


def value(a: Amount, decimal: str) -> Decimal | None:
    """The amount in a file whose decimal mark is `decimal`; None when it does not read so."""
    if a.digits is None:
        return None
    if a.ambiguous and a.grouping == decimal:
        return None  # three decimals
    if (a.decimal and a.decimal != decimal) or (not a.ambiguous and a.grouping == decimal):
        return None
    number = Decimal(a.digits)
    return -number if a.negative else number
