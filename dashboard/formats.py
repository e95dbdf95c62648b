"""Numbers and dates as the reader writes them: every figure's text comes from
number(value, kind), every quarter's and date's from quarter() and date().

A kind names what a number is (a count, a share, a score...); the language decides how it
is written, from CLDR's data for its locale (via Babel): the decimal and group separators
("1.234,5" in Vietnamese and Lao), where the percent sign and the currency go ("1,000 US$"
in Vietnamese, "US$1,000" in Thai), the plus and minus signs. Unit words ("months",
"pp") are catalogue messages. `decimals(kind)` is the precision shown, the same in every
language, and rounded() the value rounded to it: charts are given exactly what the tables
show, never more digits; number() writes the rounded value, so the two always agree.

Digits are Latin (0-9) in every language, as CLDR's default is for every language here but
Burmese: chart axes (plotly) can only write Latin digits, and a table and its chart must
read the same. Thai years are written in the Buddhist era when i18n.buddhist_era() says
so (B.E. = C.E. + 543).

Nothing here imports streamlit.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, dates, numbers

from dashboard import i18n
from dashboard.i18n import t

KINDS = (
    "count", "share", "score", "index", "months", "rate", "usd",
    "delta_count", "delta_pp", "delta_score", "delta_index", "delta_months",
)  # fmt: skip
BUDDHIST_ERA_OFFSET = 543


@dataclass(frozen=True)
class _Kind:
    style: str  # decimal | percent | currency
    places: int  # digits after the decimal point, as written
    signed: bool = False  # always write the sign (a change)
    unit: str | None = None  # catalogue message "unit.<unit>" around the number


_KINDS = {
    "count": _Kind("decimal", 0),
    "share": _Kind("percent", 0),
    "score": _Kind("decimal", 2),
    "index": _Kind("decimal", 0),
    "months": _Kind("decimal", 0, unit="months"),
    "rate": _Kind("decimal", 1),
    "usd": _Kind("currency", 0),
    "delta_count": _Kind("decimal", 0, signed=True),
    "delta_pp": _Kind("decimal", 1, signed=True, unit="pp"),
    "delta_score": _Kind("decimal", 2, signed=True),
    "delta_index": _Kind("decimal", 1, signed=True),
    "delta_months": _Kind("decimal", 0, signed=True, unit="months"),
}
assert set(_KINDS) == set(KINDS)


def _kind(kind: str) -> _Kind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown number kind {kind!r}") from None


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=256)
def _pattern(code: str, kind: str) -> numbers.NumberPattern:
    """The locale's CLDR pattern for the kind's style, at the kind's precision and sign."""
    spec, loc = _kind(kind), _locale(code)
    if spec.style == "percent":
        base = loc.percent_formats[None]
    elif spec.style == "currency":
        base = loc.currency_formats["standard"]
    else:
        base = loc.decimal_formats[None]
    pattern = copy.copy(base)
    pattern.frac_prec = (spec.places, spec.places)
    plus = numbers.get_plus_sign_symbol(loc)
    minus = numbers.get_minus_sign_symbol(loc)
    positive = pattern.prefix[0]
    pattern.prefix = (f"{plus}{positive}" if spec.signed else positive, f"{minus}{positive}")
    pattern.suffix = (pattern.suffix[0], pattern.suffix[0])
    return pattern


def _dollar_symbol(code: str) -> str:
    """CLDR's symbol for US dollars, but never a bare "$" (which may read as another
    dollar): "US$"."""
    symbol = numbers.get_currency_symbol("USD", _locale(code))
    return "US$" if symbol == "$" else symbol


def decimals(kind: str) -> int:
    """Digits after the decimal point of the value itself as shown (a share shown as a whole
    percentage has 2)."""
    spec = _kind(kind)
    return spec.places + 2 if spec.style == "percent" else spec.places


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def rounded(value: float, kind: str) -> float:
    """The value rounded as it is shown (NaN stays NaN)."""
    if _missing(value):
        return math.nan
    out = round(float(value), decimals(kind))
    return 0.0 if out == 0 else out  # no "-0"


def number(value: float, kind: str) -> str:
    """The text of a value of this kind in the current language ("–" for no value)."""
    spec = _kind(kind)
    if _missing(value):
        return t("value.no_data")
    code = i18n.get_locale()
    shown = rounded(value, kind)
    text = _pattern(code, kind).apply(shown, _locale(code))
    if spec.style == "currency":
        text = text.replace("¤", _dollar_symbol(code))
    if spec.unit:
        text = t(f"unit.{spec.unit}", n=text, count=shown)
    return text


