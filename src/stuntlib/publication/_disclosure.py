"""Small-cell protection of the Aksi 7 table: primary and complementary suppression.

:func:`protect_counts` is the one suppression entry point of the publication table (the
seam where the general ``stuntlib.disclosure`` module plugs in): it masks disclosive
counts (:func:`stuntlib.estimation.disclosive_cells`) and then the complementary cells
through which a masked cell could be recomputed from visible totals.

References
----------
.. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4
   (frequency tables: threshold rule and secondary suppression).
"""

from __future__ import annotations

import numpy as np

from stuntlib.estimation import disclosive_cells

__all__ = ["complementary_cells", "protect_counts"]


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


def protect_counts(
    severe: np.ndarray,
    moderate: np.ndarray,
    measured: np.ndarray,
    *,
    is_kel: np.ndarray,
    is_kec: np.ndarray,
    kec_name: np.ndarray,
    min_cases: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells of the Aksi 7 table to mask: the split, the total, and the complements.

    Parameters
    ----------
    severe, moderate, measured : numpy.ndarray of float, shape (rows,)
        *Sangat pendek*, *pendek* and measured children of every row of the table.
    is_kel, is_kec : numpy.ndarray of bool, shape (rows,)
        Kelurahan rows and kecamatan rows (the rest is the kota row).
    kec_name : numpy.ndarray of object, shape (rows,)
        Kecamatan of every row (kelurahan are summed into the kecamatan of that name).
    min_cases : int
        Threshold of :func:`stuntlib.estimation.disclosive_cells`.

    Returns
    -------
    split, total, secondary : numpy.ndarray of bool, shape (rows,)
        ``split``: mask *sangat pendek* and *pendek*; ``total``: mask the total
        stunted and the prevalence; ``secondary``: the cells masked only as
        complements of others (for the note).
    """
    stunted = severe + moderate
    total = disclosive_cells(stunted, measured, min_cases)
    split = (
        disclosive_cells(severe, measured, min_cases)
        | disclosive_cells(moderate, measured, min_cases)
        | total
    )
    secondary = np.zeros(len(measured), dtype=bool)
    candidates = {"total": measured > 0, "split": (measured > 0) & (stunted > 0)}
    for key, masked in (("total", total), ("split", split)):
        ok = candidates[key] | (total & (measured > 0))
        secondary |= complementary_cells(masked, ok, measured, is_kel, is_kec, kec_name)
    return split | total, total, secondary
