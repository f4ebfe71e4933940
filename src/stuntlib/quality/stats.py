"""Statistics of the data-quality report, vectorised over groups.

Every function takes plain arrays and, where it makes sense, an integer group code per
row (``codes`` in ``[0, n_groups)``), so the whole-data figure and the figure of every
posyandu come from one pass of :func:`numpy.bincount`. Missing values (NaN) are left out
of every statistic. Tail probabilities come from :mod:`scipy.special` (:func:`chi2_sf`,
:func:`binom_sf`, :func:`binom_cdf`, :func:`normal_isf`), imported inside the functions that
need them: :mod:`scipy.stats` costs about a second to import and is not needed.

Formulas are written out in ``docs/methodology/quality.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stuntlib.errors import StuntlibError

__all__ = [
    "binom_cdf",
    "binom_sf",
    "chi2_sf",
    "digit_preference_score",
    "grouped_moments",
    "index_of_dispersion",
    "kurtosis",
    "normal_isf",
    "ratio_test",
    "skewness",
    "smart_flags",
    "terminal_digit_counts",
    "terminal_digits",
    "whipple_index",
]

FloatArray = NDArray[np.float64]


def _codes_or_zero(codes: ArrayLike | None, n: int) -> tuple[NDArray[np.intp], int]:
    if codes is None:
        return np.zeros(n, dtype=np.intp), 1
    arr = np.asarray(codes, dtype=np.intp)
    return arr, int(arr.max()) + 1 if arr.size else 1


def chi2_sf(x: ArrayLike, df: ArrayLike) -> FloatArray:
    """Upper tail ``P(X >= x)`` of a chi-square variable with ``df`` degrees of freedom.

    The same numbers as ``scipy.stats.chi2.sf(x, df)`` (both are ``scipy.special.chdtrc``);
    ``x <= 0`` gives 1, NaN gives NaN.

    References
    ----------
    Abramowitz M, Stegun IA (1964). Handbook of Mathematical Functions, 26.4.
    """
    from scipy import special

    return np.asarray(special.chdtrc(df, np.maximum(np.asarray(x, dtype=np.float64), 0.0)))


def _binom_parts(
    k: ArrayLike, n: ArrayLike, p: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.bool_], NDArray[np.bool_]]:
    """``floor(k)``, ``n``, ``p`` as floats; where ``0 <= k < n``; where undefined."""
    kk = np.floor(np.asarray(k, dtype=np.float64))
    nn = np.asarray(n, dtype=np.float64)
    pp = np.asarray(p, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        inside = (kk >= 0) & (kk < nn)
        undefined = np.isnan(kk) | np.isnan(nn) | np.isnan(pp) | (nn < 0) | (pp < 0) | (pp > 1)
    return kk, nn, pp, inside, undefined


def binom_sf(k: ArrayLike, n: ArrayLike, p: ArrayLike) -> FloatArray:
    """``P(X > k)`` for ``X ~ Binomial(n, p)``: the regularised incomplete beta function.

    ``P(X > k) = I_p(k + 1, n - k)`` for ``0 <= k < n`` (``k`` is floored), 1 for
    ``k < 0`` and 0 for ``k >= n``; NaN for a missing or invalid argument. Bit for bit
    the numbers of ``scipy.stats.binom.sf`` (both use Boost's ``ibeta``).

    References
    ----------
    Abramowitz M, Stegun IA (1964). Handbook of Mathematical Functions, 26.5.24.
    """
    from scipy import special

    kk, nn, pp, inside, undefined = _binom_parts(k, n, p)
    tail = special.betainc(np.where(inside, kk + 1.0, 1.0), np.where(inside, nn - kk, 1.0), pp)
    out = np.where(inside, tail, np.where(kk < 0, 1.0, 0.0))
    return np.asarray(np.where(undefined, np.nan, out), dtype=np.float64)


def binom_cdf(k: ArrayLike, n: ArrayLike, p: ArrayLike) -> FloatArray:
    """``P(X <= k)`` for ``X ~ Binomial(n, p)``: ``1 - I_p(k + 1, n - k)`` computed directly.

    ``k`` is floored; 0 for ``k < 0`` and 1 for ``k >= n``; NaN for a missing or invalid
    argument. Agrees with ``scipy.stats.binom.cdf`` to about 1e-14.

    References
    ----------
    Abramowitz M, Stegun IA (1964). Handbook of Mathematical Functions, 26.5.24.
    """
    from scipy import special

    kk, nn, pp, inside, undefined = _binom_parts(k, n, p)
    head = special.betaincc(np.where(inside, kk + 1.0, 1.0), np.where(inside, nn - kk, 1.0), pp)
    out = np.where(inside, head, np.where(kk < 0, 0.0, 1.0))
    return np.asarray(np.where(undefined, np.nan, out), dtype=np.float64)


def normal_isf(q: ArrayLike) -> FloatArray:
    """Standard normal quantile of upper-tail probability ``q`` (``scipy.special.ndtri``).

    References
    ----------
    Abramowitz M, Stegun IA (1964). Handbook of Mathematical Functions, 26.2.
    """
    from scipy import special

    return np.asarray(-special.ndtri(np.asarray(q, dtype=np.float64)))


def terminal_digits(values: ArrayLike, decimals: int = 1) -> NDArray[np.int16]:
    """Terminal digit of measurements recorded to ``decimals`` decimal places.

    Parameters
    ----------
    values : array_like
        Measurements, e.g. height [cm] or weight [kg]; NaN allowed.
    decimals : int, default 1
        Decimal places the values were recorded with (0.1 cm and 0.1 kg: 1).

    Returns
    -------
    numpy.ndarray of int16
        The last recorded digit, 0-9; -1 where the value is NaN.

    References
    ----------
    WHO, UNICEF (2019). Recommendations for data collection, analysis and reporting on
    anthropometric indicators in children under 5 years old. Geneva: World Health
    Organization and UNICEF. Digit preference of length/height and weight.

    Examples
    --------
    >>> terminal_digits([85.0, 85.5, 12.34, np.nan]).tolist()
    [0, 5, 3, -1]
    """
    x = np.asarray(values, dtype=np.float64)
    scaled = np.rint(np.abs(x) * 10.0**decimals)
    out = np.full(x.shape, -1, dtype=np.int16)
    ok = np.isfinite(scaled)
    out[ok] = np.mod(scaled[ok], 10).astype(np.int16)
    return out


def terminal_digit_counts(
    values: ArrayLike, codes: ArrayLike | None = None, n_groups: int | None = None
) -> NDArray[np.int64]:
    """Count terminal digits 0-9, per group.

    Parameters
    ----------
    values : array_like
        Measurements recorded to one decimal (see :func:`terminal_digits`).
    codes : array_like of int, optional
        Group code of each row in ``[0, n_groups)``; default one group.
    n_groups : int, optional
        Number of groups (default ``max(codes) + 1``).

    Returns
    -------
    numpy.ndarray of int64, shape (n_groups, 10)
        Counts of digits 0..9; NaN values are not counted.

    References
    ----------
    WHO, UNICEF (2019). Recommendations for data collection, analysis and reporting on
    anthropometric indicators in children under 5 years old. Geneva: World Health
    Organization and UNICEF.

    Examples
    --------
    >>> terminal_digit_counts([1.0, 2.0, 3.5]).tolist()
    [[2, 0, 0, 0, 0, 1, 0, 0, 0, 0]]
    """
    digits = terminal_digits(values)
    g, inferred = _codes_or_zero(codes, digits.size)
    size = inferred if n_groups is None else n_groups
    ok = digits >= 0
    flat = np.bincount(g[ok] * 10 + digits[ok], minlength=size * 10)
    return flat.reshape(size, 10).astype(np.int64)


def digit_preference_score(
    counts: ArrayLike, digits: Sequence[int] | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Digit preference score (DPS) of a terminal-digit table, with its chi-square test.

    Over the ``k`` allowed digits (all ten by default), ``chi2 = sum((O_d - N/k)^2 /
    (N/k))`` with ``N = sum O_d`` and ``DPS = 100 * sqrt(chi2 / (N * (k - 1)))``. DPS is
    0 when every allowed digit is equally frequent and 100 when every value ends in the
    same digit. An instrument that can only give some digits (an MUAC tape marked every
    2 mm gives 0, 2, 4, 6, 8) is scored over those digits only; values ending in another
    digit are left out, as nipnTK's ``digitPreference(values = ...)`` does.

    Parameters
    ----------
    counts : array_like, shape (10,) or (n_groups, 10)
        Counts of the terminal digits 0-9.
    digits : sequence of int, optional
        The digits the instrument can give (default 0-9); at least two.

    Returns
    -------
    dps : numpy.ndarray
        Digit preference score, one per row of ``counts``; NaN when N = 0.
    chi2 : numpy.ndarray
        Chi-square statistic against a uniform digit (``k - 1`` degrees of freedom).
    p_value : numpy.ndarray
        Upper-tail p-value of ``chi2``.

    Raises
    ------
    StuntlibError
        If ``digits`` has fewer than two distinct digits, or one outside 0-9.

    References
    ----------
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada; Bilukha O, Couture A, McCain K, Leidman E (2020). Comparison of
    anthropometric data quality in children aged 6-59 months: assessing data quality
    metrics. Emerging Themes in Epidemiology 17:16 (DPS definition); nipnTK
    ``digitPreference`` (allowed digits).

    Examples
    --------
    Twenty values, ten ending in 0 and ten in 5: chi2 = 8 * 2 + 2 * 64 / 2 = 80,
    DPS = 100 * sqrt(80 / 180) = 66.67.

    >>> dps, chi2, p = digit_preference_score([10, 0, 0, 0, 0, 10, 0, 0, 0, 0])
    >>> round(float(dps[0]), 2), float(chi2[0])
    (66.67, 80.0)

    An even-mm MUAC tape, last digits 0, 2, 4, 6, 8 seen 8, 8, 8, 9, 7 times:
    chi2 = (1 + 1) / 8 = 0.25, DPS = 100 * sqrt(0.25 / (40 * 4)) = 3.95.

    >>> counts = [8, 0, 8, 0, 8, 0, 9, 0, 7, 0]
    >>> round(float(digit_preference_score(counts, digits=(0, 2, 4, 6, 8))[0][0]), 2)
    3.95
    """
    table = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    if digits is not None:
        allowed = sorted({int(d) for d in digits})
        if len(allowed) < 2 or allowed[0] < 0 or allowed[-1] > 9:
            raise StuntlibError(
                f"digits: expected at least two distinct digits 0-9; got {list(digits)!r}"
            )
        table = table[:, allowed]
    k = table.shape[1]
    n = table.sum(axis=1)
    expected = n / k
    with np.errstate(invalid="ignore", divide="ignore"):
        chi2 = ((table - expected[:, None]) ** 2 / expected[:, None]).sum(axis=1)
        dps = 100.0 * np.sqrt(chi2 / (n * (k - 1)))
    chi2 = np.where(n > 0, chi2, np.nan)
    dps = np.where(n > 0, dps, np.nan)
    p = chi2_sf(chi2, k - 1)
    return dps, chi2, np.asarray(p, dtype=np.float64)


def grouped_moments(
    values: ArrayLike, codes: ArrayLike | None = None, n_groups: int | None = None
) -> dict[str, FloatArray]:
    """Count, mean, SD, skewness and excess kurtosis of values, per group.

    SD uses ``n - 1``; skewness and kurtosis are the moment estimators
    ``g1 = m3 / m2**1.5`` and ``g2 = m4 / m2**2 - 3`` with ``m_k = sum((x - mean)^k) / n``
    (the definitions of the SMART plausibility check; 0 for a normal distribution).

    Parameters
    ----------
    values : array_like
        Values; NaN is left out.
    codes : array_like of int, optional
        Group code of each row; default one group.
    n_groups : int, optional
        Number of groups.

    Returns
    -------
    dict of numpy.ndarray
        ``n``, ``mean``, ``sd``, ``skewness``, ``kurtosis`` (one value per group; NaN
        where a group has too few values: SD needs 2, skewness and kurtosis need a
        non-zero variance).

    References
    ----------
    WHO, UNICEF (2019). Recommendations for data collection, analysis and reporting on
    anthropometric indicators in children under 5 years old. Geneva: World Health
    Organization and UNICEF. SD, skewness and kurtosis of z-scores;
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada.

    Examples
    --------
    >>> m = grouped_moments([1.0, 2.0, 3.0, 10.0, np.nan])
    >>> [round(float(m[k][0]), 4) for k in ("n", "mean", "sd", "skewness", "kurtosis")]
    [4.0, 4.0, 4.0825, 1.0182, -0.7696]
    """
    x = np.asarray(values, dtype=np.float64)
    g, inferred = _codes_or_zero(codes, x.size)
    size = inferred if n_groups is None else n_groups
    ok = ~np.isnan(x)
    g, x = g[ok], x[ok]
    n = np.bincount(g, minlength=size).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(g, weights=x, minlength=size) / n
        d = x - mean[g]
        d2 = d * d
        m2 = np.bincount(g, weights=d2, minlength=size) / n
        m3 = np.bincount(g, weights=d2 * d, minlength=size) / n
        m4 = np.bincount(g, weights=d2 * d2, minlength=size) / n
        sd = np.sqrt(m2 * n / (n - 1))
        skew = m3 / m2**1.5
        kurt = m4 / m2**2 - 3.0
    sd = np.where(n >= 2, sd, np.nan)
    positive = m2 > 0
    return {
        "n": n,
        "mean": np.where(n > 0, mean, np.nan),
        "sd": sd,
        "skewness": np.where(positive, skew, np.nan),
        "kurtosis": np.where(positive, kurt, np.nan),
    }


def skewness(values: ArrayLike) -> float:
    """Skewness ``g1 = m3 / m2**1.5`` of the non-missing values.

    Parameters
    ----------
    values : array_like
        Values; NaN is left out.

    Returns
    -------
    float
        Skewness (0 for a symmetric distribution); NaN if the variance is 0.

    References
    ----------
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada.

    Examples
    --------
    Deviations from the mean 4 are -3, -2, -1, 6: m2 = 50 / 4, m3 = 180 / 4,
    g1 = 45 / 12.5**1.5 = 1.0182.

    >>> round(skewness([1, 2, 3, 10]), 4)
    1.0182
    """
    return float(grouped_moments(values)["skewness"][0])


def kurtosis(values: ArrayLike) -> float:
    """Excess kurtosis ``g2 = m4 / m2**2 - 3`` of the non-missing values.

    Parameters
    ----------
    values : array_like
        Values; NaN is left out.

    Returns
    -------
    float
        Excess kurtosis (0 for a normal distribution); NaN if the variance is 0.

    References
    ----------
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada.

    Examples
    --------
    m4 = (81 + 16 + 1 + 1296) / 4 = 348.5, m2 = 12.5, g2 = 348.5 / 156.25 - 3 = -0.7696.

    >>> round(kurtosis([1, 2, 3, 10]), 4)
    -0.7696
    """
    return float(grouped_moments(values)["kurtosis"][0])


def ratio_test(n1: ArrayLike, n2: ArrayLike, expected_ratio: float) -> dict[str, FloatArray]:
    """Test an observed ratio ``n1 / n2`` against an expected ratio.

    Used for the sex ratio (boys / girls) and the SMART age ratio (children 6-29 months /
    30-59 months). The expected share of the first category is
    ``p = expected_ratio / (1 + expected_ratio)``; the chi-square statistic (1 degree of
    freedom, no continuity correction) is ``(n1 - N p)^2 / (N p) + (n2 - N (1 - p))^2 /
    (N (1 - p))`` and the exact binomial p-value is two-sided by doubling the smaller
    tail, ``min(1, 2 min(P(X <= n1), P(X >= n1)))`` with ``X ~ Binomial(N, p)``.

    Parameters
    ----------
    n1, n2 : array_like of int
        Counts of the two categories (one value per group).
    expected_ratio : float
        Expected ``n1 / n2``.

    Returns
    -------
    dict of numpy.ndarray
        ``n``, ``ratio`` (observed), ``expected_ratio``, ``chi2``, ``p_value``
        (chi-square) and ``p_binomial``; NaN where ``N = 0``.

    References
    ----------
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada. Sex ratio and age ratio (6-29 : 30-59 months)
    tests.

    Examples
    --------
    Sixty boys and forty girls against 1:1: chi2 = (10^2 / 50) * 2 = 4, p = 0.0455.

    >>> r = ratio_test([60], [40], 1.0)
    >>> float(r["ratio"][0]), float(r["chi2"][0]), round(float(r["p_value"][0]), 4)
    (1.5, 4.0, 0.0455)
    """
    a = np.asarray(n1, dtype=np.float64).reshape(-1)
    b = np.asarray(n2, dtype=np.float64).reshape(-1)
    n = a + b
    p = expected_ratio / (1.0 + expected_ratio)
    with np.errstate(invalid="ignore", divide="ignore"):
        e1, e2 = n * p, n * (1.0 - p)
        chi2 = (a - e1) ** 2 / e1 + (b - e2) ** 2 / e2
        ratio = a / b
    chi2 = np.where(n > 0, chi2, np.nan)
    p_chi = chi2_sf(chi2, 1)
    lower = binom_cdf(a, n, p)
    upper = binom_sf(a - 1, n, p)
    p_binom = np.minimum(1.0, 2.0 * np.minimum(lower, upper))
    p_binom = np.where(n > 0, p_binom, np.nan)
    return {
        "n": n,
        "ratio": ratio,
        "expected_ratio": np.full(n.shape, float(expected_ratio)),
        "chi2": chi2,
        "p_value": p_chi,
        "p_binomial": np.asarray(p_binom, dtype=np.float64),
    }


def index_of_dispersion(counts: ArrayLike) -> dict[str, float]:
    """Poisson index of dispersion of case counts across clusters.

    ``ID = s^2 / mean`` of the counts per cluster (``s^2`` with ``k - 1``); under a Poisson
    distribution ``ID (k - 1)`` follows chi-square with ``k - 1`` degrees of freedom. The
    p-value is the upper tail: a small p-value means cases are clustered (ID > 1).

    Parameters
    ----------
    counts : array_like of int
        Number of cases (e.g. WHZ < -2) in each of k clusters.

    Returns
    -------
    dict
        ``clusters`` (k), ``index`` (ID), ``chi2`` and ``p_value``; NaN when k < 2 or no
        cluster has a case.

    References
    ----------
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada. Poisson distribution of WHZ < -2 across
    clusters.

    Examples
    --------
    Counts 0, 2, 4: mean 2, variance 4, ID = 2, chi2 = 4 on 2 df, p = exp(-2) = 0.1353.

    >>> r = index_of_dispersion([0, 2, 4])
    >>> r["index"], r["chi2"], round(r["p_value"], 4)
    (2.0, 4.0, 0.1353)
    """
    c = np.asarray(counts, dtype=np.float64).reshape(-1)
    k = c.size
    mean = float(c.mean()) if k else float("nan")
    if k < 2 or not mean > 0:
        return {"clusters": float(k), "index": np.nan, "chi2": np.nan, "p_value": np.nan}
    index = float(c.var(ddof=1) / mean)
    chi2 = index * (k - 1)
    return {
        "clusters": float(k),
        "index": index,
        "chi2": chi2,
        "p_value": float(chi2_sf(chi2, k - 1)),
    }


def whipple_index(
    age_months: ArrayLike,
    codes: ArrayLike | None = None,
    n_groups: int | None = None,
    *,
    every: int = 6,
    upper: int = 60,
) -> FloatArray:
    """Whipple-type index of age heaping on completed months that are multiples of ``every``.

    ``100 * s / (1 / every)`` where ``s`` is the share of ages whose completed month is
    0, 6, 12, ... (below ``upper``) and ``1 / every`` the share expected without heaping:
    100 means no heaping, ``100 * every`` means every age is heaped.

    Parameters
    ----------
    age_months : array_like
        Age [months], unrounded; values outside ``[0, upper)`` and NaN are left out.
    codes : array_like of int, optional
        Group code of each row; default one group.
    n_groups : int, optional
        Number of groups.
    every : int, default 6
        Heaping interval [months].
    upper : int, default 60
        Ages from 0 up to (not including) ``upper`` months are used.

    Returns
    -------
    numpy.ndarray
        Index per group; NaN for an empty group.

    References
    ----------
    Whipple GC (1919), as described in Shryock HS, Siegel JS (1976). The Methods and
    Materials of Demography, ch. 8 (Whipple's and Myers' indexes of heaping); here
    applied to completed months, with heaping on multiples of 6 months.
    WHO, UNICEF (2019). Recommendations for data collection, analysis and reporting on
    anthropometric indicators in children under 5 years old. Geneva: World Health
    Organization and UNICEF (age heaping).

    Examples
    --------
    Ages 0-11 months, one child each, plus two more aged 6: 4 of 14 on a multiple of 6,
    index = 100 * (4 / 14) / (1 / 6) = 171.4.

    >>> round(float(whipple_index(list(range(12)) + [6.2, 6.9])[0]), 1)
    171.4
    """
    months = np.asarray(age_months, dtype=np.float64)
    g, inferred = _codes_or_zero(codes, months.size)
    size = inferred if n_groups is None else n_groups
    with np.errstate(invalid="ignore"):
        ok = (months >= 0) & (months < upper)
    whole = np.floor(months[ok]).astype(np.int64)
    heaped = np.bincount(g[ok], weights=(whole % every == 0), minlength=size)
    total = np.bincount(g[ok], minlength=size).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: Any = 100.0 * (heaped / total) * every
    return np.where(total > 0, out, np.nan)


def smart_flags(
    z: ArrayLike, who_flag: ArrayLike | None = None, width: float = 3.0
) -> NDArray[np.bool_]:
    """SMART flags: z-scores more than ``width`` from the mean of the WHO-unflagged ones.

    Parameters
    ----------
    z : array_like
        z-scores; NaN is never flagged.
    who_flag : array_like of bool, optional
        WHO flags; flagged values are left out of the mean.
    width : float, default 3.0
        Distance from the observed mean [z].

    Returns
    -------
    numpy.ndarray of bool
        True where the value is flagged.

    References
    ----------
    SMART Methodology (2017). Plausibility check for SMART surveys (SMART flags:
    +/- 3 z from the observed mean).

    Examples
    --------
    Seven zeros and a 4: the mean is 0.5, and only 4 lies more than 3 from it.

    >>> smart_flags([0, 0, 0, 0, 0, 0, 0, 4.0, np.nan]).tolist()
    [False, False, False, False, False, False, False, True, False]
    """
    x = np.asarray(z, dtype=np.float64)
    usable = ~np.isnan(x)
    if who_flag is not None:
        usable &= ~np.asarray(who_flag, dtype=bool)
    if not usable.any():
        return np.zeros(x.shape, dtype=bool)
    mean = float(x[usable].mean())
    with np.errstate(invalid="ignore"):
        return np.asarray(np.abs(x - mean) > width)
