"""One age rule: the quality checks read each row's age as stuntlib.score does."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import stuntlib
from stuntlib.quality import check_quality
from stuntlib.quality.context import CheckContext
from stuntlib.standardize import standardize_measure

BASE = np.datetime64("2020-01-01")


def test_age_days_wins_over_dates_as_in_score() -> None:
    # age_days 400, dates 882 days apart: the child is 400 days old and rightly lying
    frame = pd.DataFrame(
        {
            "sex": [1],
            "age_days": [400],
            "birth_date": ["2023-01-01"],
            "measure_date": ["2025-06-02"],
            "lenhei": [75.0],
            "measure": ["l"],
        }
    )
    for data in (frame, stuntlib.score(frame)):
        report = check_quality(data)
        assert report.failing_rows("position_age_mismatch").empty
        assert CheckContext(data).age_days.tolist() == [400.0]


rows = st.fixed_dictionaries(
    {
        "age_days": st.one_of(st.none(), st.integers(0, 1900)),
        "age_months": st.one_of(st.none(), st.integers(0, 62), st.floats(0, 62, width=32)),
        "birth": st.one_of(st.none(), st.integers(0, 2000)),
        "gap": st.integers(0, 1900),
        "measure": st.sampled_from(["l", "h", "", "Berdiri", "Terlentang", "x"]),
    }
)


def _frame(items: list[dict]) -> pd.DataFrame:
    birth = [None if r["birth"] is None else BASE + np.timedelta64(r["birth"], "D") for r in items]
    visit = [
        None if r["birth"] is None else BASE + np.timedelta64(r["birth"] + r["gap"], "D")
        for r in items
    ]
    return pd.DataFrame(
        {
            "sex": [1 + i % 2 for i in range(len(items))],
            "age_days": pd.array([r["age_days"] for r in items], dtype="Float64"),
            "age_months": pd.array([r["age_months"] for r in items], dtype="Float64"),
            "birth_date": pd.Series(birth, dtype="datetime64[ns]"),
            "measure_date": pd.Series(visit, dtype="datetime64[ns]"),
            "lenhei": 80.0,
            "measure": [r["measure"] for r in items],
        }
    )


@settings(max_examples=30, deadline=None)
@given(st.lists(rows, min_size=1, max_size=25))
def test_quality_and_score_agree_on_every_rows_age_and_position(items: list[dict]) -> None:
    frame = _frame(items)
    scored = stuntlib.score(frame)
    days = scored["age_days"].to_numpy(dtype=np.float64, na_value=np.nan)
    months = scored["age_months"].to_numpy(dtype=np.float64, na_value=np.nan)
    # position as WHO recommends for the age score computed: lying under 731 days
    code = standardize_measure(frame["measure"])
    with np.errstate(invalid="ignore"):
        mismatch = ((code == 1) & (days >= 731)) | ((code == 2) & (days >= 0) & (days < 731))
    expected = frame.index[mismatch].tolist()
    for data in (frame, scored):
        ctx = CheckContext(data)
        np.testing.assert_array_equal(ctx.age_days, days)
        np.testing.assert_allclose(ctx.age_months, months, rtol=0, atol=1e-12)
        report = check_quality(data, by=())
        assert report.failing_rows("position_age_mismatch").tolist() == expected
        with np.errstate(invalid="ignore"):
            out_of_range = frame.index[months >= 60].tolist()
        assert report.failing_rows("age_out_of_range").tolist() == out_of_range


nik_cells = st.one_of(
    st.from_regex(r"\A'?\s?\d{14,17}\s?\Z", fullmatch=True),
    st.sampled_from(["3.37501E+15", "NA", "#N/A", "-", ".", "", " ", "12"]),
)


@settings(max_examples=50, deadline=None)
@given(st.lists(nik_cells, min_size=1, max_size=20), st.sampled_from(["string", "object"]))
def test_context_reads_niks_as_parse_nik_does(cells: list[str], dtype: str) -> None:
    from stuntlib.quality.context import MISSING_TOKENS
    from stuntlib.standardize import parse_nik

    column = pd.Series(cells, dtype=dtype)
    ctx = CheckContext(pd.DataFrame({"NIK": column}))
    blanked = [None if c.strip().upper() in MISSING_TOKENS else c for c in cells]
    expected = parse_nik(pd.Series(blanked, dtype=object))
    assert ctx.nik is not None
    assert ctx.nik.tolist() == expected.text.tolist()
    assert ctx.nik_valid.tolist() == expected.valid.tolist()
    assert ctx.nik_missing.tolist() == expected.missing.tolist()
    assert ctx.nik_scientific.tolist() == expected.scientific.tolist()
