"""Dask adapter: score and tabulate a Dask DataFrame with the pandas core.

:func:`score` maps :func:`stuntlib.score` over the partitions (with the output metadata
computed from the core itself, so Dask knows every column and dtype without running
anything). :func:`prevalence` computes :func:`stuntlib.estimation.prevalence_partial_sums`
per partition, adds them up in a Dask tree reduction with
:func:`stuntlib.estimation.merge_partial_sums`, and finalises the result on the client
with :func:`stuntlib.estimation.finalize_prevalence`: the very same code as the pandas
path, so the two agree (counts and cut-off prevalences exactly; float sums such as
means and weighted totals to rounding, because they are added in another order).

Dask is imported only when a function is called; without it the functions raise an
:class:`ImportError` that says ``pip install stuntlib[dask]``. Use any Dask scheduler:
the default (threads), ``scheduler="processes"``, or a ``distributed.Client`` for a
cluster.

References
----------
.. [1] WHO. Anthro R package 1.1, ``R/prevalence-compute-api.R``: the small backend
   interface (map to sufficient statistics, reduce, finalise) this adapter follows.
.. [2] Dask documentation, "Delayed" and tree reductions (``split_every``),
   https://docs.dask.org/en/stable/delayed.html
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any, Literal

import pandas as pd

from stuntlib.errors import StuntlibError
from stuntlib.estimation import (
    PartialSums,
    PrevalenceOptions,
    finalize_prevalence,
    merge_partial_sums,
    prevalence_partial_sums,
)
from stuntlib.estimation.options import SUMS_FIELDS
from stuntlib.scoring import score as _score_frame

__all__ = ["INSTALL_HINT", "partial_sums", "prevalence", "score"]

#: What to install when Dask is missing.
INSTALL_HINT = "pip install stuntlib[dask]"


def _import_dask() -> tuple[ModuleType, ModuleType]:
    """Import dask and dask.dataframe, or say what to install."""
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:
        raise ImportError(
            "stuntlib.adapters.dask needs Dask with its DataFrame support, which is not "
            f"installed; install it with: {INSTALL_HINT}  "
            "(or: pip install 'dask[dataframe]' distributed)"
        ) from exc
    return dask, dd


def _check_frame(ddf: Any, dd: ModuleType) -> None:
    if not isinstance(ddf, dd.DataFrame):
        raise StuntlibError(
            f"ddf: expected a dask.dataframe.DataFrame; got {type(ddf).__name__} "
            "(for a pandas DataFrame use stuntlib.score / stuntlib.estimation.prevalence)"
        )


def score(
    ddf: Any,
    columns: Mapping[str, str] | None = None,
    *,
    language: Literal["en", "id"] = "en",
    rounding: Literal["who", "exact"] = "who",
) -> Any:
    """Score every partition of a Dask DataFrame with :func:`stuntlib.score` (lazy).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        One row per measurement, columns as for :func:`stuntlib.score`.
    columns : mapping, optional
        ``{canonical name: column label}`` overrides.
    language : {"en", "id"}, default "en"
        Language of the class labels.
    rounding : {"who", "exact"}, default "who"
        As in :func:`stuntlib.score`.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; partition by partition what :func:`stuntlib.score` returns (same index,
        input columns then scored columns), with exact metadata. Missing or invalid
        inputs give NaN z-scores and a ``*_reason``, as in the pandas core.

    Raises
    ------
    ImportError
        If Dask is not installed (``pip install stuntlib[dask]``).
    ColumnError
        At once (not at compute time) if no sex column is found.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1, ``anthro_zscores``: the z-scores and flags the core
       computes per partition.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"sex": [1, 2, 1, 2], "age_days": [400, 800, 1200, 1500],
    ...                    "lenhei": [70.0, 86.0, 80.0, 99.0]})
    >>> out = score(dd.from_pandas(df, npartitions=2))
    >>> out["zlen"].round(2).compute(scheduler="sync").tolist()
    [-2.91, -0.5, -4.74, -1.03]
    """
    _dask, dd = _import_dask()
    _check_frame(ddf, dd)
    options: dict[str, Any] = {"language": language, "rounding": rounding}
    meta = _score_frame(ddf._meta, columns, **options)
    return ddf.map_partitions(
        _score_frame, columns=dict(columns) if columns else None, meta=meta, **options
    )


def partial_sums(
    ddf: Any,
    by: Any = None,
    *,
    options: PrevalenceOptions | None = None,
    split_every: int = 8,
    **prevalence_options: Any,
) -> Any:
    """Lazy partial sums of :func:`prevalence`: map per partition, tree-reduce.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Scored children (e.g. from :func:`score`).
    by
        As in :func:`stuntlib.estimation.prevalence`.
    options : stuntlib.estimation.PrevalenceOptions, optional
        The prevalence options; the map step reads its ``SUMS_FIELDS``.
    split_every : int, default 8
        Partial sums merged per task of the tree reduction.
    **prevalence_options
        Fields of :class:`~stuntlib.estimation.PrevalenceOptions` overriding ``options``
        (``indicators="stunting"``, ``min_n=1``, the 0.1 name ``max_age_days``...).

    Returns
    -------
    dask.delayed.Delayed
        Computes to a :class:`stuntlib.estimation.PartialSums`.

    Raises
    ------
    ImportError
        If Dask is not installed.
    StuntlibError, ColumnError
        At once, for bad arguments or missing columns (checked on the metadata).

    References
    ----------
    .. [1] Dask documentation, tree reductions with ``split_every``,
       https://docs.dask.org/en/stable/generated/dask.dataframe.DataFrame.reduction.html

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"zlen": [-2.5, -1.0, -3.2, 0.4], "flen": 0})
    >>> lazy = partial_sums(dd.from_pandas(df, npartitions=2), indicators="stunting")
    >>> lazy.compute(scheduler="sync").rows
    4
    """
    dask, dd = _import_dask()
    _check_frame(ddf, dd)
    if isinstance(split_every, bool) or not isinstance(split_every, int) or split_every < 2:
        raise StuntlibError(f"split_every: expected an integer >= 2; got {split_every!r}")
    opts = PrevalenceOptions.build(options, **prevalence_options)
    # the map step reads only its fields; passed as values so the tasks are plain
    fields: dict[str, Any] = {f: getattr(opts, f) for f in SUMS_FIELDS}
    prevalence_partial_sums(ddf._meta, by, **fields)  # validate on the metadata
    map_step = dask.delayed(prevalence_partial_sums, pure=True)
    merge_step = dask.delayed(merge_partial_sums, pure=True)
    level = [map_step(part, by, **fields) for part in ddf.to_delayed()]
    while len(level) > 1:
        level = [merge_step(level[i : i + split_every]) for i in range(0, len(level), split_every)]
    return level[0]


def prevalence(
    ddf: Any,
    by: Any = None,
    *,
    options: PrevalenceOptions | None = None,
    split_every: int = 8,
    scheduler: Any = None,
    **prevalence_options: Any,
) -> pd.DataFrame:
    """Prevalence per group of a Dask DataFrame, finalised exactly as the pandas path.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Scored children (e.g. from :func:`score`).
    by
        As in :func:`stuntlib.estimation.prevalence`.
    options : stuntlib.estimation.PrevalenceOptions, optional
        The same options object :func:`stuntlib.estimation.prevalence` and
        :func:`stuntlib.stream.score_dataset` take.
    split_every : int, default 8
        Partial sums merged per task of the tree reduction.
    **prevalence_options
        Fields of :class:`~stuntlib.estimation.PrevalenceOptions` overriding ``options``
        (``indicators="stunting"``, ``min_n=1``, the 0.1 name ``max_age_days``...).
    scheduler : str or object, optional
        Passed to ``dask.compute`` (``"threads"``, ``"processes"``, ``"sync"``, a
        ``distributed.Client``); default: the active client or Dask's default.

    Returns
    -------
    pandas.DataFrame
        The table of :func:`stuntlib.estimation.prevalence` (computed).

    Raises
    ------
    ImportError
        If Dask is not installed.
    StuntlibError, ColumnError
        For bad arguments, before anything is computed.

    References
    ----------
    .. [1] WHO. Anthro R package 1.1, ``anthro_prevalence``: the estimates and intervals
       that :func:`stuntlib.estimation.finalize_prevalence` computes from the sums.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"zlen": [-2.5, -1.0, -3.2, 0.4, -2.0, -2.01], "flen": 0,
    ...                    "kelurahan": ["Tirto"] * 3 + ["Medono"] * 3})
    >>> ddf = dd.from_pandas(df, npartitions=3)
    >>> out = prevalence(ddf, "kelurahan", indicators="stunting", min_n=1, min_cases=0,
    ...                  scheduler="sync")
    >>> out[["kelurahan", "n", "cases", "estimate"]].round(4)
      kelurahan  n  cases  estimate
    0    Medono  3      1    0.3333
    1     Tirto  3      2    0.6667
    """
    dask, _dd = _import_dask()
    opts = PrevalenceOptions.build(options, **prevalence_options)
    lazy = partial_sums(ddf, by, options=opts, split_every=split_every)
    (sums,) = dask.compute(lazy, scheduler=scheduler)
    if not isinstance(sums, PartialSums):  # pragma: no cover - defensive
        raise StuntlibError(f"internal: expected PartialSums from Dask; got {type(sums)}")
    return finalize_prevalence(sums, options=opts)
