"""Pure LMS mathematics: z-scores, WHO's restricted z-score, measurement at a z-score.

All functions take array-likes and return float64 numpy arrays; NaN in gives NaN out.

References
----------
.. [1] Cole TJ, Green PJ. Smoothing reference centile curves: the LMS method and
   penalized likelihood. Stat Med 1992;11:1305-19.
.. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
   Length/height-for-age, weight-for-age, weight-for-length, weight-for-height and
   body mass index-for-age. Methods and development. Geneva: WHO, 2006 (chapter 7,
   "Computation of centiles and z-scores", restricted application of the LMS method).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "r_round",
    "restricted_zscore",
    "value_from_zscore",
    "zscore_from_lms",
]

FloatArray = NDArray[np.float64]


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def zscore_from_lms(y: ArrayLike, l: ArrayLike, m: ArrayLike, s: ArrayLike) -> FloatArray:
    """Z-score of a measurement by the LMS (Box-Cox) formula.

    ``z = ((y / M) ** L - 1) / (L * S)``, or ``ln(y / M) / S`` when ``L = 0``.

    Parameters
    ----------
    y : array_like
        Measurement [unit of the table].
    l, m, s : array_like
        Box-Cox power, median and coefficient of variation.

    Returns
    -------
    numpy.ndarray
        The z-score; NaN where any input is NaN.

    References
    ----------
    .. [1] Cole TJ, Green PJ. Smoothing reference centile curves: the LMS method and
       penalized likelihood. Stat Med 1992;11:1305-1319.
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.

    Examples
    --------
    >>> float(zscore_from_lms(50.0, 1.0, 56.4833, 0.03492))  # WHO anthro unit test
    -3.2871...
    """
    y, l, m, s = _f(y), _f(l), _f(m), _f(s)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = y / m
        general = (np.power(ratio, l) - 1.0) / (l * s)
        return np.where(l == 0.0, np.log(ratio) / s, general)


def value_from_zscore(
    z: ArrayLike, l: ArrayLike, m: ArrayLike, s: ArrayLike, *, restricted: bool = False
) -> FloatArray:
    """Measurement at a given z-score (the inverse of the LMS formula).

    Parameters
    ----------
    z : array_like
        Z-score.
    l, m, s : array_like
        LMS parameters.
    restricted : bool, default False
        Invert WHO's restricted z-score instead: beyond ±3 the measurement moves
        linearly, by the distance between the 2 and 3 SD curves per unit of z.

    Returns
    -------
    numpy.ndarray
        The measurement [unit of the table].

    References
    ----------
    .. [1] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.

    Examples
    --------
    >>> float(value_from_zscore(0.0, 0.0552, 9.9065, 0.10953))  # z = 0 is the median
    9.9065
    >>> round(float(value_from_zscore(4.6249, 0.0552, 9.9065, 0.10953, restricted=True)), 3)
    16.0
    """
    z, l, m, s = _f(z), _f(l), _f(m), _f(s)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        plain = np.where(l == 0.0, m * np.exp(s * z), m * np.power(1.0 + l * s * z, 1.0 / l))
        if not restricted:
            return plain
        sd3p, sd2p = _sd_curve(3.0, l, m, s), _sd_curve(2.0, l, m, s)
        sd3n, sd2n = _sd_curve(-3.0, l, m, s), _sd_curve(-2.0, l, m, s)
        high = sd3p + (z - 3.0) * (sd3p - sd2p)
        low = sd3n + (z + 3.0) * (sd2n - sd3n)
        return np.where(z > 3.0, high, np.where(z < -3.0, low, plain))


def _sd_curve(k: float, l: FloatArray, m: FloatArray, s: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(l == 0.0, m * np.exp(s * k), m * np.power(1.0 + l * s * k, 1.0 / l))


def restricted_zscore(y: ArrayLike, l: ArrayLike, m: ArrayLike, s: ArrayLike) -> FloatArray:
    """WHO's restricted ("adjusted") z-score for skewed indicators.

    Within ±3 SD it is the LMS z-score. Beyond, the distance to the 3 SD curve is
    measured in units of the distance between the 2 and 3 SD curves on the same side:
    ``z = 3 + (y - SD3) / (SD3 - SD2)`` above and ``z = -3 + (y - SD3neg) /
    (SD2neg - SD3neg)`` below. WHO applies it to weight-for-age, weight-for-length/height,
    BMI-for-age, arm circumference and the skinfolds, not to length/height-for-age or
    head circumference.

    Parameters
    ----------
    y : array_like
        Measurement.
    l, m, s : array_like
        LMS parameters.

    Returns
    -------
    numpy.ndarray
        The restricted z-score.

    References
    ----------
    .. [1] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006. Chapter 7 (the restricted
       z-score beyond ±3 SD).

    Examples
    --------
    Boy, 400 days, 16 kg (WHO_RULES worked example: raw z 4.435, restricted 4.62):

    >>> round(float(restricted_zscore(16.0, 0.0552, 9.9065, 0.10953)), 4)
    4.6249
    """
    y, l, m, s = _f(y), _f(l), _f(m), _f(s)
    z = zscore_from_lms(y, l, m, s)
    shape = z.shape
    z = np.array(z, dtype=np.float64, ndmin=1)
    with np.errstate(invalid="ignore"):
        beyond = np.flatnonzero(np.abs(z) > 3.0)
    if beyond.size:
        # Only the few rows beyond ±3 SD need the 2 and 3 SD curves; SD(-k) is the curve
        # with S negated, so one formula serves both sides.
        y_b, l_b, m_b, s_b = (np.broadcast_to(p, z.shape)[beyond] for p in (y, l, m, s))
        sign = np.sign(z[beyond])
        sd3 = _sd_curve(3.0, l_b, m_b, s_b * sign)
        sd2 = _sd_curve(2.0, l_b, m_b, s_b * sign)
        with np.errstate(divide="ignore", invalid="ignore"):
            z[beyond] = sign * 3.0 + (y_b - sd3) / np.abs(sd3 - sd2)
    return z.reshape(shape)


def r_round(x: ArrayLike, decimals: int = 2) -> FloatArray:
    """Round as R >= 4.0 ``round(x, digits)`` does.

    R picks, of the two representable candidates ``floor(x·10^d)/10^d`` and
    ``ceil(x·10^d)/10^d``, the one nearer to ``x`` in double precision, and on an exact
    tie the one whose last digit is even. This differs from Python's ``round`` and from
    ``numpy.round`` on some values near a decimal tie (e.g. R rounds -9.705 to -9.70,
    numpy to -9.7 too, Python to -9.71; R rounds -9.785 to -9.79, numpy to -9.78). WHO's
    ``anthro`` and ``anthroplus`` round every z-score this way before flagging and
    classifying, so stuntlib uses it wherever it must give WHO's class or flag.

    Parameters
    ----------
    x : array_like
        Values.
    decimals : int, default 2
        Number of decimals (>= 1).

    Returns
    -------
    numpy.ndarray
        Rounded values; NaN and infinities unchanged.

    References
    ----------
    .. [1] R Core Team. R 4.0.0 NEWS: ``round()`` chooses the representable number
       closest to x (R >= 4.0.0).

    Examples
    --------
    >>> r_round([-9.7050000000000001, -9.785, 2.675, -2.005]).tolist()
    [-9.7, -9.79, 2.67, -2.0]
    """
    x = _f(x)
    scale = 10.0**decimals
    # Away from a decimal tie R and numpy pick the same neighbour; only values whose
    # scaled fraction is within 1e-6 of one half need R's exact comparison.
    out = np.round(x, decimals)
    with np.errstate(invalid="ignore"):
        # |x - round(x)| is half a unit of the last decimal exactly at a tie; a margin of
        # 1e-6 units keeps every value that could round differently in R.
        near_tie = np.abs(out - x) > (0.5 - 1e-6) / scale
    if np.ndim(x) == 0:  # a scalar: no rows to index
        return _r_round_exact(x, scale) if bool(near_tie) else out
    rows = np.flatnonzero(near_tie)
    if rows.size:
        out[rows] = _r_round_exact(x[rows], scale)
    return out


def _r_round_exact(x: FloatArray, scale: float) -> FloatArray:
    """R's candidate comparison, for values near a decimal tie."""
    ax = np.abs(x)
    scaled = ax * scale
    i_low = np.floor(scaled)
    low = i_low / scale
    high = np.ceil(scaled) / scale
    d_up = high - ax
    d_down = ax - low
    take_high = (d_up < d_down) | ((d_up == d_down) & (np.fmod(i_low, 2.0) == 1.0))
    return np.copysign(np.where(take_high, high, low), x)
