"""The loader: every validation rule, whole-file refusals, privacy, idempotence, replacement."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from rich.console import Console

from etl.anonymise import case_keys as privacy
from etl.warehouse import load
from reference import paths

TODAY = dt.date(2026, 11, 1)
CASES_HEADER = (
    "case_ref,agency,country,province,sex,age,form,destination_country,opened,closed,closure_reason"
)
GOOD_CASES = [
    "R1,AG-1,KH,KH-12,female,16,labour,TH,2023-02-01,,",
    "R2,AG-1,KH,Battambang,male,34,labour,TH,2023-03-01,2024-01-01,reintegrated",
]


@pytest.fixture(autouse=True)
def hash_key(tmp_path, monkeypatch):
    monkeypatch.setenv("GMS_HASH_KEY_FILE", str(tmp_path / "case-key"))


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def run(tmp_path: Path, *files: Path, **kwargs) -> tuple[int, str]:
    out = io.StringIO()
    code = load.run_load(
        list(files),
        tmp_path / "wh",
        publish=False,
        today=TODAY,
        console=Console(file=out, width=200),
        **kwargs,
    )
    return code, out.getvalue()


def query(tmp_path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(paths.warehouse_db(tmp_path / "wh")), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def quarantined(tmp_path: Path) -> list[dict]:
    con = duckdb.connect(str(paths.warehouse_db(tmp_path / "wh")), read_only=True)
    try:
        return (
            con.execute("SELECT * FROM quarantine ORDER BY load_id, row_number")
            .df()
            .to_dict("records")
        )
    finally:
        con.close()


def cases_file(
    tmp_path: Path, *rows: str, header: str = CASES_HEADER, name: str = "cases.csv"
) -> Path:
    return write(tmp_path / "in", name, "\n".join([header, *rows]) + "\n")


# --- formats real exports have ------------------------------------------------------------


def test_header_case_spacing_order_and_bom_are_accepted(tmp_path):
    header = "\ufeffDate Opened ,  CASE ID,Agency Code,Country,Province,Gender,Age when trafficked,Form of Trafficking"
    f = cases_file(tmp_path, "01/03/2023,R1,ag-1,Cambodia,phnom penh,F,16,Labor", header=header)
    code, _ = run(tmp_path, f)
    assert code == 0
    assert query(
        tmp_path, "SELECT agency, country, province, sex, age_band, form, opened FROM cases"
    ) == [("AG-1", "KH", "KH-12", "female", "a15_17", "labour", dt.date(2023, 3, 1))]


def test_cells_with_surrounding_spaces_are_read_trimmed_and_spaces_only_is_blank(tmp_path):
    f = cases_file(
        tmp_path,
        " R1 ,  ag-1, Cambodia ,phnom penh , F,16 , Labor,TH, 2023-03-01 ,,",
        "R2,AG-1,KH,KH-12,female,16,labour,TH,   ,,",
    )
    code, _ = run(tmp_path, f)
    assert query(
        tmp_path, "SELECT agency, country, province, sex, age_band, form, opened FROM cases"
    ) == [("AG-1", "KH", "KH-12", "female", "a15_17", "labour", dt.date(2023, 3, 1))]
    assert query(tmp_path, "SELECT row_number, reason FROM quarantine") == [(3, "missing")]


@pytest.mark.parametrize(
    "text",
    [
        "2023-03-01",
        "01/03/2023",
        "01.03.2023",
        "01-03-2023",
        "44986",
        "1 Mar 2023",
        "01-Mar-2023",
        "2023-03-01 00:00:00",
    ],
)
def test_date_forms(tmp_path, text):
    f = cases_file(tmp_path, f"R1,AG-1,KH,KH-12,female,16,labour,TH,{text},,")
    run(tmp_path, f)
    assert query(tmp_path, "SELECT opened FROM cases") == [(dt.date(2023, 3, 1),)]


def test_semicolon_separated_file(tmp_path):
    f = cases_file(
        tmp_path,
        "R1;AG-1;KH;KH-12;female;16;labour;TH;2023-02-01;;",
        header=CASES_HEADER.replace(",", ";"),
    )
    assert run(tmp_path, f)[0] == 0
    assert query(tmp_path, "SELECT count(*) FROM cases") == [(1,)]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Yes", True),
        ("Y", True),
        ("1", True),
        ("TRUE", True),
        ("no", False),
        ("N", False),
        ("0", False),
        ("", None),
    ],
)
def test_booleans(tmp_path, raw, value):
    f = cases_file(
        tmp_path,
        f"R1,AG-1,KH,KH-12,female,16,labour,TH,2023-02-01,{raw}",
        header="case_ref,agency,country,province,sex,age,form,destination_country,opened,identified",
    )
    run(tmp_path, f)
    assert query(tmp_path, "SELECT identified FROM cases") == [(value,)]


def test_province_aliases_former_names_and_unknown(tmp_path):
    f = cases_file(
        tmp_path,
        "R1,AG-1,Viet Nam,Ha Giang,female,16,labour,CN,2023-02-01,,",  # merged into Tuyen Quang in 2025
        "R2,AG-1,VN,Hà Nội,female,16,labour,CN,2023-02-01,,",
        "R3,AG-1,Lao PDR,unknown,female,16,labour,TH,2023-02-01,,",
        "R4,AG-1,Thailand,TH-10,female,16,labour,TH,2023-02-01,,",
    )
    run(tmp_path, f)
    got = dict(query(tmp_path, "SELECT country || province, 1 FROM cases"))
    assert set(got) == {"VNVN-07", "VNVN-HN", "LALA-UNK", "THTH-10"}
    assert query(tmp_path, "SELECT internal FROM cases WHERE country = 'TH'") == [(True,)]


# --- every row rule has a fixture and a message ----------------------------------------------

ROW_RULES = [
    # (file name, header, bad row, reason, fragment of the message)
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG-1,KH,KH-12,female,16,labour,TH,,,",
        "missing",
        'column "opened" is empty',
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG-1,KH,KH-12,female,16,labour,TH,2023-02-30,,",
        "invalid_date",
        '"2023-02-30" is not a date',
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG-1,KH,KH-12,female,16,labour,TH,2099-01-01,,",
        "invalid_date",
        "between 2000-01-01 and today",
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG-1,Narnia,KH-12,female,16,labour,TH,2023-01-01,,",
        "invalid_country",
        '"Narnia" is not recognised',
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG-1,KH,TH-10,female,16,labour,TH,2023-01-01,,",
        "invalid_province",
        '"TH-10" is not recognised',
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG-1,KH,KH-12,woman?,16,labour,TH,2023-01-01,,",
        "invalid_code",
        '"woman?" is not recognised',
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG-1,KH,KH-12,female,160,labour,TH,2023-01-01,,",
        "invalid_age",
        '"160" is not recognised',
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG-1,KH,KH-12,female,16,fishing,TH,2023-01-01,,",
        "invalid_code",
        "expected one of sexual_exploitation",
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG-1,KH,KH-12,female,16,labour,Atlantis,2023-01-01,,",
        "invalid_any_country",
        '"Atlantis"',
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG 1!,KH,KH-12,female,16,labour,TH,2023-01-01,,",
        "invalid_agency",
        '"AG 1!" is not valid',
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R9,AG-1,KH,KH-12,female,16,labour,TH,2023-01-01,2022-01-01,",
        "closed_before_opened",
        "closed (2022-01-01) is before opened (2023-01-01)",
    ),
    (
        "cases.csv",
        CASES_HEADER,
        "R1,AG-1,KH,KH-12,female,16,labour,TH,2023-01-01,,",
        "duplicate_row",
        "repeats row 2",
    ),
    (
        "assessments.csv",
        "case_ref,agency,assessed_on,housing,safety",
        "R1,AG-1,2023-03-01,5,",
        "invalid_score",
        '"5" is not recognised; expected a score 1 (In crisis)',
    ),
    (
        "assessments.csv",
        "case_ref,agency,assessed_on,housing,safety",
        "R1,AG-1,2023-03-01,,",
        "no_scores",
        "no outcome dimension has a score",
    ),
    (
        "assessments.csv",
        "case_ref,agency,assessed_on,housing,safety",
        "R77,AG-1,2023-03-01,2,2",
        "unknown_case",
        "case R77 of agency AG-1 is not in the warehouse",
    ),
    (
        "assessments.csv",
        "case_ref,agency,assessed_on,housing,safety",
        "R1,AG-1,2022-03-01,2,2",
        "before_case_opened",
        "before the case opened (2023-02-01)",
    ),
    (
        "services.csv",
        "case_ref,agency,service_area,started,ended,status,cost,currency",
        "R1,AG-1,medical,2023-03-01,2023-02-01,provided,,",
        "ended_before_started",
        "ended (2023-02-01) is before started",
    ),
    (
        "services.csv",
        "case_ref,agency,service_area,started,status,cost,currency",
        "R1,AG-1,medical,2023-03-01,provided,-5,USD",
        "invalid_amount",
        '"-5" is not valid',
    ),
    (
        "services.csv",
        "case_ref,agency,service_area,started,status,cost,currency",
        "R1,AG-1,medical,2023-03-01,provided,100,",
        "currency_missing",
        "without its currency",
    ),
    (
        "services.csv",
        "case_ref,agency,service_area,started,status,cost,currency",
        "R1,AG-1,medical,2023-03-01,provided,100,XYZ",
        "invalid_currency",
        '"XYZ" is not recognised',
    ),
    (
        "services.csv",
        "case_ref,agency,service_area,started,status,cost,currency",
        "R1,AG-1,medical,2023-03-01,provided,100,JPY",
        "no_exchange_rate",
        "no exchange rate for JPY in 2023",
    ),
    (
        "services.csv",
        "case_ref,agency,service_area,started,status",
        "R1,AG-1,astrology,2023-03-01,provided",
        "invalid_code",
        '"astrology" is not recognised',
    ),
    (
        "barriers.csv",
        "case_ref,agency,service_area,barrier_code,noted_on",
        "R1,AG-1,medical,ECO-06,2023-03-01",
        "barrier_not_in_service_area",
        "barrier ECO-06 belongs to service area economic, not medical",
    ),
    (
        "budgets.csv",
        "country,year,service_area,funding_source,budgeted,spent,currency",
        "KH,19x5,medical,donor,100,90,USD",
        "invalid_year",
        '"19x5" is not valid',
    ),
]


@pytest.mark.parametrize(
    ("name", "header", "row", "reason", "fragment"),
    ROW_RULES,
    ids=[f"{r[0].split('.')[0]}-{r[3]}" for r in ROW_RULES],
)
def test_each_row_rule_quarantines_with_a_clear_message(
    tmp_path, name, header, row, reason, fragment
):
    files = [cases_file(tmp_path, *GOOD_CASES)]
    if name != "cases.csv":
        files.append(write(tmp_path / "in", name, f"{header}\n{row}\n"))
    else:
        files = [cases_file(tmp_path, GOOD_CASES[0], row)]
    code, _ = run(tmp_path, *files)
    assert code == 0
    rows = [q for q in quarantined(tmp_path) if q["table_name"] == name.split(".")[0]]
    assert len(rows) == 1, rows
    q = rows[0]
    assert reason in q["reason"].split("; ")
    assert fragment in q["message"]
    assert q["message"].startswith(f"{name} row ")  # names the file and the row
    assert json.loads(q["raw"])  # the row as submitted is kept
    read, loaded, bad = query(
        tmp_path,
        f"SELECT rows_read, rows_loaded, rows_quarantined FROM loads WHERE file_name = '{name}'",
    )[0]
    assert read == loaded + bad


def test_message_names_file_row_column_value_and_expectation(tmp_path):
    f = cases_file(tmp_path, GOOD_CASES[0], "R5,AG-1,KH,KH-12,female,16,labour,TH,31/02/2023,,")
    run(tmp_path, f)
    [q] = quarantined(tmp_path)
    assert q["row_number"] == 3 and q["column_name"] == "opened" and q["value"] == "31/02/2023"
    assert q["message"] == (
        'cases.csv row 3, column "opened": "31/02/2023" is not a date in the accepted range; '
        "expected a date like 2024-03-31 or 31/03/2024, between 2000-01-01 and today"
    )


def test_malformed_lines_are_quarantined_not_dropped(tmp_path):
    f = cases_file(
        tmp_path,
        GOOD_CASES[0],
        "R3,AG-1,KH,KH-12,female,16,labour,TH,2023-02-01,,,EXTRA,FIELDS",
        GOOD_CASES[1],
    )
    run(tmp_path, f)
    assert query(tmp_path, "SELECT rows_read, rows_loaded, rows_quarantined FROM loads") == [
        (3, 2, 1)
    ]
    [q] = quarantined(tmp_path)
    assert q["row_number"] == 3 and q["reason"] == "wrong_number_of_fields"


# --- whole-file refusals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("mystery.csv", "a,b\n1,2\n", "cannot tell which table"),
        (
            "cases.csv",
            "case_ref,agency,country\nR1,AG-1,KH\n",
            "required column missing: 'province'",
        ),
        (
            "cases.csv",
            CASES_HEADER + ",Date Opened\n" + GOOD_CASES[0] + ",x\n",
            "both mean 'opened'",
        ),
        ("cases.csv", "", "the file is empty"),
        ("cases.txt.xlsx", "not a zip", "not a readable Excel workbook"),
    ],
)
def test_files_wrong_as_a_whole_are_refused_and_load_nothing(tmp_path, name, content, fragment):
    code, out = run(tmp_path, write(tmp_path / "in", name, content))
    assert code == 1
    assert fragment in out.replace("\n", "")
    assert not paths.warehouse_db(tmp_path / "wh").exists()  # nothing was created either


def test_a_file_in_no_known_encoding_is_refused_with_advice(tmp_path):
    """Bytes that are UTF-8 in no way and no code page of the region (0x81 0x7F decodes in
    none of cp874, cp1258, GB18030, cp1252): refused, naming the row and the way out."""
    path = tmp_path / "in" / "cases.csv"
    path.parent.mkdir()
    path.write_bytes(
        (CASES_HEADER + "\n" + GOOD_CASES[0] + "\n").encode()
        + b"R2,AG-1,KH,\x81\x7f,female,16,labour,TH,2023-02-01,,\n"
    )
    code, out = run(tmp_path, path)
    flat = out.replace("\n", "")
    assert code == 1 and "CSV UTF-8" in flat and "row 3" in flat and "--encoding" in flat
    assert not paths.warehouse_db(tmp_path / "wh").exists()


def test_a_latin_1_file_is_read_in_its_code_page_and_says_so(tmp_path):
    """Excel's "CSV (Comma delimited)" on a Western Windows writes cp1252 (Latin-1 here)."""
    path = tmp_path / "in" / "cases.csv"
    path.parent.mkdir()
    path.write_bytes(
        (CASES_HEADER + "\nR1,AG-1,KH,Kâmpóng Cham,female,16,labour,TH,2023-02-01,,\n").encode(
            "latin-1"
        )
    )
    code, out = run(tmp_path, path)
    assert code == 0
    assert query(tmp_path, "SELECT province FROM cases") == [("KH-3",)]
    assert "(detected)" in out and "cp125" in out


