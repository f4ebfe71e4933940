"""Canonical column names and the aliases stuntlib recognises for them.

Input frames come from WHO-style survey files (``sex``, ``age_days``, ``lenhei``),
from general tools (``height_cm``, ``weight_kg``, ``dob``) and from Indonesia's
e-PPGBM export (``JK``, ``Tgl Lahir``, ``Tinggi``, ``Cara Ukur``). This module maps
any of these to the canonical names of :doc:`nomenclature` in one place, so that the
scoring, quality and reporting code only ever speaks canonical names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from stuntlib.errors import ColumnError

__all__ = [
    "CANONICAL_ALIASES",
    "HEADERS_ID",
    "identifying_columns",
    "normalise_header",
    "output_headers",
    "resolve_columns",
]

#: Canonical name -> recognised aliases (compared after :func:`normalise_header`).
#: The first group are the WHO ``anthro`` argument names; the rest are context columns
#: that quality checks, prevalence groupings and reports use when present.
CANONICAL_ALIASES: Mapping[str, tuple[str, ...]] = {
    "sex": ("sex", "gender", "jk", "jenis kelamin", "jenis_kelamin", "kelamin"),
    "age_days": ("age_days", "agedays", "age in days", "umur hari", "usia hari"),
    "age_months": (
        "age_months",
        "agemons",
        "age_mo",
        "age in months",
        "umur bulan",
        "usia bulan",
        "umur (bulan)",
        "usia (bulan)",
    ),
    "birth_date": ("birth_date", "dob", "date_of_birth", "tgl lahir", "tanggal lahir", "birthdate"),
    "measure_date": (
        "measure_date",
        "dov",
        "date_of_visit",
        "measurement_date",
        "tanggal pengukuran",
        "tgl pengukuran",
        "tanggal ukur",
        "tgl ukur",
    ),
    "lenhei": ("lenhei", "height_cm", "length_cm", "height", "length", "tinggi", "tb", "pb/tb"),
    "weight": ("weight", "weight_kg", "berat", "bb", "berat badan"),
    "measure": ("measure", "position", "cara ukur", "cara_ukur", "posisi"),
    "oedema": ("oedema", "edema", "udema"),
    "headc": ("headc", "head_cm", "head circumference", "lingkar kepala", "lika"),
    "armc": ("armc", "muac", "muac_cm", "lila", "lingkar lengan atas"),
    "triskin": ("triskin", "triceps", "triceps_mm"),
    "subskin": ("subskin", "subscapular", "subscapular_mm"),
    "nik": ("nik", "child_id", "id_anak"),
    "name": ("name", "nama", "nama anak"),
    "parent_name": ("parent_name", "nama ortu", "nama orang tua"),
    "provinsi": ("provinsi", "prov", "province"),
    "kabupaten": ("kabupaten", "kab/kota", "kabupaten/kota", "kota", "district"),
    "kecamatan": ("kecamatan", "kec", "subdistrict"),
    "puskesmas": ("puskesmas", "pukesmas", "health_centre"),
    "kelurahan": ("kelurahan", "desa/kel", "desa", "kel", "desa/kelurahan", "village"),
    "kelurahan_code": (
        "kelurahan_code",
        "kode desa",
        "kode_desa",
        "kode kelurahan",
        "kode desa/kel",
        "kode desa/kelurahan",
        "kode_wilayah",
        "kode wilayah",
    ),
    "posyandu": ("posyandu",),
}


def normalise_header(name: object) -> str:
    """Return a header in the form aliases are compared in.

    Lower case, surrounding white space removed, runs of white space and underscores
    folded to a single space.

    Parameters
    ----------
    name : object
        A column label.

    Returns
    -------
    str
        The normalised label.

    Examples
    --------
    >>> normalise_header("  Tgl  Lahir ")
    'tgl lahir'
    >>> normalise_header("Weight_KG")
    'weight kg'
    """
    return re.sub(r"[\s_]+", " ", str(name).strip().lower())


_ALIAS_INDEX: dict[str, str] = {
    normalise_header(alias): canonical
    for canonical, aliases in CANONICAL_ALIASES.items()
    for alias in aliases
}


def resolve_columns(
    available: Iterable[object], columns: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Map canonical names to the labels a frame actually uses.

    An explicit ``columns`` mapping (canonical name -> frame label) wins; every other
    canonical name is looked up among the frame's labels by its aliases. A canonical
    label already present always maps to itself.

    Parameters
    ----------
    available : iterable
        The frame's column labels.
    columns : mapping, optional
        Explicit ``{canonical: label}`` choices.

    Returns
    -------
    dict
        ``{canonical: label}`` for every canonical name found.

    Raises
    ------
    ColumnError
        If ``columns`` names an unknown canonical field or a label that is not in the
        frame, or if two labels of the frame are aliases of the same canonical name.

    Examples
    --------
    >>> resolve_columns(["JK", "Tgl Lahir", "Tanggal Pengukuran", "Tinggi", "Cara Ukur"])
    ... # doctest: +NORMALIZE_WHITESPACE
    {'sex': 'JK', 'birth_date': 'Tgl Lahir', 'measure_date': 'Tanggal Pengukuran',
     'lenhei': 'Tinggi', 'measure': 'Cara Ukur'}
    """
    labels = list(available)
    mapping: dict[str, Any] = {}
    explicit = dict(columns or {})
    for canonical, label in explicit.items():
        if canonical not in CANONICAL_ALIASES:
            raise ColumnError(
                f"columns: unknown field {canonical!r}; expected one of {sorted(CANONICAL_ALIASES)}"
            )
        if label not in labels:
            raise ColumnError(
                f"columns: {canonical!r} is mapped to {label!r}, which is not a column; "
                f"the columns are {labels}"
            )
        mapping[canonical] = label
    taken = set(mapping.values())
    for candidate in labels:
        if candidate in taken:
            continue
        found = _ALIAS_INDEX.get(normalise_header(candidate))
        if found is None or found in explicit:
            continue
        current = mapping.get(found)
        if current is None or normalise_header(candidate) == found:
            mapping[found] = candidate  # the canonical name itself wins over an alias
        elif normalise_header(current) != found:
            raise ColumnError(
                f"columns: both {current!r} and {candidate!r} look like {found!r}; "
                f"say which one to use, e.g. columns={{{found!r}: {candidate!r}}}"
            )
    return mapping


