"""Small-cell protection of the Aksi 7 table, through :mod:`stuntlib.disclosure`.

The table is turned into the cells and additive relations an attacker knows
(*sangat pendek* + *pendek* = total in every row; kelurahan add up to their kecamatan
and kecamatan to the kabupaten/kota, with a hidden remainder wherever children sit in a
parent but in none of its published children). A pattern suited to the table's shape
proposes the complements (a second desa/kelurahan beside a lone hidden one, so that the
kecamatan and kota totals a rembuk stunting reads stay published), and
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

from stuntlib.disclosure import Relation, primary_cells, protect

__all__ = ["CountMasks", "aksi7_cells", "complementary_cells", "protect_counts"]


class CountMasks(NamedTuple):
    """Cells of the Aksi 7 table to mask, per row (each a bool array of the rows)."""

    severe: np.ndarray
    moderate: np.ndarray
    total: np.ndarray
    primary: np.ndarray
    secondary: np.ndarray


def _groups(
    is_kel: np.ndarray, is_kec: np.ndarray, kec_name: np.ndarray
) -> list[tuple[int, np.ndarray]]:
    """(parent row, child rows) of the table's hierarchy; the kota row is the first non-area row."""
    kota = np.flatnonzero(~is_kel & ~is_kec)
    kec_rows = {
        name: int(i) for i, name in zip(np.flatnonzero(is_kec), kec_name[is_kec], strict=True)
    }
    groups: list[tuple[int, np.ndarray]] = []
    orphans = []
    for row in np.flatnonzero(is_kel):
        if kec_name[row] not in kec_rows:
            orphans.append(row)
    for name, parent in kec_rows.items():
        groups.append((parent, np.flatnonzero(is_kel & (kec_name == name))))
    if kota.size:
        groups.append(
            (int(kota[0]), np.r_[np.flatnonzero(is_kec), np.asarray(orphans, dtype=np.intp)])
        )
    return groups


