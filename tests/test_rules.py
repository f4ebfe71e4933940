"""Rule-by-rule behaviour, as sentences, with values from WHO's tables and worked examples.

Expected values come from WHO_RULES.md §4 and §7 (verified by running WHO anthro) or are
computed by hand in the test from the WHO table row quoted in a comment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import stuntlib
from stuntlib.growth import zscores


def z1(**kwargs: object) -> pd.Series:
    """Score one child and return the row."""
    return zscores(**kwargs).iloc[0]  # type: ignore[arg-type]


class TestWorkedExamplesFromWho:
    def test_length_for_age_anthro_unit_test(self) -> None:
        # boy 44 days: L=1, M=56.4833, S=0.03492 -> ((50/56.4833) - 1)/0.03492
        expected = (50 / 56.4833 - 1) / 0.03492
        assert z1(sex=1, age_days=44, lenhei=50)["zlen"] == pytest.approx(expected, abs=1e-12)

    def test_lying_after_two_years_is_flagged_below_minus_six(self) -> None:
        row = z1(sex=1, age_days=987, lenhei=72.86, measure="l")
        assert row["clenhei"] == pytest.approx(72.16)
        assert round(row["zlen"], 2) == -6.09
        assert row["flen"] == 1

    def test_24_months_is_day_731_and_height(self) -> None:
        # girl 24.0 months = 730.5 days -> 731 (height table): 77.5 cm gives -2.55 with
        # measure "h" or missing (no adjustment either way)
        for measure in ("h", None):
            row = z1(sex=2, age_months=24, lenhei=77.5, measure=measure)
            assert row["age_days"] == 731
            assert row["clenhei"] == 77.5
            assert round(row["zlen"], 2) == -2.55

    def test_standing_infant_under_nine_months(self) -> None:
        r = zscores(sex=1, age_months=[8, 9], lenhei=60, measure="h")
        assert r["c9mo_flag"].tolist() == [1, 0]
        assert r["clenhei"].tolist() == [60.0, pytest.approx(60.7)]
        assert r["zlen"].round(2).tolist() == [-4.81, -5.02]
        assert r["cmeasure"].astype(object).tolist()[1] == "h"
        assert pd.isna(r["cmeasure"].iloc[0])

    def test_position_adjustment_both_ways(self) -> None:
        r = zscores(sex=1, age_days=[730, 800, 730, 800], lenhei=100, measure=list("hhll"))
        assert r["clenhei"].tolist() == pytest.approx([100.7, 100, 100, 99.3])

    def test_age_months_limit(self) -> None:
        r = zscores(sex=1, age_months=[59.9, 60, 60.1], lenhei=100, weight=15)
        assert r["reference"].astype(object).tolist() == ["WHO2006", "WHO2007", "WHO2007"]
        assert r["zwfl"].notna().tolist() == [True, False, False]

    def test_anthro_readme(self) -> None:
        r = zscores(
            sex=[1, 2, 1, 1],
            age_days=[1001, 1000, 1010, 1000],
            weight=[18, 15, 10, 15],
            lenhei=[120, 80, 100, 100],
        )
        assert r["zlen"].round(2).tolist() == [7.31, -3.50, 1.62, 1.70]
        assert r["flen"].tolist() == [1, 0, 0, 0]
        assert r["zwei"].round(2).tolist() == [2.20, 0.95, -2.76, 0.69]
        assert r["zwfl"].round(2).tolist() == [-2.39, 4.13, -5.19, -0.29]
        assert r["fwfl"].tolist() == [0, 0, 1, 0]
        assert r["zbmi"].round(2).tolist() == [-3.01, 4.66, -5.61, -0.58]
        assert r["cbmi"].tolist() == pytest.approx([12.5, 23.4375, 10, 15])

    def test_restricted_weight_for_age_both_sides(self) -> None:
        # boy 400 days: L=0.0552 M=9.9065 S=0.10953; SD3pos=13.71975, SD2pos=12.31647
        high = 3 + (16 - 13.71975) / (13.71975 - 12.31647)
        # SD3neg=7.11059, SD2neg=7.94701
        low = -3 + (5 - 7.11059) / (7.94701 - 7.11059)
        r = zscores(sex=1, age_days=400, weight=[16, 5])
        assert r["zwei"].tolist() == pytest.approx([high, low], abs=1e-4)
        assert r["zwei"].round(2).tolist() == [4.62, -5.52]
        assert r["fwei"].tolist() == [0, 0]

    def test_weight_for_age_flag_is_asymmetric(self) -> None:
        # girl at day 1 weighing 10.37 kg: flagged (z > 5); fwei flags z < -6 or z > 5
        assert z1(sex=2, age_days=1, weight=10.37)["fwei"] == 1

    def test_weight_for_length_interpolates_between_grid_rows(self) -> None:
        # girl 500 d, 73.46 cm, 8.1 kg: rows 73.4 (L -0.3833, M 8.8443, S 0.09026) and
        # 73.5 (M 8.8638, S 0.09025), diff 0.6
        m = 8.8443 + 0.6 * (8.8638 - 8.8443)
        s = 0.09026 + 0.6 * (0.09025 - 0.09026)
        expected = ((8.1 / m) ** -0.3833 - 1) / (-0.3833 * s)
        row = z1(sex=2, age_days=500, lenhei=73.46, weight=8.1)
        assert row["zwfl"] == pytest.approx(expected, abs=1e-9)
        assert round(row["zwfl"], 2) == -1.01

    def test_weight_for_length_switches_table_at_day_731(self) -> None:
        # 80 cm, position not recorded (no adjustment), girls, 10 kg: at 730 days the
        # length table's 80.0 cm row, at 731 days the height table's 80.0 cm row. (WHO's
        # height table is the length table shifted by 0.7 cm, so a correctly adjusted
        # lying child gets the same z on either side of the switch.)
        wfl = stuntlib.reference.load_table("who2006_wfl")
        wfh = stuntlib.reference.load_table("who2006_wfh")
        i_len = round((80.0 - wfl.start) * 10)
        i_hei = round((80.0 - wfh.start) * 10)
        expected_len = ((10 / wfl.m[1, i_len]) ** wfl.l[1, i_len] - 1) / (
            wfl.l[1, i_len] * wfl.s[1, i_len]
        )
        expected_hei = ((10 / wfh.m[1, i_hei]) ** wfh.l[1, i_hei] - 1) / (
            wfh.l[1, i_hei] * wfh.s[1, i_hei]
        )
        r = zscores(sex=2, age_days=[730, 731], lenhei=80.0, weight=10)
        assert r["zwfl"].tolist() == pytest.approx([expected_len, expected_hei], abs=1e-9)
        assert expected_len != pytest.approx(expected_hei, abs=1e-3)
        lying = zscores(sex=2, age_days=[730, 731], lenhei=80.0, weight=10, measure="l")
        assert lying["zwfl"].iloc[1] == pytest.approx(lying["zwfl"].iloc[0], abs=1e-9)

    def test_weight_for_length_without_age_uses_the_87_cm_rule(self) -> None:
        r = zscores(sex=1, lenhei=[86.9, 87.0], weight=12)
        assert r["zwfl"].round(2).tolist() == [0.03, -0.17]
        assert r["zlen_reason"].tolist() == ["missing_age", "missing_age"]

    def test_weight_for_length_without_age_follows_the_position(self) -> None:
        by_position = zscores(sex=1, lenhei=90.0, weight=12, measure=["l", "h"])
        length_table = z1(sex=1, age_days=700, lenhei=90.0, weight=12)["zwfl"]
        height_table = z1(sex=1, age_days=800, lenhei=90.0, weight=12)["zwfl"]
        assert by_position["zwfl"].tolist() == pytest.approx([length_table, height_table])

    def test_anthroplus_examples(self) -> None:
        r = zscores(
            sex=[2, 2], age_months=[60.32, 60.911701], lenhei=[113.8, 113.6], weight=[18.7, 20.5]
        )
        assert r["zwei"].round(2).tolist() == [0.21, 0.79]
        assert r["zbmi"].round(2).tolist() == [-0.58, 0.42]
        assert r["zlen"].round(2).tolist() == [0.96, 0.85]

    def test_anthroplus_upper_limits_are_inclusive(self) -> None:
        r = zscores(sex=1, age_months=[120, 228, 120.1, 228.1], lenhei=60, weight=30)
        assert r["zlen"].notna().tolist() == [True, True, True, False]
        assert r["zwei"].notna().tolist() == [True, False, False, False]
        assert r["zbmi"].notna().tolist() == [True, True, True, False]
        assert r["zlen_reason"].astype(object).tolist()[3] == "age_above_range"


class TestAgeRules:
    def test_day_730_is_length_and_731_is_height(self) -> None:
        r = zscores(sex=1, age_days=[730, 731], lenhei=85, measure="l")
        assert r["clenhei"].tolist() == pytest.approx([85.0, 84.3])

    def test_day_730_point_5_rounds_up_to_731(self) -> None:
        row = z1(sex=2, age_days=730.5, lenhei=77.5, measure="h")
        assert row["age_days"] == 731
        assert row["clenhei"] == 77.5

    def test_age_zero(self) -> None:
        # boy at birth: M = 49.8842, S = 0.03795 (WHO lhfa, day 0) -> z = 0 at M
        assert z1(sex=1, age_days=0, lenhei=49.8842)["zlen"] == pytest.approx(0, abs=1e-12)

    def test_day_1826_is_the_last_day_of_the_2006_standards(self) -> None:
        r = zscores(sex=1, age_days=[1826, 1827], lenhei=110)
        assert r["reference"].astype(object).tolist() == ["WHO2006", "WHO2007"]
        # WHO lhfa boys expanded table, day 1826: L = 1, M = 109.9593, S = 0.04214
        expected = (110 / 109.9593 - 1) / 0.04214
        assert r["zlen"].iloc[0] == pytest.approx(expected, abs=1e-9)

    def test_months_to_days(self) -> None:
        r = zscores(sex=1, age_months=[59.992, 59.99], lenhei=100)
        # 59.992 * 30.4375 = 1826.007 -> day 1826, still under 60 months: WHO 2006
        assert r["age_days"].tolist() == [1826, 1826]
        assert (r["reference"] == "WHO2006").all()

    def test_negative_age_is_a_reason(self) -> None:
        row = z1(sex=1, age_days=-3, lenhei=50, weight=3)
        assert np.isnan(row["zlen"]) and np.isnan(row["zwfl"])
        assert row["zlen_reason"] == "negative_age"
        assert row["zwfl_reason"] == "negative_age"

    def test_birth_after_measurement_is_a_negative_age(self) -> None:
        row = z1(sex=1, birth_date="2025-08-02", measure_date="2025-08-01", lenhei=50)
        assert row["zlen_reason"] == "negative_age"

    def test_a_measurement_date_in_the_future_is_a_reason(self) -> None:
        row = z1(sex=1, birth_date="01/01/2029", measure_date="11/08/2031", lenhei=84, weight=11)
        assert np.isnan(row["zlen"]) and np.isnan(row["zwfl"])
        assert row["zlen_reason"] == "future_date" and row["zwfl_reason"] == "future_date"

    def test_unreadable_date(self) -> None:
        row = z1(sex=1, birth_date="31/02/2024", measure_date="2025-08-01", lenhei=80)
        assert row["zlen_reason"] == "invalid_date"

    def test_age_sources_by_precedence(self) -> None:
        r = zscores(
            sex=1,
            age_days=[100, np.nan, np.nan],
            birth_date=["2024-01-01", "2024-01-01", None],
            measure_date=["2024-03-01", "2024-03-01", None],
            age_months=[1, 1, 1],
            lenhei=55,
        )
        assert r["age_days"].tolist() == [100, 60, 30]  # 1 month = 30.4375 -> 30

    def test_too_old_for_any_reference(self) -> None:
        assert z1(sex=1, age_months=229, lenhei=170)["zlen_reason"] == "age_above_range"

    def test_arm_circumference_starts_at_91_days(self) -> None:
        r = zscores(sex=1, age_days=[90, 91], armc=13.4779)
        assert r["zac_reason"].astype(object).tolist()[0] == "age_below_range"
        # boys day 91: M = 13.4779 -> z = 0
        assert r["zac"].iloc[1] == pytest.approx(0, abs=1e-12)

    def test_head_circumference_is_not_defined_after_60_months(self) -> None:
        assert z1(sex=2, age_months=61, headc=50)["zhc_reason"] == "age_above_range"


class TestMeasurementRules:
    def test_missing_position_means_no_adjustment(self) -> None:
        r = zscores(sex=1, age_days=[100, 1000], lenhei=[60, 95], measure=[None, ""])
        assert r["clenhei"].tolist() == [60, 95]
        assert r["cmeasure"].isna().all()

    def test_unknown_position_is_a_reason(self) -> None:
        row = z1(sex=1, age_days=1000, lenhei=95, weight=14, measure="duduk")
        assert row["zlen_reason"] == "invalid_measure"
        assert row["zwfl_reason"] == "invalid_measure"
        assert not np.isnan(row["zwei"])  # weight-for-age does not need the position

    def test_oedema_is_irrelevant_for_height(self) -> None:
        r = zscores(sex=1, age_days=500, lenhei=75, weight=9, oedema=["n", "y"])
        assert r["zlen"].iloc[0] == r["zlen"].iloc[1]
        assert r["zwei"].isna().tolist() == [False, True]
        assert r["zwfl"].isna().tolist() == [False, True]
        assert r["zbmi"].isna().tolist() == [False, True]
        assert r["zwei_reason"].astype(object).tolist()[1] == "oedema"

    def test_oedema_codes(self) -> None:
        r = zscores(sex=1, age_days=500, weight=9, oedema=["1", 2, "Y", None, "ya", "?"])
        assert r["zwei"].isna().tolist() == [True, False, True, False, True, True]
        assert r["zwei_reason"].astype(object).tolist()[5] == "invalid_oedema"

    @pytest.mark.parametrize("weight", [0.0, -1.0])
    def test_zero_or_negative_weight_is_a_reason(self, weight: float) -> None:
        row = z1(sex=1, age_days=400, lenhei=75, weight=weight)
        for z in ("zwei", "zwfl", "zbmi"):
            assert np.isnan(row[z])
            assert row[f"{z}_reason"] == "nonpositive_measurement"
        assert np.isnan(row["cbmi"])

    def test_text_that_is_not_a_number(self) -> None:
        r = zscores(sex=1, age_days=400, lenhei=["75,5", "tujuh"])
        assert r["clenhei"].iloc[0] == 75.5
        assert r["zlen_reason"].astype(object).tolist() == [np.nan, "invalid_measurement"]

    @pytest.mark.parametrize(
        ("age_days", "lenhei", "inside"),
        [
            (500, 45.0, True),
            (500, 44.9, False),
            (500, 110.0, True),
            (500, 110.01, False),
            (800, 65.0, True),
            (800, 64.9, False),
            (800, 120.0, True),
            (800, 120.01, False),
        ],
    )
    def test_weight_for_length_table_limits(self, age_days, lenhei, inside) -> None:
        row = z1(sex=2, age_days=age_days, lenhei=lenhei, weight=10)
        assert (not np.isnan(row["zwfl"])) is inside
        if not inside:
            assert row["zwfl_reason"] == "lenhei_outside_table"

    def test_weight_for_length_limit_applies_to_the_adjusted_length(self) -> None:
        # 44.5 cm standing at 300 days (over 9 months) -> 45.2 cm: inside the length table
        row = z1(sex=1, age_days=300, lenhei=44.5, weight=3, measure="h")
        assert row["clenhei"] == pytest.approx(45.2)
        assert not np.isnan(row["zwfl"])
        # under 9 months a standing value is taken as a length: 44.5 cm stays outside
        row = z1(sex=1, age_days=20, lenhei=44.5, weight=3, measure="h")
        assert row["zwfl_reason"] == "lenhei_outside_table"

    def test_flag_uses_the_two_decimal_value(self) -> None:
        # find a length whose z is just below -6 (-6.004): WHO rounds to -6.00, no flag
        t = stuntlib.reference.load_table("who2006_lhfa")
        m, s = t.m[0, 1000], t.s[0, 1000]
        lenhei = m * (1 + s * -6.004)
        row = z1(sex=1, age_days=1000, lenhei=lenhei)
        assert row["zlen"] < -6
        assert row["flen"] == 0
        assert z1(sex=1, age_days=1000, lenhei=m * (1 + s * -6.006))["flen"] == 1


class TestSexRules:
    @pytest.mark.parametrize(
        ("code", "expected"),
        [
            (1, 1),
            ("2", 2),
            ("M", 1),
            ("f", 2),
            ("L", 1),
            ("P", 2),
            ("Laki-laki", 1),
            ("perempuan", 2),
            ("male", 1),
            ("Female", 2),
        ],
    )
    def test_codes(self, code, expected) -> None:
        assert z1(sex=code, age_days=100, lenhei=60)["csex"] == expected

    def test_missing_and_invalid(self) -> None:
        r = zscores(sex=[None, 3, "x"], age_days=100, lenhei=60)
        assert r["zlen_reason"].astype(object).tolist() == [
            "missing_sex",
            "invalid_sex",
            "invalid_sex",
        ]
        assert r["csex"].isna().all()


class TestArguments:
    def test_sex_is_required(self) -> None:
        with pytest.raises(stuntlib.StuntlibError, match="sex"):
            zscores(sex=None, age_days=1, lenhei=50)  # type: ignore[arg-type]

    def test_lengths_must_agree(self) -> None:
        with pytest.raises(stuntlib.StuntlibError, match="lenhei=3"):
            zscores(sex=[1, 2], age_days=[1, 2], lenhei=[50, 51, 52])

    def test_unknown_indicator(self) -> None:
        with pytest.raises(stuntlib.StuntlibError, match="indicators"):
            zscores(sex=1, age_days=1, indicators=("haz",))

    def test_series_with_different_indexes(self) -> None:
        with pytest.raises(stuntlib.StuntlibError, match="index"):
            zscores(sex=pd.Series([1], index=[5]), lenhei=pd.Series([50.0], index=[6]))

    def test_two_dimensional_input(self) -> None:
        with pytest.raises(stuntlib.StuntlibError, match="one-dimensional"):
            zscores(sex=np.ones((2, 2)), age_days=1)