def test_a_refused_file_does_not_stop_the_others(tmp_path):
    good = cases_file(tmp_path, *GOOD_CASES)
    bad = write(tmp_path / "in", "services.csv", "case_ref,agency\nR1,AG-1\n")
    code, _ = run(tmp_path, good, bad)
    assert code == 1
    assert query(tmp_path, "SELECT count(*) FROM cases") == [(2,)]
    assert query(tmp_path, "SELECT count(*) FROM loads") == [(1,)]


# --- privacy at the door ---------------------------------------------------------------------


def test_identifying_columns_are_refused_naming_them(tmp_path):
    f = cases_file(
        tmp_path,
        GOOD_CASES[0] + ",Sokha Chan,+855 12 345 678,1990-04-02",
        header=CASES_HEADER + ",Full name,Phone,Date of birth",
    )
    code, out = run(tmp_path, f)
    assert code == 1
    flat = out.replace("\n", "")
    assert (
        "Full name (name)" in flat
        and "Phone (contact)" in flat
        and "Date of birth (date of birth)" in flat
    )
    assert not paths.warehouse_db(tmp_path / "wh").exists()


def test_identifying_columns_dropped_unread_with_the_flag(tmp_path):
    f = cases_file(
        tmp_path,
        GOOD_CASES[0] + ",Sokha Chan,+855 12 345 678,likes football",
        GOOD_CASES[1] + ",Dara Kim,+855 99 000 111,",
        header=CASES_HEADER + ",Full name,Phone,Notes",
    )
    code, _ = run(tmp_path, f, drop_identifying_columns=True)
    assert code == 0
    assert query(tmp_path, "SELECT dropped_columns FROM loads") == [
        ("Full name (name), Phone (contact), Notes (free text)",)
    ]
    db = paths.warehouse_db(tmp_path / "wh").read_bytes()
    for secret in (b"Sokha", b"Dara Kim", b"345 678", b"football"):
        assert secret not in db


