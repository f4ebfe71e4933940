"""Survey planning: sample size, design effects, ICC and a two-stage simulation."""

import numpy as np
import pandas as pd
import pytest

from stuntlib.change import design_effects, sample_size, simulate_two_stage_survey
from stuntlib.errors import ColumnError, StuntlibError


def test_sample_size_reproduces_the_published_figures():
    # n = 1.959964^2 x 0.45 x 0.55 / 0.05^2 = 380.3 -> 380 (nearest)
    assert sample_size(0.45, 0.05) == 380
    # 1.959964^2 x 0.2 x 0.8 / 0.05^2 x 1.5 = 368.8 -> 369
    assert sample_size(0.2, 0.05, deff=1.5) == 369
    assert sample_size(0.45, 0.05, rounding="up") == 381


def test_sample_size_options_by_hand():
    z2 = 1.959963984540054**2
    n0 = z2 * 0.3 * 0.7 / 0.05**2
    assert sample_size(0.3, 0.05, population=1000) == round(n0 / (1 + (n0 - 1) / 1000))
    assert sample_size(0.3, 0.05, nonresponse=0.1) == round(n0 / 0.9)
    np.testing.assert_array_equal(sample_size([0.45, 0.2], 0.05, deff=[1, 1.5]), [380, 369])


@pytest.mark.parametrize(
    ("kw", "name"),
    [
        ({"p": 1.2}, "p"),
        ({"margin": 5}, "margin"),
        ({"deff": 0}, "deff"),
        ({"nonresponse": 1}, "nonresponse"),
        ({"rounding": "down"}, "rounding"),
    ],
)
def test_sample_size_bad_arguments(kw, name):
    args = {"p": 0.3, "margin": 0.05} | kw
    with pytest.raises(StuntlibError, match=f"^{name}:"):
        sample_size(args.pop("p"), args.pop("margin"), **args)


def test_two_stage_simulation_gives_the_kish_design_effect():
    # ICC 0.05 and m = 10: deff = 1 + (10 - 1) x 0.05 = 1.45
    sim = simulate_two_stage_survey(10_000, 10, prevalence=0.3, icc=0.05, seed=2025)
    out = design_effects(sim, cluster="cluster").iloc[0]
    assert out["deff"] == pytest.approx(1.45, abs=0.06)
    assert out["icc"] == pytest.approx(0.05, abs=0.007)
    assert out["mean_cluster_size"] == 10 and out["clusters"] == 10_000
    assert out["deft"] == pytest.approx(np.sqrt(out["deff"]))
    assert out["n_eff"] == pytest.approx(out["n"] / out["deff"])


def test_icc_follows_from_deff_and_cluster_size():
    sim = simulate_two_stage_survey(600, 20, prevalence=0.2, icc=0.1, seed=3)
    sim["domain"] = np.where(sim["cluster"] < 300, "north", "south")
    out = design_effects(sim, cluster="cluster", by="domain")
    assert list(out["domain"]) == ["north", "south"]
    np.testing.assert_allclose(out["icc"], (out["deff"] - 1) / (20 - 1))
    assert (out["clusters"] == 300).all()


def test_simulation_without_clustering_has_deff_one():
    sim = simulate_two_stage_survey(5_000, 10, icc=1e-6, seed=9)
    assert design_effects(sim, cluster="cluster")["deff"].iloc[0] == pytest.approx(1, abs=0.06)


def test_planning_bad_arguments():
    with pytest.raises(StuntlibError, match="^icc:"):
        simulate_two_stage_survey(10, 10, icc=0)
    with pytest.raises(StuntlibError, match="^clusters:"):
        simulate_two_stage_survey(1, 10)
    with pytest.raises(ColumnError, match="^cluster:"):
        design_effects(pd.DataFrame({"zlen": [0.0]}), cluster="psu")
