"""python -m etl quarantine: the rows set aside at load, for the agency to correct."""

from __future__ import annotations

from pathlib import Path

from etl.warehouse.schema import connect
from reference import paths


def export_quarantine(warehouse_dir: Path, out: Path, *, file_name: str | None = None) -> int:
    """Quarantined rows to CSV for the agency to fix and resubmit (holds case references:
    give it only to the agency that sent the file)."""
    con = connect(paths.warehouse_db(warehouse_dir), read_only=True)
    try:
        query = (
            "SELECT q.file_name, q.table_name, q.row_number, q.column_name, q.value, q.reason, q.message, "
            "q.raw, l.loaded_at FROM quarantine q JOIN loads l USING (load_id) "
            "WHERE $file IS NULL OR q.file_name = $file ORDER BY l.loaded_at, q.file_name, q.row_number"
        )
        frame = con.execute(query, {"file": file_name}).df()
    finally:
        con.close()
    frame.to_csv(out, index=False, encoding="utf-8-sig")
    return len(frame)
