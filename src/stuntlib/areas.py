"""Indonesia's administrative areas: the national code registry and name matching.

An e-PPGBM export names each child's place as text (``Prov``, ``Kab/Kota``, ``Kec``,
``Desa/Kel``), spelled as the operator typed it: ``KAB. BATANG``, ``Kec. Batang``,
``KEL. KAUMAN``. Tables by kelurahan, maps and the Aksi 7 publication need the official
code of each place. :func:`match_areas` finds it on the whole hierarchy (province,
kabupaten/kota, kecamatan, desa/kelurahan) against the packaged registry of Kepmendagri
No 300.2.2-2138 Tahun 2025 (83,762 desa/kelurahan), or a user-supplied table of newer
codes. A name that fits no place, or several, never borrows another place's code: it gets
:data:`UNKNOWN`.

The registry is read lazily, once, on first use; ``import stuntlib`` does not load it.

Codes are text in the dotted form of the regulation: ``PP`` (provinsi), ``PP.KK``
(kabupaten/kota), ``PP.KK.CC`` (kecamatan) and ``PP.KK.CC.XDDD`` (desa/kelurahan, X = 1
for a kelurahan, 2 for a desa).
"""

from __future__ import annotations

import functools
import gzip
import io as _io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stuntlib._calamine import excel_table
from stuntlib.columns import resolve_columns
from stuntlib.errors import ColumnError, StuntlibError

__all__ = [
    "AREA_LEVELS",
    "UNKNOWN",
    "AreaMatch",
    "area_names",
    "kabupaten_of",
    "load_areas",
    "match_areas",
    "normalise_area_code",
]

#: Label and code of a place that could not be identified (no match, or several).
UNKNOWN = "tidak diketahui"
#: The levels of the hierarchy, top down, with the canonical column of each.
AREA_LEVELS: Mapping[str, str] = {
    "provinsi": "provinsi",
    "kabupaten": "kabupaten",
    "kecamatan": "kecamatan",
    "desa": "kelurahan",
}
_LEVELS = tuple(AREA_LEVELS)
#: Length of a dotted code at each depth (1 = provinsi ... 4 = desa/kelurahan).
_CODE_LENGTH = {1: 2, 2: 5, 3: 8, 4: 13}
_DEPTH_OF_LENGTH = {v: k for k, v in _CODE_LENGTH.items()}
_REGISTRY_FILE = "kode_wilayah_2025.tsv.gz"

# Prefixes people write before a name. They are applied to text already reduced to
# A-Z, 0-9 and single spaces, so a space stands for any separator (and the patterns
# run in pyarrow's regex engine, not one Python call per name).
_PREFIX = {
    1: r"^(?:PROVINSI|PROPINSI|PROV) +",
    2: r"^(?:KABUPATEN|KAB|KOTA) +(?:ADMINISTRASI +|ADM +)?",
    3: r"^(?:KECAMATAN|KEC) +",
    4: r"^(?:DESA|DS|KELURAHAN|KEL) +",
}
# What a prefix says about the kind of place: depth -> (kind, pattern) in order of
# precedence (the last that matches wins).
_KIND_PREFIX = {
    2: (("kota", r"^KOTA "), ("kab", r"^(?:KABUPATEN|KAB) ")),
    4: (("1", r"^(?:KELURAHAN|KEL) "), ("2", r"^(?:DESA|DS) ")),
}
# Common abbreviations, expanded before comparison (whole words only).
_ABBREVIATIONS = {
    r"^DKI\b": "DAERAH KHUSUS IBUKOTA",
    r"^DIY\b": "DAERAH ISTIMEWA YOGYAKARTA",
    r"^DI\b": "DAERAH ISTIMEWA",
    r"^NTB$": "NUSA TENGGARA BARAT",
    r"^NTT$": "NUSA TENGGARA TIMUR",
    r"\bKEP\b": "KEPULAUAN",
}


# --------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------


@functools.cache
def _national() -> pd.DataFrame:
    """The packaged Kepmendagri 2025 list as ``kode, nama`` (read once).

    Read with pyarrow's CSV reader, in 0.04 s where pandas' own takes 0.15 s on the
    report's path. Its comment lines (``#``) are the file's first lines, skipped here.
    """
    data = gzip.decompress(resources.files("stuntlib.data").joinpath(_REGISTRY_FILE).read_bytes())
    start = 0
    while data.startswith(b"#", start):
        start = data.index(b"\n", start) + 1
    return pd.read_csv(_io.BytesIO(data[start:]), sep="\t", dtype=str, keep_default_na=False,
                       engine="pyarrow")  # fmt: skip


