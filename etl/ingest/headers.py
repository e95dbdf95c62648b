"""Which header of a file is which column of the format (etl/ingest/spec.py): headers
are matched by name or alias whatever their case and spacing; identifying columns, and
files missing a required column, are refused."""

from __future__ import annotations

from etl.ingest import spec
from etl.ingest.sources import FileRefused, Source


def map_headers(
    src: Source, *, drop_identifying: bool
) -> tuple[dict[int, str], list[str], list[str]]:
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
            raise FileRefused(
                f"{src.label}: columns '{first}' and '{header}' both mean '{name}'; keep one"
            )
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
            f"'{c.name}'" + (f" (also accepted: {', '.join(c.aliases)})" if c.aliases else "")
            for c in missing
        )
        raise FileRefused(f"{src.label}: required column missing: {detail}")
    return keep, [h for h in ignored if h.strip()], identifying
