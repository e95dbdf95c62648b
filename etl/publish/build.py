"""Rebuild the published aggregate database from the warehouse.

The warehouse (case-level facts) is attached read-only to an in-memory DuckDB connection;
every table of sql/contract.sql is built into a scratch file beside published.duckdb,
which is swapped in atomically (etl/warehouse/atomic.py). A failure or a kill at any point
leaves the previous published file as it was.

The steps are the SQL files of sql/staging, sql/intermediate and sql/marts, each a chain of
named CTEs ending in a SELECT, with values bound as $name parameters and its inputs
declared in its header; etl/publish/steps.py derives the build order from them. Staging
and intermediate steps are TEMP tables; the marts are inserted BY NAME into the tables
created from the contract, so names and types follow it. A mart with the cell columns is
stored keyed by integers behind a view with the contract's columns (etl/publish/storage.py);
cells, duration_bands, dimensions and service_areas are the code tables those views join.

Per-dimension work is done wide: one small code column per outcome dimension, written once
with DuckDB's COLUMNS() star expressions so that no SQL names a dimension. The columns
follow the framework order (the `dimension_key` ENUM), and the aggregated results are
unpivoted against $dimensions, the same order. Because the marts have almost as many groups
as there are case-quarters, aggregation cost grows with the number of aggregates: related
counts are packed side by side into one HUGEINT per sum (sql/macros.sql), looked up from
lists computed once per publish (int_code_words, int_service_words and their .params.sql).

One step is not SQL alone: int_assessments (CARRIED) gives each case's assessments in date
order, and etl/publish/running_state.py adds their running state with numpy, where a
running maximum over sorted rows does in a pass what took forty window functions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from etl.publish import running_state, steps, storage
from etl.warehouse.atomic import exclusive_lock, remove_stale_scratch, replace_on_success
from reference import framework as fw
from reference import paths, settings
from reference.sql import bind

log = logging.getLogger(__name__)

MARTS_SCHEMA = steps.SQL_DIR / "contract.sql"
MACROS = steps.SQL_DIR / "macros.sql"
PACKED_LIMIT = 2**25  # width of a packed counter (macros.sql)

# Steps whose SQL gives rows by case and date, to which etl/publish/running_state.py adds
# each case's running state (numpy: windows per dimension are the slow part in SQL).
CARRIED = {"int_assessments"}

#: wall and CPU seconds per step of the last publish in this process (for benchmarks)
last_timings: dict[str, float] = {}
last_cpu_seconds: dict[str, float] = {}


def publish(
    warehouse_dir: Path,
    *,
    as_of: dt.date | None = None,
    locked: bool = False,
    warehouse_file: Path | None = None,
    framework: fw.Framework | None = None,
) -> Path:
    """Rebuild <warehouse_dir>/published.duckdb from the warehouse; return its path.

    as_of: the publish date (default today); rows dated after it are not counted.
    locked: the caller (the loader) already holds etl.atomic.exclusive_lock(warehouse_dir).
    warehouse_file: read this warehouse file instead of <warehouse_dir>/warehouse.duckdb
        (the loader publishes from its scratch copy before swapping it in).
    """
    warehouse_dir = Path(warehouse_dir)
    as_of = as_of or dt.date.today()
    framework = framework or fw.load()
    warehouse = Path(warehouse_file) if warehouse_file else paths.warehouse_db(warehouse_dir)
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}")
    target = paths.published_db(warehouse_dir)
    lock = contextlib.nullcontext() if locked else exclusive_lock(warehouse_dir)
    with lock:
        remove_stale_scratch(target)
        with (
            replace_on_success(target, copy_existing=False) as scratch,
            _connect(warehouse_dir) as con,  # closed (checkpointed) before the swap
        ):
            _build(con, warehouse, scratch, as_of, framework)
    return target


@contextlib.contextmanager
def _connect(warehouse_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    spill = warehouse_dir / ".tmp"
    spill.mkdir(parents=True, exist_ok=True)
    resources = settings.resources("publish")
    con = duckdb.connect(
        ":memory:",
        config={
            "threads": resources.threads,
            "memory_limit": resources.memory_limit,
            "temp_directory": str(spill),
            "preserve_insertion_order": False,
        },
    )
    try:
        con.execute("SET enable_progress_bar = false")
        yield con
    finally:
        con.close()


def _build(
    con: duckdb.DuckDBPyConnection,
    warehouse: Path,
    scratch: Path,
    as_of: dt.date,
    framework: fw.Framework,
) -> None:
    last_timings.clear()
    last_cpu_seconds.clear()
    started = time.perf_counter()
    con.execute("ATTACH $path AS wh (READ_ONLY)", {"path": str(warehouse)})
    con.execute("ATTACH $path AS pub", {"path": str(scratch)})
    contract = storage.contract(MARTS_SCHEMA)
    storage.create(con, "pub", contract)
    con.execute(MACROS.read_text(encoding="utf-8"))
    _reference_tables(con, framework)
    params = _parameters(as_of, framework)
    params["salt"] = _case_id_salt(con)
    last_timings["setup"] = time.perf_counter() - started

    found = steps.discover()
    build_order = steps.order(found)
    last_reader = steps.last_readers(found, build_order)
    for name in build_order:
        step = found[name]
        started, cpu = time.perf_counter(), time.process_time()
        query = read_sql(name)
        bound = bind(query, params)
        if name in CARRIED:
            _carry_forward(con, name, query, bound, framework, params)
            _check(con, name, framework)
        elif not step.published:
            con.execute(f"CREATE TEMP TABLE {name} AS\n{query}", bound)
            _check(con, name, framework)
        else:
            into = storage.target(name, contract)
            order = storage.sort_order(name, contract)
            insert = f"INSERT INTO pub.{into} BY NAME\nSELECT * FROM (\n{query}\n)"
            if order:  # stored in the order the dashboard reads (the sort needs the setting)
                con.execute("SET preserve_insertion_order = true")
                insert += f"\nORDER BY {', '.join(order)}"
            try:
                con.execute(insert, bound)
            finally:
                con.execute("SET preserve_insertion_order = false")
        if step.params_sql:  # lists bound as constant parameters of the steps that read it
            result = con.execute(step.params_sql)
            columns = [d[0] for d in result.description]
            params.update(zip(columns, result.fetchone(), strict=True))
        for done in [t for t, reader in last_reader.items() if reader == name]:
            con.execute(f"DROP TABLE temp.{done}")
        last_timings[name] = time.perf_counter() - started
        last_cpu_seconds[name] = time.process_time() - cpu
        log.debug("publish %s: %.2fs (cpu %.2fs)", name, last_timings[name], last_cpu_seconds[name])

    started = time.perf_counter()
    _write_meta(con, as_of, framework)
    con.execute("DETACH pub")  # checkpoints the scratch file: no write-ahead log is left
    last_timings["meta"] = time.perf_counter() - started


def _carry_forward(
    con: duckdb.DuckDBPyConnection,
    step: str,
    query: str,
    bound: dict,
    framework: fw.Framework,
    params: dict,
) -> None:
    """CREATE TEMP TABLE step from its SQL's rows (case, date, packed scores) plus what each
    assessment says as a whole and each case's running state (etl/publish/running_state.py)."""
    # without insertion order the rows of an ORDER BY can reach Arrow out of order
    con.execute("SET preserve_insertion_order = true")
    try:
        sql = f"SELECT * FROM (\n{query}\n) ORDER BY case_id, assessed_on"  # noqa: S608 (SQL from etl/publish/sql)
        rows = con.sql(sql, params=bound).to_arrow_table()
    finally:
        con.execute("SET preserve_insertion_order = false")
    case_ids, dates = rows.column("case_id").to_numpy(), rows.column("assessed_on").to_numpy()
    if len(case_ids) > 1 and not np.all(
        (case_ids[1:] > case_ids[:-1])
        | ((case_ids[1:] == case_ids[:-1]) & (dates[1:] > dates[:-1]))
    ):
        raise RuntimeError(f"{step}: rows are not in case and date order")
    words = rows.column("scores").to_numpy()
    start = running_state.group_starts(case_ids)
    whole = running_state.Assessments(len(words))
    by_dimension = [
        running_state.unpack(words, slot) for slot in range(len(framework.outcome_keys))
    ]
    for scores in by_dimension:
        whole.add(scores)
    # numpy leaves the GIL while it works through whole arrays: one dimension per thread
    with ThreadPoolExecutor(settings.resources("publish").threads) as pool:
        pairs = pool.map(lambda scores: running_state.dimension_codes(scores, start), by_dimension)
        codes = dict(zip(framework.outcome_keys, pairs, strict=True))
    mean = whole.mean()
    columns = {
        "n_scores": whole.count,
        "lowest": whole.lowest,
        "mean": mean,
        "assessment_no": (np.arange(len(start)) - start + 1).astype(np.int64),
        "first_lowest": whole.lowest[start],
        "first_mean": mean[start],
    }
    columns |= {f"snap__{dim}": pair[0] for dim, pair in codes.items()}
    columns |= {f"flow__{dim}": pair[1] for dim, pair in codes.items()}
    table = rows.drop_columns(["scores"])
    for name, values in columns.items():
        table = table.append_column(name, pa.array(values, from_pandas=True))  # NaN mean -> NULL
    # as the SQL of the scale defines them; 0 stands for NULL in the codes (no snapshot yet,
    # not scored that day)
    select = ", ".join(
        [
            "case_id",
            "assessed_on",
            "quarter",
            "n_scores::UTINYINT AS n_scores",
            "CASE WHEN n_scores > 0 THEN lowest >= $threshold END AS reintegrated",
            f"{_COMPOSITE.format(mean='mean')} AS composite",
            "assessment_no",
            "CASE WHEN n_scores > 0 THEN first_lowest >= $threshold END AS first_reintegrated",
            f"{_COMPOSITE.format(mean='first_mean')} AS first_composite",
            *(
                f'nullif("{name}", 0) AS "{name}"'
                for name in columns
                if name.startswith(("snap__", "flow__"))
            ),
        ]
    )
    con.register("_carried", table)
    try:
        scale = {name: params[name] for name in ("threshold", "score_min", "score_max", "scale_to")}
        con.execute(f"CREATE TEMP TABLE {step} AS SELECT {select} FROM _carried", scale)  # noqa: S608
    finally:
        con.unregister("_carried")


