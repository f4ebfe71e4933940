"""Standardisation of inputs, vectorised: sex, position, oedema, age, dates, numbers.

Codes follow the WHO ``anthro`` package and add the Indonesian and English spellings
found in Indonesian data (``L``/``P``, ``laki-laki``/``perempuan``, ``terlentang``/
``berdiri``). Categorical text is standardised through :func:`pandas.factorize`, so a
column of ten million strings costs one hash pass plus a Python look-up per *distinct*
value.

Integer codes used throughout the package:

* sex: 1 male, 2 female, 0 missing, -1 not recognised
* measure: 1 ``l`` (recumbent length), 2 ``h`` (standing height), 0 missing, -1 not
  recognised
* oedema: 1 yes, 2 no (missing counts as no, as in WHO ``anthro``), -1 not recognised

Age rules (WHO ``anthro``): age in days is rounded half up; age in months is converted
with ``DAYS_PER_MONTH = 30.4375`` and then rounded half up; the unrounded months are kept
for the months-based rules.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from stuntlib._arrays import as_column, broadcast_columns
from stuntlib.errors import StuntlibError
from stuntlib.indicators import WHO2006_BELOW_MONTHS

__all__ = [
    "AGE_SOURCES",
    "DAYS_PER_MONTH",
    "MEASURE_CODES",
    "OEDEMA_CODES",
    "PLAUSIBLE_LIMITS",
    "REASONS",
    "FUTURE_DATE_GRACE_DAYS",
    "future_cutoff",
    "REASON_CODE",
    "SEX_CODES",
    "AgeResolution",
    "ParsedNik",
    "adjust_lenhei",
    "age_in_days",
    "age_from_dates",
    "check_measurement",
    "is_under_five",
    "parse_dates",
    "parse_nik",
    "resolve_age",
    "round_half_up",
    "standardize_measure",
    "standardize_oedema",
    "standardize_sex",
    "to_float",
]

#: Days per month used by WHO to convert ages (``ANTHRO_DAYS_OF_MONTH`` in WHO anthro).
DAYS_PER_MONTH = 30.4375

#: Age (rounded days) from which a child is measured standing (WHO: 731 days).
HEIGHT_FROM_DAY = 731

#: Unrounded age in months below which a standing measurement is implausible (WHO).
STANDING_MIN_MONTHS = 9.0

#: Position adjustment between length and height [cm] (WHO MGRS: length ≈ height + 0.7).
LENGTH_HEIGHT_OFFSET_CM = 0.7

#: Recognised sex codes (after trimming and lower-casing) -> 1 male / 2 female.
SEX_CODES: Mapping[str, int] = {
    "1": 1,
    "m": 1,
    "male": 1,
    "boy": 1,
    "l": 1,
    "lk": 1,
    "laki-laki": 1,
    "laki laki": 1,
    "lakilaki": 1,
    "laki": 1,
    "pria": 1,
    "2": 2,
    "f": 2,
    "female": 2,
    "girl": 2,
    "p": 2,
    "pr": 2,
    "perempuan": 2,
    "wanita": 2,
}

#: Recognised measurement positions -> 1 ``l`` (lying) / 2 ``h`` (standing).
MEASURE_CODES: Mapping[str, int] = {
    "l": 1,
    "lying": 1,
    "recumbent": 1,
    "length": 1,
    "supine": 1,
    "terlentang": 1,
    "telentang": 1,
    "berbaring": 1,
    "h": 2,
    "standing": 2,
    "stand": 2,
    "height": 2,
    "berdiri": 2,
}

#: Recognised oedema codes -> 1 yes / 2 no (WHO: "1" yes, "2" no).
OEDEMA_CODES: Mapping[str, int] = {
    "y": 1,
    "yes": 1,
    "1": 1,
    "ya": 1,
    "true": 1,
    "n": 2,
    "no": 2,
    "2": 2,
    "0": 2,
    "tidak": 2,
    "false": 2,
}

IntArray = NDArray[np.int8]
Int8Array = NDArray[np.int8]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Machine-readable reasons for a missing z-score, in order of precedence. Row-level
#: reason codes are ``1 + index`` in this tuple (0 means no reason).
REASONS: tuple[str, ...] = (
    "missing_sex",
    "invalid_sex",
    "missing_age",
    "invalid_date",
    "future_date",
    "negative_age",
    "age_below_range",
    "age_above_range",
    "missing_measurement",
    "invalid_measurement",
    "nonpositive_measurement",
    "implausible_measurement",
    "invalid_measure",
    "invalid_oedema",
    "oedema",
    "lenhei_outside_table",
)
#: Reason name -> int8 code (``1 + index`` in :data:`REASONS`).
REASON_CODE: Mapping[str, np.int8] = MappingProxyType(
    {name: np.int8(i + 1) for i, name in enumerate(REASONS)}
)

#: Physically possible range of each raw measurement in its unit, inclusive: length/
#: height [cm], weight [kg], head and arm circumference [cm], skinfolds [mm]. A value
#: outside gets ``implausible_measurement`` instead of an extreme flagged z-score. The
#: windows are deliberately wide (they are not growth limits: WHO flags do that job):
#: they lie beyond the smallest live-born preterm infants (about 22 weeks of gestation:
#: length about 25-30 cm, weight about 0.3-0.6 kg, head about 20 cm, arm about 5 cm;
#: Fenton and Kim 2013) and beyond the tallest person ever measured (272 cm), and they
#: catch unit and decimal slips (grams typed as kilograms, metres or millimetres typed
#: as centimetres). Skinfolds cannot exceed the 80 mm jaw opening of a Harpenden
#: caliper, nor be thinner than the double skin layer (about 1 mm).
PLAUSIBLE_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "lenhei": (20.0, 280.0),
        "weight": (0.2, 350.0),
        "headc": (10.0, 100.0),
        "armc": (3.0, 80.0),
        "triskin": (1.0, 80.0),
        "subskin": (1.0, 80.0),
    }
)

#: Age source codes of :attr:`AgeResolution.source`.
AGE_SOURCES: Mapping[int, str] = MappingProxyType(
    {0: "none", 1: "age_days", 2: "dates", 3: "age_months"}
)

#: A strict decimal number as text: optional sign, digits with one decimal point or comma,
#: optional exponent. No digit separators (Python's ``"40_0"``), no ``inf``/``nan`` words.
_STRICT_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")


def _is_missing_scalar(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _text_key(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if number.is_integer():
            return str(int(number))
        return repr(number)
    text = re.sub(r"\s+", " ", str(value).strip().lower())
    if _STRICT_NUMBER.match(text):  # "1.0" and "2,0" are the codes 1 and 2
        number = float(text.replace(",", "."))
        if number.is_integer():
            return str(int(number))
    return text


def _factorize(values: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of a categorical column, by the cheapest route.

    Short fixed-width strings (``<U1``, ``<U2``, ``S1``...) are factorized as the integers
    they are in memory; pandas objects (Arrow or object strings, categoricals) natively;
    anything else as an object array.
    """
    if isinstance(values, (pd.Series, pd.Index)):
        codes, uniques = pd.factorize(values)
        return np.asarray(codes), np.asarray(uniques, dtype=object)
    arr = np.asarray(values)
    if arr.dtype.kind in "US" and arr.dtype.itemsize in (1, 2, 4, 8):
        as_int = np.ascontiguousarray(arr).view(f"u{arr.dtype.itemsize}")
        int_codes, int_uniques = pd.factorize(as_int)
        return np.asarray(int_codes), np.asarray(int_uniques).view(arr.dtype).astype(object)
    obj_codes, obj_uniques = pd.factorize(arr.astype(object, copy=False))
    return np.asarray(obj_codes), np.asarray(obj_uniques, dtype=object)


