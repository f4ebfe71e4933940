"""The report of another kab/kota than the sample, from a file of two weighing rounds,
made by ``stuntlib report`` and checked as a person sees it: screenshotted and printed
to PDF in headless Chromium.

The input is a synthetic e-PPGBM export of Kabupaten Batang (Kemendagri code 33.25; the
sample is Kota Pekalongan, 33.75) written by ``tools/make_national.py``: real kecamatan
and desa names, invented children, two rounds (Februari and Agustus 2025) with most
children measured in both, and planted exact and conflicting duplicate rows.

The expected facts are written out here, not taken from stuntlib: the name and code of
the kabupaten (Kepmendagri 2025: Kabupaten Batang, 33.25, 15 kecamatan, 248
desa/kelurahan), the Indonesian month names, and the counts of rows and of distinct
children (NIK) per round, counted from the raw CSV with plain pandas.
"""

from __future__ import annotations

import html as _html
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stuntlib.cli import main
from test_report import (
    browser,
    chromium,
    console_messages,
    decode_png,
    needs_browser,
    printed_a4_text,
)

__all__ = ["browser"]  # the fixture needs_browser asks for

ROOT = Path(__file__).resolve().parents[1]
MAKE_NATIONAL = ROOT / "tools" / "make_national.py"
CHILDREN = 400  # a few hundred children: seconds, not minutes

#: Kepmendagri 2025: Kabupaten Batang, 33.25, has 15 kecamatan and 248 desa/kelurahan.
KAB_CODE, KAB_NAME, N_KECAMATAN, N_DESA = "33.25", "Kabupaten Batang", 15, 248


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated export of Kabupaten Batang (CSV, the verbatim e-PPGBM headers)."""
    out = tmp_path_factory.mktemp("batang") / "batang_eppgbm.csv"
    made = subprocess.run(
        [sys.executable, str(MAKE_NATIONAL), "--eppgbm", KAB_CODE, "--children", str(CHILDREN),
         "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return out


@pytest.fixture(scope="module")
def raw(export: Path) -> pd.DataFrame:
    """The export as text, with the month of measurement (dd/mm/yyyy -> mm)."""
    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    return frame.assign(month=frame["Tanggal Pengukuran"].str.slice(3, 5))


def _report(export: Path, *options: str) -> Path:
    out = export.with_name(f"laporan{'_'.join(options).replace('-', '')}.html")
    code = main(["report", str(export), "-o", str(out), "--quiet", *options])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def august(export: Path) -> Path:
    """The report without --period: the latest round."""
    return _report(export)


@pytest.fixture(scope="module")
def february(export: Path) -> Path:
    return _report(export, "--period", "2025-02")


def _visible_text(page: str) -> str:
    """The page's text as a reader sees it: no style, no image data, no tags."""
    text = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", _html.unescape(text))