# the composite index of an assessment from the mean of its scores (framework scale.composite)
_COMPOSITE = "(({mean} - $score_min) / ($score_max - $score_min) * $scale_to)::DECIMAL(18, 9)"


def read_sql(step: str) -> str:
    """The SQL of a publish step (sql/<layer>/<step>.sql)."""
    return steps.discover()[step].sql


def _reference_tables(con: duckdb.DuckDBPyConnection, framework: fw.Framework) -> None:
    """The framework's code lists as small TEMP tables, and the dimension_key ENUM."""
    dims = framework.outcome_keys
    con.execute("CREATE TEMP TABLE ref_outcomes (dim_no INTEGER, dimension VARCHAR)")
    con.executemany("INSERT INTO ref_outcomes VALUES (?, ?)", list(enumerate(dims, start=1)))
    con.execute(
        "CREATE TYPE dimension_key AS ENUM (SELECT dimension FROM ref_outcomes ORDER BY dim_no)"
    )

    con.execute(
        "CREATE TEMP TABLE ref_service_areas (area_no INTEGER, service_area VARCHAR, "
        "primary_outcome VARCHAR, primary_dim_no INTEGER)"
    )
    con.executemany(
        "INSERT INTO ref_service_areas VALUES (?, ?, ?, ?)",
        [
            (
                no,
                area["key"],
                area.get("primary_outcome"),
                dims.index(area["primary_outcome"]) + 1 if area.get("primary_outcome") else None,
            )
            for no, area in enumerate(framework.service_areas, start=1)
        ],
    )

    con.execute(
        "CREATE TEMP TABLE ref_duration_bands (band_no INTEGER, duration_band VARCHAR, "
        "min_months INTEGER, max_months INTEGER)"
    )
    con.executemany(
        "INSERT INTO ref_duration_bands VALUES (?, ?, ?, ?)",
        [
            (no, band["key"], band["min_months"], band["max_months"])
            for no, band in enumerate(framework.duration_bands, start=1)
        ],
    )


