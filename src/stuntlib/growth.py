"""WHO z-scores for whole populations: the vectorised core.

Under 60 months the WHO Child Growth Standards (2006) apply exactly as the WHO
``anthro`` R package applies them; from 60 to 228 months the WHO Reference 2007
applies exactly as ``anthroplus`` applies it. Every row comes back, in input order,
either scored or with a machine-readable reason (see :data:`REASONS`).

The work is split into blocks of :data:`BLOCK_ROWS` rows that run on a small thread
pool: every step is an element-wise numpy operation, so blocks are independent, stay in
the CPU cache and use both cores of a small machine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from stuntlib import standardize as _std
from stuntlib._arrays import as_column, broadcast_columns, common_index, wrap_like
from stuntlib._blocks import BLOCK_ROWS, run_in_blocks
from stuntlib.errors import StuntlibError
from stuntlib.indicators import (
    FLAG_LIMITS,
    FLAG_OF,
    WHO2006_BELOW_MONTHS,
    WHO2007_MAX_MONTHS,
    ZSCORE_COLUMNS,
    ZSCORES,
    ZScoreIndicator,
)
from stuntlib.lms import r_round, restricted_zscore, value_from_zscore, zscore_from_lms
from stuntlib.reference import LMSTable, load_table

__all__ = [
    "BLOCK_ROWS",
    "INDICATORS",
    "REASONS",
    "REASON_DTYPE",
    "REFERENCE_DTYPE",
    "MEASUREMENTS_OF",
    "ZSCORE_INPUTS",
    "IndicatorSpec",
    "arm_circumference_for_age_zscore",
    "bmi_for_age_zscore",
    "given_indicators",
    "head_circumference_for_age_zscore",
    "height_for_age_zscore",
    "lenhei_from_zscore",
    "subscapular_skinfold_for_age_zscore",
    "triceps_skinfold_for_age_zscore",
    "weight_for_age_zscore",
    "weight_for_lenhei_zscore",
    "zscores",
]

#: Machine-readable reasons for a missing z-score, in order of precedence (defined in
#: :data:`stuntlib.standardize.REASONS`).
REASONS: tuple[str, ...] = _std.REASONS
_R = _std.REASON_CODE

#: dtype of the ``*_reason`` columns.
REASON_DTYPE = pd.CategoricalDtype(list(REASONS))

#: dtype of the ``reference`` column.
REFERENCE_DTYPE = pd.CategoricalDtype(["WHO2006", "WHO2007"])
_MEASURE_DTYPE = pd.CategoricalDtype(["l", "h"])
_OEDEMA_DTYPE = pd.CategoricalDtype(["n", "y"])


#: Weight-for-length/height: age (rounded days) from which the height table is used, the
#: length at which the table is chosen when age and position are both unknown, and the
#: table limits [cm].
WFL_LENGTH_BELOW_CM = 87.0
WFL_LIMITS_CM = {"who2006_wfl": (45.0, 110.0), "who2006_wfh": (65.0, 120.0)}


#: How one indicator is computed: the catalogue row (:class:`stuntlib.indicators.ZScoreIndicator`).
IndicatorSpec = ZScoreIndicator

#: The age-based indicators, their tables, formulas and flag cut-offs (WHO anthro 1.1 and
#: anthroplus 1.0; flags on the 2-decimal z-score), from :data:`stuntlib.indicators.ZSCORES`.
INDICATORS: tuple[ZScoreIndicator, ...] = tuple(i for i in ZSCORES.values() if i.age_based)
_BY_Z = {spec.z: spec for spec in INDICATORS}
#: Weight-for-length/height flag cut-offs.
WFL_FLAG = FLAG_LIMITS["zwfl"]

_ALL_Z = ZSCORE_COLUMNS
_FLAG_OF = FLAG_OF
#: What a single-indicator function returns: a float for scalar inputs, a float64 array
#: for array inputs, a Series (with the input's index) when an input is a Series.
ZScoreResult = float | NDArray[np.float64] | pd.Series

#: Input arguments of :func:`zscores`, named as in WHO ``anthro``.
ZSCORE_INPUTS = (
    "sex",
    "age_days",
    "age_months",
    "birth_date",
    "measure_date",
    "lenhei",
    "weight",
    "measure",
    "oedema",
    "headc",
    "armc",
    "triskin",
    "subskin",
)


# --------------------------------------------------------------------------- preparation


@dataclass
class _Prepared:
    """Standardised inputs of one block."""

    n: int
    sex: NDArray[np.int8]
    days: NDArray[np.float64]
    months: NDArray[np.float64]
    age_reason: NDArray[np.int8]
    measure: NDArray[np.int8]
    c9mo: NDArray[np.bool_]
    oedema: NDArray[np.int8]
    who2006: NDArray[np.bool_]
    who2007: NDArray[np.bool_]
    clenhei: NDArray[np.float64]
    lenhei_reason: NDArray[np.int8]
    measurements: dict[str, tuple[NDArray[np.float64], NDArray[np.int8]]]


def _measurement(
    block: Mapping[str, np.ndarray | None], name: str, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Float values of input ``name`` and their reason codes, with its plausibility window."""
    return _std.check_measurement(block.get(name), n, limits=_std.PLAUSIBLE_LIMITS[name])


