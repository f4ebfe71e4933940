"""Assembly of the Aksi 7 publication table (counts, prevalence, notes) per area."""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from stuntlib._groups import distinct_rows
from stuntlib._validation import check_language, check_scored_frame
from stuntlib.columns import resolve_columns
from stuntlib.errors import ColumnError, StuntlibError, StuntlibWarning
from stuntlib.publication._areas import area_codes, match_areas, name_key, targets_by_code
from stuntlib.publication._disclosure import CountMasks, protect_counts
from stuntlib.publication._puskesmas import parent_rows, place_puskesmas, puskesmas_groups

if TYPE_CHECKING:
    from stuntlib.estimation import CIMethod

__all__ = ["AKSI7_COLUMNS", "LEVELS", "LEVEL_KEYS", "aksi7_table"]

Language = Literal["id", "en"]

#: Column key -> (Indonesian header, English header) of the publication table, in order.
AKSI7_COLUMNS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "level": ("Tingkat", "Level"),
        "code": ("Kode wilayah (Kemendagri)", "Area code (Kemendagri)"),
        "name": ("Nama wilayah", "Area name"),
        "kecamatan": ("Kecamatan", "Kecamatan (sub-district)"),
        "puskesmas": ("Puskesmas", "Puskesmas (health centre)"),
        "kelurahan": ("Desa/Kelurahan", "Desa/kelurahan (village)"),
        "target": ("Jumlah sasaran balita", "Target children under five"),
        "records": ("Jumlah data balita", "Records of children under five"),
        "measured": ("Jumlah balita diukur (TB/U sah)", "Children measured (valid HAZ)"),
        "coverage": ("Cakupan pengukuran (%)", "Measurement coverage (%)"),
        "severe": ("Sangat pendek", "Severely stunted"),
        "moderate": ("Pendek", "Moderately stunted"),
        "stunted": ("Total stunting (pendek + sangat pendek)", "Total stunted"),
        "prevalence": ("Prevalensi stunting (%)", "Stunting prevalence (%)"),
        "ci_low": ("Batas bawah IK 95% (%)", "95% CI lower bound (%)"),
        "ci_high": ("Batas atas IK 95% (%)", "95% CI upper bound (%)"),
        "note": ("Keterangan", "Note"),
    }
)

#: Keys of the levels of the table's rows, in the order of the names in :data:`LEVELS`.
LEVEL_KEYS = ("kota", "kecamatan", "kelurahan", "puskesmas")

#: The levels from the top of the hierarchy down (desa add up to puskesmas, and so on).
LEVEL_ORDER = ("kota", "kecamatan", "puskesmas", "kelurahan")

#: Level names of the kota, kecamatan, kelurahan and puskesmas rows, per language.
LEVELS: Mapping[str, tuple[str, str, str, str]] = MappingProxyType(
    {
        "id": ("Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan", "Puskesmas"),
        "en": ("District/city", "Kecamatan", "Desa/kelurahan", "Puskesmas"),
    }
)

_NOTES = {
    "id": {
        "suppressed": "sel kecil disamarkan (< {m} kasus)",
        "secondary": "disamarkan agar sel kecil lain tidak dapat dihitung balik",
        "small_n": "n < {n}: estimasi kurang stabil",
        "unmatched": "nama desa/kelurahan kosong atau tidak ditemukan dalam daftar kode wilayah",
        "no_data": "tidak ada data",
        "split": "desa/kelurahan ini juga tercatat di puskesmas lain",
    },
    "en": {
        "suppressed": "small cell masked (< {m} cases)",
        "secondary": "masked so that another small cell cannot be recomputed",
        "small_n": "n < {n}: unstable estimate",
        "unmatched": "desa/kelurahan name empty or not found in the area code list",
        "no_data": "no data",
        "split": "desa/kelurahan also recorded under another puskesmas",
    },
}
_KOTA_ID = "__kota__"
#: Name of the row of children whose desa/kelurahan has no code.
_UNKNOWN = MappingProxyType({"id": "Tidak diketahui", "en": "Unknown"})


