"""Small-area estimates: beta-binomial empirical Bayes and Fay-Herriot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stuntlib.convergence import posterior_draws, small_area_estimates
from stuntlib.errors import ColumnError, StuntlibError

DATA = Path(__file__).parent / "data"


def test_beta_prior_posterior_means_and_reordering():
    # Beta(4, 16) prior: posterior mean (4 + y) / (20 + n), by hand:
    # A 1/2 -> 5/22 = 0.2273; B 30/150 -> 34/170 = 0.2000; C 45/150 -> 49/170 = 0.2882.
    t = pd.DataFrame({"area": ["A", "B", "C"], "n": [2, 150, 150], "cases": [1, 30, 45]})
    r = small_area_estimates(t, prior=(4, 16))
    assert r["estimate"].round(3).tolist() == [0.227, 0.200, 0.288]
    assert r["direct"].tolist() == [0.5, 0.2, 0.3]
    # direct order A > C > B becomes C > A > B
    assert r.sort_values("direct", ascending=False)["area"].tolist() == ["A", "C", "B"]
    assert r.sort_values("estimate", ascending=False)["area"].tolist() == ["C", "A", "B"]
    # shrinkage = (a + b) / (a + b + n): 20/22 and 20/170
    assert r["shrinkage"].tolist() == pytest.approx([20 / 22, 20 / 170, 20 / 170])
    # posterior variance of Beta(5, 17): 5*17 / (22**2 * 23)
    assert r.loc[0, "mse"] == pytest.approx(5 * 17 / (22**2 * 23))


def _simulate(seed, method):
    rng = np.random.default_rng(seed)
    p = rng.beta(8, 24, 300)
    n = rng.integers(5, 201, 300)
    y = rng.binomial(n, p)
    r = small_area_estimates(pd.DataFrame({"area": range(300), "n": n, "cases": y}), method=method)
    rmse_direct = np.sqrt(np.mean((r["direct"] - p) ** 2))
    rmse_shrunk = np.sqrt(np.mean((r["estimate"] - p) ** 2))
    cover = np.mean((r["ci_low"] <= p) & (p <= r["ci_high"]))
    return rmse_direct, rmse_shrunk, cover


@pytest.mark.parametrize("method", ["beta_binomial", "fay_herriot"])
def test_simulation_shrinkage_beats_direct_and_intervals_cover(method):
    runs = np.array([_simulate(seed, method) for seed in range(10)])
    direct, shrunk, cover = runs.mean(axis=0)
    assert shrunk < 0.8 * direct
    assert 0.93 <= cover <= 0.97


def test_beta_binomial_recovers_the_prior():
    rng = np.random.default_rng(3)
    p = rng.beta(8, 24, 2000)
    n = rng.integers(20, 200, 2000)
    r = small_area_estimates(
        pd.DataFrame({"area": range(2000), "n": n, "cases": rng.binomial(n, p)})
    )
    sae = r.attrs["sae"]
    assert sae["prior_mean"] == pytest.approx(8 / 32, abs=0.01)
    assert sae["alpha"] + sae["beta"] == pytest.approx(32, rel=0.25)


def test_fay_herriot_matches_samplics():
    t = pd.read_csv(DATA / "fh_samplics.csv")
    r = small_area_estimates(t, method="fay_herriot", covariates=["x1"])
    # samplics 0.4.55 REML: sigma2_v and the fixed effects (PROVENANCE.md)
    assert r.attrs["sae"]["sigma2_v"] == pytest.approx(0.004433881774, rel=1e-6)
    coef = r.attrs["sae"]["coefficients"]
    assert [coef["intercept"], coef["x1"]] == pytest.approx([0.66846891, -0.237367], rel=1e-6)
    np.testing.assert_allclose(r["eblup_arcsine"], t["eblup_arcsine"], rtol=1e-7)
    np.testing.assert_allclose(r["mse_arcsine"], t["mse_arcsine"], rtol=1e-6)
    np.testing.assert_allclose(r["estimate"], np.sin(t["eblup_arcsine"]) ** 2, rtol=1e-7)


def test_fay_herriot_balanced_closed_form():
    # Equal n, intercept only: REML sigma2 = max(0, s^2 - D) with s^2 the sample variance
    # (divisor m - 1) and D = 1/(4n); EBLUP = mean + gamma (theta - mean).
    n = 100
    cases = np.array([10, 15, 20, 25, 30, 35, 40, 45])
    theta = np.arcsin(np.sqrt(cases / n))
    d = 1 / (4 * n)
    s2 = max(0.0, np.var(theta, ddof=1) - d)
    gamma = s2 / (s2 + d)
    expected = theta.mean() + gamma * (theta - theta.mean())
    t = pd.DataFrame({"area": list("ABCDEFGH"), "n": n, "cases": cases})
    r = small_area_estimates(t, method="fay_herriot")
    assert r.attrs["sae"]["sigma2_v"] == pytest.approx(s2, rel=1e-6)
    np.testing.assert_allclose(r["eblup_arcsine"], expected, rtol=1e-7)
    np.testing.assert_allclose(r["shrinkage"], 1 - gamma, rtol=1e-6)


def test_prevalence_table_and_empty_area_kept():
    t = pd.DataFrame(
        {
            "grouping": "kelurahan",
            "kelurahan": ["X", "Y", "Z", "W"],
            "indicator": "stunting",
            "n": [40, 0, 120, 60],
            "cases": pd.array([8, pd.NA, 30, 21], dtype="Int64"),
            "estimate": [0.2, np.nan, 0.25, 0.35],
            "se": [0.06, np.nan, 0.04, 0.06],
        }
    )
    r = small_area_estimates(t, prior=(2, 6))
    assert r["kelurahan"].tolist() == ["X", "Y", "Z", "W"]
    assert np.isnan(r.loc[1, "direct"])
    assert r.loc[1, "estimate"] == pytest.approx(0.25)  # prior mean 2/8
    assert r.loc[1, "shrinkage"] == 1.0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 300), st.floats(0, 1)), min_size=3, max_size=30))
def test_estimate_between_direct_and_prior_mean_and_order_free(rows):
    n = np.array([r[0] for r in rows])
    y = np.floor(n * np.array([r[1] for r in rows])).astype(int)
    t = pd.DataFrame({"area": range(len(n)), "n": n, "cases": y})
    r = small_area_estimates(t, prior=(3, 9))
    lo = np.minimum(r["direct"], 0.25) - 1e-12
    hi = np.maximum(r["direct"], 0.25) + 1e-12
    assert ((r["estimate"] >= lo) & (r["estimate"] <= hi)).all()
    assert ((r["ci_low"] <= r["estimate"]) & (r["estimate"] <= r["ci_high"])).all()
    rev = small_area_estimates(t.iloc[::-1], prior=(3, 9))
    np.testing.assert_allclose(rev["estimate"].to_numpy()[::-1], r["estimate"])


def test_posterior_draws_shape_and_mean():
    t = pd.DataFrame({"area": ["A", "B"], "n": [2, 150], "cases": [1, 30]})
    r = small_area_estimates(t, prior=(4, 16))
    d = posterior_draws(r, 20000, seed=1)
    assert d.shape == (2, 20000)
    assert d.mean(axis=1) == pytest.approx([5 / 22, 34 / 170], abs=0.005)


def test_bad_arguments_name_the_argument():
    t = pd.DataFrame({"area": ["A", "B", "C"], "n": [2, 150, 150], "cases": [1, 30, 45]})
    with pytest.raises(StuntlibError, match="method"):
        small_area_estimates(t, method="bayes")  # type: ignore[arg-type]
    with pytest.raises(StuntlibError, match="prior"):
        small_area_estimates(t, prior=(0, 1))
    with pytest.raises(StuntlibError, match="level"):
        small_area_estimates(t, level=95)
    with pytest.raises(ColumnError, match="covariates"):
        small_area_estimates(t, method="fay_herriot", covariates=["x"])
    with pytest.raises(StuntlibError, match="table"):
        small_area_estimates(t.assign(cases=[3, 30, 45]))
    with pytest.raises(ColumnError, match="n"):
        small_area_estimates(t.drop(columns="n"))
    with pytest.raises(StuntlibError, match="estimates"):
        posterior_draws(t)
