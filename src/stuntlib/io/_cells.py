"""Typing raw cells: text, NIK, numbers, dates, codes, units (vectorised).

Each reader returns the typed column and boolean masks of the rows with a problem, keyed
by a ``read_problems`` code (:data:`stuntlib.io.READ_PROBLEMS`). Work is done once per
distinct value (:func:`by_unique`), so a column of millions of cells that repeats a few
thousand values costs a few thousand parses.
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from stuntlib.errors import StuntlibError, StuntlibWarning
from stuntlib.standardize import _MONTHS as MONTH_NUMBERS
from stuntlib.standardize import MEASURE_CODES, parse_nik, to_float

#: Cell texts read as missing in every column, after stripping (case-sensitive except
#: where listed in both cases): R's ``NA``, Stata/SAS ``.``, Excel's ``#N/A``, dashes.
MISSING_TOKENS = frozenset(
    {"", "NA", "N/A", "n/a", "na", "#N/A", "#NA", ".", "-", "--", "NaN", "nan", "NULL", "null"}
)
#: Excel's day zero (serial dates count from 1899-12-30 in the 1900 date system).
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
#: Smallest number read as an Excel serial date: 10,000 days after 1899-12-30
#: (1927-05-18), so that a year typed alone (2024) is not taken for 1905-07-16.
EXCEL_MIN_SERIAL = 10_000
#: Largest Excel serial date (9999-12-31).
EXCEL_MAX_SERIAL = 2958465


def only_text(series: pd.Series) -> bool:
    """True when the column is of a string dtype: every cell that is not missing is text."""
    return pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(
        series.dtype
    )


#: ``type`` of each cell of an object array, in NumPy's loop (no Python code per cell).
_TYPE_OF = np.frompyfunc(type, 1, 1)


def holds_text(values: np.ndarray) -> np.ndarray:
    """``isinstance(cell, (str, bytes))`` for each cell of a 1-d object array.

    The type of each cell in NumPy's loop, then one ``issubclass`` per distinct type:
    str and its subclasses (``numpy.str_``) are text, and so are bytes, which pandas
    decodes as UTF-8 text when it makes a string column of them.
    """
    codes, types = pd.factorize(_TYPE_OF(values))
    text = [code for code, kind in enumerate(types) if issubclass(kind, (str, bytes))]
    return np.isin(codes, text)


def is_text(series: pd.Series) -> np.ndarray:
    """Boolean mask of cells holding text (str, or bytes: see :func:`holds_text`)."""
    if only_text(series):
        return series.notna().to_numpy()
    if not pd.api.types.is_object_dtype(series.dtype):
        return np.zeros(len(series), dtype=bool)
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("string", "empty"):
        return series.notna().to_numpy()
    if kind in ("mixed", "mixed-integer"):
        return holds_text(series.to_numpy(dtype=object))
    return np.zeros(len(series), dtype=bool)


def by_unique(series: pd.Series, fn: Any, fill: Any) -> np.ndarray:
    """``fn`` applied to the distinct values of ``series`` only, then spread back.

    Text columns of an export repeat a few values (positions, dates, kelurahan) over
    millions of rows: one :func:`pandas.factorize` pass and work per distinct value.
    Missing values get ``fill``.
    """
    codes, uniques = pd.factorize(series)
    values = np.asarray(fn(pd.Series(uniques)), dtype=object)
    return np.append(values, np.array([fill], dtype=object))[codes]


def as_text(series: pd.Series) -> pd.Series:
    """Cells as stripped text (numbers written without a trailing .0); blank -> NA."""
    if only_text(series):  # the common case, in one pass of Arrow's strip
        out = series.astype("string").str.strip().rename(None)
        return out.mask(out == "")
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    text_mask = is_text(series)
    out = pd.Series(pd.NA, index=series.index, dtype="string")
    if text_mask.any():
        out[text_mask] = by_unique(
            series[text_mask], lambda u: u.astype("string").str.strip().to_numpy(object), None
        )
    numeric_mask = series.notna().to_numpy() & ~text_mask
    if numeric_mask.any():
        values = series[numeric_mask]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            out[numeric_mask] = values.dt.strftime("%Y-%m-%d").astype("string")
        else:
            number = pd.to_numeric(values.astype(object), errors="coerce")
            whole = number.notna() & (number == np.floor(number))
            text = values.astype("string")
            text[whole.to_numpy()] = number[whole].astype("int64").astype("string")
            out[numeric_mask] = text
    return out.mask(out == "")


def mask_missing_tokens(series: pd.Series) -> pd.Series:
    """Text cells that are a missing-value token (:data:`MISSING_TOKENS`) become None."""
    if only_text(series):  # the common case: the column itself
        text = np.ones(len(series), dtype=bool)
        cells = series
    else:  # the text cells of a mixed column, as a string column
        text = is_text(series)
        if not text.any():
            return series
        cells = pd.Series(series.to_numpy(dtype=object)[text], dtype="string")
    # one pass of Arrow's strip
    token = cells.str.strip().isin(MISSING_TOKENS).to_numpy(dtype=bool, na_value=False)
    if not token.any():
        return series
    out = series.astype(object).copy()
    where = np.flatnonzero(text)[token]
    out.iloc[where] = None
    return out


def read_nik(series: pd.Series) -> tuple[pd.Series, dict[str, np.ndarray]]:
    """NIK as text and its problem masks, by the one NIK rule (:func:`parse_nik`)."""
    parsed = parse_nik(series)
    return parsed.text, {
        "nik_scientific_notation": parsed.scientific,
        "nik_numeric": parsed.numeric,
        "nik_malformed": parsed.malformed,
    }


def read_numbers(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Numbers by the strict number rule of :func:`stuntlib.standardize.to_float`.

    Text must be a plain number (decimal comma accepted): ``"40_0"`` is not 400 and
    ``"inf"`` is no number. Missing-value tokens were masked before
    (:func:`mask_missing_tokens`), so they are missing, not invalid.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    values, bad = to_float(series)
    return pd.Series(values, index=series.index, dtype=np.float64), bad


def code_key(u: pd.Series) -> pd.Series:
    return u.astype("string").str.lower().str.replace(r"\s+", " ", regex=True)


def read_codes(series: pd.Series, codes: Mapping[str, int]) -> tuple[pd.Series, np.ndarray]:
    """Code text (``"1.0"`` written by a spreadsheet is ``"1"``) and unknown-code mask."""
    text = as_text(series).str.replace(r"^([+-]?\d+)\.0*$", r"\1", regex=True)
    names = list(codes)
    known = by_unique(text, lambda u: code_key(u).isin(names).to_numpy(), True).astype(bool)
    return text, ~known


def read_measure(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    text, unknown = read_codes(series, MEASURE_CODES)

    def who_code(u: pd.Series) -> np.ndarray:
        code = code_key(u).map(dict(MEASURE_CODES)).to_numpy(dtype=float, na_value=np.nan)
        return np.where(code == 1, "l", np.where(code == 2, "h", u.to_numpy(dtype=object)))

    out = pd.Series(by_unique(text, who_code, None), index=text.index, dtype="string")
    return out, unknown


def maybe_numeric(series: pd.Series) -> pd.Series:
    """Extra CSV columns: numbers when every value is a plain number, else text."""
    text = pd.Series(series.dropna().unique(), dtype="string")
    if text.empty:
        return series
    stripped = text.str.strip()
    plain = stripped.str.fullmatch(r"[+-]?(?:0|[1-9]\d{0,14})(?:\.\d+)?")
    if not bool(plain.all()):
        return series
    return pd.to_numeric(series.str.strip(), errors="coerce")


def empty_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is missing or blank text.

    Each column is looked at only in the rows that are still empty in the columns
    before it (after the first filled column, only a few).
    """
    empty = np.ones(len(frame), dtype=bool)
    for i in range(frame.shape[1]):
        rows = np.flatnonzero(empty)
        if not rows.size:
            break
        series = frame.iloc[rows, i]
        blank = series.isna().to_numpy().copy()
        text = is_text(series)
        if text.any():
            stripped = series[text].astype("string").str.strip()
            blank[text] = (stripped == "").fillna(True).to_numpy(dtype=bool)
        empty[rows] = blank
    return empty


