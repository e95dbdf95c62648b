"""Command line: python -m etl {sample,load,quarantine,publish,bench}.

Each command imports its module lazily so `python -m etl --help` stays instant.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from reference import paths

WAREHOUSE_DIR = paths.warehouse_dir()  # $GMS_WAREHOUSE_DIR or data/warehouse/

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Validate, anonymise and load reintegration case submissions; publish aggregates.",
)


@app.command()
def sample(
    out: Annotated[Path, typer.Option(help="Folder to write the submission files into.")],
    cases: Annotated[int, typer.Option(help="Number of cases to generate.")] = 20_000,
    seed: Annotated[
        int, typer.Option(help="Random seed: same seed and --as-of, same files.")
    ] = 2017,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Last date in the data (YYYY-MM-DD); default today."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx or parquet.")] = "csv",
) -> None:
    """Write a synthetic, calibrated submission set (labelled SYN- everywhere)."""
    from etl.sample import generate

    as_of_date = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    written = generate(out, n_cases=cases, seed=seed, as_of=as_of_date, fmt=fmt)
    for path, rows in written.items():
        typer.echo(f"{path}: {rows:,} rows")


@app.command()
def load(
    path: Annotated[list[Path], typer.Argument(help="Submission files or folders.")],
    warehouse: Annotated[Path, typer.Option(help="Warehouse folder.")] = WAREHOUSE_DIR,
    drop_identifying_columns: Annotated[
        bool,
        typer.Option(
            help="Load files that carry identifying columns, never reading those columns."
        ),
    ] = False,
    publish: Annotated[
        bool, typer.Option(help="Rebuild the published database afterwards.")
    ] = True,
    decimal: Annotated[
        str | None,
        typer.Option(
            help="The decimal mark of every file's amounts, '.' or ',', when a file's own "
            "amounts do not agree on it (the loader says so and refuses the file)."
        ),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            help="DMY (31/03/2024) or MDY (03/31/2024): how to read every file's dates with "
            "the year last, when a file's own dates do not decide it.",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            help="The text encoding of every text file (utf-8, utf-16, cp874, cp1258, "
            "gb18030, cp1252...), instead of detecting it."
        ),
    ] = None,
) -> None:
    """Validate, anonymise and load submissions into the warehouse, then publish."""
    from etl.ingest.sources import ReadOptions
    from etl.warehouse.load import run_load

    if decimal not in (None, ".", ","):
        raise typer.BadParameter("use --decimal . or --decimal ,", param_hint="--decimal")
    order = date_order.upper() if date_order else None
    if order not in (None, "DMY", "MDY"):
        raise typer.BadParameter("use --date-order DMY or MDY", param_hint="--date-order")
    options = ReadOptions(encoding=encoding, decimal=decimal, date_order=order)
    try:
        code = run_load(
            path,
            warehouse,
            drop_identifying_columns=drop_identifying_columns,
            publish=publish,
            options=options,
        )
    except Exception as exc:  # a crash must not look like a traceback to a clerk
        typer.echo(
            f"Load failed; the warehouse and the published file are unchanged.\n{exc}", err=True
        )
        raise typer.Exit(2) from exc
    raise typer.Exit(code)


@app.command()
def quarantine(
    out: Annotated[Path, typer.Option(help="CSV file to write.")],
    file: Annotated[
        str | None, typer.Option(help="Only rows from this submitted file name.")
    ] = None,
    warehouse: Annotated[Path, typer.Option(help="Warehouse folder.")] = WAREHOUSE_DIR,
) -> None:
    """Write quarantined rows (file, row, reason, message and the row as submitted) to a CSV."""
    from etl.warehouse.quarantine import export_quarantine

    n = export_quarantine(warehouse, out, file_name=file)
    typer.echo(f"{out}: {n:,} quarantined rows")


@app.command("publish")
def publish_cmd(
    warehouse: Annotated[Path, typer.Option(help="Warehouse folder.")] = WAREHOUSE_DIR,
) -> None:
    """Rebuild the published aggregate database from the warehouse."""
    from etl.publish.build import publish

    out = publish(warehouse)
    typer.echo(f"published {out}")


@app.command()
def bench(
    sizes: Annotated[str, typer.Option(help="Comma-separated case counts.")] = "100000,1000000",
    workdir: Annotated[
        Path | None, typer.Option(help="Scratch folder (default: a temp dir).")
    ] = None,
) -> None:
    """Time sample, load and publish against DuckDB's scan floor and a plain pandas pipeline."""
    from etl.bench.run import run_bench

    run_bench([int(s) for s in sizes.split(",")], workdir)
