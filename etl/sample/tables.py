"""The generated arrays as Arrow tables with the submission format's columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl.sample.calibration import CURRENCY_ROUNDING
from etl.sample.draws import FIRST_DATE, exchange_rates, rate_table, round_to, year_of


# --- Arrow tables -----------------------------------------------------------------------------
def dict_column(indices: np.ndarray, labels: list[str], null: np.ndarray | None = None) -> pa.Array:
    """A dictionary-encoded string column; indices < 0 (or null mask) are blank."""
    mask = indices < 0 if null is None else (null | (indices < 0))
    idx = pa.array(np.maximum(indices, 0).astype(np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(idx, pa.array(labels, pa.string()))


def _date(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype(np.int32), mask=days < 0).view(pa.date32())


def case_refs(geo: dict, cases: dict) -> pa.Array:
    agency = cases["agency"]
    n = len(agency)
    count = np.bincount(agency, minlength=len(geo["agency_codes"]))
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    seq = np.arange(n) - np.repeat(start, count) + 1  # cases are sorted by agency
    width = max(6, len(str(int(count.max()))))
    number = pc.utf8_lpad(pc.cast(pa.array(seq), pa.string()), width, "0")
    codes = pa.array(geo["agency_codes"]).take(pa.array(agency))
    return pc.binary_join_element_wise(codes, number, "-")


def case_table(fw, geo, cases, case_ref, agency) -> pa.Table:
    keys = cases["keys"]
    provinces = geo["provinces"]
    n_prov = len(provinces)
    # province labels: ISO codes, then English names, then "unknown"
    labels = [p["code"] for p in provinces] + [p["name"] for p in provinces] + ["unknown"]
    prov = cases["province"]
    prov_label = np.where(
        prov < 0, 2 * n_prov, np.where(cases["name_written"], prov + n_prov, prov)
    )
    sex_keys = [s["key"] for s in fw.code_list("sexes")]
    yes_no = ["yes", "no"]
    # internal trafficking: the destination is the country itself
    dest_labels = keys["dests"] + [c for c in geo["countries"] if c not in keys["dests"]]
    own = np.array([dest_labels.index(c) for c in geo["countries"]])
    dest = np.where(cases["internal"], own[cases["country"]], cases["dest"])
    return pa.table(
        {
            "case_ref": case_ref,
            "agency": agency,
            "country": dict_column(cases["country"], geo["countries"]),
            "province": dict_column(prov_label, labels),
            "sex": dict_column(
                np.where(cases["female"], sex_keys.index("female"), sex_keys.index("male")),
                sex_keys,
            ),
            "age": pa.array(cases["age"].astype(np.int16)),
            "form": dict_column(cases["form"], keys["forms"]),
            "labour_sector": dict_column(cases["sector"], keys["sectors"]),
            "destination_country": dict_column(dest, dest_labels),
            "identified": dict_column(
                np.where(cases["identified"] == 2, -1, cases["identified"]), yes_no
            ),
            "assisted": dict_column(
                np.where(cases["assisted"] == 2, -1, cases["assisted"]), yes_no
            ),
            "return_type": dict_column(cases["return_type"], keys["return_types"]),
            "setting": dict_column(cases["setting"], keys["settings"]),
            "opened": _date(cases["opened"]),
            "closed": _date(cases["closed"]),
            "closure_reason": dict_column(
                cases["closure"], [r["key"] for r in fw.code_list("closure_reasons")]
            ),
        }
    )


def assessment_table(fw, assessments, case_ref, agency) -> pa.Table:
    case = pa.array(assessments["case"])
    cols = {
        "case_ref": case_ref.take(case),
        "agency": agency.take(case),
        "assessed_on": _date(assessments["day"]),
    }
    scores = assessments["scores"]
    for j, key in enumerate(fw.outcome_keys):
        s = np.ascontiguousarray(scores[:, j])
        cols[key] = pa.array(s, mask=s == 0)
    return pa.table(cols)


def service_table(fw, geo, cases, services, case_ref, agency) -> pa.Table:
    case = pa.array(services["case"])
    start = services["start"]
    country = cases["country"][services["case"]]
    currencies = geo["currencies"]
    years = (
        np.arange(FIRST_DATE.year, year_of(np.array([start.max()]))[0] + 1)
        if len(start)
        else np.array([FIRST_DATE.year])
    )
    rates = rate_table(exchange_rates(), currencies, years)
    rate = rates[country, year_of(start) - years[0]]
    step = np.array([CURRENCY_ROUNDING.get(c, 1) for c in currencies], dtype=float)[country]
    usd = services["usd"]
    local = round_to(usd * rate, step)
    in_usd = services["in_usd"]
    cost = np.where(in_usd, np.round(usd, 2), local)
    blank = np.isnan(usd)
    currency = np.where(in_usd, len(currencies), country)
    return pa.table(
        {
            "case_ref": case_ref.take(case),
            "agency": agency.take(case),
            "service_area": dict_column(services["area"], fw.service_area_keys),
            "started": _date(start),
            "ended": _date(services["ended"]),
            "status": dict_column(
                services["status"], [s["key"] for s in fw.code_list("service_statuses")]
            ),
            "provider_type": dict_column(
                services["provider"], [p["key"] for p in fw.code_list("provider_types")]
            ),
            "cost": pa.array(cost, mask=blank),
            "currency": dict_column(currency, [*currencies, "USD"], null=blank),
        }
    )


def barrier_table(fw, barriers, case_ref, agency) -> pa.Table:
    case = pa.array(barriers["case"])
    return pa.table(
        {
            "case_ref": case_ref.take(case),
            "agency": agency.take(case),
            "service_area": dict_column(barriers["area"], fw.service_area_keys),
            "barrier_code": dict_column(barriers["code"], [b["code"] for b in fw.barriers]),
            "noted_on": _date(barriers["noted"]),
        }
    )


def budget_table(fw, geo, budgets) -> pa.Table:
    currencies = geo["currencies"]
    country = budgets["country"]
    years = np.arange(FIRST_DATE.year, budgets["year"].max() + 1)
    rates = rate_table(exchange_rates(), currencies, years)
    rate = np.where(budgets["in_usd"], 1.0, rates[country, budgets["year"] - years[0]])
    step = np.where(
        budgets["in_usd"],
        100.0,
        np.array([CURRENCY_ROUNDING.get(c, 1) * 1000 for c in currencies], dtype=float)[country],
    )
    budgeted = round_to(budgets["usd"] * rate, step)
    spent = np.rint(budgeted * budgets["ratio"] / step) * step
    provinces = geo["provinces"]
    return pa.table(
        {
            "country": dict_column(country, geo["countries"]),
            "province": dict_column(budgets["province"], [p["code"] for p in provinces]),
            "year": pa.array(budgets["year"].astype(np.int16)),
            "service_area": dict_column(budgets["area"], fw.service_area_keys),
            "funding_source": dict_column(
                budgets["source"], [s["key"] for s in fw.code_list("funding_sources")]
            ),
            "budgeted": pa.array(budgeted.astype(np.int64)),
            "spent": pa.array(spent.astype(np.int64)),
            "currency": dict_column(
                np.where(budgets["in_usd"], len(currencies), country), [*currencies, "USD"]
            ),
        }
    )
