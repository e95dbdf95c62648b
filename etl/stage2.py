"""Stage 2 of validation: rules across columns, rows and the warehouse, per table.

Reads TEMP table `checked` (stage 1), writes TEMP table `final` with case_key (where the
table has cases), `_errors` extended, and `_ok`. Rule SQL is built here from the spec's
allow-listed names only; values are bound.
"""

from __future__ import annotations

from etl import framework, privacy
from etl.spec import table_key
from etl.validate import cross_error, msg

SCOPE_DATE = {"assessments": "assessed_on", "services": "started", "barriers": "noted_on"}


def _duplicate_rule(table: str) -> tuple[str, str]:
    key = ", ".join(table_key(table))
    window = (
        f"row_number() OVER (PARTITION BY {key} ORDER BY _row) AS _dup, "
        f"min(_row) OVER (PARTITION BY {key}) AS _first_row"
    )
    rule = cross_error(
        "duplicate_row", table_key(table)[-1], "_dup > 1",
        msg("repeats row {} (same " + " / ".join(table_key(table)) + "); only the first is kept", "_first_row"),
    )
    return window, rule


def _case_rules() -> list[str]:
    return [
        cross_error("unknown_case", "case_ref", "case_ref IS NOT NULL AND agency IS NOT NULL AND _opened IS NULL",
                    msg("case {} of agency {} is not in the warehouse (its cases row is missing or was quarantined)", "case_ref", "agency")),
    ]


def build(table: str) -> str:
    fw = framework.load()
    window, dup_rule = _duplicate_rule(table)
    rules = [dup_rule]
    join = ""
    key_sql = "NULL"
    if table != "budgets":
        key_sql = privacy.case_key_sql("agency", "case_ref")
    if table == "cases":
        rules.append(cross_error("closed_before_opened", "closed", "closed < opened",
                                 msg("closed ({}) is before opened ({})", "closed", "opened")))
    if table in SCOPE_DATE:
        join = "LEFT JOIN cases w ON w.case_key = x.case_key"
        rules += _case_rules()
    if table == "assessments":
        scores = " AND ".join(f"{k} IS NULL" for k in fw.outcome_keys)
        rules.append(cross_error("no_scores", "assessed_on", f"len(_errors) = 0 AND {scores}",
                                 msg("no outcome dimension has a score")))
        rules.append(cross_error("before_case_opened", "assessed_on", "assessed_on < _opened",
                                 msg("assessed on {}, before the case opened ({})", "assessed_on", "_opened")))
    if table == "services":
        rules.append(cross_error("ended_before_started", "ended", "ended < started",
                                 msg("ended ({}) is before started ({})", "ended", "started")))
    if table in ("services", "budgets"):
        amount = "cost" if table == "services" else "budgeted"
        year = "year(started)" if table == "services" else "year"
        rules.append(cross_error("currency_missing", "currency", f"{amount} IS NOT NULL AND currency IS NULL",
                                 msg("an amount is given without its currency")))
        rules.append(cross_error(
            "no_exchange_rate", "currency",
            f"{amount} IS NOT NULL AND currency IS NOT NULL AND {year} IS NOT NULL AND _per_usd IS NULL",
            msg("no exchange rate for {} in {}; add it to data/reference/exchange_rates.csv", "currency", f"{year}"),
        ))
        join += f" LEFT JOIN ref_rates r ON r.currency = x.currency AND r.year = {year.replace('year', 'x.year') if table == 'budgets' else 'year(x.started)'}"
    if table == "barriers":
        rules.append(cross_error("barrier_not_in_service_area", "barrier_code",
                                 "barrier_code IS NOT NULL AND service_area IS NOT NULL AND _barrier_area <> service_area",
                                 msg("barrier {} belongs to service area {}, not {}", "barrier_code", "_barrier_area", "service_area")))
        join += " LEFT JOIN ref_barriers b ON b.code = x.barrier_code"
    extra = []
    if table in SCOPE_DATE:
        extra.append("w.opened AS _opened")
    if table in ("services", "budgets"):
        extra.append("r.per_usd AS _per_usd")
    if table == "barriers":
        extra.append("b.service_area AS _barrier_area")
    extra_sql = "".join(f", {e}" for e in extra)
    rule_list = "list_filter([" + ", ".join(rules) + "], lambda e: e IS NOT NULL)"
    # names come from the spec allow-list; values are bound
    return (
        "CREATE OR REPLACE TEMP TABLE final AS\n"  # noqa: S608
        "WITH x AS (SELECT *, " + key_sql + " AS case_key, " + window + " FROM checked),\n"
        "y AS (SELECT x.*" + extra_sql + " FROM x " + join + "),\n"
        "z AS (SELECT * EXCLUDE (_errors), list_concat(_errors, " + rule_list + ") AS _errors FROM y)\n"
        "SELECT *, len(_errors) = 0 AS _ok FROM z"
    )
