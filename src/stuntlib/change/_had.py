"""Height-for-age difference: centimetres from the WHO median (HAD)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from stuntlib.errors import StuntlibError

__all__ = ["height_for_age_difference"]


def height_for_age_difference(height: ArrayLike, age_days: ArrayLike, sex: ArrayLike) -> Any:
    """Height-for-age difference (HAD): length/height minus the WHO 2006 median [cm].

    The median is the M column of the WHO 2006 length/height-for-age table at the age in
    days rounded half up (as :mod:`stuntlib.standardize` rounds it) for the child's sex.
    Unlike the z-score, HAD keeps its unit as children grow, so a mean change in HAD
    between rounds is a change in centimetres (Leroy et al. 2015).

    Parameters
    ----------
    height : array_like
        Length/height [cm], after WHO's ±0.7 cm adjustment for the measuring position
        (the ``clenhei`` column of :func:`stuntlib.score`). float64.
    age_days : array_like
        Age [days]; rounded half up here.
    sex : array_like
        1 = male, 2 = female (the ``csex`` column); any other value gives NaN.

    Returns
    -------
    numpy.ndarray or pandas.Series
        HAD [cm] (float64), same shape as ``height`` (a Series keeps its index). NaN for a
        missing input, an unknown sex, or an age outside 0-1856 days (the WHO 2006
        table).

    Raises
    ------
    StuntlibError
        If the inputs differ in length.

    References
    ----------
    .. [1] Leroy JL, Ruel M, Habicht JP, Frongillo EA (2015). Using height-for-age
       differences (HAD) instead of height-for-age z-scores (HAZ) for the meaningful
       measurement of population-level catch-up in linear growth in children less than
       5 years of age. BMC Pediatrics 15:145. See also Leroy JL et al. (2014), Am J Clin
       Nutr 100:1059 (HAD in cross-sectional data).
    .. [2] WHO Multicentre Growth Reference Study Group (2006). WHO Child Growth
       Standards: Length/height-for-age ... Methods and development. Geneva: WHO.

    Examples
    --------
    >>> print(round(float(height_for_age_difference(48.8842, 0, 1)), 4))  # M = 49.8842
    -1.0
    """
    from stuntlib._arrays import wrap_like
    from stuntlib.reference import load_table
    from stuntlib.standardize import round_half_up

    h = np.atleast_1d(np.asarray(height, dtype=np.float64))
    a = np.atleast_1d(np.asarray(age_days, dtype=np.float64))
    s = np.atleast_1d(np.asarray(sex, dtype=np.float64))
    if not (h.shape == a.shape == s.shape):
        raise StuntlibError(
            f"height, age_days, sex: expected the same length; got {h.shape}, {a.shape}, {s.shape}"
        )
    table = load_table("who2006_lhfa")
    with np.errstate(invalid="ignore"):
        days = np.where(a >= 0, a, np.nan)
        fractional = days % 1 != 0  # whole days (the scored age_days) need no rounding
        if np.any(fractional):
            days[fractional] = round_half_up(days[fractional])
        ok = (days >= table.start) & (days <= table.stop) & ((s == 1) | (s == 2))
    idx = np.where(ok, np.nan_to_num(days) - table.start, 0).astype(np.int64)
    row = np.where(ok, np.nan_to_num(s) - 1, 0).astype(np.int64)
    median = table.m[row, idx]
    return wrap_like(height, np.where(ok, h - median, np.nan))
