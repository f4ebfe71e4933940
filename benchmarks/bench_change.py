"""Benchmark of stuntlib.change.transitions on linked measurements of two rounds.

Default: 10 million children measured in two rounds (20 million rows), grouped by 80,000
areas (Indonesia has ~84,000 desa/kelurahan). Children keep their area; HAZ follows an
AR(1) series with correlation 0.9 between rounds, so the population is stationary.

Two paths, each in its own process so that peak RSS is its own:

* ``memory``: one call of ``transitions`` on the 20M-row frame;
* ``chunks``: the children are split into K parts by a hash of the child key (every
  round of a child in one part), ``transition_partial_sums`` per part and one
  ``finalize_transitions`` (the partial-sums path of a streaming or Dask run). Peak RSS
  then holds the frame plus one part's working arrays.

Run: ``.venv/bin/python benchmarks/bench_change.py [--children 10000000] [--chunks 8]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def make_frame(children: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.standard_normal(children)
    x2 = 0.9 * x1 + np.sqrt(1 - 0.81) * rng.standard_normal(children)
    z = np.concatenate([-1.2 + 1.1 * x1, -1.2 + 1.1 * x2])
    age1 = rng.integers(0, 1640, children).astype(np.float64)
    base = np.datetime64("2025-02-01").astype("datetime64[s]")
    dates = np.concatenate(
        [np.full(children, base), np.full(children, base + np.timedelta64(181, "D"))]
    )
    area = rng.integers(0, 80_000, children)
    sex = rng.integers(1, 3, children).astype(np.int8)
    ids = rng.permutation(np.arange(10**12, 10**12 + children, dtype=np.int64))
    return pd.DataFrame(
        {
            "child_id": np.concatenate([ids, ids]),
            "round": np.repeat(np.array([1, 2], dtype=np.int64), children),
            "zlen": z,
            "flen": np.zeros(2 * children, dtype=np.int8),
            "age_days": np.concatenate([age1, age1 + 181]),
            "csex": np.concatenate([sex, sex]),
            "clenhei": 85.0 + 3.2 * z,
            "measure_date": dates,
            "area": np.concatenate([area, area]),
        }
    )


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def run(mode: str, children: int, chunks: int) -> dict:
    from stuntlib.change import (
        child_key,
        finalize_transitions,
        transition_partial_sums,
        transitions,
    )

    t0 = time.perf_counter()
    frame = make_frame(children)
    t_make = time.perf_counter() - t0
    rss_data = _peak_gb()
    import scipy.stats  # noqa: F401  (imported once, outside the timing)

    t0, c0 = time.perf_counter(), time.process_time()
    if mode == "memory":
        out = transitions(frame, child="child_id", period="round", by="area", salt="bench")
    else:
        part = child_key(frame["child_id"], salt="bench") % np.uint64(chunks)
        sums = []
        for i in range(chunks):  # one part of the children at a time
            piece = frame[part == i]
            sums.append(
                transition_partial_sums(
                    piece, child="child_id", period="round", by="area", periods=[1, 2],
                    salt="bench",
                )
            )  # fmt: skip
            del piece
        out = finalize_transitions(sums)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {
        "mode": mode,
        "rows": 2 * children,
        "groups": len(out),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "load_average": round(os.getloadavg()[0], 1),
        "rows_per_s": round(2 * children / seconds),
        "peak_rss_gb": round(_peak_gb(), 2),
        "rss_after_data_gb": round(rss_data, 2),
        "data_seconds": round(t_make, 1),
        "newly_stunted": int(out["newly_stunted"].sum()),
        "expected": round(float(out["expected_newly_stunted"].sum()), 1),
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--children", type=int, default=10_000_000)
    p.add_argument("--chunks", type=int, default=8)
    p.add_argument("--mode", choices=["memory", "chunks", "both"], default="both")
    args = p.parse_args()
    if args.mode != "both":
        print(json.dumps(run(args.mode, args.children, args.chunks)))
        return
    for mode in ("memory", "chunks"):
        result = subprocess.run(
            [sys.executable, __file__, "--mode", mode, "--children", str(args.children),
             "--chunks", str(args.chunks)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        r = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{r['mode']:>6}: {r['rows']:,} rows, {r['groups']:,} groups in {r['seconds']} s "
            f"(CPU {r['cpu_seconds']} s, load average {r['load_average']}) "
            f"({r['rows_per_s']:,} rows/s); peak RSS {r['peak_rss_gb']} GB "
            f"(data alone {r['rss_after_data_gb']} GB); newly stunted {r['newly_stunted']:,} "
            f"vs expected {r['expected']:,}"
        )


if __name__ == "__main__":
    main()
