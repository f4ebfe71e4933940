"""Office tables of the situation analysis: coverage, KRS recaps, Web Aksi Bangda sheets."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stuntlib._calamine import excel_table
from stuntlib.errors import ColumnError, StuntlibError

__all__ = [
    "COVERAGE_INDICATORS",
    "DATA_SASARAN_COLUMNS",
    "KRS_COLUMNS",
    "read_area_table",
    "read_coverage",
    "read_krs",
    "safe_text",
    "write_aksi_bangda",
]

#: The 29 "esensial" coverage indicators per desa/kelurahan (SE Mendagri 400.5/8476/SJ on
#: Perpres 72/2021), in the order of the Web Aksi Bangda "Cakupan Layanan" form as we
#: assume it (the Perpres annex order): key, Indonesian label, national target (proportion,
#: NaN where none is set) and whether a lower value is better. Targets are the 2024 values
#: of Perpres 72/2021 where the sources agree; "balita dipantau" is given as 90 % in one
#: source and 80 % in another (90 % used). Each user must confirm the targets.
COVERAGE_INDICATORS: pd.DataFrame = pd.DataFrame(
    [
        ("remaja_ttd", "Remaja putri mengonsumsi TTD", np.nan, False),
        ("remaja_skrining_hb", "Remaja putri skrining anemia (Hb)", np.nan, False),
        ("catin_ttd", "Calon pengantin mengonsumsi TTD", np.nan, False),
        ("catin_pemeriksaan", "Calon PUS memperoleh pemeriksaan kesehatan", np.nan, False),
        ("catin_pendampingan", "Catin didampingi 3 bulan pranikah", np.nan, False),
        ("catin_bimbingan", "Catin ikut bimbingan perkawinan (materi stunting)", np.nan, False),
        ("pus_miskin_bantuan_tunai", "PUS miskin menerima bantuan tunai bersyarat", np.nan, False),
        ("pus_miskin_bpnt", "PUS miskin menerima bantuan pangan nontunai", np.nan, False),
        ("pus_miskin_pbi_jkn", "PUS miskin peserta PBI JKN", np.nan, False),
        ("ibu_hamil_kek_pmt", "Ibu hamil KEK mendapat makanan tambahan", 0.90, False),
        ("ibu_hamil_ttd90", "Ibu hamil mengonsumsi TTD >= 90 tablet", np.nan, False),
        ("unmet_need_kb", "Unmet need pelayanan KB", np.nan, True),
        ("kehamilan_tidak_diinginkan", "Kehamilan tidak diinginkan", np.nan, True),
        ("asi_eksklusif", "Bayi < 6 bulan mendapat ASI eksklusif", 0.80, False),
        ("mpasi", "Anak 6-23 bulan mendapat MP-ASI", 0.80, False),
        ("gizi_buruk_tatalaksana", "Balita gizi buruk mendapat tata laksana", np.nan, False),
        ("balita_dipantau", "Balita dipantau pertumbuhan dan perkembangan", 0.90, False),
        ("gizi_kurang_pmt", "Balita gizi kurang mendapat makanan tambahan", np.nan, False),
        ("imunisasi_dasar_lengkap", "Balita memperoleh imunisasi dasar lengkap", 0.90, False),
        ("stop_babs", "Desa/kelurahan Stop BABS", np.nan, False),
        ("phbs", "Rumah tangga ber-PHBS", np.nan, False),
        ("krs_promosi_ikan", "KRS mendapat promosi gemar makan ikan", np.nan, False),
        ("kb_pascapersalinan", "Pelayanan KB pascapersalinan", np.nan, False),
        ("krs_pendampingan", "Keluarga berisiko stunting didampingi", np.nan, False),
        ("krs_pekarangan", "KRS memanfaatkan pekarangan", np.nan, False),
        ("air_minum_layak", "Rumah tangga dengan air minum layak", np.nan, False),
        ("sanitasi_layak", "Rumah tangga dengan sanitasi layak", np.nan, False),
        ("pkh_p2k2", "Keluarga PKH ikut P2K2 modul kesehatan/gizi", np.nan, False),
        ("bantuan_pangan_1000hpk", "Keluarga 1000 HPK menerima bantuan pangan", np.nan, False),
    ],
    columns=["indicator", "label", "target", "lower_is_better"],
)

#: Columns of the Web Aksi Bangda "Data Sasaran" form, in order (Panduan Web Aksi Bangda
#: 2022): key used by stuntlib -> header written in the sheet.
DATA_SASARAN_COLUMNS: dict[str, str] = {
    "kode": "Kode Desa/Kelurahan",
    "nama": "Nama Desa/Kelurahan",
    "jumlah_keluarga": "Jumlah Keluarga",
    "krs": "Jumlah Keluarga Berisiko Stunting",
    "balita_diukur": "Jumlah Balita Diukur",
    "balita_sangat_pendek": "Jumlah Balita Sangat Pendek",
    "balita_pendek": "Jumlah Balita Pendek",
}

#: Columns of a BKKBN KRS recap that stuntlib reads (one row per desa/kelurahan). The 4T and
#: water/latrine subcounts overlap and are never summed.
KRS_COLUMNS: tuple[str, ...] = (
    "jumlah_keluarga",
    "keluarga_sasaran",
    "krs",
    "tidak_berisiko",
    "sasaran_baduta",
    "sasaran_balita",
    "air_tidak_layak",
    "jamban_tidak_layak",
    "terlalu_muda",
    "terlalu_tua",
    "terlalu_dekat",
    "terlalu_banyak",
)

_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(values: pd.Series) -> pd.Series:
    """Prefix text cells that a spreadsheet would run as a formula with ``'``.

    Parameters
    ----------
    values : pandas.Series
        A column. Numeric, boolean and datetime columns pass through unchanged; any other
        column is returned as text (missing values stay missing).

    Returns
    -------
    pandas.Series
        Same index; text starting with ``= + - @`` tab or CR gets a leading ``'``.

    References
    ----------
    .. [1] OWASP, "CSV Injection" (formula injection in exported spreadsheets).

    Examples
    --------
    >>> safe_text(pd.Series(["=1+1", "Medono", "-3"])).tolist()
    ["'=1+1", 'Medono', "'-3"]
    >>> safe_text(pd.Series([-3, 4])).tolist()
    [-3, 4]
    """
    kind = values.dtype.kind
    if kind in "biufcmM":
        return values
    text = values.astype("string")
    risky = text.str.startswith(_FORMULA_START).fillna(False).to_numpy(dtype=bool)
    return text.where(~risky, "'" + text)


def _read(source: Any, argument: str) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source.copy()
    path = Path(source)
    if not path.exists():
        raise StuntlibError(f"{argument}: file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype={"kode": "string", "nama": "string"})
    if suffix in (".xlsx", ".xlsm"):
        return excel_table(path, dtype={"kode": "string", "nama": "string"})
    raise StuntlibError(f"{argument}: expected a .csv or .xlsx file; got {path.name!r}")


def read_area_table(
    source: str | Path | pd.DataFrame,
    *,
    argument: str = "source",
    match: Callable[[pd.Series], pd.Series] | None = None,
) -> pd.DataFrame:
    """Read a one-row-per-desa table (CSV, xlsx or frame) keyed by its Kemendagri code.

    Parameters
    ----------
    source : path or pandas.DataFrame
        Must have a ``kode`` column (``PP.KK.CC.DDDD``), or a ``nama`` column and ``match``.
    argument : str
        Name of the argument, used in error messages.
    match : callable, optional
        ``match(names) -> codes``: maps a Series of desa/kelurahan names to codes (NA where
        no match); the seam for the national area registry.

    Returns
    -------
    pandas.DataFrame
        The table with ``kode`` (string) first; other columns unchanged.

    Raises
    ------
    ColumnError
        If there is no ``kode`` column and no ``nama`` + ``match``.
    StuntlibError
        If a code is malformed, repeats, or a name does not match.

    References
    ----------
    .. [1] Kepmendagri No 300.2.2-2138 Tahun 2025 (kode dan data wilayah administrasi).
    """
    frame = _read(source, argument)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "kode" not in frame.columns:
        if "nama" in frame.columns and match is not None:
            codes = match(frame["nama"]).astype("string")
            if codes.isna().any():
                raise StuntlibError(
                    f"{argument}: names {frame.loc[codes.isna(), 'nama'].tolist()[:5]} "
                    "did not match an area code"
                )
            frame.insert(0, "kode", codes.to_numpy())
        else:
            raise ColumnError(
                f"{argument}: expected a 'kode' column (Kemendagri code PP.KK.CC.DDDD), or "
                f"'nama' with match=; got columns {list(frame.columns)}"
            )
    kode = frame["kode"].astype("string").str.strip()
    bad = ~kode.str.fullmatch(_CODE).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        raise StuntlibError(
            f"{argument}: 'kode' values {kode[bad].tolist()[:5]} are not desa/kelurahan codes "
            "(expected e.g. '33.75.01.1002')"
        )
    if kode.duplicated().any():
        raise StuntlibError(f"{argument}: 'kode' repeats: {kode[kode.duplicated()].tolist()[:5]}")
    frame["kode"] = kode
    return frame[["kode", *[c for c in frame.columns if c != "kode"]]]


def read_coverage(
    source: str | Path | pd.DataFrame,
    *,
    match: Callable[[pd.Series], pd.Series] | None = None,
) -> pd.DataFrame:
    """Read a coverage table: one row per desa/kelurahan, one value per indicator.

    Each indicator of :data:`COVERAGE_INDICATORS` may be given as ``<key>_pembilang`` and
    ``<key>_penyebut`` (numerator and denominator, counts) or as ``<key>`` (a proportion
    0-1). Other columns are kept.

    Parameters
    ----------
    source : path or pandas.DataFrame
        CSV or xlsx, keyed by ``kode`` (see :func:`read_area_table`).
    match : callable, optional
        Name matcher, see :func:`read_area_table`.

    Returns
    -------
    pandas.DataFrame
        ``kode``, then one float64 column per indicator found (proportion 0-1; NaN where
        the denominator is 0 or missing), in the order of :data:`COVERAGE_INDICATORS`,
        then the numerator/denominator columns.

    Raises
    ------
    StuntlibError
        If no indicator is found, or a proportion lies outside 0-1.

    References
    ----------
    .. [1] Surat Edaran Mendagri 400.5/8476/SJ; Perpres 72/2021, lampiran (indikator).
    """
    frame = read_area_table(source, argument="coverage", match=match)
    out = frame[["kode", *(["nama"] if "nama" in frame else [])]].copy()
    found = []
    for key in COVERAGE_INDICATORS["indicator"]:
        num, den = f"{key}_pembilang", f"{key}_penyebut"
        if num in frame.columns and den in frame.columns:
            n = pd.to_numeric(frame[num], errors="coerce").to_numpy(dtype=float)
            d = pd.to_numeric(frame[den], errors="coerce").to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[key] = np.where(d > 0, n / d, np.nan)
            found.append(key)
        elif key in frame.columns:
            v = pd.to_numeric(frame[key], errors="coerce").to_numpy(dtype=float)
            if np.nanmax(np.abs(v - 0.5), initial=0) > 0.5:
                raise StuntlibError(
                    f"coverage: column {key!r} must be a proportion 0-1 (or give "
                    f"{num!r} and {den!r}); got values up to {np.nanmax(v)}"
                )
            out[key] = v
            found.append(key)
    if not found:
        raise StuntlibError(
            "coverage: no coverage indicator found; expected columns such as "
            "'imunisasi_dasar_lengkap' or 'imunisasi_dasar_lengkap_pembilang'/'_penyebut' "
            f"(see COVERAGE_INDICATORS); got {list(frame.columns)}"
        )
    rest = [c for c in frame.columns if c not in out.columns]
    return pd.concat([out, frame[rest]], axis=1)


def read_krs(
    source: str | Path | pd.DataFrame,
    *,
    match: Callable[[pd.Series], pd.Series] | None = None,
) -> pd.DataFrame:
    """Read a BKKBN recap of keluarga berisiko stunting (KRS), one row per desa/kelurahan.

    Parameters
    ----------
    source : path or pandas.DataFrame
        CSV or xlsx with ``kode`` and at least ``krs``; the other columns of
        :data:`KRS_COLUMNS` are used when present.
    match : callable, optional
        Name matcher, see :func:`read_area_table`.

    Returns
    -------
    pandas.DataFrame
        ``kode`` and the :data:`KRS_COLUMNS` found (float64 counts), plus ``krs_rate`` =
        krs / keluarga_sasaran (BKKBN: KRS + not at risk = target families; if
        ``keluarga_sasaran`` is missing, krs + tidak_berisiko).

    Raises
    ------
    ColumnError
        If ``krs`` is missing.
    StuntlibError
        If KRS exceeds the target families.

    References
    ----------
    .. [1] BKKBN (2022). Pendataan Keluarga 2021, pemutakhiran: keluarga berisiko stunting.
    """
    frame = read_area_table(source, argument="krs", match=match)
    if "krs" not in frame.columns:
        raise ColumnError(f"krs: no 'krs' column; got columns {list(frame.columns)}")
    out = frame[["kode", *(["nama"] if "nama" in frame else [])]].copy()
    for col in KRS_COLUMNS:
        if col in frame.columns:
            out[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    if "keluarga_sasaran" not in out.columns and "tidak_berisiko" in out.columns:
        out["keluarga_sasaran"] = out["krs"] + out["tidak_berisiko"]
    if "keluarga_sasaran" in out.columns:
        if (out["krs"] > out["keluarga_sasaran"]).any():
            raise StuntlibError("krs: 'krs' exceeds 'keluarga_sasaran' in some rows")
        with np.errstate(divide="ignore", invalid="ignore"):
            out["krs_rate"] = out["krs"] / out["keluarga_sasaran"].where(
                out["keluarga_sasaran"] > 0
            )
    else:
        out["krs_rate"] = np.nan
    return out


def _cakupan_sheet(table: pd.DataFrame) -> pd.DataFrame:
    cols: dict[str, Any] = {
        "Kode Desa/Kelurahan": table["kode"],
        "Nama Desa/Kelurahan": table["nama"],
    }
    for key, label in zip(
        COVERAGE_INDICATORS["indicator"], COVERAGE_INDICATORS["label"], strict=True
    ):
        cols[label] = table[key] * 100 if key in table.columns else np.nan
    return pd.DataFrame(cols)


def write_aksi_bangda(
    table: pd.DataFrame,
    path: str | Path,
    *,
    sheets: Sequence[str] = ("Data Sasaran", "Cakupan Layanan", "Situasi"),
    extra: Mapping[str, pd.DataFrame] | None = None,
) -> Path:
    """Write the situation table as Excel sheets in the Web Aksi Bangda column order.

    Parameters
    ----------
    table : pandas.DataFrame
        A result of :func:`situation_analysis` (``kode``, ``nama``, ``balita_diukur``,
        ``stunting``...). Missing columns are written empty.
    path : str or Path
        ``.xlsx`` file to write (overwritten), or ``.csv`` for the situation table alone
        with text cells passed through :func:`safe_text`.
    sheets : sequence of str
        Which of ``"Data Sasaran"`` (:data:`DATA_SASARAN_COLUMNS`), ``"Cakupan Layanan"``
        (one column per :data:`COVERAGE_INDICATORS` label, in %) and ``"Situasi"`` (the
        whole table) to write.
    extra : mapping of str to DataFrame, optional
        More sheets to add as they are.

    Returns
    -------
    Path
        The path written. Text cells are written as strings (never formulas).

    Raises
    ------
    StuntlibError
        If ``path`` is not ``.xlsx``/``.csv`` or a sheet name is unknown.

    References
    ----------
    .. [1] Kemendagri Ditjen Bina Pembangunan Daerah (2022). Panduan Penggunaan Web Aksi
       Bangda (impor/ekspor Excel "Data Sasaran" dan "Data Cakupan Layanan").
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        # One table per CSV: the situation table, every text cell made formula-safe.
        safe = pd.DataFrame({c: safe_text(table[c]) for c in table.columns})
        safe.to_csv(path, index=False, lineterminator="\n")
        return path
    if path.suffix.lower() != ".xlsx":
        raise StuntlibError(f"path: expected a .xlsx or .csv file; got {path.name!r}")
    known = ("Data Sasaran", "Cakupan Layanan", "Situasi")
    bad = [s for s in sheets if s not in known]
    if bad:
        raise StuntlibError(f"sheets: unknown {bad}; expected some of {list(known)}")
    frames: dict[str, pd.DataFrame] = {}
    if "Data Sasaran" in sheets:
        frames["Data Sasaran"] = pd.DataFrame(
            {
                head: table[key] if key in table.columns else np.nan
                for key, head in DATA_SASARAN_COLUMNS.items()
            }
        )
    if "Cakupan Layanan" in sheets:
        frames["Cakupan Layanan"] = _cakupan_sheet(table)
    if "Situasi" in sheets:
        frames["Situasi"] = table
    frames.update(extra or {})
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in frames.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a string, never a formula
    book.save(path)
    return path


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, int | float | str | bool) else str(value)
