"""Score a whole population stored as Parquet, in bounded memory, with resume.

:func:`score_dataset` reads a Parquet file, a folder of Parquet files (Hive-style
``key=value`` folders become columns) or a :class:`pyarrow.dataset.FileSystemDataset` in
record batches, scores every batch with :func:`stuntlib.score`, optionally writes the
scored rows as Parquet (one output file per input file), and returns the prevalence table
computed from the additive partial sums of :mod:`stuntlib.estimation`, merged batch by
batch. Memory is bounded by ``batch_rows`` (and by the number of groups in ``by``), never
by the size of the dataset.

Output is written so that it is never mistaken for complete output:

* every part is written to a hidden temporary name (``.<name>.inprogress``) and renamed
  when its last row is written and flushed;
* a manifest, ``_stuntlib_manifest.json``, records each finished part (its source, row
  count and size) and is itself replaced atomically after every part;
* an empty ``_SUCCESS`` file appears only when every part finished without error.

A rerun with the same destination resumes: finished parts are neither rescored nor
rewritten, their partial sums are read back from ``_stuntlib_sums/``, and the unfinished
ones are scored again from the start. Names beginning with ``.`` or ``_`` are ignored by
:func:`pandas.read_parquet` and :func:`pyarrow.dataset.dataset`, so the destination
folder reads as one table.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from stuntlib.columns import resolve_columns
from stuntlib.errors import StuntlibError
from stuntlib.estimation import (
    WHO_MAX_AGE_DAYS,
    PartialSums,
    finalize_prevalence,
    merge_partial_sums,
    prevalence_partial_sums,
)
from stuntlib.scoring import score
from stuntlib.stream._manifest import (
    MANIFEST_NAME,
    SUCCESS_NAME,
    SUMS_DIR,
    Manifest,
    options_key,
)
from stuntlib.stream._part import (
    Part,
    PartFailed,
    PartJob,
    merge_counts,
    output_schema,
    quality_frame,
    score_part,
    sums_from_output,
    tmp_name,
)
from stuntlib.stream._source import FileError, Source, discover, open_dataset
from stuntlib.stream._sums import load_sums, save_sums

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "MANIFEST_NAME",
    "SUCCESS_NAME",
    "SUMS_DIR",
    "FileError",
    "StreamFileError",
    "StreamResult",
    "score_dataset",
]

#: Rows scored at a time by default: about 1.25 GB peak RSS in all with the core's
#: ~40 output columns, and large enough that per-batch overhead is negligible.
DEFAULT_BATCH_ROWS = 500_000
# Input columns the scoring core or prevalence may read besides resolved aliases.
_CONTEXT = ("csex", "sex", "coedema", "oedema", "age_days", "age_months")

Progress = Callable[[int, float], object]


@dataclass(frozen=True)
class StreamResult:
    """What :func:`score_dataset` did: the prevalence table, counts, speed and errors.

    Attributes
    ----------
    prevalence : pandas.DataFrame or None
        The table of :func:`stuntlib.estimation.prevalence` for ``by`` over every row of
        every finished part; None when no part finished.
    sums : PartialSums or None
        The merged partial sums behind ``prevalence`` (finalise them again with other
        interval options through :func:`stuntlib.estimation.finalize_prevalence`).
    quality : pandas.DataFrame
        Row counts per z-score column and status: ``column``, ``status`` (``"scored"``,
        ``"flagged"`` or a reason code of :data:`stuntlib.growth.REASONS`), ``rows``.
    rows : int
        Rows in all finished parts (scored now or resumed).
    rows_scored : int
        Rows scored by this call (finished parts only).
    rows_resumed : int
        Rows of parts finished by an earlier call and not scored again.
    seconds : float
        Wall time of this call [s].
    rows_per_s : float
        ``rows_scored / seconds`` [rows/s].
    parts : tuple of str
        Source files finished (scored now or resumed), in processing order.
    resumed : tuple of str
        Source files skipped because an earlier call finished them.
    errors : tuple of FileError
        Source files that failed, by name.
    destination : str or None
        The output folder.
    complete : bool
        True when every source file finished without error.
    """

    prevalence: pd.DataFrame | None
    sums: PartialSums | None
    quality: pd.DataFrame
    rows: int
    rows_scored: int
    rows_resumed: int
    seconds: float
    rows_per_s: float
    parts: tuple[str, ...]
    resumed: tuple[str, ...]
    errors: tuple[FileError, ...]
    destination: str | None
    complete: bool


class StreamFileError(StuntlibError):
    """A source file failed and ``on_error="raise"`` was asked for.

    Attributes
    ----------
    error : FileError
        The file, stage and cause.
    """

    def __init__(self, error: FileError) -> None:
        super().__init__(f"{error.path}: {error.stage} failed: {error.error}: {error.message}")
        self.error = error


@dataclass
class _Tally:
    """Running totals of one call: merged sums, counts, finished and failed files."""

    started: float
    sums: PartialSums | None = None
    quality: dict[tuple[str, str], int] = field(default_factory=dict)
    rows_scored: int = 0
    rows_resumed: int = 0
    done: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)

    def add(self, path: str, part: Part, *, resumed: bool) -> None:
        assert part.sums is not None
        self.sums = part.sums if self.sums is None else merge_partial_sums([self.sums, part.sums])
        merge_counts(self.quality, part.quality)
        self.done.append(path)
        if resumed:
            self.rows_resumed += part.rows
            self.resumed.append(path)
        else:
            self.rows_scored += part.rows

    def result(self, table: pd.DataFrame | None, dest: Path | None, complete: bool) -> StreamResult:
        seconds = time.perf_counter() - self.started
        return StreamResult(
            prevalence=table,
            sums=self.sums,
            quality=quality_frame(self.quality),
            rows=self.rows_scored + self.rows_resumed,
            rows_scored=self.rows_scored,
            rows_resumed=self.rows_resumed,
            seconds=seconds,
            rows_per_s=self.rows_scored / seconds if seconds > 0 else 0.0,
            parts=tuple(self.done),
            resumed=tuple(self.resumed),
            errors=tuple(self.errors),
            destination=str(dest) if dest is not None else None,
            complete=complete,
        )


@dataclass(frozen=True)
class _Run:
    """Everything the per-file step needs, fixed for one call."""

    src: Source
    fragments: Mapping[str, ds.Fragment]
    job: PartJob
    dest: Path | None
    manifest: Manifest | None
    sums_key: str
    on_error: str
    progress: Progress | None


def score_dataset(
    source: str | os.PathLike[str] | ds.FileSystemDataset,
    destination: str | os.PathLike[str] | None = None,
    *,
    by: Any = None,
    columns: Mapping[str, str] | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: Progress | None = None,
    resume: bool = True,
    on_error: Literal["report", "raise"] = "report",
    language: Literal["en", "id"] = "en",
    rounding: Literal["who", "exact"] = "who",
    indicators: Sequence[str] | str | None = None,
    weights: str | None = None,
    cluster: str | None = None,
    strata: str | None = None,
    ci: Any = None,
    level: float = 0.95,
    population: Any = None,
    min_n: int = 25,
    min_cases: int = 3,
    suppress: bool = False,
    prevalence_rounding: Literal["who"] | None = "who",
    max_age_days: float | None = WHO_MAX_AGE_DAYS,
    compression: str = "snappy",
) -> StreamResult:
    """Score a Parquet dataset batch by batch; write it and tabulate prevalence.

    Each record batch is scored with :func:`stuntlib.score` and reduced to the partial
    sums of :func:`stuntlib.estimation.prevalence_partial_sums`; the sums are merged in
    file order and finalised once with :func:`stuntlib.estimation.finalize_prevalence`.
    Counts, cases and every cut-off prevalence are therefore exactly those of
    ``prevalence(score(whole), by=...)``; float sums (means, weights) are added in a
    different order and may differ in the last bits (relative 1e-15).

    Parameters
    ----------
    source : str, path or pyarrow.dataset.FileSystemDataset
        A Parquet file, a folder of Parquet files (searched recursively, sorted by path;
        names starting with ``.`` or ``_`` are skipped; ``key=value`` folders become
        columns), or a dataset. Rows are read in file order.
    destination : str or path, optional
        Folder for the scored rows: one Parquet file per source file, at the same
        relative path, with every input column in its order (an input column named
        like an output column is replaced, as :func:`stuntlib.score` does) followed by
        the scored columns. None: nothing is written (only the needed columns are read)
        and nothing can be resumed.
    by : str, list of str, or list of lists, optional
        Groupings of the prevalence table, as in :func:`stuntlib.estimation.prevalence`.
    columns : mapping, optional
        ``{canonical name: label}`` for :func:`stuntlib.score`.
    batch_rows : int, default 500000
        Rows scored at a time; peak memory grows with it (about 2 kB per row).
    progress : callable, optional
        Called after every batch as ``progress(rows_done, rows_per_s)``: rows scored by
        this call so far and their rate [rows/s].
    resume : bool, default True
        Reuse the parts an earlier call finished in ``destination`` (per its manifest)
        when the source file is unchanged (same size and modification time). False:
        start again, removing the parts the manifest lists.
    on_error : {"report", "raise"}, default "report"
        A file that cannot be read, scored or written is reported in
        :attr:`StreamResult.errors` by name and the other files go on (its partial
        output is removed); ``"raise"`` stops at the first such file.
    language, rounding
        As in :func:`stuntlib.score`.
    indicators, weights, cluster, strata, ci, level, population, min_n, min_cases, suppress
        As in :func:`stuntlib.estimation.prevalence`.
    prevalence_rounding : {"who", None}, default "who"
        ``rounding`` of :func:`stuntlib.estimation.prevalence`.
    max_age_days : float or None, default 1826
        As in :func:`stuntlib.estimation.prevalence`.
    compression : str, default "snappy"
        Parquet compression of the output.

    Returns
    -------
    StreamResult
        The prevalence table, the merged sums, a quality summary (rows per z-score and
        reason), row counts, rows/s and per-file errors. Bad rows are not errors: they
        get NaN z-scores and a ``*_reason``, as in :func:`stuntlib.score`.

    Raises
    ------
    StuntlibError
        For a bad argument (checked on an empty frame before any file is scored), a
        destination that holds other files, or one written with other scoring options.
    ColumnError
        If the data lack a column the scoring or ``by`` needs.
    StreamFileError
        With ``on_error="raise"``, for the first file that fails.

    See Also
    --------
    stuntlib.score : the in-memory scoring this streams.
    stuntlib.estimation.prevalence : the in-memory prevalence this reproduces.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> df = pd.DataFrame({"desa": ["Tirto", "Tirto", "Medono"], "sex": [1, 2, 1],
    ...                    "age_days": [400, 800, 1200], "lenhei": [70.0, 86.0, 80.0],
    ...                    "weight": [8.5, 12.0, 10.0]})
    >>> df.to_parquet(tmp / "round1.parquet")
    >>> res = score_dataset(tmp / "round1.parquet", tmp / "scored", by="desa",
    ...                     indicators="stunting", min_n=1, min_cases=0)
    >>> res.rows, res.complete, res.errors
    (3, True, ())
    >>> res.prevalence[["desa", "n", "cases", "estimate"]]
         desa  n  cases  estimate
    0  Medono  1      1       1.0
    1   Tirto  2      1       0.5
    >>> pd.read_parquet(tmp / "scored")[["desa", "zlen"]].round(2)
         desa  zlen
    0   Tirto -2.91
    1   Tirto -0.50
    2  Medono -4.74
    """
    tally = _Tally(started=time.perf_counter())
    _check_arguments(batch_rows, on_error, progress)
    dest = Path(destination).absolute() if destination is not None else None
    src = discover(source, dest)
    dataset, footer_errors = open_dataset(src)
    if footer_errors and on_error == "raise":
        raise StreamFileError(next(iter(footer_errors.values())))
    score_options: dict[str, Any] = {
        "columns": dict(columns or {}),
        "language": language,
        "rounding": rounding,
    }
    sums_options: dict[str, Any] = {
        "by": by,
        "indicators": indicators,
        "weights": weights,
        "cluster": cluster,
        "strata": strata,
        "rounding": prevalence_rounding,
        "max_age_days": max_age_days,
    }
    job = _prepare(dataset, dest, score_options, sums_options, batch_rows, compression)
    manifest = None
    if dest is not None:
        schema = str(dataset.schema) if dataset is not None else ""
        score_key = options_key({"score": score_options, "schema": schema})
        manifest = Manifest.open(dest, score_key=score_key, resume=resume)
        manifest.prune(src.relative(p) for p in src.files)
    fragments = {str(f.path): f for f in dataset.get_fragments()} if dataset is not None else {}
    run = _Run(src, fragments, job, dest, manifest, options_key(sums_options), on_error, progress)
    for path in src.files:
        if path in footer_errors:
            tally.errors.append(footer_errors[path])
        else:
            _process_file(run, path, tally)
    complete = not tally.errors and len(tally.done) == len(src.files)
    if manifest is not None:
        manifest.finish(complete, tally.errors)
    table = None
    if tally.sums is not None:
        table = finalize_prevalence(
            tally.sums,
            ci=ci,
            level=level,
            population=population,
            min_n=min_n,
            min_cases=min_cases,
            suppress=suppress,
        )
    return tally.result(table, dest, complete)


def _check_arguments(batch_rows: Any, on_error: Any, progress: Any) -> None:
    """Raise StuntlibError naming the first bad argument."""
    if isinstance(batch_rows, bool) or not isinstance(batch_rows, (int, np.integer)):
        raise StuntlibError(f"batch_rows: expected a positive integer; got {batch_rows!r}")
    if batch_rows < 1:
        raise StuntlibError(f"batch_rows: expected a positive integer; got {batch_rows!r}")
    if on_error not in ("report", "raise"):
        raise StuntlibError(f"on_error: expected 'report' or 'raise'; got {on_error!r}")
    if progress is not None and not callable(progress):
        raise StuntlibError(
            f"progress: expected a callable(rows_done, rows_per_s); got {progress!r}"
        )


def _prepare(
    dataset: ds.FileSystemDataset | None,
    dest: Path | None,
    score_options: Mapping[str, Any],
    sums_options: Mapping[str, Any],
    batch_rows: int,
    compression: str,
) -> PartJob:
    """Validate every argument on an empty frame, and fix the read and output schemas."""
    read_schema = pa.schema([])
    out_schema = None
    if dataset is not None:
        read_schema = dataset.schema
        empty = score(read_schema.empty_table().to_pandas(), **score_options)
        prevalence_partial_sums(empty, **sums_options)
        if dest is None:
            read_schema = _needed_schema(read_schema, score_options, sums_options)
        else:
            out_schema = output_schema(empty, read_schema)
    return PartJob(read_schema, out_schema, batch_rows, compression,
                   dict(score_options), dict(sums_options))  # fmt: skip


def _needed_schema(
    schema: pa.Schema, score_options: Mapping[str, Any], sums_options: Mapping[str, Any]
) -> pa.Schema:
    """The input columns scoring and prevalence read (when nothing is written)."""
    wanted = set(resolve_columns(schema.names, score_options["columns"] or None).values())
    wanted.update(c for c in _CONTEXT if c in schema.names)
    by = sums_options["by"]
    names: list[Any] = [by] if isinstance(by, str) else list(by or [])
    for item in names:
        if isinstance(item, str):
            wanted.add(item)
        elif item is not None:
            wanted.update(item)
    design = (sums_options["weights"], sums_options["cluster"], sums_options["strata"])
    wanted.update(c for c in design if c is not None)
    return pa.schema([f for f in schema if f.name in wanted], metadata=schema.metadata)


def _process_file(run: _Run, path: str, tally: _Tally) -> None:
    """Resume or score one source file, record it, and add it to the tally."""
    rel = run.src.relative(path)
    if run.manifest is not None:
        part = _resume(run, rel, path)
        if part is not None:
            tally.add(path, part, resumed=True)
            return
    final = run.dest / rel if run.dest is not None else None
    tmp = tmp_name(final) if final is not None else None
    folder_keys = [seg.split("=", 1)[0] for seg in Path(rel).parent.parts if "=" in seg]
    base = tally.rows_scored
    started = time.perf_counter()

    def report(rows_done: int) -> None:
        if run.progress is not None:
            elapsed = max(time.perf_counter() - started, 1e-9)
            run.progress(base + rows_done, rows_done / elapsed)

    try:
        part = score_part(run.fragments[path], run.job, tmp, folder_keys, report)
        if tmp is not None and final is not None:
            os.replace(tmp, final)
    except PartFailed as failure:
        error = FileError(path, failure.stage, type(failure.exc).__name__, str(failure.exc))
        if run.on_error == "raise":
            raise StreamFileError(error) from failure.exc
        tally.errors.append(error)
        return
    if run.manifest is not None and run.dest is not None and final is not None:
        info = run.fragments[path].filesystem.get_file_info(path)
        run.manifest.record(
            rel,
            {
                "output": os.path.relpath(final, run.dest),
                "rows": part.rows,
                "bytes": final.stat().st_size,
                "source": {"size": info.size, "mtime_ns": info.mtime_ns},
                "sums_key": run.sums_key,
                "sums_files": save_sums(run.dest, rel, part),
            },
        )
    tally.add(path, part, resumed=False)


def _resume(run: _Run, rel: str, path: str) -> Part | None:
    """The finished part's sums, or None when it must be scored (again)."""
    assert run.manifest is not None and run.dest is not None
    info = run.manifest.entry(rel)
    if info is None:
        return None
    stat = run.fragments[path].filesystem.get_file_info(path)
    output = run.dest / info["output"]
    if (
        info.get("source") != {"size": stat.size, "mtime_ns": stat.mtime_ns}
        or not output.exists()
        or output.stat().st_size != info["bytes"]
    ):
        return None
    if info.get("sums_key") == run.sums_key:
        part = load_sums(run.dest, info.get("sums_files", {}))
        if part is not None:
            return part
    # same scored rows, other prevalence options: recompute the sums from the output
    part = sums_from_output(output, run.job)
    return part if part.rows == info["rows"] else None
