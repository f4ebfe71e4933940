"""Nutritional-status classes from z-scores, driven by documented threshold tables.

Each indicator has one :class:`Classification`: ordered class labels in English and
Indonesian (Permenkes RI No. 2 Tahun 2020 tentang Standar Antropometri Anak) and the
cut-offs between them. A class boundary belongs to the upper class when the lower
class is defined by ``z < cut`` (e.g. stunted is ``z < -2``, so -2.00 is normal) and to
the lower class when the upper class is defined by ``z > cut`` (e.g. tall is ``z > 3``).

By default the z-score is first rounded to 2 decimals with R's rule
(:func:`stuntlib.lms.r_round`), because WHO ``anthro`` rounds before classifying: a raw
z-score of -2.004 is "stunted" on the exact value but "normal" in WHO's tables.
``rounding="exact"`` classifies the unrounded value instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal, overload

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from stuntlib._arrays import as_column
from stuntlib._blocks import run_in_blocks
from stuntlib._validation import check_language
from stuntlib.errors import StuntlibError
from stuntlib.indicators import FLAG_LIMITS, ZSCORES
from stuntlib.lms import r_round

__all__ = [
    "CLASSIFICATIONS",
    "Classification",
    "classify",
    "classify_stunting",
]

Rounding = Literal["who", "exact"]
Language = Literal["en", "id"]


@dataclass(frozen=True)
class Classification:
    """Ordered classes of one indicator and the z-score cut-offs between them.

    Attributes
    ----------
    indicator : str
        The z-score column it applies to (``zlen``, ``zwei``, ``zwfl``, ``zbmi``).
    labels_en, labels_id : tuple of str
        Class labels from the lowest to the highest z-score.
    cuts : tuple of float
        ``len(labels) - 1`` increasing cut-offs.
    upper_inclusive : tuple of bool
        For each cut: True when a z-score equal to the cut belongs to the class below
        (the class above is defined by ``z > cut``), False when it belongs to the class
        above (the class below is defined by ``z < cut``).
    source : str
        Where the cut-offs are defined.
    """

    indicator: str
    labels_en: tuple[str, ...]
    labels_id: tuple[str, ...]
    cuts: tuple[float, ...]
    upper_inclusive: tuple[bool, ...]
    source: str

    def labels(self, language: Language = "en") -> tuple[str, ...]:
        """Return the class labels in ``language`` (``"en"`` or ``"id"``)."""
        return self.labels_id if language == "id" else self.labels_en


_PERMENKES = "Permenkes RI No. 2/2020 (Standar Antropometri Anak), WHO 2006/2007"

#: Classification tables by name. ``stunting`` (TB/U, PB/U), ``underweight`` (BB/U),
#: ``wasting`` (BB/PB, BB/TB), ``bmi_0_5`` (IMT/U 0-60 months) and ``bmi_5_18`` (IMT/U
#: 5-18 years).
CLASSIFICATIONS: dict[str, Classification] = {
    "stunting": Classification(
        "zlen",
        ("severely stunted", "stunted", "normal", "tall"),
        ("sangat pendek", "pendek", "normal", "tinggi"),
        (-3.0, -2.0, 3.0),
        (False, False, True),
        _PERMENKES,
    ),
    "underweight": Classification(
        "zwei",
        ("severely underweight", "underweight", "normal", "risk of overweight"),
        (
            "berat badan sangat kurang",
            "berat badan kurang",
            "berat badan normal",
            "risiko berat badan lebih",
        ),
        (-3.0, -2.0, 1.0),
        (False, False, True),
        _PERMENKES,
    ),
    "wasting": Classification(
        "zwfl",
        (
            "severely wasted",
            "wasted",
            "normal",
            "possible risk of overweight",
            "overweight",
            "obese",
        ),
        ("gizi buruk", "gizi kurang", "gizi baik", "berisiko gizi lebih", "gizi lebih", "obesitas"),
        (-3.0, -2.0, 1.0, 2.0, 3.0),
        (False, False, True, True, True),
        _PERMENKES,
    ),
    "bmi_5_18": Classification(
        "zbmi",
        ("severely thin", "thin", "normal", "overweight", "obese"),
        ("gizi buruk", "gizi kurang", "gizi baik", "gizi lebih", "obesitas"),
        (-3.0, -2.0, 1.0, 2.0),
        (False, False, True, True),
        _PERMENKES,
    ),
}
# IMT/U 0-60 months uses the BB/PB-BB/TB classes and cut-offs (Permenkes 2/2020).
CLASSIFICATIONS["bmi_0_5"] = replace(CLASSIFICATIONS["wasting"], indicator="zbmi")


@overload
def classify(
    z: pd.Series,
    table: str | Classification = ...,
    *,
    language: Language = ...,
    rounding: Rounding = ...,
    oedema: ArrayLike | None = ...,
    exclude_flagged: bool = ...,
) -> pd.Series: ...


@overload
def classify(
    z: ArrayLike,
    table: str | Classification = ...,
    *,
    language: Language = ...,
    rounding: Rounding = ...,
    oedema: ArrayLike | None = ...,
    exclude_flagged: bool = ...,
) -> pd.Categorical: ...


def classify(
    z: ArrayLike,
    table: str | Classification = "stunting",
    *,
    language: Language = "en",
    rounding: Rounding = "who",
    oedema: ArrayLike | None = None,
    exclude_flagged: bool = True,
) -> pd.Categorical | pd.Series:
    """Classify z-scores into the ordered classes of a :class:`Classification`.

    The classes agree with the prevalence :func:`stuntlib.estimation.prevalence` counts:

    * a z-score that WHO flags as implausible (outside :data:`stuntlib.indicators.FLAG_LIMITS`
      of the table's indicator, on the 2-decimal value) gets no class (NA), as WHO
      ``anthro_prevalence`` leaves flagged z-scores out;
    * where ``oedema`` is true the child is in the lowest class (severely wasted / gizi
      buruk, severely underweight / berat badan sangat kurang) whatever the z-score, as WHO
      counts oedema as z = -3.1 in the weight-based cut-offs.

    Parameters
    ----------
    z : array_like, shape (n,)
        Z-scores (float, full precision); NaN gives a missing class.
    table : str or Classification, default "stunting"
        A key of :data:`CLASSIFICATIONS` or a table of your own.
    language : {"en", "id"}, default "en"
        Label language (Indonesian labels follow Permenkes 2/2020).
    rounding : {"who", "exact"}, default "who"
        ``"who"`` rounds to 2 decimals with R's rule first, giving the class WHO
        ``anthro`` gives; ``"exact"`` classifies the unrounded z-score. Flags are always
        on the 2-decimal z-score, as WHO defines them.
    oedema : array_like of bool, shape (n,), optional
        True where the child has bilateral pitting oedema and the indicator applies to
        the child (:func:`stuntlib.scoring.score` passes it for weight-for-age,
        weight-for-length/height and BMI-for-age). Only for weight-based tables.
    exclude_flagged : bool, default True
        Give flagged z-scores no class. False classifies them like any other value.

    Returns
    -------
    pandas.Categorical or pandas.Series
        Ordered categorical of length n (a Series with the same index when ``z`` is a
        Series).

    Raises
    ------
    StuntlibError
        For an unknown table, language or rounding, ``oedema`` for a table that is not
        weight-based, or an ``oedema`` of another length.

    References
    ----------
    .. [1] Permenkes RI No. 2 Tahun 2020 tentang Standar Antropometri Anak: classes and
       cut-offs.
    .. [2] WHO. Anthro R package 1.1: ``anthro_zscores`` rounds z to 2 decimals and flags
       it; ``anthro_prevalence`` drops flagged values and counts oedema as z = -3.1.

    Examples
    --------
    >>> classify([-3.2, -3.0, -2.004, -2.0, 0.0, 3.0, 3.01]).tolist()
    ['severely stunted', 'stunted', 'normal', 'normal', 'normal', 'normal', 'tall']
    >>> classify([-2.004], rounding="exact", language="id").tolist()
    ['pendek']
    >>> classify([-6.01, 6.0]).tolist()  # -6.01 is flagged (|z| > 6): no class
    [nan, 'tall']
    >>> classify([0.5, np.nan], "wasting", oedema=[True, True]).tolist()
    ['severely wasted', 'severely wasted']
    """
    if isinstance(table, str):
        if table not in CLASSIFICATIONS:
            raise StuntlibError(
                f"table: unknown classification {table!r}; expected one of "
                f"{sorted(CLASSIFICATIONS)} or a Classification"
            )
        spec = CLASSIFICATIONS[table]
    else:
        spec = table
    check_language(language)
    if rounding not in ("who", "exact"):
        raise StuntlibError(f"rounding: expected 'who' or 'exact'; got {rounding!r}")
    values = np.asarray(as_column("z", z), dtype=np.float64)
    columns: dict[str, np.ndarray | None] = {"z": values, "oedema": None}
    if oedema is not None:
        indicator = ZSCORES.get(spec.indicator)
        if indicator is None or not indicator.oedema_blanks:
            raise StuntlibError(
                f"oedema: only weight-based tables count oedema; got table for {spec.indicator!r}"
            )
        oed = np.asarray(as_column("oedema", oedema), dtype=bool)
        if oed.shape != values.shape:
            raise StuntlibError(f"oedema: expected {len(values)} values like z; got {len(oed)}")
        columns["oedema"] = oed
    limits = FLAG_LIMITS.get(spec.indicator) if exclude_flagged else None

    def class_codes(block: Mapping[str, np.ndarray | None], rows: int) -> dict[str, np.ndarray]:
        v = block["z"]
        assert v is not None
        rounded = r_round(v, 2) if rounding == "who" or limits is not None else v
        if rounding == "who":
            v = rounded
        codes = np.zeros(rows, dtype=np.int8)
        with np.errstate(invalid="ignore"):
            for cut, upper_inclusive in zip(spec.cuts, spec.upper_inclusive, strict=True):
                codes += (v > cut) if upper_inclusive else (v >= cut)
            missing = np.isnan(v)
            if limits is not None:
                missing |= (rounded < limits[0]) | (rounded > limits[1])
        codes[missing] = -1
        oed = block["oedema"]
        if oed is not None:
            codes[oed] = 0
        return {"codes": codes}

    codes = run_in_blocks(class_codes, columns, len(values))["codes"]
    dtype = pd.CategoricalDtype(list(spec.labels(language)), ordered=True)
    result = pd.Categorical.from_codes(codes, dtype=dtype)
    if isinstance(z, pd.Series):
        return pd.Series(result, index=z.index, name=z.name, copy=False)
    return result


def classify_stunting(
    zlen: ArrayLike, *, language: Language = "en", rounding: Rounding = "who"
) -> pd.Categorical | pd.Series:
    """Stunting class of length/height-for-age z-scores.

    severely stunted / sangat pendek (z < -3), stunted / pendek (-3 <= z < -2),
    normal (-2 <= z <= 3), tall / tinggi (z > 3), on the 2-decimal z-score by default.

    Parameters
    ----------
    zlen : array_like
        Length/height-for-age z-scores.
    language : {"en", "id"}, default "en"
        Label language.
    rounding : {"who", "exact"}, default "who"
        See :func:`classify`.

    Returns
    -------
    pandas.Categorical or pandas.Series
        Ordered categorical.

    Raises
    ------
    StuntlibError
        For an unknown language or rounding.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).
    .. [2] Permenkes RI No. 2 Tahun 2020 tentang Standar Antropometri Anak.

    Examples
    --------
    >>> classify_stunting([-3.5, -2.5, 0.0], language="id").tolist()
    ['sangat pendek', 'pendek', 'normal']
    """
    return classify(zlen, "stunting", language=language, rounding=rounding)