def _codes_from_mapping(
    values: ArrayLike, mapping: Mapping[str, int], missing_code: int
) -> IntArray:
    """Map categorical values to int8 codes through one factorize pass."""
    if isinstance(values, (pd.Series, pd.Index)):
        dtype = values.dtype
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        arr = values.to_numpy(dtype=np.float64, na_value=np.nan) if numeric else values
    else:
        arr = np.asarray(values)
    if isinstance(arr, np.ndarray) and arr.dtype.kind in "iufb":
        # np.where chains, not masked assignment: a few passes over the column
        out = np.full(arr.shape, -1, dtype=np.int8)
        for key, code in mapping.items():
            if key.isdigit():
                out = np.where(arr == int(key), np.int8(code), out)
        if arr.dtype.kind == "f":
            out = np.where(np.isnan(arr), np.int8(missing_code), out)
        return out
    codes, uniques = _factorize(arr)
    lookup = np.empty(len(uniques) + 1, dtype=np.int8)
    for i, value in enumerate(uniques):
        if _is_missing_scalar(value):
            lookup[i] = missing_code
        else:
            lookup[i] = mapping.get(_text_key(value), -1)
    lookup[-1] = missing_code  # factorize marks missing values with -1
    return lookup[codes]


def standardize_sex(sex: ArrayLike) -> IntArray:
    """Standardise sex codes to 1 (male), 2 (female), 0 (missing), -1 (unrecognised).

    Parameters
    ----------
    sex : array_like
        Numbers 1/2 or text: ``m``/``f``, ``male``/``female``, Indonesian ``L``/``P``,
        ``laki-laki``/``perempuan`` (any case, surrounding blanks ignored).

    Returns
    -------
    numpy.ndarray of int8
        Codes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] Permenkes RI No. 2 Tahun 2020 tentang Standar Antropometri Anak.

    Examples
    --------
    >>> standardize_sex(["L", "p", " Perempuan", "laki-laki", "F", "x", None, 2]).tolist()
    [1, 2, 2, 1, 2, -1, 0, 2]
    """
    return _codes_from_mapping(sex, SEX_CODES, 0)


