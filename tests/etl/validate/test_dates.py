"""Reading one date text: every form the exports of the region take, and the ones refused."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date

from etl.validate.dates import is_buddhist, shape, to_date

TODAY = dt.date(2026, 11, 1)
JULY_15 = dt.date(2020, 7, 15)


@pytest.mark.parametrize(
    ("text", "order", "date"),
    [
        ("15/07/2020", "DMY", JULY_15),
        ("15/7/2020", "DMY", JULY_15),
        ("7/15/2020", "MDY", JULY_15),
        ("15.07.2020", "DMY", JULY_15),
        ("15-07-2020", "DMY", JULY_15),
        ("3/1/2023 0:00", "MDY", dt.date(2023, 3, 1)),  # Excel en-US with a time
        ("3/1/2023 12:00:00 AM", "MDY", dt.date(2023, 3, 1)),
        ("2020/7/15", None, JULY_15),  # year first needs no order
        ("2020.07.15", None, JULY_15),
        ("2020年7月15日", None, JULY_15),
        ("2020 年 7 月 15 日", None, JULY_15),
        ("15 Jul 2020", None, JULY_15),
        ("Jul 15, 2020", None, JULY_15),
        ("15-Jul-2020", None, JULY_15),
        ("15 July 2020", None, JULY_15),
        ("15 Sept 2020", None, dt.date(2020, 9, 15)),
        ("ngày 15 tháng 07 năm 2020", None, JULY_15),
        ("15 thg 7, 2020", None, JULY_15),
        ("15 កក្កដា 2020", None, JULY_15),
        ("15 ខែកក្កដា ឆ្នាំ2020", None, JULY_15),
        ("១៥ កក្កដា ២០២០", None, JULY_15),  # Khmer digits
        ("15 ກໍລະກົດ 2020", None, JULY_15),
        ("2020 ဇူလိုင် 15", None, JULY_15),
        ("၁၅ ဇူလိုင် ၂၀၂၀", None, JULY_15),  # Burmese digits
        ("15 กรกฎาคม 2020", None, JULY_15),
        ("44986", None, dt.date(2023, 3, 1)),  # Excel serial day number
        ("44986.0", None, dt.date(2023, 3, 1)),
    ],
)
def test_forms_read_to_their_date(text, order, date):
    assert to_date(shape(text), order or "DMY", 0, TODAY) == date
    if order is None:  # a date that says its own order reads the same either way
        assert to_date(shape(text), "MDY", 0, TODAY) == date


@pytest.mark.parametrize(
    ("text", "shows"),
    [("25/03/2023", "DMY"), ("03/25/2023", "MDY"), ("03/04/2023", None), ("2023/03/25", None)],
)
def test_which_order_a_date_shows(text, shows):
    assert shape(text).shows == shows


def test_an_open_date_has_no_date_until_the_order_is_known():
    assert to_date(shape("03/04/2023"), None, 0, TODAY) is None
    assert to_date(shape("03/04/2023"), "DMY", 0, TODAY) == dt.date(2023, 4, 3)
    assert to_date(shape("03/04/2023"), "MDY", 0, TODAY) == dt.date(2023, 3, 4)


@pytest.mark.parametrize("text", ["15/07/20", "7/15/20", "15 Jul 20", "20年7月15日"])
def test_two_digit_years_are_never_guessed(text):
    assert shape(text).kind == "two_digit"
    assert to_date(shape(text), "DMY", 543, TODAY) is None


@pytest.mark.parametrize(
    "text", ["hello", "31/02/2023x", "15/07/2020/1", "2020-13-45-1", "15 Foo 2020", "12345678"]
)
def test_texts_that_are_no_date(text):
    assert to_date(shape(text), "DMY", 0, TODAY) is None


def test_impossible_dates_read_as_none():
    assert to_date(shape("31/02/2023"), "DMY", 0, TODAY) is None
    assert to_date(shape("13/13/2023"), "DMY", 0, TODAY) is None


@pytest.mark.parametrize(
    "text",
    ["15/7/2563", "15 ก.ค. 2563", "๑๕/๗/๒๕๖๓", "2563-07-15", "15 กรกฎาคม 2563"],
)
def test_buddhist_era_years_when_the_file_uses_that_era(text):
    assert to_date(shape(text), "DMY", 543, TODAY) == JULY_15
    # without the era the year stays 2563: out of range, so quarantined, never shifted
    assert to_date(shape(text), "DMY", 0, TODAY).year == 2563


def test_the_thai_era_marks_say_the_era_whatever_the_file():
    assert to_date(shape("15 กรกฎาคม พ.ศ. 2563"), None, 0, TODAY) == JULY_15
    assert to_date(shape("15 กรกฎาคม ค.ศ. 2020"), None, 543, TODAY) == JULY_15


def test_a_buddhist_year_is_only_one_that_cannot_be_of_the_common_era():
    assert is_buddhist(2563, TODAY) and is_buddhist(2569, TODAY)
    assert not is_buddhist(2026, TODAY)  # this year
    assert not is_buddhist(2542, TODAY)  # 1999 CE: before the accepted range
    assert not is_buddhist(2570, TODAY)  # 2027 CE: after today


LOCALES = ["en", "km", "lo", "my", "th", "vi", "zh"]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("width", ["medium", "long", "full"])
def test_every_babel_format_of_the_six_languages_reads_back(locale, width):
    """Every 23rd day of 2000-2026, written as CLDR writes it in each language."""
    day = dt.date(2000, 1, 3)
    while day < TODAY:
        text = format_date(day, width, locale=locale)
        assert to_date(shape(text), "DMY", 0, TODAY) == day, text
        day += dt.timedelta(days=23)


@pytest.mark.parametrize("locale", LOCALES)
def test_babel_short_formats_have_two_digit_years_or_read_back(locale):
    text = format_date(JULY_15, "short", locale=locale)
    s = shape(text)
    assert (
        s.kind == "two_digit" or to_date(s, "MDY" if locale == "en" else "DMY", 0, TODAY) == JULY_15
    )
