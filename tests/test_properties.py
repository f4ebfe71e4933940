"""Hypothesis properties of the z-score core: invariants that must hold for any input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import stuntlib
from stuntlib import _blocks
from stuntlib.lms import restricted_zscore, value_from_zscore, zscore_from_lms
from stuntlib.reference import load_table

sexes = st.sampled_from([1, 2])
days = st.integers(min_value=0, max_value=1826)
months_2007 = st.floats(min_value=60.0, max_value=228.0)
z_values = st.floats(min_value=-5.5, max_value=5.5, allow_nan=False)


@given(sex=sexes, age=days, z=z_values)
def test_height_round_trips_through_its_z_score(sex: int, age: int, z: float) -> None:
    height = stuntlib.lenhei_from_zscore(z, sex=sex, age_days=age)[0]
    assert stuntlib.height_for_age_zscore(height, sex=sex, age_days=age) == pytest.approx(
        z, abs=1e-9
    )


@given(sex=sexes, months=months_2007, z=z_values)
def test_height_round_trips_with_the_2007_reference(sex: int, months: float, z: float) -> None:
    age = months * 30.4375
    height = stuntlib.lenhei_from_zscore(z, sex=sex, age_days=age)[0]
    back = stuntlib.zscores(sex=sex, age_days=age, lenhei=height)["zlen"].iloc[0]
    assert back == pytest.approx(z, abs=1e-9)


@given(sex=sexes, age=days)
def test_z_is_zero_at_the_median(sex: int, age: int) -> None:
    t = load_table("who2006_lhfa")
    median = t.m[sex - 1, age]
    assert stuntlib.height_for_age_zscore(median, sex=sex, age_days=age) == pytest.approx(
        0.0, abs=1e-12
    )


@given(
    sex=sexes,
    age=days,
    heights=arrays(np.float64, 12, elements=st.floats(min_value=30.0, max_value=140.0)),
)
def test_monotone_in_height(sex: int, age: int, heights: np.ndarray) -> None:
    ordered = np.sort(heights)
    z = stuntlib.height_for_age_zscore(ordered, sex=sex, age_days=age)
    assert np.all(np.diff(z) >= 0)


@pytest.mark.parametrize("name", ["who2006_wfa", "who2006_bmifa", "who2006_acfa"])
@given(
    data=st.data(),
    weights=arrays(np.float64, 10, elements=st.floats(min_value=0.5, max_value=60.0)),
)
def test_restricted_z_is_monotone_and_continuous_at_3sd(
    name: str, data: st.DataObject, weights: np.ndarray
) -> None:
    t = load_table(name)
    sex = data.draw(sexes) - 1
    i = data.draw(st.integers(min_value=0, max_value=t.size - 1))
    l, m, s = t.l[sex, i], t.m[sex, i], t.s[sex, i]
    z = restricted_zscore(np.sort(weights), l, m, s)
    assert np.all(np.diff(z) >= -1e-12)
    for k in (3.0, -3.0):
        at = value_from_zscore(k, l, m, s)
        eps = 1e-9 * at
        below, above = restricted_zscore([at - eps, at + eps], l, m, s)
        assert below == pytest.approx(k, abs=1e-6) and above == pytest.approx(k, abs=1e-6)


@given(
    data=st.data(),
    z=st.floats(min_value=-7.0, max_value=7.0),
)
def test_restricted_inverse_round_trips(data: st.DataObject, z: float) -> None:
    t = load_table("who2006_wfa")
    sex = data.draw(sexes) - 1
    i = data.draw(st.integers(min_value=0, max_value=t.size - 1))
    l, m, s = t.l[sex, i], t.m[sex, i], t.s[sex, i]
    y = value_from_zscore(z, l, m, s, restricted=True)
    assert restricted_zscore(y, l, m, s) == pytest.approx(z, abs=1e-9)


@given(y=st.floats(min_value=1.0, max_value=100.0), m=st.floats(min_value=1.0, max_value=100.0))
def test_lms_formula_with_l_zero_is_the_log(y: float, m: float) -> None:
    assert zscore_from_lms(y, 0.0, m, 0.1) == pytest.approx(np.log(y / m) / 0.1, abs=1e-12)


def _random_children(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(-5, 2400, n).astype(float)
    age[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "sex": rng.choice(
                np.array([1, 2, 3, None], dtype=object), n, p=[0.48, 0.48, 0.02, 0.02]
            ),
            "age_days": age,
            "lenhei": rng.normal(85, 20, n),
            "weight": rng.normal(12, 4, n),
            "measure": rng.choice(np.array(["l", "h", None, "x"], dtype=object), n),
            "oedema": rng.choice(np.array(["n", "y"], dtype=object), n, p=[0.97, 0.03]),
            "armc": rng.normal(15, 2, n),
        }
    )


@given(seed=st.integers(min_value=0, max_value=2**16), n=st.integers(min_value=1, max_value=300))
def test_row_order_does_not_change_results(seed: int, n: int) -> None:
    children = _random_children(n, seed)
    order = np.random.default_rng(seed + 1).permutation(n)
    whole = stuntlib.zscores(**{c: children[c] for c in children})
    shuffled = children.iloc[order]
    again = stuntlib.zscores(**{c: shuffled[c] for c in shuffled})
    pd.testing.assert_frame_equal(again.sort_index(), whole)


@given(seed=st.integers(min_value=0, max_value=2**16), cut=st.integers(min_value=0, max_value=200))
def test_chunking_does_not_change_results(seed: int, cut: int) -> None:
    children = _random_children(200, seed)
    whole = stuntlib.score(children)
    parts = pd.concat([stuntlib.score(children.iloc[:cut]), stuntlib.score(children.iloc[cut:])])
    pd.testing.assert_frame_equal(parts, whole)


def test_blocks_and_threads_do_not_change_results(monkeypatch: pytest.MonkeyPatch) -> None:
    children = _random_children(5_000, 7)
    single = stuntlib.zscores(**{c: children[c] for c in children})
    monkeypatch.setattr(_blocks, "BLOCK_ROWS", 97)  # many uneven blocks on the pool
    blocked = stuntlib.zscores(**{c: children[c] for c in children})
    pd.testing.assert_frame_equal(blocked, single)
    assert stuntlib.classify_stunting(single["zlen"]).equals(
        stuntlib.classify_stunting(blocked["zlen"])
    )


_AGE_BASED = [
    (stuntlib.weight_for_age_zscore, (0.5, 60.0)),
    (stuntlib.head_circumference_for_age_zscore, (25.0, 60.0)),
    (stuntlib.arm_circumference_for_age_zscore, (6.0, 30.0)),
    (stuntlib.triceps_skinfold_for_age_zscore, (2.0, 30.0)),
    (stuntlib.subscapular_skinfold_for_age_zscore, (2.0, 30.0)),
]


@pytest.mark.parametrize(("function", "bounds"), _AGE_BASED)
@given(data=st.data())
def test_every_age_based_indicator_is_monotone(function, bounds, data: st.DataObject) -> None:
    values = data.draw(
        arrays(np.float64, 8, elements=st.floats(min_value=bounds[0], max_value=bounds[1]))
    )
    sex = data.draw(sexes)
    age = data.draw(st.integers(min_value=91, max_value=1826))
    z = function(np.sort(values), sex=sex, age_days=age)
    assert np.all(np.diff(z) >= -1e-12)


@given(
    sex=sexes,
    age=st.one_of(st.none(), days),
    lenhei=st.floats(min_value=45.0, max_value=110.0),
    weights=arrays(np.float64, 8, elements=st.floats(min_value=1.0, max_value=40.0)),
)
def test_weight_for_lenhei_and_bmi_are_monotone_in_weight(sex, age, lenhei, weights) -> None:
    if age is not None and age >= 731:
        lenhei = max(lenhei, 65.0)
    w = np.sort(weights)
    wfl = stuntlib.weight_for_lenhei_zscore(w, lenhei, sex=sex, age_days=age)
    assert np.all(np.diff(wfl) >= -1e-12)
    if age is not None:
        bmi = stuntlib.bmi_for_age_zscore(w, lenhei, sex=sex, age_days=age)
        assert np.all(np.diff(bmi) >= -1e-12)


@given(x=st.floats(min_value=-50, max_value=50, allow_nan=False))
def test_r_round_is_a_two_decimal_neighbour(x: float) -> None:
    r = float(stuntlib.lms.r_round(x, 2))
    assert abs(r - x) <= 0.005 + 1e-12
    assert r == round(r * 100) / 100


_CELL_TEXT = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "",
            " ",
            "NA",
            " n/a ",
            "-",
            ".",
            "null",
            "TIRTO",
            " Tirto\t",
            "\u00a0x\u00a0",
            "1.0",
            "l",
            "Berdiri",
        ]
    ),  # fmt: skip
    st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
)


@given(st.lists(_CELL_TEXT, max_size=40))
def test_a_text_column_reads_alike_as_str_dtype_and_as_cells(cells) -> None:
    """Cells of text read the same whether pandas typed the column str or left it object.

    The str-dtype column takes one Arrow pass; an object column (text mixed with numbers
    in an export) goes through the distinct values: same stripping, same tokens.
    """
    from stuntlib.io import _cells

    as_str = pd.Series(cells, dtype="str")
    as_cells = pd.Series(cells, dtype=object)
    pd.testing.assert_series_equal(_cells.as_text(as_str), _cells.as_text(as_cells))
    masked = _cells.mask_missing_tokens(as_str)
    expected = _cells.mask_missing_tokens(as_cells)
    assert masked.isna().tolist() == expected.isna().tolist()
    assert masked.dropna().astype(object).tolist() == expected.dropna().astype(object).tolist()


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.floats(allow_nan=True),
            st.integers(-(10**17), 10**17),
            st.from_regex(r"[ \t\u00a0]{0,2}(NA|n/a|-|\.|null|NaN|TIRTO|12,5|x)?[ \t\u00a0\n]{0,2}",
                          fullmatch=True),
        ),
        max_size=40,
    )
)  # fmt: skip
def test_tokens_in_a_column_of_text_and_numbers_are_found_as_python_strips_them(cells) -> None:
    """In a column mixing numbers and text, exactly the text cells whose stripped text
    is a missing-value token become missing; numbers are never tokens."""
    from stuntlib.io import _cells

    series = pd.Series(cells, dtype=object)
    expected = [
        c is None or (isinstance(c, float) and np.isnan(c))
        or (isinstance(c, str) and c.strip() in _cells.MISSING_TOKENS)
        for c in cells
    ]  # fmt: skip
    assert _cells.mask_missing_tokens(series).isna().tolist() == expected
    assert _cells.is_text(series).tolist() == [isinstance(c, str) for c in cells] or (
        pd.api.types.infer_dtype(series, skipna=True) not in ("mixed", "mixed-integer")
    )


def test_holds_text_is_isinstance_str_or_bytes() -> None:
    from stuntlib.io._cells import holds_text, mask_missing_tokens

    cells = np.array(["a", np.str_("b"), b"c", 1.5, 7, None, "", True], dtype=object)
    assert holds_text(cells).tolist() == [True, True, True, False, False, False, True, False]
    assert holds_text(np.array([], dtype=object)).tolist() == []
    # bytes are read as their text, as pandas decodes them: b"NA" is a missing token
    assert mask_missing_tokens(pd.Series([b"NA", "x", 1.5], dtype=object)).tolist() == [
        None, "x", 1.5,
    ]  # fmt: skip


@given(st.lists(st.one_of(st.none(), st.from_regex(r"'?[0-9 \t\u00a0]{0,18}", fullmatch=True),
                          st.text(max_size=8)), max_size=30))  # fmt: skip
def test_a_nik_typed_as_text_loses_its_blanks_and_apostrophe_only(cells) -> None:
    """The NIK rule for text cells, written out: no blanks (Unicode), no leading ``'``."""
    import re

    from stuntlib.standardize import parse_nik

    got = parse_nik(pd.Series(cells, dtype=object)).text.tolist()
    for cell, text in zip(cells, got, strict=True):
        expected = None if cell is None else re.sub(r"\s+", "", cell).lstrip("'")
        assert (text if text is not pd.NA else None) == (expected or None)
