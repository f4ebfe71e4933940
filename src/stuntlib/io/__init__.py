"""Reading measurement files and writing results: CSV, Excel (.xlsx) and Parquet.

:func:`read_measurements` turns a file as people have it (an e-PPGBM export downloaded
by a Dinas Kesehatan, a survey CSV, a Parquet file of a data service) into a frame with
the canonical column names of :doc:`nomenclature`, ready for :func:`stuntlib.score`.
:func:`parse_measurements` does the same for an in-memory buffer. The writers
(:func:`write_table`) put scored rows and tables back into CSV, Parquet or Excel.

This module does no arithmetic on measurements: it renames columns, types values
(numbers, dates, text) and reports what it could not read. Every input row comes back,
in file order, with a ``read_problems`` column that names what was wrong with it (see
:data:`READ_PROBLEMS`). A file never fails because of a bad row; it fails only when it
cannot be read at all or lacks a column its profile requires.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from stuntlib.columns import CANONICAL_ALIASES, normalise_header, resolve_columns
from stuntlib.errors import ColumnError, StuntlibError, StuntlibWarning
from stuntlib.io import _cells
from stuntlib.io._cells import (
    BARE_AGE_HEADERS,
    BARE_AGE_RULE,
    EXCEL_EPOCH,
    EXCEL_MAX_SERIAL,
    EXCEL_MIN_SERIAL,
    MISSING_TOKENS,
    UNIT_RULES,
    UNITS,
)
from stuntlib.io._raw import RawTable, ReadError, raw_csv, raw_parquet, raw_xlsx
from stuntlib.io._write import EXCEL_MAX_ROWS, format_of, write_table
from stuntlib.standardize import MEASURE_CODES, OEDEMA_CODES, SEX_CODES

__all__ = [
    "BARE_AGE_HEADERS",
    "BARE_AGE_RULE",
    "EXCEL_EPOCH",
    "EXCEL_MAX_ROWS",
    "EXCEL_MAX_SERIAL",
    "EXCEL_MIN_SERIAL",
    "MISSING_TOKENS",
    "PROFILES",
    "READ_PROBLEMS",
    "UNITS",
    "UNIT_RULES",
    "FileFormat",
    "MissingColumnsError",
    "ReadError",
    "ReadProfile",
    "detect_profile",
    "parse_measurements",
    "read_measurements",
    "write_table",
]

FileFormat: TypeAlias = Literal["csv", "xlsx", "parquet"]
PathLike: TypeAlias = "str | os.PathLike[str]"


class MissingColumnsError(ColumnError):
    """A file lacks columns its profile requires.

    Attributes
    ----------
    missing : tuple of str
        The unmet requirements, in canonical names (``"lenhei"``,
        ``"age_days|age_months|birth_date+measure_date"``).
    profile : str
        The profile's name.
    found : tuple of str
        The file's own column labels.
    """

    def __init__(self, message: str, missing: Sequence[str], profile: str, found: Sequence[str]):
        super().__init__(message)
        self.missing = tuple(missing)
        self.profile = profile
        self.found = tuple(found)


@dataclass(frozen=True)
class ReadProfile:
    """How one kind of source file names and requires its columns.

    Attributes
    ----------
    name : str
        Profile name used in ``read_measurements(profile=...)``.
    description : str
        One line for error messages and ``--help``.
    headers : mapping
        ``{canonical name: header as the source writes it}``, shown in error messages.
    required : tuple of str
        Requirements: a canonical name, alternatives separated by ``|`` and columns
        needed together joined by ``+`` (``"age_days|age_months|birth_date+measure_date"``).
    aliases : mapping
        Extra ``{canonical name: (alias, ...)}`` recognised for this profile on top of
        :data:`stuntlib.columns.CANONICAL_ALIASES`.
    """

    name: str
    description: str
    headers: Mapping[str, str]
    required: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


_AGE = "age_days|age_months|birth_date+measure_date"

#: Read profiles by name. ``eppgbm``: Indonesia's e-PPGBM export (verbatim headers,
#: misspelled ``Pukesmas`` included); ``who``: WHO ``anthro``-style survey files;
#: ``generic``: any file whose headers are canonical names or known aliases.
PROFILES: Mapping[str, ReadProfile] = MappingProxyType(
    {
        "eppgbm": ReadProfile(
            name="eppgbm",
            description="Indonesia's e-PPGBM export (Excel or CSV, one row per measurement)",
            headers=MappingProxyType(
                {
                    "nik": "NIK",
                    "name": "Nama",
                    "sex": "JK",
                    "birth_date": "Tgl Lahir",
                    "parent_name": "Nama Ortu",
                    "provinsi": "Prov",
                    "kabupaten": "Kab/Kota",
                    "kecamatan": "Kec",
                    "puskesmas": "Pukesmas",
                    "kelurahan": "Desa/Kel",
                    "posyandu": "Posyandu",
                    "measure_date": "Tanggal Pengukuran",
                    "weight": "Berat",
                    "lenhei": "Tinggi",
                    "measure": "Cara Ukur",
                    "armc": "LiLA",
                }
            ),
            required=("sex", "birth_date", "measure_date", "weight", "lenhei"),
            aliases=MappingProxyType(
                {
                    "nik": ("nik anak", "nik balita"),
                    "name": ("nama balita",),
                    "sex": ("l/p",),
                    "birth_date": ("tgl. lahir", "tanggal lahir anak"),
                    "measure_date": ("tgl. pengukuran", "tanggal ukur terakhir"),
                    "weight": ("berat (kg)", "bb (kg)", "berat badan (kg)"),
                    "lenhei": ("tinggi (cm)", "tb (cm)", "tinggi badan", "tinggi badan (cm)"),
                    "measure": ("cara ukur tb", "cara pengukuran"),
                    "armc": ("lila (cm)",),
                    "kecamatan": ("kec.",),
                    "kelurahan": ("kelurahan/desa", "desa/kel."),
                }
            ),
        ),
        "who": ReadProfile(
            name="who",
            description="WHO anthro-style survey file (sex, age_days or age_months, ...)",
            headers=MappingProxyType(
                {
                    "sex": "sex",
                    "age_days": "age_days",
                    "age_months": "age_months",
                    "lenhei": "lenhei",
                    "weight": "weight",
                    "measure": "measure",
                    "oedema": "oedema",
                    "headc": "headc",
                    "armc": "armc",
                    "triskin": "triskin",
                    "subskin": "subskin",
                }
            ),
            required=("sex", _AGE, "lenhei|weight|headc|armc|triskin|subskin"),
        ),
        "generic": ReadProfile(
            name="generic",
            description="any file with canonical column names or known aliases",
            headers=MappingProxyType({"sex": "sex", "age_days": "age_days"}),
            required=("sex", _AGE),
        ),
    }
)

#: Codes of the ``read_problems`` column -> what they mean. A row may carry several,
#: separated by ``"; "``; NA when the row was read cleanly.
READ_PROBLEMS: Mapping[str, str] = MappingProxyType(
    {
        "nik_scientific_notation": "NIK written as a number in scientific notation "
        "(e.g. 3.37501E+15): its digits are lost; kept as written, not a usable NIK",
        "nik_numeric": "NIK stored as a number (Excel keeps 15 significant digits): "
        "the last digit may be wrong",
        "nik_malformed": "NIK is not 16 digits",
        "invalid_number:<column>": "a value in a numeric column is not a number "
        "(decimal commas are accepted); it is left empty",
        "invalid_date:<column>": "a value in a date column is not a date "
        "(dd/mm/yyyy, yyyy-mm-dd, '17 Agustus 2025' and Excel dates are accepted); "
        "it is left empty",
        "unknown_code:<column>": "sex, position or oedema not recognised; kept as written",
        "date_order_assumed:<column>": "a date a/b/yyyy whose order no value of the file "
        "decides (both fields 12 or less) was read in the profile's order (e-PPGBM: day "
        "first)",
        "future_date:<column>": "a date after the export date (default: today); kept, "
        "but it cannot be right",
        "unit_converted:<column>": "a value clearly in another unit (UNIT_RULES: MUAC "
        "60-300 mm, weight 500-60,000 g, length/height above 250 mm) was converted",
    }
)

_NUMERIC = ("age_days", "age_months", "lenhei", "weight", "headc", "armc", "triskin", "subskin")
_DATES = ("birth_date", "measure_date")
_CODES: Mapping[str, Mapping[str, int]] = {
    "sex": SEX_CODES,
    "measure": MEASURE_CODES,
    "oedema": OEDEMA_CODES,
}
_TEXT = (
    "name",
    "parent_name",
    "provinsi",
    "kabupaten",
    "kecamatan",
    "puskesmas",
    "kelurahan",
    "kelurahan_code",
    "posyandu",
)


def _requirement_met(requirement: str, present: set[str]) -> bool:
    return any(
        all(part in present for part in option.split("+")) for option in requirement.split("|")
    )


def _profile_mapping(labels: list[Any], profile: ReadProfile) -> dict[str, Any]:
    """Explicit {canonical: label} for labels that are only profile-specific aliases."""
    known = {normalise_header(a) for aliases in CANONICAL_ALIASES.values() for a in aliases}
    extra = {
        normalise_header(alias): canonical
        for canonical, aliases in profile.aliases.items()
        for alias in aliases
    }
    found: dict[str, Any] = {}
    for label in labels:
        key = normalise_header(label)
        if key in known or key not in extra:
            continue
        found.setdefault(extra[key], label)
    return found


def detect_profile(columns: Sequence[Any]) -> str:
    """Name of the read profile that fits a file's headers best.

    ``"eppgbm"`` when at least four of the e-PPGBM export's verbatim headers are
    present (``JK``, ``Tgl Lahir``, ``Tanggal Pengukuran``, ``Desa/Kel``,
    ``Pukesmas``...), else ``"who"`` when the WHO ``anthro`` names ``sex`` and
    ``age_days`` or ``age_months`` are, else ``"generic"``.

    Parameters
    ----------
    columns : sequence
        Column labels of the file.

    Returns
    -------
    str
        A key of :data:`PROFILES`.

    Examples
    --------
    >>> detect_profile(["NIK", "JK", "Tgl Lahir", "Tanggal Pengukuran", "Tinggi", "Berat"])
    'eppgbm'
    >>> detect_profile(["sex", "age_days", "lenhei"])
    'who'
    """
    keys = {normalise_header(c) for c in columns}
    verbatim = {normalise_header(h) for h in PROFILES["eppgbm"].headers.values()}
    if len(keys & verbatim) >= 4:
        return "eppgbm"
    if "sex" in keys and ({"age_days", "age_months"} & {k.replace(" ", "_") for k in keys}):
        return "who"
    return "generic"


@functools.cache
def _known_headers() -> frozenset[str]:
    """Every label the readers recognise (canonical names, aliases, profile headers)."""
    known = {normalise_header(a) for aliases in CANONICAL_ALIASES.values() for a in aliases}
    known |= {normalise_header(c) for c in CANONICAL_ALIASES}
    for spec in PROFILES.values():
        known |= {normalise_header(h) for h in spec.headers.values()}
        known |= {normalise_header(a) for aliases in spec.aliases.values() for a in aliases}
    return frozenset(known)


def _check_missing(
    spec: ReadProfile, mapping: Mapping[str, Any], labels: list[Any], source: str, raw: RawTable
) -> None:
    """Warn about half of a date pair; raise when a required column is absent."""
    present = set(mapping)
    ages = {"age_days", "age_months"} & present
    for have, lack in (("birth_date", "measure_date"), ("measure_date", "birth_date")):
        if have in present and lack not in present:
            aliases = ", ".join(repr(a) for a in CANONICAL_ALIASES[lack][:6])
            warnings.warn(
                f"{source}: a {have} column was found ({mapping[have]!r}) but no {lack} "
                f"column (headers such as {aliases}); ages cannot be computed from dates"
                + (f" (the age column {sorted(ages)} is used)" if ages else "")
                + f". Pass columns={{{lack!r}: <label>}} if the file has one.",
                StuntlibWarning,
                stacklevel=4,
            )
    missing = [r for r in spec.required if not _requirement_met(r, present)]
    if not missing:
        return
    shown = ", ".join(
        " or ".join(
            " + ".join(f"{spec.headers.get(p, p)!r} ({p})" for p in option.split("+"))
            for option in req.split("|")
        )
        for req in missing
    )
    expected = ", ".join(repr(h) for h in spec.headers.values())
    where = f" (header taken from row {raw.header_row}" + (
        f" of sheet {raw.sheet!r})" if raw.sheet else ")"
    )
    raise MissingColumnsError(
        f"{source}: missing required column(s) for the {spec.name!r} profile: {shown}. "
        f"The {spec.name!r} profile ({spec.description}) expects the headers {expected}; "
        f"the file has {labels}{where}. Rename the columns, pass columns={{canonical: "
        "label}, header_row= (the header's row number) or sheet=, or choose another profile.",
        missing=missing,
        profile=spec.name,
        found=[str(c) for c in labels],
    )


def _date_orders(frame: pd.DataFrame, name: str, source: str) -> dict[str, tuple[str, bool]]:
    """Order of each date column and whether it was assumed (see READ_PROBLEMS).

    A column decides by itself when a first field is above 12 (day first) or a second
    field is (month first). An undecided column follows the file's other date column
    when that one decided (one export, one regional setting), else the profile's order
    (day first: e-PPGBM and Indonesian practice).
    """
    evidence = {c: _cells.date_order_evidence(frame[c]) for c in _DATES if c in frame.columns}
    decided = {e for e in evidence.values() if e in ("dmy", "mdy")}
    file_order = decided.pop() if len(decided) == 1 else None
    orders: dict[str, tuple[str, bool]] = {}
    for col, seen in evidence.items():
        if seen in ("dmy", "mdy"):
            orders[col] = (seen, False)
        elif file_order is not None and seen is None:
            orders[col] = (file_order, False)
        else:
            orders[col] = ("dmy", True)
    for col, (order, _) in orders.items():
        if order == "mdy":
            warnings.warn(
                f"{source}: dates in {col!r} are read month first (m/d/yyyy): "
                + (
                    "a second field above 12 shows it"
                    if evidence[col] == "mdy"
                    else "the file's other date column shows it"
                )
                + f" (the {name!r} profile reads day first otherwise)",
                StuntlibWarning,
                stacklevel=4,
            )
    return orders


def _type_columns(
    frame: pd.DataFrame,
    name: str,
    source: str,
    units: Mapping[str, str],
    export_date: Any,
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Type the canonical columns in place; problem masks and facts for the read report."""
    problems: dict[str, np.ndarray] = {}
    if "nik" in frame.columns:
        frame["nik"], nik_problems = _cells.read_nik(frame["nik"])
        problems.update(nik_problems)
    orders = _date_orders(frame, name, source)
    limit = np.datetime64(pd.Timestamp(export_date).date() if export_date is not None
                          else _dt.date.today(), "s")  # fmt: skip
    for col, (order, assumed) in orders.items():
        frame[col], bad, ambiguous = _cells.read_dates(frame[col], order)
        problems[f"invalid_date:{col}"] = bad
        if assumed:
            problems[f"date_order_assumed:{col}"] = ambiguous
        problems[f"future_date:{col}"] = (frame[col].to_numpy() > limit) & frame[col].notna()
    for col in _NUMERIC:
        if col in frame.columns:
            frame[col], bad = _cells.read_numbers(frame[col])
            problems[f"invalid_number:{col}"] = bad
    converted, used = _cells.apply_units(frame, units)
    problems.update(converted)
    for col, codes in _CODES.items():
        if col in frame.columns:
            if col == "measure":
                frame[col], bad = _cells.read_measure(frame[col])
            else:
                frame[col], bad = _cells.read_codes(frame[col], codes)
            problems[f"unknown_code:{col}"] = bad
    for col in _TEXT:
        if col in frame.columns:
            frame[col] = _cells.as_text(frame[col])
    facts = {
        "date_order": {c: o for c, (o, _) in orders.items()},
        "units": used,
        "export_date": str(limit.astype("datetime64[D]")),
    }
    return problems, facts


