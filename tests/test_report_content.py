"""What the report says: locale formats, the flow of counts, masking, the map classes,
no pyplot, Indonesian without snake_case or English sentences, and A4 printing."""

from __future__ import annotations

import datetime
import html as _html
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stuntlib._charts import stunting_class
from stuntlib._format import (
    format_count,
    format_date,
    format_decimal,
    format_interval,
    format_percent,
    format_period,
)
from stuntlib.report import render_report
from stuntlib.report._sections import flow_counts
from test_report import BROWSER, GEOJSON, printed_a4_text

ROOT = Path(__file__).resolve().parents[1]


def test_indonesian_and_english_formats() -> None:
    # the forms the Indonesian report must print (Kemenkes/BPS usage: '.' thousands,
    # ',' decimals), and the English ones
    assert format_count(20040) == "20.040" and format_count(20040, "en") == "20,040"
    assert format_percent(0.2444) == "24,4%" and format_percent(0.2444, "en") == "24.4%"
    assert format_interval(0.238, 0.250) == "IK 95% 23,8–25,0"
    assert format_interval(0.238, 0.250, "en") == "95% CI 23.8–25.0"
    assert format_date(datetime.date(2025, 8, 30)) == "30 Agustus 2025"
    assert format_date(datetime.date(2025, 8, 30), "en") == "30 August 2025"
    assert format_period(datetime.date(2025, 8, 1), datetime.date(2025, 8, 30)) == (
        "1 Agustus 2025 – 30 Agustus 2025"
    )
    # no negative zero, no '8.0' for a count, missing values as a dash
    assert format_decimal(-0.004, decimals=2) == "0,00"
    assert format_percent(-0.0001) == "0,0%"
    assert format_count(8.0) == "8"
    assert format_count(np.nan) == "–" and format_percent(None) == "–"


@settings(max_examples=300, deadline=None)
@given(
    value=st.floats(-1e7, 1e7, allow_nan=False),
    decimals=st.integers(0, 3),
    language=st.sampled_from(["id", "en"]),
)
def test_numbers_are_written_as_babels_own_functions_write_them(
    value: float, decimals: int, language: str
) -> None:
    # the layer parses each CLDR pattern once; the text must be Babel's public functions'
    from babel import numbers

    frac = "." + "0" * decimals if decimals else ""
    rounded = round(value, decimals) + 0.0
    assert format_decimal(value, language, decimals) == numbers.format_decimal(
        rounded, format="#,##0" + frac, locale=language
    )
    pct = round(value * 100, decimals) / 100 + 0.0
    assert format_percent(value, language, decimals) == numbers.format_percent(
        pct, format="#,##0" + frac + "%", locale=language
    )
    assert format_count(value, language) == numbers.format_decimal(
        int(round(value)), format="#,##0", locale=language
    )


def _frame() -> pd.DataFrame:
    """Ten rows of known fate: 2 not scorable, 1 over 59 months, 1 flagged, 6 analysed."""
    return pd.DataFrame(
        {
            "kelurahan": "TIRTO",
            "kecamatan": "PEKALONGAN BARAT",
            "csex": [1, 2] * 5,
            "age_days": [100, 200, 300, 400, 500, 600, 700, 2000, 800, 900],
            "zlen": [-2.5, -1.0, 0.0, 0.5, -3.1, 1.0, -0.5, -1.0, np.nan, -6.5],
            "flen": [0, 0, 0, 0, 0, 0, 0, 0, pd.NA, 1],
            "zlen_reason": [None] * 8 + ["missing_age", None],
        }
    ).astype({"flen": "Int64"})


def test_flow_of_counts_adds_up() -> None:
    frame = _frame()
    frame.loc[8, "zlen"] = np.nan
    frame = pd.concat([frame, frame.iloc[[8]].assign(zlen_reason="missing_measurement")])
    steps = dict(flow_counts(frame))
    assert steps == {
        "flow_rows": 11,
        "flow_other_period": 0,
        "flow_unscorable": 2,
        "flow_age": 1,
        "flow_duplicates": 0,
        "flow_flagged": 1,
        "flow_analysed": 7,
    }
    removed = sum(v for k, v in steps.items() if k not in ("flow_rows", "flow_analysed"))
    assert steps["flow_rows"] - removed == steps["flow_analysed"]


