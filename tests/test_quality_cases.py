"""Reported faults of the quality report, each turned into a test (inputs in the tests or
in tests/data/cases/, provenance in tests/data/PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stuntlib
from stuntlib.quality import check_quality
from stuntlib.quality.stats import digit_preference_score

CASES = Path(__file__).parent / "data" / "cases"


# ----------------------------------------------------------------------------------------
# real_world/03: ages in completed months stay the months given
AGES_03 = [7, 12, 19, 30, 30, 37, 42, 49, 55, 60]


def frame_03() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sex": [1, 2] * 5,
            "age_months": AGES_03,
            "weight": [8.5, 9.1, 10.2, 12.0, 11.6, 13.1, 13.9, 14.6, 15.8, 16.9],
            "lenhei": [69.0, 74.0, 80.5, 89.0, 88.0, 94.0, 97.5, 101.0, 105.0, 108.0],
        }
    )


@pytest.mark.parametrize("scored", [True, False], ids=["scored", "input"])
def test_whole_months_stay_whole_months(scored: bool) -> None:
    frame = stuntlib.score(frame_03()) if scored else frame_03()
    report = check_quality(frame, smart=True)
    dist = report.age_distribution
    seen = sorted(
        int(m) for m, n in zip(dist["age_months"], dist["n"], strict=True) for _ in range(int(n))
    )
    assert seen == [7, 12, 19, 30, 30, 37, 42, 49, 55]  # the 60-month child is not under five
    # SMART age ratio: 6-29 months: 7, 12, 19 (3); 30-59: 30, 30, 37, 42, 49, 55 (6)
    assert report.smart is not None
    ratio = report.smart.set_index("criterion").loc["age_ratio", "value"]
    assert ratio == pytest.approx(3 / 6)
    # Whipple (multiples of 6 months among 0-59): 12, 30, 30, 42 -> 4 of 9;
    # 100 * (4 / 9) / (1 / 6) = 266.67
    whipple = report.age_heaping.set_index("measure").loc["whipple_6_months"]
    assert whipple["value"] == pytest.approx(100 * 4 / 9 * 6)
    assert whipple["n"] == 9
    out = report.failures[report.failures["check"] == "age_out_of_range"]
    assert out["index"].tolist() == [9]
    assert out["row"].tolist() == [9]  # the frame's row (shared case real_world/03)
    assert out["sheet_row"].tolist() == [11]  # header on row 1, frame row 9 on row 11


# ----------------------------------------------------------------------------------------
# real_world/05: SMART total not assessable when a component cannot be computed
def test_smart_total_is_not_assessable_without_whz() -> None:
    frame = pd.DataFrame(
        {
            "sex": [1, 2] * 20,
            "age_months": [6 + (i * 53) // 39 for i in range(40)],
            "wt": [9.0 + 0.1 * i for i in range(40)],
            "ht": [70.0 + 0.8 * i for i in range(40)],
        }
    )
    report = check_quality(stuntlib.score(frame), smart=True)
    assert report.smart is not None
    smart = report.smart.set_index("criterion")
    total = smart.loc["total"]
    assert np.isnan(total["value"]) and np.isnan(total["penalty"])
    assert pd.isna(total["category"])
    for name in ("flagged_data", "sd_whz", "skewness_whz", "kurtosis_whz"):
        assert name in total["reason"]
        assert smart.loc[name, "reason"].startswith("not computed")
    # the components that can be computed still are
    assert smart.loc["sex_ratio", "value"] == 1.0
    assert report.overview.set_index("item").loc["smart_total", "warning"] == False  # noqa: E712


def test_smart_total_is_assessed_without_muac_or_clusters(clean_scored: pd.DataFrame) -> None:
    report = check_quality(clean_scored, by=(), smart=True, cluster=None)
    assert report.smart is not None
    total = report.smart.set_index("criterion").loc["total"]
    assert not np.isnan(total["value"]) and total["reason"] == ""


@pytest.fixture
def clean_scored() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 600
    months = rng.uniform(6, 60, n)
    return pd.DataFrame(
        {
            "csex": rng.integers(1, 3, n),
            "age_days": np.floor(months * 30.4375),
            "age_months": np.floor(months * 30.4375) / 30.4375,
            "lenhei": np.round(rng.uniform(65, 110, n), 1),
            "weight": np.round(rng.uniform(7, 20, n), 1),
            "zwfl": rng.normal(size=n),
            "fwfl": 0,
        }
    )


# ----------------------------------------------------------------------------------------
# real_world/02: digit preference over the digits the instrument can give
DIGITS_02 = [0] * 8 + [2] * 8 + [4] * 8 + [6] * 9 + [8] * 7


def frame_02() -> pd.DataFrame:
    muac = [round(12.0 + (i % 5) + 0.1 * d, 1) for i, d in enumerate(DIGITS_02)]
    n = len(muac)
    return pd.DataFrame(
        {"sex": [1, 2] * (n // 2), "age_months": [12 + i for i in range(n)], "armc": muac}
    )


def test_dps_over_even_digits_of_an_even_mm_tape() -> None:
    # digits 0, 2, 4, 6, 8 seen 8, 8, 8, 9, 7 times: E = 8, chi2 = (1 + 1) / 8 = 0.25,
    # DPS = 100 sqrt(0.25 / (40 * 4)) = 3.953
    report = check_quality(frame_02(), digits={"muac": (0, 2, 4, 6, 8)})
    row = report.digit_preference_score.set_index("measure").loc["muac"]
    assert row["dps"] == pytest.approx(100 * np.sqrt(0.25 / 160))
    assert row["dps"] == pytest.approx(3.95, abs=0.005)
    assert row["chi2"] == pytest.approx(0.25)
    assert not row["warning"]
    # over ten digits the same data give chi2 = (16*3 + 25 + 9)/4 + 5 * 16/4 = 40.5,
    # DPS = 100 sqrt(40.5 / 360) = 33.54
    # declared all ten (undeclared, a tape that gave no odd digit is read as even-only)
    ten = check_quality(frame_02(), digits={"muac": tuple(range(10))})
    ten = ten.digit_preference_score.set_index("measure").loc["muac"]
    assert ten["dps"] == pytest.approx(100 * np.sqrt(40.5 / 360))


def test_dps_digits_argument_is_checked() -> None:
    from stuntlib.errors import StuntlibError

    with pytest.raises(StuntlibError, match="digits"):
        digit_preference_score([1] * 10, digits=(0,))
    with pytest.raises(StuntlibError, match="digits"):
        digit_preference_score([1] * 10, digits=(0, 10))


def heaped_city(seed: int = 11) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """284 posyandu in 71 kelurahan, named Posyandu 1-4 in each (names repeat);
    in 25 of them every height ends in .0 or .5."""
    rng = np.random.default_rng(seed)
    kel = np.repeat([f"KEL {k:02d}" for k in range(71)], 4)
    pos = np.tile([f"Posyandu {p}" for p in range(1, 5)], 71)
    per = 60
    frame = pd.DataFrame(
        {
            "kelurahan": np.repeat(kel, per),
            "posyandu": np.repeat(pos, per),
            "sex": rng.integers(1, 3, kel.size * per),
            "age_days": rng.integers(0, 1826, kel.size * per),
            "lenhei": np.round(rng.uniform(60, 110, kel.size * per), 1),
            "weight": np.round(rng.uniform(6, 20, kel.size * per), 1),
        }
    )
    chosen = rng.choice(kel.size, 25, replace=False)
    planted = {(kel[i], pos[i]) for i in chosen}
    rows = (
        pd.Series(list(zip(frame["kelurahan"], frame["posyandu"], strict=True)))
        .isin(planted)
        .to_numpy()
    )
    frame.loc[rows, "lenhei"] = np.round(frame.loc[rows, "lenhei"] * 2) / 2
    return frame, planted


def test_per_posyandu_digit_preference_finds_heaping_hidden_city_wide() -> None:
    frame, planted = heaped_city()
    report = check_quality(frame)
    assert report.by == ("kelurahan", "posyandu")  # default where both exist
    assert len(report.summary) == 284  # not 4: names repeat across kelurahan
    overall = report.digit_preference_score.set_index("measure").loc["height"]
    assert not overall["warning"]  # city-wide the heaping is diluted
    warned = report.warnings[(report.warnings["scope"] == "group")]
    warned = warned[warned["item"] == "dps_height"]
    found = set(zip(warned["kelurahan"], warned["posyandu"], strict=True))
    assert found == planted
    # by posyandu name alone would merge 284 posyandu into 4 groups
    assert len(check_quality(frame, by="posyandu").summary) == 284
    assert len(check_quality(frame, by=["posyandu"], columns={}).summary) == 284


# ----------------------------------------------------------------------------------------
# real_world/07: NA . - #N/A and blanks are missing, not invalid
def test_missing_tokens_count_as_missing() -> None:
    frame = pd.read_csv(
        CASES / "real_world" / "07_na_tokens_reported_invalid.csv",
        dtype=str,
        keep_default_na=False,
    )
    report = check_quality(frame)
    row = report.completeness.set_index("variable").loc["lenhei"]
    assert (row["n_missing"], row["n_invalid"]) == (3, 0)  # NA, ".", empty
    assert report.failing_rows("missing_lenhei").tolist() == [1, 2, 3]
    tokens = ["NA", ".", "-", "", "#N/A", " na ", "12"]
    other = pd.DataFrame(
        {
            "JK": ["L"] * 6 + ["NA"],
            "Tgl Lahir": ["#N/A", "-", "01/01/2024", "01/01/2024", ".", "NA", "01/01/2024"],
            "Tanggal Pengukuran": ["01/08/2025"] * 7,
            "Tinggi": tokens,
            "Berat": tokens,
            "NIK": ["NA", "-", "#N/A", ".", "", "3375010101240001", "3375010101240002"],
        }
    )
    report = check_quality(other)
    comp = report.completeness.set_index("variable")
    assert comp.loc["lenhei", "n_missing"] == 6 and comp.loc["lenhei", "n_invalid"] == 0
    assert comp.loc["weight", "n_missing"] == 6 and comp.loc["weight", "n_invalid"] == 0
    assert comp.loc["birth_date", "n_missing"] == 4 and comp.loc["birth_date", "n_invalid"] == 0
    assert comp.loc["sex", "n_missing"] == 1 and comp.loc["sex", "n_invalid"] == 0
    assert report.failing_rows("missing_nik").tolist() == [0, 1, 2, 3, 4]
    assert report.failing_rows("nik_format").tolist() == []


def test_dates_in_the_future_fail_a_check() -> None:
    """Reliability case 23: typed years after today (this test runs before 2029)."""
    frame = pd.DataFrame({
        "sex": [1, 2, 1], "lenhei": [84.0, 80.0, 84.0], "weight": [11.0, 10.0, 11.0],
        "birth_date": ["01/01/2029", "01/01/2023", "01/01/2023"],
        "measure_date": ["11/08/2031", "11/08/2025", "11/08/2099"],
    })  # fmt: skip
    report = check_quality(frame)
    assert report.failing_rows("future_date").tolist() == [0, 2]


# ----------------------------------------------------------------------------------------
# reliability/14: a frame without the profiled columns gives a report that says so
@pytest.mark.parametrize(
    ("frame", "by"),
    [
        (pd.DataFrame(), None),
        (pd.DataFrame({"kelurahan": ["TIRTO"]}), "kelurahan"),
        (pd.DataFrame({"subskin": [7.5]}), None),
    ],
    ids=["no columns", "only kelurahan", "only subskin"],
)
def test_frame_without_measurements_reports_what_it_cannot_compute(
    frame: pd.DataFrame, by: str | None
) -> None:
    report = check_quality(frame, by=by, smart=True)
    assert report.warnings.empty
    assert "completeness" in set(report.notes["table"])
    assert report.notes["reason"].str.startswith("not computed: needs").all()
    assert report.smart is not None
    total = report.smart[report.smart["criterion"] == "total"]
    assert total["value"].isna().all() and total["reason"].str.startswith("not assessable").all()
    assert report.to_html().startswith("<section")
    assert "not computed" in report.to_text()


# ----------------------------------------------------------------------------------------
# reliability/12 and 20: mixed-type group columns
def test_mixed_type_group_column_is_grouped_by_text() -> None:
    frame = pd.DataFrame(
        {
            "sex": [1, 2, 1, 2],
            "age_days": [400, 500, 600, 700],
            "lenhei": [70.0, 72.0, 74.0, 76.0],
            "posyandu": [1, "Melati", 2, 1.0],
            "kelurahan": [1, "TIRTO", 2, 1],
        }
    )
    scored = stuntlib.score(frame)
    report = check_quality(scored, by="posyandu")
    keys = report.summary[["kelurahan", "posyandu"]].values.tolist()
    assert keys == [["1", "1"], ["2", "2"], ["TIRTO", "Melati"]]
    assert report.summary["n"].tolist() == [2, 1, 1]


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 0, 2]])
def test_group_labels_do_not_depend_on_row_order(order: list[int]) -> None:
    frame = pd.DataFrame(
        {"zlen": [-2.5, -1.0, 0.3], "flen": 0, "rw": [1, True, 1.0], "sex": [1, 2, 1]}
    )
    summary = check_quality(frame.iloc[order], by="rw").summary
    assert summary["rw"].tolist() == ["1"]  # 1, True and 1.0 read "1"
    assert summary["n"].tolist() == [3]


# ----------------------------------------------------------------------------------------
# reliability/18: the quality HTML shows row numbers and reasons, never NIKs or names
def export_18() -> pd.DataFrame:
    rows = [
        {
            "No": i + 1,
            "NIK": f"33750114012300{i:02d}",
            "Nama": f"Anak Fiktif {i}",
            "Alamat": f"Jl. Khayalan No. {i}",
            "JK": "P" if i % 2 else "L",
            "Tgl Lahir": "01/01/2023",
            "Tanggal Pengukuran": "11/08/2025",
            "Berat": "11,0",
            "Tinggi": "84,0",
            "Cara Ukur": "Berdiri",
            "Desa/Kel": "TIRTO",
            "Posyandu": "Melati",
        }
        for i in range(30)
    ]
    return pd.DataFrame(rows)


def test_quality_html_has_rows_and_reasons_but_no_identifiers() -> None:
    frame = export_18()
    report = check_quality(stuntlib.score(frame))
    # NIK day 14 is a boy's code; the odd rows are girls: nik_sex fails on them, and
    # the birth date 01/01/2023 differs from the NIK's 140123 on every row
    assert set(report.failures["check"]) >= {"nik_sex", "nik_birth_date"}
    page = report.to_html()
    for i in range(30):
        assert frame.loc[i, "NIK"] not in page
        assert frame.loc[i, "Nama"] not in page
        assert frame.loc[i, "Alamat"] not in page
    assert "NIK encodes the other sex" in page
    assert "<td>3</td>" in page  # the second child is on sheet row 3
    values = report.failures["value"].astype(str)
    assert not values.isin(frame["NIK"]).any()
    assert "nik" not in report.failures.columns and "name" not in report.failures.columns


def test_failure_table_locates_rows_in_the_export() -> None:
    frame = export_18()
    frame.loc[4, "JK"] = None
    report = check_quality(frame, language="id")
    row = report.failures[report.failures["check"] == "missing_sex"].iloc[0]
    assert (row["index"], row["row"], row["sheet_row"], row["no"]) == (4, 4, 6, 5)
    assert (row["kelurahan"], row["posyandu"]) == ("TIRTO", "Melati")
    assert row["description"] == "Jenis kelamin kosong."
    shifted = check_quality(frame, first_row=5).failures
    assert shifted.loc[shifted["check"] == "missing_sex", "sheet_row"].tolist() == [9]
    named = check_quality(frame, include_identifiers=True).failures
    fmt = named[named["check"] == "nik_sex"]
    assert fmt["nik"].tolist() == frame.loc[fmt["index"], "NIK"].tolist()
    assert fmt["value"].tolist() == frame.loc[fmt["index"], "NIK"].tolist()
    assert named["name"].iloc[0] == "Anak Fiktif 0"
    # even then, the HTML leaves them out
    assert frame.loc[1, "NIK"] not in check_quality(frame, include_identifiers=True).to_html()
