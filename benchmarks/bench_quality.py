"""Benchmark: check_quality on 10 million synthetic scored rows.

Run ``python benchmarks/bench_quality.py [n_rows]``. The frame has the columns of a
scored e-PPGBM frame (NIK, sex, dates, measurements, position, z-scores and WHO flags,
kelurahan/posyandu); building it is not timed. Budget: well under 30 s for 10M rows.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from stuntlib.quality import check_quality


def synthetic_scored(n: int, seed: int = 0) -> pd.DataFrame:
    """A clean scored-like frame drawn from the WHO standard (z ~ N(0, 1))."""
    rng = np.random.default_rng(seed)
    sex = np.where(rng.random(n) < 1.05 / 2.05, 1, 2).astype(np.int8)
    visit = np.datetime64("2025-08-01") + rng.integers(0, 28, n).astype("timedelta64[D]")
    age = rng.integers(0, 1826, n)
    birth = visit - age.astype("timedelta64[D]")
    day = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    month = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    year = (birth.astype("datetime64[Y]").astype(np.int64) + 1970) % 100
    ddmmyy = (day + 40 * (sex == 2)) * 10000 + month * 100 + year
    region = 330000 + np.arange(n) // 10000  # a distinct NIK per row
    nik = region * 10**10 + ddmmyy * 10000 + np.arange(n) % 10000
    z = rng.standard_normal((n, 4))
    months = age / 30.4375
    height = np.round(50 + 1.1 * months - 0.008 * months**2 + 3 * z[:, 0], 1)
    median_weight = 3.3 + 0.35 * months - 0.002 * months**2
    weight = np.round(median_weight * (1 + 0.12 * z[:, 1]), 1)
    n_pos = max(1, n // 70)
    posyandu = rng.integers(0, n_pos, n)
    frame = pd.DataFrame(
        {
            "NIK": pd.array(nik).astype("string"),
            "JK": np.where(sex == 1, "L", "P"),
            "Tgl Lahir": birth,
            "Tanggal Pengukuran": visit,
            "Berat": weight,
            "Tinggi": height,
            "Cara Ukur": np.where(age < 731, "Terlentang", "Berdiri"),
            "Desa/Kel": pd.array(np.char.add("KEL ", (posyandu // 10).astype(str)), dtype="str"),
            "Posyandu": pd.array(
                np.char.add("Posyandu ", (posyandu % 10).astype(str)), dtype="str"
            ),
            "age_days": age.astype(np.float64),
            "csex": pd.array(sex, dtype="Int8"),
            "cmeasure": pd.Categorical.from_codes((age >= 731).astype(np.int8), ["l", "h"]),
            "zlen": z[:, 0],
            "zwei": z[:, 1],
            "zwfl": z[:, 2],
            "zbmi": z[:, 3],
        }
    )
    for zname, fname, low, high in (
        ("zlen", "flen", -6, 6),
        ("zwei", "fwei", -6, 5),
        ("zwfl", "fwfl", -5, 5),
        ("zbmi", "fbmi", -5, 5),
    ):
        frame[fname] = ((frame[zname] < low) | (frame[zname] > high)).astype("Int8")
    return frame


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    frame = synthetic_scored(n)
    start = time.perf_counter()
    report = check_quality(frame, by=["kelurahan"], smart=True)
    elapsed = time.perf_counter() - start
    print(f"check_quality, {n:,} rows, by kelurahan, smart=True: {elapsed:.1f} s")
    print(f"warnings: {len(report.warnings)}, failures: {len(report.failures)}")


if __name__ == "__main__":
    main()