def _parameters(as_of: dt.date, framework: fw.Framework) -> dict[str, object]:
    # a score is kept in 3 bits, 0 meaning "not assessed" (int_assessments, macros.sql)
    if framework.min_score < 1 or framework.max_score > 7 or len(framework.outcome_keys) > 21:
        raise ValueError("publish supports scores from 1 to 7 and up to 21 outcome dimensions")
    composite = framework.data["scale"].get("composite", {})
    return {
        "as_of": as_of,
        "threshold": framework.achieved_threshold,
        "score_min": composite.get("min_score", framework.min_score),
        "score_max": composite.get("max_score", framework.max_score),
        "scale_to": composite.get("scale_to", 100),
        "dimensions": framework.outcome_keys,
        "child_age_bands": framework.child_age_bands,
        "adult_age_bands": framework.adult_age_bands,
        "key_modulus": settings.record_key_modulus(),
    }


def _case_id_salt(con: duckdb.DuckDBPyConnection) -> int:
    """A salt for hash(case_key, salt) under which no two warehouse cases share a case_id.

    With 64-bit hashes a clash is about a one-in-30-million event for a million cases;
    if one happens, the next salt is tried.
    """
    for salt in range(100):
        clashes = con.execute(
            "SELECT count(*) - count(DISTINCT hash(case_key, $salt)) FROM wh.cases", {"salt": salt}
        ).fetchone()[0]
        if clashes == 0:
            return salt
    raise RuntimeError("case keys clash under every salt tried")  # pragma: no cover