def test_case_references_never_reach_the_warehouse_and_ages_are_banded(tmp_path):
    f = cases_file(tmp_path, "MY-SECRET-REF-001,AG-1,KH,KH-12,female,16,labour,TH,2023-02-01,,")
    run(tmp_path, f)
    assert b"MY-SECRET-REF-001" not in paths.warehouse_db(tmp_path / "wh").read_bytes()
    key = privacy.load_or_create_key()
    assert query(tmp_path, "SELECT case_key, age_band FROM cases") == [
        (privacy.case_key(key, "AG-1", "MY-SECRET-REF-001"), "a15_17")
    ]


def test_a_different_key_is_refused(tmp_path, monkeypatch):
    run(tmp_path, cases_file(tmp_path, *GOOD_CASES))
    monkeypatch.setenv("GMS_HASH_KEY_FILE", str(tmp_path / "another-key"))
    code, out = run(tmp_path, cases_file(tmp_path, GOOD_CASES[0], name="more_cases.csv"))
    assert code == 2 and "different case-reference key" in out


# --- idempotence and resubmission -----------------------------------------------------------


def test_same_file_twice_changes_nothing(tmp_path):
    f = cases_file(tmp_path, *GOOD_CASES)
    run(tmp_path, f)
    before = paths.warehouse_db(tmp_path / "wh").read_bytes()
    code, out = run(tmp_path, f)
    assert code == 0 and "already loaded" in out
    assert paths.warehouse_db(tmp_path / "wh").read_bytes() == before


