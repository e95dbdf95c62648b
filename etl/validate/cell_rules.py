"""Cell rules: every cell of a file parsed into its column's type, or the reason it cannot be.

Pure functions: spec + which columns a file has -> (sql, params). Column names come only
from the spec (an allow-list); every value from a file is bound, never pasted. The cell
rules run first and fill `_errors`, a list of {col, value, reason, message}; the row rules
(etl/validate/row_rules.py) add to it. A row with any error is quarantined with all of its
reasons, never dropped.
"""

from __future__ import annotations

import re

from etl.ingest.spec import Column, buddhist_era, columns
from reference import framework

# Mapped types are matched in Python (etl/validate/lookups.py) on distinct values, joined back here.
MAPPED = {"country", "any_country", "province", "code", "age", "score", "boolean", "currency"}
EARLIEST = "2000-01-01"  # reintegration case records before this are typing errors


def expected_text(col: Column) -> str:
    fw = framework.load()
    if col.type == "date":
        return f"a date like 2024-03-31 or 31/03/2024, between {EARLIEST} and today"
    if col.type == "province":
        return "a province of the row's country (ISO code like KH-12, or its name), or 'unknown'"
    if col.type == "country":
        return "one of " + ", ".join(f"{c['code']} ({c['name']})" for c in fw.countries)
    if col.type == "any_country":
        return "a country's ISO code (TH, THA) or English name"
    if col.type == "age":
        return (
            "age in whole years (0-120) or an age band ("
            + ", ".join(b["label"] for b in fw.age_bands)
            + ")"
        )
    if col.type == "score":
        return (
            "a score " + ", ".join(f"{s['score']} ({s['label']})" for s in fw.scale) + ", or blank"
        )
    if col.type == "boolean":
        return "yes or no"
    if col.type == "currency":
        return "an ISO 4217 currency code such as USD, KHR, THB"
    if col.type == "amount":
        return "a number of 0 or more, like 1250.50"
    if col.type == "year":
        return "a four-digit year"
    if col.type == "agency":
        return "an agency code of letters, digits, - and _"
    if col.type == "code" and col.list == "barriers":
        return "a barrier code listed in data/README.md (e.g. ECO-06)"
    if col.type == "code":
        return "one of " + ", ".join(e["key"] for e in fw.code_list(col.list))
    return "a value"


def clean(expr: str) -> str:
    """SQL: the cell's text without surrounding spaces, NULL when blank. Only cells that
    start or end with a space are trimmed: trimming every cell copies every string, which
    was the largest single cost of validation."""
    return f"nullif(CASE WHEN starts_with({expr}, ' ') OR ends_with({expr}, ' ') THEN trim({expr}) ELSE {expr} END, '')"


def first_of(con, col: str, values: list[str]) -> tuple[int, str]:
    """(row, value): the first row of `raw` whose cleaned cell of col is one of values."""
    return con.execute(
        f"SELECT min(_row), arg_min(v, _row) FROM (SELECT _row, {clean(col)} AS v FROM raw) "  # noqa: S608
        "WHERE list_contains($values, v)",
        {"values": list(values)},
    ).fetchall()[0]


def map_table(col: Column) -> str:
    return f"map_{col.name}"


