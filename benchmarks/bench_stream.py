"""Population-scale benchmark: stream Parquet to a per-desa prevalence table.

1. Generates synthetic national data with ``tools/make_national.py`` (about 84,000
   desa/kelurahan codes; ~15 bytes/row on disk).
2. Measures the in-memory core on ``--memory-rows`` rows (``score`` then ``prevalence``
   by desa, and ``score`` alone): the throughput reference.
3. Streams ``--rows`` rows with ``stuntlib.stream.score_dataset(by="kode_desa")`` in a
   child process, reporting rows/s and the child's peak RSS (``ru_maxrss``).
4. Runs the Dask adapter on a 2-worker ``LocalCluster`` (loopback, no dashboard) against
   the single-process stream on the first ``--dask-rows`` rows.
5. Optionally (``--write-rows``) streams with a destination, to show the cost of writing
   the scored rows (page checksums, sha256 of every source and output file), then runs
   the same call again: everything is resumed, which costs hashing the source and output
   files and reading the partial sums back.
6. Deletes the generated data unless ``--keep``.

Usage::

    python benchmarks/bench_stream.py                        # 100M rows, Dask on 20M
    python benchmarks/bench_stream.py --rows 10_000_000 --dask-rows 4_000_000
    python benchmarks/bench_stream.py --json results.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BYTES_PER_ROW_INPUT = 16  # measured: ~14.5 bytes/row with snappy
BYTES_PER_ROW_OUTPUT = 120  # scored rows (~45 columns), conservative


def _int(text: str) -> int:
    return int(text.replace("_", ""))


def child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line, we add its peak RSS."""
    wrapper = (
        "import json, resource, sys\n"
        + code
        + "\nresult['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(result))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", wrapper, *args],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"},
    )
    if run.returncode != 0:
        raise SystemExit(f"child failed:\n{run.stderr}")
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


MEMORY = """
import time, pandas as pd, pyarrow.parquet as pq, stuntlib
from stuntlib.estimation import prevalence
files, rows = sys.argv[1].split(","), int(sys.argv[2])
df = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True).iloc[:rows]
stuntlib.score(df.iloc[:1000])  # load the WHO tables
t = time.perf_counter(); scored = stuntlib.score(df); t_score = time.perf_counter() - t
t = time.perf_counter(); table = prevalence(scored, by="kode_desa")
t_prev = time.perf_counter() - t
result = {"rows": len(df), "score_s": t_score, "prevalence_s": t_prev,
          "score_rows_per_s": len(df) / t_score,
          "core_rows_per_s": len(df) / (t_score + t_prev),
          "groups": int(table["kode_desa"].nunique())}
"""

STREAM = """
import time, pyarrow.dataset as ds
from stuntlib.stream import score_dataset
files, batch, dest = sys.argv[1].split(","), int(sys.argv[2]), sys.argv[3]
t = time.perf_counter()
res = score_dataset(ds.dataset(files, format="parquet"), None if dest == "-" else dest,
                    by="kode_desa", batch_rows=batch)
s = time.perf_counter() - t
result = {"rows": res.rows, "seconds": s, "rows_per_s": res.rows / s, "errors": len(res.errors),
          "groups": int(res.prevalence["kode_desa"].nunique())}
"""

RESUME = """
import time, pyarrow.dataset as ds
from stuntlib.stream import score_dataset
files, batch, dest = sys.argv[1].split(","), int(sys.argv[2]), sys.argv[3]
t = time.perf_counter()
res = score_dataset(ds.dataset(files, format="parquet"), dest, by="kode_desa",
                    batch_rows=batch)
s = time.perf_counter() - t
result = {"rows": res.rows, "rows_resumed": res.rows_resumed, "seconds": s,
          "rows_per_s": res.rows / s}
"""