def test_resubmission_replaces_the_agency_quarter_instead_of_adding(tmp_path):
    run(tmp_path, cases_file(tmp_path, *GOOD_CASES))
    header = "case_ref,agency,assessed_on,housing,safety"
    first = write(
        tmp_path / "in",
        "q1_assessments.csv",
        f"{header}\nR1,AG-1,2023-04-10,1,1\nR2,AG-1,2023-05-01,2,2\n",
    )
    run(tmp_path, first)
    fixed = write(
        tmp_path / "in", "q1_assessments_fixed.csv", f"{header}\nR1,AG-1,2023-04-10,2,1\n"
    )
    run(tmp_path, fixed)
    assert query(tmp_path, "SELECT dimension, score FROM assessments ORDER BY dimension") == [
        ("housing", 2),
        ("safety", 1),
    ]
    assert query(
        tmp_path, "SELECT rows_replaced FROM loads WHERE file_name = 'q1_assessments_fixed.csv'"
    ) == [(4,)]


def test_resubmission_keeps_other_agencies_rows_of_the_quarter(tmp_path):
    """Fact rows hold no agency: the one replaced is found through the row's case."""
    run(
        tmp_path,
        cases_file(tmp_path, *GOOD_CASES, "R1,AG-2,KH,KH-12,male,40,labour,TH,2023-02-01,,"),
    )
    header = "case_ref,agency,service_area,started,status"
    run(
        tmp_path,
        write(
            tmp_path / "in", "ag1_services.csv", f"{header}\nR1,AG-1,medical,2023-04-10,provided\n"
        ),
    )
    run(
        tmp_path,
        write(
            tmp_path / "in", "ag2_services.csv", f"{header}\nR1,AG-2,medical,2023-04-11,provided\n"
        ),
    )
    run(
        tmp_path,
        write(
            tmp_path / "in",
            "ag1_services_fixed.csv",
            f"{header}\nR1,AG-1,legal,2023-05-02,referred\n",
        ),
    )
    assert query(
        tmp_path,
        "SELECT c.agency, s.service_area, s.started FROM services s JOIN cases c USING (case_key) "
        "ORDER BY 1",
    ) == [("AG-1", "legal", dt.date(2023, 5, 2)), ("AG-2", "medical", dt.date(2023, 4, 11))]
    assert query(
        tmp_path, "SELECT rows_replaced FROM loads WHERE file_name = 'ag1_services_fixed.csv'"
    ) == [(1,)]


