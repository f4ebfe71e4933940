"""The bundled synthetic e-PPGBM sample (data/samples/) and its generator (tools/make_sample.py)."""

from __future__ import annotations

import csv
import importlib.util
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
CSV_PATH = SAMPLES / "pekalongan_eppgbm.csv"
XLSX_PATH = SAMPLES / "pekalongan_eppgbm.xlsx"
DEFECTS_PATH = SAMPLES / "pekalongan_defects.csv"
README_PATH = SAMPLES / "README.md"
GENERATOR = ROOT / "tools" / "make_sample.py"
#: Kemendagri 2025 codes of Jawa Tengah's 33.25, 33.26 and 33.75 (see tests/data/PROVENANCE.md).
REGIONS = ROOT / "tests" / "data" / "kemendagri_extract.csv"

EXPECTED_COLUMNS = [
    "No", "NIK", "Nama", "JK", "Tgl Lahir", "BB Lahir", "TB Lahir", "Nama Ortu", "Prov",
    "Kab/Kota", "Kec", "Pukesmas", "Desa/Kel", "Posyandu", "RT", "RW", "Alamat",
    "Usia Saat Ukur", "Tanggal Pengukuran", "Berat", "Tinggi", "Cara Ukur", "LiLA",
    "BB/U", "ZS BB/U", "TB/U", "ZS TB/U", "BB/TB", "ZS BB/TB",
]  # fmt: skip
N_CHILDREN = 20_000
N_DUPLICATES = 40
DATE_RE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
NIK_RE = re.compile(r"^3375\d{12}$")
SCI_RE = re.compile(r"^\d\.\d{5}E\+15$")


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_sample", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_sample"] = module
    spec.loader.exec_module(module)
    return module


ms = _load_generator()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _read_csv(CSV_PATH)


@pytest.fixture(scope="module")
def defects() -> list[dict[str, str]]:
    return _read_csv(DEFECTS_PATH)


def _dmy(text: str) -> tuple[int, int, int]:
    d, m, y = (int(p) for p in text.split("/"))
    return y, m, d


def _age_days(row: dict[str, str]) -> int:
    from datetime import date

    return (date(*_dmy(row["Tanggal Pengukuran"])) - date(*_dmy(row["Tgl Lahir"]))).days


def test_files_exist() -> None:
    for path in (CSV_PATH, XLSX_PATH, DEFECTS_PATH, README_PATH):
        assert path.is_file(), path


def test_columns_and_row_count(rows: list[dict[str, str]]) -> None:
    with CSV_PATH.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split(",")
    assert header == EXPECTED_COLUMNS == list(ms.COLUMNS)
    assert len(rows) == N_CHILDREN + N_DUPLICATES
    assert [int(r["No"]) for r in rows] == list(range(1, len(rows) + 1))
    for col in ms.EMPTY_COLUMNS:
        assert all(r[col] == "" for r in rows), col


def test_readme_documents_every_column() -> None:
    text = README_PATH.read_text(encoding="utf-8")
    for col in EXPECTED_COLUMNS:
        assert f"| `{col}` |" in text, col
    assert "synthetic" in text.lower() and "fictional" in text.lower()
    assert "python tools/make_sample.py --out data/samples" in text


def test_kelurahan_and_codes(rows: list[dict[str, str]]) -> None:
    kel = ms.KELURAHAN
    assert len(kel) == 27
    codes = [k[0] for k in kel]
    assert len(set(codes)) == 27
    kec_codes = {c for c, _ in ms.KECAMATAN}
    assert len(kec_codes) == 4
    for code in codes:
        assert re.fullmatch(r"33\.75\.0[1-4]\.1\d{3}", code), code
        assert code[:8] in kec_codes
    assert {r["Desa/Kel"] for r in rows} == {k[1].upper() for k in kel}
    assert {r["Kec"] for r in rows} == {name.upper() for _, name in ms.KECAMATAN}
    assert {r["Prov"] for r in rows} == {"JAWA TENGAH"}
    assert {r["Kab/Kota"] for r in rows} == {"KOTA PEKALONGAN"}
    # each kelurahan lies in its own kecamatan
    kec_of = {k[1].upper(): dict(ms.KECAMATAN)[k[0][:8]].upper() for k in kel}
    assert all(kec_of[r["Desa/Kel"]] == r["Kec"] for r in rows)
    readme = README_PATH.read_text(encoding="utf-8")
    for code, name, _, _ in kel:
        assert f"| {code} | {name} |" in readme, code


def test_codes_match_kemendagri_reference() -> None:
    with REGIONS.open(encoding="utf-8") as fh:
        ref = {r["kode"]: r["nama"] for r in csv.DictReader(fh) if r["kode"].startswith("33.75")}
    assert ref.pop("33.75") == "Kota Pekalongan"
    expected = {code: name for code, name, _, _ in ms.KELURAHAN}
    expected.update(dict(ms.KECAMATAN))
    assert ref == expected


