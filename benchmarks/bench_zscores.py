"""Benchmark stuntlib's WHO z-scores against the Python peer packages.

Two workloads on the same synthetic children (0-59 months, fixed seed):

``haz``  height-for-age through the array API, ``height_for_age_zscore`` then
         ``classify_stunting`` (issue 2, item 9).
``all4`` ``zscores(..., indicators=("zlen", "zwei", "zwfl", "zbmi"))`` (z-scores, WHO
         flags and reasons) then the class of each indicator (issue 3).

stuntlib runs on every requested size (default 1M and 10M rows): one warm-up call, then
the median of ``--repeat`` timed calls, and one more call under ``tracemalloc`` for the
peak of memory allocated during the call (inputs excluded, outputs included), compared
with the bytes of the input arrays. The peers (``benchmarks/peers.py``) run one child at
a time on the first ``--peer-rows`` rows of the same data; their rows/s is the
subsample's rows over the median time. Agreement with stuntlib is measured on that
subsample. Nothing is asserted: the script only reports.

Run ``python benchmarks/bench_zscores.py --help``; see ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import stuntlib
from stuntlib.lms import r_round
from stuntlib.reference import load_table

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers as _peers  # noqa: E402

SEED = 20_240_617
#: Rows generated per independently seeded chunk: the first k rows are the same for every
#: size, so the peers' subsample is the same children whatever ``--rows`` is.
CHUNK_ROWS = 1_000_000
DEFAULT_ROWS = (1_000_000, 10_000_000)
QUICK_ROWS = (200_000,)
INDICATORS = ("zlen", "zwei", "zwfl", "zbmi")
CLASS_TABLES = {"zlen": "stunting", "zwei": "underweight", "zwfl": "wasting", "zbmi": "bmi_0_5"}
#: Share of children measured in the position the age does not call for.
POSITION_MISMATCH = 0.03
#: Targets from issues 2 and 3 (reported, never asserted).
TARGETS = {"haz_rows_per_s": 20e6, "all4_rows_per_s": 5e6, "peer_ratio": 100.0, "mem_ratio": 3.0}


# --------------------------------------------------------------------------- inputs


def _chunk(n: int, seed: int, k: int) -> dict[str, np.ndarray]:
    """Chunk ``k`` of synthetic children (see :func:`make_inputs`).

    Every random column has its own generator, so the first rows of a chunk do not
    depend on how many rows it has.
    """
    rngs = [np.random.default_rng([seed, k, column]) for column in range(6)]
    sex = rngs[0].integers(1, 3, n, dtype=np.int8)
    age_days = rngs[1].integers(0, 1827, n, dtype=np.int32)  # 0-59 completed months
    # Length/height-for-age z ~ N(-1.1, 1.15): about 22% stunted, as in Indonesia.
    z_len = rngs[2].normal(-1.1, 1.15, n)
    # Weight-for-age z correlated with it (r = 0.7).
    z_wei = -0.4 + 0.7 * z_len + 0.75 * rngs[3].normal(0.0, 1.0, n)
    expected_lying = age_days < 731
    mismatch = rngs[4].random(n) < POSITION_MISMATCH
    lying = expected_lying ^ mismatch
    # Length (< 731 days) or height (>= 731 days) at that z, from the WHO table; a child
    # measured in the other position reads 0.7 cm longer lying / shorter standing.
    table_len = stuntlib.lenhei_from_zscore(z_len, sex=sex, age_days=age_days)
    shift = np.where(lying & ~expected_lying, 0.7, np.where(~lying & expected_lying, -0.7, 0.0))
    lenhei = np.round(table_len + shift, 1)
    wfa = load_table("who2006_wfa")
    idx = (sex.astype(np.intp) - 1, age_days.astype(np.intp))
    weight = stuntlib.lms.value_from_zscore(
        z_wei, wfa.l[idx], wfa.m[idx], wfa.s[idx], restricted=True
    )
    weight = np.round(np.maximum(weight, 0.5), 1)
    measure = np.where(lying, "l", "h").astype("<U1")
    return {
        "sex": sex,
        "age_days": age_days,
        "lenhei": lenhei,
        "weight": weight,
        "measure": measure,
    }


def make_inputs(n: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """Synthetic children 0-59 months, reproducible for a seed.

    Columns: ``sex`` int8 1/2 (half each), ``age_days`` int32 uniform 0-1826,
    ``lenhei`` float64 cm (0.1 cm precision) drawn around the WHO median with HAZ
    ~ N(-1.1, 1.15), ``weight`` float64 kg (0.1 kg) with WAZ correlated 0.7 with HAZ,
    ``measure`` ``<U1`` ``"l"`` under 731 days and ``"h"`` from 731 days, with 3% of
    children measured in the other position (their value shifted by 0.7 cm).
    """
    parts = [
        _chunk(min(CHUNK_ROWS, n - start), seed, k)
        for k, start in enumerate(range(0, n, CHUNK_ROWS))
    ]
    if len(parts) == 1:
        return parts[0]
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def nbytes(inputs: dict[str, np.ndarray], names: Sequence[str]) -> int:
    """Bytes of the named input arrays."""
    return int(sum(inputs[name].nbytes for name in names))


# --------------------------------------------------------------------------- workloads

HAZ_INPUTS = ("sex", "age_days", "lenhei", "measure")
ALL4_INPUTS = ("sex", "age_days", "lenhei", "weight", "measure")


def run_haz(inputs: dict[str, np.ndarray]) -> tuple[np.ndarray, Any]:
    """HAZ and stunting class through the array API."""
    z = stuntlib.height_for_age_zscore(
        inputs["lenhei"],
        sex=inputs["sex"],
        age_days=inputs["age_days"],
        measure=inputs["measure"],
    )
    return z, stuntlib.classify_stunting(z)


def run_all4(inputs: dict[str, np.ndarray]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The four main indicators with flags and reasons, then the class of each."""
    frame = stuntlib.zscores(
        sex=inputs["sex"],
        age_days=inputs["age_days"],
        lenhei=inputs["lenhei"],
        weight=inputs["weight"],
        measure=inputs["measure"],
        indicators=INDICATORS,
    )
    classes = {name: stuntlib.classify(frame[name], CLASS_TABLES[name]) for name in INDICATORS}
    return frame, classes


