"""Situation analysis on the synthetic Kota Pekalongan fixture; presets, top-k, exports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stuntlib.convergence import (
    DATA_SASARAN_COLUMNS,
    PriorityPreset,
    priority_classes,
    read_coverage,
    read_krs,
    situation_analysis,
    top_k_probability,
    write_aksi_bangda,
)
from stuntlib.errors import ColumnError, StuntlibError

SAMPLES = Path(__file__).parents[1] / "data" / "samples"

# The hand-computed spreadsheet. Inputs: n and stunted cases per kelurahan (stuntlib's
# prevalence of data/samples/pekalongan_eppgbm.csv by kelurahan), balita_sasaran and the
# coverage index from pekalongan_cakupan.csv, KRS and KRS rate from pekalongan_krs.csv.
# Derived by hand-written plain Python (not stuntlib):
# * coverage index = mean over asi_eksklusif (target 0.8), mpasi (0.8),
#   imunisasi_dasar_lengkap (0.9), balita_dipantau (0.9) of min(pembilang/penyebut/target, 1);
# * EB prior by a refined grid search of the beta-binomial log-likelihood written with
#   math.lgamma: Beta(11.330, 35.285); eb = (a + cases) / (a + b + n);
# * beban = eb x balita_sasaran;
# * traffic light: red = krs in the worst third (rank <= 9 of 27, ties share the better rank),
#   beban worst third, eb >= 0.20, coverage index in the lowest third; class 4 red -> 1,
#   3 -> 2, 2 -> 3, else 4;
# * intersection: eb >= 0.20 and beban worst third and krs_rate worst third -> 1, else 4;
# * weighted index: mean of min-max scaled eb, beban, krs_rate and (max - index)
#   (1 = worst); rank 1-9 -> 1, 10-18 -> 2, 19-27 -> 3.
# columns: kode, n, cases, balita_sasaran, krs, krs_rate, coverage index, eb,
#          reds, traffic light, intersection, weighted index, its rank, its class
SHEET = [
    ("33.75.01.1002", 928, 169, 969, 550, 0.2014, 0.8891, 0.1850, 2, 3, 4, 0.4374, 14, 2),
    ("33.75.01.1003", 624, 133, 692, 457, 0.3185, 0.8746, 0.2152, 2, 3, 4, 0.5857, 8, 1),
    ("33.75.01.1004", 992, 161, 1142, 512, 0.3259, 0.9677, 0.1659, 0, 4, 4, 0.4081, 16, 2),
    ("33.75.01.1006", 714, 89, 805, 780, 0.3399, 0.9299, 0.1319, 2, 3, 4, 0.3771, 20, 3),
    ("33.75.01.1008", 497, 137, 519, 416, 0.1449, 0.9482, 0.2729, 1, 4, 4, 0.3453, 23, 3),
    ("33.75.01.1009", 990, 216, 1253, 748, 0.2545, 0.8812, 0.2193, 4, 1, 1, 0.6254, 5, 1),
    ("33.75.01.1012", 464, 95, 511, 538, 0.2198, 0.9346, 0.2082, 2, 3, 4, 0.3384, 24, 3),
    ("33.75.02.1002", 972, 170, 1095, 228, 0.1416, 0.9511, 0.1780, 0, 4, 4, 0.2751, 26, 3),
    ("33.75.02.1004", 670, 82, 712, 349, 0.1167, 0.9882, 0.1302, 0, 4, 4, 0.0420, 27, 3),
    ("33.75.02.1007", 847, 164, 1045, 587, 0.2379, 0.9628, 0.1962, 1, 4, 4, 0.3786, 19, 3),
    ("33.75.02.1008", 539, 129, 577, 791, 0.3500, 0.9581, 0.2396, 2, 3, 4, 0.4882, 12, 2),
    ("33.75.02.1009", 918, 243, 1054, 354, 0.1356, 0.9131, 0.2637, 3, 2, 4, 0.5061, 11, 2),
    ("33.75.02.1010", 579, 115, 703, 486, 0.2349, 0.9331, 0.2019, 1, 4, 4, 0.3795, 18, 2),
    ("33.75.02.1012", 1039, 266, 1286, 358, 0.2512, 0.9564, 0.2555, 2, 3, 1, 0.5777, 9, 1),
    ("33.75.03.1002", 646, 199, 763, 300, 0.2530, 0.9549, 0.3037, 2, 3, 1, 0.5528, 10, 2),
    ("33.75.03.1003", 933, 331, 1062, 475, 0.3012, 0.9681, 0.3495, 2, 3, 1, 0.7504, 1, 1),
    ("33.75.03.1004", 781, 274, 954, 252, 0.1290, 0.9044, 0.3448, 3, 2, 4, 0.6518, 3, 1),
    ("33.75.03.1006", 681, 180, 707, 330, 0.1804, 0.9789, 0.2630, 1, 4, 4, 0.3534, 22, 3),
    ("33.75.03.1007", 779, 254, 844, 638, 0.2460, 0.9426, 0.3214, 3, 2, 4, 0.6223, 6, 1),
    ("33.75.03.1009", 1025, 334, 1180, 717, 0.2164, 1.0000, 0.3223, 3, 2, 4, 0.5880, 7, 1),
    ("33.75.03.1010", 623, 195, 667, 472, 0.2451, 0.8925, 0.3081, 2, 3, 4, 0.6373, 4, 1),
    ("33.75.04.1002", 468, 89, 496, 261, 0.2362, 0.9306, 0.1950, 0, 4, 4, 0.3378, 25, 3),
    ("33.75.04.1003", 500, 128, 623, 232, 0.1812, 0.9336, 0.2549, 1, 4, 4, 0.4011, 17, 2),
    ("33.75.04.1004", 731, 161, 872, 434, 0.1705, 0.9459, 0.2216, 1, 4, 4, 0.3610, 21, 3),
    ("33.75.04.1006", 645, 168, 686, 215, 0.0950, 0.8936, 0.2593, 2, 3, 4, 0.4086, 15, 2),
    ("33.75.04.1008", 641, 175, 773, 578, 0.2890, 0.8580, 0.2710, 3, 2, 4, 0.7022, 2, 1),
    ("33.75.04.1010", 725, 211, 788, 485, 0.2186, 0.9819, 0.2881, 2, 3, 4, 0.4500, 13, 2),
]
COLS = [
    "kode",
    "n",
    "cases",
    "sasaran",
    "krs",
    "krs_rate",
    "idx",
    "eb",
    "reds",
    "tl",
    "inter",
    "wi",
    "wrank",
    "wcls",
]


@pytest.fixture(scope="module")
def sheet():
    return pd.DataFrame(SHEET, columns=COLS)


@pytest.fixture(scope="module")
def situasi(sheet):
    counts = sheet[["kode", "n", "cases"]]
    return {
        preset: situation_analysis(
            counts,
            area="kode",
            coverage=SAMPLES / "pekalongan_cakupan.csv",
            krs=SAMPLES / "pekalongan_krs.csv",
            preset=preset,
            draws=400,
        )
        .set_index("kode")
        .loc[sheet["kode"]]
        for preset in ("traffic_light", "intersection", "weighted_index")
    }


def test_fixture_inputs_match_the_sheet(sheet):
    krs = read_krs(SAMPLES / "pekalongan_krs.csv").set_index("kode").loc[sheet["kode"]]
    assert krs["krs"].tolist() == sheet["krs"].tolist()
    np.testing.assert_allclose(krs["krs_rate"], sheet["krs_rate"], atol=5e-5)
    cov = read_coverage(SAMPLES / "pekalongan_cakupan.csv").set_index("kode")
    assert cov.loc[sheet["kode"], "balita_sasaran"].tolist() == sheet["sasaran"].tolist()


def test_estimates_and_coverage_index_match_the_sheet(sheet, situasi):
    t = situasi["traffic_light"]
    assert t.attrs["sae"]["alpha"] == pytest.approx(11.330, rel=2e-3)
    assert t.attrs["sae"]["beta"] == pytest.approx(35.285, rel=2e-3)
    np.testing.assert_allclose(t["prevalensi"], sheet["eb"], atol=5e-5)
    np.testing.assert_allclose(t["indeks_cakupan"], sheet["idx"], atol=5e-5)
    np.testing.assert_allclose(t["beban_stunting"], sheet["eb"] * sheet["sasaran"], rtol=1e-3)
    assert t["stunting"].tolist() == sheet["cases"].tolist()
    np.testing.assert_allclose(t["cakupan_pengukuran"], sheet["n"] / sheet["sasaran"])


def test_traffic_light_matches_the_sheet(sheet, situasi):
    t = situasi["traffic_light"]
    assert t["skor_prioritas"].tolist() == sheet["reds"].tolist()
    assert t["kelas_prioritas"].tolist() == sheet["tl"].tolist()
    assert t.loc[t["kelas_prioritas"] == 1].index.tolist() == ["33.75.01.1009"]


def test_intersection_matches_the_sheet(sheet, situasi):
    t = situasi["intersection"]
    assert t["kelas_prioritas"].tolist() == sheet["inter"].tolist()


def test_weighted_index_matches_the_sheet(sheet, situasi):
    t = situasi["weighted_index"]
    np.testing.assert_allclose(t["skor_prioritas"], sheet["wi"], atol=5e-5)
    assert t["peringkat"].tolist() == sheet["wrank"].tolist()
    assert t["kelas_prioritas"].tolist() == sheet["wcls"].tolist()


def test_top_k_probability_of_the_fixture(situasi):
    t = situasi["traffic_light"]
    assert t.attrs["k"] == 9
    assert t["peluang_top_k"].sum() == pytest.approx(9)
    # the two kelurahan at 34-35 % are surely in the top 9; those under 15 % surely not
    assert (t.loc[["33.75.03.1003", "33.75.03.1004"], "peluang_top_k"] > 0.99).all()
    assert (t.loc[t["prevalensi"] < 0.15, "peluang_top_k"] == 0).all()


def test_top_k_probability_by_hand():
    # Three areas, four draws, k = 1: area 0 is the largest in draws 0 and 1, area 1 in 2,
    # area 2 in 3 -> 2/4, 1/4, 1/4.
    d = np.array([[0.9, 0.8, 0.1, 0.2], [0.1, 0.2, 0.9, 0.1], [0.2, 0.1, 0.3, 0.5]])
    assert top_k_probability(d, 1, chunk=3).tolist() == [0.5, 0.25, 0.25]
    assert top_k_probability(d, 3).tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(StuntlibError, match="k"):
        top_k_probability(d, 4)


def test_names_are_matched_to_codes(sheet):
    names = {
        "33.75.02.1012": "KALI BAROS",
        "33.75.01.1002": "MEDONO",
        "33.75.03.1003": "Kandang Panjang",
    }
    counts = sheet[sheet["kode"].isin(names)][["kode", "n", "cases"]]
    counts = counts.assign(kelurahan=counts["kode"].map(names))
    r = situation_analysis(counts.drop(columns="kode"), draws=50)
    assert r["kode"].tolist() == counts["kode"].tolist()
    assert r["nama"].tolist() == counts["kelurahan"].tolist()


def test_area_without_measurements_is_kept(sheet):
    counts = sheet[["kode", "n", "cases"]].iloc[:5]
    krs = pd.DataFrame(
        {"kode": ["33.75.99.9999"], "nama": ["Baru"], "krs": [3], "keluarga_sasaran": [10]}
    )
    r = situation_analysis(counts, area="kode", krs=krs, draws=50)
    assert r["kode"].tolist() == [*counts["kode"], "33.75.99.9999"]
    last = r.iloc[-1]
    assert last["nama"] == "Baru" and last["balita_diukur"] == 0
    assert np.isnan(last["prevalensi_langsung"]) and last["shrinkage"] == 1.0


def test_custom_preset():
    t = pd.DataFrame({"a": [1.0, 5.0, 3.0], "b": [0.9, 0.1, 0.5]})
    p = PriorityPreset("traffic_light", {"a": "high", "b": "low"}, thresholds={"a": 3.0})
    r = priority_classes(t, p)
    # a red at >= 3 (rows 1, 2); b red in the lowest third (ceil(3/3) = 1 area: row 1)
    assert r["merah_a"].tolist() == [False, True, True]
    assert r["merah_b"].tolist() == [False, True, False]
    assert r["kelas_prioritas"].tolist() == [3, 1, 2]


def test_export_reimports_to_the_same_columns(situasi, tmp_path):
    t = situasi["traffic_light"].reset_index()
    path = write_aksi_bangda(t, tmp_path / "situasi.xlsx")
    sas = pd.read_excel(
        path, sheet_name="Data Sasaran", dtype={"Kode Desa/Kelurahan": str}, engine="openpyxl"
    )
    assert list(sas.columns) == list(DATA_SASARAN_COLUMNS.values())
    assert sas["Kode Desa/Kelurahan"].tolist() == t["kode"].tolist()
    assert sas["Jumlah Balita Diukur"].tolist() == t["balita_diukur"].tolist()
    assert sas["Jumlah Keluarga Berisiko Stunting"].tolist() == t["krs"].tolist()
    sit = pd.read_excel(path, sheet_name="Situasi", dtype={"kode": str}, engine="openpyxl")
    assert list(sit.columns) == list(t.columns)
    np.testing.assert_allclose(sit["prevalensi"], t["prevalensi"])
    cak = pd.read_excel(path, sheet_name="Cakupan Layanan", engine="openpyxl")
    assert len(cak.columns) == 31
    # the coverage sheet re-imports as a coverage table with the same values
    back = pd.DataFrame({"kode": sit["kode"], "asi_eksklusif": cak.iloc[:, 2 + 13] / 100})
    np.testing.assert_allclose(read_coverage(back)["asi_eksklusif"], t["asi_eksklusif"])


def test_text_cells_are_never_formulas(tmp_path):
    import openpyxl

    t = pd.DataFrame({"kode": ["33.75.01.1002"], "nama": ['=HYPERLINK("x")']})
    path = write_aksi_bangda(t, tmp_path / "x.xlsx", sheets=["Situasi"])
    cell = openpyxl.load_workbook(path)["Situasi"]["B2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x")'


def test_csv_export_is_formula_safe(tmp_path):
    t = pd.DataFrame(
        {
            "kode": ["33.75.01.1002", "33.75.01.1003"],
            "nama": ["@SUM(A1)", "Podosugih"],
            "catatan": ["+62 812", "\tx"],
            "n": [-1, 2],
        }
    )
    path = write_aksi_bangda(t, tmp_path / "s.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back["nama"].tolist() == ["'@SUM(A1)", "Podosugih"]
    assert back["catatan"].tolist() == ["'+62 812", "'\tx"]
    assert back["n"].tolist() == ["-1", "2"]  # numbers are not text: no prefix


def test_bad_inputs_name_the_argument(sheet, tmp_path):
    counts = sheet[["kode", "n", "cases"]]
    with pytest.raises(StuntlibError, match="preset"):
        situation_analysis(counts, area="kode", preset="banjar")
    with pytest.raises(ColumnError, match="area"):
        situation_analysis(counts, area="desa")
    with pytest.raises(StuntlibError, match="k"):
        situation_analysis(counts, area="kode", k=0)
    with pytest.raises(StuntlibError, match="kode"):
        read_krs(pd.DataFrame({"kode": ["3375"], "krs": [1]}))
    with pytest.raises(StuntlibError, match="coverage"):
        read_coverage(pd.DataFrame({"kode": ["33.75.01.1002"], "x": [1]}))
    with pytest.raises(StuntlibError, match="path"):
        write_aksi_bangda(counts, tmp_path / "x.ods")
