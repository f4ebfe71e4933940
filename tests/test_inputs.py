"""The input-type matrix: every public array function accepts the same kinds of input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import stuntlib

# boy 44 days, 50 cm: WHO anthro unit test, z = (50/56.4833 - 1)/0.03492
EXPECTED = (50 / 56.4833 - 1) / 0.03492


def test_scalar_in_scalar_out() -> None:
    z = stuntlib.height_for_age_zscore(50.0, sex=1, age_days=44)
    assert isinstance(z, float)
    assert z == pytest.approx(EXPECTED, abs=1e-12)


def test_list_in_array_out() -> None:
    z = stuntlib.height_for_age_zscore([50.0, 50.0], sex=[1, "M"], age_days=[44, 44])
    assert isinstance(z, np.ndarray)
    assert z.tolist() == pytest.approx([EXPECTED, EXPECTED])


def test_series_keeps_its_index() -> None:
    heights = pd.Series([50.0, 50.0], index=["a", "b"], name="tb")
    z = stuntlib.height_for_age_zscore(heights, sex=1, age_days=44)
    assert isinstance(z, pd.Series)
    assert z.index.tolist() == ["a", "b"]
    frame = stuntlib.zscores(sex=pd.Series([1, 1], index=[10, 20]), age_days=44, lenhei=50.0)
    assert frame.index.tolist() == [10, 20]


def test_pyarrow_backed_series() -> None:
    import pyarrow as pa  # a core dependency: always present

    assert pa is not None
    heights = pd.Series([50.0, None], dtype="double[pyarrow]")
    sex = pd.Series(["L", None], dtype="string[pyarrow]")
    z = stuntlib.zscores(sex=sex, age_days=44, lenhei=heights)
    assert z["zlen"].iloc[0] == pytest.approx(EXPECTED, abs=1e-12)
    assert z["zlen_reason"].astype(object).tolist()[1] == "missing_sex"


def test_nullable_and_categorical_series() -> None:
    sex = pd.Series(["L", "P"], dtype="category")
    age = pd.Series([44, None], dtype="Int64")
    z = stuntlib.zscores(sex=sex, age_days=age, lenhei=50.0)
    assert z["zlen"].iloc[0] == pytest.approx(EXPECTED, abs=1e-12)
    assert z["zlen_reason"].astype(object).tolist()[1] == "missing_age"


def test_object_array_with_none_and_fixed_width_strings() -> None:
    heights = np.array([50.0, None], dtype=object)
    sex = np.array(["1", "2"], dtype="U1")
    z = stuntlib.zscores(sex=sex, age_days=44, lenhei=heights)
    assert z["zlen"].iloc[0] == pytest.approx(EXPECTED, abs=1e-12)
    assert np.isnan(z["zlen"].iloc[1])


def test_bytes_strings() -> None:
    z = stuntlib.zscores(sex=np.array([b"m"]), age_days=44, lenhei=50.0)
    assert z["zlen"].iloc[0] == pytest.approx(EXPECTED, abs=1e-12)


def test_float32_input() -> None:
    z = stuntlib.height_for_age_zscore(np.array([50.0], dtype=np.float32), sex=1, age_days=44)
    assert z.dtype == np.float64
    assert z[0] == pytest.approx(EXPECTED, abs=1e-6)


def test_all_nan() -> None:
    z = stuntlib.zscores(sex=[np.nan] * 3, age_days=[np.nan] * 3, lenhei=[np.nan] * 3)
    assert z["zlen"].isna().all()
    assert (z["zlen_reason"] == "missing_sex").all()


def test_empty() -> None:
    z = stuntlib.zscores(sex=[], age_days=[], lenhei=[])
    assert len(z) == 0
    assert "zlen" in z.columns and "zlen_reason" in z.columns
    assert stuntlib.height_for_age_zscore(np.array([]), sex=[], age_days=[]).shape == (0,)


def test_dates_as_datetime64_and_python_dates() -> None:
    import datetime as dt

    birth = np.array(["2024-01-01"], dtype="datetime64[D]")
    visit = pd.Series([pd.Timestamp("2024-02-14")])
    r = stuntlib.zscores(sex=1, birth_date=birth, measure_date=visit, lenhei=50.0)
    assert r["age_days"].iloc[0] == 44
    r = stuntlib.zscores(
        sex=1, birth_date=[dt.date(2024, 1, 1)], measure_date=[dt.date(2024, 2, 14)], lenhei=50.0
    )
    assert r["zlen"].iloc[0] == pytest.approx(EXPECTED, abs=1e-12)


@pytest.mark.parametrize(
    "function",
    [
        stuntlib.weight_for_age_zscore,
        stuntlib.head_circumference_for_age_zscore,
        stuntlib.arm_circumference_for_age_zscore,
        stuntlib.triceps_skinfold_for_age_zscore,
        stuntlib.subscapular_skinfold_for_age_zscore,
    ],
)
def test_every_age_based_function_returns_the_type_it_was_given(function) -> None:
    values = pd.Series([10.0, 12.0], index=[3, 4])
    out = function(values, sex=1, age_days=400)
    assert isinstance(out, pd.Series) and out.index.tolist() == [3, 4]
    assert isinstance(function(10.0, sex=1, age_days=400), float)


def test_large_input_is_scored_in_blocks_identically() -> None:
    rng = np.random.default_rng(3)
    n = 300_000  # several blocks on the thread pool
    sex = rng.integers(1, 3, n)
    age = rng.integers(0, 1827, n)
    height = rng.normal(85, 10, n)
    z = stuntlib.height_for_age_zscore(height, sex=sex, age_days=age)
    t = stuntlib.reference.load_table("who2006_lhfa")
    expected = (height / t.m[sex - 1, age] - 1) / t.s[sex - 1, age]
    assert np.allclose(z, expected, rtol=0, atol=1e-12)


def test_thread_count_setting_does_not_change_results(monkeypatch: pytest.MonkeyPatch) -> None:
    from stuntlib import _blocks

    rng = np.random.default_rng(9)
    n = 200_000
    args = {"sex": rng.integers(1, 3, n), "age_days": rng.integers(0, 1827, n),
            "lenhei": rng.normal(85, 10, n)}  # fmt: skip
    default = stuntlib.zscores(**args)
    monkeypatch.setenv(_blocks.THREADS_VARIABLE, "1")
    assert _blocks._max_workers() == 1
    single = stuntlib.zscores(**args)
    # Column by column on the underlying arrays: assert_frame_equal on 200,000-row
    # categorical frames took most of a minute and checks nothing more.
    assert list(single.columns) == list(default.columns)
    for name in default.columns:
        assert single[name].dtype == default[name].dtype, name
        assert single[name].equals(default[name]), name
