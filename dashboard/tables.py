"""Tables as shown and downloaded: text only, suppressed values as "<10".

view() turns a suppressed frame into the table a user sees: for every measure column it
takes the `_label` text, never the number, so a table or a download cannot carry more than
the chart. Nothing here imports streamlit.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

from dashboard.protect import MARK, require_protected

VIEW_MARK = "table_view"


def view(df: pd.DataFrame, columns: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """columns: (column, header) pairs. A column with a `_label` companion is shown as its
    label; other columns (names, quarters) as text."""
    require_protected(df)
    out = pd.DataFrame(index=df.index)
    for col, header in columns:
        source = df[f"{col}_label"] if f"{col}_label" in df.columns else df[col]
        numeric = pd.api.types.is_numeric_dtype(source) and not pd.api.types.is_bool_dtype(source)
        if numeric and len(source):
            raise ValueError(f"{col} is numeric without a label: it did not pass protection")
        out[header] = source.astype("object").where(source.notna(), "").astype(str)
    out = out.reset_index(drop=True)
    out.attrs[MARK] = df.attrs[MARK]
    out.attrs[VIEW_MARK] = True
    return out


def require_view(df: pd.DataFrame) -> pd.DataFrame:
    if not df.attrs.get(VIEW_MARK):
        raise ValueError("tables shown or downloaded must come from dashboard.tables.view()")
    return df


def to_csv(table: pd.DataFrame) -> bytes:
    require_view(table)
    return table.to_csv(index=False).encode("utf-8-sig")  # BOM: Excel reads UTF-8 correctly


def to_excel(table: pd.DataFrame, sheet: str = "data", note: str | None = None) -> bytes:
    """An .xlsx file with the table as text (what is shown), and an optional note below."""
    require_view(table)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        name = sheet[:31] or "data"
        table.to_excel(writer, sheet_name=name, index=False)
        sheet_ws = writer.sheets[name]
        for i, col in enumerate(table.columns):
            width = max([len(str(col))] + [len(str(v)) for v in table[col].tolist()]) + 2
            sheet_ws.set_column(i, i, min(width, 60))
        if note:
            sheet_ws.write(len(table) + 2, 0, note)
    return buffer.getvalue()