def _standardise(
    raw: RawTable,
    profile: str | None,
    columns: Mapping[str, str] | None,
    source: str,
    units: Mapping[str, str] | None = None,
    export_date: Any = None,
) -> pd.DataFrame:
    declared = _cells.check_units(units)
    labels = list(raw.frame.columns)
    name = detect_profile(labels) if profile in (None, "auto") else profile
    if name not in PROFILES:
        raise StuntlibError(f"profile: expected one of {sorted(PROFILES)} or None; got {profile!r}")
    spec = PROFILES[name]
    explicit = {**_profile_mapping(labels, spec), **dict(columns or {})}
    mapping = resolve_columns(labels, explicit)
    age_unit = _bare_age(raw.frame, mapping, declared.get("age"), source)
    _check_missing(spec, mapping, labels, source, raw)
    frame = raw.frame.rename(columns={label: canonical for canonical, label in mapping.items()})
    for col in frame.columns:
        frame[col] = _cells.mask_missing_tokens(frame[col])
    blank = _cells.empty_rows(frame)
    first_data_row = raw.header_row + raw.header_rows
    blank_rows = (np.flatnonzero(blank) + first_data_row).tolist()
    if blank.any():  # reported in attrs["stuntlib_read"]["blank_rows"], not a warning
        frame = frame[~blank]
    frame.index = pd.RangeIndex(len(frame))
    for note in raw.notes:
        warnings.warn(f"{source}: {note}", StuntlibWarning, stacklevel=3)
    problems, facts = _type_columns(frame, name, source, declared, export_date)
    canonical = set(mapping)
    for col in frame.columns:
        if col not in canonical:
            frame[col] = _cells.type_extra(frame[col])
    frame["read_problems"] = _cells.join_problems(frame.index, problems)
    frame.attrs["stuntlib_read"] = {
        "source": source,
        "profile": name,
        "sheet": raw.sheet,
        "header_row": raw.header_row,
        "columns": {canonical: str(label) for canonical, label in mapping.items()},
        "unmapped": [str(c) for c in labels if c not in mapping.values()],
        "blank_rows": len(blank_rows),
        "blank_row_numbers": blank_rows[:100],
        "notes": list(raw.notes),
        **facts,
    }
    if age_unit is not None:
        frame.attrs["stuntlib_read"]["age_unit"] = age_unit
    return frame


