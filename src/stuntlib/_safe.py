"""Neutralise spreadsheet formulas in text written to CSV files (CSV/formula injection).

A spreadsheet program evaluates a CSV cell that begins with ``=``, ``+``, ``-`` or ``@``
(and, in some programs, a tab or carriage return) as a formula: an area name such as
``=HYPERLINK("http://...")`` becomes a live link in a published table. The OWASP rule is
to prefix such a cell with a single quote, which the program shows as text.

:func:`neutralise_text` applies the rule to a Series of text; :func:`neutralise_frame`
to every text column of a DataFrame (numbers are left as numbers: a negative z-score is
not a formula). Workbooks written with openpyxl do not need it: their writers store
every text cell with the string data type (see :func:`text_cell`).

References
----------
.. [1] OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stuntlib._xlsx import text_cell

__all__ = [
    "FORMULA_PREFIXES",
    "neutralise_frame",
    "neutralise_text",
    "text_cell",
    "write_safe_xlsx",
]

#: First characters that make a spreadsheet program read a cell as a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(values: pd.Series) -> pd.Series:
    """Prefix ``'`` to text values that begin with a formula character.

    Parameters
    ----------
    values : pandas.Series
        Any dtype; only ``str`` values are changed.

    Returns
    -------
    pandas.Series
        Same index; non-text values (numbers, NA) unchanged.

    Examples
    --------
    >>> neutralise_text(pd.Series(["=1+1", "TIRTO", "-x", None, 3, "-"])).tolist()
    ["'=1+1", 'TIRTO', "'-x", None, 3, '-']
    """
    # no na_action: a column of NA only would map to float64 NaN, and NaN cannot be
    # filled with False without a pandas 4 error; isinstance(NA, str) is False anyway
    is_text = values.map(lambda v: isinstance(v, str)).astype(bool)
    if not is_text.any():
        return values
    text = values[is_text].astype(str)
    # a lone "-" (the mark of a masked cell) cannot be a formula
    inert = text.str.fullmatch(r"-+")
    hostile = text.str.startswith(FORMULA_PREFIXES) & ~inert
    if not hostile.any():
        return values
    out = values.astype(object).copy()
    out.loc[hostile[hostile].index] = "'" + text[hostile]
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised (:func:`neutralise_text`).

    Column labels are neutralised too. Numeric columns are untouched.

    Examples
    --------
    >>> neutralise_frame(pd.DataFrame({"kel": ["@SUM(1)"], "n": [-3]})).iloc[0].astype(str).tolist()
    ["'@SUM(1)", '-3']
    """
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if (
            isinstance(dtype, pd.CategoricalDtype)
            or dtype is np.dtype(object)
            or pd.api.types.is_string_dtype(dtype)
        ):
            out[column] = neutralise_text(out[column].astype(object))
    labels = neutralise_text(pd.Series(list(out.columns), dtype=object)).tolist()
    out.columns = labels
    return out


def write_safe_xlsx(frame: pd.DataFrame, path: Any, sheet: str = "Sheet1") -> None:
    """Write a table to ``.xlsx`` with every text cell stored as text, never a formula.

    Numbers stay numbers; missing values are empty cells; the header is bold.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (index not written).
    path : str or path-like
        Output file.
    sheet : str, default "Sheet1"
        Sheet name.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet
    bold = Font(bold=True)
    for j, label in enumerate(frame.columns, start=1):
        text_cell(ws.cell(row=1, column=j), str(label))
        ws.cell(row=1, column=j).font = bold
    values = frame.astype(object).where(frame.notna(), None).to_numpy()
    for i, row in enumerate(values, start=2):
        for j, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=i, column=j)
            if isinstance(value, str):
                text_cell(cell, value)
            elif isinstance(value, bool | np.bool_):
                cell.value = bool(value)
            elif isinstance(value, int | float | np.integer | np.floating):
                cell.value = value.item() if isinstance(value, np.generic) else value
            else:
                text_cell(cell, str(value))
    book.save(path)