def standardize_measure(measure: ArrayLike) -> IntArray:
    """Standardise the measurement position to 1 (``l``), 2 (``h``), 0 missing, -1 unknown.

    Parameters
    ----------
    measure : array_like
        ``l``/``h`` (WHO), ``lying``/``recumbent``/``length``, ``standing``/``height``,
        Indonesian ``terlentang``/``telentang``/``berdiri`` (any case).

    Returns
    -------
    numpy.ndarray of int8
        Codes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] Permenkes RI No. 2 Tahun 2020 tentang Standar Antropometri Anak.

    Examples
    --------
    >>> standardize_measure(["L", "h", "Terlentang", "Berdiri", "", None, "sit"]).tolist()
    [1, 2, 1, 2, 0, 0, -1]
    """
    return _codes_from_mapping(measure, MEASURE_CODES, 0)


def standardize_oedema(oedema: ArrayLike | None, n: int | None = None) -> IntArray:
    """Standardise oedema to 1 (yes), 2 (no) or -1 (unrecognised); missing means no.

    Parameters
    ----------
    oedema : array_like or None
        ``y``/``n``, ``1`` (yes) / ``2`` (no) as WHO codes them, ``ya``/``tidak``,
        ``yes``/``no``, booleans. ``None`` means no oedema for every row.
    n : int, optional
        Number of rows when ``oedema`` is None.

    Returns
    -------
    numpy.ndarray of int8
        Codes.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] Permenkes RI No. 2 Tahun 2020 tentang Standar Antropometri Anak.

    Examples
    --------
    >>> standardize_oedema(["y", "N", 1, 2, None, True, "maybe"]).tolist()
    [1, 2, 1, 2, 2, 1, -1]
    """
    if oedema is None:
        return np.full(n or 0, 2, dtype=np.int8)
    return _codes_from_mapping(oedema, OEDEMA_CODES, 2)


def _text_number(value: object) -> float | None:
    """One text cell as a number by the strict rule; None when it is not a number."""
    text = str(value).strip()
    if not _STRICT_NUMBER.match(text):
        return None
    return float(text.replace(",", "."))


def _finite(out: FloatArray, bad: BoolArray) -> tuple[FloatArray, BoolArray]:
    """Non-finite numbers (±inf, also from ``1e400``) are invalid values, returned as NaN."""
    inf = np.isinf(out)
    if inf.any():
        out = np.where(inf, np.nan, out)
        bad = bad | inf
    return out, bad


def to_float(values: ArrayLike) -> tuple[FloatArray, BoolArray]:
    """Convert measurements to float64 by the strict number rule, accepting decimal commas.

    Text is a number only when it is an optional sign, digits with at most one decimal
    point or comma, and an optional exponent: ``"12,5"``, ``"12.5"``, ``"-3"``,
    ``"1e2"``. Python's digit separators (``"40_0"``), thousands separators, words
    (``"inf"``, ``"Infinity"``) and units are not numbers. An infinite value (given as a
    float, or text such as ``"1e400"``) is not a usable number either.

    Parameters
    ----------
    values : array_like, shape (n,)
        Numbers, or text; None/NaN/blank (and the text ``"nan"``) are missing.

    Returns
    -------
    values : numpy.ndarray of float64, shape (n,)
        NaN where missing, not a number or infinite.
    invalid : numpy.ndarray of bool, shape (n,)
        True where a value was given but is not a finite number.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).

    Examples
    --------
    >>> v, bad = to_float(["12,5", "7.25", None, "abc", 3, "40_0", "inf"])
    >>> v.tolist(), bad.tolist()
    ([12.5, 7.25, nan, nan, 3.0, nan, nan], [False, False, False, True, False, True, True])
    """
    if isinstance(values, (pd.Series, pd.Index)):
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        ):
            out = values.to_numpy(dtype=np.float64, na_value=np.nan)
            return _finite(out, np.zeros(out.shape, dtype=bool))
        values = values.to_numpy(dtype=object)
    arr = np.asarray(values)
    if arr.dtype.kind in "iuf":
        out = arr.astype(np.float64, copy=False)
        if arr.dtype.kind != "f":
            return out, np.zeros(out.shape, dtype=bool)
        return _finite(out, np.zeros(out.shape, dtype=bool))
    series = pd.Series(arr.astype(object), copy=False)
    codes, uniques = pd.factorize(series)
    parsed = np.empty(len(uniques) + 1, dtype=np.float64)
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for i, value in enumerate(uniques):
        if _is_missing_scalar(value):
            parsed[i] = np.nan
            continue
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, (bool, np.bool_)
        ):
            parsed[i] = float(value)
            continue
        number = _text_number(value)
        if number is None and str(value).strip().lower() != "nan":
            bad[i] = True
        parsed[i] = np.nan if number is None else number
    parsed[-1] = np.nan
    parsed, bad = _finite(parsed, bad)
    return parsed[codes], bad[codes]


def round_half_up(x: ArrayLike) -> FloatArray:
    """Round non-negative values half up, as WHO ``anthro`` rounds ages.

    ``floor(x) + (x - floor(x) >= 0.5)``; negative values are returned unchanged
    (callers reject them).

    Parameters
    ----------
    x : array_like
        Values.

    Returns
    -------
    numpy.ndarray of float64
        Rounded values (NaN stays NaN).

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).

    Examples
    --------
    >>> round_half_up([730.49, 730.5, 73.5, np.nan]).tolist()
    [730.0, 731.0, 74.0, nan]
    """
    x = np.asarray(x)
    if x.dtype.kind in "iub":  # whole numbers are already rounded
        return x.astype(np.float64)
    x = x.astype(np.float64, copy=False)
    f = np.floor(x)
    with np.errstate(invalid="ignore"):
        return np.where(x >= 0, f + (x - f >= 0.5), x)


