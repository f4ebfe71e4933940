"""Report tables of a prevalence result: wide, labelled, formatted percentages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib._format import format_decimal
from stuntlib._validation import check_language
from stuntlib.errors import StuntlibError
from stuntlib.estimation._frame import FloatArray
from stuntlib.estimation.indicators import INDICATORS

__all__ = ["prevalence_table"]

_GROUP_LABELS = {
    "en": {"All": "All", "age_group": "Age group", "sex": "Sex", "baduta": "Age",
           "kelurahan": "Kelurahan", "kecamatan": "Kecamatan", "posyandu": "Posyandu",
           "kota": "City", "birth_year": "Birth year", "birth_quarter": "Birth quarter",
           "measure_quarter": "Round", "measure_month": "Month"},
    "id": {"All": "Total", "age_group": "Kelompok umur", "sex": "Jenis kelamin",
           "baduta": "Umur", "kelurahan": "Kelurahan", "kecamatan": "Kecamatan",
           "posyandu": "Posyandu", "kota": "Kota", "birth_year": "Tahun lahir",
           "birth_quarter": "Triwulan lahir", "measure_quarter": "Putaran",
           "measure_month": "Bulan", "Female": "Perempuan", "Male": "Laki-laki",
           "mo": "bln"},
}  # fmt: skip


def _formatted(values: FloatArray, decimals: NDArray[Any], language: str) -> NDArray[Any]:
    """Numbers as the language writes them (``24,4`` / ``24.4``); ``""`` where missing.

    Each distinct (value, decimals) is formatted once, by :mod:`stuntlib._format`.
    """
    keys = pd.MultiIndex.from_arrays([np.round(values, 10), decimals])
    codes, uniques = pd.factorize(keys)
    texts = [
        "" if np.isnan(value) else format_decimal(value, language, int(digits))
        for value, digits in uniques
    ]
    return np.asarray(texts, dtype=object)[codes]


def prevalence_table(
    result: pd.DataFrame,
    *,
    language: Literal["en", "id"] = "en",
    decimals: int = 1,
    interval: bool = True,
    indicators: Sequence[str] | None = None,
    mark_unreliable: bool = True,
) -> pd.DataFrame:
    """Wide, labelled percent table of a :func:`prevalence` result, for reports.

    One row per group (labelled ``"Age group: 12-23 mo"``, ``"Kelurahan: Tirto"``...),
    one column per indicator (labelled from :data:`INDICATORS`), cells formatted as
    ``"23.8 (22.4, 25.3)"`` in English and ``"23,8 (22,4–25,3)"`` in Indonesian (percent
    and interval, written by :mod:`stuntlib._format`; mean z-scores in z units), and a
    first column with the number of children. Suppressed cells show ``"-"``; cells whose
    reliability is not ``ok`` are put in parentheses when ``mark_unreliable``.

    Parameters
    ----------
    result : pandas.DataFrame
        Output of :func:`prevalence`.
    language : {"en", "id"}, default "en"
        English or Indonesian labels.
    decimals : int, default 1
        Decimals of the percentages.
    interval : bool, default True
        Append the confidence interval.
    indicators : list of str, optional
        Indicators to show, in order; default all in ``result``.
    mark_unreliable : bool, default True
        Parenthesise cells flagged ``small_n`` or ``disclosive``.

    Returns
    -------
    pandas.DataFrame
        String cells, indexed by group label.

    Raises
    ------
    StuntlibError
        If ``result`` is not a prevalence table, ``language`` is not ``"en"``/``"id"``
        or an indicator name is unknown.

    References
    ----------
    .. [1] WHO & UNICEF (2019). Recommendations for data collection, analysis and
       reporting on anthropometric indicators in children under 5 years old (reporting
       template: prevalence with 95 % CI per group).

    Examples
    --------
    >>> from stuntlib.estimation import prevalence
    >>> df = pd.DataFrame({"zlen": [-2.5, -1.0, -3.2, 0.4], "flen": 0, "csex": [1, 2, 1, 2]})
    >>> res = prevalence(df, [[], ["sex"]], indicators="stunting", min_n=1, min_cases=0)
    >>> prevalence_table(res, language="id", interval=False)
    ... # doctest: +NORMALIZE_WHITESPACE
                                n Stunting (pendek + sangat pendek)
    Total                       4                              50,0
    Jenis kelamin: Perempuan    2                               0,0
    Jenis kelamin: Laki-laki    2                             100,0
    """
    check_language(language)
    if not isinstance(result, pd.DataFrame) or "indicator" not in result.columns:
        raise StuntlibError("result: expected the DataFrame returned by stuntlib.prevalence")
    labels = _GROUP_LABELS[language]
    names = list(indicators) if indicators is not None else list(dict.fromkeys(result["indicator"]))
    unknown = [n for n in names if n not in INDICATORS]
    if unknown:
        raise StuntlibError(f"indicators: unknown names {unknown}; expected names from INDICATORS")
    key_cols = [
        c for c in result.columns[1 : list(result.columns).index("indicator")] if c != "grouping"
    ]

    def translate(value: object) -> str:
        text = str(value)
        if language == "id":
            text = labels.get(text, text).replace(" mo", " " + labels["mo"])
        return text

    grouping = result["grouping"].astype(str).to_numpy()
    label_text = pd.Series([""] * len(result), dtype=object)
    head_text = pd.Series([""] * len(result), dtype=object)
    for c in key_cols:
        present = result[c].notna().to_numpy()
        text = result[c].astype(object).map(translate).to_numpy()
        add = pd.Series(np.where(present, text, ""), dtype=object)
        sep = pd.Series(np.where((label_text != "") & present, ".", ""), dtype=object)
        hsep = pd.Series(np.where((head_text != "") & present, " + ", ""), dtype=object)
        label_text = label_text + sep + add
        head = pd.Series(np.where(present, labels.get(c, c), ""), dtype=object)
        head_text = head_text + hsep + head
    row_label = np.where(
        grouping == "All", labels["All"], (head_text + ": " + label_text).to_numpy()
    )

    frame = result.assign(_row=row_label)
    frame = frame[frame["indicator"].isin(names)]
    scale = np.where(frame["kind"].to_numpy() == "prevalence", 100.0, 1.0)
    dec = np.where(scale == 100.0, decimals, 2)

    est = _formatted(frame["estimate"].to_numpy(dtype=np.float64) * scale, dec, language)
    cell = est
    if interval:
        lo = _formatted(frame["ci_low"].to_numpy(dtype=np.float64) * scale, dec, language)
        hi = _formatted(frame["ci_high"].to_numpy(dtype=np.float64) * scale, dec, language)
        # "23,8 (22,4–25,3)": a comma between the bounds would read as a decimal mark
        bounds = lo + "–" + hi if language == "id" else lo + ", " + hi
        cell = np.where(lo == "", est, est + " (" + bounds + ")")
    status = frame["reliability"].astype(str).to_numpy()
    suppressed = frame["suppressed"].to_numpy(dtype=bool)
    if mark_unreliable:
        cell = np.where((status != "ok") & (cell != ""), "(" + cell + ")", cell)
    cell = np.where(suppressed, "-", cell)
    label_of = {
        n: (INDICATORS[n].label_en if language == "en" else INDICATORS[n].label_id) for n in names
    }
    frame = frame.assign(_cell=cell, _label=frame["indicator"].astype(str).map(label_of))
    order = list(dict.fromkeys(frame["_row"]))
    wide = frame.pivot_table(index="_row", columns="_label", values="_cell", aggfunc="first")
    wide = wide.reindex(index=order, columns=[label_of[n] for n in names])
    counts = (
        frame[frame["kind"] == "prevalence"] if (frame["kind"] == "prevalence").any() else frame
    )
    n_col = counts.groupby("_row", sort=False)["n"].max().reindex(order)
    wide.insert(0, "n", n_col.astype("Int64"))
    wide.index.name = None
    wide.columns.name = None
    return wide
