"""SMART plausibility check: criteria, penalty bands, and the SMART table of a frame.

The tables transcribe the plausibility check of the SMART methodology (SMART 2017,
*Plausibility check for SMART surveys*, as scored by the ENA for SMART software). Each
criterion has three nested intervals, for *excellent*, *good* and *acceptable*; a value
outside all three is *problematic*. The penalty is the one of the band the value is in.

The total is the sum of the penalties. It is only assessable when every required
criterion could be computed: a criterion that cannot be computed (no WHZ, no sex, no
age) makes the total NaN with a reason, never a zero penalty. The MUAC digit preference
(no MUAC measured) and the Poisson test (no clusters) are optional, as in ENA.

References
----------
SMART Methodology (2017). Measuring mortality, nutritional status, and food security in
crisis situations: SMART methodology, version 2. Plausibility check for SMART surveys.
Action Against Hunger Canada. ENA for SMART software, plausibility report.

>>> smart_score("sd_whz", [1.0, 1.1, 1.17, 1.2]).tolist()
[0.0, 5.0, 10.0, 20.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from stuntlib.errors import StuntlibError
from stuntlib.indicators import WHO2006_BELOW_MONTHS
from stuntlib.quality import stats
from stuntlib.quality.profile import WARNING_LIMITS, GroupContext, count, digit_tables, percent

__all__ = [
    "SMART_CATEGORIES",
    "SMART_CRITERIA",
    "SMART_TOTAL",
    "SmartCriterion",
    "smart_category",
    "smart_indicators",
    "smart_score",
    "smart_table",
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
    required : bool, default True
        Whether the total is assessable without this criterion (False: the MUAC digit
        preference, which needs MUAC, and the Poisson test, which needs clusters).
    """

    name: str
    label: str
    flags: Literal["incl", "excl"]
    scored_on: Literal["value", "p_value"]
    bands: tuple[tuple[float, float], tuple[float, float], tuple[float, float]]
    closed: Literal["neither", "right"]
    penalties: tuple[int, int, int, int]
    required: bool = True


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
                required=False,
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
                required=False,
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

    References
    ----------
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada.

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

    References
    ----------
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada.

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


#: SMART ages [months]: 6 up to (not including) 60; the age ratio splits at 30.
SMART_AGE_RANGE: tuple[float, float] = (6.0, WHO2006_BELOW_MONTHS)
_AGE_SPLIT = 30.0


def _criteria_values(ctx: GroupContext) -> dict[str, tuple[Any, Any]]:
    """(value, p-value) per group of every criterion that can be computed."""
    view = ctx.frame
    months = view.age_months
    in_age = np.ones(view.n, dtype=bool)
    if months is not None:
        with np.errstate(invalid="ignore"):
            in_age = (months >= SMART_AGE_RANGE[0]) & (months < SMART_AGE_RANGE[1])
    whz = view.z("zwfl")
    values: dict[str, tuple[Any, Any]] = {}
    nan = np.full(ctx.size, np.nan)
    flag = np.zeros(view.n, dtype=bool)
    codes, size = ctx.codes, ctx.size
    if whz is not None:
        flag = stats.smart_flags(whz, view.flag("fwfl"), view.params.smart_flag_range)
        has = in_age & ~np.isnan(whz)
        values["flagged_data"] = (
            percent(count(codes, size, has & flag), count(codes, size, has)),
            nan,
        )
    if view.sex is not None:
        boys = count(codes, size, in_age & (view.sex == 1))
        girls = count(codes, size, in_age & (view.sex == 2))
        test = stats.ratio_test(boys, girls, ctx.expected_sex_ratio)
        values["sex_ratio"] = (test["ratio"], test["p_value"])
    if months is not None:
        with np.errstate(invalid="ignore"):
            young = in_age & (months < _AGE_SPLIT)
        test = stats.ratio_test(
            count(codes, size, young), count(codes, size, in_age & ~young), ctx.expected_age_ratio
        )
        values["age_ratio"] = (test["ratio"], test["p_value"])
    for short, (_, dps, _, _) in digit_tables(ctx, in_age).items():
        values[f"dps_{short}"] = (dps, nan)
    if whz is not None:
        kept = np.where(in_age & ~flag, whz, np.nan)
        m = stats.grouped_moments(kept, codes, size)
        values["sd_whz"] = (m["sd"], nan)
        values["skewness_whz"] = (m["skewness"], nan)
        values["kurtosis_whz"] = (m["kurtosis"], nan)
        if ctx.cluster is not None:
            values["poisson_whz"] = _poisson(ctx, kept)
    return values


