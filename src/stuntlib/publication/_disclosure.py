"""Small-cell protection of the Aksi 7 table, through :mod:`stuntlib.disclosure`.

The table is turned into the cells and additive relations an attacker knows
(*sangat pendek* + *pendek* = total in every row; kelurahan add up to their puskesmas
when the data name one, else to their kecamatan, puskesmas to their kecamatan and
kecamatan to the kabupaten/kota, with a hidden remainder wherever children sit in a
parent but in none of its published children). A pattern suited to the table's shape
proposes the complements (a second desa/kelurahan beside a lone hidden one, so that the
puskesmas, kecamatan and kota totals a rembuk stunting reads stay published), and
:func:`stuntlib.disclosure.protect` audits the result by linear programming and adds
whatever is still needed: the one suppression mechanism of every table that leaves
the library.

References
----------
.. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4
   (frequency tables: threshold rule and secondary suppression).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from stuntlib.disclosure import Relation, primary_cells, protect

__all__ = ["CountMasks", "aksi7_cells", "complementary_cells", "protect_counts"]


class CountMasks(NamedTuple):
    """Cells of the Aksi 7 table to mask, per row (each a bool array of the rows)."""

    severe: np.ndarray
    moderate: np.ndarray
    total: np.ndarray
    primary: np.ndarray
    secondary: np.ndarray


def _depth(parent: np.ndarray) -> np.ndarray:
    """Depth of every row in the hierarchy (0 for the kabupaten/kota row)."""
    depth = np.zeros(len(parent), dtype=np.intp)
    up = np.asarray(parent, dtype=np.intp)
    while (up >= 0).any():
        depth += up >= 0
        up = np.where(up >= 0, parent[np.maximum(up, 0)], -1)
    return depth


def _groups(parent: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(parent row, child rows) of every row with children, the deepest parents first."""
    parent = np.asarray(parent, dtype=np.intp)
    rows = np.unique(parent[parent >= 0])
    order = np.lexsort((rows, -_depth(parent)[rows]))
    return [(int(p), np.flatnonzero(parent == p)) for p in rows[order]]


def aksi7_cells(
    severe: np.ndarray, moderate: np.ndarray, measured: np.ndarray, *, parent: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[Relation]]:
    """The Aksi 7 table as cells and relations for :mod:`stuntlib.disclosure`.

    Cells ``0..r-1`` are *sangat pendek* of the ``r`` rows, ``r..2r-1`` *pendek*,
    ``2r..3r-1`` the total stunted; after them come the hidden remainders (three cells
    each) of every parent whose children do not add up to it.

    Parameters
    ----------
    severe, moderate, measured : numpy.ndarray of float, shape (r,)
        Counts of every row of the table.
    parent : numpy.ndarray of int, shape (r,)
        Row of the area every row adds up into (-1 for the kabupaten/kota row): desa
        into their puskesmas (or kecamatan), puskesmas into their kecamatan, kecamatan
        into the kabupaten/kota.

    Returns
    -------
    values, upper : numpy.ndarray of float64, shape (k,)
        Count of each cell and the children it is a count of (its bound).
    relations : list of (int, tuple of int)
        Additive relations among the cells.
    """
    rows = len(measured)
    sev = np.nan_to_num(np.asarray(severe, dtype=np.float64))
    mod = np.nan_to_num(np.asarray(moderate, dtype=np.float64))
    n = np.nan_to_num(np.asarray(measured, dtype=np.float64))
    values = [sev, mod, sev + mod]
    upper = [n, n, n]
    relations: list[Relation] = [(2 * rows + i, (i, rows + i)) for i in range(rows)]
    extra_v: list[float] = []
    extra_u: list[float] = []
    for top, children in _groups(parent):
        parts = [[int(k * rows + c) for c in children] for k in range(3)]
        rest = n[top] - n[children].sum()
        gaps = [float(v[top] - v[children].sum()) for v in values]
        if rest != 0 or any(gaps):
            first = 3 * rows + len(extra_v)
            extra_v += gaps
            extra_u += [float(rest)] * 3
            relations.append((first + 2, (first, first + 1)))
            parts = [p + [first + k] for k, p in enumerate(parts)]
        relations += [(k * rows + top, tuple(parts[k])) for k in range(3) if parts[k]]
    all_values = np.concatenate([*values, np.asarray(extra_v, dtype=np.float64)])
    all_upper = np.concatenate([*upper, np.asarray(extra_u, dtype=np.float64)])
    return all_values, all_upper, relations


