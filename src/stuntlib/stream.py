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

import dataclasses
import hashlib
import json
import os
import pickle
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

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
#: Name of the manifest in the destination folder.
MANIFEST_NAME = "_stuntlib_manifest.json"
#: Folder (in the destination) holding the partial sums of each finished part.
SUMS_DIR = "_stuntlib_sums"
#: Marker written when every part finished without error (as Hadoop and Spark do).
SUCCESS_NAME = "_SUCCESS"
_FORMAT = "stuntlib.score_dataset"
_MANIFEST_VERSION = 1
_TMP_SUFFIX = ".inprogress"
# Input columns the scoring core or prevalence may read besides resolved aliases.
_CONTEXT = ("csex", "sex", "coedema", "oedema", "age_days", "age_months")

Progress = Callable[[int, float], object]


@dataclass(frozen=True)
class FileError:
    """A source file that could not be read, scored or written.

    Attributes
    ----------
    path : str
        The source file.
    stage : {"read", "score", "write"}
        Where it failed.
    error : str
        The exception's class name.
    message : str
        The exception's message.
    """

    path: str
    stage: Literal["read", "score", "write"]
    error: str
    message: str


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


@dataclass
class _Part:
    """Sums of one source file, kept until the file is finished."""

    sums: PartialSums | None = None
    quality: dict[tuple[str, str], int] = field(default_factory=dict)
    rows: int = 0


class _PartFailed(Exception):
    def __init__(self, stage: Literal["read", "score", "write"], exc: BaseException) -> None:
        super().__init__(str(exc))
        self.stage = stage
        self.exc = exc


# --------------------------------------------------------------------------------------
# source discovery
# --------------------------------------------------------------------------------------


def _visible(path: Path, root: Path) -> bool:
    rel = path.relative_to(root).parts
    return not any(p.startswith((".", "_")) for p in rel)


def _discover(source: Any) -> tuple[list[str], Path, ds.Partitioning | None]:
    """Source files (ordered) of a path, their root folder and the partitioning."""
    if isinstance(source, ds.Dataset):
        raise StuntlibError(
            "source: expected a Parquet file, a folder of Parquet files or a "
            f"pyarrow.dataset.FileSystemDataset; got {type(source).__name__}"
        )
    if not isinstance(source, (str, os.PathLike)):
        raise StuntlibError(
            "source: expected a path to a Parquet file or folder, or a pyarrow dataset; "
            f"got {type(source).__name__}"
        )
    path = Path(source).absolute()
    if path.is_file():
        return [str(path)], path.parent, None
    if not path.is_dir():
        raise StuntlibError(f"source: {str(path)!r} is neither a file nor a folder")
    files = sorted(
        str(p)
        for p in path.rglob("*")
        if p.is_file() and _visible(p, path) and not p.name.endswith(_TMP_SUFFIX)
    )
    if not files:
        raise StuntlibError(f"source: no files in folder {str(path)!r}")
    partitioning = ds.HivePartitioning.discover(infer_dictionary=False)
    return files, path, partitioning


def _dataset(
    files: list[str], root: Path, partitioning: Any
) -> tuple[ds.FileSystemDataset | None, dict[str, FileError]]:
    """A dataset over the files whose footer can be read; footer failures by file."""
    bad: dict[str, FileError] = {}
    good: list[str] = []
    for f in files:
        try:
            pq.read_schema(f)
        except Exception as exc:  # any unreadable footer is that file's problem
            bad[f] = FileError(f, "read", type(exc).__name__, str(exc))
            continue
        good.append(f)
    if not good:
        return None, bad
    kwargs: dict[str, Any] = {"format": "parquet"}
    if partitioning is not None:
        kwargs.update(partitioning=partitioning, partition_base_dir=str(root))
    return ds.dataset(good, **kwargs), bad


# --------------------------------------------------------------------------------------
# manifest
# --------------------------------------------------------------------------------------


