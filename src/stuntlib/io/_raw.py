"""Raw readers: a file or buffer -> a frame of raw cells under the export's header.

No renaming and no typing happens here. What is done: decoding (UTF-8, UTF-16, cp1252),
choosing the CSV separator, finding the header row (a title above it is skipped), joining
a two-row header whose upper cells are merged, and, for workbooks, choosing the sheet that
holds the export. What was found is returned in :class:`RawTable` for the read report.
"""

from __future__ import annotations

import csv
import io as _io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np
import pandas as pd

from stuntlib import _calamine
from stuntlib.errors import ReadError, StuntlibError

#: Rows searched for the header row when ``header_row`` is not given.
HEADER_SEARCH_ROWS = 30
#: Fewest recognised column names that make a row the header.
HEADER_MIN_KNOWN = 2


@dataclass
class RawTable:
    """Raw cells with what the reader found about the layout.

    Attributes
    ----------
    frame : pandas.DataFrame
        Cells under the header labels (object dtype for CSV and Excel).
    header_row : int
        1-based row of the header in the file or sheet (the first header row when the
        header spans two rows).
    header_rows : int
        Rows the header spans (1, or 2 for a merged two-row header).
    sheet : str or None
        Sheet used (workbooks only).
    notes : list of str
        Sentences about the layout, for warnings (title skipped, other sheet used...).
    """

    frame: pd.DataFrame
    header_row: int = 1
    header_rows: int = 1
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_score(row: Sequence[Any], known: frozenset[str]) -> int:
    from stuntlib.columns import normalise_header

    return sum(1 for v in row if isinstance(v, str) and normalise_header(v) in known)


def find_header(rows: Sequence[Sequence[Any]], known: frozenset[str]) -> tuple[int, int]:
    """0-based index of the row most like a header among the first rows, and its score.

    The score is the number of cells that are known column names (canonical names,
    aliases, profile headers). Ties go to the upper row. A best score under
    :data:`HEADER_MIN_KNOWN` gives row 0.
    """
    best, score = 0, -1
    for i, row in enumerate(islice(rows, HEADER_SEARCH_ROWS)):
        s = _header_score(row, known)
        if s > score:
            best, score = i, s
    return (best, score) if score >= HEADER_MIN_KNOWN else (0, max(score, 0))


def _second_header_row(
    header: Sequence[Any], below: Sequence[Any] | None, known: frozenset[str]
) -> bool:
    """True when ``below`` continues a header whose upper cells are merged.

    Every non-empty cell of ``below`` is a known column name, there are fewer of them
    than half the header's width, and each sits under an empty or merged upper cell or
    under a label that is not itself a known name (``Pengukuran`` over ``Berat``,
    ``Tinggi``).
    """
    from stuntlib.columns import normalise_header

    if below is None:
        return False
    filled = [i for i, v in enumerate(below) if not _blank(v)]
    if not filled or len(filled) * 2 > len(header):
        return False
    if not all(isinstance(below[i], str) and normalise_header(below[i]) in known for i in filled):
        return False
    return all(
        i >= len(header) or _blank(header[i]) or normalise_header(header[i]) not in known
        for i in filled
    )


def header_labels(
    rows: Sequence[Sequence[Any]], start: int, known: frozenset[str]
) -> tuple[list[str], int]:
    """Labels of the header at ``start`` and how many rows it spans (1 or 2)."""
    header = list(rows[start])
    below = list(rows[start + 1]) if start + 1 < len(rows) else None
    width = len(header)
    while width and _blank(header[width - 1]) and (below is None or _blank_at(below, width - 1)):
        width -= 1
    spans = 2 if _second_header_row(header, below, known) else 1
    labels = []
    for i in range(width):
        upper = header[i] if i < len(header) else None
        lower = below[i] if spans == 2 and below is not None and i < len(below) else None
        label = lower if not _blank(lower) else upper
        labels.append(f"Unnamed: {i}" if _blank(label) else str(label).strip())
    return labels, spans


def _blank_at(row: Sequence[Any], i: int) -> bool:
    return i >= len(row) or _blank(row[i])


# --------------------------------------------------------------------------------------
# CSV and text
# --------------------------------------------------------------------------------------


def decode(data: bytes, encoding: str | None) -> str:
    """Text of a CSV: the given encoding, else UTF-16 (BOM or NUL bytes), UTF-8, cp1252."""
    if encoding is not None:
        return data.decode(encoding)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    sample = data[:4000]
    if sample and sample[1::2].count(0) > len(sample) // 4:
        return data.decode("utf-16-le")
    if sample and sample[0::2].count(0) > len(sample) // 4:
        return data.decode("utf-16-be")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _split(lines: Iterable[str], sep: str) -> list[list[str]]:
    return list(csv.reader(lines, delimiter=sep))


