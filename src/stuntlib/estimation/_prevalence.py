"""Prevalence of stunting, wasting, underweight and overweight, with honest uncertainty.

:func:`prevalence` turns a frame of WHO z-scores and flags (``zlen``/``flen``,
``zwei``/``fwei``, ``zwfl``/``fwfl``, ``zbmi``/``fbmi``, as :mod:`stuntlib.growth`
returns them) into one tidy row per group x indicator: the proportion below or above a
WHO cut-off, its standard error, a confidence interval, the design effect, and a
reliability flag for publication. Two kinds of data are served by the same call:

* **census-style data** (e-PPGBM: every child at the posyandu), no design arguments:
  a binomial interval per area (Wilson by default; Clopper-Pearson, Jeffreys,
  Korn-Graubard, or WHO ``anthro``'s simple logit interval with ``ci="logit"``), with an
  optional finite-population correction when the target population is known;
* **surveys** (SSGI, SKI, SMART, DHS) with ``weights=``, ``strata=`` and ``cluster=``:
  a ratio estimator with a Taylor-linearised, with-replacement variance of the primary
  sampling units within strata, the same numbers as WHO ``anthro_prevalence`` and R
  ``survey::svyciprop`` (logit interval by default, Korn-Graubard on request).

Everything is computed from additive partial sums per group (and per group x stratum x
PSU for clustered designs): :func:`prevalence_partial_sums` maps a chunk of rows to sums,
:func:`merge_partial_sums` reduces them and :func:`finalize_prevalence` turns them into
the table, so a distributed engine can reuse the same finaliser.

WHO's rules are followed exactly (see :doc:`/methodology/prevalence`): rows older than
1826 days are dropped, flagged z-scores are excluded, cut-offs are strict inequalities on
z-scores rounded to 2 decimals as R rounds them, and children with oedema count as
z = -3.1 in the weight-based cut-off prevalences.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from stuntlib._validation import check_language
from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.indicators import FLAG_LIMITS, FLAG_OF
from stuntlib.lms import r_round
from stuntlib.scoring import age_group
from stuntlib.standardize import (
    DAYS_PER_MONTH,
    round_half_up,
    standardize_oedema,
    standardize_sex,
)

__all__ = [
    "DERIVED_GROUPS",
    "INDICATORS",
    "OEDEMA_AUX_ZSCORE",
    "WHO_MAX_AGE_DAYS",
    "Indicator",
    "PartialSums",
    "add_group_columns",
    "disclosive_cells",
    "finalize_prevalence",
    "merge_partial_sums",
    "prevalence",
    "prevalence_partial_sums",
    "prevalence_table",
    "rollup",
    "who_groupings",
]

CIMethod: TypeAlias = Literal["wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard"]
GroupSpec: TypeAlias = "str | Sequence[str | Sequence[str] | None] | None"
FloatArray: TypeAlias = NDArray[np.float64]

#: WHO ``anthro_prevalence`` drops rows whose age in days (rounded half up) exceeds this.
WHO_MAX_AGE_DAYS = 1826
#: The auxiliary z-score WHO gives children with oedema in the weight-based cut-offs.
OEDEMA_AUX_ZSCORE = -3.1

_CI_METHODS = ("wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard")
_FLAG_OF = {z: FLAG_OF[z] for z in ("zlen", "zwei", "zwfl", "zbmi")}
# WHO flag rules on the 2-decimal z (from the catalogue): flagged when z < low or z > high.
_FLAG_LIMITS = {z: FLAG_LIMITS[z] for z in _FLAG_OF}
_OEDEMA_Z = frozenset({"zwei", "zwfl", "zbmi"})
_STRATUM = "_stratum"
#: Census means under ``rounding="who"`` are summed in hundredths of a z-score (exact).
_HUNDREDTHS = 100.0
#: Rows per block when making row statistics (2 MB per float column).
_ROW_BLOCK = 1 << 18
_PSU = "_psu"


@dataclass(frozen=True)
class Indicator:
    """One row of :data:`INDICATORS`: a cut-off prevalence or a mean z-score.

    Attributes
    ----------
    name : str
        Name used in ``indicators=`` and in the ``indicator`` output column.
    kind : {"prevalence", "mean"}
        A proportion of children beyond cut-offs, or the mean (and SD) of a z-score.
    terms : tuple of (str, str, float)
        ``(z column, "<" or ">", cut-off)``; a child is a case when every term holds
        (strict inequalities, on the 2-decimal z). For a mean: ``((z column, "", nan),)``.
    who_code : str
        The column stem of WHO ``anthro_prevalence`` (``HA_2``, ``WH2``, ``HA_2_WH_2``...).
    label_en, label_id : str
        English and Indonesian labels for reports.
    """

    name: str
    kind: Literal["prevalence", "mean"]
    terms: tuple[tuple[str, str, float], ...]
    who_code: str
    label_en: str
    label_id: str

    @property
    def z_columns(self) -> tuple[str, ...]:
        """The z-score columns the indicator reads."""
        return tuple(t[0] for t in self.terms)

    @property
    def base(self) -> str:
        """Key of the validity mask: the z columns, with ``+o`` where oedema counts."""
        return "&".join(z + ("+o" if self._aux(z) else "") for z in self.z_columns)

    def _aux(self, z: str) -> bool:
        return self.kind == "prevalence" and z in _OEDEMA_Z


def _p(name: str, z: str, op: str, cut: float, code: str, en: str, id_: str) -> Indicator:
    return Indicator(name, "prevalence", ((z, op, cut),), code, en, id_)


_INDICATOR_LIST = (
    _p("severe_stunting", "zlen", "<", -3, "HA_3", "Severe stunting (HAZ < -3)", "Sangat pendek"),
    _p(
        "stunting",
        "zlen",
        "<",
        -2,
        "HA_2",
        "Stunting (HAZ < -2)",
        "Stunting (pendek + sangat pendek)",
    ),
    _p("haz_below_minus1", "zlen", "<", -1, "HA_1", "HAZ < -1", "TB/U < -1 SD"),
    _p("haz_above_1", "zlen", ">", 1, "HA1", "HAZ > +1", "TB/U > +1 SD"),
    _p("haz_above_2", "zlen", ">", 2, "HA2", "HAZ > +2", "TB/U > +2 SD"),
    _p("haz_above_3", "zlen", ">", 3, "HA3", "Tall (HAZ > +3)", "Tinggi (TB/U > +3 SD)"),
    _p(
        "severe_underweight",
        "zwei",
        "<",
        -3,
        "WA_3",
        "Severe underweight (WAZ < -3)",
        "Berat badan sangat kurang",
    ),
    _p(
        "underweight",
        "zwei",
        "<",
        -2,
        "WA_2",
        "Underweight (WAZ < -2)",
        "Underweight (berat badan kurang + sangat kurang)",
    ),
    _p("waz_below_minus1", "zwei", "<", -1, "WA_1", "WAZ < -1", "BB/U < -1 SD"),
    _p("waz_above_1", "zwei", ">", 1, "WA1", "WAZ > +1", "Risiko berat badan lebih (BB/U > +1 SD)"),
    _p("waz_above_2", "zwei", ">", 2, "WA2", "WAZ > +2", "BB/U > +2 SD"),
    _p("waz_above_3", "zwei", ">", 3, "WA3", "WAZ > +3", "BB/U > +3 SD"),
    _p("severe_wasting", "zwfl", "<", -3, "WH_3", "Severe wasting (WHZ < -3)", "Gizi buruk"),
    _p(
        "wasting",
        "zwfl",
        "<",
        -2,
        "WH_2",
        "Wasting (WHZ < -2)",
        "Wasting (gizi kurang + gizi buruk)",
    ),
    _p("whz_below_minus1", "zwfl", "<", -1, "WH_1", "WHZ < -1", "BB/TB < -1 SD"),
    _p(
        "risk_of_overweight",
        "zwfl",
        ">",
        1,
        "WH1",
        "Possible risk of overweight (WHZ > +1)",
        "Berisiko gizi lebih",
    ),
    _p("overweight", "zwfl", ">", 2, "WH2", "Overweight (WHZ > +2)", "Gizi lebih dan obesitas"),
    _p("obesity", "zwfl", ">", 3, "WH3", "Obesity (WHZ > +3)", "Obesitas"),
    _p(
        "bmi_severe_wasting",
        "zbmi",
        "<",
        -3,
        "BMI_3",
        "Severe thinness (BMIZ < -3)",
        "Gizi buruk (IMT/U)",
    ),
    _p(
        "bmi_wasting",
        "zbmi",
        "<",
        -2,
        "BMI_2",
        "Thinness (BMIZ < -2)",
        "Gizi kurang + buruk (IMT/U)",
    ),
    _p("bmiz_below_minus1", "zbmi", "<", -1, "BMI_1", "BMIZ < -1", "IMT/U < -1 SD"),
    _p(
        "bmi_risk_of_overweight",
        "zbmi",
        ">",
        1,
        "BMI1",
        "Possible risk of overweight (BMIZ > +1)",
        "Berisiko gizi lebih (IMT/U)",
    ),
    _p(
        "bmi_overweight",
        "zbmi",
        ">",
        2,
        "BMI2",
        "Overweight (BMIZ > +2)",
        "Gizi lebih + obesitas (IMT/U)",
    ),
    _p("bmi_obesity", "zbmi", ">", 3, "BMI3", "Obesity (BMIZ > +3)", "Obesitas (IMT/U)"),
    Indicator(
        "stunted_and_wasted",
        "prevalence",
        (("zlen", "<", -2), ("zwfl", "<", -2)),
        "HA_2_WH_2",
        "Stunted and wasted",
        "Stunting dan wasting",
    ),
    Indicator(
        "stunted_and_overweight",
        "prevalence",
        (("zlen", "<", -2), ("zwfl", ">", 2)),
        "HA_2_WH2",
        "Stunted and overweight",
        "Stunting dan gizi lebih",
    ),
    Indicator("zlen_mean", "mean", (("zlen", "", np.nan),), "HA", "Mean HAZ", "Rata-rata z TB/U"),
    Indicator("zwei_mean", "mean", (("zwei", "", np.nan),), "WA", "Mean WAZ", "Rata-rata z BB/U"),
    Indicator("zwfl_mean", "mean", (("zwfl", "", np.nan),), "WH", "Mean WHZ", "Rata-rata z BB/TB"),
    Indicator(
        "zbmi_mean", "mean", (("zbmi", "", np.nan),), "BMI", "Mean BMIZ", "Rata-rata z IMT/U"
    ),
)

#: The indicators :func:`prevalence` computes, by name, in output order.
#:
#: Cut-off prevalences are strict inequalities on the z-score rounded to 2 decimals as
#: WHO does (``stunting``: ``zlen < -2``; ``-2.00`` is not stunted). Flagged z-scores
#: (``flen == 1`` ...) are excluded. For the weight-based cut-offs (``zwei``, ``zwfl``,
#: ``zbmi``) a child with oedema counts as z = -3.1 (:data:`OEDEMA_AUX_ZSCORE`), i.e. as
#: severely wasted/underweight, and is part of ``n``; the means exclude oedema.
#: The combined indicators need both z-scores. The ``*_mean`` rows give the mean z-score
#: (``estimate``), its CI and the SD (``sd``).
INDICATORS: Mapping[str, Indicator] = MappingProxyType({i.name: i for i in _INDICATOR_LIST})

#: Group columns :func:`add_group_columns` derives when ``by`` names them.
DERIVED_GROUPS: Mapping[str, str] = MappingProxyType(
    {
        "age_group": "WHO age group from age_months (or age_days): 00-05 mo ... 48-59 mo",
        "baduta": "'0-23 mo' (bawah dua tahun) or '24-59 mo'",
        "balita": "'0-59 mo' for children under five, NA otherwise",
        "sex": "'Female' / 'Male' from csex (or sex)",
        "birth_year": "year of birth_date",
        "birth_quarter": "quarter of birth_date, e.g. '2022Q3'",
        "measure_year": "year of measure_date",
        "measure_quarter": "quarter of measure_date (measurement round), e.g. '2024Q1'",
        "measure_month": "month of measure_date (monthly weighing round), e.g. '2024-08'",
    }
)


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------


def _numeric(frame: pd.DataFrame, column: str) -> FloatArray:
    s = frame[column]
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    return np.asarray(pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan))


def _need_column(frame: pd.DataFrame, argument: str, column: object) -> str:
    if not isinstance(column, str):
        raise StuntlibError(f"{argument}: expected a column name (str); got {column!r}")
    if column not in frame.columns:
        raise ColumnError(
            f"{argument}: column {column!r} is not in the frame; the columns are "
            f"{list(frame.columns)}"
        )
    return column


def _parse_by(by: Any) -> tuple[tuple[str, ...], ...]:
    """Normalise ``by`` into grouping sets (tuples of column names)."""
    if by is None:
        return ((),)
    if isinstance(by, str):
        return ((by,),)
    if not isinstance(by, Sequence):
        raise StuntlibError(
            "by: expected None, a column name, a list of column names (one crossed grouping) "
            f"or a list of such lists (several groupings); got {by!r}"
        )
    items = list(by)
    if all(isinstance(b, str) for b in items):
        return (tuple(items),) if items else ((),)
    sets: list[tuple[str, ...]] = []
    for b in items:
        if b is None:
            sets.append(())
        elif isinstance(b, str):
            sets.append((b,))
        elif isinstance(b, Sequence) and all(isinstance(c, str) for c in b):
            sets.append(tuple(b))
        else:
            raise StuntlibError(
                "by: each grouping must be None, a column name or a list of column names; "
                f"got {b!r}"
            )
    for s in sets:
        if len(set(s)) != len(s):
            raise StuntlibError(f"by: a grouping names a column twice: {s!r}")
    return tuple(dict.fromkeys(sets))


def who_groupings(
    region: str | Sequence[str] | None = None, *, extra: Sequence[str] = ()
) -> list[tuple[str, ...]]:
    """Grouping sets of WHO ``anthro_prevalence``'s table, for ``prevalence(by=...)``.

    All children, WHO age groups, sex, sex x age group (WHO's "Age + sex" rows, all girls
    first), then one block per ``region``
    column (``gregion`` in WHO; e.g. ``"kelurahan"``) and per ``extra`` column
    (``typeres``, ``wealthq``, ``mothered``, ``othergr``; e.g. a birth cohort).

    Parameters
    ----------
    region : str or list of str, optional
        Column(s) tabulated one at a time after the age and sex blocks.
    extra : list of str, optional
        Further columns tabulated one at a time.

    Returns
    -------
    list of tuple of str
        Grouping sets; ``()`` is the "All" row.

    Examples
    --------
    >>> who_groupings("kelurahan")
    [(), ('age_group',), ('sex',), ('sex', 'age_group'), ('kelurahan',)]
    """
    regions = [region] if isinstance(region, str) else list(region or [])
    return [(), ("age_group",), ("sex",), ("sex", "age_group")] + [(c,) for c in [*regions, *extra]]


def rollup(levels: Sequence[str], *, total: bool = True) -> list[tuple[str, ...]]:
    """Grouping sets along an administrative hierarchy, coarse to fine.

    ``rollup(["kota", "kecamatan", "kelurahan", "posyandu"])`` gives the city, every
    kecamatan within it, every kelurahan within its kecamatan and every posyandu within
    its kelurahan, in one :func:`prevalence` call. The finer levels keep their parents as
    group columns, so names that repeat across parents stay distinct.

    Parameters
    ----------
    levels : list of str
        Column names from the coarsest to the finest level.
    total : bool, default True
        Also include the overall ("All") row first.

    Returns
    -------
    list of tuple of str
        Grouping sets for ``prevalence(by=...)``.

    Examples
    --------
    >>> rollup(["kecamatan", "kelurahan"])
    [(), ('kecamatan',), ('kecamatan', 'kelurahan')]
    """
    if isinstance(levels, str) or not all(isinstance(c, str) for c in levels):
        raise StuntlibError(f"levels: expected a list of column names; got {levels!r}")
    sets = [tuple(levels[: i + 1]) for i in range(len(levels))]
    return ([()] if total else []) + sets


# --------------------------------------------------------------------------------------
# derived group columns
# --------------------------------------------------------------------------------------


def _age_months(frame: pd.DataFrame) -> FloatArray:
    if "age_months" in frame.columns:
        return _numeric(frame, "age_months")
    if "age_days" in frame.columns:
        return _numeric(frame, "age_days") / DAYS_PER_MONTH
    raise ColumnError(
        "by: the age groups need an 'age_months' or 'age_days' column; the columns are "
        f"{list(frame.columns)}"
    )


def _dates(frame: pd.DataFrame, column: str, wanted: str) -> pd.Series:
    if column not in frame.columns:
        raise ColumnError(
            f"by: {wanted!r} needs a {column!r} column; the columns are {list(frame.columns)}"
        )
    s = frame[column]
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        s = pd.to_datetime(s, errors="coerce")
    return s


def _derive(frame: pd.DataFrame, name: str) -> pd.Series:
    idx = frame.index
    if name == "age_group":
        return pd.Series(age_group(_age_months(frame)), index=idx, name=name)
    if name in ("baduta", "balita"):
        months = _age_months(frame)
        if name == "baduta":
            codes = np.where(months < 24, 0, 1)
            labels = ["0-23 mo", "24-59 mo"]
        else:
            codes = np.zeros(len(months), dtype=np.int64)
            labels = ["0-59 mo"]
        codes = np.where(np.isnan(months) | (months < 0) | (months >= 60), -1, codes)
        dtype = pd.CategoricalDtype(labels, ordered=True)
        return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=idx, name=name)
    if name == "sex":
        source = "csex" if "csex" in frame.columns else "sex"
        if source not in frame.columns:
            raise ColumnError(
                f"by: 'sex' needs a 'csex' or 'sex' column; the columns are {list(frame.columns)}"
            )
        coded = standardize_sex(frame[source].to_numpy(dtype=object))
        codes = np.where(coded == 2, 0, np.where(coded == 1, 1, -1))
        dtype = pd.CategoricalDtype(["Female", "Male"], ordered=True)
        return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=idx, name=name)
    if name in ("birth_year", "birth_quarter", "measure_year", "measure_quarter", "measure_month"):
        column = "birth_date" if name.startswith("birth") else "measure_date"
        d = _dates(frame, column, name)
        if name.endswith("year"):
            return pd.Series(d.dt.year, index=idx, name=name).astype("Int64")
        freq = "Q" if name.endswith("quarter") else "M"
        text = d.dt.to_period(freq).astype(str)
        return pd.Series(text.where(d.notna()), index=idx, name=name, dtype=object)
    raise ColumnError(
        f"by: column {name!r} is not in the frame and is not a derived grouping; the derived "
        f"groupings are {sorted(DERIVED_GROUPS)}; the columns are {list(frame.columns)}"
    )


def add_group_columns(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Return a copy of ``frame`` with derived grouping columns added.

    Names already present in the frame are kept as they are, except ``sex``, which is
    always standardised to the categories ``Female`` < ``Male`` (from ``csex``, or from
    ``sex`` coded 1/2, m/f, L/P). The derivable names are listed in
    :data:`DERIVED_GROUPS`: WHO age groups (``age_group``, right-open month intervals
    [0, 6), [6, 12), [12, 24), [24, 36), [36, 48), [48, 60) on unrounded months),
    ``baduta``/``balita``, ``sex``, birth cohorts (``birth_year``, ``birth_quarter`` from
    ``birth_date``) and measurement rounds (``measure_year``/``_quarter``/``_month``
    from ``measure_date``). Missing or out-of-range inputs give NA.

    Parameters
    ----------
    frame : pandas.DataFrame
        Scored children.
    names : list of str
        Group columns wanted.

    Returns
    -------
    pandas.DataFrame
        A shallow copy with the derived columns.

    Raises
    ------
    ColumnError
        If a name is neither a column nor derivable, or its source column is absent.

    Examples
    --------
    >>> df = pd.DataFrame({"age_days": [10, 400, 1000, np.nan], "csex": [1, 2, 2, 1]})
    >>> out = add_group_columns(df, ["age_group", "sex", "baduta"])
    >>> out[["age_group", "sex", "baduta"]].astype(object).values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['00-05 mo', 'Male', '0-23 mo'], ['12-23 mo', 'Female', '0-23 mo'],
     ['24-35 mo', 'Female', '24-59 mo'], [nan, 'Male', nan]]
    """
    out = frame.copy(deep=False)
    for name in dict.fromkeys(names):
        if name == "sex" or name not in frame.columns:
            out[name] = _derive(frame, name)
    return out