def _bare_age(
    frame: pd.DataFrame, mapping: dict[str, Any], declared: str | None, source: str
) -> str | None:
    """Map an ``age``/``umur`` column of no stated unit, by ``units`` or the value rule.

    Only when the file has no other age source. Adds the column to ``mapping`` as
    ``age_months`` or ``age_days`` and warns which was assumed; returns the unit.
    """
    if {"age_days", "age_months"} & set(mapping) or {"birth_date", "measure_date"} <= set(mapping):
        return None
    used = set(mapping.values())
    found = [c for c in frame.columns if c not in used
             and normalise_header(c) in _cells.BARE_AGE_HEADERS]  # fmt: skip
    if len(found) != 1:
        return None
    label = found[0]
    unit = _cells.bare_age_unit(frame[label], declared)
    if unit is None:
        low, high = _cells.BARE_AGE_RULE
        raise StuntlibError(
            f"{source}: the column {label!r} gives ages without a unit and its values (up to "
            f"{high:g} and above {low:g}) fit neither months nor days; declare it with "
            "units={'age': 'months'} or {'age': 'days'} (CLI: --units age=months), or map it "
            "with columns={'age_months': ...} (CLI: --column age_months=" + f"{label})"
        )
    mapping["age_months" if unit == "months" else "age_days"] = label
    if declared is None:
        low, high = _cells.BARE_AGE_RULE
        rule = f"every value <= {low:g}" if unit == "months" else f"values above {high:g}"
        warnings.warn(
            f"{source}: the column {label!r} gives ages without a unit; read as age in {unit} "
            f"({rule}, rule of stuntlib.io.BARE_AGE_RULE). Declare it with units={{'age': ...}} "
            "(CLI: --units age=months or age=days) to read it otherwise",
            StuntlibWarning,
            stacklevel=4,
        )
    return unit


