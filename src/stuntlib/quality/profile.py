"""The WHO/UNICEF (2019) data-quality profile: one table builder per section.

Each builder takes a :class:`GroupContext` (the standardised frame, the check results
and a group code per row) and returns its detail table and its headline indicators,
both with a private ``_g`` group column; :func:`profile` runs them all. The same code
gives the figure of the whole data (one group) and of every group of ``by``: every
statistic is a :func:`numpy.bincount` over the group codes.

The thresholds that turn a statistic into a warning are the tables
:data:`WARNING_LIMITS` and :data:`WHO_EXPECTED_RANGES`. A section whose columns are
missing is not computed; :func:`profile` says so in its notes instead of raising.

References
----------
WHO, UNICEF (2019). Recommendations for data collection, analysis and reporting on
anthropometric indicators in children under 5 years old. Geneva: World Health
Organization and UNICEF. Chapter 3 (data quality assessment): completeness, digit
preference, age heaping, sex ratio, SD, skewness and kurtosis of the z-scores.
Whipple index: United Nations (1955), Manual II, Methods of appraisal of quality of basic
data for population estimates (adapted here to heaping on multiples of 6 months).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.indicators import WHO2006_BELOW_MONTHS, ZSCORES
from stuntlib.quality import stats
from stuntlib.quality.checks import CHECKS, PROFILED_ZSCORES
from stuntlib.quality.context import CheckContext, visit_pairs
from stuntlib.standardize import DAYS_PER_MONTH, HEIGHT_FROM_DAY, STANDING_MIN_MONTHS

__all__ = [
    "DIGIT_MEASURES",
    "WARNING_LIMITS",
    "WHO_EXPECTED_RANGES",
    "GroupContext",
    "SECTION_NEEDS",
    "concat",
    "concat_indicators",
    "count",
    "digit_tables",
    "distribution_tables",
    "empty_table",
    "indicators",
    "percent",
    "profile",
]


#: Expected range of the SD, skewness and excess kurtosis of each z-score (WHO-flagged
#: values excluded). A z-score drawn from the WHO standard has SD 1, skewness 0 and
#: kurtosis 0; WHO/UNICEF (2019) recommend reporting all three. The limits are the SMART
#: (2017) *acceptable* band for the SD of WHZ (0.8-1.2) and +/-0.5 for the shape
#: statistics; they are stuntlib defaults, not WHO cut-offs. Change a copy and pass it
#: as ``check_quality(expected_ranges=...)``.
WHO_EXPECTED_RANGES: Mapping[str, Mapping[str, tuple[float, float]]] = MappingProxyType(
    {
        z: MappingProxyType({"sd": (0.8, 1.2), "skewness": (-0.5, 0.5), "kurtosis": (-0.5, 0.5)})
        for z in PROFILED_ZSCORES
    }
)

#: Limits above which an aggregate becomes a warning (percentages of rows unless noted).
#:
#: * ``flagged_pct``: WHO-flagged values of an indicator, > 1 % (WHO/UNICEF 2019).
#: * ``missing_pct``: missing or unreadable values of a variable, > 1 % (stuntlib).
#: * ``duplicates``: any duplicate record or NIK (count, > 0).
#: * ``position_pct``: position not as WHO recommends for the age, > 1 % (stuntlib).
#: * ``dps``: digit preference score > 20 (SMART *problematic*), together with
#:   ``dps_p``: chi-square p-value < 0.001, so that small groups are not warned for
#:   chance variation (a DPS of 100/sqrt(N) is expected by chance).
#: * ``ratio_p``: sex-ratio test p-value < 0.001 (SMART *problematic*).
#: * ``whipple``: age-heaping index >= 125 (UN *rough* or worse), together with
#:   ``heaping_p``: one-sided binomial p-value < 0.001 of the heaped count.
#: * ``routine_pct``: NIK problems, > 1 % (stuntlib).
#: * ``longitudinal_pct``: failing visit pairs, > 1 % (stuntlib).
#: * ``coverage_pct``: children measured, < 80 % of the target (stuntlib).
#: * SD, skewness and kurtosis outside :data:`WHO_EXPECTED_RANGES` warn only when the
#:   difference from the WHO value (1, 0, 0) is also beyond chance,
#:   ``distribution_p``: two-sided p < 0.001 with the normal-sample standard errors
#:   ``1/sqrt(2(n-1))``, ``sqrt(6(n-2)/((n+1)(n+3)))`` and
#:   ``sqrt(24n(n-1)^2/((n-3)(n-2)(n+3)(n+5)))``.
#: * ``min_n_distribution``: a group's SMART total is judged only with at least 200
#:   children (SMART is designed for survey-sized samples).
WARNING_LIMITS: Mapping[str, float] = MappingProxyType(
    {
        "flagged_pct": 1.0,
        "missing_pct": 1.0,
        "duplicates": 0.0,
        "position_pct": 1.0,
        "dps": 20.0,
        "dps_p": 0.001,
        "ratio_p": 0.001,
        "whipple": 125.0,
        "heaping_p": 0.001,
        "routine_pct": 1.0,
        "longitudinal_pct": 1.0,
        "coverage_pct": 80.0,
        "distribution_p": 0.001,
        "min_n_distribution": 200.0,
    }
)

_COMPLETENESS = (
    ("sex", "missing_sex", "invalid_sex"),
    ("birth_date", "missing_birth_date", "invalid_birth_date"),
    ("measure_date", "missing_measure_date", "invalid_measure_date"),
    ("lenhei", "missing_lenhei", "invalid_lenhei"),
    ("weight", "missing_weight", "invalid_weight"),
    ("measure", "missing_measure", "invalid_measure"),
)
_ROUTINE = ("missing_nik", "nik_scientific_notation", "nik_format", "nik_sex", "nik_birth_date")
_LONGITUDINAL = (
    "height_decrease",
    "implausible_velocity",
    "carried_forward_height",
    "carried_forward_weight",
)
_INDICATOR_COLUMNS = ["_g", "table", "item", "value", "limit", "warning"]
_INDICATOR_DTYPES = {
    "_g": np.int64,
    "table": object,
    "item": object,
    "value": np.float64,
    "limit": object,
    "warning": bool,
}
_UNDER_FIVE = int(WHO2006_BELOW_MONTHS)


# ----------------------------------------------------------------------------------------
# helpers
def count(codes: NDArray[np.intp], size: int, mask: NDArray[np.bool_] | None = None) -> Any:
    """Rows per group (float64), only those in ``mask`` when given."""
    if mask is None:
        return np.bincount(codes, minlength=size).astype(np.float64)
    return np.bincount(codes[mask], minlength=size).astype(np.float64)


def percent(a: Any, b: Any) -> Any:
    """``100 a / b``, NaN where ``b`` is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.asarray(b) > 0, 100.0 * np.asarray(a) / np.asarray(b), np.nan)


