"""How a file's dates and amounts are read: decided from all its values, from the submitting
country when nothing decides, or refused; and what the summary says of it."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from etl.ingest.sources import ReadOptions
from etl.warehouse import load
from reference import paths

TODAY = dt.date(2026, 11, 1)
CASES = "case_ref,agency,country,province,sex,age,form,opened,closed"


@pytest.fixture(autouse=True)
def hash_key(tmp_path, monkeypatch):
    monkeypatch.setenv("GMS_HASH_KEY_FILE", str(tmp_path / "case-key"))


def run(tmp_path: Path, files: dict[str, str], **kwargs) -> tuple[int, str]:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = io.StringIO()
    code = load.run_load(
        [folder / n for n in files], tmp_path / "wh", publish=False, today=TODAY,
        console=Console(file=out, width=300), **kwargs,
    )  # fmt: skip
    return code, re.sub(r"\s+", " ", out.getvalue())


def query(tmp_path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(paths.warehouse_db(tmp_path / "wh")), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def cases(*rows: str) -> str:
    return "\n".join([CASES, *rows]) + "\n"


def test_when_no_date_decides_the_country_s_usual_order_is_used_and_said(tmp_path):
    code, out = run(tmp_path, {"cases.csv": cases("R1,A,KH,Kampot,f,16,labour,03/04/2023,")})
    assert code == 0
    assert query(tmp_path, "SELECT opened FROM cases") == [(dt.date(2023, 4, 3),)]
    assert "day/month/year (no date decides; the usual order in Cambodia)" in out


def test_one_date_decides_for_every_date_column_of_the_file(tmp_path):
    code, out = run(
        tmp_path,
        {"cases.csv": cases("R1,A,KH,Kampot,f,16,labour,03/04/2023,", "R2,A,KH,Kampot,f,16,labour,02/03/2023,04/25/2024")},
    )  # fmt: skip
    assert code == 0
    assert query(tmp_path, "SELECT opened, closed FROM cases ORDER BY 1") == [
        (dt.date(2023, 2, 3), dt.date(2024, 4, 25)),
        (dt.date(2023, 3, 4), None),
    ]
    assert '"04/25/2024" (column "closed", row 3) can only have its month first' in out


def test_a_country_that_writes_the_year_first_has_no_usual_order_to_fall_back_on(tmp_path):
    code, out = run(tmp_path, {"cases.csv": cases("R1,A,CN,Beijing,f,16,labour,03/04/2023,")})
    assert code == 1
    assert (
        'cases.csv: dates such as "03/04/2023" (column "opened", row 2) read as day/month or '
        "month/day and none of the file's dates decides which (the file is of China); load "
        "with --date-order DMY (day first) or --date-order MDY (month first)"
    ) in out
    code, out = run(
        tmp_path,
        {"cases.csv": cases("R1,A,CN,Beijing,f,16,labour,03/04/2023,")},
        options=ReadOptions(date_order="MDY"),
    )
    assert code == 0 and query(tmp_path, "SELECT opened FROM cases") == [(dt.date(2023, 3, 4),)]


def test_a_file_without_a_country_column_is_of_its_agencies_countries(tmp_path):
    """Services of Thai cases: the Thai usual order, and the Buddhist era."""
    files = {
        "cases.csv": cases("R1,A,TH,Bangkok,f,16,labour,2023-02-01,"),
        "services.csv": "case_ref,agency,service_area,started,status\nR1,A,medical,03/04/2566,provided\n",
    }
    code, out = run(tmp_path, files)
    assert code == 0
    assert query(tmp_path, "SELECT started FROM services") == [(dt.date(2023, 4, 3),)]
    assert (
        "the usual order in Thailand" in out
        and "Buddhist-era years read as the year less 543" in out
    )


def test_budget_years_of_the_buddhist_era_are_read_for_thailand_only(tmp_path):
    header = "country,year,service_area,funding_source,budgeted,spent,currency"
    code, out = run(
        tmp_path,
        {"budgets.csv": f"{header}\nTH,2566,medical,donor,100,90,THB\nKH,2566,medical,donor,100,90,KHR\nKH,2023,legal,donor,5,5,KHR\n"},
    )  # fmt: skip
    assert code == 0
    assert query(tmp_path, "SELECT country, year FROM budgets ORDER BY 1") == [
        ("KH", 2023),
        ("TH", 2023),
    ]
    assert query(tmp_path, "SELECT row_number, reason FROM quarantine") == [(3, "invalid_year")]
    assert "Buddhist-era years (such as 2566)" in out


def test_two_digit_budget_years_are_refused(tmp_path):
    header = "country,year,service_area,funding_source,budgeted,spent,currency"
    code, out = run(tmp_path, {"budgets.csv": f"{header}\nKH,24,medical,donor,100,90,KHR\n"})
    assert code == 1 and 'budgets.csv row 2, column "year": "24" is a two-digit year' in out


def test_amounts_of_a_file_are_read_with_one_decimal_mark(tmp_path):
    files = {
        "cases.csv": cases("R1,A,KH,Kampot,f,16,labour,2023-02-01,"),
        "services.csv": "case_ref;agency;service_area;started;status;cost;currency\n"
        "R1;A;medical;2023-03-01;provided;1.234,50;KHR\n"
        "R1;A;legal;2023-03-02;provided;1.500;KHR\n"
        "R1;A;safety;2023-03-03;provided;12,5;KHR\n",
    }
    code, out = run(tmp_path, files)
    assert code == 0
    assert query(
        tmp_path, "SELECT service_area, CAST(cost AS VARCHAR) FROM services ORDER BY 1"
    ) == [
        ("legal", "1500.00"),
        ("medical", "1234.50"),
        ("safety", "12.50"),
    ]
    assert (
        'amounts: decimal comma (as "1.234,50" in column "cost" shows), thousands grouped by point'
        in out
    )


def test_three_decimals_are_never_rounded(tmp_path):
    """1234.567 is no amount of money: quarantined. 1.234 beside 12.50 is 1.234 or 1234:
    refused, until --decimal says the point is the decimal mark (then it is quarantined)."""
    header = "case_ref,agency,service_area,started,status,cost,currency"
    files = {
        "cases.csv": cases("R1,A,KH,Kampot,f,16,labour,2023-02-01,"),
        "services.csv": f"{header}\nR1,A,medical,2023-03-01,provided,12.50,USD\n"
        "R1,A,legal,2023-03-02,provided,1234.567,USD\n",
    }
    code, out = run(tmp_path, files)
    assert code == 0
    assert query(tmp_path, "SELECT service_area FROM services") == [("medical",)]
    [(value, message)] = query(tmp_path, "SELECT value, message FROM quarantine")
    assert value == "1234.567" and "at most two decimals, written with a decimal point" in message
    files["more_services.csv"] = (
        f"{header}\nR1,A,safety,2023-04-01,provided,12.50,USD\nR1,A,family,2023-04-02,provided,1.234,USD\n"
    )
    code, out = run(tmp_path, {"more_services.csv": files["more_services.csv"]})
    assert code == 1
    assert ('"12.50" (column "cost", row 2) has a decimal point, "1.234" (column "cost", row 3) '
            "thousands grouped by a point") in out  # fmt: skip
    code, out = run(
        tmp_path,
        {"more_services.csv": files["more_services.csv"]},
        options=ReadOptions(decimal="."),
    )
    assert code == 0 and "decimal point (as --decimal says)" in out
    assert query(tmp_path, "SELECT count(*) FROM quarantine WHERE value = '1.234'") == [(1,)]


def test_the_summary_prints_sheet_names_and_values_as_written(tmp_path):
    """rich would read [cases] as markup and drop it."""
    import pandas as pd

    frame = pd.DataFrame([["R1", "A", "KH", "[Kampot]", "f", "16", "labour", "2023-02-01", ""]],
                         columns=CASES.split(","))  # fmt: skip
    folder = tmp_path / "in"
    folder.mkdir()
    with pd.ExcelWriter(folder / "book [final].xlsx") as writer:
        frame.to_excel(writer, sheet_name="cases", index=False)
    out = io.StringIO()
    load.run_load(
        [folder], tmp_path / "wh", publish=False, today=TODAY, console=Console(file=out, width=300)
    )
    text = out.getvalue()
    assert "book [final].xlsx [cases]" in text
    assert 'column "province": "[Kampot]" is not recognised' not in text  # quarantined quietly
    assert query(tmp_path, "SELECT value FROM quarantine") == [("[Kampot]",)]


def test_totals_rows_are_set_aside_not_counted_as_bad_rows(tmp_path):
    files = {
        "cases.csv": cases(
            "R1,A,KH,Kampot,f,16,labour,2023-02-01,",
            "R2,A,KH,Kampot,f,16,labour,2023-02-01,",
            "Total,,,,,32,,,",
            "R3,A,KH,Kampot,f,16,labour,,",  # a bad row stays a bad row
            "សរុប:,,,,,,,,",
        )
    }
    code, out = run(tmp_path, files)
    assert code == 0
    assert query(tmp_path, "SELECT rows_read, rows_loaded, rows_quarantined FROM loads") == [
        (3, 2, 1)
    ]
    assert query(tmp_path, "SELECT row_number FROM quarantine") == [(5,)]
    assert (
        '2 totals row(s) set aside, not loaded and not counted as bad rows: row 4 "Total", row 6 "សរុប:"'
        in out
    )
