"""The ``stuntlib`` command: score, tabulate, check and report from the shell.

The only module of stuntlib that prints or sets an exit code. Every subcommand takes a
file and writes files:

* ``stuntlib score export.xlsx -o scored.parquet``
* ``stuntlib prevalence export.xlsx -o prevalensi.csv --aksi7 tabel_aksi7.xlsx``
* ``stuntlib quality export.xlsx -o kualitas.csv``
* ``stuntlib report export.xlsx -o laporan.html``
* ``stuntlib demo`` (the report of the bundled Kota Pekalongan sample)

Exit codes: 0 success; 2 bad arguments or bad input (a :class:`~stuntlib.errors.
StuntlibError`, a missing or unreadable file); 1 an unexpected error, i.e. a bug (a short
message; ``--debug`` shows the traceback). Progress goes to standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import os
import re
import shlex
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

__all__ = ["EXIT_BAD_INPUT", "EXIT_BUG", "EXIT_OK", "Progress", "find_sample", "main", "run"]

#: Exit code of a successful run.
EXIT_OK = 0
#: Exit code of an unexpected error (a bug in stuntlib): please report it.
EXIT_BUG = 1
#: Exit code of bad arguments or bad input (as argparse uses for usage errors).
EXIT_BAD_INPUT = 2

_SAMPLE = Path("data") / "samples" / "pekalongan_eppgbm.xlsx"


class _BadInput(Exception):
    """A user-facing error raised by the CLI itself (exit code 2)."""


class Progress:
    """A progress bar on standard error (tqdm) that reports each step's duration.

    Every finished step is written as one line with the seconds it took (``reading
    export.xlsx: 3.2 s``); on a terminal the bar shows the steps done so far, elsewhere
    (a log file, a pipe) only the lines are written. A stream that is closed or whose
    reader went away (``2>&1 | head -1``) turns the progress off, never the command.
    """

    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool = True):
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream is not None
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self._label: str | None = None
        self._since = self.start
        self._bar: Any = None

    def _show(self, draw: Callable[[], Any]) -> None:
        """Run one drawing call; a stream that cannot be written ends the progress."""
        if not self.enabled:
            return
        try:
            draw()
        except (OSError, ValueError):  # closed stream, broken pipe
            self.enabled = False

    def _ensure_bar(self) -> Any:
        if self._bar is None and self.tty:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, file=self.stream, leave=False, unit="step",
                             bar_format="{l_bar}{bar:24}| {n_fmt}/{total_fmt} {desc}",
                             dynamic_ncols=True)  # fmt: skip
        return self._bar

    def _line(self, text: str) -> None:
        def draw() -> None:
            bar = self._ensure_bar()
            if bar is not None:
                bar.write(text, file=self.stream)
            else:
                print(text, file=self.stream, flush=True)

        self._show(draw)

    def _on_bar(self, method: str, *args: Any) -> None:
        """Call a method of the bar, when there is one (on a terminal)."""

        def draw() -> None:
            bar = self._ensure_bar()
            if bar is not None:
                getattr(bar, method)(*args)

        self._show(draw)

    def _close_step(self) -> None:
        now = time.perf_counter()
        if self._label is not None:
            self._line(f"{self._label}: {now - self._since:.1f} s")
            self._on_bar("update", 1)
        self._since = now

    def step(self, label: str) -> None:
        """Finish the current step (writing its duration) and start the next one."""
        self._close_step()
        self._label = label
        self.done += 1
        self._on_bar("set_description_str", label)

    def rows(self, label: str, done: int, total: int | None) -> None:
        """Show progress inside a step, counted in rows."""
        suffix = f"{done:,}" + (f"/{total:,}" if total else "") + " rows"
        self._on_bar("set_description_str", f"{label} {suffix}")

    def finish(self, label: str = "done") -> None:
        """Finish the last step and write the total time."""
        self._close_step()
        self._label = None
        self._line(f"{label} in {time.perf_counter() - self.start:.1f} s")
        self._on_bar("close")


def _say(message: str) -> None:
    """A result line on standard output; a reader that went away (``| true``) is no error."""
    try:
        print(message, flush=True)
    except (OSError, ValueError):
        pass


def _is_parquet_folder(path: Path) -> bool:
    return path.is_dir() and any(path.rglob("*.parquet"))


def _check_input(path: Path, *, folder_ok: bool = False) -> None:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir() and not (folder_ok and _is_parquet_folder(path)):
        hint = "a folder of .parquet files, or " if folder_ok else ""
        raise _BadInput(f"{path}: is a folder; expected {hint}a .csv, .xlsx or .parquet file")


def _read_and_score(args: argparse.Namespace, progress: Progress) -> Any:
    from stuntlib.io import read_measurements
    from stuntlib.scoring import score

    progress.step(f"reading {args.input.name}")
    frame = read_measurements(
        args.input,
        profile=args.profile,
        sheet=args.sheet,
        columns=_column_map(args) or None,
        header_row=getattr(args, "header_row", None),
        units=_pairs(getattr(args, "units", []), "--units") or None,
    )
    progress.step(f"scoring {len(frame):,} rows")
    return score(frame, language=args.labels)


def _pairs(items: Sequence[str], option: str) -> dict[str, str]:
    """``KEY=VALUE`` options (repeatable) as a mapping; a malformed one is bad input."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise _BadInput(f"{option}: expected KEY=VALUE, e.g. armc=mm; got {item!r}")
        out[key.strip()] = value.strip()
    return out


def _column_map(args: argparse.Namespace) -> dict[str, str]:
    """``--column canonical=Header`` options as the ``columns=`` of read_measurements."""
    mapping: dict[str, str] = {}
    for item in getattr(args, "column", None) or []:
        canonical, sep, header = item.partition("=")
        if not sep or not canonical.strip() or not header.strip():
            raise _BadInput(
                f"--column: expected canonical=Header (e.g. age_months=age); got {item!r}"
            )
        mapping[canonical.strip()] = header.strip()
    return mapping


