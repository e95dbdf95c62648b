"""The submission format (data/reference/submission.yaml) as lookups the loader needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from reference import framework
from reference.framework import norm

TABLE_ORDER = ["cases", "assessments", "services", "barriers", "budgets"]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    list: str | None = None
    aliases: tuple[str, ...] = ()


def header_key(text: str) -> str:
    """A header as matched against names and aliases: 'Date Opened ' -> 'date_opened'."""
    return re.sub(r"[^a-z0-9]+", "_", norm(str(text).lstrip("\ufeff"))).strip("_")


@cache
def columns(table: str) -> tuple[Column, ...]:
    spec = framework.submission_spec()["tables"][table]
    cols = [
        Column(
            c["name"], c["type"], bool(c["required"]), c.get("list"), tuple(c.get("aliases", []))
        )
        for c in spec["columns"]
    ]
    if spec.get("outcome_columns"):
        cols += [
            Column(o["key"], "score", False, None, (o["label"], o["short"]))
            for o in framework.load().outcomes
        ]
    return tuple(cols)


@cache
def header_lookup(table: str) -> dict[str, str]:
    """Normalised header -> canonical column name."""
    out: dict[str, str] = {}
    for col in columns(table):
        for text in (col.name, *col.aliases):
            out.setdefault(header_key(text), col.name)
    return out


def table_key(table: str) -> list[str]:
    return framework.submission_spec()["tables"][table]["key"]


@cache
def identifying_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple(
        (p["kind"], re.compile(p["pattern"]))
        for p in framework.submission_spec()["identifying_columns"]
    )


def identifying_kind(header: str) -> str | None:
    """The kind of direct identifier a header looks like, or None."""
    key = header_key(header)
    for kind, pattern in identifying_patterns():
        if pattern.search(key):
            return kind
    return None


def table_for_name(name: str) -> str | None:
    """The table a file or sheet name stands for ('KH-A 2024Q1 Assessments.csv' -> assessments)."""
    words = set(re.split(r"[^a-z]+", name.lower()))
    found = [t for t in TABLE_ORDER if t in words or t.rstrip("s") in words]
    return found[0] if len(found) == 1 else None
