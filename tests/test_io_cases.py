"""Reader cases from the field (real_world 01, 06, 07, 08; reliability 15, 16, 17, 23).

Right values are the ones each case states (see tests/data/PROVENANCE.md): WHO z-scores
computed outside stuntlib, or the calendar dates written in the file.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import stuntlib
from stuntlib.errors import StuntlibError, StuntlibWarning
from stuntlib.io import MissingColumnsError, ReadError, parse_measurements, read_measurements

CASES = Path(__file__).parent / "data" / "cases"
HEAD = ["NIK", "Nama", "JK", "Tgl Lahir", "Tanggal Pengukuran", "Berat", "Tinggi", "Cara Ukur",
        "Desa/Kel"]  # fmt: skip
ROW = ["3375014901230001", "Ani Fiktif", "P", "09/01/2023", "11/08/2025", 10.9, 83.7, "Berdiri",
       "TIRTO"]  # fmt: skip


def quiet_read(*args: object, **kwargs: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StuntlibWarning)
        return read_measurements(*args, **kwargs)  # type: ignore[arg-type]


# --- real_world 01: MUAC in mm under `muac` ---------------------------------------------


def test_muac_in_mm_is_converted_by_the_rule() -> None:
    with pytest.warns(StuntlibWarning, match="armc: 3 value"):
        df = read_measurements(CASES / "01_muac_mm_read_as_cm.csv")
    assert df["armc"].tolist() == [12.6, 13.1, 14.2]
    assert df["read_problems"].tolist() == ["unit_converted:armc"] * 3
    zac = stuntlib.score(df)["zac"].round(2).tolist()
    assert zac == [-1.87, -1.06, -1.11]  # WHO 2006 acfa, stated in the case


def test_declared_units_override_the_rule() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", StuntlibWarning)
        mm = read_measurements(CASES / "01_muac_mm_read_as_cm.csv", units={"armc": "mm"})
    assert mm["armc"].tolist() == [12.6, 13.1, 14.2]
    assert mm["read_problems"].isna().all()
    assert mm.attrs["stuntlib_read"]["units"]["armc"] == "mm"
    cm = read_measurements(CASES / "01_muac_mm_read_as_cm.csv", units={"armc": "cm"})
    assert cm["armc"].tolist() == [126.0, 131.0, 142.0]
    with pytest.raises(StuntlibError, match="units: 'armc': 'inch'"):
        read_measurements(CASES / "01_muac_mm_read_as_cm.csv", units={"armc": "inch"})


def test_weight_in_grams_and_height_in_mm() -> None:
    data = (
        b"sex,age_days,weight,lenhei\n"
        b"1,400,9500,765\n"  # 9.5 kg, 76.5 cm
        b"2,400,150,250\n"  # 150 is no weight in grams (0.15 kg) nor kg: left; 250 is cm
        b"2,400,9.1,999\n"  # 999: a 'not measured' code, never converted
    )
    with pytest.warns(StuntlibWarning):
        df = parse_measurements(data, "csv")
    assert df["weight"].tolist() == [9.5, 150.0, 9.1]
    assert df["lenhei"].tolist() == [76.5, 250.0, 999.0]
    assert df["read_problems"].tolist()[0] == "unit_converted:lenhei; unit_converted:weight" or (
        df["read_problems"].tolist()[0] == "unit_converted:weight; unit_converted:lenhei"
    )
    assert df["read_problems"].iloc[1:].isna().all()


# --- real_world 06: half of the date pair in a DataFrame -------------------------------


def test_dataframe_with_birth_date_but_no_visit_date_warns_and_names_it() -> None:
    df = pd.DataFrame({"sex": ["female"], "dob": ["2024-01-15"], "measured": ["2025-01-15"],
                       "weight_kg": [7.0], "height_cm": [64.0]})  # fmt: skip
    with pytest.warns(StuntlibWarning, match="no measure_date column"):
        with pytest.raises(MissingColumnsError, match="measure_date"):
            parse_measurements(df)
    read = parse_measurements(df, columns={"measure_date": "measured"})
    scored = stuntlib.score(read)
    assert scored["age_days"].tolist() == [366]
    assert round(float(scored["zlen"].iloc[0]), 2) == -3.90  # (64.0/74.0451 - 1)/0.03479


def test_age_column_present_but_half_pair_still_warns() -> None:
    df = pd.DataFrame({"sex": [1], "age_months": [12], "dob": ["2024-01-15"], "height": [70.0]})
    with pytest.warns(StuntlibWarning, match="no measure_date"):
        out = parse_measurements(df)
    assert len(out) == 1


# --- real_world 07: NA tokens are missing ----------------------------------------------


def test_na_tokens_are_missing_not_invalid() -> None:
    df = read_measurements(CASES / "07_na_tokens_reported_invalid.csv")
    assert df["read_problems"].isna().all()
    assert df["lenhei"].isna().tolist() == [False, True, True, True]
    text = b"sex,age_months,weight,height\n1,13,#N/A,-\n2,13,N/A,NULL\n"
    df = parse_measurements(text, "csv")
    assert df["read_problems"].isna().all()
    assert df[["weight", "lenhei"]].isna().all().all()


# --- real_world 08: mapping a column ----------------------------------------------------


def test_age_column_mapped_by_columns() -> None:
    df = read_measurements(CASES / "08_cli_cannot_map_columns.csv", columns={"age_months": "age"})
    assert stuntlib.score(df)["zlen"].round(2).tolist() == [-1.39, -0.89, -1.07]


def test_bare_age_column_unit_rule() -> None:
    """'age'/'umur' without a unit: months when all <= 72, days when any > 240, else refused."""
    with pytest.warns(StuntlibWarning, match="read as age in months"):
        months = parse_measurements(b"sex,umur,lenhei\n1,10,70.1\n2,72,100\n", "csv")
    assert months["age_months"].tolist() == [10, 72]
    with pytest.warns(StuntlibWarning, match="read as age in days"):
        days = parse_measurements(b"sex,Age,lenhei\n1,300,70.1\n2,1500,100\n", "csv")
    assert days["age_days"].tolist() == [300, 1500]
    with pytest.raises(StuntlibError, match="fit neither months nor days"):
        parse_measurements(b"sex,age,lenhei\n1,10,70.1\n2,120,100\n", "csv")
    declared = parse_measurements(b"sex,age,lenhei\n1,10,70.1\n2,120,100\n", "csv",
                                  units={"age": "days"})  # fmt: skip
    assert declared["age_days"].tolist() == [10, 120]
    # an explicit age source wins: the bare column stays an ordinary column
    both = parse_measurements(b"sex,age,age_days,lenhei\n1,10,400,70.1\n", "csv")
    assert "age_months" not in both.columns and both["age_days"].tolist() == [400]


# --- strict numbers and codes ------------------------------------------------------------


def test_numbers_are_strict_and_code_1_0_is_1() -> None:
    data = b"sex,age_days,weight,lenhei\n1.0,400,40_0,7 6\n2,400,inf,76\n"
    df = parse_measurements(data, "csv")
    assert df["sex"].tolist() == ["1", "2"]
    assert df["weight"].isna().all()
    assert df["lenhei"].isna().tolist() == [True, False]
    assert df["read_problems"].tolist() == [
        "invalid_number:lenhei; invalid_number:weight",
        "invalid_number:weight",
    ] or df["read_problems"].tolist() == [
        "invalid_number:weight; invalid_number:lenhei",
        "invalid_number:weight",
    ]


# --- reliability 15: date order ----------------------------------------------------------


def test_month_first_column_is_read_month_first_with_a_warning() -> None:
    csv = (b"JK;Tgl Lahir;Tanggal Pengukuran;Berat;Tinggi;Cara Ukur\n"
           b"P;3/15/2024;8/11/2025;8,4;74,0;Terlentang\n"
           b"L;2/2/2022;8/11/2025;12,1;90,2;Berdiri\n"
           b"P;15-Mar-24;11-Agu-25;8,4;74,0;Terlentang\n")  # fmt: skip
    with pytest.warns(StuntlibWarning, match="month first"):
        df = parse_measurements(csv, "csv", profile="eppgbm")
    assert [str(d.date()) for d in df["birth_date"]] == ["2024-03-15", "2022-02-02", "2024-03-15"]
    assert [str(d.date()) for d in df["measure_date"]] == ["2025-08-11"] * 3
    assert df.attrs["stuntlib_read"]["date_order"] == {"birth_date": "mdy", "measure_date": "mdy"}
    assert df["read_problems"].isna().all()
    assert stuntlib.score(df)["age_days"].tolist()[1] == 1286  # 2022-02-02 -> 2025-08-11


def test_undecided_column_follows_the_profile_with_a_note() -> None:
    csv = b"JK;Tgl Lahir;Tanggal Pengukuran;Berat;Tinggi\nP;05/03/2024;07/08/2025;8;74\n"
    df = parse_measurements(csv, "csv", profile="eppgbm")
    assert str(df["birth_date"].iloc[0].date()) == "2024-03-05"
    assert str(df["measure_date"].iloc[0].date()) == "2025-08-07"
    assert df["read_problems"].iloc[0] == (
        "date_order_assumed:birth_date; date_order_assumed:measure_date"
    )


def test_day_first_column_decides_and_no_note() -> None:
    csv = b"JK;Tgl Lahir;Tanggal Pengukuran;Berat;Tinggi\nP;05/03/2024;17/08/2025;8;74\n"
    df = parse_measurements(csv, "csv", profile="eppgbm")
    assert str(df["birth_date"].iloc[0].date()) == "2024-03-05"
    assert pd.isna(df["read_problems"].iloc[0])


# --- reliability 16: layouts -------------------------------------------------------------


def _layouts(tmp: Path) -> None:
    (tmp / "title.csv").write_text(
        "Laporan e-PPGBM Kota Fiktif; Agustus 2025\n;\n" + ";".join(HEAD) + "\n"
        + ";".join(map(str, ROW)) + "\n"
    )  # fmt: skip
    body = "\t".join(HEAD) + "\r\n" + "\t".join(map(str, ROW)) + "\r\n"
    (tmp / "unicode.txt").write_bytes("\ufeff".encode("utf-16-le") + body.encode("utf-16-le"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Laporan e-PPGBM Kota Fiktif"])
    ws.append([])
    ws.append(HEAD)
    ws.append(ROW)
    wb.save(tmp / "title.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD[:5] + ["Pengukuran", None] + HEAD[7:])
    ws.append([None] * 5 + ["Berat", "Tinggi"] + [None] * 2)
    ws.append(ROW)
    ws.merge_cells("F1:G1")
    wb.save(tmp / "merged.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Petunjuk"
    ws.append(["Petunjuk pengisian"])
    ws2 = wb.create_sheet("Data")
    ws2.append(HEAD)
    ws2.append(ROW)
    wb.save(tmp / "second_sheet.xlsx")


@pytest.mark.parametrize(
    ("name", "header_row", "sheet"),
    [
        ("title.csv", 3, None),
        ("title.xlsx", 3, "Sheet"),
        ("merged.xlsx", 1, "Sheet"),
        ("second_sheet.xlsx", 1, "Data"),
        ("unicode.txt", 1, None),
    ],
)
def test_common_layouts_are_read(tmp_path: Path, name: str, header_row: int, sheet: str) -> None:
    _layouts(tmp_path)
    df = quiet_read(tmp_path / name)
    assert len(df) == 1
    info = df.attrs["stuntlib_read"]
    assert (info["header_row"], info["sheet"]) == (header_row, sheet)
    assert df["nik"].tolist() == ["3375014901230001"]
    assert df["weight"].tolist() == [10.9] and df["lenhei"].tolist() == [83.7]
    assert str(df["measure_date"].iloc[0].date()) == "2025-08-11"
    assert df["kelurahan"].tolist() == ["TIRTO"]


def test_layout_is_said_in_a_warning(tmp_path: Path) -> None:
    _layouts(tmp_path)
    with pytest.warns(StuntlibWarning, match="sheet 'Data'"):
        read_measurements(tmp_path / "second_sheet.xlsx")
    with pytest.warns(StuntlibWarning, match="header found on row 3"):
        read_measurements(tmp_path / "title.xlsx")


def test_header_row_and_sheet_can_be_given(tmp_path: Path) -> None:
    _layouts(tmp_path)
    assert len(quiet_read(tmp_path / "title.xlsx", header_row=3)) == 1
    assert len(quiet_read(tmp_path / "title.csv", header_row=3)) == 1
    assert len(read_measurements(tmp_path / "second_sheet.xlsx", sheet="Data")) == 1
    with pytest.raises(MissingColumnsError, match="row 1"):
        quiet_read(tmp_path / "title.xlsx", header_row=1)
    with pytest.raises(StuntlibError, match="header_row"):
        quiet_read(tmp_path / "title.xlsx", header_row=99)
    with pytest.raises(ReadError, match="'Nope' not found"):
        read_measurements(tmp_path / "second_sheet.xlsx", sheet="Nope")


# --- reliability 17: blank rows ----------------------------------------------------------


def test_blank_rows_are_dropped_and_counted(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD[:8] + ["Kec", "Desa/Kel"])
    for i, (sex, b) in enumerate((("P", "09/01/2023"), ("L", "02/02/2022"), ("P", "15/03/2024"))):
        ws.append([f"337501490123000{i}", f"Anak Fiktif {i}", sex, b, "11/08/2025", 10.0, 80.0,
                   "Berdiri", "PEKALONGAN BARAT", "TIRTO"])  # fmt: skip
    ws.cell(row=1500, column=1).value = " "
    wb.save(tmp_path / "export.xlsx")
    df = read_measurements(tmp_path / "export.xlsx")
    assert len(df) == 3
    info = df.attrs["stuntlib_read"]
    assert info["blank_rows"] == 1496  # rows 5 to 1500 of the sheet
    assert info["blank_row_numbers"][:2] == [5, 6]
    assert df["read_problems"].isna().all()


# --- reliability 23: dates in the future -------------------------------------------------


def test_dates_after_the_export_date_get_a_reason() -> None:
    df = pd.DataFrame({"sex": [1, 2], "birth_date": ["01/01/2029", "01/01/2024"],
                       "measure_date": ["11/08/2031", "11/08/2025"], "lenhei": [84.0, 80.0],
                       "weight": [11.0, 10.0]})  # fmt: skip
    out = parse_measurements(df, export_date="2025-09-01")
    # 11/08 could be either order and no value decides: noted as read day first.
    assert out["read_problems"].tolist() == [
        "future_date:birth_date; date_order_assumed:measure_date; future_date:measure_date",
        "date_order_assumed:measure_date",
    ]
    today = parse_measurements(df)  # default: today, which is before 2029 on this machine
    assert out.attrs["stuntlib_read"]["export_date"] == "2025-09-01"
    assert "future_date:measure_date" in today["read_problems"].iloc[0]


# --- Excel cells --------------------------------------------------------------------------


def test_xlsx_keeps_nik_text_and_reads_serial_and_date_cells(tmp_path: Path) -> None:
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NIK", "JK", "Tgl Lahir", "Tanggal Pengukuran", "Berat", "Tinggi"])
    ws.append(["3375014901239999", "P", 45000, dt.datetime(2025, 8, 11), 10.9, 83.7])
    ws.append(["3375014901230007", "L", dt.date(2023, 1, 26), "11 Agustus 2025", "13,2", 90.4])
    wb.save(tmp_path / "cells.xlsx")
    df = read_measurements(tmp_path / "cells.xlsx", profile="eppgbm")
    assert df["nik"].tolist() == ["3375014901239999", "3375014901230007"]
    # 45000 days after 1899-12-30 is 2023-03-15
    assert [str(d.date()) for d in df["birth_date"]] == ["2023-03-15", "2023-01-26"]
    assert [str(d.date()) for d in df["measure_date"]] == ["2025-08-11", "2025-08-11"]
    assert df["weight"].tolist() == [10.9, 13.2]
    assert df["read_problems"].isna().all()
    assert np.issubdtype(df["lenhei"].dtype, np.floating)
