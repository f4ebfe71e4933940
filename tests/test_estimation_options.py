"""PrevalenceOptions: one object for prevalence, its map step and its finaliser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stuntlib.errors import StuntlibError
from stuntlib.estimation import (
    PrevalenceOptions,
    finalize_prevalence,
    merge_partial_sums,
    prevalence,
    prevalence_partial_sums,
)


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 200
    return pd.DataFrame(
        {
            "zlen": rng.normal(-1.2, 1.2, n),
            "flen": 0,
            "area": rng.choice(["Tirto", "Medono", "Bendan"], n),
            "sw": rng.uniform(0.5, 2.0, n),
            "psu": rng.integers(0, 12, n),
        }
    )


def test_options_object_equals_keywords():
    df = _frame()
    opts = PrevalenceOptions(indicators="stunting", ci="jeffreys", min_n=5, weights="sw")
    by_kw = prevalence(df, "area", indicators="stunting", ci="jeffreys", min_n=5, weights="sw")
    pd.testing.assert_frame_equal(prevalence(df, "area", options=opts), by_kw)
    # keywords override the object
    over = prevalence(df, "area", options=opts, ci="logit")
    pd.testing.assert_frame_equal(
        over, prevalence(df, "area", indicators="stunting", ci="logit", min_n=5, weights="sw")
    )


def test_map_reduce_with_one_options_object():
    df = _frame()
    opts = PrevalenceOptions(indicators="stunting", weights="sw", cluster="psu", min_n=1)
    parts = [prevalence_partial_sums(df.iloc[i::3], "area", options=opts) for i in range(3)]
    chunked = finalize_prevalence(merge_partial_sums(parts), options=opts)
    single = prevalence(df, "area", options=opts)
    pd.testing.assert_frame_equal(chunked, single, check_exact=False, rtol=1e-12)


def test_vocabulary_and_legacy_names():
    assert PrevalenceOptions(rounding=None).rounding == "exact"
    assert PrevalenceOptions.build(None, max_age_days=1826).max_age_months == 60.0
    # rounded days <= 100  <=>  days < 100.5  <=>  months < 100.5 / 30.4375
    assert PrevalenceOptions.build(None, max_age_days=100).max_age_months == pytest.approx(
        100.5 / 30.4375
    )
    assert PrevalenceOptions.build(None, max_age_days=None).max_age_months is None
    assert PrevalenceOptions(indicators=["stunting", "wasting"]).indicators == (
        "stunting",
        "wasting",
    )


@pytest.mark.parametrize(
    ("changes", "argument"),
    [
        ({"ci": "wald"}, "ci"),
        ({"level": 95}, "level"),
        ({"rounding": "r"}, "rounding"),
        ({"min_n": -1}, "min_n"),
        ({"min_cases": True}, "min_cases"),
        ({"weights": 3}, "weights"),
        ({"suppress": "yes"}, "suppress"),
        ({"max_age_months": "60"}, "max_age_months"),
        ({"period": 202508}, "period"),
        ({"language": "fr"}, "language"),
        ({"colour": "red"}, "colour"),
        ({"max_age_days": "x"}, "max_age_days"),
    ],
)
def test_bad_option_names_the_argument(changes, argument):
    with pytest.raises(StuntlibError, match=f"^{argument}"):
        PrevalenceOptions.build(None, **changes)


def test_options_must_be_an_options_object():
    with pytest.raises(StuntlibError, match="options"):
        prevalence(_frame(), options={"ci": "logit"})


def test_map_step_refuses_child():
    with pytest.raises(StuntlibError, match="child"):
        prevalence_partial_sums(_frame(), child="nik")