def normalise_area_code(values: Any) -> pd.Series:
    """Area codes written in any usual way, in the dotted form of the regulation.

    ``"3375021004"``, ``3375021004.0``, ``"33.75.02.1004"`` and ``"33 75 02 1004"`` all
    become ``"33.75.02.1004"``; 2, 4, 6 or 10 digits give a provinsi, kabupaten/kota,
    kecamatan or desa/kelurahan code. Anything else becomes NA.

    Parameters
    ----------
    values : array_like
        Codes as text or numbers.

    Returns
    -------
    pandas.Series of string
        Dotted codes; NA where missing or not a code.

    References
    ----------
    Kepmendagri No 300.2.2-2138 Tahun 2025 (code structure ``PP.KK.CC.XDDD``).

    Examples
    --------
    >>> normalise_area_code(["3375021004", 3375.0, "33.75.02", "x"]).tolist()
    ['33.75.02.1004', '33.75', '33.75.02', <NA>]
    """
    series = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    text = series.astype("string").str.strip().str.replace(r"\.0+$", "", regex=True)
    digits = text.str.replace(r"[\s.\-]", "", regex=True)
    digits = digits.where(digits.str.fullmatch(r"\d{2}|\d{4}|\d{6}|\d{10}").fillna(False))
    parts = digits.str.extract(r"^(\d{2})(\d{2})?(\d{2})?(\d{4})?$")
    out = parts[0]
    for col in (1, 2, 3):
        out = out.where(parts[col].isna(), out + "." + parts[col])
    return pd.Series(out.to_numpy(), index=series.index, dtype="string")


def _read_user_table(areas: Any) -> pd.DataFrame:
    """A user's code table (DataFrame or CSV/xlsx path) as ``kode, nama``."""
    if isinstance(areas, (str, os.PathLike)):
        path = Path(areas)
        if not path.exists():
            raise FileNotFoundError(f"areas: {path}: no such file")
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            table = excel_table(path, dtype=str)
        else:
            table = pd.read_csv(path, dtype=str, sep=None, engine="python", keep_default_na=False)
    elif isinstance(areas, pd.DataFrame):
        table = areas
    else:
        raise StuntlibError(
            "areas: expected a DataFrame or the path of a CSV/xlsx file with columns "
            f"'kode' and 'nama'; got {type(areas).__name__}"
        )
    lower = {str(c).strip().lower(): c for c in table.columns}
    missing = [c for c in ("kode", "nama") if c not in lower]
    if missing:
        raise ColumnError(
            f"areas: the code table needs the columns 'kode' and 'nama'; it lacks {missing} "
            f"(its columns are {list(table.columns)})"
        )
    out = pd.DataFrame(
        {
            "kode": normalise_area_code(table[lower["kode"]]).to_numpy(),
            "nama": table[lower["nama"]].astype("string").str.strip().to_numpy(),
        }
    )
    bad = out["kode"].isna() | out["nama"].isna()
    if bad.any():
        shown = table.loc[bad.to_numpy(), lower["kode"]].head(5).tolist()
        raise StuntlibError(
            f"areas: {int(bad.sum())} row(s) have no valid code (PP, PP.KK, PP.KK.CC or "
            f"PP.KK.CC.XDDD, with or without dots) or no name; e.g. {shown}"
        )
    return out


def load_areas(areas: Any = None) -> pd.DataFrame:
    """The area registry: the packaged Kepmendagri 2025 list, updated by a user table.

    Parameters
    ----------
    areas : pandas.DataFrame, str or path-like, optional
        A code table with columns ``kode`` and ``nama`` (CSV or xlsx file, or a frame)
        for codes newer than the packaged list. Its rows replace the packaged rows with
        the same code and add the others.

    Returns
    -------
    pandas.DataFrame
        Columns ``kode``, ``nama`` (text) and ``tingkat`` (``"provinsi"``,
        ``"kabupaten"``, ``"kecamatan"``, ``"desa"``), one row per area, sorted by code.

    Raises
    ------
    FileNotFoundError
        If ``areas`` is a path that does not exist.
    ColumnError
        If the table lacks ``kode`` or ``nama``.
    StuntlibError
        If a row has no valid code or name, or ``areas`` is of another type.

    References
    ----------
    Kepmendagri No 300.2.2-2138 Tahun 2025 tentang Pemberian dan Pemutakhiran Kode, Data
    Wilayah Administrasi Pemerintahan, dan Pulau; list extracted from
    https://github.com/cahyadsn/wilayah (MIT licence, copyright 2025 Cahya DSN).

    Examples
    --------
    >>> t = load_areas()
    >>> t.loc[t["kode"] == "33.75.02.1004", ["nama", "tingkat"]].values.tolist()
    [['Kauman', 'desa']]
    """
    if areas is None:
        return _national_registry().copy()
    return _with_levels(_national(), areas)


