"""Score a whole population stored as Parquet, in bounded memory, with resume.

:func:`score_dataset` reads a Parquet file, a folder of Parquet files (Hive-style
``key=value`` folders become columns) or a :class:`pyarrow.dataset.FileSystemDataset` in
record batches, scores every batch with :func:`stuntlib.score`, optionally writes the
scored rows as Parquet (one output file per input file), and returns the prevalence table
computed from the additive partial sums of :mod:`stuntlib.estimation`, merged batch by
batch. Memory is bounded by ``batch_rows`` (and by the number of groups in ``by``), never
by the size of the dataset.

The destination never says more than is true (see :mod:`stuntlib.stream._manifest`):

* one run at a time: a second run into a folder that another run holds (the lock file
  ``_stuntlib.lock``) raises :class:`~stuntlib.errors.StuntlibError` at once;
* every part is written to a hidden temporary name (``.<name>.inprogress``), listed as
  pending in the manifest, then renamed; the manifest, ``_stuntlib_manifest.json``, is
  replaced atomically after every change, so a kill at any instant leaves nothing it
  does not account for, and the next run removes what was pending;
* the folder mirrors the current source: outputs of removed, changed or failed source
  files go; the rows of the folder are exactly :attr:`StreamResult.rows`;
* an empty ``_SUCCESS`` file appears only beside a manifest that says ``"complete"``;
* every output file carries a CRC-32 per page (``write_page_checksum``), and pages are
  verified when the stream reads them (sources written with checksums too).

A rerun with the same destination resumes: a finished part is reused when its source
file has the same sha256 as recorded (a content hash, not size and modification time,
which ``cp -p`` and ``rsync -t`` preserve), its output the same columns and the sha256
recorded; its partial sums are read back from ``_stuntlib_sums/`` (Parquet and JSON
checked by sha256, never pickle). Everything else is scored again from the start. Names
beginning with ``.`` or ``_`` are ignored by :func:`pandas.read_parquet` and
:func:`pyarrow.dataset.dataset`, so the destination folder reads as one table. Its
columns are the union of all source files' columns (a file without a column gets nulls),
followed by the scored columns.

References
----------
.. [1] Apache Parquet format specification, ``PageHeader.crc``: CRC-32 of each page,
   https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift
.. [2] NIST FIPS 180-4, Secure Hash Standard (SHA-256).
.. [3] WHO. Anthro R package 1.1, ``anthro_prevalence``: the prevalence estimates the
   streamed partial sums reproduce.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
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
    PartialSums,
    PrevalenceOptions,
    finalize_prevalence,
    merge_partial_sums,
    prevalence_partial_sums,
)
from stuntlib.estimation.options import SUMS_FIELDS
from stuntlib.scoring import score
from stuntlib.stream._manifest import LOCK_NAME as LOCK_NAME
from stuntlib.stream._manifest import MANIFEST_NAME, Manifest, options_key
from stuntlib.stream._manifest import SUCCESS_NAME as SUCCESS_NAME
from stuntlib.stream._manifest import SUMS_DIR as SUMS_DIR
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
from stuntlib.stream._source import FileError, Source, discover, file_sha256, open_dataset
from stuntlib.stream._sums import load_sums, save_sums

# The documented surface (docs/reference/api.md is generated from it). ``LOCK_NAME``,
# ``SUCCESS_NAME``, ``SUMS_DIR``, ``Rescored`` and ``SourceChangedError`` are importable
# from here too.
__all__ = [
    "DEFAULT_BATCH_ROWS",
    "MANIFEST_NAME",
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
    rescored : tuple of Rescored
        Source files an earlier call had finished that were scored again, with why.
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
    rescored: tuple[Rescored, ...] = ()


class SourceChangedError(StuntlibError):
    """A source file changed while it was being scored (its sha256 differs after)."""


@dataclass(frozen=True)
class Rescored:
    """A source file an earlier call had finished, scored again, and why.

    Attributes
    ----------
    path : str
        The source file.
    reason : str
        Why the earlier output was not reused (the source changed, the source folder's
        columns changed, the output was missing or altered, or could not be read).
    """

    path: str
    reason: str


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
    rescored: list[Rescored] = field(default_factory=list)

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
            rescored=tuple(self.rescored),
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
    schema_key: str
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
    compression: str = "snappy",
    options: PrevalenceOptions | None = None,
    **prevalence_options: Any,
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
        when the source file's bytes are unchanged (same sha256) and its output passes
        its sha256 check. False: start again, removing the parts the manifest lists.
    on_error : {"report", "raise"}, default "report"
        A file that cannot be read, scored or written is reported in
        :attr:`StreamResult.errors` by name and the other files go on (its partial
        output is removed); ``"raise"`` stops at the first such file.
    language, rounding
        As in :func:`stuntlib.score`.
    compression : str, default "snappy"
        Parquet compression of the output.
    options : stuntlib.estimation.PrevalenceOptions, optional
        The prevalence options (indicators, design, interval, small cells...), the same
        object :func:`stuntlib.estimation.prevalence` and the Dask adapter take.
    **prevalence_options
        Fields of :class:`~stuntlib.estimation.PrevalenceOptions` overriding ``options``
        (``indicators="stunting"``, ``min_n=1``...). The 0.1 names ``prevalence_rounding``
        (``"who"`` or None) and ``max_age_days`` are accepted. ``period`` is applied row
        by row; ``child`` is refused (deduplicate before streaming).

    Returns
    -------
    StreamResult
        The prevalence table, the merged sums, a quality summary (rows per z-score and
        reason), row counts, rows/s and per-file errors. Bad rows are not errors: they
        get NaN z-scores and a ``*_reason``, as in :func:`stuntlib.score`.

    Raises
    ------
    StuntlibError
        For a bad argument (checked on an empty frame before any file is scored); a
        destination that another run holds (its lock), that holds files its manifest does
        not list, or that was written with other scoring options; source files whose
        columns have types that cannot be combined.
    ColumnError
        If the data lack a column the scoring or ``by`` needs.
    StreamFileError
        With ``on_error="raise"``, for the first file that fails.

    See Also
    --------
    stuntlib.score : the in-memory scoring this streams.
    stuntlib.estimation.prevalence : the in-memory prevalence this reproduces.
    stuntlib.adapters.dask.prevalence : the same map, reduce and finalise on Dask.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1, ``anthro_prevalence`` (prevalence estimates and
       their intervals, reproduced here from additive partial sums).
    .. [2] Apache Parquet format specification, ``PageHeader.crc``: the CRC-32 of each
       page, written with ``write_page_checksum`` and verified on read,
       https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift
    .. [3] NIST FIPS 180-4, Secure Hash Standard: SHA-256, the content hash of source,
       output and partial-sums files.

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
    opts = _prevalence_options(options, prevalence_options)
    # the map step's options as plain values: they key the resume decision in the manifest
    sums_options: dict[str, Any] = {"by": by} | {f: getattr(opts, f) for f in SUMS_FIELDS}
    job = _prepare(dataset, dest, score_options, sums_options, batch_rows, compression)
    fragments = {str(f.path): f for f in dataset.get_fragments()} if dataset is not None else {}
    opened: Any = nullcontext(None)
    if dest is not None:
        score_key = options_key({"score": score_options})
        opened = Manifest.open(dest, score_key=score_key, resume=resume)
    with opened as manifest:
        run = _Run(src, fragments, job, dest, manifest, options_key(sums_options),
                   options_key({"schema": str(job.out_schema)}), on_error, progress)  # fmt: skip
        if manifest is not None:
            manifest.prune(src.relative(p) for p in src.files)
        for path in src.files:
            if path in footer_errors:
                _fail(run, path, footer_errors[path], tally)
            else:
                _process_file(run, path, tally)
        complete = not tally.errors and len(tally.done) == len(src.files)
        if manifest is not None:
            manifest.finish(complete, tally.errors)
    table = None
    if tally.sums is not None:
        table = finalize_prevalence(tally.sums, options=opts)
    return tally.result(table, dest, complete)


def _prevalence_options(
    options: PrevalenceOptions | None, keywords: Mapping[str, Any]
) -> PrevalenceOptions:
    """One options object from ``options=`` and keyword fields (0.1's names accepted)."""
    changes = dict(keywords)
    if "prevalence_rounding" in changes:  # 0.1 name: "who" or None (exact)
        value = changes.pop("prevalence_rounding")
        changes["rounding"] = "exact" if value is None else value
    if "child" in changes:
        raise StuntlibError(
            "child: one measurement per child needs every row of a period at once; "
            "deduplicate before streaming (stuntlib.rounds.one_per_child)"
        )
    return PrevalenceOptions.build(options, **changes)


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


def _fail(run: _Run, path: str, error: FileError, tally: _Tally) -> None:
    """Report a failed file; its earlier output goes, so the folder mirrors the source."""
    if run.on_error == "raise":
        raise StreamFileError(error)
    if run.manifest is not None:
        run.manifest.forget(run.src.relative(path))
    tally.errors.append(error)


def _process_file(run: _Run, path: str, tally: _Tally) -> None:
    """Resume or score one source file, record it, and add it to the tally."""
    rel = run.src.relative(path)
    sha = None
    if run.manifest is not None:
        try:
            sha = file_sha256(path)
        except OSError as exc:
            _fail(run, path, FileError(path, "read", type(exc).__name__, str(exc)), tally)
            return
        part, reason = _resume(run, rel, sha)
        if part is not None:
            tally.add(path, part, resumed=True)
            return
        if reason is not None:
            tally.rescored.append(Rescored(path, reason))
        run.manifest.forget(rel)
    final = run.dest / rel if run.dest is not None else None
    tmp = tmp_name(final) if final is not None else None
    base, started = tally.rows_scored, time.perf_counter()

    def report(rows_done: int) -> None:
        if run.progress is not None:
            elapsed = max(time.perf_counter() - started, 1e-9)
            run.progress(base + rows_done, rows_done / elapsed)

    folder_keys = [seg.split("=", 1)[0] for seg in Path(rel).parent.parts if "=" in seg]
    try:
        part = score_part(run.fragments[path], run.job, tmp, folder_keys, report)
        if run.manifest is not None and tmp is not None and final is not None:
            _commit(run, rel, path, sha, part, tmp, final)
    except PartFailed as failure:
        error = FileError(path, failure.stage, type(failure.exc).__name__, str(failure.exc))
        if run.on_error == "raise":
            raise StreamFileError(error) from failure.exc
        _fail(run, path, error, tally)
        return
    tally.add(path, part, resumed=False)


def _commit(
    run: _Run, rel: str, path: str, sha: str | None, part: Part, tmp: Path, final: Path
) -> None:
    """Check the source did not change, list the output as pending, rename, record.

    Raises
    ------
    PartFailed
        If the source changed while it was scored (stage ``"read"``) or the output cannot
        be renamed or hashed (stage ``"write"``); ``tmp`` is then removed.
    """
    assert run.manifest is not None and run.dest is not None
    try:
        if file_sha256(path) != sha:
            raise SourceChangedError(f"{path}: the file changed while it was being scored")
    except (OSError, SourceChangedError) as exc:
        tmp.unlink(missing_ok=True)
        raise PartFailed("read", exc) from exc
    output = final.relative_to(run.dest).as_posix()
    try:
        output_sha = file_sha256(tmp)
        run.manifest.pending(rel, output)
        os.replace(tmp, final)
        sums_files = save_sums(run.dest, rel, part)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PartFailed("write", exc) from exc
    run.manifest.record(
        rel,
        {
            "output": output,
            "rows": part.rows,
            "output_sha256": output_sha,
            "source_sha256": sha,
            "schema_key": run.schema_key,
            "sums_key": run.sums_key,
            "sums_files": sums_files,
        },
    )


def _resume(run: _Run, rel: str, sha: str) -> tuple[Part | None, str | None]:
    """The finished part's sums, or None and why it must be scored (again).

    A part is reused only when its source has the same sha256, its output the same
    columns and the sha256 the manifest recorded; its sums are read from their checked
    files, or else rebuilt from the output read with page checksums verified.
    """
    assert run.manifest is not None and run.dest is not None
    info = run.manifest.entry(rel)
    if info is None:
        return None, None
    if info.get("source_sha256") != sha:
        return None, "the source file changed"
    if info.get("schema_key") != run.schema_key:
        return None, "the source folder's columns changed"
    output = run.dest / info["output"]
    if not output.is_file() or file_sha256(output) != info.get("output_sha256"):
        return None, "the output was missing or altered"
    if info.get("sums_key") == run.sums_key:
        part = load_sums(run.dest, info.get("sums_files", {}))
        if part is not None and part.rows == info["rows"]:
            return part, None
    try:  # other prevalence options, or sums that failed their check: rebuild them
        part = sums_from_output(output, run.job)
    except (OSError, pa.ArrowException) as exc:
        return None, f"the output could not be read ({exc})"
    if part.rows != info["rows"]:
        return None, "the output has another number of rows than the manifest"
    return part, None
