"""Variance of a prevalence or mean z-score: census, survey and clustered designs.

* census data (no design): the binomial variance ``p(1 - p)/n`` (WHO ``anthro``'s simple
  logit interval multiplies it by ``N/(N - 1)``), and for means ``N/(N - 1)`` times the
  variance of the mean; optionally times the finite-population correction
  ``(N - n)/(N - 1)`` [3]_;
* survey data: the ratio estimator ``r = sum(w y)/sum(w)`` with a Taylor-linearised,
  with-replacement variance of the PSU totals of ``(y - r) w / sum(w)`` within strata,
  a lonely PSU centred on the grand mean (R ``survey``'s ``lonely.psu = "adjust"``) [1]_ [2]_;
* the design effect ``deff = var / var_srs`` and the effective sample size
  ``n_eff = p(1 - p)/var`` [3]_.

References
----------
.. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (survey designs through
   R ``survey``).
.. [2] Lumley T (2004). Analysis of complex survey samples. J Stat Softw 9(8); R package
   ``survey``, ``svymean`` / ``svyciprop``.
.. [3] Kish L (1965). Survey Sampling. New York: Wiley (finite-population correction,
   design effect, effective sample size).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.estimation._frame import FloatArray
from stuntlib.estimation.sums import _STRATUM, PartialSums

__all__ = [
    "census_mean_variance",
    "census_proportion_variance",
    "design_degrees_of_freedom",
    "design_effect",
    "finite_population_correction",
    "survey_variance",
]


def design_degrees_of_freedom(sums: PartialSums) -> float:
    """Degrees of freedom of the whole design: PSUs minus strata (positive weight only).

    Census data: analysed rows minus one (WHO ``anthro``'s ``N - 1``).

    Parameters
    ----------
    sums : PartialSums
        Merged partial sums.

    Returns
    -------
    float
        Degrees of freedom for the t quantile.

    References
    ----------
    .. [1] Lumley T (2004). J Stat Softw 9(8); R ``survey::degf``.
    """
    d = sums.design
    if sums.mode == "census":
        return float(sums.rows - 1)
    if sums.clustered:
        pos = d[d["weight"] > 0]
        return float(len(pos) - pos[_STRATUM].nunique())
    return float(d["positive"].sum() - (d["positive"] > 0).sum())


def psus_per_stratum(sums: PartialSums) -> pd.Series:
    """Number of PSUs per stratum (each child is a PSU without ``cluster``)."""
    d = sums.design
    if sums.clustered:
        return d.groupby(_STRATUM, sort=False, observed=True).size()
    return d.groupby(_STRATUM, sort=False, observed=True)["rows"].sum()


def _stratum_variance(
    s1: NDArray[Any], s2: NDArray[Any], m: FloatArray, group: NDArray[np.int64], ng: int
) -> FloatArray:
    """Sum over strata of the with-replacement PSU variance (lonely PSU: R's "adjust")."""
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = np.where(m > 1, m / (m - 1.0) * (s2 - s1 * s1 / m), s2)
    contrib = np.where(np.isnan(contrib), 0.0, contrib)
    return np.maximum(np.bincount(group, weights=contrib, minlength=ng), 0.0)


@dataclass(frozen=True)
class SurveyLayout:
    """Where the cells of one grouping sit: group of each cell, and group x stratum.

    Attributes
    ----------
    g_idx : numpy.ndarray of int64
        Group of each cell (length: cells).
    m_gh : numpy.ndarray of float64
        PSUs in the stratum of each group x stratum (clustered) or of each cell.
    gh_idx, gh_group : numpy.ndarray of int64 or None
        Clustered designs: group x stratum of each cell, and group of each group x stratum.
    """

    g_idx: NDArray[np.int64]
    m_gh: FloatArray
    gh_idx: NDArray[np.int64] | None = None
    gh_group: NDArray[np.int64] | None = None


def survey_layout(
    cells: pd.DataFrame, keys: list[str], g_idx: NDArray[np.int64], m_h: pd.Series, clustered: bool
) -> SurveyLayout:
    """The :class:`SurveyLayout` of sorted cells of one grouping."""
    if not clustered:
        return SurveyLayout(g_idx, cells[_STRATUM].map(m_h).to_numpy(dtype=np.float64))
    gh_frame = cells[keys + [_STRATUM]] if keys else cells[[_STRATUM]]
    gh_idx = np.asarray(
        gh_frame.groupby(list(gh_frame.columns), sort=False, observed=True).ngroup().to_numpy(),
        dtype=np.int64,
    )
    n_gh = int(gh_idx.max()) + 1 if len(gh_idx) else 0
    first = np.zeros(n_gh, dtype=np.int64)
    first[gh_idx] = np.arange(len(gh_idx))
    m_gh = cells[_STRATUM].iloc[first].map(m_h).to_numpy(dtype=np.float64)
    return SurveyLayout(g_idx, m_gh, gh_idx, g_idx[first])


def survey_variance(
    cells: pd.DataFrame,
    layout: SurveyLayout,
    name: str,
    base: str,
    kind: str,
    r: FloatArray,
    W: FloatArray,
) -> FloatArray:
    """Taylor-linearised variance of the ratio ``r = A/W`` per group.

    Parameters
    ----------
    cells : pandas.DataFrame
        The sorted cells of one grouping (per group x stratum, or x PSU when clustered).
    layout : SurveyLayout
        From :func:`survey_layout`.
    name, base : str
        Indicator name and validity base (the sum columns ``a:<name>``, ``w:<base>``...).
    kind : {"prevalence", "mean"}
        Indicator kind.
    r, W : numpy.ndarray
        Estimate and weighted n per group.

    Returns
    -------
    numpy.ndarray of float64
        Variance per group (NaN where ``W = 0``).

    References
    ----------
    .. [1] Lumley T (2004). J Stat Softw 9(8); R ``survey::svymean`` (with replacement,
       ``lonely.psu = "adjust"``).
    """
    g_idx = layout.g_idx
    ng = len(r)
    a_c = cells[f"a:{name}"].to_numpy(dtype=np.float64)
    w_c = cells[f"w:{base}"].to_numpy(dtype=np.float64)
    WW = W[g_idx]
    rr = r[g_idx]
    if layout.gh_idx is not None and layout.gh_group is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            u = (a_c - rr * w_c) / WW
        u = np.where(np.isfinite(u), u, 0.0)
        s1 = np.bincount(layout.gh_idx, weights=u, minlength=len(layout.m_gh))
        s2 = np.bincount(layout.gh_idx, weights=u * u, minlength=len(layout.m_gh))
        var = _stratum_variance(s1, s2, layout.m_gh, layout.gh_group, ng)
    else:
        ww_c = cells[f"ww:{base}"].to_numpy(dtype=np.float64)
        wa_c = cells[f"wa:{name}"].to_numpy(dtype=np.float64)
        waa_c = wa_c if kind == "prevalence" else cells[f"waa:{name}"].to_numpy(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            s1 = (a_c - rr * w_c) / WW
            s2 = np.maximum(waa_c - 2.0 * rr * wa_c + rr * rr * ww_c, 0.0) / (WW * WW)
        s1 = np.where(np.isfinite(s1), s1, 0.0)
        s2 = np.where(np.isfinite(s2), s2, 0.0)
        var = _stratum_variance(s1, s2, layout.m_gh, g_idx, ng)
    return np.where(W > 0, var, np.nan)


def census_proportion_variance(r: FloatArray, n: FloatArray, factor: float) -> FloatArray:
    """Binomial variance ``factor * r (1 - r) / n`` (``factor = N/(N - 1)`` for WHO's logit).

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (simple estimator).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(factor * r * (1.0 - r) / n)


def census_mean_variance(A: FloatArray, S2: FloatArray, n: FloatArray, N: float) -> FloatArray:
    """Variance of a mean z-score from its sums: ``N/(N - 1) * (S2 - A^2/n) / n^2``.

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (``svymean`` without a
       design: each child is a PSU).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        ss = np.maximum(S2 - A * A / n, 0.0)
        return np.asarray(np.float64(N) / (N - 1.0) * ss / (n * n))


def finite_population_correction(population: FloatArray | None, n: FloatArray) -> FloatArray:
    """``(N - n)/(N - 1)`` clipped to [0, 1]; 1 where the population is unknown.

    References
    ----------
    .. [1] Kish L (1965). Survey Sampling. Wiley, section 2.2.
    """
    if population is None:
        return np.ones(len(n))
    with np.errstate(invalid="ignore", divide="ignore"):
        fpc = np.clip((population - n) / np.maximum(population - 1.0, 1.0), 0.0, 1.0)
    return np.asarray(np.where(np.isnan(population), 1.0, fpc))


def design_effect(
    r: FloatArray, var: FloatArray, n: FloatArray, survey: bool, fpc: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Design effect and effective sample size of a proportion.

    Survey: ``deff = var n / (r (1 - r))`` and ``n_eff = r (1 - r) / var`` (``n`` at 0 %
    and 100 %). Census: ``deff`` is the finite-population factor and ``n_eff = n / fpc``.

    References
    ----------
    .. [1] Kish L (1965). Survey Sampling. Wiley, section 8.2.
    .. [2] Korn EL, Graubard BI (1998). Surv Methodol 24:193-201 (effective n).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        inner = (r > 0) & (r < 1)
        if survey:
            deff = np.where(inner & (n > 0), var * n / (r * (1.0 - r)), np.nan)
            n_eff = np.where(inner & (var > 0), r * (1.0 - r) / var, n)
        else:
            n_eff = np.where(fpc > 0, n / fpc, np.inf)
            deff = np.where(n > 0, fpc, np.nan)
    return np.asarray(deff), np.asarray(n_eff)
