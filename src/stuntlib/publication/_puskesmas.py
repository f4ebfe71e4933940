"""The puskesmas level of the Aksi 7 table: subtotal rows between kecamatan and desa.

When the data name the puskesmas of each child (e-PPGBM column ``Pukesmas``), every
kecamatan's children are split by puskesmas, and each puskesmas gets a subtotal row
under its kecamatan, followed by its desa/kelurahan rows. A desa whose children are
recorded under two puskesmas gets one row under each (the children that puskesmas
recorded), so that each puskesmas row is the sum of its desa rows and each kecamatan
row the sum of its puskesmas rows; such rows carry a note. A puskesmas that recorded
children of two kecamatan gets a subtotal row under each. Children without a puskesmas
are pooled under a "tidak diketahui" puskesmas of their kecamatan. Desa/kelurahan of
the area list without any child follow their kecamatan's puskesmas, under no puskesmas.
Children whose kecamatan is not known are not split (no kecamatan row holds them).

References
----------
.. [1] Permenkes No. 43 Tahun 2019 tentang Pusat Kesehatan Masyarakat (a puskesmas
   serves a working area of one or more desa/kelurahan, generally within a kecamatan).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from stuntlib._groups import distinct_rows
from stuntlib.publication._areas import name_key

__all__ = ["PuskesmasGroups", "parent_rows", "place_puskesmas", "puskesmas_groups"]

#: Separator of the parts of a group id (kecamatan | puskesmas | desa); never in a code.
_SEP = "|"
#: Key of the children whose puskesmas is empty.
_NO_KEY = "?"


class PuskesmasGroups(NamedTuple):
    """Group ids of every input row, and the name of every puskesmas group."""

    puskesmas: pd.Series  # kecamatan group | puskesmas key
    desa: pd.Series  # puskesmas group | desa group (the desa group alone when not split)
    names: pd.Series  # puskesmas group -> name shown


def puskesmas_key(values: pd.Series) -> pd.Series:
    """Join key of a puskesmas name: upper case, letters and digits, without "Puskesmas"/"PKM".

    Empty or missing names get the key ``"?"``.
    """
    key = name_key(values, prefix=r"^\s*(PUSKESMAS|PKM|UPTD PUSKESMAS)\.?\s+")
    return key.where(key.fillna("") != "", _NO_KEY).astype(object)


def puskesmas_groups(
    raw: pd.Series, kec_group: pd.Series, kel_group: pd.Series, kec_ids: set[str], unknown: str
) -> PuskesmasGroups:
    """Puskesmas and desa group of every row (see the module docstring).

    Parameters
    ----------
    raw : pandas.Series of str, shape (n,)
        The puskesmas column as given.
    kec_group, kel_group : pandas.Series of str, shape (n,)
        Kecamatan and desa/kelurahan group of every row (codes, or ``"?..."``).
    kec_ids : set of str
        Kecamatan groups that have a row in the table; the others are not split.
    unknown : str
        Name of the puskesmas group of the children without a puskesmas.
    """
    # once per distinct (puskesmas, kecamatan, desa) of the rows, then spread to the rows;
    # the puskesmas as text, as its key and its name read it
    cells = pd.DataFrame({"raw": raw.astype("string").array, "kec": kec_group.array,
                          "kel": kel_group.array})  # fmt: skip
    combo, first = distinct_rows([cells[c] for c in cells.columns])  # first-appearance order
    distinct = cells.iloc[first]
    kec = distinct["kec"].astype(object).to_numpy()
    placed = np.isin(kec, list(kec_ids))
    key = puskesmas_key(distinct["raw"]).to_numpy()
    pkm = np.where(placed, kec + _SEP + key, kec + _SEP)
    desa = np.where(placed, pkm + _SEP + distinct["kel"].astype(object).to_numpy(),
                    distinct["kel"].to_numpy())  # fmt: skip
    spelled = pd.DataFrame({"id": pkm, "name": distinct["raw"].str.strip().str.title().to_numpy(),
                            "rows": np.bincount(combo)})  # fmt: skip
    spelled = spelled[placed & (key != _NO_KEY)].dropna()
    # the most common spelling of each puskesmas, as DataFrame.value_counts orders them
    counts = spelled.groupby(["id", "name"], sort=False)["rows"].sum()
    counts = counts.sort_values(ascending=False, kind="stable").reset_index()
    names = counts.drop_duplicates("id").set_index("id")["name"]
    named = pd.Series(unknown, index=pd.unique(pkm[placed]), dtype=object)
    named.update(names.astype(object))
    rows = [pd.Series(pd.array(g, dtype="str").take(combo), index=raw.index) for g in (pkm, desa)]
    return PuskesmasGroups(rows[0], rows[1], named)


def place_puskesmas(skeleton: pd.DataFrame, work: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """The rows of the table with the puskesmas level, sorted.

    ``skeleton`` has one row per area (``code``, ``name``, ``level``, ``kecamatan``,
    ``_id``, ``_kec``); ``work`` one row per child (``_kec``, ``_pkm``, ``_kel`` and
    ``_desa``, the skeleton's ``_id`` of its desa). Returns the rows with a
    ``puskesmas`` column, the ``_parent`` id of every row and ``_split`` (a desa row
    that is one of several of its desa).
    """
    kec_rows = skeleton["level"] == "kecamatan"
    kec_ids = set(skeleton.loc[kec_rows, "_id"])
    kec_names = skeleton.loc[kec_rows].set_index("_id")["name"]
    groups = work[["_kec", "_pkm", "_kel", "_desa"]].drop_duplicates("_kel")
    groups = groups[groups["_kec"].isin(kec_ids)]
    pkm = groups.drop_duplicates("_pkm")
    pkm_rows = pd.DataFrame(
        {
            "code": pd.array([pd.NA] * len(pkm), dtype="string"),
            "name": pkm["_pkm"].map(names).to_numpy(),
            "level": "puskesmas",
            "kecamatan": pkm["_kec"].map(kec_names).to_numpy(),
            "_id": pkm["_pkm"].to_numpy(),
            "_kec": pkm["_kec"].to_numpy(),
            "_parent": pkm["_kec"].to_numpy(),
        }
    )
    is_desa = (skeleton["level"] == "kelurahan").to_numpy()
    with_data = is_desa & skeleton["_id"].isin(groups["_desa"]).to_numpy()
    split_desa = groups.loc[groups["_desa"].duplicated(keep=False), "_desa"]
    desa = skeleton[with_data].merge(
        groups[["_desa", "_pkm", "_kel"]], left_on="_id", right_on="_desa", how="inner"
    )
    desa = desa.assign(
        _id=desa["_kel"], _parent=desa["_pkm"], _split=desa["_desa"].isin(split_desa)
    ).drop(columns=["_desa", "_pkm", "_kel"])
    rest = skeleton[~with_data].copy()
    placed = rest["_kec"].isin(kec_ids).to_numpy()
    rest["_parent"] = np.where(
        rest["level"].to_numpy() == "kecamatan",
        "",
        np.where(is_desa[~with_data] & placed, rest["_kec"].to_numpy(), ""),
    )
    rows = pd.concat([rest, pkm_rows, desa], ignore_index=True)
    rows["puskesmas"] = np.where(
        rows["level"] == "puskesmas",
        rows["name"],
        rows["_parent"].map(names).fillna("").to_numpy(),
    )
    rows["_split"] = rows["_split"].astype("boolean").fillna(False).astype(bool)
    return _sorted(rows, kec_ids)


def _sorted(rows: pd.DataFrame, kec_ids: set[str]) -> pd.DataFrame:
    """Kota; per kecamatan: its row, each puskesmas (its row, its desa), desa without data.

    Puskesmas by name (the unknown one last), desa by code (unmatched last); rows whose
    kecamatan is not known come last, as in the table without puskesmas.
    """
    level = rows["level"].to_numpy()
    kec = rows["_kec"].astype(object).to_numpy()
    known = np.isin(kec, list(kec_ids))
    block = np.select(
        [level == "puskesmas", (level == "kelurahan") & (rows["puskesmas"] != "").to_numpy()],
        [1, 1],
        np.where((level == "kelurahan") & known, 2, 0),
    )
    pkm_id = np.where(level == "puskesmas", rows["_id"], rows["_parent"]).astype(object)
    pkm_key = np.where(
        block == 1,
        pd.Series(pkm_id).str.rsplit(_SEP, n=1).str[-1].replace(_NO_KEY, "~").to_numpy(),
        "",
    )
    code = rows["code"].astype(object).to_numpy()
    sort = pd.DataFrame(
        {
            "k1": np.where(level == "kota", "", np.where(known, kec, "~" + kec.astype(str))),
            "k2": block,
            "k3": pkm_key,
            "k4": np.where(level == "puskesmas", "", np.where(pd.isna(code), "~", code)),
            "k5": rows["name"].astype(str).to_numpy(),
        }
    )
    order = sort.sort_values(["k1", "k2", "k3", "k4", "k5"], kind="stable").index
    return rows.loc[order].reset_index(drop=True)


def parent_rows(ids: pd.Series, parents: pd.Series, kota_row: int | None) -> np.ndarray:
    """Row of the area every row adds up into: its parent id's row, else the kota row.

    The kota row itself (and, in a list without a kota row, every row without a
    parent) gets -1.
    """
    position = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    found = position.reindex(parents.fillna("").to_numpy()).to_numpy(dtype=np.float64)
    root = -1 if kota_row is None else kota_row
    out = np.where(np.isnan(found), root, found).astype(np.intp)
    if kota_row is not None:
        out[kota_row] = -1
    return out