def _stream(args: argparse.Namespace, progress: Progress, **options: Any) -> Any:
    """Delegate a folder of Parquet files to :func:`stuntlib.stream.score_dataset`."""
    try:
        from stuntlib.stream import score_dataset
    except ImportError as exc:  # pragma: no cover - stream is part of the package
        raise _BadInput(
            f"{args.input}: reading a folder of Parquet files needs stuntlib.stream ({exc})"
        ) from exc
    import pyarrow.dataset as ds

    total: int | None
    try:  # a malformed file is reported by score_dataset, by name; the count is a courtesy
        total = ds.dataset(str(args.input), format="parquet", partitioning="hive").count_rows()
    except Exception:
        total = None
    progress.step(f"scoring {'' if total is None else f'{total:,} '}rows from {args.input.name}/")

    def report(done: int, rate: float) -> None:
        progress.rows("scoring", done, total)

    result = score_dataset(args.input, progress=report, language=args.labels, **options)
    if result.errors:
        lines = "; ".join(f"{e.path} ({e.stage}: {e.message})" for e in result.errors)
        raise _BadInput(f"{len(result.errors)} file(s) failed: {lines}")
    return result


def _uses_dask(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "workers", None) or getattr(args, "scheduler", None))


def _dask_client(args: argparse.Namespace) -> Any:
    """A Dask client for --workers (a local cluster) or --scheduler (an address or name)."""
    from stuntlib.adapters.dask import _import_dask

    _import_dask()  # clear ImportError naming stuntlib[dask] when dask is missing
    if args.workers and args.workers < 1:
        raise _BadInput(f"--workers: expected a positive number of workers; got {args.workers}")
    if args.scheduler in ("threads", "processes", "synchronous", "sync"):
        return None
    from distributed import Client, LocalCluster

    if args.scheduler:
        return Client(args.scheduler)
    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, dashboard_address=None, host="127.0.0.1"
    )
    return Client(cluster)


def _dask_run(args: argparse.Namespace, progress: Progress, *, by: Any = None, **options: Any):
    """Score (and tabulate) a folder of Parquet files on Dask; return the table or None."""
    import dask.dataframe as dd

    from stuntlib.adapters import dask as sdask

    client = _dask_client(args)
    scheduler = None if client is not None else args.scheduler
    try:
        progress.step(f"scoring {args.input.name}/ on Dask")
        scored = sdask.score(dd.read_parquet(str(args.input)), language=args.labels)
        if by is None:
            out = options.pop("destination")
            scored.to_parquet(
                str(out), compute_kwargs={"scheduler": scheduler} if scheduler else {}
            )
            return None
        return sdask.prevalence(scored, by, scheduler=scheduler, **options)
    finally:
        if client is not None:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()


def _default_output(path: Path, suffix: str, tag: str) -> Path:
    """``<input stem>_<tag><suffix>`` in the current folder (never the input's folder)."""
    stem = path.name if path.is_dir() else path.stem
    return Path.cwd() / f"{stem}_{tag}{suffix}"


def _write(frame: Any, out: Path, args: argparse.Namespace) -> None:
    """Write a table to CSV, xlsx or Parquet, never with a live formula.

    CSV uses the chosen separators and the OWASP rule; xlsx stores text cells as text.
    """
    from stuntlib._safe import neutralise_frame, write_safe_xlsx

    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        neutralise_frame(frame).to_csv(
            out, index=False, sep=args.sep, decimal=args.decimal, encoding="utf-8"
        )
    elif suffix == ".xlsx":
        write_safe_xlsx(frame, out)
    else:
        from stuntlib.io import write_table

        write_table(frame, out)


def _cmd_score(args: argparse.Namespace, progress: Progress) -> int:
    _check_input(args.input, folder_ok=True)
    if args.input.is_dir():
        out = args.output or _default_output(args.input, "", "scored")
        if _uses_dask(args):
            _dask_run(args, progress, destination=out)
            progress.finish("done")
            _say(f"scored on Dask -> {out}/")
            return EXIT_OK
        result = _stream(args, progress, destination=out)
        progress.finish("done")
        _say(f"scored {result.rows:,} rows ({result.rows_per_s:,.0f} rows/s) -> {out}/")
        return EXIT_OK
    if _uses_dask(args):
        raise _BadInput("--workers/--scheduler need a folder of Parquet files as input")
    out = args.output or _default_output(args.input, ".csv", "scored")
    scored = _read_and_score(args, progress)
    progress.step(f"writing {out.name}")
    if args.drop_identifiers:
        from stuntlib.columns import identifying_columns

        scored = scored.drop(columns=identifying_columns(scored.columns))
    written = scored
    if args.labels == "id":  # headers in Indonesian too, not only the class labels
        from stuntlib.columns import output_headers

        written = scored.rename(columns=output_headers(scored.columns, "id"))
    _write(written, out, args)
    progress.finish("done")
    problems = int(scored["read_problems"].notna().sum()) if "read_problems" in scored else 0
    scored_n = int(scored["zlen"].notna().sum())
    _say(f"scored {scored_n:,} of {len(scored):,} rows -> {out}")
    if problems:
        _say(f"{problems:,} rows had reading problems: see the read_problems column")
    return EXIT_OK


def _groupings(by: list[str] | None) -> Any:
    from stuntlib.estimation import rollup

    if not by:
        return rollup(["kecamatan", "kelurahan"])
    groups = [tuple(part for part in b.split("+") if part) for b in by]
    if any("period" in group for group in groups):
        return groups  # no total over the periods: pooled rounds are never one prevalence
    return [(), *groups]


def _refuse_identifying(by: Any, columns: Any) -> None:
    """Published tables are never grouped by a column that identifies a child."""
    from stuntlib.columns import identifying_columns

    names = sorted({c for group in by for c in group} if isinstance(by, list) else set())
    named = identifying_columns(names)
    if named:
        raise _BadInput(
            f"--by: {named} identify children (NIK, name, address); a published table is "
            "never grouped by them"
        )


def _rounded(result: Any) -> Any:
    """Percentages rounded to 1 decimal for prevalence rows, means to 2 decimals."""
    import numpy as np

    out = result.copy()
    is_prev = (out["kind"] == "prevalence").to_numpy() if "kind" in out else True
    for column in ("estimate", "ci_low", "ci_high"):
        if column in out:
            values = out[column].to_numpy(dtype=float, na_value=np.nan)
            out[column] = np.where(is_prev, np.round(values * 100, 1), np.round(values, 2))
    for column in ("se", "sd", "deff", "n_eff", "weighted_n"):
        if column in out:
            out[column] = out[column].astype(float).round(4)
    if "kind" in out:
        out.insert(out.columns.get_loc("estimate"), "unit", np.where(is_prev, "%", "z"))
    return out


