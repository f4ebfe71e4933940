"""WHO/UNICEF classes, the zero-prevalence bound, AARR and on-track flags."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from stuntlib.change import (
    NATIONAL_TARGETS,
    aarr,
    prevalence_class,
    required_aarr,
    target_status,
)
from stuntlib.errors import ColumnError, StuntlibError


def test_classes_follow_the_2019_thresholds_at_their_edges():
    got = prevalence_class([0.0, 0.0249, 0.025, 0.0999, 0.10, 0.1999, 0.20, 0.2999, 0.30, np.nan])
    assert got.tolist() == [
        "very low",
        "very low",
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "very high",
        None,
    ]
    with pytest.raises(StuntlibError, match="^prevalence:"):
        prevalence_class([12.0])


def test_zero_of_n_is_never_zero_percent():
    t = pd.DataFrame(
        {"kelurahan": ["A", "B"], "n": [30, 150], "cases": [0, 0], "year": [2025, 2025]}
    )
    out = target_status(t)
    # one-sided 95 % Clopper-Pearson upper bound at x = 0: 1 - 0.05 ** (1 / n)
    np.testing.assert_allclose(out["upper_bound"], [1 - 0.05 ** (1 / 30), 1 - 0.05 ** (1 / 150)])
    assert out["upper_bound"].round(3).tolist() == [0.095, 0.020]
    # Jeffreys: P(p < 0.025) under Beta(0.5, n + 0.5)
    assert out["p_below_threshold"].round(3).tolist() == [0.784, 0.994]
    assert out["who_class"].tolist() == ["very low", "very low"]


def test_upper_bound_with_cases_is_the_clopper_pearson_one():
    out = target_status(pd.DataFrame({"n": [200], "cases": [30], "year": [2025]}))
    assert out["upper_bound"].iloc[0] == pytest.approx(stats.beta.ppf(0.95, 31, 170))
    assert out["prevalence"].iloc[0] == 0.15


@pytest.mark.parametrize(
    ("p1", "p2", "years", "want"), [(19.8, 14.2, 5, 0.0643), (21.5, 14.2, 6, 0.0668)]
)
def test_required_aarr_reproduces_the_published_figures(p1, p2, years, want):
    # 1 - (14.2 / 19.8) ** (1 / 5) = 0.06433; 1 - (14.2 / 21.5) ** (1 / 6) = 0.06680
    assert round(float(required_aarr(p1, p2, years)), 4) == want
    assert float(aarr(p1 / 100, p2 / 100, years)) == pytest.approx(1 - (p2 / p1) ** (1 / years))


def test_aarr_is_nan_where_undefined():
    assert np.isnan(aarr([0.0, 0.2, 0.2], [0.1, 0.0, 0.1], [5, 5, 0])).all()


def test_aarr_over_several_years_is_the_log_linear_fit():
    years = np.array([2021, 2022, 2023, 2024])
    p = np.array([0.244, 0.216, 0.215, 0.198])
    t = pd.DataFrame({"prevalence": p, "se": 0.002, "year": years})
    slope = np.polyfit(years, np.log(p), 1)[0]
    out = target_status(t, target=0.142, target_year=2029)
    assert out["aarr"].iloc[0] == pytest.approx(1 - np.exp(slope))
    assert out["first_year"].iloc[0] == 2021 and out["year"].iloc[0] == 2024


def test_on_track_accounts_for_the_interval():
    t = pd.DataFrame(
        {
            "area": ["fast", "fast", "slow", "slow", "noisy", "noisy", "done"],
            "prevalence": [0.30, 0.20, 0.30, 0.295, 0.30, 0.26, 0.05],
            "se": [0.002, 0.002, 0.002, 0.002, 0.05, 0.05, 0.002],
            "year": [2022, 2024, 2022, 2024, 2022, 2024, 2024],
        }
    )
    out = target_status(t, target=0.15, target_year=2029).set_index("area")
    assert out.loc["fast", "track"] == "on track" and out.loc["fast", "on_track"]
    assert out.loc["slow", "track"] == "off track" and not out.loc["slow", "on_track"]
    assert out.loc["noisy", "track"] == "uncertain" and pd.isna(out.loc["noisy", "on_track"])
    assert out.loc["done", "track"] == "met"
    # fewer stunted: (0.20 - 0.15) x n; n from the SE: p (1 - p) / se^2
    n_eff = 0.2 * 0.8 / 0.002**2
    assert out.loc["fast", "fewer_stunted"] == pytest.approx(0.05 * n_eff)


def test_national_path_and_population():
    path = {year: value for year, value, _, _ in NATIONAL_TARGETS}
    assert path[2025] == 0.188 and path[2029] == 0.142
    assert float(aarr(path[2025], path[2027], 2)) == pytest.approx(aarr(0.188, 0.142, 4))
    t = pd.DataFrame({"n": [500], "cases": [100], "year": [2025], "population": [4000]})
    out = target_status(t, target_year=2029)
    assert out["target"].iloc[0] == 0.142
    assert out["fewer_stunted"].iloc[0] == pytest.approx((0.2 - 0.142) * 4000)
    assert out["required_aarr"].iloc[0] == pytest.approx(1 - (0.142 / 0.2) ** (1 / 4))


def test_bad_arguments_name_themselves():
    t = pd.DataFrame({"n": [10], "cases": [1], "year": [2025]})
    with pytest.raises(StuntlibError, match="^threshold:"):
        target_status(t, threshold=2.5)
    with pytest.raises(StuntlibError, match="^target:"):
        target_status(t, target=14.2)
    with pytest.raises(ColumnError, match="year"):
        target_status(t.drop(columns="year"))
    with pytest.raises(StuntlibError, match="cases <= n"):
        target_status(pd.DataFrame({"n": [10], "cases": [11], "year": [2025]}))
    with pytest.raises(StuntlibError, match="^table:"):
        target_status([1, 2])


def test_bounds_and_probabilities_are_scipy_stats_values_exactly():
    """target_status uses scipy.special (no 1 s import of scipy.stats): the same floats."""
    n = np.array([200, 30, 150, 7, 1])
    cases = np.array([30, 0, 149, 7, 1])
    out = target_status(pd.DataFrame({"n": n, "cases": cases, "year": 2025,
                                      "kelurahan": list("ABCDE")}))  # fmt: skip
    upper = np.where(
        cases >= n, 1.0, stats.beta.ppf(0.95, cases + 1.0, np.maximum(n - cases, 1e-12))
    )
    assert out["upper_bound"].to_numpy().tolist() == upper.tolist()
    below = stats.beta.cdf(0.025, cases + 0.5, n - cases + 0.5)
    assert out["p_below_threshold"].to_numpy().tolist() == below.tolist()
