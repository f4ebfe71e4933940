"""What the command line says: its options, never the library's Python arguments, and the
failure list of ``stuntlib quality --failures`` in Indonesian.

Every expected message below is written out by hand: the option a terminal user types
(``--min-n``, ``--units lenhei=cm``) and the Indonesian words of the failure list.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from fictional import fictional_export
from stuntlib.cli import _in_cli_terms, main


def _export(path: Path, heights: list[str]) -> Path:
    """Children of Tirto, all measured standing at 2 years 7 months, with these heights."""
    return fictional_export(path, heights)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    # one height typed in millimetres (875 for 87,5 cm), as in the Kota Pekalongan sample
    return _export(tmp_path / "export.csv", ["88,0"] * 9 + ["875"])


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


def test_unit_warning_names_the_units_option(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, "score", export, "-o", tmp_path / "s.csv", "-q")
    assert code == 0, err
    assert "stuntlib score: warning: lenhei: 1 value(s)" in err
    assert "--units lenhei=cm or --units lenhei=mm" in err
    assert "units={" not in err
    code, err = _run(capsys, "score", export, "-o", tmp_path / "s.csv", "-q", "--units",
                     "lenhei=cm")  # fmt: skip
    assert code == 0 and "warning" not in err  # the advice, followed, silences it


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--min-n", "-1", "argument --min-n: expected a whole number from 0; got '-1'"),
        ("--min-cases", "x", "argument --min-cases: expected a whole number from 0; got 'x'"),
        ("--header-row", "0", "argument --header-row: expected a whole number from 1; got '0'"),
        ("--units", "lenhei=inch", "argument --units: expected MEASURE=UNIT"),
        ("--ci", "exact", "argument --ci: invalid choice: 'exact'"),
    ],
)
def test_a_bad_option_is_refused_before_reading_and_named(
    option: str,
    value: str,
    expected: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "not_read.csv"  # refused before the input is even looked at
    code, err = _run(capsys, "report", missing, "-o", tmp_path / "r.html", option, value)
    assert code == 2
    assert expected in err, err
    assert "min_n" not in err and "min_cases" not in err and "header_row" not in err
    assert "no such file" not in err


def test_a_library_error_names_the_option(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the export holds August 2025 only
    code, err = _run(capsys, "report", export, "-o", tmp_path / "r.html", "-q", "--period",
                     "2025-02")  # fmt: skip
    assert code == 2
    assert "stuntlib report: error: --period: expected one of the periods" in err, err
    assert "error: period:" not in err


@pytest.mark.parametrize(
    ("library", "terminal"),
    [  # library messages as stuntlib writes them (verbatim parts), and the terminal's
        ("declare the unit with units={'weight': ...} to read the column otherwise",
         "declare the unit with --units weight=kg or --units weight=g to read the column "
         "otherwise"),
        ("min_cases/min_n: expected non-negative integers; got -1, 25",
         "--min-cases/--min-n: expected non-negative integers; got -1, 25"),
        ("frame: no sex column found. Pass columns={'sex': '<label>'} to name it.",
         "frame: no sex column found. Pass --column sex=HEADER to name it."),
        ("Rename the columns, pass columns={canonical: label}, header_row= (the header's row "
         "number) or sheet=, or choose another profile.",
         "Rename the columns, pass --column CANONICAL=HEADER, --header-row N (the header's "
         "row number) or --sheet NAME, or choose another --profile."),
        ("columns: both 'Umur' and 'Umur Hari' look like 'age_days'; say which one to use, "
         "e.g. columns={'age_days': 'Umur Hari'}",
         "--column: both 'Umur' and 'Umur Hari' look like 'age_days'; say which one to use, "
         "e.g. --column 'age_days=Umur Hari'"),
        ("declare it with units={'age': 'months'} or {'age': 'days'} (CLI: --units "
         "age=months), or map it with columns={'age_months': ...} (CLI: --column "
         "age_months=age)",
         "declare it with --units age=months, or map it with --column age_months=age"),
        ("select the rows of one (e.g. by the Kab/Kota column) or pass areas= (CLI: --areas "
         "FILE)",
         "select the rows of one (e.g. by the Kab/Kota column) or pass --areas FILE"),
        ("cannot read the CSV (header taken on row 1, separator ';'): boom; pass header_row= "
         "or sep=",
         "cannot read the CSV (header taken on row 1, separator ';'): boom; pass --header-row "
         "N"),
        ("scored: no kelurahan column", "scored: no kelurahan column"),  # no option: as is
    ],
)  # fmt: skip
def test_library_advice_in_cli_terms(library: str, terminal: str) -> None:
    assert _in_cli_terms(library) == terminal


def test_failure_list_in_indonesian(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = _export(tmp_path / "export.csv", ["88,0"] * 4)
    frame = pd.read_csv(export, sep=";", dtype=str)
    frame.loc[1, "Berat"] = ""  # no weight: an error
    frame.loc[2, "NIK"] = "3375011401"  # 10 digits: a warning
    frame.to_csv(export, sep=";", index=False)
    out = tmp_path / "gagal.csv"
    code, err = _run(capsys, "quality", export, "--failures", "--language", "id", "-o", out,
                     "-q")  # fmt: skip
    assert code == 0, err
    failures = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert failures.columns.tolist() == [
        "Pemeriksaan", "Kolom", "Indeks", "Urutan baris (mulai 0)", "Baris di lembar kerja",
        "No", "Desa/Kelurahan", "Posyandu", "Nilai", "Tingkat", "Keterangan",
    ]  # fmt: skip
    weight = failures[failures["Pemeriksaan"] == "missing_weight"].iloc[0]
    assert weight["Keterangan"] == "Berat badan kosong."
    assert (weight["Tingkat"], weight["Baris di lembar kerja"], weight["No"]) == ("galat", "3", "2")
    nik = failures[failures["Pemeriksaan"] == "nik_format"].iloc[0]
    assert (nik["Keterangan"], nik["Tingkat"]) == ("NIK tidak 16 digit.", "peringatan")
    assert nik["Nilai"] == "(disembunyikan)"  # a NIK is never shown unless asked for
    assert "3375011401" not in out.read_text(encoding="utf-8")

    english = tmp_path / "failures.csv"
    code, err = _run(capsys, "quality", export, "--failures", "-o", english, "-q")
    assert code == 0, err
    rows = pd.read_csv(english, dtype=str, keep_default_na=False)
    assert {"check", "severity", "description"} <= set(rows.columns)  # the default: en
    weight = rows[rows["check"] == "missing_weight"].iloc[0]
    assert (weight["description"], weight["severity"]) == ("Weight is missing.", "error")


def test_every_check_has_an_indonesian_description() -> None:
    from stuntlib.quality import CHECKS

    missing = [name for name, check in CHECKS.items() if not check.description_id]
    assert missing == []


def test_prevalence_of_a_two_round_file_follows_the_advice_it_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Februari: children 0-3 (child 0 entered twice the same day); Agustus: children 0-5."""
    feb = _export(tmp_path / "feb.csv", ["88,0"] * 4)
    aug = _export(tmp_path / "aug.csv", ["88,0"] * 6)
    rows = pd.read_csv(feb, sep=";", dtype=str)
    rows["Tanggal Pengukuran"] = "10/02/2025"
    both = pd.concat([rows, rows.iloc[[0]], pd.read_csv(aug, sep=";", dtype=str)])
    export = tmp_path / "two_rounds.csv"
    both.to_csv(export, sep=";", index=False)

    def stunting(out: Path) -> pd.DataFrame:
        table = pd.read_csv(out, dtype={"period": str})
        return table[(table["indicator"] == "stunting") & (table["grouping"] != "kelurahan")]

    code, err = _run(capsys, "prevalence", export, "-o", tmp_path / "latest.csv", "-q",
                     "--no-suppress")  # fmt: skip
    assert code == 0, err
    assert "the latest, 2025-08, is estimated" in err
    assert "--period YYYY-MM for another, or --by period to tabulate each" in err
    assert "period='" not in err and "by='" not in err
    assert stunting(tmp_path / "latest.csv")["n"].iloc[0] == 6

    code, err = _run(capsys, "prevalence", export, "-o", tmp_path / "feb_out.csv", "-q",
                     "--no-suppress", "--period", "2025-02")  # fmt: skip
    assert code == 0 and "warning" not in err, err
    assert stunting(tmp_path / "feb_out.csv")["n"].iloc[0] == 4  # each child once

    code, err = _run(capsys, "prevalence", export, "-o", tmp_path / "each.csv", "-q",
                     "--no-suppress", "--by", "period")  # fmt: skip
    assert code == 0, err
    each = stunting(tmp_path / "each.csv").set_index("period")
    assert sorted(each.index) == ["2025-02", "2025-08"]  # no total pooled over rounds
    assert each.loc["2025-08", "n"] == 6


