"""Disclosure control: the one place where figures are made safe to show.

Every query function passes its frame through protect() before returning it. A query gives
raw counts with, beside each count `c`, the sum of the record keys of what it counts
(`c_key`), and raw sums; protect() turns them into what may be shown (k and the noise from
data/reference/dashboard.yaml, `disclosure`):

* every count gets its cell-key noise (dashboard/cellkey.py): the same cases, the same
  value, whatever page, filter order or download asks; no count from 1 to k-1 is shown
  ("<10");
* every sum (scores, costs) gets its noise too, and means, shares and rates are divided
  from the noisy parts, so a shown rate times a shown count gives back no exact count;
* a share, mean or rate over fewer than k cases is hidden, and so is a share whose
  numerator count is hidden (share x cases would give it back);
* a count of events (scores, assessments, records, reports, case-years) is hidden, with
  every figure over it, when the distinct cases behind it are fewer than k (Cases: a lower
  bound over several quarters, never shown);
* every figure of a group of fewer than k cases is hidden, zeros included (group_by: the
  columns that say which rows describe one group of cases; by default the whole frame);
* values are rounded as they are shown, so a chart's data holds no more than its table.

Totals are perturbed as cells of their own, so parts may not add up exactly to their
totals; the pages say so. The result holds, for every declared column `c`, `c` as float
(NaN where hidden or undefined) and `c_label` with the text to show; key columns never
leave. protect() refuses a frame with a numeric column it was not told about.

Nothing here imports streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import cellkey, config, formats
from dashboard.i18n import t

MARK = "protection"  # DataFrame.attrs key set on every protected frame


@dataclass(frozen=True)
class Count:
    """A count of cases, or of events (scores, assessments, records, reports, case-years);
    its record-key sum is the column `<name>_key`. A count of events names `cases`: the
    distinct cases behind them (a Cases or Count column); the count, and every figure over
    it, is hidden when they are fewer than k: ten scores can be three people's."""

    kind: str = "count"
    cases: str | None = None


@dataclass(frozen=True)
class Cases:
    """The distinct cases behind a count of events, or a lower bound on them (over several
    quarters or years: the most in any one of them, as cases repeat across periods). Used
    only to hide: never shown, never in the result."""


@dataclass(frozen=True)
class Sum:
    """A sum over the cases of count `n` (scores, index points, money), perturbed with that
    count's cell key; `unit`: one case's typical contribution (the noise's floor)."""

    n: str
    kind: str
    unit: float = 0.0


@dataclass(frozen=True)
class Ratio:
    """num / den x scale, from their protected values (num a Count or a Sum, den a Count;
    den None: num x scale). Hidden when den is under k, when num is a hidden count, or
    when `over` (the count of cases it describes, default den) is under k."""

    num: str
    den: str | None
    kind: str
    scale: float = 1.0
    over: str | None = None


@dataclass(frozen=True)
class Statistic:
    """A figure computed by the caller from protected columns over the cases of count `n`
    (a median, a survival share): hidden when n is under k, undefined when n is 0."""

    n: str
    kind: str


@dataclass(frozen=True)
class Derived:
    """compute(*of) over the protected values of other declared columns (a change, a
    difference): hidden when any of them is."""

    of: tuple[str, ...]
    kind: str
    compute: Callable[..., pd.Series]


@dataclass(frozen=True)
class Records:
    """An exact count of rows or files (the loads log): shown as is, to the data team only."""

    kind: str = "count"


@dataclass(frozen=True)
class Amount:
    """Money of budget lines, which are not about individual cases: shown as is."""

    kind: str = "usd"


Rule = Count | Cases | Sum | Ratio | Statistic | Derived | Records | Amount
_RANK = {Count: 0, Records: 0, Amount: 0, Sum: 1, Ratio: 2, Statistic: 2, Derived: 3}


def k_value() -> int:
    return config.settings().k


def hidden_text(k: int | None = None) -> str:
    return t("value.suppressed", k=k or k_value())


class ProtectionError(ValueError):
    """A query asked for something protection cannot give (a bug, never user input)."""


