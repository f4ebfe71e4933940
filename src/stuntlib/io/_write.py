"""Writers: scored rows and tables to CSV, Parquet or Excel."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, TypeAlias

import pandas as pd

from stuntlib.errors import StuntlibError
from stuntlib.io._cells import as_text
from stuntlib.io._raw import ReadError

FileFormat: TypeAlias = Literal["csv", "xlsx", "parquet"]
PathLike: TypeAlias = "str | os.PathLike[str]"
#: Rows Excel can hold in one sheet, header included.
EXCEL_MAX_ROWS = 1_048_576


def format_of(path: PathLike) -> str:
    """File format from a path's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".xls":
        raise ReadError(
            f"{path}: old .xls workbooks are not supported; open it in Excel or LibreOffice "
            "and save it as .xlsx (or CSV)"
        )
    raise ReadError(
        f"{path}: unknown file type {suffix!r}; expected .csv, .xlsx or .parquet "
        "(or pass format=...)"
    )


#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(series: pd.Series) -> pd.Series:
    """Text cells a spreadsheet would run as a formula get a leading apostrophe.

    A cell is changed when it starts with one of :data:`FORMULA_STARTS` and is not a
    plain number (``-1.5`` stays as written). Work is per distinct value.

    References
    ----------
    OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection).
    """
    text = series.astype("string")
    codes, uniques = pd.factorize(text)
    u = pd.Series(uniques, dtype="string")
    risky = u.str.startswith(FORMULA_STARTS) & ~u.str.fullmatch(r"[+-]?\d+(?:[.,]\d+)?")
    if not bool(risky.fillna(False).any()):
        return series
    fixed = u.where(~risky.fillna(False), "'" + u)
    out = pd.Series(fixed.to_numpy(dtype=object)[codes], index=series.index, dtype="string")
    return out.mask(codes < 0)


def _for_export(frame: pd.DataFrame, escape_formulas: bool = True) -> pd.DataFrame:
    """Columns that mix Python types (e.g. raw Excel cells) become text for Arrow."""
    out = frame.copy(deep=False)
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col].dtype):
            out[col] = as_text(out[col])
        if escape_formulas and (
            pd.api.types.is_string_dtype(out[col].dtype)
            or isinstance(out[col].dtype, pd.CategoricalDtype)
        ):
            out[col] = neutralise_formulas(out[col])
    out.columns = [str(c) for c in out.columns]
    return out


def write_table(
    frame: pd.DataFrame,
    path: PathLike,
    *,
    format: FileFormat | None = None,
    sheet_name: str = "data",
    index: bool | None = None,
    sep: str = ",",
    decimal: str = ".",
    escape_formulas: bool = True,
) -> Path:
    """Write scored rows or a result table to CSV, Parquet or Excel.

    Parameters
    ----------
    frame : pandas.DataFrame
        Scored rows (:func:`stuntlib.score`) or any table (:func:`stuntlib.prevalence`).
    path : str or path-like
        Output file; the format comes from its suffix (``.csv``, ``.parquet``,
        ``.xlsx``) unless ``format`` is given. Parent folders are created.
    format : {"csv", "xlsx", "parquet"}, optional
        Override the suffix.
    sheet_name : str, default "data"
        Sheet name for Excel.
    index : bool, optional
        Write the index as a first column (named ``group`` when it has no name), escaped
        like the other text cells. Default: when it holds labels, as the group labels of
        :func:`stuntlib.prevalence_table` do, and not when it numbers the rows (an
        integer index).
    escape_formulas : bool, default True
        In CSV and Excel, prefix with ``'`` every text cell that starts with ``=``,
        ``+``, ``-``, ``@``, tab or carriage return and is not a plain number, so that
        no spreadsheet runs it as a formula (Parquet is written as is).
    sep, decimal : str, default "," and "."
        CSV separator and decimal mark (``sep=";", decimal=","`` opens directly in an
        Excel set to Indonesian).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    StuntlibError
        For an unknown format, or more rows than an Excel sheet holds (1,048,575).

    References
    ----------
    OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection):
    cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return are escaped.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> write_table(pd.DataFrame({"kelurahan": ["Tirto"], "n": [12]}), out).name
    't.parquet'
    >>> pd.read_parquet(out)
      kelurahan   n
    0     Tirto  12
    """
    if not isinstance(frame, pd.DataFrame):
        raise StuntlibError(f"frame: expected a pandas DataFrame; got {type(frame).__name__}")
    file = Path(path)
    fmt = format or format_of(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    if index is None:  # labels are written, row numbers (an integer index) are not
        index = not pd.api.types.is_integer_dtype(frame.index.dtype)
    if index:  # a column like the others: its labels are escaped too
        names = [n if n is not None else ("group" if i == 0 else f"level_{i}")
                 for i, n in enumerate(frame.index.names)]  # fmt: skip
        frame, index = frame.rename_axis(names).reset_index(), False
    data = _for_export(frame, escape_formulas and fmt in ("csv", "xlsx"))
    if fmt == "csv":
        data.to_csv(file, index=index, sep=sep, decimal=decimal, date_format="%Y-%m-%d")
    elif fmt == "parquet":
        data.to_parquet(file, index=index)
    elif fmt == "xlsx":
        if len(data) + 1 > EXCEL_MAX_ROWS:
            raise StuntlibError(
                f"frame: {len(data):,} rows do not fit in an Excel sheet "
                f"({EXCEL_MAX_ROWS - 1:,} at most); write CSV or Parquet instead"
            )
        for col in data.columns:  # Excel has no time zones and no categories
            if isinstance(data[col].dtype, pd.CategoricalDtype):
                data[col] = data[col].astype("string")
        with pd.ExcelWriter(file, engine="openpyxl") as writer:
            data.to_excel(writer, sheet_name=sheet_name[:31], index=index)
            sheet = writer.sheets[sheet_name[:31]]
            sheet.freeze_panes = "A2"
    else:
        raise StuntlibError(f"format: expected 'csv', 'xlsx' or 'parquet'; got {format!r}")
    return file