#: Words that make a column label identifying (a child's or a parent's identity, home or
#: contact): NIK, names, the family card (KK) number, address, RT/RW, telephone.
_IDENTIFYING_WORDS = frozenset(
    {"nik", "nama", "name", "alamat", "address", "nkk", "kk", "rt", "rw", "telepon", "telpon",
     "telp", "tlp", "phone", "hp", "handphone", "ponsel", "wa", "whatsapp", "email", "surel"}
)  # fmt: skip
_IDENTIFYING_FIELDS = frozenset({"nik", "name", "parent_name"})
#: ... unless the label names a place or a facility (``Nama Posyandu``, ``Nama Desa``).
_PLACE_WORDS = frozenset(
    {"posyandu", "puskesmas", "pukesmas", "desa", "kelurahan", "kel", "kecamatan", "kec",
     "kabupaten", "kota", "provinsi", "prov", "wilayah", "area", "village", "district"}
)  # fmt: skip


def identifying_columns(labels: Iterable[object]) -> list[Any]:
    """The labels that could identify a child: never to appear in a published table.

    A label is identifying when it is an alias of ``nik``, ``name`` or ``parent_name``
    in :data:`CANONICAL_ALIASES`, or when one of its words is a word of identity, home or
    contact: ``nik``, ``nama``/``name``, ``nkk``/``kk`` (family card number),
    ``alamat``/``address``, ``rt``, ``rw``, ``telepon``/``telp``/``tlp``/``phone``,
    ``hp``/``handphone``/``ponsel``, ``wa``/``whatsapp``, ``email``/``surel`` (``NIK Anak``,
    ``Nama Balita``, ``Nama Orang Tua``, ``No KK``, ``RT/RW``, ``no_hp`` ...), and it names
    no place or facility (``Nama Posyandu``, ``Alamat Posyandu`` are not identifying).

    References
    ----------
    UU No 27 Tahun 2022 tentang Pelindungan Data Pribadi (NIK, KK number, address and
    telephone are personal data); e-PPGBM export format (``NIK``, ``Nama``,
    ``Nama Ortu``, ``RT``, ``RW``, ``Alamat``).

    Parameters
    ----------
    labels : iterable
        Column labels.

    Returns
    -------
    list
        The identifying labels, in their order.

    Examples
    --------
    >>> identifying_columns(["NIK Anak", "Nama Balita", "id_anak", "Nama Posyandu", "n"])
    ['NIK Anak', 'Nama Balita', 'id_anak']
    >>> identifying_columns(["No KK", "RT", "RW", "no_hp", "Telepon", "Alamat", "Berat"])
    ['No KK', 'RT', 'RW', 'no_hp', 'Telepon', 'Alamat']
    """
    found = []
    for label in labels:
        key = normalise_header(label)
        words = set(re.split(r"[^a-z0-9]+", key))
        named = bool(words & _IDENTIFYING_WORDS) and not words & _PLACE_WORDS
        if _ALIAS_INDEX.get(key) in _IDENTIFYING_FIELDS or named:
            found.append(label)
    return found


