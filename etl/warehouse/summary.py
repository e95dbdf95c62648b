"""What a load run tells the clerk: a result per file and the summary printed at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table


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


def print_summary(console: Console, results: list[FileResult]) -> None:
    table = Table(title="Load summary", show_lines=False)
    for col in ("file", "table", "outcome", "read", "loaded", "quarantined", "replaced"):
        table.add_column(
            col, justify="right" if col in ("read", "loaded", "quarantined", "replaced") else "left"
        )
    for r in results:
        table.add_row(
            r.label,
            r.table or "-",
            r.outcome,
            f"{r.rows_read:,}",
            f"{r.rows_loaded:,}",
            f"{r.rows_quarantined:,}",
            f"{r.rows_replaced:,}",
        )
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
            console.print(
                f"{r.label}: columns not part of the format, not read: {', '.join(r.ignored_columns)}"
            )
        if r.dropped_columns:
            console.print(
                f"{r.label}: identifying columns dropped unread: {', '.join(r.dropped_columns)}"
            )
    if any(r.rows_quarantined for r in results):
        console.print(
            "See every quarantined row with its reason: python -m etl quarantine --out quarantine.csv"
        )
