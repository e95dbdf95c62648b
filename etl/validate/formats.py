"""How a file writes its dates, amounts and years, decided from all of its values (never row
by row), or the file refused when its values contradict each other.

One scan of `raw` collects, per column, the distinct values DuckDB's plain casts would not
read right: dates that are not ISO (or carry a Buddhist-era year), amounts that are not plain
digits with an optional point and one or two decimals, every budget year; and any case
reference with a '?' where letters were lost. Clean UTF-8 files in ISO dates and plain
amounts have none of these, so for them this costs one scan and nothing more.

- Dates (etl/validate/dates.py): a year-last date whose first part is above 12 can only be
  day/month, one whose second part is above 12 only month/day. The whole file follows what
  its dates show (its other date columns too); a file showing both is refused. When none
  decides, the usual order of the submitting country is used (submission.yaml
  usual_date_order), and said. --date-order decides instead. Buddhist-era years are read in
  files whose rows are all of a country that uses that era (Thailand). Two-digit years refuse.
- Amounts (etl/validate/numbers.py): the decimal mark is the one the file's amounts show; a
  file showing a decimal comma and a decimal point, or one mark both as decimals and grouping
  thousands, is refused naming the values. --decimal decides instead.
- Budget years: four digits; Buddhist-era years read for the rows of Thailand.

The values read are written as TEMP tables map_<column>(raw, val[, unit]) that the cell rules
join (etl/validate/cell_rules.py); every decision is given back as notes for the summary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from etl.ingest import spec
from etl.ingest.errors import FileRefused
from etl.ingest.sources import ReadOptions, Source
from etl.validate import damage, dates, lookups, numbers
from etl.validate.cell_rules import clean, first_of, map_table
from reference import framework

PLAIN_AMOUNT = r"\d+(\.\d{1,2})?"  # read exactly by a cast to DECIMAL(20, 2)
ORDER_WORDS = {"DMY": "day/month/year", "MDY": "month/day/year"}
MARK_WORDS = {".": "point", ",": "comma", " ": "space"}


@dataclass
class Formats:
    """What the cell rules need to read a file's dates, amounts and years, and the notes."""

    notes: list[str] = field(default_factory=list)
    mapped: set[str] = field(default_factory=set)  # date and amount columns with a map table
    units: set[str] = field(default_factory=set)  # amount columns whose map has a unit
    buddhist_years: bool = False  # the year column holds Buddhist-era years (read per row)
    expected: dict[str, str] = field(default_factory=dict)  # column -> expected text


def decide(
    con: duckdb.DuckDBPyConnection,
    src: Source,
    present: dict[str, str],
    options: ReadOptions,
    today: dt.date,
) -> Formats:
    """Decide and write the map tables of one file; raises FileRefused when it cannot be read
    without a guess."""
    reader = _File(con, src, present, options, today)
    return reader.decide()


def _cleaned(values: list[str] | None) -> list[str]:
    """Distinct cells as the cell rules see them (etl/validate/cell_rules.clean): spaces
    around them trimmed, blank ones left out."""
    return list(dict.fromkeys(v.strip(" ") for v in values or [] if v.strip(" ")))


