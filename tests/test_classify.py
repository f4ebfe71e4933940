"""Classification tables: cut-offs, boundaries, rounding convention, labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import stuntlib
from stuntlib.classification import CLASSIFICATIONS, classify, classify_stunting


def test_stunting_boundaries() -> None:
    z = [-3.01, -3.0, -2.01, -2.0, 3.0, 3.01, np.nan]
    assert classify_stunting(z).tolist() == [
        "severely stunted",
        "stunted",
        "stunted",
        "normal",
        "normal",
        "tall",
        np.nan,
    ]
    assert classify_stunting(z, language="id").tolist()[:2] == ["sangat pendek", "pendek"]


def test_who_rounding_convention() -> None:
    # WHO anthro rounds to 2 decimals before classifying: -2.004 -> -2.00 (not stunted),
    # -2.005 -> -2.00 or -2.01? R: round(-2.005, 2) = -2 (the double is -2.00499...)
    assert classify_stunting([-2.004, -2.0051]).tolist() == ["normal", "stunted"]
    assert classify_stunting([-2.004], rounding="exact").tolist() == ["stunted"]


def test_ordered_categorical() -> None:
    c = classify_stunting([-3.5, 0.0])
    assert c.ordered and c.codes[0] < c.codes[1]
    assert c.min() == "severely stunted"


def test_series_in_series_out() -> None:
    s = pd.Series([-2.5], index=[7], name="zlen")
    out = classify_stunting(s)
    assert isinstance(out, pd.Series) and out.index.tolist() == [7]


@pytest.mark.parametrize(
    ("table", "z", "expected"),
    [
        (
            "underweight",
            [-3.1, -2.5, 1.0, 1.01],
            [
                "berat badan sangat kurang",
                "berat badan kurang",
                "berat badan normal",
                "risiko berat badan lebih",
            ],
        ),
        (
            "wasting",
            [-3.1, -2.1, 1.0, 2.0, 3.0, 3.01],
            [
                "gizi buruk",
                "gizi kurang",
                "gizi baik",
                "berisiko gizi lebih",
                "gizi lebih",
                "obesitas",
            ],
        ),
        (
            "bmi_5_18",
            [-3.1, -2.1, 1.0, 2.0, 2.01],
            ["gizi buruk", "gizi kurang", "gizi baik", "gizi lebih", "obesitas"],
        ),
    ],
)
def test_permenkes_tables(table, z, expected) -> None:
    assert classify(z, table, language="id").tolist() == expected


def test_every_table_is_consistent() -> None:
    for spec in CLASSIFICATIONS.values():
        assert len(spec.labels_en) == len(spec.labels_id) == len(spec.cuts) + 1
        assert list(spec.cuts) == sorted(spec.cuts)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"table": "nope"}, "table"),
        ({"language": "fr"}, "language"),
        ({"rounding": "up"}, "rounding"),
    ],
)
def test_bad_arguments(kwargs, match) -> None:
    with pytest.raises(stuntlib.StuntlibError, match=match):
        classify([0.0], **kwargs)
