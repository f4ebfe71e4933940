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
from pandas.api.types import is_object_dtype, is_string_dtype

from stuntlib._groups import group_codes
from stuntlib._validation import check_unique_labels
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
from stuntlib.estimation.options import PrevalenceOptions, Rounding
from stuntlib.estimation.population import _AGE_COLUMNS, in_age_population
from stuntlib.lms import r_round
from stuntlib.rounds import PERIOD_SOURCES
from stuntlib.standardize import standardize_oedema

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
    rounding : {"who", "exact"}
        Rounding applied to z before the cut-offs.
    """

    groupings: tuple[tuple[str, ...], ...]
    cells: tuple[pd.DataFrame, ...]
    design: pd.DataFrame
    rows: int
    indicators: tuple[str, ...]
    mode: Literal["census", "survey"]
    clustered: bool
    rounding: Rounding

    def _signature(self) -> tuple[Any, ...]:
        return (self.groupings, self.indicators, self.mode, self.clustered, self.rounding)


#: Oedema columns (``y``/``n``), the first one present is read.
_OEDEMA_COLUMNS = ("coedema", "oedema")
#: Columns an estimate may read besides its grouping and design columns, whatever their
#: dtype (a caller's z-scores or flags may be text): z-scores and flags, oedema, sex and
#: the sources of the derived groups (age, dates, period).
_READ_COLUMNS = frozenset(
    (*_FLAG_OF, *_FLAG_OF.values(), *_OEDEMA_COLUMNS, "csex", "sex", *_AGE_COLUMNS,
     *PERIOD_SOURCES)
)  # fmt: skip


def _oedema_mask(frame: pd.DataFrame) -> NDArray[np.bool_]:
    column = next((c for c in _OEDEMA_COLUMNS if c in frame.columns), None)
    if column is None:
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


def _cell_codes(
    keys: list[pd.Series], n: int, *, missing_is_level: bool = False
) -> tuple[NDArray[np.int64], int, pd.DataFrame]:
    """Group codes (a dropped row gets ``ngroups``, outside every group), count, labels."""
    codes, uniques = group_codes(keys, "level" if missing_is_level else "drop", n=n)
    ng = len(uniques)
    return np.where(codes < 0, ng, codes), ng, uniques


def _prepare(
    frame: pd.DataFrame, groupings: tuple[tuple[str, ...], ...], opts: PrevalenceOptions
) -> pd.DataFrame:
    """The rows in the population (age limit, known design keys), with derived groups."""
    if not isinstance(frame, pd.DataFrame):
        raise StuntlibError(
            f"frame: expected a pandas DataFrame of z-scores and flags; got {type(frame).__name__}"
        )
    check_unique_labels(frame)
    for argument in ("weights", "cluster", "strata"):
        column = getattr(opts, argument)
        if column is not None:
            _need_column(frame, argument, column)
    keep = in_age_population(frame, opts.max_age_months)
    if opts.period is not None:
        from stuntlib.rounds import measurement_period

        keep &= (measurement_period(frame) == opts.period).to_numpy()
    for column in (opts.cluster, opts.strata):
        if column is not None:
            keep &= frame[column].notna().to_numpy()
    needed = dict.fromkeys(c for g in groupings for c in g)
    if not keep.all():
        frame = _unread_text_dropped(frame, needed, opts).loc[keep]
    derived = [c for c in needed if c == "sex" or c not in frame.columns]
    return add_group_columns(frame, derived) if derived else frame


def _unread_text_dropped(
    frame: pd.DataFrame, needed: Mapping[str, None], opts: PrevalenceOptions
) -> pd.DataFrame:
    """``frame`` without the text columns no estimate reads (names, NIK, addresses...).

    Taking the rows of the population from a text column is one Arrow ``take`` each: a
    scored export has some twenty, and the numbers all sit in a few blocks.
    """
    read = _READ_COLUMNS | set(needed) | {opts.weights, opts.cluster, opts.strata}
    unread = [
        c for c, dtype in frame.dtypes.items()
        if c not in read and (is_string_dtype(dtype) or is_object_dtype(dtype))
    ]  # fmt: skip
    return frame.drop(columns=unread) if unread else frame


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
    options: PrevalenceOptions | None = None,
    **changes: Any,
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
    by : str, list of str, or list of lists, optional
        Grouping sets, as in :func:`prevalence`.
    options : PrevalenceOptions, optional
        The options; only ``indicators``, ``weights``, ``cluster``, ``strata``,
        ``rounding`` and ``max_age_months`` are read here.
    **changes
        Option fields (or the legacy ``max_age_days``) overriding ``options``.

    Returns
    -------
    PartialSums
        The chunk's sums.

    Raises
    ------
    StuntlibError
        For a bad option or ``by``, or negative weights.
    ColumnError
        For a missing z-score, design or grouping column.

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence``.
    .. [2] Lumley T (2004). Analysis of complex survey samples. J Stat Softw 9(8).

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
    opts = PrevalenceOptions.build(options, **changes)
    if opts.child is not None:
        raise StuntlibError(
            f"child: one measurement per child needs every row of a period at once; call "
            f"stuntlib.rounds.one_per_child first, then pass child=None; got {opts.child!r}"
        )
    groupings = _parse_by(by)
    frame = _prepare(frame, groupings, opts)
    chosen = select_indicators(list(frame.columns), opts.indicators)
    n = len(frame)
    w = _weights(frame, opts.weights)
    if opts.survey and w is None:
        w = np.ones(n, dtype=np.float64)
    design_keys: list[pd.Series] = []
    if opts.survey:
        stratum = (
            frame[opts.strata].rename(_STRATUM)
            if opts.strata is not None
            else pd.Series(np.zeros(n, dtype=np.int64), index=frame.index, name=_STRATUM)
        )
        design_keys.append(stratum)
        if opts.cluster is not None:
            design_keys.append(frame[opts.cluster].rename(_PSU))
    cells = _grouping_cells(frame, groupings, design_keys, chosen, w, opts)
    return PartialSums(
        groupings=groupings,
        cells=tuple(cells),
        design=_design_table(design_keys, w, n),
        rows=n,
        indicators=tuple(i.name for i in chosen),
        mode="survey" if opts.survey else "census",
        clustered=opts.cluster is not None,
        rounding=opts.rounding,
    )


def _grouping_cells(
    frame: pd.DataFrame,
    groupings: tuple[tuple[str, ...], ...],
    design_keys: list[pd.Series],
    chosen: tuple[Indicator, ...],
    w: FloatArray | None,
    opts: PrevalenceOptions,
) -> list[pd.DataFrame]:
    """The summed row statistics of every grouping set (x stratum x PSU for surveys).

    Every row statistic is summed once, at the finest cell (all grouping columns crossed,
    a missing value being a level, plus the design keys); each grouping set is then a sum
    of cells, so a WHO table of five groupings costs one pass over the rows, not five.
    """
    n = len(frame)
    unclustered_survey = opts.survey and opts.cluster is None
    group_columns = list(dict.fromkeys(c for g in groupings for c in g))
    finest_keys = [frame[c].rename(c) for c in group_columns] + design_keys
    f_codes, f_ng, finest = _cell_codes(finest_keys, n, missing_is_level=True)
    columns = _z_inputs(frame, chosen)
    f_sums: dict[str, NDArray[Any]] = {}
    # Row statistics are made block by block: the temporaries stay small (no page faults
    # on fresh 10M-row arrays) and only the per-cell sums grow.
    for start in range(0, max(n, 1), _ROW_BLOCK):
        stop = min(n, start + _ROW_BLOCK)
        block = {k: v[start:stop] for k, v in columns.items()}
        wb = None if w is None else w[start:stop]
        stats = _row_statistics(block, stop - start, chosen, wb, opts.rounding, unclustered_survey)
        for name, arr in stats:
            part = _bincount(f_codes[start:stop], arr, f_ng + 1)
            f_sums[name] = part if name not in f_sums else f_sums[name] + part
    cells = []
    for grouping in groupings:
        keys = [finest[c] for c in grouping] + [finest[k.name] for k in design_keys]
        codes, ng, labels = _cell_codes(keys, f_ng)
        data: dict[Any, Any] = {c: labels[c] for c in labels.columns}
        for name, cell_sums in f_sums.items():
            summed = np.bincount(codes, weights=cell_sums, minlength=ng + 1)[:ng]
            data[name] = np.rint(summed).astype(np.int64) if cell_sums.dtype.kind == "i" else summed
        cells.append(pd.DataFrame(data))
    return cells


def _design_table(design_keys: list[pd.Series], w: FloatArray | None, n: int) -> pd.DataFrame:
    """Rows, weight and positive-weight rows per stratum (x PSU); census: the row count."""
    if not design_keys or w is None:
        return pd.DataFrame({"rows": [n]})
    dcodes, dng, design = _cell_codes(design_keys, n)
    design["rows"] = np.bincount(dcodes, minlength=dng + 1)[:dng]
    design["weight"] = np.bincount(dcodes, weights=w, minlength=dng + 1)[:dng]
    design["positive"] = np.bincount(dcodes[w > 0], minlength=dng + 1)[:dng]
    return design


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

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (the estimator whose
       sufficient statistics are added).

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