def _raw_of(
    fmt: str,
    source: Any,
    *,
    sheet: str | int | None,
    header_row: int | None,
    sep: str | None,
    encoding: str | None,
) -> RawTable:
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, (int, np.integer))
    ):
        raise StuntlibError(
            f"header_row: expected a row number (1 = first row); got {header_row!r}"
        )
    if sheet is not None and fmt != "xlsx":
        raise StuntlibError(
            f"sheet: a {fmt} file has no sheets; sheet= applies to .xlsx files; got {sheet!r}"
        )
    if fmt == "csv":
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        return raw_csv(data, sep, encoding, header_row, _known_headers())
    if fmt == "xlsx":
        return raw_xlsx(source, sheet, header_row, _known_headers())
    if fmt == "parquet":
        import io as _io

        return raw_parquet(_io.BytesIO(source) if isinstance(source, bytes) else source)
    raise StuntlibError(f"format: expected 'csv', 'xlsx' or 'parquet'; got {fmt!r}")


def parse_measurements(
    buffer: bytes | IO[bytes] | pd.DataFrame,
    format: FileFormat | None = None,
    profile: str | None = None,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    columns: Mapping[str, str] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    units: Mapping[str, str] | None = None,
    export_date: Any = None,
) -> pd.DataFrame:
    r"""Parse measurements held in memory: bytes, a binary file object or a DataFrame.

    The in-memory twin of :func:`read_measurements`: same profiles, same rules, same
    result. A DataFrame goes through the same renaming, typing and checks as a file
    (its cells are taken as they are; ``format``, ``sheet``, ``header_row``, ``sep`` and
    ``encoding`` do not apply).

    Parameters
    ----------
    buffer : bytes, binary file-like or pandas.DataFrame
        The file's content, or a frame of raw cells.
    format : {"csv", "xlsx", "parquet"}, optional
        How the content is encoded; required for bytes and file objects.
    profile, sheet, header_row, columns, sep, encoding, units, export_date
        As in :func:`read_measurements`.

    Returns
    -------
    pandas.DataFrame
        As :func:`read_measurements`.

    Raises
    ------
    ReadError, MissingColumnsError, StuntlibError
        As :func:`read_measurements`; :class:`~stuntlib.errors.StuntlibError` also when
        ``format`` is missing for bytes.

    Warns
    -----
    StuntlibWarning
        As :func:`read_measurements`; e.g. a frame with a birth-date column but no
        visit-date column gets a warning naming ``measure_date``.

    References
    ----------
    Kementerian Kesehatan RI, e-PPGBM (elektronik Pencatatan dan Pelaporan Gizi Berbasis
    Masyarakat) export format.

    Examples
    --------
    >>> data = b"JK;Tgl Lahir;Tanggal Pengukuran;Berat;Tinggi;Cara Ukur\n"
    >>> data += b"P;05/03/2024;17 Agustus 2025;9,8;78,5;Telentang\n"
    >>> df = parse_measurements(data, "csv", profile="eppgbm")
    >>> df[["sex", "birth_date", "weight", "lenhei", "measure"]]
      sex birth_date  weight  lenhei measure
    0   P 2024-03-05     9.8    78.5       l
    """
    if isinstance(buffer, pd.DataFrame):
        raw = RawTable(frame=buffer.copy().astype(object), header_row=1)
        return _standardise(raw, profile, columns, "<DataFrame>", units, export_date)
    if format is None:
        raise StuntlibError(
            "format: expected 'csv', 'xlsx' or 'parquet' for bytes or a file object; got None"
        )
    data = buffer if isinstance(buffer, bytes) else buffer.read()
    raw = _raw_of(format, data, sheet=sheet, header_row=header_row, sep=sep, encoding=encoding)
    return _standardise(raw, profile, columns, f"<{format} buffer>", units, export_date)


