"""The prevalence indicators: WHO cut-offs on z-scores, and mean z-scores.

One :class:`Indicator` per row of WHO ``anthro_prevalence``'s output: the z-score
column(s) it reads, the strict inequality and cut-off, WHO's column stem and labels in
English and Indonesian. :data:`INDICATORS` is the table by name, in output order.

References
----------
.. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (cut-offs, oedema rule).
.. [2] WHO & UNICEF (2019). Recommendations for data collection, analysis and reporting
   on anthropometric indicators in children under 5 years old. Geneva: WHO.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.indicators import FLAG_LIMITS, FLAG_OF

__all__ = ["INDICATORS", "OEDEMA_AUX_ZSCORE", "Indicator"]

#: The auxiliary z-score WHO gives children with oedema in the weight-based cut-offs.
OEDEMA_AUX_ZSCORE = -3.1

_FLAG_OF = {z: FLAG_OF[z] for z in ("zlen", "zwei", "zwfl", "zbmi")}
# WHO flag rules on the 2-decimal z (from the catalogue): flagged when z < low or z > high.
_FLAG_LIMITS = {z: FLAG_LIMITS[z] for z in _FLAG_OF}
_OEDEMA_Z = frozenset({"zwei", "zwfl", "zbmi"})


@dataclass(frozen=True)
class Indicator:
    """One row of :data:`INDICATORS`: a cut-off prevalence or a mean z-score.

    Attributes
    ----------
    name : str
        Name used in ``indicators=`` and in the ``indicator`` output column.
    kind : {"prevalence", "mean"}
        A proportion of children beyond cut-offs, or the mean (and SD) of a z-score.
    terms : tuple of (str, str, float)
        ``(z column, "<" or ">", cut-off)``; a child is a case when every term holds
        (strict inequalities, on the 2-decimal z). For a mean: ``((z column, "", nan),)``.
    who_code : str
        The column stem of WHO ``anthro_prevalence`` (``HA_2``, ``WH2``, ``HA_2_WH_2``...).
    label_en, label_id : str
        English and Indonesian labels for reports.
    """

    name: str
    kind: Literal["prevalence", "mean"]
    terms: tuple[tuple[str, str, float], ...]
    who_code: str
    label_en: str
    label_id: str

    @property
    def z_columns(self) -> tuple[str, ...]:
        """The z-score columns the indicator reads."""
        return tuple(t[0] for t in self.terms)

    @property
    def base(self) -> str:
        """Key of the validity mask: the z columns, with ``+o`` where oedema counts."""
        return "&".join(z + ("+o" if self._aux(z) else "") for z in self.z_columns)

    def _aux(self, z: str) -> bool:
        return self.kind == "prevalence" and z in _OEDEMA_Z


def _p(name: str, z: str, op: str, cut: float, code: str, en: str, id_: str) -> Indicator:
    return Indicator(name, "prevalence", ((z, op, cut),), code, en, id_)


_INDICATOR_LIST = (
    _p("severe_stunting", "zlen", "<", -3, "HA_3", "Severe stunting (HAZ < -3)", "Sangat pendek"),
    _p(
        "stunting",
        "zlen",
        "<",
        -2,
        "HA_2",
        "Stunting (HAZ < -2)",
        "Stunting (pendek + sangat pendek)",
    ),
    _p("haz_below_minus1", "zlen", "<", -1, "HA_1", "HAZ < -1", "TB/U < -1 SD"),
    _p("haz_above_1", "zlen", ">", 1, "HA1", "HAZ > +1", "TB/U > +1 SD"),
    _p("haz_above_2", "zlen", ">", 2, "HA2", "HAZ > +2", "TB/U > +2 SD"),
    _p("haz_above_3", "zlen", ">", 3, "HA3", "Tall (HAZ > +3)", "Tinggi (TB/U > +3 SD)"),
    _p(
        "severe_underweight",
        "zwei",
        "<",
        -3,
        "WA_3",
        "Severe underweight (WAZ < -3)",
        "Berat badan sangat kurang",
    ),
    _p(
        "underweight",
        "zwei",
        "<",
        -2,
        "WA_2",
        "Underweight (WAZ < -2)",
        "Underweight (berat badan kurang + sangat kurang)",
    ),
    _p("waz_below_minus1", "zwei", "<", -1, "WA_1", "WAZ < -1", "BB/U < -1 SD"),
    _p("waz_above_1", "zwei", ">", 1, "WA1", "WAZ > +1", "Risiko berat badan lebih (BB/U > +1 SD)"),
    _p("waz_above_2", "zwei", ">", 2, "WA2", "WAZ > +2", "BB/U > +2 SD"),
    _p("waz_above_3", "zwei", ">", 3, "WA3", "WAZ > +3", "BB/U > +3 SD"),
    _p("severe_wasting", "zwfl", "<", -3, "WH_3", "Severe wasting (WHZ < -3)", "Gizi buruk"),
    _p(
        "wasting",
        "zwfl",
        "<",
        -2,
        "WH_2",
        "Wasting (WHZ < -2)",
        "Wasting (gizi kurang + gizi buruk)",
    ),
    _p("whz_below_minus1", "zwfl", "<", -1, "WH_1", "WHZ < -1", "BB/TB < -1 SD"),
    _p(
        "risk_of_overweight",
        "zwfl",
        ">",
        1,
        "WH1",
        "Possible risk of overweight (WHZ > +1)",
        "Berisiko gizi lebih",
    ),
    _p("overweight", "zwfl", ">", 2, "WH2", "Overweight (WHZ > +2)", "Gizi lebih dan obesitas"),
    _p("obesity", "zwfl", ">", 3, "WH3", "Obesity (WHZ > +3)", "Obesitas"),
    _p(
        "bmi_severe_wasting",
        "zbmi",
        "<",
        -3,
        "BMI_3",
        "Severe thinness (BMIZ < -3)",
        "Gizi buruk (IMT/U)",
    ),
    _p(
        "bmi_wasting",
        "zbmi",
        "<",
        -2,
        "BMI_2",
        "Thinness (BMIZ < -2)",
        "Gizi kurang + buruk (IMT/U)",
    ),
    _p("bmiz_below_minus1", "zbmi", "<", -1, "BMI_1", "BMIZ < -1", "IMT/U < -1 SD"),
    _p(
        "bmi_risk_of_overweight",
        "zbmi",
        ">",
        1,
        "BMI1",
        "Possible risk of overweight (BMIZ > +1)",
        "Berisiko gizi lebih (IMT/U)",
    ),
    _p(
        "bmi_overweight",
        "zbmi",
        ">",
        2,
        "BMI2",
        "Overweight (BMIZ > +2)",
        "Gizi lebih + obesitas (IMT/U)",
    ),
    _p("bmi_obesity", "zbmi", ">", 3, "BMI3", "Obesity (BMIZ > +3)", "Obesitas (IMT/U)"),
    Indicator(
        "stunted_and_wasted",
        "prevalence",
        (("zlen", "<", -2), ("zwfl", "<", -2)),
        "HA_2_WH_2",
        "Stunted and wasted",
        "Stunting dan wasting",
    ),
    Indicator(
        "stunted_and_overweight",
        "prevalence",
        (("zlen", "<", -2), ("zwfl", ">", 2)),
        "HA_2_WH2",
        "Stunted and overweight",
        "Stunting dan gizi lebih",
    ),
    Indicator("zlen_mean", "mean", (("zlen", "", np.nan),), "HA", "Mean HAZ", "Rata-rata z TB/U"),
    Indicator("zwei_mean", "mean", (("zwei", "", np.nan),), "WA", "Mean WAZ", "Rata-rata z BB/U"),
    Indicator("zwfl_mean", "mean", (("zwfl", "", np.nan),), "WH", "Mean WHZ", "Rata-rata z BB/TB"),
    Indicator(
        "zbmi_mean", "mean", (("zbmi", "", np.nan),), "BMI", "Mean BMIZ", "Rata-rata z IMT/U"
    ),
)

#: The indicators :func:`prevalence` computes, by name, in output order.
#:
#: Cut-off prevalences are strict inequalities on the z-score rounded to 2 decimals as
#: WHO does (``stunting``: ``zlen < -2``; ``-2.00`` is not stunted). Flagged z-scores
#: (``flen == 1`` ...) are excluded. For the weight-based cut-offs (``zwei``, ``zwfl``,
#: ``zbmi``) a child with oedema counts as z = -3.1 (:data:`OEDEMA_AUX_ZSCORE`), i.e. as
#: severely wasted/underweight, and is part of ``n``; the means exclude oedema.
#: The combined indicators need both z-scores. The ``*_mean`` rows give the mean z-score
#: (``estimate``), its CI and the SD (``sd``).
INDICATORS: Mapping[str, Indicator] = MappingProxyType({i.name: i for i in _INDICATOR_LIST})


def select_indicators(columns: Sequence[str], indicators: Any) -> tuple[Indicator, ...]:
    """The indicators to compute, in :data:`INDICATORS` order.

    ``None`` chooses every indicator whose z columns are all in ``columns``.

    Raises
    ------
    StuntlibError
        If a name is not in :data:`INDICATORS`.
    ColumnError
        If no z-score column is present, or a chosen indicator's column is absent.
    """
    present = set(columns)
    if indicators is None:
        chosen = [i for i in _INDICATOR_LIST if all(z in present for z in i.z_columns)]
        if not chosen:
            raise ColumnError(
                "frame: no z-score column found; expected some of "
                f"{sorted(_FLAG_OF)} (as stuntlib.growth returns them); got {list(columns)}"
            )
        return tuple(chosen)
    names = [indicators] if isinstance(indicators, str) else list(indicators)
    unknown = [n for n in names if n not in INDICATORS]
    if unknown or not names:
        raise StuntlibError(
            f"indicators: expected names from stuntlib.estimation.INDICATORS "
            f"({list(INDICATORS)}); got {indicators!r}"
        )
    picked = [INDICATORS[n] for n in dict.fromkeys(names)]
    for ind in picked:
        for z in ind.z_columns:
            if z not in present:
                raise ColumnError(
                    f"indicators: {ind.name!r} needs the z-score column {z!r}, which is not in "
                    f"the frame; the columns are {list(columns)}"
                )
    order = {n: k for k, n in enumerate(INDICATORS)}
    return tuple(sorted(picked, key=lambda i: order[i.name]))