# --------------------------------------------------------------------------------------
# partial sums
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialSums:
    """Additive sufficient statistics of :func:`prevalence`, mergeable across chunks.

    Attributes
    ----------
    groupings : tuple of tuple of str
        The grouping sets, in output order.
    cells : tuple of pandas.DataFrame
        One frame per grouping set: the group columns (plus ``_stratum`` for survey
        designs and ``_psu`` for clustered ones) and the sums. Sum columns are named
        ``rows`` (children), ``n:<base>`` (children with a valid value),
        ``w:<base>`` (their weight), ``c:<indicator>`` (cases), ``a:<indicator>``
        (weighted cases or weighted z sum), ``s2:<indicator>`` (weighted z²), and, for
        unclustered survey designs, ``ww:``, ``wa:``, ``waa:`` (the same with squared
        weights).
    design : pandas.DataFrame
        Per stratum (and PSU): ``rows`` and ``weight`` (or ``positive`` rows), for the
        degrees of freedom and the number of PSUs per stratum.
    rows : int
        Number of analysed rows (WHO's ``N`` of the simple estimator).
    indicators : tuple of str
        Indicator names.
    mode : {"census", "survey"}
        No design, or weights/strata/clusters.
    clustered : bool
        Whether ``cluster`` was given (sums kept per PSU).
    rounding : {"who", None}
        Rounding applied to z before the cut-offs.
    """

    groupings: tuple[tuple[str, ...], ...]
    cells: tuple[pd.DataFrame, ...]
    design: pd.DataFrame
    rows: int
    indicators: tuple[str, ...]
    mode: Literal["census", "survey"]
    clustered: bool
    rounding: Literal["who"] | None

    def _signature(self) -> tuple[Any, ...]:
        return (self.groupings, self.indicators, self.mode, self.clustered, self.rounding)


