"""A workbook's cells through python-calamine, in plain Python (no numpy, no pandas).

:func:`stuntlib.io.read_measurements` reads workbooks through these functions. They
import nothing heavy, so the ``stuntlib report`` command can parse the sheet in a
thread while its main thread imports pandas (:func:`prefetch`): python-calamine releases
the GIL while it parses, and the parse and the imports are the two largest waits before
any row is scored. What calamine cannot open or parse becomes a
:class:`~stuntlib.errors.ReadError` in words, here and for the small tables users give
(:func:`excel_table`).
"""

from __future__ import annotations

import contextlib
import io as _io
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from stuntlib.errors import ReadError

#: The sheet parsed ahead by :func:`prefetch`, by (file, size, mtime, sheet, header_row).
_AHEAD: dict[tuple[Any, ...], Callable[[], tuple[str, list[list[Any]]] | None]] = {}


def open_workbook(source: Any) -> Any:
    """A ``CalamineWorkbook`` of a path or of the bytes of a workbook.

    Raises
    ------
    ReadError
        If the file is not a workbook (empty, text, corrupt), in words.
    """
    from python_calamine import CalamineWorkbook

    try:
        if isinstance(source, (bytes, bytearray)):
            return CalamineWorkbook.from_filelike(_io.BytesIO(source))
        return CalamineWorkbook.from_path(str(source))
    except Exception as exc:  # CalamineError, zip errors...
        raise ReadError(_not_a_workbook(source, exc)) from exc


def excel_table(path: Any, **options: Any) -> Any:
    """:func:`pandas.read_excel` (calamine engine) of a small table a user gives.

    Code lists, targets, coverage and KRS tables. A file that is not a workbook, or
    whose sheet cannot be parsed, is a :class:`ReadError` naming the file.
    """
    import pandas as pd
    from python_calamine import CalamineError

    try:
        return pd.read_excel(path, engine="calamine", **options)
    except CalamineError as exc:
        raise ReadError(f"{path}: {_not_a_workbook(path, exc)}") from exc


def _not_a_workbook(source: Any, exc: Exception) -> str:
    """Why an .xlsx could not be opened, in words: empty, text (a CSV renamed), or other."""
    try:
        head = bytes(source[:2048]) if isinstance(source, (bytes, bytearray)) else (
            Path(source).read_bytes()[:2048])  # fmt: skip
    except OSError:
        head = b""
    if not head.strip():
        return "the file is empty: it is not an Excel workbook"
    if not head.startswith(b"PK") and b"\x00" not in head:
        return (
            "the file is not an Excel workbook: it holds plain text (a CSV saved with an "
            ".xlsx name?); rename it to .csv or save it from Excel as a workbook"
        )
    return f"cannot open the workbook ({type(exc).__name__}: {exc})"


def fixed_sheet(
    names: Sequence[str], sheet: str | int | None, header_row: int | None
) -> str | None:
    """The sheet to read when there is nothing to search for; None when there is.

    ``sheet`` names it (or its 0-based position). Without ``sheet``, a workbook of one
    sheet, or a ``header_row`` given, means the first sheet; otherwise every sheet's
    first rows must be searched for the export's headers.

    Raises
    ------
    ReadError
        If the workbook has no sheet, or ``sheet`` is not one of them.
    """
    if not names:
        raise ReadError("the workbook has no sheet")
    if sheet is None:
        return names[0] if len(names) == 1 or header_row is not None else None
    if isinstance(sheet, int):
        if not -len(names) <= sheet < len(names):
            raise ReadError(f"sheet {sheet!r} not found; the workbook has {list(names)}")
        return names[sheet]
    if sheet not in names:
        raise ReadError(f"sheet {sheet!r} not found; the workbook has {list(names)}")
    return sheet


def sheet_rows(
    source: Any, sheet: str | int | None, header_row: int | None
) -> tuple[str, list[list[Any]]] | None:
    """The chosen sheet's name and rows (Python values), or None when it must be searched."""
    book = open_workbook(source)
    try:
        chosen = fixed_sheet(list(book.sheet_names), sheet, header_row)
        if chosen is None:
            return None
        with damaged_sheet(chosen):
            return chosen, book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    finally:
        book.close()


@contextlib.contextmanager
def damaged_sheet(name: str) -> Iterator[None]:
    """Raise what python-calamine finds wrong inside a sheet as a :class:`ReadError`.

    A workbook whose zip opens can still hold a sheet that cannot be parsed (a damaged
    or missing part), or change while it is read.
    """
    from python_calamine import CalamineError

    try:
        yield
    except CalamineError as exc:
        raise ReadError(
            f"sheet {name!r} cannot be read ({type(exc).__name__}: {exc}): the workbook is "
            "damaged or changed while it was read; open it in Excel, save it again and rerun"
        ) from exc


def _key(path: Any, sheet: str | int | None, header_row: int | None) -> tuple[Any, ...] | None:
    try:
        stat = os.stat(path)
    except (OSError, TypeError, ValueError):
        return None
    return (os.path.realpath(path), stat.st_size, stat.st_mtime_ns, sheet, header_row)


def prefetch(
    executor: Executor, path: Any, sheet: str | int | None, header_row: int | None
) -> None:
    """Parse ``path``'s sheet on ``executor`` now, for the next :func:`prefetched` of it.

    For the command line, which parses the workbook in a thread while its main thread
    imports pandas (calamine's parse runs without the GIL; the rows stay in this
    process, with nothing to pickle). The parse is kept for the same file, unchanged on
    disk, and the same ``sheet`` and ``header_row``; it is used once. An executor that
    takes no more work (shut down) parses nothing ahead.
    """
    key = _key(path, sheet, header_row)
    if key is None:
        return
    try:
        _AHEAD[key] = executor.submit(sheet_rows, path, sheet, header_row).result
    except RuntimeError:  # shut down: the reader parses the sheet itself
        pass


def prefetched(
    path: Any, sheet: str | int | None, header_row: int | None
) -> tuple[str, list[list[Any]]] | None:
    """The rows :func:`prefetch` parsed for this file, sheet and header row, else None.

    Errors of the parse (not a workbook, no such sheet) are raised here.
    """
    key = _key(path, sheet, header_row)
    result = _AHEAD.pop(key, None) if key is not None else None
    return result() if result is not None else None