def type_extra(series: pd.Series) -> pd.Series:
    """Type a column no profile knows: numbers stay numbers, text stays text."""
    if not (
        pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)
    ):
        return series
    text = is_text(series)
    given = series.notna().to_numpy()
    if (text == given).all():  # only text (CSV cells, Excel text cells) or empty
        return whole_numbers(maybe_numeric(series.astype("string")))
    if not text.any():  # only Excel numbers, dates or booleans
        inferred = series.infer_objects()
        if not pd.api.types.is_object_dtype(inferred.dtype):
            return whole_numbers(inferred)
    return as_text(series)


def whole_numbers(series: pd.Series) -> pd.Series:
    """A float column of whole numbers (``No``, ``RT``, ``RW``) as nullable integers.

    Excel stores every number as a float, and a missing cell makes a CSV column float:
    without this, an export's row number 24 is written back as ``24.0``.
    """
    if not pd.api.types.is_float_dtype(series.dtype):
        return series
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    known = values[~np.isnan(values)]
    if known.size == 0 or not bool(np.all((known == np.round(known)) & (np.abs(known) < 2.0**53))):
        return series
    return series.astype("Int64")


def join_problems(index: pd.Index, masks: Mapping[str, np.ndarray]) -> pd.Series:
    n = len(index)
    out = np.full(n, "", dtype=object)
    for code, mask in masks.items():
        if not mask.any():
            continue
        sep = np.where(out == "", "", "; ")
        out = np.where(mask, out + sep + code, out)
    series = pd.Series(out, index=index, dtype="string")
    return series.mask(series == "")


