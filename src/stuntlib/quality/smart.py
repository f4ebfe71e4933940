"""SMART plausibility check: criteria, penalty bands and the category of the total.

The tables transcribe the plausibility check of the SMART methodology (SMART 2017,
*Plausibility check for SMART surveys*, as scored by the ENA for SMART software). Each
criterion has three nested intervals, for *excellent*, *good* and *acceptable*; a value
outside all three is *problematic*. The penalty is the one of the band the value is in.

>>> smart_score("sd_whz", [1.0, 1.1, 1.17, 1.2]).tolist()
[0.0, 5.0, 10.0, 20.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stuntlib.errors import StuntlibError

__all__ = [
    "SMART_CATEGORIES",
    "SMART_CRITERIA",
    "SMART_TOTAL",
    "SmartCriterion",
    "smart_category",
    "smart_score",
]

#: Quality categories, best first.
SMART_CATEGORIES: tuple[str, ...] = ("excellent", "good", "acceptable", "problematic")

_INF = float("inf")


@dataclass(frozen=True)
class SmartCriterion:
    """One row of the SMART plausibility table.

    Parameters
    ----------
    name : str
        Short name (``flagged_data``, ``sex_ratio``, ...).
    label : str
        The label SMART/ENA print.
    flags : {"incl", "excl"}
        Whether SMART-flagged WHZ values are included in the statistic.
    scored_on : {"value", "p_value"}
        Which number of the test is banded.
    bands : tuple of three (low, high) pairs
        Intervals of the excellent, good and acceptable bands (nested).
    closed : {"neither", "right"}
        ``neither``: ``low < x < high``; ``right``: ``low < x <= high``.
    penalties : tuple of four int
        Penalty of excellent, good, acceptable, problematic.
    """

    name: str
    label: str
    flags: Literal["incl", "excl"]
    scored_on: Literal["value", "p_value"]
    bands: tuple[tuple[float, float], tuple[float, float], tuple[float, float]]
    closed: Literal["neither", "right"]
    penalties: tuple[int, int, int, int]


_P_BANDS = ((0.1, _INF), (0.05, _INF), (0.001, _INF))
# DPS is printed as a whole number by ENA (0-7, 8-12, 13-20, > 20); the half-way edges
# band the unrounded score as the rounded one would be.
_DPS_BANDS = ((-_INF, 7.5), (-_INF, 12.5), (-_INF, 20.5))
_SHAPE_BANDS = ((-0.2, 0.2), (-0.4, 0.4), (-0.6, 0.6))

#: The SMART 2017 plausibility criteria for WHZ, in the order ENA reports them.
#:
#: ====================  =====  =========================  =================
#: criterion             flags  excellent/good/accept.     penalties
#: ====================  =====  =========================  =================
#: flagged data [%]      incl   <=2.5 / <=5.0 / <=7.5      0 / 5 / 10 / 20
#: sex ratio (p)         incl   >0.1 / >0.05 / >0.001      0 / 2 / 4 / 10
#: age ratio 6-29:30-59  incl   >0.1 / >0.05 / >0.001      0 / 2 / 4 / 10
#: DPS weight            incl   0-7 / 8-12 / 13-20         0 / 2 / 4 / 10
#: DPS height            incl   0-7 / 8-12 / 13-20         0 / 2 / 4 / 10
#: DPS MUAC              incl   0-7 / 8-12 / 13-20         0 / 2 / 4 / 10
#: SD of WHZ             excl   (0.9,1.1) / (0.85,1.15) /  0 / 5 / 10 / 20
#:                              (0.8,1.2)
#: skewness of WHZ       excl   <|0.2| / <|0.4| / <|0.6|   0 / 1 / 3 / 5
#: kurtosis of WHZ       excl   <|0.2| / <|0.4| / <|0.6|   0 / 1 / 3 / 5
#: Poisson WHZ < -2 (p)  excl   >0.05 / >0.01 / >0.001     0 / 1 / 3 / 5
#: ====================  =====  =========================  =================
SMART_CRITERIA: Mapping[str, SmartCriterion] = MappingProxyType(
    {
        c.name: c
        for c in (
            SmartCriterion(
                "flagged_data",
                "Flagged data (% of out of range subjects)",
                "incl",
                "value",
                ((-_INF, 2.5), (-_INF, 5.0), (-_INF, 7.5)),
                "right",
                (0, 5, 10, 20),
            ),
            SmartCriterion(
                "sex_ratio",
                "Overall sex ratio (p)",
                "incl",
                "p_value",
                _P_BANDS,
                "neither",
                (0, 2, 4, 10),
            ),  # fmt: skip
            SmartCriterion(
                "age_ratio",
                "Age ratio 6-29 vs 30-59 months (p)",
                "incl",
                "p_value",
                _P_BANDS,
                "neither",
                (0, 2, 4, 10),
            ),
            SmartCriterion(
                "dps_weight",
                "Digit preference score - weight",
                "incl",
                "value",
                _DPS_BANDS,
                "neither",
                (0, 2, 4, 10),
            ),  # fmt: skip
            SmartCriterion(
                "dps_height",
                "Digit preference score - height",
                "incl",
                "value",
                _DPS_BANDS,
                "neither",
                (0, 2, 4, 10),
            ),  # fmt: skip
            SmartCriterion(
                "dps_muac",
                "Digit preference score - MUAC",
                "incl",
                "value",
                _DPS_BANDS,
                "neither",
                (0, 2, 4, 10),
            ),  # fmt: skip
            SmartCriterion(
                "sd_whz",
                "Standard deviation of WHZ",
                "excl",
                "value",
                ((0.9, 1.1), (0.85, 1.15), (0.8, 1.2)),
                "neither",
                (0, 5, 10, 20),
            ),
            SmartCriterion(
                "skewness_whz",
                "Skewness of WHZ",
                "excl",
                "value",
                _SHAPE_BANDS,
                "neither",
                (0, 1, 3, 5),
            ),  # fmt: skip
            SmartCriterion(
                "kurtosis_whz",
                "Kurtosis of WHZ",
                "excl",
                "value",
                _SHAPE_BANDS,
                "neither",
                (0, 1, 3, 5),
            ),  # fmt: skip
            SmartCriterion(
                "poisson_whz",
                "Poisson distribution of WHZ < -2 across clusters (p)",
                "excl",
                "p_value",
                ((0.05, _INF), (0.01, _INF), (0.001, _INF)),
                "neither",
                (0, 1, 3, 5),
            ),
        )
    }
)

#: Category of the total penalty: excellent 0-9, good 10-14, acceptable 15-24,
#: problematic 25 or more.
SMART_TOTAL: tuple[tuple[float, float], ...] = ((-_INF, 9.0), (-_INF, 14.0), (-_INF, 24.0))


def smart_category(
    values: ArrayLike,
    bands: tuple[tuple[float, float], ...],
    closed: Literal["neither", "right"] = "neither",
) -> NDArray[np.int8]:
    """Band index of each value: 0 excellent ... 3 problematic, -1 for NaN.

    Parameters
    ----------
    values : array_like
        Values to band.
    bands : tuple of (low, high)
        Nested intervals of the first three categories.
    closed : {"neither", "right"}, default "neither"
        Whether the upper edge belongs to the band.

    Returns
    -------
    numpy.ndarray of int8
        Category index.

    Examples
    --------
    >>> smart_category([0, 9, 10, 14, 15, 24, 25, np.nan], SMART_TOTAL, "right").tolist()
    [0, 0, 1, 1, 2, 2, 3, -1]
    """
    x = np.asarray(values, dtype=np.float64)
    outside = np.zeros(x.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        for low, high in bands:
            upper = x <= high if closed == "right" else x < high
            outside += ~((x > low) & upper)
    return np.where(np.isnan(x), np.int8(-1), np.minimum(outside, 3)).astype(np.int8)


def smart_score(criterion: str, values: ArrayLike) -> NDArray[np.float64]:
    """SMART penalty points of a criterion's values (NaN where the value is NaN).

    Parameters
    ----------
    criterion : str
        A key of :data:`SMART_CRITERIA`.
    values : array_like
        The banded number (the value, or the p-value for tests).

    Returns
    -------
    numpy.ndarray of float
        Penalty points.

    Raises
    ------
    StuntlibError
        If ``criterion`` is unknown.

    Examples
    --------
    >>> smart_score("sex_ratio", [0.2, 0.1, 0.05, 0.001]).tolist()
    [0.0, 2.0, 4.0, 10.0]
    """
    if criterion not in SMART_CRITERIA:
        raise StuntlibError(
            f"criterion: unknown {criterion!r}; expected one of {list(SMART_CRITERIA)}"
        )
    spec = SMART_CRITERIA[criterion]
    cat = smart_category(values, spec.bands, spec.closed)
    table = np.asarray(spec.penalties, dtype=np.float64)
    return np.where(cat >= 0, table[np.maximum(cat, 0)], np.nan)
