"""The kinds of fault of the shared real-world cases 02 and 06, through the default API."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import stuntlib
from stuntlib.errors import StuntlibWarning


def test_even_only_tape_is_scored_over_even_digits_without_being_told() -> None:
    """40 MUAC values ending 0,2,4,6,8 seen 8,8,8,9,7 times (case real_world/02).

    Hand calculation over the five digits the tape can give: E = 8,
    chi2 = (0 + 0 + 0 + 1 + 1) / 8 = 0.25, df = 4, DPS = 100 * sqrt(0.25 / (40 * 4)) = 3.95.
    """
    digits = [0] * 8 + [2] * 8 + [4] * 8 + [6] * 9 + [8] * 7
    muac = [round(12.0 + (i % 5) + 0.1 * d, 1) for i, d in enumerate(digits)]
    df = pd.DataFrame({"sex": [1, 2] * 20, "age_months": range(12, 52), "armc": muac})
    dps = stuntlib.check_quality(df).digit_preference_score.set_index("measure").loc["muac"]
    assert float(dps["dps"]) == pytest.approx(100 * np.sqrt(0.25 / 160), abs=0.01)
    # one odd digit is enough to score over all ten again (the tape is not even-only)
    odd = pd.DataFrame({**df, "armc": [*muac[:-1], 12.3]})
    dps10 = stuntlib.check_quality(odd).digit_preference_score.set_index("measure").loc["muac"]
    assert float(dps10["dps"]) > 30


def test_score_warns_when_half_of_the_date_pair_is_found() -> None:
    """Case real_world/06: 'dob' is found, the visit date 'measured' is not."""
    df = pd.DataFrame({"sex": ["female"], "dob": ["2024-01-15"], "measured": ["2025-01-15"],
                       "weight_kg": [7.0], "height_cm": [64.0]})  # fmt: skip
    with pytest.warns(StuntlibWarning, match="measure_date"):
        stuntlib.score(df)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = stuntlib.score(df, columns={"measure_date": "measured"})
    # (64.0 / 74.0451 - 1) / 0.03479 = -3.90 (girl, 366 days)
    assert s["zlen"].round(2).tolist() == [-3.9]