# --------------------------------------------------------------------------- targets
#
# The speed targets of the z-score core, each a ratio of two timings on the same rows:
#
# ``kernel``       a bare numpy LMS kernel: np.take of L, M and S by sex and rounded day
#                  from the WHO 2006 length/height table, then the LMS formula (the floor
#                  any height-for-age code has to pay);
# ``zlen_class``   ``zscores(indicators=("zlen",))`` plus the stunting class (<= 2.5x kernel);
# ``zlen_default`` ``zscores`` with only sex, age, lenhei and measure and no ``indicators``:
#                  only the indicators whose measurements are given are computed;
# ``score_df``     ``score(df)`` on a frame of sex, age, length and position (<= 4x kernel);
# ``all4_array`` / ``all4_frame`` ``zscores`` of the four main indicators from numpy arrays
#                  and from the columns of a DataFrame (frame <= 1.5x array).

TARGET_RATIOS = {"zlen_class": 2.5, "score_df": 4.0, "all4_frame_over_array": 1.5}


def run_kernel(inputs: dict[str, np.ndarray]) -> np.ndarray:
    """Bare numpy LMS kernel for height-for-age (no rules, no reasons, no flags)."""
    table = load_table("who2006_lhfa")
    idx = inputs["age_days"].astype(np.intp) + np.where(inputs["sex"] == 2, table.size, 0)
    l = table.l.ravel().take(idx)
    m = table.m.ravel().take(idx)
    s = table.s.ravel().take(idx)
    return (np.power(inputs["lenhei"] / m, l) - 1.0) / (l * s)


