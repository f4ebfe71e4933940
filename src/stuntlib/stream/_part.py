"""Score one source file batch by batch: partial sums, quality counts, checksummed output.

The output of a part is written to a hidden temporary name and handed back unrenamed:
the caller records it in the manifest before renaming it into place, so that a kill at
any instant leaves nothing that the manifest does not account for.

References
----------
.. [1] Apache Parquet format specification, ``PageHeader.crc`` (page checksums),
   https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from stuntlib.estimation import PartialSums, merge_partial_sums, prevalence_partial_sums
from stuntlib.indicators import FLAG_OF
from stuntlib.scoring import score
from stuntlib.stream._source import TMP_SUFFIX, scan_options

__all__ = [
    "Part",
    "PartFailed",
    "output_schema",
    "quality_counts",
    "quality_frame",
    "score_part",
    "sums_from_output",
]

#: Quality counts: ``(z column, status) -> rows``.
Counts = dict[tuple[str, str], int]


@dataclass
class Part:
    """Sums of one source file, kept until the file is finished."""

    sums: PartialSums | None = None
    quality: Counts = field(default_factory=dict)
    rows: int = 0

    def add(self, sums: PartialSums, quality: Mapping[tuple[str, str], int], rows: int) -> None:
        """Merge the sums and counts of a further batch (or part)."""
        self.sums = sums if self.sums is None else merge_partial_sums([self.sums, sums])
        merge_counts(self.quality, quality)
        self.rows += rows


class PartFailed(Exception):
    """A part failed at ``stage`` (``"read"``, ``"score"`` or ``"write"``)."""

    def __init__(self, stage: str, exc: BaseException) -> None:
        super().__init__(str(exc))
        self.stage = stage
        self.exc = exc


def quality_counts(scored: pd.DataFrame) -> Counts:
    """Rows per z-score column and status (``scored``, ``flagged`` or a reason code).

    The z-score and flag columns come from :data:`stuntlib.indicators.FLAG_OF`; a
    z-score's reason column is ``<z>_reason`` as :func:`stuntlib.score` writes it.
    """
    into: Counts = {}
    n = len(scored)
    for z, flag in FLAG_OF.items():
        reason = f"{z}_reason"
        if z not in scored.columns or reason not in scored.columns:
            continue
        reasons = scored[reason]
        for status, rows in reasons.value_counts(dropna=True).items():
            if rows:
                into[(z, str(status))] = int(rows)
        ok = reasons.isna().to_numpy() & ~np.isnan(
            scored[z].to_numpy(dtype=np.float64, na_value=np.nan)
        )
        flagged = np.zeros(n, dtype=bool)
        if flag in scored.columns:
            flagged = scored[flag].to_numpy(dtype=np.float64, na_value=np.nan) == 1.0
        for status, rows in (
            ("scored", int((ok & ~flagged).sum())),
            ("flagged", int((ok & flagged).sum())),
        ):
            if rows:
                into[(z, status)] = rows
    return into


def merge_counts(a: Counts, b: Mapping[tuple[str, str], int]) -> None:
    """Add the counts ``b`` into ``a``."""
    for key, rows in b.items():
        a[key] = a.get(key, 0) + rows


def quality_frame(counts: Mapping[tuple[str, str], int]) -> pd.DataFrame:
    """The quality counts as a frame ``column, status, rows`` sorted by column and status."""
    keys = sorted(counts)
    return pd.DataFrame(
        {
            "column": pd.Series([k[0] for k in keys], dtype=object),
            "status": pd.Series([k[1] for k in keys], dtype=object),
            "rows": np.array([counts[k] for k in keys], dtype=np.int64),
        }
    )


def output_schema(scored: pd.DataFrame, source_schema: pa.Schema) -> pa.Schema:
    """Arrow schema of the output: inferred, but kept inputs keep their exact type.

    Computed once per run from an empty frame of the union source schema, so every part
    has the same columns and types (a reader of the folder then sees every column).
    """
    inferred = pa.Schema.from_pandas(scored, preserve_index=False)
    empty = source_schema.empty_table().to_pandas()
    fields = []
    for f in inferred:
        same = f.name in source_schema.names and f.name in empty.columns
        if same and str(scored[f.name].dtype) == str(empty[f.name].dtype):
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
        fragment_scan_options=scan_options(),
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


@dataclass(frozen=True)
class PartJob:
    """What :func:`score_part` needs besides the fragment."""

    read_schema: pa.Schema
    out_schema: pa.Schema | None
    batch_rows: int
    compression: str
    score_options: Mapping[str, Any]
    sums_options: Mapping[str, Any]


def _writer_options(compression: str) -> dict[str, Any]:
    return {"compression": compression, "write_page_checksum": True}


def score_part(
    fragment: ds.Fragment,
    job: PartJob,
    tmp: Path | None,
    folder_keys: list[str],
    report: Callable[[int], None],
) -> Part:
    """Score one source file; write its rows to ``tmp`` (not renamed) when given.

    Raises
    ------
    PartFailed
        With the stage (read, score, write) and the cause; ``tmp`` is then removed.
    """
    part = Part()
    writer: pq.ParquetWriter | None = None
    schema = None
    if job.out_schema is not None:
        schema = pa.schema([f for f in job.out_schema if f.name not in folder_keys],
                           metadata=job.out_schema.metadata)  # fmt: skip
    try:
        if tmp is not None and schema is not None:
            tmp.parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(tmp, schema, **_writer_options(job.compression))
        batches = _batches(fragment, job.read_schema, job.batch_rows)
        while True:
            try:
                table = next(batches)
            except StopIteration:
                break
            except Exception as exc:
                raise PartFailed("read", exc) from exc
            try:
                scored = score(table.to_pandas(), **job.score_options)
                sums = prevalence_partial_sums(scored, **job.sums_options)
                counts = quality_counts(scored)
            except Exception as exc:
                raise PartFailed("score", exc) from exc
            if writer is not None and schema is not None:
                try:
                    rows = scored.drop(columns=folder_keys, errors="ignore")
                    writer.write_table(pa.Table.from_pandas(rows, schema=schema,
                                                            preserve_index=False))  # fmt: skip
                except Exception as exc:
                    raise PartFailed("write", exc) from exc
            part.add(sums, counts, len(scored))
            del scored, table
            report(part.rows)
        if writer is not None:
            try:
                writer.close()
                writer = None
                with open(tmp, "rb+") as fh:  # type: ignore[arg-type]
                    os.fsync(fh.fileno())
            except Exception as exc:
                raise PartFailed("write", exc) from exc
        if part.sums is None:
            part.sums = empty_sums(job)
        return part
    except BaseException:
        if writer is not None:
            try:
                writer.close()
            except Exception:  # the original failure is what matters
                pass
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise


def empty_sums(job: PartJob) -> PartialSums:
    """Partial sums of no rows (an empty file), with the groups' dtypes of the core."""
    empty = score(job.read_schema.empty_table().to_pandas(), **job.score_options)
    return prevalence_partial_sums(empty, **job.sums_options)


def sums_from_output(output: Path, job: PartJob) -> Part:
    """Partial sums and quality counts rebuilt from a part's scored output.

    Pages are read with their CRC-32 verified [1]_.

    Raises
    ------
    OSError, pyarrow.ArrowException
        If the output cannot be read or a page fails its checksum.
    """
    part = Part()
    reader = pq.ParquetFile(output, page_checksum_verification=True)
    for batch in reader.iter_batches():
        scored = batch.to_pandas()
        part.add(prevalence_partial_sums(scored, **job.sums_options), quality_counts(scored),
                 len(scored))  # fmt: skip
    if part.sums is None:
        part.sums = empty_sums(job)
    return part


def tmp_name(final: Path) -> Path:
    """The hidden temporary name of ``final`` (ignored by Parquet readers)."""
    return final.with_name("." + final.name + TMP_SUFFIX)