# --------------------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------------------

DateOrder = str  # "dmy" or "mdy"
_ISO = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"
_NUMERIC_DATE = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[ T].*)?$"
_NAMED_DATE = r"^(\d{1,2})[\s\-/.]+([A-Za-z]+)\.?[\s\-/.,]+(\d{2}|\d{4})$"
_BARE_NUMBER = r"^\d+(?:[.,]\d+)?$"


def _full_year(year: pd.Series) -> pd.Series:
    """Two-digit years: up to this year's two digits -> 20yy, else 19yy."""
    this = _dt.date.today().year % 100
    return year.where(year >= 100, np.where(year <= this, 2000 + year, 1900 + year))


def _numbers(fields: pd.DataFrame) -> pd.DataFrame:
    """The extracted fields as numbers (NaN where a field is missing), column by column."""
    return pd.DataFrame(
        {k: pd.to_numeric(v, errors="coerce") for k, v in fields.items()}, index=fields.index
    )


def _numeric_fields(u: pd.Series) -> pd.DataFrame:
    """First, second field and year of ``a/b/yyyy`` texts (NaN where another form)."""
    got = u.astype(str).str.strip().str.extract(_NUMERIC_DATE)
    return _numbers(got).set_axis(["a", "b", "year"], axis=1)


def date_order_evidence(series: pd.Series) -> str | None:
    """What a column's ``a/b/yyyy`` dates prove about their order.

    ``"dmy"`` when some first field is above 12 (it can only be a day), ``"mdy"`` when
    some second field is, ``"mixed"`` when both occur, None when no value decides.
    """
    text = is_text(series)
    if not text.any():
        return None
    fields = _numeric_fields(pd.Series(series[text].unique()))
    a, b = fields["a"], fields["b"]
    day_first = bool(((a > 12) & (a <= 31) & (b >= 1) & (b <= 12)).any())
    month_first = bool(((b > 12) & (b <= 31) & (a >= 1) & (a <= 12)).any())
    if day_first and month_first:
        return "mixed"
    return "dmy" if day_first else "mdy" if month_first else None


