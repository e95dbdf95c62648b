"""A corpus of agency exports as real spreadsheet programs write them, built from the synthetic
sample (etl.sample.generate) by the tests themselves: no binary fixture is kept.

sample_frames() reads the clean sample as text; the helpers below rewrite it the way a clerk's
Excel or LibreOffice would (another date order, a decimal comma, a code page, merged cells,
title rows, local sheet names...). snapshot() reads back what a load stored, so that a variant
can be compared with the clean sample's load, row for row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
from rich.console import Console

from reference import framework, geography, paths
from reference.framework import norm

AS_OF = dt.date(2026, 6, 30)
CASES = 300
SEED = 23
TABLES = ("cases", "assessments", "services", "barriers", "budgets")
DATE_COLUMNS = {
    "cases": ["opened", "closed"],
    "assessments": ["assessed_on"],
    "services": ["started", "ended"],
    "barriers": ["noted_on"],
}
AMOUNT_COLUMNS = {"services": ["cost"], "budgets": ["budgeted", "spent"]}
Frames = dict[str, pd.DataFrame]


def sample_frames(folder: Path) -> Frames:
    """The clean sample, every cell as the text the CSV holds ('' when blank)."""
    from etl.sample import generate

    generate(folder, n_cases=CASES, seed=SEED, as_of=AS_OF)
    return {t: pd.read_csv(folder / f"{t}.csv", dtype=str, keep_default_na=False) for t in TABLES}


def copy(frames: Frames) -> Frames:
    return {t: f.copy() for t, f in frames.items()}


# --- rewriting cells -------------------------------------------------------------------------
def map_dates(frames: Frames, write: Callable[[dt.date], str]) -> Frames:
    out = copy(frames)
    for table, cols in DATE_COLUMNS.items():
        for c in cols:
            out[table][c] = [write(dt.date.fromisoformat(v)) if v else "" for v in out[table][c]]
    return out


def map_amounts(frames: Frames, write: Callable[[Decimal, dict], str]) -> Frames:
    """write(amount, row) -> text; row is the record (for its currency)."""
    out = copy(frames)
    for table, cols in AMOUNT_COLUMNS.items():
        records = out[table].to_dict("records")
        for c in cols:
            out[table][c] = [write(Decimal(r[c]), r) if r[c] else "" for r in records]
    return out


def grouped(amount: Decimal, *, group: str = ",", decimal: str = ".", cents: bool = True) -> str:
    """1234567.5 -> '1,234,567.50' with the marks given."""
    text = f"{amount:,.2f}" if cents else f"{amount:,.0f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def local_provinces(frames: Frames, countries: set[str]) -> Frames:
    """The cases' provinces of these countries written in their own script (the first
    non-ASCII alias in framework.yaml), as a clerk in that country types them."""
    out = copy(frames)
    local = {}
    for c in framework.load().countries:
        for p in c["provinces"]:
            alias = next((a for a in p.get("aliases", []) if not a.isascii()), None)
            if alias:
                local[p["code"]] = alias
    aliases = geography.province_aliases()
    cases = out["cases"]
    written = []
    for country, province in zip(cases["country"], cases["province"], strict=True):
        code = aliases.get(country, {}).get(norm(province))
        written.append(local.get(code, province) if country in countries else province)
    cases["province"] = written
    return out


def of_countries(frames: Frames, countries: set[str]) -> Frames:
    """Only the rows of these countries' agencies (and budget lines)."""
    out = copy(frames)
    agencies = set(out["cases"].loc[out["cases"]["country"].isin(countries), "agency"])
    for t in ("cases", "assessments", "services", "barriers"):
        out[t] = out[t][out[t]["agency"].isin(agencies)].reset_index(drop=True)
    out["budgets"] = out["budgets"][out["budgets"]["country"].isin(countries)].reset_index(
        drop=True
    )
    return out


def to_cp1258(text: str) -> bytes:
    """Vietnamese in cp1258 as Windows writes it: letters it has precomposed (â, ơ, ư...)
    kept, tone marks as combining characters after them."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        rest = []
        for mark in marks:
            joined = unicodedata.normalize("NFC", base + mark)
            try:
                joined.encode("cp1258")
                base = joined
            except UnicodeEncodeError:
                rest.append(mark)
        out += (base + "".join(rest)).encode("cp1258")
    return bytes(out)


# --- writing files ---------------------------------------------------------------------------
def csv_text(frame: pd.DataFrame, *, sep: str = ",", newline: str = "\n", above=()) -> str:
    """The frame as CSV text; above: rows over the header (a text is written as it is)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator=newline)
    for row in above:
        if isinstance(row, str):
            buf.write(row + newline)
        else:
            writer.writerow(row)
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    return buf.getvalue()


