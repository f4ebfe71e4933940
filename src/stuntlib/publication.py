"""The Aksi 7 publication table: stunting per kelurahan with its Kemendagri code.

Aksi konvergensi no. 7 (publikasi data stunting kabupaten/kota) asks each kabupaten/kota
to publish, per desa/kelurahan, the children measured, how many are *sangat pendek*
(HAZ < -3) and *pendek* (-3 <= HAZ < -2), and the stunting prevalence, with the
kecamatan and kabupaten/kota totals. :func:`aksi7_table` builds that table from scored
rows (:func:`stuntlib.score`), joins every kelurahan to its Kemendagri code (Kota
Pekalongan's are built in; any other area list can be passed), adds the interval of
:func:`stuntlib.prevalence` and protects small cells; :func:`write_aksi7_workbook`
writes it as an Excel workbook ready to upload.

A published table never contains a name or a NIK: the table holds area-level counts
only, and the writer refuses identifying columns.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from stuntlib._validation import check_language, check_scored_frame
from stuntlib.columns import identifying_columns, normalise_header, resolve_columns
from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.estimation import disclosive_cells

if TYPE_CHECKING:
    from stuntlib.estimation import CIMethod

__all__ = [
    "AKSI7_COLUMNS",
    "PEKALONGAN_AREAS",
    "aksi7_table",
    "area_codes",
    "write_aksi7_workbook",
]

Language = Literal["id", "en"]

#: Kota Pekalongan (Jawa Tengah): its 4 kecamatan and 27 kelurahan with their
#: Kemendagri codes, as listed in Kepmendagri No. 300.2.2-2138 Tahun 2025 on the
#: codes and names of administrative areas.
PEKALONGAN_AREAS: tuple[tuple[str, str], ...] = (
    ("33.75", "Kota Pekalongan"),
    ("33.75.01", "Pekalongan Barat"),
    ("33.75.01.1002", "Medono"),
    ("33.75.01.1003", "Podosugih"),
    ("33.75.01.1004", "Sapuro Kebulen"),
    ("33.75.01.1006", "Bendan Kergon"),
    ("33.75.01.1008", "Pasirkratonkramat"),
    ("33.75.01.1009", "Tirto"),
    ("33.75.01.1012", "Pringrejo"),
    ("33.75.02", "Pekalongan Timur"),
    ("33.75.02.1002", "Noyontaansari"),
    ("33.75.02.1004", "Kauman"),
    ("33.75.02.1007", "Poncol"),
    ("33.75.02.1008", "Klego"),
    ("33.75.02.1009", "Gamer"),
    ("33.75.02.1010", "Setono"),
    ("33.75.02.1012", "Kali Baros"),
    ("33.75.03", "Pekalongan Utara"),
    ("33.75.03.1002", "Krapyak"),
    ("33.75.03.1003", "Kandang Panjang"),
    ("33.75.03.1004", "Panjang Wetan"),
    ("33.75.03.1006", "Padukuhan Kraton"),
    ("33.75.03.1007", "Degayu"),
    ("33.75.03.1009", "Bandengan"),
    ("33.75.03.1010", "Panjang Baru"),
    ("33.75.04", "Pekalongan Selatan"),
    ("33.75.04.1002", "Banyurip"),
    ("33.75.04.1003", "Buaran Kradenan"),
    ("33.75.04.1004", "Jenggot"),
    ("33.75.04.1006", "Kuripan Kertoharjo"),
    ("33.75.04.1008", "Kuripan Yosorejo"),
    ("33.75.04.1010", "Sokoduwet"),
)

#: Column key -> (Indonesian header, English header) of the publication table, in order.
AKSI7_COLUMNS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "level": ("Tingkat", "Level"),
        "code": ("Kode wilayah (Kemendagri)", "Area code (Kemendagri)"),
        "kecamatan": ("Kecamatan", "Kecamatan (sub-district)"),
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

_LEVELS = {"id": ("Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan"),
           "en": ("District/city", "Kecamatan", "Desa/kelurahan")}  # fmt: skip
_NOTES = {
    "id": {
        "suppressed": "sel kecil disamarkan (< {m} kasus)",
        "secondary": "disamarkan agar sel kecil lain tidak dapat dihitung balik",
        "small_n": "n < {n}: estimasi kurang stabil",
        "unmatched": "nama tidak ditemukan dalam daftar kode wilayah",
        "no_data": "tidak ada data",
    },
    "en": {
        "suppressed": "small cell masked (< {m} cases)",
        "secondary": "masked so that another small cell cannot be recomputed",
        "small_n": "n < {n}: unstable estimate",
        "unmatched": "name not found in the area code list",
        "no_data": "no data",
    },
}
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def _name_key(values: pd.Series) -> pd.Series:
    """Join key of an area name: upper case, letters and digits only."""
    text = values.astype("string").str.upper()
    text = text.str.replace(r"^(KELURAHAN|DESA|KEL\.|KECAMATAN|KEC\.)\s+", "", regex=True)
    return text.str.replace(r"[^0-9A-Z]", "", regex=True)


def area_codes(areas: Any = None) -> pd.DataFrame:
    """Normalise an area-code list (Kemendagri codes and names) into a lookup frame.

    Parameters
    ----------
    areas : DataFrame, mapping, sequence of pairs or None
        ``None`` gives Kota Pekalongan (:data:`PEKALONGAN_AREAS`). Otherwise the areas of
        one kabupaten/kota as ``(code, name)`` pairs, a ``{code: name}`` mapping, or a
        DataFrame with columns ``code``/``kode`` and ``name``/``nama`` (rows of the
        Kemendagri code list can be passed as they are). The level is read from the
        code: ``PP.KK`` kabupaten/kota, ``PP.KK.CC`` kecamatan, ``PP.KK.CC.DDDD``
        desa/kelurahan; other rows (provinsi) are ignored.

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``name``, ``level`` (``kota``, ``kecamatan``, ``kelurahan``),
        ``kecamatan_code``, ``kecamatan`` (name) and ``key`` (join key of the name),
        sorted by code.

    Raises
    ------
    StuntlibError
        If a code is not a Kemendagri code, a code repeats, or no kelurahan is given.

    Examples
    --------
    >>> a = area_codes()
    >>> a["level"].value_counts().to_dict()
    {'kelurahan': 27, 'kecamatan': 4, 'kota': 1}
    >>> a.loc[a["name"] == "Kali Baros", ["code", "kecamatan", "key"]].values.tolist()
    [['33.75.02.1012', 'Pekalongan Timur', 'KALIBAROS']]
    """
    if areas is None:
        areas = PEKALONGAN_AREAS
    if isinstance(areas, pd.DataFrame):
        cols = {normalise_header(c): c for c in areas.columns}
        code_col = cols.get("code", cols.get("kode"))
        name_col = cols.get("name", cols.get("nama"))
        if code_col is None or name_col is None:
            raise StuntlibError(
                "areas: expected a DataFrame with columns 'code' (or 'kode') and 'name' (or "
                f"'nama'); got columns {list(areas.columns)}"
            )
        frame = pd.DataFrame({"code": areas[code_col], "name": areas[name_col]})
    elif isinstance(areas, Mapping):
        frame = pd.DataFrame({"code": list(areas.keys()), "name": list(areas.values())})
    else:
        pairs = list(areas)
        frame = pd.DataFrame(pairs, columns=["code", "name"])
    frame = frame.astype({"code": "string", "name": "string"})
    frame["code"] = frame["code"].str.strip()
    bad = ~frame["code"].str.fullmatch(_CODE).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        raise StuntlibError(
            f"areas: {frame.loc[bad, 'code'].tolist()[:5]} are not Kemendagri codes "
            "(expected e.g. '33.75', '33.75.01', '33.75.01.1002')"
        )
    if frame["code"].duplicated().any():
        raise StuntlibError(
            f"areas: codes repeat: {frame.loc[frame['code'].duplicated(), 'code'].tolist()[:5]}"
        )
    parts = frame["code"].str.count(r"\.").to_numpy()
    level = np.select([parts == 1, parts == 2, parts == 3], ["kota", "kecamatan", "kelurahan"], "")
    frame["level"] = level
    frame = frame[frame["level"] != ""].sort_values("code", kind="stable")
    if not (frame["level"] == "kelurahan").any():
        raise StuntlibError("areas: no desa/kelurahan code (PP.KK.CC.DDDD) given")
    frame["kecamatan_code"] = frame["code"].str.slice(0, 8).where(frame["level"] != "kota")
    kec_names = frame.loc[frame["level"] == "kecamatan"].set_index("code")["name"]
    frame["kecamatan"] = frame["kecamatan_code"].map(kec_names).astype("string")
    frame["key"] = _name_key(frame["name"])
    return frame.reset_index(drop=True)[
        ["code", "name", "level", "kecamatan_code", "kecamatan", "key"]
    ]


def _complementary_cells(
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


def _match_areas(frame: pd.DataFrame, mapping: Mapping[str, Any], lookup: pd.DataFrame) -> Any:
    """Kelurahan code of every row (NA when unmatched) and the row's own names."""
    n = len(frame)
    kel_raw = (
        frame[mapping["kelurahan"]].astype("string")
        if "kelurahan" in mapping
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    kec_raw = (
        frame[mapping["kecamatan"]].astype("string")
        if "kecamatan" in mapping
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    kel_rows = lookup[lookup["level"] == "kelurahan"]
    code = pd.Series(pd.NA, index=frame.index, dtype="string")
    if "kelurahan_code" in mapping:
        given = frame[mapping["kelurahan_code"]].astype("string").str.strip()
        code = given.where(given.isin(kel_rows["code"]))
    # Join on distinct (kecamatan, kelurahan) pairs, then map back by their codes.
    pairs = pd.DataFrame({"kec": _name_key(kec_raw), "kel": _name_key(kel_raw)})
    pair_codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs.fillna("")))
    upairs = pd.DataFrame(list(uniques), columns=["kec", "kel"])
    kel_keys = kel_rows.assign(kec=_name_key(kel_rows["kecamatan"]))
    by_pair = upairs.merge(
        kel_keys[["kec", "key", "code"]].rename(columns={"key": "kel"}),
        on=["kec", "kel"],
        how="left",
    )["code"]
    unique_names = kel_keys.drop_duplicates("key", keep=False).set_index("key")["code"]
    by_name = upairs["kel"].map(unique_names)
    found = by_pair.fillna(by_name).astype("string").to_numpy()
    joined = pd.Series(found[pair_codes] if n else [], index=frame.index, dtype="string")
    code = code.fillna(joined)
    return code, kec_raw, kel_raw


