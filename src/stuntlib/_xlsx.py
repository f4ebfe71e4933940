"""Writing a workbook's sheets with openpyxl from plain rows: no pandas, no numpy.

The publication workbooks (:mod:`stuntlib.publication._workbook`) are described as
:class:`Sheet` values (title, headers, kinds of column, rows as lists) and written
here. The ``stuntlib report`` command's chart process, which imports no pandas, writes
them from these values while the tables are computed (:func:`stuntlib.cli._chart_pool`).
Text is stored as text, never a formula (:func:`text_cell`); numbers keep number
formats (:data:`stuntlib._format.EXCEL_COUNT`, ``EXCEL_PERCENT``).
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stuntlib._format import EXCEL_COUNT, EXCEL_PERCENT

__all__ = ["Book", "Sheet", "text_cell", "write_book"]

#: Row of the column headers; rows 1-2: title and period; row 3 blank.
HEADER_ROW = 4


@dataclass(frozen=True)
class Sheet:
    """One sheet of a publication workbook, as plain values.

    ``kinds``: per column, ``"text"``, ``"count"`` or ``"percent"`` (a value in % is
    written as a fraction with a percent format); ``rows``: lists of cells, ``None`` (or
    a float NaN) for an empty cell; ``bold_rows``: per row, or None.
    """

    name: str
    title: str
    subtitle: str
    headers: Sequence[str]
    kinds: Sequence[str]
    rows: Sequence[Sequence[Any]]
    bold_rows: Sequence[bool] | None = None


def text_cell(cell: Any, value: str) -> None:
    """Store ``value`` in an openpyxl cell as text, never as a formula.

    openpyxl reads a string beginning with ``=`` as a formula; setting the value and
    then the data type ``"s"`` keeps it text (Excel shows it as typed).
    """
    cell.value = value
    cell.data_type = "s"


def cell_value(value: Any, kind: str) -> Any:
    """What a cell of ``kind`` holds for ``value`` (None: empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "percent":
        return round(float(value) / 100.0, 6)
    if kind == "count":
        return int(value)
    return str(value)


@dataclass(frozen=True)
class Book:
    """A workbook as plain values.

    Its sheets, then an optional notes sheet (its name and label/text lines), and file
    properties (``creator``, ``title``, ``subject``, ``keywords``).
    """

    sheets: Sequence[Sheet]
    notes: tuple[str, Sequence[tuple[str, str]]] | None
    properties: Mapping[str, str]


def write_book(path: str | os.PathLike[str], book: Book) -> Path:
    """Write ``book`` to ``path`` (parent folders are created); the path written."""
    from openpyxl import Workbook

    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    for k, spec in enumerate(book.sheets):
        sheet = workbook.active if k == 0 else workbook.create_sheet(spec.name)
        sheet.title = spec.name
        _write_sheet(sheet, spec)
    if book.notes is not None:
        _write_notes(workbook.create_sheet(book.notes[0]), book.notes[1])
    for key, value in book.properties.items():
        setattr(workbook.properties, key, value)
    workbook.save(file)
    return file


#: Widest a text column gets [characters]; longer names and notes wrap onto more lines.
_MAX_TEXT_WIDTH = 30
#: Height of one line of 11-point text [points] (Excel's and LibreOffice's default row).
_LINE_HEIGHT = 15.0
#: Margins of the printed page [inches]: narrow, so the table prints larger on A4.
_MARGIN = 0.4


def _lines(text: str, width: float, factor: float = 0.9) -> int:
    """Lines ``text`` wraps onto in a column ``width`` characters wide (an upper estimate).

    ``factor`` is the width of an average character in widths of a digit (0.9 for
    text; more for bold or larger type).
    """
    chars = max(int((width - 1.0) / factor), 1)
    return max(len(textwrap.wrap(text, chars)), 1)


def _widths(
    headers: Sequence[str], kinds: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[float]:
    """Column widths [characters].

    The longest word of the header; for text the longest value too (at most
    :data:`_MAX_TEXT_WIDTH`), for numbers at least 9.
    """
    widths = [float(min(max(len(w) for w in str(h).split()) + 2, 40)) for h in headers]
    for j, kind in enumerate(kinds):
        if kind != "text":
            widths[j] = max(widths[j], 9.0)
            continue
        longest = max((len(str(r[j])) for r in rows if cell_value(r[j], kind) is not None),
                      default=0)  # fmt: skip
        widths[j] = max(widths[j], float(min(longest + 2, _MAX_TEXT_WIDTH)))
    return widths


def _banner(sheet: Any, row: int, text: str, size: float, total_width: float, columns: int) -> None:
    """A title line merged across the table, wrapped, with the height its lines need."""
    from openpyxl.styles import Alignment, Font

    cell = sheet.cell(row=row, column=1)
    text_cell(cell, text)
    cell.font = Font(bold=size > 11, size=size)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if columns > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    lines = _lines(text, total_width, factor=1.1 * size / 11 * (1.1 if size > 11 else 1.0))
    sheet.row_dimensions[row].height = lines * _LINE_HEIGHT * size / 11


def _write_sheet(sheet: Any, spec: Sheet) -> None:
    """Title, header and rows; text as text, numbers with formats; heights; print setup.

    Spreadsheets do not all fit row heights to wrapped text when they open a file
    (LibreOffice keeps the stored height), so every row with wrapped text gets the
    height of its lines.
    """
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    title, subtitle, headers, kinds = spec.title, spec.subtitle, spec.headers, spec.kinds
    rows, bold_rows = spec.rows, spec.bold_rows
    widths = _widths(headers, kinds, rows)
    _banner(sheet, 1, title, 13, sum(widths), len(headers))
    _banner(sheet, 2, subtitle, 11, sum(widths), len(headers))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F2")
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for j, header in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=j)
        text_cell(cell, str(header))
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
    header_lines = max(_lines(str(h), w, 1.1) for h, w in zip(headers, widths, strict=True))
    sheet.row_dimensions[HEADER_ROW].height = header_lines * _LINE_HEIGHT
    for i, row in enumerate(rows):
        r = HEADER_ROW + 1 + i
        lines = 1
        for j, (value, kind) in enumerate(zip(row, kinds, strict=True), start=1):
            cell = sheet.cell(row=r, column=j)
            shown = cell_value(value, kind)
            if bold_rows is not None and bold_rows[i]:
                cell.font = bold
            if kind == "text":
                if shown is not None:
                    text_cell(cell, shown)
                    if len(shown) + 2 > widths[j - 1]:
                        cell.alignment = wrap
                        lines = max(lines, _lines(shown, widths[j - 1]))
                continue
            cell.value = shown
            cell.number_format = EXCEL_PERCENT if kind == "percent" else EXCEL_COUNT
        if lines > 1:  # a tall row: every cell on its first line, beside the wrapped text
            sheet.row_dimensions[r].height = lines * _LINE_HEIGHT
            for j in range(1, len(headers) + 1):
                cell = sheet.cell(row=r, column=j)
                if not cell.alignment.wrap_text:
                    cell.alignment = top
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width
    last = f"{get_column_letter(len(headers))}{HEADER_ROW + max(len(rows), 1)}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}"
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    _print_setup(sheet)


def _write_notes(sheet: Any, lines: Sequence[tuple[str, str]]) -> None:
    """The notes sheet: label and text per row, the text wrapped at 90 characters."""
    from openpyxl.styles import Alignment, Font

    wrap = Alignment(wrap_text=True, vertical="top")
    for row, (label, text) in enumerate(lines, start=1):
        text_cell(sheet.cell(row=row, column=1), label)
        text_cell(sheet.cell(row=row, column=2), text)
        sheet.cell(row=row, column=1).font = Font(bold=True)
        sheet.cell(row=row, column=1).alignment = sheet.cell(row=row, column=2).alignment = wrap
        sheet.row_dimensions[row].height = _lines(text, 90) * _LINE_HEIGHT
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    _print_setup(sheet, titles=False)


def _print_setup(sheet: Any, *, titles: bool = True) -> None:
    """A4 landscape, one page wide and as many tall as needed, the header on every page."""
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties

    if titles:
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=_MARGIN, right=_MARGIN, top=0.5, bottom=0.5,
                                     header=0.3, footer=0.3)  # fmt: skip
    sheet.print_options.horizontalCentered = True
