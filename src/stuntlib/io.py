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

import csv
import io as _io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from stuntlib.columns import CANONICAL_ALIASES, normalise_header, resolve_columns
from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.standardize import MEASURE_CODES, OEDEMA_CODES, SEX_CODES, parse_dates, to_float

__all__ = [
    "PROFILES",
    "READ_PROBLEMS",
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


class ReadError(StuntlibError):
    """A file cannot be read at all (not found is :class:`FileNotFoundError`)."""


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
        "empty_row": "every cell of the row is empty",
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
_SCIENTIFIC = r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$"
#: Excel's day zero (serial dates count from 1899-12-30 in the 1900 date system).
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
#: Smallest number read as an Excel serial date: 10,000 days after 1899-12-30
#: (1927-05-18), so that a year typed alone (2024) is not taken for 1905-07-16.
EXCEL_MIN_SERIAL = 10_000
#: Largest Excel serial date (9999-12-31).
EXCEL_MAX_SERIAL = 2958465
#: Rows Excel can hold in one sheet, header included.
EXCEL_MAX_ROWS = 1_048_576


# --------------------------------------------------------------------------------------
# raw readers: file/buffer -> frame of raw cells (no renaming, no typing)
# --------------------------------------------------------------------------------------


def _format_of(path: PathLike) -> FileFormat:
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".xls":
        raise ReadError(
            f"{path}: old .xls workbooks are not supported; open it in Excel or LibreOffice "
            "and save it as .xlsx (or CSV)"
        )
    raise ReadError(
        f"{path}: unknown file type {suffix!r}; expected .csv, .xlsx or .parquet "
        "(or pass format=...)"
    )


def _decode(data: bytes, encoding: str | None) -> str:
    if encoding is not None:
        return data.decode(encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff_separator(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _raw_csv(data: bytes, sep: str | None, encoding: str | None) -> pd.DataFrame:
    text = _decode(data, encoding)
    separator = sep or _sniff_separator(text)
    try:
        return pd.read_csv(
            _io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ReadError(f"cannot read the CSV: {exc}") from exc


def _raw_xlsx(source: Any, sheet: str | int | None) -> pd.DataFrame:
    import openpyxl  # a core dependency; imported here to keep `import stuntlib` cheap

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise ReadError(f"cannot open the workbook ({type(exc).__name__}: {exc})") from exc
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif isinstance(sheet, int):
            ws = book.worksheets[sheet]
        else:
            ws = book[sheet]
    except (KeyError, IndexError) as exc:
        names = book.sheetnames
        book.close()
        raise ReadError(f"sheet {sheet!r} not found; the workbook has {names}") from exc
    try:
        rows = list(ws.iter_rows(values_only=True))
    finally:
        book.close()
    if not rows:
        raise ReadError("the sheet is empty: no header row")
    header = list(rows[0])
    while header and header[-1] is None:
        header.pop()
    width = len(header)
    pad = (None,) * width
    body = [(r + pad)[:width] for r in rows[1:]]
    # Excel keeps formatted but empty rows at the end of a sheet: they are not data.
    last = len(body)
    while last and all(v is None for v in body[last - 1]):
        last -= 1
    labels = [f"Unnamed: {i}" if h is None else str(h) for i, h in enumerate(header)]
    frame = pd.DataFrame.from_records(body[:last], columns=range(width), coerce_float=False)
    frame.columns = labels
    return frame.astype(object)


def _raw_parquet(source: Any) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(source)
    except Exception as exc:  # pyarrow.ArrowInvalid and friends
        raise ReadError(f"cannot read the Parquet file ({type(exc).__name__}: {exc})") from exc
    return table.to_pandas()


# --------------------------------------------------------------------------------------
# typing: raw cells -> canonical values + problem masks (vectorised)
# --------------------------------------------------------------------------------------


def _is_text(series: pd.Series) -> np.ndarray:
    """Boolean mask of cells holding text (str), vectorised through the .str accessor."""
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(
        series.dtype
    ):
        return series.notna().to_numpy()
    if not pd.api.types.is_object_dtype(series.dtype):
        return np.zeros(len(series), dtype=bool)
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("string", "empty"):
        return series.notna().to_numpy()
    if kind in ("mixed", "mixed-integer"):
        return series.str.len().notna().to_numpy()
    return np.zeros(len(series), dtype=bool)


def _by_unique(series: pd.Series, fn: Any, fill: Any) -> np.ndarray:
    """``fn`` applied to the distinct values of ``series`` only, then spread back.

    Text columns of an export repeat a few values (positions, dates, kelurahan) over
    millions of rows: one :func:`pandas.factorize` pass and work per distinct value.
    Missing values get ``fill``.
    """
    codes, uniques = pd.factorize(series)
    values = np.asarray(fn(pd.Series(uniques)), dtype=object)
    return np.append(values, np.array([fill], dtype=object))[codes]


def _as_text(series: pd.Series) -> pd.Series:
    """Cells as stripped text (numbers written without a trailing .0); blank -> NA."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    text_mask = _is_text(series)
    out = pd.Series(pd.NA, index=series.index, dtype="string")
    if text_mask.any():
        out[text_mask] = _by_unique(
            series[text_mask], lambda u: u.astype("string").str.strip().to_numpy(object), None
        )
    numeric_mask = series.notna().to_numpy() & ~text_mask
    if numeric_mask.any():
        values = series[numeric_mask]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            out[numeric_mask] = values.dt.strftime("%Y-%m-%d").astype("string")
        else:
            number = pd.to_numeric(values.astype(object), errors="coerce")
            whole = number.notna() & (number == np.floor(number))
            text = values.astype("string")
            text[whole.to_numpy()] = number[whole].astype("int64").astype("string")
            out[numeric_mask] = text
    return out.mask(out == "")


def _read_nik(series: pd.Series) -> tuple[pd.Series, dict[str, np.ndarray]]:
    text_mask = _is_text(series)
    numeric_cell = series.notna().to_numpy() & ~text_mask
    nik = _as_text(series)
    nik = nik.str.replace(r"^'+", "", regex=True).str.replace(r"\s+", "", regex=True)
    nik = nik.mask(nik == "")
    scientific = nik.str.match(_SCIENTIFIC).fillna(False).to_numpy(dtype=bool)
    # A number that Excel formatted 1.65E+15 but stored in full reaches us as a number.
    numeric = numeric_cell & ~scientific
    sixteen = nik.str.fullmatch(r"\d{16}").fillna(True).to_numpy(dtype=bool)
    malformed = ~sixteen & ~scientific
    return nik, {
        "nik_scientific_notation": scientific,
        "nik_numeric": numeric,
        "nik_malformed": malformed,
    }


def _read_numbers(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    values, bad = to_float(series)
    return pd.Series(values, index=series.index, dtype=np.float64), bad


def _read_dates(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.astype("datetime64[s]"), np.zeros(len(series), dtype=bool)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    raw = series.to_numpy(dtype=object) if not pd.api.types.is_numeric_dtype(series) else series
    dates, bad = parse_dates(raw)
    # Excel serial dates (a number in a date column: the cell had no date format).
    serial, not_number = to_float(series.astype(object).where(~_text_date_mask(series)))
    # A bare year (2024) is not a serial: serials start at EXCEL_MIN_SERIAL (1927-05-18).
    is_serial = (
        ~not_number
        & np.isfinite(serial)
        & (serial >= EXCEL_MIN_SERIAL)
        & (serial <= EXCEL_MAX_SERIAL)
    )
    if is_serial.any():
        days = np.floor(np.where(is_serial, serial, 0)).astype("int64")
        dates = np.where(is_serial, EXCEL_EPOCH + days.astype("timedelta64[D]"), dates)
        bad = bad & ~is_serial
    return pd.Series(dates.astype("datetime64[s]"), index=series.index), bad


def _text_date_mask(series: pd.Series) -> np.ndarray:
    """Cells that contain date separators or letters, i.e. are not bare numbers."""
    text = _is_text(series)
    if not text.any():
        return text

    def looks_like_text(u: pd.Series) -> np.ndarray:
        u = u.astype(str)
        has = u.str.contains(r"[/\-.a-zA-Z ]", regex=True).to_numpy(dtype=bool)
        bare = u.str.fullmatch(r"\s*\d+(?:[.,]\d+)?\s*").to_numpy(dtype=bool)
        return has & ~bare

    out = np.zeros(len(series), dtype=bool)
    out[text] = _by_unique(series[text], looks_like_text, False).astype(bool)
    return out


def _code_key(u: pd.Series) -> pd.Series:
    return u.astype("string").str.lower().str.replace(r"\s+", " ", regex=True)


def _read_codes(series: pd.Series, codes: Mapping[str, int]) -> tuple[pd.Series, np.ndarray]:
    text = _as_text(series)
    names = list(codes)
    known = _by_unique(text, lambda u: _code_key(u).isin(names).to_numpy(), True).astype(bool)
    return text, ~known


def _read_measure(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    text, unknown = _read_codes(series, MEASURE_CODES)

    def who_code(u: pd.Series) -> np.ndarray:
        code = _code_key(u).map(dict(MEASURE_CODES)).to_numpy(dtype=float, na_value=np.nan)
        return np.where(code == 1, "l", np.where(code == 2, "h", u.to_numpy(dtype=object)))

    out = pd.Series(_by_unique(text, who_code, None), index=text.index, dtype="string")
    return out, unknown


def _maybe_numeric(series: pd.Series) -> pd.Series:
    """Extra CSV columns: numbers when every value is a plain number, else text."""
    text = pd.Series(series.dropna().unique(), dtype="string")
    if text.empty:
        return series
    stripped = text.str.strip()
    plain = stripped.str.fullmatch(r"[+-]?(?:0|[1-9]\d{0,14})(?:\.\d+)?")
    if not bool(plain.all()):
        return series
    return pd.to_numeric(series.str.strip(), errors="coerce")


def _empty_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is missing or blank text."""
    empty = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        series = frame[col]
        blank = series.isna().to_numpy().copy()
        text = _is_text(series)
        if text.any():
            stripped = series[text].astype("string").str.strip()
            blank[text] = (stripped == "").fillna(True).to_numpy(dtype=bool)
        empty &= blank
    return empty


def _type_extra(series: pd.Series) -> pd.Series:
    """Type a column no profile knows: numbers stay numbers, text stays text."""
    if not (
        pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)
    ):
        return series
    text = _is_text(series)
    given = series.notna().to_numpy()
    if (text == given).all():  # only text (CSV cells, Excel text cells) or empty
        return _maybe_numeric(series.astype("string"))
    if not text.any():  # only Excel numbers, dates or booleans
        inferred = series.infer_objects()
        if not pd.api.types.is_object_dtype(inferred.dtype):
            return inferred
    return _as_text(series)


def _join_problems(index: pd.Index, masks: Mapping[str, np.ndarray]) -> pd.Series:
    n = len(index)
    out = np.full(n, "", dtype=object)
    for code, mask in masks.items():
        if not mask.any():
            continue
        sep = np.where(out == "", "", "; ")
        out = np.where(mask, out + sep + code, out)
    series = pd.Series(out, index=index, dtype="string")
    return series.mask(series == "")


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


def _standardise(
    raw: pd.DataFrame,
    profile: str | None,
    columns: Mapping[str, str] | None,
    source: str,
) -> pd.DataFrame:
    labels = list(raw.columns)
    name = detect_profile(labels) if profile in (None, "auto") else profile
    if name not in PROFILES:
        raise StuntlibError(f"profile: expected one of {sorted(PROFILES)} or None; got {profile!r}")
    spec = PROFILES[name]
    explicit = {**_profile_mapping(labels, spec), **dict(columns or {})}
    mapping = resolve_columns(labels, explicit)
    present = set(mapping)
    missing = [r for r in spec.required if not _requirement_met(r, present)]
    if missing:
        shown = ", ".join(
            " or ".join(
                " + ".join(f"{spec.headers.get(p, p)!r} ({p})" for p in option.split("+"))
                for option in req.split("|")
            )
            for req in missing
        )
        expected = ", ".join(repr(h) for h in spec.headers.values())
        raise MissingColumnsError(
            f"{source}: missing required column(s) for the {name!r} profile: {shown}. "
            f"The {name!r} profile ({spec.description}) expects the headers {expected}; "
            f"the file has {labels}. Rename the columns, pass columns={{canonical: label}}, "
            "or choose another profile.",
            missing=missing,
            profile=name,
            found=[str(c) for c in labels],
        )
    frame = raw.rename(columns={label: canonical for canonical, label in mapping.items()})
    frame.index = pd.RangeIndex(len(frame))
    problems: dict[str, np.ndarray] = {}
    empty = _empty_rows(frame)
    if "nik" in frame.columns:
        frame["nik"], nik_problems = _read_nik(frame["nik"])
        problems.update(nik_problems)
    for col in _DATES:
        if col in frame.columns:
            frame[col], bad = _read_dates(frame[col])
            problems[f"invalid_date:{col}"] = bad
    for col in _NUMERIC:
        if col in frame.columns:
            frame[col], bad = _read_numbers(frame[col])
            problems[f"invalid_number:{col}"] = bad
    for col, codes in _CODES.items():
        if col in frame.columns:
            if col == "measure":
                frame[col], bad = _read_measure(frame[col])
            else:
                frame[col], bad = _read_codes(frame[col], codes)
            problems[f"unknown_code:{col}"] = bad
    for col in _TEXT:
        if col in frame.columns:
            frame[col] = _as_text(frame[col])
    problems["empty_row"] = empty
    canonical = set(mapping)
    for col in frame.columns:
        if col in canonical or col == "read_problems":
            continue
        frame[col] = _type_extra(frame[col])
    frame["read_problems"] = _join_problems(frame.index, problems)
    frame.attrs["stuntlib_read"] = {
        "source": source,
        "profile": name,
        "columns": {canonical: str(label) for canonical, label in mapping.items()},
        "unmapped": [str(c) for c in labels if c not in mapping.values()],
    }
    return frame


def parse_measurements(
    buffer: bytes | IO[bytes],
    format: FileFormat,
    profile: str | None = None,
    *,
    sheet: str | int | None = None,
    columns: Mapping[str, str] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    r"""Parse measurements held in memory (bytes or a binary file object).

    The in-memory twin of :func:`read_measurements`: same profiles, same result.

    Parameters
    ----------
    buffer : bytes or binary file-like
        The file's content.
    format : {"csv", "xlsx", "parquet"}
        How the content is encoded.
    profile, sheet, columns, sep, encoding
        As in :func:`read_measurements`.

    Returns
    -------
    pandas.DataFrame
        As :func:`read_measurements`.

    Raises
    ------
    ReadError, MissingColumnsError, StuntlibError
        As :func:`read_measurements`.

    Examples
    --------
    >>> data = b"JK;Tgl Lahir;Tanggal Pengukuran;Berat;Tinggi;Cara Ukur\n"
    >>> data += b"P;05/03/2024;17 Agustus 2025;9,8;78,5;Telentang\n"
    >>> df = parse_measurements(data, "csv", profile="eppgbm")
    >>> df[["sex", "birth_date", "weight", "lenhei", "measure"]]
      sex birth_date  weight  lenhei measure
    0   P 2024-03-05     9.8    78.5       l
    """
    data = buffer if isinstance(buffer, bytes) else buffer.read()
    if format == "csv":
        raw = _raw_csv(data, sep, encoding)
    elif format == "xlsx":
        raw = _raw_xlsx(_io.BytesIO(data), sheet)
    elif format == "parquet":
        raw = _raw_parquet(_io.BytesIO(data))
    else:
        raise StuntlibError(f"format: expected 'csv', 'xlsx' or 'parquet'; got {format!r}")
    return _standardise(raw, profile, columns, source=f"<{format} buffer>")


def read_measurements(
    path: PathLike,
    profile: str | None = None,
    *,
    format: FileFormat | None = None,
    sheet: str | int | None = None,
    columns: Mapping[str, str] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    r"""Read a measurement file (CSV, Excel .xlsx or Parquet) into canonical columns.

    Every input row comes back, in file order, under a fresh ``RangeIndex`` (row ``i``
    is line ``i + 2`` of a file with one header line). Columns the profile knows are
    renamed to their canonical names (:doc:`nomenclature`) and typed; every other
    column is kept under its own label. The result goes straight into
    :func:`stuntlib.score`.

    Reader rules, for every profile:

    * **NIK** (``nik``) is always text. A NIK that Excel turned into ``3.37501E+15``
      has lost its digits: it is kept as written (so quality checks see it) and the row
      gets ``nik_scientific_notation``. A NIK stored as a number is written out in full and
      gets ``nik_numeric`` (Excel keeps 15 significant digits, so the 16th may be
      wrong); a NIK that is not 16 digits gets ``nik_malformed``.
    * **Numbers** (``lenhei``, ``weight``, ``armc``...) accept decimal commas
      (``"12,5"``); anything else becomes NaN with ``invalid_number:<column>``.
    * **Dates** accept ``dd/mm/yyyy`` (never month first), ``yyyy-mm-dd``, Indonesian
      or English month names (``"17 Agustus 2025"``), Excel date cells and Excel serial
      numbers; anything else becomes NaT with ``invalid_date:<column>``.
    * **Position** ``Terlentang``/``Telentang``/``Berbaring`` become ``"l"`` and
      ``Berdiri`` becomes ``"h"``; **sex** and **oedema** stay as written (the scorer
      reads ``L``/``P``, ``laki-laki``...). Unrecognised codes stay as written (so the
      scorer reports them) with ``unknown_code:<column>``.
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
        Excel sheet (name or 0-based position); default the first sheet.
    columns : mapping, optional
        ``{canonical name: label}`` for headers stuntlib does not recognise.
    sep : str, optional
        CSV separator; default guessed from the header line (``,``, ``;``, tab, ``|``).
    encoding : str, optional
        CSV encoding; default UTF-8 (with or without BOM), falling back to cp1252.

    Returns
    -------
    pandas.DataFrame
        One row per input row with canonical columns typed as above (``birth_date``,
        ``measure_date`` as ``datetime64``; measurements as float64; ``nik`` and context
        columns as text; NA where missing), the other columns under their own labels,
        and ``read_problems`` (text, NA for a clean row; codes in :data:`READ_PROBLEMS`,
        several separated by ``"; "``). ``frame.attrs["stuntlib_read"]`` records the
        source, the profile used, the column mapping and the unmapped labels.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ReadError
        If the file cannot be read at all (corrupt workbook, unknown suffix, missing
        sheet).
    MissingColumnsError
        If a column the profile requires is absent; the message names the missing
        columns and the profile's expected headers.
    ColumnError
        If two headers are aliases of the same canonical name, or ``columns`` is wrong.

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
    fmt = format or _format_of(file)
    if fmt == "csv":
        raw = _raw_csv(file.read_bytes(), sep, encoding)
    elif fmt == "xlsx":
        raw = _raw_xlsx(file, sheet)
    elif fmt == "parquet":
        raw = _raw_parquet(file)
    else:
        raise StuntlibError(f"format: expected 'csv', 'xlsx' or 'parquet'; got {format!r}")
    return _standardise(raw, profile, columns, source=str(file))


# --------------------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------------------


def _for_export(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns that mix Python types (e.g. raw Excel cells) become text for Arrow."""
    out = frame.copy(deep=False)
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col].dtype):
            out[col] = _as_text(out[col])
    out.columns = [str(c) for c in out.columns]
    return out


def write_table(
    frame: pd.DataFrame,
    path: PathLike,
    *,
    format: FileFormat | None = None,
    sheet_name: str = "data",
    index: bool = False,
    sep: str = ",",
    decimal: str = ".",
) -> Path:
    """Write scored rows or a result table to CSV, Parquet or Excel.

    Parameters
    ----------
    frame : pandas.DataFrame
        Scored rows (:func:`stuntlib.score`) or any table (:func:`stuntlib.prevalence`).
    path : str or path-like
        Output file; the format comes from its suffix (``.csv``, ``.parquet``,
        ``.xlsx``) unless ``format`` is given. Parent folders are created.
    format : {"csv", "xlsx", "parquet"}, optional
        Override the suffix.
    sheet_name : str, default "data"
        Sheet name for Excel.
    index : bool, default False
        Write the index as a first column.
    sep, decimal : str, default "," and "."
        CSV separator and decimal mark (``sep=";", decimal=","`` opens directly in an
        Excel set to Indonesian).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    StuntlibError
        For an unknown format, or more rows than an Excel sheet holds (1,048,575).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> write_table(pd.DataFrame({"kelurahan": ["Tirto"], "n": [12]}), out).name
    't.parquet'
    >>> pd.read_parquet(out)
      kelurahan   n
    0     Tirto  12
    """
    if not isinstance(frame, pd.DataFrame):
        raise StuntlibError(f"frame: expected a pandas DataFrame; got {type(frame).__name__}")
    file = Path(path)
    fmt = format or _format_of(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    data = _for_export(frame)
    if fmt == "csv":
        data.to_csv(file, index=index, sep=sep, decimal=decimal, date_format="%Y-%m-%d")
    elif fmt == "parquet":
        data.to_parquet(file, index=index)
    elif fmt == "xlsx":
        if len(data) + 1 > EXCEL_MAX_ROWS:
            raise StuntlibError(
                f"frame: {len(data):,} rows do not fit in an Excel sheet "
                f"({EXCEL_MAX_ROWS - 1:,} at most); write CSV or Parquet instead"
            )
        for col in data.columns:  # Excel has no time zones and no categories
            if isinstance(data[col].dtype, pd.CategoricalDtype):
                data[col] = data[col].astype("string")
        with pd.ExcelWriter(file, engine="openpyxl") as writer:
            data.to_excel(writer, sheet_name=sheet_name[:31], index=index)
            sheet = writer.sheets[sheet_name[:31]]
            sheet.freeze_panes = "A2"
    else:
        raise StuntlibError(f"format: expected 'csv', 'xlsx' or 'parquet'; got {format!r}")
    return file