def _targets_by_code(targets: Any, lookup: pd.DataFrame) -> pd.Series:
    """Target children per kelurahan code from a Series/mapping/DataFrame."""
    if targets is None:
        return pd.Series(dtype=np.float64)
    if isinstance(targets, pd.DataFrame):
        cols = {normalise_header(c): c for c in targets.columns}
        value_col = next(
            (cols[c] for c in ("target", "sasaran", "population", "jumlah sasaran") if c in cols),
            None,
        )
        key_col = next(
            (cols[c] for c in ("code", "kode", "kelurahan", "desa/kel", "name") if c in cols),
            None,
        )
        if value_col is None or key_col is None:
            raise StuntlibError(
                "targets: expected a DataFrame with a 'target' (or 'sasaran') column and a "
                f"'code' or 'kelurahan' column; got {list(targets.columns)}"
            )
        series = pd.Series(targets[value_col].to_numpy(), index=targets[key_col].astype(str))
    elif isinstance(targets, (pd.Series, Mapping)):
        series = pd.Series(targets)
        series.index = series.index.astype(str)
    else:
        raise StuntlibError(
            "targets: expected a Series or mapping {kelurahan code or name: children}, or a "
            f"DataFrame; got {type(targets).__name__}"
        )
    values = pd.to_numeric(series, errors="coerce").astype(np.float64)
    kel = lookup[lookup["level"] == "kelurahan"]
    is_code = values.index.to_series().str.fullmatch(_CODE).to_numpy(dtype=bool)
    by_key = pd.Series(values[~is_code].to_numpy(), index=_name_key(values.index[~is_code]))
    by_key = by_key[~by_key.index.duplicated()]
    from_names = pd.Series(kel["key"].map(by_key).to_numpy(), index=kel["code"].to_numpy())
    out = values[is_code].reindex(kel["code"]).fillna(from_names)
    unknown = set(values.index[is_code]) - set(kel["code"])
    unknown |= set(by_key.index) - set(kel["key"])
    if unknown:
        raise StuntlibError(
            f"targets: {sorted(unknown)[:5]} match no kelurahan of the area list (by code or name)"
        )
    return out


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

    Counts follow WHO's rules through :func:`stuntlib.prevalence`: children of 0-59
    months (age <= 1826 days) with a valid, unflagged height-for-age z-score are
    *measured*; *sangat pendek* is HAZ < -3, *pendek* -3 <= HAZ < -2 and *total
    stunting* HAZ < -2, on the z-score rounded to 2 decimals as WHO does. The interval
    is that of :func:`stuntlib.prevalence` (Wilson by default), without a
    finite-population correction.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score`: ``zlen``, ``flen``, ``age_days`` and a
        kelurahan column (``kelurahan``/``Desa/Kel``...), ideally a kecamatan column and
        optionally ``kelurahan_code``.
    areas : DataFrame, mapping, sequence of pairs or None
        Kemendagri codes and names (see :func:`area_codes`); default Kota Pekalongan.
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
        recomputed from its parent's total; mask the prevalence where the total is
        masked. Masked cells are NA and explained in the note column.
    decimals : int or None, default 1
        Round percentages; None keeps full precision.
    columns : mapping, optional
        ``{canonical name: label}`` for the kelurahan/kecamatan columns.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`AKSI7_COLUMNS` (headers in ``language``; ``target`` and
        ``coverage`` only with ``targets``): counts as nullable integers, percentages as
        floats. Never a name or a NIK.

    Raises
    ------
    ColumnError
        If ``zlen`` or a kelurahan column is missing.
    StuntlibError
        For a bad ``areas``, ``targets`` or ``language``.

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
    from stuntlib.estimation import prevalence

    check_language(language)
    check_scored_frame(scored)
    mapping = resolve_columns(scored.columns, columns)
    if "kelurahan" not in mapping and "kelurahan_code" not in mapping:
        raise ColumnError(
            "scored: no kelurahan column (e.g. 'kelurahan', 'Desa/Kel'); the columns are "
            f"{list(scored.columns)}; pass columns={{'kelurahan': '<label>'}}"
        )
    lookup = area_codes(areas)
    code, kec_raw, kel_raw = _match_areas(scored, mapping, lookup)
    kota = lookup[lookup["level"] == "kota"]
    kec_by_code = lookup.loc[lookup["level"] == "kecamatan"].set_index("code")
    kec_code = code.str.slice(0, 8)
    # Unmatched kelurahan: grouped under their kecamatan's code when it can be found.
    kec_key_to_code = pd.Series(kec_by_code.index.to_numpy(), index=kec_by_code["key"].to_numpy())
    kec_code = kec_code.fillna(_name_key(kec_raw).map(kec_key_to_code).astype("string"))
    unmatched = code.isna() & kel_raw.notna()
    kel_group = code.fillna("?" + kel_raw.str.upper().str.strip())
    kec_group = kec_code.fillna("?" + kec_raw.str.upper().str.strip()).fillna("?")
    work = pd.DataFrame(
        {
            "zlen": scored["zlen"].to_numpy(),
            "flen": scored["flen"].to_numpy() if "flen" in scored.columns else np.nan,
            "_kec": kec_group.to_numpy(),
            "_kel": kel_group.to_numpy(),
        }
    )
    for c in ("age_days", "age_months"):
        if c in scored.columns:
            work[c] = scored[c].to_numpy()
    if "flen" not in scored.columns:
        work = work.drop(columns="flen")
    res = prevalence(
        work,
        [(), ("_kec",), ("_kec", "_kel")],
        indicators=["stunting", "severe_stunting"],
        ci=ci,
        level=level,
        min_n=min_n,
        min_cases=min_cases,
    )
    res = res.assign(
        _id=np.where(
            res["_kel"].notna(),
            res["_kel"].astype(object),
            np.where(res["_kec"].notna(), res["_kec"].astype(object), "__kota__"),
        )
    )
    wide = res.pivot_table(
        index="_id",
        columns="indicator",
        values=["n", "cases", "estimate", "ci_low", "ci_high"],
        aggfunc="first",
        observed=True,
    )
    kel_ids = work["_kel"].to_numpy()
    records = pd.Series(kel_ids).value_counts()
    kec_records = pd.Series(work["_kec"].to_numpy()).value_counts()

    # Skeleton: every area of the list, plus data kelurahan not in it.
    kota_code = kota["code"].iloc[0] if len(kota) else ""
    skeleton = lookup[["code", "name", "level", "kecamatan"]].copy()
    skeleton["_id"] = np.where(skeleton["level"] == "kota", "__kota__", skeleton["code"])
    extra_kel = pd.unique(kel_group[unmatched].to_numpy())
    if len(extra_kel):
        first_row = pd.Series(np.arange(len(kel_group)), index=kel_group.to_numpy())
        first_row = first_row[~first_row.index.duplicated()]
        parent = kec_group.to_numpy()[first_row.reindex(extra_kel).to_numpy()]
        extra = pd.DataFrame(
            {
                "code": pd.array([pd.NA] * len(extra_kel), dtype="string"),
                "name": [str(x)[1:].title() for x in extra_kel],
                "level": "kelurahan",
                "kecamatan": [
                    kec_by_code["name"].get(p, str(p).lstrip("?").title()) for p in parent
                ],
                "_id": extra_kel,
                "_sort": [f"{p}.9999" if not str(p).startswith("?") else f"~{p}" for p in parent],
            }
        )
        skeleton["_sort"] = skeleton["code"]
        skeleton = pd.concat([skeleton, extra], ignore_index=True)
        skeleton = skeleton.sort_values(["_sort", "name"], kind="stable").drop(columns="_sort")
    skeleton = skeleton.reset_index(drop=True)

    def col(stat: str, ind: str) -> np.ndarray:
        if (stat, ind) not in wide.columns:
            return np.full(len(skeleton), np.nan)
        return (
            wide[(stat, ind)].reindex(skeleton["_id"]).to_numpy(dtype=np.float64, na_value=np.nan)
        )

    measured = np.nan_to_num(col("n", "stunting"))
    stunted = np.nan_to_num(col("cases", "stunting"))
    severe = np.nan_to_num(col("cases", "severe_stunting"))
    moderate = stunted - severe
    prevalence_pct = col("estimate", "stunting") * 100.0
    lo = col("ci_low", "stunting") * 100.0
    hi = col("ci_high", "stunting") * 100.0
    is_kel = (skeleton["level"] == "kelurahan").to_numpy()
    is_kec = (skeleton["level"] == "kecamatan").to_numpy()
    rec = np.where(
        is_kel,
        records.reindex(skeleton["_id"]).to_numpy(dtype=np.float64, na_value=np.nan),
        np.where(
            is_kec,
            kec_records.reindex(skeleton["_id"]).to_numpy(dtype=np.float64, na_value=np.nan),
            float(len(work)),
        ),
    )
    rec = np.nan_to_num(rec)

    notes: list[list[str]] = [[] for _ in range(len(skeleton))]
    text = _NOTES[language]
    masked = {k: np.zeros(len(skeleton), dtype=bool) for k in ("split", "stunted")}
    secondary = np.zeros(len(skeleton), dtype=bool)
    if protect:
        split = disclosive_cells(severe, measured, min_cases) | disclosive_cells(
            moderate, measured, min_cases
        )
        total = disclosive_cells(stunted, measured, min_cases)
        masked["stunted"] = total
        masked["split"] = split | total
        kec_name = skeleton["kecamatan"].astype(object).fillna("").to_numpy(dtype=object)
        candidates_ok = {"stunted": measured > 0, "split": (measured > 0) & (stunted > 0)}
        for key in ("stunted", "split"):
            ok = candidates_ok[key] | (masked["stunted"] & (measured > 0))
            extra = _complementary_cells(masked[key], ok, measured, is_kel, is_kec, kec_name)
            secondary |= extra
            masked[key] |= extra
        masked["split"] |= masked["stunted"]
    any_mask = masked["split"] | masked["stunted"]
    for i in np.flatnonzero(any_mask & ~secondary):
        notes[i].append(text["suppressed"].format(m=min_cases))
    for i in np.flatnonzero(secondary):
        notes[i].append(text["secondary"])
    for i in np.flatnonzero((measured > 0) & (measured < min_n)):
        notes[i].append(text["small_n"].format(n=min_n))
    for i in np.flatnonzero(measured == 0):
        notes[i].append(text["no_data"])
    for i in np.flatnonzero(skeleton["code"].isna().to_numpy()):
        notes[i].append(text["unmatched"])

    def counts(values: np.ndarray, mask: np.ndarray) -> pd.array:
        arr = pd.array(values.round().astype(np.int64), dtype="Int64")
        arr[mask] = pd.NA
        return arr

    level_names = dict(zip(("kota", "kecamatan", "kelurahan"), _LEVELS[language], strict=True))
    out = pd.DataFrame(
        {
            "level": skeleton["level"].map(level_names).to_numpy(),
            "code": skeleton["code"].astype("string").to_numpy(),
            "kecamatan": np.where(
                skeleton["level"] == "kota", "", skeleton["kecamatan"].fillna("")
            ),
            "kelurahan": np.where(is_kel, skeleton["name"].astype(str), ""),
        }
    )
    out.loc[is_kec, "kecamatan"] = skeleton.loc[is_kec, "name"].astype(str).to_numpy()
    out.loc[skeleton["level"].to_numpy() == "kota", "kecamatan"] = ""
    if targets is not None:
        by_code = _targets_by_code(targets, lookup)
        kel_target = by_code.reindex(skeleton["code"].fillna("")).to_numpy(dtype=np.float64)
        kel_codes = skeleton["code"].where(is_kel)
        kel_frame = pd.DataFrame({"kec": kel_codes.str.slice(0, 8), "t": kel_target})
        kel_frame = kel_frame[is_kel & skeleton["code"].notna().to_numpy()]
        kec_sum = kel_frame.groupby("kec")["t"].sum(min_count=1)
        kec_sum[kel_frame.groupby("kec")["t"].apply(lambda s: s.isna().any())] = np.nan
        kota_sum = np.nan if kel_frame["t"].isna().any() else kel_frame["t"].sum()
        target = np.where(
            is_kel,
            kel_target,
            np.where(is_kec, kec_sum.reindex(skeleton["code"]).to_numpy(), kota_sum),
        )
        out["target"] = pd.array(
            np.where(np.isnan(target), np.nan, np.round(target)), dtype="Float64"
        ).astype("Int64")
    out["records"] = counts(rec, np.zeros(len(rec), dtype=bool))
    out["measured"] = counts(measured, np.zeros(len(rec), dtype=bool))
    if targets is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            cov = np.where(target > 0, measured / target * 100.0, np.nan)
        out["coverage"] = cov
    out["severe"] = counts(severe, masked["split"])
    out["moderate"] = counts(moderate, masked["split"])
    out["stunted"] = counts(stunted, masked["stunted"])
    out["prevalence"] = np.where(masked["stunted"], np.nan, prevalence_pct)
    out["ci_low"] = np.where(masked["stunted"], np.nan, lo)
    out["ci_high"] = np.where(masked["stunted"], np.nan, hi)
    if decimals is not None:
        for c in ("coverage", "prevalence", "ci_low", "ci_high"):
            if c in out.columns:
                out[c] = out[c].round(decimals)
    out["note"] = ["; ".join(n) for n in notes]
    index = 0 if language == "id" else 1
    out.attrs["stuntlib_aksi7"] = {
        "kota_code": kota_code,
        "language": language,
        "min_n": min_n,
        "min_cases": min_cases,
        "protected": protect,
        "ci": ci,
        "level": level,
        "keys": list(out.columns),
    }
    return out.rename(columns={k: v[index] for k, v in AKSI7_COLUMNS.items()})


def write_aksi7_workbook(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    source: str | None = None,
    period: str | None = None,
    language: Language | None = None,
) -> Path:
    """Write an Aksi 7 table as an Excel workbook ready to upload.

    Sheet 1 holds the table (header on row 1, one row per area, kecamatan and kota
    rows in bold, codes stored as text, percentages with one decimal). Sheet 2
    (``Keterangan``/``Notes``) holds the title, source, period, the definitions and the
    small-cell rules.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`aksi7_table`.
    path : str or path-like
        Output ``.xlsx`` file (parent folders are created).
    title : str, optional
        Title written on the notes sheet; default "Publikasi data stunting (Aksi 7)".
    source : str, optional
        Where the data come from (e.g. the export's file name).
    period : str, optional
        Measurement period, e.g. ``"Agustus 2025"``.
    language : {"id", "en"}, optional
        Language of the notes sheet; default that of ``table``.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    StuntlibError
        If ``table`` has a column that could identify a child (NIK, name, address).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> df = pd.DataFrame({"kelurahan": ["TIRTO"] * 30, "kecamatan": "PEKALONGAN BARAT",
    ...                    "zlen": np.linspace(-3.5, 1, 30), "flen": 0, "age_days": 500})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "aksi7.xlsx"
    >>> write_aksi7_workbook(aksi7_table(df), out, period="Agustus 2025").name
    'aksi7.xlsx'
    >>> book = pd.read_excel(out, engine="calamine", dtype={"Kode wilayah (Kemendagri)": str})
    >>> book.iloc[0, :3].tolist()
    ['Kabupaten/Kota', '33.75', nan]
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    if not isinstance(table, pd.DataFrame):
        raise StuntlibError(f"table: expected a DataFrame; got {type(table).__name__}")
    identifying = identifying_columns(table.columns)
    if identifying:
        raise StuntlibError(
            f"table: columns {identifying} could identify children and are never published"
        )
    meta = table.attrs.get("stuntlib_aksi7", {})
    lang: Language = language or meta.get("language", "id")
    keys = meta.get("keys") or list(table.columns)
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "Aksi 7" if lang == "id" else "Aksi 7 (EN)"
    sheet.append([str(c) for c in table.columns])
    bold = Font(bold=True)
    fill_kec = PatternFill("solid", fgColor="E8EEF7")
    fill_kota = PatternFill("solid", fgColor="C9D7EE")
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    values = table.astype(object).where(table.notna(), None).to_numpy().tolist()
    for row in values:
        sheet.append(row)
    level_col = table.columns[0]
    levels = table[level_col].astype(str).to_numpy()
    kota_name, kec_name = _LEVELS[lang][0], _LEVELS[lang][1]
    percent_cols = [
        i + 1 for i, k in enumerate(keys) if k in ("coverage", "prevalence", "ci_low", "ci_high")
    ]
    code_col = keys.index("code") + 1 if "code" in keys else None
    for r in range(len(values)):
        excel_row = r + 2
        if levels[r] in (kota_name, kec_name):
            for cell in sheet[excel_row]:
                cell.font = bold
                cell.fill = fill_kota if levels[r] == kota_name else fill_kec
        for c in percent_cols:
            sheet.cell(row=excel_row, column=c).number_format = "0.0"
        if code_col is not None:
            sheet.cell(row=excel_row, column=code_col).number_format = "@"
    widths = [max(10, min(40, len(str(c)) // 2 + 4)) for c in table.columns]
    for i, width in enumerate(widths):
        sheet.column_dimensions[sheet.cell(row=1, column=i + 1).column_letter].width = width
    sheet.column_dimensions["B"].width = 16
    sheet.freeze_panes = "E2"
    notes = book.create_sheet("Keterangan" if lang == "id" else "Notes")
    for line in _notes_lines(lang, title, source, period, meta):
        notes.append(line)
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 110
    for cell in notes["A"]:
        cell.font = bold
    book.properties.creator = "stuntlib"
    book.save(file)
    return file


def _notes_lines(
    lang: Language, title: str | None, source: str | None, period: str | None, meta: dict[str, Any]
) -> list[tuple[str, str]]:
    from stuntlib import __version__

    min_cases = meta.get("min_cases", 3)
    min_n = meta.get("min_n", 25)
    today = _dt.date.today().isoformat()
    if lang == "id":
        return [
            ("Judul", title or "Publikasi data stunting per desa/kelurahan (Aksi konvergensi 7)"),
            ("Sumber data", source or "-"),
            ("Periode pengukuran", period or "-"),
            ("Dibuat", f"{today} dengan stuntlib {__version__}"),
            ("Diukur", "balita 0-59 bulan dengan z-skor TB/U sah (tidak di luar -6..+6 SD)"),
            ("Sangat pendek", "TB/U < -3 SD (Standar Antropometri Anak, WHO 2006)"),
            ("Pendek", "-3 SD <= TB/U < -2 SD"),
            ("Prevalensi", "total stunting / balita diukur x 100; interval kepercayaan 95% "
             f"({meta.get('ci', 'wilson')})"),
            ("Cakupan", "balita diukur / sasaran balita x 100"),
            ("Perlindungan data", f"jumlah 1-{min_cases - 1} kasus (atau 1-{min_cases - 1} "
             "bukan kasus) disamarkan, beserta sel lain yang dapat dipakai menghitung baliknya; "
             f"n < {min_n} ditandai kurang stabil. Tidak ada nama atau NIK."),
        ]  # fmt: skip
    return [
        ("Title", title or "Stunting by desa/kelurahan (convergence action 7)"),
        ("Data source", source or "-"),
        ("Measurement period", period or "-"),
        ("Produced", f"{today} with stuntlib {__version__}"),
        ("Measured", "children 0-59 months with a valid height-for-age z-score (not flagged)"),
        ("Severely stunted", "HAZ < -3 SD (WHO Child Growth Standards 2006)"),
        ("Moderately stunted", "-3 SD <= HAZ < -2 SD"),
        ("Prevalence", "total stunted / children measured x 100; 95% confidence interval "
         f"({meta.get('ci', 'wilson')})"),
        ("Coverage", "children measured / target children x 100"),
        ("Disclosure control", f"counts of 1-{min_cases - 1} cases (or non-cases) are masked, "
         "with the cells they could be recomputed from; "
         f"n < {min_n} is marked unstable. No names or NIKs."),
    ]  # fmt: skip