def _text_dates(u: pd.Series, order: DateOrder) -> tuple[np.ndarray, np.ndarray]:
    """Dates of distinct texts (NaT where not a date) and which were ambiguous.

    Ambiguous: ``a/b/yyyy`` with both fields at most 12 and different.
    """
    s = u.astype(str).str.strip()
    iso = _numbers(s.str.extract(_ISO))
    num = _numeric_fields(s)
    named = s.str.extract(_NAMED_DATE)
    month_of_name = named[1].str.lower().map(MONTH_NUMBERS)
    day_first = order != "mdy"
    year = (
        iso[0]
        .fillna(_full_year(num["year"]))
        .fillna(_full_year(pd.to_numeric(named[2], errors="coerce")))
    )
    month = iso[1].fillna(num["b"] if day_first else num["a"]).fillna(month_of_name)
    day = (
        iso[2]
        .fillna(num["a"] if day_first else num["b"])
        .fillna(pd.to_numeric(named[0], errors="coerce"))
    )
    parts = pd.DataFrame({"year": year, "month": month, "day": day})
    complete = parts.notna().all(axis=1)
    dates = pd.to_datetime(parts[complete].astype("int64"), errors="coerce")
    out = np.full(len(u), np.datetime64("NaT"), dtype="datetime64[s]")
    out[complete.to_numpy()] = dates.to_numpy(dtype="datetime64[s]")
    ambiguous = ((num["a"] <= 12) & (num["b"] <= 12) & (num["a"] != num["b"])).to_numpy()
    return out, ambiguous


