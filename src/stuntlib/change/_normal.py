"""Regression to the mean: transition rates of a population that does not change (private math).

Under a stationary population the z-scores of one child in two rounds are bivariate normal
with the same mean and SD in both rounds and correlation ``r``. With the standardised
cut-off ``h = (c - mean) / sd`` the share crossing the cut-off downwards is
``P(X1 >= h, X2 < h) = Phi(h) - Phi2(h, h; r) = 2 T(h, sqrt((1 - r) / (1 + r)))``, where
``T`` is Owen's T function (Owen 1956, eq. 3.1 and 2.1). The same holds upwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    import pandas as pd

from stuntlib.errors import StuntlibError

__all__ = [
    "STUNTING_CUTOFF",
    "bivariate_normal_cdf_equal",
    "conditional_zscore",
    "stationary_confirmed_rates",
    "stationary_transition_rates",
]

FloatArray = NDArray[np.float64]

#: HAZ below which WHO classes a child stunted, on the exact z-score scale. WHO classes
#: the z-score rounded to 2 decimals (``round(z, 2) < -2``), which is ``z < -2.005``.
STUNTING_CUTOFF = -2.005


def _f(x: Any) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _check_r(r: FloatArray, argument: str = "r") -> None:
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(r) & ((r <= -1.0) | (r >= 1.0))
    if np.any(bad):
        raise StuntlibError(
            f"{argument}: expected a correlation strictly between -1 and 1; got "
            f"{r[bad].ravel()[:3].tolist()}"
        )


def bivariate_normal_cdf_equal(h: ArrayLike, r: ArrayLike) -> FloatArray:
    """``P(X1 < h, X2 < h)`` for standard bivariate normal variables with correlation ``r``.

    Exact, through Owen's T function: ``Phi(h) - 2 T(h, sqrt((1 - r) / (1 + r)))``.

    Parameters
    ----------
    h : array_like
        Standardised cut-off (float64; broadcast with ``r``).
    r : array_like
        Correlation in (-1, 1).

    Returns
    -------
    numpy.ndarray
        Probabilities in [0, 1]; NaN where an input is NaN.

    Raises
    ------
    StuntlibError
        If a correlation is outside (-1, 1).

    References
    ----------
    .. [1] Owen DB (1956). Tables for computing bivariate normal probabilities. Ann Math
       Stat 27:1075-1090.
    """
    from scipy import special  # ndtr is scipy.stats.norm.cdf, without its 1 s import

    h_, r_ = np.broadcast_arrays(_f(h), _f(r))
    _check_r(r_)
    with np.errstate(invalid="ignore"):
        a = np.sqrt((1.0 - r_) / (1.0 + r_))
    return np.asarray(special.ndtr(h_) - 2.0 * special.owens_t(h_, a), dtype=np.float64)


def stationary_transition_rates(
    mean: ArrayLike,
    sd: ArrayLike,
    r: ArrayLike,
    cutoff: float = STUNTING_CUTOFF,
) -> tuple[FloatArray, FloatArray]:
    """Share of children crossing a z-score cut-off between two rounds when nothing changes.

    The z-scores of a child in two rounds are modelled as bivariate normal with the same
    ``mean`` and ``sd`` in both rounds and between-round correlation ``r``. The model
    gives the share "newly below" among those at or above the cut-off in round 1,
    ``P(Z1 >= c, Z2 < c) / P(Z1 >= c)``, and the share "back above" among those below it,
    ``P(Z1 < c, Z2 >= c) / P(Z1 < c)``. These are the new cases and recoveries that
    measurement error and biological noise alone produce (regression to the mean).

    Parameters
    ----------
    mean : array_like
        Mean z-score of the population (float64, broadcast).
    sd : array_like
        Standard deviation of the z-score (> 0).
    r : array_like
        Between-round correlation of the z-scores of the same children, in (-1, 1).
    cutoff : float, default -2.005
        The cut-off ``c`` [z-score]. The default is WHO's stunting cut-off on the exact
        scale (WHO classes ``round(z, 2) < -2``).

    Returns
    -------
    newly_below, back_above : numpy.ndarray
        Proportions in [0, 1] (float64, broadcast shape of the inputs); NaN where an
        input is NaN or ``sd <= 0``.

    Raises
    ------
    StuntlibError
        If a correlation is outside (-1, 1).

    References
    ----------
    .. [1] Cole TJ (2005). Regression to the mean. BMJ 331:687 (Statistics notes), and
       Cole TJ (1995). Conditional reference charts to assess weight gain in British
       infants. Arch Dis Child 73:8-16.
    .. [2] Owen DB (1956). Tables for computing bivariate normal probabilities. Ann Math
       Stat 27:1075-1090.

    Examples
    --------
    >>> new, back = stationary_transition_rates(-1.2, 1.1, 0.9, cutoff=-2.0)
    >>> print(f"{float(new):.4f} {float(back):.4f}")
    0.0716 0.2349
    """
    from scipy import special  # ndtr is scipy.stats.norm.cdf, without its 1 s import

    m, s, rr = np.broadcast_arrays(_f(mean), _f(sd), _f(r))
    _check_r(rr)
    with np.errstate(invalid="ignore", divide="ignore"):
        h = np.where(s > 0, (cutoff - m) / s, np.nan)
        a = np.sqrt((1.0 - rr) / (1.0 + rr))
        crossing = 2.0 * special.owens_t(h, a)
        below = special.ndtr(h)
        newly_below = crossing / (1.0 - below)
        back_above = crossing / below
    return np.asarray(newly_below, dtype=np.float64), np.asarray(back_above, dtype=np.float64)


def stationary_confirmed_rates(
    mean: FloatArray,
    sd: FloatArray,
    r12: FloatArray,
    r23: FloatArray,
    r13: FloatArray,
    cutoff: float = STUNTING_CUTOFF,
) -> tuple[FloatArray, FloatArray]:
    """Like :func:`stationary_transition_rates`, with the crossing confirmed in round 3.

    ``P(Z1 >= c, Z2 < c, Z3 < c) / P(Z1 >= c)`` and ``P(Z1 < c, Z2 >= c, Z3 >= c) /
    P(Z1 < c)`` under a trivariate normal with equal margins. One integral per cell
    (not per child), by scipy's Genz integration with a fixed seed.
    """
    from scipy import stats

    n = len(mean)
    new = np.full(n, np.nan)
    back = np.full(n, np.nan)
    for i in range(n):  # one cell (pair of periods x group) per iteration, never one child
        values = (mean[i], sd[i], r12[i], r23[i], r13[i])
        if not np.all(np.isfinite(values)) or sd[i] <= 0:
            continue
        h = (cutoff - mean[i]) / sd[i]
        cov = np.array([[1.0, r12[i], r13[i]], [r12[i], 1.0, r23[i]], [r13[i], r23[i], 1.0]])
        if np.linalg.eigvalsh(cov).min() <= 0:
            continue
        tri = stats.multivariate_normal(mean=np.zeros(3), cov=cov, seed=1, abseps=1e-7, releps=1e-7)
        all_below = float(tri.cdf(np.full(3, h)))
        two_below = float(bivariate_normal_cdf_equal(h, r23[i]))
        p_below = float(stats.norm.cdf(h))
        # P(Z1 >= h, Z2 < h, Z3 < h) = P(Z2 < h, Z3 < h) - P(all three below)
        new[i] = (two_below - all_below) / (1.0 - p_below)
        # P(Z1 < h, Z2 >= h, Z3 >= h) by symmetry of the centred normal: reflect h -> -h
        all_above = float(tri.cdf(np.full(3, -h)))
        two_above = float(bivariate_normal_cdf_equal(-h, r23[i]))
        back[i] = (two_above - all_above) / p_below
    return new, back


@overload
def conditional_zscore(z1: ArrayLike, z2: pd.Series, r: ArrayLike) -> pd.Series: ...
@overload
def conditional_zscore(z1: ArrayLike, z2: ArrayLike, r: ArrayLike) -> NDArray[np.float64]: ...
def conditional_zscore(z1: ArrayLike, z2: ArrayLike, r: ArrayLike) -> Any:
    """Conditional z-score of growth: ``(z2 - r z1) / sqrt(1 - r^2)``.

    The z-score of the second measurement given the first, corrected for regression to
    the mean: in a population with correlation ``r`` between rounds it is standard
    normal, so a child far below the mean who "catches up" by the amount the correlation
    predicts scores 0, not a positive gain.

    Parameters
    ----------
    z1, z2 : array_like
        z-scores of the same children in the earlier and later round (float64, same
        shape; a pandas Series keeps its index).
    r : array_like
        Between-round correlation in (-1, 1), scalar or broadcast with ``z1``.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Conditional z-scores (float64); NaN where an input is NaN. A Series when ``z2``
        is a Series.

    Raises
    ------
    StuntlibError
        If a correlation is outside (-1, 1), or ``z1`` and ``z2`` differ in shape.

    References
    ----------
    .. [1] Cole TJ (1995). Conditional reference charts to assess weight gain in British
       infants. Arch Dis Child 73:8-16.
    .. [2] Cole TJ (2005). Regression to the mean. BMJ 331:687.

    Examples
    --------
    >>> conditional_zscore([-2.0, 0.0], [-1.8, 0.5], 0.8).round(3).tolist()
    [-0.333, 0.833]
    """
    from stuntlib._arrays import wrap_like

    a, b = _f(z1), _f(z2)
    if a.shape != b.shape:
        raise StuntlibError(
            f"z1, z2: expected arrays of the same shape; got {a.shape} and {b.shape}"
        )
    rr = _f(r)
    _check_r(np.atleast_1d(rr))
    with np.errstate(invalid="ignore"):
        out = (b - rr * a) / np.sqrt(1.0 - rr * rr)
    return wrap_like(z2, np.atleast_1d(out))
