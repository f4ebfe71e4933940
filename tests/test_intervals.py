"""Hand-checked confidence intervals for 3 of 12, 0 of 12 and 12 of 12 (95 %).

Every expected value below was worked out from the closed formula written in the comment
(z = 1.959963984540054, the 97.5 % normal quantile; t = 2.200985160082949, the 97.5 %
t quantile with 11 df), not by calling stuntlib.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from stuntlib.errors import StuntlibError
from stuntlib.intervals import (
    clopper_pearson_interval,
    jeffreys_interval,
    korn_graubard_interval,
    logit_interval,
    mean_interval,
    wilson_interval,
)

Z = 1.959963984540054

# Wilson: centre = (x + z²/2)/(n + z²), half = z/(n + z²) * sqrt(x(n-x)/n + z²/4)
#   x = 3:  centre = 4.920729410347062/15.841458820694124 = 0.31062350...
#           half   = 0.12372386... * sqrt(2.25 + 0.96036470517) = 0.22168183...
#   x = 0:  centre = half = 1.920729410347062/15.841458820694124 -> [0, 0.2424940066552]
#   x = 12: mirror of x = 0 -> [0.7575059933448, 1]
WILSON = {
    0: (0.0, 0.24249400665524085),
    3: (0.08894166839405471, 0.5323053349335657),
    12: (0.7575059933447592, 1.0),
}
# Clopper-Pearson: x = 0 -> upper = 1 - 0.025**(1/12) = 0.26464846939705;
#   x = 12 -> lower = 0.025**(1/12) = 0.73535153060295;
#   x = 3 -> the p solving P(X >= 3 | 12, p) = 0.025 and P(X <= 3 | 12, p) = 0.025
#   (checked below by bisection on the binomial tail with math.comb).
CLOPPER_PEARSON = {
    0: (0.0, 1 - 0.025 ** (1 / 12)),
    3: (0.05486064452799272, 0.5718584618781891),
    12: (0.025 ** (1 / 12), 1.0),
}
# Jeffreys: quantiles 0.025/0.975 of Beta(x + 1/2, n - x + 1/2), lower 0 at x = 0, upper 1 at n.
JEFFREYS = {
    0: (0.0, 0.18530593831248504),
    3: (0.07594233, 0.52919108),
    12: (0.8146940616875149, 1.0),
}


def _binom_tail_ge(x: int, n: int, p: float) -> float:
    return sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(x, n + 1))


def _bisect(f, lo: float, hi: float) -> float:
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def test_clopper_pearson_hand_values_are_binomial_tail_roots():
    low = _bisect(lambda p: _binom_tail_ge(3, 12, p) - 0.025, 0.0, 1.0)
    high = _bisect(lambda p: 0.025 - (1 - _binom_tail_ge(4, 12, p)), 0.0, 1.0)
    assert low == pytest.approx(CLOPPER_PEARSON[3][0], rel=1e-9)
    assert high == pytest.approx(CLOPPER_PEARSON[3][1], rel=1e-9)


@pytest.mark.parametrize("x", [0, 3, 12])
def test_wilson_hand_values(x):
    low, high = wilson_interval(x, 12)
    assert float(low) == pytest.approx(WILSON[x][0], abs=1e-12)
    assert float(high) == pytest.approx(WILSON[x][1], abs=1e-12)


@pytest.mark.parametrize("x", [0, 3, 12])
def test_clopper_pearson_hand_values(x):
    low, high = clopper_pearson_interval(x, 12)
    assert float(low) == pytest.approx(CLOPPER_PEARSON[x][0], abs=1e-10)
    assert float(high) == pytest.approx(CLOPPER_PEARSON[x][1], abs=1e-10)


@pytest.mark.parametrize("x", [0, 3, 12])
def test_jeffreys_hand_values(x):
    low, high = jeffreys_interval(x, 12)
    assert float(low) == pytest.approx(JEFFREYS[x][0], abs=1e-8)
    assert float(high) == pytest.approx(JEFFREYS[x][1], abs=1e-8)


@pytest.mark.parametrize("x", [0, 3, 12])
def test_korn_graubard_with_binomial_se_is_clopper_pearson(x):
    # n_eff = p(1-p)/se² = n when se is binomial; (t_{n-1}/t_df)² = 1 when df = n - 1;
    # at p = 0 and p = 1 n_eff = n by definition.
    p = x / 12
    se = math.sqrt(p * (1 - p) / 12)
    low, high = korn_graubard_interval(p, se, 12, df=11)
    assert float(low) == pytest.approx(CLOPPER_PEARSON[x][0], abs=1e-10)
    assert float(high) == pytest.approx(CLOPPER_PEARSON[x][1], abs=1e-10)


def test_korn_graubard_widens_with_fewer_design_df():
    # df = 5 < n - 1: n_eff shrinks by (t_11 / t_5)² = (2.200985 / 2.570582)² = 0.7331
    low5, high5 = korn_graubard_interval(0.25, math.sqrt(0.25 * 0.75 / 12), 12, df=5)
    assert float(low5) < CLOPPER_PEARSON[3][0]
    assert float(high5) > CLOPPER_PEARSON[3][1]


def test_logit_interval_hand_value():
    # WHO simple logit, N = n = 12: se_logit = sqrt(12/11 / (12 * 0.25 * 0.75)) = 0.6030226891
    # logit(0.25) = -1.0986122887; t_11 = 2.2009851601
    # expit(-1.0986122887 -/+ 2.2009851601 * 0.6030226891) = 0.0671583853, 0.6068181812
    se = math.sqrt(12 / 11 * 0.25 * 0.75 / 12)
    low, high = logit_interval(0.25, se, df=11)
    assert float(low) == pytest.approx(0.06715838526372506, rel=1e-10)
    assert float(high) == pytest.approx(0.6068181811686292, rel=1e-10)


def test_logit_interval_is_a_point_at_0_and_1():
    low, high = logit_interval([0.0, 1.0], [0.0, 0.0], df=11)
    assert low.tolist() == [0.0, 1.0]
    assert high.tolist() == [0.0, 1.0]


def test_mean_interval_normal():
    low, high = mean_interval(-1.0, 0.1)
    assert float(low) == pytest.approx(-1.0 - Z * 0.1, abs=1e-12)
    assert float(high) == pytest.approx(-1.0 + Z * 0.1, abs=1e-12)


def test_empty_denominator_gives_nan():
    for fn in (wilson_interval, clopper_pearson_interval, jeffreys_interval):
        low, high = fn(0, 0)
        assert np.isnan(low) and np.isnan(high)


@pytest.mark.parametrize("level", [0, 1, 1.5, "high"])
def test_bad_level_names_the_argument(level):
    with pytest.raises(StuntlibError, match="level"):
        wilson_interval(3, 12, level=level)


def test_korn_graubard_one_child_is_clopper_pearson() -> None:
    # one child, stunted: Clopper-Pearson 1 of 1 is [0.025^(1/1), 1] = [0.025, 1]
    low, high = korn_graubard_interval(1.0, 0.0, 1, df=0)
    assert float(low) == pytest.approx(0.025, abs=1e-12)
    assert float(high) == 1.0


def test_import_and_prevalence_do_not_load_scipy_stats():
    # quantiles come from scipy.special (ndtri, stdtrit, betaincinv): scipy.stats costs
    # most of a second of import time
    import subprocess
    import sys

    code = (
        "import sys, pandas as pd, stuntlib\n"
        "from stuntlib.estimation import prevalence\n"
        "df = pd.DataFrame({'zlen': [-2.5, -1.0, 0.3], 'flen': 0})\n"
        "for ci in ('wilson', 'clopper-pearson', 'jeffreys', 'logit', 'korn-graubard'):\n"
        "    prevalence(df, indicators='stunting', ci=ci)\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
