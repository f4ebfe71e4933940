"""Map and reduce steps of prevalence: additive partial sums per group.

:func:`prevalence_partial_sums` turns a chunk of rows into sums per group (and per
group x stratum x PSU for survey designs); :func:`merge_partial_sums` adds chunks. The
finaliser (:mod:`stuntlib.estimation.finalize`) needs nothing else, so the in-memory,
streaming and Dask paths share it.

References
----------
.. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (row selection, flags, oedema).
.. [2] Lumley T (2010). Complex Surveys: A Guide to Analysis Using R. Wiley.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.errors import StuntlibError
from stuntlib.estimation._frame import FloatArray, _need_column, _numeric
from stuntlib.estimation.groupings import GroupSpec, _parse_by, add_group_columns
from stuntlib.estimation.indicators import (
    _FLAG_LIMITS,
    _FLAG_OF,
    _OEDEMA_Z,
    OEDEMA_AUX_ZSCORE,
    Indicator,
    select_indicators,
)
from stuntlib.estimation.options import WHO_MAX_AGE_DAYS
from stuntlib.lms import r_round
from stuntlib.standardize import DAYS_PER_MONTH, round_half_up, standardize_oedema

__all__ = ["PartialSums", "merge_partial_sums", "prevalence_partial_sums"]

_STRATUM = "_stratum"
_PSU = "_psu"
#: Census means under ``rounding="who"`` are summed in hundredths of a z-score (exact).
_HUNDREDTHS = 100.0
#: Rows per block when making row statistics (2 MB per float column).
_ROW_BLOCK = 1 << 18


@dataclass(frozen=True)
class PartialSums:
    """Additive sufficient statistics of :func:`prevalence`, mergeable across chunks.

    Attributes
    ----------
    groupings : tuple of tuple of str
        The grouping sets, in output order.
    cells : tuple of pandas.DataFrame
        One frame per grouping set: the group columns (plus ``_stratum`` for survey
        designs and ``_psu`` for clustered ones) and the sums. Sum columns are named
        ``rows`` (children), ``n:<base>`` (children with a valid value),
        ``w:<base>`` (their weight), ``c:<indicator>`` (cases), ``a:<indicator>``
        (weighted cases or weighted z sum), ``s2:<indicator>`` (weighted z²), and, for
        unclustered survey designs, ``ww:``, ``wa:``, ``waa:`` (the same with squared
        weights).
    design : pandas.DataFrame
        Per stratum (and PSU): ``rows`` and ``weight`` (or ``positive`` rows), for the
        degrees of freedom and the number of PSUs per stratum.
    rows : int
        Number of analysed rows (WHO's ``N`` of the simple estimator).
    indicators : tuple of str
        Indicator names.
    mode : {"census", "survey"}
        No design, or weights/strata/clusters.
    clustered : bool
        Whether ``cluster`` was given (sums kept per PSU).
    rounding : {"who", None}
        Rounding applied to z before the cut-offs.
    """

    groupings: tuple[tuple[str, ...], ...]
    cells: tuple[pd.DataFrame, ...]
    design: pd.DataFrame
    rows: int
    indicators: tuple[str, ...]
    mode: Literal["census", "survey"]
    clustered: bool
    rounding: Literal["who"] | None

    def _signature(self) -> tuple[Any, ...]:
        return (self.groupings, self.indicators, self.mode, self.clustered, self.rounding)


def _oedema_mask(frame: pd.DataFrame) -> NDArray[np.bool_]:
    column = "coedema" if "coedema" in frame.columns else "oedema"
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return np.asarray(standardize_oedema(frame[column].to_numpy(dtype=object)) == 1)


def _z_inputs(frame: pd.DataFrame, chosen: tuple[Indicator, ...]) -> dict[str, Any]:
    """Full-length numeric arrays of the z columns, their flags (when present) and oedema."""
    columns: dict[str, Any] = {"_oedema": _oedema_mask(frame)}
    for z in dict.fromkeys(z for i in chosen for z in i.z_columns):
        columns[z] = _numeric(frame, z)
        if _FLAG_OF[z] in frame.columns:
            columns[_FLAG_OF[z]] = _numeric(frame, _FLAG_OF[z])
    return columns


def _clean_z(columns: Mapping[str, Any], z: str, rounding: str | None) -> FloatArray:
    """The z-score WHO counts: flagged values removed, 2-decimal under ``rounding="who"``."""
    raw = columns[z]
    rounded = r_round(raw, 2)
    flag_col = _FLAG_OF[z]
    if flag_col in columns:
        flagged = columns[flag_col] == 1.0
    else:
        low, high = _FLAG_LIMITS[z]
        with np.errstate(invalid="ignore"):
            flagged = (rounded < low) | (rounded > high)
    value = rounded if rounding == "who" else raw
    return np.where(flagged, np.nan, value)


def _group_codes(
    keys: list[pd.Series], n: int, *, missing_is_level: bool = False
) -> tuple[NDArray[np.int64], int, NDArray[np.int64]]:
    """Dense group codes, the number of groups, and one row index per group.

    A row with a missing key gets the code ``ngroups`` (outside every group), unless
    ``missing_is_level``, where a missing value is a level of its own.
    """
    codes = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool)
    radix = 1
    for s in keys:
        c, uniq = pd.factorize(s, use_na_sentinel=not missing_is_level)
        c = np.asarray(c, dtype=np.int64)
        missing |= c < 0
        size = max(len(uniq), 1)
        if radix * size > 2**62:
            codes = np.asarray(pd.factorize(codes)[0], dtype=np.int64)
            radix = int(codes.max()) + 1 if n else 1
        codes = codes * size + np.maximum(c, 0)
        radix *= size
    valid_codes = codes[~missing]
    gcodes, uniques = pd.factorize(valid_codes)
    ng = len(uniques)
    out = np.full(n, ng, dtype=np.int64)
    out[~missing] = gcodes
    first = np.zeros(ng, dtype=np.int64)
    first[gcodes] = np.flatnonzero(~missing)
    return out, ng, first


def _prepare(
    frame: pd.DataFrame,
    groupings: tuple[tuple[str, ...], ...],
    weights: str | None,
    cluster: str | None,
    strata: str | None,
    max_age_days: float | None,
) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise StuntlibError(
            f"frame: expected a pandas DataFrame of z-scores and flags; got {type(frame).__name__}"
        )
    for argument, column in (("weights", weights), ("cluster", cluster), ("strata", strata)):
        if column is not None:
            _need_column(frame, argument, column)
    if max_age_days is not None:
        if "age_days" in frame.columns:
            days = round_half_up(_numeric(frame, "age_days"))
        elif "age_months" in frame.columns:
            days = round_half_up(_numeric(frame, "age_months") * DAYS_PER_MONTH)
        else:
            days = np.full(len(frame), np.nan)
        with np.errstate(invalid="ignore"):
            keep = ~(days > max_age_days)
        if not keep.all():
            frame = frame.loc[keep]
    drop = np.zeros(len(frame), dtype=bool)
    for column in (cluster, strata):
        if column is not None:
            drop |= frame[column].isna().to_numpy()
    if drop.any():
        frame = frame.loc[~drop]
    needed = dict.fromkeys(c for g in groupings for c in g)
    derived = [c for c in needed if c == "sex" or c not in frame.columns]
    return add_group_columns(frame, derived) if derived else frame


def _weights(frame: pd.DataFrame, weights: str | None) -> FloatArray | None:
    if weights is None:
        return None
    w = _numeric(frame, weights)
    w = np.where(np.isnan(w), 0.0, w)
    bad = (w < 0) | ~np.isfinite(w)
    if bad.any():
        raise StuntlibError(
            f"weights: expected non-negative finite sampling weights in column {weights!r}; "
            f"got {int(bad.sum())} negative or infinite values (first: {w[bad][0]!r})"
        )
    return w


def _row_statistics(
    columns: Mapping[str, Any],
    n: int,
    chosen: tuple[Indicator, ...],
    w: FloatArray | None,
    rounding: str | None,
    unclustered_survey: bool,
) -> list[tuple[str, FloatArray | NDArray[np.bool_]]]:
    """The per-row quantities whose group sums are kept, as (name, array) pairs."""
    z_needed = dict.fromkeys(z for i in chosen for z in i.z_columns)
    zs = {z: _clean_z(columns, z, rounding) for z in z_needed}
    oed = columns["_oedema"]
    for z in zs:
        if z in _OEDEMA_Z:
            zs[z] = np.where(oed, np.nan, zs[z])

    aux_cache: dict[str, FloatArray] = {}
    any_oedema = bool(oed.any())

    def value(z: str, aux: bool) -> FloatArray:
        if not aux or not any_oedema:
            return zs[z]
        if z not in aux_cache:
            aux_cache[z] = np.where(oed, OEDEMA_AUX_ZSCORE, zs[z])
        return aux_cache[z]

    stats: list[tuple[str, Any]] = [("rows", np.ones(n, dtype=bool))]
    bases: dict[str, NDArray[np.bool_]] = {}
    for ind in chosen:
        if ind.base in bases:
            continue
        d = np.ones(n, dtype=bool)
        for z in ind.z_columns:
            d &= ~np.isnan(value(z, ind._aux(z)))
        bases[ind.base] = d
        stats.append((f"n:{ind.base}", d))
        if w is not None:
            wd = np.where(d, w, 0.0)
            stats.append((f"w:{ind.base}", wd))
            if unclustered_survey:
                stats.append((f"ww:{ind.base}", wd * w))
    for ind in chosen:
        d = bases[ind.base]
        if ind.kind == "prevalence":
            x = d.copy()
            with np.errstate(invalid="ignore"):
                for z, op, cut in ind.terms:
                    v = value(z, ind._aux(z))
                    x &= (v < cut) if op == "<" else (v > cut)
            stats.append((f"c:{ind.name}", x))
            if w is not None:
                wx = np.where(x, w, 0.0)
                stats.append((f"a:{ind.name}", wx))
                if unclustered_survey:
                    stats.append((f"wa:{ind.name}", wx * w))
        else:
            zv = np.where(d, zs[ind.z_columns[0]], 0.0)
            if w is None and rounding == "who":
                # 2-decimal z-scores summed as whole hundredths: exact, so the sums (and
                # the means) are the same to the last bit however the rows are chunked.
                zv = np.rint(zv * _HUNDREDTHS)
            wz = zv if w is None else w * zv
            stats.append((f"a:{ind.name}", wz))
            stats.append((f"s2:{ind.name}", wz * zv))
            if unclustered_survey and w is not None:
                stats.append((f"wa:{ind.name}", wz * w))
                stats.append((f"waa:{ind.name}", wz * w * zv))
    return stats


def _bincount(codes: NDArray[np.int64], values: Any, size: int) -> NDArray[Any]:
    if values.dtype == bool:
        return np.bincount(codes[values], minlength=size)[: size - 1]
    return np.bincount(codes, weights=values, minlength=size)[: size - 1]


def prevalence_partial_sums(
    frame: pd.DataFrame,
    by: GroupSpec = None,
    *,
    indicators: Sequence[str] | str | None = None,
    weights: str | None = None,
    cluster: str | None = None,
    strata: str | None = None,
    rounding: Literal["who"] | None = "who",
    max_age_days: float | None = WHO_MAX_AGE_DAYS,
) -> PartialSums:
    """Map step of :func:`prevalence`: additive sums for one chunk of rows.

    Sums are kept per group (and per group x stratum for unclustered surveys, per group x
    stratum x PSU for clustered ones), so chunks can be reduced with
    :func:`merge_partial_sums` in any order and finalised with
    :func:`finalize_prevalence`. Row selection (age filter, missing design values) is
    applied here, per row, so it commutes with chunking. All chunks must be computed
    with the same arguments.

    Parameters
    ----------
    frame : pandas.DataFrame
        Scored children (see :func:`prevalence`).
    by, indicators, weights, cluster, strata, rounding, max_age_days
        As in :func:`prevalence`.

    Returns
    -------
    PartialSums
        The chunk's sums.

    Examples
    --------
    >>> df = pd.DataFrame({"zlen": [-2.5, -1.0, -3.2, 0.4], "flen": 0,
    ...                    "area": ["a", "a", "b", "b"]})
    >>> from stuntlib.estimation import finalize_prevalence
    >>> parts = [prevalence_partial_sums(df.iloc[:2], "area", indicators="stunting"),
    ...          prevalence_partial_sums(df.iloc[2:], "area", indicators="stunting")]
    >>> sums = merge_partial_sums(parts)
    >>> finalize_prevalence(sums)[["area", "n", "cases", "estimate"]]
      area  n  cases  estimate
    0    a  2      1       0.5
    1    b  2      1       0.5
    """
    groupings = _parse_by(by)
    if rounding not in ("who", None):
        raise StuntlibError(f"rounding: expected 'who' or None; got {rounding!r}")
    if max_age_days is not None and not isinstance(max_age_days, (int, float)):
        raise StuntlibError(
            f"max_age_days: expected a number of days or None; got {max_age_days!r}"
        )
    frame = _prepare(frame, groupings, weights, cluster, strata, max_age_days)
    chosen = select_indicators(list(frame.columns), indicators)
    survey = weights is not None or cluster is not None or strata is not None
    clustered = cluster is not None
    n = len(frame)
    w = _weights(frame, weights)
    if survey and w is None:
        w = np.ones(n, dtype=np.float64)

    design_keys: list[pd.Series] = []
    if survey:
        stratum = (
            frame[strata].rename(_STRATUM)
            if strata is not None
            else pd.Series(np.zeros(n, dtype=np.int64), index=frame.index, name=_STRATUM)
        )
        design_keys.append(stratum)
        if clustered:
            design_keys.append(frame[cluster].rename(_PSU))

    # Sum every row statistic once, at the finest cell (all grouping columns crossed, a
    # missing value being a level, plus the design keys); each grouping set is then a sum
    # of cells, so a WHO table of five groupings costs one pass over the rows, not five.
    group_columns = list(dict.fromkeys(c for g in groupings for c in g))
    finest_keys = [frame[c].rename(c) for c in group_columns] + design_keys
    f_codes, f_ng, f_first = _group_codes(finest_keys, n, missing_is_level=True)
    finest = {key.name: key.iloc[f_first].reset_index(drop=True) for key in finest_keys}
    columns = _z_inputs(frame, chosen)
    f_sums: dict[str, NDArray[Any]] = {}
    # Row statistics are made block by block: the temporaries stay small (no page faults
    # on fresh 10M-row arrays) and only the per-cell sums grow.
    for start in range(0, max(n, 1), _ROW_BLOCK):
        stop = min(n, start + _ROW_BLOCK)
        block = {k: v[start:stop] for k, v in columns.items()}
        wb = None if w is None else w[start:stop]
        stats = _row_statistics(block, stop - start, chosen, wb, rounding, survey and not clustered)
        for name, arr in stats:
            part = _bincount(f_codes[start:stop], arr, f_ng + 1)
            f_sums[name] = part if name not in f_sums else f_sums[name] + part
    cells = []
    for grouping in groupings:
        keys = [finest[c] for c in grouping] + [finest[k.name] for k in design_keys]
        codes, ng, first = _group_codes(keys, f_ng)
        data: dict[Any, Any] = {key.name: key.iloc[first].reset_index(drop=True) for key in keys}
        for name, cell_sums in f_sums.items():
            summed = np.bincount(codes, weights=cell_sums, minlength=ng + 1)[:ng]
            data[name] = np.rint(summed).astype(np.int64) if cell_sums.dtype.kind == "i" else summed
        cells.append(pd.DataFrame(data))

    if survey:
        dcodes, dng, dfirst = _group_codes(design_keys, n)
        assert w is not None
        design = pd.DataFrame(
            {key.name: key.iloc[dfirst].reset_index(drop=True) for key in design_keys}
        )
        design["rows"] = np.bincount(dcodes, minlength=dng + 1)[:dng]
        design["weight"] = np.bincount(dcodes, weights=w, minlength=dng + 1)[:dng]
        design["positive"] = np.bincount(dcodes[w > 0], minlength=dng + 1)[:dng]
    else:
        design = pd.DataFrame({"rows": [n]})
    return PartialSums(
        groupings=groupings,
        cells=tuple(cells),
        design=design,
        rows=n,
        indicators=tuple(i.name for i in chosen),
        mode="survey" if survey else "census",
        clustered=clustered,
        rounding=rounding,
    )


def merge_partial_sums(parts: Sequence[PartialSums]) -> PartialSums:
    """Reduce step: add up partial sums computed on disjoint chunks of rows.

    Parameters
    ----------
    parts : sequence of PartialSums
        Partial sums from :func:`prevalence_partial_sums`, all made with the same
        ``by``, ``indicators``, design arguments and ``rounding``.

    Returns
    -------
    PartialSums
        The sums of the union of the chunks.

    Raises
    ------
    StuntlibError
        If ``parts`` is empty or the parts were made with different arguments.

    Examples
    --------
    >>> df = pd.DataFrame({"zlen": [-2.5, -1.0, 0.3], "flen": 0})
    >>> one = prevalence_partial_sums(df, indicators="stunting")
    >>> merge_partial_sums([one, one]).rows
    6
    """
    parts = list(parts)
    if not parts or not all(isinstance(p, PartialSums) for p in parts):
        raise StuntlibError(
            f"parts: expected a non-empty list of PartialSums; got {type(parts).__name__} "
            f"of length {len(parts)}"
        )
    first = parts[0]
    for p in parts[1:]:
        if p._signature() != first._signature():
            raise StuntlibError(
                "parts: partial sums were computed with different arguments (groupings, "
                f"indicators, design or rounding): {first._signature()!r} vs {p._signature()!r}"
            )
    if len(parts) == 1:
        return first
    cells = []
    for k, grouping in enumerate(first.groupings):
        frames = [p.cells[k] for p in parts]
        keys = list(grouping) + [c for c in (_STRATUM, _PSU) if c in frames[0].columns]
        cells.append(_sum_frames(frames, keys))
    dkeys = [c for c in (_STRATUM, _PSU) if c in first.design.columns]
    design = _sum_frames([p.design for p in parts], dkeys)
    return dataclasses.replace(
        first, cells=tuple(cells), design=design, rows=sum(p.rows for p in parts)
    )


def _sum_frames(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    stacked = pd.concat(frames, ignore_index=True)
    if not keys:
        return stacked.sum(numeric_only=True).to_frame().T.astype(stacked.dtypes.to_dict())
    out = stacked.groupby(keys, sort=False, observed=True, dropna=False).sum()
    return out.reset_index()
