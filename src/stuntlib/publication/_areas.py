"""Kemendagri area codes of one kabupaten/kota and the matching of data rows to them.

:func:`area_codes` normalises an area list (codes and names) into a lookup frame;
:func:`match_areas` is the one place where the kelurahan/kecamatan names of the data
are joined to that list (the seam where the national registry, ``stuntlib.areas``,
plugs in); :func:`targets_by_code` reads target children per kelurahan.

References
----------
.. [1] Kepmendagri No. 300.2.2-2138 Tahun 2025 tentang Pemberian dan Pemutakhiran Kode,
   Data Wilayah Administrasi Pemerintahan, dan Pulau.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from stuntlib.columns import normalise_header
from stuntlib.errors import StuntlibError

__all__ = ["PEKALONGAN_AREAS", "area_codes", "match_areas", "name_key", "targets_by_code"]

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

_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


#: Words before an area name that are not part of it (``KEL. TIRTO``, ``Desa Adinuso``).
AREA_PREFIX = r"^(KELURAHAN|DESA|KEL\.|KECAMATAN|KEC\.)\s+"


def name_key(values: pd.Series, prefix: str = AREA_PREFIX) -> pd.Series:
    """Join key of a name: upper case, without ``prefix``, letters and digits only.

    Computed once per distinct name (a column of 20,000 rows names a few dozen places).
    """
    text = values.astype("string")
    codes, uniques = pd.factorize(text)
    u = pd.Series(uniques, dtype=text.dtype).str.upper()
    u = u.str.replace(prefix, "", regex=True)
    keys = u.str.replace(r"[^0-9A-Z]", "", regex=True).array
    return pd.Series(keys.take(codes, allow_fill=True), index=values.index, name=values.name)


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
    frame["key"] = name_key(frame["name"])
    return frame.reset_index(drop=True)[
        ["code", "name", "level", "kecamatan_code", "kecamatan", "key"]
    ]


def match_areas(frame: pd.DataFrame, mapping: Mapping[str, Any], lookup: pd.DataFrame) -> Any:
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
    pairs = pd.DataFrame({"kec": name_key(kec_raw), "kel": name_key(kel_raw)})
    pair_codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs.fillna("")))
    upairs = pd.DataFrame(list(uniques), columns=["kec", "kel"])
    kel_keys = kel_rows.assign(kec=name_key(kel_rows["kecamatan"]))
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


def targets_by_code(targets: Any, lookup: pd.DataFrame) -> pd.Series:
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
    by_key = pd.Series(
        values[~is_code].to_numpy(), index=name_key(values.index[~is_code].to_series())
    )
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