def read_measurements(
    path: PathLike,
    profile: str | None = None,
    *,
    format: FileFormat | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    columns: Mapping[str, str] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    units: Mapping[str, str] | None = None,
    export_date: Any = None,
) -> pd.DataFrame:
    r"""Read a measurement file (CSV, Excel .xlsx or Parquet) into canonical columns.

    Every data row comes back, in file order, under a fresh ``RangeIndex``. Blank rows
    (no cell holds a value) are not records: they are dropped and counted in
    ``attrs["stuntlib_read"]["blank_rows"]`` (with their row numbers in
    ``blank_row_numbers``). Columns the profile knows are renamed to their canonical names
    (:doc:`nomenclature`) and typed; every other column is kept under its own label.
    The result goes straight into :func:`stuntlib.score`.

    Reader rules, for every profile:

    * **Layout.** The header row is found by itself among the first 30 rows (the row
      with the most known column names; a report title above it is skipped), or taken
      from ``header_row``. A two-row header whose upper cells are merged
      (``Pengukuran`` over ``Berat``, ``Tinggi``) is read by its lower labels. With no
      ``sheet``, every sheet of a workbook is searched for the export's headers; one
      sheet is read, and other sheets holding them too are named in a warning. Text
      files may be UTF-8, UTF-16 (Excel's "Unicode Text") or cp1252, separated by
      ``,``, ``;``, tab or ``|``. What was found (sheet, header row) is in
      ``attrs["stuntlib_read"]`` and, when it is not the plain case, in a warning.
    * **Missing values.** Empty cells and the tokens of :data:`MISSING_TOKENS`
      (``NA``, ``N/A``, ``#N/A``, ``.``, ``-``, ``NULL``...) are missing in every
      column, never "invalid".
    * **NIK** (``nik``) is always text. A NIK that Excel turned into ``3.37501E+15``
      has lost its digits: it is kept as written and the row gets
      ``nik_scientific_notation``. A NIK stored as a number is written out in full and
      gets ``nik_numeric`` (Excel keeps 15 significant digits, so the 16th may be
      wrong); a NIK that is not 16 digits gets ``nik_malformed``.
    * **Numbers** (``lenhei``, ``weight``, ``armc``...) must be plain numbers
      (decimal comma accepted; no digit separators: ``40_0`` is not 400); anything
      else becomes NaN with ``invalid_number:<column>``.
    * **Units.** Weight is read in kg and lengths in cm unless ``units`` declares
      another unit for a column. Without a declaration, values that are clearly in
      another unit (:data:`UNIT_RULES`: MUAC 60-300 is mm, weight 500-60,000 is g,
      length/height above 250 is mm; values of nines only are never converted) are
      converted, with ``unit_converted:<column>`` and a warning.
    * **Age without a unit.** A column headed ``age``, ``umur`` or ``usia`` (SMART/ENA,
      nipnTK) is used when no other age source exists: in months when every value is
      at most 72, in days when the largest is above 240 (:data:`BARE_AGE_RULE`), with
      a warning; between those it is refused. ``units={"age": "months"}`` (or
      ``"days"``) declares it.
    * **Dates** accept ``a/b/yyyy`` (also ``-``/``.`` and 2-digit years),
      ``yyyy-mm-dd``, ``15-Mar-24``, ``17 Agustus 2025``, Excel date cells and Excel
      serial numbers; anything else becomes NaT with ``invalid_date:<column>``. The
      order of ``a/b/yyyy`` is decided per column: a first field above 12 means day
      first, a second field above 12 month first (read so, with a warning). A column
      no value decides follows the file's other date column if that one decided, else
      the profile (day first), and its ambiguous rows get
      ``date_order_assumed:<column>``. Dates after ``export_date`` (default today) get
      ``future_date:<column>``.
    * **Codes.** Position ``Terlentang``/``Telentang``/``Berbaring`` become ``"l"`` and
      ``Berdiri`` becomes ``"h"``; sex and oedema stay as written (``"1.0"`` is
      ``"1"``). Unrecognised codes stay as written with ``unknown_code:<column>``.
    * Context text (``kecamatan``, ``kelurahan``, ``posyandu``...) is stripped.

    Parameters
    ----------
    path : str or path-like
        The file. The format comes from the suffix (``.csv``/``.txt``/``.tsv``,
        ``.xlsx``/``.xlsm``, ``.parquet``/``.pq``) unless ``format`` is given.
    profile : {"eppgbm", "who", "generic", "auto"} or None, default None
        Which headers are expected and required (see :data:`PROFILES`). None or
        ``"auto"`` chooses with :func:`detect_profile`.
    format : {"csv", "xlsx", "parquet"}, optional
        Override the format guessed from the suffix.
    sheet : str or int, optional
        Excel sheet (name or 0-based position); default: the sheet whose first rows
        hold the most known column names (on a tie, a visible sheet before a hidden
        one, then the first).
    header_row : int, optional
        Row number of the header as a spreadsheet shows it (1 = first row); default
        found by itself.
    columns : mapping, optional
        ``{canonical name: label}`` for headers stuntlib does not recognise.
    sep : str, optional
        CSV separator; default the one that makes the header row.
    encoding : str, optional
        CSV encoding; default UTF-16 when the bytes say so, else UTF-8 (with or without
        BOM), falling back to cp1252.
    units : mapping, optional
        Declared units: ``{"weight": "kg" | "g", "lenhei" | "headc" | "armc": "cm" |
        "mm", "age": "months" | "days"}``. A declared column is converted whole and the
        unit rule is off for it (``age``: a column headed ``age``/``umur``/``usia``).
    export_date : date-like, optional
        Date of the export; dates after it get ``future_date``. Default: today.

    Returns
    -------
    pandas.DataFrame
        One row per data row with canonical columns typed as above (``birth_date``,
        ``measure_date`` as ``datetime64[s]``; measurements as float64 in kg and cm;
        ``nik`` and context columns as text; NA where missing), the other columns under
        their own labels, and ``read_problems`` (text, NA for a clean row; codes in
        :data:`READ_PROBLEMS`, several separated by ``"; "``).
        ``frame.attrs["stuntlib_read"]`` records the source, profile, sheet, header row,
        column mapping, unmapped labels, blank rows, date order and units of each column.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ReadError
        If the file cannot be read at all (corrupt workbook, unknown suffix, missing
        sheet).
    MissingColumnsError
        If a column the profile requires is absent; the message names the missing
        columns, the profile's expected headers and the row the header was taken from.
    ColumnError
        If two headers are aliases of the same canonical name, or ``columns`` is wrong.
    StuntlibError
        If ``units``, ``header_row`` or ``profile`` is not valid.

    Warns
    -----
    StuntlibWarning
        For a header not on row 1 or on another sheet, month-first dates, unit
        conversions, and half of a date pair (birth date without visit date).

    References
    ----------
    Kementerian Kesehatan RI, e-PPGBM export format (column headers, dd/mm/yyyy dates,
    NIK as text). Kepmendagri No 300.2.2-2138 Tahun 2025 (area names in the export).
    WHO Anthro Survey Analyser, data preparation (units: weight kg, length cm, MUAC cm).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = tmp.write_text(
    ...     "NIK,JK,Tgl Lahir,Tanggal Pengukuran,Berat,Tinggi,Cara Ukur,Desa/Kel\n"
    ...     "3375014901234759,P,09/01/2023,11/08/2025,\"10,9\",83.7,Berdiri,TIRTO\n"
    ...     "3.37501E+15,L,26/01/2023,11/08/2025,13.2,90.4,Telentang,TIRTO\n")
    >>> df = read_measurements(tmp, profile="eppgbm")
    >>> df[["nik", "sex", "weight", "measure", "kelurahan", "read_problems"]]
                    nik sex  weight measure kelurahan            read_problems
    0  3375014901234759   P    10.9       h     TIRTO                     <NA>
    1       3.37501E+15   L    13.2       l     TIRTO  nik_scientific_notation
    >>> import stuntlib
    >>> stuntlib.score(df)["zlen"].round(2).tolist()
    [-2.17, -0.76]
    """
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(f"{file}: no such file")
    if file.is_dir():
        raise ReadError(f"{file}: is a folder; expected a .csv, .xlsx or .parquet file")
    fmt = format or format_of(file)
    raw = _raw_of(fmt, file, sheet=sheet, header_row=header_row, sep=sep, encoding=encoding)
    return _standardise(raw, profile, columns, str(file), units, export_date)
