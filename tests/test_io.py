"""Readers and writers: every e-PPGBM quirk, every format, straight into score()."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stuntlib
from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.io import (
    PROFILES,
    MissingColumnsError,
    ReadError,
    detect_profile,
    parse_measurements,
    read_measurements,
    write_table,
)

DATA = Path(__file__).parent / "data"
QUIRKS = DATA / "eppgbm_quirks.csv"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "pekalongan_eppgbm.csv"


@pytest.fixture(scope="module")
def quirks() -> pd.DataFrame:
    return read_measurements(QUIRKS, profile="eppgbm")


def test_every_row_comes_back_in_order(quirks: pd.DataFrame) -> None:
    # 7 data lines; line 7 of the file is blank (only separators): not a record.
    assert len(quirks) == 6
    assert isinstance(quirks.index, pd.RangeIndex)
    assert quirks["No"].tolist() == [1, 2, 3, 4, 5, 7]
    assert quirks.attrs["stuntlib_read"]["blank_rows"] == 1
    assert quirks.attrs["stuntlib_read"]["blank_row_numbers"] == [7]


def test_headers_become_canonical_and_extras_are_kept(quirks: pd.DataFrame) -> None:
    for name in (
        "nik",
        "name",
        "sex",
        "birth_date",
        "parent_name",
        "kecamatan",
        "puskesmas",
        "kelurahan",
        "posyandu",
        "measure_date",
        "weight",
        "lenhei",
        "measure",
        "armc",
    ):
        assert name in quirks.columns, name
    assert "Catatan" in quirks.columns  # unknown column kept under its own label
    assert quirks.attrs["stuntlib_read"]["columns"]["puskesmas"] == "Pukesmas"
    assert "Catatan" in quirks.attrs["stuntlib_read"]["unmapped"]


def test_decimal_commas(quirks: pd.DataFrame) -> None:
    assert quirks["weight"].tolist()[:3] == [10.9, 13.2, 9.1]
    assert quirks["lenhei"].iloc[0] == 83.7
    assert quirks["armc"].iloc[0] == 13.6
    assert quirks["weight"].dtype == np.float64


def test_dates_day_first_and_indonesian_months(quirks: pd.DataFrame) -> None:
    birth = quirks["birth_date"]
    assert birth.iloc[0] == pd.Timestamp("2023-01-09")  # 09/01/2023 is 9 January
    assert birth.iloc[1] == pd.Timestamp("2023-01-26")  # 26 Januari 2023
    assert birth.iloc[2] == pd.Timestamp("2024-05-09")  # 9 Mei 2024
    assert quirks["measure_date"].iloc[2] == pd.Timestamp("2025-08-17")  # 17 Agustus 2025
    assert pd.isna(birth.iloc[4])  # 32/13/2022 is no date


def test_positions(quirks: pd.DataFrame) -> None:
    assert quirks["measure"].tolist()[:4] == ["h", "l", "l", "duduk"]
    assert pd.isna(quirks["measure"].iloc[5])  # empty Cara Ukur stays missing, no problem


def test_nik_is_text_and_scientific_notation_is_reported(quirks: pd.DataFrame) -> None:
    assert pd.api.types.is_string_dtype(quirks["nik"].dtype)
    assert quirks["nik"].iloc[0] == "3375014901234759"
    assert quirks["nik"].iloc[1] == "3.37501E+15"  # kept as written, flagged
    problems = quirks["read_problems"]
    assert problems.iloc[1] == "nik_scientific_notation"
    assert "nik_malformed" in problems.iloc[3]


def test_malformed_rows_come_back_with_a_reason(quirks: pd.DataFrame) -> None:
    problems = quirks["read_problems"]
    assert pd.isna(problems.iloc[0])
    assert "invalid_number:weight" in problems.iloc[3]
    assert np.isnan(quirks["weight"].iloc[3])
    assert "unknown_code:measure" in problems.iloc[3]
    assert problems.iloc[4] == "invalid_date:birth_date"
    assert pd.isna(problems.iloc[5])


def test_score_takes_the_frame_with_no_other_argument(quirks: pd.DataFrame) -> None:
    scored = stuntlib.score(quirks)
    assert len(scored) == len(quirks)
    assert scored.index.equals(quirks.index)
    assert scored["zlen"].notna().tolist() == [True, True, True, False, False, True]
    assert scored["zlen_reason"].iloc[3] == "invalid_measure"  # 'duduk' kept as written
    assert scored["zlen_reason"].iloc[4] == "missing_age"
    assert scored["zwei_reason"].iloc[3] == "missing_measurement"
    # Terlentang at 2 y 6 mo: WHO's -0.7 cm applies.
    assert scored["clenhei"].iloc[1] == pytest.approx(90.4 - 0.7)


def test_missing_required_columns_name_them_and_the_expected_headers() -> None:
    with pytest.raises(MissingColumnsError) as info:
        read_measurements(DATA / "eppgbm_missing_columns.csv", profile="eppgbm")
    message = str(info.value)
    assert "'Tgl Lahir' (birth_date)" in message
    assert "'Tinggi' (lenhei)" in message
    assert "'Pukesmas'" in message and "'Desa/Kel'" in message  # the profile's headers
    assert info.value.missing == ("birth_date", "lenhei")
    assert isinstance(info.value, ColumnError) and isinstance(info.value, StuntlibError)


def test_generic_profile_requires_an_age() -> None:
    with pytest.raises(MissingColumnsError, match="age_days"):
        parse_measurements(b"sex,lenhei\n1,80\n", "csv", profile="generic")


def test_unknown_profile_and_suffix() -> None:
    with pytest.raises(StuntlibError, match="profile"):
        read_measurements(QUIRKS, profile="dhs")
    with pytest.raises(ReadError, match="unknown file type"):
        read_measurements(DATA / "READERS.md")


def test_missing_file_and_corrupt_workbook(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_measurements(tmp_path / "nothing.xlsx")
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # a zip cut short: a damaged workbook
    with pytest.raises(ReadError, match="cannot open the workbook"):
        read_measurements(bad)


def test_detect_profile() -> None:
    assert detect_profile(pd.read_csv(QUIRKS, sep=";", nrows=0).columns) == "eppgbm"
    assert detect_profile(["sex", "age_months", "weight"]) == "who"
    assert detect_profile(["gender", "dob"]) == "generic"
    assert set(PROFILES) == {"eppgbm", "who", "generic"}


def test_who_profile_and_auto(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(
        "sex,age_days,lenhei,weight,measure,oedema\n1,1001,120,18,h,n\n2,1000,80,15,h,n\n"
    )
    df = read_measurements(path)
    assert df.attrs["stuntlib_read"]["profile"] == "who"
    assert stuntlib.score(df)["zlen"].round(2).tolist() == [7.31, -3.5]


def test_explicit_columns_mapping() -> None:
    data = b"kelamin_anak,umur_hari,panjang\nL,400,75\n"
    df = parse_measurements(
        data, "csv", columns={"sex": "kelamin_anak", "age_days": "umur_hari", "lenhei": "panjang"}
    )
    assert {"sex", "age_days", "lenhei"} <= set(df.columns)


def _write_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Data Balita"
    sheet.append(
        [
            "No",
            "NIK",
            "Nama",
            "JK",
            "Tgl Lahir",
            "Kec",
            "Pukesmas",
            "Desa/Kel",
            "Tanggal Pengukuran",
            "Berat",
            "Tinggi",
            "Cara Ukur",
            "LiLA",
        ]
    )
    sheet.append(
        [
            1,
            3375014901234760,
            "ADIBA",
            "P",
            "09/01/2023",
            "PEKALONGAN BARAT",
            "MEDONO",
            "TIRTO",
            dt.datetime(2025, 8, 11),
            "10,9",
            83.7,
            "Berdiri",
            None,
        ]
    )
    sheet.append(
        [
            2,
            "3.37501E+15",
            "BUDI",
            "L",
            dt.datetime(2023, 1, 26),
            "PEKALONGAN BARAT",
            "MEDONO",
            "TIRTO",
            45880,
            13.2,
            "90,4",
            "Terlentang",
            15,
        ]
    )
    sheet.append(
        [
            3,
            "3375010905236936",
            "CITRA",
            "P",
            "9 Mei 2024",
            "PEKALONGAN BARAT",
            "MEDONO",
            "MEDONO",
            "17 Agustus 2025",
            9,
            76,
            "Telentang",
        ]
    )  # a short row: the trailing empty cells are not stored
    for row in range(5, 9):  # formatted but empty rows at the end of the sheet
        sheet.cell(row=row, column=2).number_format = "@"
    book.save(path)


def test_real_xlsx_written_by_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    _write_xlsx(path)
    df = read_measurements(path, profile="eppgbm")
    assert len(df) == 3
    assert df["nik"].tolist() == ["3375014901234760", "3.37501E+15", "3375010905236936"]
    # 09/01/2023 is the only a/b/yyyy birth date: nothing decides its order, so it is
    # read day first (the e-PPGBM profile) and noted.
    assert df["read_problems"].tolist()[:2] == [
        "nik_numeric; date_order_assumed:birth_date",
        "nik_scientific_notation",
    ]
    assert pd.isna(df["read_problems"].iloc[2])
    assert df["weight"].tolist() == [10.9, 13.2, 9.0]
    assert df["lenhei"].tolist() == [83.7, 90.4, 76.0]
    assert df["measure_date"].tolist() == [
        pd.Timestamp("2025-08-11"),
        pd.Timestamp("2025-08-11"),
        pd.Timestamp("2025-08-17"),
    ]
    assert df["birth_date"].iloc[1] == pd.Timestamp("2023-01-26")
    assert df["measure"].tolist() == ["h", "l", "l"]
    assert df["No"].tolist() == [1, 2, 3]
    assert str(df["No"].dtype) == "Int64"  # Excel's 1.0 is the export's row number 1
    scored = stuntlib.score(df)
    assert scored["zlen"].notna().all()


def test_xlsx_sheet_selection(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    _write_xlsx(path)
    assert len(read_measurements(path, sheet="Data Balita")) == 3
    with pytest.raises(ReadError, match="sheet 'Nope' not found"):
        read_measurements(path, sheet="Nope")


def test_csv_xlsx_parquet_give_the_same_frame(tmp_path: Path) -> None:
    csv = read_measurements(QUIRKS, profile="eppgbm")
    xlsx_path = write_table(csv, tmp_path / "q.xlsx")
    pq_path = write_table(csv, tmp_path / "q.parquet")
    for path in (xlsx_path, pq_path):
        again = read_measurements(path, profile="eppgbm")
        assert len(again) == len(csv)
        assert again["nik"].tolist()[:2] == csv["nik"].tolist()[:2]
        np.testing.assert_allclose(again["lenhei"], csv["lenhei"])
        assert again["birth_date"].iloc[:4].tolist() == csv["birth_date"].iloc[:4].tolist()


def test_writers_round_trip_scored_rows(tmp_path: Path) -> None:
    scored = stuntlib.score(read_measurements(QUIRKS, profile="eppgbm"))
    for suffix in (".csv", ".parquet", ".xlsx"):
        path = write_table(scored, tmp_path / f"scored{suffix}")
        assert path.exists() and path.stat().st_size > 0
    back = pd.read_parquet(tmp_path / "scored.parquet")
    assert len(back) == len(scored)
    np.testing.assert_allclose(back["zlen"], scored["zlen"])
    text = pd.read_csv(tmp_path / "scored.csv", dtype={"nik": str})
    assert text["nik"].iloc[0] == "3375014901234759"
    book = pd.read_excel(tmp_path / "scored.xlsx", dtype={"nik": str}, engine="calamine")
    assert list(book.columns) == [str(c) for c in scored.columns]


def test_write_table_csv_for_indonesian_excel(tmp_path: Path) -> None:
    path = write_table(pd.DataFrame({"p": [24.5]}), tmp_path / "t.csv", sep=";", decimal=",")
    assert path.read_text().splitlines() == ["p", "24,5"]


def test_write_table_refuses_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ReadError):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.json")


def test_bundled_sample_csv() -> None:
    df = read_measurements(SAMPLE, profile="eppgbm")
    assert len(df) == 20040
    counts = df["read_problems"].value_counts()
    # pekalongan_defects.csv: 12 NIKs in scientific notation; of the 8 implausible heights
    # only 875.0 (No 2347) is above 250 and not a run of nines: read as 875 mm = 87.5 cm.
    assert counts.to_dict() == {"nik_scientific_notation": 12, "unit_converted:lenhei": 1}
    assert df.loc[df["No"] == 2347, "lenhei"].tolist() == [87.5]
    scored = stuntlib.score(df)
    assert len(scored) == 20040


def test_a_bare_year_is_not_an_excel_serial_and_ags_is_august() -> None:
    import io as _io

    text = (
        "NIK,JK,Tgl Lahir,Tanggal Pengukuran,Berat,Tinggi\n"
        "3375010101240001,L,2024,17 Ags 2025,10,80\n"
        "3375010101240002,P,45000,01/08/2025,10,80\n"
    )
    df = stuntlib.parse_measurements(_io.BytesIO(text.encode()), "csv", profile="eppgbm")
    assert pd.isna(df["birth_date"].iloc[0])
    assert "invalid_date" in df["read_problems"].iloc[0]
    assert str(df["measure_date"].iloc[0].date()) == "2025-08-17"
    # 45000 days after 1899-12-30 (an Excel serial in a date column) is 2023-03-15
    assert str(df["birth_date"].iloc[1].date()) == "2023-03-15"


def test_write_table_neutralises_formulas(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "kelurahan": ['=HYPERLINK("http://x")', "+1+1", "TIRTO", "-", "@SUM(A1)", None],
            "note": ["-1.5", "\tx", "ok", "a=b", "-2", "x"],
            "n": [1, 2, 3, 4, 5, 6],
        }
    )
    path = write_table(frame, tmp_path / "t.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back["kelurahan"].tolist() == [
        '\'=HYPERLINK("http://x")',
        "'+1+1",
        "TIRTO",
        "'-",
        "'@SUM(A1)",
        "",
    ]
    assert back["note"].tolist() == ["-1.5", "'\tx", "ok", "a=b", "-2", "x"]
    book = write_table(frame, tmp_path / "t.xlsx")
    cells = pd.read_excel(book, dtype=str, engine="calamine")
    assert cells["kelurahan"].iloc[0] == '\'=HYPERLINK("http://x")'  # text, not a formula
    raw = write_table(frame, tmp_path / "t.csv", escape_formulas=False)
    assert pd.read_csv(raw, dtype=str)["kelurahan"].iloc[1] == "+1+1"


def test_write_table_keeps_group_labels_and_drops_row_numbers(tmp_path: Path) -> None:
    labelled = pd.DataFrame({"n": [12, 7]}, index=["Total", "=Kelurahan: Tirto"])
    path = write_table(labelled, tmp_path / "t.csv")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "group,n",
        "Total,12",
        "'=Kelurahan: Tirto,7",
    ]
    numbered = pd.DataFrame({"n": [12, 7]}, index=[4, 9])  # rows left after a filter
    path = write_table(numbered, tmp_path / "u.csv")
    assert path.read_text(encoding="utf-8").splitlines() == ["n", "12", "7"]


def test_extra_columns_of_whole_numbers_are_integers(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "No,RT,BB Lahir,Catatan,sex,age_days,lenhei\n1,3,2.8,a,1,400,75.1\n2,,3.0,b,2,500,80.2\n",
        encoding="utf-8",
    )
    df = read_measurements(path, profile="generic")
    assert str(df["No"].dtype) == "Int64" and df["No"].tolist() == [1, 2]
    assert str(df["RT"].dtype) == "Int64" and df["RT"].tolist()[0] == 3
    assert df["RT"].isna().tolist() == [False, True]
    assert df["BB Lahir"].tolist() == [2.8, 3.0]  # a measurement stays a float


def test_sheet_of_a_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("sex,age_days,lenhei\n1,400,75.1\n", encoding="utf-8")
    with pytest.raises(StuntlibError, match="^sheet: a csv file has no sheets"):
        read_measurements(path, sheet="Data Balita")


def test_a_csv_or_empty_file_named_xlsx_is_named_for_what_it_is(tmp_path: Path) -> None:
    fake = tmp_path / "export.xlsx"
    fake.write_text("JK,Tgl Lahir,Tinggi\nL,01/01/2023,80\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not an Excel workbook: it holds plain text"):
        read_measurements(fake)
    fake.write_bytes(b"")
    with pytest.raises(ReadError, match="the file is empty"):
        read_measurements(fake)
