"""Small-number suppression: the one place where numbers are made safe to show.

Every query function passes its result through suppress() before returning it. The rule
(k from data/reference/dashboard.yaml, suppression.k, default 10):

* a count of cases from 1 to k-1 is suppressed; 0 stays 0;
* a mean, share or median computed over fewer than k cases is suppressed (over 0 cases
  it is "no data", not suppressed);
* a figure derived from suppressed figures (a change between two periods, a difference)
  is suppressed too, so that it cannot give the hidden value back; so is a share whose
  numerator count is shown hidden beside it (share x cases would give that count back).

For every declared column `c` the result holds `c` as float with NaN where suppressed or
undefined (charts: no bar, no point, no colour) and `c_label` with the text to show: the
formatted number, "<k" (t("value.suppressed")) or "–" (t("value.no_data")). Tables and
downloads show the `_label` columns (see dashboard/tables.py).

suppress() refuses a frame with a numeric column it was not told about, so a new query
cannot leak a number by forgetting to declare it. protect_total() adds complementary
suppression: in a breakdown whose total is shown elsewhere, a single suppressed cell could
be recovered by subtraction, so the next smallest cell is withheld as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import config
from dashboard.formats import Format
from dashboard.i18n import t

MARK = "suppression"  # DataFrame.attrs key set on every suppressed frame


@dataclass(frozen=True)
class Count:
    """A count of cases in a cell: 1..k-1 suppressed, 0 shown."""

    fmt: Format = Format("count")


@dataclass(frozen=True)
class Mean:
    """A mean, share, rate or median over `n` cases (n: a column of the same frame).

    part: for a share whose numerator count is a column of the same frame, that column;
    the share is hidden whenever that count is."""

    n: str
    fmt: Format = Format("rate")
    part: str | None = None


@dataclass(frozen=True)
class Derived:
    """Computed from other declared columns (e.g. a change): hidden when any is hidden."""

    of: tuple[str, ...]
    fmt: Format = Format("delta_index")


@dataclass(frozen=True)
class Records:
    """A count of records or files (loads log), not of cases in a cell: shown as is."""

    fmt: Format = Format("count")


@dataclass(frozen=True)
class Amount:
    """Money (budget lines are not about individual cases): shown as is."""

    fmt: Format = Format("count")


Rule = Count | Mean | Derived | Records | Amount


def k_value() -> int:
    return config.settings().k


def suppressed_text(k: int | None = None) -> str:
    return t("value.suppressed", k=k or k_value())


def suppress(
    df: pd.DataFrame,
    rules: Mapping[str, Rule],
    *,
    passthrough: Iterable[str] = (),
    k: int | None = None,
) -> pd.DataFrame:
    """Return a copy of df with declared columns made safe and `_label` columns added.

    passthrough: numeric columns that are not measures (a year, a score level, a sort
    order). Any other numeric column not in rules is an error.
    """
    k = k or k_value()
    passthrough = set(passthrough)
    undeclared = [
        c
        for c in df.columns
        if c not in rules
        and c not in passthrough
        and pd.api.types.is_numeric_dtype(df[c])
        and not pd.api.types.is_bool_dtype(df[c])
    ]
    if undeclared:
        raise ValueError(f"numeric columns without a suppression rule: {undeclared}")
    missing = [c for c in rules if c not in df.columns]
    if missing:
        raise ValueError(f"rules for columns the frame does not have: {missing}")

    out = df.copy()
    raw = {c: pd.to_numeric(df[c], errors="coerce").astype("float64") for c in rules}
    hidden: dict[str, pd.Series] = {}
    undefined: dict[str, pd.Series] = {}
    sup, nodata = suppressed_text(k), t("value.no_data")

    # Counts first: means depend on their denominators, derived figures on both.
    rank = {Count: 0, Records: 0, Amount: 0, Mean: 1, Derived: 2}
    order = sorted(rules, key=lambda c: rank[type(rules[c])])
    for col in order:
        rule, v = rules[col], raw[col]
        if isinstance(rule, Count):
            hide = (v > 0) & (v < k)
            undef = v.isna()
        elif isinstance(rule, Mean):
            n = pd.to_numeric(df[rule.n], errors="coerce").astype("float64")
            hide = (n > 0) & (n < k)
            if rule.part is not None:
                if rule.part not in hidden:
                    raise ValueError(f"{col} is a share of {rule.part}, which has no count rule")
                hide = hide | hidden[rule.part]
            undef = n.isna() | (n <= 0) | v.isna()
        elif isinstance(rule, Derived):
            hide = pd.Series(False, index=df.index)
            undef = v.isna()
            for other in rule.of:
                if other not in hidden:
                    raise ValueError(f"{col} is derived from {other}, which has no rule")
                hide = hide | hidden[other]
                undef = undef | undefined[other]
        else:  # Records, Amount
            hide = pd.Series(False, index=df.index)
            undef = v.isna()
        hide = hide.fillna(False).astype(bool)
        undef = undef.fillna(False).astype(bool) & ~hide
        hidden[col], undefined[col] = hide, undef
        shown = v.where(~(hide | undef))
        out[col] = shown
        labels = [
            sup if h else nodata if u else rule.fmt.format(x)
            for h, u, x in zip(hide, undef, v, strict=True)
        ]
        out[f"{col}_label"] = pd.Series(labels, index=df.index, dtype="object")
    out.attrs[MARK] = {"k": k, "columns": list(rules)}
    return out


def is_suppressed(df: pd.DataFrame) -> bool:
    return MARK in df.attrs


def require_suppressed(df: pd.DataFrame) -> pd.DataFrame:
    if not is_suppressed(df):
        raise ValueError("this frame did not pass dashboard.suppress.suppress()")
    return df


def protect_total(
    df: pd.DataFrame,
    count: str,
    *,
    by: Sequence[str] = (),
    dependents: Sequence[str] = (),
) -> pd.DataFrame:
    """Complementary suppression for a breakdown whose total is shown somewhere.

    Within each group of `by`, when exactly one cell of `count` is suppressed, the smallest
    other shown non-zero cell is withheld too (label t("value.withheld")), together with
    the `dependents` columns of that row (means over that count), so no single hidden cell
    can be recovered as total minus the others.
    """
    require_suppressed(df)
    out = df.copy()
    sup = suppressed_text(out.attrs[MARK]["k"])
    withheld = t("value.withheld")
    if by:
        groups = [part.index for _, part in out.groupby(list(by), sort=False, dropna=False)]
    else:
        groups = [out.index]
    for idx in groups:
        part = out.loc[idx]
        n_hidden = int((part[f"{count}_label"] == sup).sum())
        if n_hidden != 1:
            continue
        candidates = part[part[count].notna() & (part[count] > 0)]
        if candidates.empty:
            continue
        victim = candidates[count].idxmin()
        for col in [count, *dependents]:
            out.loc[victim, col] = np.nan
            out.loc[victim, f"{col}_label"] = withheld
    return out