def _parse(col: Column, v: str, mapped: bool, buddhist_years: bool) -> str:
    """SQL turning cleaned text v into a value of the column's type (NULL when it cannot).

    Dates and amounts are cast (ISO dates, plain amounts: most cells); the values a cast
    would not read right are looked up in the map etl/validate/formats.py wrote (mapped).
    """
    m = map_table(col)
    if col.type in MAPPED:
        return f"{m}.val"
    if col.type == "case_ref":
        return v
    if col.type == "agency":
        return f"upper({v})"
    if col.type in ("date", "amount"):
        cast = f"TRY_CAST({v} AS {'DATE' if col.type == 'date' else 'DECIMAL(20, 2)'})"
        return f"CASE WHEN {m}.raw IS NOT NULL THEN {m}.val ELSE {cast} END" if mapped else cast
    if col.type == "year":
        year = f"TRY_CAST({v} AS SMALLINT)"
        if not buddhist_years:
            return year
        # per row: a Buddhist-era year is read only in the rows of a country using that era
        country = f"{map_table(Column('country', 'country', True))}.val"
        cases = " ".join(
            f"WHEN {country} = '{code}' AND {year} > year($today) "
            f"AND {year} - {int(offset)} BETWEEN 2000 AND year($today) THEN {year} - {int(offset)}"
            for code, offset in buddhist_era().items()
            if re.fullmatch(r"[A-Z]{2}", code)
        )
        return f"CASE {cases} ELSE {year} END"
    raise ValueError(f"unknown column type {col.type}")


def _valid(col: Column, p: str) -> str:
    """SQL condition: parsed value p is acceptable."""
    if col.type == "case_ref":
        return f"length({p}) <= 64"
    if col.type == "agency":
        return f"regexp_full_match({p}, '[A-Z0-9][A-Z0-9_-]{{0,39}}')"
    if col.type == "date":
        return f"{p} BETWEEN DATE '{EARLIEST}' AND $today"
    if col.type == "year":
        return f"{p} BETWEEN 2000 AND 2100"
    if col.type == "amount":
        return f"{p} >= 0"
    return f"{p} IS NOT NULL"


def _error(col: Column, header: str, v: str, fine: str, unit_check: str | None = None) -> str:
    """SQL for this column's error struct, or NULL when the cell is fine (flag `fine`).
    unit_check: SQL true when an amount's currency sign disagrees with the row's currency."""
    problem = "is not valid"
    if col.type == "date":
        problem = "is not a date in the accepted range"
    elif col.type in MAPPED:
        problem = "is not recognised"
    reason = f"invalid_{col.type}"
    missing = (
        f"WHEN {v} IS NULL THEN {{'col': '{col.name}', 'value': NULL, 'reason': 'missing', "
        f"'message': format('{{}} row {{}}, column \"{{}}\" is empty; a value is required', "
        f"$file, _row, $h_{col.name})}}"
        if col.required
        else ""
    )
    invalid = (
        f"{{'col': '{col.name}', 'value': {v}, 'reason': '{reason}', "
        f"'message': format('{{}} row {{}}, column \"{{}}\": \"{{}}\" {problem}; expected {{}}', "
        f"$file, _row, $h_{col.name}, {v}, $x_{col.name})}}"
    )
    if unit_check:
        disagrees = (
            f"{{'col': '{col.name}', 'value': {v}, 'reason': 'currency_disagrees', "
            f"'message': format('{{}} row {{}}, column \"{{}}\": \"{{}}\" is in {{}} but the row''s "
            f"currency is {{}}', $file, _row, $h_{col.name}, {v}, u_{col.name}, p_currency)}}"
        )
        invalid = f"CASE WHEN {unit_check} THEN {disagrees} ELSE {invalid} END"
    if missing:
        invalid = f"CASE {missing} ELSE {invalid} END"
    return f"CASE WHEN NOT {fine} THEN {invalid} END"