def write_csvs(
    folder: Path,
    frames: Frames,
    *,
    sep: str = ",",
    encoding: str | Callable[[str], bytes] = "utf-8",
    suffix: str = ".csv",
    newline: str = "\n",
    above: dict[str, list] | None = None,
    names: dict[str, str] | None = None,
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, frame in frames.items():
        text = csv_text(frame, sep=sep, newline=newline, above=(above or {}).get(table, ()))
        path = folder / ((names or {}).get(table, table) + suffix)
        path.write_bytes(encoding(text) if callable(encoding) else text.encode(encoding))
        written.append(path)
    return written


def write_workbook(
    path: Path,
    frames: Frames,
    *,
    sheet_names: dict[str, str] | None = None,
    title_rows: bool = False,
    merge: dict[str, list[str]] | None = None,
    extra_sheets: dict[str, list[list]] | None = None,
    text_dates: bool = False,
) -> Path:
    """One sheet per table as a clerk's workbook has it: real date cells, numbers as
    numbers; title_rows puts a merged title and a blank row above each header; merge merges
    the runs of equal values of those columns (the agency of a block of cases, say);
    text_dates writes dates as the text they are in the frame."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in (extra_sheets or {}).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    numeric = {"age", "year", "cost", "budgeted", "spent", *framework.load().outcome_keys}
    for table, frame in frames.items():
        ws = wb.create_sheet((sheet_names or {}).get(table, table))
        top = 1
        if title_rows:
            ws.cell(1, 1, f"Submission of {table}, synthetic agencies, to {AS_OF:%d %B %Y}")
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(frame.columns))
            top = 3
        for j, col in enumerate(frame.columns, start=1):
            ws.cell(top, j, col)
        dated = set() if text_dates else set(DATE_COLUMNS.get(table, []))
        for i, record in enumerate(frame.itertuples(index=False, name=None), start=top + 1):
            for j, (col, v) in enumerate(zip(frame.columns, record, strict=True), start=1):
                if v == "":
                    continue
                if col in dated:
                    v = dt.date.fromisoformat(v)
                elif col in numeric:
                    v = float(v) if "." in v else int(v)
                ws.cell(i, j, v)
        for col in (merge or {}).get(table, []):
            j = list(frame.columns).index(col) + 1
            values = list(frame[col])
            start = 0
            for k in range(1, len(values) + 1):
                if k == len(values) or values[k] != values[start]:
                    if k - start > 1 and values[start] != "":
                        ws.merge_cells(
                            f"{get_column_letter(j)}{top + 1 + start}:{get_column_letter(j)}{top + k}"
                        )
                    start = k
    wb.save(path)
    return path


# --- loading and reading back ----------------------------------------------------------------
def load(inputs: list[Path], warehouse: Path, **kwargs) -> tuple[int, str]:
    from etl.warehouse.load import run_load

    out = io.StringIO()
    code = run_load(
        inputs,
        warehouse,
        today=AS_OF,
        console=Console(file=out, width=240),
        publish=kwargs.pop("publish", False),
        **kwargs,
    )
    return code, out.getvalue()


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every fact table's rows as stored (without the load they came from), sorted."""
    con = duckdb.connect(str(paths.warehouse_db(warehouse)), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * EXCLUDE (load_id) FROM {t} ORDER BY ALL").fetchall()  # noqa: S608
            for t in TABLES
        } | {"quarantine": con.execute("SELECT count(*) FROM quarantine").fetchall()}
    finally:
        con.close()


def published(warehouse: Path) -> dict[str, list[tuple]]:
    """Every mart of the published file, sorted (the load log and quarantine summary left
    out: they name files)."""
    con = duckdb.connect(str(paths.published_db(warehouse)), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                "AND database_name = current_database() UNION "
                "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' "
                "AND database_name = current_database()"
            ).fetchall()
            if r[0].startswith("mart_")
        ]
        return {n: con.execute(f"SELECT * FROM {n} ORDER BY ALL").fetchall() for n in names}  # noqa: S608
    finally:
        con.close()
