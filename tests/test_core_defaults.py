"""Only the indicators whose measurements are given are computed; the rest keep reasons.

An indicator whose measurement is not given is not computed, but its reason column must
be exactly what the full computation gives (sex, age and age-range reasons first, then
the measurement's reason), so the output does not depend on which path produced it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stuntlib import growth
from stuntlib.indicators import ZSCORE_COLUMNS


def _rows() -> dict[str, object]:
    n = 12
    return {
        "sex": [1, 2, None, "x", 1, 2, 1, 2, 1, 2, 1, 2][:n],
        "age_days": [10, 100, 400, 400, -5, np.nan, 1900, 3000, 5000, 7000, 80, 2000],
        "birth_date": [None] * 5 + ["2024-02-30"] + [None] * 6,
        "measure_date": ["2025-01-01"] * n,
    }


def _full_reasons(values: dict[str, object], name: str) -> list[object]:
    """The reason column of ``name`` computed the long way (no placeholder)."""
    columns, n = growth._collect(values)
    raw = growth._run_blocks(columns, n, (name,), details=True)
    codes = raw[name + "_reason"]
    categories = growth.REASON_DTYPE.categories
    return [np.nan if c < 0 else categories[c] for c in codes]


@pytest.mark.parametrize(
    "given",
    [
        {"lenhei": [50.0] * 12},
        {"weight": [9.0] * 12},
        {"weight": ["abc"] + [9.0] * 11},
        {"lenhei": ["abc", 0, 9000] + [80.0] * 9},
        {"headc": [40.0] * 12},
        {},
    ],
)
def test_placeholder_reasons_equal_the_full_computation(given: dict[str, object]) -> None:
    values = {**_rows(), **given}
    out = growth.zscores(**values)  # type: ignore[arg-type]
    assert list(out.columns[out.columns.isin(ZSCORE_COLUMNS)]) == list(ZSCORE_COLUMNS)
    computed = growth.given_indicators(values)
    for name in ZSCORE_COLUMNS:
        got = [str(x) for x in out[name + "_reason"].astype(object).tolist()]
        assert got == [str(x) for x in _full_reasons(values, name)], name
        if name not in computed:
            assert out[name].isna().all()
            assert out[growth._FLAG_OF[name]].isna().all()


def test_default_computes_only_what_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[str] = []
    original = growth._age_based

    def spy(spec, prep):  # type: ignore[no-untyped-def]
        called.append(spec.z)
        return original(spec, prep)

    monkeypatch.setattr(growth, "_age_based", spy)
    out = growth.zscores(sex=[1, 2], age_days=[400, 500], lenhei=[75.0, 76.0])
    assert called == ["zlen"]
    assert out["zlen"].notna().all()
    assert (out["zwei_reason"] == "missing_measurement").all()
    called.clear()
    growth.zscores(sex=1, age_days=400, lenhei=75.0, weight=9.0, indicators=["zbmi"])
    assert called == ["zbmi"]


def test_given_indicators_follow_the_catalogue() -> None:
    assert growth.given_indicators({"lenhei": 1}) == ("zlen",)
    assert growth.given_indicators({"weight": 1}) == ("zwei",)
    assert growth.given_indicators({"weight": 1, "lenhei": 1}) == ("zlen", "zwei", "zwfl", "zbmi")
    assert growth.given_indicators({"subskin": 1, "triskin": None}) == ("zss",)
    assert pd.Series(growth.given_indicators({})).empty