def test_field_formats(rows: list[dict[str, str]], defects: list[dict[str, str]]) -> None:
    sci = {int(d["No"]) for d in defects if d["kind"] == "nik_scientific_notation"}
    for r in rows:
        no = int(r["No"])
        if no in sci:
            assert SCI_RE.match(r["NIK"]), r["NIK"]
        else:
            assert NIK_RE.match(r["NIK"]), r["NIK"]
        assert r["JK"] in ("L", "P", "")
        assert r["Tgl Lahir"] == "" or DATE_RE.match(r["Tgl Lahir"])
        assert DATE_RE.match(r["Tanggal Pengukuran"])
        assert r["Tanggal Pengukuran"].endswith("/08/2025")
        assert r["Cara Ukur"] in ("Terlentang", "Telentang", "Berdiri", "")
        for col in ms.NUMERIC_COLUMNS:
            assert r[col] == "" or re.fullmatch(r"\d+\.\d", r[col]), (col, r[col])
        assert r["Usia Saat Ukur"] == "" or re.fullmatch(
            r"\d+ Tahun - \d+ Bulan - \d+ Hari", r["Usia Saat Ukur"]
        )
    assert len(sci) == 12


def test_nik_encodes_birth_date_and_sex(
    rows: list[dict[str, str]], defects: list[dict[str, str]]
) -> None:
    planted = {
        int(d["No"])
        for d in defects
        if d["kind"] in ("nik_birthdate_mismatch", "nik_sex_mismatch", "nik_scientific_notation")
    }
    mismatched = set()
    for r in rows:
        if not r["Tgl Lahir"] or not r["JK"] or not NIK_RE.match(r["NIK"]):
            continue
        y, m, d = _dmy(r["Tgl Lahir"])
        expected = f"{d + 40 * (r['JK'] == 'P'):02d}{m:02d}{y % 100:02d}"
        if r["NIK"][6:12] != expected:
            mismatched.add(int(r["No"]))
    assert mismatched == planted - {
        int(d["No"]) for d in defects if d["kind"] == "nik_scientific_notation"
    }


def test_defect_counts_match_readme(defects: list[dict[str, str]]) -> None:
    counts = Counter(d["kind"] for d in defects)
    documented = {
        m.group(1): int(m.group(2))
        for m in re.finditer(
            r"^\| `([a-z0-9_]+)` \| (\d+) \|", README_PATH.read_text("utf-8"), re.M
        )
    }
    assert documented == dict(counts)
    for kind, n in ms.DEFECT_COUNTS.items():
        assert counts[kind] == n, kind


def test_defects_are_where_listed(
    rows: list[dict[str, str]], defects: list[dict[str, str]]
) -> None:
    by_no = {int(r["No"]): r for r in rows}
    for d in defects:
        r = by_no[int(d["No"])]
        assert r["NIK"] == d["NIK"]
        kind = d["kind"]
        if kind == "missing_cara_ukur":
            assert r["Cara Ukur"] == ""
        elif kind == "lying_over_24m":
            assert r["Cara Ukur"] in ("Terlentang", "Telentang") and 731 <= _age_days(r) < 1826
        elif kind == "standing_under_9m":
            assert r["Cara Ukur"] == "Berdiri" and _age_days(r) < 274
        elif kind == "swapped_height_weight":
            assert float(r["Berat"]) > float(r["Tinggi"])
        elif kind == "implausible_height":
            assert float(r["Tinggi"]) < 30 or float(r["Tinggi"]) > 150
        elif kind == "implausible_weight":
            assert float(r["Berat"]) < 1.5 or float(r["Berat"]) > 50
        elif kind in ("missing_height", "missing_weight", "missing_sex", "missing_birth_date"):
            col = {"missing_height": "Tinggi", "missing_weight": "Berat", "missing_sex": "JK"}
            assert r[col.get(kind, "Tgl Lahir")] == ""
        elif kind == "birth_after_measurement":
            assert _age_days(r) < 0
        elif kind == "age_over_60m":
            assert _age_days(r) >= 1827
        elif kind == "duplicate_row":
            src = by_no[int(d["detail"].split()[3].rstrip(","))]
            same = {k: v for k, v in r.items() if k not in ("No", "Tinggi")}
            assert same == {k: v for k, v in src.items() if k not in ("No", "Tinggi")}
            if "re-entered" not in d["detail"]:
                assert r["Tinggi"] == src["Tinggi"]
        elif kind == "twin_nik_duplicate":
            twins = [x for x in rows if x["NIK"] == r["NIK"]]
            assert len(twins) == 2 and twins[0]["Nama"] != twins[1]["Nama"]
            assert twins[0]["Tgl Lahir"] == twins[1]["Tgl Lahir"]
        elif kind == "telentang_spelling":
            assert r["Cara Ukur"] == "Telentang"
    # no other row has a planted-defect symptom
    ages = [(_age_days(r) if r["Tgl Lahir"] else None) for r in rows]
    kinds = {int(d["No"]): d["kind"] for d in defects if d["category"] == "defect"}
    for r, age in zip(rows, ages, strict=True):
        no = int(r["No"])
        if r["Cara Ukur"] == "":
            assert kinds.get(no) == "missing_cara_ukur"
        if age is not None and age < 0:
            assert kinds.get(no) == "birth_after_measurement"
        if age is not None and age >= 1826:
            assert kinds.get(no) == "age_over_60m"
        if r["Cara Ukur"] in ("Terlentang", "Telentang") and age is not None and age >= 731:
            assert kinds.get(no) in ("lying_over_24m", "age_over_60m")