def protect(
    df: pd.DataFrame,
    rules: Mapping[str, Rule],
    *,
    modulus: int,
    group_by: Sequence[str] | None = (),
    passthrough: Iterable[str] = (),
    exact: bool = False,
    kinds: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """A copy of df with every declared figure protected and labelled (see the module).

    modulus: the record keys' modulus (meta record_key_modulus of the published file).
    group_by: columns whose values name one group of cases per set of rows (() = the whole
    frame is one group; None = no group rule, for frames of exact records).
    passthrough: numeric columns that are not figures (a year, a score level, an order).
    exact: the caller may see exact records (Records rules); refused otherwise.
    kinds: for a column whose rows are of different kinds (a change in score points on some
    rows, in index points on others), the kind of each row, in place of its rule's.
    """
    k = k_value()
    table = cellkey.load()
    if table.k != k:
        raise ProtectionError(f"ptable.yaml is for k = {table.k}, dashboard.yaml says {k}")
    _check_columns(df, rules, set(passthrough))
    if not exact and any(isinstance(r, Records) for r in rules.values()):
        raise ProtectionError("exact record counts are for the data team only")

    # numpy arrays throughout: frames are small, and pandas' per-column overhead was most
    # of the cost of protecting one
    def numbers(col: str) -> np.ndarray:
        return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)

    true = {c: numbers(c) for c in rules}
    # the Cases gates are only read (true[...]); everything below is about the figures
    figures = {c: r for c, r in rules.items() if not isinstance(r, Cases)}
    shown: dict[str, np.ndarray] = {}
    hidden: dict[str, np.ndarray] = {}
    undefined: dict[str, np.ndarray] = {}
    rows = len(df)
    for col in sorted(figures, key=lambda c: _RANK[type(figures[c])]):
        rule, v = figures[col], true[col]
        if isinstance(rule, Count):
            n = np.nan_to_num(v).astype("int64")
            keys = np.nan_to_num(numbers(f"{col}_key")).astype("int64")
            noisy = cellkey.perturb(table, n, keys, modulus).astype("float64")
            shown[col] = np.where(np.isnan(v), np.nan, noisy)
            hidden[col] = (n > 0) & (n < k)
            if rule.cases is not None:  # events of fewer than k cases
                hidden[col] |= (n > 0) & (np.nan_to_num(true[rule.cases]) < k)
            undefined[col] = np.isnan(v)
        elif isinstance(rule, Sum):
            n = np.nan_to_num(true[rule.n])
            keys = np.nan_to_num(numbers(f"{rule.n}_key"))
            noisy = cellkey.perturb_sum(table, np.nan_to_num(v), n, keys, rule.unit)
            shown[col] = np.where(np.isnan(v), np.nan, noisy)
            hidden[col] = hidden[rule.n].copy()
            undefined[col] = np.isnan(v) | (n <= 0)  # a sum over no case is no data
        elif isinstance(rule, Ratio):
            over_col = rule.over or rule.den
            over = np.nan_to_num(true[over_col])
            hide = ((over > 0) & (over < k)) | hidden[over_col]
            with np.errstate(invalid="ignore", divide="ignore"):
                if rule.den is None:
                    value = shown[rule.num] * rule.scale
                    undefined[col] = np.isnan(value) | (over <= 0)
                else:
                    den = shown[rule.den]
                    value = shown[rule.num] / np.where(den > 0, den, np.nan) * rule.scale
                    hide = hide | hidden[rule.den]
                    undefined[col] = np.isnan(value) | (np.nan_to_num(true[rule.den]) <= 0)
            if isinstance(rules[rule.num], Count):
                hide = hide | hidden[rule.num]
            shown[col] = value
            hidden[col] = hide
        elif isinstance(rule, Statistic):
            n = np.nan_to_num(true[rule.n])
            shown[col] = v
            hidden[col] = ((n > 0) & (n < k)) | hidden[rule.n]
            undefined[col] = np.isnan(v) | (n <= 0)
        elif isinstance(rule, Derived):
            for other in rule.of:
                if other not in hidden:
                    raise ProtectionError(f"{col} is derived from {other}, which has no rule")
            value = rule.compute(*(pd.Series(shown[o], index=df.index) for o in rule.of))
            shown[col] = pd.to_numeric(pd.Series(value), errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
            hidden[col] = np.logical_or.reduce([hidden[o] for o in rule.of])
            undefined[col] = np.isnan(shown[col]) | np.logical_or.reduce(
                [undefined[o] for o in rule.of]
            )
        else:  # Records, Amount: as they are
            shown[col] = v
            hidden[col] = np.zeros(rows, dtype=bool)
            undefined[col] = np.isnan(v)

    if group_by is not None:
        small = _small_groups(df, rules, true, list(group_by), k)
        for col in figures:
            if not isinstance(figures[col], Records | Amount):
                hidden[col] = hidden[col] | small

    sup, nodata = hidden_text(k), t("value.no_data")
    columns: dict[str, object] = {}
    for col, rule in figures.items():
        hide = hidden[col]
        undef = undefined[col] & ~hide
        row_kinds = list((kinds or {}).get(col, [rule.kind] * rows))
        places = np.array([formats.decimals(kind) for kind in row_kinds], dtype=int)
        raw = np.where(hide | undef, np.nan, shown[col])
        value = np.array(
            [np.round(x, d) for x, d in zip(raw, places, strict=True)], dtype="float64"
        )
        texts = {kind: formats.formatter(kind) for kind in set(row_kinds)}
        columns[col] = value
        columns[f"{col}_label"] = np.array(
            [
                sup if h else nodata if u else texts[kind](x)
                for h, u, x, kind in zip(hide, undef, value, row_kinds, strict=True)
            ],
            dtype=object,
        )
    keys = [f"{c}_key" for c, r in rules.items() if isinstance(r, Count)]
    gates = [c for c, r in rules.items() if isinstance(r, Cases)]
    out = df.drop(columns=keys + gates + [c for c in columns if c in df.columns])
    out = pd.concat([out, pd.DataFrame(columns, index=df.index)], axis=1)
    out.attrs[MARK] = {
        "k": k,
        "columns": list(figures),
        # what each figure is over, for checks of the output (tests/dashboard)
        "counts": [c for c, r in rules.items() if isinstance(r, Count)],
        "over": {c: _over(r) for c, r in rules.items() if _over(r)},
        "cases": {c: r.cases for c, r in rules.items() if isinstance(r, Count) and r.cases},
        "group_by": None if group_by is None else list(group_by),
    }
    return out


def _over(rule: Rule) -> str | None:
    """The count of cases a figure is over (None for counts, records and amounts)."""
    if isinstance(rule, Ratio):
        return rule.over or rule.den
    if isinstance(rule, Sum | Statistic):
        return rule.n
    return None


def _check_columns(df: pd.DataFrame, rules: Mapping[str, Rule], passthrough: set[str]) -> None:
    keys = {f"{c}_key" for c, r in rules.items() if isinstance(r, Count)}
    undeclared = [
        c
        for c in df.columns
        if c not in rules
        and c not in passthrough
        and c not in keys
        and pd.api.types.is_numeric_dtype(df[c])
        and not pd.api.types.is_bool_dtype(df[c])
    ]
    if undeclared:
        raise ProtectionError(f"numeric columns without a protection rule: {undeclared}")
    missing = [c for c in [*rules, *keys] if c not in df.columns]
    if missing:
        raise ProtectionError(f"rules for columns the frame does not have: {missing}")
    for col, rule in rules.items():
        needs = {Sum: ("n",), Ratio: ("num", "den", "over"), Statistic: ("n",)}.get(type(rule), ())
        for attr in needs:
            other = getattr(rule, attr)
            if other is not None and other not in rules:
                raise ProtectionError(f"{col} depends on {other}, which has no rule")
        cases = rule.cases if isinstance(rule, Count) else None
        if cases is not None and not isinstance(rules.get(cases), Cases | Count):
            raise ProtectionError(f"{col}: its cases {cases} must be Cases or a Count")
        if isinstance(rule, Sum | Statistic) and not isinstance(rules[rule.n], Count):
            raise ProtectionError(f"{col} must be over a count, not {rule.n}")
        if isinstance(rule, Ratio):
            if rule.den is None and rule.over is None:
                raise ProtectionError(
                    f"{col}: a ratio without a denominator names the cases it is over"
                )
            for other in (rule.den, rule.over):
                if other is not None and not isinstance(rules[other], Count):
                    raise ProtectionError(f"{col}: {other} must be a count")


def _small_groups(
    df: pd.DataFrame, rules: Mapping[str, Rule], true: dict, by: list[str], k: int
) -> np.ndarray:
    """Rows of a group whose largest count is under k: a group of fewer than k cases."""
    # a group's size is a count of cases: events (scores, records) may outnumber the people
    counts = [
        c
        for c, r in rules.items()
        if isinstance(r, Cases) or (isinstance(r, Count) and r.cases is None)
    ]
    if not counts or df.empty:
        return np.zeros(len(df), dtype=bool)
    largest = np.nan_to_num(np.vstack([true[c] for c in counts])).max(axis=0)
    if by:
        groups = pd.Series(largest, index=df.index).groupby(
            [df[c] for c in by], dropna=False, sort=False
        )
        largest = groups.transform("max").to_numpy()
    else:
        largest = np.full(len(df), largest.max())
    return (largest > 0) & (largest < k)


def is_protected(df: pd.DataFrame) -> bool:
    return MARK in df.attrs


def require_protected(df: pd.DataFrame) -> pd.DataFrame:
    if not is_protected(df):
        raise ProtectionError("this frame did not pass dashboard.protect.protect()")
    return df