def aksi7_cells(
    severe: np.ndarray,
    moderate: np.ndarray,
    measured: np.ndarray,
    *,
    is_kel: np.ndarray,
    is_kec: np.ndarray,
    kec_name: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, list[Relation]]:
    """The Aksi 7 table as cells and relations for :mod:`stuntlib.disclosure`.

    Cells ``0..r-1`` are *sangat pendek* of the ``r`` rows, ``r..2r-1`` *pendek*,
    ``2r..3r-1`` the total stunted; after them come the hidden remainders (three cells
    each) of every parent whose children do not add up to it.

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
    for parent, children in _groups(is_kel, is_kec, kec_name):
        parts = [[int(k * rows + c) for c in children] for k in range(3)]
        rest = n[parent] - n[children].sum()
        gaps = [float(v[parent] - v[children].sum()) for v in values]
        if rest != 0 or any(gaps):
            first = 3 * rows + len(extra_v)
            extra_v += gaps
            extra_u += [float(rest)] * 3
            relations.append((first + 2, (first, first + 1)))
            parts = [p + [first + k] for k, p in enumerate(parts)]
        relations += [(k * rows + parent, tuple(parts[k])) for k in range(3) if parts[k]]
    all_values = np.concatenate([*values, np.asarray(extra_v, dtype=np.float64)])
    all_upper = np.concatenate([*upper, np.asarray(extra_u, dtype=np.float64)])
    return all_values, all_upper, relations


def complementary_cells(
    masked: np.ndarray,
    candidate: np.ndarray,
    n: np.ndarray,
    is_kel: np.ndarray,
    is_kec: np.ndarray,
    kec_name: np.ndarray,
) -> np.ndarray:
    """Extra cells to hide so that no hidden cell can be recomputed from visible totals.

    The table adds kelurahan up to their kecamatan and kecamatan up to the kota. Until
    nothing changes: a group (the kelurahan of one kecamatan, or the kecamatan of the
    kota) with exactly one hidden member gets a second one (the smallest ``candidate``,
    i.e. a cell whose own visible figures do not reveal the hidden ones), or, when it has
    no candidate, its parent is hidden instead; and a hidden kecamatan whose kelurahan
    are all visible gets its smallest candidate kelurahan hidden. Returns the cells
    added (``masked`` itself is updated).
    """
    added = np.zeros(len(masked), dtype=bool)
    kec_rows = {name: i for i, name in zip(np.flatnonzero(is_kec), kec_name[is_kec], strict=True)}
    groups = [np.flatnonzero(is_kel & (kec_name == name)) for name in kec_rows]
    groups.append(np.flatnonzero(is_kec))
    parents = [kec_rows[name] for name in kec_rows] + [None]

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
        for members, parent in zip(groups, parents, strict=True):
            if masked[members].sum() == 1:
                if hide_smallest(members):
                    changed = True
                elif parent is not None and not masked[parent]:
                    masked[parent] = added[parent] = True
                    changed = True
            if parent is not None and masked[parent] and members.size:
                if not masked[members].any() and hide_smallest(members):
                    changed = True
    return added


def _pattern(
    severe: np.ndarray, moderate: np.ndarray, measured: np.ndarray, is_kel: np.ndarray,
    is_kec: np.ndarray, kec_name: np.ndarray, min_cases: int,
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
        complementary_cells(masked, ok, n, is_kel, is_kec, kec_name)
    return split | total, total


def protect_counts(
    severe: np.ndarray,
    moderate: np.ndarray,
    measured: np.ndarray,
    *,
    is_kel: np.ndarray,
    is_kec: np.ndarray,
    kec_name: np.ndarray,
    min_cases: int,
) -> CountMasks:
    """Cells of the Aksi 7 table to mask so that no small count can be recovered.

    Parameters
    ----------
    severe, moderate, measured : numpy.ndarray of float, shape (rows,)
        *Sangat pendek*, *pendek* and measured children of every row of the table.
    is_kel, is_kec : numpy.ndarray of bool, shape (rows,)
        Kelurahan rows and kecamatan rows (the rest is the kota row).
    kec_name : numpy.ndarray of object, shape (rows,)
        Kecamatan of every row (kelurahan are summed into the kecamatan of that name).
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
    values, upper, relations = aksi7_cells(
        severe, moderate, measured, is_kel=is_kel, is_kec=is_kec, kec_name=kec_name
    )
    sensitive = primary_cells(values, upper, min_cases=min_cases)
    split, total = _pattern(severe, moderate, measured, is_kel, is_kec, kec_name, min_cases)
    start = np.zeros(len(values), dtype=bool)
    start[: 3 * rows] = np.concatenate([split, split, total])
    cost = values + 1.0
    cost[: 3 * rows] *= np.tile(_row_weight(is_kel, is_kec), 3) * np.repeat([1.0, 1.0, 3.0], rows)
    hidden = protect(
        values, sensitive, relations, upper=upper, cost=cost, width=min_cases, start=start
    )
    by_kind = hidden[: 3 * rows].reshape(3, rows)
    primary_row = np.asarray(sensitive[: 3 * rows].reshape(3, rows).any(axis=0), dtype=bool)
    extra = np.asarray((hidden & ~sensitive)[: 3 * rows].reshape(3, rows).any(axis=0), dtype=bool)
    return CountMasks(by_kind[0], by_kind[1], by_kind[2], primary_row, extra)


#: How much more it costs to mask a kecamatan cell, and a kabupaten/kota cell, than a
#: desa/kelurahan cell: complements are taken at the lowest level first, so the totals a
#: rembuk stunting reads stay published whenever the lower levels can protect them.
LEVEL_COST = {"kelurahan": 1.0, "kecamatan": 100.0, "kota": 10_000.0}


def _row_weight(is_kel: np.ndarray, is_kec: np.ndarray) -> np.ndarray:
    return np.where(is_kel, LEVEL_COST["kelurahan"],
                    np.where(is_kec, LEVEL_COST["kecamatan"], LEVEL_COST["kota"]))  # fmt: skip
