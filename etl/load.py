"""python -m etl load: validate, anonymise and load submission files into the warehouse.

All-or-nothing: the run works on a scratch copy of the warehouse and publishes from it;
only when everything succeeded is the copy swapped in (etl/atomic.py). A file that is
wrong as a whole is refused and loads nothing; a row that cannot be read is quarantined
with its reasons; rows read = rows loaded + rows quarantined, always.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from etl import atomic, framework, lookups, privacy, read, spec, stage2, validate
from etl import paths as etl_paths
from etl.read import FileRefused, Source

SQL = etl_paths.SQL_DIR


class KeyMismatch(Exception):
    pass


class _NothingChanged(Exception):
    """Raised inside the scratch context to discard an unchanged copy."""


@dataclass
class FileResult:
    label: str
    table: str | None
    outcome: str  # loaded | unchanged | refused
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_replaced: int = 0
    reasons: Counter = field(default_factory=Counter)
    message: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    # insertion order is kept only while a file is read (read.materialise); elsewhere it
    # would cost memory and parallelism for nothing
    con.execute("SET threads = 2; SET memory_limit = '2GB'; SET preserve_insertion_order = false")
    return con


class OlderWarehouse(Exception):
    pass


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    schema = (SQL / "warehouse_schema.sql").read_text() + (SQL / "load" / "warehouse_info.sql").read_text()
    con.execute(schema)
    # CREATE TABLE IF NOT EXISTS keeps the tables of a warehouse written by an earlier
    # version as they were: compare them with the schema as it is now
    with duckdb.connect() as fresh:
        fresh.execute(schema)
        expected = _columns(fresh)
    found = _columns(con)
    if found != expected:
        changed = sorted({t for t, *_ in set(found) ^ set(expected)})
        raise OlderWarehouse(
            f"this warehouse was written by an earlier version of the loader (its tables {', '.join(changed)} "
            "are laid out differently); load the agencies' files into a new warehouse folder (--warehouse) "
            "and publish from it"
        )


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = 'main' "
        "ORDER BY table_name, ordinal_position"
    ).fetchall()


def check_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    fp = privacy.fingerprint(key)
    row = con.execute("SELECT value FROM warehouse_info WHERE name = 'key_fingerprint'").fetchone()
    if row is None:
        con.execute("INSERT INTO warehouse_info VALUES ('key_fingerprint', $fp)", {"fp": fp})
    elif row[0] != fp:
        raise KeyMismatch(
            f"this warehouse was built with a different case-reference key than {privacy.key_path()}; "
            "restore the original key file (or set GMS_HASH_KEY_FILE to it) and load again"
        )


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ref_rates AS SELECT upper(currency) AS currency, "
        "CAST(year AS SMALLINT) AS year, CAST(per_usd AS DOUBLE) AS per_usd FROM read_csv($p, header=true)",
        {"p": str(etl_paths.EXCHANGE_RATES)},
    )
    con.execute("DELETE FROM exchange_rates")
    con.execute("INSERT INTO exchange_rates SELECT * FROM ref_rates")
    barriers = [(b["code"], b["service_area"]) for b in framework.load().barriers]
    con.execute("CREATE OR REPLACE TEMP TABLE ref_barriers (code VARCHAR, service_area VARCHAR)")
    con.executemany("INSERT INTO ref_barriers VALUES (?, ?)", barriers)


def map_headers(src: Source, *, drop_identifying: bool) -> tuple[dict[int, str], list[str], list[str]]:
    """Header positions to read -> column names; plus ignored and dropped headers.

    Raises FileRefused for identifying columns (without the flag), duplicate or missing
    required columns.
    """
    lookup = spec.header_lookup(src.table)
    keep: dict[int, str] = {}
    ignored, identifying = [], []
    for i, header in enumerate(src.headers):
        name = lookup.get(spec.header_key(header))
        if name is None:
            kind = spec.identifying_kind(header) if header.strip() else None
            (identifying if kind else ignored).append(f"{header} ({kind})" if kind else header)
            continue
        if name in keep.values():
            first = src.headers[next(j for j, n in keep.items() if n == name)]
            raise FileRefused(f"{src.label}: columns '{first}' and '{header}' both mean '{name}'; keep one")
        keep[i] = name
    if identifying and not drop_identifying:
        raise FileRefused(
            f"{src.label}: refused, it has columns that identify people: {', '.join(identifying)}. "
            "Remove them and send the file again, or load with --drop-identifying-columns to "
            "leave them unread."
        )
    missing = [c for c in spec.columns(src.table) if c.required and c.name not in keep.values()]
    if missing:
        detail = "; ".join(
            f"'{c.name}'" + (f" (also accepted: {', '.join(c.aliases)})" if c.aliases else "") for c in missing
        )
        raise FileRefused(f"{src.label}: required column missing: {detail}")
    return keep, [h for h in ignored if h.strip()], identifying


def _make_maps(con: duckdb.DuckDBPyConnection, table: str, present: set[str]) -> None:
    """map_<column>(raw, val) for every coded column, from its distinct raw values."""
    coded = [c for c in spec.columns(table) if c.name in present and c.type in validate.MAPPED]
    plain = [c.name for c in coded if c.type != "province"]
    distinct: dict[str, list] = {}
    if plain:
        # every column's distinct cells in one scan, cleaned afterwards: there are far fewer
        # distinct cells than cells
        cleaned = validate.clean("v")
        scan = ", ".join(f"list(DISTINCT {c}) AS {c}" for c in plain)
        clean = ", ".join(
            f"list_distinct(list_filter(list_transform({c}, lambda v: {cleaned}), lambda v: v IS NOT NULL))"
            for c in plain
        )
        row = con.execute(f"WITH cells AS (SELECT {scan} FROM raw) SELECT {clean} FROM cells").fetchone()  # noqa: S608
        distinct = {c: values or [] for c, values in zip(plain, row, strict=True)}
    for col in coded:
        m = validate.map_table(col)
        if col.type == "province":
            country = validate.clean("country") if "country" in present else "NULL"
            province = validate.clean("province")
            pairs = con.execute(
                f"SELECT DISTINCT {country}, {province} FROM raw WHERE {province} IS NOT NULL"  # noqa: S608
            ).fetchall()
            rows = [(c, p, code) for (c, p), code in lookups.provinces(pairs).items()]
            con.execute(f"CREATE OR REPLACE TEMP TABLE {m} (country_raw VARCHAR, raw VARCHAR, val VARCHAR)")
            if rows:
                con.executemany(f"INSERT INTO {m} VALUES (?, ?, ?)", rows)  # noqa: S608
            continue
        values = distinct[col.name]
        mapping: dict
        sql_type = "VARCHAR"
        if col.type == "country":
            mapping = lookups.countries(values)
        elif col.type == "any_country":
            mapping = lookups.any_countries(values)
        elif col.type == "code":
            mapping = lookups.codes(col.list, values)
        elif col.type == "age":
            mapping = lookups.age_bands(values)
        elif col.type == "score":
            mapping, sql_type = lookups.scores(values), "UTINYINT"
        elif col.type == "boolean":
            mapping, sql_type = lookups.booleans(values), "BOOLEAN"
        else:
            mapping = lookups.currencies(values)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {m} (raw VARCHAR, val {sql_type})")
        if mapping:
            con.executemany(f"INSERT INTO {m} VALUES (?, ?)", list(mapping.items()))  # noqa: S608


def already_loaded(con: duckdb.DuckDBPyConnection, src: Source) -> str | None:
    row = con.execute(
        "SELECT strftime(max(loaded_at), '%Y-%m-%d %H:%M') FROM loads WHERE sha256 = $sha "
        "AND coalesce(sheet, '') = $sheet AND outcome = 'loaded'",
        {"sha": src.sha256, "sheet": src.sheet or ""},
    ).fetchone()
    return row[0] if row and row[0] else None


def _used(params: dict, sql: str) -> dict:
    """DuckDB refuses parameters a statement does not use."""
    return {k: v for k, v in params.items() if f"${k}" in sql}


def load_source(
    con: duckdb.DuckDBPyConnection, src: Source, key: bytes, *, drop_identifying: bool, today: dt.date
) -> FileResult:
    keep, ignored, dropped = map_headers(src, drop_identifying=drop_identifying)
    when = already_loaded(con, src)
    if when:
        return FileResult(src.label, src.table, "unchanged", message=f"same file already loaded on {when}; nothing to do")
    malformed = read.materialise(con, src, keep)
    present = {name: src.headers[i] for i, name in keep.items()}
    _make_maps(con, src.table, set(present))
    if "agency" in present and "case_ref" in present:
        con.execute(stage2.keys_sql(), privacy.hmac_params(key))
    sql, params = validate.stage1(src.table, present)
    con.execute(sql, _used({**params, "file": src.label, "today": today}, sql))
    rules = stage2.build(src.table)
    con.execute(rules, _used({"file": src.label, **privacy.hmac_params(key)}, rules))

    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
    # free what is no longer read before the largest write (the warehouse insert)
    con.execute("DROP TABLE checked")
    _write_quarantine(con, src, present, malformed, load_id)
    con.execute("DROP VIEW raw; DROP TABLE raw_cells")
    replaced = _write_facts(con, src.table, load_id)
    counts = con.execute("SELECT count(*) FILTER (_ok), count(*) FILTER (NOT _ok) FROM final").fetchone()
    loaded, bad = counts[0], counts[1] + len(malformed)
    agencies = ""
    synthetic = False
    if "agency" in present:
        agencies = con.execute("SELECT string_agg(DISTINCT agency, ',' ORDER BY agency) FROM final WHERE _ok").fetchone()[0] or ""
        synthetic = bool(agencies) and all(a.startswith("SYN-") for a in agencies.split(","))
    con.execute(
        "INSERT INTO loads VALUES ($id, $file, $sheet, $sha, $table, $agencies, $at, $read, $loaded, "
        "$bad, $replaced, 'loaded', $synthetic, $dropped)",
        {
            "id": load_id, "file": src.path.name, "sheet": src.sheet, "sha": src.sha256, "table": src.table,
            "agencies": agencies, "at": dt.datetime.now().replace(microsecond=0), "read": loaded + bad,
            "loaded": loaded, "bad": bad, "replaced": replaced, "synthetic": synthetic,
            "dropped": ", ".join(dropped) or None,
        },
    )
    reasons = Counter(dict(con.execute(
        "SELECT e.reason, count(*) FROM (SELECT unnest(_errors) AS e FROM final WHERE NOT _ok) GROUP BY 1"
    ).fetchall()))
    reasons.update(m.reason for m in malformed)
    return FileResult(src.label, src.table, "loaded", loaded + bad, loaded, bad, replaced, reasons,
                      ignored_columns=ignored, dropped_columns=dropped)


def _write_facts(con: duckdb.DuckDBPyConnection, table: str, load_id: int) -> int:
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
        date = stage2.SCOPE_DATE[table]
        # (a fact row's agency is its case's: warehouse_schema.sql)
        con.execute(
            f"DELETE FROM {table} t USING (SELECT DISTINCT agency, date_trunc('quarter', {date}) AS q "  # noqa: S608
            f"FROM final WHERE _ok) s, cases c WHERE t.case_key = c.case_key AND c.agency = s.agency "
            f"AND date_trunc('quarter', t.{date}) = s.q"
        )
    replaced = before - con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
    insert = (SQL / "load" / f"insert_{table}.sql").read_text()
    if table == "assessments":
        insert = insert.replace("{outcome_columns}", ", ".join(framework.load().outcome_keys))
    con.execute(insert, {"load_id": load_id})
    return replaced


def _write_quarantine(con, src: Source, present: dict[str, str], malformed, load_id: int) -> None:
    pairs = ", ".join(f"$h_{c}, raw.{c}" for c in present)
    params = {f"h_{c}": h for c, h in present.items()}
    con.execute(
        "INSERT INTO quarantine SELECT $id, $file, $table, f._row, f._errors[1].col, f._errors[1].value, "  # noqa: S608
        "array_to_string(list_distinct(list_transform(f._errors, lambda e: e.reason)), '; '), "
        "array_to_string(list_transform(f._errors, lambda e: e.message), ' | '), "
        f"CAST(json_object({pairs}) AS VARCHAR) "
        "FROM final f JOIN raw ON raw._row = f._row WHERE NOT f._ok ORDER BY f._row",
        {"id": load_id, "file": src.label, "table": src.table, **params},
    )
    if malformed:
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
            [(load_id, src.label, src.table, m.row_number, m.reason, m.message, json.dumps({"line": m.raw}))
             for m in malformed],
        )


def plan(files: list[Path]) -> tuple[list[Source], list[FileResult]]:
    """Every table found in the files, in load order (cases first), and the refused files."""
    found, refused = [], []
    for f in files:
        try:
            found += read.sources(f)
        except FileRefused as exc:
            refused.append(FileResult(f.name, None, "refused", message=str(exc)))
    found.sort(key=lambda s: (spec.TABLE_ORDER.index(s.table), s.path.name, s.sheet or ""))
    return found, refused


def run_load(
    inputs: list[Path], warehouse_dir: Path, *, drop_identifying_columns: bool = False,
    publish: bool = True, console: Console | None = None, today: dt.date | None = None,
) -> int:
    """Load files and folders; print a summary; return the process exit code."""
    console = console or Console(stderr=False)
    files = read.expand(inputs)
    if not files:
        console.print(f"[red]No submission files found in {', '.join(map(str, inputs))}[/red]")
        return 2
    today = today or dt.date.today()
    key = privacy.load_or_create_key()
    target = etl_paths.warehouse_db(warehouse_dir)
    sources, results = plan(files)
    try:
        with atomic.exclusive_lock(Path(warehouse_dir)):
            atomic.remove_stale_scratch(target)
            atomic.remove_stale_scratch(etl_paths.published_db(warehouse_dir))
            try:
                with atomic.replace_on_success(target, copy_existing=True) as scratch:
                    changed = _load_all(scratch, sources, results, key, drop_identifying_columns, today, console)
                    if not changed:
                        raise _NothingChanged
                    if publish:
                        from etl.publish import publish as publish_marts

                        with console.status("Publishing aggregates for the dashboard..."):
                            out = publish_marts(Path(warehouse_dir), warehouse_file=scratch, locked=True, as_of=today)
                        console.print(f"Published {out}")
            except _NothingChanged:
                console.print("Nothing new to load; the warehouse is unchanged.")
    except (KeyMismatch, OlderWarehouse) as exc:
        console.print(f"[red]Refused: {exc}[/red]")
        return 2
    print_summary(console, results)
    return 1 if any(r.outcome == "refused" for r in results) else 0


def _load_all(scratch, sources, results, key, drop_identifying, today, console) -> bool:
    con = connect(scratch)
    changed = False
    try:
        init_schema(con)
        check_key(con, key)
        load_reference(con)
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} files"),
                      TimeElapsedColumn(), console=console, transient=True) as progress:
            task = progress.add_task("Loading", total=len(sources))
            for src in sources:
                progress.update(task, description=f"Loading {src.label}")
                con.execute("BEGIN TRANSACTION")
                try:
                    result = load_source(con, src, key, drop_identifying=drop_identifying, today=today)
                    con.execute("COMMIT")
                except FileRefused as exc:
                    con.execute("ROLLBACK")
                    result = FileResult(src.label, src.table, "refused", message=str(exc))
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                changed |= result.outcome == "loaded"
                results.append(result)
                progress.advance(task)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return changed


def print_summary(console: Console, results: list[FileResult]) -> None:
    table = Table(title="Load summary", show_lines=False)
    for col in ("file", "table", "outcome", "read", "loaded", "quarantined", "replaced"):
        table.add_column(col, justify="right" if col in ("read", "loaded", "quarantined", "replaced") else "left")
    for r in results:
        table.add_row(r.label, r.table or "-", r.outcome, f"{r.rows_read:,}", f"{r.rows_loaded:,}",
                      f"{r.rows_quarantined:,}", f"{r.rows_replaced:,}")
    console.print(table)
    for r in results:
        if r.outcome == "refused":
            console.print(f"[red]REFUSED[/red] {r.message}")
        elif r.outcome == "unchanged":
            console.print(f"{r.label}: {r.message}")
        if r.reasons:
            detail = ", ".join(f"{reason} {n:,}" for reason, n in r.reasons.most_common())
            console.print(f"{r.label}: quarantined by reason: {detail}")
        if r.ignored_columns:
            console.print(f"{r.label}: columns not part of the format, not read: {', '.join(r.ignored_columns)}")
        if r.dropped_columns:
            console.print(f"{r.label}: identifying columns dropped unread: {', '.join(r.dropped_columns)}")
    if any(r.rows_quarantined for r in results):
        console.print("See every quarantined row with its reason: python -m etl quarantine --out quarantine.csv")


def export_quarantine(warehouse_dir: Path, out: Path, *, file_name: str | None = None) -> int:
    """Quarantined rows to CSV for the agency to fix and resubmit (holds case references:
    give it only to the agency that sent the file)."""
    con = connect(etl_paths.warehouse_db(warehouse_dir), read_only=True)
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
