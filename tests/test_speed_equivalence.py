"""The faster paths give the numbers of the slower ones they replace.

The quality statistics take their tail probabilities from :mod:`scipy.special` instead of
:mod:`scipy.stats` (a second less to import); here scipy.stats is the reference.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from stuntlib.quality import stats


def _binomial_grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20261130)
    size = 20_000
    n = rng.integers(0, 30_000, size).astype(np.float64)
    n[:500] = rng.integers(0, 6, 500)
    p = rng.uniform(0.0, 1.0, size)
    p[500:3000] = 1.0 / 6.0  # the age-heaping test
    p[3000:5000] = 1.05 / 2.05  # the sex-ratio test
    p[5000:5050] = 0.0
    p[5050:5100] = 1.0
    k = np.floor(rng.uniform(-0.1, 1.05, size) * n)
    k[::7] = np.floor(n[::7] * p[::7])  # near the mean, where the tails are not tiny
    k[::11] = n[::11]
    k[::13] = n[::13] - 1
    k[::17] = -1.0
    k[5::19] = np.nan
    n[6::23] = np.nan
    return k, n, p


def test_binom_sf_is_scipy_stats_bit_for_bit() -> None:
    k, n, p = _binomial_grid()
    np.testing.assert_array_equal(stats.binom_sf(k, n, p), sps.binom.sf(k, n, p))
    np.testing.assert_array_equal(stats.binom_sf(k - 1, n, p), sps.binom.sf(k - 1, n, p))


def test_binom_cdf_agrees_with_scipy_stats() -> None:
    k, n, p = _binomial_grid()
    ours, ref = stats.binom_cdf(k, n, p), sps.binom.cdf(k, n, p)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


def test_binom_edges_written_out() -> None:
    # P(X > -1) = 1, P(X > n) = 0, P(X <= n) = 1; Binomial(2, 1/2): P(X > 0) = 3/4
    assert stats.binom_sf(-1, 0, 1 / 6) == 1.0
    assert stats.binom_sf(5, 5, 0.5) == 0.0
    assert stats.binom_cdf(5, 5, 0.5) == 1.0
    assert stats.binom_sf(0, 2, 0.5) == pytest.approx(0.75, abs=1e-15)
    assert stats.binom_cdf(0, 2, 0.5) == pytest.approx(0.25, abs=1e-15)


def test_chi2_sf_is_scipy_stats_bit_for_bit() -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 300.0, 50_000)
    x[::5], x[::7], x[::31] = np.nan, 0.0, np.inf
    x[::9] = -1.0
    df = rng.integers(1, 12, x.size).astype(np.float64)
    np.testing.assert_array_equal(stats.chi2_sf(x, df), sps.chi2.sf(x, df))
    # chi-square on 2 df: P(X >= 4) = exp(-2)
    assert stats.chi2_sf(4.0, 2) == pytest.approx(np.exp(-2.0), rel=1e-15)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1e-300, max_value=1.0 - 1e-16))
def test_normal_isf_is_scipy_stats(q: float) -> None:
    assert stats.normal_isf(q) == sps.norm.isf(q)


def test_quality_profile_does_not_import_scipy_stats() -> None:
    import subprocess
    import sys

    code = (
        "import sys, numpy as np, pandas as pd\n"
        "from stuntlib.quality import check_quality\n"
        "rng = np.random.default_rng(0)\n"
        "df = pd.DataFrame({'sex': rng.integers(1, 3, 300), 'age_days': rng.integers(0, 1800, 300),"
        " 'weight': rng.normal(11, 2, 300).round(1), 'lenhei': rng.normal(85, 8, 300).round(1)})\n"
        "check_quality(df)\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_kabupaten_of_is_the_kabupaten_of_match_areas() -> None:
    # kabupaten_of skips the per-row table of match_areas; the kabupaten must not change.
    # Kota Pekalongan is 33.75 and Kabupaten Batang 33.25 (Kepmendagri 2025).
    import pandas as pd

    from stuntlib.areas import kabupaten_of, match_areas

    frames = [
        pd.DataFrame(
            {
                "Kab/Kota": ["KAB. BATANG", "KOTA PEKALONGAN", "BATANG", None],
                "Kec": ["Kec. Batang", "PEKALONGAN TIMUR", "WARUNGASEM", "PEKALONGAN BARAT"],
                "Desa/Kel": ["KEL. KAUMAN", "KAUMAN", "KAUMAN", "TIRTO"],
            }
        ),
        pd.DataFrame({"Kec": ["PEKALONGAN BARAT"] * 3, "Desa/Kel": ["TIRTO", "MEDONO", "X"]}),
        pd.DataFrame({"Desa/Kel": ["NOWHERE AT ALL"]}),
        pd.DataFrame({"Kode Desa": ["3375021004", "33.25.11.1015", "99.99.99.9999"]}),
        pd.DataFrame({"Desa/Kel": pd.Series([], dtype=object)}),
    ]
    expected = [("33.25", "33.75"), ("33.75",), (), ("33.25", "33.75"), ()]
    for frame, want in zip(frames, expected, strict=True):
        assert kabupaten_of(frame) == match_areas(frame).kabupaten == want