def indicators(
    size: int, table: str, item: str, value: Any, limit: str, warning: Any
) -> pd.DataFrame:
    """Headline indicator rows, one per group: ``_g, table, item, value, limit, warning``."""
    value = np.broadcast_to(np.asarray(value, dtype=np.float64), (size,))
    warning = np.broadcast_to(np.asarray(warning, dtype=bool), (size,))
    return pd.DataFrame(
        {
            "_g": np.arange(size),
            "table": table,
            "item": item,
            "value": value,
            "limit": limit,
            "warning": warning & ~np.isnan(value),
        }
    )


@dataclass
class GroupContext:
    """A frame cut into groups, with the check results: what every table builder reads.

    Attributes
    ----------
    frame : CheckContext
        The standardised frame.
    masks : mapping of str to numpy.ndarray of bool
        Result of every check that ran (True = row passes).
    codes : numpy.ndarray of intp
        Group code of each row, in ``[0, size)``.
    size : int
        Number of groups.
    expected_sex_ratio, expected_age_ratio : float
        Boys per girl; children 6-29 per child 30-59 months.
    expected_ranges : mapping
        Expected ranges of SD, skewness and kurtosis per z-score.
    cluster : numpy.ndarray of intp or None
        Cluster code per row for the SMART Poisson test.
    digits : mapping of str to tuple of int
        Digits each instrument can give (``height``, ``weight``, ``muac``); default 0-9.
    """

    frame: CheckContext
    masks: Mapping[str, NDArray[np.bool_]]
    codes: NDArray[np.intp]
    size: int
    expected_sex_ratio: float = 1.05
    expected_age_ratio: float = 0.85
    expected_ranges: Mapping[str, Mapping[str, tuple[float, float]]] = field(
        default_factory=lambda: WHO_EXPECTED_RANGES
    )
    cluster: NDArray[np.intp] | None = None
    digits: Mapping[str, Sequence[int]] = field(default_factory=dict)

    @property
    def n(self) -> Any:
        """Rows per group (float64)."""
        cached = self.__dict__.get("_n")
        if cached is None:
            cached = np.bincount(self.codes, minlength=self.size).astype(np.float64)
            self.__dict__["_n"] = cached
        return cached


