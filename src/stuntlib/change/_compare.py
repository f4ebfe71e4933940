"""Is a change in prevalence real? Two estimates, linked children, and a trend."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from stuntlib.errors import ColumnError, StuntlibError

__all__ = ["compare_prevalence", "prevalence_trend"]

_STATS = (
    "n", "cases", "weighted_n", "estimate", "se", "ci_low", "ci_high", "deff", "n_eff", "sd",
    "reliability", "suppressed", "population", "coverage", "kind", "prevalence",
)  # fmt: skip


def _check_level(level: float) -> float:
    if not isinstance(level, (int, float)) or not 0.0 < float(level) < 1.0:
        raise StuntlibError(f"level: expected a confidence level in (0, 1); got {level!r}")
    return float(level)


def _as_table(x: Any, argument: str) -> pd.DataFrame:
    if isinstance(x, Mapping):
        x = pd.DataFrame([dict(x)])
    if not isinstance(x, pd.DataFrame):
        raise StuntlibError(
            f"{argument}: expected a mapping or table with 'estimate' and 'se'; got "
            f"{type(x).__name__}"
        )
    t = x.rename(columns={"prevalence": "estimate"}) if "estimate" not in x.columns else x
    missing = {"estimate", "se"} - set(t.columns)
    if missing:
        raise ColumnError(
            f"{argument}: missing {sorted(missing)}; expected 'estimate' (proportion) and "
            f"'se'; the columns are {list(t.columns)}"
        )
    if "kind" in t.columns:  # a prevalence table: compare prevalences only
        t = t[t["kind"] == "prevalence"]
    return t


def _independent(a: Any, b: Any, level: float) -> pd.DataFrame:
    from scipy import special  # scipy.stats would cost 1.1 s of import; the same values

    ta, tb = _as_table(a, "a"), _as_table(b, "b")
    keys = [c for c in ta.columns if c not in _STATS and c in tb.columns]
    if keys:
        both = ta.merge(tb, on=keys, how="outer", suffixes=("_a", "_b"), sort=True)
    else:
        if len(ta) != 1 or len(tb) != 1:
            raise StuntlibError(
                f"a, b: without shared group columns each must be one row; got {len(ta)} "
                f"and {len(tb)} rows"
            )
        both = ta.add_suffix("_a").join(tb.add_suffix("_b").set_index(ta.index))
    ea, eb = (pd.to_numeric(both[f"estimate_{s}"]).to_numpy(float) for s in "ab")
    sa, sb = (pd.to_numeric(both[f"se_{s}"]).to_numpy(float) for s in "ab")
    z_q = special.ndtri(1.0 - (1.0 - level) / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = ea - eb
        se = np.sqrt(sa * sa + sb * sb)
        z = np.where(se > 0, diff / se, np.nan)
    out = both[keys].reset_index(drop=True) if keys else pd.DataFrame(index=range(len(both)))
    out["estimate_a"], out["estimate_b"] = ea, eb
    out["difference"], out["se"] = diff, se
    out["ci_low"], out["ci_high"] = diff - z_q * se, diff + z_q * se
    out["z"] = z
    out["p_value"] = 2.0 * special.ndtr(-np.abs(z))
    return out


def _paired(a: Any, b: Any, level: float) -> pd.DataFrame:
    from scipy import stats

    xa = np.asarray(pd.array(a, dtype="Float64").to_numpy(dtype=float, na_value=np.nan))
    xb = np.asarray(pd.array(b, dtype="Float64").to_numpy(dtype=float, na_value=np.nan))
    if xa.shape != xb.shape or xa.ndim != 1:
        raise StuntlibError(
            f"a, b: paired=True expects two 1-D arrays of the same children in the same "
            f"order; got shapes {xa.shape} and {xb.shape}"
        )
    ok = ~np.isnan(xa) & ~np.isnan(xb)
    if np.any(~np.isin(xa[ok], (0.0, 1.0)) | ~np.isin(xb[ok], (0.0, 1.0))):
        raise StuntlibError("a, b: paired=True expects 0/1 (or boolean) stunting indicators")
    ya, yb = xa[ok].astype(bool), xb[ok].astype(bool)
    n = int(ok.sum())
    n10 = int(np.sum(ya & ~yb))  # stunted in a only
    n01 = int(np.sum(~ya & yb))  # stunted in b only
    discordant = n10 + n01
    z_q = stats.norm.ppf(1.0 - (1.0 - level) / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = (n10 - n01) / n if n else np.nan
        se = np.sqrt(max(discordant - n * diff * diff, 0.0)) / n if n else np.nan
        z = (n10 - n01) / np.sqrt(discordant) if discordant else np.nan
    exact = float(stats.binomtest(n10, discordant, 0.5).pvalue) if discordant else 1.0
    return pd.DataFrame(
        {
            "n": [n],
            "estimate_a": [ya.mean() if n else np.nan],
            "estimate_b": [yb.mean() if n else np.nan],
            "stunted_a_only": [n10],
            "stunted_b_only": [n01],
            "difference": [diff],
            "se": [se],
            "ci_low": [diff - z_q * se],
            "ci_high": [diff + z_q * se],
            "z": [z],
            "p_value": [2.0 * stats.norm.sf(abs(z)) if discordant else 1.0],
            "p_value_exact": [exact],
        }
    )


def compare_prevalence(
    a: Any, b: Any, *, paired: bool = False, level: float = 0.95
) -> pd.DataFrame:
    """Difference between two prevalences, with its interval and p-value.

    Independent estimates (two rounds of a survey, two surveys): ``d = a - b``,
    ``se = sqrt(se_a^2 + se_b^2)``, ``z = d / se``, two-sided normal p-value. Design-based
    standard errors (from :func:`stuntlib.prevalence` with a design) carry the design
    effect. The same children measured twice are not independent: pass their stunting
    indicators with ``paired=True`` for the McNemar test on the discordant pairs.

    Parameters
    ----------
    a, b : mapping, DataFrame or array_like
        Independent: each a mapping or one-row table with ``estimate`` (proportion) and
        ``se``, or a table from :func:`stuntlib.prevalence`; tables with shared group
        columns are matched on them (outer join: a group in one only gives NaN).
        Paired: two 1-D arrays (0/1, boolean, NaN for missing) of the same children in
        the same order; pairs with a missing value are left out.
    paired : bool, default False
        Use the paired (McNemar) comparison.
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row per group: the group columns, ``estimate_a``, ``estimate_b``,
        ``difference`` (a - b, proportion), ``se``, ``ci_low``, ``ci_high``, ``z``,
        ``p_value``. Paired: also ``n``, ``stunted_a_only``, ``stunted_b_only`` (the
        discordant pairs) and ``p_value_exact`` (exact binomial McNemar test); the
        interval uses the paired standard error ``sqrt(n10 + n01 - n d^2) / n``.

    Raises
    ------
    StuntlibError
        For inputs without ``estimate``/``se``, unmatched shapes or non-0/1 paired data.

    References
    ----------
    .. [1] Kish L (1965). Survey Sampling. New York: Wiley (difference of independent
       estimates).
    .. [2] McNemar Q (1947). Note on the sampling error of the difference between
       correlated proportions or percentages. Psychometrika 12:153-157.
    .. [3] Agresti A (2013). Categorical Data Analysis, 3rd ed., section 11.1 (the paired
       difference and its standard error).

    Examples
    --------
    >>> out = compare_prevalence({"estimate": 0.25, "se": 0.020},
    ...                          {"estimate": 0.20, "se": 0.018})
    >>> print(f"{out['z'].iloc[0]:.3f} {out['p_value'].iloc[0]:.4f}")
    1.858 0.0631
    """
    level = _check_level(level)
    if not isinstance(paired, bool):
        raise StuntlibError(f"paired: expected True or False; got {paired!r}")
    return _paired(a, b, level) if paired else _independent(a, b, level)


def prevalence_trend(
    table: pd.DataFrame, *, time: str = "year", by: str | list[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:  # fmt: skip
    """Linear trend of a prevalence over three or more rounds, weighted by precision.

    Weighted least squares of the estimates on ``time`` with weights ``1 / se^2``
    (the standard errors taken as known): slope ``b = sum w (t - t_w)(p - p_w) /
    sum w (t - t_w)^2`` with ``se(b) = 1 / sqrt(sum w (t - t_w)^2)``.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per round (and group): ``estimate`` (or ``prevalence``, proportion),
        ``se`` (> 0) and the ``time`` column (numeric: year, or round number).
    time : str, default "year"
        Column holding the time of each round [years or rounds].
    by : str or list of str, optional
        Group columns; one trend per group.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``rounds``, ``slope`` (change of the proportion per unit of
        ``time``), ``se``, ``ci_low``, ``ci_high``, ``z``, ``p_value``. Groups with fewer
        than 2 usable rounds give NaN (3 or more are needed for the fit to be checkable).

    Raises
    ------
    StuntlibError
        If columns are missing or ``level`` is out of range.

    References
    ----------
    .. [1] Draper NR, Smith H (1998). Applied Regression Analysis, 3rd ed., ch. 9
       (weighted least squares).

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2022, 2023, 2024], "estimate": [0.24, 0.22, 0.20],
    ...                   "se": [0.01, 0.01, 0.01]})
    >>> out = prevalence_trend(t)
    >>> print(f"{out['slope'].iloc[0]:.3f} {out['se'].iloc[0]:.5f}")
    -0.020 0.00707
    """
    from scipy import special  # the values of scipy.stats.norm, without its import

    level = _check_level(level)
    t = _as_table(table, "table")
    if time not in t.columns:
        raise ColumnError(f"time: no column {time!r}; the columns are {list(t.columns)}")
    keys = [by] if isinstance(by, str) else list(by or [])
    for k in keys:
        if k not in t.columns:
            raise ColumnError(f"by: no column {k!r}; the columns are {list(t.columns)}")
    x = pd.to_numeric(t[time], errors="coerce").to_numpy(float)
    p = pd.to_numeric(t["estimate"], errors="coerce").to_numpy(float)
    se = pd.to_numeric(t["se"], errors="coerce").to_numpy(float)
    ok = np.isfinite(x) & np.isfinite(p) & (se > 0)
    w = np.where(ok, 1.0 / np.where(ok, se, 1.0) ** 2, 0.0)
    frame = pd.DataFrame({"w": w, "wx": w * x, "wp": w * p, "wxx": w * x * x,
                          "wxp": w * x * np.nan_to_num(p), "k": ok.astype(int)})  # fmt: skip
    frame["wx"] = np.where(ok, frame["wx"], 0.0)
    frame["wxx"] = np.where(ok, frame["wxx"], 0.0)
    frame["wp"] = np.where(ok, frame["wp"], 0.0)
    frame["wxp"] = np.where(ok, frame["wxp"], 0.0)
    if keys:
        for k in keys:
            frame[k] = t[k].to_numpy()
        s = frame.groupby(keys, sort=True, dropna=False).sum().reset_index()
    else:
        s = frame.sum().to_frame().T
    with np.errstate(invalid="ignore", divide="ignore"):
        sxx = s["wxx"] - s["wx"] ** 2 / s["w"]
        sxp = s["wxp"] - s["wx"] * s["wp"] / s["w"]
        slope = np.where((s["k"] >= 2) & (sxx > 0), sxp / sxx, np.nan)
        b_se = np.where((s["k"] >= 2) & (sxx > 0), 1.0 / np.sqrt(sxx), np.nan)
        z = slope / b_se
    zq = special.ndtri(1.0 - (1.0 - level) / 2.0)
    out = s[keys].copy() if keys else pd.DataFrame(index=range(1))
    out["rounds"] = s["k"].astype(int).to_numpy()
    out["slope"], out["se"] = slope, b_se
    out["ci_low"], out["ci_high"] = slope - zq * b_se, slope + zq * b_se
    out["z"] = z
    out["p_value"] = 2.0 * special.ndtr(-np.abs(z))
    return out
