"""One boundary rule, classes that agree with prevalence, and the reliability cases.

The prevalence rule (WHO ``anthro_prevalence``): flagged z-scores are left out, a child
with oedema counts as z = -3.1 in the weight-based cut-offs, cut-offs are strict on the
2-decimal z-score, and the population is the children under 60 months (or of unknown
age). Counting the classes of ``score()`` must give the same numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.estimation import prevalence
from stuntlib.growth import zscores
from stuntlib.scoring import score
from stuntlib.standardize import is_under_five

CASES = Path(__file__).parent / "data" / "cases"

#: prevalence indicator -> (score class column, the classes that count as a case)
CLASS_OF = {
    "stunting": ("stunting", {"severely stunted", "stunted"}),
    "severe_stunting": ("stunting", {"severely stunted"}),
    "wasting": ("wasting", {"severely wasted", "wasted"}),
    "severe_wasting": ("wasting", {"severely wasted"}),
    "underweight": ("underweight", {"severely underweight", "underweight"}),
    "overweight": ("wasting", {"overweight", "obese"}),
}


def _synthetic_frame() -> pd.DataFrame:
    """Children around 60 months, with flags, oedema, missing ages and bad rows."""
    rng = np.random.default_rng(20260)
    n = 400
    months = rng.uniform(0, 70, n)
    frame = pd.DataFrame(
        {
            "sex": rng.choice([1, 2], n),
            "age_months": months,
            "lenhei": 50 + 25 * (months / 12) ** 0.6 + rng.normal(0, 5, n),
            "weight": 3.3 + 6.5 * (months / 12) ** 0.55 + rng.normal(0, 1.5, n),
            "measure": np.where(months < 24, "l", "h"),
            "oedema": rng.choice(["n", "y"], n, p=[0.93, 0.07]),
        }
    )
    frame.loc[:19, "age_months"] = [
        59.9,
        59.99,
        60.0,  # WHO 2007 and not under five
        60.0,
        1826 / 30.4375,  # 59.992 months: under five
        1827 / 30.4375,  # 60.025 months
        np.nan,  # unknown age: weight-for-length/height still counts
        np.nan,
        12,
        24,
        30,
        36,
        40,
        45,
        50,
        55,
        58,
        59,
        59.5,
        61,
    ]
    frame.loc[0:3, "oedema"] = "y"
    frame.loc[6, "oedema"] = "y"
    frame.loc[8, "lenhei"] = 40.0  # zlen far below -6: flagged
    frame.loc[9, "weight"] = 40.0  # zwei and zwfl far above +5: flagged
    frame.loc[10, "lenhei"] = 140.0  # zlen above +6: flagged
    frame.loc[11, "weight"] = np.nan
    frame.loc[12, "oedema"] = "y"
    frame.loc[12, "weight"] = np.nan  # oedema without a weight still counts
    frame.loc[13, "sex"] = np.nan
    frame.loc[14, "lenhei"] = 9000.0  # implausible (mm typed as cm)
    return frame


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    return score(_synthetic_frame())


def _class_counts(scored: pd.DataFrame, population: np.ndarray) -> dict[str, tuple[int, int]]:
    out = {}
    for name, (column, cases) in CLASS_OF.items():
        classes = scored.loc[population, column]
        out[name] = (int(classes.notna().sum()), int(classes.isin(cases).sum()))
    return out


def _prevalence_counts(frame: pd.DataFrame, **options: object) -> dict[str, tuple[int, int]]:
    table = prevalence(frame, indicators=list(CLASS_OF), **options)  # type: ignore[arg-type]
    return {row.indicator: (int(row.n), int(row.cases)) for row in table.itertuples()}


def test_the_frame_has_the_cases_it_is_about(scored: pd.DataFrame) -> None:
    assert (scored["flen"] == 1).sum() >= 2
    assert (scored["fwfl"] == 1).sum() >= 1
    assert (scored["coedema"] == "y").sum() >= 10
    assert (scored["age_months"] == 60.0).sum() == 2
    assert scored["age_months"].isna().sum() == 2


def test_counting_score_classes_gives_prevalence_counts(scored: pd.DataFrame) -> None:
    under_five = is_under_five(scored["age_months"].to_numpy(), unknown=True)
    expected = _class_counts(scored, under_five)
    # the population chosen by the one rule, given to prevalence as it is
    got = _prevalence_counts(scored.loc[under_five], max_age_days=None)
    assert got == expected
    assert expected["severe_wasting"][1] >= 5  # oedema counted as severely wasted


def test_prevalence_population_is_the_under_five_rule(scored: pd.DataFrame) -> None:
    under_five = is_under_five(scored["age_months"].to_numpy(), unknown=True)
    assert _prevalence_counts(scored) == _class_counts(scored, under_five)


def test_flagged_z_scores_get_no_class(scored: pd.DataFrame) -> None:
    for z, flag, column in (
        ("zlen", "flen", "stunting"),
        ("zwei", "fwei", "underweight"),
        ("zwfl", "fwfl", "wasting"),
    ):
        flagged = (scored[flag] == 1).to_numpy(dtype=bool, na_value=False)
        assert scored.loc[flagged, z].notna().all()
        assert scored.loc[flagged & (scored["coedema"] == "n").to_numpy(), column].isna().all()


def test_oedema_is_the_lowest_weight_based_class() -> None:
    out = score(
        pd.DataFrame(
            {
                "sex": [1, 1, 2, 1],
                "age_days": [400, 400, np.nan, 3000],
                "weight": [9.5, 9.5, np.nan, 30],
                "lenhei": [75.0, 75.0, 80.0, 130.0],
                "oedema": ["y", "n", "y", "y"],
            }
        ),
        language="id",
    )
    assert out["wasting"].tolist()[:3] == ["gizi buruk", "gizi baik", "gizi buruk"]
    assert pd.isna(out["wasting"].iloc[3])  # no weight-for-height after 60 months
    assert out["underweight"].tolist()[0] == "berat badan sangat kurang"
    assert out["underweight"].tolist()[3] == "berat badan sangat kurang"  # 98.6 months <= 120
    assert out["bmi_status"].tolist()[0] == "gizi buruk"
    assert out["stunting"].tolist()[0] == "normal"  # oedema does not touch stunting
    assert out["zwfl_reason"].tolist()[0] == "oedema"  # the z-score itself stays missing


def test_a_child_of_exactly_60_months_is_who2007_and_not_under_five() -> None:
    out = zscores(sex=[1, 1], age_months=[59.99, 60.0], lenhei=[110.0, 110.0])
    assert out["reference"].tolist() == ["WHO2006", "WHO2007"]
    assert is_under_five(out["age_months"].to_numpy()).tolist() == [True, False]


# ---------------------------------------------------------------- reliability cases


def test_case_11_non_finite_measurements_get_invalid_measurement() -> None:
    # copied from reliability case 11 (tests/data/PROVENANCE.md)
    out = zscores(
        sex=[1, 1, 1],
        age_days=[400, 400, 400],
        lenhei=[float("inf"), float("inf"), 1e308],
        weight=[9.5, float("inf"), 9.5],
    )
    assert out["zlen_reason"].tolist() == [
        "invalid_measurement",
        "invalid_measurement",
        "implausible_measurement",
    ]
    assert out["zwei_reason"].tolist() == [np.nan, "invalid_measurement", np.nan]
    assert out["zbmi_reason"].tolist() == [
        "invalid_measurement",
        "invalid_measurement",
        "implausible_measurement",
    ]
    for z in ("zlen", "zwei", "zwfl", "zbmi"):
        assert np.isfinite(out[z].dropna()).all()
        assert out.loc[out[z].isna(), z + "_reason"].notna().all()


def test_case_11_csv_text_inf_and_1e400() -> None:
    frame = pd.read_csv(CASES / "11_infinite_measurement.csv", sep=";", dtype=str)
    out = score(frame)
    assert out["zlen_reason"].tolist() == ["invalid_measurement", np.nan]
    assert out["zwei_reason"].tolist() == [np.nan, "invalid_measurement"]


def test_case_13_duplicate_column_labels_name_the_label() -> None:
    base = pd.DataFrame({"sex": [1, 2], "age_days": [400, 500], "lenhei": [70.0, 72.0]})
    doubled = pd.concat([base, base[["lenhei"]]], axis=1)
    with pytest.raises(ColumnError, match="'lenhei' appears more than once"):
        score(doubled)
    with pytest.raises(StuntlibError, match="lenhei: .*DataFrame"):
        zscores(sex=doubled["sex"], age_days=doubled["age_days"], lenhei=doubled["lenhei"])


@pytest.mark.parametrize("label", ["zlen", "kelurahan", "lenhei"])
def test_case_13_duplicate_labels_downstream_name_the_label(label: str) -> None:
    import stuntlib

    base = pd.DataFrame({"sex": [1, 2], "age_days": [400, 500], "lenhei": [70.0, 72.0],
                         "kelurahan": ["TIRTO", "TIRTO"]})  # fmt: skip
    scored = score(base)
    doubled = pd.concat([scored, scored[[label]]], axis=1)
    calls = [
        lambda: stuntlib.prevalence(doubled, "kelurahan", indicators="stunting"),
        lambda: stuntlib.check_quality(doubled),
        lambda: stuntlib.aksi7_table(doubled),
        lambda: stuntlib.render_report(doubled),
    ]
    for call in calls:
        with pytest.raises(ColumnError, match=f"'{label}' appears more than once"):
            call()


def test_strict_numbers_in_score() -> None:
    frame = pd.DataFrame(
        {
            "sex": ["1.0", "2.0"],
            "age_days": ["400", "400"],
            "lenhei": ["40_0", "75,0"],
            "measure": ["l", "l"],
        }
    )
    out = score(frame)
    assert out["csex"].tolist() == [1, 2]
    assert out["zlen_reason"].tolist() == ["invalid_measurement", np.nan]


def test_position_code_given_as_decimal_text() -> None:
    # WHO anthro codes measure as "l"/"h"; a numeric 1.0/2.0 code is not a position
    out = zscores(sex="1.0", age_days=800, lenhei=90.0, measure="h", indicators=["zlen"])
    assert out["csex"].tolist() == [1]
    assert out["cmeasure"].tolist() == ["h"]


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("lenhei", 19.9, "implausible_measurement"),
        ("lenhei", 20.0, None),
        ("lenhei", 280.1, "implausible_measurement"),
        ("weight", 0.19, "implausible_measurement"),
        ("weight", 3200.0, "implausible_measurement"),  # grams typed as kilograms
        ("headc", 450.0, "implausible_measurement"),  # millimetres typed as centimetres
        ("armc", 2.0, "implausible_measurement"),
        ("triskin", 0.5, "implausible_measurement"),
        ("subskin", 81.0, "implausible_measurement"),
        ("subskin", 80.0, None),
    ],
)
def test_physically_impossible_measurements(name: str, value: float, reason: str | None) -> None:
    z = {
        "lenhei": "zlen",
        "weight": "zwei",
        "headc": "zhc",
        "armc": "zac",
        "triskin": "zts",
        "subskin": "zss",
    }[name]
    out = zscores(sex=1, age_days=400, indicators=[z], **{name: value})
    got = out[z + "_reason"].iloc[0]
    assert (None if pd.isna(got) else got) == reason


def test_oedema_class_without_any_weight_column() -> None:
    # no weight column: zwei/zwfl are not computed, yet oedema still gives the class,
    # as prevalence counts oedema at z = -3.1 whenever the z-score column exists
    out = score(
        pd.DataFrame(
            {"sex": [1, 2], "age_days": [400, 500], "lenhei": [75.0, 76.0], "oedema": ["y", "n"]}
        )
    )
    assert out["wasting"].tolist()[0] == "severely wasted"
    assert pd.isna(out["wasting"].iloc[1])
    assert out["underweight"].tolist()[0] == "severely underweight"
    assert out["stunting"].notna().all()
