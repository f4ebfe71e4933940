"""Prevalence classes, the zero-prevalence bound, AARR and progress towards a target."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from stuntlib.errors import ColumnError, StuntlibError

__all__ = [
    "NATIONAL_TARGETS",
    "PREVALENCE_CLASSES",
    "aarr",
    "prevalence_class",
    "required_aarr",
    "target_status",
]

FloatArray = NDArray[np.float64]

#: WHO/UNICEF 2019 stunting prevalence thresholds: ``(lower bound [proportion], label)``;
#: a class runs from its bound (inclusive) to the next one (exclusive). Source: de Onis M
#: et al. (2019). Prevalence thresholds for wasting, overweight and stunting in children
#: under 5 years. Public Health Nutr 22(1):175-179, Table 1.
PREVALENCE_CLASSES: tuple[tuple[float, str], ...] = (
    (0.0, "very low"),
    (0.025, "low"),
    (0.10, "medium"),
    (0.20, "high"),
    (0.30, "very high"),
)

_RPJMN = "Peraturan Presiden No 12 Tahun 2025 (RPJMN 2025-2029); Bappenas, 18 January 2025"
_PATH = "constant-AARR path between the RPJMN 2025 and 2029 targets"

#: National stunting targets of Indonesia: ``(year, target [proportion of children under
#: five], kind, source)``. Only the end points are published in the sources we hold; the
#: years between them lie on the constant-AARR path joining them (kind ``interpolated``).
NATIONAL_TARGETS: tuple[tuple[int, float, str, str], ...] = (
    (2025, 0.188, "published", f"{_RPJMN}: 18.8 % in 2025"),
    (2026, 0.188 * (0.142 / 0.188) ** (1 / 4), "interpolated", _PATH),
    (2027, 0.188 * (0.142 / 0.188) ** (2 / 4), "interpolated", _PATH),
    (2028, 0.188 * (0.142 / 0.188) ** (3 / 4), "interpolated", _PATH),
    (2029, 0.142, "published", f"{_RPJMN}: 14.2 % in 2029"),
    (2045, 0.05, "published", "Undang-Undang No 59 Tahun 2024 (RPJPN 2025-2045): 5 % in 2045"),
)


def _f(x: Any) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def prevalence_class(prevalence: ArrayLike) -> NDArray[np.object_]:
    """WHO/UNICEF 2019 class of a stunting prevalence.

    Parameters
    ----------
    prevalence : array_like
        Prevalence as a proportion in [0, 1] (float64).

    Returns
    -------
    numpy.ndarray of object
        ``"very low"`` (< 2.5 %), ``"low"`` (2.5 to < 10 %), ``"medium"`` (10 to < 20 %),
        ``"high"`` (20 to < 30 %) or ``"very high"`` (>= 30 %); None where the input is
        NaN. Same shape as the input.

    Raises
    ------
    StuntlibError
        If a prevalence is outside [0, 1].

    References
    ----------
    .. [1] de Onis M, Borghi E, Arimond M, et al. (2019). Prevalence thresholds for
       wasting, overweight and stunting in children under 5 years. Public Health Nutr
       22(1):175-179.

    Examples
    --------
    >>> prevalence_class([0.0, 0.025, 0.142, 0.30]).tolist()
    ['very low', 'low', 'medium', 'very high']
    """
    p = _f(prevalence)
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(p) & ((p < 0) | (p > 1))
    if np.any(bad):
        raise StuntlibError(
            f"prevalence: expected proportions in [0, 1]; got {p[bad].ravel()[:3].tolist()}"
        )
    bounds = np.array([b for b, _ in PREVALENCE_CLASSES])
    labels = np.array([label for _, label in PREVALENCE_CLASSES] + [None], dtype=object)
    idx = np.searchsorted(bounds, np.nan_to_num(p, nan=0.0), side="right") - 1
    idx = np.where(np.isnan(p), len(PREVALENCE_CLASSES), idx)
    return labels[idx]


def aarr(p1: ArrayLike, p2: ArrayLike, years: ArrayLike) -> FloatArray:
    """Average annual rate of reduction between two prevalences, UNICEF's method.

    ``AARR = 1 - (p2 / p1) ** (1 / years)``: the constant yearly relative fall that
    takes ``p1`` to ``p2``. With more than two points UNICEF fits ``log p`` on the year
    by least squares (:func:`target_status` does so); with two the fit is this formula.

    Parameters
    ----------
    p1, p2 : array_like
        Earlier and later prevalence (proportions or percent, the same unit; > 0).
    years : array_like
        Years between them (> 0).

    Returns
    -------
    numpy.ndarray
        AARR as a proportion per year (0.0643 = 6.43 %/year; negative for a rise);
        NaN where a prevalence is 0 or missing, or ``years <= 0``.

    References
    ----------
    .. [1] UNICEF Data and Analytics (2018). Technical note: how to calculate average
       annual rate of reduction (AARR) of underweight prevalence. New York: UNICEF.

    Examples
    --------
    >>> print(f"{float(aarr(19.8, 14.2, 5)):.4f}")
    0.0643
    """
    a, b, t = np.broadcast_arrays(_f(p1), _f(p2), _f(years))
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (a > 0) & (b > 0) & (t > 0)
        out = 1.0 - np.exp(np.log(np.where(ok, b / np.where(ok, a, 1.0), 1.0)) / np.where(ok, t, 1))
    return np.where(ok, out, np.nan)


def required_aarr(prevalence: ArrayLike, target: ArrayLike, years: ArrayLike) -> FloatArray:
    """AARR needed to go from ``prevalence`` now to ``target`` in ``years`` years.

    Parameters
    ----------
    prevalence, target : array_like
        Current prevalence and target (same unit; > 0).
    years : array_like
        Years left (> 0).

    Returns
    -------
    numpy.ndarray
        Required AARR per year (proportion); negative when the target is already met;
        NaN where undefined.

    References
    ----------
    .. [1] UNICEF Data and Analytics (2018). Technical note: how to calculate average
       annual rate of reduction (AARR) of underweight prevalence. New York: UNICEF.

    Examples
    --------
    >>> print(f"{float(required_aarr(21.5, 14.2, 6)):.4f}")
    0.0668
    """
    return aarr(prevalence, target, years)


_KNOWN = ("n", "cases", "prevalence", "se", "year", "target", "target_year", "population")


def _from_counts_or_estimate(t: pd.DataFrame) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Prevalence, its SE, and the (effective) counts ``(n, cases)`` of each row."""
    if {"n", "cases"} <= set(t.columns):
        n = _f(pd.to_numeric(t["n"], errors="coerce"))
        cases = _f(pd.to_numeric(t["cases"], errors="coerce"))
        with np.errstate(invalid="ignore"):
            bad = (cases < 0) | (cases > n) | (n < 0)
        if np.any(bad):
            raise StuntlibError(
                "table: expected 0 <= cases <= n in every row; rows "
                f"{list(t.index[bad][:5])} break it"
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(n > 0, cases / n, np.nan)
            se = np.sqrt(p * (1.0 - p) / n)
        return p, se, np.stack([n, cases])
    if "prevalence" in t.columns:
        p = _f(pd.to_numeric(t["prevalence"], errors="coerce"))
        if np.nanmax(p, initial=0.0) > 1.0:
            raise StuntlibError(
                "table: 'prevalence' must be a proportion in [0, 1]; got values up to "
                f"{np.nanmax(p)} (divide percent by 100)"
            )
        se = (
            _f(pd.to_numeric(t["se"], errors="coerce"))
            if "se" in t.columns
            else np.full(len(t), np.nan)
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = np.where(se > 0, p * (1.0 - p) / (se * se), np.nan)
        return p, se, np.stack([n_eff, p * n_eff])
    raise ColumnError(
        "table: expected counts ('n' and 'cases') or an estimate ('prevalence', with 'se' "
        f"if known); the columns are {list(t.columns)}"
    )


def _trend(years: FloatArray, p: FloatArray, se: FloatArray) -> tuple[float, float]:
    """UNICEF AARR over the points of one area: ``1 - exp(slope of log p on year)``.

    Returns the AARR and the standard error of the slope (delta method, known variances
    ``(se / p)^2`` of ``log p``; NaN when an SE is missing).
    """
    ok = np.isfinite(p) & (p > 0) & np.isfinite(years)
    x, y = years[ok], np.log(p[ok])
    if x.size < 2 or np.ptp(x) == 0:
        return np.nan, np.nan
    xc = x - x.mean()
    slope = float(np.sum(xc * (y - y.mean())) / np.sum(xc * xc))
    var_y = (se[ok] / p[ok]) ** 2
    var_slope = float(np.sum(xc * xc * var_y) / np.sum(xc * xc) ** 2)
    return 1.0 - np.exp(slope), np.sqrt(var_slope)


def _resolve_target(
    t: pd.DataFrame, target: Any, target_year: Any
) -> tuple[FloatArray, FloatArray]:
    """Target prevalence and target year of each row (NaN where none applies)."""
    n = len(t)
    if isinstance(target, str):
        if target not in t.columns:
            raise ColumnError(f"target: no column {target!r}; the columns are {list(t.columns)}")
        tgt = _f(pd.to_numeric(t[target], errors="coerce"))
    elif target is None and "target" in t.columns:
        tgt = _f(pd.to_numeric(t["target"], errors="coerce"))
    elif target is None:
        tgt = np.full(n, np.nan)
    else:
        try:
            tgt = np.full(n, float(target))
        except (TypeError, ValueError):
            raise StuntlibError(
                f"target: expected a proportion, a column name or None; got {target!r}"
            ) from None
    if isinstance(target_year, str):
        if target_year not in t.columns:
            raise ColumnError(
                f"target_year: no column {target_year!r}; the columns are {list(t.columns)}"
            )
        year = _f(pd.to_numeric(t[target_year], errors="coerce"))
    elif target_year is None and "target_year" in t.columns:
        year = _f(pd.to_numeric(t["target_year"], errors="coerce"))
    elif target_year is None:
        year = np.full(n, np.nan)
    else:
        if not isinstance(target_year, (int, np.integer)):
            raise StuntlibError(f"target_year: expected a year (int); got {target_year!r}")
        year = np.full(n, float(target_year))
    # a target year without a target takes the national path for that year
    national = {year: value for year, value, _, _ in NATIONAL_TARGETS}
    fill = np.isnan(tgt) & ~np.isnan(year)
    path = _f(pd.Series(year).map(national).astype("float64"))
    tgt = np.where(fill, path, tgt)
    with np.errstate(invalid="ignore"):
        if np.any((tgt < 0) | (tgt > 1)):
            raise StuntlibError("target: expected a proportion in [0, 1] (divide percent by 100)")
    return tgt, year


def target_status(
    table: pd.DataFrame,
    *,
    threshold: float = 0.025,
    target: float | str | None = None,
    target_year: int | str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Where each area stands: WHO/UNICEF class, "bebas stunting" evidence, AARR, target.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per area and year. Either counts ``n`` (children measured) and
        ``cases`` (stunted), or ``prevalence`` (proportion) with ``se`` if known; and
        ``year`` (int, or decimal years such as 2025.5 for rounds within a year).
        Optional ``population`` (children under five in the area, for the
        number of fewer stunted children), ``target`` and ``target_year`` (per-area
        targets). Every other column identifies the area.
    threshold : float, default 0.025
        Prevalence [proportion] that "bebas stunting" is judged against; the default is
        the WHO/UNICEF "very low" bound.
    target : float or str, optional
        Target prevalence [proportion] for every area, or the name of a column holding
        it. Default: the ``target`` column if present; else the national target of
        ``target_year`` from :data:`NATIONAL_TARGETS`.
    target_year : int or str, optional
        Year the target is to be reached, or a column name.
    level : float, default 0.95
        Confidence level of the one-sided upper bound and of the AARR interval.

    Returns
    -------
    pandas.DataFrame
        One row per area (the area columns, sorted), for its latest year: ``year``,
        ``n``, ``cases``, ``prevalence``, ``se``, ``who_class``, ``upper_bound`` (one-sided
        ``level`` upper bound: Clopper-Pearson for counts, from the effective counts for
        an estimate, so 0 of n never reads 0 %), ``p_below_threshold`` (P(true prevalence
        < ``threshold``) under the Jeffreys prior Beta(cases + 1/2, n - cases + 1/2)),
        ``first_year``, ``aarr`` (achieved, UNICEF log-linear fit over all years of the
        area), ``aarr_low``, ``aarr_high``, ``target``, ``target_year``,
        ``required_aarr``, ``fewer_stunted`` (children: (prevalence - target) x
        ``population``, or x ``n`` without a population), ``projected`` (prevalence in
        the target year at the achieved AARR), ``on_track`` (nullable boolean: True when
        the target is already met with the upper bound, or the lower AARR limit reaches
        the required AARR; False when the upper AARR limit falls short; NA when the
        interval straddles it or there is no trend) and ``track`` (``"met"``,
        ``"on track"``, ``"off track"``, ``"uncertain"``, ``"no trend"``,
        ``"no target"``).

    Raises
    ------
    StuntlibError
        If ``table`` is not a DataFrame, lacks counts or estimates or ``year``, has a
        prevalence above 1, or ``threshold``/``level``/``target`` is out of range.

    References
    ----------
    .. [1] de Onis M et al. (2019). Prevalence thresholds for wasting, overweight and
       stunting in children under 5 years. Public Health Nutr 22(1):175-179.
    .. [2] UNICEF Data and Analytics (2018). Technical note: how to calculate average
       annual rate of reduction (AARR) of underweight prevalence.
    .. [3] Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits
       illustrated in the case of the binomial. Biometrika 26:404-413.
    .. [4] Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial
       proportion. Stat Sci 16:101-133 (the Jeffreys prior).
    .. [5] Peraturan Presiden No 12 Tahun 2025 tentang RPJMN 2025-2029.

    Examples
    --------
    >>> t = pd.DataFrame({"kelurahan": ["A", "B"], "n": [30, 150], "cases": [0, 0],
    ...                   "year": [2025, 2025]})
    >>> out = target_status(t)
    >>> out[["kelurahan", "upper_bound", "p_below_threshold"]].round(3)
      kelurahan  upper_bound  p_below_threshold
    0         A        0.095              0.784
    1         B        0.020              0.994
    """
    from scipy import special  # the values of scipy.stats.norm and .beta, without its import

    if not isinstance(table, pd.DataFrame):
        raise StuntlibError(f"table: expected a DataFrame; got {type(table).__name__}")
    if "year" not in table.columns:
        raise ColumnError(f"table: no 'year' column; the columns are {list(table.columns)}")
    if not 0.0 < float(threshold) < 1.0:
        raise StuntlibError(f"threshold: expected a proportion in (0, 1); got {threshold!r}")
    if not 0.5 < float(level) < 1.0:
        raise StuntlibError(f"level: expected a confidence level in (0.5, 1); got {level!r}")
    keys = [c for c in table.columns if c not in _KNOWN]
    t = table.reset_index(drop=True)
    p, se, counts = _from_counts_or_estimate(t)
    n_eff, cases_eff = counts[0], counts[1]
    years = _f(pd.to_numeric(t["year"], errors="coerce"))
    tgt, tyear = _resolve_target(t, target, target_year)
    area = (
        t.groupby(keys, sort=True, dropna=False).ngroup().to_numpy()
        if keys
        else np.zeros(len(t), dtype=np.int64)
    )
    order = np.lexsort((years, area))
    last = order[np.r_[area[order][1:] != area[order][:-1], True]]
    first = order[np.r_[True, area[order][1:] != area[order][:-1]]]
    trend = [
        _trend(years[area == a], p[area == a], se[area == a]) for a in area[last]
    ]  # one fit per area (a handful of points each), not per child
    rate = np.array([x[0] for x in trend])
    slope_se = np.array([x[1] for x in trend])
    z = special.ndtri(1.0 - (1.0 - level) / 2.0)
    with np.errstate(invalid="ignore", over="ignore"):
        # AARR = 1 - exp(b): its interval from the slope's interval
        slope = np.log1p(-rate)
        aarr_low, aarr_high = 1.0 - np.exp(slope + z * slope_se), 1.0 - np.exp(slope - z * slope_se)
    out = t.loc[last, keys].reset_index(drop=True) if keys else pd.DataFrame(index=range(1))
    pl, nl, cl = p[last], n_eff[last], cases_eff[last]
    with np.errstate(invalid="ignore"):
        upper = np.where(
            nl > 0, special.betaincinv(cl + 1.0, np.maximum(nl - cl, 1e-12), level), np.nan
        )
        upper = np.where(cl >= nl, 1.0, upper)
        p_below = special.betainc(cl + 0.5, nl - cl + 0.5, threshold)
    whole = bool(np.all(years[np.isfinite(years)] % 1 == 0))
    out["year"] = years[last].astype(np.int64) if whole else years[last]
    out["n"] = n_eff[last]
    out["cases"] = cases_eff[last]
    out["prevalence"] = pl
    out["se"] = se[last]
    out["who_class"] = prevalence_class(pl)
    out["upper_bound"] = upper
    out["p_below_threshold"] = p_below
    out["first_year"] = years[first].astype(np.int64) if whole else years[first]
    out["aarr"] = rate
    out["aarr_low"] = aarr_low
    out["aarr_high"] = aarr_high
    t_last, ty_last = tgt[last], tyear[last]
    out["target"] = t_last
    out["target_year"] = ty_last
    left = ty_last - years[last]
    need = required_aarr(pl, t_last, left)
    out["required_aarr"] = need
    size = _f(pd.to_numeric(t.loc[last, "population"], errors="coerce")) if (
        "population" in t.columns) else nl  # fmt: skip
    out["fewer_stunted"] = np.maximum(pl - t_last, 0.0) * size
    with np.errstate(invalid="ignore"):
        out["projected"] = pl * (1.0 - rate) ** left
        met = upper <= t_last
        on = ~met & (aarr_low >= need)
        off = ~met & (aarr_high < need)
    has_target = ~np.isnan(t_last)
    has_trend = ~np.isnan(aarr_low)
    track = np.select(
        [~has_target, met, ~has_trend, on, off],
        ["no target", "met", "no trend", "on track", "off track"],
        "uncertain",
    )
    flag = pd.array(np.where(met | on, True, False), dtype="boolean")
    flag[~(met | on | off)] = pd.NA
    out["on_track"] = flag
    out["track"] = track
    return out