def _age(block: Mapping[str, np.ndarray | None], n: int) -> tuple[np.ndarray, ...]:
    """Rounded days, months and age reason by :func:`stuntlib.standardize.resolve_age`."""
    age = _std.resolve_age(
        age_days=block.get("age_days"),
        age_months=block.get("age_months"),
        birth_date=block.get("birth_date"),
        measure_date=block.get("measure_date"),
        n=n,
    )
    return age.days, age.months, age.reason


def _prepare(block: Mapping[str, np.ndarray | None], n: int, needed: frozenset[str]) -> _Prepared:
    sex = block["sex"]  # int8 codes: standardised once per column in _collect
    assert sex is not None
    days, months, age_reason = _age(block, n)
    with np.errstate(invalid="ignore"):
        who2006 = (months < WHO2006_BELOW_MONTHS) & (days >= 0)
        who2007 = (months >= WHO2006_BELOW_MONTHS) & (months <= WHO2007_MAX_MONTHS)
    measure_in = block.get("measure")
    if measure_in is None:
        measure = np.zeros(n, dtype=np.int8)
        c9mo = np.zeros(n, dtype=bool)
    else:
        measure = measure_in  # int8 codes from _collect
        with np.errstate(invalid="ignore"):
            c9mo = (measure == 2) & (months < _std.STANDING_MIN_MONTHS)
        measure = np.where(c9mo, np.int8(0), measure)
    oedema_in = block.get("oedema")
    oedema = np.full(n, 2, dtype=np.int8) if oedema_in is None else oedema_in
    lenhei, lenhei_reason = _measurement(block, "lenhei", n)
    if measure_in is None:
        clenhei = lenhei
    else:
        clenhei = np.where(who2006, _std.adjust_lenhei(lenhei, days, measure), lenhei)
    measurements = {"clenhei": (clenhei, lenhei_reason)}
    if needed & {"zwei", "zwfl", "zbmi", "cbmi"}:
        weight, weight_reason = _measurement(block, "weight", n)
        measurements["weight"] = (weight, weight_reason)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            cbmi = weight / np.square(clenhei / 100.0)
        bmi_reason = np.maximum(lenhei_reason, weight_reason)
        bmi_reason = np.where(lenhei_reason > 0, lenhei_reason, bmi_reason)
        cbmi = np.where(bmi_reason > 0, np.nan, cbmi)
        measurements["cbmi"] = (cbmi, bmi_reason.astype(np.int8, copy=False))
    for name in ("headc", "armc", "triskin", "subskin"):
        spec_needed = any(s.measurement == name and s.z in needed for s in INDICATORS)
        if spec_needed:
            measurements[name] = _measurement(block, name, n)
    return _Prepared(
        n=n,
        sex=sex,
        days=days,
        months=months,
        age_reason=age_reason,
        measure=measure,
        c9mo=c9mo,
        oedema=oedema,
        who2006=who2006,
        who2007=who2007,
        clenhei=clenhei,
        lenhei_reason=lenhei_reason,
        measurements=measurements,
    )


# --------------------------------------------------------------------------- z-scores


