"""The context a quality check reads: one frame, standardised once, computed lazily.

:class:`CheckContext` is what every check predicate receives. Each property is computed
on first use and kept, so :func:`stuntlib.quality.check_quality` parses each date
column, sex code and NIK once however many checks read it. A property is ``None`` when
the frame has no column it can be computed from.

Every rule comes from :mod:`stuntlib.standardize`: the sex, position and number codes,
the NIK (:func:`~stuntlib.standardize.parse_nik`) and the age, which is resolved by
:func:`~stuntlib.standardize.resolve_age` (per row: ``age_days``, then the dates, then
``age_months``) exactly as :func:`stuntlib.score` resolves it. On a scored frame the
context reads the age ``score`` wrote (``age_days``, ``age_months``) instead of
resolving it again.

Examples
--------
>>> import pandas as pd
>>> ctx = CheckContext(pd.DataFrame({"JK": ["L", "NA"], "age_months": [7, 60]}))
>>> ctx.sex.tolist(), ctx.age_months.tolist(), ctx.age_days.tolist()
([1, 0], [7.0, 60.0], [213.0, 1826.0])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.columns import resolve_columns
from stuntlib.errors import ColumnError
from stuntlib.standardize import (
    ParsedNik,
    parse_dates,
    parse_nik,
    resolve_age,
    standardize_measure,
    standardize_sex,
    to_float,
)

__all__ = [
    "MISSING_TOKENS",
    "SCORED_COLUMNS",
    "CheckContext",
    "QualityParams",
    "combine_codes",
    "visit_pairs",
]

Bool = NDArray[np.bool_]
Float = NDArray[np.float64]

#: Columns that ``stuntlib.score`` adds; they are left out of alias resolution so that
#: ``csex`` (an alias of ``sex``) does not collide with the input's own sex column.
SCORED_COLUMNS: frozenset[str] = frozenset(
    {"csex", "coedema", "clenhei", "cmeasure", "c9mo_flag", "cbmi", "reference"}
)

#: Text that means "no value" in exports (R ``NA``, Stata/SAS ``.``, a dash, Excel
#: ``#N/A``, an empty cell); compared after trimming blanks, case-insensitively. The
#: quality checks count these as missing, never as invalid.
MISSING_TOKENS: frozenset[str] = frozenset({"", "NA", ".", "-", "#N/A"})


@dataclass(frozen=True)
class QualityParams:
    """Thresholds of the row-level checks (documented in ``docs/methodology/quality.md``).

    Parameters
    ----------
    max_age_months : float, default 60
        Ages at or above this [months] are outside the under-five range.
    round_by : str, optional
        Column that identifies a data-collection round (e.g. ``"bulan"``); default the
        calendar month of the measurement date.
    height_tolerance_cm : float, default 1.0
        A position-adjusted length/height may fall by this much [cm] between visits
        before ``height_decrease`` fails.
    max_haz_change : float, default 2.0
        Largest plausible change of HAZ between two visits (see
        ``implausible_velocity``).
    carried_forward_min_days : int, default 28
        Visits at least this many days apart with an identical value fail
        ``carried_forward_*``.
    smart_flag_range : float, default 3.0
        SMART flags: z more than this far from the observed mean.
    """

    max_age_months: float = 60.0
    round_by: str | None = None
    height_tolerance_cm: float = 1.0
    max_haz_change: float = 2.0
    carried_forward_min_days: int = 28
    smart_flag_range: float = 3.0


def is_missing_token(values: Sequence[Any] | NDArray[Any]) -> Bool:
    """True where a value is missing: None/NaN/NaT or text in :data:`MISSING_TOKENS`.

    Parameters
    ----------
    values : sequence
        Distinct values of a column (a Python loop runs over them).

    Returns
    -------
    numpy.ndarray of bool
        One flag per value.

    Examples
    --------
    >>> is_missing_token(["NA", " . ", "#n/a", "-", "", None, "12", 3.0]).tolist()
    [True, True, True, True, True, True, False, False]
    """
    out = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values):
        if isinstance(value, str):
            out[i] = value.strip().upper() in MISSING_TOKENS
        else:
            out[i] = value is None or value is pd.NA or value is pd.NaT or value != value
    return out


def _per_distinct(raw: pd.Series, fn: Callable[[Any], Any]) -> Any:
    """``fn`` of a text column computed once per distinct value, missing tokens blanked.

    ``fn`` takes an object array and returns an array or a tuple of arrays aligned with
    it; the result is spread back to the rows. Numeric and datetime columns go to ``fn``
    as they are.
    """
    if not (pd.api.types.is_object_dtype(raw.dtype) or pd.api.types.is_string_dtype(raw.dtype)):
        return fn(raw)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    distinct = np.empty(len(uniques) + 1, dtype=object)
    distinct[:-1] = np.asarray(uniques, dtype=object)
    distinct[is_missing_token(distinct)] = None
    result = fn(distinct)
    codes = np.asarray(codes)
    if isinstance(result, tuple):
        return tuple(np.asarray(part)[codes] for part in result)
    return np.asarray(result)[codes]


def _parse_nik(raw: pd.Series) -> ParsedNik:
    """:func:`stuntlib.standardize.parse_nik` with missing tokens blanked.

    A text cell of exactly 16 digits is a valid NIK as it stands (``parse_nik`` returns
    it unchanged), so only the other cells go through ``parse_nik``'s per-value
    reading: a city's export of distinct NIKs costs one vectorised match.
    """
    if not pd.api.types.is_string_dtype(raw.dtype) and not (
        pd.api.types.is_object_dtype(raw.dtype) and pd.api.types.is_string_dtype(raw)
    ):
        return parse_nik(raw)
    text = raw.astype("string")
    plain = text.str.fullmatch(r"\d{16}").fillna(False).to_numpy(dtype=bool)
    rest = np.flatnonzero(~plain)
    other = text.iloc[rest]
    other = other.mask(other.str.strip().str.upper().isin(MISSING_TOKENS).fillna(False))
    parsed = parse_nik(other)
    out_text = text.copy()
    out_text.iloc[rest] = pd.array(parsed.text.to_numpy(), dtype="string")  # type: ignore[call-overload]
    n = len(raw)

    def spread(mask: Bool, plain_value: bool) -> Bool:
        full = np.full(n, plain_value, dtype=bool)
        full[rest] = mask
        return full

    return ParsedNik(
        out_text,
        spread(parsed.valid, True),
        spread(parsed.missing, False),
        spread(parsed.scientific, False),
        spread(parsed.numeric, False),
        spread(parsed.malformed, False),
    )


def resolve_frame_columns(frame: pd.DataFrame, columns: Mapping[str, str] | None) -> dict[str, Any]:
    """Canonical name -> label, ignoring the columns ``score`` adds (unless named)."""
    named = set((columns or {}).values())
    labels = [c for c in frame.columns if c not in SCORED_COLUMNS or c in named]
    return resolve_columns(labels, columns)


class CheckContext:
    """Standardised arrays of one frame, computed lazily: what a check predicate reads.

    Parameters
    ----------
    frame : pandas.DataFrame
        A scored frame (see :func:`stuntlib.score`) or its input.
    columns : mapping, optional
        ``{canonical name: label}`` overrides.
    params : QualityParams, optional
        Thresholds of the checks.

    Attributes
    ----------
    frame : pandas.DataFrame
        The frame, unchanged.
    mapping : dict
        Canonical name -> frame label.
    params : QualityParams
        Thresholds.
    n : int
        Number of rows.

    Raises
    ------
    ColumnError
        If ``frame`` is not a DataFrame or ``columns`` does not fit it.

    Examples
    --------
    A row with ``age_days`` 400 and dates 882 days apart is 400 days old, as for
    :func:`stuntlib.score`:

    >>> import pandas as pd
    >>> ctx = CheckContext(pd.DataFrame({"age_days": [400], "dob": ["2023-01-01"],
    ...                                  "dov": ["2025-06-02"]}))
    >>> ctx.age_days.tolist()
    [400.0]
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        columns: Mapping[str, str] | None = None,
        params: QualityParams | None = None,
    ) -> None:
        if not isinstance(frame, pd.DataFrame):
            raise ColumnError(f"scored: expected a pandas DataFrame; got {type(frame).__name__}")
        self.frame = frame
        self.mapping = resolve_frame_columns(frame, columns)
        self.params = params or QualityParams()
        self.n = len(frame)

    # -- column access -------------------------------------------------------------
    def label(self, name: str) -> Any:
        """Frame label of a canonical or scored column, or None."""
        if name in self.mapping:
            return self.mapping[name]
        if name in self.frame.columns:
            return name
        return None

    def column(self, name: str) -> pd.Series | None:
        """A column by canonical or scored name, or None."""
        label = self.label(name)
        return None if label is None else self.frame[label]

    def raw(self, name: str) -> pd.Series | None:
        """An input column by canonical name (never a scored column)."""
        label = self.mapping.get(name)
        return None if label is None else self.frame[label]

    @property
    def scored(self) -> bool:
        """Whether the frame is an output of :func:`stuntlib.score`."""
        return "csex" in self.frame.columns

    # -- sex, dates, age ---------------------------------------------------------------
    @cached_property
    def sex(self) -> NDArray[np.int8] | None:
        """1 male, 2 female, 0 missing, -1 unrecognised."""
        raw = self.raw("sex")
        if self.scored:
            # the scored code; only rows without one go back to the input to tell a
            # missing code from an unrecognised one
            sex = self.frame["csex"].to_numpy(dtype=np.float64, na_value=0).astype(np.int8)
            if raw is not None:
                unknown = np.flatnonzero(sex == 0)
                sex[unknown] = _per_distinct(raw.iloc[unknown], standardize_sex)
            return sex
        return None if raw is None else _per_distinct(raw, standardize_sex)

    def _dates(self, name: str) -> tuple[NDArray[np.datetime64], Bool] | None:
        raw = self.raw(name)
        return None if raw is None else _per_distinct(raw, parse_dates)

    @cached_property
    def birth(self) -> tuple[NDArray[np.datetime64], Bool] | None:
        """Birth date (``datetime64[D]``, NaT when missing) and a mask of unreadable ones."""
        return self._dates("birth_date")

    @cached_property
    def visit(self) -> tuple[NDArray[np.datetime64], Bool] | None:
        """Measurement date and a mask of unreadable ones."""
        return self._dates("measure_date")

    def _numbers(self, name: str) -> Float | None:
        col = self.column(name)
        return None if col is None else _per_distinct(col, to_float)[0]

    @cached_property
    def _age(self) -> tuple[Float, Float] | None:
        if self.scored and "age_days" in self.frame.columns and "age_months" in self.frame:
            return (
                to_float(self.frame["age_days"])[0],
                to_float(self.frame["age_months"])[0],
            )
        days, months = self._numbers("age_days"), self._numbers("age_months")
        birth, visit = self.birth, self.visit
        if days is None and months is None and (birth is None or visit is None):
            return None
        age = resolve_age(
            age_days=days,
            age_months=months,
            birth_date=None if birth is None or visit is None else birth[0],
            measure_date=None if birth is None or visit is None else visit[0],
            n=self.n,
        )
        return age.days, age.months

    @cached_property
    def age_days(self) -> Float | None:
        """Age in rounded days, as :func:`stuntlib.score` resolves it."""
        return None if self._age is None else self._age[0]

    @cached_property
    def age_months(self) -> Float | None:
        """Age in months: as given when it came from ``age_months``, else days / 30.4375."""
        return None if self._age is None else self._age[1]

    # -- measurements -------------------------------------------------------------
    def _measurement(self, name: str, fallback: str | None = None) -> tuple[Float, Bool] | None:
        raw = self.raw(name)
        if raw is None and fallback is not None and fallback in self.frame.columns:
            raw = self.frame[fallback]
        if raw is None:
            return None
        values, invalid = _per_distinct(raw, to_float)
        with np.errstate(invalid="ignore"):
            unusable = (values <= 0) | np.isinf(values)
        return values, invalid | unusable

    @cached_property
    def lenhei(self) -> tuple[Float, Bool] | None:
        """Length/height as recorded [cm] and a mask of unusable values."""
        return self._measurement("lenhei", "clenhei")

    @cached_property
    def weight(self) -> tuple[Float, Bool] | None:
        """Weight [kg] and a mask of unusable values."""
        return self._measurement("weight")

    @cached_property
    def armc(self) -> tuple[Float, Bool] | None:
        """Mid-upper arm circumference [cm] and a mask of unusable values."""
        return self._measurement("armc")

    @cached_property
    def clenhei(self) -> Float | None:
        """Position-adjusted length/height [cm] (``clenhei``), else as recorded."""
        if "clenhei" in self.frame.columns:
            return to_float(self.frame["clenhei"])[0]
        return None if self.lenhei is None else self.lenhei[0]

    @cached_property
    def measure(self) -> NDArray[np.int8] | None:
        """Position as recorded: 1 lying, 2 standing, 0 missing, -1 unrecognised."""
        raw = self.raw("measure")
        if raw is None:
            return None
        if "cmeasure" in self.frame.columns:
            # score's code; it blanks standing under 9 months, so those rows (and the
            # missing ones) go back to the input
            cm = self.frame["cmeasure"]
            codes = np.zeros(self.n, dtype=np.int8)
            codes[(cm == "l").to_numpy(dtype=bool, na_value=False)] = 1
            codes[(cm == "h").to_numpy(dtype=bool, na_value=False)] = 2
            unknown = np.flatnonzero(codes == 0)
            codes[unknown] = _per_distinct(raw.iloc[unknown], standardize_measure)
            return codes
        return _per_distinct(raw, standardize_measure)

    def z(self, name: str) -> Float | None:
        """A z-score column as float64 (NaN where missing), or None."""
        if name not in self.frame.columns:
            return None
        return to_float(self.frame[name])[0]

    def flag(self, name: str) -> Bool | None:
        """A WHO flag column as bool (True where flagged), or None."""
        if name not in self.frame.columns:
            return None
        return self.frame[name].to_numpy(dtype=np.float64, na_value=0.0) == 1.0

    # -- identity ----------------------------------------------------------------
    @cached_property
    def _nik(self) -> ParsedNik | None:
        raw = self.raw("nik")
        return None if raw is None else _parse_nik(raw)

    @cached_property
    def nik(self) -> pd.Series | None:
        """NIK as text (:func:`stuntlib.standardize.parse_nik`), NA when missing."""
        return None if self._nik is None else self._nik.text

    @cached_property
    def nik_missing(self) -> Bool | None:
        """True where the NIK is missing."""
        return None if self._nik is None else self._nik.missing

    @cached_property
    def nik_scientific(self) -> Bool | None:
        """True where the NIK was written in scientific notation (``3.37501E+15``)."""
        return None if self._nik is None else self._nik.scientific

    @cached_property
    def nik_valid(self) -> Bool | None:
        """True where the NIK is exactly 16 digits."""
        return None if self._nik is None else self._nik.valid

    @cached_property
    def nik_int(self) -> NDArray[np.int64] | None:
        """The 16-digit NIK as an integer, -1 where it is not 16 digits."""
        if self.nik is None or self.nik_valid is None:
            return None
        valid = pd.Series(self.nik_valid, index=self.nik.index)
        text = self.nik.where(valid, "-1").astype("string[pyarrow]")
        return np.asarray(text.astype("int64[pyarrow]").to_numpy(dtype=np.int64), dtype=np.int64)

    @cached_property
    def nik_birth(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]] | None:
        """Day (with 40 for girls), month and 2-digit year encoded at NIK digits 7-12."""
        if self.nik_int is None:
            return None
        ddmmyy = np.where(self.nik_int >= 0, self.nik_int // 10_000 % 1_000_000, 0)
        return ddmmyy // 10000, (ddmmyy // 100) % 100, ddmmyy % 100

    @cached_property
    def child_codes(self) -> NDArray[np.intp] | None:
        """An integer per child (valid NIK), -1 where the child cannot be identified."""
        if self.nik_int is None:
            return None
        codes, _ = pd.factorize(np.where(self.nik_int >= 0, self.nik_int, -1))
        codes = np.asarray(codes, dtype=np.intp)
        return np.where(self.nik_int >= 0, codes, -1)

    def names_of(self, rows: NDArray[np.intp]) -> NDArray[np.intp] | None:
        """Codes of the child's name on some rows (None without a name column)."""
        name = self.raw("name")
        if name is None:
            return None
        text = name.iloc[rows].astype("string").str.strip().str.upper()
        return np.asarray(pd.factorize(text)[0], dtype=np.intp)

    # -- groups ------------------------------------------------------------------
    def group_values(self, label: Any) -> pd.Series:
        """A grouping column with one type: text when it mixes numbers and text.

        A column read from a spreadsheet may hold ``1``, ``"TIRTO"``, ``2``; such a
        column is grouped by the text of each value (``1``, ``1.0`` and ``True`` all
        ``"1"``), so the groups and their labels do not depend on the order of the rows.
        """
        cache = self.__dict__.setdefault("_group_values", {})
        if label not in cache:
            cache[label] = _uniform_labels(self.frame[label])
        return cache[label]

    def group_codes(self, label: Any) -> NDArray[np.intp]:
        """Integer codes of a column's values (NaN is its own group), cached per label."""
        cache = self.__dict__.setdefault("_group_codes", {})
        if label not in cache:
            codes, uniques = pd.factorize(self.group_values(label), use_na_sentinel=True)
            codes = np.asarray(codes, dtype=np.intp)
            cache[label] = np.where(codes < 0, len(uniques), codes)
        return cache[label]

    @cached_property
    def round_codes(self) -> NDArray[np.intp] | None:
        """An integer per data-collection round, -1 where unknown."""
        label = self.params.round_by
        if label is not None:
            if label not in self.frame.columns:
                raise ColumnError(
                    f"round_by: {label!r} is not a column; "
                    f"the columns are {list(self.frame.columns)}"
                )
            return combine_codes([self.group_values(label).to_numpy(dtype=object)])
        if self.visit is None:
            return None
        months = self.visit[0].astype("datetime64[M]")
        codes = combine_codes([months])
        codes[np.isnat(months)] = -1
        return codes


def _text(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))  # pandas groups True with 1: one label whatever the order
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _uniform_labels(column: pd.Series) -> pd.Series:
    if not pd.api.types.is_object_dtype(column.dtype):
        return column
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    kinds = {type(u) for u in uniques}
    if kinds <= {str}:
        return column
    # pandas hashes 1, 1.0 and True alike: their group is labelled "1" whichever comes first
    keys = np.array([_text(u) for u in uniques] + [None], dtype=object)
    return pd.Series(keys[np.asarray(codes)], index=column.index, dtype=object, name=column.name)