def _aksi7(args: argparse.Namespace, scored: Any, protect: bool | None = None) -> Any:
    """The Aksi 7 table of the command's options (masked unless --no-suppress)."""
    from stuntlib.publication import aksi7_table

    # no columns=: --column renamed the headers when the file was read
    return aksi7_table(scored, getattr(args, "areas", None), targets=_read_targets(args.targets),
                       language=args.language, ci=args.ci, min_n=args.min_n,
                       min_cases=args.min_cases,
                       protect=args.suppress if protect is None else protect)  # fmt: skip


def _aksi7_workbook(
    args: argparse.Namespace, scored: Any, table: Any = None, pool: Any = None
) -> Callable[[], list[str]]:
    """Write the Aksi 7 workbook when asked (on ``pool`` if given); its line, on call.

    ``table``: the masked Aksi 7 table already computed for the report, reused.
    """
    if not getattr(args, "aksi7", None):
        return list
    from stuntlib._concurrent import later
    from stuntlib._xlsx import write_book
    from stuntlib.publication._workbook import aksi7_book

    table = table if table is not None and args.suppress else _aksi7(args, scored)
    book = aksi7_book(table, source=args.input.name, period=_period_label(scored, args))
    written = later(pool, write_book, args.aksi7, book)  # plain values: no pandas there
    masked = "small cells masked" if args.suppress else "NOT masked (--no-suppress)"
    if args.suppress and args.min_cases <= 1:
        masked = f"NOT masked: --min-cases {args.min_cases}"
    return lambda: [f"Aksi 7 workbook ({masked}) -> {written().resolve()}"]


def _period_label(rows: Any, args: argparse.Namespace) -> str | None:
    """The round the rows were selected for, in words (``Agustus 2025``); else --period."""
    from stuntlib._format import format_month

    chosen = getattr(rows, "attrs", {}).get("stuntlib_round", {}).get("period")
    if chosen in (None, "-"):
        return args.period
    return format_month(chosen, getattr(args, "language", "id") or "id")


def _publication_files(
    args: argparse.Namespace, scored: Any, table: Any = None, pool: Any = None
) -> Callable[[], list[str]]:
    """Start the Aksi 7 workbook and the data sasaran when asked; their lines, on call.

    ``table``: the masked Aksi 7 table already computed for the report, reused;
    ``pool``: where the files are written (:func:`stuntlib._concurrent.later`).
    """
    workbook = _aksi7_workbook(args, scored, table, pool)
    if not getattr(args, "data_sasaran", None):
        return workbook
    from stuntlib._concurrent import later
    from stuntlib._xlsx import write_book
    from stuntlib.publication._workbook import sasaran_book

    book = sasaran_book(scored, getattr(args, "areas", None), period=_period_label(scored, args))
    sasaran = later(pool, write_book, args.data_sasaran, book)
    line = "data sasaran for Web Aksi Bangda (unmasked, not for publication) -> {}"
    return lambda: [*workbook(), line.format(sasaran().resolve())]


def _cmd_prevalence(args: argparse.Namespace, progress: Progress) -> int:
    from stuntlib.estimation import prevalence, prevalence_table

    _check_input(args.input, folder_ok=True)
    out = args.output or _default_output(args.input, ".csv", "prevalence")
    by = _groupings(args.by)
    _refuse_identifying(by, None)
    options = {"ci": args.ci, "min_n": args.min_n, "min_cases": args.min_cases}
    lines: list[str] = []
    if args.input.is_dir():
        if args.aksi7 or args.data_sasaran:
            raise _BadInput("--aksi7/--data-sasaran need a file, not a folder of Parquet files")
        if _uses_dask(args):
            result = _dask_run(args, progress, by=by, suppress=args.suppress, **options)
        else:
            result = _stream(args, progress, by=by, suppress=args.suppress, **options).prevalence
    else:
        if _uses_dask(args):
            raise _BadInput("--workers/--scheduler need a folder of Parquet files as input")
        scored = _read_and_score(args, progress)
        progress.step("tabulating")
        child = None
        if args.period is not None:  # that round, each child once, as the report has it
            from stuntlib.rounds import select_round

            scored = select_round(scored, args.period)
        elif "nik" in scored.columns:  # each child once per round, as the report counts
            child = "nik"
        result = prevalence(scored, by, suppress=args.suppress, child=child, **options)
        lines = _publication_files(args, scored)()
    progress.step(f"writing {out.name}")
    if args.wide:
        result = prevalence_table(result, language=args.language).reset_index(names="group")
    else:
        result = _rounded(result)
    _write(result, out, args)
    progress.finish("done")
    masked = (
        f"small cells masked (< {args.min_cases} cases)"
        if args.suppress
        else "small cells NOT masked (--no-suppress): not for publication"
    )
    _say(f"prevalence table ({len(result):,} rows, {masked}) -> {out}")
    for line in lines:
        _say(line)
    return EXIT_OK


def _read_targets(path: Path | None) -> Any:
    if path is None:
        return None
    import pandas as pd

    from stuntlib._calamine import excel_table

    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.suffix.lower() == ".xlsx":
        return excel_table(path, dtype=str)
    return pd.read_csv(path, dtype=str, sep=None, engine="python")


def _quality_frame(
    scored: Any, by: str | None, include_identifiers: bool = False, language: Any = "en"
) -> Any:
    """The row-level checks table of :func:`stuntlib.quality.check_quality` and the report."""
    from stuntlib.quality import check_quality

    report = check_quality(
        scored, by=by, include_identifiers=include_identifiers, language=language
    )
    return report.checks, report


def _failures_for_reading(failures: Any, language: str) -> Any:
    """The failure list with its headers and severities in ``language``."""
    from stuntlib.quality.failures import FAILURE_HEADERS

    if language == "en":
        return failures
    from stuntlib.report._text import SEVERITY_NAMES

    out = failures.copy()
    if "severity" in out:
        out["severity"] = out["severity"].map(lambda s: SEVERITY_NAMES[language].get(s, s))
    return out.rename(columns=FAILURE_HEADERS[language])


#: What the failure list shows instead of a NIK or a name.
_HIDDEN = {"en": "(hidden)", "id": "(disembunyikan)"}