def test_two_rounds_are_published_one_at_a_time_with_no_child_twice() -> None:
    """Hand-counted: 3 children in Februari, 3 in Agustus (one measured twice there)."""
    from stuntlib.rounds import select_round

    frame = pd.DataFrame(
        {
            "nik": ["A", "B", "C", "A", "B", "D", "D"],
            "measure_date": pd.to_datetime(
                [
                    "2025-02-03",
                    "2025-02-04",
                    "2025-02-05",
                    "2025-08-04",
                    "2025-08-05",
                    "2025-08-06",
                    "2025-08-20",
                ]
            ),  # fmt: skip
            "zlen": [-2.5, -1.0, 0.0, -2.1, -0.5, -3.2, -3.0],
            "flen": 0,
            "age_days": 700,
        }
    )
    august = select_round(frame)
    assert august.attrs["stuntlib_round"] == {
        "period": "2025-08", "rows_other_periods": 3, "duplicates_merged": 1,
    }  # fmt: skip
    assert sorted(august["nik"]) == ["A", "B", "D"]
    # the last valid measurement of D (20 August) is kept
    assert august.loc[august["nik"] == "D", "zlen"].tolist() == [-3.0]
    steps = dict(flow_counts(august))
    assert steps["flow_rows"] == 7 and steps["flow_other_period"] == 3
    assert steps["flow_duplicates"] == 1 and steps["flow_analysed"] == 3
    february = select_round(frame, "2025-02")
    assert sorted(february["nik"]) == ["A", "B", "C"]


def test_stunting_classes_are_the_who_unicef_2019_thresholds() -> None:
    # de Onis et al. 2019: <2.5 very low, 2.5-<10 low, 10-<20 medium, 20-<30 high, >=30
    values = np.array([0, 2.49, 2.5, 9.99, 10, 19.99, 20, 29.99, 30, 80, np.nan])
    assert stunting_class(values).tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, -1]


def _visible_text(page: str) -> str:
    body = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    body = re.sub(r"<img [^>]*>", " ", body)
    return _html.unescape(re.sub(r"<[^>]+>", " ", body))


def _sample() -> pd.DataFrame:
    import stuntlib

    path = ROOT / "tests" / "data" / "eppgbm_quirks.csv"
    sample = ROOT / "data" / "samples" / "pekalongan_eppgbm.csv"
    return stuntlib.score(stuntlib.read_measurements(sample if sample.exists() else path,
                                                     profile="eppgbm"))  # fmt: skip


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    return _sample()


@pytest.fixture(scope="module")
def page_id(scored: pd.DataFrame) -> str:
    return render_report(scored, geojson=GEOJSON)


_ENGLISH = {"the", "and", "of", "is", "are", "with", "was", "were", "not", "this", "from",
            "for", "by", "missing", "failed", "rows", "children", "which"}  # fmt: skip


def test_indonesian_report_has_no_snake_case_or_english(page_id: str) -> None:
    text = _visible_text(page_id)
    assert re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b", text) == []
    words = set(re.findall(r"[A-Za-z]+", text.lower()))
    assert words & _ENGLISH == set()
    assert not re.search(r"-0[,.]0\b", text)  # no negative zero
    from stuntlib import __version__

    assert not re.search(r"\b\d+\.\d\b", text.replace(__version__, ""))  # no '8.0'


def test_indonesian_numbers_dates_and_sections(page_id: str, scored: pd.DataFrame) -> None:
    text = _visible_text(page_id)
    assert format_count(len(scored)) in text  # 20.040 for the bundled sample
    assert re.search(r"IK 95% \d+,\d–\d+,\d", text)
    assert re.search(r"\d+ (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|"
                     r"Oktober|November|Desember) \d{4}", text)  # fmt: skip
    for heading in ("Alur data", "Prevalensi menurut desa/kelurahan", "Rata-rata z-skor",
                    "Sebaran z-skor", "Peta prevalensi", "Cara membaca angka",
                    "Kualitas data", "Tabel publikasi Aksi 7"):  # fmt: skip
        assert heading in text, heading
    for indicator in ("Prevalensi stunting", "Gizi kurang dan buruk", "Berat badan kurang",
                      "Gizi lebih"):  # fmt: skip
        assert indicator in text
    assert "Pencocokan nama wilayah peta" in text


def test_no_map_says_so_and_english_on_request(scored: pd.DataFrame) -> None:
    text = _visible_text(render_report(scored, language="en"))
    assert "No map: no GeoJSON file" in text
    assert re.search(r"95% CI \d+\.\d–\d+\.\d", text)


def test_small_age_sex_cells_are_masked_in_table_and_chart() -> None:
    # case reliability/21: one girl of 0-5 months, stunted: her cell must not be shown
    rng = np.random.default_rng(1)
    n = 40
    df = pd.DataFrame(
        {
            "kelurahan": "TIRTO",
            "kecamatan": "PEKALONGAN BARAT",
            "flen": 0,
            "csex": [2] + [1] * (n - 1),
            "age_days": [100, *rng.integers(800, 1800, n - 1)],
            "zlen": [-2.5, *rng.normal(-0.5, 0.8, n - 1)],
        }
    )
    text = _visible_text(render_report(df, language="en"))
    row = re.search(r"00-05\s+Female\s+1\s+(\S+)\s+(\S+)\s+(\S+)", text)
    assert row is not None and row.groups() == ("–", "–", "–")


