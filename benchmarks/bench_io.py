"""Reading the bundled e-PPGBM sample (CSV vs xlsx) and matching its areas.

Reports the best and the median of ``--repeat`` wall-clock times of ``read_measurements`` on
``data/samples/pekalongan_eppgbm.csv`` and ``.xlsx`` (20,040 rows each), the xlsx/CSV
ratio, and the time of ``stuntlib.areas.match_areas`` on the read rows (first call, which
loads the national registry, and a second call). ``--engine openpyxl`` times the
openpyxl reader stuntlib used before python-calamine, for the before/after figures.
Asserts nothing.

Usage::

    python benchmarks/bench_io.py [--repeat 3] [--engine openpyxl]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings
from pathlib import Path

import pandas as pd

import stuntlib
from stuntlib.errors import StuntlibWarning
from stuntlib.io import read_measurements

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "data" / "samples" / "pekalongan_eppgbm.csv"
XLSX = ROOT / "data" / "samples" / "pekalongan_eppgbm.xlsx"


def timed(fn, repeat: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """Best and median wall-clock seconds of ``repeat`` calls, and their median CPU seconds.

    CPU (this process, all threads) is the figure to compare on a shared machine.
    """
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(times), statistics.median(times), statistics.median(cpu)


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    return float(timed(fn, repeat)[0])


def openpyxl_cells(path: Path) -> int:
    """The raw-cell read of the former reader (openpyxl read-only, values only)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--engine", choices=("calamine", "openpyxl"), default="calamine")
    args = ap.parse_args()
    warnings.simplefilter("ignore", StuntlibWarning)
    print(f"stuntlib {stuntlib.__version__}, pandas {pd.__version__}, {platform.platform()}")
    csv, csv_median, csv_cpu = timed(lambda: read_measurements(CSV), args.repeat)
    xlsx, xlsx_median, xlsx_cpu = timed(lambda: read_measurements(XLSX), args.repeat)
    print(
        f"read_measurements CSV : best {csv:6.2f} s, median {csv_median:6.2f} s, "
        f"median CPU {csv_cpu:6.2f} s"
    )
    print(
        f"read_measurements xlsx: best {xlsx:6.2f} s, median {xlsx_median:6.2f} s, "
        f"median CPU {xlsx_cpu:6.2f} s ({xlsx_median / csv_median:.1f}x the CSV)"
    )
    if args.engine == "openpyxl":
        raw = best(lambda: openpyxl_cells(XLSX), 1)
        print(f"openpyxl raw cells only (former reader): {raw:6.2f} s ({raw / csv:.1f}x)")
    frame = read_measurements(CSV)
    from stuntlib.areas import match_areas

    t0 = time.perf_counter()
    first = match_areas(frame)
    t1 = time.perf_counter()
    match_areas(frame)
    t2 = time.perf_counter()
    print(f"match_areas first call (loads the registry): {t1 - t0:6.2f} s")
    print(f"match_areas again: {t2 - t1:6.2f} s; {first.counts.to_dict()}")


if __name__ == "__main__":
    main()
