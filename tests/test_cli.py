"""The command line through its real entry point: ``python -m stuntlib ...`` in a subprocess."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
QUIRKS = DATA / "eppgbm_quirks.csv"
SAMPLE = ROOT / "data" / "samples" / "pekalongan_eppgbm.xlsx"


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **(env or {})}
    environ["PYTHONPATH"] = os.pathsep.join(
        [*(env or {}).get("PYTHONPATH", "").split(os.pathsep), str(ROOT / "src")]
    ).strip(os.pathsep)
    return subprocess.run(
        [sys.executable, "-m", "stuntlib", *map(str, args)],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("command", ["score", "prevalence", "quality", "report", "demo"])
def test_help_shows_an_example(command: str, tmp_path: Path) -> None:
    result = run(command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "example:" in result.stdout
    assert f"stuntlib {command}" in result.stdout


def test_top_level_help_and_version(tmp_path: Path) -> None:
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0 and "exit codes" in result.stdout
    assert run("--version", cwd=tmp_path).stdout.startswith("stuntlib ")


def test_score_writes_every_row(tmp_path: Path) -> None:
    result = run("score", QUIRKS, "-o", tmp_path / "scored.parquet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    scored = pd.read_parquet(tmp_path / "scored.parquet")
    assert len(scored) == 6  # 7 data lines, one blank: not a record (reader drops it)
    assert "zlen" in scored.columns and "read_problems" in scored.columns
    assert "scored 4 of 6 rows" in result.stdout
    assert re.search(r"reading eppgbm_quirks\.csv: \d+\.\d s", result.stderr)  # durations
    assert re.search(r"done in \d+\.\d s", result.stderr)  # on stderr


def test_score_drop_identifiers_and_quiet(tmp_path: Path) -> None:
    result = run(
        "score", QUIRKS, "-o", tmp_path / "s.csv", "--drop-identifiers", "-q", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    columns = pd.read_csv(tmp_path / "s.csv", nrows=0).columns
    assert "nik" not in columns and "name" not in columns


def test_prevalence_and_aksi7_workbook(tmp_path: Path) -> None:
    result = run(
        "prevalence",
        QUIRKS,
        "-o",
        tmp_path / "p.csv",
        "--aksi7",
        tmp_path / "a7.xlsx",
        "--min-n",
        "1",
        "--min-cases",
        "0",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(tmp_path / "p.csv")
    assert {"grouping", "indicator", "estimate", "ci_low", "ci_high"} <= set(table.columns)
    book = pd.read_excel(tmp_path / "a7.xlsx", sheet_name="Rekap kecamatan", header=3,
                         engine="openpyxl", dtype={"Kode wilayah (Kemendagri)": str})  # fmt: skip
    assert book["Kode wilayah (Kemendagri)"].iloc[0] == "33.75"
    assert "small cells masked" in result.stdout


def test_prevalence_wide_by(tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    result = run(
        "prevalence", QUIRKS, "-o", out, "--by", "sex", "--wide", "--language", "en", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert pd.read_excel(out, engine="openpyxl")["group"].iloc[0] == "All"


def test_quality(tmp_path: Path) -> None:
    result = run("quality", QUIRKS, "-o", tmp_path / "q.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    checks = pd.read_csv(tmp_path / "q.csv")
    assert {"check", "n_failed"} <= set(checks.columns)
    result = run("quality", QUIRKS, "-o", tmp_path / "q.html", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "<table" in (tmp_path / "q.html").read_text(encoding="utf-8")


def test_report(tmp_path: Path) -> None:
    out = tmp_path / "laporan.html"
    result = run(
        "report", QUIRKS, "-o", out, "--geojson", DATA / "kelurahan_synthetic.geojson", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert str(out.resolve()) in result.stdout
    assert out.read_text(encoding="utf-8").count("data:image/png;base64,") == 4


def test_score_a_folder_of_parquet_delegates_to_stream(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    rng = np.random.default_rng(3)
    for i in range(2):
        pd.DataFrame(
            {
                "sex": rng.integers(1, 3, 50),
                "age_days": rng.integers(0, 1800, 50),
                "lenhei": rng.uniform(50, 110, 50),
                "kecamatan": "PEKALONGAN BARAT",
                "kelurahan": "TIRTO",
            }
        ).to_parquet(folder / f"part{i}.parquet")
    result = run("score", folder, "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(pd.read_parquet(tmp_path / "out")) == 100
    result = run("prevalence", folder, "-o", tmp_path / "p.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert pd.read_csv(tmp_path / "p.csv")["n"].iloc[0] > 0


def test_workers_run_the_folder_on_dask_with_the_same_table(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    rng = np.random.default_rng(5)
    for i in range(3):
        pd.DataFrame(
            {
                "sex": rng.integers(1, 3, 80),
                "age_days": rng.integers(0, 1800, 80),
                "lenhei": rng.uniform(50, 110, 80),
                "kelurahan": rng.choice(["TIRTO", "MEDONO"], 80),
            }
        ).to_parquet(folder / f"part{i}.parquet")
    streamed = run("prevalence", folder, "--by", "kelurahan", "-o", tmp_path / "s.csv", "-q",
                   cwd=tmp_path)  # fmt: skip
    assert streamed.returncode == 0, streamed.stderr
    on_dask = run("prevalence", folder, "--by", "kelurahan", "-o", tmp_path / "d.csv",
                  "--workers", "2", "-q", cwd=tmp_path)  # fmt: skip
    assert on_dask.returncode == 0, on_dask.stderr
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "d.csv"), pd.read_csv(tmp_path / "s.csv"), rtol=1e-12
    )
    on_file = run("score", QUIRKS, "--workers", "2", cwd=tmp_path)
    assert on_file.returncode == 2
    assert "folder of Parquet" in on_file.stderr


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = run("report", tmp_path / "nope.xlsx", cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_columns_is_bad_input(tmp_path: Path) -> None:
    result = run("score", DATA / "eppgbm_missing_columns.csv", "--profile", "eppgbm", cwd=tmp_path)
    assert result.returncode == 2
    assert "'Tinggi' (lenhei)" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_file_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    result = run("quality", bad, cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot open the workbook" in result.stderr


def test_folder_of_non_parquet_is_bad_input(tmp_path: Path) -> None:
    assert run("report", tmp_path, cwd=tmp_path).returncode == 2


def test_bad_arguments(tmp_path: Path) -> None:
    assert run("score", cwd=tmp_path).returncode == 2
    assert run("report", QUIRKS, "--language", "fr", cwd=tmp_path).returncode == 2
    assert run("frobnicate", cwd=tmp_path).returncode == 2


def test_unexpected_error_is_a_bug_with_a_short_message(tmp_path: Path) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import stuntlib.report\n"
        "def boom(*a, **k):\n"
        "    raise RuntimeError('planted bug')\n"
        "stuntlib.report._page = boom\n"
    )
    env = {"PYTHONPATH": str(hook)}
    result = run("report", QUIRKS, "-o", tmp_path / "r.html", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert "unexpected error (RuntimeError: planted bug)" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("report", QUIRKS, "-o", tmp_path / "r.html", "--debug", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_demo_with_a_missing_sample_path(tmp_path: Path) -> None:
    result = run("demo", "--sample", tmp_path / "none.xlsx", cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_demo_on_the_bundled_sample(tmp_path: Path) -> None:
    result = run("demo", "-o", tmp_path / "demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = tmp_path / "demo" / "laporan_stunting_pekalongan.html"
    assert f"report (small cells masked) -> {report.resolve()}" in result.stdout
    assert report.stat().st_size > 50_000
    assert (tmp_path / "demo" / "tabel_aksi7_pekalongan.xlsx").exists()


def test_unknown_output_type_fails_before_any_work(tmp_path: Path) -> None:
    result = run("prevalence", QUIRKS, "-o", tmp_path / "table.xls", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown type '.xls'" in result.stderr
    assert "scoring" not in result.stderr  # failed before the progress bar started


def test_report_with_column_mappings(tmp_path: Path) -> None:
    """--column renames headers when the file is read; the report and both workbooks follow."""
    rows = pd.read_csv(ROOT / "data" / "samples" / "pekalongan_eppgbm.csv", dtype=str, nrows=300)
    rows = rows.rename(columns={"JK": "Gender", "Desa/Kel": "Kelurahan Domisili"})
    source = tmp_path / "renamed.csv"
    rows.to_csv(source, index=False)
    result = run("report", source, "-o", tmp_path / "r.html", "--aksi7", tmp_path / "a7.xlsx",
                 "--data-sasaran", tmp_path / "ds.xlsx", "--column", "sex=Gender",
                 "--column", "kelurahan=Kelurahan Domisili", "-q", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Laporan stunting balita Kota Pekalongan" in (tmp_path / "r.html").read_text("utf-8")
    sasaran = pd.read_excel(tmp_path / "ds.xlsx", header=None, engine="openpyxl", dtype=str)
    codes = sasaran[0].dropna()
    assert codes.str.match(r"33\.75\.0\d\.\d{4}$").sum() >= 25  # the desa of Kota Pekalongan


class _GoneReader(io.StringIO):
    """A pipe whose reader went away after the first line (``2>&1 | head -1``)."""

    def write(self, text: str) -> int:
        if self.getvalue():
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_progress_on_a_log_writes_lines_and_stops_quietly_on_a_broken_pipe() -> None:
    from stuntlib.cli import Progress

    log = io.StringIO()  # not a terminal: one line per step, no bar
    progress = Progress(2, stream=log)
    progress.step("reading export.xlsx")
    progress.step("scoring 3 rows")
    progress.finish()
    lines = log.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:2]] == ["reading export.xlsx", "scoring 3 rows"]
    assert lines[2].startswith("done in ") and "\r" not in log.getvalue()
    gone = Progress(3, stream=_GoneReader())
    for label in ("a", "b", "c"):  # the second line breaks the pipe: no error, no more output
        gone.step(label)
    gone.finish()
    assert not gone.enabled


def test_the_command_survives_its_reader_going_away(tmp_path: Path) -> None:
    """``stuntlib report ... 2>&1 | head -1``: every file is written and the exit is 0."""
    command = [sys.executable, "-m", "stuntlib", "report", str(QUIRKS), "-o", "r.html",
               "--aksi7", "a7.xlsx", "--min-n", "1"]  # fmt: skip
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    pipe = subprocess.Popen(command, cwd=tmp_path, env=environ, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)  # fmt: skip
    assert pipe.stdout is not None
    pipe.stdout.readline()
    pipe.stdout.close()  # as head does after its line
    assert pipe.wait(timeout=300) == 0
    assert (tmp_path / "r.html").stat().st_size > 0 and (tmp_path / "a7.xlsx").exists()


def test_report_targets_give_coverage_in_the_workbook(tmp_path: Path) -> None:
    # 30 fictional children of TIRTO, all measured; 60 target children -> 30 / 60 = 50 %
    from fictional import fictional_export

    export = fictional_export(tmp_path / "export.csv", ["85,0"] * 30)
    targets = tmp_path / "sasaran.csv"
    targets.write_text("kelurahan,sasaran\nTIRTO,60\n", encoding="utf-8")
    book = tmp_path / "aksi7.xlsx"
    result = run("report", export, "--targets", targets, "--aksi7", book,
                 "-o", tmp_path / "r.html", "-q", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    import openpyxl

    sheet = openpyxl.load_workbook(book)["Desa-Kelurahan"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    column = next(j for j, h in enumerate(rows[0]) if h and h.startswith("Cakupan"))
    tirto = next(r for r in rows[1:] if "TIRTO" in [str(v).upper() for v in r])
    assert tirto[column] == 0.5
    assert "Cakupan" in (tmp_path / "r.html").read_text(encoding="utf-8")