def test_age_sex_chart_is_drawn_from_the_masked_table(monkeypatch) -> None:
    # case reliability/21, as the case script sees it: the chart's input, captured
    import stuntlib.report as rep

    seen = {}
    real = rep._age_sex_figure

    def spy(res, t):
        seen["res"] = res
        return real(res, t)

    monkeypatch.setattr(rep, "_age_sex_figure", spy)
    df = pd.DataFrame({"kelurahan": "TIRTO", "kecamatan": "PEKALONGAN BARAT", "flen": 0,
                       "csex": [2] + [1] * 39, "age_days": [100] + [900] * 39,
                       "zlen": [-2.5] + [-0.5] * 39})  # fmt: skip
    render_report(df, language="en")
    cell = seen["res"][seen["res"]["age_group"].eq("00-05 mo") & seen["res"]["sex"].eq("Female")]
    assert cell["suppressed"].tolist() == [True] and cell["estimate"].isna().all()


def test_headline_of_a_tiny_file_is_masked() -> None:
    # case reliability/17's file: 3 children, 2 stunted; the headline would say 66.7 %
    df = pd.DataFrame({"kelurahan": "TIRTO", "kecamatan": "PEKALONGAN BARAT", "flen": 0,
                       "csex": [1, 2, 1], "age_days": [900, 600, 400],
                       "zlen": [-2.5, -2.1, 0.3]})  # fmt: skip
    text = _visible_text(render_report(df, language="en"))
    assert "66.7" not in text and "66,7" not in text
    assert re.search(r"3\s+Records of children in the file", text)


def test_no_pyplot_and_the_callers_backend_is_kept(tmp_path: Path) -> None:
    code = (
        "import sys, matplotlib\n"
        "matplotlib.use('svg')\n"
        "import numpy as np, pandas as pd\n"
        "from stuntlib.report import render_report\n"
        "df = pd.DataFrame({'kelurahan': 'TIRTO', 'kecamatan': 'PEKALONGAN BARAT', 'flen': 0,\n"
        "                   'csex': [1, 2] * 20,\n"
        "                   'zlen': np.linspace(-3, 1, 40), 'age_days': 400})\n"
        "render_report(df)\n"
        "print(matplotlib.get_backend(), 'matplotlib.pyplot' in sys.modules,\n"
        "      'scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr
    backend, pyplot, _ = out.stdout.split()
    assert backend == "svg" and pyplot == "False"


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_chart_png_has_the_pixels_matplotlib_writes(alpha: float) -> None:
    # the report writes opaque charts as RGB; the pixels must be those of savefig's RGBA
    import base64
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    from stuntlib._charts import _png

    fig = Figure(figsize=(3, 2), dpi=100)
    FigureCanvasAgg(fig)
    fig.patch.set_alpha(alpha)
    ax = fig.add_subplot()
    ax.bar(["a", "b"], [24.4, 31.0], color="#fc8d59")
    ax.set_title("Stunting %")
    ours = Image.open(io.BytesIO(base64.b64decode(_png(fig).split(",", 1)[1])))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    theirs = np.asarray(Image.open(buffer))
    assert ours.mode == ("RGB" if alpha == 1.0 else "RGBA")
    expected = theirs[..., :3] if alpha == 1.0 else theirs
    assert np.array_equal(np.asarray(ours), expected)


def _tables(page: str) -> list[tuple[list[str], list[list[str]]]]:
    tables = []
    for block in re.findall(r"<table>(.*?)</table>", page, flags=re.S):
        head = re.search(r"<thead>(.*?)</thead>", block, flags=re.S).group(1)
        headers = [_html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head)]
        rows = [
            [_html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
            for r in re.findall(r"<tr[^>]*>(.*?)</tr>", block.split("<tbody>")[1], flags=re.S)
        ]
        tables.append((headers, rows))
    return tables


def test_every_table_column_prints_on_a4_landscape(page_id: str, tmp_path: Path) -> None:
    assert BROWSER is not None, "Chromium is required (Debian's chromium)"
    page = tmp_path / "laporan.html"
    page.write_text(page_id, encoding="utf-8")
    text = printed_a4_text(page, tmp_path)
    words = set(re.findall(r"\S+", text))
    tables = _tables(page_id)
    assert len(tables) >= 6
    for headers, rows in tables:
        for header in headers:  # every column header, word for word
            for word in header.split():
                assert word in words, (word, headers)
        for row in (rows[0], rows[-1]):  # the rightmost cells of the first and last rows
            for word in " ".join(row[-2:]).split():
                assert word in words, (word, row)


def test_every_reason_and_check_has_a_name_in_both_languages() -> None:
    """A new reason code or check must not reach the report as an English identifier."""
    from stuntlib.growth import REASONS
    from stuntlib.quality import CHECKS
    from stuntlib.report._text import CHECK_NAMES, REASON_NAMES

    for language in ("id", "en"):
        assert not [r for r in REASONS if r not in REASON_NAMES[language]], language
        assert not [c for c in CHECKS if c not in CHECK_NAMES[language]], language
