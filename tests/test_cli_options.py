"""CLI defaults and options: output folder, CSV by default, separators, masking, column
mapping, identifying groupings refused, formula-safe outputs, typos, data sasaran."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from fictional import fictional_export
from test_cli import DATA, QUIRKS, run


def _export(path: Path, kels: list[str], n: int = 60, stunted=lambda i: i in (0, 30, 31)):
    """A fictional e-PPGBM export: Tirto has 1 stunted child, Medono 2."""
    heights = ["80,0" if stunted(i) else "88,0" for i in range(n)]
    return fictional_export(path, heights, kels, numbered=False)


def test_outputs_go_to_the_current_folder_and_score_writes_csv(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = run("score", QUIRKS, "-q", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "eppgbm_quirks_scored.csv").exists()  # CSV, in the current folder
    assert not (QUIRKS.parent / "eppgbm_quirks_scored.csv").exists()
    assert not list(QUIRKS.parent.glob("*_scored.*"))


def test_column_option_maps_a_header(tmp_path: Path) -> None:
    # case real_world/08: the age column is 'age' (months)
    out = tmp_path / "s.csv"
    result = run("score", DATA / "smart_age_months.csv", "--column", "age_months=age", "-o", out,
                 "-q", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert pd.read_csv(out)["zlen"].round(2).tolist() == [-1.39, -0.89, -1.07]
    assert "--column" in run("score", "--help", cwd=tmp_path).stdout
    bad = run("score", DATA / "smart_age_months.csv", "--column", "age", cwd=tmp_path)
    assert bad.returncode == 2 and "canonical=Header" in bad.stderr


def test_prevalence_masks_by_default_and_says_so(tmp_path: Path) -> None:
    # case reliability/03: 1 stunted child in Tirto, 2 in Medono
    export = _export(tmp_path / "export.csv", ["TIRTO", "MEDONO"])
    result = run("prevalence", export, "-o", tmp_path / "p.csv", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "small cells masked" in result.stdout
    out = pd.read_csv(tmp_path / "p.csv")
    kel = out[(out["indicator"] == "stunting") & out["kelurahan"].notna()]
    assert kel["suppressed"].all() and kel["estimate"].isna().all()
    result = run("prevalence", export, "-o", tmp_path / "raw.csv", "--no-suppress", "-q",
                 cwd=tmp_path)  # fmt: skip
    assert "NOT masked" in result.stdout
    raw = pd.read_csv(tmp_path / "raw.csv")
    tirto = raw[(raw["indicator"] == "stunting") & (raw["kelurahan"] == "TIRTO")].iloc[0]
    assert (tirto["cases"], tirto["estimate"], tirto["unit"]) == (1, 3.3, "%")  # 1/30 = 3.3 %


def test_grouping_by_an_identifying_column_is_refused(tmp_path: Path) -> None:
    # case reliability/04
    export = _export(tmp_path / "export.csv", ["TIRTO"], n=5)
    for by in ("nik", "name", "Nama", "kelurahan+nik"):
        out = tmp_path / f"p_{by}.csv"
        result = run("prevalence", export, "--by", by, "-o", out, "-q", cwd=tmp_path)
        assert result.returncode == 2, by
        assert "identify children" in result.stderr
        assert not out.exists()


def test_csv_and_xlsx_outputs_hold_no_formula(tmp_path: Path) -> None:
    # case reliability/06
    kels = ['=HYPERLINK("http://example.invalid/x","Lihat")', "+1+cmd|' /C calc'!A0",
            "@SUM(1+1)", "TIRTO"]  # fmt: skip
    export = _export(tmp_path / "export.csv", kels, n=80)
    result = run("prevalence", export, "-o", tmp_path / "p.csv", "--sep", ";", "--decimal",
                 ",", "--by", "kelurahan", "-q", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(tmp_path / "p.csv", sep=";", decimal=",", dtype={"kelurahan": str})
    names = set(table["kelurahan"].dropna())
    assert names and all(not n.startswith(("=", "+", "-", "@")) for n in names)
    assert '\'=HYPERLINK("http://example.invalid/x","Lihat")' in names
    text = (tmp_path / "p.csv").read_text()
    assert re.search(r";\d+,\d;", text)  # decimal comma with ';' separators
    result = run("prevalence", export, "-o", tmp_path / "p.xlsx", "--by", "kelurahan", "-q",
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    cells = [c for row in load_workbook(tmp_path / "p.xlsx").active.iter_rows() for c in row]
    assert [c.value for c in cells if c.data_type == "f"] == []
    assert any(c.value == kels[0] and c.data_type == "s" for c in cells)


def test_typo_shows_the_subcommand_usage_and_a_suggestion(tmp_path: Path) -> None:
    result = run("prevalence", QUIRKS, "--supress", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: stuntlib prevalence")
    assert "did you mean --suppress?" in result.stderr


def test_every_option_has_help() -> None:
    import argparse

    from stuntlib.cli import _parser

    parser = _parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        for action in command._actions:
            assert action.help and action.help.strip(), (name, action.option_strings)
            if action.choices and action.option_strings:
                usage = command.format_help()
                assert "{" + ",".join(map(str, action.choices)) + "}" in usage  # choices shown


def test_data_sasaran_and_period(tmp_path: Path) -> None:
    export = _export(tmp_path / "export.csv", ["TIRTO", "MEDONO"])
    result = run("prevalence", export, "-o", tmp_path / "p.csv", "--aksi7", tmp_path / "a7.xlsx",
                 "--data-sasaran", tmp_path / "sasaran.xlsx", "--period", "Agustus 2025", "-q",
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "not for publication" in result.stdout
    sasaran = load_workbook(tmp_path / "sasaran.xlsx").active
    assert "Agustus 2025" in sasaran["A1"].value and "bukan untuk publikasi" in sasaran["A1"].value
    back = pd.read_excel(tmp_path / "sasaran.xlsx", header=3, engine="openpyxl")
    assert back["Balita pendek"].sum() + back["Balita sangat pendek"].sum() == 3  # unmasked
    assert "Agustus 2025" in load_workbook(tmp_path / "a7.xlsx").active["A1"].value


def test_failure_list_hides_identifiers_unless_asked(tmp_path: Path) -> None:
    export = _export(tmp_path / "export.csv", ["TIRTO"], n=6)
    frame = pd.read_csv(export, sep=";", dtype=str)
    frame.loc[0, "NIK"] = "3.37501E+15"
    frame.to_csv(export, sep=";", index=False)
    result = run("quality", export, "--failures", "-o", tmp_path / "f.csv", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "3.37501E+15" not in (tmp_path / "f.csv").read_text()
    result = run("quality", export, "--failures", "--include-identifiers", "-o",
                 tmp_path / "g.csv", "-q", cwd=tmp_path)  # fmt: skip
    assert "3.37501E+15" in (tmp_path / "g.csv").read_text()


def test_report_with_coverage_and_krs_adds_the_situasi_section(tmp_path: Path) -> None:
    samples = Path(__file__).resolve().parents[1] / "data" / "samples"
    result = run(
        "report", samples / "pekalongan_eppgbm.csv", "-o", tmp_path / "r.html", "-q",
        "--coverage", samples / "pekalongan_cakupan.csv",
        "--krs", samples / "pekalongan_krs.csv", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<h2>Situasi: desa/kelurahan prioritas</h2>" in page


def test_a_column_error_tells_the_terminal_user_the_option(tmp_path: Path) -> None:
    """Case real_world/08: the advice must work from the terminal, not only in Python."""
    source = Path(__file__).resolve().parent / "data" / "cases" / "08_cli_cannot_map_columns.csv"
    unknown = tmp_path / "agemo.csv"
    unknown.write_text(source.read_text().replace("age,", "umur_anak,", 1))
    result = run("score", unknown, "-o", tmp_path / "s.csv", "-q", cwd=tmp_path)
    assert result.returncode == 2
    assert "--column age_months=age" in result.stderr
    mapped = run("score", unknown, "-o", tmp_path / "s.csv", "-q", "--column",
                 "age_months=umur_anak", cwd=tmp_path)  # fmt: skip
    assert mapped.returncode == 0, mapped.stderr
    # WHO 2006, age days = round_half_up(months x 30.4375), no position: -1.39, -0.89, -1.07
    assert pd.read_csv(tmp_path / "s.csv")["zlen"].round(2).tolist() == [-1.39, -0.89, -1.07]


def test_a_bare_age_column_is_read_by_the_unit_rule_with_a_warning(tmp_path: Path) -> None:
    """Case real_world/08 as filed: 'age' (SMART/ENA: months, all <= 72) scores as is."""
    source = Path(__file__).resolve().parent / "data" / "cases" / "08_cli_cannot_map_columns.csv"
    result = run("score", source, "-o", tmp_path / "s.csv", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and "--units age=" in result.stderr
    assert "cli.py" not in result.stderr  # the message, not our source line
    assert pd.read_csv(tmp_path / "s.csv")["zlen"].round(2).tolist() == [-1.39, -0.89, -1.07]
    days = run("score", source, "-o", tmp_path / "d.csv", "-q", "--units", "age=days",
               cwd=tmp_path)  # fmt: skip
    assert days.returncode == 0 and "warning" not in days.stderr
    assert pd.read_csv(tmp_path / "d.csv")["age_days"].tolist() == [10, 14, 30]