def test_structure_is_realistic(rows: list[dict[str, str]]) -> None:
    sex = Counter(r["JK"] for r in rows)
    assert 1.0 < sex["L"] / sex["P"] < 1.1
    ages = [_age_days(r) for r in rows if r["Tgl Lahir"]]
    first_month = sum(0 <= a < 30 for a in ages)
    later_month = sum(30 * 20 <= a < 30 * 21 for a in ages)
    assert first_month < 0.75 * later_month
    posyandu = {(r["Desa/Kel"], r["Posyandu"]) for r in rows}
    assert len(posyandu) >= 27 * 4


def test_stunting_prevalence_is_realistic() -> None:
    res = ms.check(CSV_PATH)
    assert 0.20 <= res["stunting"] <= 0.28
    by = res["by_kelurahan"]
    assert len(by) == 27
    assert min(by.values()) < 0.16 and max(by.values()) > 0.30


def test_xlsx_matches_csv(rows: list[dict[str, str]], defects: list[dict[str, str]]) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(XLSX_PATH, read_only=True)
    assert len(wb.sheetnames) == 1
    data = list(wb.active.iter_rows(values_only=True))
    wb.close()
    assert list(data[0]) == EXPECTED_COLUMNS
    assert len(data) - 1 == len(rows)
    comma = {
        (int(d["No"]), d["column"]): d["detail"]
        for d in defects
        if d["kind"] == "xlsx_decimal_comma_text"
    }
    numeric_nik = {int(d["No"]) for d in defects if d["kind"] == "xlsx_nik_numeric"}
    assert len(comma) == 30 and len(numeric_nik) == 5
    idx = {c: j for j, c in enumerate(EXPECTED_COLUMNS)}
    for values, r in zip(data[1:], rows, strict=True):
        values = list(values) + [None] * (len(EXPECTED_COLUMNS) - len(values))
        no = int(r["No"])
        assert values[0] == no
        if no in numeric_nik:
            assert isinstance(values[1], int) and str(values[1]) == r["NIK"][:15] + "0"
        else:
            assert values[1] == r["NIK"]
        for col in ms.NUMERIC_COLUMNS:
            v = values[idx[col]]
            if (no, col) in comma:
                assert v == r[col].replace(".", ",") == comma[(no, col)]
            elif r[col] == "":
                assert v is None
            else:
                assert isinstance(v, int | float) and f"{v:.1f}" == r[col]
        for col in ("Tgl Lahir", "Tanggal Pengukuran", "Cara Ukur", "Desa/Kel", "Posyandu"):
            assert (values[idx[col]] or "") == r[col]


def _run(out: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), "--no-check", *args],
        check=True,
        capture_output=True,
    )


def test_generator_reproduces_bundled_csv(tmp_path: Path) -> None:
    _run(tmp_path, "--formats", "csv")
    assert (tmp_path / CSV_PATH.name).read_bytes() == CSV_PATH.read_bytes()
    assert (tmp_path / DEFECTS_PATH.name).read_bytes() == DEFECTS_PATH.read_bytes()


def test_generator_small_variant_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _run(a, "--n", "600", "--seed", "11")
    _run(b, "--n", "600", "--seed", "11")
    for name in (CSV_PATH.name, XLSX_PATH.name, DEFECTS_PATH.name):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert len(_read_csv(a / CSV_PATH.name)) > 600


def test_clean_variant_has_no_defects(tmp_path: Path) -> None:
    _run(tmp_path, "--n", "1000", "--clean", "--formats", "csv")
    assert _read_csv(tmp_path / DEFECTS_PATH.name) == []
    clean = _read_csv(tmp_path / CSV_PATH.name)
    assert len(clean) == 1000
    assert all(r["Cara Ukur"] in ("Terlentang", "Berdiri") for r in clean)