def combine_codes(parts: Sequence[Any]) -> NDArray[np.intp]:
    """One integer code per distinct combination of the arrays; -1 if any part is missing.

    Parameters
    ----------
    parts : sequence of array_like
        Equally long arrays.

    Returns
    -------
    numpy.ndarray of intp
        Codes in order of first appearance.

    Examples
    --------
    >>> combine_codes([["a", "a", "b", None], [1, 1, 1, 1]]).tolist()
    [0, 0, 1, -1]
    """
    combined: NDArray[np.int64] | None = None
    missing = None
    for part in parts:
        codes, uniques = pd.factorize(pd.Series(part, copy=False), use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        miss = codes < 0
        missing = miss if missing is None else missing | miss
        if combined is None:
            combined = codes
        else:
            combined = combined * (len(uniques) + 1) + codes
            combined, _ = pd.factorize(combined)
            combined = np.asarray(combined, dtype=np.int64)
    assert combined is not None and missing is not None
    out, _ = pd.factorize(np.where(missing, -1, combined))
    out = np.asarray(out, dtype=np.intp)
    if missing.any():
        out = np.where(missing, -1, out)
    return out


def visit_pairs(ctx: CheckContext) -> tuple[NDArray[np.intp], NDArray[np.intp], Float] | None:
    """Consecutive visits of the same child: (earlier row, later row, interval [days]).

    Children are identified by a valid NIK; rows on the same date (duplicates) are not
    paired.

    Parameters
    ----------
    ctx : CheckContext
        The frame.

    Returns
    -------
    tuple of numpy.ndarray or None
        Row positions of the earlier and the later visit, and the interval [days];
        ``None`` when the frame has no NIK or no measurement date.
    """
    cached = ctx.__dict__.get("_visit_pairs", False)
    if cached is not False:
        return cached
    child, visit = ctx.child_codes, ctx.visit
    result: tuple[NDArray[np.intp], NDArray[np.intp], Float] | None = None
    if child is not None and visit is not None:
        dates = visit[0]
        ok = (child >= 0) & ~np.isnat(dates)
        empty = np.zeros(0, dtype=np.intp)
        result = (empty, empty, np.zeros(0))
        if ok.any() and np.bincount(child[ok]).max() > 1:
            days = dates.astype(np.int64)
            idx = np.flatnonzero(ok)
            order = idx[np.lexsort((days[idx], child[idx]))]
            same = child[order[1:]] == child[order[:-1]]
            prev, cur = order[:-1][same], order[1:][same]
            interval = (days[cur] - days[prev]).astype(np.float64)
            keep = interval > 0
            result = (prev[keep], cur[keep], interval[keep])
    ctx.__dict__["_visit_pairs"] = result
    return result