def test_options_that_do_not_apply_are_refused_with_the_right_advice(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, "report", export, "--sheet", "Data", "-o", tmp_path / "r.html", "-q")
    assert code == 2
    assert "--sheet: a csv file has no sheets" in err
    areas = tmp_path / "kode.csv"
    areas.write_text("a,b\n1,2\n", encoding="utf-8")
    code, err = _run(capsys, "report", export, "--areas", areas, "-o", tmp_path / "r.html", "-q")
    assert code == 2
    assert "--areas: the code table needs the columns 'kode' and 'nama'" in err
    assert "--column" not in err  # the input's column advice does not fit a code table


def test_a_geojson_key_without_a_geojson_is_refused(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, "report", export, "--geojson-key", "nama", "-o", tmp_path / "r.html")
    assert code == 2 and "--geojson-key: names a property of --geojson FILE" in err


def test_score_in_indonesian_has_indonesian_headers(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "skor.csv"
    code, _ = _run(capsys, "score", export, "--labels", "id", "-o", out, "-q")
    assert code == 0
    table = pd.read_csv(out, dtype=str)
    for header in ("Z-skor TB/U (PB/U)", "Status TB/U", "Umur (hari)", "Alasan tanpa z-skor BB/U"):
        assert header in table.columns
    assert "zlen" not in table.columns and "stunting" not in table.columns
    assert set(table["Status TB/U"].dropna()) <= {"sangat pendek", "pendek", "normal", "tinggi"}


def test_no_output_overwrites_the_input_or_another_output(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "export.xlsx"  # an e-PPGBM export as the office has it
    pd.read_csv(export, dtype=str, sep=";").to_excel(book, index=False)
    export, before = book, book.read_bytes()
    html = tmp_path / "r.html"
    link = tmp_path / "link.xlsx"
    os.link(export, link)  # the export under a second name: writing it destroys the export
    cases = [
        (["report", export, "-o", html, "--aksi7", export], "--aksi7: ", "is the input file"),
        (["report", export, "-o", html, "--aksi7", link], "--aksi7: ", "is the input file"),
        (["score", export, "-o", export], "-o/--output: ", "is the input file"),
        (["quality", export, "--failures", "-o", export], "-o/--output: ", "is the input file"),
        (["report", export, "-o", html, "--aksi7", tmp_path / "a.xlsx",
          "--data-sasaran", tmp_path / "a.xlsx"], "--data-sasaran: ", "also given to --aksi7"),
        (["report", export, "-o", tmp_path / "a.xlsx" / "r.html"], "-o/--output: ", "is a file"),
    ]  # fmt: skip
    (tmp_path / "a.xlsx").write_bytes(b"not a folder")
    for argv, option, words in cases:
        code, err = _run(capsys, *argv)
        assert code == 2, (argv, err)
        assert f"error: {option}" in err and words in err, err
    assert export.read_bytes() == before  # the export is untouched
    assert not html.exists()  # refused before any work


def test_workbooks_name_the_round_the_report_chose(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    august = pd.read_csv(export, dtype=str, sep=";")
    february = august.assign(**{"Tanggal Pengukuran": "11/02/2025"})
    both = tmp_path / "dua_putaran.csv"
    pd.concat([february, august], ignore_index=True).to_csv(both, index=False)
    books = {"--aksi7": tmp_path / "aksi7.xlsx", "--data-sasaran": tmp_path / "sasaran.xlsx"}
    argv = ["report", both, "-o", tmp_path / "r.html", "-q"]
    code, err = _run(capsys, *argv, *[str(x) for pair in books.items() for x in pair])
    assert code == 0, err
    for book in books.values():
        cells = [str(c.value) for ws in openpyxl.load_workbook(book) for row in ws.iter_rows()
                 for c in row if c.value is not None]  # fmt: skip
        assert any("Agustus 2025" in c for c in cells), book.name
        assert not any("Periode pengukuran: -" in c for c in cells), book.name


def test_a_file_with_a_header_and_no_rows_is_refused(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "kosong.csv"
    empty.write_text(export.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    code, err = _run(capsys, "report", empty, "-o", tmp_path / "r.html", "-q")
    assert code == 2 and "no data rows under the header; nothing to report" in err
    assert "--areas" not in err


def test_prevalence_counts_a_child_measured_twice_once(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = pd.read_csv(export, dtype=str, sep=";")
    twice = tmp_path / "ganda.csv"
    pd.concat([rows, rows.iloc[[0]]], ignore_index=True).to_csv(twice, sep=";", index=False)
    out = tmp_path / "p.csv"
    code, err = _run(capsys, "prevalence", twice, "-o", out, "-q")
    assert code == 0, err
    table = pd.read_csv(out)
    total = table[(table["grouping"] == "All") & (table["indicator"] == "stunting")]
    assert total["n"].tolist() == [len(rows)]  # 10 children, 11 rows


def test_min_cases_that_masks_nothing_is_not_called_masked(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "r.html"
    code = main(["report", str(export), "-o", str(page), "--min-cases", "0", "-q"])
    out = capsys.readouterr().out
    assert code == 0 and "report (NOT masked: --min-cases 0)" in out
    text = page.read_text(encoding="utf-8")
    assert "jumlah kasus kecil TIDAK disamarkan (min_cases = 0)" in text and "1–-1" not in text