@functools.cache
def _national_registry() -> pd.DataFrame:
    return _with_levels(_national(), None)


@functools.cache
def _national_codes() -> pd.Index:
    return pd.Index(_national()["kode"].to_numpy(dtype=object))


def _with_levels(table: pd.DataFrame, areas: Any) -> pd.DataFrame:
    if areas is not None:
        user = _read_user_table(areas)
        table = pd.concat([table[~table["kode"].isin(user["kode"])], user], ignore_index=True)
        table = table.sort_values("kode", kind="stable", ignore_index=True)
    depth = table["kode"].str.len().map(_DEPTH_OF_LENGTH)
    return table.assign(tingkat=depth.map(dict(enumerate(_LEVELS, start=1))).astype("string"))


# --------------------------------------------------------------------------------------
# name keys
# --------------------------------------------------------------------------------------


def _keys(names: pd.Series, depth: int) -> pd.DataFrame:
    """Comparison keys of names at one depth: ``exact``, ``key`` (no spaces) and ``kind``.

    Upper case; apostrophes dropped; other punctuation and runs of spaces -> one space;
    the usual prefixes (``KAB.``, ``KOTA``, ``Kec.``, ``DESA``, ``KEL.``...) removed.
    ``kind`` keeps what a prefix said: ``"kab"``/``"kota"`` at depth 2, ``"1"``
    (kelurahan)/``"2"`` (desa) at depth 4, else NA.
    """
    codes, uniques = pd.factorize(names.astype("string"), use_na_sentinel=True)
    u = pd.Series(uniques, dtype="string")
    text = (
        u.str.upper()
        .str.replace(r"[’'`´‘]", "", regex=True)
        .str.replace(r"[^0-9A-Z]+", " ", regex=True)
        .str.strip()
    )
    kind = pd.Series(pd.NA, index=u.index, dtype="string")
    for name, pattern in _KIND_PREFIX.get(depth, ()):
        kind = kind.mask(text.str.match(pattern).fillna(False), name)
    text = text.str.replace(_PREFIX[depth], "", regex=True)
    # one pass finds the few names with an abbreviation (no expansion makes another match)
    some = text.str.contains("|".join(_ABBREVIATIONS), regex=True).fillna(False).to_numpy(bool)
    if some.any():
        short = text[some]
        for pattern, full in _ABBREVIATIONS.items():
            short = short.str.replace(pattern, full, regex=True)
        text = text.mask(some, short)
    text = text.mask(text == "")
    table = pd.DataFrame(
        {"exact": text, "key": text.str.replace(" ", "", regex=False), "kind": kind}
    )
    return table.reindex(codes).set_axis(names.index)  # code -1 (missing) -> all NA


def _objects(values: pd.Series) -> np.ndarray:
    """Values as an object array with None where missing (for == between arrays)."""
    out = values.to_numpy(dtype=object, copy=True)
    out[pd.isna(out)] = None
    return out


@dataclass(frozen=True)
class _Level:
    """Registry areas at one depth, with their ancestors, as object arrays.

    ``columns`` holds ``code1..d``, ``key1..d``, ``exact1..d`` (and ``kind2``,
    ``kind4``); ``keys`` indexes the distinct ``key{d}``, ``order``/``starts``/``counts``
    give the rows of each distinct key.
    """

    columns: Mapping[str, np.ndarray]
    keys: pd.Index
    order: np.ndarray
    starts: np.ndarray
    counts: np.ndarray


@functools.cache
def _national_levels(deepest: int = 4) -> tuple[_Level, ...]:
    return _levels(_national_registry(), deepest)