def _group_rows(
    scored: pd.DataFrame, mapping: Mapping[str, Any], lookup: pd.DataFrame
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Kelurahan and kecamatan group of every row, which rows match no code, raw names.

    A matched row's groups are its Kemendagri codes. Rows whose desa/kelurahan has no
    code (a name not in the list, or none at all) never borrow one: they are pooled in
    one "tidak diketahui" group (``"?"`` + kecamatan group) under their kecamatan, found
    by name when it can be.
    """
    # once per distinct (kecamatan, kelurahan, code) of the rows, as text (as match_areas
    # reads them), then spread to the rows
    names = dict.fromkeys(mapping[c] for c in ("kecamatan", "kelurahan", "kelurahan_code")
                          if c in mapping)  # fmt: skip
    combo, first = distinct_rows([scored[name].astype("string") for name in names])
    kel, kec, unmatched, kel_raw = (
        g.iloc[combo].set_axis(scored.index)
        for g in _distinct_groups(scored.iloc[first], mapping, lookup)
    )
    return kel, kec, unmatched, kel_raw


def _distinct_groups(
    frame: pd.DataFrame, mapping: Mapping[str, Any], lookup: pd.DataFrame
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """:func:`_group_rows` of rows that are each a distinct combination of names."""
    code, kec_raw, kel_raw = match_areas(frame, mapping, lookup)
    kec_by_code = lookup.loc[lookup["level"] == "kecamatan"].set_index("code")
    kec_key_to_code = pd.Series(kec_by_code.index.to_numpy(), index=kec_by_code["key"].to_numpy())
    kec_code = code.str.slice(0, 8)
    kec_code = kec_code.fillna(name_key(kec_raw).map(kec_key_to_code).astype("string"))
    unmatched = code.isna()
    kec_group = kec_code.fillna("?" + kec_raw.str.upper().str.strip()).fillna("?")
    kel_group = code.fillna("?" + kec_group)
    return kel_group, kec_group, unmatched, kel_raw


def _tabulate(
    scored: pd.DataFrame, ids: Mapping[str, pd.Series], options: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stunting and severe stunting of the kota and of every group of every level (wide).

    ``ids`` maps a working column (``_kec``, ``_pkm``, ``_kel``) to the group of every
    row; a group id names one group of one level only. Also returns the working frame
    (one row per input row: z-score, flag, age and the groups).
    """
    from stuntlib.estimation import prevalence

    work = pd.DataFrame({"zlen": scored["zlen"].to_numpy()})
    for column in ("flen", "age_days", "age_months"):
        if column in scored.columns:
            work[column] = scored[column].to_numpy()
    for column, values in ids.items():
        work[column] = values.to_numpy()
    res = prevalence(
        work, [(), *((c,) for c in ids)], indicators=["stunting", "severe_stunting"], **options
    )
    ident = pd.Series(_KOTA_ID, index=res.index, dtype=object)
    for column in ids:
        ident = ident.where(res[column].isna(), res[column].astype(object))
    wide = res.assign(_id=ident).pivot_table(
        index="_id",
        columns="indicator",
        values=["n", "cases", "estimate", "ci_low", "ci_high"],
        aggfunc="first",
        observed=True,
    )
    return wide, work


def _skeleton(
    lookup: pd.DataFrame, kel_group: pd.Series, kec_group: pd.Series, unmatched: pd.Series,
    unknown: str,
) -> pd.DataFrame:  # fmt: skip
    """One row per area of the list, sorted by code, with the kecamatan group ``_kec``.

    The children of no known desa/kelurahan get one ``unknown`` row after their
    kecamatan's desa (after every kecamatan when theirs is not known either).
    """
    skeleton = lookup[["code", "name", "level", "kecamatan"]].copy()
    skeleton["_id"] = np.where(skeleton["level"] == "kota", _KOTA_ID, skeleton["code"])
    skeleton["_kec"] = np.where(
        skeleton["level"] == "kota", "", skeleton["code"].str.slice(0, 8).astype(object)
    )
    extra_kel = pd.unique(kel_group[unmatched].to_numpy())
    if len(extra_kel):
        kec_names = lookup.loc[lookup["level"] == "kecamatan"].set_index("code")["name"]
        first_row = pd.Series(np.arange(len(kel_group)), index=kel_group.to_numpy())
        first_row = first_row[~first_row.index.duplicated()]
        parent = kec_group.to_numpy()[first_row.reindex(extra_kel).to_numpy()]
        extra = pd.DataFrame(
            {
                "code": pd.array([pd.NA] * len(extra_kel), dtype="string"),
                "name": unknown,
                "level": "kelurahan",
                "kecamatan": [kec_names.get(p, str(p).lstrip("?").title()) for p in parent],
                "_id": extra_kel,
                "_kec": parent,
                "_sort": [f"{p}.9999" if not str(p).startswith("?") else f"~{p}" for p in parent],
            }
        )
        skeleton["_sort"] = skeleton["code"]
        skeleton = pd.concat([skeleton, extra], ignore_index=True)
        skeleton = skeleton.sort_values(["_sort", "name"], kind="stable").drop(columns="_sort")
    return skeleton.reset_index(drop=True)


def _notes(
    measured: np.ndarray,
    masked: np.ndarray,  # rows with a small count of their own (masked)
    secondary: np.ndarray,
    unmatched: np.ndarray,
    split: np.ndarray,
    language: Language,
    min_n: int,
    min_cases: int,
) -> list[str]:
    """The note of every row: masking, small n, no data, no code, desa of several puskesmas."""
    text = _NOTES[language]
    parts = [
        (masked, text["suppressed"].format(m=min_cases)),
        (secondary, text["secondary"]),
        ((measured > 0) & (measured < min_n), text["small_n"].format(n=min_n)),
        (measured == 0, text["no_data"]),
        (unmatched, text["unmatched"]),
        (split, text["split"]),
    ]
    notes = pd.Series("", index=range(len(measured)), dtype=object)
    for mask, note in parts:
        sep = np.where(notes.to_numpy() == "", "", "; ")
        notes = notes.where(~mask, notes + sep + note)
    return notes.tolist()


def _target_columns(
    targets: Any, lookup: pd.DataFrame, rows: pd.DataFrame, measured: np.ndarray
) -> tuple[Any, np.ndarray]:
    """Target children per row and the coverage in percent.

    Kelurahan targets as given; kecamatan and kota targets are sums over the desa of the
    list, NA when any of them has no target. A desa split between puskesmas has no
    target of its own (the target is not split); a puskesmas target is the sum of its
    desa rows, NA when any of them has none.
    """
    level = rows["level"].to_numpy()
    is_kel = level == "kelurahan"
    by_code = targets_by_code(targets, lookup)
    code = rows["code"]
    kel_target = by_code.reindex(code.fillna("")).to_numpy(dtype=np.float64)
    listed = pd.DataFrame({"kec": code.str.slice(0, 8), "code": code, "t": kel_target})
    listed = listed[is_kel & code.notna().to_numpy()].drop_duplicates("code")
    grouped = listed.groupby("kec")["t"]
    kec_sum = grouped.sum(min_count=1).where(grouped.count() == grouped.size())
    kota_sum = np.nan if listed["t"].isna().any() else listed["t"].sum()
    if "_split" in rows.columns:
        kel_target = np.where(rows["_split"].to_numpy(), np.nan, kel_target)
    under = pd.DataFrame({"parent": rows.get("_parent", pd.Series("", index=rows.index)),
                          "t": kel_target})[is_kel]  # fmt: skip
    by_parent = under.groupby("parent")["t"]
    pkm_sum = by_parent.sum(min_count=1).where(by_parent.count() == by_parent.size())
    target = np.select(
        [is_kel, level == "kecamatan", level == "puskesmas"],
        [
            kel_target,
            kec_sum.reindex(code).to_numpy(dtype=np.float64),
            pkm_sum.reindex(rows["_id"]).to_numpy(dtype=np.float64),
        ],
        kota_sum,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(target > 0, measured / target * 100.0, np.nan)
    rounded = pd.array(np.where(np.isnan(target), np.nan, np.round(target)), dtype="Float64")
    return rounded.astype("Int64"), coverage


def _counts(values: np.ndarray, mask: np.ndarray) -> Any:
    arr = pd.array(values.round().astype(np.int64), dtype="Int64")
    arr[mask] = pd.NA
    return arr


def areas_of(scored: pd.DataFrame, registry: Any = None) -> pd.DataFrame:
    """The Kemendagri codes and names of the one kabupaten/kota the rows come from.

    The kabupaten/kota is read from the data (its ``Kab/Kota``, ``Kec`` and ``Desa/Kel``
    names or codes, matched against the national registry of :mod:`stuntlib.areas`),
    never assumed. A file that spans several kabupaten/kota, or whose rows fit none, is
    refused with a message: each is published on its own, or ``areas=`` says which.

    Parameters
    ----------
    scored : pandas.DataFrame
        Rows with area columns (``Kab/Kota``, ``Kec``, ``Desa/Kel``, or codes).
    registry : str, path-like or DataFrame, optional
        A newer national code table (:func:`stuntlib.areas.load_areas`); default the
        packaged Kemendagri 2025 registry.

    Returns
    -------
    pandas.DataFrame
        ``kode`` and ``nama`` of the kabupaten/kota, its kecamatan and its
        desa/kelurahan (an ``areas`` argument of :func:`aksi7_table`).

    Raises
    ------
    StuntlibError
        When the rows span several kabupaten/kota or fit none.

    References
    ----------
    .. [1] Kepmendagri No. 300.2.2-2138 Tahun 2025 (codes and names of areas).

    Examples
    --------
    >>> df = pd.DataFrame({"Kec": ["PEKALONGAN BARAT"], "Desa/Kel": ["TIRTO"]})
    >>> areas_of(df).iloc[0].tolist()
    ['33.75', 'Kota Pekalongan']
    """
    from stuntlib.areas import kabupaten_of, load_areas

    found = kabupaten_of(scored, areas=registry)
    if len(found) > 1:
        raise StuntlibError(
            f"scored: the rows come from {len(found)} kabupaten/kota ({', '.join(found)}); "
            "an Aksi 7 table is published per kabupaten/kota: select the rows of one "
            "(e.g. by the Kab/Kota column) or pass areas= (CLI: --areas FILE)"
        )
    if not found:
        warnings.warn(
            "scored: no row could be placed in a kabupaten/kota of the Kemendagri registry by "
            "its Kab/Kota, Kec and Desa/Kel names or codes; the tables use the data's own "
            "names without area codes. Pass areas= (CLI: --areas FILE) or add a Kab/Kota "
            "column to publish with codes",
            StuntlibWarning,
            stacklevel=3,
        )
        return _uncoded_areas(scored)
    table = load_areas(registry)
    codes = table["kode"].astype(str)
    own = table[(codes == found[0]) | codes.str.startswith(found[0] + ".")]
    return own[["kode", "nama"]].reset_index(drop=True)


#: Placeholder kabupaten/kota code of a table whose rows fit no registry area: its
#: kecamatan and desa get codes under it only to be tabulated; they are never shown.
UNCODED = "00.00"


def _uncoded_areas(scored: pd.DataFrame) -> pd.DataFrame:
    """An area list made of the data's own kecamatan and desa names, under :data:`UNCODED`."""
    mapping = resolve_columns(scored.columns)
    index = scored.index

    def names(field: str) -> pd.Series:
        if field not in mapping:
            return pd.Series("", index=index, dtype="string")
        return scored[mapping[field]].astype("string").str.strip().fillna("")

    pairs = pd.DataFrame({"kec": names("kecamatan"), "kel": names("kelurahan")})
    pairs = pairs[pairs["kel"] != ""].assign(kk=lambda d: name_key(d["kec"]),
                                             lk=lambda d: name_key(d["kel"]))  # fmt: skip
    pairs = pairs.drop_duplicates(["kk", "lk"]).sort_values(["kk", "lk"])
    rows = [(UNCODED, "Kabupaten/kota tidak diketahui")]
    for k, (_, part) in enumerate(pairs.groupby("kk", sort=True), start=1):
        kec_code = f"{UNCODED}.{k:02d}"
        rows.append((kec_code, str(part["kec"].iloc[0]).title() or "Tidak diketahui"))
        rows += [(f"{kec_code}.{j:04d}", str(n).title())
                 for j, n in enumerate(part["kel"], start=1)]  # fmt: skip
    return pd.DataFrame(rows, columns=["kode", "nama"])


def _one_round(scored: pd.DataFrame) -> pd.DataFrame:
    """The rows of one period, one per child, unless the caller selected them already.

    See :func:`stuntlib.rounds.select_round`.
    """
    if "stuntlib_round" in scored.attrs:
        return scored
    from stuntlib.rounds import select_round

    return select_round(scored)


_Placed = tuple[dict[str, Any], pd.DataFrame, tuple[pd.Series, pd.Series, pd.Series, pd.Series]]
#: Rows placed inside :func:`placements_shared`: (frame, areas, columns, placement).
_SHARED: ContextVar[list[tuple[Any, Any, Any, _Placed]] | None] = ContextVar(
    "stuntlib_placements", default=None
)


@contextlib.contextmanager
def placements_shared() -> Iterator[None]:
    """Within the block, the same rows and areas are placed in desa once.

    For a caller that tabulates one frame several times, unchanged, against the same
    ``areas`` object (the report: :func:`match_desa`, :func:`aksi7_table` and the Data
    Sasaran workbook). A placement is reused only for the very same frame, ``areas``
    and ``columns`` objects; the frames must not be changed inside the block.
    """
    token = _SHARED.set([])
    try:
        yield
    finally:
        _SHARED.reset(token)


def _placed_rows(scored: pd.DataFrame, areas: Any, columns: Mapping[str, str] | None) -> _Placed:
    """Column mapping, area list (``areas``, or found from the data), groups of every row."""
    shared = _SHARED.get()
    if shared is not None:
        for frame, known, named, placed in shared:
            if frame is scored and known is areas and named is columns:
                return placed
    placed = _place(scored, areas, columns)
    if shared is not None:
        shared.append((scored, areas, columns, placed))
    return placed


def _place(scored: pd.DataFrame, areas: Any, columns: Mapping[str, str] | None) -> _Placed:
    mapping = resolve_columns(scored.columns, columns)
    if "kelurahan" not in mapping and "kelurahan_code" not in mapping:
        raise ColumnError(
            "scored: no kelurahan column (e.g. 'kelurahan', 'Desa/Kel'); the columns are "
            f"{list(scored.columns)}; pass columns={{'kelurahan': '<label>'}}"
        )
    from_registry = areas is None or isinstance(areas, (str, os.PathLike))
    lookup = area_codes(areas_of(scored, areas) if from_registry else areas)
    return mapping, lookup, _group_rows(scored, mapping, lookup)


def match_desa(
    scored: pd.DataFrame, areas: Any = None, *, columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The desa/kelurahan of every row, by the rule of :func:`aksi7_table`.

    Parameters
    ----------
    scored : pandas.DataFrame, shape (n, ...)
        Rows with a kelurahan column (and ideally a kecamatan column).
    areas : optional
        As in :func:`aksi7_table` (default: the kabupaten/kota found from the data).
    columns : mapping, optional
        ``{canonical name: label}`` for the kelurahan/kecamatan columns.

    Returns
    -------
    pandas.DataFrame, shape (n, 4), same index as ``scored``
        ``kode`` (Kemendagri code, NA when unmatched), ``desa`` and ``kecamatan`` (the
        registry's names; the data's own spelling, title-cased, when unmatched; NA when
        the row has none) and ``matched`` (bool). Spelling variants of one desa share
        its code and name, so tables grouped by ``kode``/``desa`` have one row per desa.

    Raises
    ------
    ColumnError
        If there is no kelurahan column.
    StuntlibError
        As :func:`areas_of` and :func:`area_codes`.

    References
    ----------
    .. [1] Kepmendagri No. 300.2.2-2138 Tahun 2025 (codes and names of areas).

    Examples
    --------
    >>> df = pd.DataFrame({"Kec": ["PEKALONGAN BARAT", "Kec. Pekalongan Barat"],
    ...                    "Desa/Kel": ["TIRTO", "KEL. TIRTO"]})
    >>> match_desa(df)[["kode", "desa", "matched"]].values.tolist()
    [['33.75.01.1009', 'Tirto', True], ['33.75.01.1009', 'Tirto', True]]
    """
    _, lookup, (kel_group, kec_group, unmatched, kel_raw) = _placed_rows(scored, areas, columns)
    names = lookup.set_index("code")["name"]
    code = kel_group.where(~unmatched).astype("string")
    raw_kel = kel_raw.str.strip().str.title()
    raw_kec = kec_group.str.slice(1).str.title().where(kec_group.str.len() > 1)
    code = code.mask(code.str.startswith(UNCODED).fillna(False))  # placeholder codes
    return pd.DataFrame(
        {
            "kode": code,
            "desa": code.map(names).astype("string").fillna(raw_kel.astype("string")),
            "kecamatan": kec_group.map(names).astype("string").fillna(raw_kec.astype("string")),
            "matched": code.notna().to_numpy(),
        },
        index=scored.index,
    )


def aksi7_table(
    scored: pd.DataFrame,
    areas: Any = None,
    *,
    targets: Any = None,
    language: Language = "id",
    ci: CIMethod = "wilson",
    level: float = 0.95,
    min_n: int = 25,
    min_cases: int = 3,
    protect: bool = True,
    decimals: int | None = 1,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The Aksi 7 publication table: stunting per desa/kelurahan, kecamatan and kota.

    One row per area of ``areas``, sorted by Kemendagri code, so that the kota row
    comes first and each kecamatan row comes before its kelurahan. Kelurahan of the
    data that are not in ``areas`` are added, without a code, after their kecamatan.
    Every row carries the name of its area (``name``).

    When the data name the puskesmas of the children (e-PPGBM ``Pukesmas``), a
    *puskesmas* level sits between kecamatan and desa: under each kecamatan row, one
    row per puskesmas that recorded children of that kecamatan (by name, no code;
    children without a puskesmas under "Tidak diketahui"), each followed by its
    desa/kelurahan rows, then the desa of the list without any child. A desa whose
    children two puskesmas recorded gets one row under each, with the children that
    puskesmas recorded and a note, so that every puskesmas row is the sum of its desa
    rows and every kecamatan row the sum of its puskesmas rows; the ``puskesmas``
    column names the puskesmas of every puskesmas and desa row. Without a puskesmas
    column the desa rows follow their kecamatan directly.

    One period is published, each child once: the latest period of the rows, one
    measurement per child (:func:`stuntlib.rounds.select_round`), unless the rows were
    selected already (``select_round(scored, "2025-02")`` chooses another).

    Counts follow WHO's rules through :func:`stuntlib.prevalence`: children of 0-59
    months (age up to :data:`stuntlib.estimation.WHO_MAX_AGE_DAYS` days) with a valid,
    unflagged height-for-age z-score are *measured*; *sangat pendek* is HAZ < -3,
    *pendek* -3 <= HAZ < -2 and *total stunting* HAZ < -2, on the z-score rounded to
    2 decimals as WHO does. The interval is that of :func:`stuntlib.prevalence`
    (Wilson by default), without a finite-population correction.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score`: ``zlen``, ``flen``, ``age_days`` and a
        kelurahan column (``kelurahan``/``Desa/Kel``...), ideally a kecamatan column and
        optionally ``kelurahan_code``.
    areas : DataFrame, mapping, sequence of pairs or None
        The areas of the table. By default (None) the kabupaten/kota is found from the
        data in the Kemendagri 2025 registry (:func:`stuntlib.areas.match_areas`); a path
        to a newer code table (``kode``, ``nama``; see :func:`stuntlib.areas.load_areas`)
        is searched the same way. Otherwise the codes and names of one kabupaten/kota
        (see :func:`area_codes`).
    targets : Series, mapping or DataFrame, optional
        Target children (*sasaran balita*) per kelurahan, keyed by code or name; gives
        the ``target`` and ``coverage`` columns (kecamatan and kota targets are sums,
        NA when a kelurahan target is missing).
    language : {"id", "en"}, default "id"
        Column headers, level names and notes in Indonesian or English.
    ci : str, default "wilson"
        Interval method of :func:`stuntlib.prevalence`.
    level : float, default 0.95
        Confidence level (the headers say 95% whatever the level; use 0.95 to publish).
    min_n, min_cases : int, default 25 and 3
        The small-cell rules of :func:`stuntlib.prevalence`: a count ``c`` of a cell
        of ``n`` children with ``0 < c < min_cases`` or ``n - c < min_cases`` could
        identify children; ``n < min_n`` marks an unstable estimate.
    protect : bool, default True
        Mask disclosive counts (and, in the same row, the counts they could be
        recomputed from), plus one more sibling area where a single masked area could be
        recomputed from its parent's total (desa within their puskesmas, puskesmas
        within their kecamatan, kecamatan within the kota); mask the prevalence where
        the total is masked. Masked cells are NA and explained in the note column.
    decimals : int or None, default 1
        Round percentages; None keeps full precision.
    columns : mapping, optional
        ``{canonical name: label}`` for the kelurahan/kecamatan/puskesmas columns.

    References
    ----------
    .. [1] Kementerian Dalam Negeri / Bappenas (2019). *Petunjuk Teknis Pelaksanaan 8
       Aksi Konvergensi Stunting di Kabupaten/Kota*, Aksi 7 (publikasi data stunting).
    .. [2] WHO (2019). *Recommendations for data collection, analysis and reporting on
       anthropometric indicators in children under 5 years old*. Geneva: WHO.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`AKSI7_COLUMNS` (headers in ``language``; ``target`` and
        ``coverage`` only with ``targets``, ``puskesmas`` only when the data have
        one): counts as nullable integers, percentages as floats. Never a name or a NIK.
        ``attrs["stuntlib_aksi7"]`` holds the options, the column ``keys`` and the
        ``levels`` of the rows (``kota``, ``kecamatan``, ``puskesmas``, ``kelurahan``).
        A desa split between puskesmas has no ``target`` of its own (the target is not
        divided); a puskesmas target is the sum of its desa rows' targets.

    Raises
    ------
    ColumnError
        If ``zlen`` or a kelurahan column is missing.
    StuntlibError
        For a bad ``areas``, ``targets`` or ``language``; when the rows span several
        kabupaten/kota or fit none of the registry (pass ``areas``).

    Examples
    --------
    >>> import pandas as pd
    >>> kel = np.repeat(["TIRTO", "MEDONO", "KAUMAN"], [60, 40, 30])
    >>> kec = np.where(kel == "KAUMAN", "PEKALONGAN TIMUR", "PEKALONGAN BARAT")
    >>> z = np.concatenate([np.linspace(-4, 1, 60), np.linspace(-2.5, 1, 40), np.zeros(30)])
    >>> df = pd.DataFrame({"kecamatan": kec, "kelurahan": kel, "zlen": z, "flen": 0,
    ...                    "age_days": 700})
    >>> t = aksi7_table(df, language="en").set_index("Area code (Kemendagri)")
    >>> cols = ["Children measured (valid HAZ)", "Severely stunted", "Moderately stunted",
    ...         "Stunting prevalence (%)"]
    >>> t.loc[["33.75", "33.75.01", "33.75.01.1009", "33.75.01.1002"], cols].astype(float).values
    array([[130. ,  12. ,  18. ,  23.1],
           [100. ,  12. ,  18. ,  30. ],
           [ 60. ,  12. ,  12. ,  40. ],
           [ 40. ,   0. ,   6. ,  15. ]])
    >>> len(t)  # 1 kota + 4 kecamatan + 27 kelurahan
    32
    """
    check_language(language)
    check_scored_frame(scored)
    scored = _one_round(scored)
    mapping, lookup, (kel_group, kec_group, unmatched, _) = _placed_rows(scored, areas, columns)
    options = {"ci": ci, "level": level, "min_n": min_n, "min_cases": min_cases}
    rows, wide, work = _rows(scored, mapping, lookup, kel_group, kec_group, unmatched,
                             options, _UNKNOWN[language])  # fmt: skip
    out = _assemble(rows, wide, work, language)
    measured = out["measured"].to_numpy(dtype=np.float64)
    if targets is not None:
        target, coverage = _target_columns(targets, lookup, rows, measured)
        out.insert(list(out.columns).index("records"), "target", target)
        out.insert(list(out.columns).index("measured") + 1, "coverage", coverage)
    zeros = np.zeros(len(out), dtype=bool)
    masks = CountMasks(zeros, zeros, zeros, zeros, zeros)
    if protect:
        masks = protect_counts(
            out["severe"].to_numpy(dtype=np.float64),
            out["moderate"].to_numpy(dtype=np.float64),
            measured,
            parent=_parent_rows(rows),
            level=rows["level"].to_numpy(dtype=object),
            min_cases=min_cases,
        )
    total, secondary = masks.total, masks.secondary
    for key, mask in (("severe", masks.severe), ("moderate", masks.moderate), ("stunted", total)):
        out.loc[mask, key] = pd.NA
    for key in ("prevalence", "ci_low", "ci_high"):
        out[key] = np.where(total, np.nan, out[key])
    if decimals is not None:
        for key in ("coverage", "prevalence", "ci_low", "ci_high"):
            if key in out.columns:
                out[key] = out[key].round(decimals)
    unmatched_rows = (rows["code"].isna() & (rows["level"] == "kelurahan")).to_numpy()
    split = rows["_split"].to_numpy() if "_split" in rows.columns else zeros
    out["note"] = _notes(
        measured,
        masks.primary,
        secondary,
        unmatched_rows,
        split,
        language,
        min_n,
        min_cases,
    )
    placeholder = out["code"].astype("string").str.startswith(UNCODED).fillna(False)
    out["code"] = out["code"].astype("string").mask(placeholder.to_numpy())
    out.attrs["stuntlib_aksi7"] = {
        "kota_code": str(rows["code"].iloc[0]) if (rows["level"] == "kota").any() else "",
        "language": language,
        "min_n": min_n,
        "min_cases": min_cases,
        "protected": protect,
        "ci": ci,
        "level": level,
        "keys": list(out.columns),
        "levels": [k for k in LEVEL_ORDER if (rows["level"] == k).any()],
    }
    index = 0 if language == "id" else 1
    return out.rename(columns={k: v[index] for k, v in AKSI7_COLUMNS.items()})


def _rows(
    scored: pd.DataFrame, mapping: Mapping[str, Any], lookup: pd.DataFrame,
    kel_group: pd.Series, kec_group: pd.Series, unmatched: pd.Series,
    options: dict[str, Any], unknown: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The rows of the table (with their ``_parent`` ids), the tabulation and the work frame.

    With a puskesmas column naming at least one puskesmas, the puskesmas level is added
    (:mod:`stuntlib.publication._puskesmas`); otherwise desa add up to their kecamatan.
    """
    skeleton = _skeleton(lookup, kel_group, kec_group, unmatched, unknown)
    raw = scored[mapping["puskesmas"]] if "puskesmas" in mapping else None
    if raw is None or not raw.astype("string").str.strip().fillna("").ne("").any():
        wide, work = _tabulate(scored, {"_kec": kec_group, "_kel": kel_group}, options)
        is_kel = (skeleton["level"] == "kelurahan").to_numpy()
        rows = skeleton.assign(_parent=np.where(is_kel, skeleton["_kec"], ""))
        if raw is not None:  # the column is there, but empty
            rows["puskesmas"] = ""
        return rows, wide, work
    kec_ids = set(skeleton.loc[skeleton["level"] == "kecamatan", "_id"])
    groups = puskesmas_groups(raw, kec_group, kel_group, kec_ids, unknown)
    ids = {"_kec": kec_group, "_pkm": groups.puskesmas, "_kel": groups.desa}
    wide, work = _tabulate(scored, ids, options)
    work["_desa"] = kel_group.to_numpy()
    return place_puskesmas(skeleton, work, groups.names), wide, work


def _parent_rows(rows: pd.DataFrame) -> np.ndarray:
    """Row every row of the table adds up into (-1 for the kota row)."""
    kota = np.flatnonzero((rows["level"] == "kota").to_numpy())
    return parent_rows(rows["_id"], rows["_parent"], int(kota[0]) if kota.size else None)


def _assemble(
    rows: pd.DataFrame, wide: pd.DataFrame, work: pd.DataFrame, language: Language
) -> pd.DataFrame:
    """The unmasked table in column keys: names, records, counts and the interval."""
    ids = rows["_id"]

    def col(stat: str, indicator: str) -> np.ndarray:
        if (stat, indicator) not in wide.columns:
            return np.full(len(rows), np.nan)
        values = wide[(stat, indicator)].reindex(ids)
        return values.to_numpy(dtype=np.float64, na_value=np.nan)

    level = rows["level"].to_numpy()
    is_kel, is_kec, is_kota = level == "kelurahan", level == "kecamatan", level == "kota"
    groups = [c for c in ("_kec", "_pkm", "_kel") if c in work.columns]
    counts = pd.concat([pd.Series(work[c].to_numpy()).value_counts() for c in groups])
    records = counts.reindex(ids).to_numpy(dtype=np.float64, na_value=np.nan)
    records = np.where(is_kota, float(len(work)), records)
    measured = np.nan_to_num(col("n", "stunting"))
    stunted = np.nan_to_num(col("cases", "stunting"))
    severe = np.nan_to_num(col("cases", "severe_stunting"))
    names = rows["name"].astype(str).to_numpy()
    kecamatan = np.where(is_kec, names, rows["kecamatan"].fillna("").astype(str).to_numpy())
    level_names = dict(zip(LEVEL_KEYS, LEVELS[language], strict=True))
    none = np.zeros(len(rows), dtype=bool)
    keyed = {
        "level": rows["level"].map(level_names).to_numpy(),
        "code": rows["code"].astype("string").to_numpy(),
        "name": names,
        "kecamatan": np.where(is_kota, "", kecamatan),
    }
    if "puskesmas" in rows.columns:
        keyed["puskesmas"] = rows["puskesmas"].astype(object).to_numpy()
    return pd.DataFrame(
        {
            **keyed,
            "kelurahan": np.where(is_kel, names, ""),
            "records": _counts(np.nan_to_num(records), none),
            "measured": _counts(measured, none),
            "severe": _counts(severe, none),
            "moderate": _counts(stunted - severe, none),
            "stunted": _counts(stunted, none),
            "prevalence": col("estimate", "stunting") * 100.0,
            "ci_low": col("ci_low", "stunting") * 100.0,
            "ci_high": col("ci_high", "stunting") * 100.0,
        }
    )
