"""score(df): aliases, e-PPGBM headers, every row back in order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import stuntlib

EXPECTED = (50 / 56.4833 - 1) / 0.03492  # boy 44 days, 50 cm (WHO anthro unit test)


def test_canonical_names() -> None:
    df = pd.DataFrame({"sex": [1], "age_days": [44], "lenhei": [50.0]})
    out = stuntlib.score(df)
    assert out["zlen"].iloc[0] == pytest.approx(EXPECTED, abs=1e-12)
    assert out["stunting"].iloc[0] == "severely stunted"
    assert out["age_group"].iloc[0] == "00-05 mo"


def test_common_aliases() -> None:
    df = pd.DataFrame(
        {
            "gender": ["m"],
            "dob": ["2024-01-01"],
            "measurement_date": ["2024-02-14"],
            "height_cm": [50.0],
            "weight_kg": [4.0],
        }
    )
    out = stuntlib.score(df)
    assert out["zlen"].iloc[0] == pytest.approx(EXPECTED, abs=1e-12)
    assert out["zwei"].notna().iloc[0]


def test_eppgbm_headers() -> None:
    df = pd.DataFrame(
        {
            "NIK": ["3375010101240001"],
            "JK": ["L"],
            "Tgl Lahir": ["01/01/2024"],
            "Tanggal Pengukuran": ["14/02/2024"],
            "Tinggi": ["50,0"],
            "Berat": [4.1],
            "Cara Ukur": ["Terlentang"],
            "LiLA": [np.nan],
        }
    )
    out = stuntlib.score(df)
    assert out["zlen"].iloc[0] == pytest.approx(EXPECTED, abs=1e-12)
    assert out["NIK"].iloc[0] == "3375010101240001"
    assert out["zac_reason"].iloc[0] == "age_below_range"  # MUAC from 91 days


def test_explicit_mapping_wins() -> None:
    df = pd.DataFrame({"jk": ["L"], "umur": [44], "tb": [50.0], "tinggi_lain": [60.0]})
    out = stuntlib.score(df, columns={"age_days": "umur", "lenhei": "tb"})
    assert out["zlen"].iloc[0] == pytest.approx(EXPECTED, abs=1e-12)


def test_no_row_dropped_or_reordered() -> None:
    rng = np.random.default_rng(0)
    n = 1000
    df = pd.DataFrame(
        {
            "sex": rng.choice(np.array([1, 2, None, "x"], dtype=object), n),
            "age_days": rng.integers(-10, 8000, n),
            "lenhei": rng.normal(80, 30, n),
        },
        index=rng.permutation(np.arange(10_000, 10_000 + n)),
    )
    out = stuntlib.score(df)
    assert out.index.equals(df.index)
    assert (out["lenhei"] == df["lenhei"]).all()
    assert (out["zlen"].notna() | out["zlen_reason"].notna()).all()


def test_missing_sex_column_is_an_argument_error() -> None:
    with pytest.raises(stuntlib.ColumnError, match="no sex column"):
        stuntlib.score(pd.DataFrame({"age_days": [1]}))


def test_unknown_or_ambiguous_mapping() -> None:
    df = pd.DataFrame({"sex": [1], "height": [50.0], "height_cm": [51.0]})
    with pytest.raises(stuntlib.ColumnError, match="look like 'lenhei'"):
        stuntlib.score(df)
    with pytest.raises(stuntlib.ColumnError, match="not a column"):
        stuntlib.score(df, columns={"lenhei": "tinggi"})
    with pytest.raises(stuntlib.ColumnError, match="unknown field"):
        stuntlib.score(df, columns={"haz": "height"})


def test_not_a_frame() -> None:
    with pytest.raises(stuntlib.ColumnError, match="DataFrame"):
        stuntlib.score([1, 2])  # type: ignore[arg-type]


def test_bmi_status_uses_the_reference_of_the_age() -> None:
    # a BMI at the median of each reference: boys day 913 (30 months) of the WHO 2006
    # BMI table and month 100 of the WHO 2007 table; then 1.6 x the 2007 median (obese).
    m2006 = stuntlib.reference.load_table("who2006_bmifa").m[0, 913]
    m2007 = stuntlib.reference.load_table("who2007_bfa").m[0, 40]
    df = pd.DataFrame(
        {
            "sex": [1, 1, 1],
            "age_months": [30, 100, 100],
            "lenhei": [100.0] * 3,
            "weight": [m2006, m2007, 1.6 * m2007],
        }
    )
    out = stuntlib.score(df, language="id")
    assert out["zbmi"].iloc[:2].abs().max() < 0.01
    assert out["bmi_status"].tolist() == ["gizi baik", "gizi baik", "obesitas"]
    assert out["reference"].astype(object).tolist() == ["WHO2006", "WHO2007", "WHO2007"]


def test_indonesian_labels_raise_no_warning() -> None:
    import warnings

    df = pd.DataFrame(
        {
            "sex": [1, 2, 1],
            "age_months": [30, 100, np.nan],
            "lenhei": [90, 128, 80],
            "weight": [13.0, 26.0, 10.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = stuntlib.score(df, language="id")
    assert out["bmi_status"].isna().tolist() == [False, False, True]
    assert set(out["bmi_status"].dropna()) <= set(out["bmi_status"].cat.categories)
