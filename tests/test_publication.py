"""The Aksi 7 table: codes, counts, rollups, targets, small cells, the workbook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.estimation import prevalence
from stuntlib.publication import (
    AKSI7_COLUMNS,
    PEKALONGAN_AREAS,
    aksi7_table,
    area_codes,
    write_aksi7_workbook,
)

#: Kemendagri 2025 codes of 33.25, 33.26 and 33.75 (see tests/data/PROVENANCE.md).
REFERENCE_CSV = Path(__file__).resolve().parent / "data" / "kemendagri_extract.csv"
EN = {k: v[1] for k, v in AKSI7_COLUMNS.items()}


def _frame() -> pd.DataFrame:
    """Three kelurahan with known z-scores (names as the export writes them)."""
    kel = np.repeat(["TIRTO", "MEDONO", "KAUMAN", "DESA ANTAH"], [60, 40, 30, 5])
    kec = np.where(np.isin(kel, ["KAUMAN"]), "PEKALONGAN TIMUR", "PEKALONGAN BARAT")
    z = np.concatenate(
        [
            np.linspace(-4, 1, 60),
            np.linspace(-2.5, 1, 40),
            np.r_[-2.5, -2.5, np.zeros(28)],
            np.zeros(5),
        ]
    )
    return pd.DataFrame(
        {
            "nik": "3375014901234759",
            "name": "X",
            "kecamatan": kec,
            "kelurahan": kel,
            "zlen": z,
            "flen": 0,
            "age_days": 700,
        }
    )


def _row(table: pd.DataFrame, code: str) -> pd.Series:
    return table.set_index(EN["code"]).loc[code]


def test_built_in_codes_match_the_kemendagri_list() -> None:
    ref = pd.read_csv(REFERENCE_CSV, dtype=str)
    ref = ref[ref["kode"].str.startswith("33.75")]
    assert sorted(PEKALONGAN_AREAS) == sorted(zip(ref["kode"], ref["nama"], strict=True))


def test_area_codes_levels_and_any_mapping() -> None:
    a = area_codes()
    assert a["level"].value_counts().to_dict() == {"kelurahan": 27, "kecamatan": 4, "kota": 1}
    other = area_codes(
        pd.DataFrame(
            {
                "kode": ["33", "33.01", "33.01.01", "33.01.01.2001"],
                "nama": ["Jawa Tengah", "Kab. X", "Kec Y", "Desa Z"],
            }
        )
    )
    assert other["level"].tolist() == ["kota", "kecamatan", "kelurahan"]  # provinsi ignored
    with pytest.raises(StuntlibError, match="not Kemendagri codes"):
        area_codes({"33-75": "x"})


def test_counts_rollup_and_codes() -> None:
    t = aksi7_table(_frame(), language="en", protect=False)
    optional = ("target", "coverage", "puskesmas")
    assert list(t.columns) == [EN[k] for k in AKSI7_COLUMNS if k not in optional]
    assert t[EN["name"]].iloc[0] == "Kota Pekalongan"  # every level has its name
    assert len(t) == 33  # 1 kota + 4 kecamatan + 27 kelurahan + 1 kelurahan not in the list
    tirto = _row(t, "33.75.01.1009")
    assert tirto[EN["kelurahan"]] == "Tirto"
    assert tirto[EN["measured"]] == 60
    assert (tirto[EN["severe"]], tirto[EN["moderate"]], tirto[EN["stunted"]]) == (12, 12, 24)
    assert tirto[EN["prevalence"]] == 40.0
    kec = _row(t, "33.75.01")
    assert kec[EN["measured"]] == 60 + 40 + 5  # the unknown desa belongs to its kecamatan
    assert kec[EN["stunted"]] == 24 + 6
    kota = _row(t, "33.75")
    assert kota[EN["measured"]] == 135
    assert kota[EN["stunted"]] == 32
    empty = _row(t, "33.75.04.1010")
    assert empty[EN["measured"]] == 0 and "no data" in empty[EN["note"]]
    unknown = t[t[EN["code"]].isna()]
    assert unknown[EN["kelurahan"]].tolist() == ["Unknown"]  # pooled, never lent a code
    assert "not found" in unknown[EN["note"]].iloc[0]
    # the table lists kecamatan before their kelurahan, sorted by code
    codes = t[EN["code"]].dropna().tolist()
    assert codes == sorted(codes)


def test_interval_is_that_of_prevalence() -> None:
    df = _frame()
    t = aksi7_table(df, language="en", protect=False, decimals=None)
    res = prevalence(df[df["kelurahan"] == "TIRTO"], indicators="stunting")
    tirto = _row(t, "33.75.01.1009")
    assert tirto[EN["ci_low"]] == pytest.approx(res["ci_low"].iloc[0] * 100)
    assert tirto[EN["ci_high"]] == pytest.approx(res["ci_high"].iloc[0] * 100)


def test_no_names_or_niks_in_the_table() -> None:
    t = aksi7_table(_frame())
    text = [str(x) for x in t.to_numpy().ravel()]
    assert not any("3375014901234759" in x for x in text)
    assert not {"nik", "name", "Nama", "NIK"} & set(t.columns)


def test_small_cells_are_masked_with_their_complements() -> None:
    t = aksi7_table(_frame(), language="en")
    kauman = _row(t, "33.75.02.1004")  # 2 stunted of 30: disclosive
    assert pd.isna(kauman[EN["stunted"]]) and pd.isna(kauman[EN["prevalence"]])
    assert pd.isna(kauman[EN["severe"]]) and pd.isna(kauman[EN["moderate"]])
    assert kauman[EN["measured"]] == 30
    assert "masked" in kauman[EN["note"]]
    # Kauman is the only kelurahan of Pekalongan Timur with data: its total would equal the
    # kecamatan's, so the kecamatan row is hidden too (and, for the kota total, another
    # kecamatan with the kelurahan under it).
    timur = _row(t, "33.75.02")
    assert pd.isna(timur[EN["stunted"]])
    assert t.loc[t[EN["code"]].str.len() == 8, EN["stunted"]].isna().sum() >= 2
    # split masking: severe count of 1 masks severe and moderate, not the total
    df = _frame()
    df.loc[df["kelurahan"] == "MEDONO", "zlen"] = np.r_[-3.5, np.full(9, -2.5), np.zeros(30)]
    t = aksi7_table(df, language="en")
    medono = _row(t, "33.75.01.1002")
    assert pd.isna(medono[EN["severe"]]) and pd.isna(medono[EN["moderate"]])
    # its total (10) is not small; it is shown unless hidden as a complement of Kauman's
    total = medono[EN["stunted"]]
    assert pd.isna(total) and "masked so that" in medono[EN["note"]] or total == 10
    # ... and a sibling is masked too, so Medono's split cannot be recomputed from the kecamatan
    barat = t[(t[EN["kecamatan"]] == "Pekalongan Barat") & (t[EN["kelurahan"]] != "")]
    assert barat[EN["severe"]].isna().sum() >= 2


def test_targets_and_coverage() -> None:
    targets = {"33.75.01.1009": 80, "MEDONO": 50}
    t = aksi7_table(_frame(), language="en", targets=targets, protect=False)
    tirto = _row(t, "33.75.01.1009")
    assert tirto[EN["target"]] == 80 and tirto[EN["coverage"]] == 75.0
    assert _row(t, "33.75.01.1002")[EN["coverage"]] == 80.0
    assert pd.isna(_row(t, "33.75.01")[EN["target"]])  # other kelurahan have no target
    with pytest.raises(StuntlibError, match="match no kelurahan"):
        aksi7_table(_frame(), targets={"ATLANTIS": 3})


def test_indonesian_headers_by_default() -> None:
    t = aksi7_table(_frame())
    assert t.columns[:5].tolist() == [
        "Tingkat",
        "Kode wilayah (Kemendagri)",
        "Nama wilayah",
        "Kecamatan",
        "Desa/Kelurahan",
    ]
    assert "Prevalensi stunting (%)" in t.columns
    assert t.iloc[0, 0] == "Kabupaten/Kota"


def test_errors() -> None:
    with pytest.raises(ColumnError, match="zlen"):
        aksi7_table(pd.DataFrame({"kelurahan": ["TIRTO"]}))
    with pytest.raises(ColumnError, match="kelurahan"):
        aksi7_table(pd.DataFrame({"zlen": [0.0]}))
    with pytest.raises(StuntlibError, match="language"):
        aksi7_table(_frame(), language="fr")  # type: ignore[arg-type]


def test_workbook(tmp_path: Path) -> None:
    table = aksi7_table(_frame())
    path = write_aksi7_workbook(table, tmp_path / "out" / "aksi7.xlsx", period="Agustus 2025")
    book = load_workbook(path)
    assert book.sheetnames == ["Desa-Kelurahan", "Rekap kecamatan", "Keterangan"]
    desa, totals = book["Desa-Kelurahan"], book["Rekap kecamatan"]
    # title with the kota and the period on top; the header on row 4
    assert "Kota Pekalongan" in desa["A1"].value and "Agustus 2025" in desa["A1"].value
    assert "Agustus 2025" in totals["A1"].value
    assert desa["A4"].value == "Kode wilayah (Kemendagri)" and desa["A4"].font.bold
    # desa rows only: 27 of the list + 1 not in it, no kecamatan subtotal between them
    assert desa.max_row == 4 + 28
    codes = [desa.cell(row=r, column=1).value for r in range(5, desa.max_row + 1)]
    assert all(c is None or len(c) == 13 for c in codes)
    assert desa["A5"].value == "33.75.01.1002" and desa["A5"].data_type == "s"
    # totals: the kota row (with its name) and 4 kecamatan rows
    assert [totals.cell(row=r, column=3).value for r in (5, 6)] == [
        "Kota Pekalongan",
        "Pekalongan Barat",
    ]
    assert totals["A5"].font.bold and totals.max_row == 4 + 5
    # numbers stay numbers; percentages are proportions shown with one decimal
    header = [c.value for c in desa[4]]
    prev = header.index("Prevalensi stunting (%)") + 1
    tirto = next(r for r in range(5, desa.max_row + 1) if desa.cell(r, 1).value == "33.75.01.1009")
    cell = desa.cell(row=tirto, column=prev)
    assert cell.value == pytest.approx(0.40) and cell.number_format == "0.0%"
    # autofilter, print titles, landscape, fit to width, widths that hold the longest name
    assert desa.auto_filter.ref == f"A4:{desa.cell(4, desa.max_column).column_letter}32"
    assert desa.print_title_rows == "$4:$4"
    assert desa.page_setup.orientation == "landscape"
    assert desa.page_setup.fitToWidth == 1 and desa.sheet_properties.pageSetUpPr.fitToPage
    kel_col = header.index("Desa/Kelurahan") + 1
    longest = max(len(str(desa.cell(r, kel_col).value or "")) for r in range(5, 33))
    assert desa.column_dimensions[desa.cell(4, kel_col).column_letter].width >= longest
    notes = {row[0].value: row[1].value for row in book["Keterangan"].iter_rows()}
    assert notes["Periode pengukuran"] == "Agustus 2025"


def test_workbook_refuses_identifying_columns(tmp_path: Path) -> None:
    table = aksi7_table(_frame()).assign(NIK="x")
    with pytest.raises(StuntlibError, match="identify"):
        write_aksi7_workbook(table, tmp_path / "a.xlsx")


def _kelurahan(name: str, kecamatan: str, stunted: int, others: int) -> pd.DataFrame:
    zs = [-2.5] * stunted + [0.0] * others
    return pd.DataFrame(
        {"kecamatan": kecamatan, "kelurahan": name, "zlen": zs, "flen": 0, "age_days": 700}
    )


def test_no_hidden_cell_can_be_recomputed_across_levels() -> None:
    # Tirto has 1 stunted child: hidden, and so its kecamatan (its only kelurahan). The
    # kota total then forces a second kecamatan to be hidden, and that kecamatan's
    # kelurahan must not add up to it: at least two of them are hidden too.
    frame = pd.concat(
        [
            _kelurahan("TIRTO", "PEKALONGAN BARAT", 1, 29),
            _kelurahan("KAUMAN", "PEKALONGAN TIMUR", 8, 40),
            _kelurahan("PONCOL", "PEKALONGAN TIMUR", 9, 40),
        ]
    )
    table = aksi7_table(frame, language="en")
    hidden = table["Total stunted"].isna()
    by_code = dict(zip(table["Area code (Kemendagri)"], hidden, strict=True))
    assert by_code["33.75.01.1009"] and by_code["33.75.01"]  # Tirto, Pekalongan Barat
    assert by_code["33.75.02"]  # the complementary kecamatan
    assert by_code["33.75.02.1004"] and by_code["33.75.02.1007"]  # Kauman and Poncol


def test_the_complement_of_a_hidden_split_has_a_split_to_hide() -> None:
    # Tirto's split (sangat pendek / pendek) is hidden; a sibling whose total is 0 would
    # hide nothing, so the complement must be a kelurahan with stunted children.
    frame = pd.concat(
        [
            _kelurahan("TIRTO", "PEKALONGAN BARAT", 6, 24),
            _kelurahan("MEDONO", "PEKALONGAN BARAT", 0, 26),
            _kelurahan("PODOSUGIH", "PEKALONGAN BARAT", 15, 40),
        ],
        ignore_index=True,
    )
    frame.loc[0, "zlen"] = -3.5  # Tirto: 1 severely stunted, 5 stunted
    table = aksi7_table(frame, language="en").set_index("Area code (Kemendagri)")
    split = table["Severely stunted"].isna()
    assert split["33.75.01.1009"] and split["33.75.01.1003"] and not split["33.75.01.1002"]


@pytest.mark.parametrize("label", ["Nama Balita", "NIK Anak", "id_anak", "Nama Orang Tua"])
def test_workbook_refuses_identifying_columns_under_any_name(tmp_path: Path, label: str) -> None:
    table = pd.DataFrame({"Kode": ["33.75"], label: ["x"]})
    with pytest.raises(StuntlibError, match=label):
        write_aksi7_workbook(table, tmp_path / "t.xlsx")


def test_shared_placements_place_the_same_rows_once_and_only_the_same(monkeypatch) -> None:
    # the report places its rows in desa once for match_desa, aksi7_table and the Data
    # Sasaran; another frame (or a copy) is placed again, and nothing outlives the block
    from stuntlib.publication import _table, match_desa

    frame = _frame()
    alone = aksi7_table(frame, PEKALONGAN_AREAS, language="en")
    calls: list[int] = []
    place = _table._place
    monkeypatch.setattr(_table, "_place", lambda *a: calls.append(1) or place(*a))
    with _table.placements_shared():
        matched = match_desa(frame, PEKALONGAN_AREAS)
        shared = aksi7_table(frame, PEKALONGAN_AREAS, language="en")
        assert len(calls) == 1
        aksi7_table(frame.copy(), PEKALONGAN_AREAS, language="en")
        assert len(calls) == 2
    aksi7_table(frame, PEKALONGAN_AREAS, language="en")
    assert len(calls) == 3
    pd.testing.assert_frame_equal(shared, alone)
    # Tirto, Medono and Kauman by their Kemendagri codes; DESA ANTAH is in no list
    assert matched["kode"].tolist() == (
        ["33.75.01.1009"] * 60 + ["33.75.01.1002"] * 40 + ["33.75.02.1004"] * 30 + [pd.NA] * 5
    )
