"""Baseline for the benchmark: the same validation and headline aggregation in plain pandas.

What a careful analyst would write without DuckDB: read every file as text, validate types,
codes, dates and references, hash case references, unpivot assessments, then compute each
active case-quarter's latest score per dimension (carried forward) and aggregate by
country, province, quarter and dimension. Not used by the product; run by etl/bench/run.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from etl.anonymise import case_keys as privacy
from etl.validate import lookups
from reference import framework, paths


def _mapped(series: pd.Series, fn) -> pd.Series:
    uniques = series.dropna().unique().tolist()
    return series.map(fn(uniques))


def main(folder: Path) -> None:
    fw = framework.load()
    key = privacy.load_or_create_key()
    today = pd.Timestamp.today().normalize()

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False).replace(
            "", np.nan
        )

    cases = read("cases")
    cases["country_code"] = _mapped(cases["country"], lookups.countries)
    pairs = list(zip(cases["country"], cases["province"], strict=True))
    prov = lookups.provinces(set(pairs))
    cases["province_code"] = [prov.get(p) for p in pairs]
    cases["age_band"] = _mapped(cases["age"], lookups.age_bands)
    cases["sex_key"] = _mapped(cases["sex"], lambda v: lookups.codes("sexes", v))
    cases["form_key"] = _mapped(cases["form"], lambda v: lookups.codes("forms_of_trafficking", v))
    cases["opened_d"] = pd.to_datetime(cases["opened"], format="%Y-%m-%d", errors="coerce")
    cases["closed_d"] = pd.to_datetime(cases["closed"], format="%Y-%m-%d", errors="coerce")
    ok = (
        cases[["country_code", "province_code", "age_band", "sex_key", "form_key", "opened_d"]]
        .notna()
        .all(axis=1)
    )
    ok &= (cases["opened_d"] <= today) & ~(cases["closed_d"] < cases["opened_d"])
    ok &= ~cases.duplicated(["agency", "case_ref"])
    cases = cases[ok].copy()
    cases["case_key"] = [
        privacy.case_key(key, a, r) for a, r in zip(cases["agency"], cases["case_ref"], strict=True)
    ]

    assessments = read("assessments")
    assessments["date"] = pd.to_datetime(
        assessments["assessed_on"], format="%Y-%m-%d", errors="coerce"
    )
    assessments["case_key"] = [
        privacy.case_key(key, a, r)
        for a, r in zip(assessments["agency"], assessments["case_ref"], strict=True)
    ]
    for k in fw.outcome_keys:
        assessments[k] = pd.to_numeric(assessments[k], errors="coerce")
    assessments = assessments[
        assessments["date"].notna() & assessments["case_key"].isin(cases["case_key"])
    ]
    long = assessments.melt(
        id_vars=["case_key", "date"],
        value_vars=fw.outcome_keys,
        var_name="dimension",
        value_name="score",
    ).dropna(subset=["score"])
    long = long[long["score"].between(fw.min_score, fw.max_score)]

    services = read("services")
    services["started_d"] = pd.to_datetime(services["started"], format="%Y-%m-%d", errors="coerce")
    services["case_key"] = [
        privacy.case_key(key, a, r)
        for a, r in zip(services["agency"], services["case_ref"], strict=True)
    ]
    services = services[
        services["started_d"].notna() & services["case_key"].isin(cases["case_key"])
    ]
    rates = pd.read_csv(paths.EXCHANGE_RATES)
    services["year"] = services["started_d"].dt.year
    services = services.merge(rates, how="left", on=["currency", "year"])
    services["cost_usd"] = pd.to_numeric(services["cost"], errors="coerce") / services["per_usd"]

    # active case-quarters, then the latest score per dimension as of each quarter's end
    start = cases["opened_d"].dt.to_period("Q")
    end = cases["closed_d"].fillna(today).dt.to_period("Q")
    n = (end - start).apply(lambda d: d.n) + 1
    grid = cases.loc[cases.index.repeat(n), ["case_key", "country_code", "province_code"]].copy()
    offsets = np.concatenate([np.arange(k) for k in n])
    grid["quarter"] = start.repeat(n).to_numpy() + offsets
    grid["quarter_end"] = pd.PeriodIndex(grid["quarter"]).end_time.normalize()
    frames = []
    for dim, scores in long.groupby("dimension"):
        left = grid.sort_values("quarter_end")
        right = scores.sort_values("date")[["case_key", "date", "score"]]
        merged = pd.merge_asof(left, right, left_on="quarter_end", right_on="date", by="case_key")
        merged["dimension"] = dim
        frames.append(merged.dropna(subset=["score"]))
    latest = pd.concat(frames)
    latest["achieved"] = latest["score"] >= fw.achieved_threshold
    marts = latest.groupby(["country_code", "province_code", "quarter", "dimension"]).agg(
        cases=("score", "size"), score_sum=("score", "sum"), achieved=("achieved", "sum")
    )
    costs = services.groupby(["year", "service_area"])["cost_usd"].sum()
    print(len(marts), len(costs))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