def test_cases_resubmission_updates_the_case(tmp_path):
    run(tmp_path, cases_file(tmp_path, *GOOD_CASES))
    run(
        tmp_path,
        cases_file(
            tmp_path,
            "R1,AG-1,KH,KH-12,female,16,labour,TH,2023-02-01,2024-06-30,lost_contact",
            name="cases_update.csv",
        ),
    )
    assert query(tmp_path, "SELECT count(*), count(closed) FROM cases") == [(2, 2)]


# --- other formats ---------------------------------------------------------------------------


def test_excel_workbook_one_sheet_per_table(tmp_path):
    cases = pd.DataFrame([r.split(",") for r in GOOD_CASES], columns=CASES_HEADER.split(","))
    cases["opened"] = pd.to_datetime(cases["opened"])  # real Excel dates
    cases["age"] = cases["age"].astype(int)
    assessments = pd.DataFrame(
        {
            "Case ID": ["R1"],
            "Agency": ["AG-1"],
            "Assessment date": [pd.Timestamp("2023-03-01")],
            "Housing": [2],
            "Mental well-being": [3],
        }
    )
    path = tmp_path / "in" / "submission.xlsx"
    path.parent.mkdir()
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"read me": ["instructions"]}).to_excel(
            writer, sheet_name="Instructions", index=False
        )
        cases.to_excel(writer, sheet_name="Cases", index=False)
        assessments.to_excel(writer, sheet_name="Assessments", index=False)
    assert run(tmp_path, path)[0] == 0
    assert query(tmp_path, "SELECT count(*), min(opened) FROM cases") == [(2, dt.date(2023, 2, 1))]
    assert query(tmp_path, "SELECT dimension, score FROM assessments ORDER BY 1") == [
        ("housing", 2),
        ("mental_health", 3),
    ]
    assert query(tmp_path, "SELECT sheet FROM loads ORDER BY load_id") == [
        ("Cases",),
        ("Assessments",),
    ]


