"""Excel workbooks: the Aksi 7 table (published, masked) and the *data sasaran*.

The *data sasaran* is the official, unmasked report to Kemendagri. Each workbook is
described here as sheets of plain rows (:func:`aksi7_book`, :func:`sasaran_book`) and
written by :func:`stuntlib._xlsx.write_book` (openpyxl), which needs no pandas.

Every text cell is stored with the string data type, never as a formula (an area name
``=HYPERLINK(...)`` stays text); counts and percentages stay numbers with number
formats (:data:`stuntlib._format.EXCEL_PERCENT`), so that the reader's spreadsheet shows
them in its own locale. Sheets print in landscape on A4, fitted to the page width, with
the header row repeated on every page.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from stuntlib._format import format_date
from stuntlib._xlsx import Book, Sheet, write_book
from stuntlib.columns import identifying_columns
from stuntlib.errors import StuntlibError
from stuntlib.publication._table import AKSI7_COLUMNS, LEVELS

__all__ = ["write_aksi7_workbook", "write_data_sasaran"]

Language = Literal["id", "en"]

_PERCENT_KEYS = ("coverage", "prevalence", "ci_low", "ci_high")
_TEXT_KEYS = ("level", "code", "name", "kecamatan", "puskesmas", "kelurahan", "note")
_KEL_SHEET_KEYS = ("code", "kecamatan", "puskesmas", "kelurahan")
_TOTAL_SHEET_KEYS = ("level", "code", "name")
_SHEETS = {
    "id": ("Desa-Kelurahan", "Rekap kecamatan", "Keterangan"),
    "en": ("Villages", "Kecamatan totals", "Notes"),
}
_TITLE = {
    "id": "Publikasi data stunting per desa/kelurahan (Aksi konvergensi 7)",
    "en": "Stunting by desa/kelurahan (convergence action 7)",
}
_SUBTITLE = {
    "id": (
        "Desa/kelurahan",
        "Rekap kabupaten/kota dan kecamatan",
        "Rekap kabupaten/kota, kecamatan dan puskesmas",
    ),
    "en": (
        "Desa/kelurahan",
        "District/city and kecamatan totals",
        "District/city, kecamatan and puskesmas totals",
    ),
}
_SASARAN_TITLE = "Data sasaran balita untuk input Web Aksi Bangda — bukan untuk publikasi"
_SASARAN_HEADERS = (
    "Kode wilayah (Kemendagri)",
    "Kecamatan",
    "Nama desa/kelurahan",
    "Jumlah balita diukur",
    "Balita sangat pendek",
    "Balita pendek",
)


def _check_table(table: Any) -> None:
    if not isinstance(table, pd.DataFrame):
        raise StuntlibError(f"table: expected a DataFrame; got {type(table).__name__}")
    identifying = identifying_columns(table.columns)
    if identifying:
        raise StuntlibError(
            f"table: columns {identifying} could identify children and are never published"
        )


def _kind(key: str) -> str:
    if key in _PERCENT_KEYS:
        return "percent"
    if key in _TEXT_KEYS:
        return "text"
    return "count"


def _headline(lang: Language, title: str | None, kota: str, period: str | None) -> str:
    head = title or _TITLE[lang]
    parts = [head, kota] if kota and kota not in head else [head]
    if period:
        parts.append(("periode " if lang == "id" else "period ") + period)
    return " — ".join(parts)


def write_aksi7_workbook(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    source: str | None = None,
    period: str | None = None,
    language: Language | None = None,
) -> Path:
    """Write an Aksi 7 table as an Excel workbook ready to publish.

    Sheet 1 (``Desa-Kelurahan``) holds the desa/kelurahan rows with their code,
    kecamatan, puskesmas (when known) and name; sheet 2 (``Rekap kecamatan``) the
    kabupaten/kota row, the kecamatan rows and, when the table has them, the puskesmas
    rows (name and kecamatan) under their kecamatan, so that no subtotal sits between
    the desa rows; sheet 3 (``Keterangan``) the title, source, period, definitions and
    small-cell rules. Each table sheet has the title and period on top, an autofilter,
    the header repeated on every printed page, landscape A4 one page wide (as many
    pages tall as needed), columns as wide as their longest name up to 30 characters
    (longer names and notes wrap) and rows as high as their wrapped lines, so that
    LibreOffice, which keeps stored row heights, shows them as Excel does. Codes and
    names are text (never formulas), counts are numbers and percentages are numbers
    formatted ``0.0%``.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`aksi7_table` (masked unless built with ``protect=False``).
    path : str or path-like
        Output ``.xlsx`` file (parent folders are created).
    title : str, optional
        Title; default "Publikasi data stunting per desa/kelurahan (Aksi konvergensi 7)".
    source : str, optional
        Where the data come from (e.g. the export's file name).
    period : str, optional
        Measurement period, e.g. ``"Agustus 2025"``; written in every sheet's title.
    language : {"id", "en"}, optional
        Language of the sheets; default that of ``table``.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    StuntlibError
        If ``table`` is not a DataFrame or has a column that could identify a child
        (NIK, name, address).

    References
    ----------
    .. [1] OWASP, "CSV Injection" (formula injection in spreadsheets).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from stuntlib.publication import aksi7_table
    >>> df = pd.DataFrame({"kelurahan": ["TIRTO"] * 30, "kecamatan": "PEKALONGAN BARAT",
    ...                    "zlen": np.linspace(-3.5, 1, 30), "flen": 0, "age_days": 500})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "aksi7.xlsx"
    >>> write_aksi7_workbook(aksi7_table(df), out, period="Agustus 2025").name
    'aksi7.xlsx'
    >>> back = pd.read_excel(out, sheet_name="Rekap kecamatan", header=3, dtype=str,
    ...                      engine="openpyxl")
    >>> back.iloc[0, :3].tolist()
    ['Kabupaten/Kota', '33.75', 'Kota Pekalongan']
    """
    book = aksi7_book(table, title=title, source=source, period=period, language=language)
    return write_book(path, book)


def aksi7_book(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    source: str | None = None,
    period: str | None = None,
    language: Language | None = None,
) -> Book:
    """The workbook of :func:`write_aksi7_workbook` as plain values: sheets, notes, properties.

    Plain values (:mod:`stuntlib._xlsx`), so that a process without pandas can write
    them with :func:`stuntlib._xlsx.write_book`.
    """
    _check_table(table)
    meta = table.attrs.get("stuntlib_aksi7", {})
    lang: Language = language or meta.get("language", "id")
    keys: list[str] = list(meta.get("keys") or table.columns)
    keyed = table.set_axis(keys, axis=1)
    levels = keyed["level"].astype(str).to_numpy() if "level" in keys else None
    subtotals = (LEVELS[lang][0], LEVELS[lang][1], LEVELS[lang][3])
    is_total = np.isin(levels, subtotals) if levels is not None else np.zeros(len(table), bool)
    by_puskesmas = levels is not None and bool((levels == LEVELS[lang][3]).any())
    kota_name = (
        str(keyed.loc[is_total, "name"].iloc[0]) if is_total.any() and "name" in keys else ""
    )
    headline = _headline(lang, title, kota_name, period)
    names = _SHEETS[lang]
    index = 0 if lang == "id" else 1

    def header(key: str) -> str:
        return AKSI7_COLUMNS[key][index] if key in AKSI7_COLUMNS else str(key)

    measure_keys = [k for k in keys if k not in (*_KEL_SHEET_KEYS, *_TOTAL_SHEET_KEYS)]
    kel_keys = [k for k in _KEL_SHEET_KEYS if k in keys] + measure_keys
    kel_rows = _plain_rows(keyed.loc[~is_total, kel_keys])
    kel = Sheet(names[0], headline, _SUBTITLE[lang][0], [header(k) for k in kel_keys],
                [_kind(k) for k in kel_keys], kel_rows)  # fmt: skip
    total_keys = [k for k in _TOTAL_SHEET_KEYS if k in keys]
    total_keys += ["kecamatan"] * (by_puskesmas and "kecamatan" in keys) + measure_keys
    totals = keyed.loc[is_total, total_keys]
    strong = subtotals[:2] if by_puskesmas else subtotals[:1]  # the rows others add up into
    bold = totals["level"].isin(strong).tolist() if "level" in total_keys else None
    rekap = Sheet(names[1], headline, _SUBTITLE[lang][2 if by_puskesmas else 1],
                  [header(k) for k in total_keys], [_kind(k) for k in total_keys],
                  _plain_rows(totals), bold)  # fmt: skip
    notes = (names[2], _notes_lines(lang, headline, source, period, meta))
    return Book([kel, rekap], notes, {"creator": "stuntlib", "title": headline})


def _plain_rows(frame: pd.DataFrame) -> list[list[Any]]:
    """A table's rows as lists of Python values, None where missing (picklable without pandas)."""
    return frame.astype(object).where(frame.notna(), None).to_numpy().tolist()


def write_data_sasaran(
    scored: pd.DataFrame,
    path: str | os.PathLike[str],
    areas: Any = None,
    *,
    period: str | None = None,
    columns: Any = None,
) -> Path:
    """Write the *data sasaran* workbook for Bangda's Web Aksi: unmasked, not published.

    One row per desa/kelurahan of ``areas`` (and per kelurahan of the data missing from
    it, without a code): Kemendagri code, kecamatan, name, children measured, *sangat
    pendek* and *pendek*. The counts are NOT masked: this is the official report to
    the Ministry of Home Affairs, not a published table, and its title and file
    properties say so ("untuk input Web Aksi Bangda — bukan untuk publikasi"). The
    counts add up to the kabupaten/kota totals of :func:`aksi7_table`.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score` with a kelurahan column.
    path : str or path-like
        Output ``.xlsx`` file (parent folders are created).
    areas : optional
        As in :func:`aksi7_table`: by default the kabupaten/kota is found from the data.
    period : str, optional
        Measurement period, written in the title.
    columns : mapping, optional
        ``{canonical name: label}`` for the kelurahan/kecamatan columns.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ColumnError
        If ``zlen`` or a kelurahan column is missing.

    References
    ----------
    .. [1] Kementerian Dalam Negeri, Ditjen Bina Pembangunan Daerah (Bangda): aplikasi
       Web Aksi Konvergensi Stunting, input data sasaran per desa/kelurahan.
    """
    return write_book(path, sasaran_book(scored, areas, period=period, columns=columns))


def sasaran_book(
    scored: pd.DataFrame, areas: Any = None, *, period: str | None = None, columns: Any = None
) -> Book:
    """The workbook of :func:`write_data_sasaran` as plain values: its sheet and properties."""
    from stuntlib.publication._table import aksi7_table

    table = aksi7_table(scored, areas, protect=False, columns=columns, language="id")
    keyed = table.set_axis(table.attrs["stuntlib_aksi7"]["keys"], axis=1)
    kel = keyed[keyed["level"] == LEVELS["id"][2]]
    rows = kel[["code", "kecamatan", "name", "measured", "severe", "moderate"]]
    title = _SASARAN_TITLE + (f" — periode {period}" if period else "")
    kota = keyed.loc[keyed["level"] == LEVELS["id"][0], "name"]
    subtitle = (
        (str(kota.iloc[0]) + " — " if len(kota) else "")
        + "dibuat "
        + format_date(_dt.date.today(), "id")
    )
    kinds = ("text", "text", "text", "count", "count", "count")
    sheet = Sheet("Data sasaran", title, subtitle, _SASARAN_HEADERS, kinds, _plain_rows(rows))
    properties = {
        "creator": "stuntlib",
        "title": title,
        "subject": "untuk input Web Aksi Bangda — bukan untuk publikasi",
        "keywords": "data sasaran; tidak disamarkan; bukan untuk publikasi",
    }
    return Book([sheet], None, properties)


def _notes_lines(
    lang: Language, title: str, source: str | None, period: str | None, meta: dict[str, Any]
) -> list[tuple[str, str]]:
    from stuntlib import __version__

    min_cases = meta.get("min_cases", 3)
    min_n = meta.get("min_n", 25)
    today = format_date(_dt.date.today(), lang)
    masked = meta.get("protected", True)
    by_puskesmas: dict[str, list[tuple[str, str]]] = {"id": [], "en": []}
    if "puskesmas" in meta.get("levels", ()):
        by_puskesmas = {
            "id": [("Puskesmas", "jumlah balita yang dicatat tiap puskesmas, per kecamatan; desa "
                    "yang balitanya dicatat oleh dua puskesmas punya satu baris di bawah masing-"
                    "masing, sehingga baris desa suatu puskesmas berjumlah sama dengan baris "
                    "puskesmas itu")],
            "en": [("Puskesmas", "children each puskesmas recorded, per kecamatan; a desa whose "
                    "children two puskesmas recorded has a row under each, so that the desa rows "
                    "of a puskesmas add up to its row")],
        }  # fmt: skip
    if lang == "id":
        protection = (
            f"jumlah 1-{min_cases - 1} kasus (atau 1-{min_cases - 1} bukan kasus) disamarkan, "
            "beserta sel lain yang dapat dipakai menghitung baliknya"
            if masked
            else "TIDAK disamarkan (tabel dibuat tanpa perlindungan sel kecil)"
        )
        return [
            ("Judul", title),
            ("Sumber data", source or "-"),
            ("Periode pengukuran", period or "-"),
            ("Dibuat", f"{today} dengan stuntlib {__version__}"),
            ("Diukur", "balita 0-59 bulan dengan z-skor TB/U sah (tidak di luar -6..+6 SD)"),
            ("Sangat pendek", "TB/U < -3 SD (Standar Antropometri Anak, WHO 2006)"),
            ("Pendek", "-3 SD <= TB/U < -2 SD"),
            ("Prevalensi", "total stunting / balita diukur x 100; interval kepercayaan 95% "
             f"({meta.get('ci', 'wilson')})"),
            ("Cakupan", "balita diukur / sasaran balita x 100"),
            *by_puskesmas["id"],
            ("Perlindungan data", f"{protection}; n < {min_n} ditandai kurang stabil. "
             "Tidak ada nama atau NIK."),
        ]  # fmt: skip
    protection = (
        f"counts of 1-{min_cases - 1} cases (or non-cases) are masked, with the cells they "
        "could be recomputed from"
        if masked
        else "NOT masked (table built without small-cell protection)"
    )
    return [
        ("Title", title),
        ("Data source", source or "-"),
        ("Measurement period", period or "-"),
        ("Produced", f"{today} with stuntlib {__version__}"),
        ("Measured", "children 0-59 months with a valid height-for-age z-score (not flagged)"),
        ("Severely stunted", "HAZ < -3 SD (WHO Child Growth Standards 2006)"),
        ("Moderately stunted", "-3 SD <= HAZ < -2 SD"),
        ("Prevalence", "total stunted / children measured x 100; 95% confidence interval "
         f"({meta.get('ci', 'wilson')})"),
        ("Coverage", "children measured / target children x 100"),
        *by_puskesmas["en"],
        ("Disclosure control", f"{protection}; n < {min_n} is marked unstable. "
         "No names or NIKs."),
    ]  # fmt: skip
