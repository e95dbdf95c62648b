"""python -m etl load: validate, anonymise and load submission files into the warehouse.

Each file's table goes through the steps in the order of the folders: read as text
(etl/ingest), code tables and cell rules, then row rules (etl/validate), the keyed hash of
the case reference (etl/anonymise), and the write (etl/warehouse/write.py).

All-or-nothing: the run works on a scratch copy of the warehouse and publishes from it;
only when everything succeeded is the copy swapped in (etl/warehouse/atomic.py). A file that
is wrong as a whole is refused and loads nothing; a row that cannot be read is quarantined
with its reasons; rows read = rows loaded + rows quarantined, always.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import duckdb
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from etl.anonymise import case_keys
from etl.ingest import read, sources, spec
from etl.ingest.headers import map_headers
from etl.ingest.sources import FileRefused, ReadOptions, Source
from etl.validate import cell_rules, code_tables, formats, row_rules
from etl.warehouse import atomic, write
from etl.warehouse.schema import (
    KeyMismatch,
    OlderWarehouse,
    check_key,
    connect,
    init_schema,
    load_reference,
)
from etl.warehouse.summary import FileResult, print_summary
from reference import paths
from reference.sql import bind


class _NothingChanged(Exception):
    """Raised inside the scratch context to discard an unchanged copy."""


def load_source(
    con: duckdb.DuckDBPyConnection,
    src: Source,
    key: bytes,
    *,
    drop_identifying: bool,
    today: dt.date,
    options: ReadOptions | None = None,
) -> FileResult:
    keep, ignored, dropped = map_headers(src, drop_identifying=drop_identifying)
    when = write.already_loaded(con, src)
    if when:
        return FileResult(
            src.label,
            src.table,
            "unchanged",
            message=f"same file already loaded on {when}; nothing to do",
        )
    malformed = read.materialise(con, src, keep)
    present = {name: src.headers[i] for i, name in keep.items()}
    code_tables.create(con, src.table, present, src.label)
    decided = formats.decide(con, src, present, options or ReadOptions(), today)
    if "agency" in present and "case_ref" in present:
        con.execute(case_keys.keys_sql(), case_keys.hmac_params(key))
    sql, params = cell_rules.build(
        src.table,
        present,
        mapped=decided.mapped,
        units=decided.units,
        buddhist_years=decided.buddhist_years,
        expected=decided.expected,
    )
    con.execute(sql, bind(sql, {**params, "file": src.label, "today": today}))
    rules = row_rules.build(src.table)
    con.execute(rules, bind(rules, {"file": src.label, **case_keys.hmac_params(key)}))
    written = write.file(con, src, present, malformed, dropped)
    return FileResult(
        src.label,
        src.table,
        "loaded",
        written.loaded + written.quarantined,
        written.loaded,
        written.quarantined,
        written.replaced,
        written.reasons,
        ignored_columns=ignored,
        dropped_columns=dropped,
        reading=[src.reading(), *decided.notes],
        set_aside=written.totals,
    )


def plan(
    files: list[tuple[Path, bool]], scratch: Path, options: ReadOptions | None = None
) -> tuple[list[Source], list[FileResult]]:
    """Every table found in the files, in load order (cases first), and the files and sheets
    not loaded (refused or skipped, with the reason)."""
    found, results = [], []
    for f, in_folder in files:
        try:
            tables, skipped = sources.sources(
                f, scratch=scratch, options=options, in_folder=in_folder
            )
        except FileRefused as exc:
            results.append(FileResult(f.name, None, "refused", message=str(exc)))
            continue
        found += tables
        for s in skipped:
            outcome = "refused" if s.refused else "skipped"
            results.append(FileResult(s.label, None, outcome, message=s.reason))
    found.sort(key=lambda s: (spec.TABLE_ORDER.index(s.table), s.path.name, s.sheet or ""))
    return found, results


def run_load(
    inputs: list[Path],
    warehouse_dir: Path,
    *,
    drop_identifying_columns: bool = False,
    publish: bool = True,
    console: Console | None = None,
    today: dt.date | None = None,
    options: ReadOptions | None = None,
) -> int:
    """Load files and folders; print a summary; return the process exit code."""
    console = console or Console(stderr=False)
    files = sources.expand(inputs)
    if not files:
        console.print(
            f"[red]No submission files found in {escape(', '.join(map(str, inputs)))}[/red]"
        )
        return 2
    # UTF-8 copies of files in other encodings live here for the run (private to this user)
    with tempfile.TemporaryDirectory(prefix="gms-load-") as scratch_dir:
        return _run(
            files, Path(scratch_dir), warehouse_dir, drop_identifying_columns, publish, console,
            today or dt.date.today(), options or ReadOptions(),
        )  # fmt: skip


def _run(
    files, scratch_dir, warehouse_dir, drop_identifying_columns, publish, console, today, options
):
    key = case_keys.load_or_create_key()
    target = paths.warehouse_db(warehouse_dir)
    found, results = plan(files, scratch_dir, options)
    try:
        with atomic.exclusive_lock(Path(warehouse_dir)):
            atomic.remove_stale_scratch(target)
            atomic.remove_stale_scratch(paths.published_db(warehouse_dir))
            try:
                with atomic.replace_on_success(target, copy_existing=True) as scratch:
                    changed = _load_all(
                        scratch, found, results, key, drop_identifying_columns, today, console,
                        options,
                    )  # fmt: skip
                    if not changed:
                        raise _NothingChanged
                    if publish:
                        from etl.publish.build import publish as publish_marts

                        with console.status("Publishing aggregates for the dashboard..."):
                            out = publish_marts(
                                Path(warehouse_dir),
                                warehouse_file=scratch,
                                locked=True,
                                as_of=today,
                            )
                        console.print(f"Published {out}")
            except _NothingChanged:
                console.print("Nothing new to load; the warehouse is unchanged.")
    except (KeyMismatch, OlderWarehouse) as exc:
        console.print(f"[red]Refused: {escape(str(exc))}[/red]")
        return 2
    print_summary(console, results)
    return 1 if any(r.outcome == "refused" for r in results) else 0


def _load_all(scratch, found, results, key, drop_identifying, today, console, options) -> bool:
    con = connect(scratch)
    changed = False
    try:
        init_schema(con)
        check_key(con, key)
        load_reference(con)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} files"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("Loading", total=len(found))
            for src in found:
                progress.update(task, description=f"Loading {escape(src.label)}")
                con.execute("BEGIN TRANSACTION")
                try:
                    result = load_source(
                        con, src, key, drop_identifying=drop_identifying, today=today,
                        options=options,
                    )  # fmt: skip
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
