"""Benchmark of stuntlib.prevalence on 10 million scored rows.

1. Census intervals (Wilson), grouped by 80,000 areas (Indonesia has ~84,000 desa/kelurahan).
2. A survey design with 30,000 clusters in 500 strata (weights, Taylor linearisation,
   logit intervals), grouped by 34 provinces and overall.

All 30 indicators (26 cut-off prevalences and 4 mean z-scores) are computed each time.
3. Two bulan timbang rounds (February and August) with 10 % of the children entered twice:
   ``one_per_child`` by NIK and period, then the stunting prevalence of each period.
Run: ``.venv/bin/python benchmarks/bench_prevalence.py [rows]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from stuntlib.estimation import prevalence
from stuntlib.rounds import one_per_child


def make_frame(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "zlen": rng.normal(-1.2, 1.3, n),
            "zwei": rng.normal(-1.1, 1.2, n),
            "zwfl": rng.normal(-0.5, 1.2, n),
            "zbmi": rng.normal(-0.4, 1.2, n),
        }
    )
    for z, f in [("zlen", "flen"), ("zwei", "fwei"), ("zwfl", "fwfl"), ("zbmi", "fbmi")]:
        frame[f] = (np.abs(frame[z]) > 5).astype(np.int8)
    frame["coedema"] = np.where(rng.random(n) < 0.001, "y", "n")
    frame["age_days"] = rng.integers(0, 1827, n).astype(np.float64)
    frame["area"] = rng.integers(0, 80_000, n)
    strata = rng.integers(0, 500, n)
    frame["strata"] = strata
    frame["cluster"] = strata * 60 + rng.integers(0, 60, n)  # 30,000 clusters, 60 per stratum
    frame["province"] = strata % 34
    frame["sw"] = rng.uniform(0.5, 3.0, n)
    return frame


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    t0 = time.perf_counter()
    frame = make_frame(n)
    print(f"rows: {n:,}; data generated in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    census = prevalence(frame, "area")
    t_census = time.perf_counter() - t0
    print(
        f"census (Wilson), 80,000 areas x {census['indicator'].nunique()} indicators "
        f"-> {len(census):,} rows: {t_census:.2f} s"
    )

    t0 = time.perf_counter()
    survey = prevalence(frame, [None, "province"], weights="sw", cluster="cluster", strata="strata")
    t_survey = time.perf_counter() - t0
    print(
        f"survey (30,000 clusters in 500 strata, Taylor + logit), All + 34 provinces "
        f"-> {len(survey):,} rows: {t_survey:.2f} s"
    )

    rng = np.random.default_rng(2)
    children = n // 2
    nik = np.concatenate([np.arange(children), np.arange(children)])
    month = np.repeat(["2025-02-11", "2025-08-11"], children)
    again = rng.random(n) < 0.10
    rounds = (
        frame[["zlen", "flen", "age_days"]]
        .iloc[: 2 * children]
        .assign(nik=nik.astype(str), measure_date=month, weight=rng.uniform(6, 20, 2 * children))
    )
    rounds = pd.concat([rounds, rounds.iloc[np.flatnonzero(again[: 2 * children])]])
    t0 = time.perf_counter()
    dedup = one_per_child(rounds)
    t_dedup = time.perf_counter() - t0
    t0 = time.perf_counter()
    per_period = prevalence(dedup.kept, "period", indicators="stunting")
    t_period = time.perf_counter() - t0
    print(
        f"one_per_child on {len(rounds):,} rows (2 rounds, {len(dedup.dropped):,} duplicates): "
        f"{t_dedup:.2f} s; stunting by period -> {len(per_period)} rows: {t_period:.2f} s"
    )


if __name__ == "__main__":
    main()
