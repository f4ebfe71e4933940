"""Confidence intervals for a proportion and for a mean.

Every function is vectorised: the arguments broadcast against each other and the result
is a pair of float arrays ``(low, high)``. Missing or undefined input (``n = 0``, NaN)
gives NaN limits, never an exception. Proportions are fractions in ``[0, 1]``.

The formulas are written out in :doc:`/methodology/prevalence`. Quantiles come from
:mod:`scipy.special` (``ndtri`` for the normal, ``stdtrit`` for Student's t,
``betaincinv`` for the beta), imported inside the functions that need them: neither
importing stuntlib nor estimating a prevalence loads :mod:`scipy.stats`.

References
----------
.. [1] Wilson EB (1927). Probable inference, the law of succession, and statistical
   inference. J Am Stat Assoc 22:209-212.
.. [2] Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated
   in the case of the binomial. Biometrika 26:404-413.
.. [3] Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial proportion.
   Stat Sci 16:101-133.
.. [4] Korn EL, Graubard BI (1998). Confidence intervals for proportions with small
   expected number of positive counts estimated from survey data. Surv Methodol 24:193-201.
.. [5] Lumley T (2010). Complex Surveys: A Guide to Analysis Using R. Wiley (svyciprop).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stuntlib.errors import StuntlibError

__all__ = [
    "clopper_pearson_interval",
    "jeffreys_interval",
    "korn_graubard_interval",
    "logit_interval",
    "mean_interval",
    "t_quantile",
    "wilson_interval",
]

FloatArray = NDArray[np.float64]


def _check_level(level: float) -> float:
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise StuntlibError(
            f"level: expected a confidence level strictly between 0 and 1 (e.g. 0.95); "
            f"got {level!r}"
        ) from None
    if not 0.0 < value < 1.0:
        raise StuntlibError(
            f"level: expected a confidence level strictly between 0 and 1 (e.g. 0.95); "
            f"got {level!r}"
        )
    return value


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def t_quantile(level: float, df: ArrayLike) -> FloatArray:
    """Two-sided Student-t critical value; the normal one where ``df`` is infinite.

    Parameters
    ----------
    level : float
        Confidence level, e.g. 0.95.
    df : numeric or array-like
        Degrees of freedom; ``inf`` gives the normal quantile, ``df <= 0`` or NaN gives NaN.

    Returns
    -------
    numpy.ndarray
        ``t_{1 - (1 - level)/2, df}``.

    Raises
    ------
    StuntlibError
        If ``level`` is not strictly between 0 and 1.

    References
    ----------
    .. [1] Student (1908). The probable error of a mean. Biometrika 6:1-25.
    .. [2] Lumley T (2004). J Stat Softw 9(8); R ``survey`` (design degrees of freedom).

    Examples
    --------
    >>> round(float(t_quantile(0.95, np.inf)), 6)
    1.959964
    >>> round(float(t_quantile(0.95, 10)), 6)
    2.228139
    """
    from scipy import special

    level = _check_level(level)
    d = _f(df)
    q = 1.0 - (1.0 - level) / 2.0
    with np.errstate(invalid="ignore"):
        t = special.stdtrit(np.where(d > 0, d, np.nan), q)
        out = np.where(np.isinf(d), special.ndtri(q), t)
    return np.asarray(out, dtype=np.float64)


def wilson_interval(
    cases: ArrayLike, n: ArrayLike, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a binomial proportion.

    ``centre = (x + z²/2) / (n + z²)`` and
    ``half = z / (n + z²) · sqrt(x (n − x) / n + z²/4)``.

    Parameters
    ----------
    cases : numeric or array-like
        Number of positive children ``x`` (may be non-integer, e.g. an effective count).
    n : numeric or array-like
        Number of children (or effective sample size); ``n <= 0`` gives NaN.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    low, high : numpy.ndarray
        Interval limits as fractions.

    Raises
    ------
    StuntlibError
        If ``level`` is not strictly between 0 and 1.

    References
    ----------
    .. [1] Wilson EB (1927). Probable inference, the law of succession, and statistical
       inference. J Am Stat Assoc 22:209-212.

    Examples
    --------
    >>> low, high = wilson_interval(3, 12)
    >>> print(f"{float(low):.6f} {float(high):.6f}")
    0.088942 0.532305
    """
    from scipy import special

    level = _check_level(level)
    x, m = np.broadcast_arrays(_f(cases), _f(n))
    z = special.ndtri(1.0 - (1.0 - level) / 2.0)
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        m_ok = np.where(m > 0, m, np.nan)
        centre = (x + z2 / 2.0) / (m_ok + z2)
        half = z / (m_ok + z2) * np.sqrt(np.maximum(x * (m_ok - x) / m_ok, 0.0) + z2 / 4.0)
    low = np.clip(centre - half, 0.0, 1.0)
    high = np.clip(centre + half, 0.0, 1.0)
    # exact boundaries: x = 0 gives 0, x = n gives 1 (the formula does so up to rounding)
    low = np.where(x <= 0, 0.0, low)
    high = np.where(x >= m, 1.0, high)
    bad = ~(m > 0) | np.isnan(x)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def clopper_pearson_interval(
    cases: ArrayLike, n: ArrayLike, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Clopper–Pearson ("exact") interval from beta quantiles.

    ``low = B(α/2; x, n − x + 1)`` (0 when ``x = 0``) and
    ``high = B(1 − α/2; x + 1, n − x)`` (1 when ``x = n``).

    Parameters
    ----------
    cases : numeric or array-like
        Number of positive children (non-integer allowed).
    n : numeric or array-like
        Number of children; ``n <= 0`` gives NaN.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    low, high : numpy.ndarray
        Interval limits as fractions.

    Raises
    ------
    StuntlibError
        If ``level`` is not strictly between 0 and 1.

    References
    ----------
    .. [1] Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits
       illustrated in the case of the binomial. Biometrika 26:404-413.

    Examples
    --------
    >>> low, high = clopper_pearson_interval([0, 3, 12], 12)
    >>> [round(v, 6) for v in low.tolist()], [round(v, 6) for v in high.tolist()]
    ([0.0, 0.054861, 0.735352], [0.264648, 0.571858, 1.0])
    """
    from scipy import special

    level = _check_level(level)
    alpha = 1.0 - level
    x, m = np.broadcast_arrays(_f(cases), _f(n))
    with np.errstate(invalid="ignore"):
        low = special.betaincinv(np.where(x > 0, x, 1.0), m - x + 1.0, alpha / 2.0)
        high = special.betaincinv(x + 1.0, np.where(m - x > 0, m - x, 1.0), 1.0 - alpha / 2.0)
    low = np.where(x <= 0, 0.0, low)
    high = np.where(x >= m, 1.0, high)
    bad = ~(m > 0) | np.isnan(x)
    return (
        np.where(bad, np.nan, low).astype(np.float64),
        np.where(bad, np.nan, high).astype(np.float64),
    )


def jeffreys_interval(
    cases: ArrayLike, n: ArrayLike, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Jeffreys interval: equal-tailed quantiles of Beta(x + ½, n − x + ½).

    With the boundary modification of Brown, Cai and DasGupta (2001): the lower limit is
    0 when ``x = 0`` and the upper limit 1 when ``x = n``.

    Parameters
    ----------
    cases : numeric or array-like
        Number of positive children (non-integer allowed).
    n : numeric or array-like
        Number of children; ``n <= 0`` gives NaN.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    low, high : numpy.ndarray
        Interval limits as fractions.

    Raises
    ------
    StuntlibError
        If ``level`` is not strictly between 0 and 1.

    References
    ----------
    .. [1] Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial
       proportion. Stat Sci 16:101-133.

    Examples
    --------
    >>> low, high = jeffreys_interval(3, 12)
    >>> print(f"{float(low):.6f} {float(high):.6f}")
    0.075942 0.529191
    """
    from scipy import special

    level = _check_level(level)
    alpha = 1.0 - level
    x, m = np.broadcast_arrays(_f(cases), _f(n))
    with np.errstate(invalid="ignore"):
        a = x + 0.5
        b = m - x + 0.5
        low = special.betaincinv(a, b, alpha / 2.0)
        high = special.betaincinv(a, b, 1.0 - alpha / 2.0)
    low = np.where(x <= 0, 0.0, low)
    high = np.where(x >= m, 1.0, high)
    bad = ~(m > 0) | np.isnan(x)
    return (
        np.where(bad, np.nan, low).astype(np.float64),
        np.where(bad, np.nan, high).astype(np.float64),
    )


def logit_interval(
    p: ArrayLike, se: ArrayLike, df: ArrayLike = np.inf, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wald interval on the logit scale, back-transformed (R ``svyciprop(method = "logit")``).

    ``expit(logit(p) ∓ t_df · se / (p (1 − p)))``. At ``p = 0`` and ``p = 1`` the interval
    is the single point ``[p, p]``, as WHO ``anthro_prevalence`` reports it (use the
    Korn–Graubard or Clopper–Pearson interval when that matters).

    Parameters
    ----------
    p : numeric or array-like
        Estimated proportion.
    se : numeric or array-like
        Standard error of ``p`` (design-based or binomial).
    df : numeric or array-like, default inf
        Degrees of freedom of the t quantile; ``inf`` uses the normal quantile.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    low, high : numpy.ndarray
        Interval limits as fractions; NaN where ``p`` or ``se`` is NaN.

    Raises
    ------
    StuntlibError
        If ``level`` is not strictly between 0 and 1.

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence``.
    .. [2] Lumley T (2004). J Stat Softw 9(8); R ``survey::svyciprop(method = "logit")``.

    Examples
    --------
    >>> low, high = logit_interval(0.25, 0.125, df=11)
    >>> print(f"{float(low):.6f} {float(high):.6f}")
    0.071363 0.591148
    """
    level = _check_level(level)
    pp, s, d = np.broadcast_arrays(_f(p), _f(se), _f(df))
    t = t_quantile(level, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        eta = np.log(pp / (1.0 - pp))
        half = t * s / (pp * (1.0 - pp))
        low = 1.0 / (1.0 + np.exp(-(eta - half)))
        high = 1.0 / (1.0 + np.exp(-(eta + half)))
    edge = (pp == 0.0) | (pp == 1.0)
    low = np.where(edge, pp, low)
    high = np.where(edge, pp, high)
    # WHO: at 0 and 1 the interval is the point, whatever the standard error (even one
    # child, whose se is undefined)
    bad = np.isnan(pp) | (np.isnan(s) & ~edge)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def korn_graubard_interval(
    p: ArrayLike,
    se: ArrayLike,
    n: ArrayLike,
    df: ArrayLike = np.inf,
    level: float = 0.95,
) -> tuple[FloatArray, FloatArray]:
    """Korn–Graubard interval: Clopper–Pearson on a design-effective sample size.

    ``n* = p (1 − p) / se² · (t_{n−1} / t_df)²`` (``n* = n`` when ``p`` is 0 or 1 or
    ``se`` is 0), ``x* = p n*``; then ``low = B(α/2; x*, n* − x* + 1)`` (0 at ``p = 0``)
    and ``high = B(1 − α/2; x* + 1, n* − x*)`` (1 at ``p = 1``). This is R
    ``svyciprop(method = "beta")`` except at 0 % and 100 %, where R returns NaN.

    Parameters
    ----------
    p : numeric or array-like
        Estimated proportion.
    se : numeric or array-like
        Design-based standard error of ``p``.
    n : numeric or array-like
        Unweighted number of children in the domain.
    df : numeric or array-like, default inf
        Design degrees of freedom.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    low, high : numpy.ndarray
        Interval limits as fractions.

    Raises
    ------
    StuntlibError
        If ``level`` is not strictly between 0 and 1.

    References
    ----------
    .. [1] Korn EL, Graubard BI (1998). Confidence intervals for proportions with small
       expected number of positive counts estimated from survey data. Surv Methodol
       24:193-201.
    .. [2] Lumley T (2004). J Stat Softw 9(8); R ``survey::svyciprop(method = "beta")``.

    Examples
    --------
    With a binomial standard error and ``df = n - 1`` this is Clopper–Pearson:

    >>> low, high = korn_graubard_interval(0.25, (0.25 * 0.75 / 12) ** 0.5, 12, df=11)
    >>> print(f"{float(low):.6f} {float(high):.6f}")
    0.054861 0.571858
    >>> low, high = korn_graubard_interval(0.0, 0.0, 12, df=11)
    >>> print(f"{float(low):.6f} {float(high):.6f}")
    0.000000 0.264648
    """
    level = _check_level(level)
    pp, s, m, d = np.broadcast_arrays(_f(p), _f(se), _f(n), _f(df))
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where((pp > 0) & (pp < 1) & (s > 0), pp * (1.0 - pp) / (s * s), m)
        ratio = t_quantile(level, m - 1.0) / t_quantile(level, d)
        # one child (m - 1 = 0 df) or no design df: no t correction rather than NaN
        ratio = np.where(np.isfinite(ratio) & (ratio > 0), ratio, 1.0)
        n_eff = n_eff * ratio * ratio
    low, high = clopper_pearson_interval(pp * n_eff, n_eff, level)
    bad = np.isnan(pp) | ~(m > 0)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def mean_interval(
    mean: ArrayLike, se: ArrayLike, df: ArrayLike = np.inf, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Symmetric t interval for a mean: ``mean ∓ t_df · se``.

    Parameters
    ----------
    mean : numeric or array-like
        Estimated mean (e.g. a mean z-score).
    se : numeric or array-like
        Its standard error.
    df : numeric or array-like, default inf
        Degrees of freedom.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    low, high : numpy.ndarray
        Interval limits; NaN where an input is NaN.

    Raises
    ------
    StuntlibError
        If ``level`` is not strictly between 0 and 1.

    References
    ----------
    .. [1] Lumley T (2004). J Stat Softw 9(8); R ``survey::svymean`` with
       ``confint(df = degf(design))``.

    Examples
    --------
    >>> low, high = mean_interval(-1.0, 0.1, df=np.inf)
    >>> print(f"{float(low):.4f} {float(high):.4f}")
    -1.1960 -0.8040
    """
    level = _check_level(level)
    mu, s, d = np.broadcast_arrays(_f(mean), _f(se), _f(df))
    t = t_quantile(level, d)
    return mu - t * s, mu + t * s
