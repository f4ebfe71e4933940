"""Locale formatting of numbers, percentages, intervals and dates for every output.

One layer, built on Babel's CLDR data, that the report, the publication workbooks, the
chart axes and the prevalence tables use: Indonesian by default (``20.040``,
``24,4%``, ``IK 95% 23,8–25,0``, ``30 Agustus 2025``), English on request (``20,040``,
``24.4%``, ``95% CI 23.8–25.0``, ``30 August 2025``).

Every function rounds first and then drops the sign of a zero, so that no output shows
``-0.0``; a missing value (None, NaN, NA) gives ``"–"``. Workbooks keep numbers as
numbers: :data:`EXCEL_PERCENT` and :data:`EXCEL_COUNT` are their number formats, which
spreadsheet programs display in the reader's own locale.

References
----------
.. [1] Unicode CLDR, locale data for ``id`` and ``en`` (number symbols, percent and
   date patterns), as packaged by Babel: https://babel.pocoo.org/
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Callable
from typing import Any, Literal

__all__ = [
    "EXCEL_COUNT",
    "EXCEL_PERCENT",
    "MISSING",
    "axis_formatter",
    "format_count",
    "format_date",
    "format_decimal",
    "format_interval",
    "format_month",
    "format_percent",
    "format_period",
]

Language = Literal["id", "en"]

#: Text shown for a missing value.
MISSING = "–"
#: Excel number format of a proportion shown as a percentage with one decimal.
EXCEL_PERCENT = "0.0%"
#: Excel number format of a count (thousands separator of the reader's locale).
EXCEL_COUNT = "#,##0"

_CI_LABEL = {"id": "IK {level}", "en": "{level} CI"}


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return True


def _clean(value: float, decimals: int) -> float:
    """Round to ``decimals`` and drop the sign of a zero (no ``-0,0`` in any output)."""
    return round(float(value), decimals) + 0.0


def _pattern(decimals: int, suffix: str = "") -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + suffix


@functools.cache
def _number_writer(pattern: str, language: str) -> Callable[[float], str]:
    """Babel's writer of one CLDR number ``pattern`` in ``language``, parsed once.

    What :func:`babel.numbers.format_decimal` and ``format_percent`` do on each call
    (parse the locale, parse the pattern, apply it), with the parsing done once: it was
    three quarters of their time, and a report writes some 1,500 numbers.
    """
    from babel.core import Locale
    from babel.numbers import parse_pattern

    return functools.partial(parse_pattern(pattern).apply, locale=Locale.parse(language))


def format_count(value: Any, language: str = "id") -> str:
    """A whole number with the locale's thousands separator (``20.040`` / ``20,040``).

    Parameters
    ----------
    value : int, float or None
        The count; a float is rounded to the nearest whole number.
    language : {"id", "en"}, default "id"

    Returns
    -------
    str
        The formatted count, or ``"–"`` when missing.

    Examples
    --------
    >>> format_count(20040), format_count(20040, "en"), format_count(None)
    ('20.040', '20,040', '–')
    """
    if _missing(value):
        return MISSING
    return _number_writer("#,##0", language)(int(round(float(value))))


def format_decimal(value: Any, language: str = "id", decimals: int = 2) -> str:
    """A number with a fixed number of decimals (``-1,23`` / ``-1.23``); never ``-0``.

    Examples
    --------
    >>> format_decimal(-1.234), format_decimal(-0.001), format_decimal(8.0, "en", 1)
    ('-1,23', '0,00', '8.0')
    """
    if _missing(value):
        return MISSING
    return _number_writer(_pattern(decimals), language)(_clean(value, decimals))


def format_percent(value: Any, language: str = "id", decimals: int = 1) -> str:
    """A proportion as a percentage (``0.244`` -> ``24,4%`` / ``24.4%``).

    Parameters
    ----------
    value : float or None
        A proportion in [0, 1] (not a percentage).
    language : {"id", "en"}, default "id"
    decimals : int, default 1

    Examples
    --------
    >>> format_percent(0.244), format_percent(0.244, "en"), format_percent(float("nan"))
    ('24,4%', '24.4%', '–')
    """
    if _missing(value):
        return MISSING
    return _number_writer(_pattern(decimals, "%"), language)(
        _clean(float(value) * 100, decimals) / 100
    )


def format_interval(
    low: Any, high: Any, language: str = "id", decimals: int = 1, level: float = 0.95
) -> str:
    """A confidence interval of a proportion, in percent (``IK 95% 23,8–25,0``).

    Examples
    --------
    >>> format_interval(0.238, 0.25), format_interval(0.238, 0.25, "en")
    ('IK 95% 23,8–25,0', '95% CI 23.8–25.0')
    """
    if _missing(low) or _missing(high):
        return MISSING
    label = _CI_LABEL[language].format(level=format_percent(level, language, 0))
    lo = format_decimal(float(low) * 100, language, decimals)
    hi = format_decimal(float(high) * 100, language, decimals)
    return f"{label} {lo}–{hi}"


def format_date(value: Any, language: str = "id") -> str:
    """A date in the locale's long form (``30 Agustus 2025`` / ``30 August 2025``).

    Examples
    --------
    >>> import datetime
    >>> format_date(datetime.date(2025, 8, 30)), format_date(datetime.date(2025, 8, 30), "en")
    ('30 Agustus 2025', '30 August 2025')
    """
    from babel.dates import format_date as _babel

    if value is None:
        return MISSING
    if hasattr(value, "to_pydatetime"):
        if value != value:  # NaT
            return MISSING
        value = value.to_pydatetime()
    if isinstance(value, _dt.datetime):
        value = value.date()
    return _babel(value, format="d MMMM y", locale=language)


def format_month(value: Any, language: str = "id") -> str:
    """A month key ``YYYY-MM`` as words (``Agustus 2025`` / ``August 2025``).

    Any other text (a round named otherwise) is returned as it is.

    Examples
    --------
    >>> format_month("2025-08"), format_month("2025-02", "en"), format_month("Putaran 1")
    ('Agustus 2025', 'February 2025', 'Putaran 1')
    """
    from babel.dates import format_date as _babel

    text = str(value)
    year, dash, month = text.partition("-")
    if not (dash and year.isdigit() and len(year) == 4 and month.isdigit() and len(month) == 2):
        return text
    if not 1 <= int(month) <= 12:
        return text
    return _babel(_dt.date(int(year), int(month), 1), format="LLLL y", locale=language)


def format_period(start: Any, end: Any, language: str = "id") -> str:
    """A measurement period from two dates (``1 Agustus 2025 – 30 Agustus 2025``).

    Examples
    --------
    >>> import datetime
    >>> format_period(datetime.date(2025, 8, 1), datetime.date(2025, 8, 30))
    '1 Agustus 2025 – 30 Agustus 2025'
    """
    first, last = format_date(start, language), format_date(end, language)
    return first if first == last else f"{first} – {last}"


def axis_formatter(language: str = "id", kind: str = "decimal", decimals: int = 0) -> Any:
    """A matplotlib tick formatter writing numbers in the locale.

    Parameters
    ----------
    language : {"id", "en"}, default "id"
    kind : {"decimal", "percent"}, default "decimal"
        ``"percent"`` labels a percentage value (``25`` -> ``25%``).
    decimals : int, default 0

    Returns
    -------
    matplotlib.ticker.FuncFormatter
    """
    from matplotlib.ticker import FuncFormatter

    fmt: Callable[[float], str]
    if kind == "percent":

        def fmt(x: float) -> str:
            return format_percent(x / 100.0, language, decimals)

    else:

        def fmt(x: float) -> str:
            return format_decimal(x, language, decimals)

    return FuncFormatter(lambda x, _pos: fmt(x))
