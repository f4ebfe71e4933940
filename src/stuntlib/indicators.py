"""The catalogue of WHO z-score indicators: one row per z-score, defined once.

Every module that reads or writes a z-score takes its column names, flag column, flag
limits, WHO tables, reference and labels from :data:`ZSCORES`: the z-score core
(:mod:`stuntlib.growth`), the classes (:mod:`stuntlib.classification`), prevalence
(:mod:`stuntlib.estimation`), the quality profile, the stream and the report. Nothing
else writes these facts down again.

References
----------
.. [1] WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
   Length/height-for-age, weight-for-age, weight-for-length, weight-for-height and body
   mass index-for-age. Methods and development. Geneva: WHO; 2006.
.. [2] de Onis M, Onyango AW, Borghi E, Siyam A, Nishida C, Siekmann J. Development of a
   WHO growth reference for school-aged children and adolescents. Bull World Health
   Organ 2007;85:660-667.
.. [3] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
   (``anthroplus_zscores``): flag rules on the z-score rounded to 2 decimals.
.. [4] Peraturan Menteri Kesehatan RI No. 2 Tahun 2020 tentang Standar Antropometri Anak
   (Indonesian labels TB/U, BB/U, BB/TB, IMT/U).

Examples
--------
>>> from stuntlib.indicators import ZSCORES, FLAG_LIMITS
>>> ZSCORES["zlen"].flag, FLAG_LIMITS["zlen"]
('flen', (-6.0, 6.0))
>>> [z.z for z in ZSCORES.values() if z.table_2007]
['zlen', 'zwei', 'zbmi']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "FLAG_LIMITS",
    "FLAG_OF",
    "WHO2006_BELOW_MONTHS",
    "WHO2007_MAX_MONTHS",
    "ZSCORES",
    "ZSCORE_COLUMNS",
    "ZScoreIndicator",
]

#: Upper age of the WHO 2006 standards [months, exclusive] and of the 2007 reference
#: [months, inclusive], as ``anthro`` and ``anthroplus`` apply them.
WHO2006_BELOW_MONTHS = 60.0
WHO2007_MAX_MONTHS = 228.0


@dataclass(frozen=True)
class ZScoreIndicator:
    """One WHO z-score indicator: its columns, tables, flag rule and labels.

    Attributes
    ----------
    z, flag : str
        Output column names, as WHO ``anthro`` names them (``zlen``/``flen``).
    abbreviation : str
        Short English name (``HAZ``, ``WAZ``, ``WHZ``, ...).
    label_en, label_id : str
        English and Indonesian (Permenkes 2/2020) names of the index.
    measurement : str
        The input the z-score is of (``clenhei``, ``weight``, ``cbmi``, ``headc``, ...).
    table_2006 : str
        WHO 2006 table (by day). For weight-for-length/height the length table; the
        height table is ``who2006_wfh``.
    table_2007 : str or None
        WHO 2007 table (by month) from 60 months; None where WHO has none.
    restricted : bool
        Whether WHO applies the restricted z-score beyond ±3 SD.
    flag_low, flag_high : float
        WHO flags the z-score when its 2-decimal value is below ``flag_low`` or above
        ``flag_high``.
    age_based : bool
        False for weight-for-length/height, which is looked up by length or height.
    min_days : int
        First day of the WHO 2006 table (91 for arm circumference and skinfolds).
    max_months_2007 : float
        Last month (inclusive) of the WHO 2007 table.
    oedema_blanks : bool
        Whether oedema makes the z-score missing (the weight-based indicators).
    classification : str or None
        Key of the class table in :data:`stuntlib.classification.CLASSIFICATIONS`.
    """

    z: str
    flag: str
    abbreviation: str
    label_en: str
    label_id: str
    measurement: str
    table_2006: str
    table_2007: str | None
    restricted: bool
    flag_low: float
    flag_high: float
    age_based: bool = True
    min_days: int = 0
    max_months_2007: float = WHO2007_MAX_MONTHS
    oedema_blanks: bool = False
    classification: str | None = None


_LIST = (
    ZScoreIndicator(
        "zlen", "flen", "HAZ", "length/height-for-age", "TB/U (PB/U)",
        "clenhei", "who2006_lhfa", "who2007_hfa", False, -6.0, 6.0,
        classification="stunting",
    ),
    ZScoreIndicator(
        "zwei", "fwei", "WAZ", "weight-for-age", "BB/U",
        "weight", "who2006_wfa", "who2007_wfa", True, -6.0, 5.0,
        max_months_2007=120.0, oedema_blanks=True, classification="underweight",
    ),
    ZScoreIndicator(
        "zwfl", "fwfl", "WHZ", "weight-for-length/height", "BB/TB (BB/PB)",
        "weight", "who2006_wfl", None, True, -5.0, 5.0,
        age_based=False, oedema_blanks=True, classification="wasting",
    ),
    ZScoreIndicator(
        "zbmi", "fbmi", "BMIZ", "BMI-for-age", "IMT/U",
        "cbmi", "who2006_bmifa", "who2007_bfa", True, -5.0, 5.0,
        oedema_blanks=True, classification="bmi_0_5",
    ),
    ZScoreIndicator(
        "zhc", "fhc", "HCZ", "head circumference-for-age", "LK/U",
        "headc", "who2006_hcfa", None, False, -5.0, 5.0,
    ),
    ZScoreIndicator(
        "zac", "fac", "MUACZ", "arm circumference-for-age", "LILA/U",
        "armc", "who2006_acfa", None, True, -5.0, 5.0, min_days=91,
    ),
    ZScoreIndicator(
        "zts", "fts", "TSFZ", "triceps skinfold-for-age", "LLT/U",
        "triskin", "who2006_tsfa", None, True, -5.0, 5.0, min_days=91,
    ),
    ZScoreIndicator(
        "zss", "fss", "SSFZ", "subscapular skinfold-for-age", "LLS/U",
        "subskin", "who2006_ssfa", None, True, -5.0, 5.0, min_days=91,
    ),
)  # fmt: skip

#: Every z-score indicator, by z column, in WHO ``anthro``'s output order.
ZSCORES: Mapping[str, ZScoreIndicator] = MappingProxyType({i.z: i for i in _LIST})
#: The z-score columns, in output order.
ZSCORE_COLUMNS: tuple[str, ...] = tuple(ZSCORES)
#: Flag column of each z-score column.
FLAG_OF: Mapping[str, str] = MappingProxyType({i.z: i.flag for i in _LIST})
#: ``(low, high)`` flag limits of each z-score column, on the 2-decimal z-score.
FLAG_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {i.z: (i.flag_low, i.flag_high) for i in _LIST}
)