def _failed(ctx: GroupContext, name: str) -> Any:
    mask = ctx.masks.get(name)
    return None if mask is None else count(ctx.codes, ctx.size, ~mask)


# ----------------------------------------------------------------------------------------
# WHO/UNICEF profile tables; each returns (detail, indicators), both with a _g column
def _completeness(ctx: GroupContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, ind = [], []
    for variable, missing, invalid in _COMPLETENESS:
        n_missing, n_invalid = _failed(ctx, missing), _failed(ctx, invalid)
        if n_missing is None and n_invalid is None:
            continue
        n_missing = np.zeros(ctx.size) if n_missing is None else n_missing
        n_invalid = np.zeros(ctx.size) if n_invalid is None else n_invalid
        pct = percent(n_missing + n_invalid, ctx.n)
        rows.append(
            pd.DataFrame(
                {
                    "_g": np.arange(ctx.size),
                    "variable": variable,
                    "column": ctx.frame.label(variable),
                    "n": ctx.n,
                    "n_missing": n_missing,
                    "pct_missing": percent(n_missing, ctx.n),
                    "n_invalid": n_invalid,
                    "pct_invalid": percent(n_invalid, ctx.n),
                }
            )
        )
        limit = WARNING_LIMITS["missing_pct"]
        ind.append(
            indicators(
                ctx.size,
                "completeness",
                f"pct_missing_{variable}",
                pct,
                f"<= {limit:g}",
                pct > limit,
            )
        )
    return concat(rows), concat_indicators(ind)


def _duplicates(ctx: GroupContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, ind = [], []
    for name, meaning in (
        ("duplicate_record", "same child (NIK and name) and date; rows after the first"),
        ("duplicate_nik", "same NIK more than once in a round; every such row"),
    ):
        n = _failed(ctx, name)
        if n is None:
            continue
        rows.append(
            pd.DataFrame(
                {
                    "_g": np.arange(ctx.size),
                    "check": name,
                    "meaning": meaning,
                    "n_rows": n,
                    "pct_rows": percent(n, ctx.n),
                }
            )
        )
        limit = WARNING_LIMITS["duplicates"]
        ind.append(indicators(ctx.size, "duplicates", f"n_{name}", n, f"<= {limit:g}", n > limit))
    return concat(rows), concat_indicators(ind)


def _age_heaping(ctx: GroupContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    months = ctx.frame.age_months
    if months is None:
        return empty_table(), empty_table()
    index = stats.whipple_index(months, ctx.codes, ctx.size)
    with np.errstate(invalid="ignore"):
        in_range = (months >= 0) & (months < _UNDER_FIVE)
    n = count(ctx.codes, ctx.size, in_range)
    heaped = np.rint(index * n / 600.0)
    p = np.where(n > 0, stats.binom_sf(heaped - 1, n, 1.0 / 6.0), np.nan)
    limit, plimit = WARNING_LIMITS["whipple"], WARNING_LIMITS["heaping_p"]
    warn = (index >= limit) & (p < plimit)
    detail = pd.DataFrame(
        {
            "_g": np.arange(ctx.size),
            "measure": "whipple_6_months",
            "meaning": "100 x share of ages in completed months 0, 6, 12, ... / (1/6)",
            "n": n,
            "value": index,
            "expected": 100.0,
            "p_value": p,
            "warning": warn,
        }
    )
    ind = indicators(
        ctx.size,
        "age_heaping",
        "whipple_6_months",
        index,
        f"< {limit:g} or p >= {plimit:g}",
        warn,
    )
    return detail, ind


def _sex_ratio(ctx: GroupContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    sex = ctx.frame.sex
    if sex is None:
        return empty_table(), empty_table()
    boys = count(ctx.codes, ctx.size, sex == 1)
    girls = count(ctx.codes, ctx.size, sex == 2)
    test = stats.ratio_test(boys, girls, ctx.expected_sex_ratio)
    detail = pd.DataFrame({"_g": np.arange(ctx.size), "n_boys": boys, "n_girls": girls, **test})
    detail = detail.drop(columns="n")
    limit = WARNING_LIMITS["ratio_p"]
    ind = pd.concat(
        [
            indicators(ctx.size, "sex_ratio", "sex_ratio", test["ratio"], "", False),
            indicators(
                ctx.size,
                "sex_ratio",
                "sex_ratio_p_value",
                test["p_value"],
                f">= {limit:g}",
                test["p_value"] < limit,
            ),
        ]
    )
    return detail, ind


#: Measurements tested for digit preference: context attribute -> short name.
DIGIT_MEASURES: Mapping[str, str] = MappingProxyType(
    {"lenhei": "height", "weight": "weight", "armc": "muac"}
)


#: Values needed before an instrument that gave no odd last digit at all is taken to be
#: an even-only one (a tape marked every 2 mm): the chance of no odd digit among 20
#: values with all ten digits equally likely is 2**-20, about one in a million.
EVEN_ONLY_MIN_VALUES = 20
_EVEN = (0, 2, 4, 6, 8)


def _allowed_digits(ctx: GroupContext, short: str, counts: Any) -> Any:
    """The digits an instrument can give: as declared, else even-only when no value is odd.

    References
    ----------
    .. [1] Bilukha O, Kianian B. Digit preference score, nipnTK ``digitPreference(values=)``
       (allowed digits of the instrument; SMART methodology 2017).
    """
    declared = ctx.digits.get(short)
    if declared is not None:
        return declared
    total = np.asarray(counts).sum(axis=0)
    if total.sum() >= EVEN_ONLY_MIN_VALUES and total[1::2].sum() == 0 and total[2::2].any():
        return _EVEN
    return None


def digit_tables(
    ctx: GroupContext, rows: NDArray[np.bool_] | None = None
) -> dict[str, tuple[Any, Any, Any, Any]]:
    """Terminal-digit counts, DPS, chi-square and p-value per measurement and group.

    Only the rows in ``rows`` count (all by default); each measurement is scored over
    the digits its instrument can give (``ctx.digits``).
    """
    out = {}
    for name, short in DIGIT_MEASURES.items():
        pair = getattr(ctx.frame, name)
        if pair is None:
            continue
        values = pair[0] if rows is None else np.where(rows, pair[0], np.nan)
        counts = stats.terminal_digit_counts(values, ctx.codes, ctx.size)
        if name == "armc" and counts.sum() == 0:
            continue
        dps, chi2, p = stats.digit_preference_score(counts, _allowed_digits(ctx, short, counts))
        out[short] = (counts, dps, chi2, p)
    return out


def _digit_preference(ctx: GroupContext) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    digits, scores, ind = [], [], []
    limit, plimit = WARNING_LIMITS["dps"], WARNING_LIMITS["dps_p"]
    for short, (counts, dps, chi2, p) in digit_tables(ctx).items():
        n = counts.sum(axis=1).astype(np.float64)
        g = np.repeat(np.arange(ctx.size), 10)
        digits.append(
            pd.DataFrame(
                {
                    "_g": g,
                    "measure": short,
                    "digit": np.tile(np.arange(10), ctx.size),
                    "n": counts.reshape(-1),
                    "pct": percent(counts.reshape(-1), n[g]),
                }
            )
        )
        warn = (dps > limit) & (p < plimit)
        scores.append(
            pd.DataFrame(
                {
                    "_g": np.arange(ctx.size),
                    "measure": short,
                    "n": n,
                    "chi2": chi2,
                    "p_value": p,
                    "dps": dps,
                    "warning": warn,
                }
            )
        )
        ind.append(
            indicators(
                ctx.size,
                "digit_preference",
                f"dps_{short}",
                dps,
                f"<= {limit:g} or p >= {plimit:g}",
                warn,
            )
        )
    return concat(digits), concat(scores), concat_indicators(ind)


def _zscore_tables(ctx: GroupContext) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    flagged, dist, ind = [], [], []
    limit = WARNING_LIMITS["flagged_pct"]
    zlimit = float(stats.normal_isf(WARNING_LIMITS["distribution_p"] / 2))
    for z in PROFILED_ZSCORES:
        f, label = ZSCORES[z].flag, ZSCORES[z].abbreviation
        values, flags = ctx.frame.z(z), ctx.frame.flag(f)
        if values is None:
            continue
        has = ~np.isnan(values)
        is_flag = np.zeros(values.shape, dtype=bool) if flags is None else flags & has
        n_valid = count(ctx.codes, ctx.size, has)
        n_flag = count(ctx.codes, ctx.size, is_flag)
        pct = percent(n_flag, n_valid)
        flagged.append(
            pd.DataFrame(
                {
                    "_g": np.arange(ctx.size),
                    "indicator": z,
                    "label": label,
                    "n": n_valid,
                    "n_flagged": n_flag,
                    "pct_flagged": pct,
                    "warning": pct > limit,
                }
            )
        )
        ind.append(
            indicators(ctx.size, "flagged", f"pct_flagged_{z}", pct, f"<= {limit:g}", pct > limit)
        )
        m = stats.grouped_moments(np.where(is_flag, np.nan, values), ctx.codes, ctx.size)
        ranges = ctx.expected_ranges.get(z, {})
        table = {"_g": np.arange(ctx.size), "indicator": z, "label": label, **m}
        errors = _standard_errors(m["n"])
        for stat, expected in (("sd", 1.0), ("skewness", 0.0), ("kurtosis", 0.0)):
            low, high = ranges.get(stat, (-np.inf, np.inf))
            with np.errstate(invalid="ignore", divide="ignore"):
                beyond_chance = np.abs(m[stat] - expected) / errors[stat] > zlimit
                warn = beyond_chance & ((m[stat] < low) | (m[stat] > high))
            table[f"{stat}_low"] = low
            table[f"{stat}_high"] = high
            table[f"{stat}_warning"] = warn
            ind.append(
                indicators(
                    ctx.size,
                    "zscore_distribution",
                    f"{stat}_{z}",
                    m[stat],
                    f"{low:g} to {high:g}",
                    warn,
                )
            )
        dist.append(pd.DataFrame(table))
    return concat(flagged), concat(dist), concat_indicators(ind)


def _standard_errors(n: Any) -> dict[str, Any]:
    """Large-sample standard errors of SD, skewness and kurtosis of a normal sample."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "sd": 1.0 / np.sqrt(2.0 * (n - 1)),
            "skewness": np.sqrt(6.0 * (n - 2) / ((n + 1) * (n + 3))),
            "kurtosis": np.sqrt(24.0 * n * (n - 1) ** 2 / ((n - 3) * (n - 2) * (n + 3) * (n + 5))),
        }


def _position(ctx: GroupContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    m, age = ctx.frame.measure, ctx.frame.age_days
    if m is None or age is None:
        return empty_table(), empty_table()
    with np.errstate(invalid="ignore"):
        known = ((m == 1) | (m == 2)) & (age >= 0)
        lying_old = known & (m == 1) & (age >= HEIGHT_FROM_DAY)
        standing_young = known & (m == 2) & (age < HEIGHT_FROM_DAY)
        standing_9 = standing_young & (age < STANDING_MIN_MONTHS * DAYS_PER_MONTH)
    n = count(ctx.codes, ctx.size, known)
    n_bad = count(ctx.codes, ctx.size, lying_old | standing_young)
    pct = percent(n_bad, n)
    limit = WARNING_LIMITS["position_pct"]
    detail = pd.DataFrame(
        {
            "_g": np.arange(ctx.size),
            "n": n,
            "n_lying_24_months_plus": count(ctx.codes, ctx.size, lying_old),
            "n_standing_under_24_months": count(ctx.codes, ctx.size, standing_young),
            "n_standing_under_9_months": count(ctx.codes, ctx.size, standing_9),
            "n_mismatch": n_bad,
            "pct_mismatch": pct,
            "warning": pct > limit,
        }
    )
    ind = indicators(
        ctx.size, "position", "pct_position_mismatch", pct, f"<= {limit:g}", pct > limit
    )
    return detail, ind


def _check_family_table(
    ctx: GroupContext, names: Sequence[str], table: str, limit_key: str, denominators: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, ind = [], []
    limit = WARNING_LIMITS[limit_key]
    for name in names:
        n_fail = _failed(ctx, name)
        if n_fail is None:
            continue
        denom = ctx.n if denominators is None else denominators
        pct = percent(n_fail, denom)
        warn = pct > limit if CHECKS[name].severity != "info" else np.zeros(ctx.size, dtype=bool)
        rows.append(
            pd.DataFrame(
                {
                    "_g": np.arange(ctx.size),
                    "check": name,
                    "severity": CHECKS[name].severity,
                    "n_checked": denom,
                    "n_failed": n_fail,
                    "pct_failed": pct,
                    "warning": warn,
                }
            )
        )
        ind.append(indicators(ctx.size, table, f"pct_{name}", pct, f"<= {limit:g}", warn))
    return concat(rows), concat_indicators(ind)


def _longitudinal(ctx: GroupContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    pairs = visit_pairs(ctx.frame)
    if pairs is None:
        return empty_table(), empty_table()
    later = np.zeros(ctx.frame.n, dtype=bool)
    later[pairs[1]] = True
    n_pairs = count(ctx.codes, ctx.size, later)
    return _check_family_table(ctx, _LONGITUDINAL, "longitudinal", "longitudinal_pct", n_pairs)


# ----------------------------------------------------------------------------------------
def empty_table() -> pd.DataFrame:
    """A table with no rows and only the private group column ``_g``."""
    return pd.DataFrame({"_g": pd.Series(dtype=np.int64)})


def empty_indicators() -> pd.DataFrame:
    """An indicator table with no rows and its columns."""
    return pd.DataFrame({c: pd.Series(dtype=_INDICATOR_DTYPES[c]) for c in _INDICATOR_COLUMNS})


def concat(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate tables, leaving out those without columns (an empty table if none)."""
    frames = [f for f in frames if len(f.columns) > 1 or (len(f.columns) and len(f))]
    return pd.concat(frames, ignore_index=True) if frames else empty_table()


def concat_indicators(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate indicator tables; the result always has the indicator columns."""
    frames = [f for f in frames if "warning" in f.columns]
    return pd.concat(frames, ignore_index=True) if frames else empty_indicators()


#: What each profile section needs, said when it cannot be computed.
SECTION_NEEDS: Mapping[str, str] = MappingProxyType(
    {
        "completeness": "a sex, date, length/height, weight or position column",
        "duplicates": "a NIK (or name and birth date) column",
        "age_heaping": "an age: age_days, age_months, or birth and measurement dates",
        "sex_ratio": "a sex column",
        "digit_preference": "a length/height, weight or MUAC column",
        "flagged": "z-scores and WHO flags (run stuntlib.score first)",
        "position": "a position (measure) column and an age",
        "routine": "a NIK column",
        "longitudinal": "a NIK column and measurement dates",
    }
)


def profile(ctx: GroupContext) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    """Every section of the WHO/UNICEF profile, for every group of ``ctx``.

    Parameters
    ----------
    ctx : GroupContext
        The frame, its check results and the groups.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        Detail table of each section (with the private ``_g`` group column).
    indicators : pandas.DataFrame
        Headline indicators: ``_g, table, item, value, limit, warning``.
    notes : pandas.DataFrame
        ``table, reason`` for each section that could not be computed.
    """
    tables: dict[str, pd.DataFrame] = {}
    tables["completeness"], i1 = _completeness(ctx)
    tables["duplicates"], i2 = _duplicates(ctx)
    tables["age_heaping"], i3 = _age_heaping(ctx)
    tables["sex_ratio"], i4 = _sex_ratio(ctx)
    tables["digit_preference"], tables["digit_preference_score"], i5 = _digit_preference(ctx)
    tables["flagged"], tables["zscore_distribution"], i6 = _zscore_tables(ctx)
    tables["position"], i7 = _position(ctx)
    tables["routine"], i8 = _check_family_table(ctx, _ROUTINE, "routine", "routine_pct")
    tables["longitudinal"], i9 = _longitudinal(ctx)
    missing = [
        (name, "not computed: needs " + need)
        for name, need in SECTION_NEEDS.items()
        if tables[name].shape[1] <= 1
    ]
    notes = pd.DataFrame(missing, columns=["table", "reason"])
    return tables, concat_indicators([i1, i2, i3, i4, i5, i6, i7, i8, i9]), notes


def distribution_tables(view: CheckContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Age distribution (completed months 0-59, by sex) and calendar month of birth.

    Ages given in whole months count in the month given: the completed month is the
    floor of the months :class:`CheckContext` reports, not of a days round trip.

    Parameters
    ----------
    view : CheckContext
        The frame.

    Returns
    -------
    ages, births : pandas.DataFrame
        Empty frames where the frame has no age or no birth date.
    """
    months = view.age_months
    if months is None:
        return pd.DataFrame(), pd.DataFrame()
    with np.errstate(invalid="ignore"):
        ok = (months >= 0) & (months < _UNDER_FIVE)
    whole = np.floor(months[ok]).astype(np.int64)
    sex = view.sex[ok] if view.sex is not None else np.zeros(whole.size, dtype=np.int8)
    n = np.bincount(whole, minlength=_UNDER_FIVE)
    ages = pd.DataFrame(
        {
            "age_months": np.arange(_UNDER_FIVE),
            "n": n,
            "n_boys": np.bincount(whole[sex == 1], minlength=_UNDER_FIVE),
            "n_girls": np.bincount(whole[sex == 2], minlength=_UNDER_FIVE),
            "pct": percent(n, n.sum()),
        }
    )
    if view.birth is None:
        return ages, pd.DataFrame()
    dates = view.birth[0]
    known = ~np.isnat(dates)
    month = dates[known].astype("datetime64[M]").astype(np.int64) % 12
    counts = np.bincount(month, minlength=12)
    births = pd.DataFrame(
        {
            "birth_month": np.arange(1, 13),
            "n": counts,
            "pct": percent(counts, counts.sum()),
            "expected_pct": 100.0 / 12,
        }
    )
    return ages, births
