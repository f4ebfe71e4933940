"""The shared group-code combiner (stuntlib._groups) and prevalence on mixed-type group
columns: labels by text form, independent of row order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stuntlib._groups import group_codes, group_key
from stuntlib.errors import StuntlibError
from stuntlib.estimation import prevalence


def test_group_codes_first_appearance_and_missing():
    a = pd.Series(["x", "y", "x", None, "y"], name="a")
    b = pd.Series([1, 1, 1, 2, 2], name="b")
    codes, uniques = group_codes([a, b])
    assert codes.tolist() == [0, 1, 0, -1, 2]
    assert uniques.values.tolist() == [["x", 1], ["y", 1], ["y", 2]]
    codes, uniques = group_codes([a, b], "level")
    assert codes.tolist() == [0, 1, 0, 2, 3]
    assert len(uniques) == 4
    with pytest.raises(StuntlibError, match="missing"):
        group_codes([a], "keep")


def test_group_codes_survive_int64_overflow_of_the_radix():
    # five keys of 10,000 levels each: 1e20 combinations > 2**62
    rng = np.random.default_rng(0)
    keys = [pd.Series(rng.integers(0, 10_000, 2_000)) for _ in range(5)]
    keys[0].iloc[: 10_000 % 2_000] = 0
    codes, uniques = group_codes(keys)
    expected = pd.DataFrame({i: k for i, k in enumerate(keys)}).drop_duplicates()
    assert len(uniques) == len(expected)
    assert codes.max() == len(uniques) - 1


def test_mixed_object_column_grouped_by_text_form():
    values = pd.Series([1, "TIRTO", 2.0, None, True, "1"], dtype=object)
    assert group_key(values).tolist() == ["1", "TIRTO", "2", np.nan, "True", "1"]
    codes, uniques = group_codes([values.rename("k")])
    assert codes.tolist() == [0, 1, 2, -1, 3, 0]


def test_prevalence_on_mixed_type_posyandu_column():
    # posyandu codes 1, 'Melati', 2 as pandas.read_excel gives them
    df = pd.DataFrame({"zlen": [-2.5, -1.0, -3.0], "flen": 0,
                       "posyandu": pd.Series([1, "Melati", 2], dtype=object)})  # fmt: skip
    out = prevalence(df, "posyandu", indicators="stunting", min_n=1, min_cases=0)
    assert out["posyandu"].tolist() == ["1", "2", "Melati"]
    assert out["cases"].tolist() == [1, 1, 0]


@given(st.permutations(range(3)))
def test_prevalence_label_independent_of_row_order(order):
    # 1, True and 1.0 are three text forms '1', 'True', '1': label type and counts stable
    df = pd.DataFrame({"zlen": [-2.5, -1.0, 0.3], "flen": 0,
                       "rw": pd.Series([1, True, 1.0], dtype=object)})  # fmt: skip
    out = prevalence(df.iloc[list(order)], "rw", indicators="stunting", min_n=1, min_cases=0)
    assert out[["rw", "n", "cases"]].values.tolist() == [["1", 2, 1], ["True", 1, 0]]


def test_text_columns_an_estimate_reads_are_kept_when_rows_are_left_out() -> None:
    # Rows over 59 months are left out, and the text columns no estimate reads (name,
    # NIK) are dropped before; sex as text and the dates giving the age must stay. By
    # hand (measured 2025-08-01): row 5 is 67 months old (left out), row 6 of unknown
    # age (kept, as WHO does). Boys: rows 1, 2, 6, stunted 1 and 6; girls: rows 3, 4,
    # stunted 3; the month 2025-08 (from measure_date): five children, three stunted.
    frame = pd.DataFrame(
        {
            "nama": ["Ani", "Budi", "Citra", "Dewi", "Eka", "Fajar"],
            "nik": ["3375010101230001"] * 6,
            "csex": ["L", "L", "P", "P", "P", "L"],
            "birth_date": ["2024-01-01", "2023-01-01", "2022-01-01", "2022-06-01",
                           "2020-01-01", None],
            "measure_date": ["2025-08-01"] * 6,
            "zlen": [-2.5, -1.0, -3.2, 0.4, -3.0, -2.1],
            "flen": 0,
        }
    )  # fmt: skip
    by = [["sex"], ["measure_month"]]
    out = prevalence(frame, by, indicators="stunting")
    got = {
        (row.sex if row.grouping == "sex" else row.measure_month): (row.n, row.cases)
        for row in out.itertuples()
    }
    assert got == {"Male": (3, 2), "Female": (2, 1), "2025-08": (5, 3)}
    bare = prevalence(frame.drop(columns=["nama", "nik"]), by, indicators="stunting")
    pd.testing.assert_frame_equal(out, bare)


@pytest.mark.parametrize("as_text", ["flen", "zlen"])
def test_z_and_flag_columns_held_as_text_are_read_when_rows_are_left_out(as_text: str) -> None:
    # by hand: row 1 stunted and not flagged, row 2 flagged (left out of HAZ), row 3
    # over 59 months (left out): one child analysed, stunted. A z or flag column of a
    # caller's frame may be object; it must not be taken for an unread text column.
    frame = pd.DataFrame({"zlen": [-2.5, -1.0, -2.2], "flen": [0, 1, 0],
                          "age_days": [100, 200, 2000], "nama": ["A", "B", "C"]})  # fmt: skip
    frame[as_text] = frame[as_text].astype(object)
    out = prevalence(frame, indicators="stunting")
    assert out[["n", "cases", "estimate"]].values.tolist() == [[1, 1, 1.0]]