def _oedema_mask(frame: pd.DataFrame) -> NDArray[np.bool_]:
    column = "coedema" if "coedema" in frame.columns else "oedema"
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return np.asarray(standardize_oedema(frame[column].to_numpy(dtype=object)) == 1)


def _select_indicators(frame: pd.DataFrame, indicators: Any) -> tuple[Indicator, ...]:
    if indicators is None:
        chosen = [i for i in _INDICATOR_LIST if all(z in frame.columns for z in i.z_columns)]
        if not chosen:
            raise ColumnError(
                "frame: no z-score column found; expected some of "
                f"{sorted(_FLAG_OF)} (as stuntlib.zscores returns them); got {list(frame.columns)}"
            )
        return tuple(chosen)
    names = [indicators] if isinstance(indicators, str) else list(indicators)
    unknown = [n for n in names if n not in INDICATORS]
    if unknown or not names:
        raise StuntlibError(
            f"indicators: expected names from stuntlib.estimation.INDICATORS "
            f"({list(INDICATORS)}); got {indicators!r}"
        )
    chosen = [INDICATORS[n] for n in dict.fromkeys(names)]
    for ind in chosen:
        for z in ind.z_columns:
            if z not in frame.columns:
                raise ColumnError(
                    f"indicators: {ind.name!r} needs the z-score column {z!r}, which is not in "
                    f"the frame; the columns are {list(frame.columns)}"
                )
    order = {n: k for k, n in enumerate(INDICATORS)}
    return tuple(sorted(chosen, key=lambda i: order[i.name]))


def _z_inputs(frame: pd.DataFrame, chosen: tuple[Indicator, ...]) -> dict[str, Any]:
    """Full-length numeric arrays of the z columns, their flags (when present) and oedema."""
    columns: dict[str, Any] = {"_oedema": _oedema_mask(frame)}
    for z in dict.fromkeys(z for i in chosen for z in i.z_columns):
        columns[z] = _numeric(frame, z)
        if _FLAG_OF[z] in frame.columns:
            columns[_FLAG_OF[z]] = _numeric(frame, _FLAG_OF[z])
    return columns


def _clean_z(columns: Mapping[str, Any], z: str, rounding: str | None) -> FloatArray:
    """The z-score WHO counts: flagged values removed, 2-decimal under ``rounding="who"``."""
    raw = columns[z]
    rounded = r_round(raw, 2)
    flag_col = _FLAG_OF[z]
    if flag_col in columns:
        flagged = columns[flag_col] == 1.0
    else:
        low, high = _FLAG_LIMITS[z]
        with np.errstate(invalid="ignore"):
            flagged = (rounded < low) | (rounded > high)
    value = rounded if rounding == "who" else raw
    return np.where(flagged, np.nan, value)


def _group_codes(
    keys: list[pd.Series], n: int, *, missing_is_level: bool = False
) -> tuple[NDArray[np.int64], int, NDArray[np.int64]]:
    """Dense group codes, the number of groups, and one row index per group.

    A row with a missing key gets the code ``ngroups`` (outside every group), unless
    ``missing_is_level``, where a missing value is a level of its own.
    """
    codes = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool)
    radix = 1
    for s in keys:
        c, uniq = pd.factorize(s, use_na_sentinel=not missing_is_level)
        c = np.asarray(c, dtype=np.int64)
        missing |= c < 0
        size = max(len(uniq), 1)
        if radix * size > 2**62:
            codes = np.asarray(pd.factorize(codes)[0], dtype=np.int64)
            radix = int(codes.max()) + 1 if n else 1
        codes = codes * size + np.maximum(c, 0)
        radix *= size
    valid_codes = codes[~missing]
    gcodes, uniques = pd.factorize(valid_codes)
    ng = len(uniques)
    out = np.full(n, ng, dtype=np.int64)
    out[~missing] = gcodes
    first = np.zeros(ng, dtype=np.int64)
    first[gcodes] = np.flatnonzero(~missing)
    return out, ng, first


