"""Measurement periods and one measurement per child (stuntlib.rounds), and their use by
prevalence: a two-round file gives one table per period with no child counted twice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.estimation import prevalence
from stuntlib.rounds import BULAN_TIMBANG_MONTHS, measurement_period, one_per_child


def test_period_from_each_source_with_precedence():
    frame = pd.DataFrame(
        {
            "period": [None, "2024-08", None, None],
            "Bulan Pengukuran": ["Februari 2025", "Agustus 2025", None, "08/2025"],
            "measure_date": ["2025-03-01", "2025-08-30", "30/08/2025", None],
        }
    )
    # row 0: Bulan Pengukuran before measure_date; row 1: the period column first;
    # row 2: the date (day first); row 3: month/year text
    assert measurement_period(frame).tolist() == ["2025-02", "2024-08", "2025-08", "2025-08"]
    assert measurement_period(frame, "quarter").tolist()[2] == "2025Q3"
    assert BULAN_TIMBANG_MONTHS == (2, 8)


def test_period_errors_name_the_argument():
    with pytest.raises(StuntlibError, match="freq"):
        measurement_period(pd.DataFrame({"measure_date": ["2025-01-01"]}), "week")
    with pytest.raises(ColumnError, match="period column"):
        measurement_period(pd.DataFrame({"x": [1]}))


def _two_rounds() -> pd.DataFrame:
    # February round: A entered twice identically, B measured twice (conflicting).
    # August round: A, B, C once each.
    return pd.DataFrame(
        {
            "nik": ["A", "A", "B", "B", "A", "B", "C"],
            "measure_date": [
                "2025-02-10", "2025-02-10", "2025-02-11", "2025-02-20",
                "2025-08-05", "2025-08-06", "2025-08-07",
            ],
            "weight": [9.0, 9.0, 10.0, 10.2, 9.5, 10.5, 8.0],
            "lenhei": [75.0, 75.0, 80.0, 80.4, 77.0, 82.0, 70.0],
            "zlen": [-2.5, -2.5, -1.0, -2.2, -2.1, -1.5, -3.0],
            "flen": 0,
            "age_days": [400, 400, 500, 509, 576, 677, 300],
        }
    )  # fmt: skip


def test_one_per_child_exact_once_conflicting_last_valid():
    frame = _two_rounds()
    result = one_per_child(frame)
    assert result.kept.index.tolist() == [1, 3, 4, 5, 6]
    dropped = result.dropped
    assert dropped.index.tolist() == [0, 2]
    assert dropped["reason"].tolist() == ["exact_duplicate", "superseded"]
    assert dropped["kept_row"].tolist() == [1, 3]
    # nothing lost: kept + dropped is every row exactly once
    assert sorted(result.kept.index.tolist() + dropped.index.tolist()) == list(range(7))
    summary = result.summary.set_index("period")
    assert summary.loc["2025-02", ["rows", "children", "kept"]].tolist() == [4, 2, 2]
    assert summary.loc["2025-02", ["exact_duplicate", "superseded"]].tolist() == [1, 1]
    assert summary.loc["2025-08", ["rows", "kept", "exact_duplicate", "superseded"]].tolist() == [
        3, 3, 0, 0,
    ]  # fmt: skip


def test_invalid_later_measurement_does_not_replace_a_valid_one():
    frame = pd.DataFrame(
        {
            "nik": ["A", "A"],
            "measure_date": ["2025-08-01", "2025-08-20"],
            "weight": [9.0, 9.1],
            "zlen": [-2.5, 7.0],
            "flen": [0, 1],  # the later one is flagged
        }
    )
    result = one_per_child(frame)
    assert result.kept.index.tolist() == [0]
    assert result.dropped["reason"].tolist() == ["superseded"]


def test_rows_without_id_are_kept_and_counted():
    frame = pd.DataFrame({"nik": [None, "", "A"], "measure_date": ["2025-08-01"] * 3,
                          "weight": [9.0, 9.0, 9.0]})  # fmt: skip
    result = one_per_child(frame)
    assert result.kept.index.tolist() == [0, 1, 2]
    assert result.summary["no_child_id"].tolist() == [2]


def test_prevalence_two_rounds_per_period_no_child_twice():
    frame = _two_rounds()
    out = prevalence(frame, "period", indicators="stunting", child="nik", min_n=1, min_cases=0)
    got = out.set_index("period")
    # Feb: A (-2.5, once) and B (last: -2.2): 2 children, 2 stunted.
    # Aug: A -2.1, B -1.5, C -3.0: 3 children, 2 stunted.
    assert got.loc["2025-02", ["n", "cases"]].tolist() == [2, 2]
    assert got.loc["2025-08", ["n", "cases"]].tolist() == [3, 2]
    assert got.loc["2025-08", "estimate"] == pytest.approx(2 / 3)


def test_prevalence_uses_latest_period_by_default_and_says_so():
    frame = _two_rounds()
    out = prevalence(frame, indicators="stunting", min_n=1, min_cases=0)
    assert out["period"].tolist() == ["2025-08"]
    assert out.attrs["period"] == "2025-08"
    assert out.attrs["rows_outside_period"] == 4
    assert out[["n", "cases"]].iloc[0].tolist() == [3, 2]
    feb = prevalence(frame, indicators="stunting", period="2025-02", child="nik")
    assert feb[["period", "n", "cases"]].iloc[0].tolist() == ["2025-02", 2, 2]
    with pytest.raises(StuntlibError, match="period"):
        prevalence(frame, indicators="stunting", period="2024-02")


def test_single_period_needs_no_selection():
    frame = _two_rounds().iloc[4:]
    out = prevalence(frame, indicators="stunting")
    assert "period" not in out.columns
    assert out.attrs["period"] == "2025-08"


@given(st.permutations(range(7)))
def test_one_per_child_independent_of_row_order(order):
    frame = _two_rounds().iloc[list(order)]
    result = one_per_child(frame)
    assert sorted(result.kept.index.tolist()) == [1, 3, 4, 5, 6] or (
        # the two identical records of A: either copy may be the one kept
        sorted(result.kept.index.tolist()) == [0, 3, 4, 5, 6]
    )
    assert len(result.kept) + len(result.dropped) == 7
    assert np.array_equal(
        result.summary[["kept", "exact_duplicate", "superseded"]].to_numpy(),
        [[2, 1, 1], [3, 0, 0]],
    )


@pytest.mark.parametrize("months", [["2025-08"] * 3, ["2025-02", "2025-08", "2025-08"]])
def test_selected_round_is_a_frame_of_its_own(months: list[str]) -> None:
    # changing the round selected (one period or several, no child twice) must not
    # change the caller's rows or their attrs
    from stuntlib.rounds import select_round

    frame = pd.DataFrame(
        {"nik": ["A", "B", "C"], "period": months, "zlen": [-2.5, -1.0, 0.5], "flen": 0}
    )
    frame.attrs["source"] = "x.xlsx"
    one = select_round(frame)
    one.loc[one.index[-1], "zlen"] = 99.0
    one["extra"] = 1
    assert frame["zlen"].tolist() == [-2.5, -1.0, 0.5]
    assert list(frame.columns) == ["nik", "period", "zlen", "flen"]
    assert frame.attrs == {"source": "x.xlsx"}
    assert one.attrs["stuntlib_round"]["period"] == "2025-08"
