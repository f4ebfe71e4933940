"""The `change` CLI seam and the report sections (no NIK, small cells masked)."""

import argparse
import importlib.util
import io
from pathlib import Path

import pandas as pd
import pytest

import stuntlib
from stuntlib.change._cli import add_parser, run
from stuntlib.change._report import render_change_sections
from stuntlib.errors import StuntlibError

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_rounds", ROOT / "tools" / "make_rounds.py")
make_rounds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_rounds)


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rounds")
    make_rounds.main(["--out", str(folder), "--mode", "planted"])
    return folder / "pekalongan_rounds.csv"


def _parse(argv):
    parser = argparse.ArgumentParser(prog="stuntlib")
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_change_on_two_periods_of_one_file(rounds, tmp_path):
    out = tmp_path / "perubahan.csv"
    args = _parse(["change", str(rounds), "--period", "round", "--periods", "2025-02",
                   "2025-08", "-o", str(out)])  # fmt: skip
    args.stdout = io.StringIO()
    assert args.func is run
    assert run(args) == 0
    table = pd.read_csv(out)
    assert table["newly_stunted"].sum() == 37 + 11
    assert table["recovered"].sum() == 29 + 13
    assert "linked" in args.stdout.getvalue()
    assert "nik" not in table.columns


def test_change_on_two_files(rounds, tmp_path):
    data = pd.read_csv(rounds, dtype={"nik": str})
    a, b = tmp_path / "februari.csv", tmp_path / "agustus.csv"
    data[data["round"] == "2025-02"].drop(columns="round").to_csv(a, index=False)
    data[data["round"] == "2025-08"].drop(columns="round").to_csv(b, index=False)
    html_out = tmp_path / "perkembangan.html"
    args = _parse(["change", str(a), str(b), "-o", str(html_out)])
    args.stdout = io.StringIO()
    assert run(args) == 0
    text = html_out.read_text(encoding="utf-8")
    assert "Perkembangan" in text and "Target" in text
    assert not any(nik in text for nik in data["nik"].head(300))


def test_change_bad_inputs(tmp_path):
    args = _parse(["change", str(tmp_path / "none.csv")])
    with pytest.raises(StuntlibError, match="inputs"):
        run(args)


def test_report_sections_mask_small_cells_and_speak_indonesian():
    data, _ = make_rounds.planted()
    scored = stuntlib.score(data)
    text = render_change_sections(scored, period="round", target_year=2029)
    assert '<section id="perkembangan">' in text and '<section id="target">' in text
    assert "Baru stunting" in text and "Perkiraan tanpa perubahan" in text
    assert "Kategori WHO/UNICEF" in text
    # per kelurahan there are 1-2 relapses / new cases somewhere: masked, never "1" or "2"
    assert "<td>&lt;3</td>" in text
    for digit in ("1", "2"):
        assert f"<td>{digit}</td>" not in text
    english = render_change_sections(scored, period="round", language="en")
    assert "Newly stunted" in english
    with pytest.raises(StuntlibError, match="^language:"):
        render_change_sections(scored, period="round", language="jv")


def test_report_with_one_round_says_so():
    data = make_rounds.stationary(300, 1)
    text = render_change_sections(stuntlib.score(data), period="round")
    assert "hanya memuat satu putaran" in text
