"""Dense integer codes of the groups formed by one or more key columns (private).

The one place where several key columns are combined into a single group code: each key
is factorised, the codes are combined in mixed radix, and the combination is factorised
again whenever the radix would overflow int64. Used by every grouped computation
(prevalence, quality statistics, publication tables, reports, streaming) so that a group
is the same group everywhere.

An ``object`` key column that does not hold only text (what ``pandas.read_excel`` gives
for posyandu or RW codes such as ``1, 2, "Melati"``) is grouped by the text form of its
values: ``1`` and ``"1"`` are one group labelled ``"1"``, a whole-number float ``1.0``
is ``"1"`` too, ``True`` is ``"True"``. The labels are then text whatever the row order,
where hashing would merge ``1``, ``1.0`` and ``True`` under whichever value comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.errors import StuntlibError

__all__ = ["distinct_rows", "group_codes", "group_key"]

#: Largest radix product kept before the combined codes are factorised again.
_RADIX_LIMIT = 2**62


def group_key(values: pd.Series) -> pd.Series:
    """The values a key column is grouped by: text form for mixed ``object`` columns.

    Parameters
    ----------
    values : pandas.Series
        One key column.

    Returns
    -------
    pandas.Series
        ``values`` itself unless it is an ``object`` column holding anything but text;
        then the text form of each value (missing values stay missing; whole-number
        non-text values without the ``.0``).

    Examples
    --------
    >>> group_key(pd.Series([1, "TIRTO", 2.0, None, True], dtype=object)).tolist()
    ['1', 'TIRTO', '2', nan, 'True']
    """
    if values.dtype != object:
        return values
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return values
    missing = values.isna().to_numpy()
    is_text = values.str.len().notna().to_numpy()
    text = values.astype(str)
    whole = text.str.fullmatch(r"-?\d+\.0+").to_numpy(dtype=bool, na_value=False)
    strip = whole & ~is_text & ~missing
    if strip.any():
        text = text.where(~strip, text.str.replace(r"\.0+$", "", regex=True))
    return text.where(~missing, np.nan).astype(object)


def _codes_with_first(
    keys: Sequence[pd.Series], n: int, missing: Literal["drop", "level"]
) -> tuple[NDArray[np.int64], NDArray[np.int64], list[pd.Series]]:
    codes = np.zeros(n, dtype=np.int64)
    dropped = np.zeros(n, dtype=bool)
    radix = 1
    normalised = [group_key(k) for k in keys]
    for s in normalised:
        c, uniq = pd.factorize(s, use_na_sentinel=missing == "drop")
        c = np.asarray(c, dtype=np.int64)
        dropped |= c < 0
        size = max(len(uniq), 1)
        if radix * size > _RADIX_LIMIT:
            codes = np.asarray(pd.factorize(codes)[0], dtype=np.int64)
            radix = int(codes.max()) + 1 if n else 1
        codes = codes * size + np.maximum(c, 0)
        radix *= size
    kept = np.flatnonzero(~dropped)
    gcodes, uniques = pd.factorize(codes[kept])
    out = np.full(n, -1, dtype=np.int64)
    out[kept] = gcodes
    first = np.zeros(len(uniques), dtype=np.int64)
    first[gcodes[::-1]] = kept[::-1]
    return out, first, normalised


def group_codes(
    keys: Sequence[pd.Series] | pd.DataFrame,
    missing: Literal["drop", "level"] = "drop",
    *,
    n: int | None = None,
) -> tuple[NDArray[np.int64], pd.DataFrame]:
    """Dense codes of the groups formed by crossing ``keys``, in order of first appearance.

    Parameters
    ----------
    keys : sequence of pandas.Series, or pandas.DataFrame
        Key columns of equal length (a DataFrame: its columns). Mixed-type ``object``
        columns are grouped by text form (see :func:`group_key`).
    missing : {"drop", "level"}, default "drop"
        ``"drop"``: a row with a missing value in any key belongs to no group (code -1);
        ``"level"``: a missing value is a level of its own.
    n : int, optional
        Number of rows; needed only when ``keys`` is empty (then every row is in one
        group, if there are rows).

    Returns
    -------
    codes : numpy.ndarray of int64
        Group of each row, ``0 .. ngroups - 1``, or -1 for a dropped row.
    uniques : pandas.DataFrame
        One row per group (in code order), one column per key (named after the Series,
        or ``key0``, ``key1``... when unnamed), holding the grouped values.

    Raises
    ------
    StuntlibError
        If ``missing`` is not ``"drop"`` or ``"level"``, or the keys differ in length.

    References
    ----------
    .. [1] pandas documentation, ``pandas.factorize`` (codes in order of appearance).

    Examples
    --------
    >>> a = pd.Series(["x", "y", "x", None], name="a")
    >>> b = pd.Series([1, 1, 1, 2], name="b")
    >>> codes, uniques = group_codes([a, b])
    >>> codes.tolist(), uniques.values.tolist()
    ([0, 1, 0, -1], [['x', 1], ['y', 1]])
    """
    if missing not in ("drop", "level"):
        raise StuntlibError(f"missing: expected 'drop' or 'level'; got {missing!r}")
    series = [keys[c] for c in keys.columns] if isinstance(keys, pd.DataFrame) else list(keys)
    if n is None:
        n = len(series[0]) if series else 0
    if any(len(s) != n for s in series):
        raise StuntlibError(
            f"keys: expected key columns of equal length; got lengths {[len(s) for s in series]}"
        )
    if not series:
        return np.zeros(n, dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1 if n else 0))
    codes, first, normalised = _codes_with_first(series, n, missing)
    columns = {
        (s.name if s.name is not None else f"key{j}"): s.iloc[first].reset_index(drop=True)
        for j, s in enumerate(normalised)
    }
    return codes, pd.DataFrame(columns)


def distinct_rows(keys: Sequence[pd.Series]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each row's distinct combination of ``keys`` and the first row of each combination.

    For work done once per combination and spread back to the rows
    (``result_per_combination[codes]``). Missing values are a level of their own; codes
    are in order of first appearance, as in :func:`group_codes`.

    Parameters
    ----------
    keys : sequence of pandas.Series
        At least one key column; all of one length ``n``.

    Returns
    -------
    codes : numpy.ndarray of int64, shape (n,)
        The combination of each row, ``0 .. k - 1``.
    first : numpy.ndarray of int64, shape (k,)
        The first row of each combination, ascending.

    Examples
    --------
    >>> codes, first = distinct_rows([pd.Series(["a", "b", "a", None]), pd.Series([1, 1, 1, 1])])
    >>> codes.tolist(), first.tolist()
    ([0, 1, 0, 2], [0, 1, 3])
    """
    codes, first, _ = _codes_with_first(list(keys), len(keys[0]), "level")
    return codes, first
