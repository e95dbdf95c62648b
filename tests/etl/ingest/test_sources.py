"""Finding the tables: by file or sheet name in the six languages, by the header row, with
titles above it; every file of a folder and every sheet loaded or named with the reason."""

from __future__ import annotations

import pytest

from etl.ingest import recognise, spec
from etl.ingest.errors import FileRefused
from etl.ingest.sources import expand, sources
from tests.etl.ingest.corpus import write_workbook

CASES = "case_ref,agency,country,province,sex,age,form,opened"


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("KH-A_2024Q1_cases", "cases"),
        ("KH-A 2024Q1 Assessments", "assessments"),
        ("Đánh giá", "assessments"),
        ("danh gia quy 1", "assessments"),
        ("ការវាយតម្លៃ", "assessments"),
        ("การประเมิน 2567", "assessments"),
        ("ການປະເມີນ", "assessments"),
        ("服务", "services"),
        ("Dịch vụ", "services"),
        ("บริการ", "services"),
        ("ຄ່າ ບໍລິການ", "services"),
        ("ဝန်ဆောင်မှု", "services"),
        ("ករណី", "cases"),
        ("个案", "cases"),
        ("Hồ sơ", "cases"),
        ("rào cản", "barriers"),
        ("อุปสรรค", "barriers"),
        ("Ngân sách 2024", "budgets"),
        ("งบประมาณ", "budgets"),
        ("预算", "budgets"),
        ("ថវិកា", "budgets"),
        ("Sheet2", None),
        ("Instructions", None),
        ("cases and services", None),  # two tables: the header decides
        ("showcase", None),  # a word, not a part of one
    ],
)
def test_table_names_in_the_six_languages(name, table):
    assert spec.table_for_name(name) == table


def test_the_header_is_found_under_titles_and_named_by_its_row():
    rows = [["Cases of agency KH-A"], [], ["Quarter: 2024 Q1", ""], CASES.split(","), ["R1"]]
    h = recognise.find_header(rows, named=None, how="file name", label="x")
    assert (h.table, h.index, h.how) == ("cases", 3, "header row")


def test_a_header_fitting_two_tables_equally_is_refused():
    # every required column of barriers and of services, and nothing else
    cells = ["case_ref", "agency", "service_area"]
    with pytest.raises(FileRefused, match="fits the tables"):
        recognise.find_header(
            [cells + ["barrier_code", "noted_on", "started", "status"]],
            named=None,
            how="sheet name",
            label="x",
        )


def test_a_row_naming_some_columns_is_taken_for_the_header_to_say_what_is_missing():
    h = recognise.find_header([["case_ref", "agency", "province"]], named=None, how="", label="")
    assert h.table == "cases" and h.named == 3


def test_a_folder_names_every_file_it_does_not_load(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "cases.csv").write_text(CASES + "\nR1,A,KH,Kampot,f,16,labour,2024-01-01\n")
    (folder / "README.txt").write_text("Notes for the ministry.\n")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / ".hidden.csv").write_text("x")
    found = {}
    for path, in_folder in expand([folder]):
        try:
            tables, skipped = sources(path, scratch=tmp_path, in_folder=in_folder)
            found[path.name] = [t.table for t in tables] or [s.reason for s in skipped]
        except FileRefused as exc:
            found[path.name] = str(exc)
    assert found["cases.csv"] == ["cases"]
    assert found["README.txt"] == ["not a table: no header row of one in its first lines"]
    assert found["scan.pdf"] == ["not a submission file (.csv, .txt, .xlsx, .parquet)"]
    assert "Excel 97-2003 workbook cannot be read; save it as" in found["old.xls"]
    assert ".hidden.csv" not in found


def test_a_text_file_named_on_the_command_line_that_is_no_table_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Notes for the ministry.\n")
    with pytest.raises(FileRefused, match="cannot tell which table"):
        sources(path, scratch=tmp_path)


def test_a_text_file_is_recognised_by_its_header_whatever_its_name(tmp_path):
    path = tmp_path / "export (3).txt"
    path.write_text("Exported 2024-04-02\n\n" + CASES.replace(",", "\t") + "\n")
    [src], _ = sources(path, scratch=tmp_path)
    assert (src.table, src.header_row, src.delimiter, src.recognised_by) == (
        "cases", 3, "\t", "header row",
    )  # fmt: skip


def test_a_workbook_names_its_sheets_that_are_not_tables(tmp_path):
    import pandas as pd

    frame = pd.DataFrame([["R1", "A", "KH", "Kampot", "f", "16", "labour", "2024-01-01"]],
                         columns=CASES.split(","))  # fmt: skip
    path = write_workbook(
        tmp_path / "book.xlsx",
        {"cases": frame},
        sheet_names={"cases": "Sheet1"},
        extra_sheets={"Pivot": [["sum of cases", 1]], "Empty": []},
    )
    tables, skipped = sources(path, scratch=tmp_path)
    assert [(t.sheet, t.table, t.recognised_by) for t in tables] == [
        ("Sheet1", "cases", "header row")
    ]
    assert {s.label: s.reason for s in skipped} == {
        "book.xlsx [Pivot]": "not a table: no header row of one in its first 20 rows",
        "book.xlsx [Empty]": "the sheet is empty",
    }


def test_a_workbook_with_no_table_is_refused_naming_each_sheet(tmp_path):
    path = write_workbook(tmp_path / "book.xlsx", {}, extra_sheets={"Notes": [["hello"]]})
    with pytest.raises(FileRefused, match=r"no sheet holds a table \('Notes': not a table"):
        sources(path, scratch=tmp_path)
