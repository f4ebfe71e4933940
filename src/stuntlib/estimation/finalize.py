"""Finalise step of prevalence: estimates, intervals, reliability and suppression.

:func:`finalize_prevalence` turns merged :class:`~stuntlib.estimation.PartialSums` into
the tidy table: per group and indicator the estimate, its variance
(:mod:`stuntlib.estimation.variance`), the confidence interval of the chosen method
(:mod:`stuntlib.intervals`), the design effect, and a reliability flag that marks small
and disclosive cells (and blanks them with ``suppress=True``).

References
----------
.. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence``.
.. [2] Wilson EB (1927). J Am Stat Assoc 22:209-212.
.. [3] Clopper CJ, Pearson ES (1934). Biometrika 26:404-413.
.. [4] Korn EL, Graubard BI (1998). Surv Methodol 24:193-201.
.. [5] Kish L (1965). Survey Sampling. Wiley.
.. [6] Lumley T (2004). J Stat Softw 9(8); R package ``survey``, ``svyciprop``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from stuntlib import intervals as iv
from stuntlib.disclosure import protect_prevalence
from stuntlib.errors import StuntlibError
from stuntlib.estimation._frame import FloatArray
from stuntlib.estimation.indicators import INDICATORS, Indicator
from stuntlib.estimation.options import _CI_METHODS, PrevalenceOptions
from stuntlib.estimation.sums import _HUNDREDTHS, _PSU, _STRATUM, PartialSums
from stuntlib.estimation.variance import (
    census_mean_variance,
    census_proportion_variance,
    design_degrees_of_freedom,
    design_effect,
    finite_population_correction,
    psus_per_stratum,
    survey_layout,
    survey_variance,
)

__all__ = ["disclosive_cells", "finalize_prevalence"]

_RESULT_COLUMNS = (
    "n", "cases", "weighted_n", "estimate", "se", "ci_low", "ci_high", "deff", "n_eff", "sd",
    "population", "coverage",
)  # fmt: skip


def _check_ci(ci: Any, mode: str) -> str:
    if ci is None:
        return "wilson" if mode == "census" else "logit"
    if ci not in _CI_METHODS:
        raise StuntlibError(f"ci: expected one of {list(_CI_METHODS)} or None; got {ci!r}")
    return str(ci)


def _population_for(
    population: Any, grouping: tuple[str, ...], index: pd.Index
) -> FloatArray | None:
    if population is None:
        return None
    if np.isscalar(population):
        return np.full(len(index), float(np.asarray(population))) if not grouping else None
    if isinstance(population, pd.DataFrame):
        if "population" not in population.columns:
            raise StuntlibError(
                "population: a DataFrame must have a 'population' column beside the group "
                f"columns; got columns {list(population.columns)}"
            )
        keys = [c for c in population.columns if c != "population"]
        series = population.set_index(keys)["population"]
    elif isinstance(population, pd.Series):
        series = population
    else:
        raise StuntlibError(
            "population: expected a number (overall), a Series indexed by the group column(s) "
            "or a DataFrame with the group columns and 'population'; "
            f"got {type(population).__name__}"
        )
    names = [n for n in series.index.names]
    if not grouping or set(names) != set(grouping):
        return None
    if len(grouping) > 1:
        series = series.reorder_levels(list(grouping))  # type: ignore[arg-type]
    values = series.reindex(index).to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(values)


class _Grouping:
    """The cells of one grouping set, summed per group, with the survey layout."""

    def __init__(self, sums: PartialSums, k: int, m_h: pd.Series) -> None:
        keys = list(sums.groupings[k])
        cells = sums.cells[k]
        design_cols = [c for c in (_STRATUM, _PSU) if c in cells.columns]
        if design_cols or keys:
            cells = cells.sort_values(keys + design_cols, kind="stable").reset_index(drop=True)
        if keys:
            grouped = cells.groupby(keys, sort=True, observed=True)
            g_idx = np.asarray(grouped.ngroup().to_numpy(), dtype=np.int64)
            G = grouped.sum(numeric_only=True)
            G = G.drop(columns=[c for c in design_cols if c in G.columns])
        else:
            g_idx = np.zeros(len(cells), dtype=np.int64)
            G = cells.drop(columns=design_cols).sum(numeric_only=True).to_frame().T
            G.index = pd.RangeIndex(1)
        self.keys = keys
        self.cells = cells
        self.G = G
        self.ng = len(G)
        self.survey = sums.mode == "survey"
        self.layout = (
            survey_layout(cells, keys, g_idx, m_h, sums.clustered) if self.survey else None
        )
        self.mean_scale = _HUNDREDTHS if (not self.survey and sums.rounding == "who") else 1.0

    def column(self, name: str) -> FloatArray:
        return np.asarray(self.G[name].to_numpy(dtype=np.float64))


def _interval(
    ci: str,
    r: FloatArray,
    se: FloatArray,
    n: FloatArray,
    n_eff: FloatArray,
    df: float,
    level: float,
    survey: bool,
) -> tuple[FloatArray, FloatArray]:
    """Dispatch a proportion's interval; binomial ones use the effective n."""
    if ci == "logit":
        return iv.logit_interval(r, se, df, level)
    if ci == "korn-graubard" and survey:
        return iv.korn_graubard_interval(r, se, n, df, level)
    finite = np.isfinite(n_eff)
    ne = np.where(finite, n_eff, 1.0)
    if ci == "korn-graubard":
        # census: Clopper-Pearson on the finite-population-corrected n
        low, high = iv.korn_graubard_interval(r, se, ne, ne - 1.0, level)
    else:
        method = {
            "wilson": iv.wilson_interval,
            "clopper-pearson": iv.clopper_pearson_interval,
            "jeffreys": iv.jeffreys_interval,
        }[ci]
        low, high = method(r * ne, ne, level)
    return np.where(finite, low, r), np.where(finite, high, r)


