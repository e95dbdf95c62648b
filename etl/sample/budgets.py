"""Budget lines per year, country, province and service area, consistent with the services."""

from __future__ import annotations

import datetime as dt

import numpy as np

from etl.sample.calibration import GOVERNMENT_SHARE
from etl.sample.draws import FIRST_DATE, year_of
from reference import framework


# --- budgets ----------------------------------------------------------------------------------
def draw_budgets(
    rng: np.random.Generator,
    fw: framework.Framework,
    geo: dict,
    cases: dict,
    services: dict,
    as_of: dt.date,
) -> dict[str, np.ndarray]:
    """Country x year x service area x funding source, national and some province lines."""
    countries = geo["countries"]
    areas = fw.service_area_keys
    sources = [s["key"] for s in fw.code_list("funding_sources")]
    years = np.arange(FIRST_DATE.year, as_of.year + 1)
    nc, ny, na, ns = len(countries), len(years), len(areas), len(sources)
    svc_country = cases["country"][services["case"]]
    svc_year = year_of(services["start"]) - years[0]
    cost = np.nan_to_num(services["usd"])
    spend = np.bincount(
        (svc_country * ny + svc_year) * na + services["area"],
        weights=cost,
        minlength=nc * ny * na,
    ).reshape(nc, ny, na)
    # the current year is partial: budget for the whole year at the pace so far
    year_start = dt.date(as_of.year, 1, 1)
    elapsed = ((as_of - year_start).days + 1) / (dt.date(as_of.year + 1, 1, 1) - year_start).days
    spend[:, -1] /= max(elapsed, 0.1)
    # budget covers services plus staff and running costs; a floor for quiet lines
    total = np.maximum(spend * rng.uniform(1.2, 1.8, spend.shape), 1000.0)
    gov = np.array([GOVERNMENT_SHARE.get(c, 0.4) for c in countries])
    split = np.zeros((nc, ns))
    split[:, sources.index("government")] = gov
    split[:, sources.index("donor")] = (1 - gov) * 0.85
    split[:, sources.index("other")] = (1 - gov) * 0.15
    lines = total[:, :, :, None] * split[:, None, None, :]  # (c, y, a, s) USD
    lines *= rng.uniform(0.8, 1.2, lines.shape)

    # province lines (government money held by about a quarter of the provinces): their
    # share of the country's caseload x 40% of the government line; national lines keep
    # the rest, so national and province lines add up to the country's budget
    g = sources.index("government")
    prov = cases["province"]
    prov_cases = np.bincount(prov[prov >= 0], minlength=len(geo["provinces"])).astype(float)
    country_cases = np.bincount(cases["country"], minlength=nc).astype(float)
    chosen = np.flatnonzero(rng.random(len(geo["provinces"])) < 0.25)
    p_country = geo["prov_country"][chosen]
    p_share = 0.4 * prov_cases[chosen] / np.maximum(country_cases[p_country], 1)
    prov_lines = lines[p_country, :, :, g] * p_share[:, None, None]  # (p, y, a) USD
    for c in range(nc):
        lines[c, :, :, g] -= prov_lines[p_country == c].sum(axis=0)

    # flatten: national rows, then province rows
    cy, yy, aa, ss = np.meshgrid(
        np.arange(nc), np.arange(ny), np.arange(na), np.arange(ns), indexing="ij"
    )
    pp, py, pa_ = np.meshgrid(np.arange(len(chosen)), np.arange(ny), np.arange(na), indexing="ij")
    country = np.concatenate([cy.ravel(), p_country[pp.ravel()]])
    province = np.concatenate([np.full(cy.size, -1), chosen[pp.ravel()]])
    year = np.concatenate([yy.ravel(), py.ravel()])
    area = np.concatenate([aa.ravel(), pa_.ravel()])
    source = np.concatenate([ss.ravel(), np.full(pp.size, g)])
    usd = np.concatenate([lines.ravel(), prov_lines.ravel()])
    # spent: mostly 70-100% of the budget, sometimes over; the current year is partial
    ratio = np.where(rng.random(len(usd)) < 0.1, rng.uniform(1.0, 1.15, len(usd)),
                     rng.uniform(0.7, 1.0, len(usd)))  # fmt: skip
    ratio = np.where(years[year] == as_of.year, ratio * elapsed, ratio)
    # currency: government and other lines in local currency, donor lines often in USD
    in_usd = (source == sources.index("donor")) & (rng.random(len(usd)) < 0.6)
    return {
        "country": country, "province": province, "year": years[year], "area": area,
        "source": source, "usd": usd, "ratio": ratio, "in_usd": in_usd,
    }  # fmt: skip