def formatter(kind: str) -> Callable[[float], str]:
    """number(value, kind) as a function of the value (the kind checked now; the pattern
    of each language is made once and kept)."""
    _kind(kind)
    return lambda value: number(value, kind)


def money(value: float, currency: str) -> str:
    """An amount in any currency (ISO 4217, e.g. "KHR", "THB"), in whole units, with the
    currency as the language writes it ("៛", "฿", "₫")."""
    if _missing(value):
        return t("value.no_data")
    code = i18n.get_locale()
    pattern = _pattern(code, "usd")
    text = pattern.apply(round(float(value)) or 0.0, _locale(code))
    symbol = _dollar_symbol(code) if currency == "USD" else None
    return text.replace("¤", symbol or numbers.get_currency_symbol(currency, _locale(code)))


def separators() -> str:
    """The decimal and group separators of the current language, as plotly's
    layout.separators wants them (".," in English, ",." in Vietnamese)."""
    loc = _locale(i18n.get_locale())
    return numbers.get_decimal_symbol(loc) + numbers.get_group_symbol(loc)


# --- dates --------------------------------------------------------------------------------


def year_number(year: int) -> int:
    """The year as the reader counts it (Buddhist era when chosen, in Thai)."""
    return int(year) + BUDDHIST_ERA_OFFSET if i18n.buddhist_era() else int(year)


def year(value: int | dt.date) -> str:
    return str(year_number(value.year if isinstance(value, dt.date) else value))


_YEAR_FIELD = re.compile(r"('[^']*')|(y+)")


def _with_year(pattern: str, value: int) -> str:
    """A CLDR date pattern with its year field replaced by a literal year (the Buddhist
    era year): Babel itself writes Gregorian years only."""
    return _YEAR_FIELD.sub(lambda m: m.group(1) or f"'{value}'", pattern)


@lru_cache(maxsize=64)
def _skeleton_pattern(code: str, skeleton: str) -> str:
    loc = _locale(code)
    best = dates.match_skeleton(skeleton, loc.datetime_skeletons) or skeleton
    return loc.datetime_skeletons[best].pattern if best in loc.datetime_skeletons else best


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return value.to_pydatetime().date()
    return dt.date.fromisoformat(str(value)[:10])


def _format_date(value: dt.date, pattern: str) -> str:
    code = i18n.get_locale()
    if i18n.buddhist_era():
        pattern = _with_year(pattern, year_number(value.year))
    return dates.format_date(value, format=pattern, locale=_locale(code))


def quarter(value: object) -> str:
    """The quarter that starts on (or contains) that date: "Q3 2024", "ไตรมาส 3 2567"."""
    return _format_date(_as_date(value), _quarter_pattern(i18n.get_locale()))


@lru_cache(maxsize=16)
def _quarter_pattern(code: str) -> str:
    # CLDR abbreviates some languages' quarters with the English "Q1" (Vietnamese, Burmese):
    # their readers get the quarter's name in their language ("Quý 1 năm 2024") instead
    short = _locale(code).quarters["format"]["abbreviated"][1]
    skeleton = "yQQQQ" if code != i18n.FALLBACK and short.startswith("Q") else "yQQQ"
    return _skeleton_pattern(code, skeleton)


def date(value: object) -> str:
    """A day, in the language's medium format: "Jun 30, 2025", "30 thg 6, 2025"."""
    day = _as_date(value)
    return _format_date(day, _locale(i18n.get_locale()).date_formats["medium"].pattern)


def datetime(value: dt.datetime) -> str:
    """A day and a time to the minute (no seconds, no time zone: the caller says which)."""
    code = i18n.get_locale()
    loc = _locale(code)
    day = date(value)
    time = dates.format_time(value, format="short", locale=loc)
    glue = str(loc.datetime_formats.get("medium", "{1} {0}"))
    return glue.replace("{1}", day).replace("{0}", time).replace("'", "")


@dataclass(frozen=True)
class Format:
    """A kind's formatter in the shape of a format string (`fmt.format(value)`), for code
    that holds a format per column (the suppression rules): the text is number()'s."""

    kind: str

    def format(self, value: float) -> str:
        return number(value, self.kind)

    def __call__(self, value: float) -> str:
        return number(value, self.kind)