def _lookup_by_day(
    table: LMSTable, sex: np.ndarray, days: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """L, M, S of each row from a by-day table (rows off the table get index 0)."""
    offset = days - table.start
    with np.errstate(invalid="ignore"):
        on_table = (offset >= 0) & (offset < table.size) & (sex > 0)
    idx = np.where(on_table, offset, 0.0).astype(np.intp)
    idx += np.where(sex == 2, table.size, 0)
    m = table.m.ravel().take(idx)
    s = table.s.ravel().take(idx)
    l = None if table.l_is_one else table.l.ravel().take(idx)
    return l, m, s, on_table


def _lookup_interpolated(
    table: LMSTable, sex: np.ndarray, key: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L, M, S linearly interpolated between grid points (WHO 2007 months, WFL 0.1 cm).

    As WHO: ``low = trunc(key / step) * step``, ``diff = (key - low) / step`` and each of
    L, M and S is ``row(low) + diff * (row(low + step) - row(low))``.
    """
    inv = 1.0 / table.step
    low = np.trunc(key * inv) / inv
    diff = (key - low) / table.step
    i_low = np.rint((low - table.start) * inv).astype(np.intp)
    last = table.size - 1
    i_low = np.clip(i_low, 0, last)
    i_upp = np.minimum(i_low + 1, last)
    shift = np.where(sex == 2, table.size, 0)
    i_low += shift
    i_upp += shift
    out = []
    for arr in (table.l, table.m, table.s):
        flat = arr.ravel()
        lo, up = flat.take(i_low), flat.take(i_upp)
        out.append(lo + diff * (up - lo))
    return out[0], out[1], out[2]


def _assign_reason(reason: np.ndarray, condition: np.ndarray, code: str) -> np.ndarray:
    """Give ``code`` to rows meeting ``condition`` that have no reason of higher precedence."""
    return np.where((reason == 0) & condition, _R[code], reason).astype(np.int8, copy=False)


def _base_reason(prep: _Prepared, age_reason: np.ndarray | None = None) -> np.ndarray:
    """Reason codes from sex, then from age (``prep.age_reason`` unless given)."""
    reason = np.where(prep.sex == 0, _R["missing_sex"], np.int8(0))
    reason = np.where(prep.sex < 0, _R["invalid_sex"], reason).astype(np.int8)
    age = prep.age_reason if age_reason is None else age_reason
    return np.where(reason > 0, reason, age).astype(np.int8, copy=False)


def _age_range_reason(spec: IndicatorSpec, prep: _Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Reasons from sex, age and the indicator's age range; rows with a WHO 2007 table."""
    reason = _base_reason(prep)
    with np.errstate(invalid="ignore"):
        too_young = prep.who2006 & (prep.days < spec.min_days)
        has_2007 = prep.who2007 & (prep.months <= spec.max_months_2007)
        if spec.table_2007 is None:
            has_2007 = np.zeros_like(has_2007)
        too_old = (prep.months >= WHO2006_BELOW_MONTHS) & ~has_2007
    reason = _assign_reason(reason, too_young, "age_below_range")
    return _assign_reason(reason, too_old, "age_above_range"), has_2007


def _age_based(spec: IndicatorSpec, prep: _Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Z-score and reason code of one age-based indicator for one block."""
    y, y_reason = prep.measurements[spec.measurement]
    reason, has_2007 = _age_range_reason(spec, prep)
    reason = np.where(reason > 0, reason, y_reason).astype(np.int8, copy=False)
    if spec.measurement in ("clenhei", "cbmi"):
        reason = _assign_reason(reason, prep.who2006 & (prep.measure < 0), "invalid_measure")
    if spec.oedema_blanks:
        reason = _assign_reason(reason, prep.oedema < 0, "invalid_oedema")
        reason = _assign_reason(reason, prep.oedema == 1, "oedema")

    formula = restricted_zscore if spec.restricted else zscore_from_lms
    table = load_table(spec.table_2006)
    l, m, s, _ = _lookup_by_day(table, prep.sex, prep.days)
    with np.errstate(divide="ignore", invalid="ignore"):
        if l is None and not spec.restricted:
            z = (y / m - 1.0) / s
        else:
            z = formula(y, l if l is not None else 1.0, m, s)
    rows_2007 = np.flatnonzero(has_2007 & (reason == 0))
    if rows_2007.size:
        table7 = load_table(spec.table_2007)  # type: ignore[arg-type]
        l7, m7, s7 = _lookup_interpolated(table7, prep.sex[rows_2007], prep.months[rows_2007])
        z[rows_2007] = formula(y[rows_2007], l7, m7, s7)
    z = np.where(reason == 0, z, np.nan)
    return z, reason


def _wfl_age_reason(prep: _Prepared) -> np.ndarray:
    """Weight-for-length/height reasons from sex and age (age itself is optional)."""
    # Age is optional here; a negative age or an unreadable date is still a bad row.
    age_problem = np.where(prep.age_reason == _R["missing_age"], np.int8(0), prep.age_reason)
    reason = _base_reason(prep, age_problem)
    with np.errstate(invalid="ignore"):
        too_old = ~np.isnan(prep.days) & ~(prep.months < WHO2006_BELOW_MONTHS)
    return _assign_reason(reason, too_old, "age_above_range")


def _placeholder_reason(name: str, prep: _Prepared) -> np.ndarray:
    """Reason codes of an indicator whose measurement was not given, without computing it.

    The same codes the full computation gives: sex, age and age-range reasons first, then
    the measurement's reason (``missing_measurement``, or the reason of the one input of
    a two-input indicator that was given but is unusable).
    """
    if name == "zwfl":
        weight_reason = prep.measurements["weight"][1]
        y_reason = np.where(weight_reason > 0, weight_reason, prep.lenhei_reason)
        reason = _wfl_age_reason(prep)
    else:
        spec = _BY_Z[name]
        reason, _ = _age_range_reason(spec, prep)
        prepared = prep.measurements.get(spec.measurement)
        missing = np.full(prep.n, _R["missing_measurement"], dtype=np.int8)
        y_reason = missing if prepared is None else prepared[1]
    return np.where(reason > 0, reason, y_reason).astype(np.int8, copy=False)


def _weight_for_lenhei(prep: _Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Weight-for-length/height z-score and reason code of one block (WHO's table choice)."""
    weight, weight_reason = prep.measurements["weight"]
    clenhei, lenhei_reason = prep.clenhei, prep.lenhei_reason
    age_known = ~np.isnan(prep.days)
    reason = _wfl_age_reason(prep)
    reason = np.where(reason > 0, reason, weight_reason).astype(np.int8)
    reason = np.where(reason > 0, reason, lenhei_reason).astype(np.int8)
    reason = _assign_reason(reason, prep.measure < 0, "invalid_measure")
    reason = _assign_reason(reason, prep.oedema < 0, "invalid_oedema")
    reason = _assign_reason(reason, prep.oedema == 1, "oedema")
    with np.errstate(invalid="ignore"):
        use_length = np.where(
            age_known,
            prep.days < _std.HEIGHT_FROM_DAY,
            np.where(
                prep.measure == 1,
                True,
                np.where(prep.measure == 2, False, clenhei < WFL_LENGTH_BELOW_CM),
            ),
        )
    z = np.full(prep.n, np.nan)
    for name, rows_mask in (("who2006_wfl", use_length), ("who2006_wfh", ~use_length)):
        lo, hi = WFL_LIMITS_CM[name]
        with np.errstate(invalid="ignore"):
            outside = rows_mask & ~((clenhei >= lo) & (clenhei <= hi))
        reason = _assign_reason(reason, outside, "lenhei_outside_table")
        rows = np.flatnonzero(rows_mask & (reason == 0))
        if rows.size:
            table = load_table(name)
            l, m, s = _lookup_interpolated(table, prep.sex[rows], clenhei[rows])
            z[rows] = restricted_zscore(weight[rows], l, m, s)
    z = np.where(reason == 0, z, np.nan)
    return z, reason


def _flag(z: np.ndarray, low: float, high: float) -> np.ndarray:
    """WHO flag (0/1, as int8) on the 2-decimal z-score; callers mask NaN rows.

    ``low`` and ``high`` are 2-decimal values and R's rounding is monotone, so a z-score
    within them rounds within them: only the few rows beyond need rounding.
    """
    with np.errstate(invalid="ignore"):
        beyond = np.flatnonzero((z < low) | (z > high))
    flag = np.zeros(z.shape, dtype=np.int8)
    if beyond.size:
        rounded = r_round(z[beyond], 2)
        flag[beyond] = (rounded < low) | (rounded > high)
    return flag


# --------------------------------------------------------------------------- block runner


def _block_outputs(
    block: Mapping[str, np.ndarray | None],
    n: int,
    wanted: tuple[str, ...],
    details: bool,
    placeholders: tuple[str, ...] = (),
) -> dict[str, np.ndarray]:
    needed = frozenset(wanted) | ({"cbmi"} if details else frozenset())
    prep = _prepare(block, n, needed)
    out: dict[str, np.ndarray] = {}
    shared: dict[tuple[object, ...], np.ndarray] = {}
    for name in placeholders:
        # indicators with the same age range and no measurement share their reasons
        if name == "zwfl":
            key: tuple[object, ...] = ("zwfl",)
        else:
            spec = _BY_Z[name]
            measured = spec.measurement if spec.measurement in prep.measurements else None
            key = (spec.min_days, spec.table_2007 is None, spec.max_months_2007, measured)
        if key not in shared:
            shared[key] = (_placeholder_reason(name, prep) - 1).astype(np.int8)
        out[name + "_reason"] = shared[key]
    for name in wanted:
        if name == "zwfl":
            z, reason = _weight_for_lenhei(prep)
            low, high = WFL_FLAG
        else:
            spec = _BY_Z[name]
            z, reason = _age_based(spec, prep)
            low, high = spec.flag_low, spec.flag_high
        out[name] = z
        out[name + "_reason"] = (reason - 1).astype(np.int8)  # category code, -1 = none
        if details:
            out[_FLAG_OF[name]] = _flag(z, low, high)
    if details:
        out["age_days"] = prep.days
        out["age_months"] = prep.months
        out["csex"] = prep.sex
        out["clenhei"] = prep.clenhei
        out["cmeasure"] = np.where(prep.measure > 0, prep.measure - 1, -1).astype(np.int8)
        out["c9mo_flag"] = prep.c9mo.astype(np.int8)
        out["coedema"] = np.where(prep.oedema == 1, 1, np.where(prep.oedema == 2, 0, -1)).astype(
            np.int8
        )
        out["cbmi"] = prep.measurements["cbmi"][0]  # details always prepare cbmi
        ref = np.where(prep.who2006, np.int8(0), np.int8(-1))
        out["reference"] = np.where(prep.who2007, np.int8(1), ref).astype(np.int8)
    return out


def _run_blocks(
    columns: Mapping[str, np.ndarray | None],
    n: int,
    wanted: tuple[str, ...],
    details: bool,
    placeholders: tuple[str, ...] = (),
) -> dict[str, np.ndarray]:
    """Run :func:`_block_outputs` over blocks of rows and gather the results in order."""

    def block_outputs(block: Mapping[str, np.ndarray | None], rows: int) -> dict[str, np.ndarray]:
        return _block_outputs(block, rows, wanted, details, placeholders)

    return run_in_blocks(block_outputs, columns, n)


#: Categorical inputs standardised to int8 codes once per column, before the blocks.
_CODED: dict[str, Callable[[Any], np.ndarray]] = {
    "sex": _std.standardize_sex,
    "measure": _std.standardize_measure,
    "oedema": _std.standardize_oedema,
}


def _collect(values: Mapping[str, Any]) -> tuple[dict[str, np.ndarray | None], int]:
    given = {k: v for k, v in values.items() if v is not None}
    if "sex" not in given:
        raise StuntlibError("sex: required; got None")
    columns = {}
    for name, value in given.items():
        if name in _CODED:
            # a Series goes in whole: pandas factorizes its (e.g. Arrow) strings natively
            source = value if isinstance(value, pd.Series) else as_column(name, value)
            columns[name] = _CODED[name](source)
        else:
            columns[name] = as_column(name, value)
    arrays, n = broadcast_columns(columns)
    return {k: arrays.get(k) for k in ZSCORE_INPUTS}, n


def _int8_or_na(codes: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(codes.astype(np.int8, copy=False), missing)


# --------------------------------------------------------------------------- public API

#: The measurement inputs each z-score needs (weight-for-length/height and BMI need both).
MEASUREMENTS_OF: Mapping[str, tuple[str, ...]] = {
    spec.z: ("weight", "lenhei")
    if spec.measurement == "cbmi" or not spec.age_based
    else ("lenhei",)
    if spec.measurement == "clenhei"
    else (spec.measurement,)
    for spec in ZSCORES.values()
}


def given_indicators(values: Mapping[str, object]) -> tuple[str, ...]:
    """The z-scores whose measurements are all given (not None), in catalogue order.

    Parameters
    ----------
    values : mapping
        Input arguments of :func:`zscores` by name (``lenhei``, ``weight``, ``headc``, ...).

    Returns
    -------
    tuple of str
        Z-score columns, e.g. ``("zlen",)`` when only ``lenhei`` is given.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).

    Examples
    --------
    >>> given_indicators({"lenhei": [80.0], "weight": None})
    ('zlen',)
    >>> given_indicators({"lenhei": [80.0], "weight": [10.0], "armc": [14.0]})
    ('zlen', 'zwei', 'zwfl', 'zbmi', 'zac')
    """
    return tuple(
        z for z, needs in MEASUREMENTS_OF.items() if all(values.get(m) is not None for m in needs)
    )


def zscores(
    *,
    sex: ArrayLike,
    age_days: ArrayLike | None = None,
    age_months: ArrayLike | None = None,
    birth_date: ArrayLike | None = None,
    measure_date: ArrayLike | None = None,
    lenhei: ArrayLike | None = None,
    weight: ArrayLike | None = None,
    measure: ArrayLike | None = None,
    oedema: ArrayLike | None = None,
    headc: ArrayLike | None = None,
    armc: ArrayLike | None = None,
    triskin: ArrayLike | None = None,
    subskin: ArrayLike | None = None,
    indicators: tuple[str, ...] | list[str] | None = None,
) -> pd.DataFrame:
    """WHO z-scores and flags for every row, with a reason wherever a z-score is missing.

    Children under 60 months are scored against the WHO Child Growth Standards (2006)
    exactly as WHO ``anthro`` does; children of 60 to 228 months against the WHO
    Reference 2007 exactly as ``anthroplus`` does (height-for-age and BMI-for-age to 228
    months, weight-for-age to 120 months). Arguments are named as in ``anthro``; each is
    a scalar, list, numpy array (NaN/None for missing) or pandas Series (scalars are
    broadcast).

    Parameters
    ----------
    sex : array_like
        1/2, ``m``/``f``, ``L``/``P``, ``laki-laki``/``perempuan``, ...
    age_days, age_months : array_like, optional
        Age [days] (rounded half up) or [months] (× 30.4375, then rounded half up).
    birth_date, measure_date : array_like, optional
        Dates; age = difference in days. Where several age sources are given, a row uses
        ``age_days`` first, then the dates, then ``age_months``.
    lenhei : array_like, optional
        Length or height as measured [cm].
    weight : array_like, optional
        Weight [kg].
    measure : array_like, optional
        ``l`` (lying) / ``h`` (standing) and synonyms; missing means no ±0.7 cm change.
    oedema : array_like, optional
        ``y``/``n`` (``1``/``2``); missing means no oedema.
    headc, armc : array_like, optional
        Head and mid-upper-arm circumference [cm].
    triskin, subskin : array_like, optional
        Triceps and subscapular skinfold [mm].
    indicators : sequence of str, optional
        The z-score columns to return (a subset of ``zlen``, ``zwei``, ``zwfl``,
        ``zbmi``, ``zhc``, ``zac``, ``zts``, ``zss``); default all. Only the indicators
        whose measurements are given are computed (:func:`given_indicators`: ``zlen``
        needs ``lenhei``, ``zwei`` ``weight``, ``zwfl`` and ``zbmi`` both, ``zhc``
        ``headc`` and so on); the others come back NaN with their reasons (sex, age and
        age-range reasons first, then ``missing_measurement``) at the cost of a few
        integer passes.

    Returns
    -------
    pandas.DataFrame
        One row per input row, in order (index of the Series inputs, else a RangeIndex):
        ``age_days``, ``age_months``, ``csex``, ``coedema``, ``clenhei``, ``cmeasure``,
        ``c9mo_flag``, ``cbmi``, ``reference``, then for each indicator its z-score (full
        precision; NaN when missing), its WHO flag (Int8; NA when the z-score is missing)
        and ``<z>_reason`` (category; NA when the z-score exists). See the glossary.

    Raises
    ------
    StuntlibError
        If ``sex`` is missing, inputs have different lengths, a Series index differs,
        or ``indicators`` names an unknown z-score.

    Notes
    -----
    Deliberate differences from WHO ``anthro``: a negative age, an unreadable date, an
    unrecognised code or a zero/negative measurement makes that row's z-score NaN with
    a reason instead of stopping the whole call (``anthro`` raises) or giving an
    infinite or extreme value (``anthro`` returns ``zbmi = Inf`` for a length of 0 and
    a finite ``zwfl`` for a weight of 0). An infinite measurement gets
    ``invalid_measurement``; a measurement outside the physical window of its unit
    (:data:`stuntlib.standardize.PLAUSIBLE_LIMITS`) gets ``implausible_measurement``
    (``anthro`` has no plausibility window since version 1.1). Ages, codes and numbers are
    read by :mod:`stuntlib.standardize` (:func:`~stuntlib.standardize.resolve_age`,
    the strict number rule of :func:`~stuntlib.standardize.to_float`).

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.
    .. [3] de Onis M, et al. Development of a WHO growth reference for school-aged
       children and adolescents. Bull World Health Organ 2007;85:660-667.

    Examples
    --------
    The README example of WHO ``anthro`` (expected z-scores 7.31, -3.50, 1.62, 1.70):

    >>> r = zscores(sex=[1, 2, 1, 1], age_days=[1001, 1000, 1010, 1000],
    ...             weight=[18, 15, 10, 15], lenhei=[120, 80, 100, 100])
    >>> r["zlen"].round(2).tolist(), r["flen"].tolist()
    ([7.31, -3.5, 1.62, 1.7], [1, 0, 0, 0])
    >>> r["zwfl"].round(2).tolist()
    [-2.39, 4.13, -5.19, -0.29]
    >>> zscores(sex="P", age_months=30, lenhei=None)["zlen_reason"].tolist()
    ['missing_measurement']
    >>> [c for c in zscores(sex=1, age_days=400, lenhei=75.0, indicators=["zlen"]).columns
    ...  if c.startswith("z")]
    ['zlen', 'zlen_reason']
    """
    values = {
        "sex": sex,
        "age_days": age_days,
        "age_months": age_months,
        "birth_date": birth_date,
        "measure_date": measure_date,
        "lenhei": lenhei,
        "weight": weight,
        "measure": measure,
        "oedema": oedema,
        "headc": headc,
        "armc": armc,
        "triskin": triskin,
        "subskin": subskin,
    }
    wanted = _ALL_Z if indicators is None else tuple(indicators)
    unknown = [w for w in wanted if w not in _ALL_Z]
    if unknown:
        raise StuntlibError(f"indicators: unknown {unknown}; expected a subset of {list(_ALL_Z)}")
    wanted = tuple(w for w in _ALL_Z if w in wanted)
    given = given_indicators(values)
    computed = tuple(w for w in wanted if w in given)
    placeholders = tuple(w for w in wanted if w not in given)
    columns, n = _collect(values)
    index = common_index(values, n)
    raw = _run_blocks(columns, n, computed, details=True, placeholders=placeholders)
    return _frame(raw, wanted, n, index)


def _frame(
    raw: dict[str, np.ndarray], wanted: tuple[str, ...], n: int, index: pd.Index | None
) -> pd.DataFrame:
    sex = raw["csex"]
    data: dict[str, Any] = {
        "age_days": raw["age_days"],
        "age_months": raw["age_months"],
        "csex": _int8_or_na(np.where(sex > 0, sex, 0), sex <= 0),
        "coedema": pd.Categorical.from_codes(raw["coedema"], dtype=_OEDEMA_DTYPE, validate=False),
        "clenhei": raw["clenhei"],
        "cmeasure": pd.Categorical.from_codes(
            raw["cmeasure"], dtype=_MEASURE_DTYPE, validate=False
        ),
        "c9mo_flag": raw["c9mo_flag"],
        "cbmi": raw["cbmi"],
        "reference": pd.Categorical.from_codes(
            raw["reference"], dtype=REFERENCE_DTYPE, validate=False
        ),
    }
    for name in wanted:
        if name in raw:
            z = raw[name]
            missing = np.isnan(z)
            data[_FLAG_OF[name]] = _int8_or_na(raw[_FLAG_OF[name]], missing)
        else:  # measurement not given: no z-score anywhere, only the reasons
            z = np.full(n, np.nan)
            data[_FLAG_OF[name]] = _int8_or_na(np.zeros(n, dtype=np.int8), np.ones(n, bool))
        data[name] = z
        data[name + "_reason"] = pd.Categorical.from_codes(
            raw[name + "_reason"], dtype=REASON_DTYPE, validate=False
        )
    frame = pd.DataFrame(data, index=index if index is not None else pd.RangeIndex(n), copy=False)
    return frame


def _single(name: str, template: Any, values: Mapping[str, Any]) -> ZScoreResult:
    """Compute one z-score through the block runner and return it like ``template``."""
    columns, n = _collect(values)
    index = common_index(values, n)
    z = _run_blocks(columns, n, (name,), details=False)[name]
    if index is not None and not isinstance(template, pd.Series):
        return pd.Series(z, index=index, name=name, copy=False)
    return wrap_like(template, z, name)


def height_for_age_zscore(
    lenhei: ArrayLike,
    *,
    sex: ArrayLike,
    age_days: ArrayLike,
    measure: ArrayLike | None = None,
) -> ZScoreResult:
    """Length/height-for-age z-score (WHO 2006 under 60 months, WHO 2007 to 228 months).

    Applies WHO's rules: age rounded half up to days; ±0.7 cm when the position does not
    match the age (lying from 731 days, standing before); a standing measurement under 9
    months is taken as a length; plain LMS formula (no restriction); NaN outside 0–228
    months or for a missing or non-positive height.

    Parameters
    ----------
    lenhei : array_like
        Length or height as measured [cm].
    sex : array_like
        Sex codes (see :func:`stuntlib.standardize.standardize_sex`).
    age_days : array_like
        Age [days].
    measure : array_like, optional
        ``l``/``h`` (and synonyms); missing means no adjustment.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The z-score at full precision, in the type of ``lenhei`` (a Series keeps its
        index). NaN where it cannot be computed: use :func:`zscores` for the reason.

    Raises
    ------
    StuntlibError
        If ``sex`` is missing, the inputs have different lengths, or two Series inputs
        have different indexes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.
    .. [3] de Onis M, et al. Development of a WHO growth reference for school-aged
       children and adolescents. Bull World Health Organ 2007;85:660-667.

    Examples
    --------
    >>> round(height_for_age_zscore(50.0, sex=1, age_days=44), 2)  # WHO anthro unit test
    -3.29
    >>> height_for_age_zscore([60, 60], sex=1, age_days=[244, 274], measure="h").round(2)
    array([-4.81, -5.02])
    """
    values = {"lenhei": lenhei, "sex": sex, "age_days": age_days, "measure": measure}
    return _single("zlen", lenhei, values)


def weight_for_age_zscore(
    weight: ArrayLike, *, sex: ArrayLike, age_days: ArrayLike, oedema: ArrayLike | None = None
) -> ZScoreResult:
    """Weight-for-age z-score (WHO 2006 under 60 months, WHO 2007 to 120 months).

    Restricted z-score beyond ±3 SD; NaN with oedema, for a missing or non-positive
    weight, or outside 0–120 months.

    Parameters
    ----------
    weight : array_like
        Weight [kg].
    sex : array_like
        Sex codes.
    age_days : array_like
        Age [days].
    oedema : array_like, optional
        Oedema codes; missing means none.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The z-score in the type of ``weight``.

    Raises
    ------
    StuntlibError
        If ``sex`` is missing, the inputs have different lengths, or two Series inputs
        have different indexes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.
    .. [3] de Onis M, et al. Development of a WHO growth reference for school-aged
       children and adolescents. Bull World Health Organ 2007;85:660-667.

    Examples
    --------
    >>> round(weight_for_age_zscore(17, sex=2, age_days=1522), 2)  # WHO anthro test: 0.24
    0.24
    >>> round(weight_for_age_zscore(16, sex=1, age_days=400), 2)  # restricted: 4.62
    4.62
    """
    values = {"weight": weight, "sex": sex, "age_days": age_days, "oedema": oedema}
    return _single("zwei", weight, values)


def weight_for_lenhei_zscore(
    weight: ArrayLike,
    lenhei: ArrayLike,
    *,
    sex: ArrayLike,
    age_days: ArrayLike | None = None,
    measure: ArrayLike | None = None,
    oedema: ArrayLike | None = None,
) -> ZScoreResult:
    """Weight-for-length/height z-score (WHO 2006), with WHO's table choice.

    The length table (45–110 cm) is used under 731 days, the height table (65–120 cm)
    from 731 days; without an age, the position decides, and without either a
    length below 87 cm. L, M and S are interpolated linearly between the 0.1 cm grid
    points of the ±0.7 cm adjusted length/height. Restricted z-score beyond ±3 SD.

    Parameters
    ----------
    weight : array_like
        Weight [kg].
    lenhei : array_like
        Length or height as measured [cm].
    sex : array_like
        Sex codes.
    age_days : array_like, optional
        Age [days]; NaN or None allowed.
    measure : array_like, optional
        Position codes.
    oedema : array_like, optional
        Oedema codes.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The z-score in the type of ``weight``.

    Raises
    ------
    StuntlibError
        If ``sex`` is missing, the inputs have different lengths, or two Series inputs
        have different indexes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.

    Examples
    --------
    Girl, 500 days, 73.46 cm, 8.1 kg (rows 73.4 and 73.5 cm, interpolated): -1.01

    >>> round(weight_for_lenhei_zscore(8.1, 73.46, sex=2, age_days=500), 2)
    -1.01
    >>> weight_for_lenhei_zscore([12, 12], [86.9, 87.0], sex=1).round(2)  # no age
    array([ 0.03, -0.17])
    """
    values = {
        "weight": weight,
        "lenhei": lenhei,
        "sex": sex,
        "age_days": age_days,
        "measure": measure,
        "oedema": oedema,
    }
    return _single("zwfl", weight, values)


def bmi_for_age_zscore(
    weight: ArrayLike,
    lenhei: ArrayLike,
    *,
    sex: ArrayLike,
    age_days: ArrayLike,
    measure: ArrayLike | None = None,
    oedema: ArrayLike | None = None,
) -> ZScoreResult:
    """BMI-for-age z-score from weight and the ±0.7 cm adjusted length/height.

    Parameters
    ----------
    weight : array_like
        Weight [kg].
    lenhei : array_like
        Length or height as measured [cm].
    sex : array_like
        Sex codes.
    age_days : array_like
        Age [days].
    measure : array_like, optional
        Position codes.
    oedema : array_like, optional
        Oedema codes.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The z-score in the type of ``weight``.

    Raises
    ------
    StuntlibError
        If ``sex`` is missing, the inputs have different lengths, or two Series inputs
        have different indexes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.
    .. [3] de Onis M, et al. Development of a WHO growth reference for school-aged
       children and adolescents. Bull World Health Organ 2007;85:660-667.

    Examples
    --------
    >>> round(bmi_for_age_zscore(15, 80, sex=2, age_days=1000), 2)  # anthro README: 4.66
    4.66
    """
    values = {
        "weight": weight,
        "lenhei": lenhei,
        "sex": sex,
        "age_days": age_days,
        "measure": measure,
        "oedema": oedema,
    }
    return _single("zbmi", weight, values)


def head_circumference_for_age_zscore(
    headc: ArrayLike, *, sex: ArrayLike, age_days: ArrayLike
) -> ZScoreResult:
    """Head circumference-for-age z-score (WHO 2006 standards, under 60 months).

    Plain LMS formula (no restriction), days 0-1826.

    Parameters
    ----------
    headc : array_like
        Head circumference [cm].
    sex : array_like
        Sex codes.
    age_days : array_like
        Age [days].

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The z-score in the type of ``headc``; NaN outside the table's ages or for a
        missing or non-positive measurement (:func:`zscores` gives the reason).

    Raises
    ------
    StuntlibError
        If ``sex`` is missing, the inputs have different lengths, or two Series inputs
        have different indexes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.

    Examples
    --------
    >>> round(head_circumference_for_age_zscore(34.4618, sex=1, age_days=0), 6)  # the median
    0.0
    """
    return _single("zhc", headc, {"headc": headc, "sex": sex, "age_days": age_days})


def arm_circumference_for_age_zscore(
    armc: ArrayLike, *, sex: ArrayLike, age_days: ArrayLike
) -> ZScoreResult:
    """Mid-upper arm circumference-for-age z-score (WHO 2006 standards, under 60 months).

    Restricted z-score beyond ±3 SD; from 91 days (3 months) to 1826 days.

    Parameters
    ----------
    armc : array_like
        Mid-upper arm circumference [cm].
    sex : array_like
        Sex codes.
    age_days : array_like
        Age [days].

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The z-score in the type of ``armc``; NaN outside the table's ages or for a
        missing or non-positive measurement (:func:`zscores` gives the reason).

    Raises
    ------
    StuntlibError
        If ``sex`` is missing, the inputs have different lengths, or two Series inputs
        have different indexes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.

    Examples
    --------
    >>> arm_circumference_for_age_zscore([13.4779, 13.4779], sex=1, age_days=[91, 90]).tolist()
    [0.0, nan]
    """
    return _single("zac", armc, {"armc": armc, "sex": sex, "age_days": age_days})


def triceps_skinfold_for_age_zscore(
    triskin: ArrayLike, *, sex: ArrayLike, age_days: ArrayLike
) -> ZScoreResult:
    """Triceps skinfold-for-age z-score (WHO 2006 standards, under 60 months).

    Restricted z-score beyond ±3 SD; from 91 days (3 months) to 1826 days.

    Parameters
    ----------
    triskin : array_like
        Triceps skinfold [mm].
    sex : array_like
        Sex codes.
    age_days : array_like
        Age [days].

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The z-score in the type of ``triskin``; NaN outside the table's ages or for a
        missing or non-positive measurement (:func:`zscores` gives the reason).

    Raises
    ------
    StuntlibError
        If ``sex`` is missing, the inputs have different lengths, or two Series inputs
        have different indexes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.

    Examples
    --------
    >>> round(triceps_skinfold_for_age_zscore(9.7658, sex=1, age_days=91), 6)  # the median
    0.0
    """
    return _single("zts", triskin, {"triskin": triskin, "sex": sex, "age_days": age_days})


def subscapular_skinfold_for_age_zscore(
    subskin: ArrayLike, *, sex: ArrayLike, age_days: ArrayLike
) -> ZScoreResult:
    """Subscapular skinfold-for-age z-score (WHO 2006 standards, under 60 months).

    Restricted z-score beyond ±3 SD; from 91 days (3 months) to 1826 days.

    Parameters
    ----------
    subskin : array_like
        Subscapular skinfold [mm].
    sex : array_like
        Sex codes.
    age_days : array_like
        Age [days].

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The z-score in the type of ``subskin``; NaN outside the table's ages or for a
        missing or non-positive measurement (:func:`zscores` gives the reason).

    Raises
    ------
    StuntlibError
        If ``sex`` is missing, the inputs have different lengths, or two Series inputs
        have different indexes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.

    Examples
    --------
    >>> round(subscapular_skinfold_for_age_zscore(7.692, sex=1, age_days=91), 6)  # the median
    0.0
    """
    return _single("zss", subskin, {"subskin": subskin, "sex": sex, "age_days": age_days})


def lenhei_from_zscore(z: ArrayLike, *, sex: ArrayLike, age_days: ArrayLike) -> np.ndarray:
    """Length/height [cm] at a given length/height-for-age z-score (the inverse).

    Under 731 days this is a recumbent length, from 731 days a standing height, as the
    WHO 2006 table is; from 60 months the WHO 2007 reference applies.

    Parameters
    ----------
    z : array_like
        Z-score.
    sex : array_like
        Sex codes.
    age_days : array_like
        Age [days].

    Returns
    -------
    numpy.ndarray
        Length/height [cm]; NaN where the age or sex is outside the tables.

    Raises
    ------
    StuntlibError
        If ``sex`` is missing, the inputs have different lengths, or two Series inputs
        have different indexes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.
    .. [3] de Onis M, et al. Development of a WHO growth reference for school-aged
       children and adolescents. Bull World Health Organ 2007;85:660-667.

    Examples
    --------
    >>> lenhei_from_zscore([0.0, -2.0], sex=1, age_days=0).round(4)  # M and M(1 - 2S)
    array([49.8842, 46.098 ])
    """
    columns, n = _collect({"z": z, "sex": sex, "age_days": age_days})
    zs = np.asarray(as_column("z", z), dtype=np.float64)
    zs = np.broadcast_to(zs, (n,)) if zs.size == 1 else zs
    prep = _prepare(columns, n, frozenset())
    table = load_table("who2006_lhfa")
    l, m, s, on_table = _lookup_by_day(table, prep.sex, prep.days)
    out = value_from_zscore(zs, 1.0 if l is None else l, m, s)
    out = np.where(prep.who2006 & on_table & (prep.sex > 0), out, np.nan)
    rows = np.flatnonzero(prep.who2007 & (prep.sex > 0))
    if rows.size:
        l7, m7, s7 = _lookup_interpolated(
            load_table("who2007_hfa"), prep.sex[rows], prep.months[rows]
        )
        out[rows] = value_from_zscore(zs[rows], l7, m7, s7)
    return out
