"""A lazy, standardised view of a (scored) frame for the quality checks (private).

Each property is computed on first use and kept, so ``check_quality`` parses each date
column, sex code and NIK once however many checks read it. A property is ``None`` when
the frame has no column it can be computed from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.columns import resolve_columns
from stuntlib.errors import ColumnError
from stuntlib.standardize import (
    DAYS_PER_MONTH,
    parse_dates,
    standardize_measure,
    standardize_sex,
    to_float,
)

Bool = NDArray[np.bool_]
Float = NDArray[np.float64]

#: Columns that ``stuntlib.score`` adds; they are left out of alias resolution so that
#: ``csex`` (an alias of ``sex``) does not collide with the input's own sex column.
SCORED_COLUMNS: frozenset[str] = frozenset(
    {"csex", "coedema", "clenhei", "cmeasure", "c9mo_flag", "cbmi", "reference"}
)

_NIK_DIGITS = r"\d{16}"
_SCIENTIFIC = r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+"


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


def resolve_frame_columns(frame: pd.DataFrame, columns: Mapping[str, str] | None) -> dict[str, Any]:
    """Canonical name -> label, ignoring the columns ``score`` adds (unless named)."""
    named = set((columns or {}).values())
    labels = [c for c in frame.columns if c not in SCORED_COLUMNS or c in named]
    return resolve_columns(labels, columns)


class FrameView:
    """Standardised arrays of one frame, computed lazily."""

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
        label = self.label(name)
        return None if label is None else self.frame[label]

    def raw(self, name: str) -> pd.Series | None:
        """An input column by canonical name (never a scored column)."""
        label = self.mapping.get(name)
        return None if label is None else self.frame[label]

    # -- sex, dates, age ---------------------------------------------------------------
    @cached_property
    def sex(self) -> NDArray[np.int8] | None:
        """1 male, 2 female, 0 missing, -1 unrecognised."""
        raw = self.raw("sex")
        if "csex" in self.frame.columns:
            # the scored code; only rows without one go back to the input to tell a
            # missing code from an unrecognised one
            sex = self.frame["csex"].to_numpy(dtype=np.float64, na_value=0).astype(np.int8)
            if raw is not None:
                unknown = np.flatnonzero(sex == 0)
                sex[unknown] = standardize_sex(raw.iloc[unknown])
            return sex
        return None if raw is None else standardize_sex(raw)

    def _dates(self, name: str) -> tuple[NDArray[np.datetime64], Bool] | None:
        raw = self.raw(name)
        return None if raw is None else parse_dates(raw)

    @cached_property
    def birth(self) -> tuple[NDArray[np.datetime64], Bool] | None:
        return self._dates("birth_date")

    @cached_property
    def visit(self) -> tuple[NDArray[np.datetime64], Bool] | None:
        return self._dates("measure_date")

    @cached_property
    def age_days(self) -> Float | None:
        if self.birth is not None and self.visit is not None:
            diff = (self.visit[0] - self.birth[0]).astype("timedelta64[D]")
            days = diff.astype(np.float64)
            days[np.isnat(diff)] = np.nan
            return days
        for name in ("age_days", "age_months"):
            col = self.column(name)
            if col is not None:
                values = to_float(col)[0]
                return values if name == "age_days" else values * DAYS_PER_MONTH
        return None

    @cached_property
    def age_months(self) -> Float | None:
        days = self.age_days
        return None if days is None else days / DAYS_PER_MONTH

    # -- measurements -------------------------------------------------------------
    def _measurement(self, name: str, fallback: str | None = None) -> tuple[Float, Bool] | None:
        raw = self.raw(name)
        if raw is None and fallback is not None and fallback in self.frame.columns:
            raw = self.frame[fallback]
        if raw is None:
            return None
        values, invalid = to_float(raw)
        with np.errstate(invalid="ignore"):
            nonpositive = values <= 0
        return values, invalid | nonpositive

    @cached_property
    def lenhei(self) -> tuple[Float, Bool] | None:
        """Length/height as recorded [cm] and a mask of unusable values."""
        return self._measurement("lenhei", "clenhei")

    @cached_property
    def weight(self) -> tuple[Float, Bool] | None:
        return self._measurement("weight")

    @cached_property
    def armc(self) -> tuple[Float, Bool] | None:
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
        if "cmeasure" in self.frame.columns:
            cm = self.frame["cmeasure"]
            codes = np.zeros(self.n, dtype=np.int8)
            codes[(cm == "l").to_numpy(dtype=bool, na_value=False)] = 1
            codes[(cm == "h").to_numpy(dtype=bool, na_value=False)] = 2
            if raw is not None:
                # score blanks the position of children under 9 months measured standing
                unknown = np.flatnonzero(codes == 0)
                codes[unknown] = standardize_measure(raw.iloc[unknown])
            return codes
        return None if raw is None else standardize_measure(raw)

    def z(self, name: str) -> Float | None:
        if name not in self.frame.columns:
            return None
        return to_float(self.frame[name])[0]

    def flag(self, name: str) -> Bool | None:
        if name not in self.frame.columns:
            return None
        return self.frame[name].to_numpy(dtype=np.float64, na_value=0.0) == 1.0

    # -- identity ----------------------------------------------------------------
    @cached_property
    def nik(self) -> pd.Series | None:
        """NIK as text (numbers written without a decimal part), NA when missing."""
        raw = self.raw("nik")
        if raw is None:
            return None
        if pd.api.types.is_integer_dtype(raw.dtype):
            # 16-digit NIKs above 2**53 (Papua's provinces) must not pass through float64
            return raw.astype("Int64").astype("string")
        if pd.api.types.is_numeric_dtype(raw.dtype):
            numbers = np.round(raw.to_numpy(dtype=np.float64, na_value=np.nan))
            whole = pd.array(numbers, dtype="Float64").astype("Int64")
            return pd.Series(whole, index=raw.index).astype("string")
        return raw.astype("string").str.strip().replace("", pd.NA)

    @cached_property
    def nik_missing(self) -> Bool | None:
        return None if self.nik is None else self.nik.isna().to_numpy()

    @cached_property
    def nik_scientific(self) -> Bool | None:
        if self.nik is None or self.nik_valid is None or self.nik_missing is None:
            return None
        out = np.zeros(self.n, dtype=bool)
        rest = np.flatnonzero(~self.nik_valid & ~self.nik_missing)
        if rest.size:
            sci = self.nik.iloc[rest].str.fullmatch(_SCIENTIFIC)
            out[rest] = sci.fillna(False).to_numpy(dtype=bool)
        return out

    @cached_property
    def nik_valid(self) -> Bool | None:
        """True where the NIK is exactly 16 digits."""
        if self.nik is None:
            return None
        length = self.nik.str.len() == 16
        digits = self.nik.str.isdigit()
        return (length & digits).fillna(False).to_numpy(dtype=bool)

    @cached_property
    def nik_int(self) -> NDArray[np.int64] | None:
        """The 16-digit NIK as an integer, -1 where it is not 16 digits."""
        if self.nik is None or self.nik_valid is None:
            return None
        valid = pd.Series(self.nik_valid, index=self.nik.index)
        text = self.nik.where(valid, "-1").astype("string[pyarrow]")
        return text.astype("int64[pyarrow]").to_numpy(dtype=np.int64)

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

    def group_codes(self, label: Any) -> NDArray[np.intp]:
        """Integer codes of a column's values (NaN is its own group), cached per label."""
        cache = self.__dict__.setdefault("_group_codes", {})
        if label not in cache:
            codes, uniques = pd.factorize(self.frame[label], use_na_sentinel=True)
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
            return _combine_codes([self.frame[label].to_numpy(dtype=object)])
        if self.visit is None:
            return None
        months = self.visit[0].astype("datetime64[M]")
        codes = _combine_codes([months])
        codes[np.isnat(months)] = -1
        return codes


def _combine_codes(parts: Sequence[Any]) -> NDArray[np.intp]:
    """One integer code per distinct combination of the arrays; -1 if any part is missing."""
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


def visit_pairs(view: FrameView) -> tuple[NDArray[np.intp], NDArray[np.intp], Float] | None:
    """Consecutive visits of the same child: (earlier row, later row, interval [days]).

    Children are identified by a valid NIK; rows on the same date (duplicates) are not
    paired. ``None`` when the frame has no NIK or no measurement date.
    """
    cached = view.__dict__.get("_visit_pairs", False)
    if cached is not False:
        return cached
    child, visit = view.child_codes, view.visit
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
    view.__dict__["_visit_pairs"] = result
    return result
