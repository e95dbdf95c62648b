"""Reading one amount text: grouping, the decimal mark, currency signs."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from etl.validate.numbers import read, value


@pytest.mark.parametrize(
    ("text", "point", "comma"),
    [
        # text, value in a file with a decimal point, value in a file with a decimal comma
        ("1,234.50", "1234.50", None),
        ("1.234,50", None, "1234.50"),
        ("400.000,00", None, "400000.00"),
        ("1234,50", None, "1234.50"),
        ("16,95", None, "16.95"),
        ("1\u00a0234,50", None, "1234.50"),  # no-break space
        ("1\u202f234.50", "1234.50", None),  # narrow no-break space
        ("1 234 567", "1234567", "1234567"),
        ("1'234.50", "1234.50", None),
        ("1,234,567", "1234567", None),
        ("1.234.567", None, "1234567"),
        ("1,234", "1234", None),  # a comma with three digits groups: money has two decimals
        ("1.234", None, "1234"),
        ("$1,234.50", "1234.50", None),
        ("៛1,541,000", "1541000", None),
        ("1.515.300 ₫", None, "1515300"),
        ("1,000 KHR", "1000", None),
        ("USD 12.50", "12.50", None),
        ("-5", "-5", "-5"),
        (".5", "0.5", None),
    ],
)
def test_amounts_in_files_of_either_decimal_mark(text, point, comma):
    a = read(text)
    assert value(a, ".") == (Decimal(point) if point else None)
    assert value(a, ",") == (Decimal(comma) if comma else None)


@pytest.mark.parametrize(
    "text",
    ["1234.567", "0.125", "12,34,567", "1 23", "1.234,5,6", "abc", "(100)", "100 XYZ", "1e5"],
)
def test_texts_that_are_no_amount(text):
    a = read(text)
    assert value(a, ".") is None and value(a, ",") is None


@pytest.mark.parametrize(
    ("text", "unit"),
    [("$1", "USD"), ("US$1", "USD"), ("1 ฿", "THB"), ("₭2,000", "LAK"), ("¥3", "CNY"),
     ("3 元", "CNY"), ("5 Ks", "MMK"), ("7 kip", "LAK"), ("7 kips", None), ("1 eur", "EUR"), ("12", None)],
)  # fmt: skip
def test_currency_signs_and_codes(text, unit):
    a = read(text)
    if unit is None and text != "12":
        assert a.digits is None  # an unknown word: not an amount
    else:
        assert a.unit == unit


def test_what_each_text_shows_of_its_file():
    assert (read("16,95").decimal, read("16,95").grouping) == (",", None)
    assert (read("1,234.50").decimal, read("1,234.50").grouping) == (".", ",")
    assert read("1,234").ambiguous and read("1,234").grouping == ","
    assert read("1 234").grouping == " "


def test_any_amount_written_in_any_locale_reads_back():
    rng = random.Random(7)
    for _ in range(2000):
        amount = Decimal(rng.randrange(0, 10**11)) / (100 if rng.random() < 0.5 else 1)
        for group, decimal in [(",", "."), (".", ","), ("\u00a0", ","), (" ", "."), ("", ",")]:
            text = f"{amount:,.2f}".replace(",", "\0").replace(".", decimal).replace("\0", group)
            assert value(read(text), decimal) == amount, text
