"""What a load run tells the clerk: a result per file and the summary printed at the end.

Every file of the run and every sheet of its workbooks has a line: loaded, unchanged (the
same bytes were loaded before), refused (an error: nothing of it loaded) or skipped (not a
table, such as a README or an instructions sheet), with the reason. For each file loaded the
summary says how it was read: encoding, separator, header row, the order of day and month,
the decimal mark, and the rows set aside as totals. Text from the files (names, values) is
escaped, so that rich prints it as written: a sheet called [cases] stays "[cases]".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape
from rich.table import Table


@dataclass
class FileResult:
    label: str
    table: str | None
    outcome: str  # loaded | unchanged | refused | skipped
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_replaced: int = 0
    reasons: Counter = field(default_factory=Counter)
    message: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    reading: list[str] = field(default_factory=list)  # how the file was read, decided formats
    set_aside: list[tuple[int, str]] = field(default_factory=list)  # totals rows: (row, label)


def print_summary(console: Console, results: list[FileResult]) -> None:
    table = Table(title="Load summary", show_lines=False)
    for col in ("file", "table", "outcome", "read", "loaded", "quarantined", "replaced"):
        table.add_column(
            col, justify="right" if col in ("read", "loaded", "quarantined", "replaced") else "left"
        )
    for r in results:
        counted = r.outcome in ("loaded", "unchanged")
        table.add_row(
            escape(r.label),
            r.table or "-",
            r.outcome,
            *(
                f"{n:,}" if counted else "-"
                for n in (r.rows_read, r.rows_loaded, r.rows_quarantined, r.rows_replaced)
            ),
        )
    console.print(table)
    read = [r for r in results if r.reading]
    if read:
        console.print("How each file was read:")
        for r in read:
            console.print(f"  {escape(r.label)}: {escape(r.reading[0])}")
            for line in r.reading[1:]:
                console.print(f"    {escape(line)}")
            if r.set_aside:
                shown = ", ".join(f'row {row} "{label}"' for row, label in r.set_aside[:3])
                more = f" and {len(r.set_aside) - 3:,} more" if len(r.set_aside) > 3 else ""
                console.print(
                    f"    {len(r.set_aside):,} totals row(s) set aside, not loaded and not "
                    f"counted as bad rows: {escape(shown)}{more}"
                )
    for r in results:
        if r.outcome == "refused":
            console.print(f"[red]REFUSED[/red] {escape(r.message)}")
        elif r.outcome == "skipped":
            console.print(f"NOT LOADED {escape(r.label)}: {escape(r.message)}")
        elif r.outcome == "unchanged":
            console.print(f"{escape(r.label)}: {escape(r.message)}")
        if r.reasons:
            detail = ", ".join(f"{reason} {n:,}" for reason, n in r.reasons.most_common())
            console.print(f"{escape(r.label)}: quarantined by reason: {detail}")
        if r.ignored_columns:
            console.print(
                f"{escape(r.label)}: columns not part of the format, not read: "
                f"{escape(', '.join(r.ignored_columns))}"
            )
        if r.dropped_columns:
            console.print(
                f"{escape(r.label)}: identifying columns dropped unread: "
                f"{escape(', '.join(r.dropped_columns))}"
            )
    if any(r.rows_quarantined for r in results):
        console.print(
            "See every quarantined row with its reason: python -m etl quarantine --out quarantine.csv"
        )
