"""Writing one checked file into the warehouse: its valid rows (replacing what they
supersede), its quarantined rows with their reasons, and its line in the loads log."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.ingest import spec
from etl.ingest.read import FIRST_CELL
from etl.ingest.sources import Source
from etl.validate.cell_rules import clean
from etl.validate.row_rules import SCOPE_DATE
from reference import framework
from reference.framework import norm

SQL = Path(__file__).resolve().parent / "sql"


def already_loaded(con: duckdb.DuckDBPyConnection, src: Source) -> str | None:
    row = con.execute(
        "SELECT strftime(max(loaded_at), '%Y-%m-%d %H:%M') FROM loads WHERE sha256 = $sha "
        "AND coalesce(sheet, '') = $sheet AND outcome = 'loaded'",
        {"sha": src.sha256, "sheet": src.sheet or ""},
    ).fetchone()
    return row[0] if row and row[0] else None


def facts(con: duckdb.DuckDBPyConnection, table: str, load_id: int) -> int:
    """Insert the valid rows; return how many earlier rows they replaced."""
    before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
    if table == "cases":
        con.execute("DELETE FROM cases WHERE case_key IN (SELECT case_key FROM final WHERE _ok)")
    elif table == "budgets":
        con.execute(
            "DELETE FROM budgets b USING (SELECT * FROM final WHERE _ok) f WHERE b.country = f.country "
            "AND b.province = coalesce(f.province, '') AND b.year = f.year "
            "AND b.service_area = f.service_area AND b.funding_source = f.funding_source"
        )
    else:
        # A file is the agency's submission for the quarters its rows fall in: a resubmission
        # for the same agency and quarter replaces the earlier rows instead of adding to them.
        date = SCOPE_DATE[table]
        # (a fact row's agency is its case's: warehouse_schema.sql)
        con.execute(
            f"DELETE FROM {table} t USING (SELECT DISTINCT agency, date_trunc('quarter', {date}) AS q "  # noqa: S608
            f"FROM final WHERE _ok) s, cases c WHERE t.case_key = c.case_key AND c.agency = s.agency "
            f"AND date_trunc('quarter', t.{date}) = s.q"
        )
    replaced = before - con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
    insert = (SQL / f"insert_{table}.sql").read_text()
    if table == "assessments":
        insert = insert.replace("{outcome_columns}", ", ".join(framework.load().outcome_keys))
    con.execute(insert, {"load_id": load_id})
    return replaced


def totals_rows(con, table: str, present: dict[str, str]) -> list[tuple[int, str]]:
    """(row, label) of the rows that fail the rules because they are totals rows: their first
    filled cell opens with a word of submission.yaml totals_words ('Total', 'សរុប', 'รวม',
    'Tổng cộng', '合计') and their key cell is blank or that label. Writes TEMP table totals."""
    has_first = FIRST_CELL in [d[0] for d in con.execute("SELECT * FROM raw LIMIT 0").description]
    cells = [clean(f"raw.{c}") for c in ([FIRST_CELL] if has_first else []) + list(present)]
    key = "case_ref" if "case_ref" in present else "country" if "country" in present else None
    first = f"coalesce({', '.join(cells)})"
    key_fits = (
        f"({clean(f'raw.{key}')} IS NULL OR {clean(f'raw.{key}')} = {first})" if key else "true"
    )
    candidates = con.execute(
        f"SELECT f._row, {first} FROM final f JOIN raw ON raw._row = f._row "  # noqa: S608
        f"WHERE NOT f._ok AND {first} IS NOT NULL AND length({first}) <= 60 AND {key_fits} "
        "ORDER BY f._row"
    ).fetchall()
    words = [norm(w) for w in spec.totals_words()]
    found = [
        (row, label) for row, label in candidates if _opens_with(norm(label).rstrip(":："), words)
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE totals (_row BIGINT)")
    if found:
        con.executemany("INSERT INTO totals VALUES (?)", [(r,) for r, _ in found])
    return found


def _opens_with(text: str, words: list[str]) -> bool:
    for w in words:
        if text == w:
            return True
        if text.startswith(w):
            after = text[len(w)]
            # a Latin word ends at a non-letter; scripts without spaces run on
            if not w.isascii() or not after.isalpha():
                return True
    return False


def quarantine(con, src: Source, present: dict[str, str], malformed, load_id: int) -> None:
    pairs = ", ".join(f"$h_{c}, raw.{c}" for c in present)
    params = {f"h_{c}": h for c, h in present.items()}
    con.execute(
        "INSERT INTO quarantine SELECT $id, $file, $table, f._row, f._errors[1].col, f._errors[1].value, "  # noqa: S608
        "array_to_string(list_distinct(list_transform(f._errors, lambda e: e.reason)), '; '), "
        "array_to_string(list_transform(f._errors, lambda e: e.message), ' | '), "
        f"CAST(json_object({pairs}) AS VARCHAR) "
        "FROM final f JOIN raw ON raw._row = f._row WHERE NOT f._ok "
        "AND f._row NOT IN (SELECT _row FROM totals) ORDER BY f._row",
        {"id": load_id, "file": src.label, "table": src.table, **params},
    )
    if malformed:
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
            [
                (
                    load_id,
                    src.label,
                    src.table,
                    m.row_number,
                    m.reason,
                    m.message,
                    json.dumps({"line": m.raw}),
                )
                for m in malformed
            ],
        )


@dataclass
class Written:
    loaded: int
    quarantined: int
    replaced: int
    reasons: Counter
    totals: list[tuple[int, str]]  # (row, label) of the totals rows set aside


def file(
    con: duckdb.DuckDBPyConnection,
    src: Source,
    present: dict[str, str],
    malformed: list,
    dropped: list[str],
) -> Written:
    """Write TEMP table `final` (the row rules' output) of one file: quarantine, facts, the
    loads log. Totals rows are set aside: neither loaded nor quarantined, nor counted as
    read (rows read = loaded + quarantined)."""
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
    # free what is no longer read before the largest write (the warehouse insert)
    con.execute("DROP TABLE checked")
    totals = totals_rows(con, src.table, present)
    quarantine(con, src, present, malformed, load_id)
    con.execute("DROP VIEW raw; DROP TABLE raw_cells")
    replaced = facts(con, src.table, load_id)
    counts = con.execute(
        "SELECT count(*) FILTER (_ok), count(*) FILTER (NOT _ok) FROM final"
    ).fetchone()
    loaded, bad = counts[0], counts[1] - len(totals) + len(malformed)
    agencies = ""
    synthetic = False
    if "agency" in present:
        agencies = (
            con.execute(
                "SELECT string_agg(DISTINCT agency, ',' ORDER BY agency) FROM final WHERE _ok"
            ).fetchone()[0]
            or ""
        )
        synthetic = bool(agencies) and all(a.startswith("SYN-") for a in agencies.split(","))
    con.execute(
        "INSERT INTO loads VALUES ($id, $file, $sheet, $sha, $table, $agencies, $at, $read, $loaded, "
        "$bad, $replaced, 'loaded', $synthetic, $dropped)",
        {
            "id": load_id,
            "file": src.path.name,
            "sheet": src.sheet,
            "sha": src.sha256,
            "table": src.table,
            "agencies": agencies,
            "at": dt.datetime.now().replace(microsecond=0),
            "read": loaded + bad,
            "loaded": loaded,
            "bad": bad,
            "replaced": replaced,
            "synthetic": synthetic,
            "dropped": ", ".join(dropped) or None,
        },
    )
    reasons = Counter(
        dict(
            con.execute(
                "SELECT e.reason, count(*) FROM (SELECT unnest(_errors) AS e FROM final "
                "WHERE NOT _ok AND _row NOT IN (SELECT _row FROM totals)) GROUP BY 1"
            ).fetchall()
        )
    )
    reasons.update(m.reason for m in malformed)
    con.execute("DROP TABLE totals")
    return Written(loaded, bad, replaced, reasons, totals)