def build(
    table: str,
    present: dict[str, str],
    *,
    mapped: set[str] = frozenset(),
    units: set[str] = frozenset(),
    buddhist_years: bool = False,
    expected: dict[str, str] | None = None,
) -> tuple[str, dict]:
    """Parse every cell of `raw` into table `checked`.

    present: canonical column -> header as written in the file. Columns of the format that
    the file lacks come out NULL (the caller has refused files missing a required column).
    The caller binds $file and $today and creates the map_<column> tables and, for tables of
    cases, the keys table (etl/anonymise/case_keys.keys_sql). The file's formats
    (etl/validate/formats.py): mapped, the date and amount columns with a map table; units,
    the amount columns whose map gives the currency of a sign; buddhist_years, whether the
    year column holds years of the Buddhist era; expected, texts of what a column expects.
    """
    cols = columns(table)
    expected = expected or {}
    params: dict = {}
    cleaned, parsed, flags, finals, errors, joins = [], [], [], ["_row"], [], []
    for col in cols:
        if col.name not in present:
            finals.append(f"NULL AS {col.name}")
            continue
        v = f"c.{col.name}"
        m = map_table(col)
        cleaned.append(f"{clean(f'raw.{col.name}')} AS {col.name}")
        parsed.append(
            f"{_parse(col, v, col.name in mapped, buddhist_years and 'country' in present)} AS p_{col.name}"
        )
        valid = _valid(col, f"p_{col.name}")
        unit_check = None
        if col.name in units and "currency" in present:
            parsed.append(f"{m}.unit AS u_{col.name}")
            unit_check = f"u_{col.name} IS NOT NULL AND p_currency IS NOT NULL AND u_{col.name} <> p_currency"
            valid = f"{valid} AND NOT coalesce({unit_check}, false)"
        ok = f"coalesce({valid}, false)"
        # f_<column>: the cell is fine (blank where blank is allowed, or a valid value)
        blank = "false" if col.required else f"{col.name} IS NULL"
        flags.append(f"{blank} OR ({col.name} IS NOT NULL AND {ok}) AS f_{col.name}")
        finals.append(f"CASE WHEN f_{col.name} THEN p_{col.name} END AS {col.name}")
        errors.append(_error(col, present[col.name], col.name, f"f_{col.name}", unit_check))
        params[f"h_{col.name}"] = present[col.name]
        params[f"x_{col.name}"] = expected.get(col.name) or expected_text(col)
        if col.type == "province":
            country = "c.country" if "country" in present else "NULL"
            joins.append(
                f"LEFT JOIN {m} ON {m}.country_raw IS NOT DISTINCT FROM {country} AND {m}.raw = {v}"
            )
        elif col.type in MAPPED or col.name in mapped:
            joins.append(f"LEFT JOIN {m} ON {m}.raw = {v}")
    if "agency" in present and "case_ref" in present:
        # the keyed hash of the case (TEMP table keys, etl/anonymise/case_keys.keys_sql), for valid references
        joins.append("LEFT JOIN keys ON keys.agency = c.agency AND keys.case_ref = c.case_ref")
        parsed.append("keys.case_key AS p_case_key")
        finals.append("CASE WHEN f_agency AND f_case_ref THEN p_case_key END AS case_key")
    # the list of error structs is built only for rows with a cell that is not fine
    all_fine = " AND ".join(f"f_{c.name}" for c in cols if c.name in present) or "true"
    error_list = (
        f"CASE WHEN {all_fine} THEN [] ELSE list_filter([{', '.join(errors)}], lambda e: e IS NOT NULL) END"
        if errors
        else "[]"
    )
    # names come from the spec allow-list; values are bound
    sql = (
        "CREATE OR REPLACE TEMP TABLE checked AS\n"  # noqa: S608
        f"WITH c AS (SELECT _row, {', '.join(cleaned)} FROM raw),\n"
        f"p AS (SELECT c.*, {', '.join(parsed)} FROM c {' '.join(joins)}),\n"
        f"f AS (SELECT p.*, {', '.join(flags)} FROM p)\n"
        f"SELECT {', '.join(finals)}, {error_list} AS _errors FROM f"
    )
    return sql, params


def cross_error(reason: str, col: str, condition: str, message_sql: str) -> str:
    """One stage-2 rule: an error struct when condition holds."""
    return (
        f"CASE WHEN {condition} THEN {{'col': '{col}', 'value': CAST({col} AS VARCHAR), "
        f"'reason': '{reason}', 'message': {message_sql}}} END"
    )


def msg(text: str, *args: str) -> str:
    """format() call prefixed with file and row: msg('closed before opened ({})', 'opened')."""
    extra = "".join(f", {a}" for a in args)
    return f"format('{{}} row {{}}: {text}', $file, _row{extra})"