def test_parquet_file(tmp_path):
    cases = pd.DataFrame([r.split(",") for r in GOOD_CASES], columns=CASES_HEADER.split(","))
    cases["opened"] = pd.to_datetime(cases["opened"]).dt.date
    path = tmp_path / "in" / "cases.parquet"
    path.parent.mkdir()
    cases.to_parquet(path)
    assert run(tmp_path, path)[0] == 0
    assert query(tmp_path, "SELECT count(*) FROM cases") == [(2,)]


def test_services_costs_convert_to_usd(tmp_path):
    run(tmp_path, cases_file(tmp_path, *GOOD_CASES))
    f = write(
        tmp_path / "in",
        "services.csv",
        "case_ref,agency,service_area,started,status,cost,currency\n"
        'R1,AG-1,medical,2023-03-01,provided,"410,000",KHR\n',
    )
    run(tmp_path, f)
    rate = float(
        pd.read_csv(paths.EXCHANGE_RATES)
        .query("currency == 'KHR' and year == 2023")["per_usd"]
        .iloc[0]
    )
    [(cost, usd)] = query(tmp_path, "SELECT cost, cost_usd FROM services")
    assert float(cost) == 410000 and usd == pytest.approx(410000 / rate)


@pytest.mark.parametrize(
    ("table", "layout"),
    [
        # case keys as text (before they became 128-bit integers)
        ("cases", "case_key VARCHAR PRIMARY KEY, agency VARCHAR"),
        # an agency column on each assessment (before it was read from the case)
        (
            "assessments",
            "case_key UHUGEINT, agency VARCHAR, assessed_on DATE, dimension VARCHAR, "
            "score UTINYINT, load_id INTEGER",
        ),
    ],
)
def test_a_warehouse_of_an_earlier_layout_is_refused_and_left_as_it_was(tmp_path, table, layout):
    """Rows are never mixed into tables laid out by an earlier version of the loader."""
    db = paths.warehouse_db(tmp_path / "wh")
    db.parent.mkdir(parents=True)
    con = duckdb.connect(str(db))
    con.execute(f"CREATE TABLE {table} ({layout})")
    con.close()
    before = db.read_bytes()
    code, out = run(
        tmp_path, cases_file(tmp_path, "R1,AG-1,KH,KH-12,female,16,labour,TH,2023-02-01,,")
    )
    assert code == 2
    assert "earlier version of the loader" in out and table in out and "new warehouse folder" in out
    assert db.read_bytes() == before


