"""National area registry and matching of export names on the whole hierarchy.

Expected codes come from ``tests/data/areas/kode_wilayah_extract.csv``, rows copied from
the Kepmendagri 2025 list (see PROVENANCE.md), not from the code under test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from stuntlib.areas import (
    UNKNOWN,
    area_names,
    kabupaten_of,
    load_areas,
    match_areas,
    normalise_area_code,
)
from stuntlib.errors import ColumnError, StuntlibError

EXTRACT = Path(__file__).parent / "data" / "areas" / "kode_wilayah_extract.csv"


@pytest.fixture(scope="module")
def extract() -> pd.DataFrame:
    return pd.read_csv(EXTRACT, dtype=str)


def code_of(extract: pd.DataFrame, parent: str, name: str) -> str:
    rows = extract[extract["kode"].str.startswith(parent + ".") & (extract["nama"] == name)]
    assert len(rows) == 1, (parent, name)
    return str(rows["kode"].iloc[0])


def test_packaged_registry_holds_the_extract_verbatim(extract: pd.DataFrame) -> None:
    registry = load_areas().set_index("kode")
    assert len(registry) == 38 + 514 + 7285 + 83762
    assert registry.loc[extract["kode"], "nama"].tolist() == extract["nama"].tolist()
    levels = {"provinsi": "provinsi", "kabupaten_kota": "kabupaten", "kecamatan": "kecamatan",
              "desa_kelurahan": "desa"}  # fmt: skip
    assert (
        registry.loc[extract["kode"], "tingkat"].tolist() == extract["tingkat"].map(levels).tolist()
    )


def test_registry_is_not_loaded_at_import() -> None:
    import subprocess

    code = "import stuntlib, stuntlib.areas as a; print(a._national.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_kauman_of_batang_never_becomes_kauman_of_pekalongan(extract: pd.DataFrame) -> None:
    frame = pd.DataFrame(
        {
            "Kab/Kota": ["KAB. BATANG", "KOTA PEKALONGAN", "KABUPATEN BATANG", "Kab. Batang"],
            "Kec": ["Kec. Batang", "PEKALONGAN TIMUR", "WARUNGASEM", "BATANG"],
            "Desa/Kel": ["KAUMAN", "KEL. KAUMAN", "KAUMAN", "Kelurahan  Kauman"],
        }
    )
    m = match_areas(frame)
    batang = code_of(extract, "33.25.11", "Kauman")
    pekalongan = code_of(extract, "33.75.02", "Kauman")
    assert batang == "33.25.11.1015" and pekalongan == "33.75.02.1004"
    assert m.codes["kode_desa"].tolist() == [batang, pekalongan, UNKNOWN, batang]
    assert m.codes["area_match"].tolist() == ["matched", "matched", "unmatched", "matched"]
    # Kauman is not in Kec. Warungasem: no desa code, but its kecamatan is known.
    assert m.codes.loc[2, "kode_kecamatan"] == "33.25.12"
    assert m.unmatched[["kecamatan", "desa", "n", "kode"]].values.tolist() == [
        ["WARUNGASEM", "KAUMAN", 1, "33.25.12"]
    ]
    assert m.kabupaten == ("33.25", "33.75")
    assert m.spans_several_kabupaten


def test_kota_and_kabupaten_of_the_same_name_are_kept_apart() -> None:
    # Kauman of Kab. Pekalongan (Wiradesa 33.26.16) vs Kota Pekalongan (33.75.02).
    frame = pd.DataFrame(
        {
            "kabupaten": ["KAB PEKALONGAN", "KOTA PEKALONGAN", "PEKALONGAN", "KOTA PEKALONGAN"],
            "kecamatan": [None, None, None, "WIRADESA"],
            "kelurahan": ["KAUMAN", "KAUMAN", "KAUMAN", "KAUMAN"],
        }
    )
    m = match_areas(frame)
    assert m.codes["kode_desa"].tolist() == ["33.26.16.2016", "33.75.02.1004", UNKNOWN, UNKNOWN]
    assert m.codes["area_match"].tolist() == ["matched", "matched", "ambiguous", "unmatched"]
    amb = m.ambiguous
    assert amb["candidates"].tolist() == ["33.26.16.2016, 33.75.02.1004"]
    # Kota Pekalongan has no Kec. Wiradesa: nothing below the kota is coded.
    assert m.codes.loc[3, ["kode_kabupaten", "kode_kecamatan"]].tolist() == ["33.75", UNKNOWN]


def test_repeated_names_within_one_kabupaten(extract: pd.DataFrame) -> None:
    frame = pd.DataFrame(
        {
            "kabupaten": ["BATANG"] * 3,
            "kecamatan": ["BATANG", "", "Kec. Limpung"],
            "kelurahan": ["Desa Kalisalak", "KALISALAK", "KALISALAK"],
        }
    )
    m = match_areas(frame)
    assert m.codes["kode_desa"].tolist()[0] == code_of(extract, "33.25.11", "Kalisalak")
    assert m.codes["area_match"].tolist() == ["matched", "ambiguous", "matched"]
    assert m.codes.loc[2, "kode_desa"] == code_of(extract, "33.25.08", "Kalisalak")
    assert m.codes.loc[1, ["kode_kabupaten", "kode_kecamatan", "kode_desa"]].tolist() == [
        "33.25",
        UNKNOWN,
        UNKNOWN,
    ]
    assert m.ambiguous["candidates"].tolist() == ["33.25.08.2006, 33.25.11.2004"]


def test_kelurahan_and_desa_of_one_name_in_one_kecamatan() -> None:
    frame = pd.DataFrame(
        {"kecamatan": ["PASIR LIMAU KAPAS"] * 3, "kelurahan": ["KEL. PANIPAHAN", "DESA PANIPAHAN",
                                                                "PANIPAHAN"]}
    )  # fmt: skip
    m = match_areas(frame)
    assert m.codes["kode_desa"].tolist() == ["14.07.06.1007", "14.07.06.2001", UNKNOWN]
    assert m.codes["area_match"].tolist() == ["matched", "matched", "ambiguous"]


def test_spelling_variants_fold(extract: pd.DataFrame) -> None:
    frame = pd.DataFrame(
        {
            "Prov": ["JAWA TENGAH", "Prov. Jawa  Tengah", "jawa tengah", None],
            "Kab/Kota": ["Kota Pekalongan", "KOTA PEKALONGAN", "kota pekalongan.", None],
            "Kec": ["Kec. Pekalongan Timur", "PEKALONGAN-TIMUR", "KECAMATAN PEKALONGAN TIMUR",
                    "PEKALONGAN TIMUR"],
            "Desa/Kel": ["KALIBAROS", "Kel. Kali Baros", "NOYONTAAN SARI", "SETONO"],
        }
    )  # fmt: skip
    m = match_areas(frame)
    assert m.codes["kode_desa"].tolist() == [
        code_of(extract, "33.75.02", "Kali Baros"),
        code_of(extract, "33.75.02", "Kali Baros"),
        code_of(extract, "33.75.02", "Noyontaansari"),
        code_of(extract, "33.75.02", "Setono"),
    ]
    assert (m.codes["area_match"] == "matched").all()
    assert m.codes["kode_provinsi"].tolist() == ["33"] * 4


def test_code_in_the_export_is_used_and_a_bad_code_falls_back_to_names() -> None:
    frame = pd.DataFrame(
        {
            "Kode Desa": ["3375021004", "33.25.11.1015", "9999999999", None, 3375011009.0],
            "Desa/Kel": ["x", "x", "TIRTO", "TIRTO", None],
            "Kec": [None, None, "PEKALONGAN BARAT", "PEKALONGAN BARAT", None],
        }
    )
    m = match_areas(frame)
    assert m.codes["kode_desa"].tolist() == [
        "33.75.02.1004",
        "33.25.11.1015",
        "33.75.01.1009",
        "33.75.01.1009",
        "33.75.01.1009",
    ]
    assert m.codes["area_match"].tolist() == ["code", "code", "matched", "matched", "code"]


def test_counts_and_index_follow_the_frame() -> None:
    frame = pd.DataFrame(
        {"Kec": ["PEKALONGAN BARAT"] * 3 + ["X"], "Desa/Kel": ["TIRTO", "TIRTO", None, "Y"]},
        index=[10, 11, 12, 13],
    )
    m = match_areas(frame)
    assert m.codes.index.tolist() == [10, 11, 12, 13]
    assert m.counts.to_dict() == {"matched": 2, "no_name": 1, "unmatched": 1}
    assert m.codes.loc[12, "kode_kecamatan"] == "33.75.01"


def test_user_areas_add_newer_codes(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {"KODE": ["33.75.05", "3375051001"], "Nama": ["Pekalongan Fiktif", "Kelurahan Baru"]}
    )
    frame = pd.DataFrame({"Kec": ["PEKALONGAN FIKTIF"], "Desa/Kel": ["BARU"]})
    assert match_areas(frame).codes["kode_desa"].tolist() == [UNKNOWN]
    m = match_areas(frame, areas=table)
    assert m.codes["kode_desa"].tolist() == ["33.75.05.1001"]
    path = tmp_path / "kode.csv"
    table.to_csv(path, index=False)
    assert match_areas(frame, areas=path).codes["kode_desa"].tolist() == ["33.75.05.1001"]
    assert area_names(["33.75.05"], areas=path).tolist() == ["Pekalongan Fiktif"]


def test_bad_arguments_name_themselves() -> None:
    frame = pd.DataFrame({"Desa/Kel": ["TIRTO"]})
    with pytest.raises(ColumnError, match="kecamatan"):
        match_areas(frame, kecamatan="Kecamatan")
    with pytest.raises(ColumnError, match="no area column"):
        match_areas(pd.DataFrame({"a": [1]}))
    with pytest.raises(ColumnError, match="'kode' and 'nama'"):
        match_areas(frame, areas=pd.DataFrame({"code": ["33"]}))
    with pytest.raises(StuntlibError, match="no valid code"):
        match_areas(frame, areas=pd.DataFrame({"kode": ["3x"], "nama": ["A"]}))
    with pytest.raises(StuntlibError, match="frame"):
        match_areas([1, 2])  # type: ignore[arg-type]


def test_kabupaten_of_comes_from_the_data() -> None:
    assert kabupaten_of(pd.DataFrame({"Kec": ["PEKALONGAN BARAT"], "Desa/Kel": ["TIRTO"]})) == (
        "33.75",
    )
    assert kabupaten_of(pd.DataFrame({"kode_kabupaten": ["33.25", "3375", UNKNOWN]})) == (
        "33.25",
        "33.75",
    )
    assert kabupaten_of(pd.DataFrame({"Desa/Kel": ["NO SUCH PLACE"]})) == ()


@pytest.mark.parametrize(
    ("kab", "kec", "desa", "expected"),
    [
        # the Kab/Kota name alone decides (each fits one registry kab/kota)
        (["KOTA PEKALONGAN"] * 2, ["PEKALONGAN BARAT"] * 2, ["TIRTO", "MEDONO"], ("33.75",)),
        (["BATANG", "Kab. Batang"], [None, None], [None, None], ("33.25",)),
        (["KOTA PEKALONGAN", "BATANG"], [None, None], [None, None], ("33.25", "33.75")),
        # a desa of another kab/kota does not move a row that names its kab/kota
        (["KOTA PEKALONGAN"], ["WIRADESA"], ["KAUMAN"], ("33.75",)),
        # "PEKALONGAN" fits the kota and the kabupaten: the desa names decide
        (["PEKALONGAN"], ["PEKALONGAN BARAT"], ["TIRTO"], ("33.75",)),
        (["PEKALONGAN"], ["WIRADESA"], ["KAUMAN"], ("33.26",)),
        # a row without its kab/kota name: its desa names decide
        (
            ["KOTA PEKALONGAN", None],
            ["PEKALONGAN BARAT", "WIRADESA"],
            ["TIRTO", "KAUMAN"],
            ("33.26", "33.75"),
        ),  # fmt: skip
    ],
)
def test_kabupaten_of_from_the_kab_kota_name_or_the_desa(
    kab: list[str | None], kec: list[str | None], desa: list[str | None], expected: tuple[str]
) -> None:
    frame = pd.DataFrame({"Kab/Kota": kab, "Kec": kec, "Desa/Kel": desa})
    assert kabupaten_of(frame) == expected


def test_normalise_area_code_forms() -> None:
    got = normalise_area_code(["33", "3375", "337502", "33 75 02 1004", "33.7", "", None])
    assert got.tolist() == ["33", "33.75", "33.75.02", "33.75.02.1004", pd.NA, pd.NA, pd.NA]


def test_the_packaged_registry_reads_as_with_pandas_own_reader() -> None:
    """The fast reader (pyarrow, leading comments skipped) gives pandas' C reader's table."""
    import io
    from importlib import resources

    from stuntlib import areas

    data = resources.files("stuntlib.data").joinpath(areas._REGISTRY_FILE).read_bytes()
    expected = pd.read_csv(io.BytesIO(data), sep="\t", dtype=str, comment="#",
                           compression="gzip", keep_default_na=False)  # fmt: skip
    pd.testing.assert_frame_equal(areas._national(), expected)
    assert len(expected) > 90_000 and list(expected.columns) == ["kode", "nama"]
