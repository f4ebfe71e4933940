"""The CLI and report seams of the situation analysis (wired in by the lead)."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stuntlib.convergence import situation_analysis
from stuntlib.convergence._cli import add_parser, run
from stuntlib.convergence._report import render_situation_section
from stuntlib.errors import StuntlibError

SAMPLES = Path(__file__).parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def table():
    counts = pd.DataFrame(
        {
            "kode": ["33.75.01.1002", "33.75.01.1003", "33.75.03.1003", "33.75.02.1004"],
            "n": [928, 20, 933, 670],
            "cases": [169, 2, 331, 82],
        }
    )
    krs = pd.read_csv(SAMPLES / "pekalongan_krs.csv", dtype={"kode": str})
    krs = krs[krs["kode"].isin(counts["kode"])]
    return situation_analysis(counts, area="kode", krs=krs, draws=200)


def test_report_section_in_indonesian_masks_small_cells(table):
    out = render_situation_section(table)
    assert out.startswith('<section id="situasi">')
    assert "Peluang masuk 2 teratas (%)" in out
    assert "33.75.03.1003" in out and "<td>Kandang Panjang</td>" in out
    # 20 measured < 25: the stunted count of Podosugih is masked
    row = out.split("33.75.01.1003")[1].split("</tr>")[0]
    assert "<td>—</td>" in row
    assert "Probability in top 2" in render_situation_section(table, language="en")
    with pytest.raises(StuntlibError, match="language"):
        render_situation_section(table, language="jv")


def test_report_map_when_geojson_given(table):
    square = [[[109.6, -6.9], [109.7, -6.9], [109.7, -6.8], [109.6, -6.8], [109.6, -6.9]]]
    gj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kode": "33.75.03.1003"},
                "geometry": {"type": "Polygon", "coordinates": square},
            },
        ],
    }
    out = render_situation_section(table, geojson=gj)
    assert "<svg" in out and "<title>33.75.03.1003</title>" in out


def test_cli_seam_writes_the_workbook(tmp_path):
    export = pd.read_csv(SAMPLES / "pekalongan_eppgbm.csv", dtype=str, nrows=3000)
    src = tmp_path / "export.csv"
    export.to_csv(src, index=False)
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        [
            "situasi",
            str(src),
            "--coverage",
            str(SAMPLES / "pekalongan_cakupan.csv"),
            "--krs",
            str(SAMPLES / "pekalongan_krs.csv"),
            "--records",
            str(SAMPLES / "pekalongan_layanan.csv"),
            "-o",
            str(tmp_path / "s.xlsx"),
        ]
    )
    said = []
    assert run(args, say=said.append) == 0
    sheets = pd.read_excel(tmp_path / "s.xlsx", sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["Data Sasaran", "Cakupan Layanan", "Situasi"]
    sit = sheets["Situasi"]
    assert "konvergensi" in sit.columns
    sas = sheets["Data Sasaran"]
    np.testing.assert_array_equal(
        sas["Jumlah Balita Sangat Pendek"] + sas["Jumlah Balita Pendek"], sit["stunting"]
    )
    assert sit["balita_diukur"].eq(0).any()  # kelurahan of the recaps not in these rows
    assert sas["Jumlah Keluarga"].notna().all()
    assert said and "areas" in said[0]