def run_zlen_class(inputs: dict[str, np.ndarray]) -> Any:
    """zscores for height-for-age only, then the stunting class."""
    frame = stuntlib.zscores(
        sex=inputs["sex"],
        age_days=inputs["age_days"],
        lenhei=inputs["lenhei"],
        measure=inputs["measure"],
        indicators=("zlen",),
    )
    return stuntlib.classify(frame["zlen"], "stunting")


def run_zlen_default(inputs: dict[str, np.ndarray]) -> pd.DataFrame:
    """zscores with the height-for-age inputs and the default indicators."""
    return stuntlib.zscores(
        sex=inputs["sex"],
        age_days=inputs["age_days"],
        lenhei=inputs["lenhei"],
        measure=inputs["measure"],
    )


def _haz_frame(inputs: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({name: inputs[name] for name in HAZ_INPUTS})


def _all4_frame(inputs: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({name: inputs[name] for name in ALL4_INPUTS})


def run_all4_array(inputs: dict[str, np.ndarray]) -> pd.DataFrame:
    """zscores of the four main indicators from numpy arrays."""
    return stuntlib.zscores(**{name: inputs[name] for name in ALL4_INPUTS}, indicators=INDICATORS)


def run_all4_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """zscores of the four main indicators from the columns of a DataFrame."""
    return stuntlib.zscores(**{name: frame[name] for name in ALL4_INPUTS}, indicators=INDICATORS)


def bench_targets(inputs: dict[str, np.ndarray], repeat: int) -> dict[str, Any]:
    """Median times of the target workloads and their ratios (reported, never asserted)."""
    haz_frame = _haz_frame(inputs)
    all4_frame = _all4_frame(inputs)
    calls: dict[str, Callable[[], object]] = {
        "kernel": lambda: run_kernel(inputs),
        "zlen_class": lambda: run_zlen_class(inputs),
        "zlen_default": lambda: run_zlen_default(inputs),
        "score_df": lambda: stuntlib.score(haz_frame),
        "all4_array": lambda: run_all4_array(inputs),
        "all4_frame": lambda: run_all4_frame(all4_frame),
    }
    seconds = {name: time_call(call, repeat)[0] for name, call in calls.items()}
    ratios = {
        "zlen_class": seconds["zlen_class"] / seconds["kernel"],
        "zlen_default": seconds["zlen_default"] / seconds["kernel"],
        "score_df": seconds["score_df"] / seconds["kernel"],
        "all4_frame_over_array": seconds["all4_frame"] / seconds["all4_array"],
    }
    return {"rows": len(inputs["sex"]), "seconds": seconds, "ratios": ratios}


def print_targets(targets: list[dict[str, Any]]) -> None:
    """Print the target ratios."""
    print("\nz-score core targets (median seconds; ratio to the bare kernel or array path)")
    for entry in targets:
        sec, rat = entry["seconds"], entry["ratios"]
        print(f"  {entry['rows']:,} rows: " + ", ".join(f"{k} {v:.3f} s" for k, v in sec.items()))
        for name, ratio in rat.items():
            limit = TARGET_RATIOS.get(name)
            print(f"    {name:<24} {ratio:6.2f}x" + (f"  (target <= {limit}x)" if limit else ""))


def time_call(func: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    """Median wall time of ``repeat`` calls after one warm-up call."""
    func()
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def peak_memory(func: Callable[[], object]) -> int:
    """Peak bytes allocated (tracemalloc) during one call, outputs included."""
    gc.collect()
    tracemalloc.start()
    try:
        func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return int(peak)


def bench_stuntlib(
    inputs: dict[str, np.ndarray], repeat: int, memory: bool = True
) -> dict[str, dict[str, Any]]:
    """Time (and measure the memory of) both workloads on ``inputs``."""
    n = len(inputs["sex"])
    out: dict[str, dict[str, Any]] = {}
    for name, func, used in (
        ("haz", run_haz, HAZ_INPUTS),
        ("all4", run_all4, ALL4_INPUTS),
    ):
        median, times = time_call(lambda f=func: f(inputs), repeat)
        entry: dict[str, Any] = {
            "rows": n,
            "seconds_median": median,
            "seconds": times,
            "rows_per_s": n / median,
            "rows_per_s_best": n / min(times),
            "input_bytes": nbytes(inputs, used),
        }
        if memory:
            peak = peak_memory(lambda f=func: f(inputs))
            entry["tracemalloc_peak_bytes"] = peak
            entry["peak_over_input"] = peak / entry["input_bytes"]
        out[name] = entry
    return out


# --------------------------------------------------------------------------- peers


def _rows_as_python(inputs: dict[str, np.ndarray], rows: int) -> list[tuple[Any, ...]]:
    cols = [inputs[name][:rows].tolist() for name in ALL4_INPUTS]
    return list(zip(*cols, strict=True))


def run_peer_loop(
    func: Callable[..., Any], rows: list[tuple[Any, ...]], with_weight: bool
) -> tuple[float, list[Any], int]:
    """Call ``func`` per row; return seconds, results (None on failure), failures."""
    results: list[Any] = []
    append = results.append
    failures = 0
    start = time.perf_counter()
    for sex, age_days, lenhei, weight, measure in rows:
        try:
            if with_weight:
                append(func(sex, age_days, lenhei, weight, measure))
            else:
                append(func(sex, age_days, lenhei, measure))
        except Exception:
            append(None)
            failures += 1
    return time.perf_counter() - start, results, failures


def _diff_stats(
    peer_z: np.ndarray, ours: np.ndarray, groups: dict[str, np.ndarray]
) -> dict[str, Any]:
    """Compare 2-decimal z-scores where both exist."""
    both = np.isfinite(peer_z) & np.isfinite(ours)
    diff = both & (r_round(peer_z, 2) != r_round(ours, 2))
    absdiff = np.abs(peer_z - ours)[both]
    stats: dict[str, Any] = {
        "compared": int(both.sum()),
        "peer_missing": int((~np.isfinite(peer_z) & np.isfinite(ours)).sum()),
        "differ_2dp": int(diff.sum()),
        "differ_share": float(diff.sum() / max(both.sum(), 1)),
        "differ_gt_0.05": int((absdiff > 0.05).sum()),
        "max_abs_diff": float(absdiff.max()) if absdiff.size else float("nan"),
    }
    stats["differ_share_by_group"] = {
        key: float((diff & mask).sum() / max((both & mask).sum(), 1))
        for key, mask in groups.items()
    }
    return stats


def bench_peers(
    inputs: dict[str, np.ndarray], rows: int, repeat: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Time every installed peer per row on the first ``rows`` rows; agreement figures."""
    sub = {k: v[:rows] for k, v in inputs.items()}
    ours_haz, ours_cls = run_haz(sub)
    ours_frame, _ = run_all4(sub)
    ours_stunted = np.isin(np.asarray(ours_cls), ["severely stunted", "stunted"])
    days = sub["age_days"]
    mismatch = (sub["measure"] == "l") != (days < 731)
    groups = {
        "position_as_age": ~mismatch,
        "position_mismatch": mismatch,
        "age_730": days == 730,
        "abs_z_gt_3": np.abs(ours_haz) > 3,
    }
    reference = {
        "rows": rows,
        "stunting_prevalence": float(ours_stunted.mean()),
        "position_mismatch_rows": int(mismatch.sum()),
    }
    py_rows = _rows_as_python(inputs, rows)
    results = []
    for peer in _peers.PEERS:
        entry: dict[str, Any] = {
            "name": peer.name,
            "version": peer.version(),
            "license": peer.license,
        }
        try:
            haz_fn, all4_fn = peer.load()
        except Exception as exc:  # not installed or broken
            entry["error"] = f"{type(exc).__name__}: {exc}"
            results.append(entry)
            continue
        for mode, func, with_weight in (("haz", haz_fn, False), ("all4", all4_fn, True)):
            run_peer_loop(func, py_rows[: min(200, rows)], with_weight)  # warm-up
            times, last, failures = [], [], 0
            for _ in range(repeat):
                seconds, last, failures = run_peer_loop(func, py_rows, with_weight)
                times.append(seconds)
            median = statistics.median(times)
            mode_entry: dict[str, Any] = {
                "seconds_median": median,
                "seconds": times,
                "rows_per_s": rows / median,
                "failures": failures,
            }
            ok = [r for r in last if r is not None]
            if mode == "haz":
                z = np.array([np.nan if r is None else r[0] for r in last], dtype=np.float64)
                stunted = np.array([r[1] for r in ok], dtype=bool)
                mode_entry["stunting_prevalence"] = float(stunted.mean()) if ok else None
                mode_entry["zlen"] = _diff_stats(z, ours_haz, groups)
            else:
                for j, name in enumerate(INDICATORS):
                    z = np.array([np.nan if r is None else r[j] for r in last], dtype=np.float64)
                    theirs = ours_frame[name].to_numpy()
                    if np.isfinite(z).any():
                        mode_entry[name] = _diff_stats(z, theirs, groups)
                    else:
                        mode_entry[name] = None
            entry[mode] = mode_entry
        results.append(entry)
    return results, reference


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    """Describe the machine and software the figures were measured on."""

    def run(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    here = Path(__file__).resolve().parent
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": run(["nproc"]) or str(os.cpu_count()),
        "free_g": run(["free", "-g"]),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "stuntlib": stuntlib.__version__,
        "git": run(["git", "-C", str(here), "describe", "--always", "--dirty"]),
        "loadavg_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def _rate(x: float) -> str:
    return f"{x / 1e6:8.2f} M" if x >= 1e6 else f"{x / 1e3:8.1f} k"


def _mb(x: float) -> str:
    return f"{x / 2**20:8.1f}"


def print_report(result: dict[str, Any]) -> None:
    """Print the tables to stdout."""
    m = result["machine"]
    print(f"\nstuntlib {m['stuntlib']} ({m['git']}) on {m['nproc']} CPUs, {m['cpu']}")
    print(f"Python {m['python']}, numpy {m['numpy']}, pandas {m['pandas']}, {m['date']}")
    print(f"1-min load average at start {m['loadavg_at_start']}, at end {m['loadavg_at_end']}")
    print(f"\nstuntlib (median of {result['repeat']} after 1 warm-up; memory = tracemalloc peak)")
    head = (
        f"{'workload':<8} {'rows':>11} {'median s':>9} {'rows/s':>11} {'best':>11} "
        f"{'input MiB':>9} {'peak MiB':>9} {'peak/in':>7}"
    )
    print(head)
    print("-" * len(head))
    for size in result["stuntlib"]:
        for name in ("haz", "all4"):
            e = size[name]
            peak = e.get("tracemalloc_peak_bytes")
            print(
                f"{name:<8} {e['rows']:>11,} {e['seconds_median']:>9.3f} {_rate(e['rows_per_s'])} "
                f"{_rate(e['rows_per_s_best'])} "
                f"{_mb(e['input_bytes']):>9} {_mb(peak) if peak else '       -':>9} "
                f"{e.get('peak_over_input', float('nan')):>7.2f}"
            )
    if not result.get("peers"):
        return
    ref = result["peer_reference"]
    print(
        f"\npeers, one child at a time on the first {ref['rows']:,} rows "
        f"(median of {result['peer_repeat']})"
    )
    head = (
        f"{'package':<18} {'haz rows/s':>11} {'all4 rows/s':>12} {'failures':>9} "
        f"{'HAZ differs':>11} {'stunting %':>10}"
    )
    print(head)
    print("-" * len(head))
    print(
        f"{'stuntlib':<18} {'':>11} {'':>12} {0:>9} {'':>11} "
        f"{100 * ref['stunting_prevalence']:>10.2f}"
    )
    for p in result["peers"]:
        label = f"{p['name']} {p['version']}"
        if "error" in p:
            print(f"{label:<18} not available: {p['error']}")
            continue
        h, a = p["haz"], p["all4"]
        print(
            f"{label:<18} {_rate(h['rows_per_s']):>11} {_rate(a['rows_per_s']):>12} "
            f"{h['failures']:>9} {100 * h['zlen']['differ_share']:>10.2f}% "
            f"{100 * (h['stunting_prevalence'] or 0):>10.2f}"
        )
    print("\nstuntlib rows/s over the fastest peer's (same workload)")
    for size in result["stuntlib"]:
        r = size["ratio_to_fastest_peer"]
        print(
            f"  {size['haz']['rows']:>11,} rows: haz {r['haz']:>8,.0f}x "
            f"({r['haz_peer']}), all4 {r['all4']:>8,.0f}x ({r['all4_peer']})"
        )
    print("\nshare of rows whose 2-decimal z-score differs from stuntlib's")
    print(f"{'package':<18} " + " ".join(f"{n:>8}" for n in INDICATORS))
    for p in result["peers"]:
        if "error" in p:
            continue
        cells = []
        for n in INDICATORS:
            s = p["all4"].get(n)
            cells.append(f"{100 * s['differ_share']:>7.2f}%" if s else f"{'n/a':>8}")
        print(f"{p['name']:<18} " + " ".join(cells))


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Parse arguments, run the benchmark, print the report; return the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        type=lambda s: int(float(s.lower().replace("m", "e6").replace("k", "e3"))),
        nargs="+",
        help="row counts (e.g. 1M 10M; default 1M and 10M)",
    )
    parser.add_argument("--quick", action="store_true", help="200k rows, 2,000 peer rows")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions (default 3)")
    parser.add_argument("--peer-rows", type=int, default=20_000, help="peer subsample size")
    parser.add_argument("--peer-repeat", type=int, default=3, help="peer repetitions")
    parser.add_argument("--no-peers", action="store_true", help="skip the peer packages")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--targets",
        action="store_true",
        help="only the core targets: kernel, zlen + class, default indicators, score(df), "
        "DataFrame vs array path",
    )
    args = parser.parse_args(argv)
    sizes = args.rows or (QUICK_ROWS if args.quick else DEFAULT_ROWS)
    peer_rows = min(args.peer_rows, 2_000) if args.quick else args.peer_rows

    result: dict[str, Any] = {
        "machine": machine(),
        "seed": args.seed,
        "repeat": args.repeat,
        "peer_repeat": args.peer_repeat,
        "targets": TARGETS,
        "stuntlib": [],
    }
    if args.targets:
        result["targets_measured"] = []
        for n in sizes:
            inputs = make_inputs(n, args.seed)
            result["targets_measured"].append(bench_targets(inputs, args.repeat))
            del inputs
        result["machine"]["loadavg_at_end"] = os.getloadavg()[0]
        print_targets(result["targets_measured"])
        if args.json:
            args.json.write_text(json.dumps(result, indent=2, default=str) + "\n")
        return result
    largest: dict[str, np.ndarray] = {}
    for n in sizes:
        start = time.perf_counter()
        inputs = make_inputs(n, args.seed)
        print(f"generated {n:,} rows in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        result["stuntlib"].append(bench_stuntlib(inputs, args.repeat, not args.no_memory))
        if n >= len(largest.get("sex", ())):
            largest = inputs
        del inputs
    if not args.no_peers:
        rows = min(peer_rows, len(largest["sex"]))
        peers, reference = bench_peers(largest, rows, args.peer_repeat)
        result["peers"], result["peer_reference"] = peers, reference
        available = [p for p in peers if "error" not in p]
        for size in result["stuntlib"]:
            ratio: dict[str, Any] = {}
            for mode in ("haz", "all4"):
                if available:
                    best = max(available, key=lambda p, m=mode: p[m]["rows_per_s"])
                    ratio[mode] = size[mode]["rows_per_s"] / best[mode]["rows_per_s"]
                    ratio[mode + "_peer"] = best["name"]
                else:
                    ratio[mode], ratio[mode + "_peer"] = float("nan"), None
            size["ratio_to_fastest_peer"] = ratio
    result["machine"]["loadavg_at_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print_report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return result


if __name__ == "__main__":
    main()