#: Indonesian headers of the canonical columns and of those :func:`stuntlib.score` adds
#: (the z-score columns are named from :data:`stuntlib.indicators.ZSCORES`). Names differ
#: from the e-PPGBM export's own (``ZS TB/U``, ``TB/U``), which a scored file keeps.
HEADERS_ID: Mapping[str, str] = {
    "nik": "NIK", "name": "Nama", "parent_name": "Nama orang tua", "sex": "Jenis kelamin",
    "birth_date": "Tanggal lahir", "measure_date": "Tanggal pengukuran",
    "weight": "Berat badan (kg)", "lenhei": "Panjang/tinggi badan (cm)",
    "measure": "Cara ukur", "armc": "LiLA (cm)", "oedema": "Edema",
    "provinsi": "Provinsi", "kabupaten": "Kabupaten/kota", "kecamatan": "Kecamatan",
    "puskesmas": "Puskesmas", "kelurahan": "Desa/kelurahan", "posyandu": "Posyandu",
    "read_problems": "Masalah saat dibaca", "age_days": "Umur (hari)",
    "age_months": "Umur (bulan)", "csex": "Jenis kelamin (1 = L, 2 = P)",
    "coedema": "Edema (y = ya, n = tidak)", "clenhei": "Panjang/tinggi terkoreksi (cm)",
    "cmeasure": "Cara ukur (l = terlentang, h = berdiri)",
    "c9mo_flag": "Umur di bawah 9 bulan", "cbmi": "IMT (kg/m²)", "reference": "Standar WHO",
    "stunting": "Status TB/U", "underweight": "Status BB/U", "wasting": "Status BB/TB",
    "bmi_status": "Status IMT/U", "age_group": "Kelompok umur",
}  # fmt: skip


def output_headers(labels: Iterable[Any], language: str = "id") -> dict[Any, str]:
    """Headers of output columns in ``language``: a mapping for ``DataFrame.rename``.

    Parameters
    ----------
    labels : iterable
        Column labels of a scored frame.
    language : {"id", "en"}, default "id"
        ``"en"`` keeps every label; ``"id"`` gives :data:`HEADERS_ID`, and for each
        z-score of :data:`stuntlib.indicators.ZSCORES` ``Z-skor <label>``, its flag
        ``Di luar batas WHO <label>`` and its reason ``Alasan tanpa z-skor <label>``.
        Labels not known keep their name.

    Returns
    -------
    dict
        Label -> header, for the labels that change.

    Raises
    ------
    StuntlibError
        For a ``language`` other than ``"id"`` or ``"en"``.

    References
    ----------
    Kemenkes (2020). Permenkes No. 2 Tahun 2020 tentang Standar Antropometri Anak (the
    index names TB/U, BB/U, BB/TB, IMT/U).

    Examples
    --------
    >>> output_headers(["zlen", "fwei", "stunting", "No"])
    {'zlen': 'Z-skor TB/U (PB/U)', 'fwei': 'Di luar batas WHO BB/U', 'stunting': 'Status TB/U'}
    """
    from stuntlib._validation import check_language
    from stuntlib.indicators import FLAG_OF, ZSCORES

    check_language(language)
    if language == "en":
        return {}
    known = dict(HEADERS_ID)
    for z, spec in ZSCORES.items():
        known[z] = f"Z-skor {spec.label_id}"
        known[FLAG_OF[z]] = f"Di luar batas WHO {spec.label_id}"
        known[f"{z}_reason"] = f"Alasan tanpa z-skor {spec.label_id}"
    return {label: known[label] for label in labels if label in known}
