"""Merged cells read as the clerk sees them."""

from __future__ import annotations

import openpyxl

from etl.ingest import workbooks


def test_every_cell_of_a_merged_range_holds_its_value(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "cases"
    ws.append(["Title spanning the sheet"])
    ws.merge_cells("A1:D1")
    ws.append(["case_ref", "agency", "country", "setting"])
    for i in range(5):
        ws.append([f"R{i}", "KH-A" if i == 0 else None, "KH" if i == 0 else None, None])
    ws.merge_cells("B3:B7")  # agency and country of five cases
    ws.merge_cells("C3:C7")
    ws["D4"] = "home_community"
    ws.merge_cells("D4:D5")
    ws.append([])
    ws.merge_cells("B8:B9")  # a merge over rows that hold nothing else
    ws["B8"] = None
    path = tmp_path / "book.xlsx"
    wb.save(path)
    merges = workbooks.merged_ranges(path)["cases"]
    assert len(merges) == 5
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = {n: (v, blank) for n, v, blank in workbooks.filled_rows(wb["cases"], merges)}
    assert rows[1][0] == ["Title spanning the sheet"] * 4
    assert [rows[n][0][:4] for n in range(3, 8)] == [
        ["R0", "KH-A", "KH", None],
        ["R1", "KH-A", "KH", "home_community"],
        ["R2", "KH-A", "KH", "home_community"],
        ["R3", "KH-A", "KH", None],
        ["R4", "KH-A", "KH", None],
    ]
    assert not rows[7][1] and all(rows[n][1] for n in rows if n > 7)  # filled only: blank