def _indicator_columns(
    grp: _Grouping,
    ind: Indicator,
    ci: str,
    level: float,
    df: float,
    N: float,
    pop: FloatArray | None,
) -> dict[str, FloatArray]:
    """The result columns of one indicator for every group of one grouping."""
    b = ind.base
    ng = grp.ng
    n = grp.column(f"n:{b}")
    W = grp.column(f"w:{b}") if grp.survey else n
    if ind.kind == "prevalence":
        cases = grp.column(f"c:{ind.name}")
        A = grp.column(f"a:{ind.name}") if grp.survey else cases
        S2 = np.full(ng, np.nan)
    else:
        cases = np.full(ng, np.nan)
        A = grp.column(f"a:{ind.name}") / grp.mean_scale
        S2 = grp.column(f"s2:{ind.name}") / grp.mean_scale**2
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(W > 0, A / W, np.nan)
    if grp.layout is not None:
        var = survey_variance(grp.cells, grp.layout, ind.name, b, ind.kind, r, W)
    elif ind.kind == "mean":
        var = census_mean_variance(A, S2, n, N)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = N / (N - 1.0) if ci == "logit" else 1.0
        var = census_proportion_variance(r, n, factor)
    fpc = finite_population_correction(pop, n)
    var = var * fpc
    with np.errstate(invalid="ignore"):
        se = np.sqrt(var)
    sd = np.full(ng, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        if ind.kind == "mean":
            wvar = np.maximum(S2 - A * A / W, 0.0) / W * n / (n - 1.0)
            sd = np.where(n > 1, np.sqrt(wvar), np.nan)
            low, high = iv.mean_interval(r, se, df, level)
            deff = np.where(sd > 0, var * n / (sd * sd), np.nan)
            n_eff = np.where(deff > 0, n / deff, n)
        else:
            deff, n_eff = design_effect(r, var, n, grp.survey, fpc)
            low, high = _interval(ci, r, se, n, n_eff, df, level, grp.survey)
    rows = grp.column("rows")
    nan = np.full(ng, np.nan)
    return {
        "n": n, "cases": cases, "weighted_n": W, "estimate": r, "se": se, "ci_low": low,
        "ci_high": high, "deff": deff, "n_eff": np.where(n > 0, n_eff, 0.0), "sd": sd,
        "population": pop if pop is not None else nan,
        "coverage": rows / pop if pop is not None else nan,
    }  # fmt: skip


def _finalise_grouping(
    sums: PartialSums,
    k: int,
    chosen: tuple[Indicator, ...],
    ci: str,
    level: float,
    df: float,
    m_h: pd.Series,
    population: Any,
) -> pd.DataFrame:
    """The long result of one grouping set: group columns, indicator, kind, statistics."""
    grp = _Grouping(sums, k, m_h)
    pop = _population_for(population, sums.groupings[k], grp.G.index)
    per_ind = [
        _indicator_columns(grp, ind, ci, level, df, np.float64(sums.rows), pop) for ind in chosen
    ]
    ng, K = grp.ng, len(chosen)
    result = pd.DataFrame(
        {c: np.column_stack([p[c] for p in per_ind]).ravel() for c in _RESULT_COLUMNS}
    )
    kind_codes = np.array([0 if i.kind == "prevalence" else 1 for i in chosen], dtype=np.int8)
    kinds = pd.Categorical.from_codes(
        np.tile(kind_codes, ng), categories=pd.Index(["prevalence", "mean"])
    )
    names = pd.Categorical.from_codes(
        np.tile(np.arange(K, dtype=np.int16), ng), categories=pd.Index([i.name for i in chosen])
    )
    result.insert(0, "kind", pd.Series(kinds, index=result.index))
    result.insert(0, "indicator", pd.Series(names, index=result.index))
    if grp.keys:
        pos = np.repeat(np.arange(ng), K)
        index_frame = grp.G.index.to_frame(index=False)
        for j, c in enumerate(grp.keys):
            result.insert(j, c, index_frame[c].iloc[pos].reset_index(drop=True))
        result = _complete_levels(result, grp.keys, chosen)
    return result


def _complete_levels(
    result: pd.DataFrame, keys: list[str], chosen: tuple[Indicator, ...]
) -> pd.DataFrame:
    """List empty levels of categorical groupings (all-categorical groupings only), as WHO does."""
    if not all(isinstance(result[c].dtype, pd.CategoricalDtype) for c in keys):
        return result
    levels = [list(result[c].cat.categories) for c in keys]
    names = [i.name for i in chosen]
    full = pd.MultiIndex.from_product([*levels, names], names=[*keys, "indicator"])
    if len(full) == len(result):
        return result
    indexed = result.set_index([*keys, "indicator"])
    filled = indexed.reindex(full).reset_index()
    kinds = {i.name: i.kind for i in chosen}
    filled["kind"] = filled["indicator"].map(kinds)
    for c in ("n", "weighted_n", "n_eff"):
        filled[c] = filled[c].fillna(0.0)
    filled["cases"] = np.where(filled["kind"] == "prevalence", filled["cases"].fillna(0.0), np.nan)
    for c in keys:
        filled[c] = filled[c].astype(result[c].dtype)
    return filled[result.columns]


def disclosive_cells(cases: ArrayLike, n: ArrayLike, min_cases: int) -> NDArray[np.bool_]:
    """Cells whose counts could identify children (the ``disclosive`` reliability).

    A cell is disclosive when it has cases and either fewer than ``min_cases`` of them or
    fewer than ``min_cases`` children who are not cases.

    Parameters
    ----------
    cases, n : array_like
        Cases and children per cell.
    min_cases : int
        The threshold (``prevalence``'s ``min_cases``, default 3).

    Returns
    -------
    numpy.ndarray of bool
        True for disclosive cells.

    Raises
    ------
    ValueError
        If ``cases`` and ``n`` do not broadcast.

    References
    ----------
    .. [1] Hundepool A et al. (2012). Statistical Disclosure Control. Wiley, chapter 5
       (threshold rule for frequency tables).

    Examples
    --------
    >>> disclosive_cells([0, 1, 3, 28, 30], [30, 30, 30, 30, 30], 3).tolist()
    [False, True, False, True, True]
    """
    c = np.asarray(cases, dtype=np.float64)
    m = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return (c > 0) & ((c < min_cases) | (m - c < min_cases))


def _stack(pieces: list[pd.DataFrame], sums: PartialSums, labels: list[str]) -> pd.DataFrame:
    """Stack the groupings' tables: every group column in each (NA where not grouped)."""
    key_dtypes: dict[str, Any] = {}
    for grouping, part in zip(sums.groupings, pieces, strict=True):
        for c in grouping:
            key_dtypes.setdefault(c, part[c].dtype)
    key_order = list(key_dtypes)
    for j, part in enumerate(pieces):
        for c in key_order:
            if c not in part.columns:
                part[c] = pd.Series(pd.NA, index=part.index).astype(
                    key_dtypes[c] if isinstance(key_dtypes[c], pd.CategoricalDtype) else object
                )
        rest = [c for c in part.columns if c not in key_order and c != "grouping"]
        pieces[j] = part[["grouping", *key_order, *rest]]
    result = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
    for c in key_order:
        if isinstance(key_dtypes[c], pd.CategoricalDtype):
            result[c] = pd.Categorical(result[c], dtype=key_dtypes[c])
    result["n"] = result["n"].astype(np.int64)
    result["cases"] = result["cases"].astype("Int64")
    result["indicator"] = pd.Categorical(result["indicator"], categories=list(sums.indicators))
    result["grouping"] = pd.Categorical(result["grouping"], categories=labels)
    result["kind"] = pd.Categorical(result["kind"], categories=["prevalence", "mean"])
    return result


#: Reliability of a cell: ``ok``; ``disclosive`` (1-2 cases or non-cases); ``small_n``
#: (fewer than ``min_n`` children); ``empty``; ``complementary`` (publishable itself, but
#: suppressed with ``suppress=True`` so that no disclosive cell can be recomputed from
#: the table's totals, :func:`stuntlib.disclosure.protect_prevalence`).
RELIABILITY = ("ok", "disclosive", "small_n", "empty", "complementary")


def _reliability(result: pd.DataFrame, opts: PrevalenceOptions) -> pd.DataFrame:
    """Mark ``empty``, ``small_n`` and ``disclosive`` cells; blank them under ``suppress``."""
    n = result["n"].to_numpy()
    cases = result["cases"].to_numpy(dtype=np.float64, na_value=np.nan)
    is_prev = (result["kind"] == "prevalence").to_numpy()
    disclosive = is_prev & disclosive_cells(cases, n, opts.min_cases)
    status = np.where(n == 0, 3, np.where(n < opts.min_n, 2, np.where(disclosive, 1, 0)))
    hide = np.asarray(bool(opts.suppress) & (status != 0) & (n > 0))
    if opts.suppress and is_prev.any():
        # complementary suppression: no hidden cell may be recomputed from the published
        # ones through the rollups (parent = sum of children) of this table
        keys = list(result.columns[1 : list(result.columns).index("indicator")])
        protected = protect_prevalence(result, keys, min_cases=opts.min_cases, min_n=opts.min_n)
        extra = protected & ~hide & is_prev & (n > 0)
        status = np.where(extra, 4, status)
        hide = hide | extra
    result["reliability"] = pd.Categorical.from_codes(
        status.astype(np.int8), categories=pd.Index(RELIABILITY)
    )
    result["suppressed"] = hide
    if hide.any():
        for c in ("estimate", "se", "ci_low", "ci_high", "deff", "n_eff", "sd"):
            result.loc[hide, c] = np.nan
        result.loc[hide, "cases"] = pd.NA
    return result


def _refuse_identifying_groups(groupings: tuple[tuple[str, ...], ...]) -> None:
    """A published (suppressed) table is never grouped by a column naming a child."""
    from stuntlib.columns import identifying_columns

    named = identifying_columns(c for g in groupings for c in g)
    if named:
        raise StuntlibError(
            f"by: {sorted(set(named))} identify children (NIK, name, address, phone); a "
            "published table (suppress=True) is never grouped by them; group by an area "
            "or posyandu instead"
        )


def finalize_prevalence(
    sums: PartialSums, *, options: PrevalenceOptions | None = None, **changes: Any
) -> pd.DataFrame:
    """Finalise step: estimates, standard errors and intervals from partial sums.

    Parameters
    ----------
    sums : PartialSums
        From :func:`prevalence_partial_sums` / :func:`merge_partial_sums`.
    options : PrevalenceOptions, optional
        The options; ``ci``, ``level``, ``population``, ``min_n``, ``min_cases`` and
        ``suppress`` are read here (the others were applied by the map step).
    **changes
        Option fields overriding ``options`` (e.g. ``ci="logit"``).

    Returns
    -------
    pandas.DataFrame
        The tidy table described in :func:`prevalence`.

    Raises
    ------
    StuntlibError
        If ``sums`` is not a PartialSums, for a bad option, for ``population`` with a
        survey design, or with ``suppress=True`` for a grouping column that identifies
        children (:func:`stuntlib.columns.identifying_columns`).

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence``.
    .. [2] Lumley T (2004). Analysis of complex survey samples. J Stat Softw 9(8).

    Examples
    --------
    >>> df = pd.DataFrame({"zlen": [-2.5, -1.0, -3.2, 0.4], "flen": 0})
    >>> from stuntlib.estimation import prevalence_partial_sums
    >>> out = finalize_prevalence(prevalence_partial_sums(df, indicators="stunting"))
    >>> out[["indicator", "n", "cases", "estimate"]]
      indicator  n  cases  estimate
    0  stunting  4      2       0.5
    """
    if not isinstance(sums, PartialSums):
        raise StuntlibError(f"sums: expected PartialSums; got {type(sums).__name__}")
    opts = PrevalenceOptions.build(options, **changes)
    if opts.suppress:
        _refuse_identifying_groups(sums.groupings)
    ci_method = _check_ci(opts.ci, sums.mode)
    population = opts.population
    if population is not None and sums.mode == "survey":
        raise StuntlibError(
            "population: the finite-population correction applies to census data (no weights, "
            "cluster or strata); this is a survey design; "
            f"got population={type(population).__name__}"
        )
    chosen = tuple(INDICATORS[name] for name in sums.indicators)
    df = design_degrees_of_freedom(sums)
    m_h = psus_per_stratum(sums) if sums.mode == "survey" else pd.Series(dtype=float)
    labels = [" × ".join(g) if g else "All" for g in sums.groupings]
    pieces = []
    for k in range(len(sums.groupings)):
        part = _finalise_grouping(sums, k, chosen, ci_method, opts.level, df, m_h, population)
        codes = np.full(len(part), k, dtype=np.int16)
        grouping = pd.Categorical.from_codes(codes, categories=pd.Index(labels))
        part.insert(0, "grouping", pd.Series(grouping, index=part.index))
        pieces.append(part)
    result = _reliability(_stack(pieces, sums, labels), opts)
    if population is None:
        result = result.drop(columns=["population", "coverage"])
    return result
