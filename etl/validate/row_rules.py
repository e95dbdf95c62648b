"""Row rules: checks across columns, rows and the warehouse, per table (unknown case,
dates out of order, duplicates, a missing exchange rate).

Reads TEMP table `checked` (the cell rules, etl/validate/cell_rules.py), writes TEMP table
`final` with case_key (where the table has cases), `_errors` extended, and `_ok`. Rule SQL
is built here from the spec's allow-listed names only; values are bound.
"""

from __future__ import annotations

from etl.ingest.spec import table_key
from etl.validate.cell_rules import cross_error, msg
from reference import framework

SCOPE_DATE = {"assessments": "assessed_on", "services": "started", "barriers": "noted_on"}


def _rule(reason: str, col: str, condition: str, message_sql: str) -> tuple[str, str]:
    """A rule's condition, and its error struct when the condition holds."""
    return condition, cross_error(reason, col, condition, message_sql)


def _duplicates(table: str) -> tuple[str, str, tuple[str, str]]:
    """CTE of keys that occur more than once (a hash aggregate, cheaper than a window), its
    join, and the rule flagging every occurrence after the first."""
    key = table_key(table)
    # agency and reference are compared through their case key: one integer, not two texts
    group = ["case_key", *key[2:]] if key[:2] == ["agency", "case_ref"] else key
    cte = (
        f"dups AS (SELECT {', '.join(group)}, min(_row) AS _first_row FROM checked "  # noqa: S608
        f"WHERE {' AND '.join(f'{k} IS NOT NULL' for k in group)} GROUP BY ALL HAVING count(*) > 1)"
    )
    join = "LEFT JOIN dups d ON " + " AND ".join(f"d.{k} = c.{k}" for k in group)
    rule = _rule(
        "duplicate_row",
        key[-1],
        "_row > _first_row",
        msg("repeats row {} (same " + " / ".join(key) + "); only the first is kept", "_first_row"),
    )
    return cte, join, rule


def _case_rules() -> list[tuple[str, str]]:
    return [
        _rule(
            "unknown_case",
            "case_ref",
            "case_ref IS NOT NULL AND agency IS NOT NULL AND _opened IS NULL",
            msg(
                "case {} of agency {} is not in the warehouse (its cases row is missing or was quarantined)",
                "case_ref",
                "agency",
            ),
        ),
    ]


def build(table: str) -> str:
    fw = framework.load()
    dup_cte, dup_join, dup_rule = _duplicates(table)
    rules = [dup_rule]
    join = ""
    key_sql = "" if table != "budgets" else ", NULL AS case_key"  # the cell rules joined the keys
    if table == "cases":
        rules.append(
            _rule(
                "closed_before_opened",
                "closed",
                "closed < opened",
                msg("closed ({}) is before opened ({})", "closed", "opened"),
            )
        )
    if table in SCOPE_DATE:
        join = "LEFT JOIN cases w ON w.case_key = x.case_key"
        rules += _case_rules()
    if table == "assessments":
        scores = " AND ".join(f"{k} IS NULL" for k in fw.outcome_keys)
        rules.append(
            _rule(
                "no_scores",
                "assessed_on",
                f"len(_errors) = 0 AND {scores}",
                msg("no outcome dimension has a score"),
            )
        )
        rules.append(
            _rule(
                "before_case_opened",
                "assessed_on",
                "assessed_on < _opened",
                msg("assessed on {}, before the case opened ({})", "assessed_on", "_opened"),
            )
        )
    if table == "services":
        rules.append(
            _rule(
                "ended_before_started",
                "ended",
                "ended < started",
                msg("ended ({}) is before started ({})", "ended", "started"),
            )
        )
    if table in ("services", "budgets"):
        amount = "cost" if table == "services" else "budgeted"
        year = "year(started)" if table == "services" else "year"
        rules.append(
            _rule(
                "currency_missing",
                "currency",
                f"{amount} IS NOT NULL AND currency IS NULL",
                msg("an amount is given without its currency"),
            )
        )
        rules.append(
            _rule(
                "no_exchange_rate",
                "currency",
                f"{amount} IS NOT NULL AND currency IS NOT NULL AND {year} IS NOT NULL AND _per_usd IS NULL",
                msg(
                    "no exchange rate for {} in {}; add it to data/reference/exchange_rates.csv",
                    "currency",
                    f"{year}",
                ),
            )
        )
        rate_year = "x.year" if table == "budgets" else "year(x.started)"
        join += f" LEFT JOIN ref_rates r ON r.currency = x.currency AND r.year = {rate_year}"
    if table == "barriers":
        rules.append(
            _rule(
                "barrier_not_in_service_area",
                "barrier_code",
                "barrier_code IS NOT NULL AND service_area IS NOT NULL AND _barrier_area <> service_area",
                msg(
                    "barrier {} belongs to service area {}, not {}",
                    "barrier_code",
                    "_barrier_area",
                    "service_area",
                ),
            )
        )
        join += " LEFT JOIN ref_barriers b ON b.code = x.barrier_code"
    extra = []
    if table in SCOPE_DATE:
        extra.append("w.opened AS _opened")
    if table in ("services", "budgets"):
        extra.append("r.per_usd AS _per_usd")
    if table == "barriers":
        extra.append("b.service_area AS _barrier_area")
    extra_sql = "".join(f", {e}" for e in extra)
    # the error structs are built only for the rows where some rule holds
    fires = " OR ".join(f"coalesce({condition}, false)" for condition, _ in rules)
    rule_list = (
        f"CASE WHEN {fires} THEN list_filter(["
        + ", ".join(sql for _, sql in rules)
        + "], lambda e: e IS NOT NULL) "
        "ELSE [] END"
    )
    # names come from the spec allow-list; values are bound
    return (
        "CREATE OR REPLACE TEMP TABLE final AS\n"  # noqa: S608
        "WITH " + dup_cte + ",\n"
        "x AS (SELECT c.*" + key_sql + ", d._first_row FROM checked c " + dup_join + "),\n"
        "y AS (SELECT x.*" + extra_sql + " FROM x " + join + "),\n"
        "z AS (SELECT * EXCLUDE (_errors), list_concat(_errors, "
        + rule_list
        + ") AS _errors FROM y)\n"
        "SELECT *, len(_errors) = 0 AS _ok FROM z"
    )