def complementary_cells(
    masked: np.ndarray, candidate: np.ndarray, n: np.ndarray, parent: np.ndarray
) -> np.ndarray:
    """Extra cells to hide so that no hidden cell can be recomputed from visible totals.

    The table adds desa/kelurahan up to their puskesmas (or kecamatan), puskesmas to
    their kecamatan and kecamatan to the kota. Until nothing changes: a group (the
    children of one row) with exactly one hidden member gets a second one (the smallest
    ``candidate``, i.e. a cell whose own visible figures do not reveal the hidden ones),
    or, when it has no candidate, its parent is hidden instead (never the kota row);
    and a hidden parent whose children are all visible gets its smallest candidate child
    hidden. Returns the cells added (``masked`` itself is updated).
    """
    added = np.zeros(len(masked), dtype=bool)
    groups = _groups(parent)

    def hide_smallest(members: np.ndarray) -> bool:
        options = members[~masked[members] & candidate[members]]
        if not options.size:
            return False
        pick = options[np.argmin(n[options])]
        masked[pick] = added[pick] = True
        return True

    changed = True
    while changed:
        changed = False
        for top, members in groups:
            is_root = parent[top] < 0
            if masked[members].sum() == 1:
                if hide_smallest(members):
                    changed = True
                elif not is_root and not masked[top]:
                    masked[top] = added[top] = True
                    changed = True
            if not is_root and masked[top] and not masked[members].any():
                if hide_smallest(members):
                    changed = True
    return added


def _pattern(
    severe: np.ndarray, moderate: np.ndarray, measured: np.ndarray, parent: np.ndarray,
    min_cases: int,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Rows whose split (severe, moderate) and whose total the shape-aware pattern hides."""
    sev = np.nan_to_num(np.asarray(severe, dtype=np.float64))
    mod = np.nan_to_num(np.asarray(moderate, dtype=np.float64))
    n = np.nan_to_num(np.asarray(measured, dtype=np.float64))
    stunted = sev + mod
    total = primary_cells(stunted, n, min_cases=min_cases)
    split = (
        primary_cells(sev, n, min_cases=min_cases)
        | primary_cells(mod, n, min_cases=min_cases)
        | total
    )
    candidates = {"total": n > 0, "split": (n > 0) & (stunted > 0)}
    for key, masked in (("total", total), ("split", split)):
        ok = candidates[key] | (total & (n > 0))
        complementary_cells(masked, ok, n, parent)
    return split | total, total


def protect_counts(
    severe: np.ndarray,
    moderate: np.ndarray,
    measured: np.ndarray,
    *,
    parent: np.ndarray,
    level: np.ndarray,
    min_cases: int,
) -> CountMasks:
    """Cells of the Aksi 7 table to mask so that no small count can be recovered.

    Parameters
    ----------
    severe, moderate, measured : numpy.ndarray of float, shape (rows,)
        *Sangat pendek*, *pendek* and measured children of every row of the table.
    parent : numpy.ndarray of int, shape (rows,)
        Row every row adds up into, -1 for the kabupaten/kota row (see
        :func:`aksi7_cells`).
    level : numpy.ndarray of str, shape (rows,)
        Level of every row, a key of :data:`LEVEL_COST` (the cost of masking its cells).
    min_cases : int
        The threshold rule of :func:`stuntlib.disclosure.primary_cells`.

    Returns
    -------
    CountMasks
        ``severe``, ``moderate``, ``total`` (also masks the prevalence), ``primary``
        (rows with a small count of their own) and ``secondary`` (rows with a cell
        masked as a complement of another), for the notes.
    """
    rows = len(measured)
    parent = np.asarray(parent, dtype=np.intp)
    values, upper, relations = aksi7_cells(severe, moderate, measured, parent=parent)
    sensitive = primary_cells(values, upper, min_cases=min_cases)
    split, total = _pattern(severe, moderate, measured, parent, min_cases)
    start = np.zeros(len(values), dtype=bool)
    start[: 3 * rows] = np.concatenate([split, split, total])
    cost = values + 1.0
    weight = pd.Series(level).map(LEVEL_COST).to_numpy(dtype=np.float64)
    cost[: 3 * rows] *= np.tile(weight, 3) * np.repeat([1.0, 1.0, 3.0], rows)
    hidden = protect(
        values, sensitive, relations, upper=upper, cost=cost, width=min_cases, start=start
    )
    by_kind = hidden[: 3 * rows].reshape(3, rows)
    primary_row = np.asarray(sensitive[: 3 * rows].reshape(3, rows).any(axis=0), dtype=bool)
    extra = np.asarray((hidden & ~sensitive)[: 3 * rows].reshape(3, rows).any(axis=0), dtype=bool)
    return CountMasks(by_kind[0], by_kind[1], by_kind[2], primary_row, extra)


#: How much more it costs to mask a puskesmas, a kecamatan and a kabupaten/kota cell
#: than a desa/kelurahan cell: complements are taken at the lowest level first, so the
#: totals a rembuk stunting reads stay published whenever the lower levels can protect
#: them.
LEVEL_COST = {"kelurahan": 1.0, "puskesmas": 10.0, "kecamatan": 100.0, "kota": 10_000.0}
