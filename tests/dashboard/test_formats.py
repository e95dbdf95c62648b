"""dashboard.formats: numbers, money, quarters and dates written the reader's way, with
CLDR's data through Babel, and a shown precision that charts and tables share."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from babel import dates, numbers

from dashboard import formats, i18n

LANGUAGES = ["en", "km", "lo", "th", "vi", "my", "zh"]


@pytest.fixture()
def language():
    """Set the language for one test: language("vi"); English again afterwards."""

    def choose(code: str, *, buddhist_era: bool = False) -> None:
        i18n.set_locale(code, buddhist_era=buddhist_era)

    yield choose
    i18n.set_locale("en")


# Each kind in each language, as CLDR writes it. Vietnamese and Lao swap the separators;
# Khmer, Vietnamese and Burmese put the currency after the amount.
EXPECTED = {
    "en": ["1,234,567", "46%", "2.67", "3.1", "US$12,000", "-3", "+1.2", "+0.0", "14"],
    "km": ["1,234,567", "46%", "2.67", "3.1", "12,000US$", "-3", "+1.2", "+0.0", "14"],
    "lo": ["1.234.567", "46%", "2,67", "3,1", "US$12.000", "-3", "+1,2", "+0,0", "14"],
    "th": ["1,234,567", "46%", "2.67", "3.1", "US$12,000", "-3", "+1.2", "+0.0", "14"],
    "vi": [
        "1.234.567",
        "46%",
        "2,67",
        "3,1",
        "12.000\xa0US$",
        "-3",
        "+1,2",
        "+0,0",
        "14",
    ],
    "my": [
        "1,234,567",
        "46%",
        "2.67",
        "3.1",
        "12,000\xa0US$",
        "-3",
        "+1.2",
        "+0.0",
        "14",
    ],
    "zh": ["1,234,567", "46%", "2.67", "3.1", "US$12,000", "-3", "+1.2", "+0.0", "14"],
}
VALUES = [
    (1234567, "count"),
    (0.456, "share"),
    (2.6749, "score"),
    (3.14159, "rate"),
    (12000, "usd"),
    (-3, "delta_count"),
    (1.25, "delta_pp"),
    (-0.04, "delta_index"),  # rounds to zero: "+0.0", never "-0.0"
    (14, "months"),
]


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_kind_in_each_language(language, code):
    language(code)
    want = list(EXPECTED[code])
    # the unit words around a number are the catalogue's (translated)
    want[6] = i18n.t(f"unit.{formats._KINDS['delta_pp'].unit}", n=want[6], count=1.2)
    want[8] = i18n.t(f"unit.{formats._KINDS['months'].unit}", n=want[8], count=14)
    assert [formats.number(v, k) for v, k in VALUES] == want
    if code != "en":  # and they are translated
        assert not want[6].endswith(" pp") and "months" not in want[8]


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_text_is_babels(language, code):
    """The same digits, separators and signs as Babel's own functions for the locale."""
    language(code)
    for value in (0, 7, 1234.5, -98765.4321, 1e7 + 0.5):
        assert formats.number(value, "count") == numbers.format_decimal(
            round(value), format="#,##0", locale=code
        )
        assert formats.number(value, "score") == numbers.format_decimal(
            round(value, 2), format="#,##0.00", locale=code
        )
    for share in (0, 0.004, 0.5, 0.996, 1):
        assert formats.number(share, "share") == numbers.format_percent(
            round(share, 2), locale=code
        )


@pytest.mark.parametrize("kind", formats.KINDS)
def test_the_shown_value_and_the_text_agree(kind):
    """rounded() is what the text says: a chart point and its table cell never differ."""
    for value in (0.125, 0.135, 2.675, 2.665, 1.005, -1.5, 14.5, 15.5, 1234.5678, 1 / 3):
        shown = formats.rounded(value, kind)
        text = formats.number(value, kind)
        assert formats.number(shown, kind) == text
        digits = formats.decimals(kind)
        assert shown == round(value, digits) or shown == 0.0


def test_decimals_per_kind():
    assert {k: formats.decimals(k) for k in formats.KINDS} == {
        "count": 0, "share": 2, "score": 2, "index": 0, "months": 0, "rate": 1, "usd": 0,
        "delta_count": 0, "delta_pp": 1, "delta_score": 2, "delta_index": 1, "delta_months": 0,
    }  # fmt: skip


def test_no_value_and_an_unknown_kind():
    assert formats.number(float("nan"), "count") == "–"
    assert formats.number(None, "share") == "–"
    assert math.isnan(formats.rounded(float("nan"), "score"))
    with pytest.raises(ValueError, match="unknown number kind"):
        formats.number(1, "percent")
    assert formats.formatter("score")(2.5) == "2.50"
    assert formats.Format("count").format(1234) == "1,234"


def test_money_in_the_local_currency(language):
    language("km")
    assert formats.money(4_100_000, "KHR") == "4,100,000៛"
    language("th")
    assert formats.money(1234.4, "THB") == "฿1,234"
    language("vi")
    assert formats.money(25_000_000, "VND") == "25.000.000\xa0₫"
    assert formats.money(100, "USD") == "100\xa0US$"
    assert formats.money(float("nan"), "LAK") == "–"


def test_plotly_separators(language):
    assert formats.separators() == ".,"
    language("vi")
    assert formats.separators() == ",."
    language("lo")
    assert formats.separators() == ",."


QUARTER = dt.date(2024, 7, 1)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", "Q3 2024"),
        ("km", "ត្រីមាសទី 3 2024"),
        ("lo", "ຕມ3 2024"),
        ("th", "ไตรมาส 3 2024"),
        ("vi", "Quý 3 năm 2024"),  # CLDR abbreviates it "Q3": the name is written out
        ("my", "2024 တတိယ သုံးလပတ်"),
        ("zh", "2024年第3季度"),
    ],
)
def test_quarters_the_local_way(language, code, expected):
    language(code)
    assert formats.quarter(QUARTER) == expected
    assert i18n.quarter_label(pd.Timestamp(QUARTER)) == expected
    skeleton = "yQQQQ" if code in ("vi", "my") else "yQQQ"  # where CLDR's short one is "Q3"
    assert dates.format_skeleton(skeleton, QUARTER, locale=code) == expected  # CLDR's


def test_thai_years_in_the_buddhist_era(language):
    language("th", buddhist_era=True)
    assert formats.quarter(QUARTER) == "ไตรมาส 3 2567"
    assert formats.year(2024) == "2567" and formats.year_number(2025) == 2568
    assert formats.date(dt.date(2024, 2, 29)) == "29 ก.พ. 2567"  # not a leap year in 2567
    language("th", buddhist_era=False)
    assert formats.quarter(QUARTER) == "ไตรมาส 3 2024"
    language("en", buddhist_era=True)  # Thai only
    assert formats.year(2024) == "2024"


@pytest.mark.parametrize(
    ("code", "day", "moment"),
    [
        ("en", "Jun 30, 2025", "Jun 30, 2025, 2:05\u202fPM"),
        ("vi", "30 thg 6, 2025", "14:05 30 thg 6, 2025"),
        ("zh", "2025年6月30日", "2025年6月30日 14:05"),
        ("km", "30 មិថុនា 2025", "30 មិថុនា 2025, 2:05 PM"),
    ],
)
def test_dates_and_times(language, code, day, moment):
    language(code)
    assert formats.date("2025-06-30") == day
    assert formats.date(pd.Timestamp("2025-06-30 23:59")) == day
    assert formats.datetime(dt.datetime(2025, 6, 30, 14, 5)) == moment
