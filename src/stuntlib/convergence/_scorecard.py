"""Kemendesa village convergence scorecard from by-name service records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from stuntlib._calamine import excel_table
from stuntlib.errors import ColumnError, StuntlibError

__all__ = [
    "CHILD_INDICATORS",
    "EHDW_COLUMNS",
    "MOTHER_INDICATORS",
    "OPENSID_COLUMNS",
    "RECORD_COLUMNS",
    "ConvergenceScore",
    "convergence_score",
    "read_service_records",
]

#: Columns of the long by-name record format, in order. ``household`` is optional.
RECORD_COLUMNS: tuple[str, ...] = ("person", "group", "quarter", "area", "indicator", "value")

#: Scored indicators of a pregnant or postpartum mother (``group="ibu_hamil"``), with their
#: Indonesian labels (Kemendesa scorecard, 8 indicators).
MOTHER_INDICATORS: dict[str, str] = {
    "anc": "Pemeriksaan kehamilan (ANC)",
    "fe": "Pil Fe / tablet tambah darah",
    "nifas": "Pemeriksaan nifas (>= 3 kali)",
    "konseling": "Konseling gizi (kelas ibu hamil)",
    "kunjungan_rumah": "Kunjungan rumah (ibu KEK/risti)",
    "air_bersih": "Akses air bersih",
    "jamban": "Kepemilikan jamban sehat",
    "jkn": "Jaminan kesehatan",
}

#: Scored indicators of a child 0-23 months (``group="anak_0_23"``), 10 indicators.
CHILD_INDICATORS: dict[str, str] = {
    "imunisasi": "Imunisasi dasar sesuai umur",
    "penimbangan": "Penimbangan berat badan",
    "pengukuran": "Pengukuran panjang/tinggi badan",
    "konseling": "Konseling gizi bagi orang tua",
    "kunjungan_rumah": "Kunjungan rumah (anak gizi bermasalah)",
    "air_bersih": "Akses air bersih",
    "jamban": "Kepemilikan jamban sehat",
    "akta": "Akta kelahiran",
    "jkn": "Jaminan kesehatan",
    "paud": "Kelas pengasuhan / PAUD",
}

#: Input (raw) indicators that describe the person rather than a service.
_STATUS = ("trimester", "kek", "umur_bulan", "gizi_bermasalah")

#: Cumulative weighings since birth a child needs, by age band [months]: the lower bound of
#: each band and the count. Under 6 months one weighing in the quarter is enough.
WEIGHING_BANDS: tuple[tuple[int, int], ...] = ((0, 1), (6, 5), (13, 8), (18, 15))

#: Child indicators not applicable (TS) below this age [months].
CHILD_MIN_AGE: dict[str, int] = {"paud": 6}

#: Assumed header of OpenSID's by-name scorecard export (one row per person and quarter),
#: mapped onto the long format. Adjust with ``columns=`` when a real export differs.
OPENSID_COLUMNS: dict[str, str] = {
    "NIK": "person",
    "Sasaran": "group",
    "Triwulan": "quarter",
    "Desa": "area",
    "Usia Kehamilan (Trimester)": "trimester",
    "Status KEK/Risti": "kek",
    "Jumlah ANC": "anc",
    "Pil Fe": "fe",
    "Pemeriksaan Nifas": "nifas",
    "Konseling Gizi": "konseling",
    "Kunjungan Rumah": "kunjungan_rumah",
    "Air Bersih": "air_bersih",
    "Jamban Sehat": "jamban",
    "Jaminan Kesehatan": "jkn",
    "Umur (Bulan)": "umur_bulan",
    "Imunisasi Dasar": "imunisasi",
    "Penimbangan": "penimbangan",
    "Pengukuran": "pengukuran",
    "Akta Lahir": "akta",
    "Kelas PAUD": "paud",
    "Gizi Bermasalah": "gizi_bermasalah",
}

#: Assumed header of an eHDW (elektronik Human Development Worker) export; same idea.
EHDW_COLUMNS: dict[str, str] = {
    "id_sasaran": "person",
    "kategori_sasaran": "group",
    "periode_triwulan": "quarter",
    "nama_desa": "area",
    "id_keluarga": "household",
    "trimester": "trimester",
    "kek_risti": "kek",
    "anc": "anc",
    "tablet_fe": "fe",
    "kunjungan_nifas": "nifas",
    "konseling_gizi": "konseling",
    "kunjungan_rumah": "kunjungan_rumah",
    "air_bersih": "air_bersih",
    "jamban_sehat": "jamban",
    "jaminan_kesehatan": "jkn",
    "umur_bulan": "umur_bulan",
    "imunisasi": "imunisasi",
    "penimbangan": "penimbangan",
    "pengukuran": "pengukuran",
    "akta_kelahiran": "akta",
    "paud": "paud",
    "gizi_bermasalah": "gizi_bermasalah",
}

_GROUPS = {"ibu_hamil": MOTHER_INDICATORS, "anak_0_23": CHILD_INDICATORS}
_YES = {"y", "ya", "yes", "true", "sudah", "v"}
_NO = {"t", "tidak", "no", "false", "belum", "-", ""}
MARKS = pd.CategoricalDtype(["Y", "T", "TS"])


def _numeric(values: pd.Series) -> pd.Series:
    """Counts and flags as numbers: Y/ya -> 1, T/tidak -> 0, digits -> value."""
    text = values.astype("string").str.strip().str.lower()
    out = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    out = out.where(~text.isin(_YES), 1.0).where(~text.isin(_NO), 0.0)
    return out.astype(float)


def _wide(records: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per person and quarter, one column per raw indicator (sum; status: max)."""
    rec = records.assign(value=_numeric(records["value"]))
    is_status = rec["indicator"].isin(_STATUS)
    counts = rec[~is_status].pivot_table(
        index=keys, columns="indicator", values="value", aggfunc="sum", observed=True
    )
    status = rec[is_status].pivot_table(
        index=keys, columns="indicator", values="value", aggfunc="max", observed=True
    )
    persons = rec[keys].drop_duplicates().set_index(keys)
    return persons.join(counts).join(status)