def test_a_case_matches_across_files_whatever_the_agency_code_case_and_spacing(tmp_path):
    cases = cases_file(tmp_path, "R1,ag-1,KH,KH-12,female,16,labour,TH,2023-02-01,,")
    scores = write(
        tmp_path / "in",
        "assessments.csv",
        "case_ref,agency,assessed_on,housing\n R1 , AG-1 ,2023-03-01,2\nR1,Ag-1,2023-06-01,3\n",
    )
    code, _ = run(tmp_path, cases, scores)
    assert code == 0
    assert query(tmp_path, "SELECT count(*), count(DISTINCT case_key) FROM assessments") == [(2, 1)]
    assert query(tmp_path, "SELECT count(*) FROM assessments JOIN cases USING (case_key)") == [(2,)]
    assert query(tmp_path, "SELECT count(*) FROM quarantine") == [(0,)]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_blank_lines_do_not_shift_the_row_numbers(tmp_path, newline):
    """A blank line between records still counts as a spreadsheet row; blank lines at the end
    do nothing."""
    lines = [
        CASES_HEADER,
        "R1,AG-1,KH,KH-12,female,16,labour,TH,2023-02-01,,",
        "",
        "R2,AG-1,KH,KH-12,female,16,labour,TH,2023-02-01,2022-01-01,",
        "",
        "",
    ]
    f = write(tmp_path / "in", "cases.csv", newline.join(lines))
    run(tmp_path, f)
    assert query(tmp_path, "SELECT row_number, reason FROM quarantine") == [
        (4, "closed_before_opened")
    ]
    assert query(tmp_path, "SELECT count(*) FROM cases") == [(1,)]
