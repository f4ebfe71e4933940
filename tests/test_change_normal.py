"""Regression to the mean: the stationary baseline, conditional z and HAD."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from stuntlib.change import (
    conditional_zscore,
    height_for_age_difference,
    stationary_transition_rates,
)
from stuntlib.change._normal import bivariate_normal_cdf_equal, stationary_confirmed_rates
from stuntlib.errors import StuntlibError


def _by_quadrature(mean, sd, r, c):
    """P(Z2 < c | Z1 >= c) and P(Z2 >= c | Z1 < c), integrating over Z1 numerically.

    Given X1 = x (standardised), X2 ~ N(r x, 1 - r^2), so
    P(X1 >= h, X2 < h) = integral_h^inf phi(x) Phi((h - r x) / sqrt(1 - r^2)) dx.
    """
    h = (c - mean) / sd
    s = np.sqrt(1 - r * r)
    down, _ = integrate.quad(
        lambda x: stats.norm.pdf(x) * stats.norm.cdf((h - r * x) / s), h, np.inf
    )
    up, _ = integrate.quad(lambda x: stats.norm.pdf(x) * stats.norm.sf((h - r * x) / s), -np.inf, h)
    return down / stats.norm.sf(h), up / stats.norm.cdf(h)


@pytest.mark.parametrize(
    ("r", "new", "back"),
    [(0.9, 0.0716, 0.235), (0.8, 0.102, 0.334)],
)
def test_stationary_rates_reproduce_the_published_figures(r, new, back):
    # HAZ ~ N(-1.2, 1.1), cut-off -2: 7.16 % newly stunted, 23.5 % recovered at r = 0.9;
    # 10.2 % and 33.4 % at r = 0.8.
    # The exact values are 7.156 %, 23.488 %, 10.160 % and 33.347 %: the published 33.4 %
    # is 33.347 rounded twice (33.35 -> 33.4), hence the half-unit tolerance.
    got_new, got_back = stationary_transition_rates(-1.2, 1.1, r, cutoff=-2.0)
    assert float(got_new) == pytest.approx(new, abs=5e-4 if r == 0.8 else 5e-5)
    assert float(got_back) == pytest.approx(back, abs=5e-4 if r == 0.9 else 6e-4)
    q_new, q_back = _by_quadrature(-1.2, 1.1, r, -2.0)
    assert float(got_new) == pytest.approx(q_new, abs=1e-9)
    assert float(got_back) == pytest.approx(q_back, abs=1e-9)


def test_stationary_rates_vectorise_and_match_quadrature_elsewhere():
    mean = np.array([-2.5, -1.0, 0.0, -1.8])
    sd = np.array([0.9, 1.2, 1.0, 1.05])
    r = np.array([0.95, 0.5, 0.7, 0.85])
    new, back = stationary_transition_rates(mean, sd, r)
    for i in range(4):
        q_new, q_back = _by_quadrature(mean[i], sd[i], r[i], -2.005)
        assert new[i] == pytest.approx(q_new, abs=1e-9)
        assert back[i] == pytest.approx(q_back, abs=1e-9)


def test_bivariate_cdf_matches_scipy():
    for h, r in [(-0.7, 0.9), (0.3, 0.2), (1.5, -0.4), (0.0, 0.6)]:
        want = stats.multivariate_normal(cov=[[1, r], [r, 1]]).cdf([h, h])
        assert float(bivariate_normal_cdf_equal(h, r)) == pytest.approx(want, abs=1e-6)


def test_confirmed_rates_are_below_the_unconfirmed_ones_and_match_monte_carlo():
    rng = np.random.default_rng(5)
    cov = [[1, 0.9, 0.81], [0.9, 1, 0.9], [0.81, 0.9, 1]]
    x = rng.multivariate_normal(np.zeros(3), cov, size=2_000_000)
    h = (-2.0 + 1.2) / 1.1
    mc = np.mean((x[:, 0] >= h) & (x[:, 1] < h) & (x[:, 2] < h)) / np.mean(x[:, 0] >= h)
    new, back = stationary_confirmed_rates(
        np.array([-1.2]),
        np.array([1.1]),
        np.array([0.9]),
        np.array([0.9]),
        np.array([0.81]),
        cutoff=-2.0,
    )
    assert new[0] == pytest.approx(mc, abs=0.001)
    assert new[0] < float(stationary_transition_rates(-1.2, 1.1, 0.9, cutoff=-2.0)[0])


def test_bad_correlation_names_the_argument():
    with pytest.raises(StuntlibError, match="^r:"):
        stationary_transition_rates(-1.2, 1.1, 1.0)
    with pytest.raises(StuntlibError, match="^r:"):
        conditional_zscore([0.0], [0.0], -1.5)


def test_conditional_zscore_by_hand():
    # (z2 - r z1) / sqrt(1 - r^2): (-1.8 + 1.6) / 0.6 = -0.3333; (0.5 - 0) / 0.6 = 0.8333
    out = conditional_zscore([-2.0, 0.0, np.nan], [-1.8, 0.5, 1.0], 0.8)
    np.testing.assert_allclose(out[:2], [-0.2 / 0.6, 0.5 / 0.6])
    assert np.isnan(out[2])
    s = conditional_zscore(pd.Series([1.0], index=[7]), pd.Series([2.0], index=[7]), 0.5)
    assert list(s.index) == [7]
    assert s.iloc[0] == pytest.approx((2.0 - 0.5) / np.sqrt(0.75))
    assert isinstance(conditional_zscore(1.0, 2.0, 0.5), float)


def test_conditional_zscore_is_standard_normal_in_a_stationary_population():
    rng = np.random.default_rng(1)
    z1 = rng.standard_normal(200_000)
    z2 = 0.8 * z1 + 0.6 * rng.standard_normal(z1.size)
    c = conditional_zscore(z1, z2, 0.8)
    assert abs(c.mean()) < 0.01 and abs(c.std() - 1) < 0.01
    assert abs(np.corrcoef(z1, c)[0, 1]) < 0.01


def test_had_uses_the_who_median_by_day_and_sex():
    # WHO 2006 lhfa: boys at birth M = 49.8842 cm; girls at birth M = 49.1477 cm
    out = height_for_age_difference([50.0, 50.0, 50.0, 50.0], [0, 0, 1857, 0], [1, 2, 1, 3])
    np.testing.assert_allclose(out[:2], [50.0 - 49.8842, 50.0 - 49.1477])
    assert np.isnan(out[2]) and np.isnan(out[3])
    with pytest.raises(StuntlibError, match="height, age_days, sex"):
        height_for_age_difference([1.0, 2.0], [1], [1])


def test_transition_rates_are_the_scipy_stats_formula_exactly():
    """scipy.special.ndtr in place of scipy.stats.norm.cdf (1 s of import): the same floats."""
    from scipy import special, stats

    mean, sd, r = np.array([-1.2, -0.4, -2.3]), np.array([1.1, 0.9, 1.3]), np.array([0.9, 0.7, 0.8])
    h = (-2.0 - mean) / sd
    crossing = 2.0 * special.owens_t(h, np.sqrt((1.0 - r) / (1.0 + r)))
    new, back = stationary_transition_rates(mean, sd, r, cutoff=-2.0)
    assert new.tolist() == (crossing / (1.0 - stats.norm.cdf(h))).tolist()
    assert back.tolist() == (crossing / stats.norm.cdf(h)).tolist()
    both = bivariate_normal_cdf_equal(h, r)
    assert both.tolist() == (stats.norm.cdf(h) - crossing).tolist()