def _tables(page: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every table of the page (any class): its last header row and its body rows."""
    tables = []
    for block in re.findall(r"<table[^>]*>(.*?)</table>", page, flags=re.S):
        head = re.search(r"<thead>(.*?)</thead>", block, flags=re.S)
        assert head is not None, block[:300]
        last_header_row = re.findall(r"<tr[^>]*>(.*?)</tr>", head.group(1), flags=re.S)[-1]
        headers = [_html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", last_header_row)]
        rows = [
            [
                _html.unescape(re.sub(r"<[^>]+>", "", c))
                for c in re.findall(r"<td[^>]*>(.*?)</td>", r)
            ]
            for r in re.findall(r"<tr[^>]*>(.*?)</tr>", block.split("<tbody>")[1], flags=re.S)
        ]
        tables.append((headers, rows))
    return tables


def _aksi7_rows(page: str) -> list[list[str]]:
    section = page.split(">Tabel publikasi Aksi 7</h2>", 1)[1]
    table = section[: section.index("</table>") + len("</table>")]
    return _tables(table)[0][1]


def _period_line(page: str) -> str:
    meta = re.search(r'<p class="meta">(.*?)</p>', page, flags=re.S)
    assert meta is not None
    return _visible_text(meta.group(1))


def _flow(page: str) -> list[str]:
    """The 'Jumlah baris' column of the flow table (from the file to the analysis)."""
    section = page.split(">Alur data: dari berkas sampai analisis</h2>", 1)[1]
    return [row[-1] for row in _tables(section[: section.index("</table>") + 8])[0][1]]


def _count(n: int) -> str:
    """A count as the Indonesian report writes it: 1.348 (a point between thousands)."""
    return f"{n:,}".replace(",", ".")


def _screenshot(page: Path, workdir: Path) -> np.ndarray:
    shot = workdir / f"{page.stem}.png"
    result = chromium(page, workdir, f"--screenshot={shot}")
    assert shot.exists(), result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    pixels = decode_png(shot.read_bytes())
    assert pixels.shape[:2] == (4000, 1280)
    rgb = np.round(pixels[..., :3] * 255).astype(np.uint32)  # matplotlib reads 0..1 floats
    colours = np.unique((rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2])
    assert len(colours) > 200, len(colours)  # text, tables and charts: not a blank page
    return pixels


def test_report_of_another_kabupaten(august: Path) -> None:
    page = august.read_text(encoding="utf-8")
    assert re.search(r"<h1>Laporan stunting balita Kabupaten Batang</h1>", page)
    text = _visible_text(page)
    assert "pekalongan" not in text.lower()  # the sample's kota leaks nowhere
    assert "33.75" not in text
    rows = _aksi7_rows(page)
    codes = [row[0] for row in rows]
    assert codes[0] == KAB_CODE and KAB_NAME in rows[0]
    coded = [code for code in codes[1:] if code]
    assert all(code.startswith(KAB_CODE + ".") for code in coded), codes
    # rows without a code: a puskesmas subtotal (no desa), or the desa of misspelled
    # names (planted by the generator), which says so
    for row in rows[1:]:
        if not row[0]:
            puskesmas = row[3] == "" and row[2].startswith("Puskesmas ")
            assert puskesmas or row[3] == "Tidak diketahui", row
    assert sum(len(code) == 8 for code in coded) == N_KECAMATAN
    assert sum(len(code) == 13 for code in coded) == N_DESA  # every desa, with data or not
    # the count card: the registry's desa, not the pooled rows of uncoded names
    card = re.search(r'<div class="v">([\d.]+)</div><div class="l">Desa/kelurahan</div>', page)
    assert card is not None and card.group(1) == str(N_DESA)
    # the duplicates the tables merge are still data problems in the quality section
    quality = _visible_text(page.split("<h2>Kualitas data</h2>", 1)[1].split("<h2>", 1)[0])
    assert "Data ganda anak yang sama pada tanggal yang sama" in quality


@needs_browser
def test_kabupaten_report_screenshot(august: Path, tmp_path: Path) -> None:
    _screenshot(august, tmp_path)


@needs_browser
def test_kabupaten_report_prints_every_column(august: Path, tmp_path: Path) -> None:
    printed = printed_a4_text(august, tmp_path)
    assert "Kabupaten Batang" in printed and "pekalongan" not in printed.lower()
    words = set(re.findall(r"\S+", printed))
    page = august.read_text(encoding="utf-8")
    tables = _tables(page)
    assert len(tables) >= 6
    for headers, rows in tables:
        for word in " ".join(headers).split():  # every column header, the last one too
            assert word in words, (word, headers)
        for row in (rows[0], rows[-1]):  # and the rightmost cells of its first and last rows
            for word in " ".join(row[-2:]).split():
                assert word in words, (word, row)


def test_two_rounds_report_the_latest_and_count_each_child_once(
    august: Path, raw: pd.DataFrame
) -> None:
    page = august.read_text(encoding="utf-8")
    period = _period_line(page)
    assert re.search(r"Periode pengukuran: \d+ Agustus 2025 – \d+ Agustus 2025", period), period
    assert "Februari" not in period
    rows_aug = int((raw["month"] == "08").sum())
    children_aug = raw.loc[raw["month"] == "08", "NIK"].nunique()
    assert children_aug < rows_aug  # the planted duplicates are there to be merged
    other = len(raw) - rows_aug
    # rows in file, other period, not scorable, outside 0-59 months, duplicates, flagged,
    # analysed (the generated heights are all plausible and every child is under 5)
    expected = [len(raw), other, 0, 0, rows_aug - children_aug, 0, children_aug]
    assert _flow(page) == [_count(expected[0]), *[f"− {_count(n)}" for n in expected[1:-1]],
                           _count(expected[-1])]  # fmt: skip
    kab = _aksi7_rows(page)[0]
    assert kab[0] == KAB_CODE and str(children_aug) in kab  # each child counted once


@needs_browser
def test_period_option_reports_the_february_round(
    february: Path, raw: pd.DataFrame, tmp_path: Path
) -> None:
    page = february.read_text(encoding="utf-8")
    period = _period_line(page)
    assert re.search(r"Periode pengukuran: \d+ Februari 2025 – \d+ Februari 2025", period), period
    assert "Agustus" not in period
    children_feb = raw.loc[raw["month"] == "02", "NIK"].nunique()
    flow = _flow(page)
    assert flow[1] == f"− {_count(int((raw['month'] == '08').sum()))}"  # August: another period
    assert flow[-1] == _count(children_feb)
    # the February report compares nothing with the later August round
    assert 'id="perkembangan"' not in page and "Agustus 2025" not in _visible_text(page)
    _screenshot(february, tmp_path)
