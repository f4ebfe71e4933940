"""From an e-PPGBM export to a report, at 1M rows: time and peak RSS of each stage.

The bundled synthetic sample (20,040 rows) is repeated to the requested size and stored
as Parquet with text columns (the worst case for reading), then read with the ``eppgbm``
profile, scored, reported (HTML, with the quality profile) and tabulated for Aksi 7.

Run: ``python benchmarks/bench_reporting.py [rows] [--workdir DIR]``.

``--cli`` instead times the command a Dinas Kesehatan runs on the bundled 20,040-row
sample, ``stuntlib report pekalongan_eppgbm.xlsx --aksi7 aksi7.xlsx -o r.html -q``,
against the floor of ``python -c "import pandas; pandas.read_csv('pekalongan_eppgbm.csv',
sep=None, engine='python')"`` (the separator sniffed, as a reader of an unknown export
must), as wall-clock and CPU (user + system) seconds of the child processes: the median
of ``--repeats`` runs of each, alternated, with the spread (min-max). The CPU time is the
figure to compare on a shared, loaded machine. ``--pythonpath DIR`` runs the command on
another source tree (e.g. an export of an older commit's ``src``) for before/after
figures.

Before timing, ``--cli`` compiles the measured tree's modules to bytecode
(:mod:`compileall`), as ``pip install`` and ``make install`` leave them and as any
Python run writes them. On a machine whose environment sets ``PYTHONDONTWRITEBYTECODE``
(this one does), a source checkout's modules would otherwise be compiled again in every
run, in both processes of the command (about 0.35 s), while the floor's pandas is
compiled.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import stuntlib
from stuntlib.publication import aksi7_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "pekalongan_eppgbm.csv"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_export(rows: int, path: Path) -> None:
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    copies = -(-rows // len(sample))
    big = pd.concat([sample] * copies, ignore_index=True).iloc[:rows]
    big["No"] = [str(i + 1) for i in range(len(big))]
    big.to_parquet(path, index=False)


def _timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def cli_ratio(repeats: int, pythonpath: str | None = None) -> None:
    """``stuntlib report sample.xlsx --aksi7`` against ``pandas.read_csv`` of the sample."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    package = Path(pythonpath) / "stuntlib" if pythonpath else Path(stuntlib.__file__).parent
    compileall.compile_dir(package, quiet=1)
    xlsx = ROOT / "data" / "samples" / "pekalongan_eppgbm.xlsx"
    code = f"import pandas; pandas.read_csv({str(SAMPLE)!r}, sep=None, engine='python')"
    floor = [sys.executable, "-c", code]
    with tempfile.TemporaryDirectory() as tmp:
        report = [sys.executable, "-m", "stuntlib", "report", str(xlsx), "--aksi7", "aksi7.xlsx",
                  "-o", "r.html", "-q"]  # fmt: skip
        rows: dict[str, list[tuple[float, float]]] = {"floor": [], "report": []}
        for _ in range(repeats):
            rows["floor"].append(_timed(floor, Path(tmp), env))
            rows["report"].append(_timed(report, Path(tmp), env))
    medians = {}
    for name, runs in rows.items():
        wall, cpu = sorted(r[0] for r in runs), sorted(r[1] for r in runs)
        medians[name] = (statistics.median(wall), statistics.median(cpu))
        print(f"  {name:<7} wall {medians[name][0]:6.2f} s ({wall[0]:.2f}-{wall[-1]:.2f})   "
              f"cpu {medians[name][1]:6.2f} s ({cpu[0]:.2f}-{cpu[-1]:.2f})")  # fmt: skip
    (fw, fc), (rw, rc) = medians["floor"], medians["report"]
    print(f"  ratio report / floor: wall {rw / fw:5.2f}   cpu {rc / fc:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--cli", action="store_true", help="time the CLI on the sample")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pythonpath", default=None, help="source tree for --cli (before)")
    args = parser.parse_args()
    if args.cli:
        cli_ratio(args.repeats, args.pythonpath)
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        export = Path(tmp) / "eppgbm.parquet"
        make_export(args.rows, export)
        start_rss = peak_rss_mb()
        timings: dict[str, float] = {}
        t = time.perf_counter()
        frame = stuntlib.read_measurements(export, profile="eppgbm")
        timings["read_measurements"] = time.perf_counter() - t
        t = time.perf_counter()
        scored = stuntlib.score(frame)
        timings["score"] = time.perf_counter() - t
        t = time.perf_counter()
        stuntlib.write_report(scored, Path(tmp) / "laporan.html")
        timings["write_report (quality profile included)"] = time.perf_counter() - t
        t = time.perf_counter()
        aksi7_table(scored)
        timings["aksi7_table"] = time.perf_counter() - t
    print(f"rows: {len(frame):,} (the sample repeated, Parquet with text columns)")
    for stage, seconds in timings.items():
        print(f"  {stage:<42} {seconds:6.1f} s")
    print(f"  {'total':<42} {sum(timings.values()):6.1f} s")
    print(f"peak RSS {peak_rss_mb():,.0f} MB (before reading: {start_rss:,.0f} MB)")


if __name__ == "__main__":
    main()
