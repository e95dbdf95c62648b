"""What the published file says about itself, and which choices the sidebar offers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from dashboard import formats, i18n
from dashboard.queries import base
from reference import framework


def meta(db: base.Database) -> dict[str, str]:
    df = base.run(db, "meta", {})
    return {str(k): str(v) for k, v in zip(df["key"], df["value"], strict=True)}


def is_synthetic(info: dict[str, str]) -> bool:
    return info.get("synthetic", "").strip().lower() == "true"


def has_real_case_data(info: dict[str, str]) -> bool:
    """Whether any case-level file came from a real agency (a file published before this
    key existed: whenever it is not marked synthetic)."""
    value = info.get("real_case_data")
    if value is None:
        return not is_synthetic(info)
    return value.strip().lower() != "false"


def timestamp_label(value: object) -> str | None:
    """'Jun 30, 2025, 2:05 PM UTC' (in the reader's language) for a timestamp with a time
    zone (converted to UTC); 'Jun 30, 2025, 2:05 PM (server time)' for one without (the ETL records the local time of
    the machine that loaded); None when absent or unreadable."""
    if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    if stamp is pd.NaT:
        return None
    if stamp.tzinfo is None:
        return i18n.t("time.server", time=formats.datetime(stamp.to_pydatetime()))
    return i18n.t("time.utc", time=formats.datetime(stamp.tz_convert("UTC").to_pydatetime()))


def _as_date(value: object) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def data_range(db: base.Database) -> tuple[dt.date | None, dt.date | None]:
    row = base.run(db, "data_range", {}).iloc[0]
    return _as_date(row["first_quarter"]), _as_date(row["last_quarter"])


def countries(in_data: object = ()) -> list[str]:
    """The six countries in framework order, then any other code found in the data."""
    known = list(framework.load().country_codes)
    extra = sorted({str(c) for c in pd.Series(in_data, dtype="object").dropna()} - set(known))
    return known + extra


@dataclass(frozen=True)
class Options:
    quarters: tuple[dt.date, ...] = ()
    countries: tuple[str, ...] = ()
    provinces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    last_active: dt.date | None = None  # last quarter with any activity (default period end)

    def provinces_of(self, country: str | None) -> tuple[str, ...]:
        if not country:
            return ()
        return self.provinces.get(country, ())


def options(
    db: base.Database, scope: tuple[str, ...] | None = None, *, geography: str = "province"
) -> Options:
    """Quarters with data; the six countries (framework order), or those of scope; per
    country its provinces (framework order) plus any code found only in the data
    (e.g. 'KH-UNK'), or none for a role whose figures stop at the country."""
    fw = framework.load()
    df = base.run(db, "options", {})
    quarters = tuple(sorted({_as_date(q) for q in df["quarter"]} - {None}))
    codes = tuple(c for c in countries(df["country"]) if scope is None or c in scope)
    provinces: dict[str, tuple[str, ...]] = {}
    for country in codes if geography == "province" else ():
        known = [p["code"] for p in fw.provinces if p["country"] == country]
        found = sorted(set(df.loc[df["country"] == country, "province"].dropna()))
        provinces[country] = tuple(known + [p for p in found if p not in known])
    last_active = _as_date(base.run(db, "activity_range", {}).iloc[0]["last_active"])
    return Options(quarters=quarters, countries=codes, provinces=provinces, last_active=last_active)