DASK = """
import time, dask.dataframe as dd
from distributed import Client, LocalCluster
from stuntlib.adapters import dask as sdask
files = sys.argv[1].split(",")
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                  dashboard_address=None, memory_limit="8GiB") as cluster, Client(cluster) as c:
    t = time.perf_counter()
    ddf = dd.read_parquet(files)
    table = sdask.prevalence(sdask.score(ddf), by="kode_desa")
    s = time.perf_counter() - t
    result = {"stunting_n": int(table.loc[table["indicator"] == "stunting", "n"].sum()),
              "seconds": s, "partitions": ddf.npartitions,
              "groups": int(table["kode_desa"].nunique())}
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=_int, default=100_000_000)
    ap.add_argument("--dask-rows", type=_int, default=20_000_000, help="0 skips Dask")
    ap.add_argument("--memory-rows", type=_int, default=2_000_000)
    ap.add_argument("--write-rows", type=_int, default=0, help="also stream with output")
    ap.add_argument("--rows-per-file", type=_int, default=1_000_000)
    ap.add_argument("--batch-rows", type=_int, default=500_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/stuntlib-bench"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the generated data")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args(argv)

    args.workdir.mkdir(parents=True, exist_ok=True)
    need = args.rows * BYTES_PER_ROW_INPUT + args.write_rows * BYTES_PER_ROW_OUTPUT
    free = shutil.disk_usage(args.workdir).free
    if need > 0.8 * free:
        raise SystemExit(f"need ~{need / 1e9:.1f} GB in {args.workdir}, {free / 1e9:.1f} GB free")
    data = args.workdir / "national"
    results: dict[str, object] = {"rows": args.rows, "batch_rows": args.batch_rows}
    try:
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "tools" / "make_national.py"), "--rows", str(args.rows),
             "--out", str(data), "--seed", str(args.seed), "--jobs", "2",
             "--rows-per-file", str(args.rows_per_file), "--row-group", "500000"],
            check=True,
        )  # fmt: skip
        results["generate_s"] = time.perf_counter() - t
        files = sorted(str(p) for p in data.glob("part-*.parquet"))
        results["input_gb"] = sum(Path(f).stat().st_size for f in files) / 1e9

        def first(rows: int) -> list[str]:
            k = max(1, -(-rows // args.rows_per_file))
            return files[:k]

        mem = child(MEMORY, ",".join(first(args.memory_rows)), str(args.memory_rows))
        results["memory"] = mem
        print(f"in-memory core on {mem['rows']:,} rows: "
              f"score {mem['score_rows_per_s']:,.0f} rows/s; "
              f"score+prevalence {mem['core_rows_per_s']:,.0f} rows/s; "
              f"peak RSS {mem['peak_rss_mb']:,.0f} MB", flush=True)  # fmt: skip

        st = child(STREAM, ",".join(files), str(args.batch_rows), "-")
        results["stream"] = st
        print(f"stream {st['rows']:,} rows -> {st['groups']:,} desa: {st['rows_per_s']:,.0f} "
              f"rows/s in {st['seconds']:,.0f} s; peak RSS {st['peak_rss_mb']:,.0f} MB; "
              f"{st['rows_per_s'] / mem['core_rows_per_s']:.2f} x the in-memory "
              f"score+prevalence, {st['rows_per_s'] / mem['score_rows_per_s']:.2f} x score alone",
              flush=True)  # fmt: skip

        if args.write_rows:
            out = args.workdir / "scored"
            wr = child(STREAM, ",".join(first(args.write_rows)), str(args.batch_rows), str(out))
            wr["output_gb"] = sum(p.stat().st_size for p in out.rglob("*.parquet")) / 1e9
            results["stream_write"] = wr
            print(f"stream with output, {wr['rows']:,} rows: {wr['rows_per_s']:,.0f} rows/s; "
                  f"peak RSS {wr['peak_rss_mb']:,.0f} MB; output {wr['output_gb']:.2f} GB",
                  flush=True)  # fmt: skip
            if (out / "_stuntlib_manifest.json").exists():
                rs = child(RESUME, ",".join(first(args.write_rows)), str(args.batch_rows),
                           str(out))  # fmt: skip
                results["stream_resume"] = rs
                print(f"rerun, all resumed, {rs['rows_resumed']:,} rows: {rs['seconds']:,.1f} s "
                      f"({rs['rows_per_s']:,.0f} rows/s)", flush=True)  # fmt: skip
            shutil.rmtree(out, ignore_errors=True)

        if args.dask_rows:
            sub = ",".join(first(args.dask_rows))
            single = child(STREAM, sub, str(args.batch_rows), "-")
            dk = child(DASK, sub)
            results["dask"] = {"single_process_stream": single, "dask_2_workers": dk}
            print(f"{single['rows']:,} rows: single-process stream {single['seconds']:,.1f} s "
                  f"({single['rows_per_s']:,.0f} rows/s); Dask 2 workers {dk['seconds']:,.1f} s "
                  f"({single['rows'] / dk['seconds']:,.0f} rows/s, {dk['partitions']} partitions)",
                  flush=True)  # fmt: skip
    finally:
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
