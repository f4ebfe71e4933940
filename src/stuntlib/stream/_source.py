"""Source side of the stream: find the files, read their union schema, hash their bytes.

Every source file is identified by the sha256 of its bytes, not by its size and
modification time: a copy made with ``cp -p`` or ``rsync -t`` keeps both while changing
the content. Pages are read with their CRC-32 checked when the writer stored one.

References
----------
.. [1] Apache Parquet format specification, ``PageHeader.crc``: "The 32-bit CRC checksum
   for the page, to be calculated as follows: ... using the standard CRC32 algorithm
   (as in GZip)", https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift
.. [2] NIST FIPS 180-4, Secure Hash Standard (SHA-256).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from stuntlib.errors import StuntlibError

__all__ = ["FileError", "Source", "discover", "file_sha256", "open_dataset", "scan_options"]

#: Suffix of the hidden temporary names the stream writes before an atomic rename.
TMP_SUFFIX = ".inprogress"
_CHUNK = 1 << 20


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
    stage: str
    error: str
    message: str


@dataclass(frozen=True)
class Source:
    """The source files (sorted by path), their root folder and Hive partitioning."""

    files: tuple[str, ...]
    root: Path
    partitioning: Any

    def relative(self, path: str) -> str:
        """Path of ``path`` relative to the root (the output's relative path too)."""
        return os.path.relpath(path, self.root)


def visible(path: Path, root: Path) -> bool:
    """Whether readers see ``path``: no component under ``root`` starts with . or _."""
    return not any(p.startswith((".", "_")) for p in path.relative_to(root).parts)


def discover(source: Any, dest: Path | None) -> Source:
    """The files of ``source`` outside ``dest``.

    Raises
    ------
    StuntlibError
        If ``source`` is of another type, missing, or holds no file outside ``dest``.
    """
    if isinstance(source, ds.FileSystemDataset):
        files = [os.path.abspath(str(f)) for f in source.files]
        if not files:
            raise StuntlibError("source: the dataset has no files")
        root = Path(os.path.commonpath([os.path.dirname(f) for f in files]))
        partitioning = getattr(source, "partitioning", None)
    elif isinstance(source, ds.Dataset) or not isinstance(source, (str, os.PathLike)):
        raise StuntlibError(
            "source: expected a Parquet file, a folder of Parquet files or a "
            f"pyarrow.dataset.FileSystemDataset; got {type(source).__name__}"
        )
    else:
        path = Path(source).absolute()
        if path.is_file():
            files, root, partitioning = [str(path)], path.parent, None
        elif path.is_dir():
            files = sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file() and visible(p, path) and not p.name.endswith(TMP_SUFFIX)
            )
            if not files:
                raise StuntlibError(f"source: no files in folder {str(path)!r}")
            root = path
            partitioning = ds.HivePartitioning.discover(infer_dictionary=False)
        else:
            raise StuntlibError(f"source: {str(path)!r} is neither a file nor a folder")
    if dest is not None:  # never read our own output as input
        files = [f for f in files if not Path(f).is_relative_to(dest)]
        if not files:
            raise StuntlibError(f"source: no files outside the destination {str(dest)!r}")
    return Source(tuple(files), root, partitioning)


def scan_options() -> ds.ParquetFragmentScanOptions:
    """Scan options that verify each page's CRC-32 where the file stores one [1]_."""
    return ds.ParquetFragmentScanOptions(page_checksum_verification=True)


def open_dataset(
    src: Source,
) -> tuple[ds.FileSystemDataset | None, dict[str, FileError]]:
    """A dataset with the union schema of the files whose footer reads; the others by file.

    The schema is the union of every readable file's columns (in first-seen order; types
    promoted as :func:`pyarrow.unify_schemas` does with ``"permissive"``), so a column
    that only later files carry is kept, and a file without it reads as nulls.
    """
    bad: dict[str, FileError] = {}
    schemas: list[pa.Schema] = []
    good: list[str] = []
    for f in src.files:
        try:
            schemas.append(pq.read_schema(f))
        except Exception as exc:  # any unreadable footer is that file's problem
            bad[f] = FileError(f, "read", type(exc).__name__, str(exc))
            continue
        good.append(f)
    if not good:
        return None, bad
    try:
        schema = pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise StuntlibError(
            f"source: the files' columns have types that cannot be combined ({exc}); "
            "give each column one type in every file"
        ) from exc
    kwargs: dict[str, Any] = {"format": "parquet"}
    if src.partitioning is not None:
        kwargs.update(partitioning=src.partitioning, partition_base_dir=str(src.root))
    first = ds.dataset(good, **kwargs)  # learns the partition columns and their types
    for field in first.schema:
        if field.name not in schema.names:
            schema = schema.append(field)
    return first.replace_schema(schema), bad


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes [2]_, read in 1 MiB chunks.

    Raises
    ------
    OSError
        If the file cannot be read.
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()