def _check(con: duckdb.DuckDBPyConnection, step: str, framework: fw.Framework) -> None:
    """Assumptions the SQL relies on, checked on the intermediate they concern."""
    if step == "int_assessments":
        # the unpivots pair per-dimension columns with $dimensions by position
        columns = [row[0] for row in con.execute("DESCRIBE int_assessments").fetchall()]
        found = [c.removeprefix("snap__") for c in columns if c.startswith("snap__")]
        if found != framework.outcome_keys:
            raise RuntimeError(f"dimension columns {found} are not in framework order")
        # packed counters (macros.sql) hold 25 bits: a group never sums more than the cases
        # (times the top score) or the assessments of one cell
        cases, assessments = con.execute(
            "SELECT (SELECT max(n) FROM (SELECT count(*) AS n FROM stg_cases GROUP BY cell_id)), "
            "(SELECT count(*) FROM int_assessments)"
        ).fetchone()
        if assessments >= PACKED_LIMIT:
            assessments = con.execute(
                "SELECT max(n) FROM (SELECT count(*) AS n FROM int_assessments "
                "JOIN stg_cases USING (case_id) GROUP BY cell_id)"
            ).fetchone()[0]
        if max((cases or 0) * framework.max_score, assessments or 0) >= PACKED_LIMIT:
            raise RuntimeError(
                "a cell has too many cases or assessments for publish's packed counters"
            )
    # sums of record keys are packed too (key x word): a group's cases or assessments times
    # the top record key must stay under 25 bits. The groups are a quarter of a cell (one
    # band, or one service area of the cases active in it).
    groups = {
        "int_cell_quarters": "SELECT max(n) FROM (SELECT sum(active_cases) AS n "
        "FROM int_cell_quarters GROUP BY quarter, cell_id)",
        "int_cell_flows": "SELECT max(assessments) FROM int_cell_flows",
    }
    if step in groups:
        most = con.execute(groups[step]).fetchone()[0] or 0
        top_key = settings.record_key_modulus() - 1
        if most * top_key >= PACKED_LIMIT:
            raise RuntimeError(
                f"a cell has {most:,} cases or assessments in one quarter, more than publish's "
                f"packed sums of record keys hold ({PACKED_LIMIT // top_key:,}); lower "
                "disclosure.record_key_bits in data/reference/settings.yaml"
            )


def _write_meta(con: duckdb.DuckDBPyConnection, as_of: dt.date, framework: fw.Framework) -> None:
    # real case data: a file of cases, assessments, services or barriers from an agency whose
    # code is not SYN- (budgets name no agency, so they cannot be told apart); the dashboard
    # opens without sign-in only while there is none
    synthetic, real, n_loads = con.execute(
        "SELECT coalesce(bool_or(synthetic), false), "
        "coalesce(bool_or(NOT synthetic AND coalesce(agencies, '') <> ''), false), count(*) "
        "FROM wh.loads"
    ).fetchone()
    rows = [
        ("published_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("as_of", as_of.isoformat()),
        ("synthetic", "true" if synthetic else "false"),
        ("real_case_data", "true" if real else "false"),
        ("framework_version", str(framework.data.get("version", ""))),
        ("achieved_threshold", str(framework.achieved_threshold)),
        ("warehouse_loads", str(n_loads)),
        ("record_key_modulus", str(settings.record_key_modulus())),
    ]
    con.executemany("INSERT INTO pub.meta VALUES (?, ?)", rows)
    # the same flags per country, from the cases themselves: a user limited to some
    # countries is told about their data only
    con.execute(
        "INSERT INTO pub.meta SELECT unnest(['synthetic:', 'real_case_data:']) || country, "
        "unnest([bool_or(starts_with(agency, 'SYN-'))::VARCHAR, "
        "bool_or(NOT starts_with(agency, 'SYN-'))::VARCHAR]) FROM wh.cases GROUP BY country"
    )
