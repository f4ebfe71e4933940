"""The HTML report, checked as a person sees it: rendered in headless Chromium.

A browser is required, never optional: without a Chromium/Chrome executable these tests
fail with a message saying what to install (``.ci/run`` installs Debian's ``chromium``).
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stuntlib
from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.io import read_measurements
from stuntlib.report import render_report, write_report

DATA = Path(__file__).parent / "data"
GEOJSON = DATA / "kelurahan_synthetic.geojson"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "pekalongan_eppgbm.csv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str | None:
    """A Chromium-family executable: $CHROMIUM, then the usual names on PATH, then /usr/bin."""
    candidates = [os.environ.get("CHROMIUM", "")]
    candidates += [shutil.which(name) or "" for name in _BROWSERS]
    candidates += ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


BROWSER = find_browser()
_NO_BROWSER = (
    "no Chromium/Chrome executable found (looked for $CHROMIUM, "
    f"{', '.join(_BROWSERS)} on PATH and /usr/bin/chromium); install Debian's 'chromium'"
)


@pytest.fixture
def browser() -> str:
    """The browser executable; the test fails (never skips) when there is none."""
    if BROWSER is None:
        pytest.fail(_NO_BROWSER)
    return BROWSER


needs_browser = pytest.mark.usefixtures("browser")


def chromium(page: Path, workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    args = [
        BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={workdir / 'profile'}", "--window-size=1280,4000",
        "--enable-logging=stderr", "--v=1", *extra, page.resolve().as_uri(),
    ]  # fmt: skip
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=workdir)


def printed_a4_text(page: Path, workdir: Path) -> str:
    """The page printed to PDF by Chromium, checked to be A4 landscape, as text."""
    pdf = workdir / "laporan.pdf"
    result = chromium(page, workdir, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert pdf.exists(), result.stderr[-2000:]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "841.92 x 594.96" in info  # A4 landscape, in points
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


_CONSOLE = re.compile(r":CONSOLE[^\]]*\]\s*\"(?P<message>.*)\"", re.M)


def console_messages(log: str) -> list[str]:
    """Every console message Chromium logged (``--enable-logging --v=1``).

    Chromium logs ``console.error`` and uncaught exceptions at the same INFO level as
    ``console.log``, so the level cannot tell them apart. The report has no script, so
    any console message at all (an error, a failed load, a CSP violation) is a failure.
    """
    return [m.group("message") for m in _CONSOLE.finditer(log)] + re.findall(
        r"Failed to load resource[^\n]*", log
    )


def decode_png(data: bytes) -> np.ndarray:
    import matplotlib.image as mpimg

    assert data.startswith(PNG_SIGNATURE)
    return np.asarray(mpimg.imread(io.BytesIO(data), format="png"))


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    if SAMPLE.exists():
        return stuntlib.score(read_measurements(SAMPLE, profile="eppgbm"))
    return stuntlib.score(read_measurements(DATA / "eppgbm_quirks.csv", profile="eppgbm"))


@pytest.fixture(scope="module")
def page(scored: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "laporan.html"
    return write_report(scored, out, geojson=GEOJSON, source="pekalongan_eppgbm.csv")


def test_report_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text
    assert not re.search(r"""(src|href)=["'](?!data:)""", text)  # nothing fetched from outside
    images = re.findall(r'<img src="([^"]+)"', text)
    assert len(images) == 4  # HAZ distribution, kelurahan, age x sex, map
    for uri in images:
        assert uri.startswith("data:image/png;base64,")
        pixels = decode_png(base64.b64decode(uri.split(",", 1)[1]))
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100


def test_report_sections_in_indonesian(page: Path, scored: pd.DataFrame) -> None:
    text = page.read_text(encoding="utf-8")
    for heading in ("Angka utama", "Sebaran z-skor", "Prevalensi stunting menurut desa",
                    "kelompok umur dan jenis kelamin", "Peta prevalensi", "Kualitas data",
                    "Tabel publikasi Aksi 7", "Metode"):  # fmt: skip
        assert heading in text, heading
    assert 'lang="id"' in text
    nik = scored["nik"].dropna().iloc[0]
    assert nik not in text  # no NIK and no name in a published report
    assert scored["name"].dropna().iloc[0] not in text


def test_english_report(scored: pd.DataFrame) -> None:
    text = render_report(scored, language="en")
    assert "Headline figures" in text and "Methods" in text and 'lang="en"' in text
    assert text.count("data:image/png;base64,") == 3  # no map without a GeoJSON


def test_report_errors(scored: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ColumnError, match="score the rows first"):
        render_report(pd.DataFrame({"kelurahan": ["TIRTO"]}))
    with pytest.raises(StuntlibError, match="language"):
        render_report(scored, language="fr")  # type: ignore[arg-type]
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "Feature"}')
    with pytest.raises(StuntlibError, match="FeatureCollection"):
        render_report(scored, geojson=bad)
    with pytest.raises(FileNotFoundError):
        render_report(scored, geojson=tmp_path / "none.geojson")


@needs_browser
def test_console_error_detection_works(tmp_path: Path) -> None:
    """The detector itself: a page with a broken image and a script error is caught."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!DOCTYPE html><html><body><img src="missing.png">'
        "<script>console.error('boom'); undefinedFunction();</script></body></html>"
    )
    result = chromium(broken, tmp_path, "--dump-dom")
    messages = console_messages(result.stderr)
    assert "boom" in messages, result.stderr[-2000:]
    assert any(m.startswith("Uncaught ReferenceError") for m in messages)
    sources = re.findall(r'<img [^>]*src="([^"]+)"', result.stdout)
    assert sources == ["missing.png"]  # what the report test rejects: not a data: URI


@needs_browser
def test_report_renders_in_chromium(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "screenshot.png"
    result = chromium(page, tmp_path, f"--screenshot={shot}")
    assert shot.exists(), result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    data = shot.read_bytes()
    assert len(data) > 50_000
    pixels = decode_png(data)
    assert pixels.shape[:2] == (4000, 1280)
    assert float(pixels[..., :3].std()) > 0.05  # not a blank page

    dom = chromium(page, tmp_path, "--dump-dom")
    assert console_messages(dom.stderr) == []
    sources = re.findall(r'<img [^>]*src="([^"]+)"', dom.stdout)
    assert len(sources) == 4
    for uri in sources:
        assert uri.startswith("data:image/png;base64,")
        decode_png(base64.b64decode(uri.split(",", 1)[1]))
