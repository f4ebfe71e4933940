"""The single standardisation path: age, codes, numbers, measurements and NIKs.

Expected values are written out by hand from the rules in WHO ``anthro`` 1.1
(age rounded half up; 30.4375 days per month) and the NIK rule (16 digits).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stuntlib import growth
from stuntlib.errors import StuntlibError
from stuntlib.standardize import (
    REASON_CODE,
    REASONS,
    check_measurement,
    is_under_five,
    parse_nik,
    resolve_age,
    standardize_measure,
    standardize_oedema,
    standardize_sex,
    to_float,
)


def _reasons(codes: np.ndarray) -> list[str]:
    return [REASONS[c - 1] if c else "ok" for c in codes]


def test_reason_codes_are_one_plus_the_index_and_growth_uses_the_same_tuple() -> None:
    assert growth.REASONS is REASONS
    assert REASON_CODE["missing_sex"] == 1
    assert REASON_CODE["implausible_measurement"] == REASONS.index("implausible_measurement") + 1


def test_resolve_age_precedence_days_then_dates_then_months() -> None:
    r = resolve_age(
        age_days=[10, np.nan, np.nan, np.nan],
        birth_date=["2024-01-01", "2024-01-01", None, "2024-01-01"],
        measure_date=["2024-03-01", "2024-03-01", "2024-03-01", None],
        age_months=[5, 5, 12, np.nan],
    )
    # row 0: age_days 10; row 1: 2024-01-01 -> 2024-03-01 is 31 + 29 = 60 days;
    # row 2: 12 months -> 12 * 30.4375 = 365.25 -> 365 days; row 3: nothing
    assert r.days.tolist()[:3] == [10.0, 60.0, 365.0]
    assert np.isnan(r.days[3])
    assert r.source.tolist() == [1, 2, 3, 0]
    assert _reasons(r.reason) == ["ok", "ok", "ok", "missing_age"]


def test_resolve_age_keeps_whole_months_as_given() -> None:
    r = resolve_age(age_months=[24, 60, 59])
    assert r.months.tolist() == [24.0, 60.0, 59.0]
    # 24 * 30.4375 = 730.5 -> 731 (half up); 60 -> 1826.25 -> 1826; 59 -> 1795.8125 -> 1796
    assert r.days.tolist() == [731.0, 1826.0, 1796.0]


def test_resolve_age_months_from_days_are_unrounded_days_over_30_4375() -> None:
    r = resolve_age(age_days=[730.4, 1826])
    assert r.days.tolist() == [730.0, 1826.0]
    assert r.months.tolist() == [730.4 / 30.4375, 1826 / 30.4375]


def test_resolve_age_reasons_invalid_date_and_negative_age() -> None:
    r = resolve_age(birth_date=["2024-02-30", "2024-05-01"], measure_date=["2024-03-01"] * 2)
    assert _reasons(r.reason) == ["invalid_date", "negative_age"]
    assert r.days[1] == -61.0  # kept negative; the reason says why


def test_resolve_age_future_dates_are_a_reason() -> None:
    """Reliability case 23: a typed year in the future is not an age (export of 2025-08-31)."""
    r = resolve_age(
        birth_date=["2029-01-01", "2023-01-01", "2023-01-01", "2023-01-01"],
        measure_date=["2031-08-11", "2025-09-01", "2025-09-02", "2025-08-11"],
        as_of="2025-08-31",
    )
    # one day of grace (Indonesian clocks run ahead of UTC): 09-01 passes, 09-02 does not
    assert _reasons(r.reason) == ["future_date", "ok", "future_date", "ok"]
    assert r.days[0] == 952.0  # the age is kept; the reason says why it is not used
    with pytest.raises(StuntlibError, match="as_of"):
        resolve_age(birth_date=["2023-01-01"], measure_date=["2025-08-11"], as_of="kemarin")


def test_resolve_age_needs_a_source_or_n() -> None:
    with pytest.raises(StuntlibError, match="resolve_age"):
        resolve_age()
    r = resolve_age(n=3)
    assert _reasons(r.reason) == ["missing_age"] * 3
    assert r.source.tolist() == [0, 0, 0]


def test_resolve_age_rejects_different_lengths() -> None:
    with pytest.raises(StuntlibError, match="same length"):
        resolve_age(age_days=[1, 2], age_months=[1, 2, 3])


def test_growth_reports_the_resolved_age() -> None:
    out = growth.zscores(sex=[1, 2], age_months=[24, 60], lenhei=[85, 110], indicators=["zlen"])
    assert out["age_months"].tolist() == [24.0, 60.0]
    assert out["age_days"].tolist() == [731.0, 1826.0]
    assert out["reference"].tolist() == ["WHO2006", "WHO2007"]


def test_under_five_is_the_who2006_rule() -> None:
    assert is_under_five([0, 59.999, 60.0, 61, np.nan, -0.5]).tolist() == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    out = growth.zscores(sex=1, age_months=[59.999, 60.0], lenhei=100, indicators=["zlen"])
    assert (out["reference"] == "WHO2006").tolist() == is_under_five([59.999, 60.0]).tolist()


def test_strict_numbers_reject_digit_separators_and_words() -> None:
    values, invalid = to_float(["40_0", "1_000", "inf", "-Infinity", "1e400", "12,5", " 7 ", "nan"])
    assert np.isnan(values[:5]).all()
    assert invalid.tolist() == [True, True, True, True, True, False, False, False]
    assert values[5:7].tolist() == [12.5, 7.0]


def test_non_finite_floats_are_invalid() -> None:
    values, invalid = to_float(np.array([1.0, np.inf, -np.inf, np.nan]))
    assert invalid.tolist() == [False, True, True, False]
    assert np.isnan(values[1:]).all()


def test_codes_given_as_decimal_text_are_the_integer_codes() -> None:
    assert standardize_sex(["1.0", "2.0", "2,0", " 1.00 ", "1.5"]).tolist() == [1, 2, 2, 1, -1]
    assert standardize_measure(["l", "h"]).tolist() == [1, 2]
    assert standardize_oedema(["1.0", "2.0"]).tolist() == [1, 2]


def test_check_measurement_reasons_in_order() -> None:
    _, reason = check_measurement(
        ["80", None, "x", 0, -1, float("inf"), "1e400", 300, 20], limits=(25.0, 250.0)
    )
    assert _reasons(reason) == [
        "ok",
        "missing_measurement",
        "invalid_measurement",
        "nonpositive_measurement",
        "nonpositive_measurement",
        "invalid_measurement",
        "invalid_measurement",
        "implausible_measurement",
        "implausible_measurement",
    ]
    values, reason = check_measurement(None, 2)
    assert np.isnan(values).all()
    assert _reasons(reason) == ["missing_measurement"] * 2


def test_parse_nik_text_numbers_and_problems() -> None:
    big = 9471010101240001  # above 2**53: must be written exactly
    p = parse_nik(pd.Series([big, 3374010101240002], dtype="int64"))
    assert p.text.tolist() == [str(big), "3374010101240002"]
    assert p.valid.all()
    assert p.numeric.all()
    p = parse_nik(["'3374010101240001", " 3374 0101 0124 0003 ", "3.37501E+15", "12", None, ""])
    assert p.text.tolist()[:4] == [
        "3374010101240001",
        "3374010101240003",
        "3.37501E+15",
        "12",
    ]
    assert p.missing.tolist() == [False, False, False, False, True, True]
    assert p.valid.tolist() == [True, True, False, False, False, False]
    assert p.scientific.tolist() == [False, False, True, False, False, False]
    assert p.malformed.tolist() == [False, False, False, True, False, False]
    assert not p.numeric.any()


def test_parse_nik_floats_are_numeric() -> None:
    p = parse_nik(pd.Series([3374010101240000.0, np.nan]))
    assert p.text.tolist() == ["3374010101240000", pd.NA]
    assert p.numeric.tolist() == [True, False]


@given(st.lists(st.one_of(st.floats(min_value=0, max_value=7000), st.just(np.nan)), max_size=30))
def test_resolve_age_from_days_is_rounded_half_up(days: list[float]) -> None:
    r = resolve_age(age_days=days)
    for given_days, rounded in zip(days, r.days, strict=True):
        if np.isnan(given_days):
            assert np.isnan(rounded)
        else:
            exact = Decimal(given_days).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            assert rounded == float(exact)