def _prepare(
    frame: pd.DataFrame,
    groupings: tuple[tuple[str, ...], ...],
    weights: str | None,
    cluster: str | None,
    strata: str | None,
    max_age_days: float | None,
) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise StuntlibError(
            f"frame: expected a pandas DataFrame of z-scores and flags; got {type(frame).__name__}"
        )
    for argument, column in (("weights", weights), ("cluster", cluster), ("strata", strata)):
        if column is not None:
            _need_column(frame, argument, column)
    if max_age_days is not None:
        if "age_days" in frame.columns:
            days = round_half_up(_numeric(frame, "age_days"))
        elif "age_months" in frame.columns:
            days = round_half_up(_numeric(frame, "age_months") * DAYS_PER_MONTH)
        else:
            days = np.full(len(frame), np.nan)
        with np.errstate(invalid="ignore"):
            keep = ~(days > max_age_days)
        if not keep.all():
            frame = frame.loc[keep]
    drop = np.zeros(len(frame), dtype=bool)
    for column in (cluster, strata):
        if column is not None:
            drop |= frame[column].isna().to_numpy()
    if drop.any():
        frame = frame.loc[~drop]
    needed = dict.fromkeys(c for g in groupings for c in g)
    derived = [c for c in needed if c == "sex" or c not in frame.columns]
    return add_group_columns(frame, derived) if derived else frame


def _weights(frame: pd.DataFrame, weights: str | None) -> FloatArray | None:
    if weights is None:
        return None
    w = _numeric(frame, weights)
    w = np.where(np.isnan(w), 0.0, w)
    bad = (w < 0) | ~np.isfinite(w)
    if bad.any():
        raise StuntlibError(
            f"weights: expected non-negative finite sampling weights in column {weights!r}; "
            f"got {int(bad.sum())} negative or infinite values (first: {w[bad][0]!r})"
        )
    return w


def _row_statistics(
    columns: Mapping[str, Any],
    n: int,
    chosen: tuple[Indicator, ...],
    w: FloatArray | None,
    rounding: str | None,
    unclustered_survey: bool,
) -> list[tuple[str, FloatArray | NDArray[np.bool_]]]:
    """The per-row quantities whose group sums are kept, as (name, array) pairs."""
    z_needed = dict.fromkeys(z for i in chosen for z in i.z_columns)
    zs = {z: _clean_z(columns, z, rounding) for z in z_needed}
    oed = columns["_oedema"]
    for z in zs:
        if z in _OEDEMA_Z:
            zs[z] = np.where(oed, np.nan, zs[z])

    aux_cache: dict[str, FloatArray] = {}
    any_oedema = bool(oed.any())

    def value(z: str, aux: bool) -> FloatArray:
        if not aux or not any_oedema:
            return zs[z]
        if z not in aux_cache:
            aux_cache[z] = np.where(oed, OEDEMA_AUX_ZSCORE, zs[z])
        return aux_cache[z]

    stats: list[tuple[str, Any]] = [("rows", np.ones(n, dtype=bool))]
    bases: dict[str, NDArray[np.bool_]] = {}
    for ind in chosen:
        if ind.base in bases:
            continue
        d = np.ones(n, dtype=bool)
        for z in ind.z_columns:
            d &= ~np.isnan(value(z, ind._aux(z)))
        bases[ind.base] = d
        stats.append((f"n:{ind.base}", d))
        if w is not None:
            wd = np.where(d, w, 0.0)
            stats.append((f"w:{ind.base}", wd))
            if unclustered_survey:
                stats.append((f"ww:{ind.base}", wd * w))
    for ind in chosen:
        d = bases[ind.base]
        if ind.kind == "prevalence":
            x = d.copy()
            with np.errstate(invalid="ignore"):
                for z, op, cut in ind.terms:
                    v = value(z, ind._aux(z))
                    x &= (v < cut) if op == "<" else (v > cut)
            stats.append((f"c:{ind.name}", x))
            if w is not None:
                wx = np.where(x, w, 0.0)
                stats.append((f"a:{ind.name}", wx))
                if unclustered_survey:
                    stats.append((f"wa:{ind.name}", wx * w))
        else:
            zv = np.where(d, zs[ind.z_columns[0]], 0.0)
            if w is None and rounding == "who":
                # 2-decimal z-scores summed as whole hundredths: exact, so the sums (and
                # the means) are the same to the last bit however the rows are chunked.
                zv = np.rint(zv * _HUNDREDTHS)
            wz = zv if w is None else w * zv
            stats.append((f"a:{ind.name}", wz))
            stats.append((f"s2:{ind.name}", wz * zv))
            if unclustered_survey and w is not None:
                stats.append((f"wa:{ind.name}", wz * w))
                stats.append((f"waa:{ind.name}", wz * w * zv))
    return stats


def _bincount(codes: NDArray[np.int64], values: Any, size: int) -> NDArray[Any]:
    if values.dtype == bool:
        return np.bincount(codes[values], minlength=size)[: size - 1]
    return np.bincount(codes, weights=values, minlength=size)[: size - 1]


def prevalence_partial_sums(
    frame: pd.DataFrame,
    by: GroupSpec = None,
    *,
    indicators: Sequence[str] | str | None = None,
    weights: str | None = None,
    cluster: str | None = None,
    strata: str | None = None,
    rounding: Literal["who"] | None = "who",
    max_age_days: float | None = WHO_MAX_AGE_DAYS,
) -> PartialSums:
    """Map step of :func:`prevalence`: additive sums for one chunk of rows.

    Sums are kept per group (and per group x stratum for unclustered surveys, per group x
    stratum x PSU for clustered ones), so chunks can be reduced with
    :func:`merge_partial_sums` in any order and finalised with
    :func:`finalize_prevalence`. Row selection (age filter, missing design values) is
    applied here, per row, so it commutes with chunking. All chunks must be computed
    with the same arguments.

    Parameters
    ----------
    frame : pandas.DataFrame
        Scored children (see :func:`prevalence`).
    by, indicators, weights, cluster, strata, rounding, max_age_days
        As in :func:`prevalence`.

    Returns
    -------
    PartialSums
        The chunk's sums.

    Examples
    --------
    >>> df = pd.DataFrame({"zlen": [-2.5, -1.0, -3.2, 0.4], "flen": 0,
    ...                    "area": ["a", "a", "b", "b"]})
    >>> parts = [prevalence_partial_sums(df.iloc[:2], "area", indicators="stunting"),
    ...          prevalence_partial_sums(df.iloc[2:], "area", indicators="stunting")]
    >>> sums = merge_partial_sums(parts)
    >>> finalize_prevalence(sums)[["area", "n", "cases", "estimate"]]
      area  n  cases  estimate
    0    a  2      1       0.5
    1    b  2      1       0.5
    """
    groupings = _parse_by(by)
    if rounding not in ("who", None):
        raise StuntlibError(f"rounding: expected 'who' or None; got {rounding!r}")
    if max_age_days is not None and not isinstance(max_age_days, (int, float)):
        raise StuntlibError(
            f"max_age_days: expected a number of days or None; got {max_age_days!r}"
        )
    frame = _prepare(frame, groupings, weights, cluster, strata, max_age_days)
    chosen = _select_indicators(frame, indicators)
    survey = weights is not None or cluster is not None or strata is not None
    clustered = cluster is not None
    n = len(frame)
    w = _weights(frame, weights)
    if survey and w is None:
        w = np.ones(n, dtype=np.float64)

    design_keys: list[pd.Series] = []
    if survey:
        stratum = (
            frame[strata].rename(_STRATUM)
            if strata is not None
            else pd.Series(np.zeros(n, dtype=np.int64), index=frame.index, name=_STRATUM)
        )
        design_keys.append(stratum)
        if clustered:
            design_keys.append(frame[cluster].rename(_PSU))

    # Sum every row statistic once, at the finest cell (all grouping columns crossed, a
    # missing value being a level, plus the design keys); each grouping set is then a sum
    # of cells, so a WHO table of five groupings costs one pass over the rows, not five.
    group_columns = list(dict.fromkeys(c for g in groupings for c in g))
    finest_keys = [frame[c].rename(c) for c in group_columns] + design_keys
    f_codes, f_ng, f_first = _group_codes(finest_keys, n, missing_is_level=True)
    finest = {key.name: key.iloc[f_first].reset_index(drop=True) for key in finest_keys}
    columns = _z_inputs(frame, chosen)
    f_sums: dict[str, NDArray[Any]] = {}
    # Row statistics are made block by block: the temporaries stay small (no page faults
    # on fresh 10M-row arrays) and only the per-cell sums grow.
    for start in range(0, max(n, 1), _ROW_BLOCK):
        stop = min(n, start + _ROW_BLOCK)
        block = {k: v[start:stop] for k, v in columns.items()}
        wb = None if w is None else w[start:stop]
        stats = _row_statistics(block, stop - start, chosen, wb, rounding, survey and not clustered)
        for name, arr in stats:
            part = _bincount(f_codes[start:stop], arr, f_ng + 1)
            f_sums[name] = part if name not in f_sums else f_sums[name] + part
    cells = []
    for grouping in groupings:
        keys = [finest[c] for c in grouping] + [finest[k.name] for k in design_keys]
        codes, ng, first = _group_codes(keys, f_ng)
        data: dict[Any, Any] = {key.name: key.iloc[first].reset_index(drop=True) for key in keys}
        for name, cell_sums in f_sums.items():
            summed = np.bincount(codes, weights=cell_sums, minlength=ng + 1)[:ng]
            data[name] = np.rint(summed).astype(np.int64) if cell_sums.dtype.kind == "i" else summed
        cells.append(pd.DataFrame(data))

    if survey:
        dcodes, dng, dfirst = _group_codes(design_keys, n)
        assert w is not None
        design = pd.DataFrame(
            {key.name: key.iloc[dfirst].reset_index(drop=True) for key in design_keys}
        )
        design["rows"] = np.bincount(dcodes, minlength=dng + 1)[:dng]
        design["weight"] = np.bincount(dcodes, weights=w, minlength=dng + 1)[:dng]
        design["positive"] = np.bincount(dcodes[w > 0], minlength=dng + 1)[:dng]
    else:
        design = pd.DataFrame({"rows": [n]})
    return PartialSums(
        groupings=groupings,
        cells=tuple(cells),
        design=design,
        rows=n,
        indicators=tuple(i.name for i in chosen),
        mode="survey" if survey else "census",
        clustered=clustered,
        rounding=rounding,
    )


