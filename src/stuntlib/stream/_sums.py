"""Persist the partial sums of a finished part as Parquet and JSON, checked by sha256.

The sums of a part are written as explicit data, never as pickle (which runs code when
read): one Parquet file per grouping set (``cells``), one for the survey design, and a
JSON file with the scalar fields and the quality counts. The manifest records the sha256
of each file; a file that is missing or whose bytes differ is not trusted, and the part
is rebuilt from its scored output or scored again.

References
----------
.. [1] Apache Parquet format specification (page checksums, ``PageHeader.crc``),
   https://github.com/apache/parquet-format
.. [2] NIST FIPS 180-4, Secure Hash Standard (SHA-256).
.. [3] Python documentation, ``pickle``: "The pickle module is not secure. Only unpickle
   data you trust." https://docs.python.org/3/library/pickle.html
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from stuntlib.estimation import PartialSums
from stuntlib.stream._manifest import SUMS_DIR, write_atomic
from stuntlib.stream._part import Part
from stuntlib.stream._source import TMP_SUFFIX, file_sha256

__all__ = ["load_sums", "save_sums"]

_FORMAT = "stuntlib.partial_sums"
_VERSION = 1


def _write_frame(path: Path, frame: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    tmp = path.with_name("." + path.name + TMP_SUFFIX)
    pq.write_table(table, tmp, write_page_checksum=True)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read_frame(path: Path) -> pd.DataFrame:
    return pq.read_table(path, page_checksum_verification=True).to_pandas()


def save_sums(dest: Path, rel: str, part: Part) -> dict[str, str]:
    """Write the sums of the part ``rel`` under ``dest``; return ``{file: sha256}``.

    Returns an empty mapping when a group column cannot be stored as Parquet (the sums
    are then rebuilt from the scored output on resume).

    Raises
    ------
    OSError
        If a file cannot be written.
    """
    sums = part.sums
    assert sums is not None
    stem = f"{SUMS_DIR}/{hashlib.sha256(rel.encode()).hexdigest()[:24]}"
    (dest / SUMS_DIR).mkdir(exist_ok=True)
    names = [f"{stem}.cells-{k}.parquet" for k in range(len(sums.cells))]
    names.append(f"{stem}.design.parquet")
    try:
        for name, frame in zip(names, (*sums.cells, sums.design), strict=True):
            _write_frame(dest / name, frame)
    except (pa.ArrowException, TypeError, ValueError):
        for name in names:
            (dest / name).unlink(missing_ok=True)
        return {}
    header = {
        "format": _FORMAT,
        "version": _VERSION,
        "groupings": [list(g) for g in sums.groupings],
        "rows": sums.rows,
        "indicators": list(sums.indicators),
        "mode": sums.mode,
        "clustered": sums.clustered,
        "rounding": sums.rounding,
        "design_rows": len(sums.design),
        "part_rows": part.rows,
        "quality": [[z, status, rows] for (z, status), rows in sorted(part.quality.items())],
    }
    names.append(f"{stem}.json")
    write_atomic(dest / names[-1], json.dumps(header, indent=1).encode())
    return {name: file_sha256(dest / name) for name in names}


def load_sums(dest: Path, files: Mapping[str, Any]) -> Part | None:
    """The part's sums from ``files`` (``{name: sha256}``), or None if any file fails.

    A file that is missing, whose sha256 differs from the manifest's, or that does not
    parse gives None: the caller rebuilds the sums from the output instead.
    """
    if not files:
        return None
    for name, sha in files.items():
        path = dest / name
        if not path.is_file() or file_sha256(path) != sha:
            return None
    names = list(files)
    try:
        header = json.loads((dest / names[-1]).read_text())
        if header.get("format") != _FORMAT or header.get("version") != _VERSION:
            return None
        frames = [_read_frame(dest / name) for name in names[:-1]]
        design = frames.pop()
        if len(design) != header["design_rows"]:  # a frame without columns has no rows
            design = pd.DataFrame(index=pd.RangeIndex(header["design_rows"]))
        sums = PartialSums(
            groupings=tuple(tuple(g) for g in header["groupings"]),
            cells=tuple(frames),
            design=design,
            rows=int(header["rows"]),
            indicators=tuple(header["indicators"]),
            mode=header["mode"],
            clustered=bool(header["clustered"]),
            rounding=header["rounding"],
        )
        quality = {(z, status): int(rows) for z, status, rows in header["quality"]}
        return Part(sums=sums, quality=quality, rows=int(header["part_rows"]))
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None
