"""Measurement periods and one measurement per child.

Growth monitoring in Indonesia measures every child at the posyandu each month, and the
bulan timbang rounds of February and August (months 2 and 8) measure all of them. A file
of several rounds holds several measurements of the same child, so a prevalence must be
computed per period, never on the pooled rows, and with each child counted once per
period.

* :func:`measurement_period` gives each row its period (``"2025-08"``) from a
  ``period`` column, a ``Bulan Pengukuran`` column or ``measure_date``;
* :func:`one_per_child` keeps one measurement per child and period, and lists every
  other row with the reason it was set aside.

References
----------
.. [1] Kementerian Kesehatan RI (2022). Petunjuk Teknis Pemantauan Pertumbuhan Balita
   (bulan timbang: Februari dan Agustus). Jakarta: Kemenkes.
.. [2] WHO & UNICEF (2019). Recommendations for data collection, analysis and reporting
   on anthropometric indicators in children under 5 years old. Geneva: WHO (one
   measurement per child in a survey round).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib._groups import group_codes
from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.standardize import parse_dates

__all__ = [
    "BULAN_TIMBANG_MONTHS",
    "PERIOD_SOURCES",
    "select_round",
    "ChildDeduplication",
    "measurement_period",
    "one_per_child",
]

#: Months of the national weighing rounds (bulan timbang): February and August.
BULAN_TIMBANG_MONTHS = (2, 8)
#: Columns a period is read from, in order of precedence (per row).
PERIOD_SOURCES = ("period", "Bulan Pengukuran", "measure_date")
#: pandas >= 3 always copies on write: a shallow copy of a frame is then independent.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3
#: Measurement columns compared to tell exact duplicates from conflicting ones.
MEASUREMENT_COLUMNS = ("weight", "lenhei", "measure", "oedema", "headc", "armc")
_Z_COLUMNS = ("zlen", "zwei", "zwfl", "zbmi")
_FLAGS = {"zlen": "flen", "zwei": "fwei", "zwfl": "fwfl", "zbmi": "fbmi"}
_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}

Freq = Literal["month", "quarter", "year"]


def _as_period_text(months: NDArray[np.datetime64], freq: Freq) -> pd.Series:
    """Text periods (``2025-08``, ``2025Q3``, ``2025``) of month-resolution datetimes.

    Formatted once per distinct month, then spread to the rows.
    """
    m = months.astype("datetime64[M]")
    missing = np.isnat(m)
    uniq, inverse = np.unique(m[~missing], return_inverse=True)
    labels = pd.PeriodIndex(uniq.astype("datetime64[ns]"), freq=_FREQ[freq]).astype(str)
    out = np.full(len(m), None, dtype=object)
    out[~missing] = np.asarray(labels, dtype=object)[inverse]
    return pd.Series(out, dtype=object)


def _months_from_text(values: pd.Series) -> NDArray[np.datetime64]:
    """Month of ``2025-08``, ``08/2025``, ``Agustus 2025`` or a full date; NaT otherwise."""
    from stuntlib.standardize import _MONTHS

    text = values.astype(object).where(values.notna(), None)
    clean = text.astype(str).str.strip().str.lower()
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[M]")
    iso = clean.str.extract(r"^(\d{4})[-/.](\d{1,2})$")
    mfirst = clean.str.extract(r"^(\d{1,2})[-/.](\d{4})$")
    named = clean.str.extract(r"^([a-z]+)[\s\-/,]+(\d{4})$")
    year = iso[0].fillna(mfirst[1]).fillna(named[1])
    month_no = iso[1].fillna(mfirst[0])
    month_named = named[0].map(_MONTHS)
    month = pd.to_numeric(month_no, errors="coerce").fillna(month_named)
    year_n = pd.to_numeric(year, errors="coerce")
    ok = (year_n.notna() & month.between(1, 12)).to_numpy()
    if ok.any():
        y = year_n.to_numpy()[ok].astype(np.int64)
        m = month.to_numpy()[ok].astype(np.int64)
        out[ok] = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    rest = ~ok & text.notna().to_numpy()
    if rest.any():
        dates, _ = parse_dates(text.to_numpy(dtype=object)[rest])
        out[rest] = dates.astype("datetime64[M]")
    return out


def measurement_period(frame: pd.DataFrame, freq: Freq = "month") -> pd.Series:
    """The measurement period of each row, e.g. ``"2025-08"``.

    Read per row, in this order: a ``period`` column (taken as given, as text), a
    ``Bulan Pengukuran`` column
    (``"2025-08"``, ``"08/2025"``, ``"Agustus 2025"`` or a date), then ``measure_date``
    (any form :func:`stuntlib.standardize.parse_dates` reads). The bulan timbang rounds
    are months 2 (Februari) and 8 (Agustus) of their year.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with at least one of the columns above.
    freq : {"month", "quarter", "year"}, default "month"
        Length of a period: ``"2025-08"``, ``"2025Q3"`` or ``"2025"``.

    Returns
    -------
    pandas.Series of object
        The period as text, named ``period``, aligned with ``frame``; missing where no
        source gives one.

    Raises
    ------
    StuntlibError
        If ``freq`` is not one of the choices or ``frame`` is not a DataFrame.
    ColumnError
        If the frame has none of the source columns.

    References
    ----------
    .. [1] Kementerian Kesehatan RI (2022). Petunjuk Teknis Pemantauan Pertumbuhan Balita.

    Examples
    --------
    >>> frame = pd.DataFrame({"measure_date": ["2025-02-11", "2025-08-30", None],
    ...                       "Bulan Pengukuran": [None, None, "Agustus 2025"]})
    >>> measurement_period(frame).tolist()
    ['2025-02', '2025-08', '2025-08']
    """
    if freq not in _FREQ:
        raise StuntlibError(f"freq: expected one of {list(_FREQ)}; got {freq!r}")
    if not isinstance(frame, pd.DataFrame):
        raise StuntlibError(f"frame: expected a pandas DataFrame; got {type(frame).__name__}")
    sources = [c for c in PERIOD_SOURCES if c in frame.columns]
    if not sources:
        raise ColumnError(
            f"frame: no period column; expected one of {list(PERIOD_SOURCES)}; "
            f"got {list(frame.columns)}"
        )
    out = np.full(len(frame), None, dtype=object)
    todo = np.ones(len(frame), dtype=bool)
    for column in sources:
        if not todo.any():
            break
        values = frame[column]
        if column == "period" and not pd.api.types.is_datetime64_any_dtype(values.dtype):
            found = _given_periods(values)
        else:
            if pd.api.types.is_datetime64_any_dtype(values.dtype):
                months = values.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
            elif column == "measure_date":
                months = parse_dates(values.to_numpy(dtype=object))[0].astype("datetime64[M]")
            else:
                months = _months_from_text(values)
            found = _as_period_text(months, freq).to_numpy(dtype=object)
        out[todo] = found[todo]
        todo = pd.isna(out)
    out[todo] = None
    return pd.Series(out, index=frame.index, dtype=object, name="period")


def _given_periods(values: pd.Series) -> NDArray[np.object_]:
    """A ``period`` column's values as stripped text (None where missing).

    A text column is stripped once per distinct value; any other (numbers, where ``1``
    and ``1.0`` would be one distinct value) cell by cell.
    """
    if not isinstance(values.dtype, pd.StringDtype):
        found = values.astype(object).where(values.notna(), None)
        found = found.where(found.isna(), found.astype(str).str.strip())
        return found.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values)
    text = pd.Series(uniques, dtype=object).astype(str).str.strip().to_numpy(dtype=object)
    return np.append(text, np.array([None], dtype=object))[codes]


@dataclass(frozen=True)
class ChildDeduplication:
    """Result of :func:`one_per_child`.

    Attributes
    ----------
    kept : pandas.DataFrame
        The rows kept, in their original order (original index), with a ``period`` column.
    dropped : pandas.DataFrame
        Every row set aside, in original order (original index), with ``period``,
        ``reason`` (``exact_duplicate``: same child, period, date and measurements as the
        kept row; ``superseded``: a conflicting measurement of the same child in the same
        period, replaced by the kept one) and ``kept_row`` (index label of the kept row).
    summary : pandas.DataFrame
        Per period: ``rows``, ``children`` (distinct ids), ``kept``,
        ``exact_duplicate``, ``superseded`` and ``no_child_id`` (rows kept because they
        have no id).
    """

    kept: pd.DataFrame
    dropped: pd.DataFrame
    summary: pd.DataFrame


def _chosen_period(period: str | None, distinct: list[str]) -> str | None:
    """``period`` as a key of ``distinct`` (``"Agustus 2025"`` is ``"2025-08"``).

    Raises :class:`StuntlibError` for a period the rows do not hold; None: the latest.
    """
    if period is None:
        return distinct[-1] if distinct else None
    key = str(period)
    if key not in distinct:
        month = _months_from_text(pd.Series([key], dtype=object))[0]
        key = "" if np.isnat(month) else str(_as_period_text(np.array([month]), "month").iloc[0])
    if key not in distinct:
        raise StuntlibError(
            f"period: expected one of the periods in the rows, {distinct} (or e.g. "
            f"'Agustus 2025'); got {period!r}"
        )
    return key


def _valid(frame: pd.DataFrame) -> NDArray[np.bool_]:
    """Rows with a present, unflagged z-score (unscored: a weight or length/height)."""
    zs = [z for z in _Z_COLUMNS if z in frame.columns]
    if zs:
        ok = np.zeros(len(frame), dtype=bool)
        for z in zs:
            value = pd.to_numeric(frame[z], errors="coerce").notna().to_numpy().copy()
            if _FLAGS[z] in frame.columns:
                value &= pd.to_numeric(frame[_FLAGS[z]], errors="coerce").to_numpy() != 1
            ok |= value
        return ok
    present = [c for c in ("weight", "lenhei") if c in frame.columns]
    if not present:
        return np.ones(len(frame), dtype=bool)
    return np.asarray(frame[present].notna().any(axis=1).to_numpy())


#: An id in scientific notation (``3.37502E+15``): Excel dropped its digits.
_MANGLED_ID = r"\d+(\.\d+)?[eE][+-]?\d+"


def one_per_child(
    frame: pd.DataFrame,
    child: str = "nik",
    *,
    period: pd.Series | str | None = None,
    measurements: Sequence[str] | None = None,
) -> ChildDeduplication:
    """Keep one measurement per child and period; list every other row and why.

    Rows of the same child (``child`` id, and the same ``sex`` and ``birth_date`` where
    the frame has them: twins entered under one NIK stay two children) in the same
    period are one child; an id in scientific notation (``3.37502E+15``, digits lost in
    Excel) identifies no one. Among them
    the kept row is the **last valid measurement**: valid rows (a present, unflagged
    z-score, or for unscored rows a weight or length/height) before invalid ones, then
    the latest ``measure_date``, then the last row in file order. The other rows are
    ``exact_duplicate`` when their date and measurements equal the kept row's (the same
    record entered twice: it counts once), else ``superseded`` (conflicting: a second
    measurement in the period). Rows without a child id are kept and counted in the
    summary; no row is lost without a reason.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows, one measurement each.
    child : str, default "nik"
        Column identifying a child (NIK or another id).
    period : pandas.Series or str, optional
        Period of each row, or the name of a period column; default
        :func:`measurement_period` when a source column exists, else one period.
    measurements : list of str, optional
        Columns compared to tell exact duplicates; default those of ``weight``,
        ``lenhei``, ``measure``, ``oedema``, ``headc``, ``armc`` present, else the
        z-scores, plus ``measure_date`` when present.

    Returns
    -------
    ChildDeduplication
        ``kept``, ``dropped`` (with ``reason`` and ``kept_row``) and ``summary``.

    Raises
    ------
    StuntlibError
        If ``frame`` is not a DataFrame, or ``period`` is a Series of another length.
    ColumnError
        If ``child``, ``period`` or a ``measurements`` column is absent.

    References
    ----------
    .. [1] WHO & UNICEF (2019). Recommendations for data collection, analysis and
       reporting on anthropometric indicators in children under 5 years old (one record
       per child; duplicates checked by id).

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "nik": ["A", "A", "B", "B"],
    ...     "measure_date": ["2025-08-05", "2025-08-05", "2025-08-05", "2025-08-20"],
    ...     "weight": [9.1, 9.1, 10.0, 10.4], "lenhei": [80.0, 80.0, 85.0, 85.2]})
    >>> result = one_per_child(frame)
    >>> result.kept.index.tolist(), result.dropped["reason"].tolist()
    ([1, 3], ['exact_duplicate', 'superseded'])
    """
    if not isinstance(frame, pd.DataFrame):
        raise StuntlibError(f"frame: expected a pandas DataFrame; got {type(frame).__name__}")
    if child not in frame.columns:
        raise ColumnError(
            f"child: column {child!r} is not in the frame; the columns are {list(frame.columns)}"
        )
    n = len(frame)
    periods = _periods(frame, period)
    compare = _compare_columns(frame, measurements)
    ids = frame[child]
    has_id = ids.notna().to_numpy().copy()
    if ids.dtype == object or pd.api.types.is_string_dtype(ids.dtype):
        text = ids.astype(str).str.strip()
        # an id Excel turned into 3.37502E+15 has lost its digits: it names no one
        has_id &= (text.ne("") & ~text.str.fullmatch(_MANGLED_ID)).to_numpy()
    child_key = ids.where(has_id, None).rename("_child")
    # the same id with another sex or birth date is another child (twins under one NIK)
    same = [frame[c].astype("string").rename(c) for c in ("sex", "birth_date") if c in frame]
    key = [child_key, *same, periods.rename("_period")]
    gcodes, _ = group_codes(key, "level", n=n)
    gcodes = np.where(has_id, gcodes, -1)
    exact, _ = group_codes(key + [frame[c].rename(c) for c in compare], "level", n=n)
    dates = (
        parse_dates(frame["measure_date"])[0].astype("datetime64[D]")
        if "measure_date" in frame.columns
        else np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    )
    day = np.where(np.isnat(dates), np.iinfo(np.int64).min, dates.astype(np.int64))
    position = np.arange(n)
    order = np.lexsort((position, day, _valid(frame), gcodes))
    last_in_group = np.ones(n, dtype=bool)
    last_in_group[:-1] = gcodes[order][1:] != gcodes[order][:-1]
    chosen_of = np.full(n, -1, dtype=np.int64)
    groups = gcodes[order]
    chosen_pos = order[last_in_group]
    group_of_chosen = groups[last_in_group]
    lookup = np.full(int(gcodes.max(initial=-1)) + 2, -1, dtype=np.int64)
    lookup[group_of_chosen] = chosen_pos
    with_id = gcodes >= 0
    chosen_of[with_id] = lookup[gcodes[with_id]]
    keep = ~with_id | (chosen_of == position)
    drop = ~keep
    reason = np.where(exact == exact[np.maximum(chosen_of, 0)], "exact_duplicate", "superseded")
    annotated = frame.assign(period=periods.to_numpy())
    dropped = annotated.loc[drop].assign(
        reason=pd.Categorical(reason[drop], categories=["exact_duplicate", "superseded"]),
        kept_row=frame.index.to_numpy()[chosen_of[drop]],
    )
    summary = _summary(periods, has_id, gcodes, keep, drop, reason)
    return ChildDeduplication(annotated.loc[keep], dropped, summary)


def _periods(frame: pd.DataFrame, period: pd.Series | str | None) -> pd.Series:
    if period is None:
        if any(c in frame.columns for c in PERIOD_SOURCES):
            return measurement_period(frame).reset_index(drop=True)
        return pd.Series([None] * len(frame), dtype=object, name="period")
    if isinstance(period, str):
        if period not in frame.columns:
            raise ColumnError(
                f"period: column {period!r} is not in the frame; the columns are "
                f"{list(frame.columns)}"
            )
        return frame[period].reset_index(drop=True).rename("period")
    if not isinstance(period, pd.Series) or len(period) != len(frame):
        raise StuntlibError(
            f"period: expected a column name or a Series of {len(frame)} periods; got "
            f"{type(period).__name__}"
        )
    return period.reset_index(drop=True).rename("period")


def _compare_columns(frame: pd.DataFrame, measurements: Sequence[str] | None) -> list[str]:
    if measurements is not None:
        missing = [c for c in measurements if c not in frame.columns]
        if missing:
            raise ColumnError(
                f"measurements: {missing} not in the frame; the columns are {list(frame.columns)}"
            )
        chosen = list(measurements)
    else:
        chosen = [c for c in MEASUREMENT_COLUMNS if c in frame.columns]
        if not chosen:
            chosen = [c for c in _Z_COLUMNS if c in frame.columns]
    if "measure_date" in frame.columns and "measure_date" not in chosen:
        chosen.append("measure_date")
    return chosen


def _summary(
    periods: pd.Series,
    has_id: NDArray[np.bool_],
    gcodes: NDArray[np.int64],
    keep: NDArray[np.bool_],
    drop: NDArray[np.bool_],
    reason: NDArray[np.str_],
) -> pd.DataFrame:
    key = periods.astype(object).where(periods.notna(), "(no period)").to_numpy()
    table = pd.DataFrame(
        {
            "period": key,
            "rows": 1,
            "kept": keep.astype(np.int64),
            "exact_duplicate": (drop & (reason == "exact_duplicate")).astype(np.int64),
            "superseded": (drop & (reason == "superseded")).astype(np.int64),
            "no_child_id": (~has_id).astype(np.int64),
        }
    )
    out = table.groupby("period", sort=True).sum()
    children = pd.Series(gcodes[has_id]).groupby(key[has_id]).nunique()
    out.insert(1, "children", children.reindex(out.index).fillna(0).astype(np.int64))
    return out.reset_index()


def select_round(
    scored: pd.DataFrame, period: str | None = None, *, merge_duplicates: bool = True
) -> pd.DataFrame:
    """The rows of one measurement period, one measurement per child, for publication.

    A file with several periods (e-PPGBM's Februari and Agustus rounds) is reported for
    ``period`` when it names one of them (``"2025-08"``), else for the latest; a child
    measured more than once in that period counts once (:func:`stuntlib.rounds.one_per_child`).
    The counts left out are kept in ``attrs["stuntlib_round"]`` (``period``,
    ``rows_other_periods``, ``duplicates_merged``) for the flow of counts.

    Parameters
    ----------
    scored : pandas.DataFrame
        Rows (scored or not) with a ``period``, ``Bulan Pengukuran`` or ``measure_date``
        column, and ideally ``nik``.
    period : str, optional
        The period to keep (``"2025-08"`` or ``"Agustus 2025"``); default the latest in
        the file.
    merge_duplicates : bool, default True
        Count a child measured more than once once; False keeps every row of the
        period (for data-quality checks, which must see the duplicates).

    Returns
    -------
    pandas.DataFrame
        The rows kept (a subset of ``scored``, in its order, index preserved).

    Raises
    ------
    StuntlibError
        If ``period`` is not a period of the rows.

    References
    ----------
    .. [1] Kemendagri, Petunjuk teknis Aksi 7 (publikasi data stunting per
       desa/kelurahan, per periode pengukuran: Februari and Agustus).
    """
    if not any(c in scored.columns for c in PERIOD_SOURCES):
        return scored
    periods = measurement_period(scored)
    distinct = sorted(str(p) for p in periods.dropna().unique())
    if len(distinct) < 2 and "nik" not in scored.columns:
        return scored
    chosen = _chosen_period(period, distinct)
    keep = (periods == chosen).to_numpy() if len(distinct) > 1 else np.ones(len(scored), bool)
    one = scored if keep.all() else scored.loc[keep]
    merged = 0
    if merge_duplicates and "nik" in one.columns:
        dedup = one_per_child(one, "nik")
        merged = len(one) - len(dedup.kept)
        one = dedup.kept
    # a new frame for the attrs; pandas 3 copies the data only if one of them is changed
    # (copy-on-write), pandas 2 would share them, so that it copies them now
    one = one.copy(deep=not _COPY_ON_WRITE)
    one.attrs["stuntlib_round"] = {
        "period": chosen or "-",
        "rows_other_periods": int((~keep).sum()),
        "duplicates_merged": int(merged),
    }
    return one