def smart_table(ctx: GroupContext) -> pd.DataFrame:
    """The SMART plausibility table of every group of ``ctx``.

    Parameters
    ----------
    ctx : GroupContext
        The frame and its groups.

    Returns
    -------
    pandas.DataFrame
        One row per group and criterion and a ``total`` row per group: ``_g,
        criterion, label, flags, value, p_value, category, penalty, reason``. A
        criterion that cannot be computed has NaN value and penalty and a reason; the
        total is NaN (not assessable) when a required criterion is NaN.

    References
    ----------
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada.
    """
    values = _criteria_values(ctx)
    nan = np.full(ctx.size, np.nan)
    rows = []
    missing_required = np.zeros((len(SMART_CRITERIA), ctx.size), dtype=bool)
    for i, (name, spec) in enumerate(SMART_CRITERIA.items()):
        value, p = values.get(name, (nan, nan))
        banded = value if spec.scored_on == "value" else p
        penalty = smart_score(name, banded)
        missing_required[i] = spec.required & np.isnan(penalty)
        why = _why_not(name, name in values)
        rows.append(
            pd.DataFrame(
                {
                    "_g": np.arange(ctx.size),
                    "criterion": name,
                    "label": spec.label,
                    "flags": spec.flags,
                    "value": value,
                    "p_value": p,
                    "category": _category_names(smart_category(banded, spec.bands, spec.closed)),
                    "penalty": penalty,
                    "reason": np.where(np.isnan(penalty), why, ""),
                }
            )
        )
    detail = pd.concat(rows, ignore_index=True)
    total = detail.groupby("_g", sort=True)["penalty"].sum(min_count=1).reindex(range(ctx.size))
    total_values = total.to_numpy(dtype=np.float64)
    names = np.array(list(SMART_CRITERIA), dtype=object)
    reasons = np.array(
        [
            "not assessable: " + ", ".join(names[missing_required[:, g]]) + " not computed"
            if missing_required[:, g].any()
            else ""
            for g in range(ctx.size)
        ],
        dtype=object,
    )
    total_values = np.where(missing_required.any(axis=0), np.nan, total_values)
    cat = smart_category(total_values, SMART_TOTAL, "right")
    totals = pd.DataFrame(
        {
            "_g": np.arange(ctx.size),
            "criterion": "total",
            "label": "Overall score WHZ",
            "flags": "",
            "value": total_values,
            "p_value": np.nan,
            "category": _category_names(cat),
            "penalty": total_values,
            "reason": reasons,
        }
    )
    return pd.concat([detail, totals], ignore_index=True)


_NEEDS = {
    "flagged_data": "WHZ (zwfl)",
    "sd_whz": "WHZ (zwfl)",
    "skewness_whz": "WHZ (zwfl)",
    "kurtosis_whz": "WHZ (zwfl)",
    "poisson_whz": "WHZ (zwfl) and clusters (kelurahan/posyandu)",
    "sex_ratio": "sex",
    "age_ratio": "an age",
    "dps_weight": "weight",
    "dps_height": "length/height",
    "dps_muac": "MUAC",
}


def _why_not(name: str, computed: bool) -> str:
    if not computed:
        return f"not computed: needs {_NEEDS[name]}"
    return "not computed: too few children aged 6-59 months"


def _poisson(ctx: GroupContext, whz: NDArray[np.float64]) -> tuple[Any, Any]:
    """Index of dispersion of WHZ < -2 cases across clusters, and its p-value, per group."""
    assert ctx.cluster is not None
    has = ~np.isnan(whz) & (ctx.cluster >= 0)
    pair = ctx.codes[has].astype(np.int64) * (int(ctx.cluster.max()) + 1) + ctx.cluster[has]
    keys, inverse = np.unique(pair, return_inverse=True)
    cases = np.bincount(inverse, weights=(whz[has] < -2).astype(np.float64))
    group_of_cluster = (keys // (int(ctx.cluster.max()) + 1)).astype(np.intp)
    m = stats.grouped_moments(cases, group_of_cluster, ctx.size)
    k = m["n"]
    with np.errstate(invalid="ignore", divide="ignore"):
        index = m["sd"] ** 2 / m["mean"]
        chi2 = index * (k - 1)
    p = np.where((k >= 2) & (m["mean"] > 0), stats.chi2_sf(chi2, np.maximum(k - 1, 1)), np.nan)
    return np.where((k >= 2) & (m["mean"] > 0), index, np.nan), p


def _category_names(cat: NDArray[np.int8]) -> Any:
    return pd.Categorical.from_codes(
        cat.astype(np.int64), dtype=pd.CategoricalDtype(list(SMART_CATEGORIES), ordered=True)
    )


def smart_indicators(table: pd.DataFrame, n: Any = None) -> pd.DataFrame:
    """Headline indicator ``smart_total`` of a :func:`smart_table`, per group.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`smart_table`.
    n : array_like, optional
        Rows per group; a group warns only with at least
        ``WARNING_LIMITS["min_n_distribution"]`` children.

    Returns
    -------
    pandas.DataFrame
        ``_g, table, item, value, limit, warning``.

    References
    ----------
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada (total score of 25 or more: problematic).
    """
    total = table[table["criterion"] == "total"]
    problematic = (total["category"] == "problematic").to_numpy().copy()
    if n is not None:
        enough = np.asarray(n)[total["_g"].to_numpy()] >= WARNING_LIMITS["min_n_distribution"]
        problematic &= enough
    return pd.DataFrame(
        {
            "_g": total["_g"].to_numpy(),
            "table": "smart",
            "item": "smart_total",
            "value": total["value"].to_numpy(dtype=np.float64),
            "limit": "< 25",
            "warning": problematic,
        }
    )
