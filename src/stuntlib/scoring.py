"""The DataFrame entry point: ``score(df)`` for notebooks and services."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from stuntlib.classification import CLASSIFICATIONS, Language, Rounding, classify
from stuntlib.columns import resolve_columns
from stuntlib.errors import ColumnError, StuntlibWarning
from stuntlib.growth import ZSCORE_INPUTS, given_indicators, zscores
from stuntlib.indicators import ZSCORES
from stuntlib.standardize import is_under_five

__all__ = ["AGE_GROUP_EDGES", "AGE_GROUP_LABELS", "age_group", "score"]

#: WHO age groups [months, right-open], as WHO ``anthro`` tabulates prevalence.
AGE_GROUP_EDGES: tuple[float, ...] = (0.0, 6.0, 12.0, 24.0, 36.0, 48.0, 60.0)
AGE_GROUP_LABELS: tuple[str, ...] = (
    "00-05 mo",
    "06-11 mo",
    "12-23 mo",
    "24-35 mo",
    "36-47 mo",
    "48-59 mo",
)


_BMI_ORDER = (
    "severely wasted",
    "severely thin",
    "wasted",
    "thin",
    "normal",
    "possible risk of overweight",
    "overweight",
    "obese",
)


def age_group(age_months: Any) -> pd.Categorical:
    """WHO age group of each child: ``00-05 mo`` ... ``48-59 mo`` (NA outside 0-60 months).

    Groups are right-open on the unrounded age in months, as in WHO ``anthro``.

    Parameters
    ----------
    age_months : array_like
        Age [months], unrounded.

    Returns
    -------
    pandas.Categorical
        Ordered categories.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_prevalence`` age groups) and AnthroPlus R package 1.0
       (``anthroplus_zscores``).

    Examples
    --------
    >>> age_group([0, 5.99, 6, 23.99, 24, 59.99, 60]).tolist()
    ['00-05 mo', '00-05 mo', '06-11 mo', '12-23 mo', '24-35 mo', '48-59 mo', nan]
    """
    months = np.asarray(age_months, dtype=np.float64)
    # one comparison per inner edge (cheaper than a binary search per row)
    codes = np.zeros(months.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        for edge in AGE_GROUP_EDGES[1:-1]:
            codes += months >= edge
        outside = ~((months >= AGE_GROUP_EDGES[0]) & (months < AGE_GROUP_EDGES[-1]))
    codes = np.where(outside, np.int8(-1), codes)
    dtype = pd.CategoricalDtype(list(AGE_GROUP_LABELS), ordered=True)
    return pd.Categorical.from_codes(codes, dtype=dtype)


def _oedema_counts(months: np.ndarray, z: str) -> np.ndarray:
    """Where oedema puts a child in the lowest class of ``z``: the indicator's ages or unknown.

    Weight-for-length/height applies under five (:func:`stuntlib.standardize.is_under_five`),
    weight-for-age to 120 months and BMI-for-age to 228 months (the WHO 2007 tables); WHO
    ``anthro_prevalence`` also counts children of unknown age.
    """
    if z == "zwfl":
        return is_under_five(months, unknown=True)
    with np.errstate(invalid="ignore"):
        inside = (months >= 0) & (months <= ZSCORES[z].max_months_2007)
    return inside | np.isnan(months)


def _bmi_status(
    scored: pd.DataFrame, language: Language, rounding: Rounding, oedema: np.ndarray
) -> pd.Categorical:
    """IMT/U class: the 0-5 table for WHO 2006 rows, the 5-18 table for WHO 2007 rows."""
    tables = [CLASSIFICATIONS["bmi_0_5"], CLASSIFICATIONS["bmi_5_18"]]
    en_to_lang = {
        en: label
        for spec in tables
        for en, label in zip(spec.labels_en, spec.labels(language), strict=True)
    }
    order = list(dict.fromkeys(en_to_lang[label] for label in _BMI_ORDER))
    position = {label: i for i, label in enumerate(order)}
    codes = []
    for spec, key in zip(tables, ("bmi_0_5", "bmi_5_18"), strict=True):
        classes = pd.Categorical(
            classify(scored["zbmi"].to_numpy(), key, rounding=rounding, oedema=oedema)
        )
        # map the table's class codes into the shared order; the extra slot keeps -1 (NA)
        lookup = np.array([position[en_to_lang[x]] for x in spec.labels_en] + [-1])
        codes.append(lookup[classes.codes])
    is_2007 = (scored["reference"] == "WHO2007").to_numpy()
    dtype = pd.CategoricalDtype(order, ordered=True)
    return pd.Categorical.from_codes(np.where(is_2007, codes[1], codes[0]), dtype=dtype)


def _warn_half_date_pair(mapping: Mapping[str, object]) -> None:
    """Warn when ages can only come from dates and one of the two dates is not found."""
    if "age_days" in mapping or "age_months" in mapping:
        return
    for have, missing in (("birth_date", "measure_date"), ("measure_date", "birth_date")):
        if have in mapping and missing not in mapping:
            warnings.warn(
                f"frame: a {have} column ({mapping[have]!r}) was found but no {missing} "
                "column, so no age can be computed and every row gets missing_age; pass "
                f"columns={{'{missing}': '<label>'}} to name it",
                StuntlibWarning,
                stacklevel=3,
            )


def score(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    *,
    language: Language = "en",
    rounding: Rounding = "who",
    indicators: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Score a frame of measurements: the input plus WHO z-scores, flags, reasons, classes.

    Input columns are found by their canonical names (``sex``, ``age_days`` or
    ``age_months`` or ``birth_date`` + ``measure_date``, ``lenhei``, ``weight``,
    ``measure``, ``oedema``, ``headc``, ``armc``, ``triskin``, ``subskin``) or any alias
    in :data:`stuntlib.columns.CANONICAL_ALIASES` (``height_cm``, ``weight_kg``, ``dob``,
    and the e-PPGBM headers ``JK``, ``Tgl Lahir``, ``Tanggal Pengukuran``, ``Tinggi``,
    ``Berat``, ``Cara Ukur``, ``LiLA``, ...). ``columns`` maps canonical names to labels
    explicitly.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per measurement.
    columns : mapping, optional
        ``{canonical name: column label}`` overrides.
    language : {"en", "id"}, default "en"
        Language of the class labels.
    rounding : {"who", "exact"}, default "who"
        Classify the 2-decimal z-score as WHO does, or the exact one.
    indicators : sequence of str, optional
        Z-scores to compute (see :func:`stuntlib.growth.zscores`); default those whose
        measurement columns the frame has.

    Returns
    -------
    pandas.DataFrame
        The input (same index, same order, every row) followed by the columns of
        :func:`stuntlib.growth.zscores` and, for each computed z-score, its class:
        ``stunting`` (``zlen``), ``underweight`` (``zwei``), ``wasting`` (``zwfl``),
        ``bmi_status`` (``zbmi``; ordered categories), then ``age_group``. An input column
        with the name of an output column is replaced. A flagged z-score has no class; a
        child with oedema is in the lowest weight-based classes (see
        :func:`stuntlib.classification.classify`), so counting the classes of the
        children under five gives :func:`stuntlib.estimation.prevalence`'s counts.

    Raises
    ------
    ColumnError
        If no sex column is found, ``columns`` is inconsistent with the frame, or an
        input column label appears more than once.
    StuntlibError
        If ``indicators`` names an unknown z-score, or ``language``/``rounding`` is unknown.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1 (``anthro_zscores``, ``anthro_prevalence``) and
       AnthroPlus R package 1.0.
    .. [2] Permenkes RI No. 2 Tahun 2020 tentang Standar Antropometri Anak (classes).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"JK": ["L", "P"], "Tgl Lahir": ["01/01/2023", "15/06/2021"],
    ...                    "Tanggal Pengukuran": ["01/08/2025", "01/08/2025"],
    ...                    "Tinggi": [84.0, 96.5], "Berat": [11.2, 14.0],
    ...                    "Cara Ukur": ["Berdiri", "Berdiri"]})
    >>> out = score(df)
    >>> out[["age_days", "zlen", "stunting", "age_group"]].round(2)
       age_days  zlen stunting age_group
    0     943.0 -2.50  stunted  24-35 mo
    1    1508.0 -1.63   normal  48-59 mo
    """
    if not isinstance(frame, pd.DataFrame):
        raise ColumnError(f"frame: expected a pandas DataFrame; got {type(frame).__name__}")
    mapping = resolve_columns(frame.columns, columns)
    if "sex" not in mapping:
        raise ColumnError(
            "frame: no sex column found; expected one named 'sex' or an alias such as "
            f"'JK', 'jenis kelamin', 'gender'; the columns are {list(frame.columns)}. "
            "Pass columns={'sex': '<label>'} to name it."
        )
    repeated = set(frame.columns[frame.columns.duplicated()])
    duplicated = [label for label in mapping.values() if label in repeated]
    if duplicated:
        raise ColumnError(
            f"frame: the column label {duplicated[0]!r} appears more than once; rename or "
            "drop the duplicates (e.g. after pandas.concat) so each input has one column"
        )
    _warn_half_date_pair(mapping)
    args = {name: frame[mapping[name]] for name in ZSCORE_INPUTS if name in mapping}
    given = given_indicators(args)
    # by default only the indicators whose measurements are given (a height-only export
    # gets no all-NaN weight columns); an oedema column keeps the weight-based ones, since
    # oedema alone classes a child as severely wasted/underweight
    if indicators is not None:
        wanted = tuple(indicators)
    else:
        with_oedema = ("zwei", "zwfl", "zbmi") if "oedema" in args else ()
        wanted = tuple(dict.fromkeys((*(given or ("zlen",)), *with_oedema)))
    scored = zscores(**args, indicators=wanted)
    oedema = (scored["coedema"] == "y").to_numpy(dtype=bool, na_value=False)
    months = scored["age_months"].to_numpy()
    for z, column in (("zlen", "stunting"), ("zwei", "underweight"), ("zwfl", "wasting")):
        if z not in scored.columns:
            continue
        counts = None if z == "zlen" else oedema & _oedema_counts(months, z)
        if z in given:
            scored[column] = classify(
                scored[z], column, language=language, rounding=rounding, oedema=counts
            )
        else:  # no z-score anywhere: only oedema gives a class
            labels = CLASSIFICATIONS[column].labels(language)
            codes = np.full(len(scored), -1, np.int8) if counts is None else counts - 1
            dtype = pd.CategoricalDtype(list(labels), ordered=True)
            cat = pd.Categorical.from_codes(codes.astype(np.int8), dtype=dtype)
            scored[column] = pd.Series(cat, index=scored.index)
    if "zbmi" in scored.columns:
        scored["bmi_status"] = _bmi_status(
            scored, language, rounding, oedema & _oedema_counts(months, "zbmi")
        )
    scored["age_group"] = age_group(months)
    kept = frame.drop(columns=[c for c in scored.columns if c in frame.columns])
    return pd.concat([kept, scored], axis=1)
