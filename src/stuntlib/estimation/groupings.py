"""Grouping sets for prevalence tables, and the group columns derived from the data.

``by=`` takes a column, a list of columns (crossed) or a list of such lists (grouping sets,
stacked in one table, as SQL's ``GROUPING SETS``). :func:`who_groupings` gives WHO
``anthro_prevalence``'s blocks and :func:`rollup` an administrative hierarchy;
:func:`add_group_columns` derives WHO age groups, sex, birth cohorts and measurement rounds.

References
----------
.. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (age groups, table layout).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.estimation._frame import FloatArray, _numeric
from stuntlib.scoring import age_group
from stuntlib.standardize import DAYS_PER_MONTH, standardize_sex

__all__ = ["DERIVED_GROUPS", "GroupSpec", "add_group_columns", "rollup", "who_groupings"]

GroupSpec: TypeAlias = "str | Sequence[str | Sequence[str] | None] | None"

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
        "period": "measurement period (period, Bulan Pengukuran or measure_date), e.g. '2025-08'",
    }
)


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

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (the rows of its table).

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

    Raises
    ------
    StuntlibError
        If ``levels`` is not a list of column names.

    References
    ----------
    .. [1] ISO/IEC 9075 (SQL), ``GROUP BY ROLLUP``: the grouping sets of a hierarchy.

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
    if name == "period":
        from stuntlib.rounds import measurement_period

        return measurement_period(frame)
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

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (age groups on
       unrounded months).

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
