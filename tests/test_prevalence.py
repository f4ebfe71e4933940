"""Tests of stuntlib.prevalence: WHO parity, WHO's rules, designs, map-reduce, properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stuntlib.errors import ColumnError, StuntlibError, StuntlibWarning
from stuntlib.estimation import (
    INDICATORS,
    finalize_prevalence,
    merge_partial_sums,
    prevalence,
    prevalence_partial_sums,
    prevalence_table,
    rollup,
    who_groupings,
)
from stuntlib.lms import r_round

# ------------------------------------------------------------------------------------
# Agreement with WHO anthro_prevalence (anthro 1.1.0.9000, R 4.2, survey 4.5)
# ------------------------------------------------------------------------------------

#: WHO's survey and weights tables are printed with 6 decimals (values in percent), so
#: agreement is limited to ~5e-7 absolute by that printing; the simple table has full
#: precision and agrees to ~1e-14.
WHO_TOLERANCE = {"survey": (1e-6, 1e-6), "weights": (1e-6, 1e-6), "simple": (1e-9, 1e-12)}
DESIGNS = {
    "survey": {"weights": "sw", "cluster": "cluster", "strata": "strata"},
    "weights": {"weights": "sw"},
    "simple": {"ci": "logit"},
}


@pytest.fixture(scope="module")
def who_input(who_file) -> pd.DataFrame:
    inp = who_file("who_anthro_prevalence_input.csv")
    z = who_file("who_anthro_zscores.csv")
    cols = ["id", "csex", "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi"]
    return inp.merge(z[cols], on="id", how="left", validate="one_to_one")


def _who_label(res: pd.DataFrame) -> np.ndarray:
    g = res["grouping"].to_numpy()
    age = res["age_group"].astype(object).fillna("").astype(str).to_numpy(dtype=object)
    sex = res["sex"].astype(object).fillna("").astype(str).to_numpy(dtype=object)
    kel = res["kelurahan"].astype(object).fillna("").astype(str).to_numpy(dtype=object)
    return np.select(
        [g == "All", g == "age_group", g == "sex", g == "sex × age_group"],
        ["All", "Age group: " + age, "Sex: " + sex, "Age + sex: " + age + "." + sex],
        "Geographical region: " + kel,
    )


@pytest.mark.parametrize("backend", ["survey", "weights", "simple"])
def test_matches_who_anthro_prevalence(who_file, who_input, backend):
    who = who_file(f"who_anthro_prevalence_{backend}.csv")
    res = prevalence(who_input, who_groupings("kelurahan"), **DESIGNS[backend])
    res = res.assign(Group=_who_label(res))
    rtol, atol = WHO_TOLERANCE[backend]
    checked = 0
    for name in res["indicator"].cat.categories:
        ind = INDICATORS[name]
        scale = 100.0 if ind.kind == "prevalence" else 1.0
        sub = res[res["indicator"] == name].set_index("Group").reindex(who["Group"])
        assert not sub["n"].isna().any(), "every WHO group row must exist in ours"
        pairs = [("estimate", "_r"), ("se", "_se"), ("ci_low", "_ll"), ("ci_high", "_ul")]
        if ind.kind == "mean":
            pairs.append(("sd", "_stdev"))
        for ours, suffix in pairs:
            np.testing.assert_allclose(
                sub[ours].to_numpy(dtype=float) * scale,
                who[ind.who_code + suffix].to_numpy(dtype=float),
                rtol=rtol,
                atol=atol,
                equal_nan=True,
                err_msg=f"{backend} {name} {ours}",
            )
            checked += len(who)
    assert checked > 3000
    for name, pre in [
        ("stunting", "HAZ"),
        ("underweight", "WAZ"),
        ("wasting", "WHZ"),
        ("bmi_wasting", "BMIZ"),
        ("stunted_and_wasted", "HA_2_WH_2"),
    ]:
        sub = res[res["indicator"] == name].set_index("Group").reindex(who["Group"])
        np.testing.assert_array_equal(sub["n"].to_numpy(), who[pre + "_unwpop"].to_numpy())
        np.testing.assert_allclose(
            sub["weighted_n"].to_numpy(dtype=float), who[pre + "_pop"].to_numpy(), rtol=1e-9
        )


def test_who_group_rows_and_order(who_file, who_input):
    res = prevalence(who_input, who_groupings("kelurahan"), indicators="stunting")
    who = who_file("who_anthro_prevalence_survey.csv")
    assert _who_label(res).tolist() == who["Group"].tolist()


# ------------------------------------------------------------------------------------
# WHO's rules: rounding, strict cut-offs, flags, oedema, age filter, design rows
# ------------------------------------------------------------------------------------


def test_r_round2_matches_r():
    # R 4.x: round(-9.7050000000000001, 2) = -9.7; round(-9.785, 2) = -9.79;
    # round(2.675, 2) = 2.67; round(0.125, 2) = 0.12; round(-2.005, 2) = -2 (-2.00499...)
    got = r_round([-9.7050000000000001, -9.785, 2.675, 0.125, -2.005, np.nan, np.inf])
    expected = [-9.7, -9.79, 2.67, 0.12, -2.0, np.nan, np.inf]
    np.testing.assert_array_equal(got, expected)


def test_r_round2_reproduces_who_rounding(who_file):
    z = who_file("who_anthro_zscores.csv")
    for col in ["zlen", "zwei", "zwfl", "zbmi"]:
        raw = pd.to_numeric(z[col + "_unrounded"], errors="coerce").to_numpy()
        ok = ~np.isnan(raw)
        np.testing.assert_array_equal(r_round(raw[ok]), z[col].to_numpy()[ok])


def _frame(**cols):
    n = len(next(iter(cols.values())))
    base = {"flen": np.zeros(n, dtype=int)}
    base.update(cols)
    return pd.DataFrame(base)


def test_cutoffs_are_strict_on_two_decimal_z():
    # -2.004 rounds to -2.00: not stunted (WHO); with full precision it is stunted.
    df = _frame(zlen=[-2.004, -2.0051, -1.0, -3.0])
    who = prevalence(df, indicators="stunting")
    assert who["cases"].iloc[0] == 2  # -2.01 and -3.00
    full = prevalence(df, indicators="stunting", rounding=None)
    assert full["cases"].iloc[0] == 3
    severe = prevalence(df, indicators="severe_stunting")
    assert severe["cases"].iloc[0] == 0  # -3.00 is not < -3


def test_flagged_zscores_are_excluded_and_missing_flags_computed():
    df = _frame(zlen=[-6.5, -2.5, 0.0], flen=[1, 0, 0])
    out = prevalence(df, indicators="stunting")
    assert (out["n"].iloc[0], out["cases"].iloc[0]) == (2, 1)
    no_flag = pd.DataFrame({"zlen": [-6.004, -6.006, -2.5]})  # -6.00 kept, -6.01 flagged
    out = prevalence(no_flag, indicators="stunting")
    assert (out["n"].iloc[0], out["cases"].iloc[0]) == (2, 2)


def test_oedema_counts_as_minus_3_1_in_weight_cutoffs_not_in_means():
    df = pd.DataFrame(
        {
            "zwei": [np.nan, -1.0, 0.5, -2.5],
            "fwei": [np.nan, 0, 0, 0],
            "coedema": ["y", "n", "n", "n"],
        }
    )
    out = prevalence(df, indicators=["severe_underweight", "underweight", "zwei_mean"])
    by = out.set_index("indicator")
    assert by.loc["severe_underweight", "cases"] == 1
    assert by.loc["underweight", "cases"] == 2
    assert by.loc["underweight", "n"] == 4
    assert by.loc["zwei_mean", "n"] == 3
    assert by.loc["zwei_mean", "estimate"] == pytest.approx(-1.0)


def test_oedema_codes_accepted():
    df = pd.DataFrame({"zwfl": [np.nan] * 4, "oedema": ["Y", "ya", 1, "n"]})
    out = prevalence(df, indicators="wasting")
    assert out["cases"].iloc[0] == 3


def test_age_filter_keeps_under_60_months_and_missing_age():
    # 1826.0 d = 59.992 mo (under five); 1826.4 d = 60.005 mo and 1826.5 d: WHO 2007 ages,
    # not under five (WHO's "rounded days <= 1826" would keep 1826.4); NaN age kept as WHO.
    df = _frame(zlen=[-2.5, -2.5, -2.5, -2.5, 0.0], age_days=[1826.0, 1826.4, 1826.5, np.nan, 100])
    out = prevalence(df, ["age_group", None], indicators="stunting", ci="logit")
    allrow = out[out["grouping"] == "All"].iloc[0]
    assert allrow["n"] == 3
    assert allrow["cases"] == 2
    ages = out[out["grouping"] == "age_group"]
    # 1826.0 d is in 48-59 mo, 100 d in 00-05 mo; NaN age has no age group
    assert ages["n"].sum() == 2


def test_age_limit_exactly_60_months_is_not_under_five():
    df = _frame(zlen=[-2.5, -2.5, 0.0], age_months=[59.999, 60.0, 12.0])
    out = prevalence(df, indicators="stunting", min_n=1, min_cases=0)
    assert out["n"].iloc[0] == 2
    assert out["cases"].iloc[0] == 1
    # the legacy day limit: rounded days <= 100 keeps 100.4 d and drops 100.5 d
    df = _frame(zlen=[-2.5, -2.5, 0.0], age_days=[100.4, 100.5, 50.0])
    out = prevalence(df, indicators="stunting", max_age_days=100)
    assert out["n"].iloc[0] == 2
    assert prevalence(df, indicators="stunting", max_age_months=None)["n"].iloc[0] == 3


def test_age_from_dates_when_no_age_column():
    # born 2020-01-15 and measured 2025-01-14 (1826 d, 59.99 mo) or 2025-01-15 (1827 d,
    # 60.03 mo: not under five); born 2021-01-15 and measured 2025-01-20 (1466 d)
    df = _frame(
        zlen=[-2.5, -2.5, 0.0],
        birth_date=["2020-01-15", "2020-01-15", "2021-01-15"],
        measure_date=["2025-01-14", "2025-01-15", "2025-01-20"],
    )
    out = prevalence(df, indicators="stunting", min_n=1, min_cases=0)
    assert out["n"].iloc[0] == 2
    assert len(prevalence(df, indicators="stunting", max_age_days=None)) == 1


def test_design_rows_missing_cluster_dropped_and_missing_weight_zero():
    df = _frame(
        zlen=[-2.5, 0.0, 0.0, -2.5, 0.0],
        w=[1.0, 2.0, np.nan, 1.0, 1.0],
        psu=[1, 1, 2, 2, np.nan],
    )
    out = prevalence(df, indicators="stunting", weights="w", cluster="psu")
    row = out.iloc[0]
    assert row["n"] == 4
    assert row["weighted_n"] == pytest.approx(4.0)
    assert row["estimate"] == pytest.approx(0.5)


def test_negative_weights_raise_naming_the_argument():
    df = _frame(zlen=[-2.5, 0.0], w=[1.0, -1.0])
    with pytest.raises(StuntlibError, match="weights"):
        prevalence(df, weights="w")


# ------------------------------------------------------------------------------------
# Survey variance, written out independently with explicit loops
# ------------------------------------------------------------------------------------


def _reference_survey(df, y, w, stratum, psu, domain):
    """Textbook linearised ratio variance, with-replacement PSUs, lonely PSU = 'adjust'."""
    d = domain & ~np.isnan(y)
    W = np.sum(w * d)
    r = np.sum(w * d * np.nan_to_num(y)) / W
    u = w * d * (np.nan_to_num(y) - r) / W
    var = 0.0
    for h in np.unique(stratum):
        in_h = stratum == h
        totals = np.array([u[in_h & (psu == c)].sum() for c in np.unique(psu[in_h])])
        m = len(totals)
        if m > 1:
            var += m / (m - 1) * np.sum((totals - totals.mean()) ** 2)
        else:
            var += totals[0] ** 2  # "adjust": centred at the grand mean (0)
    return r, math.sqrt(var)


def test_survey_variance_against_explicit_formula_with_lonely_psu():
    rng = np.random.default_rng(7)
    n = 400
    stratum = rng.integers(0, 4, n)
    psu = rng.integers(0, 6, n)
    psu[stratum == 3] = 0  # stratum 3 has a single PSU
    df = pd.DataFrame(
        {
            "zlen": np.round(rng.normal(-1.2, 1.3, n), 2),
            "flen": 0,
            "w": rng.uniform(0.5, 3.0, n),
            "h": stratum,
            "c": psu,
            "area": rng.choice(["a", "b", "c"], n),
        }
    )
    df.loc[rng.choice(n, 20, replace=False), "zlen"] = np.nan
    out = prevalence(
        df,
        [None, "area"],
        indicators=["stunting", "zlen_mean"],
        weights="w",
        cluster="c",
        strata="h",
    )
    y_stunt = np.where(df["zlen"].isna(), np.nan, (df["zlen"] < -2).astype(float))
    for area in [None, "a", "b", "c"]:
        dom = np.ones(n, bool) if area is None else (df["area"] == area).to_numpy()
        for name, y in [("stunting", y_stunt), ("zlen_mean", df["zlen"].to_numpy())]:
            r, se = _reference_survey(df, y, df["w"].to_numpy(), stratum, psu, dom)
            sel = out["indicator"] == name
            sel &= out["area"].isna() if area is None else out["area"] == area
            row = out[sel].iloc[0]
            assert row["estimate"] == pytest.approx(r, rel=1e-12)
            assert row["se"] == pytest.approx(se, rel=1e-10)
    # df = PSUs - strata of the whole design: (6 + 6 + 6 + 1) - 4 = 15
    row = out[(out["indicator"] == "stunting") & out["area"].isna()].iloc[0]
    from scipy import stats

    t = stats.t.ppf(0.975, 15)
    p, se = row["estimate"], row["se"]
    eta = math.log(p / (1 - p))
    half = t * se / (p * (1 - p))
    assert row["ci_low"] == pytest.approx(1 / (1 + math.exp(-(eta - half))), rel=1e-12)


def test_korn_graubard_handles_zero_prevalence_in_surveys():
    df = _frame(zlen=np.zeros(30), w=np.ones(30), c=np.repeat(np.arange(6), 5))
    out = prevalence(df, indicators="stunting", weights="w", cluster="c", ci="korn-graubard")
    row = out.iloc[0]
    assert row["estimate"] == 0 and row["ci_low"] == 0
    assert 0 < row["ci_high"] < 0.3
    logit = prevalence(df, indicators="stunting", weights="w", cluster="c").iloc[0]
    assert logit["ci_low"] == logit["ci_high"] == 0  # WHO's zero-width interval at 0 %


# ------------------------------------------------------------------------------------
# Census intervals, FPC, groupings, reliability, report table, errors
# ------------------------------------------------------------------------------------


def test_census_default_is_wilson():
    df = _frame(zlen=[-2.5] * 3 + [0.0] * 9)
    row = prevalence(df, indicators="stunting", min_n=1, min_cases=0).iloc[0]
    assert row["ci_low"] == pytest.approx(0.08894166839405471, abs=1e-12)
    assert row["ci_high"] == pytest.approx(0.5323053349335657, abs=1e-12)
    assert row["se"] == pytest.approx(math.sqrt(0.25 * 0.75 / 12))
    assert row["deff"] == 1 and row["n_eff"] == 12


def test_finite_population_correction_and_coverage():
    df = _frame(zlen=[-2.5] * 3 + [0.0] * 9, area=["x"] * 12)
    full = prevalence(
        df, "area", indicators="stunting", population=pd.Series({"x": 12}).rename_axis("area")
    )
    row = full.iloc[0]
    assert row["coverage"] == 1.0
    assert row["se"] == 0 and row["ci_low"] == row["ci_high"] == 0.25
    pop = pd.DataFrame({"area": ["x"], "population": [24]})
    half = prevalence(df, "area", indicators="stunting", population=pop).iloc[0]
    assert half["coverage"] == 0.5
    assert half["se"] == pytest.approx(math.sqrt(0.25 * 0.75 / 12 * 12 / 23))


def test_population_with_survey_design_raises():
    df = _frame(zlen=[-2.5, 0.0], w=[1.0, 1.0])
    with pytest.raises(StuntlibError, match="population"):
        prevalence(df, weights="w", population=10)


def test_empty_categorical_levels_are_listed_and_missing_keys_left_out():
    df = _frame(zlen=[-2.5, 0.0, -1.0], age_months=[3.0, 30.0, np.nan], csex=[1, 1, np.nan])
    out = prevalence(df, [["age_group"], ["sex"], ["age_group", "sex"]], indicators="stunting")
    ages = out[out["grouping"] == "age_group"]
    assert len(ages) == 6 and ages["n"].tolist() == [1, 0, 0, 1, 0, 0]
    assert ages["estimate"].isna().sum() == 4
    sexes = out[out["grouping"] == "sex"]
    assert sexes["sex"].astype(str).tolist() == ["Female", "Male"]
    assert sexes["n"].tolist() == [0, 2]
    assert (out["grouping"] == "age_group × sex").sum() == 12


def test_derived_cohort_and_round_groups():
    df = _frame(
        zlen=[-2.5, 0.0, -3.0],
        birth_date=["2021-02-01", "2021-11-30", "2022-01-15"],
        measure_date=pd.to_datetime(["2024-02-10", "2024-02-11", "2024-05-01"]),
    )
    cohorts = [["birth_year"], ["birth_quarter"]]
    # two measurement months: the latest (May, one child) unless period= chooses
    latest = prevalence(df, cohorts, indicators="stunting")
    assert latest.attrs["period"] == "2024-05"
    assert latest[latest["grouping"] == "birth_year"][["birth_year", "n"]].values.tolist() == [
        [2022, 1]
    ]
    feb = prevalence(df, cohorts, indicators="stunting", period="2024-02")
    assert feb[feb["grouping"] == "birth_year"]["n"].tolist() == [2]
    assert feb[feb["grouping"] == "birth_quarter"]["birth_quarter"].tolist() == [
        "2021Q1",
        "2021Q4",
    ]
    # tabulating the rounds themselves keeps every period
    rounds = prevalence(df, [["measure_quarter"], ["measure_month"]], indicators="stunting")
    assert rounds[rounds["grouping"] == "measure_quarter"]["n"].tolist() == [2, 1]
    assert rounds[rounds["grouping"] == "measure_month"]["measure_month"].tolist() == [
        "2024-02",
        "2024-05",
    ]


def test_rollup_levels_in_one_call():
    df = _frame(
        zlen=[-2.5, 0.0, -3.0, 0.0],
        kec=["A", "A", "B", "B"],
        kel=["x", "y", "x", "z"],
    )
    out = prevalence(df, rollup(["kec", "kel"]), indicators="stunting", min_n=1)
    assert out["grouping"].tolist() == [
        "All",
        "kec",
        "kec",
        "kec × kel",
        "kec × kel",
        "kec × kel",
        "kec × kel",
    ]
    assert out["n"].tolist() == [4, 2, 2, 1, 1, 1, 1]


def test_reliability_and_suppression():
    df = _frame(zlen=[-2.5] * 2 + [0.0] * 40 + [-2.5] * 5, area=["a"] * 42 + ["b"] * 5)
    out = prevalence(df, "area", indicators="stunting")
    assert out["reliability"].astype(str).tolist() == ["disclosive", "small_n"]
    sup = prevalence(df, "area", indicators="stunting", suppress=True)
    assert sup["suppressed"].all() and sup["estimate"].isna().all()
    table = prevalence_table(sup)
    assert (table.iloc[:, 1] == "-").all()


def test_prevalence_table_labels_in_both_languages(who_input):
    res = prevalence(who_input, who_groupings("kelurahan"), indicators=["stunting", "zlen_mean"])
    en = prevalence_table(res)
    idn = prevalence_table(res, language="id")
    assert list(en.columns) == ["n", "Stunting (HAZ < -2)", "Mean HAZ"]
    assert en.index[0] == "All" and idn.index[0] == "Total"
    assert "Jenis kelamin: Perempuan" in idn.index
    assert en.loc["All", "Stunting (HAZ < -2)"].startswith("24.0 (")
    assert len(en) == 29


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"ci": "wald"}, "ci"),
        ({"level": 95}, "level"),
        ({"indicators": ["stunted"]}, "indicators"),
        ({"by": "posyandu"}, "by"),
        ({"weights": "sw"}, "weights"),
        ({"rounding": "python"}, "rounding"),
        ({"min_n": -1}, "min_n"),
        ({"by": 3}, "by"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, argument):
    df = _frame(zlen=[-2.5, 0.0])
    with pytest.raises(StuntlibError, match=argument):
        prevalence(df, **kwargs)


def test_missing_column_is_a_column_error():
    with pytest.raises(ColumnError, match="zwfl"):
        prevalence(_frame(zlen=[-2.5, 0.0]), indicators="wasting")


# ------------------------------------------------------------------------------------
# Map-reduce: random chunks -> partial sums -> merge -> finalise == single pass, exactly
# ------------------------------------------------------------------------------------


def _exact_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """z-scores on a 0.25 grid and integer weights: every partial sum is exact in binary."""
    z = rng.integers(-20, 12, size=(n, 4)) / 4.0
    df = pd.DataFrame(z, columns=["zlen", "zwei", "zwfl", "zbmi"])
    for c in ["zlen", "zwei", "zwfl", "zbmi"]:
        df.loc[rng.random(n) < 0.05, c] = np.nan
    df["flen"] = (rng.random(n) < 0.02).astype(int)
    df["coedema"] = np.where(rng.random(n) < 0.02, "y", "n")
    df["age_days"] = rng.integers(0, 1900, n).astype(float)
    df["csex"] = rng.integers(1, 3, n)
    df["area"] = rng.choice(["a", "b", "c", "d", "e"], n)
    df["w"] = rng.integers(1, 5, n).astype(float)
    df["h"] = rng.integers(0, 3, n)
    df["c"] = rng.integers(0, 7, n)
    return df


@pytest.mark.parametrize(
    "design",
    [
        {},
        {"weights": "w"},
        {"weights": "w", "strata": "h"},
        {"weights": "w", "cluster": "c", "strata": "h"},
    ],
)
def test_chunked_partial_sums_equal_single_pass_exactly(design):
    rng = np.random.default_rng(11)
    df = _exact_frame(rng, 3000)
    by = who_groupings("area")
    single = prevalence(df, by, **design)
    order = rng.permutation(len(df))
    cuts = np.sort(rng.choice(np.arange(1, len(df)), 6, replace=False))
    chunks = np.split(order, cuts)
    parts = [prevalence_partial_sums(df.iloc[idx], by, **design) for idx in chunks]
    merged = merge_partial_sums(parts[::-1])
    pd.testing.assert_frame_equal(finalize_prevalence(merged), single, check_exact=True)


_settings = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(5, 200),
    design=st.sampled_from([{}, {"weights": "w"}, {"weights": "w", "cluster": "c", "strata": "h"}]),
)
def test_property_order_and_chunking_invariance(seed, n, design):
    rng = np.random.default_rng(seed)
    df = _exact_frame(rng, n)
    by = [None, "area", "sex"]
    single = prevalence(df, by, **design)
    shuffled = prevalence(df.iloc[rng.permutation(n)], by, **design)
    pd.testing.assert_frame_equal(shuffled, single, check_exact=True)
    k = int(rng.integers(1, min(n, 5) + 1))
    pieces = np.array_split(rng.permutation(n), k)
    parts = [prevalence_partial_sums(df.iloc[p], by, **design) for p in pieces if len(p)]
    pd.testing.assert_frame_equal(
        finalize_prevalence(merge_partial_sums(parts)), single, check_exact=True
    )


@_settings
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(2, 300))
def test_property_unit_weights_reduce_to_simple(seed, n):
    rng = np.random.default_rng(seed)
    df = _exact_frame(rng, n).assign(one=1.0)
    # N >= 2 analysed rows (WHO's simple se divides by N - 1)
    simple = prevalence(df, [None, "area"], ci="logit", max_age_days=None)
    weighted = prevalence(df, [None, "area"], weights="one", max_age_days=None)
    for c in ["n", "cases", "weighted_n", "estimate", "se", "ci_low", "ci_high", "sd"]:
        np.testing.assert_allclose(
            weighted[c].to_numpy(dtype=float),
            simple[c].to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-12,
            equal_nan=True,
            err_msg=c,
        )


@_settings
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 150),
    ci=st.sampled_from(["wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard"]),
    design=st.sampled_from([{}, {"weights": "w"}, {"weights": "w", "cluster": "c", "strata": "h"}]),
)
def test_property_estimates_in_unit_interval_and_ci_contains_estimate(seed, n, ci, design):
    rng = np.random.default_rng(seed)
    df = _exact_frame(rng, n)
    out = prevalence(df, [None, "area"], ci=ci, **design)
    prev = out[(out["kind"] == "prevalence") & out["estimate"].notna()]
    assert ((prev["estimate"] >= 0) & (prev["estimate"] <= 1)).all()
    ok = prev["ci_low"].notna()
    assert (prev.loc[ok, "ci_low"] <= prev.loc[ok, "estimate"] + 1e-12).all()
    assert (prev.loc[ok, "ci_high"] >= prev.loc[ok, "estimate"] - 1e-12).all()
    assert ((prev.loc[ok, "ci_low"] >= 0) & (prev.loc[ok, "ci_high"] <= 1)).all()


def test_end_to_end_from_raw_measurements_matches_who(who_file):
    # The whole pipeline on WHO's inputs: stuntlib's own z-scores, then prevalence, against
    # WHO anthro_prevalence with the full survey design.
    import stuntlib

    raw = who_file("who_anthro_prevalence_input.csv")
    scored = stuntlib.score(
        raw.rename(columns={"weight_kg": "weight", "lenhei_cm": "lenhei"}),
    )
    res = prevalence(
        scored, who_groupings("kelurahan"), weights="sw", cluster="cluster", strata="strata"
    )
    res = res.assign(Group=_who_label(res))
    who = who_file("who_anthro_prevalence_survey.csv")
    for name in ("stunting", "severe_stunting", "wasting", "underweight", "stunted_and_wasted"):
        code = INDICATORS[name].who_code
        sub = res[res["indicator"] == name].set_index("Group").reindex(who["Group"])
        for ours, suffix in [("estimate", "_r"), ("ci_low", "_ll"), ("ci_high", "_ul")]:
            np.testing.assert_allclose(
                sub[ours].to_numpy(dtype=float) * 100,
                who[code + suffix].to_numpy(dtype=float),
                rtol=1e-6,
                atol=1e-6,
                equal_nan=True,
                err_msg=f"{name} {ours}",
            )


def test_korn_graubard_census_uses_the_finite_population_correction():
    # 0 of 12 children from a population of 24: fpc = (24 - 12)/(24 - 1) = 12/23, so the
    # effective n is 12 * 23/12 = 23 and the interval is Clopper-Pearson 0 of 23:
    # upper = 1 - 0.025^(1/23) = 0.14819...
    df = pd.DataFrame({"zlen": [0.0] * 12, "flen": 0})
    out = prevalence(df, indicators="stunting", ci="korn-graubard", population=24)
    assert out["ci_high"].iloc[0] == pytest.approx(1 - 0.025 ** (1 / 23), rel=1e-9)
    # every child of the population measured: the estimate is exact
    full = pd.DataFrame({"zlen": [-2.5] * 3 + [0.0] * 9, "flen": 0})
    out = prevalence(full, indicators="stunting", ci="korn-graubard", population=12)
    assert out[["ci_low", "ci_high"]].iloc[0].tolist() == [0.25, 0.25]


def test_logit_interval_of_a_single_child_is_the_point_as_who_gives_it():
    out = prevalence(pd.DataFrame({"zlen": [-2.5], "flen": [0]}), indicators="stunting",
                     ci="logit")  # fmt: skip
    assert out[["estimate", "ci_low", "ci_high"]].iloc[0].tolist() == [1.0, 1.0, 1.0]


def test_prevalence_table_writes_indonesian_numbers():
    # 2 of 4 stunted: 50 %; Wilson 95 % interval, by hand with z = 1.959964:
    # centre (0.5 + z^2/8) / (1 + z^2/4) = 0.5; half-width
    # z * sqrt(0.25/4 + z^2/64) / (1 + z^2/4) = 1.959964 * 0.350033 / 1.960365 = 0.349961,
    # so 15.0 % to 85.0 %.
    df = pd.DataFrame({"zlen": [-2.5, -1.0, -3.2, 0.4], "flen": 0})
    res = prevalence(df, indicators=["stunting", "zlen_mean"], ci="wilson", min_n=1, min_cases=0)
    idn = prevalence_table(res, language="id", mark_unreliable=False)
    en = prevalence_table(res, language="en", mark_unreliable=False)
    assert idn.iloc[0, 1] == "50,0 (15,0–85,0)"
    assert en.iloc[0, 1] == "50.0 (15.0, 85.0)"
    # mean HAZ (-2.5 - 1.0 - 3.2 + 0.4) / 4 = -1.575 -> -1.57 or -1.58 by its rounding
    assert idn.iloc[0, 2].split(" ")[0] in ("-1,57", "-1,58")
    assert "." not in idn.iloc[0, 2]


def test_a_total_beside_a_period_grouping_estimates_one_round():
    # 3 children in February (1 stunted), 4 in August (2 stunted): the total cannot pool
    # the rounds, so both groupings give August, 2 of 4 = 50 %.
    df = pd.DataFrame(
        {
            "period": ["2025-02"] * 3 + ["2025-08"] * 4,
            "zlen": [-2.5, 0.0, 0.1, -2.5, -3.0, 0.0, 0.2],
            "flen": 0,
        }
    )
    with pytest.warns(StuntlibWarning, match="the latest, 2025-08"):
        res = prevalence(df, [(), ("period",)], indicators="stunting", min_n=1, min_cases=0)
    assert res["period"].tolist() == ["2025-08", "2025-08"]
    assert res["n"].tolist() == [4, 4] and res["estimate"].tolist() == [0.5, 0.5]