def raw_csv(
    data: bytes,
    sep: str | None,
    encoding: str | None,
    header_row: int | None,
    known: frozenset[str],
) -> RawTable:
    """Cells of a CSV/TSV/text export, header found by itself or at ``header_row``."""
    text = decode(data, encoding)
    head = text.splitlines()[: HEADER_SEARCH_ROWS + 1]
    choices = [sep] if sep else [",", ";", "\t", "|"]
    ranked = []
    for order, candidate in enumerate(choices):
        rows = _split(head, candidate) or [[]]
        if header_row is not None:
            index = min(header_row - 1, len(rows) - 1)
            score = _header_score(rows[index], known)
        else:
            index, score = find_header(rows, known)
        ranked.append((score, len(rows[index]), -order, index, candidate))
    _, _, _, index, separator = max(ranked)
    if header_row is not None:
        if header_row < 1:
            raise StuntlibError(f"header_row: expected a row number from 1; got {header_row!r}")
        index = header_row - 1
    try:
        frame = pd.read_csv(
            _io.StringIO(text),
            sep=separator,
            dtype=object,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            skiprows=index,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ReadError(
            f"cannot read the CSV (header taken on row {index + 1}, separator {separator!r}): "
            f"{exc}; pass header_row= or sep="
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    notes = []
    if index:
        notes.append(f"header found on row {index + 1}; the {index} row(s) above it were skipped")
    return RawTable(frame=frame.astype(object), header_row=index + 1, notes=notes)


# --------------------------------------------------------------------------------------
# Excel (python-calamine)
# --------------------------------------------------------------------------------------


def raw_xlsx(
    source: Any,
    sheet: str | int | None,
    header_row: int | None,
    known: frozenset[str],
) -> RawTable:
    """Cells of a workbook sheet through python-calamine (Rust; values as Excel stores them).

    Text cells stay text (a NIK typed as text keeps its 16 digits), numbers are float,
    date cells are :class:`datetime.date`/:class:`datetime.datetime`. With ``sheet=None``
    every sheet's first rows are searched for the export's headers and the best sheet is
    used (:func:`_searched_sheet`). A sheet the command line parsed ahead
    (:func:`stuntlib._calamine.prefetch`) is taken as parsed.
    """
    notes: list[str] = []
    found = None if isinstance(source, (bytes, bytearray)) else (
        _calamine.prefetched(source, sheet, header_row))  # fmt: skip
    found = found or _calamine.sheet_rows(source, sheet, header_row)
    if found is None:  # several sheets, none named: the one most like the export
        found = _searched_sheet(_calamine.open_workbook(source), known, notes)
    chosen, rows = found
    if not rows:
        raise ReadError(f"sheet {chosen!r} is empty: no header row")
    if header_row is not None:
        if not 1 <= header_row <= len(rows):
            raise StuntlibError(
                f"header_row: expected a row number from 1 to {len(rows)} (the rows of sheet "
                f"{chosen!r}); got {header_row!r}"
            )
        index = header_row - 1
    else:
        index = find_header(rows, known)[0]
    labels, spans = header_labels(rows, index, known)
    width = len(labels)
    # pandas types a column of text only as str (Arrow): the typing after is faster on it
    frame = pd.DataFrame(_cells_under(rows[index + spans :], width), columns=labels)
    if index:
        notes.append(
            f"header found on row {index + 1} of sheet {chosen!r}; the {index} row(s) above "
            "it were skipped"
        )
    if spans == 2:
        notes.append(
            f"two-row header on rows {index + 1}-{index + 2} (merged upper cells): the lower "
            "label names each column"
        )
    return RawTable(frame=frame, header_row=index + 1, header_rows=spans, sheet=chosen, notes=notes)


def _cells_under(body: list[list[Any]], width: int) -> np.ndarray:
    """The rows as calamine gives them, cut or padded (None) to the header's width.

    One object array: the cells keep their Python values (str, float, date...), and an
    empty cell ("") is None.
    """
    cells = np.full((len(body), width), None, dtype=object)
    if body:
        try:
            grid = np.array(body, dtype=object)  # a sheet's rows are of one length
        except ValueError:  # they are not: column by column
            grid = pd.DataFrame(body).to_numpy(dtype=object)
        if grid.ndim == 2:
            part = grid[:, :width]
            cells[:, : part.shape[1]] = part
    cells[cells == ""] = None
    return cells


def _searched_sheet(book: Any, known: frozenset[str], notes: list[str]) -> tuple[str, list[Any]]:
    """The sheet whose first rows hold the most known headers: its name and rows.

    On a tie, a visible sheet before a hidden one (Excel does not show a hidden sheet),
    then the first. Other sheets that hold the headers as well are named in a note:
    they are not read.
    """
    from python_calamine import SheetVisibleEnum

    names = list(book.sheet_names)
    hidden = {m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    try:
        scores: dict[str, int] = {}
        parsed: dict[str, Any] = {}
        for name in names:  # parsing a sheet is the cost: each once
            with _calamine.damaged_sheet(name):
                parsed[name] = book.get_sheet_by_name(name)
                head = list(islice(parsed[name].iter_rows(), HEADER_SEARCH_ROWS))
            scores[name] = find_header(head, known)[1]
        chosen = max(names, key=lambda n: (scores[n], n not in hidden, -names.index(n)))
        with _calamine.damaged_sheet(chosen):
            rows = parsed[chosen].to_python(skip_empty_area=False)
    finally:
        book.close()
    if scores[names[0]] < scores[chosen]:
        notes.append(
            f"data read from sheet {chosen!r}: its rows hold the export's headers "
            f"(the first sheet {names[0]!r} does not); pass sheet= to choose"
        )
    also = [f"{n!r}" + (" (hidden)" if n in hidden else "") for n in names
            if n != chosen and scores[n] == scores[chosen]]  # fmt: skip
    if also and scores[chosen] >= HEADER_MIN_KNOWN:
        notes.append(
            f"data read from sheet {chosen!r} only: sheet {', '.join(also)} holds the "
            "export's headers too and was not read; pass sheet= to read another"
        )
    return chosen, rows


def raw_parquet(source: Any) -> RawTable:
    """Columns of a Parquet file, typed as stored."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(source)
    except Exception as exc:  # pyarrow.ArrowInvalid and friends
        raise ReadError(f"cannot read the Parquet file ({type(exc).__name__}: {exc})") from exc
    return RawTable(frame=table.to_pandas())