def _hide_identifiers(failures: Any, language: str = "en") -> Any:
    """Blank the values of identifying columns (NIK, name) in the failure list."""
    from stuntlib.columns import identifying_columns

    if "column" not in failures or "value" not in failures:
        return failures
    labels = failures["column"].astype(str)
    named = set(identifying_columns(labels.unique()))
    out = failures.copy()
    out["value"] = out["value"].astype(object).where(~labels.isin(named), _HIDDEN[language])
    return out


def _cmd_quality(args: argparse.Namespace, progress: Progress) -> int:
    _check_input(args.input)
    out = args.output or _default_output(args.input, ".csv", "quality")
    scored = _read_and_score(args, progress)
    progress.step("checking")
    frame, report = _quality_frame(scored, args.by, bool(args.include_identifiers), args.language)
    progress.step(f"writing {out.name}")
    if out.suffix.lower() in (".html", ".htm"):
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report.to_html(), encoding="utf-8")
    elif args.failures:
        failures = report.failures
        if not args.include_identifiers:
            failures = _hide_identifiers(failures, args.language)
        _write(_failures_for_reading(failures, args.language), out, args)
    else:
        _write(frame, out, args)
    progress.finish("done")
    failing = frame[frame["n_failed"] > 0] if "n_failed" in frame else frame
    for row in failing.itertuples(index=False):
        _say(f"  {row.check:<28} {int(row.n_failed):>7,} rows  ({row.severity})")
    _say(f"data-quality checks -> {out}")
    if args.failures and not args.include_identifiers:
        _say("values of NIK and name columns are hidden (--include-identifiers shows them)")
    return EXIT_OK


def _load_charts(language: str) -> None:
    """The chart process's first task, from the command's start: its imports.

    matplotlib and numpy for the charts (:mod:`stuntlib._charts`), a first small chart
    (fonts, number formats, the PNG encoder), then openpyxl for the workbooks
    (:mod:`stuntlib._xlsx`); never pandas: both take plain values.
    """
    with contextlib.suppress(OSError):  # the main process and its parse thread go first
        os.nice(10)
    from stuntlib._charts import preload

    preload(language)
    import openpyxl  # noqa: F401


def _chart_pool(args: argparse.Namespace) -> Any:
    """A one-process pool for the report's charts and workbooks, already loading; or None.

    Started before anything heavy is imported, its process loads matplotlib and openpyxl
    while this one imports pandas, then draws the charts and writes the workbooks while
    this one computes the tables. It never imports pandas: the charts take arrays and
    the workbooks plain rows. Meanwhile a thread of this process parses the workbook
    (:func:`_parse_ahead`), started after the fork, and also where there is no pool
    (Windows has no ``fork``). Only as the ``stuntlib`` command, while this process is
    still light (no numpy loaded, one thread): no caller's script is re-run. ``main()``
    called from a loaded process (a notebook, a test) and a machine with one core read
    and draw in turn, where a fresh interpreter's imports would cost about what it saves.
    """
    import multiprocessing
    import threading

    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    if cores < 2 or "numpy" in sys.modules or threading.active_count() > 1:
        return None
    pool = None
    if "fork" in multiprocessing.get_all_start_methods():
        from concurrent.futures import ProcessPoolExecutor

        try:
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            pool.submit(_load_charts, getattr(args, "language", "id") or "id")  # forks now
        except (OSError, RuntimeError):  # no processes here (sandbox, limits): in turn
            pool = None
    _parse_ahead(args)
    return pool


def _parse_ahead(args: argparse.Namespace) -> None:
    """Parse the input workbook in a thread while this one imports pandas.

    python-calamine parses without the GIL (:func:`stuntlib._calamine.prefetch`); the
    reader takes the parse if the file is read as a workbook, else it is a parse that
    failed fast.
    """
    from concurrent.futures import ThreadPoolExecutor

    from stuntlib._calamine import prefetch

    parser = ThreadPoolExecutor(1, thread_name_prefix="stuntlib-parse")
    prefetch(parser, args.input, args.sheet, getattr(args, "header_row", None))
    parser.shutdown(wait=False)  # the parse goes on; the thread ends with it


def _preload_tables() -> None:
    """Import what the report's tables need now, while a thread parses the xlsx.

    Each would be imported at its first use anyway; here the import fills the wait for
    the parse (:func:`_parse_ahead`), with or without a chart process.
    """
    import scipy.special  # noqa: F401  (stuntlib.intervals)

    import stuntlib.estimation
    import stuntlib.publication
    import stuntlib.scoring  # noqa: F401


def _cmd_report(args: argparse.Namespace, progress: Progress) -> int:
    _check_input(args.input)
    out = args.output or _default_output(args.input, ".html", "laporan")
    if args.geojson is not None and not args.geojson.exists():
        raise FileNotFoundError(f"{args.geojson}: no such GeoJSON file")
    if args.geojson_key is not None and args.geojson is None:
        raise _BadInput("--geojson-key: names a property of --geojson FILE, which is not given")
    pool = _chart_pool(args)
    try:
        lines = _report_files(args, progress, out, pool)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    progress.finish("done")
    masked = (
        "small cells masked" if args.min_cases > 1 else f"NOT masked: --min-cases {args.min_cases}"
    )
    _say(f"report ({masked}) -> {out.resolve()}")
    for line in lines:
        _say(line)
    return EXIT_OK


def _report_files(args: argparse.Namespace, progress: Progress, out: Path, pool: Any) -> list[str]:
    """Read, score, tabulate and write the report (and the workbooks); lines to print."""
    from stuntlib.report import _page, _write_page

    _preload_tables()  # while the parse thread (if any) runs
    scored = _read_and_score(args, progress)
    if len(scored) == 0:
        raise _BadInput(f"{args.input}: no data rows under the header; nothing to report")
    from stuntlib.publication import areas_of
    from stuntlib.rounds import select_round

    progress.step("choosing the round")
    this_round = select_round(scored, args.period)
    # the kab/kota, found once for the report, the workbook and the data sasaran, by the
    # page once its first charts are under way
    given = getattr(args, "areas", None)
    areas = functools.cache(lambda: areas_of(this_round, given))
    situation = None
    if getattr(args, "coverage", None) is not None or getattr(args, "krs", None) is not None:
        from stuntlib.convergence import situation_analysis

        situation = situation_analysis(this_round, coverage=args.coverage, krs=args.krs)
    progress.step("tabulating Aksi 7 and drawing the report")
    files: list[Callable[[], list[str]]] = []

    def table_and_workbook() -> Any:
        """The report's Aksi 7 table (published: always masked); the workbooks under way."""
        args.areas = areas()
        table = _aksi7(args, this_round, protect=True)
        files.append(_publication_files(args, this_round, table, pool))
        return table

    page = _page(
        scored,
        this_round,
        language=args.language,
        title=args.title,
        source=args.input.name,
        period=args.period,
        areas=areas,
        targets=None,  # the table callable's table carries --targets (read once, there)
        geojson=args.geojson,
        geojson_key=args.geojson_key,
        quality=None,
        ci=args.ci,
        min_n=args.min_n,
        min_cases=args.min_cases,
        situation=situation,
        aksi7=table_and_workbook,  # called once the first charts are under way
        executor=pool,
    )
    _write_page(page, out)
    return files[0]()


