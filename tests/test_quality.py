"""Data-quality report (issue 5): hand-computed statistics, SMART bands, checks, sample."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stuntlib
from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.quality import (
    CHECKS,
    SMART_CRITERIA,
    QualityReport,
    check_quality,
    digit_preference_score,
    index_of_dispersion,
    kurtosis,
    ratio_test,
    skewness,
    smart_score,
    whipple_index,
)
from stuntlib.quality.smart import SMART_TOTAL, smart_category
from stuntlib.quality.stats import grouped_moments, terminal_digit_counts

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "pekalongan_eppgbm.csv"
DEFECTS = ROOT / "data" / "samples" / "pekalongan_defects.csv"


# ----------------------------------------------------------------------------------------
# a clean frame drawn from the WHO standard itself
def clean_frame(n: int = 6000, seed: int = 7, n_posyandu: int = 4) -> pd.DataFrame:
    """Scored-like e-PPGBM frame: z ~ N(0, 1), uniform ages, no heaping, valid NIKs."""
    rng = np.random.default_rng(seed)
    sex = np.where(rng.random(n) < 1.05 / 2.05, 1, 2)
    visit = np.datetime64("2025-08-01") + rng.integers(0, 28, n).astype("timedelta64[D]")
    age = rng.integers(0, 1826, n)
    birth = visit - age.astype("timedelta64[D]")
    day = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    month = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    year = (birth.astype("datetime64[Y]").astype(np.int64) + 1970) % 100
    ddmmyy = (day + 40 * (sex == 2)) * 10000 + month * 100 + year
    nik = (337501 + np.arange(n) // 10000) * 10**10 + ddmmyy * 10000 + np.arange(n) % 10000
    z = rng.standard_normal((n, 4))
    months = age / 30.4375
    height = np.round(50 + 1.1 * months - 0.008 * months**2 + 3 * z[:, 0], 1)
    weight = np.round((3.3 + 0.35 * months - 0.002 * months**2) * (1 + 0.1 * z[:, 1]), 1)
    frame = pd.DataFrame(
        {
            "NIK": pd.array(nik.astype(str), dtype="str"),
            "Nama": [f"ANAK {i}" for i in range(n)],
            "JK": np.where(sex == 1, "L", "P"),
            "Tgl Lahir": pd.Series(birth).dt.strftime("%d/%m/%Y"),
            "Tanggal Pengukuran": pd.Series(visit).dt.strftime("%d/%m/%Y"),
            "Berat": weight,
            "Tinggi": height,
            "Cara Ukur": np.where(age < 731, "Terlentang", "Berdiri"),
            "LiLA": np.round(14 + 1.2 * rng.standard_normal(n), 1),
            "Desa/Kel": "KEL A",
            "Posyandu": np.array([f"Posyandu {i}" for i in range(n_posyandu)])[
                rng.integers(0, n_posyandu, n)
            ],
            "age_days": age.astype(float),
            "csex": pd.array(sex, dtype="Int8"),
            "zlen": z[:, 0],
            "zwei": z[:, 1],
            "zwfl": z[:, 2],
            "zbmi": z[:, 3],
        }
    )
    for zname, fname, low, high in (
        ("zlen", "flen", -6, 6),
        ("zwei", "fwei", -6, 5),
        ("zwfl", "fwfl", -5, 5),
        ("zbmi", "fbmi", -5, 5),
    ):
        frame[fname] = ((frame[zname] < low) | (frame[zname] > high)).astype("Int8")
    return frame


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return clean_frame()


# ----------------------------------------------------------------------------------------
# hand-computed statistics
def test_dps_tiny_table() -> None:
    # N = 10, expected 1 per digit; deviations 2, 0, 0, 0, 0, 0, -1, -1, 0, 0:
    # chi2 = 4 + 1 + 1 = 6, DPS = 100 * sqrt(6 / (10 * 9)) = 25.82
    dps, chi2, _ = digit_preference_score([3, 1, 1, 1, 1, 1, 0, 0, 1, 1])
    assert chi2[0] == pytest.approx(6.0)
    assert dps[0] == pytest.approx(100 * math.sqrt(6 / 90))
    assert dps[0] == pytest.approx(25.82, abs=0.005)


def test_dps_extremes() -> None:
    # every value ends in 0: chi2 = 81 + 9 * 1 = 90 -> DPS = 100; uniform -> 0
    dps, chi2, p = digit_preference_score([[10, 0, 0, 0, 0, 0, 0, 0, 0, 0], [5] * 10])
    assert chi2.tolist() == [90.0, 0.0]
    assert dps.tolist() == [100.0, 0.0]
    assert p[1] == pytest.approx(1.0)
    assert np.isnan(digit_preference_score([0] * 10)[0][0])


def test_terminal_digits_grouped() -> None:
    counts = terminal_digit_counts([85.0, 85.5, 72.3, 12.0], codes=[0, 0, 1, 1], n_groups=2)
    assert counts[0].tolist() == [1, 0, 0, 0, 0, 1, 0, 0, 0, 0]
    assert counts[1].tolist() == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0]


def test_skewness_kurtosis_by_hand() -> None:
    # 0, 0, 0, 3: mean 0.75; m2 = 6.75/4 = 1.6875, m3 = 10.125/4 = 2.53125,
    # m4 = 26.578125/4 = 6.64453125 -> g1 = 2/sqrt(3), g2 = 7/3 - 3 = -2/3
    assert skewness([0, 0, 0, 3]) == pytest.approx(2 / math.sqrt(3))
    assert kurtosis([0, 0, 0, 3]) == pytest.approx(-2 / 3)
    # 1, 2, 3, 10: m2 = 12.5, m3 = 45, m4 = 348.5
    assert skewness([1, 2, 3, 10]) == pytest.approx(45 / 12.5**1.5)
    assert kurtosis([1, 2, 3, 10]) == pytest.approx(348.5 / 12.5**2 - 3)
    m = grouped_moments([0, 0, 0, 3, 1, 2, 3, 10, np.nan], codes=[0, 0, 0, 0, 1, 1, 1, 1, 1])
    assert m["n"].tolist() == [4.0, 4.0]
    assert m["sd"][1] == pytest.approx(math.sqrt(50 / 3))
    assert np.isnan(grouped_moments([2.0, 2.0])["skewness"][0])


def test_index_of_dispersion_by_hand() -> None:
    # counts 0, 2, 4: mean 2, s^2 = 4 -> ID 2, chi2 = 2 * 2 = 4 on 2 df, p = exp(-2)
    r = index_of_dispersion([0, 2, 4])
    assert r["index"] == 2.0 and r["chi2"] == 4.0
    assert r["p_value"] == pytest.approx(math.exp(-2))
    same = index_of_dispersion([3, 3, 3])
    assert same["index"] == 0.0 and same["p_value"] == pytest.approx(1.0)
    assert np.isnan(index_of_dispersion([0, 0])["index"])


def test_sex_ratio_chi_square_and_binomial() -> None:
    # 60 boys, 40 girls against 1:1: chi2 = 100/50 + 100/50 = 4, p = 0.0455
    r = ratio_test([60], [40], 1.0)
    assert r["chi2"][0] == pytest.approx(4.0)
    assert r["p_value"][0] == pytest.approx(0.045500, abs=1e-6)
    # against 1.05: p = 1.05/2.05, chi2 = (60 - 100p)^2 / (100 p (1 - p)) = 3.0857
    p = 1.05 / 2.05
    assert r["ratio"][0] == 1.5
    assert ratio_test([60], [40], 1.05)["chi2"][0] == pytest.approx(
        (60 - 100 * p) ** 2 / (100 * p * (1 - p))
    )
    assert ratio_test([60], [40], 1.05)["chi2"][0] == pytest.approx(3.0857, abs=1e-4)
    # exact binomial, 2 of 10 at p = 1/2: P(X <= 2) = 56/1024, two-sided 112/1024
    assert ratio_test([2], [8], 1.0)["p_binomial"][0] == pytest.approx(112 / 1024)


def test_age_ratio_test_by_hand() -> None:
    # 40 children 6-29 months, 60 aged 30-59, expected ratio 0.85: p = 0.85/1.85,
    # chi2 = (40 - 100 p)^2 / (100 p (1 - p)) = 1.4235
    p = 0.85 / 1.85
    r = ratio_test([40], [60], 0.85)
    assert r["chi2"][0] == pytest.approx((40 - 100 * p) ** 2 / (100 * p * (1 - p)))
    assert r["chi2"][0] == pytest.approx(1.4235, abs=1e-4)
    # the same through the SMART table of check_quality
    ages = np.r_[np.full(40, 12 * 30.4375), np.full(60, 40 * 30.4375)]
    frame = pd.DataFrame({"sex": [1, 2] * 50, "age_days": ages})
    smart = check_quality(frame, smart=True).smart
    assert smart is not None
    row = smart.set_index("criterion").loc["age_ratio"]
    assert row["value"] == pytest.approx(40 / 60)
    assert row["p_value"] == pytest.approx(r["p_value"][0])


def test_whipple_index_by_hand() -> None:
    # 12 ages 0..11 plus two more in month 6: 4 of 14 on multiples of 6
    assert whipple_index(list(range(12)) + [6.5, 6.9])[0] == pytest.approx(100 * 4 / 14 * 6)
    assert whipple_index(np.arange(60) + 0.5)[0] == pytest.approx(100.0)


# ----------------------------------------------------------------------------------------
# SMART penalty table at every boundary
@pytest.mark.parametrize(
    ("criterion", "values", "penalties"),
    [
        ("flagged_data", [0, 2.5, 2.5001, 5.0, 5.0001, 7.5, 7.5001], [0, 0, 5, 5, 10, 10, 20]),
        ("sex_ratio", [0.5, 0.1001, 0.1, 0.0501, 0.05, 0.0011, 0.001], [0, 0, 2, 2, 4, 4, 10]),
        ("age_ratio", [0.5, 0.1001, 0.1, 0.0501, 0.05, 0.0011, 0.001], [0, 0, 2, 2, 4, 4, 10]),
        ("dps_weight", [0, 7, 7.49, 7.5, 12.49, 12.5, 20.49, 20.5], [0, 0, 0, 2, 2, 4, 4, 10]),
        ("dps_height", [7.49, 7.5, 12.49, 12.5, 20.49, 20.5], [0, 2, 2, 4, 4, 10]),
        ("dps_muac", [7.49, 7.5, 12.49, 12.5, 20.49, 20.5], [0, 2, 2, 4, 4, 10]),
        (
            "sd_whz",
            [1.0, 0.9001, 0.9, 1.0999, 1.1, 0.8501, 0.85, 1.1499, 1.15, 0.8001, 0.8, 1.1999, 1.2],
            [0, 0, 5, 0, 5, 5, 10, 5, 10, 10, 20, 10, 20],
        ),
        (
            "skewness_whz",
            [0, 0.1999, 0.2, -0.2, 0.3999, 0.4, -0.4, 0.5999, 0.6, -0.6],
            [0, 0, 1, 1, 1, 3, 3, 3, 5, 5],
        ),
        (
            "kurtosis_whz",
            [0, -0.1999, 0.2, -0.2, 0.3999, 0.4, -0.4, 0.5999, 0.6, -0.6],
            [0, 0, 1, 1, 1, 3, 3, 3, 5, 5],
        ),
        ("poisson_whz", [0.5, 0.0501, 0.05, 0.0101, 0.01, 0.0011, 0.001], [0, 0, 1, 1, 3, 3, 5]),
    ],
)  # fmt: skip
def test_smart_penalty_boundaries(criterion: str, values: list, penalties: list) -> None:
    assert smart_score(criterion, values).tolist() == [float(p) for p in penalties]
    assert np.isnan(smart_score(criterion, [np.nan])[0])


def test_smart_total_categories() -> None:
    totals = [0, 9, 10, 14, 15, 24, 25, 105]
    assert smart_category(totals, SMART_TOTAL, "right").tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


def test_smart_table_is_complete() -> None:
    assert list(SMART_CRITERIA) == [
        "flagged_data", "sex_ratio", "age_ratio", "dps_weight", "dps_height", "dps_muac",
        "sd_whz", "skewness_whz", "kurtosis_whz", "poisson_whz",
    ]  # fmt: skip
    assert sum(max(c.penalties) for c in SMART_CRITERIA.values()) == 105
    with pytest.raises(StuntlibError, match="criterion"):
        smart_score("nope", [1])


# ----------------------------------------------------------------------------------------
# the clean set: nothing to report
def test_clean_set_has_no_warnings(clean: pd.DataFrame) -> None:
    report = check_quality(clean, by="posyandu")
    assert isinstance(report, QualityReport)
    assert report.warnings.empty, report.warnings
    assert report.failures.empty, report.failures
    assert (report.checks["status"] == "run").all()
    assert not report.overview["warning"].any()
    dist = report.zscore_distribution.set_index("indicator")
    assert dist.loc["zlen", "sd"] == pytest.approx(1.0, abs=0.05)
    assert report.digit_preference_score["dps"].max() < 7


def test_clean_set_smart_is_excellent(clean: pd.DataFrame) -> None:
    report = check_quality(clean, by="posyandu", smart=True, expected_age_ratio=24 / 30)
    assert report.smart is not None
    total = report.smart[
        (report.smart["criterion"] == "total") & (report.smart["Posyandu"] == "(all)")
    ]
    assert total["category"].iloc[0] in ("excellent", "good")
    assert report.warnings.empty, report.warnings
    # SMART flags are information, not warnings: about 0.3% of normal values
    assert set(report.failures["severity"]) <= {"info"}


# ----------------------------------------------------------------------------------------
# individual checks
def test_checks_work_on_eppgbm_and_canonical_labels() -> None:
    eppgbm = pd.DataFrame({"JK": ["L", None, "x"], "Cara Ukur": ["Berdiri", "", "Telentang"]})
    canonical = pd.DataFrame({"sex": [1, None, 7], "measure": ["h", None, "l"]})
    for frame in (eppgbm, canonical):
        assert CHECKS["missing_sex"](frame).tolist() == [True, False, True]
        assert CHECKS["invalid_sex"](frame).tolist() == [True, True, False]
        assert CHECKS["missing_measure"](frame).tolist() == [True, False, True]
    with pytest.raises(ColumnError, match="needs"):
        CHECKS["nik_format"](canonical)


def test_nik_checks() -> None:
    frame = pd.DataFrame(
        {
            "NIK": [
                "3375016504230001",  # girl born 25/04/2023: day 25 + 40 = 65
                "3375012504230002",  # encodes a boy, but the child is a girl
                "3375016504220003",  # encodes 2022, born 2023
                "3.37501E+15",
                "33750165042300",
                None,
            ],
            "JK": ["P", "P", "P", "P", "P", "P"],
            "Tgl Lahir": ["25/04/2023"] * 6,
        }
    )
    assert CHECKS["nik_sex"](frame).tolist() == [True, False, True, True, True, True]
    assert CHECKS["nik_birth_date"](frame).tolist() == [True, True, False, True, True, True]
    assert CHECKS["nik_scientific_notation"](frame).tolist() == [True] * 3 + [False] + [True] * 2
    assert CHECKS["nik_format"](frame).tolist() == [True] * 4 + [False, True]
    assert CHECKS["missing_nik"](frame).tolist() == [True] * 5 + [False]


def test_numeric_nik_column_is_read_as_text() -> None:
    frame = pd.DataFrame({"NIK": [3375016504230001.0, np.nan], "JK": ["P", "L"]})
    assert CHECKS["nik_format"](frame).tolist() == [True, True]
    assert CHECKS["nik_sex"](frame).tolist() == [True, True]


def test_dates_age_and_position_checks() -> None:
    frame = pd.DataFrame(
        {
            "dob": ["01/01/2024", "01/01/2024", None, "31/02/2024", "01/01/2019", "01/06/2025"],
            "measure_date": ["01/08/2025"] * 6,
            "measure": ["h", "l", "l", "l", "h", "h"],
        }
    )
    assert CHECKS["missing_birth_date"](frame).tolist() == [True, True, False, True, True, True]
    assert CHECKS["invalid_birth_date"](frame).tolist() == [True, True, True, False, True, True]
    assert CHECKS["age_out_of_range"](frame).tolist() == [True, True, True, True, False, True]
    # 578 days standing (young), 578 days lying (fine), 61 days standing (young)
    assert CHECKS["position_age_mismatch"](frame).tolist() == [
        False, True, True, True, True, False,
    ]  # fmt: skip
    late = pd.DataFrame({"dob": ["02/08/2025"], "measure_date": ["01/08/2025"]})
    assert CHECKS["birth_after_measurement"](late).tolist() == [False]


def test_duplicates() -> None:
    frame = pd.DataFrame(
        {
            "NIK": ["3375010101230001"] * 3 + ["3375010101230002"] * 2,
            "Nama": ["ANI", "ANI", "ANA", "BUDI", "BUDI"],
            "Tanggal Pengukuran": ["01/08/2025"] * 3 + ["01/07/2025", "01/08/2025"],
        }
    )
    # ANI twice on the same day: the second row is a duplicate record; ANA (a twin) is not
    assert CHECKS["duplicate_record"](frame).tolist() == [True, False, True, True, True]
    # the first NIK three times in August; BUDI once in July, once in August
    assert CHECKS["duplicate_nik"](frame).tolist() == [False, False, False, True, True]
    assert CHECKS["duplicate_nik"](frame, round_by="Nama").tolist() == [
        False, False, True, False, False,
    ]  # fmt: skip


def test_flag_checks_read_who_flags() -> None:
    frame = pd.DataFrame({"zlen": [0.1, -7.0, np.nan], "flen": pd.array([0, 1, None], "Int8")})
    assert CHECKS["flagged_zlen"](frame).tolist() == [True, False, True]


def test_longitudinal_checks() -> None:
    nik = "3375010101230001"
    frame = pd.DataFrame(
        {
            "nik": [nik] * 5 + ["3375010101230002"] * 2,
            "measure_date": [
                "2025-01-10", "2025-02-10", "2025-03-10", "2025-04-10", "2025-04-20",
                "2025-01-10", "2025-03-10",
            ],
            "lenhei": [80.0, 79.0, 78.9, 82.0, 82.0, 70.0, 70.0],
            "weight": [10.0, 10.2, 10.2, 10.5, 10.6, 8.0, 8.1],
            "zlen": [0.0, -0.5, -0.7, 0.3, 0.3, -1.0, 1.5],
        }
    )  # fmt: skip
    # a fall of 1.0 cm is within the tolerance, 80.0 -> 78.9 over two visits is not
    # compared (only consecutive visits are), 79.0 -> 78.9 is within tolerance
    assert CHECKS["height_decrease"](frame).tolist() == [True] * 7
    assert CHECKS["height_decrease"](frame, height_tolerance_cm=0.5).tolist() == [
        True, False, True, True, True, True, True,
    ]  # fmt: skip
    # HAZ from -1.0 to 1.5 (2.5 > 2.0)
    assert CHECKS["implausible_velocity"](frame).tolist() == [True] * 6 + [False]
    # 82.0 on 10/04 and 20/04 is 10 days apart (< 28): not carried forward;
    # 70.0 twice two months apart is; weight 10.2 twice a month apart is
    assert CHECKS["carried_forward_height"](frame).tolist() == [True] * 6 + [False]
    assert CHECKS["carried_forward_weight"](frame).tolist() == [True, True, False] + [True] * 4
    report = check_quality(frame)
    long = report.longitudinal.set_index("check")
    assert long.loc["implausible_velocity", "n_checked"] == 5  # visit pairs
    assert long.loc["implausible_velocity", "n_failed"] == 1


def test_smart_flags_use_observed_mean() -> None:
    z = np.r_[np.full(50, -1.0), np.full(49, -0.9), 2.5]
    frame = pd.DataFrame({"zwfl": z, "fwfl": 0})
    mask = CHECKS["smart_flag_zwfl"](frame)
    # the mean is about -0.93: 2.5 is 3.4 above it (flagged); a WHO cut-off would not flag
    assert mask.tolist() == [True] * 99 + [False]


# ----------------------------------------------------------------------------------------
# the report
def test_failure_table_points_to_rows() -> None:
    frame = pd.DataFrame(
        {"JK": ["L", None, "P"], "Tinggi": [80.1, 75.0, None]}, index=["a", "b", "c"]
    )
    failures = check_quality(frame).failures
    assert failures.columns.tolist() == [
        "check",
        "column",
        "index",
        "row",
        "sheet_row",
        "value",
        "severity",
        "description",
    ]
    # row: position in the frame (0-based, as in 0.1); sheet_row: as a spreadsheet shows
    # it (header on row 1, so frame row 1 is sheet row 3)
    cols = ["check", "column", "index", "row", "sheet_row", "severity"]
    assert failures[cols].values.tolist() == [
        ["missing_sex", "JK", "b", 1, 3, "error"],
        ["missing_lenhei", "Tinggi", "c", 2, 4, "error"],
    ]


def test_summary_by_group_and_coverage(clean: pd.DataFrame) -> None:
    frame = clean.copy()
    frame.loc[frame.index[:10], "JK"] = None
    frame.loc[frame.index[:10], "csex"] = pd.NA
    frame.loc[frame.index[:10], "Posyandu"] = "Posyandu X"
    # a posyandu is named within its kelurahan: by="posyandu" groups by both
    target = {("KEL A", "Posyandu 0"): 1000, ("KEL A", "Posyandu 1"): 5000}
    target[("KEL A", "Posyandu X")] = 10
    report = check_quality(frame, by="posyandu", target_population=target)
    assert report.by == ("Desa/Kel", "Posyandu")
    summary = report.summary.set_index("Posyandu")
    assert summary.loc["Posyandu X", "n"] == 10
    assert summary.loc["Posyandu X", "n_missing_sex"] == 10
    assert summary.loc["Posyandu X", "pct_missing_sex"] == 100.0
    assert summary["n"].sum() == len(frame)
    warned = report.warnings
    assert set(warned.loc[warned["item"] == "pct_missing_sex", "Posyandu"]) == {"Posyandu X"}
    cov = report.coverage
    assert cov is not None
    cov = cov.set_index("Posyandu")
    n0 = (frame["Posyandu"] == "Posyandu 0").sum()
    assert cov.loc["Posyandu 0", "coverage_pct"] == pytest.approx(100 * n0 / 1000)
    assert not cov.loc["Posyandu 0", "warning"]
    assert cov.loc["Posyandu 1", "warning"]  # about 1500 of 5000
    assert np.isnan(cov.loc["Posyandu 2", "target"])
    overall = check_quality(frame, target_population=len(frame) * 2).coverage
    assert overall is not None and overall["coverage_pct"].tolist() == [50.0]


def test_bad_arguments() -> None:
    frame = pd.DataFrame({"sex": [1, 2]})
    with pytest.raises(StuntlibError, match="expected_sex_ratio"):
        check_quality(frame, expected_sex_ratio=0)
    with pytest.raises(StuntlibError, match="checks"):
        check_quality(frame, checks=["nope"])
    with pytest.raises(ColumnError, match="by"):
        check_quality(frame, by="team")
    with pytest.raises(StuntlibError, match="scored"):
        check_quality([1, 2])  # type: ignore[arg-type]


def test_unscored_frame_skips_zscore_tables() -> None:
    report = check_quality(pd.DataFrame({"sex": [1, 2], "lenhei": [80.2, 81.3]}))
    assert report.zscore_distribution.empty
    status = report.checks.set_index("check")["status"]
    assert status["flagged_zlen"].startswith("skipped")
    assert status["missing_sex"] == "run"


def test_to_html_renders_every_table_without_printing(
    clean: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    report = check_quality(clean.head(500), by="posyandu", smart=True)
    html = report.to_html(max_rows=5)
    assert html.startswith('<section class="stuntlib-quality">') and html.endswith("</section>")
    assert html.count("<table") >= 15
    assert "SMART plausibility check" in html and "more rows not shown" in html
    assert capsys.readouterr().out == ""


def test_custom_check_can_be_added(clean: pd.DataFrame) -> None:
    from stuntlib.quality import Check

    heavy = Check(
        "heavy", "who_unicef", ("weight",), "info", "Weight above 20 kg.",
        lambda v: None if v.weight is None else ~(v.weight[0] > 20), "weight",
    )  # fmt: skip
    report = check_quality(clean, checks=["missing_sex", heavy])
    assert report.checks["check"].tolist() == ["missing_sex", "heavy"]
    assert (report.failures["check"] == "heavy").sum() == (clean["Berat"] > 20).sum()


# ----------------------------------------------------------------------------------------
# properties
@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_summary_tables_are_row_order_invariant(seed: int) -> None:
    frame = clean_frame(n=300, seed=seed % 1000, n_posyandu=3)
    rng = np.random.default_rng(seed)
    frame.loc[frame.index[rng.integers(0, 300, 5)], "Tinggi"] = np.nan
    frame = pd.concat([frame, frame.iloc[:3]])  # duplicates
    shuffled = frame.iloc[rng.permutation(len(frame))]
    a = check_quality(frame, by="posyandu", smart=True)
    b = check_quality(shuffled, by="posyandu", smart=True)
    pd.testing.assert_frame_equal(a.overview, b.overview, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=False, rtol=1e-9)
    assert a.smart is not None and b.smart is not None
    pd.testing.assert_frame_equal(a.smart, b.smart, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(a.checks, b.checks)


@settings(max_examples=30, deadline=None)
@given(counts=st.lists(st.integers(0, 500), min_size=10, max_size=10).filter(lambda c: sum(c) > 0))
def test_dps_is_between_0_and_100(counts: list[int]) -> None:
    dps = digit_preference_score(counts)[0][0]
    assert 0.0 <= dps <= 100.0 + 1e-9


# ----------------------------------------------------------------------------------------
# the synthetic Pekalongan sample: every planted defect is found
#: physically impossible raw values (a reason of stuntlib.score since 0.2)
IMPOSSIBLE = "implausible_measurement"
DEFECT_CHECKS = {
    "missing_sex": {"missing_sex"},
    "missing_birth_date": {"missing_birth_date"},
    "missing_height": {"missing_lenhei"},
    "missing_weight": {"missing_weight"},
    "missing_cara_ukur": {"missing_measure"},
    "age_over_60m": {"age_out_of_range"},
    "birth_after_measurement": {"birth_after_measurement"},
    "duplicate_row": {"duplicate_record"},
    "twin_nik_duplicate": {"duplicate_nik"},
    "lying_over_24m": {"position_age_mismatch"},
    "standing_under_9m": {"position_age_mismatch"},
    "implausible_height": {
        "flagged_zlen",
        "flagged_zwfl",
        "flagged_zbmi",
        "implausible_measurement",
    },
    "implausible_weight": {
        "flagged_zwei",
        "flagged_zwfl",
        "flagged_zbmi",
        "implausible_measurement",
    },
    "swapped_height_weight": {
        "flagged_zlen",
        "flagged_zwei",
        "flagged_zwfl",
        "flagged_zbmi",
        "implausible_measurement",
    },
    "nik_scientific_notation": {"nik_scientific_notation"},
    "nik_sex_mismatch": {"nik_sex"},
    "nik_birthdate_mismatch": {"nik_birth_date"},
}
GROUP_DEFECTS = {"height_heaping": "dps_height", "weight_heaping": "dps_weight"}
# quirks are not defects: the Telentang spelling is a valid code, and the xlsx_* quirks
# concern reading the .xlsx copy (stuntlib.io), not the CSV checked here
QUIRKS = {"telentang_spelling", "xlsx_decimal_comma_text", "xlsx_nik_numeric"}


@pytest.fixture(scope="module")
def sample_report() -> tuple[pd.DataFrame, QualityReport]:
    raw = pd.read_csv(SAMPLE, dtype={"NIK": str})
    scored = stuntlib.score(raw)
    return scored, check_quality(scored, by=["kelurahan", "posyandu"], smart=True)


def test_every_planted_defect_kind_is_found(
    sample_report: tuple[pd.DataFrame, QualityReport],
) -> None:
    scored, report = sample_report
    defects = pd.read_csv(DEFECTS, dtype=str)
    kinds = set(defects["kind"])
    unmapped = kinds - set(DEFECT_CHECKS) - set(GROUP_DEFECTS) - QUIRKS
    assert not unmapped, f"planted defect kinds with no check: {sorted(unmapped)}"
    failures = report.failures.assign(No=report.failures["no"].astype(str))
    failed_by_no = failures.groupby("No")["check"].agg(set)
    for kind, expected in DEFECT_CHECKS.items():
        rows = defects.loc[defects["kind"] == kind, "No"]
        assert len(rows), kind
        missed = [no for no in rows if not (failed_by_no.get(no, set()) & expected)]
        assert not missed, f"{kind}: rows {missed[:5]} not found by {sorted(expected)}"
    warned = report.warnings[report.warnings["scope"] == "group"]
    for kind, item in GROUP_DEFECTS.items():
        planted = set(defects.loc[defects["kind"] == kind, "detail"])
        found = warned[warned["item"] == item]
        found_groups = set(found["Desa/Kel"] + " / " + found["Posyandu"])
        assert planted <= found_groups, f"{kind}: {sorted(planted - found_groups)} not warned"
        assert len(found_groups - planted) <= 1, sorted(found_groups - planted)


def test_sample_quirks_are_not_failures(sample_report: tuple[pd.DataFrame, QualityReport]) -> None:
    scored, report = sample_report
    telentang = scored.index[scored["Cara Ukur"] == "Telentang"]
    bad_measure = report.failures[report.failures["check"] == "invalid_measure"]
    assert not set(bad_measure["index"]) & set(telentang)
    # rows of the sample without a planted defect pass the row-level errors
    defects = pd.read_csv(DEFECTS, dtype=str)
    planted = set(defects["No"])
    errors = report.failures[report.failures["severity"] == "error"]
    error_nos = set(errors["no"].astype(str))
    assert error_nos <= planted


def test_empty_frame_gives_an_empty_report_not_a_crash() -> None:
    report = check_quality(clean_frame(50).iloc[:0])
    assert report.failures.empty


def test_integer_niks_above_2_to_the_53_stay_distinct() -> None:
    frame = clean_frame(300)
    # Papua (province 94) NIKs are above 2**53: as float64 neighbours would merge
    frame["nik"] = np.arange(300, dtype=np.int64) + 9_401_010_101_240_001
    report = check_quality(frame)
    assert not (report.failures["check"] == "duplicate_nik").any()


def test_checks_table_is_check_quality_checks() -> None:
    """The report's checks-only path gives check_quality's checks table, row for row."""
    from stuntlib.quality.report import checks_table

    scored = stuntlib.score(stuntlib.read_measurements(SAMPLE, profile="eppgbm"))
    full = check_quality(scored, by="kelurahan", language="id").checks
    alone = checks_table(scored, language="id")
    pd.testing.assert_frame_equal(alone, full)
    assert (alone["n_failed"] > 0).any()  # the sample has failing checks to compare
    with pytest.raises(StuntlibError, match="scored: expected a pandas DataFrame"):
        checks_table([1, 2])  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", [object, "string", "category"])
def test_implausible_measurement_reads_reasons_of_any_dtype(dtype) -> None:
    # a reason column may hold None, NaN or pd.NA as "no reason"; only the word counts
    reasons = pd.Series(["implausible_measurement", None, "missing_age", None], dtype=dtype)
    frame = pd.DataFrame(
        {"zlen": [np.nan, -1.0, np.nan, -2.5], "zlen_reason": reasons, "zwei_reason": None}
    )
    assert CHECKS["implausible_measurement"](frame).tolist() == [False, True, True, True]
