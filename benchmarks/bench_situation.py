"""Benchmark of stuntlib.convergence.situation_analysis on all ~84,000 desa/kelurahan.

Input: a counts table (``kode``, ``n``, ``cases``) for 84,000 synthetic desa codes, a KRS
recap and a coverage table with four indicators (numerator/denominator), both as frames.
The run fits the beta-binomial prior, shrinks, classifies with the traffic-light preset
and draws 200 posterior samples per desa (the default above 5,000 areas) for the top-k
probability (k = 1/3).
Run: ``.venv/bin/python benchmarks/bench_situation.py [areas] [draws]``.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pandas as pd

from stuntlib.convergence import situation_analysis


def make_inputs(m: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    i = np.arange(m)
    kode = pd.Series(
        [
            f"{11 + a:02d}.{b:02d}.{c:02d}.{2001 + d:04d}"
            for a, b, c, d in zip(
                i // 100_000, (i // 1000) % 100, (i // 40) % 25, i % 40, strict=True
            )
        ]
    )
    p = rng.beta(8, 24, m)
    n = rng.integers(0, 400, m)
    counts = pd.DataFrame({"kode": kode, "n": n, "cases": rng.binomial(n, p)})
    target = rng.integers(100, 2000, m)
    krs = pd.DataFrame(
        {
            "kode": kode,
            "keluarga_sasaran": target,
            "krs": (target * rng.uniform(0.05, 0.4, m)).astype(int),
        }
    )
    cov = pd.DataFrame({"kode": kode, "balita_sasaran": n + rng.integers(0, 100, m)})
    for ind in ("asi_eksklusif", "mpasi", "imunisasi_dasar_lengkap", "balita_dipantau"):
        den = rng.integers(10, 300, m)
        cov[f"{ind}_pembilang"] = (den * rng.uniform(0.5, 1.0, m)).astype(int)
        cov[f"{ind}_penyebut"] = den
    return counts, krs, cov


def main() -> None:
    m = int(sys.argv[1]) if len(sys.argv) > 1 else 84_000
    draws = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    counts, krs, cov = make_inputs(m)
    assert counts["kode"].is_unique
    t0, c0 = time.perf_counter(), time.process_time()
    table = situation_analysis(counts, area="kode", krs=krs, coverage=cov, draws=draws)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"situation_analysis: {m:,} areas, {draws:,} draws: {elapsed:.2f} s wall, {cpu:.2f} s CPU "
        f"(peak RSS {rss:.2f} GB); priority 1: {(table['kelas_prioritas'] == 1).sum():,}"
    )
    for method in ("fay_herriot",):
        t0, c0 = time.perf_counter(), time.process_time()
        situation_analysis(
            counts,
            area="kode",
            krs=krs,
            coverage=cov,
            draws=draws,
            method=method,
            covariates=["krs_rate"],
        )
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"  with {method} (covariate krs_rate): {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