def merge_partial_sums(parts: Sequence[PartialSums]) -> PartialSums:
    """Reduce step: add up partial sums computed on disjoint chunks of rows.

    Parameters
    ----------
    parts : sequence of PartialSums
        Partial sums from :func:`prevalence_partial_sums`, all made with the same
        ``by``, ``indicators``, design arguments and ``rounding``.

    Returns
    -------
    PartialSums
        The sums of the union of the chunks.

    Raises
    ------
    StuntlibError
        If ``parts`` is empty or the parts were made with different arguments.

    Examples
    --------
    >>> df = pd.DataFrame({"zlen": [-2.5, -1.0, 0.3], "flen": 0})
    >>> one = prevalence_partial_sums(df, indicators="stunting")
    >>> merge_partial_sums([one, one]).rows
    6
    """
    parts = list(parts)
    if not parts or not all(isinstance(p, PartialSums) for p in parts):
        raise StuntlibError(
            f"parts: expected a non-empty list of PartialSums; got {type(parts).__name__} "
            f"of length {len(parts)}"
        )
    first = parts[0]
    for p in parts[1:]:
        if p._signature() != first._signature():
            raise StuntlibError(
                "parts: partial sums were computed with different arguments (groupings, "
                f"indicators, design or rounding): {first._signature()!r} vs {p._signature()!r}"
            )
    if len(parts) == 1:
        return first
    cells = []
    for k, grouping in enumerate(first.groupings):
        frames = [p.cells[k] for p in parts]
        keys = list(grouping) + [c for c in (_STRATUM, _PSU) if c in frames[0].columns]
        cells.append(_sum_frames(frames, keys))
    dkeys = [c for c in (_STRATUM, _PSU) if c in first.design.columns]
    design = _sum_frames([p.design for p in parts], dkeys)
    return dataclasses.replace(
        first, cells=tuple(cells), design=design, rows=sum(p.rows for p in parts)
    )


