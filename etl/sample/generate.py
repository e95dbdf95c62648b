"""Synthetic, calibrated submission sets: ``python -m etl sample``.

Writes the five tables of data/reference/submission.yaml (cases, assessments, services,
barriers, budgets) for as many cases as asked, fully vectorised with numpy so that a
million cases take seconds, and deterministic: the same seed and as_of give byte-identical
files. Every agency code starts with ``SYN-`` so the loader flags the load as synthetic, and
a README.txt in the output folder says so. No names, contacts, birth dates or free text.

Calibration (the 252 survivors of *After Trafficking*, guidebook 2017 Tables #2-#5): sex, children, country,
form of trafficking and labour sector, internal trafficking (overall and among children) and
destinations among international cases reproduce the study's shares; sex, form, age and
destination are drawn jointly (forced marriage mostly women to China, fishing mostly men to
Thailand, Malaysia and Indonesia) with the joint tables raked back onto those shares.

Case management: cases open between 2016-01-01 and as_of (volume rising, a dip in
2020-21); the first assessment falls within a month of opening, the next every 3-6 months
while the case is open. Outcome scores follow a latent trajectory per dimension: a case-level
pace of recovery (some cases decline), faster where the matching service (framework
outcome.service_area) was provided, with setbacks in single dimensions and occasional
crises across all of them. Cases close as reintegrated after two reintegrated assessments
in a row (from 18 months, more often after 24), or are lost to contact, decline further
support, are referred elsewhere, move away or (rarely) die; the rest are still open at as_of.

Country of reintegration is the country of origin, except for ~1% integrated in a new
country (setting new_country, return_type integration_at_destination): their country is the
COMMIT country they were trafficked to, so destination_country equals country for them too;
internal trafficking is return_type internal (destination_country = country otherwise).

Provinces, countries and every code list come from the framework (reference/framework.py);
exchange rates from data/reference/exchange_rates.csv.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa

from etl.sample.budgets import draw_budgets
from etl.sample.draws import FIRST_DATE
from etl.sample.population import draw_cases, draw_geography
from etl.sample.services import date_services, draw_barriers, plan_services
from etl.sample.tables import (
    assessment_table,
    barrier_table,
    budget_table,
    case_refs,
    case_table,
    dict_column,
    service_table,
)
from etl.sample.trajectories import simulate
from etl.sample.write import (
    FORMATS,
    TABLES,
    XLSX_FILE,
    remove_other_formats,
    write_csv,
    write_parquet,
    write_readme,
    write_xlsx,
)
from reference import framework


# --- the generator --------------------------------------------------------------------------
def generate(
    out: Path,
    *,
    n_cases: int,
    seed: int,
    as_of: dt.date,
    fmt: str = "csv",
    fw: framework.Framework | None = None,
) -> dict[str, int]:
    """Write a synthetic submission set into out; return {file written: data rows}.

    fmt csv: one UTF-8 file per table (<table>.csv); parquet: one <table>.parquet per
    table; xlsx: one workbook (sample.xlsx) with a sheet per table, keyed
    "<path>/sample.xlsx[<sheet>]" in the result. Files of the same names in the other
    formats are removed from out, so that a folder holds one set; README.txt is rewritten.
    fw: a framework other than data/reference/framework.yaml (tests).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if n_cases < 1:
        raise ValueError("n_cases must be at least 1")
    if as_of <= FIRST_DATE:
        raise ValueError(f"as_of must be after {FIRST_DATE}")
    fw = fw or framework.load()
    if not fw.provinces:
        raise RuntimeError("framework.yaml has no countries/provinces: cannot place cases")
    tables = build_tables(fw, n_cases=n_cases, seed=seed, as_of=as_of)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    remove_other_formats(out, fmt)
    if fmt == "csv":
        written = write_csv(out, tables)
    elif fmt == "parquet":
        written = write_parquet(out, tables)
    else:
        written = write_xlsx(out / XLSX_FILE, tables, as_of)
    write_readme(out, n_cases=n_cases, seed=seed, as_of=as_of, fmt=fmt, tables=tables)
    return written


def build_tables(
    fw: framework.Framework, *, n_cases: int, seed: int, as_of: dt.date
) -> dict[str, pa.Table]:
    """The five tables as Arrow tables (dates date32, scores int8, amounts float64)."""
    rng = np.random.default_rng(seed)
    geo = draw_geography(rng, fw)
    cases = draw_cases(rng, fw, geo, n_cases, as_of)
    plan = plan_services(rng, fw, cases)
    assessments = simulate(rng, fw, cases, plan, as_of)
    services = date_services(rng, fw, cases, plan, as_of)
    barriers = draw_barriers(rng, fw, cases, services)
    budgets = draw_budgets(rng, fw, geo, cases, services, as_of)
    spec = framework.submission_spec()["tables"]
    names = {t: [c["name"] for c in spec[t]["columns"]] for t in TABLES}
    names["assessments"] += fw.outcome_keys
    case_ref = case_refs(geo, cases)
    agency = dict_column(cases["agency"], geo["agency_codes"])
    tables = {
        "cases": case_table(fw, geo, cases, case_ref, agency),
        "assessments": assessment_table(fw, assessments, case_ref, agency),
        "services": service_table(fw, geo, cases, services, case_ref, agency),
        "barriers": barrier_table(fw, barriers, case_ref, agency),
        "budgets": budget_table(fw, geo, budgets),
    }
    for name, table in tables.items():
        if table.column_names != names[name]:
            raise AssertionError(f"{name}: columns {table.column_names} != {names[name]}")
    return tables