def _key(payload: Mapping[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name("." + path.name + _TMP_SUFFIX)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read_manifest(destination: Path) -> dict[str, Any] | None:
    path = destination / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise StuntlibError(
            f"destination: the manifest {str(path)!r} cannot be read ({exc}); remove the "
            "folder or pass resume=False to start again"
        ) from exc
    if manifest.get("format") != _FORMAT:
        raise StuntlibError(f"destination: {str(path)!r} is not a score_dataset manifest")
    return dict(manifest)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------------------
# per-batch work
# --------------------------------------------------------------------------------------


def _quality_counts(scored: pd.DataFrame, into: dict[tuple[str, str], int]) -> None:
    for column in scored.columns:
        if not (isinstance(column, str) and column.endswith("_reason")):
            continue
        z = column[: -len("_reason")]
        if z not in scored.columns:
            continue
        reasons = scored[column]
        counts = reasons.value_counts(dropna=True)
        for status, rows in counts.items():
            if rows:
                key = (z, str(status))
                into[key] = into.get(key, 0) + int(rows)
        present = reasons.isna().to_numpy()
        flag = "f" + z[1:]
        flagged = np.zeros(len(scored), dtype=bool)
        if flag in scored.columns:
            flagged = scored[flag].to_numpy(dtype=np.float64, na_value=np.nan) == 1.0
        zval = scored[z].to_numpy(dtype=np.float64, na_value=np.nan)
        ok = present & ~np.isnan(zval)
        for status, rows in (
            ("scored", int((ok & ~flagged).sum())),
            ("flagged", int((ok & flagged).sum())),
        ):
            if rows:
                into[(z, status)] = into.get((z, status), 0) + rows


def _merge_quality(a: dict[tuple[str, str], int], b: Mapping[tuple[str, str], int]) -> None:
    for key, rows in b.items():
        a[key] = a.get(key, 0) + rows


def _quality_frame(counts: Mapping[tuple[str, str], int]) -> pd.DataFrame:
    if not counts:
        return pd.DataFrame({"column": pd.Series(dtype=object), "status": pd.Series(dtype=object),
                             "rows": pd.Series(dtype=np.int64)})  # fmt: skip
    keys = sorted(counts)
    return pd.DataFrame(
        {
            "column": [k[0] for k in keys],
            "status": [k[1] for k in keys],
            "rows": np.array([counts[k] for k in keys], dtype=np.int64),
        }
    )


def _output_schema(scored: pd.DataFrame, source_schema: pa.Schema) -> pa.Schema:
    """Arrow schema of the output: inferred, but kept inputs keep their exact type."""
    inferred = pa.Schema.from_pandas(scored, preserve_index=False)
    source_dtypes: dict[str, Any] = {}
    empty = source_schema.empty_table().to_pandas()
    for name in empty.columns:
        source_dtypes[name] = empty[name].dtype
    fields = []
    for f in inferred:
        same = f.name in source_dtypes and f.name in source_schema.names
        if same and str(scored[f.name].dtype) == str(source_dtypes[f.name]):
            fields.append(source_schema.field(f.name))
        elif pa.types.is_null(f.type):
            fields.append(pa.field(f.name, pa.large_string()))
        else:
            fields.append(f)
    return pa.schema(fields, metadata=inferred.metadata)


def _batches(fragment: ds.Fragment, schema: pa.Schema, batch_rows: int) -> Iterator[pa.Table]:
    """Tables of about ``batch_rows`` rows (whole record batches coalesced)."""
    buffer: list[pa.RecordBatch] = []
    size = 0
    for batch in fragment.to_batches(
        schema=schema,
        columns=schema.names,
        batch_size=batch_rows,
        batch_readahead=1,
        fragment_readahead=0,
    ):
        if batch.num_rows == 0:
            continue
        buffer.append(batch)
        size += batch.num_rows
        if size >= batch_rows:
            yield pa.Table.from_batches(buffer, schema=schema)
            buffer, size = [], 0
    if buffer:
        yield pa.Table.from_batches(buffer, schema=schema)


# --------------------------------------------------------------------------------------
# the entry point
# --------------------------------------------------------------------------------------


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
    started = time.perf_counter()
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

    dest = Path(destination).absolute() if destination is not None else None
    dataset: ds.FileSystemDataset | None
    footer_errors: dict[str, FileError] = {}
    if isinstance(source, ds.FileSystemDataset):
        dataset = source
        files = [str(f) for f in source.files]
        if not files:
            raise StuntlibError("source: the dataset has no files")
        root = Path(os.path.commonpath([os.path.dirname(os.path.abspath(f)) for f in files]))
    else:
        files, root, partitioning = _discover(source)
        if dest is not None:  # never read our own output as input
            files = [f for f in files if not Path(f).is_relative_to(dest)]
            if not files:
                raise StuntlibError(f"source: no files outside the destination {str(dest)!r}")
        dataset, footer_errors = _dataset(files, root, partitioning)
    if footer_errors and on_error == "raise":
        err = next(iter(footer_errors.values()))
        raise StreamFileError(err)

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
    finalize_options = {
        "ci": ci,
        "level": level,
        "population": population,
        "min_n": min_n,
        "min_cases": min_cases,
        "suppress": suppress,
    }

    read_schema: pa.Schema | None = None
    fragments: dict[str, ds.Fragment] = {}
    if dataset is not None:
        full_schema = dataset.schema
        # validate every argument on an empty frame before touching a file
        empty_scored = score(full_schema.empty_table().to_pandas(), **score_options)
        prevalence_partial_sums(empty_scored, **sums_options)
        read_schema = full_schema
        if destination is None:
            read_schema = _needed_schema(full_schema, columns, by, weights, cluster, strata)
        fragments = {str(f.path): f for f in dataset.get_fragments()}

    score_key = _key({"score": score_options, "schema": str(dataset.schema) if dataset else ""})
    sums_key = _key(sums_options)
    manifest: dict[str, Any] = {
        "format": _FORMAT,
        "version": _MANIFEST_VERSION,
        "score_key": score_key,
        "status": "running",
        "parts": {},
        "errors": [],
    }
    if dest is not None:
        manifest = _open_destination(dest, manifest, resume, score_key)
        # A source file that is gone (deleted or renamed) must not leave its output behind:
        # the destination always mirrors the current source, and _SUCCESS only a full run.
        current = {os.path.relpath(p, root) for p in files}
        for rel in [r for r in manifest["parts"] if r not in current]:
            stale = manifest["parts"].pop(rel)
            for name in (stale.get("output"), stale.get("sums")):
                if name:
                    (dest / name).unlink(missing_ok=True)
        (dest / SUCCESS_NAME).unlink(missing_ok=True)

    running: PartialSums | None = None
    quality: dict[tuple[str, str], int] = {}
    rows_scored = rows_resumed = 0
    done: list[str] = []
    resumed: list[str] = []
    errors: list[FileError] = []
    batch_started = time.perf_counter()

    def report(rows_done: int) -> None:
        if progress is not None:
            elapsed = max(time.perf_counter() - batch_started, 1e-9)
            progress(rows_done, rows_done / elapsed)

    for path in files:
        rel = os.path.relpath(path, root)
        if path in footer_errors:
            errors.append(footer_errors[path])
            continue
        fragment = fragments[path]
        assert dataset is not None
        info = dataset.filesystem.get_file_info(path)
        identity = {"size": info.size, "mtime_ns": info.mtime_ns}
        if dest is not None:
            previous = manifest["parts"].get(rel)
            part = _resume_part(dest, previous, identity, sums_key, sums_options)
            if part is not None:
                running = part.sums if running is None else _merge(running, part.sums)
                _merge_quality(quality, part.quality)
                rows_resumed += part.rows
                done.append(path)
                resumed.append(path)
                continue
        try:
            assert read_schema is not None
            part, written = _score_part(
                fragment,
                read_schema,
                batch_rows,
                dest,
                rel,
                compression,
                score_options,
                sums_options,
                _offset(report, rows_scored),
            )
        except _PartFailed as failure:
            error = FileError(path, failure.stage, type(failure.exc).__name__, str(failure.exc))
            if on_error == "raise":
                raise StreamFileError(error) from failure.exc
            errors.append(error)
            continue
        rows_scored += part.rows
        running = part.sums if running is None else _merge(running, part.sums)
        _merge_quality(quality, part.quality)
        done.append(path)
        if dest is not None and written is not None:
            sums_file = _save_sums(dest, rel, part, sums_key)
            manifest["parts"][rel] = {
                "output": os.path.relpath(written, dest),
                "rows": part.rows,
                "bytes": written.stat().st_size,
                "source": identity,
                "sums": sums_file,
                "sums_key": sums_key,
                "sums_sha256": _sha256(dest / sums_file),
            }
            _write_atomic(dest / MANIFEST_NAME, json.dumps(manifest, indent=1).encode())

    complete = not errors and len(done) == len(files)
    if dest is not None:
        manifest["status"] = "complete" if complete else "incomplete"
        manifest["errors"] = [dataclasses.asdict(e) for e in errors]
        _write_atomic(dest / MANIFEST_NAME, json.dumps(manifest, indent=1).encode())
        if complete:
            _write_atomic(dest / SUCCESS_NAME, b"")
    table = finalize_prevalence(running, **finalize_options) if running is not None else None
    seconds = time.perf_counter() - started
    return StreamResult(
        prevalence=table,
        sums=running,
        quality=_quality_frame(quality),
        rows=rows_scored + rows_resumed,
        rows_scored=rows_scored,
        rows_resumed=rows_resumed,
        seconds=seconds,
        rows_per_s=rows_scored / seconds if seconds > 0 else 0.0,
        parts=tuple(done),
        resumed=tuple(resumed),
        errors=tuple(errors),
        destination=str(dest) if dest is not None else None,
        complete=complete,
    )


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


def _offset(report: Callable[[int], None], base: int) -> Callable[[int], None]:
    def inner(rows: int) -> None:
        report(base + rows)

    return inner


def _merge(a: PartialSums, b: PartialSums | None) -> PartialSums:
    return a if b is None else merge_partial_sums([a, b])


def _needed_schema(
    schema: pa.Schema,
    columns: Mapping[str, str] | None,
    by: Any,
    weights: str | None,
    cluster: str | None,
    strata: str | None,
) -> pa.Schema:
    """The input columns scoring and prevalence read (when nothing is written)."""
    wanted = set(resolve_columns(schema.names, columns).values())
    wanted.update(c for c in _CONTEXT if c in schema.names)
    names: list[Any] = [by] if isinstance(by, str) else list(by or [])
    for item in names:
        if isinstance(item, str):
            wanted.add(item)
        elif item is not None:
            wanted.update(item)
    wanted.update(c for c in (weights, cluster, strata) if c is not None)
    return pa.schema([f for f in schema if f.name in wanted], metadata=schema.metadata)


def _open_destination(
    dest: Path, fresh: dict[str, Any], resume: bool, score_key: str
) -> dict[str, Any]:
    """Check the destination and return the manifest to continue (or a fresh one)."""
    dest.mkdir(parents=True, exist_ok=True)
    old = _read_manifest(dest)
    if old is None:
        foreign = [p.name for p in dest.iterdir() if p.name != SUMS_DIR]
        if foreign:
            raise StuntlibError(
                f"destination: {str(dest)!r} is not empty and has no {MANIFEST_NAME}; "
                f"choose an empty or new folder (found {sorted(foreign)[:5]})"
            )
    elif resume and old.get("score_key") != score_key:
        raise StuntlibError(
            f"destination: {str(dest)!r} holds output scored with other options or another "
            "input schema; pass resume=False to replace it, or choose another folder"
        )
    (dest / SUCCESS_NAME).unlink(missing_ok=True)
    for stale in dest.rglob("." + "*" + _TMP_SUFFIX):
        stale.unlink(missing_ok=True)
    if old is not None and not resume:
        for info in old.get("parts", {}).values():
            (dest / info["output"]).unlink(missing_ok=True)
            (dest / info["sums"]).unlink(missing_ok=True)
        old = None
    manifest = fresh if old is None else {**old, "status": "running", "errors": []}
    _write_atomic(dest / MANIFEST_NAME, json.dumps(manifest, indent=1).encode())
    return manifest


def _sums_name(rel: str) -> str:
    return f"{SUMS_DIR}/{hashlib.sha256(rel.encode()).hexdigest()[:24]}.pkl"


def _save_sums(dest: Path, rel: str, part: _Part, sums_key: str) -> str:
    name = _sums_name(rel)
    (dest / SUMS_DIR).mkdir(exist_ok=True)
    payload = {"sums_key": sums_key, "sums": part.sums, "quality": part.quality, "rows": part.rows}
    _write_atomic(dest / name, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    return name


def _resume_part(
    dest: Path,
    info: Mapping[str, Any] | None,
    identity: Mapping[str, int],
    sums_key: str,
    sums_options: Mapping[str, Any],
) -> _Part | None:
    """The finished part's sums, or None when it must be scored (again)."""
    if info is None or dict(info.get("source", {})) != dict(identity):
        return None
    output = dest / info["output"]
    if not output.exists() or output.stat().st_size != info["bytes"]:
        return None
    sums_path = dest / info["sums"]
    if (
        info.get("sums_key") == sums_key
        and sums_path.exists()
        and _sha256(sums_path) == info.get("sums_sha256")
    ):
        with open(sums_path, "rb") as fh:
            payload = pickle.load(fh)  # our own file, checked against the manifest
        return _Part(sums=payload["sums"], quality=payload["quality"], rows=payload["rows"])
    # same scored rows, other prevalence options: recompute the sums from the output
    part = _Part()
    for batch in pq.ParquetFile(output).iter_batches():
        scored = batch.to_pandas()
        part.sums = _merge_opt(part.sums, prevalence_partial_sums(scored, **sums_options))
        _quality_counts(scored, part.quality)
        part.rows += len(scored)
    return part if part.rows == info["rows"] else None


def _merge_opt(a: PartialSums | None, b: PartialSums) -> PartialSums:
    return b if a is None else merge_partial_sums([a, b])


def _score_part(
    fragment: ds.Fragment,
    schema: pa.Schema,
    batch_rows: int,
    dest: Path | None,
    rel: str,
    compression: str,
    score_options: Mapping[str, Any],
    sums_options: Mapping[str, Any],
    report: Callable[[int], None],
) -> tuple[_Part, Path | None]:
    """Score one source file; write it under a temporary name, rename when finished."""
    part = _Part()
    # Hive partition keys (``prov=33/...``) live in the folder path of the output as they
    # do in the source: writing them into the file too would make the folder unreadable.
    folder_keys = [seg.split("=", 1)[0] for seg in Path(rel).parent.parts if "=" in seg]
    final = dest / rel if dest is not None else None
    tmp = final.with_name("." + final.name + _TMP_SUFFIX) if final is not None else None
    writer: pq.ParquetWriter | None = None
    try:
        batches = _batches(fragment, schema, batch_rows)
        while True:
            try:
                table = next(batches)
            except StopIteration:
                break
            except Exception as exc:
                raise _PartFailed("read", exc) from exc
            try:
                scored = score(table.to_pandas(), **score_options)
                sums = prevalence_partial_sums(scored, **sums_options)
                _quality_counts(scored, part.quality)
            except Exception as exc:
                raise _PartFailed("score", exc) from exc
            if tmp is not None:
                try:
                    written_rows = scored.drop(columns=folder_keys, errors="ignore")
                    if writer is None:
                        out_schema = _output_schema(written_rows, schema)
                        tmp.parent.mkdir(parents=True, exist_ok=True)
                        writer = pq.ParquetWriter(tmp, out_schema, compression=compression)
                    writer.write_table(
                        pa.Table.from_pandas(
                            written_rows, schema=writer.schema, preserve_index=False
                        )
                    )
                except Exception as exc:
                    raise _PartFailed("write", exc) from exc
            part.sums = _merge_opt(part.sums, sums)
            part.rows += len(scored)
            del scored, table
            report(part.rows)
        if tmp is not None and final is not None:
            try:
                if writer is None:  # an empty file still gets its (empty) output
                    empty = score(schema.empty_table().to_pandas(), **score_options)
                    empty = empty.drop(columns=folder_keys, errors="ignore")
                    tmp.parent.mkdir(parents=True, exist_ok=True)
                    pq.write_table(
                        pa.Table.from_pandas(empty, schema=_output_schema(empty, schema),
                                             preserve_index=False),
                        tmp,
                        compression=compression,
                    )  # fmt: skip
                else:
                    writer.close()
                    writer = None
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, final)
            except Exception as exc:
                raise _PartFailed("write", exc) from exc
        if part.sums is None:
            empty = score(schema.empty_table().to_pandas(), **score_options)
            part.sums = prevalence_partial_sums(empty, **sums_options)
        return part, final
    except BaseException:
        if writer is not None:
            try:
                writer.close()
            except Exception:  # the original failure is what matters
                pass
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
