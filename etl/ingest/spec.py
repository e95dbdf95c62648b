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


@cache
def table_names() -> dict[str, tuple[str, ...]]:
    """table -> the names a file or sheet may carry for it (submission.yaml table_names),
    normalised as framework.norm does, the table's own name and its singular first."""
    spec = framework.submission_spec().get("table_names", {})
    return {
        t: tuple(dict.fromkeys(norm(n) for n in [t, t.rstrip("s"), *spec.get(t, [])]))
        for t in TABLE_ORDER
    }


def table_for_name(name: str) -> str | None:
    """The table a file or sheet name stands for ('KH-A 2024Q1 Assessments.csv' -> assessments,
    'Đánh giá' -> assessments, '服务' -> services); None when it names none or several."""
    text = norm(name)
    words = " " + " ".join(re.split(r"[^a-z]+", text)) + " "
    found = [
        t
        for t, names in table_names().items()
        if any((f" {n} " in words) if n.isascii() else (n in text) for n in names)
    ]
    return found[0] if len(found) == 1 else None


@cache
def totals_words() -> tuple[str, ...]:
    return tuple(framework.submission_spec().get("totals_words", []))


def usual_date_order(country: str) -> str | None:
    """'DMY' or 'MDY' for dates written with the year last, None when the country writes the
    year first (submission.yaml usual_date_order)."""
    return framework.submission_spec().get("usual_date_order", {}).get(country)


@cache
def buddhist_era() -> dict[str, int]:
    """country -> offset of the Buddhist era its submissions may use (TH: 543)."""
    return dict(framework.submission_spec().get("buddhist_era", {}))


@cache
def currency_signs() -> dict[str, str]:
    """Lower-cased currency sign or word -> ISO 4217 code (submission.yaml currency_signs)."""
    return {k.lower(): v for k, v in framework.submission_spec().get("currency_signs", {}).items()}
