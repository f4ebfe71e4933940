"""``check_quality``: the data-quality report of a scored frame.

The report has three parts, each described in ``docs/methodology/quality.md``:

1. the WHO/UNICEF (2019) data-quality profile: completeness, duplicates, age
   distribution and heaping, sex ratio, digit preference, WHO-flagged values, SD,
   skewness and kurtosis of the z-scores, position/age mismatch;
2. the SMART (2017) plausibility check, on request (``smart=True``);
3. routine-data (e-PPGBM) checks: NIK format and consistency, coverage, and the
   longitudinal checks when children have repeated measurements.

Every statistic is computed with the same vectorised code for the whole data and for each
group of ``by``; the thresholds that turn a statistic into a warning are module-level
tables (:data:`WARNING_LIMITS`, :data:`WHO_EXPECTED_RANGES`,
:data:`stuntlib.quality.smart.SMART_CRITERIA`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.quality import stats
from stuntlib.quality._view import FrameView, QualityParams, visit_pairs
from stuntlib.quality.checks import CHECKS, Check, smart_flags
from stuntlib.quality.smart import (
    SMART_CATEGORIES,
    SMART_CRITERIA,
    SMART_TOTAL,
    smart_category,
    smart_score,
)
from stuntlib.standardize import DAYS_PER_MONTH, HEIGHT_FROM_DAY, STANDING_MIN_MONTHS

__all__ = ["WARNING_LIMITS", "WHO_EXPECTED_RANGES", "QualityReport", "check_quality"]

#: z-scores profiled, with their WHO flag column and a short label.
ZSCORES: tuple[tuple[str, str, str], ...] = (
    ("zlen", "flen", "HAZ"),
    ("zwei", "fwei", "WAZ"),
    ("zwfl", "fwfl", "WHZ"),
    ("zbmi", "fbmi", "BAZ"),
)

#: Expected range of the SD, skewness and excess kurtosis of each z-score (WHO-flagged
#: values excluded). A z-score drawn from the WHO standard has SD 1, skewness 0 and
#: kurtosis 0; WHO/UNICEF (2019) recommend reporting all three. The limits are the SMART
#: (2017) *acceptable* band for the SD of WHZ (0.8-1.2) and +/-0.5 for the shape
#: statistics; they are stuntlib defaults, not WHO cut-offs. Change a copy and pass it
#: as ``check_quality(expected_ranges=...)``.
WHO_EXPECTED_RANGES: Mapping[str, Mapping[str, tuple[float, float]]] = MappingProxyType(
    {
        z: MappingProxyType({"sd": (0.8, 1.2), "skewness": (-0.5, 0.5), "kurtosis": (-0.5, 0.5)})
        for z, _, _ in ZSCORES
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
_FAILURE_COLUMNS = ["check", "column", "row", "value", "severity"]
_INDICATOR_COLUMNS = ["_g", "table", "item", "value", "limit", "warning"]


@dataclass(frozen=True)
class QualityReport:
    """Tables of a data-quality report (see :func:`check_quality`).

    Every attribute except ``by`` is a :class:`pandas.DataFrame` of numbers (no
    formatted text); ``smart`` and ``coverage`` are None when not requested.

    Attributes
    ----------
    overview : DataFrame
        Headline indicators for the whole data: ``table, item, value, limit, warning``.
    warnings : DataFrame
        Every indicator, overall (``scope = "all"``) or per group, that crossed its limit.
    checks : DataFrame
        The row-level checks: name, family, severity, columns, ``status`` (``run`` or
        why not), ``n_failed``, ``pct_failed``.
    failures : DataFrame
        One row per failing (check, row): ``check, column, row, value, severity``;
        ``row`` is the frame's index label, ``column`` the frame's label.
    summary : DataFrame
        One row per group of ``by`` (one row overall without ``by``): row counts,
        failures per check and the headline indicators, plus ``n_warnings``.
    completeness, duplicates, age_distribution, birth_months, age_heaping, sex_ratio,
    digit_preference, digit_preference_score, flagged, zscore_distribution, position,
    routine, longitudinal : DataFrame
        The WHO/UNICEF profile and the routine-data tables, for the whole data.
    smart : DataFrame or None
        SMART plausibility: ``criterion, label, flags, value, p_value, category,
        penalty`` and a ``total`` row, overall and per group.
    coverage : DataFrame or None
        Children measured against the target population.
    by : tuple of str
        Labels of the grouping columns.
    """

    overview: pd.DataFrame
    warnings: pd.DataFrame
    checks: pd.DataFrame
    failures: pd.DataFrame
    summary: pd.DataFrame
    completeness: pd.DataFrame
    duplicates: pd.DataFrame
    age_distribution: pd.DataFrame
    birth_months: pd.DataFrame
    age_heaping: pd.DataFrame
    sex_ratio: pd.DataFrame
    digit_preference: pd.DataFrame
    digit_preference_score: pd.DataFrame
    flagged: pd.DataFrame
    zscore_distribution: pd.DataFrame
    position: pd.DataFrame
    routine: pd.DataFrame
    longitudinal: pd.DataFrame
    smart: pd.DataFrame | None
    coverage: pd.DataFrame | None
    by: tuple[str, ...]

    def failing_rows(self, check: str) -> pd.Index:
        """Index labels of the rows that fail ``check``.

        Parameters
        ----------
        check : str
            A check name (see ``report.checks``).

        Returns
        -------
        pandas.Index
            Row labels, in frame order.
        """
        rows = self.failures.loc[self.failures["check"] == check, "row"]
        return pd.Index(rows.to_numpy(), name="row")

    def to_html(self, *, max_rows: int = 200, digits: int = 3) -> str:
        """Render the report as an HTML fragment of headings and plain tables.

        Parameters
        ----------
        max_rows : int, default 200
            Largest number of rows shown of a long table (failures, summary); the
            number left out is stated.
        digits : int, default 3
            Decimal places of floating-point numbers.

        Returns
        -------
        str
            HTML (``<section>`` with ``<h2>``/``<h3>`` and ``<table>``), no ``<html>``
            wrapper and no styles, for the HTML report to embed.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"sex": [1, 2], "age_days": [400, 500],
        ...                    "lenhei": [75.1, 78.4], "weight": [9.3, 10.2]})
        >>> html = check_quality(df).to_html()
        >>> html.startswith('<section class="stuntlib-quality">')
        True
        """
        fmt = f"{{:.{digits}f}}".format

        def table(df: pd.DataFrame | None) -> str:
            if df is None:
                return "<p>Not requested.</p>"
            if df.empty:
                return "<p>None.</p>"
            shown = df.head(max_rows)
            out = shown.to_html(
                index=False, float_format=fmt, na_rep="", border=0, classes="quality-table"
            )
            if len(df) > max_rows:
                out += f"<p>{len(df) - max_rows} more rows not shown.</p>"
            return out

        parts = ['<section class="stuntlib-quality">', "<h2>Data quality</h2>"]
        n_warn = len(self.warnings)
        parts.append(
            f"<p>{n_warn} warning{'s' if n_warn != 1 else ''}; "
            f"{len(self.failures)} failing check results on individual rows.</p>"
        )
        sections: list[tuple[str, pd.DataFrame | None]] = [
            ("Overview (WHO/UNICEF 2019 profile)", self.overview),
            ("Warnings", self.warnings),
            ("Summary by group" if self.by else "Summary", self.summary),
            ("Completeness", self.completeness),
            ("Duplicates", self.duplicates),
            ("Age distribution (completed months)", self.age_distribution),
            ("Calendar month of birth", self.birth_months),
            ("Age heaping", self.age_heaping),
            ("Sex ratio", self.sex_ratio),
            ("Digit preference (terminal digit)", self.digit_preference),
            ("Digit preference score", self.digit_preference_score),
            ("WHO-flagged values", self.flagged),
            ("Distribution of z-scores", self.zscore_distribution),
            ("Measurement position and age", self.position),
            ("SMART plausibility check", self.smart),
            ("Routine data: NIK", self.routine),
            ("Coverage", self.coverage),
            ("Repeated measurements", self.longitudinal),
            ("Checks", self.checks),
            ("Failures", self.failures),
        ]
        for title, df in sections:
            parts.append(f"<h3>{html.escape(title)}</h3>")
            parts.append(table(df))
        parts.append("</section>")
        return "\n".join(parts)


# ----------------------------------------------------------------------------------------
# helpers
def _count(codes: NDArray[np.intp], size: int, mask: NDArray[np.bool_] | None = None) -> Any:
    if mask is None:
        return np.bincount(codes, minlength=size).astype(np.float64)
    return np.bincount(codes[mask], minlength=size).astype(np.float64)


def _pct(a: Any, b: Any) -> Any:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.asarray(b) > 0, 100.0 * np.asarray(a) / np.asarray(b), np.nan)


def _indicators(
    size: int, table: str, item: str, value: Any, limit: str, warning: Any
) -> pd.DataFrame:
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
class _Context:
    view: FrameView
    masks: Mapping[str, NDArray[np.bool_]]
    codes: NDArray[np.intp]
    size: int
    n: Any  # rows per group
    overall: bool
    expected_sex_ratio: float
    expected_age_ratio: float
    expected_ranges: Mapping[str, Mapping[str, tuple[float, float]]]
    cluster: NDArray[np.intp] | None


def _failed(ctx: _Context, name: str) -> Any:
    mask = ctx.masks.get(name)
    return None if mask is None else _count(ctx.codes, ctx.size, ~mask)


# ----------------------------------------------------------------------------------------
# WHO/UNICEF profile tables; each returns (detail, indicators), both with a _g column
def _completeness(ctx: _Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, ind = [], []
    for variable, missing, invalid in _COMPLETENESS:
        n_missing, n_invalid = _failed(ctx, missing), _failed(ctx, invalid)
        if n_missing is None and n_invalid is None:
            continue
        n_missing = np.zeros(ctx.size) if n_missing is None else n_missing
        n_invalid = np.zeros(ctx.size) if n_invalid is None else n_invalid
        pct = _pct(n_missing + n_invalid, ctx.n)
        rows.append(
            pd.DataFrame(
                {
                    "_g": np.arange(ctx.size),
                    "variable": variable,
                    "column": ctx.view.label(variable),
                    "n": ctx.n,
                    "n_missing": n_missing,
                    "pct_missing": _pct(n_missing, ctx.n),
                    "n_invalid": n_invalid,
                    "pct_invalid": _pct(n_invalid, ctx.n),
                }
            )
        )
        limit = WARNING_LIMITS["missing_pct"]
        ind.append(
            _indicators(
                ctx.size,
                "completeness",
                f"pct_missing_{variable}",
                pct,
                f"<= {limit:g}",
                pct > limit,
            )
        )
    return _concat(rows), _concat(ind)


def _duplicates(ctx: _Context) -> tuple[pd.DataFrame, pd.DataFrame]:
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
                    "pct_rows": _pct(n, ctx.n),
                }
            )
        )
        limit = WARNING_LIMITS["duplicates"]
        ind.append(_indicators(ctx.size, "duplicates", f"n_{name}", n, f"<= {limit:g}", n > limit))
    return _concat(rows), _concat(ind)


def _age_heaping(ctx: _Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    months = ctx.view.age_months
    if months is None:
        return _empty(), _empty()
    from scipy import stats as sps

    index = stats.whipple_index(months, ctx.codes, ctx.size)
    with np.errstate(invalid="ignore"):
        in_range = (months >= 0) & (months < 60)
    n = _count(ctx.codes, ctx.size, in_range)
    heaped = np.rint(index * n / 600.0)
    p = np.where(n > 0, sps.binom.sf(heaped - 1, n, 1.0 / 6.0), np.nan)
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
    ind = _indicators(
        ctx.size,
        "age_heaping",
        "whipple_6_months",
        index,
        f"< {limit:g} or p >= {plimit:g}",
        warn,
    )
    return detail, ind


def _sex_ratio(ctx: _Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    sex = ctx.view.sex
    if sex is None:
        return _empty(), _empty()
    boys = _count(ctx.codes, ctx.size, sex == 1)
    girls = _count(ctx.codes, ctx.size, sex == 2)
    test = stats.ratio_test(boys, girls, ctx.expected_sex_ratio)
    detail = pd.DataFrame({"_g": np.arange(ctx.size), "n_boys": boys, "n_girls": girls, **test})
    detail = detail.drop(columns="n")
    limit = WARNING_LIMITS["ratio_p"]
    ind = pd.concat(
        [
            _indicators(ctx.size, "sex_ratio", "sex_ratio", test["ratio"], "", False),
            _indicators(
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


_DIGIT_MEASURES = (("lenhei", "height"), ("weight", "weight"), ("armc", "muac"))


def _digit_tables(
    ctx: _Context, rows: NDArray[np.bool_] | None = None
) -> dict[str, tuple[Any, Any, Any, Any]]:
    out = {}
    for name, short in _DIGIT_MEASURES:
        pair = getattr(ctx.view, name)
        if pair is None:
            continue
        values = pair[0] if rows is None else np.where(rows, pair[0], np.nan)
        counts = stats.terminal_digit_counts(values, ctx.codes, ctx.size)
        if name == "armc" and counts.sum() == 0:
            continue
        dps, chi2, p = stats.digit_preference_score(counts)
        out[short] = (counts, dps, chi2, p)
    return out


def _digit_preference(ctx: _Context) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    digits, scores, ind = [], [], []
    limit, plimit = WARNING_LIMITS["dps"], WARNING_LIMITS["dps_p"]
    for short, (counts, dps, chi2, p) in _digit_tables(ctx).items():
        n = counts.sum(axis=1).astype(np.float64)
        g = np.repeat(np.arange(ctx.size), 10)
        digits.append(
            pd.DataFrame(
                {
                    "_g": g,
                    "measure": short,
                    "digit": np.tile(np.arange(10), ctx.size),
                    "n": counts.reshape(-1),
                    "pct": _pct(counts.reshape(-1), n[g]),
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
            _indicators(
                ctx.size,
                "digit_preference",
                f"dps_{short}",
                dps,
                f"<= {limit:g} or p >= {plimit:g}",
                warn,
            )
        )
    return _concat(digits), _concat(scores), _concat(ind)


def _zscore_tables(ctx: _Context) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    flagged, dist, ind = [], [], []
    limit = WARNING_LIMITS["flagged_pct"]
    from scipy import stats as sps

    zlimit = float(sps.norm.isf(WARNING_LIMITS["distribution_p"] / 2))
    for z, f, label in ZSCORES:
        values, flags = ctx.view.z(z), ctx.view.flag(f)
        if values is None:
            continue
        has = ~np.isnan(values)
        is_flag = np.zeros(values.shape, dtype=bool) if flags is None else flags & has
        n_valid = _count(ctx.codes, ctx.size, has)
        n_flag = _count(ctx.codes, ctx.size, is_flag)
        pct = _pct(n_flag, n_valid)
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
            _indicators(ctx.size, "flagged", f"pct_flagged_{z}", pct, f"<= {limit:g}", pct > limit)
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
                _indicators(
                    ctx.size,
                    "zscore_distribution",
                    f"{stat}_{z}",
                    m[stat],
                    f"{low:g} to {high:g}",
                    warn,
                )
            )
        dist.append(pd.DataFrame(table))
    return _concat(flagged), _concat(dist), _concat(ind)


def _standard_errors(n: Any) -> dict[str, Any]:
    """Large-sample standard errors of SD, skewness and kurtosis of a normal sample."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "sd": 1.0 / np.sqrt(2.0 * (n - 1)),
            "skewness": np.sqrt(6.0 * (n - 2) / ((n + 1) * (n + 3))),
            "kurtosis": np.sqrt(24.0 * n * (n - 1) ** 2 / ((n - 3) * (n - 2) * (n + 3) * (n + 5))),
        }


