"""Kemendesa convergence scorecard from by-name service records."""

from __future__ import annotations

import pandas as pd
import pytest

from stuntlib.convergence import convergence_score, read_service_records
from stuntlib.errors import ColumnError, StuntlibError


def _records(rows, quarter="2025Q3", area="X"):
    return pd.DataFrame(
        [
            {"person": p, "group": g, "quarter": quarter, "area": area, "indicator": i, "value": v}
            for p, g, i, v in rows
        ]
    )


MOTHERS = _records(
    [
        # Mother A, trimester 3, not KEK
        ("A", "ibu_hamil", "trimester", 3),
        ("A", "ibu_hamil", "anc", 2),
        ("A", "ibu_hamil", "fe", 1),
        ("A", "ibu_hamil", "konseling", 1),
        ("A", "ibu_hamil", "kek", 0),
        ("A", "ibu_hamil", "air_bersih", "Y"),
        ("A", "ibu_hamil", "jamban", "Y"),
        ("A", "ibu_hamil", "jkn", "T"),
        # Mother B, delivered
        ("B", "ibu_hamil", "trimester", 0),
        ("B", "ibu_hamil", "nifas", 3),
        ("B", "ibu_hamil", "air_bersih", "Y"),
        ("B", "ibu_hamil", "jamban", "T"),
        ("B", "ibu_hamil", "jkn", "Y"),
    ]
)


def test_two_mothers_opensid_and_corrected():
    # Derivation over the 8 mother indicators (anc, fe, nifas, konseling, kunjungan_rumah,
    # air_bersih, jamban, jkn):
    # Mother A (trimester 3): anc 2 >= 2 -> Y; fe 1 -> Y; nifas -> TS (not delivered);
    #   konseling 1 < 2 (trimester 3 needs 2, as ANC) -> T; kunjungan_rumah: not KEK ->
    #   OpenSID T / corrected TS; air Y; jamban Y; jkn T.
    #   Y = 4 (anc, fe, air, jamban); OpenSID TS = 1, applicable = 7; corrected applicable 6.
    # Mother B (delivered): nifas 3 -> Y; anc, fe, konseling, kunjungan_rumah -> TS;
    #   air Y; jamban T; jkn Y. Y = 3, TS = 4, applicable = 4.
    # OpenSID: (4 + 3) / (7 + 4) = 7/11 = 63.64 %; corrected: 7 / (6 + 4) = 7/10 = 70.0 %.
    opensid = convergence_score(MOTHERS, mode="opensid").konvergensi
    corrected = convergence_score(MOTHERS).konvergensi
    assert opensid[["y", "applicable"]].values.tolist() == [[7, 11]]
    assert round(opensid["tingkat_konvergensi"].iloc[0] * 100, 2) == 63.64
    assert corrected[["y", "applicable"]].values.tolist() == [[7, 10]]
    assert round(corrected["tingkat_konvergensi"].iloc[0] * 100, 2) == 70.0


def test_marks_and_tables_of_the_two_mothers():
    s = convergence_score(MOTHERS)
    t1 = s.tables()["tabel_1_ibu_hamil"].set_index("Sasaran")
    assert t1.loc["A"].iloc[2:].tolist() == ["Y", "Y", "TS", "T", "TS", "Y", "Y", "T"]
    assert t1.loc["B"].iloc[2:].tolist() == ["TS", "TS", "Y", "TS", "TS", "Y", "T", "Y"]
    cap = s.capaian.set_index("indicator")
    assert cap.loc["jamban", ["y", "t", "ts"]].tolist() == [1, 1, 0]
    assert cap.loc["jamban", "capaian"] == 0.5
    assert cap.loc["konseling", "capaian"] == 0.0  # 0 Y of 1 applicable
    assert s.complete_package["share"].tolist() == [0.0]  # A misses jkn, B misses jamban
    t4 = s.tables()["tabel_4_konvergensi"]
    assert t4["Tingkat konvergensi (%)"].tolist() == [70.0]