def find_sample() -> Path | None:
    """Locate the bundled Kota Pekalongan sample, or None.

    Looked for, in order: ``$STUNTLIB_SAMPLE``; ``data/samples/`` of the source tree
    this module runs from (an editable install or a checkout); ``data/samples/`` under
    the current folder and its parents.

    Returns
    -------
    pathlib.Path or None
        The ``pekalongan_eppgbm.xlsx`` found.

    Examples
    --------
    >>> find_sample() is None or find_sample().name == "pekalongan_eppgbm.xlsx"
    True
    """
    env = os.environ.get("STUNTLIB_SAMPLE")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    candidates += [parent / _SAMPLE for parent in here.parents[:4]]
    cwd = Path.cwd().resolve()
    candidates += [parent / _SAMPLE for parent in (cwd, *cwd.parents)]
    return next((c for c in candidates if c.is_file()), None)


def _cmd_demo(args: argparse.Namespace, progress: Progress) -> int:
    sample = args.sample or find_sample()
    if sample is None:
        raise _BadInput(
            "the bundled sample data/samples/pekalongan_eppgbm.xlsx was not found (stuntlib "
            "installed without its source tree?). Run the demo from a clone of the "
            "repository, set STUNTLIB_SAMPLE, or pass: stuntlib demo --sample <export.xlsx>"
        )
    _check_input(sample)
    folder = args.output or Path.cwd() / "stuntlib-demo"
    args.input = sample
    args.output = folder / "laporan_stunting_pekalongan.html"
    args.aksi7 = folder / "tabel_aksi7_pekalongan.xlsx"
    args.profile, args.sheet, args.targets, args.labels = "eppgbm", None, None, "en"
    args.title, args.geojson, args.geojson_key, args.ci = None, None, None, "wilson"
    args.period, args.data_sasaran, args.suppress, args.column = None, None, True, []
    args.min_n, args.min_cases = 25, 3
    _say(f"demo: stuntlib report {sample}")
    return _cmd_report(args, progress)


_EXAMPLES = {
    "score": "example:\n  stuntlib score export_eppgbm.xlsx -o scored.csv --sep ';' "
    "--decimal ','\n  stuntlib score smart.csv --column age_months=age\n"
    "  stuntlib score parquet_folder/ -o scored_folder/   (streamed, any size)",
    "prevalence": "example:\n  stuntlib prevalence export_eppgbm.xlsx -o prevalensi.csv "
    "--aksi7 tabel_aksi7.xlsx --data-sasaran sasaran.xlsx --period 'Agustus 2025'\n"
    "  stuntlib prevalence survey.csv --profile who --by age_group "
    "--by sex --by age_group+sex -o table.xlsx",
    "quality": "example:\n  stuntlib quality export_eppgbm.xlsx -o kualitas.csv",
    "report": "example:\n  stuntlib report export_eppgbm.xlsx -o laporan.html\n"
    "  stuntlib report export_eppgbm.xlsx -o report.html --language en "
    "--geojson kelurahan.geojson",
    "demo": "example:\n  stuntlib demo            (writes ./stuntlib-demo/laporan_stunting_"
    "pekalongan.html)\n  stuntlib demo --sample my_export.xlsx -o out/",
}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keep the examples' layout and show every option's default (when it has one)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        empty = action.default in (None, False, [], argparse.SUPPRESS)
        if "default" in text or empty or not action.option_strings:
            return text
        return text + " (default: %(default)s)"


_CIS = ["wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard"]


