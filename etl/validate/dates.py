"""Dates as agencies write them, read one distinct text at a time.

ISO dates (2024-03-31) and Excel's date cells never come here: DuckDB casts them. This
module reads the rest, in the forms exports of the region take:

- numbers with the year last: 31/03/2024, 31.03.2024, 3/31/2024, with or without a time
  after them; whether the day or the month comes first is not decided here but for the
  whole file (etl/validate/formats.py), from the values whose first or second part is above 12;
- numbers with the year first: 2024/3/31, 2024.03.31; Chinese 2024年3月31日;
- a month written as a word in English, Khmer, Lao, Thai, Vietnamese, Burmese or Chinese, as
  Babel's locale data (CLDR) spells the months, long and short: 31 Mar 2024, 15 ก.ค. 2563,
  15 tháng 7, 2020, 15 កក្កដា 2020, 2020 ဇူလိုင် 15; weekday names and words such as "ngày",
  "วันที่" around them are passed over;
- digits of the local scripts (Thai ๑๕, Khmer ១៥, Lao ໑໕, Burmese ၁၅);
- Excel serial day numbers (45382);
- Buddhist-era years (Thai submissions; BE 2563 = CE 2020), marked "พ.ศ." or not.

A year of two digits (15/07/20) is never guessed: the file is refused, asking for four.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

EARLIEST_YEAR = 2000  # reintegration case records before 2000 are typing errors
EXCEL_EPOCH = dt.date(1899, 12, 30)
LOCALES = ("en", "km", "lo", "my", "th", "vi", "zh")
THAI_BE_MARK, THAI_CE_MARK = "พ.ศ.", "ค.ศ."
THAI_BE_OFFSET = 543
# words around a date that say nothing about it: "day", "the", "year", "month" in the six
# languages (the month's own name follows "month" in Khmer, Lao and Thai)
FILLERS = [
    "วันที่", "ที่", "เดือน", "ngày", "năm", "ថ្ងៃទី", "ទី", "ខែ", "ឆ្នាំ", "ວັນທີ່", "ວັນທີ",
    "ເດືອນ", "ປີ", "ခုနှစ်", "ရက်", "၊", "။", "of", "the",
]  # fmt: skip
_TIME = re.compile(
    r"(?:[ t]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?:am|pm|a\.m\.|p\.m\.|sa|ch|น\.)?)$"
)
_CHINESE = re.compile(r"(\d+)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?:\s*(?:星期|周).)?")
_VIETNAMESE_MONTH = re.compile(r"(?:tháng|thg)\s*(\d{1,2})(?!\d)")
_SERIAL = re.compile(r"\d{5}(?:\.0+)?")


@dataclass(frozen=True)
class Shape:
    """What a date text says. kind: "full" (year, month and day known), "open" (numbers
    with the year last: first and second are day and month in an order the file decides),
    "serial" (an Excel day number, in year), "two_digit" (a two-digit year) or "bad"."""

    kind: str
    year: int = 0
    month: int = 0
    day: int = 0
    first: int = 0
    second: int = 0
    era: str | None = None  # "BE" or "CE" when the text says which

    @property
    def shows(self) -> str | None:
        """The order an open date shows: "DMY" (first part above 12), "MDY" or None."""
        if self.kind != "open":
            return None
        if self.first > 12 >= self.second:
            return "DMY"
        if self.second > 12 >= self.first:
            return "MDY"
        return None


@cache
def _digits() -> dict[int, str]:
    """Every decimal digit of the local scripts (and full-width ones) -> its ASCII digit."""
    starts = (0x0E50, 0x0ED0, 0x17E0, 0x1040, 0x1090, 0xFF10, 0x0660, 0x06F0, 0x0966)
    return {start + i: str(i) for start in starts for i in range(10)}


def _names_pattern(names: dict[str, int]) -> re.Pattern:
    # longest first, so that "thg 12" is tried before "thg 1" and "july" before "jul"
    alts = [
        rf"(?<![a-z]){re.escape(n)}(?![a-z])" if n.isascii() else re.escape(n)
        for n in sorted(names, key=len, reverse=True)
    ]
    return re.compile("|".join(alts))


@cache
def _months() -> tuple[re.Pattern, dict[str, int]]:
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale in LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=locale).items():
                    names.setdefault(unicodedata.normalize("NFC", name).lower(), number)
    names["sept"] = 9
    return _names_pattern(names), names


@cache
def _weekdays() -> re.Pattern:
    from babel.dates import get_day_names

    names = {}
    for locale in LOCALES:
        for width in ("wide", "abbreviated"):
            for name in get_day_names(width, "format", locale=locale).values():
                names[unicodedata.normalize("NFC", name).lower()] = 0
    return _names_pattern(names)


@cache
def _fillers() -> re.Pattern:
    return _names_pattern(dict.fromkeys(FILLERS, 0))


def shape(text: str) -> Shape:
    """Read one date text (see the module's docstring for the forms)."""
    s = unicodedata.normalize("NFC", text).strip().lower().translate(_digits())
    era = None
    if THAI_BE_MARK in s:
        era, s = "BE", s.replace(THAI_BE_MARK, " ")
    elif THAI_CE_MARK in s:
        era, s = "CE", s.replace(THAI_CE_MARK, " ")
    s = _TIME.sub("", s.strip()).strip()
    if _SERIAL.fullmatch(s):
        return Shape("serial", year=int(float(s)))
    chinese = _CHINESE.fullmatch(s)
    if chinese:
        year, month, day = chinese.groups()
        if len(year) != 4:
            return Shape("two_digit")
        return Shape("full", int(year), int(month), int(day), era=era)
    s = _VIETNAMESE_MONTH.sub(lambda m: f" §{int(m[1])}§ ", s)
    pattern, names = _months()
    s = pattern.sub(lambda m: f" §{names[m[0]]}§ ", s)
    s = _fillers().sub(" ", _weekdays().sub(" ", s))
    months = re.findall(r"§(\d+)§", s)
    rest = re.sub(r"§\d+§", " ", s)
    numbers = re.findall(r"\d+", rest)
    if re.sub(r"[\d\s,./\-]", "", rest):
        return Shape("bad")  # words that are not a month, weekday or filler
    if len(months) == 1 and len(numbers) == 2:
        years = [n for n in numbers if len(n) == 4]
        if len(years) == 1:
            day = next(n for n in numbers if n is not years[0])
            if len(day) > 2:
                return Shape("bad")
            return Shape("full", int(years[0]), int(months[0]), int(day), era=era)
        if all(len(n) <= 2 for n in numbers):
            return Shape("two_digit")
        return Shape("bad")
    if months or len(numbers) != 3:
        return Shape("bad")
    a, b, c = numbers
    if len(a) == 4 and len(b) <= 2 and len(c) <= 2:
        return Shape("full", int(a), int(b), int(c), era=era)
    if len(c) == 4 and len(a) <= 2 and len(b) <= 2:
        return Shape("open", int(c), first=int(a), second=int(b), era=era)
    if len(c) == 2 and len(a) <= 2 and len(b) <= 2:
        return Shape("two_digit")
    return Shape("bad")


def is_buddhist(year: int, today: dt.date, offset: int = THAI_BE_OFFSET) -> bool:
    """A year that can only be of the Buddhist era: after this year, and a year of the
    accepted range once the offset is taken off (2543-2569 in 2026)."""
    return year > today.year and EARLIEST_YEAR <= year - offset <= today.year


def to_date(s: Shape, order: str | None, era_offset: int, today: dt.date) -> dt.date | None:
    """The date a shape stands for: open dates in the order given (None: unknown), years of
    the Buddhist era converted when era_offset is given (or the text marks them)."""
    if s.kind == "serial":
        return EXCEL_EPOCH + dt.timedelta(days=s.year)
    if s.kind not in ("full", "open"):
        return None
    year = s.year
    if s.era == "BE":
        year -= THAI_BE_OFFSET
    elif s.era is None and era_offset and is_buddhist(year, today, era_offset):
        year -= era_offset
    if s.kind == "full":
        month, day = s.month, s.day
    elif order == "DMY":
        day, month = s.first, s.second
    elif order == "MDY":
        month, day = s.first, s.second
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
