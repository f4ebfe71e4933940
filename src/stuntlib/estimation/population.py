"""Who is in the prevalence population: children under five by the WHO 2006 boundary.

A child's age is resolved per row with the one precedence of :mod:`stuntlib.standardize`
(``age_days``, else ``birth_date`` and ``measure_date``, else ``age_months``), and the
child is under five when the unrounded age in months is below 60: the rule that picks the
WHO 2006 standards over the WHO 2007 reference, so a child of exactly 60.0 months is not
under five. For whole days this is WHO ``anthro_prevalence``'s "age in days <= 1826".
Rows whose age is unknown are kept, as WHO keeps them (their z-scores are missing anyway
for the age-based indicators).

References
----------
.. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (age filter) and
   ``anthro_zscores`` (``age_in_months < 60``).
.. [2] WHO Multicentre Growth Reference Study Group (2006). WHO Child Growth Standards.
   Geneva: WHO.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.estimation._frame import FloatArray, _numeric
from stuntlib.indicators import WHO2006_BELOW_MONTHS
from stuntlib.standardize import is_under_five, resolve_age

__all__ = ["age_in_months", "in_age_population"]

_AGE_COLUMNS = ("age_days", "age_months", "birth_date", "measure_date")


def age_in_months(frame: pd.DataFrame) -> FloatArray:
    """Unrounded age [months] of each row, by the one age precedence; NaN where unknown.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with some of ``age_days``, ``birth_date`` and ``measure_date``, ``age_months``.

    Returns
    -------
    numpy.ndarray of float64
        Length ``len(frame)``.

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0 (``age_in_months = age_in_days / 30.4375``).

    Examples
    --------
    >>> frame = pd.DataFrame({"age_days": [1826.0, None], "age_months": [None, 60.0]})
    >>> age_in_months(frame).round(3).tolist()
    [59.992, 60.0]
    """
    n = len(frame)
    given = {c: (frame[c].to_numpy() if c in frame.columns else None) for c in _AGE_COLUMNS}
    if given["age_days"] is not None:
        given["age_days"] = _numeric(frame, "age_days")
    if given["age_months"] is not None:
        given["age_months"] = _numeric(frame, "age_months")
    if all(v is None for v in given.values()):
        return np.full(n, np.nan)
    resolved = resolve_age(n=n, **given)
    months = np.asarray(resolved.months, dtype=np.float64)
    if "reference" in frame.columns and given["age_months"] is not None:
        # a scored frame: its age_months are the months that chose the WHO reference
        # (ages given in months stay as given; 60.0 is WHO 2007, not under five)
        scored_months = np.asarray(given["age_months"], dtype=np.float64)
        months = np.where(np.isnan(scored_months), months, scored_months)
    return months


def in_age_population(frame: pd.DataFrame, max_age_months: float | None) -> NDArray[np.bool_]:
    """Rows in the prevalence population: age [months] below ``max_age_months`` or unknown.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with age columns (see :func:`age_in_months`).
    max_age_months : float or None
        Exclusive upper limit (60.0: under five); ``None`` keeps every row.

    Returns
    -------
    numpy.ndarray of bool
        True for rows kept.

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence``.

    Examples
    --------
    >>> frame = pd.DataFrame({"age_months": [59.99, 60.0, None, 12.0]})
    >>> in_age_population(frame, 60.0).tolist()
    [True, False, True, True]
    """
    if max_age_months is None or not any(c in frame.columns for c in _AGE_COLUMNS):
        return np.ones(len(frame), dtype=bool)
    months = age_in_months(frame)
    if max_age_months == WHO2006_BELOW_MONTHS:
        return np.asarray(is_under_five(months) | np.isnan(months) | (months < 0))
    with np.errstate(invalid="ignore"):
        return np.asarray(~(months >= max_age_months))