def read_dates(series: pd.Series, order: DateOrder) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Dates of a column read in ``order`` (``"dmy"``/``"mdy"`` for ``a/b/yyyy``).

    Returns the dates (``datetime64[s]``), the invalid mask and the mask of ``a/b/yyyy``
    values whose order could not be told from the value itself. Accepted: ISO
    ``yyyy-mm-dd``, ``a/b/yyyy`` (also ``-`` or ``.``, 2-digit years), ``15-Mar-24`` and
    ``17 Agustus 2025`` (Indonesian or English month names), Excel date cells and Excel
    serial numbers (:data:`EXCEL_MIN_SERIAL` to :data:`EXCEL_MAX_SERIAL`).
    """
    n = len(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.astype("datetime64[s]"), np.zeros(n, bool), np.zeros(n, bool)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    bad = np.zeros(n, dtype=bool)
    ambiguous = np.zeros(n, dtype=bool)
    given = series.notna().to_numpy()
    text = is_text(series)
    serial_text = np.zeros(n, dtype=bool)
    if text.any():
        codes, uniques = pd.factorize(series[text])
        u = pd.Series(uniques, dtype=object)
        dates, amb = _text_dates(u, order)
        bare = u.astype(str).str.strip().str.fullmatch(_BARE_NUMBER).to_numpy(dtype=bool)
        idx = np.flatnonzero(text)
        out[idx] = dates[codes]
        ambiguous[idx] = amb[codes]
        serial_text[idx] = bare[codes]
        bad[idx] = np.isnat(dates[codes]) & ~bare[codes]
    cells = given & ~text
    numbers = np.zeros(n, dtype=bool)
    if cells.any():
        values = pd.to_numeric(series[cells], errors="coerce").to_numpy(dtype=np.float64)
        numbers[cells] = ~np.isnan(values)
        other = np.flatnonzero(cells)[np.isnan(values)]
        if len(other):  # date/datetime cells
            stamps = pd.to_datetime(series.iloc[other], errors="coerce")
            out[other] = stamps.to_numpy(dtype="datetime64[s]")
            bad[other] = np.isnat(out[other])
    serial_cells = numbers | serial_text
    if serial_cells.any():
        serial = pd.to_numeric(
            series[serial_cells].astype(str).str.replace(",", ".", regex=False), errors="coerce"
        ).to_numpy(dtype=np.float64)
        ok = (serial >= EXCEL_MIN_SERIAL) & (serial <= EXCEL_MAX_SERIAL)
        days = np.floor(np.where(ok, serial, 0)).astype("int64").astype("timedelta64[D]")
        idx = np.flatnonzero(serial_cells)
        out[idx] = np.where(ok, (EXCEL_EPOCH + days).astype("datetime64[s]"), np.datetime64("NaT"))
        bad[idx] = ~ok
    return pd.Series(out, index=series.index), bad, ambiguous & ~bad


# --------------------------------------------------------------------------------------
# units
# --------------------------------------------------------------------------------------

#: Units each measurement may be declared in -> divisor to the unit stuntlib scores in.
UNITS: Mapping[str, Mapping[str, float]] = {
    "weight": {"kg": 1.0, "g": 1000.0},
    "lenhei": {"cm": 1.0, "mm": 10.0},
    "headc": {"cm": 1.0, "mm": 10.0},
    "armc": {"cm": 1.0, "mm": 10.0},
}
#: The rule for values that are clearly in another unit when none is declared:
#: column -> (other unit, lowest, highest value read in it). Values of nines only
#: (999, 9999: codes for "not measured") are never converted.
UNIT_RULES: Mapping[str, tuple[str, float, float]] = {
    "armc": ("mm", 60.0, 300.0),
    "weight": ("g", 500.0, 60_000.0),
    "lenhei": ("mm", 250.000001, 2_500.0),
}


#: Headers of an age column that does not say its unit (SMART/ENA and nipnTK files use
#: ``age`` in months; WHO ``anthro``'s ``age`` argument is in days by default).
BARE_AGE_HEADERS: frozenset[str] = frozenset({"age", "umur", "usia"})
#: The rule for such a column when ``units={"age": ...}`` does not declare it: months when
#: every value is at most the first number (72: six years in months), days when the
#: largest is above the second (240: twenty years in months); in between it is refused.
BARE_AGE_RULE: tuple[float, float] = (72.0, 240.0)
AGE_UNITS: tuple[str, ...] = ("months", "days")


def bare_age_unit(values: pd.Series, declared: str | None) -> str | None:
    """``"months"``, ``"days"`` or None (undecidable) for a column of :data:`BARE_AGE_HEADERS`."""
    if declared is not None:
        return declared
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    numbers = numbers[np.isfinite(numbers)]
    if numbers.size == 0:
        return None
    top = float(numbers.max())
    months_max, days_min = BARE_AGE_RULE
    return "months" if top <= months_max else "days" if top > days_min else None


def check_units(units: Mapping[str, str] | None) -> dict[str, str]:
    """Validated ``units=`` argument."""
    if units is None:
        return {}
    if not isinstance(units, Mapping):
        raise StuntlibError(
            f"units: expected a mapping such as {{'armc': 'mm'}}; got {type(units).__name__}"
        )
    out = {}
    for column, unit in units.items():
        if column == "age" and unit in AGE_UNITS:
            out[column] = unit
            continue
        if column not in UNITS or unit not in UNITS[column]:
            allowed = "; ".join(f"{c}: {', '.join(u)}" for c, u in UNITS.items())
            allowed += f"; age: {', '.join(AGE_UNITS)}"
            raise StuntlibError(f"units: {column!r}: {unit!r} is not allowed; expected {allowed}")
        out[column] = unit
    return out


def apply_units(
    frame: pd.DataFrame, units: Mapping[str, str]
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Convert measurements to kg / cm in place; masks of rule-converted rows.

    A declared unit converts the whole column (no note). Without one, values inside
    :data:`UNIT_RULES` are converted and their rows noted ``unit_converted:<column>``.
    Returns the masks and the unit each column was read in.
    """
    problems: dict[str, np.ndarray] = {}
    used: dict[str, str] = {}
    for column, table in UNITS.items():
        if column not in frame.columns:
            continue
        declared = units.get(column)
        if declared is not None:
            frame[column] = frame[column] / table[declared]
            used[column] = declared
            continue
        used[column] = next(iter(table))
        if column not in UNIT_RULES:
            continue
        other, low, high = UNIT_RULES[column]
        values = frame[column].to_numpy(dtype=np.float64)
        nines = np.isin(values, (99.0, 999.0, 9999.0, 99999.0))
        convert = (values >= low) & (values <= high) & ~nines
        if convert.any():
            frame[column] = np.where(convert, values / table[other], values)
            problems[f"unit_converted:{column}"] = convert
            warnings.warn(
                f"{column}: {int(convert.sum())} value(s) from {low:g} to {high:g} read as "
                f"{other} and converted (rule of stuntlib.io.UNIT_RULES); declare the unit "
                f"with units={{{column!r}: ...}} to read the column otherwise",
                StuntlibWarning,
                stacklevel=4,
            )
    return problems, used