def test_children_by_age_band_and_households():
    rows = [
        # C1, 4 months: weighed once -> Y (1 needed under 6 months); paud TS (< 6 months);
        # not at risk -> home visit TS; imunisasi Y; other 6 (pengukuran, konseling, air,
        # jamban, akta, jkn) recorded Y. Y = 8, applicable = 8.
        ("C1", "anak_0_23", "umur_bulan", 4),
        ("C1", "anak_0_23", "penimbangan", 1),
        ("C1", "anak_0_23", "imunisasi", "Y"),
        *[("C1", "anak_0_23", k, "Y") for k in ("pengukuran", "konseling", "air_bersih")],
        *[("C1", "anak_0_23", k, "Y") for k in ("jamban", "akta", "jkn")],
        # C2, 14 months, gizi bermasalah: 7 weighings < 8 -> T; no home visit -> T;
        # paud 1 -> Y; imunisasi T; nothing else recorded -> T. Y = 1, applicable = 10.
        ("C2", "anak_0_23", "umur_bulan", 14),
        ("C2", "anak_0_23", "penimbangan", 7),
        ("C2", "anak_0_23", "gizi_bermasalah", 1),
        ("C2", "anak_0_23", "paud", 1),
        ("C2", "anak_0_23", "imunisasi", "T"),
    ]
    rec = _records(rows)
    rec["household"] = ["H1"] * 9 + ["H2"] * 5
    s = convergence_score(rec)
    k = s.konvergensi.iloc[0]
    assert (k["y"], k["applicable"]) == (9, 18)
    assert s.complete_package[["households", "complete"]].values.tolist() == [[2, 1]]
    pen = s.marks.set_index(["person", "indicator"])["mark"]
    assert pen[("C1", "paud")] == "TS"
    assert pen[("C2", "penimbangan")] == "T"
    assert pen[("C2", "kunjungan_rumah")] == "T"


def test_missing_status_is_unknown_not_dropped():
    rec = _records([("M", "ibu_hamil", "anc", 1), ("M", "ibu_hamil", "jkn", "Y")])
    s = convergence_score(rec)
    assert s.marks["mark"].isna().all() and len(s.marks) == 8
    assert s.capaian["unknown"].sum() == 8
    assert s.konvergensi["applicable"].tolist() == [0]


def test_reader_opensid_shape(tmp_path):
    wide = pd.DataFrame(
        {
            "NIK": ["A", "B"],
            "Sasaran": ["Ibu Hamil", "Ibu Hamil"],
            "Triwulan": ["2025Q3", "2025Q3"],
            "Desa": ["X", "X"],
            "Usia Kehamilan (Trimester)": ["3", "0"],
            "Status KEK/Risti": ["0", ""],
            "Jumlah ANC": ["2", ""],
            "Pil Fe": ["1", ""],
            "Pemeriksaan Nifas": ["", "3"],
            "Konseling Gizi": ["1", ""],
            "Air Bersih": ["Y", "Y"],
            "Jamban Sehat": ["Y", "T"],
            "Jaminan Kesehatan": ["T", "Y"],
        }
    )
    path = tmp_path / "opensid.csv"
    wide.to_csv(path, index=False)
    long = read_service_records(path, shape="opensid")
    s = convergence_score(long, mode="opensid")
    assert s.konvergensi[["y", "applicable"]].values.tolist() == [[7, 11]]


def test_bad_arguments():
    with pytest.raises(StuntlibError, match="mode"):
        convergence_score(MOTHERS, mode="desa")  # type: ignore[arg-type]
    with pytest.raises(ColumnError, match="records"):
        convergence_score(MOTHERS.drop(columns="quarter"))
    with pytest.raises(StuntlibError, match="indicator"):
        convergence_score(MOTHERS.replace({"anc": "anc4"}))
    with pytest.raises(StuntlibError, match="group"):
        convergence_score(MOTHERS.replace({"ibu_hamil": "bumil"}))
    with pytest.raises(StuntlibError, match="shape"):
        read_service_records(MOTHERS, shape="sipd")  # type: ignore[arg-type]


def test_pekalongan_records_give_the_known_answer():
    from pathlib import Path

    samples = Path(__file__).parents[1] / "data" / "samples"
    records = read_service_records(samples / "pekalongan_layanan.csv")
    expected = pd.read_csv(samples / "pekalongan_layanan_expected.csv", dtype={"kode": str})
    expected = expected.set_index("kode")
    for mode, col in (("corrected", "applicable"), ("opensid", "applicable_opensid")):
        k = convergence_score(records, mode=mode).konvergensi.set_index("area")
        k = k.loc[expected.index]
        assert k["y"].tolist() == expected["y"].tolist()
        assert k["applicable"].tolist() == expected[col].tolist()
    pkg = convergence_score(records).complete_package.set_index("area").loc[expected.index]
    assert pkg["complete"].tolist() == expected["complete"].tolist()
    assert pkg["households"].tolist() == expected["households"].tolist()
    # totals written in data/samples/CONVERGENCE.md
    assert (expected["y"].sum(), expected["applicable"].sum()) == (2290, 3343)
