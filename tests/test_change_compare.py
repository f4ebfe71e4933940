"""Differences between prevalences: independent, paired (McNemar) and trend."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from stuntlib.change import compare_prevalence, prevalence_trend
from stuntlib.errors import ColumnError, StuntlibError


def test_independent_difference_reproduces_the_published_figures():
    # 25 % (SE 2.0) against 20 % (SE 1.8): z = 0.05 / sqrt(0.02^2 + 0.018^2) = 1.858
    out = compare_prevalence({"estimate": 0.25, "se": 0.020}, {"estimate": 0.20, "se": 0.018})
    row = out.iloc[0]
    se = np.sqrt(0.02**2 + 0.018**2)
    assert row["se"] == pytest.approx(se)
    assert round(row["z"], 3) == 1.858
    assert round(row["p_value"], 4) == 0.0631
    assert row["ci_low"] == pytest.approx(0.05 - 1.959964 * se, abs=1e-6)


def test_prevalence_tables_are_matched_on_their_groups():
    a = pd.DataFrame(
        {
            "kelurahan": ["A", "B"],
            "kind": "prevalence",
            "estimate": [0.3, 0.2],
            "se": [0.02, 0.03],
            "n": [500, 200],
        }
    )
    b = pd.DataFrame(
        {
            "kelurahan": ["B", "C"],
            "kind": "prevalence",
            "estimate": [0.15, 0.1],
            "se": [0.03, 0.01],
            "n": [210, 90],
        }
    )
    out = compare_prevalence(a, b).set_index("kelurahan")
    assert out.loc["B", "difference"] == pytest.approx(0.05)
    assert np.isnan(out.loc["A", "difference"]) and np.isnan(out.loc["C", "difference"])


def test_paired_mcnemar_by_hand():
    # 100 children: 10 stunted only in a, 4 only in b, 16 in both, 70 in neither
    a = np.r_[np.ones(10), np.zeros(4), np.ones(16), np.zeros(70)]
    b = np.r_[np.zeros(10), np.ones(4), np.ones(16), np.zeros(70)]
    out = compare_prevalence(a, b, paired=True).iloc[0]
    assert out["difference"] == pytest.approx(0.06)
    assert out["z"] == pytest.approx(6 / np.sqrt(14))
    assert out["p_value_exact"] == pytest.approx(stats.binomtest(10, 14, 0.5).pvalue)
    assert out["se"] == pytest.approx(np.sqrt(14 - 100 * 0.06**2) / 100)
    assert out["stunted_a_only"] == 10 and out["stunted_b_only"] == 4


def test_paired_rejects_misaligned_or_non_binary_input():
    with pytest.raises(StuntlibError, match="same children"):
        compare_prevalence([1, 0], [1], paired=True)
    with pytest.raises(StuntlibError, match="0/1"):
        compare_prevalence([1, 2], [1, 0], paired=True)
    with pytest.raises(ColumnError, match="^a:"):
        compare_prevalence({"estimate": 0.2}, {"estimate": 0.1, "se": 0.01})


def test_trend_is_weighted_least_squares():
    t = pd.DataFrame(
        {
            "year": [2021, 2022, 2023, 2024],
            "estimate": [0.26, 0.25, 0.21, 0.20],
            "se": [0.01, 0.02, 0.01, 0.015],
        }
    )
    out = prevalence_trend(t).iloc[0]
    w = 1 / t["se"] ** 2
    x, y = t["year"], t["estimate"]
    xw = np.sum(w * x) / w.sum()
    slope = np.sum(w * (x - xw) * y) / np.sum(w * (x - xw) ** 2)
    assert out["slope"] == pytest.approx(slope)
    assert out["se"] == pytest.approx(1 / np.sqrt(np.sum(w * (x - xw) ** 2)))
    assert out["rounds"] == 4


def test_trend_by_group():
    t = pd.DataFrame(
        {
            "kel": ["A"] * 3 + ["B"] * 3,
            "year": [1, 2, 3] * 2,
            "estimate": [0.3, 0.28, 0.26, 0.1, 0.1, 0.1],
            "se": 0.01,
        }
    )
    out = prevalence_trend(t, by="kel").set_index("kel")
    assert out.loc["A", "slope"] == pytest.approx(-0.02)
    assert out.loc["B", "slope"] == pytest.approx(0.0, abs=1e-12)


def test_intervals_and_p_values_are_scipy_stats_values_exactly():
    """scipy.special instead of scipy.stats (1 s of import): the same floats."""
    a = pd.DataFrame({"g": ["x", "y"], "estimate": [0.30, 0.21], "se": [0.02, 0.015]})
    b = pd.DataFrame({"g": ["x", "y"], "estimate": [0.24, 0.215], "se": [0.018, 0.016]})
    out = compare_prevalence(a, b)
    diff = np.array([0.30 - 0.24, 0.21 - 0.215])
    se = np.sqrt(np.array([0.02, 0.015]) ** 2 + np.array([0.018, 0.016]) ** 2)
    assert out["ci_low"].tolist() == (diff - stats.norm.ppf(0.975) * se).tolist()
    assert out["p_value"].tolist() == (2 * stats.norm.sf(np.abs(diff / se))).tolist()
    t = pd.DataFrame({"year": [2022, 2023, 2024], "estimate": [0.24, 0.22, 0.21],
                      "se": [0.01, 0.012, 0.01]})  # fmt: skip
    trend = prevalence_trend(t)
    z = trend["slope"].iloc[0] / trend["se"].iloc[0]
    assert trend["p_value"].iloc[0] == 2 * stats.norm.sf(abs(z))
    assert (
        trend["ci_high"].iloc[0]
        == trend["slope"].iloc[0] + stats.norm.ppf(0.975) * trend["se"].iloc[0]
    )