class _File:
    def __init__(self, con, src: Source, present: dict[str, str], options, today) -> None:
        self.con, self.src, self.present, self.options, self.today = (
            con,
            src,
            present,
            options,
            today,
        )
        cols = [c for c in spec.columns(src.table) if c.name in present]
        self.columns = {c.name: c for c in cols}
        self.dates = [c.name for c in cols if c.type == "date"]
        self.amounts = [c.name for c in cols if c.type == "amount"]
        self.years = [c.name for c in cols if c.type == "year"]
        self.refs = [c.name for c in cols if c.type == "case_ref"]
        self.out = Formats()
        self._countries: list[str] | None = None

    # --- the scan --------------------------------------------------------------------------
    def decide(self) -> Formats:
        columns = self.dates + self.amounts + self.years + self.refs
        if not columns:
            return self.out
        # First a count of the cells a plain cast would not read right, then (only for the
        # columns that have some) their distinct values: a distinct list of every column in
        # the one scan would cost a clean file three times as much. Cells are cleaned in
        # Python afterwards, on the few distinct values.
        odd = {c: self._odd(c) for c in self.dates + self.amounts + self.years}
        firsts = [f"arg_min({c}, _row) FILTER (WHERE contains({c}, '.'))" for c in self.amounts]
        lost = [f"arg_min({c}, _row) FILTER (WHERE contains({c}, '?'))" for c in self.refs]
        counts = [f"count(*) FILTER (WHERE {condition})" for condition in odd.values()]
        # names come from the spec allow-list; values are never pasted
        found = list(
            self.con.execute(f"SELECT {', '.join(counts + firsts + lost)} FROM raw").fetchall()[0]  # noqa: S608
        )
        n_odd = {c: found.pop(0) for c in odd}
        firsts = {c: found.pop(0) for c in self.amounts}
        for c in self.refs:
            damaged = found.pop(0)
            if damaged is not None:
                damaged = damaged.strip(" ")
                raise FileRefused(
                    damage.message(self.src.label, self._row(c, damaged), self.present[c], damaged)
                )
        listed = [c for c in odd if n_odd[c]]
        values = dict.fromkeys(odd, [])
        if listed:
            lists = ", ".join(f"list(DISTINCT {c}) FILTER (WHERE {odd[c]})" for c in listed)
            row = self.con.execute(f"SELECT {lists} FROM raw").fetchall()[0]  # noqa: S608
            values.update({c: _cleaned(v) for c, v in zip(listed, row, strict=True)})
        date_values = {c: values[c] for c in self.dates}
        amount_values = {c: values[c] for c in self.amounts}
        year_values = {c: values[c] for c in self.years}
        plain_points = {}
        for c in self.amounts:
            point = firsts[c].strip(" ") if firsts[c] is not None else None
            # the first amount with a point is plain (1234.50) unless listed as odd
            plain_points[c] = self._plain_point(c) if point in amount_values[c] else point
        if self.dates:
            self._dates(date_values)
        if self.amounts:
            self._amounts(amount_values, plain_points)
        if self.years:
            self._years(year_values)
        return self.out

    def _odd(self, col: str) -> str:
        """SQL: the raw cell of col is one a plain cast would not read right."""
        kind = self.columns[col].type
        if kind == "date":
            # not a date to DuckDB; or a year it read from two digits (11/11/16 is the year
            # 11 to it) or one that may be of the Buddhist era
            return (
                f"{col} IS NOT NULL AND coalesce(TRY_CAST({col} AS DATE) "
                "NOT BETWEEN DATE '1900-01-01' AND DATE '2199-12-31', true)"
            )
        if kind == "amount":
            return f"NOT regexp_full_match({col}, '{PLAIN_AMOUNT}')"
        return f"{col} IS NOT NULL"  # budget years: few, all of them

    def _plain_point(self, col: str) -> str | None:
        """A plain amount with a decimal point (12.50) of the column, if any."""
        found = self.con.execute(
            f"SELECT arg_min({col}, _row) FROM raw WHERE contains({col}, '.') "  # noqa: S608
            f"AND regexp_full_match({col}, '{PLAIN_AMOUNT}')"
        ).fetchall()[0][0]
        return found.strip(" ") if found is not None else None

    def _row(self, col: str, value: str) -> int:
        return self.con.execute(
            f"SELECT min(_row) FROM raw WHERE {clean(col)} = $v",  # noqa: S608
            {"v": value},
        ).fetchall()[0][0]

    def _where(self, col: str, value: str) -> str:
        return f'"{value}" (column "{self.present[col]}", row {self._row(col, value)})'

    def countries(self) -> list[str]:
        """The countries the file's rows are of: its country column, or its agencies' cases."""
        if self._countries is None:
            if "country" in self.present:
                raw = self.con.execute(f"SELECT DISTINCT {clean('country')} FROM raw").fetchall()  # noqa: S608
                found = lookups.countries(r[0] for r in raw if r[0] is not None).values()
            elif "agency" in self.present:
                found = [
                    r[0]
                    for r in self.con.execute(
                        "SELECT DISTINCT c.country FROM cases c JOIN (SELECT DISTINCT "  # noqa: S608
                        f"upper({clean('agency')}) AS agency FROM raw) a USING (agency)"
                    ).fetchall()
                ]
            else:
                found = []
            self._countries = sorted(set(found))
        return self._countries

    def _country_names(self) -> str:
        fw = framework.load()
        return " and ".join(fw.country(c)["name"] for c in self.countries())

    def _era_offset(self) -> int:
        """The Buddhist-era offset to read the file's years with: 0 unless all its rows are of
        one country that uses the era."""
        offsets = {spec.buddhist_era().get(c) for c in self.countries()}
        return offsets.pop() if len(offsets) == 1 and None not in offsets else 0

    # --- dates ---------------------------------------------------------------------------
    def _dates(self, values: dict[str, list[str]]) -> None:
        shapes = {c: {v: dates.shape(v) for v in vs} for c, vs in values.items()}
        for c, by_value in shapes.items():
            shorts = [v for v, s in by_value.items() if s.kind == "two_digit"]
            if shorts:
                row, short = first_of(self.con, c, shorts)
                raise FileRefused(
                    f'{self.src.label} row {row}, column "{self.present[c]}": '
                    f'"{short}" has a two-digit year; write years with four digits (2020, not 20) '
                    "and send the file again (in Excel, format the column as dd/mm/yyyy first)"
                )
        shown = {"DMY": None, "MDY": None}
        for c, by_value in shapes.items():
            for v, s in by_value.items():
                if s.shows and shown[s.shows] is None:
                    shown[s.shows] = (c, v)
        open_value = next(
            (
                (c, v)
                for c, by_value in shapes.items()
                for v, s in by_value.items()
                if s.kind == "open"
            ),
            None,
        )
        order, why = self._order(shown, open_value)
        buddhist = any(
            s.era == "BE" or (s.era is None and s.year and dates.is_buddhist(s.year, self.today))
            for by_value in shapes.values()
            for s in by_value.values()
            if s.kind in ("full", "open")
        )
        offset = self._era_offset() if buddhist else 0
        kinds = []
        if open_value is not None:
            kinds.append(f"{ORDER_WORDS[order]} ({why})")
        named = any(s.kind == "full" for by_value in shapes.values() for s in by_value.values())
        if named:
            kinds.append("year first or month in words")
        if any(s.kind == "serial" for by_value in shapes.values() for s in by_value.values()):
            kinds.append("Excel day numbers")
        if offset:
            kinds.append(f"Buddhist-era years read as the year less {offset}")
        elif buddhist:
            self.out.notes.append(
                "dates: Buddhist-era years are read only when every row is of Thailand; "
                "those rows are quarantined"
            )
        self.out.notes.append("dates: " + ("; ".join(kinds) if kinds else "ISO (year-month-day)"))
        for c, by_value in shapes.items():
            if by_value:
                mapping = {
                    v: dates.to_date(s, order, offset, self.today) for v, s in by_value.items()
                }
                self._write_map(c, pa.array(list(mapping.values()), pa.date32()), list(mapping))

    def _order(self, shown: dict, open_value) -> tuple[str | None, str]:
        if self.options.date_order:
            return self.options.date_order, "as --date-order says"
        if shown["DMY"] and shown["MDY"]:
            (c1, v1), (c2, v2) = shown["DMY"], shown["MDY"]
            raise FileRefused(
                f"{self.src.label}: the dates disagree on the order of day and month: "
                f"{self._where(c1, v1)} can only be day/month/year, {self._where(c2, v2)} only "
                "month/day/year; correct them, or load with --date-order DMY or --date-order MDY "
                "to read them all one way (the others are then quarantined)"
            )
        for order in ("DMY", "MDY"):
            if shown[order]:
                c, v = shown[order]
                part = "day" if order == "DMY" else "month"
                return order, f"{self._where(c, v)} can only have its {part} first"
        if open_value is None:
            return None, ""
        usual = {spec.usual_date_order(c) for c in self.countries()}
        if len(usual) == 1 and None not in usual:
            order = usual.pop()
            return order, f"no date decides; the usual order in {self._country_names()}"
        c, v = open_value
        raise FileRefused(
            f"{self.src.label}: dates such as {self._where(c, v)} read as day/month or "
            "month/day and none of the file's dates decides which"
            + (f" (the file is of {self._country_names()})" if self.countries() else "")
            + "; load with --date-order DMY (day first) or --date-order MDY (month first)"
        )

    # --- amounts -------------------------------------------------------------------------
    def _amounts(self, values: dict[str, list[str]], plain_points: dict[str, str | None]) -> None:
        reads = {c: {v: numbers.read(v) for v in vs} for c, vs in values.items()}
        decimal: dict[str, tuple[str, str]] = {}  # mark -> (column, value) showing it as decimal
        grouping: dict[str, tuple[str, str]] = {}
        for c, by_value in reads.items():
            if plain_points[c] is not None:
                decimal.setdefault(".", (c, plain_points[c]))
            for v, a in by_value.items():
                if a.decimal:
                    decimal.setdefault(a.decimal, (c, v))
                if a.grouping in (".", ","):
                    grouping.setdefault(a.grouping, (c, v))
        mark, why = self._mark(decimal, grouping)
        units = False
        for c, by_value in reads.items():
            mapping = {v: numbers.value(a, mark) for v, a in by_value.items()}
            if mark == "," and plain_points[c] is not None:
                # 12.50 in a file with a decimal comma: not a number of that file
                rows = self.con.execute(
                    f"SELECT DISTINCT {clean(c)} FROM raw WHERE regexp_full_match({clean(c)}, '{PLAIN_AMOUNT}') "  # noqa: S608
                    f"AND contains({clean(c)}, '.')"
                ).fetchall()
                mapping.update({r[0]: None for r in rows})
            unit = {v: a.unit for v, a in by_value.items()}
            if any(unit.values()):
                self.out.units.add(c)
                units = True
            if mapping:
                extra = {"unit": pa.array([unit.get(v) for v in mapping], pa.string())}
                self._write_map(
                    c, pa.array(list(mapping.values()), pa.decimal128(20, 2)), list(mapping), extra
                )
            self.out.expected[c] = (
                f"a number of 0 or more with at most two decimals, written with a decimal {MARK_WORDS[mark]} "
                f"as the rest of this file, like {'1250,50' if mark == ',' else '1250.50'}"
            )
        groups = sorted({m for m in grouping if m != mark})
        spaced = any(a.grouping == " " for by_value in reads.values() for a in by_value.values())
        detail = [f"decimal {MARK_WORDS[mark]} ({why})"]
        if groups or spaced:
            marks = [MARK_WORDS[m] for m in groups] + (["space"] if spaced else [])
            detail.append("thousands grouped by " + " or ".join(marks))
        if units:
            detail.append("currency signs checked against the currency column")
        self.out.notes.append("amounts: " + ", ".join(detail))

    def _mark(self, decimal: dict, grouping: dict) -> tuple[str, str]:
        if self.options.decimal:
            return self.options.decimal, "as --decimal says"
        clash = None
        if len(decimal) > 1:
            clash = (decimal["."], "a decimal point", decimal[","], "a decimal comma")
        else:
            both = set(decimal) & set(grouping)
            if both:
                m = both.pop()
                clash = (
                    decimal[m],
                    f"a decimal {MARK_WORDS[m]}",
                    grouping[m],
                    f"thousands grouped by a {MARK_WORDS[m]}",
                )
            elif not decimal and {".", ","} <= set(grouping):
                clash = (
                    grouping["."],
                    "thousands grouped by a point",
                    grouping[","],
                    "thousands grouped by a comma",
                )
        if clash:
            (c1, v1), w1, (c2, v2), w2 = clash
            raise FileRefused(
                f"{self.src.label}: the amounts disagree on the decimal mark: {self._where(c1, v1)} "
                f"has {w1}, {self._where(c2, v2)} {w2}; correct them, or load with --decimal , "
                "(decimal comma) or --decimal . (decimal point) to read them all one way (the "
                "others are then quarantined)"
            )
        if decimal:
            m, (c, v) = next(iter(decimal.items()))
            return m, f'as "{v}" in column "{self.present[c]}" shows'
        if grouping:
            m = ({".", ","} - set(grouping)).pop()
            return m, "whole amounts only"
        return ".", "whole amounts only"

    # --- budget years --------------------------------------------------------------------
    def _years(self, values: dict[str, list[str]]) -> None:
        for c, vs in values.items():
            shorts = [v for v in vs if v.isdigit() and len(v) <= 2]
            if shorts:
                row, short = first_of(self.con, c, shorts)
                raise FileRefused(
                    f'{self.src.label} row {row}, column "{self.present[c]}": '
                    f'"{short}" is a two-digit year; write years with four digits (2024, not 24)'
                )
            buddhist = [v for v in vs if v.isdigit() and dates.is_buddhist(int(v), self.today)]
            if buddhist:
                self.out.buddhist_years = True
                self.out.notes.append(
                    f"{c}: Buddhist-era years (such as {buddhist[0]}) read as the year less 543 "
                    "in the rows of Thailand"
                )
            self.out.expected[c] = (
                "a four-digit year (of the Buddhist era, such as 2567, only in rows of Thailand)"
            )

    def _write_map(self, col: str, vals: pa.Array, raws: list[str], extra: dict | None = None):
        table = pa.table({"raw": pa.array(raws, pa.string()), "val": vals, **(extra or {})})
        self.con.register("_map", table)
        try:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {map_table(self.columns[col])} AS SELECT * FROM _map"  # noqa: S608
            )
        finally:
            self.con.unregister("_map")
        self.out.mapped.add(col)