def _col(w: pd.DataFrame, name: str) -> np.ndarray:
    return w[name].to_numpy(dtype=float) if name in w.columns else np.full(len(w), np.nan)


def _mark(applicable: np.ndarray, yes: np.ndarray, known: np.ndarray) -> np.ndarray:
    """'TS' where not applicable, else 'Y'/'T'; '' where the status is unknown."""
    return np.where(~known, "", np.where(~applicable, "TS", np.where(yes, "Y", "T")))


def _mother_marks(w: pd.DataFrame, mode: str) -> pd.DataFrame:
    tri = _col(w, "trimester")
    known = ~np.isnan(tri)
    pregnant = known & (tri >= 1)
    delivered = known & (tri == 0)
    need = np.where(tri >= 3, 2, 1)  # ANC and counselling: >= 1 in trimester 1-2, >= 2 in 3
    count = {k: np.nan_to_num(_col(w, k)) for k in MOTHER_INDICATORS}
    kek = np.nan_to_num(_col(w, "kek")) > 0
    visit_applies = pregnant & (kek if mode == "corrected" else True)
    marks = {
        "anc": _mark(pregnant, count["anc"] >= need, known),
        "fe": _mark(pregnant, count["fe"] >= 1, known),
        "nifas": _mark(delivered, count["nifas"] >= 3, known),
        "konseling": _mark(pregnant, count["konseling"] >= need, known),
        "kunjungan_rumah": _mark(visit_applies, count["kunjungan_rumah"] >= 1, known),
    }
    for k in ("air_bersih", "jamban", "jkn"):
        marks[k] = _mark(known, count[k] >= 1, known)
    return pd.DataFrame(marks, index=w.index)