_MONTHS = {
    "januari": 1,
    "january": 1,
    "jan": 1,
    "februari": 2,
    "february": 2,
    "pebruari": 2,
    "feb": 2,
    "peb": 2,
    "maret": 3,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "agustus": 8,
    "august": 8,
    "agu": 8,
    "agt": 8,
    "aug": 8,
    "agus": 8,
    "ags": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nopember": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "december": 12,
    "des": 12,
    "dec": 12,
}

_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/\-.](\d{1,2})[/\-.](\d{1,4})(?:[ T].*)?$")
_NAMED_DATE = re.compile(r"^(\d{1,2})[\s\-/]+([a-z]+)[\s\-/,]+(\d{4})$")


def _parse_date_text(text: str) -> _dt.date | None:
    """Parse one date text: ISO yyyy-mm-dd, dd/mm/yyyy, or '17 Agustus 2025'."""
    t = text.strip().lower()
    match = _NUMERIC_DATE.match(t)
    try:
        if match:
            a, b, c = match.groups()
            if len(a) == 4:  # yyyy-mm-dd
                return _dt.date(int(a), int(b), int(c))
            year = int(c)
            if len(c) == 2:
                year += 2000
            return _dt.date(year, int(b), int(a))  # dd/mm/yyyy: Indonesian order
        match = _NAMED_DATE.match(t)
        if match and match.group(2) in _MONTHS:
            return _dt.date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
    except ValueError:
        return None
    return None


def parse_dates(values: ArrayLike) -> tuple[NDArray[np.datetime64], NDArray[np.bool_]]:
    """Parse dates to ``datetime64[D]``, vectorised over distinct values.

    Accepted: ``datetime64`` arrays, pandas datetime Series, ``datetime.date`` /
    ``datetime`` objects, and text as ISO ``yyyy-mm-dd``, Indonesian ``dd/mm/yyyy``
    (also with ``-`` or ``.``), or ``17 Agustus 2025`` (Indonesian or English month names).
    Text is never read month-first.

    Parameters
    ----------
    values : array_like
        Dates.

    Returns
    -------
    dates : numpy.ndarray of datetime64[D]
        NaT where missing or unreadable.
    invalid : numpy.ndarray of bool
        True where a value was given but could not be read as a date.

    References
    ----------
    .. [1] Kementerian Kesehatan RI. e-PPGBM export formats (dd/mm/yyyy dates, Indonesian
       month names).

    Examples
    --------
    >>> d, bad = parse_dates(["2024-01-31", "31/01/2024", "17 Agustus 2025", "", "32/01/2024"])
    >>> [str(x) for x in d], bad.tolist()
    (['2024-01-31', '2024-01-31', '2025-08-17', 'NaT', 'NaT'], [False, False, False, False, True])
    """
    if isinstance(values, (pd.Series, pd.Index)) and pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        out = values.to_numpy().astype("datetime64[D]")
        return out, np.zeros(out.shape, dtype=bool)
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        out = arr.astype("datetime64[D]")
        return out, np.zeros(out.shape, dtype=bool)
    codes, uniques = pd.factorize(pd.Series(arr.astype(object), copy=False))
    parsed = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for i, value in enumerate(uniques):
        if _is_missing_scalar(value):
            continue
        if isinstance(value, (_dt.date, pd.Timestamp, np.datetime64)):
            parsed[i] = np.datetime64(pd.Timestamp(value).date(), "D")
            continue
        date = _parse_date_text(str(value))
        if date is None:
            bad[i] = True
        else:
            parsed[i] = np.datetime64(date, "D")
    return parsed[codes], bad[codes]


