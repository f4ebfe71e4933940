"""A workbook parsed ahead on another worker (the report command): the same frame, or unused."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from stuntlib import _calamine
from stuntlib.errors import ReadError
from stuntlib.io import read_measurements

HEAD = ["NIK", "JK", "Tgl Lahir", "Tanggal Pengukuran", "Berat", "Tinggi", "Cara Ukur",
        "Desa/Kel"]  # fmt: skip
ROWS = [
    ["3375010101230001", "L", "09/01/2023", "11/08/2025", 10.9, 83.7, "Berdiri", "TIRTO"],
    ["3375010101230002", "P", "26/01/2023", "11/08/2025", 13.2, 90.4, "Telentang", "TIRTO"],
]


def _book(path: Path, rows: list[list[object]], *, title_sheet: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title_sheet:
        ws.title = "Petunjuk"
        ws.append(["Petunjuk pengisian"])
        ws = wb.create_sheet("Data")
    for row in [HEAD, *rows]:
        ws.append(row)
    wb.save(path)
    return path


def _read_ahead(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    with ThreadPoolExecutor(1) as pool:
        _calamine.prefetch(pool, path, sheet, None)
        return read_measurements(path, profile="eppgbm", sheet=sheet)


def test_a_sheet_parsed_ahead_gives_the_same_frame(tmp_path: Path) -> None:
    path = _book(tmp_path / "export.xlsx", ROWS)
    plain = read_measurements(path, profile="eppgbm")
    ahead = _read_ahead(path)
    pd.testing.assert_frame_equal(ahead, plain)
    assert ahead.attrs == plain.attrs
    assert ahead["weight"].tolist() == [10.9, 13.2]  # the cells as written above
    assert not _calamine._AHEAD  # a parse ahead is used once


def test_a_file_changed_after_the_parse_is_read_again(tmp_path: Path) -> None:
    path = _book(tmp_path / "export.xlsx", ROWS)
    with ThreadPoolExecutor(1) as pool:
        _calamine.prefetch(pool, path, None, None)
        changed = [ROWS[0][:4] + [11.5] + ROWS[0][5:], ROWS[1]]
        _book(path, changed)
        stat = os.stat(path)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        frame = read_measurements(path, profile="eppgbm")
    assert frame["weight"].tolist() == [11.5, 13.2]
    _calamine._AHEAD.clear()


def test_a_workbook_of_several_sheets_is_searched_as_without_the_parse(tmp_path: Path) -> None:
    path = _book(tmp_path / "two.xlsx", ROWS, title_sheet=True)
    assert _calamine.sheet_rows(path, None, None) is None  # which sheet: the search decides
    with pytest.warns(UserWarning, match="sheet 'Data'"):
        frame = _read_ahead(path)
    assert frame["nik"].tolist() == ["3375010101230001", "3375010101230002"]
    by_name = _read_ahead(path, sheet="Data")
    assert len(by_name) == 2


def test_the_errors_of_the_parse_are_raised_by_the_reader(tmp_path: Path) -> None:
    renamed = tmp_path / "export.xlsx"
    renamed.write_text(",".join(HEAD) + "\n", encoding="utf-8")
    with pytest.raises(ReadError, match="plain text"):
        _read_ahead(renamed)
    path = _book(tmp_path / "one.xlsx", ROWS)
    with pytest.raises(ReadError, match=r"sheet 3 not found; the workbook has \['Sheet'\]"):
        _read_ahead(path, sheet=3)
    assert not _calamine._AHEAD


def test_an_executor_that_takes_no_work_parses_nothing_ahead(tmp_path: Path) -> None:
    """A shut-down executor: nothing is kept, and the reader parses the sheet itself."""
    path = _book(tmp_path / "export.xlsx", ROWS)
    pool = ThreadPoolExecutor(1)
    pool.shutdown()
    _calamine.prefetch(pool, path, None, None)
    assert not _calamine._AHEAD
    assert read_measurements(path, profile="eppgbm")["weight"].tolist() == [10.9, 13.2]


def test_the_sheet_without_a_search() -> None:
    assert _calamine.fixed_sheet(["A"], None, None) == "A"
    assert _calamine.fixed_sheet(["A", "B"], None, None) is None
    assert _calamine.fixed_sheet(["A", "B"], None, 3) == "A"  # a header row: the first sheet
    assert _calamine.fixed_sheet(["A", "B"], -1, None) == "B"
    with pytest.raises(ReadError, match="the workbook has no sheet"):
        _calamine.fixed_sheet([], None, None)
    with pytest.raises(ReadError, match=r"sheet 'C' not found; the workbook has \['A', 'B'\]"):
        _calamine.fixed_sheet(["A", "B"], "C", None)


def test_a_damaged_sheet_is_a_read_error_not_a_crash(tmp_path: Path) -> None:
    """A workbook whose zip opens but whose sheet part is missing: ReadError, by name."""
    import zipfile

    whole = _book(tmp_path / "whole.xlsx", ROWS)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, src.read(item.filename))
    with pytest.raises(ReadError, match=r"sheet 'Sheet' cannot be read \(WorksheetNotFound"):
        read_measurements(damaged, profile="eppgbm")
    with pytest.raises(ReadError, match="damaged or changed while it was read"):
        _read_ahead(damaged)


def test_a_side_table_that_is_no_workbook_is_a_read_error(tmp_path: Path) -> None:
    """Targets, code lists, coverage: a renamed CSV or an empty .xlsx names the file."""
    from stuntlib.areas import load_areas

    renamed = tmp_path / "targets.xlsx"
    renamed.write_text("kelurahan,target\nTIRTO,120\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"targets\.xlsx: the file is not an Excel workbook"):
        _calamine.excel_table(renamed, dtype=str)
    empty = tmp_path / "kode.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match=r"kode\.xlsx: the file is empty"):
        load_areas(empty)


def test_of_several_sheets_with_the_headers_one_is_read_and_the_others_named(
    tmp_path: Path,
) -> None:
    """A visible sheet before a hidden one; the sheets not read are named in a warning."""
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "Lama"
    for row in [HEAD, ROWS[0]]:
        old.append(row)
    old.sheet_state = "hidden"  # not shown in Excel: the analyst never sees it
    data = wb.create_sheet("Data")
    for row in [HEAD, *ROWS]:
        data.append(row)
    wb.save(tmp_path / "hidden.xlsx")
    with pytest.warns(UserWarning, match=r"from sheet 'Data' only: sheet 'Lama' \(hidden\)"):
        frame = read_measurements(tmp_path / "hidden.xlsx", profile="eppgbm")
    assert len(frame) == 2
    wb = openpyxl.Workbook()
    for name, rows in (("Barat", ROWS[:1]), ("Timur", ROWS)):
        sheet = wb.create_sheet(name)
        for row in [HEAD, *rows]:
            sheet.append(row)
    del wb["Sheet"]
    wb.save(tmp_path / "two.xlsx")
    with pytest.warns(UserWarning, match=r"from sheet 'Barat' only: sheet 'Timur' holds"):
        assert len(read_measurements(tmp_path / "two.xlsx", profile="eppgbm")) == 1


_NO_FORK = """
import multiprocessing, sys, time
multiprocessing.get_all_start_methods = lambda: ["spawn"]  # as on Windows
import argparse
from pathlib import Path
from stuntlib import _calamine, cli
args = argparse.Namespace(input=Path(sys.argv[1]), sheet=None, header_row=None, language="id")
pool = cli._chart_pool(args)
print(pool is None, len(_calamine._AHEAD))
from stuntlib.io import read_measurements
frame = read_measurements(args.input, profile="eppgbm")
print(frame["weight"].tolist(), len(_calamine._AHEAD))
"""


def test_without_fork_the_command_still_parses_in_a_thread(tmp_path: Path) -> None:
    """No chart process where there is no ``fork`` (Windows): the parse thread still runs.

    In a fresh interpreter, as the command starts: the workbook is parsed ahead, the
    reader takes that parse (same frame), and it is used once.
    """
    import subprocess
    import sys

    path = _book(tmp_path / "export.xlsx", ROWS)
    out = subprocess.run([sys.executable, "-c", _NO_FORK, str(path)], capture_output=True,
                         text=True, check=True, timeout=120)  # fmt: skip
    assert out.stdout.split("\n")[:2] == ["True 1", "[10.9, 13.2] 0"]
