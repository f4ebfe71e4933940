"""The workbooks as files: data sasaran (unmasked), formula safety, LibreOffice opens them."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from stuntlib._safe import FORMULA_PREFIXES, neutralise_frame, write_safe_xlsx
from stuntlib.errors import StuntlibWarning
from stuntlib.publication import (
    aksi7_table,
    write_aksi7_workbook,
    write_data_sasaran,
)


def _kelurahan(name: str, kecamatan: str, stunted: int, others: int, severe: int = 0):
    zs = [-3.5] * severe + [-2.5] * (stunted - severe) + [0.0] * others
    return pd.DataFrame(
        {"kecamatan": kecamatan, "kelurahan": name, "zlen": zs, "flen": 0, "age_days": 700}
    )


def _frame() -> pd.DataFrame:
    return pd.concat(
        [
            _kelurahan("TIRTO", "PEKALONGAN BARAT", 1, 29),  # 1 stunted: disclosive
            _kelurahan("MEDONO", "PEKALONGAN BARAT", 12, 40, severe=4),
            _kelurahan("KAUMAN", "PEKALONGAN TIMUR", 8, 40, severe=2),
            _kelurahan("PONCOL", "PEKALONGAN TIMUR", 9, 40, severe=3),
            _kelurahan("DESA ANTAH", "PEKALONGAN TIMUR", 3, 10, severe=1),  # not in the list
        ],
        ignore_index=True,
    )


def _cells(path: Path) -> list:
    book = load_workbook(path)
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


def test_data_sasaran_is_unmasked_and_adds_up(tmp_path: Path) -> None:
    frame = _frame()
    path = write_data_sasaran(frame, tmp_path / "sasaran.xlsx", period="Agustus 2025")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    assert "bukan untuk publikasi" in sheet["A1"].value and "Agustus 2025" in sheet["A1"].value
    assert "bukan untuk publikasi" in book.properties.subject
    assert "Web Aksi Bangda" in book.properties.title
    back = pd.read_excel(
        path, header=3, engine="openpyxl", dtype={"Kode wilayah (Kemendagri)": str}
    )
    assert len(back) == 27 + 1  # every kelurahan of the list, and the one not in it
    # hand counts: 1 + 12 + 8 + 9 + 3 stunted of 30 + 52 + 48 + 49 + 13 measured
    assert back["Jumlah balita diukur"].sum() == 192
    assert back["Balita sangat pendek"].sum() == 4 + 2 + 3 + 1
    assert back["Balita pendek"].sum() == 1 + 8 + 6 + 6 + 2
    tirto = back.set_index("Kode wilayah (Kemendagri)").loc["33.75.01.1009"]
    assert (tirto["Balita sangat pendek"], tirto["Balita pendek"]) == (0, 1)  # not masked
    # the same run's publication table still masks the small cell, and its kota totals
    # are the sums of the data sasaran
    table = aksi7_table(frame, language="en")
    by_code = table.set_index("Area code (Kemendagri)")
    assert pd.isna(by_code.loc["33.75.01.1009", "Total stunted"])
    unmasked = aksi7_table(frame, language="en", protect=False).iloc[0]
    assert unmasked["Children measured (valid HAZ)"] == back["Jumlah balita diukur"].sum()
    assert unmasked["Severely stunted"] == back["Balita sangat pendek"].sum()
    assert unmasked["Moderately stunted"] == back["Balita pendek"].sum()


_HOSTILE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
).map(lambda s: s.strip() or "x")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(["=", "+", "-", "@", "=HYPERLINK(", "=1+"]),
    names=st.lists(_HOSTILE, min_size=2, max_size=4, unique=True),
)
def test_no_writer_stores_a_formula(prefix: str, names: list[str], tmp_path_factory) -> None:
    tmp = tmp_path_factory.mktemp("hostile")
    hostile = [prefix + n for n in names]
    frame = pd.concat([_kelurahan(n, "=KEC" + n, 5, 30) for n in hostile], ignore_index=True)
    # hostile names match no place: the tables carry the data's own names, without codes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StuntlibWarning)  # "without area codes"
        table = aksi7_table(frame)
        sasaran = write_data_sasaran(frame, tmp / "sasaran.xlsx", period="=periode")
    paths = [
        write_aksi7_workbook(
            table, tmp / "a7.xlsx", title=prefix + "judul", source="=src", period="@2025"
        ),  # fmt: skip
        sasaran,
        tmp / "table.xlsx",
    ]
    write_safe_xlsx(table, paths[-1])  # the CLI's xlsx writer
    for path in paths:
        cells = _cells(path)
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        texts = {c.value for c in cells if isinstance(c.value, str)}
        shown = set(table.astype(str).to_numpy().ravel())
        if any(h.title() in shown or h in shown for h in hostile):  # not pooled as unknown
            assert any(h.title() in texts or h in texts for h in hostile)  # written, as text
        for c in cells:
            if isinstance(c.value, str):
                assert c.data_type == "s"


def test_csv_neutralisation_follows_the_owasp_rule() -> None:
    frame = pd.DataFrame(
        {
            "kelurahan": ["=1+1", "+1", "-1", "@SUM(1)", "\tx", "\rx", "TIRTO", None],
            "n": [-3, 1, 2, 3, 4, 5, 6, 7],
        }
    )
    out = neutralise_frame(frame)
    expected = ["'=1+1", "'+1", "'-1", "'@SUM(1)", "'\tx", "'\rx", "TIRTO"]
    assert out["kelurahan"].tolist()[:7] == expected and pd.isna(out["kelurahan"].iloc[7])
    assert out["n"].tolist() == frame["n"].tolist()  # numbers are not formulas
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, (
        "LibreOffice (soffice) is required to check that the workbooks open without a "
        "repair prompt; install Debian's libreoffice-calc-nogui"
    )
    return found


def test_workbooks_open_in_libreoffice(tmp_path: Path) -> None:
    """LibreOffice converts each workbook to PDF; a damaged file makes it fail."""
    soffice = _soffice()
    frame = _frame()
    paths = [
        write_aksi7_workbook(aksi7_table(frame), tmp_path / "aksi7.xlsx", period="Agustus"),
        write_data_sasaran(frame, tmp_path / "sasaran.xlsx"),
    ]
    for path in paths:
        result = subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}",
             "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        pdf = path.with_suffix(".pdf")
        assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True).stdout  # fmt: skip
        assert "Pekalongan" in text
    assert np.all([p.exists() for p in paths])