def age_from_dates(
    birth_date: ArrayLike, measure_date: ArrayLike
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Age in whole days between birth and measurement.

    Parameters
    ----------
    birth_date, measure_date : array_like
        Dates (see :func:`parse_dates`).

    Returns
    -------
    days : numpy.ndarray of float64
        ``measure_date - birth_date`` in days; NaN where either date is missing. May be
        negative (measurement before birth): callers turn that into a reason.
    invalid : numpy.ndarray of bool
        True where a date was given but unreadable.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).

    Examples
    --------
    >>> days, bad = age_from_dates(["01/01/2024"], ["2024-03-01"])
    >>> days.tolist(), bad.tolist()
    ([60.0], [False])
    """
    days, bad, _ = _dated_age(birth_date, measure_date)
    return days, bad


#: Days a date may lie after today before it is a ``future_date``: Indonesia's clocks run
#: up to 9 hours ahead of UTC, so "today" in Papua may be tomorrow here.
FUTURE_DATE_GRACE_DAYS = 1


def _dated_age(
    birth_date: ArrayLike, measure_date: ArrayLike
) -> tuple[FloatArray, BoolArray, NDArray[np.datetime64]]:
    """Age in days, unreadable dates, and the later of the two dates of each row."""
    birth, bad_birth = parse_dates(birth_date)
    visit, bad_visit = parse_dates(measure_date)
    diff = (visit - birth).astype("timedelta64[D]")
    days = diff.astype(np.float64)
    days[np.isnat(diff)] = np.nan
    latest = np.where(np.isnat(visit) | (birth > visit), birth, visit)
    return days, bad_birth | bad_visit, latest


def age_in_days(
    *, age_days: ArrayLike | None = None, age_months: ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """Age in rounded days and unrounded months, by WHO ``anthro``'s rules.

    Exactly one of ``age_days`` and ``age_months`` is given. Days are rounded half up;
    months are converted with :data:`DAYS_PER_MONTH` and then rounded half up. The
    months returned are unrounded (``age_days / 30.4375`` when days were given).

    Parameters
    ----------
    age_days : array_like, optional
        Age [days].
    age_months : array_like, optional
        Age [months].

    Returns
    -------
    days : numpy.ndarray of float64
        Rounded age in days (NaN where missing; negative values are kept as given so
        callers can report them).
    months : numpy.ndarray of float64
        Unrounded age in months.

    Raises
    ------
    StuntlibError
        Unless exactly one of ``age_days`` and ``age_months`` is given.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).

    Examples
    --------
    >>> age_in_days(age_months=[24.0, 59.992])[0].tolist()  # 730.5 -> 731, 1826.0 -> 1826
    [731.0, 1826.0]
    >>> age_in_days(age_days=[730.49, 730.5])[0].tolist()
    [730.0, 731.0]
    """
    if (age_days is None) == (age_months is None):
        raise StuntlibError(
            "age: give exactly one of age_days and age_months; got "
            f"age_days={'set' if age_days is not None else None}, "
            f"age_months={'set' if age_months is not None else None}"
        )
    if age_days is not None:
        raw, _ = to_float(age_days)
        return round_half_up(raw), raw / DAYS_PER_MONTH
    months, _ = to_float(age_months)  # type: ignore[arg-type]
    return round_half_up(months * DAYS_PER_MONTH), months


class AgeResolution(NamedTuple):
    """Age of each row by WHO ``anthro``'s rules, with where it came from.

    Attributes
    ----------
    days : numpy.ndarray of float64, shape (n,)
        Age [days], rounded half up; NaN when unknown. Negative ages are kept (the
        ``reason`` says ``negative_age``).
    months : numpy.ndarray of float64, shape (n,)
        Age [months]: as given where the row's age came from ``age_months`` (whole
        months stay whole), else the unrounded days / :data:`DAYS_PER_MONTH`.
    source : numpy.ndarray of int8, shape (n,)
        0 none, 1 ``age_days``, 2 dates (``birth_date`` + ``measure_date``),
        3 ``age_months`` (see :data:`AGE_SOURCES`).
    reason : numpy.ndarray of int8, shape (n,)
        0 when the age is usable, else the code (:data:`REASON_CODE`) of
        ``missing_age``, ``invalid_date``, ``future_date`` or ``negative_age``.
    """

    days: FloatArray
    months: FloatArray
    source: Int8Array
    reason: Int8Array


def _column(name: str, value: ArrayLike | None) -> np.ndarray | None:
    return None if value is None else as_column(name, value)


def resolve_age(
    *,
    age_days: ArrayLike | None = None,
    age_months: ArrayLike | None = None,
    birth_date: ArrayLike | None = None,
    measure_date: ArrayLike | None = None,
    n: int | None = None,
    as_of: Any = None,
) -> AgeResolution:
    """The one age rule: each row's age from the first source that gives it.

    Per row, ``age_days`` is used first, then the two dates, then ``age_months``. Days
    are rounded half up (``age_days`` as given; months × 30.4375 then rounded), as WHO
    ``anthro`` does; the date difference is whole days already.

    Parameters
    ----------
    age_days : array_like, shape (n,) or scalar, optional
        Age [days].
    age_months : array_like, shape (n,) or scalar, optional
        Age [months].
    birth_date, measure_date : array_like, shape (n,) or scalar, optional
        Dates (see :func:`parse_dates`); used only when both are given.
    n : int, optional
        Number of rows, needed only when no source is given (every age is then missing);
        scalars are broadcast to it.
    as_of : date-like, optional
        The day the data were exported; default today. A row without ``age_days`` whose
        birth or measurement date is more than :data:`FUTURE_DATE_GRACE_DAYS` after it
        gets ``future_date``.

    Returns
    -------
    AgeResolution
        ``days``, ``months``, ``source`` and ``reason`` arrays of length ``n``.

    Raises
    ------
    StuntlibError
        If the sources have different lengths, or no source and no ``n`` is given.

    Notes
    -----
    A row whose dates are given but unreadable gets ``invalid_date`` even when
    ``age_months`` gives an age: the record contradicts itself. A date in the future (a
    mistyped year) gives ``future_date``: WHO ``anthro`` scores such rows, stuntlib does
    not, because their age cannot be right.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1, ``anthro_zscores``: age in days rounded half up,
       months converted with 30.4375 days per month.

    Examples
    --------
    >>> r = resolve_age(age_days=[400.5, np.nan, np.nan, -3], age_months=[1, 24, np.nan, 1])
    >>> r.days.tolist(), r.months.tolist()[:2], r.source.tolist(), r.reason.tolist()
    ([401.0, 731.0, nan, -3.0], [13.158110882956878, 24.0], [1, 3, 0, 1], [0, 0, 3, 6])
    """
    given = {
        name: col
        for name, col in (
            ("age_days", _column("age_days", age_days)),
            ("age_months", _column("age_months", age_months)),
            ("birth_date", _column("birth_date", birth_date)),
            ("measure_date", _column("measure_date", measure_date)),
        )
        if col is not None
    }
    if n is not None:
        given["n"] = np.empty(n)
    if not given:
        raise StuntlibError("resolve_age: give an age source or n; got neither")
    cols, rows = broadcast_columns(given)
    days = np.full(rows, np.nan)
    months = np.full(rows, np.nan)
    source = np.zeros(rows, dtype=np.int8)
    bad_date = np.zeros(rows, dtype=bool)
    first = True

    def take(code: int, d: FloatArray, m: FloatArray) -> None:
        nonlocal days, months, source, first
        known = ~np.isnan(d)
        if first:  # the first source fills every row it knows
            days, months, first = d, m, False
            source = np.where(known, np.int8(code), source)
            return
        fill = np.isnan(days) & known
        days = np.where(fill, d, days)
        months = np.where(fill, m, months)
        source = np.where(fill, np.int8(code), source)

    if "age_days" in cols:
        raw, _ = to_float(cols["age_days"])
        take(1, round_half_up(raw), raw / DAYS_PER_MONTH)
    future = np.zeros(rows, dtype=bool)
    if "birth_date" in cols and "measure_date" in cols:
        raw, bad, latest = _dated_age(cols["birth_date"], cols["measure_date"])
        bad_date |= bad & np.isnan(days)
        future = np.isnan(days) & (latest > future_cutoff(as_of))
        take(2, raw, raw / DAYS_PER_MONTH)
    if "age_months" in cols:
        raw, _ = to_float(cols["age_months"])
        take(3, round_half_up(raw * DAYS_PER_MONTH), raw.copy())
    with np.errstate(invalid="ignore"):
        reason = np.where(days < 0, REASON_CODE["negative_age"], np.int8(0))
    reason = np.where(np.isnan(days), REASON_CODE["missing_age"], reason)
    if future.any():
        reason = np.where(future, REASON_CODE["future_date"], reason)
    if bad_date.any():
        reason = np.where(bad_date, REASON_CODE["invalid_date"], reason)
    return AgeResolution(days, months, source, reason.astype(np.int8, copy=False))


def future_cutoff(as_of: Any = None) -> np.datetime64:
    """The last date a record may carry: ``as_of`` (default today) plus the grace days.

    Parameters
    ----------
    as_of : date-like, optional
        The export date (``"2025-08-31"``, a ``datetime.date``...); default today.

    Returns
    -------
    numpy.datetime64
        ``as_of`` + :data:`FUTURE_DATE_GRACE_DAYS` days, unit ``D``. Later birth or
        measurement dates are ``future_date``.

    Raises
    ------
    StuntlibError
        If ``as_of`` is not a readable date.

    References
    ----------
    .. [1] WHO & UNICEF (2019). *Recommendations for data collection, analysis and
       reporting on anthropometric indicators in children under 5 years old*, ch. 3
       (data cleaning: dates outside the survey period are errors).

    Examples
    --------
    >>> future_cutoff("2025-08-31")
    np.datetime64('2025-09-01')
    """
    if as_of is None:
        day = np.datetime64(_dt.date.today(), "D")
    else:
        parsed, bad = parse_dates(np.asarray([as_of], dtype=object))
        if bad[0] or np.isnat(parsed[0]):
            raise StuntlibError(f"as_of: expected a date such as '2025-08-31'; got {as_of!r}")
        day = parsed[0]
    return day + np.timedelta64(FUTURE_DATE_GRACE_DAYS, "D")


def is_under_five(months: ArrayLike, *, unknown: bool = False) -> BoolArray:
    """True where a child is under five: 0 <= age < 60 months, the WHO 2006 standards' range.

    The same rule chooses the WHO 2006 standards (under 60 months) or the WHO 2007
    reference (from 60 months), so a child of exactly 60.0 months is scored on WHO 2007
    and is not under five. Use it with :attr:`AgeResolution.months` (or the
    ``age_months`` column of :func:`stuntlib.growth.zscores`), so that whole months given
    as ``age_months`` stay whole.

    Parameters
    ----------
    months : array_like, shape (n,)
        Age [months] (float; NaN unknown).
    unknown : bool, default False
        The answer where the age is unknown. WHO ``anthro_prevalence`` keeps children of
        unknown age in its population (their weight-for-length/height still counts): pass
        True for the prevalence population.

    Returns
    -------
    numpy.ndarray of bool, shape (n,)
        False where the age is negative.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (under 60 months) and AnthroPlus R package 1.0 (from
       60 months): ``anthro_zscores`` scores ages below 60 months; ``anthro_prevalence``
       keeps rows of unknown age.
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards.
       Geneva: WHO; 2006 (birth to 60 months).

    Examples
    --------
    >>> is_under_five([0, 59.99, 60.0, np.nan, -1]).tolist()
    [True, True, False, False, False]
    >>> is_under_five([np.nan], unknown=True).tolist()
    [True]
    """
    m = np.asarray(months, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        inside = (m >= 0) & (m < WHO2006_BELOW_MONTHS)
    return inside | np.isnan(m) if unknown else inside


def check_measurement(
    values: ArrayLike | None,
    n: int | None = None,
    *,
    limits: tuple[float, float] | None = None,
) -> tuple[FloatArray, Int8Array]:
    """A measurement as float64 and its own reason code, by one validity rule.

    In order: missing (``missing_measurement``), not a finite number
    (``invalid_measurement``), zero or negative (``nonpositive_measurement``), outside
    ``limits`` (``implausible_measurement``).

    Parameters
    ----------
    values : array_like, shape (n,), or None
        The measurement in its unit; None means missing for all ``n`` rows.
    n : int, optional
        Number of rows when ``values`` is None.
    limits : (float, float), optional
        Inclusive physically plausible range in the measurement's unit (see
        :data:`PLAUSIBLE_LIMITS`); None checks nothing beyond positivity.

    Returns
    -------
    values : numpy.ndarray of float64, shape (n,)
        The values (NaN where missing or not a finite number).
    reason : numpy.ndarray of int8, shape (n,)
        0, or a code of :data:`REASON_CODE`.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] Fenton TR, Kim JH. A systematic review and meta-analysis to revise the
       Fenton growth chart for preterm infants. BMC Pediatr 2013;13:59 (the lower limits).

    Examples
    --------
    >>> v, r = check_measurement(["80", None, "x", 0, float("inf"), 900], limits=(25, 250))
    >>> [REASONS[c - 1] if c else "" for c in r]  # doctest: +NORMALIZE_WHITESPACE
    ['', 'missing_measurement', 'invalid_measurement', 'nonpositive_measurement',
     'invalid_measurement', 'implausible_measurement']
    """
    if values is None:
        rows = n or 0
        return np.full(rows, np.nan), np.full(rows, REASON_CODE["missing_measurement"])
    y, bad = to_float(values)
    with np.errstate(invalid="ignore"):
        reason = np.where(y > 0, np.int8(0), REASON_CODE["nonpositive_measurement"])
        if limits is not None:
            outside = (y > 0) & ((y < limits[0]) | (y > limits[1]))
            reason = np.where(outside, REASON_CODE["implausible_measurement"], reason)
    reason = np.where(np.isnan(y), REASON_CODE["missing_measurement"], reason)
    if bad.any():
        reason = np.where(bad, REASON_CODE["invalid_measurement"], reason)
    return y, reason.astype(np.int8, copy=False)


class ParsedNik(NamedTuple):
    """NIK (Nomor Induk Kependudukan) as text, with what was wrong with each cell.

    Attributes
    ----------
    text : pandas.Series of string dtype, shape (n,)
        Digits as text (leading apostrophes and blanks removed, numbers written out
        in full without ``.0``); NA when missing.
    valid : numpy.ndarray of bool
        True where the NIK is exactly 16 digits.
    missing : numpy.ndarray of bool
        True where no NIK was given.
    scientific : numpy.ndarray of bool
        True where the NIK is written in scientific notation (``3.37501E+15``): its
        digits are lost.
    numeric : numpy.ndarray of bool
        True where the NIK was stored as a number (Excel keeps 15 significant digits).
    malformed : numpy.ndarray of bool
        True where a NIK is given, is not in scientific notation and is not 16 digits.
    """

    text: pd.Series
    valid: BoolArray
    missing: BoolArray
    scientific: BoolArray
    numeric: BoolArray
    malformed: BoolArray


_SCIENTIFIC_NIK = r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+"


def _nik_kind(cell_type: type) -> str:
    if issubclass(cell_type, (bool, np.bool_)):
        return "bool"
    if issubclass(cell_type, (int, np.integer)):
        return "int"
    if issubclass(cell_type, (float, np.floating)):
        return "float"
    return "text"


def _nik_cells(cells: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Text of each distinct NIK cell of a mixed column, and whether it was a number.

    Per kind of cell, not per cell: integers are written exactly, floats as whole
    numbers, anything else as text without blanks or Excel's leading apostrophe.
    """
    types = cells.map(type)
    kind = types.map({t: _nik_kind(t) for t in types.unique()}).to_numpy(dtype=object)
    text = pd.Series(pd.NA, index=cells.index, dtype="string")
    numeric = np.zeros(len(cells), dtype=bool)
    for name in ("bool", "int", "float", "text"):
        part = kind == name
        if not part.any():
            continue
        values = cells[part]
        if name == "float":
            numbers = np.round(values.to_numpy(dtype=np.float64))
            whole = pd.array(np.where(np.isfinite(numbers), numbers, np.nan), dtype="Float64")
            written = pd.Series(whole.astype("Int64"), index=values.index).astype("string")
            numeric[part] = written.notna().to_numpy()
        elif name == "text":
            written = values.astype(str)
            # digits alone (nearly every NIK) have no blank and no apostrophe to remove;
            # Python's regex (Unicode blanks) runs on the others only
            other = ~written.str.fullmatch(r"[0-9]+").to_numpy(dtype=bool, na_value=True)
            if other.any():
                written[other] = written[other].str.replace(r"\s+", "", regex=True).str.lstrip("'")
        else:  # exact, whatever the size; True/False as 1/0
            written = (values.astype(int) if name == "bool" else values).astype(str)
            numeric[part] = True
        text[part] = written.astype("string")
    return text, numeric


