"""The puskesmas level of the Aksi 7 table and workbook, with counts worked out by hand.

The frame (Kota Pekalongan, children written out one group at a time):

=================  ===========  ====================  =====  ======  ========
kecamatan          desa         Pukesmas (as typed)   sev.   mod.    others
=================  ===========  ====================  =====  ======  ========
Pekalongan Barat   TIRTO        TIRTO                 2      3       5
Pekalongan Barat   MEDONO       MEDONO                1      2       5
Pekalongan Barat   MEDONO       Puskesmas Tirto       0      1       3
Pekalongan Barat   PODOSUGIH    MEDONO                0      1       5
Pekalongan Timur   KAUMAN       (empty)               1      0       4
=================  ===========  ====================  =====  ======  ========

sev. = HAZ -3.5 (sangat pendek), mod. = HAZ -2.5 (pendek), others HAZ 0.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from stuntlib.publication import AKSI7_COLUMNS, aksi7_table, write_aksi7_workbook

EN = {k: v[1] for k, v in AKSI7_COLUMNS.items()}
BARAT, TIMUR = "PEKALONGAN BARAT", "PEKALONGAN TIMUR"


def _children(kec: str, desa: str, pkm: str | None, severe: int, moderate: int, other: int):
    z = [-3.5] * severe + [-2.5] * moderate + [0.0] * other
    return pd.DataFrame(
        {"Kec": kec, "Pukesmas": pkm, "Desa/Kel": desa, "zlen": z, "flen": 0, "age_days": 700}
    )


def _frame() -> pd.DataFrame:
    return pd.concat(
        [
            _children(BARAT, "TIRTO", "TIRTO", 2, 3, 5),
            _children(BARAT, "MEDONO", "MEDONO", 1, 2, 5),
            _children(BARAT, "MEDONO", "Puskesmas Tirto", 0, 1, 3),
            _children(BARAT, "PODOSUGIH", "MEDONO", 0, 1, 5),
            _children(TIMUR, "KAUMAN", "", 1, 0, 4),
        ],
        ignore_index=True,
    )


def _counts(table: pd.DataFrame) -> list[tuple]:
    """(level, code, name, puskesmas, measured, severe, moderate) of the rows with children."""
    cols = ["Level", EN["code"], EN["name"], EN["puskesmas"], EN["measured"], EN["severe"],
            EN["moderate"]]  # fmt: skip
    rows = table.loc[table[EN["measured"]] > 0, cols].astype(object)
    return [tuple(None if pd.isna(v) else v for v in r) for r in rows.itertuples(index=False)]


def test_puskesmas_rows_between_kecamatan_and_desa() -> None:
    t = aksi7_table(_frame(), language="en", protect=False)
    assert _counts(t) == [
        ("District/city", "33.75", "Kota Pekalongan", "", 33, 4, 7),
        ("Kecamatan", "33.75.01", "Pekalongan Barat", "", 28, 3, 7),
        # Medono: desa Medono (8: 1 + 2) and Podosugih (6: 0 + 1)
        ("Puskesmas", None, "Medono", "Medono", 14, 1, 3),
        ("Desa/kelurahan", "33.75.01.1002", "Medono", "Medono", 8, 1, 2),
        ("Desa/kelurahan", "33.75.01.1003", "Podosugih", "Medono", 6, 0, 1),
        # Tirto ("TIRTO" and "Puskesmas Tirto"): desa Medono (4: 0 + 1) and Tirto (10: 2 + 3)
        ("Puskesmas", None, "Tirto", "Tirto", 14, 2, 4),
        ("Desa/kelurahan", "33.75.01.1002", "Medono", "Tirto", 4, 0, 1),
        ("Desa/kelurahan", "33.75.01.1009", "Tirto", "Tirto", 10, 2, 3),
        ("Kecamatan", "33.75.02", "Pekalongan Timur", "", 5, 1, 0),
        ("Puskesmas", None, "Unknown", "Unknown", 5, 1, 0),  # no puskesmas typed
        ("Desa/kelurahan", "33.75.02.1004", "Kauman", "Unknown", 5, 1, 0),
    ]
    # the desa of the list without children follow the puskesmas of their kecamatan
    barat = t[t[EN["kecamatan"]] == "Pekalongan Barat"]
    assert barat[EN["code"]].iloc[-4:].tolist() == [
        "33.75.01.1004", "33.75.01.1006", "33.75.01.1008", "33.75.01.1012"
    ]  # fmt: skip
    assert (barat[EN["puskesmas"]].iloc[-4:] == "").all()
    assert len(t) == 1 + 4 + 3 + 27 + 1  # kota, kecamatan, puskesmas, desa + Medono again
    # the two Medono rows say the desa is split; the others do not
    split = t[EN["note"]].str.contains("another puskesmas")
    assert t.loc[split, EN["code"]].tolist() == ["33.75.01.1002", "33.75.01.1002"]
    assert t.attrs["stuntlib_aksi7"]["levels"] == ["kota", "kecamatan", "puskesmas", "kelurahan"]
    assert list(t.columns[:6]) == [EN[k] for k in ("level", "code", "name", "kecamatan",
                                                   "puskesmas", "kelurahan")]  # fmt: skip


def test_indonesian_level_name() -> None:
    t = aksi7_table(_frame(), protect=False)
    assert t.loc[t["Nama wilayah"] == "Medono", "Tingkat"].tolist() == [
        "Puskesmas", "Desa/Kelurahan", "Desa/Kelurahan"
    ]  # fmt: skip
    assert t.loc[t["Tingkat"] == "Puskesmas", "Nama wilayah"].tolist() == [
        "Medono", "Tirto", "Tidak diketahui"
    ]  # fmt: skip


def test_without_a_puskesmas_column_the_table_is_unchanged() -> None:
    t = aksi7_table(_frame().drop(columns="Pukesmas"), language="en", protect=False)
    assert EN["puskesmas"] not in t.columns
    assert set(t["Level"]) == {"District/city", "Kecamatan", "Desa/kelurahan"}
    assert len(t) == 1 + 4 + 27
    assert t.attrs["stuntlib_aksi7"]["levels"] == ["kota", "kecamatan", "kelurahan"]
    by_code = t.set_index(EN["code"])
    # Medono is one row again: 8 + 4 children, 1 + 0 severe, 2 + 1 moderate
    medono = by_code.loc["33.75.01.1002"]
    assert (medono[EN["measured"]], medono[EN["severe"]], medono[EN["moderate"]]) == (12, 1, 3)
    assert by_code.loc["33.75.01", EN["measured"]] == 28
    codes = t[EN["code"]].tolist()
    assert codes == sorted(codes)  # kota, then each kecamatan before its desa
    # a column that names no puskesmas at all adds no level either
    empty = aksi7_table(_frame().assign(Pukesmas=""), language="en", protect=False)
    assert set(empty["Level"]) == set(t["Level"]) and len(empty) == len(t)


def test_targets_of_split_desa_and_puskesmas() -> None:
    targets = {"TIRTO": 30, "MEDONO": 20, "PODOSUGIH": 10, "KAUMAN": 12}
    targets |= {code: 5 for code in ("33.75.01.1004", "33.75.01.1006", "33.75.01.1008",
                                     "33.75.01.1012")}  # fmt: skip
    t = aksi7_table(_frame(), language="en", targets=targets, protect=False)
    t = t.assign(key=t["Level"].str[:3] + ":" + t[EN["name"]] + "/" + t[EN["puskesmas"]])
    rows = t.set_index("key")
    assert rows.loc["Des:Tirto/Tirto", EN["target"]] == 30
    assert rows.loc["Des:Tirto/Tirto", EN["coverage"]] == 33.3  # 10 / 30, 1 decimal
    assert rows.loc["Des:Podosugih/Medono", EN["target"]] == 10
    assert pd.isna(rows.loc["Des:Medono/Medono", EN["target"]])  # split: not divided
    assert pd.isna(rows.loc["Des:Medono/Tirto", EN["target"]])
    assert pd.isna(rows.loc["Des:Medono/Medono", EN["coverage"]])
    # a puskesmas target is the sum of its desa rows (NA with a split desa)
    assert pd.isna(rows.loc["Pus:Medono/Medono", EN["target"]])
    assert rows.loc["Pus:Unknown/Unknown", EN["target"]] == 12
    assert rows.loc["Pus:Unknown/Unknown", EN["coverage"]] == 41.7  # 5 / 12
    # the kecamatan target still counts every desa of the list once: 30 + 20 + 10 + 4 x 5
    assert t.set_index(EN["code"]).loc["33.75.01", EN["target"]] == 80


places = st.lists(
    st.tuples(
        st.sampled_from(
            [
                (BARAT, "TIRTO"),
                (BARAT, "MEDONO"),
                (TIMUR, "KAUMAN"),
                (TIMUR, "PONCOL"),
                ("NOWHERE", "ATLANTIS"),
            ]
        ),  # fmt: skip
        st.sampled_from(["MEDONO", "TIRTO", "KLEGO", "", None]),
        st.integers(0, 4),
        st.integers(0, 4),
        st.integers(1, 6),
    ),
    min_size=1,
    max_size=10,
)


# a file of only "ATLANTIS" is published with its own names, with a warning
@pytest.mark.filterwarnings("ignore:scored. no row could be placed:stuntlib.errors.StuntlibWarning")
@settings(max_examples=30, deadline=None)
@given(places)
def test_every_level_adds_up_and_nothing_is_lost(groups) -> None:
    """Desa rows add up to their puskesmas row, puskesmas rows to their kecamatan."""
    frame = pd.concat(
        [_children(*place, pkm, s, m, o) for place, pkm, s, m, o in groups], ignore_index=True
    )
    t = aksi7_table(frame, language="en", protect=False)
    counts = [EN["measured"], EN["severe"], EN["moderate"]]
    assert t[counts].iloc[0].tolist() == [len(frame), (frame["zlen"] == -3.5).sum(),
                                          (frame["zlen"] == -2.5).sum()]  # fmt: skip
    level = t["Level"].to_numpy()
    kec, pkm = t[EN["kecamatan"]].to_numpy(), t[EN["puskesmas"]].to_numpy()
    is_desa, is_pkm = level == "Desa/kelurahan", level == "Puskesmas"
    by_puskesmas = is_pkm.any()

    def adds_up(row: int, children: np.ndarray) -> None:
        assert t.loc[children, counts].sum().tolist() == t[counts].iloc[row].tolist()

    for i in np.flatnonzero(is_pkm):
        adds_up(i, is_desa & (kec == kec[i]) & (pkm == pkm[i]))
    for i in np.flatnonzero(level == "Kecamatan"):
        if by_puskesmas:  # desa under no puskesmas are only the desa without children
            assert (t.loc[is_desa & (kec == kec[i]) & (pkm == ""), EN["measured"]] == 0).all()
            adds_up(i, is_pkm & (kec == kec[i]))
        else:
            adds_up(i, is_desa & (kec == kec[i]))
    placed = np.isin(kec, kec[level == "Kecamatan"])
    adds_up(0, (level == "Kecamatan") | (is_desa & ~placed))


def test_workbook_shows_the_puskesmas_rows(tmp_path: Path) -> None:
    path = write_aksi7_workbook(aksi7_table(_frame()), tmp_path / "a7.xlsx", period="Agustus")
    book = load_workbook(path)
    desa, totals = book["Desa-Kelurahan"], book["Rekap kecamatan"]
    assert totals["A2"].value == "Rekap kabupaten/kota, kecamatan dan puskesmas"
    assert [c.value for c in totals[4]][:4] == ["Tingkat", "Kode wilayah (Kemendagri)",
                                                "Nama wilayah", "Kecamatan"]  # fmt: skip
    shown = [tuple(totals.cell(r, c).value for c in range(1, 5)) for r in range(5, 14)]
    assert shown == [
        ("Kabupaten/Kota", "33.75", "Kota Pekalongan", None),
        ("Kecamatan", "33.75.01", "Pekalongan Barat", "Pekalongan Barat"),
        ("Puskesmas", None, "Medono", "Pekalongan Barat"),
        ("Puskesmas", None, "Tirto", "Pekalongan Barat"),
        ("Kecamatan", "33.75.02", "Pekalongan Timur", "Pekalongan Timur"),
        ("Puskesmas", None, "Tidak diketahui", "Pekalongan Timur"),
        ("Kecamatan", "33.75.03", "Pekalongan Utara", "Pekalongan Utara"),
        ("Kecamatan", "33.75.04", "Pekalongan Selatan", "Pekalongan Selatan"),
        (None, None, None, None),
    ]
    assert totals["A6"].font.bold and not totals["A7"].font.bold  # kecamatan bold
    measured = [c.value for c in totals[4]].index("Jumlah balita diukur (TB/U sah)") + 1
    assert [totals.cell(r, measured).value for r in (7, 8, 10)] == [14, 14, 5]
    # the desa sheet: desa rows only (27 + Medono under its second puskesmas), autofilter
    assert desa.max_row == 4 + 28
    header = [c.value for c in desa[4]]
    pkm = header.index("Puskesmas") + 1
    assert [desa.cell(r, pkm).value for r in range(5, 9)] == ["Medono", "Medono", "Tirto",
                                                              "Tirto"]  # fmt: skip
    assert desa.auto_filter.ref == f"A4:{desa.cell(4, desa.max_column).column_letter}32"
    assert totals.auto_filter.ref == f"A4:{totals.cell(4, totals.max_column).column_letter}12"
    notes = {row[0].value: row[1].value for row in book["Keterangan"].iter_rows()}
    assert "dua puskesmas" in notes["Puskesmas"]


def test_workbook_row_heights_and_print_setup(tmp_path: Path) -> None:
    """Heights worked out by hand from the column widths; A4 landscape, one page wide."""
    table = aksi7_table(_frame())
    book = load_workbook(write_aksi7_workbook(table, tmp_path / "a7.xlsx"))
    desa = book["Desa-Kelurahan"]
    width = {c.value: desa.column_dimensions[c.column_letter].width for c in desa[4]}
    # a header column is its longest word + 2 wide (at least 9 for numbers); bold header
    # text takes 1.1 widths of a digit per character:
    assert width["Jumlah balita diukur (TB/U sah)"] == 9  # "Jumlah" + 2 -> 8, at least 9
    assert width["Total stunting (pendek + sangat pendek)"] == 10  # "stunting" + 2
    # width 9 -> int(8 / 1.1) = 7 characters a line: Jumlah / balita / diukur / (TB/U / sah)
    # width 10 -> 8: Total / stunting / (pendek / + sangat / pendek)          -> 5 lines
    assert desa.row_dimensions[4].height == 5 * 15
    assert desa.row_dimensions[1].height == pytest.approx(13 / 11 * 15)  # one 13-pt line
    # text columns stop at 30 characters; longer notes wrap: 0.9 widths of a digit per
    # character -> int(29 / 0.9) = 32 a line
    assert width["Keterangan"] == 30
    col = list(width).index("Keterangan") + 1
    podosugih = next(r for r in range(5, desa.max_row + 1)
                     if desa.cell(r, 1).value == "33.75.01.1003")  # fmt: skip
    note = desa.cell(podosugih, col).value
    # masked (everything is, in so small a frame) and n < 25; wrapped by hand:
    lines = [
        "sel kecil disamarkan (< 3",
        "kasus); disamarkan agar sel",
        "kecil lain tidak dapat dihitung",
        "balik; n < 25: estimasi kurang",
        "stabil",
    ]
    assert note == " ".join(lines)
    assert textwrap.wrap(note, 32) == lines
    assert desa.row_dimensions[podosugih].height == 5 * 15
    assert desa.cell(podosugih, col).alignment.wrap_text
    assert desa.cell(podosugih, 1).alignment.vertical == "top"  # beside the wrapped note
    no_data = next(
        r for r in range(5, desa.max_row + 1) if desa.cell(r, col).value == "tidak ada data"
    )
    assert desa.row_dimensions[no_data].height is None  # a one-line row keeps the default
    for sheet in (desa, book["Rekap kecamatan"]):
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # 9 = A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$4:$4"
        assert sheet.page_margins.left == 0.4 and sheet.page_margins.right == 0.4
        assert {r.coord[:3] for r in sheet.merged_cells.ranges} == {"A1:", "A2:"}  # titles
    notes = book["Keterangan"]
    assert notes.page_setup.orientation == "landscape" and notes.page_setup.fitToHeight == 0
    assert notes["B10"].alignment.wrap_text
