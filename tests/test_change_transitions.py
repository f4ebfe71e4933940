"""Children followed across rounds: planted truth, stationary noise, chunks, privacy."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stuntlib
from stuntlib.change import (
    child_key,
    finalize_transitions,
    stationary_transition_rates,
    transition_partial_sums,
    transitions,
)
from stuntlib.errors import ColumnError, StuntlibError

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_rounds", ROOT / "tools" / "make_rounds.py")
make_rounds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_rounds)

COUNTS = ["linked", "newly_stunted", "relapsed", "recovered", "persistent",
          "lost_to_follow_up", "aged_out", "newly_measured"]  # fmt: skip
KEYS = ["period_from", "period_to", "kelurahan"]


@pytest.fixture(scope="module")
def planted():
    data, truth = make_rounds.planted()
    return stuntlib.score(data), truth


@pytest.fixture(scope="module")
def stationary():
    return stuntlib.score(make_rounds.stationary(20_000, 2, r=0.9, seed=11))


def test_planted_transitions_are_recovered_exactly(planted):
    scored, truth = planted
    out = transitions(scored, child="nik", period="round", by="kelurahan")
    both = truth.merge(out, on=KEYS, suffixes=("_truth", ""), how="outer", validate="1:1")
    for c in COUNTS:
        assert (both[f"{c}_truth"] == both[c]).all(), c
    # the trajectories hold 37 + 11 "NS." new cases in the first pair, 23 + 13 in the second
    per_pair = out.groupby("period_to")["newly_stunted"].sum()
    assert per_pair.tolist() == [37 + 11, 23 + 13]
    assert out.groupby("period_to")["relapsed"].sum().tolist() == [0, 13]


def test_confirm_two_counts_only_confirmed_transitions(planted):
    scored, truth = planted
    out = transitions(scored, child="nik", period="round", by="kelurahan", confirm=2)
    both = truth.merge(out, on=KEYS, suffixes=("_truth", ""), validate="1:1")
    assert (both["newly_stunted_confirmed"] == both["newly_stunted"]).all()
    assert (both["recovered_confirmed"] == both["recovered"]).all()
    first = out[out["period_from"] == "2025-02"]
    assert first["newly_stunted"].sum() == 37  # NSS only; NSN does not stay stunted
    assert first["recovered"].sum() == 29  # SNN only; SNS relapses
    last = out[out["period_from"] == "2025-08"]
    assert (last["newly_stunted"] == 0).all() and (last["at_risk"] == 0).all()


def test_stationary_population_shows_noise_and_no_excess(stationary):
    out = transitions(stationary, child="nik", period="round").iloc[0]
    assert out["linked"] == 20_000
    # noise alone makes hundreds of "new cases" and "recoveries"...
    assert out["newly_stunted"] > 800 and out["recovered"] > 800
    # ...which the stationary model expects: the excess interval holds zero
    for name in ("newly_stunted", "recovered"):
        assert out[f"excess_{name}_low"] < 0 < out[f"excess_{name}_high"], name
    assert out["r"] == pytest.approx(0.9, abs=0.01)
    # the expected rate is the bivariate-normal one at the observed mean, SD and r
    new, back = stationary_transition_rates(out["model_mean"], out["model_sd"], out["r"])
    assert out["expected_newly_stunted"] == pytest.approx(out["at_risk"] * new)
    assert out["expected_recovered"] == pytest.approx(out["stunted_before"] * back)


def test_stationary_by_group_has_no_excess_anywhere(stationary):
    out = transitions(stationary, child="nik", period="round", by="kelurahan")
    assert len(out) == 10
    z = out["excess_newly_stunted"] / np.sqrt(out["expected_newly_stunted"])
    assert np.all(np.abs(z) < 3.5)
    assert np.mean(out["excess_newly_stunted_low"] < 0) >= 0.8


def test_tiny_groups_do_not_bias_the_baseline():
    # 20,000 stationary children in 4,000 groups of ~5: a group's own round-1 mean would
    # regress to the mean itself; the shrunken mean keeps the total excess at zero
    scored = stuntlib.score(make_rounds.stationary(20_000, 2, r=0.9, seed=13))
    scored["tiny"] = scored["nik"].str[-4:].astype(int) % 4000
    out = transitions(scored, child="nik", period="round", by="tiny")
    total = transitions(scored, child="nik", period="round").iloc[0]
    excess = out["excess_newly_stunted"].sum()
    assert abs(excess) < 2.5 * np.sqrt(total["expected_newly_stunted"])
    assert abs(out["excess_recovered"].sum()) < 2.5 * np.sqrt(total["expected_recovered"])


def test_a_real_fall_in_haz_shows_as_excess():
    scored = stuntlib.score(make_rounds.stationary(20_000, 2, shift=-0.25, seed=12))
    out = transitions(scored, child="nik", period="round").iloc[0]
    assert out["excess_newly_stunted_low"] > 0
    assert out["mean_delta_haz"] == pytest.approx(-0.25, abs=0.03)
    assert out["mean_delta_had"] < 0


def test_the_nik_never_reaches_the_output(planted):
    scored, _ = planted
    out = transitions(scored, child="nik", period="round", by=["kelurahan", "posyandu"])
    text = out.to_csv()
    assert not any(nik in text for nik in scored["nik"].head(200))
    assert "nik" not in out.columns


def test_birth_cohorts_are_a_grouping(planted):
    scored, _ = planted
    by_year = transitions(scored, child="nik", period="round", by="birth_year")
    by_sem = transitions(scored, child="nik", period="round", by="birth_semester")
    total = transitions(scored, child="nik", period="round")
    for out in (by_year, by_sem):
        sums = out.groupby("period_to")["linked"].sum().to_numpy()
        np.testing.assert_array_equal(sums, total["linked"].to_numpy())
    assert by_sem["birth_semester"].dropna().str.match(r"^\d{4}-S[12]$").all()


def test_duplicates_unscored_and_unkeyed_rows_are_counted(planted):
    scored, _ = planted
    second = scored[scored["round"] == "2025-08"]
    extra = second.head(5).copy()
    extra["measure_date"] = extra["measure_date"] - pd.Timedelta(days=3)
    bad = second.head(2).copy()
    bad["zlen"], bad["flen"] = np.nan, pd.NA
    nokey = second.head(3).copy()
    nokey["nik"] = None
    frame = pd.concat([scored, extra, bad, nokey], ignore_index=True)
    out = transitions(frame, child="nik", period="round")
    first = out[out["period_to"] == "2025-08"].iloc[0]
    base = transitions(scored, child="nik", period="round")
    base_first = base[base["period_to"] == "2025-08"].iloc[0]
    assert first["duplicates"] == 5 + 2  # the extra rows, and the unscored repeats
    assert first["unkeyed"] == 3
    assert first["linked"] == base_first["linked"]  # the valid latest row is kept


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chunks=st.integers(1, 5), seed=st.integers(0, 1000))
def test_chunks_by_child_give_the_same_result(planted, chunks, seed):
    scored, _ = planted
    rng = np.random.default_rng(seed)
    shuffled = scored.sample(frac=1.0, random_state=seed)
    part = child_key(shuffled["nik"], salt="s") % np.uint64(chunks)
    periods = sorted(scored["round"].unique())
    sums = [
        transition_partial_sums(shuffled[part == i], child="nik", period="round",
                                by="kelurahan", periods=periods, salt="s")
        for i in range(chunks)
    ]  # fmt: skip
    got = finalize_transitions(sums)
    want = transitions(scored, child="nik", period="round", by="kelurahan")
    del rng
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9)


def test_bad_arguments_name_themselves(planted):
    scored, _ = planted
    with pytest.raises(ColumnError, match="^child:"):
        transitions(scored, child="NIK anak", period="round")
    with pytest.raises(ColumnError, match="^period:"):
        transitions(scored, child="nik", period="bulan")
    with pytest.raises(StuntlibError, match="^confirm:"):
        transitions(scored, child="nik", period="round", confirm=3)
    with pytest.raises(StuntlibError, match="^periods:"):
        transitions(scored, child="nik", period="round", periods=["2025-02"])
    with pytest.raises(ColumnError, match="^scored:"):
        transitions(pd.DataFrame({"nik": [1]}), child="nik", period="nik")


def test_child_key_is_salted_and_stable():
    a = child_key(["3375000000000001", "3375000000000002", None], salt="x")
    b = child_key(["3375000000000001"], salt="y")
    assert a[0] != a[1] and a[2] == 0 and a[0] != b[0]
    assert child_key(pd.Series([5, 6], dtype="int64"), salt="x")[0] != 0