def parse_nik(values: ArrayLike | pd.Series) -> ParsedNik:
    """The one NIK rule: NIKs as text, and which are missing, numeric, lost or malformed.

    Integers (also above 2**53) are written exactly; floats are written as whole
    numbers; text is stripped of blanks and of the leading apostrophe that forces text
    in Excel.

    Parameters
    ----------
    values : array_like or pandas.Series, shape (n,)
        NIK cells as read (text, integers, floats or a mix).

    Returns
    -------
    ParsedNik
        ``text`` (a Series with the input's index) and boolean masks.

    References
    ----------
    .. [1] Undang-Undang RI No. 24 Tahun 2013 (Administrasi Kependudukan) and
       Permendagri No. 72 Tahun 2019: the NIK is a 16-digit number.

    Examples
    --------
    >>> p = parse_nik(["'3374010101240001", 3374010101240002, "3.37501E+15", "123", None])
    >>> p.text.tolist()
    ['3374010101240001', '3374010101240002', '3.37501E+15', '123', <NA>]
    >>> p.valid.tolist(), p.scientific.tolist()
    ([True, True, False, False, False], [False, False, True, False, False])
    >>> p.numeric.tolist(), p.malformed.tolist()
    ([False, True, False, False, False], [False, False, False, True, False])
    """
    series = values if isinstance(values, pd.Series) else pd.Series(as_column("nik", values))
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    n = len(series)
    numeric = np.zeros(n, dtype=bool)
    if pd.api.types.is_integer_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        text = series.astype("Int64").astype("string")
        numeric = text.notna().to_numpy()
    elif pd.api.types.is_float_dtype(series.dtype):
        numbers = np.round(series.to_numpy(dtype=np.float64, na_value=np.nan))
        numbers = np.where(np.isfinite(numbers), numbers, np.nan)
        whole = pd.array(numbers, dtype="Float64").astype("Int64")
        text = pd.Series(whole, index=series.index).astype("string")
        numeric = text.notna().to_numpy()
    else:
        codes, uniques = pd.factorize(series.astype(object))
        cells, kinds = _nik_cells(pd.Series(uniques, dtype=object))
        text = cells.reindex(codes).set_axis(series.index)  # code -1 (missing) -> NA
        numeric = np.append(kinds, [False])[codes]
    text = text.mask(text == "")
    missing = text.isna().to_numpy()
    valid = text.str.fullmatch(r"\d{16}").fillna(False).to_numpy(dtype=bool)
    scientific = text.str.fullmatch(_SCIENTIFIC_NIK).fillna(False).to_numpy(dtype=bool)
    numeric = numeric & ~scientific & ~missing
    malformed = ~valid & ~missing & ~scientific
    return ParsedNik(text, valid, missing, scientific, numeric, malformed)