def _levels(registry: pd.DataFrame, deepest: int = 4) -> tuple[_Level, ...]:
    """One :class:`_Level` per depth down to ``deepest``: each area with its ancestors' keys.

    An area whose parent code is not in the registry is left out (as an inner join
    would). Columns are object arrays built with index look-ups, not frame merges: the
    national registry has 91,599 areas and this runs on the first match of a session.
    """
    kode = registry["kode"].astype("string")
    length = kode.str.len().to_numpy(dtype=np.int64, na_value=-1)
    own: dict[int, dict[str, np.ndarray]] = {}
    for depth in range(1, deepest + 1):
        rows = length == _CODE_LENGTH[depth]
        names = registry["nama"][rows].reset_index(drop=True)
        keys = _keys(names, depth)
        part = {
            f"code{depth}": kode[rows].to_numpy(dtype=object),
            f"key{depth}": _objects(keys["key"]),
            f"exact{depth}": _objects(keys["exact"]),
        }
        if depth == 2:
            kota = names.astype("string").str.upper().str.startswith("KOTA")
            part["kind2"] = np.where(kota.to_numpy(dtype=bool), "kota", "kab").astype(object)
        if depth == 4:
            part["kind4"] = kode[rows].str[9].to_numpy(dtype=object)
        own[depth] = part
    tables = [own[1]]
    for depth in range(2, deepest + 1):
        part, above = own[depth], tables[-1]
        parent = pd.Index(part[f"code{depth}"]).str[: _CODE_LENGTH[depth - 1]]
        where = pd.Index(above[f"code{depth - 1}"]).get_indexer(parent)
        found = where >= 0
        table = {c: v[found] for c, v in part.items()}
        table.update({c: v[where[found]] for c, v in above.items()})
        tables.append(table)
    out = []
    for depth, table in enumerate(tables, start=1):
        codes, uniques = pd.factorize(table[f"key{depth}"])
        valid = codes >= 0
        order = np.flatnonzero(valid)[np.argsort(codes[valid], kind="stable")]
        counts = np.bincount(codes[valid], minlength=len(uniques))
        out.append(
            _Level(
                columns=table,
                keys=pd.Index(uniques, dtype=object),
                order=order,
                starts=np.cumsum(counts) - counts,
                counts=counts,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------------------
# matching
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaMatch:
    """Codes found for an export's rows, and what could not be matched.

    Attributes
    ----------
    codes : pandas.DataFrame
        Aligned with the input frame (same index): ``kode_provinsi``,
        ``kode_kabupaten``, ``kode_kecamatan``, ``kode_desa`` (dotted codes, or
        :data:`UNKNOWN`) and ``area_match``: ``"code"`` (the export's own code is in the
        registry), ``"matched"`` (the names fit exactly one desa/kelurahan),
        ``"ambiguous"`` (they fit several), ``"unmatched"`` (they fit none) or
        ``"no_name"`` (no desa/kelurahan name and no code). A level is coded only when
        every place that fits the names agrees on it.
    counts : pandas.Series
        Rows per ``area_match`` value (int).
    unmatched : pandas.DataFrame
        Each distinct unmatched place as written (``provinsi``, ``kabupaten``,
        ``kecamatan``, ``desa``), its number of rows ``n`` and the deepest code found
        above it (``kode``).
    ambiguous : pandas.DataFrame
        Each distinct ambiguous place as written, ``n`` and ``candidates`` (the
        desa/kelurahan codes that fit, separated by ``", "``).
    kabupaten : tuple of str
        The kabupaten/kota codes present in the rows, sorted (never :data:`UNKNOWN`).
    """

    codes: pd.DataFrame
    counts: pd.Series
    unmatched: pd.DataFrame
    ambiguous: pd.DataFrame
    kabupaten: tuple[str, ...]

    @property
    def spans_several_kabupaten(self) -> bool:
        """True when rows of more than one kabupaten/kota are present."""
        return len(self.kabupaten) > 1


def _given_columns(
    frame: pd.DataFrame, chosen: Mapping[str, str | None], code: str | None
) -> tuple[dict[int, Any], Any]:
    """Labels of the frame holding each level's name (depth -> label) and the code."""
    if not isinstance(frame, pd.DataFrame):
        raise StuntlibError(f"frame: expected a pandas DataFrame; got {type(frame).__name__}")
    found = resolve_columns(frame.columns)
    labels: dict[int, Any] = {}
    for depth, level in enumerate(_LEVELS, start=1):
        label = chosen.get(level)
        if label is not None:
            if label not in frame.columns:
                raise ColumnError(
                    f"{level}: column {label!r} is not in the frame; the columns are "
                    f"{list(frame.columns)}"
                )
            labels[depth] = label
        elif AREA_LEVELS[level] in found:
            labels[depth] = found[AREA_LEVELS[level]]
    if code is not None and code not in frame.columns:
        raise ColumnError(
            f"code: column {code!r} is not in the frame; the columns are {list(frame.columns)}"
        )
    if code is None:
        code = found.get("kelurahan_code")
    return labels, code


def _candidates(combos: pd.DataFrame, level: _Level, depth: int) -> pd.DataFrame:
    """Registry areas at ``depth`` fitting every name given down to ``depth``.

    Returns one row per (combo, fitting area): ``combo`` and ``code1..depth``. Where
    several areas fit, those with the most exact spellings (and the kind the prefix
    said, at desa level) are kept.
    """
    given = {c: _objects(combos[c]) for c in combos.columns}
    group = level.keys.get_indexer(pd.Index(given[f"key{depth}"], dtype=object))
    rows = np.flatnonzero(group >= 0)
    n = level.counts[group[rows]]
    left = np.repeat(rows, n)
    offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    right = level.order[np.repeat(level.starts[group[rows]], n) + offset]
    keep = np.ones(len(left), dtype=bool)
    score = np.zeros(len(left), dtype=np.int64)

    def same(name: str) -> tuple[np.ndarray, np.ndarray]:
        mine = given[name][left]
        return pd.isna(mine), mine == level.columns[name][right]

    for d in range(1, depth + 1):
        if d < depth:
            absent, equal = same(f"key{d}")
            keep &= absent | equal
        score += same(f"exact{d}")[1].astype(np.int64)
    if depth >= 2:  # KAB. / KOTA said: a kota is never a kabupaten of the same name
        absent, equal = same("kind2")
        keep &= absent | equal
    if depth == 4:  # DESA / KEL. said: preferred, not required (status changes happen)
        score += same("kind4")[1].astype(np.int64)
    out = pd.DataFrame({"combo": given["combo"][left].astype(np.int64)})
    for d in range(1, depth + 1):
        out[f"code{d}"] = level.columns[f"code{d}"][right]
    out, score = out[keep], score[keep]
    best = pd.Series(score, index=out.index).groupby(out["combo"]).transform("max")
    return out[score == best.to_numpy()]


def _resolve_by_names(combos: pd.DataFrame, levels: tuple[_Level, ...]) -> pd.DataFrame:
    """Per combo: the codes every fitting area agrees on, the status and candidates."""
    out = pd.DataFrame(index=combos["combo"])
    for depth in (1, 2, 3, 4):
        out[f"code{depth}"] = UNKNOWN
    out["status"] = np.where(combos["key4"].isna().to_numpy(), "no_name", "unmatched")
    out["candidates"] = ""
    done = pd.Series(False, index=out.index)
    for depth in (4, 3, 2, 1):
        cands = _candidates(combos[~done.to_numpy()], levels[depth - 1], depth)
        if cands.empty:
            continue
        grouped = cands.groupby("combo", sort=False)
        for d in range(1, depth + 1):
            col = f"code{d}"
            agree = grouped[col].nunique() == 1
            first = grouped[col].first()
            out.loc[agree[agree].index, f"code{d}"] = first[agree].to_numpy()
        ids = grouped.size().index
        done.loc[ids] = True
        if depth == 4:
            n = grouped.size()
            out.loc[n.index, "status"] = np.where(n.to_numpy() == 1, "matched", "ambiguous")
            several = cands[cands["combo"].isin(n[n > 1].index)].sort_values(["combo", "code4"])
            if len(several):  # one join per ambiguous place, not per row
                listed = several.groupby("combo", sort=False)["code4"].agg(", ".join)
                out.loc[listed.index, "candidates"] = listed.to_numpy()
    return out


def _combo_keys(distinct: pd.DataFrame, labels: Mapping[int, Any], deepest: int) -> pd.DataFrame:
    """``combo`` and the name keys (:func:`_keys`) of each distinct row, depths 1..deepest."""
    combos = pd.DataFrame({"combo": np.arange(len(distinct))})
    for depth in range(1, deepest + 1):
        if depth in labels:
            keys = _keys(distinct[labels[depth]].reset_index(drop=True), depth)
        else:
            absent = pd.Series(pd.NA, index=combos.index, dtype="string")
            keys = pd.DataFrame({"exact": absent, "key": absent, "kind": absent})
        combos[f"key{depth}"] = keys["key"].astype("string").to_numpy()
        combos[f"exact{depth}"] = keys["exact"].astype("string").to_numpy()
        if depth in (2, 4):
            combos[f"kind{depth}"] = keys["kind"].astype("string").to_numpy()
    return combos


def _kabupaten_by_name(
    frame: pd.DataFrame, areas: Any, chosen: Mapping[str, str | None]
) -> tuple[str, ...] | None:
    """The kabupaten/kota codes read from the Kab/Kota (and Prov) names alone, or None.

    None unless every row names its kabupaten/kota and each distinct name fits exactly
    one registry kabupaten/kota: then the kecamatan and desa names could not change the
    answer of :func:`_resolve` (they only pick among several fitting places), and the
    desa index of the whole country need not be built.
    """
    labels, code_label = _given_columns(frame, chosen, None)
    if 2 not in labels or code_label is not None:
        return None
    named: dict[int, Any] = {d: labels[d] for d in (1, 2) if d in labels}
    distinct = frame[list(named.values())].drop_duplicates(ignore_index=True)
    if distinct[named[2]].isna().any():
        return None
    combos = _combo_keys(distinct, named, 2)
    level = (_national_levels(2) if areas is None else _levels(load_areas(areas), 2))[1]
    found = _candidates(combos, level, 2)
    fits = found.groupby("combo")["code2"].nunique()
    if len(fits) < len(combos) or bool((fits > 1).any()):
        return None
    return tuple(sorted(found["code2"].unique().tolist()))


def _resolve(
    frame: pd.DataFrame, areas: Any, chosen: Mapping[str, str | None], code: str | None
) -> tuple[pd.DataFrame, dict[int, Any], pd.DataFrame, np.ndarray]:
    """Codes of each distinct combination of names (see :func:`match_areas`).

    Returns the first row of each combination, the name column of each depth, the
    resolved codes, status and candidates per combination, and each row's combination.
    """
    labels, code_label = _given_columns(frame, chosen, code)
    if not labels and code_label is None:
        raise ColumnError(
            "frame: no area column found; expected a desa/kelurahan ('Desa/Kel'), "
            "kecamatan ('Kec'), kabupaten ('Kab/Kota') or code ('Kode Desa') column, or "
            f"pass desa=/kecamatan=/kabupaten=/code=; the columns are {list(frame.columns)}"
        )
    if areas is None:
        levels, known_codes = _national_levels(), _national_codes()
    else:
        registry = load_areas(areas)
        levels = _levels(registry)
        known_codes = pd.Index(registry["kode"].to_numpy(dtype=object))
    used = [labels[d] for d in sorted(labels)] + ([code_label] if code_label is not None else [])
    raw = pd.DataFrame({i: frame[c].to_numpy(dtype=object) for i, c in enumerate(used)})
    row_combo = raw.groupby(list(raw.columns), dropna=False, sort=False).ngroup().to_numpy()
    first = np.unique(row_combo, return_index=True)[1]
    distinct = frame.iloc[first]
    combos = _combo_keys(distinct, labels, 4)
    code_given = (
        normalise_area_code(distinct[code_label].reset_index(drop=True))
        if code_label is not None
        else pd.Series(pd.NA, index=combos.index, dtype="string")
    )
    in_registry = known_codes.get_indexer(pd.Index(_objects(code_given), dtype=object))
    combos["code"] = code_given.where(in_registry >= 0).to_numpy()
    resolved = _resolve_by_names(combos, levels)
    by_code = combos.set_index("combo")["code"]
    known = by_code[by_code.notna()]
    for depth in (1, 2, 3, 4):
        ok = known.str.len() >= _CODE_LENGTH[depth]
        resolved.loc[known.index[ok], f"code{depth}"] = known[ok].str[: _CODE_LENGTH[depth]]
    full = known.index[known.str.len() == _CODE_LENGTH[4]]
    resolved.loc[full, "status"] = "code"
    resolved.loc[full, "candidates"] = ""
    return distinct, labels, resolved, row_combo


def match_areas(
    frame: pd.DataFrame,
    *,
    areas: Any = None,
    provinsi: str | None = None,
    kabupaten: str | None = None,
    kecamatan: str | None = None,
    desa: str | None = None,
    code: str | None = None,
) -> AreaMatch:
    """Find the official area code of each row of an export, on the whole hierarchy.

    Each row's names (province, kabupaten/kota, kecamatan, desa/kelurahan) are compared
    with the registry after the usual spelling variants are folded: case, repeated
    spaces, punctuation, spaces inside a name (``KALIBAROS`` = ``Kali Baros``), the
    prefixes ``PROV.``, ``KAB.``/``KABUPATEN``/``KOTA``, ``Kec.``/``KECAMATAN`` and
    ``DESA``/``DS.``/``KEL.``/``KELURAHAN``, and the abbreviations ``DKI``, ``DI``/``DIY``,
    ``NTB``, ``NTT``, ``KEP.``. A level whose column is absent or whose cell is empty
    fits any name. ``KOTA`` and ``KAB.`` are kept apart (Kota Pekalongan is not
    Kabupaten Pekalongan); ``DESA``/``KEL.`` break ties only. Where names fit several
    areas, the exact spelling (spaces included) breaks ties.

    A row whose desa/kelurahan fits no area under the given parents is ``"unmatched"``;
    one that fits several is ``"ambiguous"``. Neither borrows a code: their
    ``kode_desa`` is :data:`UNKNOWN` (the parents that every fitting area agrees on are
    still coded). Where the export has a code column (``kelurahan_code``: ``Kode Desa``,
    ``kode_wilayah``) and the code is in the registry, the code is used.

    Work is done once per distinct combination of names, with merges: a national export
    of millions of rows costs about as much as its number of distinct places.

    Parameters
    ----------
    frame : pandas.DataFrame
        An export as read by :func:`stuntlib.io.read_measurements` (canonical names
        ``provinsi``, ``kabupaten``, ``kecamatan``, ``kelurahan``, ``kelurahan_code``) or
        with the e-PPGBM headers (``Prov``, ``Kab/Kota``, ``Kec``, ``Desa/Kel``).
    areas : pandas.DataFrame, str or path-like, optional
        A code table (``kode``, ``nama``) with newer codes; see :func:`load_areas`.
    provinsi, kabupaten, kecamatan, desa, code : str, optional
        The frame's column for that level, when its header is not recognised.

    Returns
    -------
    AreaMatch
        Per-row codes and status, counts, the unmatched and ambiguous names, and the
        kabupaten/kota present.

    Raises
    ------
    ColumnError
        If a column named in ``provinsi`` ... ``code`` is not in the frame, or the frame
        has no desa/kelurahan, kecamatan, kabupaten or code column at all.
    StuntlibError
        If ``frame`` is not a DataFrame, or ``areas`` is not a valid code table.

    References
    ----------
    Kepmendagri No 300.2.2-2138 Tahun 2025 (codes and names of provinsi, kabupaten/kota,
    kecamatan, desa/kelurahan); Kementerian Kesehatan, e-PPGBM export format (columns
    ``Prov``, ``Kab/Kota``, ``Kec``, ``Desa/Kel``).

    Examples
    --------
    >>> df = pd.DataFrame({"Kab/Kota": ["KAB. BATANG", "KOTA PEKALONGAN", "BATANG"],
    ...                    "Kec": ["Kec. Batang", "PEKALONGAN TIMUR", "WARUNGASEM"],
    ...                    "Desa/Kel": ["KEL. KAUMAN", "KAUMAN", "KAUMAN"]})
    >>> m = match_areas(df)
    >>> m.codes[["kode_desa", "area_match"]]
           kode_desa area_match
    0  33.25.11.1015    matched
    1  33.75.02.1004    matched
    2  tidak diketahui  unmatched
    >>> m.kabupaten, m.spans_several_kabupaten
    (('33.25', '33.75'), True)
    """
    distinct, labels, resolved, row_combo = _resolve(
        frame, areas, {"provinsi": provinsi, "kabupaten": kabupaten, "kecamatan": kecamatan,
                       "desa": desa}, code
    )  # fmt: skip
    columns = {
        "kode_provinsi": "code1",
        "kode_kabupaten": "code2",
        "kode_kecamatan": "code3",
        "kode_desa": "code4",
        "area_match": "status",
    }
    codes = pd.DataFrame(
        {
            name: pd.array(resolved[col].to_numpy(dtype=object), dtype="string").take(row_combo)
            for name, col in columns.items()
        },
        index=frame.index,
    )
    n_rows = np.bincount(row_combo, minlength=len(distinct))
    return _report(distinct, labels, resolved, n_rows, codes)


def _report(
    distinct: pd.DataFrame,
    labels: Mapping[int, Any],
    resolved: pd.DataFrame,
    n_rows: np.ndarray,
    codes: pd.DataFrame,
) -> AreaMatch:
    """Counts, unmatched and ambiguous names (per distinct combination of names)."""
    names = list(_LEVELS)
    written = pd.DataFrame(index=pd.RangeIndex(len(distinct)))
    for depth, level in enumerate(_LEVELS, start=1):
        column = distinct[labels[depth]] if depth in labels else None
        written[level] = (
            column.astype("string").str.strip().to_numpy()
            if column is not None
            else pd.array([pd.NA] * len(distinct), dtype="string")
        )
    written["n"] = n_rows
    status = resolved["status"].to_numpy()
    deepest = resolved["code3"].where(
        resolved["code3"] != UNKNOWN,
        resolved["code2"].where(resolved["code2"] != UNKNOWN, resolved["code1"]),
    )
    counts = (pd.Series(n_rows).groupby(status).sum().rename("n").rename_axis("area_match")).astype(
        "int64"
    )

    def table(mask: np.ndarray, extra: pd.Series, extra_name: str) -> pd.DataFrame:
        part = written[mask].assign(**{extra_name: extra.to_numpy()[mask]})
        if part.empty:
            return pd.DataFrame(columns=[*names, "n", extra_name])
        grouped = part.groupby([*names, extra_name], dropna=False, sort=True)["n"].sum()
        return grouped.reset_index()[[*names, "n", extra_name]]

    kab = codes["kode_kabupaten"]
    return AreaMatch(
        codes=codes,
        counts=counts,
        unmatched=table(status == "unmatched", deepest, "kode"),
        ambiguous=table(status == "ambiguous", resolved["candidates"], "candidates"),
        kabupaten=tuple(sorted(kab[kab != UNKNOWN].dropna().unique().tolist())),
    )


def kabupaten_of(frame: pd.DataFrame, *, areas: Any = None, **columns: str) -> tuple[str, ...]:
    """The kabupaten/kota codes of the rows of an export.

    The kabupaten/kota always comes from the data: from a ``kode_kabupaten`` column when
    the frame has one (output of :func:`match_areas`), else by matching the rows' names
    (:func:`match_areas`). More than one code means the file spans several
    kabupaten/kota: publish per kabupaten/kota, or refuse.

    Parameters
    ----------
    frame : pandas.DataFrame
        Export rows.
    areas : pandas.DataFrame, str or path-like, optional
        As in :func:`match_areas`.
    **columns : str
        ``provinsi=``, ``kabupaten=``, ``kecamatan=``, ``desa=``, ``code=`` as in
        :func:`match_areas`.

    Returns
    -------
    tuple of str
        Sorted ``PP.KK`` codes; empty when no row could be placed.

    Raises
    ------
    ColumnError, StuntlibError
        As :func:`match_areas`.

    References
    ----------
    Kepmendagri No 300.2.2-2138 Tahun 2025.

    Examples
    --------
    >>> kabupaten_of(pd.DataFrame({"Kec": ["PEKALONGAN BARAT"], "Desa/Kel": ["TIRTO"]}))
    ('33.75',)
    """
    if isinstance(frame, pd.DataFrame) and "kode_kabupaten" in frame.columns:
        kab = normalise_area_code(frame["kode_kabupaten"])
        kab = kab[kab.str.len() == _CODE_LENGTH[2]]
        return tuple(sorted(kab.dropna().unique().tolist()))
    unknown = set(columns) - {"provinsi", "kabupaten", "kecamatan", "desa", "code"}
    if unknown:  # as match_areas(**columns) would refuse them
        raise TypeError(f"kabupaten_of() got unexpected keyword arguments {sorted(unknown)}")
    chosen = {level: columns.get(level) for level in _LEVELS}
    if columns.get("code") is None:
        by_name = _kabupaten_by_name(frame, areas, chosen)
        if by_name is not None:
            return by_name
    resolved = _resolve(frame, areas, chosen, columns.get("code"))[2]
    kab = resolved["code2"]  # per distinct combination of names: no per-row table needed
    return tuple(sorted(kab[kab != UNKNOWN].dropna().unique().tolist()))


def area_names(codes: Any, *, areas: Any = None) -> pd.Series:
    """Official names of area codes (any level); :data:`UNKNOWN` for unknown codes.

    Parameters
    ----------
    codes : array_like
        Codes in any form :func:`normalise_area_code` reads.
    areas : pandas.DataFrame, str or path-like, optional
        As in :func:`load_areas`.

    Returns
    -------
    pandas.Series of string
        One name per code, same index as ``codes`` when it is a Series.

    References
    ----------
    Kepmendagri No 300.2.2-2138 Tahun 2025.

    Examples
    --------
    >>> area_names(["33.75", "3375021004", "99.99"]).tolist()
    ['Kota Pekalongan', 'Kauman', 'tidak diketahui']
    """
    normal = normalise_area_code(codes)
    lookup = load_areas(areas).set_index("kode")["nama"]
    named = normal.map(lookup)
    return named.where(named.notna(), UNKNOWN).astype("string")
