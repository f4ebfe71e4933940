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
                   "2025-08", "-o", str(out), "--no-suppress"])  # fmt: skip
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
    assert "<td>\u2013</td>" in text
    for digit in ("1", "2"):
        assert f"<td>{digit}</td>" not in text
    # rounds named by month keys are written as months, numbers with decimal commas
    assert "Februari 2025" in text and "Agustus 2025" in text and ">2025-02<" not in text
    assert "&lt;3" not in text
    english = render_change_sections(scored, period="round", language="en")
    assert "Newly stunted" in english
    with pytest.raises(StuntlibError, match="^language:"):
        render_change_sections(scored, period="round", language="jv")


def test_report_with_one_round_says_so():
    data = make_rounds.stationary(300, 1)
    text = render_change_sections(stuntlib.score(data), period="round")
    assert "hanya memuat satu putaran" in text


def _cells(html_text: str, section: str) -> list[list[str]]:
    import re

    part = html_text.split(f'<section id="{section}">', 1)[1].split("</section>", 1)[0]
    body = part.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    return [re.findall(r"<td>(.*?)</td>", r) for r in rows]


def test_a_change_next_to_a_masked_round_is_masked_too():
    # Desa A: 40 children each round, 12 then 10 stunted: both rounds shown, change shown.
    # Desa B: 40 children in February (12 stunted), 1 stunted of 5 in August: August is
    # masked (n < 25 and 1 case), so its change and p-value would give it away.
    rows = []
    for round_, desa, n, cases in [("2025-02", "A", 40, 12), ("2025-08", "A", 40, 10),
                                   ("2025-02", "B", 40, 12), ("2025-08", "B", 5, 1)]:  # fmt: skip
        for i in range(n):
            rows.append({"nik": f"{desa}{i:04d}", "round": round_, "kelurahan": desa,
                         "measure_date": f"{round_}-15", "zlen": -2.5 if i < cases else 0.0,
                         "flen": 0})  # fmt: skip
    text = render_change_sections(pd.DataFrame(rows), period="round", language="en")
    trend = {r[0]: r[1:] for r in _cells(text, "perkembangan")[:2]}
    assert trend["A"][0].startswith("30.0% (") and trend["A"][1].startswith("25.0% (")
    assert trend["A"][2] == "-5.0 points"  # 25.0 - 30.0, by hand
    assert trend["B"][0].startswith("30.0% (")
    assert trend["B"][1:] == ["\u2013", "\u2013", "\u2013"]
    target = {r[0]: r[1:] for r in _cells(text, "target")}
    assert target["B"] == ["\u2013"] * 7


def test_change_table_masks_small_counts_and_what_comes_from_them(rounds, tmp_path):
    out = tmp_path / "perubahan.csv"
    args = _parse(["change", str(rounds), "--period", "round", "--periods", "2025-02",
                   "2025-08", "-o", str(out)])  # fmt: skip
    args.stdout = io.StringIO()
    assert run(args) == 0
    table = pd.read_csv(out)
    for count in ("linked", "newly_stunted", "recovered", "relapsed"):
        assert not table[count].isin([1, 2]).any(), count
    masked = table["newly_stunted"].isna()
    assert masked.any()  # the planted rounds have 1-2 new cases in some kelurahan
    for column in ("excess_newly_stunted", "newly_stunted_low", "incidence"):
        assert table.loc[masked, column].isna().all(), column
    args = _parse(["change", str(rounds), "--period", "round", "--periods", "2025-02",
                   "2025-08", "-o", str(out), "--no-suppress"])  # fmt: skip
    args.stdout = io.StringIO()
    assert run(args) == 0
    assert pd.read_csv(out)["newly_stunted"].isin([1, 2]).any()  # internal: as computed