def _position(ctx: _Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    m, age = ctx.view.measure, ctx.view.age_days
    if m is None or age is None:
        return _empty(), _empty()
    with np.errstate(invalid="ignore"):
        known = ((m == 1) | (m == 2)) & (age >= 0)
        lying_old = known & (m == 1) & (age >= HEIGHT_FROM_DAY)
        standing_young = known & (m == 2) & (age < HEIGHT_FROM_DAY)
        standing_9 = standing_young & (age < STANDING_MIN_MONTHS * DAYS_PER_MONTH)
    n = _count(ctx.codes, ctx.size, known)
    n_bad = _count(ctx.codes, ctx.size, lying_old | standing_young)
    pct = _pct(n_bad, n)
    limit = WARNING_LIMITS["position_pct"]
    detail = pd.DataFrame(
        {
            "_g": np.arange(ctx.size),
            "n": n,
            "n_lying_24_months_plus": _count(ctx.codes, ctx.size, lying_old),
            "n_standing_under_24_months": _count(ctx.codes, ctx.size, standing_young),
            "n_standing_under_9_months": _count(ctx.codes, ctx.size, standing_9),
            "n_mismatch": n_bad,
            "pct_mismatch": pct,
            "warning": pct > limit,
        }
    )
    ind = _indicators(
        ctx.size, "position", "pct_position_mismatch", pct, f"<= {limit:g}", pct > limit
    )
    return detail, ind


def _check_family_table(
    ctx: _Context, names: Sequence[str], table: str, limit_key: str, denominators: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, ind = [], []
    limit = WARNING_LIMITS[limit_key]
    for name in names:
        n_fail = _failed(ctx, name)
        if n_fail is None:
            continue
        denom = ctx.n if denominators is None else denominators
        pct = _pct(n_fail, denom)
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
        ind.append(_indicators(ctx.size, table, f"pct_{name}", pct, f"<= {limit:g}", warn))
    return _concat(rows), _concat(ind)


def _longitudinal(ctx: _Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    pairs = visit_pairs(ctx.view)
    if pairs is None:
        return _empty(), _empty()
    later = np.zeros(ctx.view.n, dtype=bool)
    later[pairs[1]] = True
    n_pairs = _count(ctx.codes, ctx.size, later)
    return _check_family_table(ctx, _LONGITUDINAL, "longitudinal", "longitudinal_pct", n_pairs)


# ----------------------------------------------------------------------------------------
# SMART
def _smart(ctx: _Context) -> pd.DataFrame:
    view = ctx.view
    months = view.age_months
    in_age = np.ones(view.n, dtype=bool)
    if months is not None:
        with np.errstate(invalid="ignore"):
            in_age = (months >= 6) & (months < 60)
    whz = view.z("zwfl")
    values: dict[str, tuple[Any, Any]] = {}
    nan = np.full(ctx.size, np.nan)
    flag = np.zeros(view.n, dtype=bool)
    if whz is not None:
        flag = smart_flags(whz, view.flag("fwfl"), view.params.smart_flag_range)
        has = in_age & ~np.isnan(whz)
        values["flagged_data"] = (
            _pct(_count(ctx.codes, ctx.size, has & flag), _count(ctx.codes, ctx.size, has)),
            nan,
        )
    if view.sex is not None:
        boys = _count(ctx.codes, ctx.size, in_age & (view.sex == 1))
        girls = _count(ctx.codes, ctx.size, in_age & (view.sex == 2))
        test = stats.ratio_test(boys, girls, ctx.expected_sex_ratio)
        values["sex_ratio"] = (test["ratio"], test["p_value"])
    if months is not None:
        with np.errstate(invalid="ignore"):
            young = in_age & (months < 30)
        test = stats.ratio_test(
            _count(ctx.codes, ctx.size, young),
            _count(ctx.codes, ctx.size, in_age & ~young),
            ctx.expected_age_ratio,
        )
        values["age_ratio"] = (test["ratio"], test["p_value"])
    for short, (_, dps, _, _) in _digit_tables(ctx, in_age).items():
        values[f"dps_{short}"] = (dps, nan)
    if whz is not None:
        kept = np.where(in_age & ~flag, whz, np.nan)
        m = stats.grouped_moments(kept, ctx.codes, ctx.size)
        values["sd_whz"] = (m["sd"], nan)
        values["skewness_whz"] = (m["skewness"], nan)
        values["kurtosis_whz"] = (m["kurtosis"], nan)
        if ctx.cluster is not None:
            values["poisson_whz"] = _poisson(ctx, kept)
    rows = []
    for name, spec in SMART_CRITERIA.items():
        value, p = values.get(name, (nan, nan))
        banded = value if spec.scored_on == "value" else p
        cat = smart_category(banded, spec.bands, spec.closed)
        rows.append(
            pd.DataFrame(
                {
                    "_g": np.arange(ctx.size),
                    "criterion": name,
                    "label": spec.label,
                    "flags": spec.flags,
                    "value": value,
                    "p_value": p,
                    "category": _category_names(cat),
                    "penalty": smart_score(name, banded),
                }
            )
        )
    detail = pd.concat(rows, ignore_index=True)
    total = detail.groupby("_g", sort=True)["penalty"].sum(min_count=1).reindex(range(ctx.size))
    cat = smart_category(total.to_numpy(), SMART_TOTAL, "right")
    totals = pd.DataFrame(
        {
            "_g": np.arange(ctx.size),
            "criterion": "total",
            "label": "Overall score WHZ",
            "flags": "",
            "value": total.to_numpy(),
            "p_value": np.nan,
            "category": _category_names(cat),
            "penalty": total.to_numpy(),
        }
    )
    return pd.concat([detail, totals], ignore_index=True)


def _poisson(ctx: _Context, whz: NDArray[np.float64]) -> tuple[Any, Any]:
    assert ctx.cluster is not None
    has = ~np.isnan(whz) & (ctx.cluster >= 0)
    pair = ctx.codes[has].astype(np.int64) * (int(ctx.cluster.max()) + 1) + ctx.cluster[has]
    keys, inverse = np.unique(pair, return_inverse=True)
    cases = np.bincount(inverse, weights=(whz[has] < -2).astype(np.float64))
    group_of_cluster = (keys // (int(ctx.cluster.max()) + 1)).astype(np.intp)
    m = stats.grouped_moments(cases, group_of_cluster, ctx.size)
    from scipy import stats as sps

    k = m["n"]
    with np.errstate(invalid="ignore", divide="ignore"):
        index = m["sd"] ** 2 / m["mean"]
        chi2 = index * (k - 1)
    p = np.where((k >= 2) & (m["mean"] > 0), sps.chi2.sf(chi2, np.maximum(k - 1, 1)), np.nan)
    return np.where((k >= 2) & (m["mean"] > 0), index, np.nan), p


def _category_names(cat: NDArray[np.int8]) -> pd.Categorical:
    return pd.Categorical.from_codes(
        cat.astype(np.int64), dtype=pd.CategoricalDtype(list(SMART_CATEGORIES), ordered=True)
    )


# ----------------------------------------------------------------------------------------
def _coverage(
    view: FrameView, codes: NDArray[np.intp], keys: pd.DataFrame, target: Any
) -> pd.DataFrame:
    size = len(keys)
    child = view.child_codes
    if child is not None and (child >= 0).any():
        known = child >= 0
        combos = pd.DataFrame({"g": codes[known], "c": child[known]}).drop_duplicates()
        measured = np.bincount(combos["g"].to_numpy(), minlength=size).astype(np.float64)
    else:
        measured = np.bincount(codes, minlength=size).astype(np.float64)
    if np.ndim(target) == 0 and not isinstance(target, (Mapping, pd.Series)):
        if size != 1:
            measured = np.array([measured.sum()])
            keys = pd.DataFrame(index=[0])
        targets = np.array([float(target)])
    else:
        series = pd.Series(target) if isinstance(target, Mapping) else target
        if keys.shape[1] == 0:
            raise StuntlibError(
                "target_population: a Series or mapping per area needs by=...; pass a "
                "number for the whole data"
            )
        if keys.shape[1] == 1:
            lookup = keys.iloc[:, 0]
        else:
            lookup = pd.Series(list(pd.MultiIndex.from_frame(keys)), index=keys.index)
        targets = lookup.map(series).to_numpy(dtype=np.float64, na_value=np.nan)
    pct = _pct(measured, targets)
    out = keys.reset_index(drop=True).copy()
    out["n_children"] = measured
    out["target"] = targets
    out["coverage_pct"] = pct
    with np.errstate(invalid="ignore"):
        out["warning"] = pct < WARNING_LIMITS["coverage_pct"]
    return out


# ----------------------------------------------------------------------------------------
def _empty() -> pd.DataFrame:
    return pd.DataFrame({"_g": pd.Series(dtype=np.int64)})


def _concat(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f.columns)]
    return pd.concat(frames, ignore_index=True) if frames else _empty()


def _profile(ctx: _Context) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    indicators: list[pd.DataFrame] = []
    tables["completeness"], i1 = _completeness(ctx)
    tables["duplicates"], i2 = _duplicates(ctx)
    tables["age_heaping"], i3 = _age_heaping(ctx)
    tables["sex_ratio"], i4 = _sex_ratio(ctx)
    tables["digit_preference"], tables["digit_preference_score"], i5 = _digit_preference(ctx)
    tables["flagged"], tables["zscore_distribution"], i6 = _zscore_tables(ctx)
    tables["position"], i7 = _position(ctx)
    tables["routine"], i8 = _check_family_table(ctx, _ROUTINE, "routine", "routine_pct")
    tables["longitudinal"], i9 = _longitudinal(ctx)
    indicators = [i1, i2, i3, i4, i5, i6, i7, i8, i9]
    return tables, _concat(indicators)


def _distribution_tables(view: FrameView) -> tuple[pd.DataFrame, pd.DataFrame]:
    months = view.age_months
    if months is None:
        return pd.DataFrame(), pd.DataFrame()
    with np.errstate(invalid="ignore"):
        ok = (months >= 0) & (months < 60)
    whole = np.floor(months[ok]).astype(np.int64)
    sex = view.sex[ok] if view.sex is not None else np.zeros(whole.size, dtype=np.int8)
    n = np.bincount(whole, minlength=60)
    ages = pd.DataFrame(
        {
            "age_months": np.arange(60),
            "n": n,
            "n_boys": np.bincount(whole[sex == 1], minlength=60),
            "n_girls": np.bincount(whole[sex == 2], minlength=60),
            "pct": _pct(n, n.sum()),
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
            "pct": _pct(counts, counts.sum()),
            "expected_pct": 100.0 / 12,
        }
    )
    return ages, births


def _attach(df: pd.DataFrame, keys: pd.DataFrame | None) -> pd.DataFrame:
    """Replace the private group code by the group's key columns (or drop it)."""
    if "_g" not in df.columns:
        return df
    if keys is None or keys.shape[1] == 0:
        return df.drop(columns="_g").reset_index(drop=True)
    joined = keys.reset_index(drop=True).iloc[df["_g"].to_numpy()].reset_index(drop=True)
    return pd.concat([joined, df.drop(columns="_g").reset_index(drop=True)], axis=1)


def _group_codes(view: FrameView, by: Sequence[str]) -> tuple[NDArray[np.intp], pd.DataFrame]:
    if not by:
        return np.zeros(view.n, dtype=np.intp), pd.DataFrame(index=[0])
    labels = []
    for item in by:
        label = view.label(item)
        if label is None:
            raise ColumnError(
                f"by: {item!r} is neither a column nor a canonical name found in the frame; "
                f"the columns are {list(view.frame.columns)}"
            )
        labels.append(label)
    parts = [view.group_codes(label) for label in labels]
    combined = parts[0].astype(np.int64)
    for part in parts[1:]:
        combined = combined * (int(part.max()) + 1) + part
    uniques, codes = np.unique(combined, return_inverse=True)
    first = np.zeros(len(uniques), dtype=np.intp)
    first[codes[::-1]] = np.arange(view.n)[::-1]
    keys = view.frame[labels].iloc[first].reset_index(drop=True)
    order = keys.sort_values(labels, na_position="last", kind="stable").index.to_numpy()
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[codes].astype(np.intp), keys.iloc[order].reset_index(drop=True)


def _failures(view: FrameView, results: Mapping[str, NDArray[np.bool_]], checks: Any) -> Any:
    parts = []
    for name, mask in results.items():
        rows = np.flatnonzero(~mask)
        if not rows.size:
            continue
        check: Check = checks[name]
        label = view.label(check.value_column)
        if label is None:
            value: Any = np.full(rows.size, None, dtype=object)
        else:
            value = view.frame[label].to_numpy(dtype=object)[rows]
        parts.append(
            pd.DataFrame(
                {
                    "check": name,
                    "column": check.value_column if label is None else label,
                    "row": view.frame.index[rows],
                    "value": value,
                    "severity": check.severity,
                    "_pos": rows,
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _FAILURE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    order = list(results)
    out["_order"] = out["check"].map({n: i for i, n in enumerate(order)})
    out = out.sort_values(["_pos", "_order"], kind="stable").drop(columns=["_pos", "_order"])
    return out.reset_index(drop=True)


def _resolve_checks(checks: Iterable[str | Check] | None, smart: bool) -> dict[str, Check]:
    if checks is None:
        chosen = [c for c in CHECKS.values() if smart or c.family != "smart"]
    else:
        chosen = []
        for item in checks:
            if isinstance(item, Check):
                chosen.append(item)
            elif item in CHECKS:
                chosen.append(CHECKS[item])
            else:
                raise StuntlibError(
                    f"checks: unknown check {item!r}; expected a Check or one of {list(CHECKS)}"
                )
    return {c.name: c for c in chosen}


def check_quality(
    scored: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    smart: bool = False,
    expected_sex_ratio: float = 1.05,
    expected_age_ratio: float = 0.85,
    target_population: float | pd.Series | Mapping[Any, float] | None = None,
    columns: Mapping[str, str] | None = None,
    cluster: str | Sequence[str] | None = None,
    checks: Iterable[str | Check] | None = None,
    expected_ranges: Mapping[str, Mapping[str, tuple[float, float]]] | None = None,
    max_age_months: float = 60.0,
    round_by: str | None = None,
    height_tolerance_cm: float = 1.0,
    max_haz_change: float = 2.0,
    carried_forward_min_days: int = 28,
) -> QualityReport:
    """Data-quality report of anthropometric data (WHO/UNICEF, SMART, e-PPGBM).

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score` (the input columns plus ``zlen``, ``flen``,
        ...). An unscored frame works too: the z-score tables are then left out.
    by : str or sequence of str, optional
        Grouping columns for ``summary``, ``warnings`` and the per-group SMART rows,
        as canonical names (``posyandu``, ``kelurahan``) or labels (``"team"``).
    smart : bool, default False
        Add the SMART plausibility check (``report.smart``) and the SMART-flag row
        checks.
    expected_sex_ratio : float, default 1.05
        Expected boys per girl. SMART/ENA test against 1.0: pass 1.0 to match them.
    expected_age_ratio : float, default 0.85
        Expected ratio of children aged 6-29 to 30-59 months (SMART). A flat age
        distribution gives 24/30 = 0.8.
    target_population : float, pandas.Series or mapping, optional
        Children expected; a number for the whole data, or values per group of ``by``
        (keys as the group values; tuples for several ``by`` columns). Adds
        ``report.coverage``.
    columns : mapping, optional
        ``{canonical name: label}`` overrides.
    cluster : str or sequence of str, optional
        Cluster column(s) for the SMART Poisson test (default: ``kelurahan`` and
        ``posyandu`` together, as posyandu names repeat across villages; ``posyandu``
        alone without a kelurahan column; no test without either).
    checks : iterable of str or Check, optional
        Row-level checks to run (default all of :data:`CHECKS`, SMART flags only with
        ``smart=True``); pass :class:`Check` objects to add your own.
    expected_ranges : mapping, optional
        Replacement of :data:`WHO_EXPECTED_RANGES`.
    max_age_months : float, default 60
        Ages at or above are reported by ``age_out_of_range``.
    round_by : str, optional
        Column identifying a data-collection round for ``duplicate_nik`` (default: the
        calendar month of the measurement date).
    height_tolerance_cm : float, default 1.0
        Allowed decrease of position-adjusted height between visits [cm].
    max_haz_change : float, default 2.0
        Largest plausible change of HAZ between two visits.
    carried_forward_min_days : int, default 28
        Minimum interval [days] for an identical value to count as carried forward.

    Returns
    -------
    QualityReport
        Frozen report of DataFrames; nothing is printed and bad rows never raise.
        Missing values are reported, not dropped: every statistic leaves NaN out.

    Raises
    ------
    StuntlibError
        For a bad argument (unknown check, non-positive ratio, missing ``by`` column).

    References
    ----------
    WHO, UNICEF (2019). Recommendations for data collection, analysis and reporting on
    anthropometric indicators in children under 5 years old. Geneva: WHO.
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against Hunger.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> n = 400
    >>> df = pd.DataFrame({"sex": rng.integers(1, 3, n), "age_days": rng.integers(0, 1826, n),
    ...                    "zlen": rng.normal(size=n), "flen": 0,
    ...                    "lenhei": rng.integers(600, 1100, n) / 10})
    >>> report = check_quality(df)
    >>> report.warnings.empty
    True
    >>> report.zscore_distribution[["indicator", "n"]]
      indicator      n
    0      zlen  400.0
    >>> report.failures.columns.tolist()
    ['check', 'column', 'row', 'value', 'severity']
    """
    if not isinstance(scored, pd.DataFrame):
        raise StuntlibError(f"scored: expected a pandas DataFrame; got {type(scored).__name__}")
    for name, value in (
        ("expected_sex_ratio", expected_sex_ratio),
        ("expected_age_ratio", expected_age_ratio),
    ):
        if not (np.isfinite(value) and value > 0):
            raise StuntlibError(f"{name}: expected a positive number; got {value!r}")
    params = QualityParams(
        max_age_months=max_age_months,
        round_by=round_by,
        height_tolerance_cm=height_tolerance_cm,
        max_haz_change=max_haz_change,
        carried_forward_min_days=carried_forward_min_days,
    )
    view = FrameView(scored, columns, params)
    by_list = [by] if isinstance(by, str) else list(by or [])
    codes, keys = _group_codes(view, by_list)
    registry = _resolve_checks(checks, smart)

    results: dict[str, NDArray[np.bool_]] = {}
    status: dict[str, str] = {}
    for name, check in registry.items():
        mask = check.evaluate(view)
        if mask is None:
            status[name] = "skipped: needs " + ", ".join(check.columns)
        else:
            results[name] = mask
            status[name] = "run"

    cluster_codes = None
    if smart:
        cluster_codes = _cluster_codes(view, cluster)

    def context(group_codes: NDArray[np.intp], size: int, overall: bool) -> _Context:
        return _Context(
            view=view,
            masks=results,
            codes=group_codes,
            size=size,
            n=np.bincount(group_codes, minlength=size).astype(np.float64),
            overall=overall,
            expected_sex_ratio=float(expected_sex_ratio),
            expected_age_ratio=float(expected_age_ratio),
            expected_ranges=expected_ranges or WHO_EXPECTED_RANGES,
            cluster=cluster_codes,
        )

    whole = context(np.zeros(view.n, dtype=np.intp), 1, True)
    tables, indicators = _profile(whole)
    n_groups = len(keys)
    grouped = context(codes, n_groups, False) if by_list else None
    if grouped is not None:
        _, group_ind = _profile(grouped)
    else:
        group_ind = indicators

    smart_table = None
    if smart:
        overall_smart = _smart(whole)
        smart_table = _attach(overall_smart, None)
        smart_ind = _smart_indicators(overall_smart)
        indicators = _concat([indicators, smart_ind])
        if grouped is not None:
            per_group = _smart(grouped)
            group_ind = _concat([group_ind, _smart_indicators(per_group, grouped.n)])
            smart_table = pd.concat(
                [
                    _attach(overall_smart, pd.DataFrame({c: ["(all)"] for c in keys.columns})),
                    _attach(per_group, keys),
                ],
                ignore_index=True,
            )
        else:
            group_ind = indicators

    coverage = None
    if target_population is not None:
        coverage = _coverage(
            view, codes, keys if by_list else pd.DataFrame(index=[0]), target_population
        )
        cov_rows = coverage["coverage_pct"].to_numpy()
        cov_ind = _indicators(
            len(cov_rows),
            "coverage",
            "coverage_pct",
            cov_rows,
            f">= {WARNING_LIMITS['coverage_pct']:g}",
            coverage["warning"].to_numpy(dtype=bool),
        )
        if by_list and len(cov_rows) == n_groups:
            group_ind = _concat([group_ind, cov_ind])
        else:
            indicators = _concat([indicators, cov_ind])

    overview = indicators.drop(columns="_g").reset_index(drop=True)
    warn_all = overview[overview["warning"]].assign(scope="all")
    warn_parts = [warn_all]
    if by_list:
        gw = group_ind[group_ind["warning"]]
        warn_parts.append(_attach(gw, keys).assign(scope="group"))
    warnings_table = pd.concat(warn_parts, ignore_index=True)
    front = ["scope", *[c for c in keys.columns if c in warnings_table.columns]]
    warnings_table = warnings_table[
        front + [c for c in warnings_table.columns if c not in front and c != "warning"]
    ]

    summary = _summary(codes, n_groups, keys, results, registry, group_ind)
    checks_table = _checks_table(registry, status, results, view.n)

    detail = {name: _attach(df, None) for name, df in tables.items()}
    ages, births = _distribution_tables(view)
    return QualityReport(
        overview=overview,
        warnings=warnings_table,
        checks=checks_table,
        failures=_failures(view, results, registry),
        summary=summary,
        completeness=detail["completeness"],
        duplicates=detail["duplicates"],
        age_distribution=ages,
        birth_months=births,
        age_heaping=detail["age_heaping"],
        sex_ratio=detail["sex_ratio"],
        digit_preference=detail["digit_preference"],
        digit_preference_score=detail["digit_preference_score"],
        flagged=detail["flagged"],
        zscore_distribution=detail["zscore_distribution"],
        position=detail["position"],
        routine=detail["routine"],
        longitudinal=detail["longitudinal"],
        smart=smart_table,
        coverage=coverage,
        by=tuple(str(c) for c in keys.columns) if by_list else (),
    )


def _cluster_codes(view: FrameView, cluster: str | Sequence[str] | None) -> Any:
    if cluster is None:
        labels = [view.label(n) for n in ("kelurahan", "posyandu")]
        if labels[1] is None:
            return None
        chosen = [lab for lab in labels if lab is not None]
    else:
        chosen = [cluster] if isinstance(cluster, str) else list(cluster)
        missing = [c for c in chosen if c not in view.frame.columns]
        if missing:
            raise ColumnError(
                f"cluster: {missing} not in the frame; the columns are {list(view.frame.columns)}"
            )
    combined = np.zeros(view.n, dtype=np.int64)
    for label in chosen:
        part = view.group_codes(label)
        combined = combined * (int(part.max()) + 1) + part
    return np.asarray(pd.factorize(combined)[0], dtype=np.intp)


def _smart_indicators(table: pd.DataFrame, n: Any = None) -> pd.DataFrame:
    total = table[table["criterion"] == "total"]
    problematic = (total["category"] == "problematic").to_numpy().copy()
    if n is not None:
        problematic &= np.asarray(n)[total["_g"].to_numpy()] >= WARNING_LIMITS["min_n_distribution"]
    out = pd.DataFrame(
        {
            "_g": total["_g"].to_numpy(),
            "table": "smart",
            "item": "smart_total",
            "value": total["value"].to_numpy(dtype=np.float64),
            "limit": "< 25",
            "warning": problematic,
        }
    )
    return out[_INDICATOR_COLUMNS]


def _summary(
    codes: NDArray[np.intp],
    size: int,
    keys: pd.DataFrame,
    results: Mapping[str, NDArray[np.bool_]],
    registry: Mapping[str, Check],
    indicators: pd.DataFrame,
) -> pd.DataFrame:
    n = np.bincount(codes, minlength=size)
    any_error = np.zeros(codes.shape, dtype=bool)
    any_warning = np.zeros(codes.shape, dtype=bool)
    counts = {}
    for name, mask in results.items():
        counts[f"n_{name}"] = np.bincount(codes[~mask], minlength=size)
        if registry[name].severity == "error":
            any_error |= ~mask
        elif registry[name].severity == "warning":
            any_warning |= ~mask
    out = keys.reset_index(drop=True).copy() if keys.shape[1] else pd.DataFrame(index=[0])
    out["n"] = n
    out["n_rows_with_error"] = np.bincount(codes[any_error], minlength=size)
    out["n_rows_with_warning"] = np.bincount(codes[any_warning], minlength=size)
    if len(indicators):
        wide = indicators.pivot_table(
            index="_g", columns="item", values="value", aggfunc="first", dropna=False
        ).reindex(range(size))
        order = list(dict.fromkeys(indicators["item"]))
        wide = wide[[c for c in order if c in wide.columns]]
        n_warn = indicators.groupby("_g")["warning"].sum().reindex(range(size), fill_value=0)
    else:
        wide = pd.DataFrame(index=range(size))
        n_warn = pd.Series(0, index=range(size))
    out["n_warnings"] = n_warn.to_numpy()
    out = pd.concat([out, wide.reset_index(drop=True)], axis=1)
    counts_df = pd.DataFrame(counts)
    return pd.concat([out, counts_df], axis=1)


def _checks_table(
    registry: Mapping[str, Check],
    status: Mapping[str, str],
    results: Mapping[str, NDArray[np.bool_]],
    n: int,
) -> pd.DataFrame:
    rows = []
    for name, check in registry.items():
        mask = results.get(name)
        failed = float((~mask).sum()) if mask is not None else np.nan
        rows.append(
            {
                "check": name,
                "family": check.family,
                "severity": check.severity,
                "columns": ", ".join(check.columns),
                "description": check.description,
                "status": status[name],
                "n_failed": failed,
                "pct_failed": 100.0 * failed / n if n else np.nan,
            }
        )
    return pd.DataFrame(rows)
