"""Writing the tables as CSV, Parquet or one Excel workbook, and the README.txt beside them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from etl.sample.draws import AGENCY_PREFIX, EPOCH

FORMATS = ("csv", "xlsx", "parquet")
TABLES = ("cases", "assessments", "services", "barriers", "budgets")
XLSX_FILE = "sample.xlsx"
README_FILE = "README.txt"
EXCEL_MAX_ROWS = 1_048_575  # data rows under the header


# --- writers ----------------------------------------------------------------------------------
def remove_other_formats(out: Path, fmt: str) -> None:
    """Drop files this command wrote earlier in another format, so a folder holds one set."""
    names = {
        "csv": [f"{t}.csv" for t in TABLES],
        "parquet": [f"{t}.parquet" for t in TABLES],
        "xlsx": [XLSX_FILE],
    }
    for other, files in names.items():
        if other != fmt:
            for name in files:
                (out / name).unlink(missing_ok=True)


def _amount_text(values: pa.Array) -> pa.Array:
    """Amounts as plain decimals (no exponent): 450000, 1234.5 -> '1234.50'."""
    v = values.to_numpy(zero_copy_only=False)
    mask = np.isnan(v)
    cents = np.rint(np.nan_to_num(v) * 100).astype(np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0")
    text = pc.if_else(
        pa.array(cents % 100 == 0), whole, pc.binary_join_element_wise(whole, frac, ".")
    )
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), text)


def write_csv(out: Path, tables: dict[str, pa.Table]) -> dict[str, int]:
    written = {}
    for name, table in tables.items():
        if name == "services":
            i = table.column_names.index("cost")
            table = table.set_column(i, "cost", _amount_text(table["cost"].combine_chunks()))
        path = out / f"{name}.csv"
        try:  # no value of ours needs quoting; fall back if a province name ever does
            options = pacsv.WriteOptions(quoting_style="none", quoting_header="none")
            pacsv.write_csv(table, path, options)
        except pa.ArrowInvalid:
            options = pacsv.WriteOptions(quoting_style="needed", quoting_header="none")
            pacsv.write_csv(table, path, options)
        written[str(path)] = table.num_rows
    return written


def write_parquet(out: Path, tables: dict[str, pa.Table]) -> dict[str, int]:
    written = {}
    for name, table in tables.items():
        plain = pa.table(
            {
                c: (col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col)
                for c, col in zip(table.column_names, table.columns, strict=True)
            }
        )
        path = out / f"{name}.parquet"
        pq.write_table(plain, path, compression="zstd")
        written[str(path)] = table.num_rows
    return written


def write_xlsx(path: Path, tables: dict[str, pa.Table], as_of: dt.date) -> dict[str, int]:
    import xlsxwriter

    too_big = {n: t.num_rows for n, t in tables.items() if t.num_rows > EXCEL_MAX_ROWS}
    if too_big:
        raise ValueError(
            f"too many rows for one Excel sheet ({too_big}); use --format csv or parquet"
        )
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    created = dt.datetime(as_of.year, as_of.month, as_of.day)
    wb.set_properties({"created": created, "title": "Synthetic reintegration submission (SYN-)"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    header_fmt = wb.add_format({"bold": True})
    excel_epoch = (EPOCH - dt.date(1899, 12, 30)).days
    written = {}
    for name, table in tables.items():
        ws = wb.add_worksheet(name)
        for j, col in enumerate(table.column_names):
            ws.write_string(0, j, col, header_fmt)
        values, is_text, formats = [], [], []
        for col in table.columns:
            col = col.combine_chunks()
            if pa.types.is_date32(col.type):  # Excel serial day numbers, shown as dates
                serial = pc.add(col.view(pa.int32()).cast(pa.int64()), excel_epoch)
                values.append(serial.to_pylist())
                is_text.append(False)
                formats.append(date_fmt)
            else:
                text = pa.types.is_dictionary(col.type) or pa.types.is_string(col.type)
                values.append((col.cast(pa.string()) if text else col).to_pylist())
                is_text.append(text)
                formats.append(None)
        write_string, write_number = ws.write_string, ws.write_number
        for r, row in enumerate(zip(*values, strict=True), start=1):
            for j, v in enumerate(row):
                if v is None:
                    continue
                if is_text[j]:
                    write_string(r, j, v)
                else:
                    write_number(r, j, v, formats[j])
        written[f"{path}[{name}]"] = table.num_rows
    wb.close()
    return written


def write_readme(
    out: Path, *, n_cases: int, seed: int, as_of: dt.date, fmt: str, tables: dict[str, pa.Table]
) -> None:
    counts = "\n".join(f"  {name}: {t.num_rows:,} rows" for name, t in tables.items())
    text = f"""SYNTHETIC DATA - NOT REAL PEOPLE

These files are a synthetic submission set for the GMS reintegration monitoring dashboard.
They describe no real person or agency: every agency code starts with "{AGENCY_PREFIX}" and the
loader marks loads whose agencies all start with "{AGENCY_PREFIX}" as synthetic.

Generated by: python -m etl sample --cases {n_cases} --seed {seed} --as-of {as_of.isoformat()} --format {fmt}
Seed: {seed}
As of: {as_of.isoformat()}

The same seed and as-of date always give the same files. Shares of sex, age when
trafficked, country, form of trafficking, internal trafficking and destinations follow the
252 survivors of the After Trafficking study (NEXUS Institute, 2013-2017); dates, scores,
services, barriers and budgets are simulated.

{counts}
"""
    (out / README_FILE).write_text(text, encoding="utf-8")