def _whole_number(lowest: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number >= ``lowest`` (argparse names the option)."""

    def parse(text: str) -> int:
        digits = text.strip().removeprefix("-")
        if not digits.isdigit() or int(text) < lowest:
            raise argparse.ArgumentTypeError(f"expected a whole number from {lowest}; got {text!r}")
        return int(text)

    return parse


def _unit_option(text: str) -> str:
    """An argparse ``type`` for ``--units MEASURE=UNIT``: checked before any reading."""
    from stuntlib.io import UNITS
    from stuntlib.io._cells import AGE_UNITS

    allowed = {**{m: tuple(u) for m, u in UNITS.items()}, "age": AGE_UNITS}
    measure, sep, unit = (part.strip() for part in text.partition("="))
    if not sep or unit not in allowed.get(measure, ()):
        choices = "; ".join(f"{m}={'|'.join(u)}" for m, u in allowed.items())
        raise argparse.ArgumentTypeError(f"expected MEASURE=UNIT, one of {choices}; got {text!r}")
    return text


def _add_output_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sep", default=",", help="CSV field separator, e.g. ';' for Excel in "
                   "Indonesian")  # fmt: skip
    p.add_argument("--decimal", default=".", choices=[".", ","],
                   help="CSV decimal mark")  # fmt: skip


def _add_publication(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("publication (masked) and data sasaran (unmasked)")
    group.add_argument("--ci", default="wilson", choices=_CIS, help="interval method")
    group.add_argument("--min-n", type=_whole_number(0), default=25,
                       help="cells of fewer children are marked unstable")  # fmt: skip
    group.add_argument("--min-cases", type=_whole_number(0), default=3,
                       help="counts of 1 to min-cases - 1 (cases or non-cases) are "
                       "masked")  # fmt: skip
    group.add_argument("--suppress", action=argparse.BooleanOptionalAction, default=True,
                       help="mask small cells in published outputs (tables, Aksi 7 "
                       "workbook)")  # fmt: skip
    group.add_argument("--language", choices=["id", "en"], default="id",
                       help="language of headers, labels and numbers")  # fmt: skip
    group.add_argument("--period", help="measurement round to publish, e.g. 2025-08 or "
                       "'Agustus 2025': its rows only, each child once, and its name in the "
                       "titles (default: the latest round)")  # fmt: skip
    group.add_argument("--aksi7", type=Path, help="also write the Aksi 7 publication workbook "
                       "(.xlsx)")  # fmt: skip
    group.add_argument("--data-sasaran", type=Path, metavar="FILE.xlsx",
                       help="also write the unmasked per-desa counts for Web Aksi Bangda "
                       "(not for publication)")  # fmt: skip
    group.add_argument("--targets", type=Path,
                       help="CSV/XLSX of target children per kelurahan")  # fmt: skip
    group.add_argument("--areas", type=Path, metavar="FILE",
                       help="a newer Kemendagri code list (CSV/XLSX with kode, nama) to "
                       "find the kab/kota and desa codes in (default: the packaged 2025 "
                       "registry)")  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    from stuntlib import __version__

    parser = argparse.ArgumentParser(
        prog="stuntlib",
        description="WHO z-scores, stunting prevalence, data quality and reports from an "
        "e-PPGBM export or a survey file.",
        epilog="example:\n  stuntlib report export_eppgbm.xlsx -o laporan.html\n\n"
        "exit codes: 0 ok, 2 bad arguments or input, 1 unexpected error (a bug)",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"stuntlib {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    common.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    reader = argparse.ArgumentParser(add_help=False)
    reader.add_argument("input", type=Path, help="input file (.csv, .xlsx, .parquet)")
    reader.add_argument(
        "--profile",
        choices=["auto", "eppgbm", "who", "generic"],
        default="auto",
        help="column profile of the input (auto: detect it)",
    )
    reader.add_argument("--sheet", default=None, help="Excel sheet name (default: the first)")
    reader.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="CANONICAL=HEADER",
        help="map an input column to a canonical name, e.g. --column age_months=age (repeatable)",
    )
    reader.add_argument(
        "--header-row",
        type=_whole_number(1),
        metavar="N",
        help="row of the column headers as the spreadsheet numbers it (default: found)",
    )
    reader.add_argument(
        "--units",
        action="append",
        type=_unit_option,
        default=[],
        metavar="MEASURE=UNIT",
        help="declare a unit, e.g. --units armc=mm --units weight=g (repeatable; default: "
        "the stated conversion rules)",
    )
    sub = parser.add_subparsers(dest="command", metavar="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        parents = [common] if name == "demo" else [common, reader]
        return sub.add_parser(
            name,
            parents=parents,
            help=help_text,
            description=help_text,
            epilog=_EXAMPLES[name],
            formatter_class=_Formatter,
        )

    p = add("score", "score every row: WHO z-scores, flags, reasons and classes")
    p.add_argument("-o", "--output", type=Path, help="output .csv, .xlsx or .parquet "
                   "(default: <input>_scored.csv in the current folder)")  # fmt: skip
    p.add_argument("--labels", choices=["en", "id"], default="en",
                   help="language of the class labels and the headers")  # fmt: skip
    p.add_argument(
        "--drop-identifiers", action="store_true", help="leave NIK and names out of the output"
    )
    _add_output_format(p)
    _add_dask_options(p)
    p = add("prevalence", "prevalence table with confidence intervals (and the Aksi 7 workbook)")
    _add_dask_options(p)
    p.add_argument("-o", "--output", type=Path, help="output .csv, .xlsx or .parquet "
                   "(default: <input>_prevalence.csv in the current folder)")  # fmt: skip
    p.add_argument(
        "--by",
        action="append",
        help="grouping column; repeat for several, join with + to cross, e.g. --by "
        "age_group+sex (default: kota, kecamatan, kelurahan)",
    )
    p.add_argument("--wide", action="store_true", help="one labelled row per group")
    _add_output_format(p)
    _add_publication(p)
    p.set_defaults(labels="en")
    p = add("quality", "data-quality profile of a file")
    p.add_argument("-o", "--output", type=Path, help="output .csv, .xlsx, .parquet or .html "
                   "(default: <input>_quality.csv in the current folder)")  # fmt: skip
    p.add_argument("--by", help="group column for the HTML summary (e.g. kelurahan)")
    p.add_argument(
        "--failures", action="store_true", help="write one row per failing check and row"
    )
    p.add_argument("--include-identifiers", action="store_true",
                   help="show NIK and name values in the failure list (not for "
                   "sharing)")  # fmt: skip
    p.add_argument("--language", choices=["en", "id"], default="en",
                   help="language of the check descriptions, and of the failure list's "
                   "headers and severities (en keeps the column names scripts read)")  # fmt: skip
    _add_output_format(p)
    p.set_defaults(labels="en")
    p = add("report", "self-contained HTML report (Indonesian by default)")
    p.add_argument("-o", "--output", type=Path, help="output .html (default: "
                   "<input>_laporan.html in the current folder)")  # fmt: skip
    p.add_argument("--title", help="report title (default: 'Laporan stunting balita' + kota)")
    p.add_argument("--geojson", type=Path, help="GeoJSON of kelurahan boundaries (adds a map)")
    p.add_argument("--geojson-key", help="GeoJSON property naming the kelurahan or its code")
    p.add_argument("--coverage", type=Path, help="coverage indicators per desa (.csv/.xlsx): "
                   "adds the Situasi section (Aksi 1 priorities)")  # fmt: skip
    p.add_argument("--krs", type=Path, help="BKKBN keluarga berisiko stunting recap per desa "
                   "(.csv/.xlsx), for the Situasi section")  # fmt: skip
    _add_publication(p)
    p.set_defaults(labels="en")
    p = add("demo", "report on the bundled Kota Pekalongan sample")
    p.add_argument("--sample", type=Path, help="e-PPGBM export to use instead of the sample")
    p.add_argument("-o", "--output", type=Path, help="output folder (default ./stuntlib-demo)")
    p.add_argument("--language", choices=["id", "en"], default="id",
                   help="language of the report")  # fmt: skip
    from stuntlib.change import _cli as change_cli
    from stuntlib.convergence import _cli as situasi_cli

    change_cli.add_parser(sub).set_defaults(debug=False, quiet=True)
    situasi_cli.add_parser(sub, parents=[common, reader], formatter_class=_Formatter)
    return parser


def _suggest(parser: argparse.ArgumentParser, argv: Sequence[str]) -> int | None:
    """On an unknown option, print the subcommand's usage and the closest option."""
    import difflib

    try:
        _, extras = parser.parse_known_args(argv)
    except SystemExit as exc:  # argparse has printed the help, version or error: once
        return int(exc.code) if isinstance(exc.code, int) else EXIT_BAD_INPUT
    unknown = [a for a in extras if a.startswith("-")]
    if not unknown:
        return None
    command = next((a for a in argv if a in _COMMANDS), None)
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    target = subparsers.choices.get(command, parser) if command else parser
    options = [o for a in target._actions for o in a.option_strings]
    flag = unknown[0].split("=", 1)[0]
    close = difflib.get_close_matches(flag, options, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else ""
    target.print_usage(sys.stderr)
    print(f"{target.prog}: error: unrecognized argument {flag}{hint}", file=sys.stderr)
    return EXIT_BAD_INPUT


_COMMANDS: dict[str, Callable[[argparse.Namespace, Progress], int]] = {
    "score": _cmd_score,
    "prevalence": _cmd_prevalence,
    "quality": _cmd_quality,
    "report": _cmd_report,
    "demo": _cmd_demo,
    "change": lambda args, progress: _change_cli().run(args),
    "situasi": lambda args, progress: _situasi_cli().run(args, say=_say),
}

_STEPS = {
    "score": 3, "prevalence": 4, "quality": 4, "report": 4, "demo": 4, "change": 1, "situasi": 1,
}  # fmt: skip


def _change_cli() -> Any:
    from stuntlib.change import _cli

    return _cli


def _situasi_cli() -> Any:
    from stuntlib.convergence import _cli

    return _cli


#: Output file types each command writes (checked before any reading or scoring).
_OUTPUT_SUFFIXES = {
    "score": (".parquet", ".csv", ".xlsx"),
    "prevalence": (".csv", ".xlsx", ".parquet"),
    "quality": (".csv", ".xlsx", ".parquet", ".html", ".htm"),
    "report": (".html", ".htm"),
}


def _check_output(args: argparse.Namespace) -> None:
    """Fail at once, not after the work, on an output file of an unknown type."""
    out = getattr(args, "output", None)
    allowed = _OUTPUT_SUFFIXES.get(args.command)
    folder_in = getattr(args, "input", None) is not None and Path(args.input).is_dir()
    for option in ("aksi7", "data_sasaran"):
        book = getattr(args, option, None)
        if book is not None and Path(book).suffix.lower() != ".xlsx":
            raise _BadInput(
                f"--{option.replace('_', '-')}: {book} must be an .xlsx workbook; got "
                f"{Path(book).suffix or 'no suffix'!r}"
            )
    _check_distinct_outputs(args)
    if out is None or allowed is None or (args.command == "score" and folder_in):
        return
    if Path(out).suffix.lower() not in allowed:
        raise _BadInput(
            f"-o/--output: {out} has an unknown type {Path(out).suffix!r}; expected one of "
            f"{', '.join(allowed)}"
        )


def _check_distinct_outputs(args: argparse.Namespace) -> None:
    """Refuse an output that would overwrite the input, another output, or sit in a file.

    Writing the Aksi 7 workbook over the e-PPGBM export, or the unmasked Data Sasaran
    over the masked workbook, loses data without a word.
    """
    given = [(option, getattr(args, attr, None)) for option, attr in
             (("-o/--output", "output"), ("--aksi7", "aksi7"),
              ("--data-sasaran", "data_sasaran"))]  # fmt: skip
    outputs = [(option, Path(path).resolve()) for option, path in given if path is not None]
    source = getattr(args, "input", None)
    source = Path(source).resolve() if source is not None else None
    seen: dict[Path, str] = {}
    for option, path in outputs:
        if path == source or _same_file(path, source):  # a hard link is the file itself
            raise _BadInput(f"{option}: {path} is the input file; writing it would destroy the "
                            "export. Choose another name")  # fmt: skip
        if path in seen:
            raise _BadInput(f"{option}: {path} is also given to {seen[path]}; each output "
                            "needs its own file")  # fmt: skip
        seen[path] = option
        parent = next((p for p in path.parents if p.exists()), None)
        if parent is not None and not parent.is_dir():
            raise _BadInput(f"{option}: {path} cannot be written: {parent} is a file, not a "
                            "folder")  # fmt: skip


def _same_file(a: Path, b: Path | None) -> bool:
    """Whether two existing paths are one file (a hard link, another mount of it)."""
    try:
        return b is not None and os.path.samefile(a, b)
    except OSError:  # either does not exist (yet)
        return False


def _add_dask_options(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("Dask (folders of Parquet files; needs stuntlib[dask])")
    group.add_argument("--workers", type=int, help="run on a local Dask cluster of N workers")
    group.add_argument(
        "--scheduler",
        help="Dask scheduler: threads, processes, or the address of a running cluster "
        "(tcp://host:8786)",
    )


#: The library's Python arguments that a CLI option sets: a message about one of them
#: names the option on the terminal.
_OPTION_OF = {
    "min_n": "--min-n", "min_cases": "--min-cases", "ci": "--ci", "period": "--period",
    "header_row": "--header-row", "sheet": "--sheet", "units": "--units", "columns": "--column",
    "geojson_key": "--geojson-key", "targets": "--targets", "areas": "--areas",
    "language": "--language", "profile": "--profile", "coverage": "--coverage", "krs": "--krs",
    "by": "--by",
}  # fmt: skip
#: Python advice with the CLI's own words beside it: ``units={...} (CLI: --units age=days)``.
_ADVICE_WITH_CLI = re.compile(r"\b\w+=(?:\{[^{}]*\}(?: or \{[^{}]*\})*)? \(CLI: ([^()]*)\)")
_UNITS_ADVICE = re.compile(r"\bunits=\{'(\w+)': \.\.\.\}")
_COLUMNS_ADVICE = re.compile(r"\bcolumns=\{'?([\w<>]+)'?: '?([^'{}]*?)'?\}")
_BARE_ADVICE = re.compile(r"\b(header_row|sheet|geojson_key)=(?: or sep=)?(?=[\s,;.)]|$)")
_VALUE_ADVICE = re.compile(r"\b(period|by)='([^']*)'")
_LEADING_ARGUMENTS = re.compile(r"^(\w+(?:/\w+)*): ")
_BARE_METAVAR = {"header_row": "--header-row N", "sheet": "--sheet NAME",
                 "geojson_key": "--geojson-key PROPERTY"}  # fmt: skip


def _column_option(match: re.Match[str]) -> str:
    canonical, header = match.group(1), match.group(2)
    canonical = "CANONICAL" if canonical == "canonical" else canonical
    header = "HEADER" if header in ("<label>", "label", "...") else header
    return "--column " + shlex.quote(f"{canonical}={header}")


def _unit_options(match: re.Match[str]) -> str:
    from stuntlib.io import UNITS

    measure = match.group(1)
    return " or ".join(f"--units {measure}={unit}" for unit in UNITS.get(measure, ("UNIT",)))


def _leading_options(match: re.Match[str]) -> str:
    names = match.group(1).split("/")
    if not all(name in _OPTION_OF for name in names):
        return match.group(0)
    return "/".join(_OPTION_OF[name] for name in names) + ": "


def _in_cli_terms(message: str) -> str:
    """A library message as a terminal user needs it: options, not Python arguments.

    The library's messages speak to Python callers (``units={'lenhei': ...}``,
    ``min_n: ...``); this is the one place where the CLI rewrites them, for its errors
    and its warnings alike.

    Examples
    --------
    >>> _in_cli_terms("declare the unit with units={'lenhei': ...} to read it otherwise")
    'declare the unit with --units lenhei=cm or --units lenhei=mm to read it otherwise'
    >>> _in_cli_terms("min_cases/min_n: expected non-negative integers")
    '--min-cases/--min-n: expected non-negative integers'
    """
    text = _ADVICE_WITH_CLI.sub(r"\1", message)
    text = _UNITS_ADVICE.sub(_unit_options, text)
    text = _COLUMNS_ADVICE.sub(_column_option, text)
    text = _BARE_ADVICE.sub(lambda m: _BARE_METAVAR[m.group(1)], text)
    text = _VALUE_ADVICE.sub(lambda m: f"{_OPTION_OF[m.group(1)]} {m.group(2)}", text)
    text = text.replace("or choose another profile", "or choose another --profile")
    return _LEADING_ARGUMENTS.sub(_leading_options, text)


def _cli_terms(command: Callable[[argparse.Namespace, Progress], int]) -> Any:
    """``command`` with the messages of its bad-input errors in CLI terms."""
    from stuntlib.errors import StuntlibError

    def run_command(args: argparse.Namespace, progress: Progress) -> int:
        try:
            return command(args, progress)
        except StuntlibError as exc:
            if len(exc.args) == 1 and isinstance(exc.args[0], str):
                exc.args = (_in_cli_terms(exc.args[0]),)
            raise

    return run_command


def _show_warning(command: str) -> Any:
    """A ``warnings.showwarning`` that prints ``stuntlib <command>: warning: <message>``."""

    def show(message: Any, category: Any, filename: Any, lineno: Any, file: Any = None,
             line: Any = None) -> None:  # fmt: skip
        try:
            print(f"stuntlib {command}: warning: {_in_cli_terms(str(message))}", file=sys.stderr)
        except (OSError, ValueError):  # standard error closed or its reader gone
            pass

    return show


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``stuntlib`` command line and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 for bad arguments or bad input, 1 for an unexpected error.

    Examples
    --------
    >>> main(["score", "no_such_file.csv", "--quiet"])
    2
    """
    from stuntlib.errors import StuntlibError

    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    suggested = _suggest(parser, argv)
    if suggested is not None:
        return suggested
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_BAD_INPUT
    progress = Progress(_STEPS[args.command], enabled=not args.quiet)
    try:
        _check_output(args)
        with warnings.catch_warnings():
            if not args.debug:  # a terminal user needs the message, not our source line
                warnings.showwarning = _show_warning(args.command)
            return _COMMANDS[args.command](args, progress)
    except (StuntlibError, _BadInput, FileNotFoundError, IsADirectoryError, PermissionError,
            UnicodeDecodeError) as exc:  # fmt: skip
        if progress.tty and progress.enabled:
            sys.stderr.write("\n")
        if args.debug:
            traceback.print_exc()
        print(f"stuntlib {args.command}: error: {exc}{_cli_hint(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("stuntlib: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        print(
            f"stuntlib {args.command}: unexpected error ({type(exc).__name__}: {exc}). "
            "This is a bug in stuntlib; please report it with the output of --debug.",
            file=sys.stderr,
        )
        return EXIT_BUG


def _cli_hint(exc: BaseException) -> str:
    """The terminal's way to do what a column error's Python advice says."""
    from stuntlib.errors import ColumnError

    if not isinstance(exc, ColumnError) or str(exc).startswith("--areas"):
        return ""  # a code table's columns are not mapped with --column
    return (
        "\nFrom the command line: --column CANONICAL=HEADER maps a column (repeatable), "
        "e.g. --column age_months=age; --header-row N and --sheet NAME choose where the "
        "headers are."
    )


#: Every command's errors reach the terminal in CLI terms (see _in_cli_terms).
_COMMANDS = {name: _cli_terms(command) for name, command in _COMMANDS.items()}


def run() -> None:
    """Run :func:`main` on ``sys.argv`` and end the process with its code.

    The ``stuntlib`` command and ``python -m stuntlib``. Once the output streams are
    flushed the process ends at once (:func:`os._exit`): every file it wrote is closed
    by then, and tearing down the modules of pandas, pyarrow and matplotlib would add
    about 0.4 s to each command (``docs/benchmarks.md``). Call :func:`main` to run the
    command line inside a process that goes on.

    The process also collects cyclic garbage less often: reading a workbook allocates
    about a million small containers (the parsed cells), and Python's default first
    threshold of 700 allocations made the collector traverse them some 400 times, about
    0.4 s of one report. At a first threshold of 1,000,000 the sample's report runs no
    collection once the command has started (at 100,000 it ran one, of 60-75 ms in each
    process, over the rows' cells); the chart process, forked from this one, inherits
    it. Peak memory is the same: the cells are freed by their reference counts, not by
    the collector. A library caller's process keeps its own settings.
    """
    gc.set_threshold(1_000_000, 10, 10)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: the stream was closed before we started (>&-)
                stream.flush()
        except (OSError, ValueError):  # a reader that went away (| head): nothing to show
            pass
    os._exit(code)