def _sum_frames(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    stacked = pd.concat(frames, ignore_index=True)
    if not keys:
        return stacked.sum(numeric_only=True).to_frame().T.astype(stacked.dtypes.to_dict())
    out = stacked.groupby(keys, sort=False, observed=True, dropna=False).sum()
    return out.reset_index()


# --------------------------------------------------------------------------------------
# finaliser
# --------------------------------------------------------------------------------------


def _design_df(sums: PartialSums) -> float:
    """Degrees of freedom of the whole design (PSUs - strata, positive weight only)."""
    d = sums.design
    if sums.mode == "census":
        return float(sums.rows - 1)
    if sums.clustered:
        pos = d[d["weight"] > 0]
        return float(len(pos) - pos[_STRATUM].nunique())
    return float(d["positive"].sum() - (d["positive"] > 0).sum())


def _psus_per_stratum(sums: PartialSums) -> pd.Series:
    d = sums.design
    if sums.clustered:
        return d.groupby(_STRATUM, sort=False, observed=True).size()
    return d.groupby(_STRATUM, sort=False, observed=True)["rows"].sum()


def _stratum_variance(
    s1: NDArray[Any], s2: NDArray[Any], m: FloatArray, group: NDArray[np.int64], ng: int
) -> FloatArray:
    """Sum over strata of the with-replacement PSU variance (lonely PSU: R's "adjust")."""
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = np.where(m > 1, m / (m - 1.0) * (s2 - s1 * s1 / m), s2)
    contrib = np.where(np.isnan(contrib), 0.0, contrib)
    return np.maximum(np.bincount(group, weights=contrib, minlength=ng), 0.0)


def _check_ci(ci: Any, mode: str) -> str:
    if ci is None:
        return "wilson" if mode == "census" else "logit"
    if ci not in _CI_METHODS:
        raise StuntlibError(f"ci: expected one of {list(_CI_METHODS)} or None; got {ci!r}")
    return str(ci)


def _population_for(
    population: Any, grouping: tuple[str, ...], index: pd.Index
) -> FloatArray | None:
    if population is None:
        return None
    if np.isscalar(population):
        return np.full(len(index), float(np.asarray(population))) if not grouping else None
    if isinstance(population, pd.DataFrame):
        if "population" not in population.columns:
            raise StuntlibError(
                "population: a DataFrame must have a 'population' column beside the group "
                f"columns; got columns {list(population.columns)}"
            )
        keys = [c for c in population.columns if c != "population"]
        series = population.set_index(keys)["population"]
    elif isinstance(population, pd.Series):
        series = population
    else:
        raise StuntlibError(
            "population: expected a number (overall), a Series indexed by the group column(s) "
            "or a DataFrame with the group columns and 'population'; "
            f"got {type(population).__name__}"
        )
    names = [n for n in series.index.names]
    if not grouping or set(names) != set(grouping):
        return None
    if len(grouping) > 1:
        series = series.reorder_levels(list(grouping))
    values = series.reindex(index).to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(values)


def _finalise_grouping(
    sums: PartialSums,
    k: int,
    chosen: tuple[Indicator, ...],
    ci: str,
    level: float,
    df: float,
    m_h: pd.Series,
    population: Any,
) -> pd.DataFrame:
    from stuntlib import intervals as iv

    grouping = sums.groupings[k]
    cells = sums.cells[k]
    keys = list(grouping)
    design_cols = [c for c in (_STRATUM, _PSU) if c in cells.columns]
    if design_cols or keys:
        cells = cells.sort_values(keys + design_cols, kind="stable").reset_index(drop=True)
    if keys:
        grouped = cells.groupby(keys, sort=True, observed=True)
        g_idx = np.asarray(grouped.ngroup().to_numpy(), dtype=np.int64)
        G = grouped.sum(numeric_only=True)
        G = G.drop(columns=[c for c in design_cols if c in G.columns])
    else:
        g_idx = np.zeros(len(cells), dtype=np.int64)
        G = cells.drop(columns=design_cols).sum(numeric_only=True).to_frame().T
        G.index = pd.RangeIndex(1)
    ng = len(G)
    survey = sums.mode == "survey"
    gh_idx: NDArray[np.int64] | None = None
    gh_group: NDArray[np.int64] | None = None
    m_gh: FloatArray | None = None
    if survey:
        if sums.clustered:
            gh_frame = cells[keys + [_STRATUM]] if keys else cells[[_STRATUM]]
            gh_idx = np.asarray(
                gh_frame.groupby(list(gh_frame.columns), sort=False, observed=True)
                .ngroup()
                .to_numpy(),
                dtype=np.int64,
            )
            n_gh = int(gh_idx.max()) + 1 if len(gh_idx) else 0
            first = np.zeros(n_gh, dtype=np.int64)
            first[gh_idx] = np.arange(len(gh_idx))
            gh_group = g_idx[first]
            m_gh = cells[_STRATUM].iloc[first].map(m_h).to_numpy(dtype=np.float64)
        else:
            m_gh = cells[_STRATUM].map(m_h).to_numpy(dtype=np.float64)

    rows = G["rows"].to_numpy(dtype=np.float64)
    mean_scale = _HUNDREDTHS if (not survey and sums.rounding == "who") else 1.0
    pop = _population_for(population, grouping, G.index) if population is not None else None
    out: dict[str, list[Any]] = {c: [] for c in _RESULT_COLUMNS}
    N = np.float64(sums.rows)
    for ind in chosen:
        b = ind.base
        n = G[f"n:{b}"].to_numpy(dtype=np.float64)
        W = G[f"w:{b}"].to_numpy(dtype=np.float64) if survey else n
        if ind.kind == "prevalence":
            cases = G[f"c:{ind.name}"].to_numpy(dtype=np.float64)
            A = G[f"a:{ind.name}"].to_numpy(dtype=np.float64) if survey else cases
        else:
            cases = np.full(ng, np.nan)
            A = G[f"a:{ind.name}"].to_numpy(dtype=np.float64) / mean_scale
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(W > 0, A / W, np.nan)
        # --- variance of r --------------------------------------------------------------
        if survey:
            assert m_gh is not None
            if sums.clustered:
                assert gh_idx is not None and gh_group is not None
                a_c = cells[f"a:{ind.name}"].to_numpy(dtype=np.float64)
                w_c = cells[f"w:{b}"].to_numpy(dtype=np.float64)
                with np.errstate(invalid="ignore", divide="ignore"):
                    u = (a_c - r[g_idx] * w_c) / W[g_idx]
                u = np.where(np.isfinite(u), u, 0.0)
                s1 = np.bincount(gh_idx, weights=u, minlength=len(m_gh))
                s2 = np.bincount(gh_idx, weights=u * u, minlength=len(m_gh))
                var = _stratum_variance(s1, s2, m_gh, gh_group, ng)
            else:
                a_c = cells[f"a:{ind.name}"].to_numpy(dtype=np.float64)
                w_c = cells[f"w:{b}"].to_numpy(dtype=np.float64)
                ww_c = cells[f"ww:{b}"].to_numpy(dtype=np.float64)
                wa_c = cells[f"wa:{ind.name}"].to_numpy(dtype=np.float64)
                waa_c = wa_c if ind.kind == "prevalence" else cells[f"waa:{ind.name}"].to_numpy()
                rr = r[g_idx]
                with np.errstate(invalid="ignore", divide="ignore"):
                    WW = W[g_idx]
                    s1 = (a_c - rr * w_c) / WW
                    s2 = np.maximum(waa_c - 2.0 * rr * wa_c + rr * rr * ww_c, 0.0) / (WW * WW)
                s1 = np.where(np.isfinite(s1), s1, 0.0)
                s2 = np.where(np.isfinite(s2), s2, 0.0)
                var = _stratum_variance(s1, s2, m_gh, g_idx, ng)
            var = np.where(W > 0, var, np.nan)
        elif ind.kind == "mean":
            S2 = G[f"s2:{ind.name}"].to_numpy(dtype=np.float64) / mean_scale**2
            with np.errstate(invalid="ignore", divide="ignore"):
                ss = np.maximum(S2 - A * A / n, 0.0)
                var = N / (N - 1.0) * ss / (n * n)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = N / (N - 1.0) if ci == "logit" else 1.0
                var = factor * r * (1.0 - r) / n
        # --- finite-population correction (census only) --------------------------------
        fpc = np.ones(ng)
        if pop is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                fpc = np.where(
                    np.isnan(pop), 1.0, np.clip((pop - n) / np.maximum(pop - 1.0, 1.0), 0.0, 1.0)
                )
            var = var * fpc
        with np.errstate(invalid="ignore"):
            se = np.sqrt(var)
        # --- intervals, deff ------------------------------------------------------------
        sd = np.full(ng, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            if ind.kind == "mean":
                S2 = G[f"s2:{ind.name}"].to_numpy(dtype=np.float64) / mean_scale**2
                wvar = np.maximum(S2 - A * A / W, 0.0) / W * n / (n - 1.0)
                sd = np.where(n > 1, np.sqrt(wvar), np.nan)
                low, high = iv.mean_interval(r, se, df, level)
                deff = np.where(sd > 0, var * n / (sd * sd), np.nan)
                n_eff = np.where(deff > 0, n / deff, n)
            else:
                inner = (r > 0) & (r < 1)
                deff = np.where(inner & (n > 0), var * n / (r * (1.0 - r)), np.nan)
                if survey:
                    n_eff = np.where(inner & (var > 0), r * (1.0 - r) / var, n)
                else:
                    n_eff = np.where(fpc > 0, n / fpc, np.inf)
                    deff = np.where(n > 0, fpc, np.nan)
                if ci == "logit":
                    low, high = iv.logit_interval(r, se, df, level)
                elif ci == "korn-graubard" and survey:
                    low, high = iv.korn_graubard_interval(r, se, n, df, level)
                elif ci == "korn-graubard":
                    # census: Clopper-Pearson on the finite-population-corrected n
                    finite = np.isfinite(n_eff)
                    ne = np.where(finite, n_eff, 1.0)
                    low, high = iv.korn_graubard_interval(r, se, ne, ne - 1.0, level)
                    low = np.where(finite, low, r)
                    high = np.where(finite, high, r)
                else:
                    method = {
                        "wilson": iv.wilson_interval,
                        "clopper-pearson": iv.clopper_pearson_interval,
                        "jeffreys": iv.jeffreys_interval,
                    }[ci]
                    finite = np.isfinite(n_eff)
                    ne = np.where(finite, n_eff, 1.0)
                    low, high = method(r * ne, ne, level)
                    low = np.where(finite, low, r)
                    high = np.where(finite, high, r)
        out["n"].append(n)
        out["cases"].append(cases)
        out["weighted_n"].append(W)
        out["estimate"].append(r)
        out["se"].append(se)
        out["ci_low"].append(low)
        out["ci_high"].append(high)
        out["deff"].append(deff)
        out["n_eff"].append(np.where(n > 0, n_eff, 0.0))
        out["sd"].append(sd)
        out["population"].append(pop if pop is not None else np.full(ng, np.nan))
        out["coverage"].append(rows / pop if pop is not None else np.full(ng, np.nan))
    K = len(chosen)
    result = pd.DataFrame({c: np.column_stack(v).ravel() for c, v in out.items()})
    kind_codes = np.array([0 if i.kind == "prevalence" else 1 for i in chosen], dtype=np.int8)
    result.insert(
        0,
        "kind",
        pd.Categorical.from_codes(np.tile(kind_codes, ng), categories=["prevalence", "mean"]),
    )
    result.insert(
        0,
        "indicator",
        pd.Categorical.from_codes(
            np.tile(np.arange(K, dtype=np.int16), ng), categories=[i.name for i in chosen]
        ),
    )
    pos = np.repeat(np.arange(ng), K)
    if keys:
        index_frame = G.index.to_frame(index=False)
        for j, c in enumerate(keys):
            result.insert(j, c, index_frame[c].iloc[pos].reset_index(drop=True))
        result = _complete_levels(result, keys, chosen)
    return result


_RESULT_COLUMNS = (
    "n", "cases", "weighted_n", "estimate", "se", "ci_low", "ci_high", "deff", "n_eff", "sd",
    "population", "coverage",
)  # fmt: skip


def _complete_levels(
    result: pd.DataFrame, keys: list[str], chosen: tuple[Indicator, ...]
) -> pd.DataFrame:
    """List empty levels of categorical groupings (all-categorical groupings only), as WHO does."""
    if not all(isinstance(result[c].dtype, pd.CategoricalDtype) for c in keys):
        return result
    levels = [list(result[c].cat.categories) for c in keys]
    names = [i.name for i in chosen]
    full = pd.MultiIndex.from_product([*levels, names], names=[*keys, "indicator"])
    if len(full) == len(result):
        return result
    indexed = result.set_index([*keys, "indicator"])
    filled = indexed.reindex(full).reset_index()
    kinds = {i.name: i.kind for i in chosen}
    filled["kind"] = filled["indicator"].map(kinds)
    for c in ("n", "weighted_n", "n_eff"):
        filled[c] = filled[c].fillna(0.0)
    filled["cases"] = np.where(filled["kind"] == "prevalence", filled["cases"].fillna(0.0), np.nan)
    for c in keys:
        filled[c] = pd.Categorical(filled[c], dtype=result[c].dtype)
    return filled[result.columns]


def disclosive_cells(cases: ArrayLike, n: ArrayLike, min_cases: int) -> NDArray[np.bool_]:
    """Cells whose counts could identify children (the ``disclosive`` reliability).

    A cell is disclosive when it has cases and either fewer than ``min_cases`` of them or
    fewer than ``min_cases`` children who are not cases.

    Parameters
    ----------
    cases, n : array_like
        Cases and children per cell.
    min_cases : int
        The threshold (``prevalence``'s ``min_cases``, default 3).

    Returns
    -------
    numpy.ndarray of bool
        True for disclosive cells.

    Examples
    --------
    >>> disclosive_cells([0, 1, 3, 28, 30], [30, 30, 30, 30, 30], 3).tolist()
    [False, True, False, True, True]
    """
    c = np.asarray(cases, dtype=np.float64)
    m = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return (c > 0) & ((c < min_cases) | (m - c < min_cases))


def finalize_prevalence(
    sums: PartialSums,
    *,
    ci: CIMethod | None = None,
    level: float = 0.95,
    population: Any = None,
    min_n: int = 25,
    min_cases: int = 3,
    suppress: bool = False,
) -> pd.DataFrame:
    """Finalise step: estimates, standard errors and intervals from partial sums.

    Parameters
    ----------
    sums : PartialSums
        From :func:`prevalence_partial_sums` / :func:`merge_partial_sums`.
    ci, level, population, min_n, min_cases, suppress
        As in :func:`prevalence`.

    Returns
    -------
    pandas.DataFrame
        The tidy table described in :func:`prevalence`.

    Examples
    --------
    >>> df = pd.DataFrame({"zlen": [-2.5, -1.0, -3.2, 0.4], "flen": 0})
    >>> out = finalize_prevalence(prevalence_partial_sums(df, indicators="stunting"))
    >>> out[["indicator", "n", "cases", "estimate"]]
      indicator  n  cases  estimate
    0  stunting  4      2       0.5
    """
    from stuntlib.intervals import _check_level

    if not isinstance(sums, PartialSums):
        raise StuntlibError(f"sums: expected PartialSums; got {type(sums).__name__}")
    level = _check_level(level)
    ci_method = _check_ci(ci, sums.mode)
    for argument, value in (("min_n", min_n), ("min_cases", min_cases)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise StuntlibError(f"{argument}: expected a non-negative integer; got {value!r}")
    if population is not None and sums.mode == "survey":
        raise StuntlibError(
            "population: the finite-population correction applies to census data (no weights, "
            "cluster or strata); this is a survey design; "
            f"got population={type(population).__name__}"
        )
    chosen = tuple(INDICATORS[name] for name in sums.indicators)
    df = _design_df(sums)
    m_h = _psus_per_stratum(sums) if sums.mode == "survey" else pd.Series(dtype=float)
    pieces = []
    key_dtypes: dict[str, Any] = {}
    labels = [" × ".join(g) if g else "All" for g in sums.groupings]
    for k, grouping in enumerate(sums.groupings):
        part = _finalise_grouping(sums, k, chosen, ci_method, level, df, m_h, population)
        part.insert(
            0,
            "grouping",
            pd.Categorical.from_codes(np.full(len(part), k, dtype=np.int16), categories=labels),
        )
        for c in grouping:
            key_dtypes.setdefault(c, part[c].dtype)
        pieces.append(part)
    key_order = list(key_dtypes)
    for j, part in enumerate(pieces):
        for c in key_order:
            if c not in part.columns:
                part[c] = pd.Series(pd.NA, index=part.index).astype(
                    key_dtypes[c] if isinstance(key_dtypes[c], pd.CategoricalDtype) else object
                )
        pieces[j] = part[
            [
                "grouping",
                *key_order,
                *[c for c in part.columns if c not in key_order and c != "grouping"],
            ]
        ]
    result = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
    for c in key_order:
        if isinstance(key_dtypes[c], pd.CategoricalDtype):
            result[c] = pd.Categorical(result[c], dtype=key_dtypes[c])
    result["n"] = result["n"].astype(np.int64)
    result["cases"] = result["cases"].astype("Int64")
    result["indicator"] = pd.Categorical(result["indicator"], categories=list(sums.indicators))
    result["grouping"] = pd.Categorical(result["grouping"], categories=labels)
    result["kind"] = pd.Categorical(result["kind"], categories=["prevalence", "mean"])
    n = result["n"].to_numpy()
    cases = result["cases"].to_numpy(dtype=np.float64, na_value=np.nan)
    is_prev = (result["kind"] == "prevalence").to_numpy()
    disclosive = is_prev & disclosive_cells(cases, n, min_cases)
    status = np.where(n == 0, 3, np.where(n < min_n, 2, np.where(disclosive, 1, 0)))
    result["reliability"] = pd.Categorical.from_codes(
        status.astype(np.int8), categories=["ok", "disclosive", "small_n", "empty"]
    )
    hide = np.asarray(suppress & (status != 0) & (n > 0))
    result["suppressed"] = hide
    if hide.any():
        for c in ("estimate", "se", "ci_low", "ci_high", "deff", "n_eff", "sd"):
            result.loc[hide, c] = np.nan
        result.loc[hide, "cases"] = pd.NA
    if population is None:
        result = result.drop(columns=["population", "coverage"])
    return result


def prevalence(
    frame: pd.DataFrame,
    by: GroupSpec = None,
    *,
    indicators: Sequence[str] | str | None = None,
    ci: CIMethod | None = None,
    weights: str | None = None,
    cluster: str | None = None,
    strata: str | None = None,
    level: float = 0.95,
    rounding: Literal["who"] | None = "who",
    population: Any = None,
    min_n: int = 25,
    min_cases: int = 3,
    suppress: bool = False,
    max_age_days: float | None = WHO_MAX_AGE_DAYS,
) -> pd.DataFrame:
    """Prevalence (and mean z-score) per group, with standard errors and intervals.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per child with WHO z-scores and flags (``zlen``, ``flen``, ``zwei``,
        ``fwei``, ``zwfl``, ``fwfl``, ``zbmi``, ``fbmi``; a missing flag column is computed
        from the z-score with WHO's rule), optionally ``coedema``/``oedema`` (``y``/``n``),
        ``age_days``/``age_months``, ``csex``/``sex``, dates, and the grouping and design
        columns. Missing z-scores are simply not counted.
    by : str, list of str, or list of lists, optional
        ``None``: one overall row. A column name or a list of names: one row per level
        (crossed). A list of lists (grouping sets, e.g. :func:`who_groupings` or
        :func:`rollup`): every grouping at once, stacked. Derived names from
        :data:`DERIVED_GROUPS` (``age_group``, ``sex``, ``baduta``, ``birth_year``...) are
        computed when absent from the frame. Rows with a missing value in a grouping
        column are left out of that grouping only. Empty levels of categorical groupings
        (age group, sex) are listed with ``n = 0``.
    indicators : str or list of str, optional
        Names from :data:`INDICATORS`; default all those whose z columns are present.
    ci : {"wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard"}, optional
        Interval method. Default ``"wilson"`` without a design, ``"logit"`` with one.
        Without a design ``"logit"`` is WHO ``anthro``'s simple logit interval (its
        standard error and t quantile with ``N - 1`` df, ``N`` = analysed rows); with a
        design it is R ``svyciprop(method = "logit")``. ``"korn-graubard"`` is
        ``svyciprop(method = "beta")`` (Clopper-Pearson without a design). Wilson,
        Clopper-Pearson and Jeffreys use the design-effective sample size with a design.
        At 0 % and 100 % the logit interval is the single point, as WHO reports it.
    weights, cluster, strata : str, optional
        Design columns: sampling weights (missing weights count as 0, as WHO does;
        negative weights raise), primary sampling units (nested in strata) and strata.
        Rows with a missing cluster or stratum are dropped (as WHO does). With any of them
        the survey estimator is used; with only weights each child is its own PSU.
    level : float, default 0.95
        Confidence level.
    rounding : {"who", None}, default "who"
        ``"who"``: cut-offs and means use z-scores rounded to 2 decimals as R rounds them
        (what WHO does); ``None``: full precision.
    population : number, Series or DataFrame, optional
        Census only: the target number of children per group (a Series indexed by the
        group column(s) of one grouping, a DataFrame with those columns and
        ``population``, or a number for the overall row). Adds a finite-population
        correction ``(N - n)/(N - 1)`` and the columns ``population`` and ``coverage``
        (children in the data / target).
    min_n : int, default 25
        Cells with fewer children are marked ``small_n``.
    min_cases : int, default 3
        Prevalence cells with ``0 < cases < min_cases`` or ``n - cases < min_cases``
        (with cases > 0) could identify children and are marked ``disclosive``.
    suppress : bool, default False
        Blank (NaN) the estimates of every cell not marked ``ok`` and set ``suppressed``.
    max_age_days : float or None, default 1826
        Rows whose age in days (rounded half up) exceeds this are dropped, as WHO does;
        rows with missing age are kept. ``None`` keeps every row.

    Returns
    -------
    pandas.DataFrame
        One row per group x indicator: ``grouping`` (the grouping set, ``"All"`` for the
        overall row), the group columns, ``indicator``, ``kind`` (``prevalence`` or
        ``mean``), ``n`` (children with a valid value), ``cases`` (unweighted, NA for
        means), ``weighted_n``, ``estimate`` (proportion in [0, 1], or the mean z),
        ``se``, ``ci_low``, ``ci_high``, ``deff`` (design effect; for census data the
        finite-population factor), ``n_eff``, ``sd`` (means only), ``reliability``
        (``ok``, ``disclosive``, ``small_n``, ``empty``), ``suppressed``, and with
        ``population`` also ``population`` and ``coverage``. Empty groups give NaN
        estimates.

    Raises
    ------
    StuntlibError
        For a bad argument (unknown indicator or interval, level outside (0, 1), negative
        weights...); :class:`~stuntlib.errors.ColumnError` for a missing column.

    See Also
    --------
    prevalence_table : wide, labelled percent table for reports.
    prevalence_partial_sums, merge_partial_sums, finalize_prevalence : the map-reduce steps.

    References
    ----------
    .. [1] WHO (2019). Recommendations for data collection, analysis and reporting on
       anthropometric indicators in children under 5 years old. Geneva: WHO & UNICEF.
    .. [2] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence``.
    .. [3] Lumley T (2004). Analysis of complex survey samples. J Stat Softw 9(8).

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "zlen": [-2.5, -1.0, -3.2, 0.4, -2.0, -2.01],
    ...     "flen": [0, 0, 0, 0, 0, 0],
    ...     "kelurahan": ["Tirto", "Tirto", "Tirto", "Medono", "Medono", "Medono"],
    ... })
    >>> out = prevalence(df, "kelurahan", indicators="stunting", min_n=1, min_cases=0)
    >>> out[["kelurahan", "n", "cases", "estimate", "ci_low", "ci_high"]].round(4)
      kelurahan  n  cases  estimate  ci_low  ci_high
    0    Medono  3      1    0.3333  0.0615   0.7923
    1     Tirto  3      2    0.6667  0.2077   0.9385
    """
    sums = prevalence_partial_sums(
        frame,
        by,
        indicators=indicators,
        weights=weights,
        cluster=cluster,
        strata=strata,
        rounding=rounding,
        max_age_days=max_age_days,
    )
    return finalize_prevalence(
        sums,
        ci=ci,
        level=level,
        population=population,
        min_n=min_n,
        min_cases=min_cases,
        suppress=suppress,
    )


# --------------------------------------------------------------------------------------
# report table
# --------------------------------------------------------------------------------------

_GROUP_LABELS = {
    "en": {"All": "All", "age_group": "Age group", "sex": "Sex", "baduta": "Age",
           "kelurahan": "Kelurahan", "kecamatan": "Kecamatan", "posyandu": "Posyandu",
           "kota": "City", "birth_year": "Birth year", "birth_quarter": "Birth quarter",
           "measure_quarter": "Round", "measure_month": "Month"},
    "id": {"All": "Total", "age_group": "Kelompok umur", "sex": "Jenis kelamin",
           "baduta": "Umur", "kelurahan": "Kelurahan", "kecamatan": "Kecamatan",
           "posyandu": "Posyandu", "kota": "Kota", "birth_year": "Tahun lahir",
           "birth_quarter": "Triwulan lahir", "measure_quarter": "Putaran",
           "measure_month": "Bulan", "Female": "Perempuan", "Male": "Laki-laki",
           "mo": "bln"},
}  # fmt: skip


def prevalence_table(
    result: pd.DataFrame,
    *,
    language: Literal["en", "id"] = "en",
    decimals: int = 1,
    interval: bool = True,
    indicators: Sequence[str] | None = None,
    mark_unreliable: bool = True,
) -> pd.DataFrame:
    """Wide, labelled percent table of a :func:`prevalence` result, for reports.

    One row per group (labelled ``"Age group: 12-23 mo"``, ``"Kelurahan: Tirto"``...),
    one column per indicator (labelled from :data:`INDICATORS`), cells formatted as
    ``"23.8 (22.4, 25.3)"`` (percent and interval; mean z-scores in z units), and a first
    column with the number of children. Suppressed cells show ``"-"``; cells whose
    reliability is not ``ok`` are put in parentheses when ``mark_unreliable``.

    Parameters
    ----------
    result : pandas.DataFrame
        Output of :func:`prevalence`.
    language : {"en", "id"}, default "en"
        English or Indonesian labels.
    decimals : int, default 1
        Decimals of the percentages.
    interval : bool, default True
        Append the confidence interval.
    indicators : list of str, optional
        Indicators to show, in order; default all in ``result``.
    mark_unreliable : bool, default True
        Parenthesise cells flagged ``small_n`` or ``disclosive``.

    Returns
    -------
    pandas.DataFrame
        String cells, indexed by group label.

    Examples
    --------
    >>> df = pd.DataFrame({"zlen": [-2.5, -1.0, -3.2, 0.4], "flen": 0, "csex": [1, 2, 1, 2]})
    >>> res = prevalence(df, [[], ["sex"]], indicators="stunting", min_n=1, min_cases=0)
    >>> prevalence_table(res, language="id", interval=False)
    ... # doctest: +NORMALIZE_WHITESPACE
                                n Stunting (pendek + sangat pendek)
    Total                       4                              50.0
    Jenis kelamin: Perempuan    2                               0.0
    Jenis kelamin: Laki-laki    2                             100.0
    """
    check_language(language)
    if not isinstance(result, pd.DataFrame) or "indicator" not in result.columns:
        raise StuntlibError("result: expected the DataFrame returned by stuntlib.prevalence")
    labels = _GROUP_LABELS[language]
    names = list(indicators) if indicators is not None else list(dict.fromkeys(result["indicator"]))
    unknown = [n for n in names if n not in INDICATORS]
    if unknown:
        raise StuntlibError(f"indicators: unknown names {unknown}; expected names from INDICATORS")
    key_cols = [
        c for c in result.columns[1 : list(result.columns).index("indicator")] if c != "grouping"
    ]

    def translate(value: object) -> str:
        text = str(value)
        if language == "id":
            text = labels.get(text, text).replace(" mo", " " + labels["mo"])
        return text

    grouping = result["grouping"].astype(str).to_numpy()
    label_text = pd.Series([""] * len(result), dtype=object)
    head_text = pd.Series([""] * len(result), dtype=object)
    for c in key_cols:
        present = result[c].notna().to_numpy()
        text = result[c].astype(object).map(translate).to_numpy()
        add = pd.Series(np.where(present, text, ""), dtype=object)
        sep = pd.Series(np.where((label_text != "") & present, ".", ""), dtype=object)
        hsep = pd.Series(np.where((head_text != "") & present, " + ", ""), dtype=object)
        label_text = label_text + sep + add
        head = pd.Series(np.where(present, labels.get(c, c), ""), dtype=object)
        head_text = head_text + hsep + head
    row_label = np.where(
        grouping == "All", labels["All"], (head_text + ": " + label_text).to_numpy()
    )

    frame = result.assign(_row=row_label)
    frame = frame[frame["indicator"].isin(names)]
    scale = np.where(frame["kind"].to_numpy() == "prevalence", 100.0, 1.0)
    dec = np.where(scale == 100.0, decimals, 2)

    def fmt(values: FloatArray, digits: NDArray[Any]) -> NDArray[Any]:
        return np.array(
            ["" if np.isnan(v) else f"{v:.{int(d)}f}" for v, d in zip(values, digits, strict=True)],
            dtype=object,
        )

    est = fmt(frame["estimate"].to_numpy(dtype=np.float64) * scale, dec)
    cell = est
    if interval:
        lo = fmt(frame["ci_low"].to_numpy(dtype=np.float64) * scale, dec)
        hi = fmt(frame["ci_high"].to_numpy(dtype=np.float64) * scale, dec)
        cell = np.where(lo == "", est, est + " (" + lo + ", " + hi + ")")
    status = frame["reliability"].astype(str).to_numpy()
    suppressed = frame["suppressed"].to_numpy(dtype=bool)
    if mark_unreliable:
        cell = np.where((status != "ok") & (cell != ""), "(" + cell + ")", cell)
    cell = np.where(suppressed, "-", cell)
    label_of = {
        n: (INDICATORS[n].label_en if language == "en" else INDICATORS[n].label_id) for n in names
    }
    frame = frame.assign(_cell=cell, _label=frame["indicator"].astype(str).map(label_of))
    order = list(dict.fromkeys(frame["_row"]))
    wide = frame.pivot_table(index="_row", columns="_label", values="_cell", aggfunc="first")
    wide = wide.reindex(index=order, columns=[label_of[n] for n in names])
    counts = (
        frame[frame["kind"] == "prevalence"] if (frame["kind"] == "prevalence").any() else frame
    )
    n_col = counts.groupby("_row", sort=False)["n"].max().reindex(order)
    wide.insert(0, "n", n_col.astype("Int64"))
    wide.index.name = None
    wide.columns.name = None
    return wide