def adjust_lenhei(
    lenhei: ArrayLike,
    age_days: ArrayLike,
    measure: ArrayLike,
) -> FloatArray:
    """Apply WHO's ±0.7 cm rule to a length/height.

    Under 731 days (rounded) a child should be measured lying: a standing height gets
    +0.7 cm. From 731 days a child should be measured standing: a recumbent length gets
    -0.7 cm. Nothing changes where the position is missing or the age unknown.

    Parameters
    ----------
    lenhei : array_like
        Measured length or height [cm].
    age_days : array_like
        Age in rounded days.
    measure : array_like of int
        Position codes from :func:`standardize_measure` (1 ``l``, 2 ``h``, else unknown).

    Returns
    -------
    numpy.ndarray of float64
        Adjusted length/height [cm].

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
       Methods and development. Geneva: WHO; 2006.

    Examples
    --------
    >>> adjust_lenhei([100, 100, 100, 100], [730, 800, 730, 800], [2, 2, 1, 1]).tolist()
    [100.7, 100.0, 100.0, 99.3]
    """
    y = np.asarray(lenhei, dtype=np.float64)
    days = np.asarray(age_days, dtype=np.float64)
    code = np.asarray(measure)
    with np.errstate(invalid="ignore"):
        add = (days < HEIGHT_FROM_DAY) & (code == 2)
        sub = (days >= HEIGHT_FROM_DAY) & (code == 1)
    return y + LENGTH_HEIGHT_OFFSET_CM * add - LENGTH_HEIGHT_OFFSET_CM * sub
