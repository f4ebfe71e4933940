"""Row-level quality checks: predicates that return a mask (True = the row passes).

Every check is a :class:`Check`, registered in :data:`CHECKS` with its name, family, the
canonical columns it reads and a severity. Calling a check on a frame returns a boolean
Series aligned with the frame:

>>> import pandas as pd
>>> df = pd.DataFrame({"JK": ["L", None], "NIK": ["3375010101230001", "3.37501E+15"]})
>>> CHECKS["missing_sex"](df).tolist()
[True, False]
>>> CHECKS["nik_scientific_notation"](df).tolist()
[True, False]

A row on which a check does not apply (e.g. the value it tests is missing) passes: the
missing value is reported by the completeness checks instead. Severities:

* ``error``: the row cannot be used as it is (missing or unreadable sex, date,
  measurement; birth after measurement);
* ``warning``: the value is implausible or suspect and worth a look;
* ``info``: worth knowing, often legitimate.

References
----------
WHO, UNICEF (2019). Recommendations for data collection, analysis and reporting on
anthropometric indicators in children under 5 years old. Geneva: World Health
Organization and UNICEF (completeness, duplicates, flagged values, measurement position
by age). WHO (2006). WHO Child Growth Standards: length is measured lying under 2 years,
height standing from 2 years. SMART Methodology (2017). Plausibility check for SMART
surveys (SMART flags). Undang-Undang RI No. 24 Tahun 2013 and Permendagri No. 72 Tahun
2019: the NIK has 16 digits, digits 7-12 the date of birth (DDMMYY, day + 40 for women).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.indicators import FLAG_LIMITS, ZSCORES
from stuntlib.quality.context import CheckContext, QualityParams, combine_codes, visit_pairs
from stuntlib.quality.stats import smart_flags
from stuntlib.standardize import HEIGHT_FROM_DAY, future_cutoff

__all__ = ["CHECKS", "PROFILED_ZSCORES", "Check", "Family", "Language", "Severity"]

Severity = Literal["error", "warning", "info"]
Language = Literal["en", "id"]
Family = Literal["who_unicef", "routine", "longitudinal", "smart"]
Mask = NDArray[np.bool_]
Predicate = Callable[[CheckContext], Mask | None]


@dataclass(frozen=True)
class Check:
    """A registered row-level check.

    Parameters
    ----------
    name : str
        Unique name, used in the failure table.
    family : {"who_unicef", "routine", "longitudinal", "smart"}
        Which part of the report the check belongs to.
    columns : tuple of str
        Canonical names (or scored columns such as ``flen``) the check reads.
    severity : {"error", "warning", "info"}
        How serious a failure is.
    description : str
        One sentence saying what fails (English).
    predicate : callable
        ``predicate(ctx) -> bool array or None`` over the public
        :class:`~stuntlib.quality.context.CheckContext` of the frame; None when the
        frame lacks the columns.
    value_column : str
        Column whose value is shown in the failure table.
    description_id : str, optional
        The description in Indonesian (default: the English one).

    Examples
    --------
    >>> import pandas as pd
    >>> CHECKS["position_age_mismatch"](
    ...     pd.DataFrame({"age_days": [100, 800], "measure": ["h", "l"]})).tolist()
    [False, False]
    """

    name: str
    family: Family
    columns: tuple[str, ...]
    severity: Severity
    description: str
    predicate: Predicate = field(repr=False)
    value_column: str = ""
    description_id: str = ""

    def evaluate(self, ctx: CheckContext) -> Mask | None:
        """Mask of passing rows over a prepared context, or None if not applicable.

        Parameters
        ----------
        ctx : CheckContext
            The frame, standardised.

        Returns
        -------
        numpy.ndarray of bool or None
            True where the row passes; None when the frame lacks the columns.
        """
        mask = self.predicate(ctx)
        return None if mask is None else np.asarray(mask, dtype=bool)

    def text(self, language: Language = "en") -> str:
        """The description in ``language`` (``"en"`` or ``"id"``).

        Raises
        ------
        StuntlibError
            If ``language`` is neither.
        """
        if language not in ("en", "id"):
            raise StuntlibError(f"language: expected 'en' or 'id'; got {language!r}")
        if language == "id" and self.description_id:
            return self.description_id
        return self.description

    def __call__(
        self, frame: pd.DataFrame, columns: Mapping[str, str] | None = None, **params: Any
    ) -> pd.Series:
        """Run the check on a frame.

        Parameters
        ----------
        frame : pandas.DataFrame
            A scored frame (see :func:`stuntlib.score`) or its input.
        columns : mapping, optional
            ``{canonical name: label}`` overrides.
        **params
            Thresholds of :class:`QualityParams`.

        Returns
        -------
        pandas.Series of bool
            True where the row passes, indexed like ``frame``.

        Raises
        ------
        ColumnError
            If the frame lacks a column the check needs.
        """
        ctx = CheckContext(frame, columns, QualityParams(**params))
        mask = self.evaluate(ctx)
        if mask is None:
            raise ColumnError(
                f"check {self.name!r} needs the columns {list(self.columns)} (or their "
                f"aliases); the frame has {list(frame.columns)}"
            )
        return pd.Series(mask, index=frame.index, name=self.name)


_REGISTRY: dict[str, Check] = {}

#: Every built-in check by name (read-only). Pass your own :class:`Check` objects to
#: ``check_quality(checks=...)`` to add checks.
CHECKS: Mapping[str, Check] = MappingProxyType(_REGISTRY)


def _check(
    name: str,
    family: Family,
    columns: tuple[str, ...],
    severity: Severity,
    description: str,
    description_id: str,
    value_column: str | None = None,
) -> Callable[[Predicate], Predicate]:
    def register(fn: Predicate) -> Predicate:
        _REGISTRY[name] = Check(
            name,
            family,
            columns,
            severity,
            description,
            fn,
            value_column or columns[0],
            description_id,
        )
        return fn

    return register


# ----------------------------------------------------------------------------------------
# WHO/UNICEF 2019: completeness
def _missing_date(dates: tuple[NDArray[np.datetime64], Mask] | None) -> Mask | None:
    return None if dates is None else ~(np.isnat(dates[0]) & ~dates[1])


def _invalid(pair: tuple[Any, Mask] | None) -> Mask | None:
    return None if pair is None else ~pair[1]


def _missing_value(pair: tuple[NDArray[np.float64], Mask] | None) -> Mask | None:
    return None if pair is None else ~(np.isnan(pair[0]) & ~pair[1])


@_check("missing_sex", "who_unicef", ("sex",), "error", "Sex is missing.", "Jenis kelamin kosong.")
def _missing_sex(v: CheckContext) -> Mask | None:
    return None if v.sex is None else v.sex != 0


@_check(
    "invalid_sex",
    "who_unicef",
    ("sex",),
    "error",
    "Sex is not a recognised code.",
    "Kode jenis kelamin tidak dikenali.",
)
def _invalid_sex(v: CheckContext) -> Mask | None:
    return None if v.sex is None else v.sex != -1


@_check(
    "missing_birth_date",
    "who_unicef",
    ("birth_date",),
    "error",
    "Birth date is missing.",
    "Tanggal lahir kosong.",
)
def _missing_birth_date(v: CheckContext) -> Mask | None:
    return _missing_date(v.birth)


@_check(
    "invalid_birth_date",
    "who_unicef",
    ("birth_date",),
    "error",
    "Birth date is incomplete or not a date (e.g. only a year, day 00, 31/02).",
    "Tanggal lahir tidak lengkap atau bukan tanggal (mis. hanya tahun, hari 00, 31/02).",
)
def _invalid_birth_date(v: CheckContext) -> Mask | None:
    return _invalid(v.birth)


@_check(
    "missing_measure_date",
    "who_unicef",
    ("measure_date",),
    "error",
    "Visit date is missing.",
    "Tanggal pengukuran kosong.",
)
def _missing_measure_date(v: CheckContext) -> Mask | None:
    return _missing_date(v.visit)


@_check(
    "invalid_measure_date",
    "who_unicef",
    ("measure_date",),
    "error",
    "Visit date is incomplete or not a date.",
    "Tanggal pengukuran tidak lengkap atau bukan tanggal.",
)
def _invalid_measure_date(v: CheckContext) -> Mask | None:
    return _invalid(v.visit)


@_check(
    "birth_after_measurement",
    "who_unicef",
    ("birth_date", "measure_date"),
    "error",
    "Birth date is after the measurement date (negative age).",
    "Tanggal lahir sesudah tanggal pengukuran (umur negatif).",
)
def _birth_after_measurement(v: CheckContext) -> Mask | None:
    age = v.age_days
    if age is None:
        return None
    with np.errstate(invalid="ignore"):
        return ~(age < 0)


@_check(
    "future_date",
    "who_unicef",
    ("measure_date",),
    "error",
    "A birth or measurement date lies after today (a mistyped year); the row is not scored.",
    "Tanggal lahir atau tanggal pengukuran sesudah hari ini (salah ketik tahun); baris tidak "
    "dihitung.",
)
def _future_date(v: CheckContext) -> Mask | None:
    visit = v.visit
    if visit is None:
        return None
    cutoff = future_cutoff()
    future = visit[0] > cutoff
    birth = v.birth
    if birth is not None:
        future |= birth[0] > cutoff
    return ~future


@_check(
    "age_out_of_range",
    "who_unicef",
    ("birth_date", "measure_date"),
    "warning",
    "Age is 60 months or more (outside the under-five range).",
    "Umur 60 bulan atau lebih (di luar rentang balita).",
)
def _age_out_of_range(v: CheckContext) -> Mask | None:
    months = v.age_months
    if months is None:
        return None
    with np.errstate(invalid="ignore"):
        return ~(months >= v.params.max_age_months)


@_check(
    "missing_lenhei",
    "who_unicef",
    ("lenhei",),
    "error",
    "Length/height is missing.",
    "Panjang/tinggi badan kosong.",
)
def _missing_lenhei(v: CheckContext) -> Mask | None:
    return _missing_value(v.lenhei)


@_check(
    "invalid_lenhei",
    "who_unicef",
    ("lenhei",),
    "error",
    "Length/height is not a number or not positive.",
    "Panjang/tinggi badan bukan angka atau tidak positif.",
)
def _invalid_lenhei(v: CheckContext) -> Mask | None:
    return _invalid(v.lenhei)


@_check(
    "missing_weight",
    "who_unicef",
    ("weight",),
    "error",
    "Weight is missing.",
    "Berat badan kosong.",
)
def _missing_weight(v: CheckContext) -> Mask | None:
    return _missing_value(v.weight)


@_check(
    "invalid_weight",
    "who_unicef",
    ("weight",),
    "error",
    "Weight is not a number or not positive.",
    "Berat badan bukan angka atau tidak positif.",
)
def _invalid_weight(v: CheckContext) -> Mask | None:
    return _invalid(v.weight)


@_check(
    "missing_measure",
    "who_unicef",
    ("measure",),
    "warning",
    "Measurement position (lying/standing) is missing.",
    "Cara ukur (terlentang/berdiri) kosong.",
)
def _missing_measure(v: CheckContext) -> Mask | None:
    return None if v.raw("measure") is None or v.measure is None else v.measure != 0


@_check(
    "invalid_measure",
    "who_unicef",
    ("measure",),
    "warning",
    "Measurement position is not a recognised code.",
    "Kode cara ukur tidak dikenali.",
)
def _invalid_measure(v: CheckContext) -> Mask | None:
    return None if v.raw("measure") is None or v.measure is None else v.measure != -1


@_check(
    "position_age_mismatch",
    "who_unicef",
    ("measure", "birth_date", "measure_date"),
    "warning",
    "Measured lying at 24 months or more, or standing under 24 months (WHO recommendation).",
    "Diukur terlentang pada umur 24 bulan atau lebih, atau "
    "berdiri di bawah 24 bulan (anjuran WHO).",
)
def _position_age_mismatch(v: CheckContext) -> Mask | None:
    m, age = v.measure, v.age_days
    if m is None or age is None:
        return None
    with np.errstate(invalid="ignore"):
        lying_old = (m == 1) & (age >= HEIGHT_FROM_DAY)
        standing_young = (m == 2) & (age < HEIGHT_FROM_DAY) & (age >= 0)
    return ~(lying_old | standing_young)


# ----------------------------------------------------------------------------------------
# WHO/UNICEF 2019: duplicates
def _duplicated(key: NDArray[np.int64], known: Mask, keep: Literal["first", False]) -> Mask:
    out = np.zeros(key.shape, dtype=bool)
    idx = np.flatnonzero(known)
    out[idx] = pd.Series(key[idx], copy=False).duplicated(keep=keep).to_numpy()
    return ~out


def _date_codes(v: CheckContext) -> tuple[NDArray[np.int64], Mask] | None:
    if v.visit is None:
        return None
    dates = v.visit[0]
    return dates.astype(np.int64), ~np.isnat(dates)


@_check(
    "duplicate_record",
    "who_unicef",
    ("nik", "name", "measure_date"),
    "warning",
    "A second record of the same child (NIK and name) on the same date.",
    "Catatan kedua untuk anak yang sama (NIK dan nama) pada tanggal yang sama.",
    value_column="measure_date",
)
def _duplicate_record(v: CheckContext) -> Mask | None:
    child = v.child_codes
    if child is None:
        name = v.raw("name")
        if name is None or v.birth is None:
            return None
        sex = v.sex if v.sex is not None else np.zeros(v.n, dtype=np.int8)
        ident = combine_codes([name.to_numpy(dtype=object), v.birth[0], sex])
    else:
        ident = child
    known = ident >= 0
    key = ident.astype(np.int64)
    dates = _date_codes(v)
    if dates is not None:
        day, has_day = dates
        if has_day.any():
            offset = np.where(has_day, day - day[has_day].min(), 0)
            key = key * (int(offset.max()) + 1) + offset
        known &= has_day
    passes = _duplicated(key, known, "first")
    if child is None or passes.all():
        return passes
    # same NIK and date: a duplicate record only if the name is the same too (twins
    # share a NIK); the names are compared on the few candidate rows only
    candidates = np.flatnonzero(~_duplicated(key, known, False))
    names = v.names_of(candidates)
    if names is None:
        return passes
    refined = combine_codes([key[candidates], names])
    out = np.ones(v.n, dtype=bool)
    out[candidates] = ~pd.Series(refined).duplicated(keep="first").to_numpy()
    return out


@_check(
    "duplicate_nik",
    "who_unicef",
    ("nik", "measure_date"),
    "warning",
    "The same NIK appears more than once in a round (calendar month of the visit).",
    "NIK yang sama muncul lebih dari sekali dalam satu putaran (bulan pengukuran).",
)
def _duplicate_nik(v: CheckContext) -> Mask | None:
    child = v.child_codes
    if child is None:
        return None
    rounds = v.round_codes
    known = child >= 0
    key = child.astype(np.int64)
    if rounds is not None:
        known &= rounds >= 0
        key = key * (int(rounds.max(initial=-1)) + 2) + rounds
    return _duplicated(key, known, False)


# ----------------------------------------------------------------------------------------
# WHO flags (computed by stuntlib.score)
def _flag_check(z: str) -> None:
    spec = ZSCORES[z]
    low, high = FLAG_LIMITS[z]

    @_check(
        f"flagged_{z}",
        "who_unicef",
        (z, spec.flag),
        "warning",
        f"{spec.abbreviation} is outside the WHO plausibility limits "
        f"({low:g} to {high:g}; {spec.flag} = 1).",
        f"Z-score {spec.label_id} di luar batas kewajaran WHO "
        f"({low:g} s.d. {high:g}; {spec.flag} = 1).",
    )
    def _flagged(v: CheckContext) -> Mask | None:
        f = v.flag(spec.flag)
        return None if f is None else ~f


#: z-scores of the WHO/UNICEF profile (the four indicators of children under five).
PROFILED_ZSCORES: tuple[str, ...] = ("zlen", "zwei", "zwfl", "zbmi")

for _z in PROFILED_ZSCORES:
    _flag_check(_z)


@_check(
    "implausible_measurement",
    "who_unicef",
    ("zlen",),
    "warning",
    "A measurement is physically impossible in its unit (reason implausible_measurement; "
    "see stuntlib.standardize.PLAUSIBLE_LIMITS): a typing or unit error.",
    "Hasil ukur mustahil secara fisik dalam satuannya (alasan implausible_measurement): "
    "salah ketik atau salah satuan.",
)
def _implausible(v: CheckContext) -> Mask | None:
    reasons = [c for c in v.frame.columns if str(c).endswith("_reason")]
    bad = np.zeros(v.n, dtype=bool)  # no reason columns: nothing was found impossible
    for column in reasons:  # compared as Python objects: no text column is built
        values = v.frame[column].to_numpy(dtype=object)
        given = pd.notna(values)  # None, NaN and pd.NA (whose truth is ambiguous) are not
        bad[given] |= values[given] == "implausible_measurement"
    return ~bad


# ----------------------------------------------------------------------------------------
# Routine data (e-PPGBM): NIK
@_check("missing_nik", "routine", ("nik",), "info", "NIK is missing.", "NIK kosong.")
def _missing_nik(v: CheckContext) -> Mask | None:
    return None if v.nik_missing is None else ~v.nik_missing


@_check(
    "nik_scientific_notation",
    "routine",
    ("nik",),
    "warning",
    "NIK was turned into a number in scientific notation (e.g. 3,3E+15) by a spreadsheet.",
    "NIK diubah menjadi angka notasi ilmiah (mis. 3,3E+15) oleh spreadsheet.",
)
def _nik_scientific(v: CheckContext) -> Mask | None:
    return None if v.nik_scientific is None else ~v.nik_scientific


@_check(
    "nik_format", "routine", ("nik",), "warning", "NIK is not 16 digits.", "NIK tidak 16 digit."
)
def _nik_format(v: CheckContext) -> Mask | None:
    if v.nik_valid is None or v.nik_missing is None or v.nik_scientific is None:
        return None
    return v.nik_valid | v.nik_missing | v.nik_scientific


@_check(
    "nik_sex",
    "routine",
    ("nik", "sex"),
    "warning",
    "NIK encodes the other sex (day of birth + 40 for girls).",
    "NIK menyandikan jenis kelamin lain (tanggal lahir + 40 untuk perempuan).",
)
def _nik_sex(v: CheckContext) -> Mask | None:
    enc, sex = v.nik_birth, v.sex
    if enc is None or sex is None or v.nik_valid is None:
        return None
    encoded = np.where(enc[0] > 40, 2, 1)
    applicable = v.nik_valid & ((sex == 1) | (sex == 2))
    return ~(applicable & (encoded != sex))


@_check(
    "nik_birth_date",
    "routine",
    ("nik", "birth_date"),
    "warning",
    "Birth date encoded in the NIK (digits 7-12, DDMMYY) differs from the birth date.",
    "Tanggal lahir dalam NIK (digit 7-12, DDMMYY) berbeda dengan tanggal lahir.",
)
def _nik_birth_date(v: CheckContext) -> Mask | None:
    enc, birth = v.nik_birth, v.birth
    if enc is None or birth is None or v.nik_valid is None:
        return None
    dates = birth[0]
    known = ~np.isnat(dates)
    month_start = dates.astype("datetime64[M]")
    day = (dates - month_start).astype(np.int64) + 1
    month = month_start.astype(np.int64) % 12 + 1
    year = (dates.astype("datetime64[Y]").astype(np.int64) + 1970) % 100
    nik_day = np.where(enc[0] > 40, enc[0] - 40, enc[0])
    differs = (nik_day != day) | (enc[1] != month) | (enc[2] != year)
    return ~(v.nik_valid & known & differs)


# ----------------------------------------------------------------------------------------
# Longitudinal (repeated measurements of a child, identified by NIK)
def _fail_later(
    v: CheckContext, test: Callable[[NDArray[np.intp], NDArray[np.intp], Any], Mask]
) -> Mask | None:
    pairs = visit_pairs(v)
    if pairs is None:
        return None
    prev, cur, interval = pairs
    out = np.ones(v.n, dtype=bool)
    if cur.size:
        with np.errstate(invalid="ignore"):
            out[cur[test(prev, cur, interval)]] = False
    return out


@_check(
    "height_decrease",
    "longitudinal",
    ("nik", "measure_date", "lenhei"),
    "warning",
    "Position-adjusted length/height fell by more than the tolerance since the last visit.",
    "Panjang/tinggi badan (disesuaikan cara ukur) turun melebihi "
    "toleransi sejak kunjungan sebelumnya.",
)
def _height_decrease(v: CheckContext) -> Mask | None:
    c = v.clenhei
    if c is None:
        return None
    tol = v.params.height_tolerance_cm
    return _fail_later(v, lambda p, q, _: c[p] - c[q] > tol)


@_check(
    "implausible_velocity",
    "longitudinal",
    ("nik", "measure_date", "zlen"),
    "warning",
    "HAZ changed by more than max_haz_change between two visits (implausible growth).",
    "Z-score TB/U berubah lebih dari max_haz_change antara dua "
    "kunjungan (pertumbuhan tidak masuk akal).",
    value_column="zlen",
)
def _implausible_velocity(v: CheckContext) -> Mask | None:
    z = v.z("zlen")
    if z is None:
        return None
    limit = v.params.max_haz_change
    return _fail_later(v, lambda p, q, _: np.abs(z[q] - z[p]) > limit)


def _carried(values: NDArray[np.float64] | None, v: CheckContext) -> Mask | None:
    if values is None:
        return None
    days = v.params.carried_forward_min_days
    return _fail_later(
        v, lambda p, q, gap: (np.round(values[q] - values[p], 6) == 0) & (gap >= days)
    )


@_check(
    "carried_forward_height",
    "longitudinal",
    ("nik", "measure_date", "lenhei"),
    "warning",
    "Length/height identical to the previous visit at least four weeks earlier.",
    "Panjang/tinggi badan sama persis dengan kunjungan "
    "sebelumnya (minimal empat minggu sebelumnya).",
)
def _carried_forward_height(v: CheckContext) -> Mask | None:
    return _carried(None if v.lenhei is None else v.lenhei[0], v)


@_check(
    "carried_forward_weight",
    "longitudinal",
    ("nik", "measure_date", "weight"),
    "info",
    "Weight identical to the previous visit at least four weeks earlier.",
    "Berat badan sama persis dengan kunjungan sebelumnya (minimal empat minggu sebelumnya).",
)
def _carried_forward_weight(v: CheckContext) -> Mask | None:
    return _carried(None if v.weight is None else v.weight[0], v)


# ----------------------------------------------------------------------------------------
# SMART flags (z more than 3 from the observed mean), only with check_quality(smart=True)
def _smart_check(z: str) -> None:
    spec = ZSCORES[z]

    @_check(
        f"smart_flag_{z}",
        "smart",
        (z,),
        "info",
        f"{spec.abbreviation} is more than 3 from the observed mean (SMART flag; "
        "excluded by SMART).",
        f"Z-score {spec.label_id} berjarak lebih dari 3 dari rata-rata teramati (flag "
        "SMART; dikeluarkan oleh SMART).",
    )
    def _smart(v: CheckContext) -> Mask | None:
        values = v.z(z)
        if values is None:
            return None
        return ~smart_flags(values, v.flag(spec.flag), v.params.smart_flag_range)


for _z in ("zwfl", "zlen", "zwei"):
    _smart_check(_z)
