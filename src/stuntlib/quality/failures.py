"""The failure table: one row per failing (check, row), pointing at the export's own row.

A district officer fixes a record in the spreadsheet the export came from, so each
failure says where it is there: the row number as the spreadsheet shows it (``row``:
1-based, after the header), the export's own ``No`` when it has one, and the
desa/kelurahan and posyandu. The description is in English or Indonesian. NIKs and
names are identifying: they appear only when asked for explicitly, and the value of a
check on an identifying column (``nik_format``: the NIK itself) is blanked otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.columns import identifying_columns, normalise_header
from stuntlib.quality.checks import Check, Language
from stuntlib.quality.context import CheckContext

__all__ = ["FAILURE_COLUMNS", "FAILURE_HEADERS", "failure_table"]

#: Columns of the failure table, in order; ``no``, ``kelurahan``, ``posyandu``,
#: ``nik`` and ``name`` come only when the frame has them (the last two only on request).
FAILURE_COLUMNS: tuple[str, ...] = (
    "check",
    "column",
    "index",
    "row",
    "sheet_row",
    "no",
    "kelurahan",
    "posyandu",
    "value",
    "severity",
    "description",
    "nik",
    "name",
)

#: Headers of the failure table for a reader (a spreadsheet a district officer opens), by
#: language: ``en`` keeps the column names, ``id`` says them in Indonesian.
FAILURE_HEADERS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "en": MappingProxyType({column: column for column in FAILURE_COLUMNS}),
        "id": MappingProxyType(
            {
                "check": "Pemeriksaan",
                "column": "Kolom",
                "index": "Indeks",
                "row": "Urutan baris (mulai 0)",
                "sheet_row": "Baris di lembar kerja",
                "no": "No",
                "kelurahan": "Desa/Kelurahan",
                "posyandu": "Posyandu",
                "value": "Nilai",
                "severity": "Tingkat",
                "description": "Keterangan",
                "nik": "NIK",
                "name": "Nama",
            }
        ),
    }
)

_NO_HEADERS = frozenset({"no", "no.", "nomor", "nomer", "no urut"})


def _no_column(ctx: CheckContext) -> Any:
    for label in ctx.frame.columns:
        if normalise_header(label) in _NO_HEADERS:
            return label
    return None


def failure_table(
    ctx: CheckContext,
    results: Mapping[str, NDArray[np.bool_]],
    checks: Mapping[str, Check],
    *,
    language: Language = "en",
    include_identifiers: bool = False,
    first_row: int = 2,
) -> pd.DataFrame:
    """One row per failing (check, row), in frame order, then check order.

    Parameters
    ----------
    ctx : CheckContext
        The frame.
    results : mapping of str to numpy.ndarray of bool
        Result of each check that ran (True = row passes).
    checks : mapping of str to Check
        The checks by name.
    language : {"en", "id"}, default "en"
        Language of ``description``.
    include_identifiers : bool, default False
        Add the ``nik`` and ``name`` columns and keep the value of checks on them.
    first_row : int, default 2
        Spreadsheet row number of the frame's first row (2: one header row).

    Returns
    -------
    pandas.DataFrame
        Columns in the order of :data:`FAILURE_COLUMNS` (those that apply): ``index``
        is the frame's index label, ``row`` its 0-based position in the frame and
        ``sheet_row`` the row number a spreadsheet shows.
    """
    place = {name: ctx.label(name) for name in ("kelurahan", "posyandu")}
    identifying = set(identifying_columns(ctx.frame.columns))
    extra: dict[str, Any] = {"no": _no_column(ctx), **place}
    if include_identifiers:
        extra["nik"] = ctx.mapping.get("nik")
        extra["name"] = ctx.mapping.get("name")
    parts = []
    for order, (name, mask) in enumerate(results.items()):
        rows = np.flatnonzero(~mask)
        if not rows.size:
            continue
        check = checks[name]
        label = ctx.label(check.value_column)
        if label is None or (label in identifying and not include_identifiers):
            value: Any = np.full(rows.size, None, dtype=object)
        else:
            value = ctx.frame[label].iloc[rows].to_numpy(dtype=object)
        parts.append(
            pd.DataFrame(
                {
                    "check": name,
                    "column": check.value_column if label is None else label,
                    "_pos": rows,
                    "value": value,
                    "severity": check.severity,
                    "description": check.text(language),
                    "_order": order,
                }
            )
        )
    if not parts:
        optional = {"no", "kelurahan", "posyandu", "nik", "name"}
        kept = [c for c in FAILURE_COLUMNS if c not in optional or extra.get(c) is not None]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in kept})
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["_pos", "_order"], kind="stable").reset_index(drop=True)
    pos = out["_pos"].to_numpy()
    out["index"] = ctx.frame.index[pos]
    out["row"] = pos  # position in the frame (0-based), as in stuntlib 0.1
    out["sheet_row"] = pos + first_row  # the row number a spreadsheet shows
    for name, label in extra.items():
        if label is not None:
            out[name] = ctx.frame[label].iloc[pos].to_numpy(dtype=object)
    return out[[c for c in FAILURE_COLUMNS if c in out.columns]]