def _child_marks(w: pd.DataFrame) -> pd.DataFrame:
    age = _col(w, "umur_bulan")
    known = ~np.isnan(age)
    count = {k: np.nan_to_num(_col(w, k)) for k in CHILD_INDICATORS}
    bounds = np.array([b for b, _ in WEIGHING_BANDS])
    needed = np.array([c for _, c in WEIGHING_BANDS])
    band = np.clip(np.searchsorted(bounds, np.nan_to_num(age), side="right") - 1, 0, None)
    at_risk = np.nan_to_num(_col(w, "gizi_bermasalah")) > 0
    marks = {}
    for k in CHILD_INDICATORS:
        applies = known & (np.nan_to_num(age) >= CHILD_MIN_AGE.get(k, 0))
        yes = count[k] >= 1
        if k == "penimbangan":
            yes = count[k] >= needed[band]
        elif k == "kunjungan_rumah":
            applies = applies & at_risk
        marks[k] = _mark(applies, yes, known)
    return pd.DataFrame(marks, index=w.index)


@dataclass(frozen=True)
class ConvergenceScore:
    """Result of :func:`convergence_score` (a value object of four tidy frames).

    Attributes
    ----------
    marks : pandas.DataFrame
        One row per person, quarter and indicator: ``quarter``, ``area``, ``group``,
        ``person``, ``indicator``, ``mark`` (``Y``/``T``/``TS``; NA where the person's
        status, trimester or age, is missing).
    capaian : pandas.DataFrame
        Per quarter, area, group and indicator: ``sasaran`` (persons), ``y``, ``t``,
        ``ts``, ``unknown`` and ``capaian`` = y / (sasaran - ts - unknown), 0-1.
    konvergensi : pandas.DataFrame
        Per quarter and area: ``y`` and ``applicable`` for mothers, children and both,
        and ``tingkat_konvergensi`` = ΣY / Σ applicable over both groups, 0-1.
    complete_package : pandas.DataFrame
        Per quarter and area: ``households`` (a person without ``household`` is one),
        ``complete`` (every applicable mark of every member is Y) and ``share``.
    """

    marks: pd.DataFrame
    capaian: pd.DataFrame
    konvergensi: pd.DataFrame
    complete_package: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The four scorecard tables in the desa layout, with Indonesian headers.

        Returns
        -------
        dict of str to pandas.DataFrame
            ``"tabel_1_ibu_hamil"`` and ``"tabel_2_anak_0_23"``: one row per person and
            quarter, one column per indicator (Y/T/TS); ``"tabel_3_capaian"``: capaian
            per indicator [%]; ``"tabel_4_konvergensi"``: tingkat konvergensi [%].
        """
        out = {}
        for name, group, labels in (
            ("tabel_1_ibu_hamil", "ibu_hamil", MOTHER_INDICATORS),
            ("tabel_2_anak_0_23", "anak_0_23", CHILD_INDICATORS),
        ):
            m = self.marks[self.marks["group"] == group]
            wide = m.pivot(
                index=["quarter", "area", "person"], columns="indicator", values="mark"
            ).reindex(columns=list(labels))
            out[name] = (
                wide.rename(columns=labels)
                .reset_index()
                .rename(
                    columns={"quarter": "Triwulan", "area": "Desa/Kelurahan", "person": "Sasaran"}
                )
            )
        cap = self.capaian.assign(capaian=self.capaian["capaian"] * 100)
        out["tabel_3_capaian"] = cap.rename(
            columns={
                "quarter": "Triwulan",
                "area": "Desa/Kelurahan",
                "group": "Sasaran",
                "indicator": "Indikator",
                "sasaran": "Jumlah sasaran",
                "y": "Y",
                "t": "T",
                "ts": "TS",
                "unknown": "Tidak diketahui",
                "capaian": "Capaian (%)",
            }
        )
        k = self.konvergensi
        out["tabel_4_konvergensi"] = pd.DataFrame(
            {
                "Triwulan": k["quarter"],
                "Desa/Kelurahan": k["area"],
                "Indikator diterima (Y)": k["y"],
                "Indikator seharusnya diterima": k["applicable"],
                "Tingkat konvergensi (%)": k["tingkat_konvergensi"] * 100,
            }
        )
        return out


def _check_records(records: Any) -> pd.DataFrame:
    if not isinstance(records, pd.DataFrame):
        raise StuntlibError(f"records: expected a DataFrame; got {type(records).__name__}")
    missing = [c for c in RECORD_COLUMNS if c not in records.columns]
    if missing:
        raise ColumnError(
            f"records: missing columns {missing}; expected the long format "
            f"{list(RECORD_COLUMNS)} (see read_service_records)"
        )
    groups = set(records["group"].dropna().unique()) - set(_GROUPS)
    if groups:
        raise StuntlibError(
            f"records: group must be 'ibu_hamil' or 'anak_0_23'; got {sorted(map(str, groups))}"
        )
    known = set(MOTHER_INDICATORS) | set(CHILD_INDICATORS) | set(_STATUS)
    unknown = set(records["indicator"].dropna().unique()) - known
    if unknown:
        raise StuntlibError(
            f"records: unknown indicator(s) {sorted(map(str, unknown))}; expected one of "
            f"{sorted(known)}"
        )
    if records[["person", "group", "quarter", "area"]].isna().any().any():
        raise StuntlibError("records: 'person', 'group', 'quarter' and 'area' may not be empty")
    return records


def convergence_score(
    records: pd.DataFrame, *, mode: Literal["corrected", "opensid"] = "corrected"
) -> ConvergenceScore:
    r"""Score by-name service records into Kemendesa's village convergence scorecard.

    Each quarter, every pregnant or postpartum mother and every child 0-23 months gets a
    mark per indicator: Y (received), T (not received) or TS (not applicable), by these
    rules (numbers are counts within the quarter unless stated):

    ======================  ==============================================================
    mother (``ibu_hamil``)
    ======================  ==============================================================
    anc, konseling          pregnant: Y if >= 1 (trimester 1-2) or >= 2 (trimester 3);
                            delivered (trimester 0): TS
    fe                      pregnant: Y if >= 1; delivered: TS
    nifas                   delivered: Y if >= 3 postnatal visits; pregnant: TS
    kunjungan_rumah         pregnant and KEK/risti (``kek`` = 1): Y if >= 1 visit; other
                            mothers: TS (``mode="opensid"``: T/Y for every pregnant mother)
    air_bersih, jamban, jkn Y if 1/Y, else T (always applicable)
    ======================  ==============================================================

    Children (``anak_0_23``, age ``umur_bulan``): ``penimbangan`` needs the cumulative
    weighings of :data:`WEIGHING_BANDS` (1 under 6 months, 5 at 6-12, 8 at 13-17, 15 from
    18); ``kunjungan_rumah`` applies only to a child with ``gizi_bermasalah`` = 1;
    ``paud`` is TS under 6 months (:data:`CHILD_MIN_AGE`); the other indicators are Y if
    received at least once, else T.

    Parameters
    ----------
    records : pandas.DataFrame
        Long format, one row per person, quarter and raw indicator: ``person`` (id, never
        published), ``group`` (``"ibu_hamil"`` or ``"anak_0_23"``), ``quarter`` (e.g.
        ``"2025Q3"``), ``area`` (desa/kelurahan code or name), ``indicator`` (a key of
        :data:`MOTHER_INDICATORS` / :data:`CHILD_INDICATORS`, or a status ``trimester``
        0-3, ``kek`` 0/1, ``umur_bulan`` [months], ``gizi_bermasalah`` 0/1) and ``value``
        (a count, 0/1, or ``Y``/``T``). Optional ``household``. Repeated rows of one
        indicator are summed (status: the largest value). A missing count is 0.
    mode : {"corrected", "opensid"}
        ``"opensid"`` reproduces OpenSID's scorecard, which scores the home visit of a
        mother who is not KEK/risti as T (or Y) instead of TS.

    Returns
    -------
    ConvergenceScore
        ``marks``, ``capaian``, ``konvergensi`` and ``complete_package`` (see the class),
        and ``tables()`` for scorecard tables 1-4. A person whose status is missing keeps
        their rows with an NA mark, counted as ``unknown``, never as T.

    Raises
    ------
    StuntlibError
        If ``records`` is not a DataFrame in the long format, a group or indicator is
        unknown, or ``mode`` is invalid.
    ColumnError
        If a required column is missing.

    References
    ----------
    .. [1] Kementerian Desa PDTT (2018). Panduan Fasilitasi Konvergensi Pencegahan Stunting
       di Desa; formulir Rekap Hasil Pemantauan 3 Bulanan (scorecard konvergensi desa).
    .. [2] OpenSID, modul Stunting, ``Rekap.php`` (behaviour read, not code copied).
    .. [3] World Bank (2018). Investing in Nutrition and Early Years (INEY) program,
       simultaneous utilisation of the 1000-HPK services.

    Examples
    --------
    >>> rec = pd.DataFrame({
    ...     "person": ["A"] * 4, "group": "ibu_hamil", "quarter": "2025Q3", "area": "X",
    ...     "indicator": ["trimester", "anc", "air_bersih", "jkn"], "value": [2, 1, "Y", "T"]})
    >>> convergence_score(rec).konvergensi["tingkat_konvergensi"].round(3).tolist()
    [0.4]
    """
    if mode not in ("corrected", "opensid"):
        raise StuntlibError(f"mode: expected 'corrected' or 'opensid'; got {mode!r}")
    rec = _check_records(records)
    keys = ["quarter", "area", "group", "person"]
    pieces = []
    for group in ("ibu_hamil", "anak_0_23"):
        sub = rec[rec["group"] == group]
        if sub.empty:
            continue
        w = _wide(sub, keys)
        marks = _mother_marks(w, mode) if group == "ibu_hamil" else _child_marks(w)
        long = marks.reset_index().melt(id_vars=keys, var_name="indicator", value_name="mark")
        pieces.append(long)
    if not pieces:
        raise StuntlibError("records: no rows")
    marks_long = pd.concat(pieces, ignore_index=True)
    marks_long["mark"] = marks_long["mark"].replace("", np.nan).astype(MARKS)
    return _summaries(marks_long, rec)


def _summaries(marks: pd.DataFrame, rec: pd.DataFrame) -> ConvergenceScore:
    m = marks.assign(
        y=marks["mark"].eq("Y").astype(int),
        t=marks["mark"].eq("T").astype(int),
        ts=marks["mark"].eq("TS").astype(int),
        unknown=marks["mark"].isna().astype(int),
    )
    cap = (
        m.groupby(["quarter", "area", "group", "indicator"], sort=True, observed=True)
        .agg(
            sasaran=("person", "size"),
            y=("y", "sum"),
            t=("t", "sum"),
            ts=("ts", "sum"),
            unknown=("unknown", "sum"),
        )
        .reset_index()
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        cap["capaian"] = cap["y"] / (cap["y"] + cap["t"]).replace(0, np.nan)
    m["applicable"] = m["y"] + m["t"]
    by_group = m.pivot_table(
        index=["quarter", "area"],
        columns="group",
        values=["y", "applicable"],
        aggfunc="sum",
        observed=True,
        fill_value=0,
    )
    by_group.columns = [f"{pair[0]}_{pair[1]}" for pair in by_group.columns]
    kon = by_group.reset_index()
    for g in ("ibu_hamil", "anak_0_23"):
        for v in ("y", "applicable"):
            if f"{v}_{g}" not in kon.columns:
                kon[f"{v}_{g}"] = 0
    kon["y"] = kon["y_ibu_hamil"] + kon["y_anak_0_23"]
    kon["applicable"] = kon["applicable_ibu_hamil"] + kon["applicable_anak_0_23"]
    kon["tingkat_konvergensi"] = kon["y"] / kon["applicable"].replace(0, np.nan)
    # Complete package: every applicable mark of every member of the household is Y.
    person_keys = ["quarter", "area", "group", "person"]
    per_person = m.groupby(person_keys, observed=True).agg(
        t=("t", "sum"), unknown=("unknown", "sum")
    )
    if "household" in rec.columns:
        hh = rec.drop_duplicates(person_keys).set_index(person_keys)["household"]
        hh = hh.reindex(per_person.index)
        fallback = pd.Series(per_person.index.get_level_values("person"), index=hh.index)
        per_person["household"] = hh.astype(object).where(
            hh.notna(), "person:" + fallback.astype(str)
        )
    else:
        per_person["household"] = per_person.index.get_level_values("person").astype(str)
    per_person["ok"] = (per_person["t"] == 0) & (per_person["unknown"] == 0)
    hh_ok = (
        per_person.reset_index()
        .groupby(["quarter", "area", "household"], observed=True)["ok"]
        .all()
        .reset_index()
    )
    pkg = hh_ok.groupby(["quarter", "area"], observed=True).agg(
        households=("ok", "size"), complete=("ok", "sum")
    )
    pkg["share"] = pkg["complete"] / pkg["households"]
    return ConvergenceScore(
        marks=marks,
        capaian=cap,
        konvergensi=kon[
            [
                "quarter",
                "area",
                "y_ibu_hamil",
                "applicable_ibu_hamil",
                "y_anak_0_23",
                "applicable_anak_0_23",
                "y",
                "applicable",
                "tingkat_konvergensi",
            ]
        ],
        complete_package=pkg.reset_index(),
    )


def read_service_records(
    source: str | Path | pd.DataFrame,
    *,
    shape: Literal["long", "opensid", "ehdw"] = "long",
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Read by-name service records (CSV/xlsx or a frame) into the long format.

    Parameters
    ----------
    source : path or pandas.DataFrame
        A ``.csv`` (UTF-8) or ``.xlsx`` file, or a frame already read. Every cell is read
        as text.
    shape : {"long", "opensid", "ehdw"}
        ``"long"``: columns :data:`RECORD_COLUMNS` (+ ``household``). ``"opensid"`` /
        ``"ehdw"``: one row per person and quarter with one column per indicator, headed
        as in :data:`OPENSID_COLUMNS` / :data:`EHDW_COLUMNS` (assumed from the public
        descriptions of those systems; pass ``columns=`` for a real export's headers).
        ``Sasaran``/``kategori_sasaran`` values containing "hamil"/"ibu" become
        ``ibu_hamil``, others ``anak_0_23``.
    columns : mapping of str to str, optional
        Extra or replacement header -> long-format name mapping for the wide shapes.

    Returns
    -------
    pandas.DataFrame
        The long format of :func:`convergence_score` (strings), one row per person,
        quarter and non-empty indicator cell.

    Raises
    ------
    StuntlibError
        If ``shape`` is unknown or the file type is not CSV/xlsx.
    ColumnError
        If the identifying columns are missing.

    References
    ----------
    .. [1] Kementerian Desa PDTT (2018). Panduan Fasilitasi Konvergensi Pencegahan Stunting
       di Desa (formulir pemantauan 3 bulanan).
    """
    if shape not in ("long", "opensid", "ehdw"):
        raise StuntlibError(f"shape: expected 'long', 'opensid' or 'ehdw'; got {shape!r}")
    if isinstance(source, pd.DataFrame):
        frame = source.astype("string")
    else:
        path = Path(source)
        if path.suffix.lower() == ".csv":
            frame = pd.read_csv(path, dtype="string", keep_default_na=False)
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = excel_table(path, dtype="string", keep_default_na=False)
        else:
            raise StuntlibError(f"source: expected a .csv or .xlsx file; got {path.name!r}")
    if shape == "long":
        _check_records(frame)
        return frame
    mapping = dict(OPENSID_COLUMNS if shape == "opensid" else EHDW_COLUMNS)
    mapping.update(columns or {})
    wide = frame.rename(columns={k: v for k, v in mapping.items() if k in frame.columns})
    ids = [c for c in ("person", "group", "quarter", "area", "household") if c in wide.columns]
    if len(ids) < 4:
        raise ColumnError(
            f"source: the {shape} shape needs the columns mapped to person, group, quarter and "
            f"area ({[k for k, v in mapping.items() if v in RECORD_COLUMNS]}); got "
            f"{list(frame.columns)}"
        )
    group = wide["group"].str.lower()
    wide["group"] = np.where(group.str.contains("hamil|ibu", na=False), "ibu_hamil", "anak_0_23")
    values = [c for c in wide.columns if c in set(mapping.values()) and c not in ids]
    long = wide.melt(id_vars=ids, value_vars=values, var_name="indicator", value_name="value")
    long = long[long["value"].fillna("").str.strip() != ""]
    return long.reset_index(drop=True)
