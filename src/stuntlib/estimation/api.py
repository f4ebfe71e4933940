"""The prevalence entry point: partial sums of one frame, finalised."""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from stuntlib._validation import check_unique_labels
from stuntlib.errors import ColumnError, StuntlibError, StuntlibWarning
from stuntlib.estimation.finalize import finalize_prevalence
from stuntlib.estimation.groupings import GroupSpec, _parse_by
from stuntlib.estimation.options import PrevalenceOptions
from stuntlib.estimation.sums import prevalence_partial_sums

__all__ = ["prevalence"]

#: Group columns that tabulate measurement periods: with every grouping set naming one,
#: ``prevalence`` keeps all periods.
_PERIOD_GROUPS = frozenset({"period", "measure_month", "measure_quarter", "measure_year"})


def prevalence(
    frame: pd.DataFrame,
    by: GroupSpec = None,
    *,
    options: PrevalenceOptions | None = None,
    **changes: Any,
) -> pd.DataFrame:
    """Prevalence (and mean z-score) per group, with standard errors and intervals.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per child with WHO z-scores and flags (``zlen``, ``flen``, ``zwei``,
        ``fwei``, ``zwfl``, ``fwfl``, ``zbmi``, ``fbmi``; a missing flag column is computed
        from the z-score with WHO's rule), optionally ``coedema``/``oedema`` (``y``/``n``),
        ``age_days``/``age_months``, ``csex``/``sex``, dates, and the grouping and design
        columns. Missing z-scores are simply not counted.
    by : str, list of str, or list of lists, optional
        ``None``: one overall row. A column name or a list of names: one row per level
        (crossed). A list of lists (grouping sets, e.g. :func:`who_groupings` or
        :func:`rollup`): every grouping at once, stacked. Derived names from
        :data:`DERIVED_GROUPS` (``age_group``, ``sex``, ``baduta``, ``birth_year``...) are
        computed when absent from the frame. Rows with a missing value in a grouping
        column are left out of that grouping only. Empty levels of categorical groupings
        (age group, sex) are listed with ``n = 0``.
    options : PrevalenceOptions, optional
        All the options below in one object (shared with the streaming and Dask paths);
        keyword arguments override its fields.
    indicators : str or list of str, optional
        Names from :data:`INDICATORS`; default all those whose z columns are present.
    ci : {"wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard"}, optional
        Interval method. Default ``"wilson"`` without a design, ``"logit"`` with one.
        Without a design ``"logit"`` is WHO ``anthro``'s simple logit interval (its
        standard error and t quantile with ``N - 1`` df, ``N`` = analysed rows); with a
        design it is R ``svyciprop(method = "logit")``. ``"korn-graubard"`` is
        ``svyciprop(method = "beta")`` (Clopper-Pearson without a design). Wilson,
        Clopper-Pearson and Jeffreys use the design-effective sample size with a design.
        At 0 % and 100 % the logit interval is the single point, as WHO reports it.
    weights, cluster, strata : str, optional
        Design columns: sampling weights (missing weights count as 0, as WHO does;
        negative weights raise), primary sampling units (nested in strata) and strata.
        Rows with a missing cluster or stratum are dropped (as WHO does). With any of them
        the survey estimator is used; with only weights each child is its own PSU.
    level : float, default 0.95
        Confidence level.
    rounding : {"who", "exact"}, default "who"
        ``"who"``: cut-offs and means use z-scores rounded to 2 decimals as R rounds them
        (what WHO does); ``"exact"`` (or ``None``): full precision.
    population : number, Series or DataFrame, optional
        Census only: the target number of children per group (a Series indexed by the
        group column(s) of one grouping, a DataFrame with those columns and
        ``population``, or a number for the overall row). Adds a finite-population
        correction ``(N - n)/(N - 1)`` and the columns ``population`` and ``coverage``
        (children in the data / target).
    min_n : int, default 25
        Cells with fewer children are marked ``small_n``.
    min_cases : int, default 3
        Prevalence cells with ``0 < cases < min_cases`` or ``n - cases < min_cases``
        (with cases > 0) could identify children and are marked ``disclosive``.
    suppress : bool, default False
        Blank (NaN) the estimates of every cell not marked ``ok`` and set ``suppressed``.
    max_age_months : float or None, default 60.0
        The population is children whose age is below this many months (unrounded),
        the rule that picks the WHO 2006 standards: a child of exactly 60.0 months is not
        under five. The age comes from ``age_days``, else ``birth_date`` and
        ``measure_date``, else ``age_months``, row by row. Rows with unknown age are kept
        (as WHO does). ``None`` keeps every row. The legacy ``max_age_days=d`` is read
        as "rounded days <= d" (``1826`` as 60.0 months).

    period : str, optional
        The measurement period to estimate (``"2025-08"``), read per row from
        ``period``, ``Bulan Pengukuran`` or ``measure_date``
        (:func:`stuntlib.rounds.measurement_period`). By default, when the frame holds
        more than one period and ``by`` does not name ``period``, the latest period is
        estimated, with a :class:`~stuntlib.errors.StuntlibWarning`; the output then has a
        ``period`` column. ``by="period"`` (or
        ``measure_month``/``_quarter``/``_year``, in every grouping set) tabulates each
        period. Pooled rounds are never one prevalence.
    child : str, optional
        Column identifying a child (``"nik"``): each child counts once per period, by
        :func:`stuntlib.rounds.one_per_child` (exact duplicates once; conflicting ones:
        the last valid measurement).

    Returns
    -------
    pandas.DataFrame
        One row per group x indicator: ``grouping`` (the grouping set, ``"All"`` for the
        overall row), the group columns, ``indicator``, ``kind`` (``prevalence`` or
        ``mean``), ``n`` (children with a valid value), ``cases`` (unweighted, NA for
        means), ``weighted_n``, ``estimate`` (proportion in [0, 1], or the mean z),
        ``se``, ``ci_low``, ``ci_high``, ``deff`` (design effect; for census data the
        finite-population factor), ``n_eff``, ``sd`` (means only), ``reliability``
        (``ok``, ``disclosive``, ``small_n``, ``empty``), ``suppressed``, and with
        ``population`` also ``population`` and ``coverage``. Empty groups give NaN
        estimates. ``attrs["period"]`` names the period estimated (None when unknown or
        tabulated); ``attrs["rows_outside_period"]`` counts rows of other periods left
        out; with ``child``, ``attrs["children_merged"]`` is the summary of
        :func:`stuntlib.rounds.one_per_child`.

    Raises
    ------
    StuntlibError
        For a bad argument (unknown indicator or interval, level outside (0, 1), negative
        weights, with ``suppress=True`` a grouping by NIK, name or another identifying
        column...); :class:`~stuntlib.errors.ColumnError` for a missing column.

    See Also
    --------
    prevalence_table : wide, labelled percent table for reports.
    prevalence_partial_sums, merge_partial_sums, finalize_prevalence : the map-reduce steps.

    References
    ----------
    .. [1] WHO (2019). Recommendations for data collection, analysis and reporting on
       anthropometric indicators in children under 5 years old. Geneva: WHO & UNICEF.
    .. [2] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence``.
    .. [3] Lumley T (2004). Analysis of complex survey samples. J Stat Softw 9(8).

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "zlen": [-2.5, -1.0, -3.2, 0.4, -2.0, -2.01],
    ...     "flen": [0, 0, 0, 0, 0, 0],
    ...     "kelurahan": ["Tirto", "Tirto", "Tirto", "Medono", "Medono", "Medono"],
    ... })
    >>> out = prevalence(df, "kelurahan", indicators="stunting", min_n=1, min_cases=0)
    >>> out[["kelurahan", "n", "cases", "estimate", "ci_low", "ci_high"]].round(4)
      kelurahan  n  cases  estimate  ci_low  ci_high
    0    Medono  3      1    0.3333  0.0615   0.7923
    1     Tirto  3      2    0.6667  0.2077   0.9385
    """
    opts = PrevalenceOptions.build(options, **changes)
    if not isinstance(frame, pd.DataFrame):
        raise StuntlibError(
            f"frame: expected a pandas DataFrame of z-scores and flags; got {type(frame).__name__}"
        )
    check_unique_labels(frame)
    groupings = _parse_by(by)
    periods, chosen = _choose_period(frame, groupings, opts)
    notes: dict[str, Any] = {}
    if periods is not None and chosen is not None:
        keep = (periods == chosen).to_numpy()
        notes["rows_outside_period"] = int((~keep).sum())
        if opts.period is None and notes["rows_outside_period"]:
            warnings.warn(
                f"prevalence: the rows hold several measurement periods; the latest, "
                f"{chosen}, is estimated and {notes['rows_outside_period']:,} rows of other "
                "periods are left out (pooled rounds are never one prevalence). Pass "
                "period='YYYY-MM' for another, or by='period' to tabulate each",
                StuntlibWarning,
                stacklevel=2,
            )
        frame, periods = frame.loc[keep], periods.loc[keep]
    if opts.child is not None:
        from stuntlib.rounds import one_per_child

        dedup = one_per_child(frame, opts.child, period=periods)
        frame = dedup.kept.drop(columns="period") if "period" not in frame.columns else dedup.kept
        notes["children_merged"] = dedup.summary.to_dict("records")
    run = opts.replace(period=None, child=None)
    result = finalize_prevalence(prevalence_partial_sums(frame, by, options=run), options=run)
    if chosen is not None and "period" in result.columns:  # by=[(), ("period",)]: one round
        result["period"] = result["period"].astype(object).where(result["period"].notna(), chosen)
    elif chosen is not None:
        result.insert(1, "period", chosen)
    result.attrs["period"] = chosen if chosen is not None else _single_period(periods)
    result.attrs.update(notes)
    return result


def _choose_period(
    frame: pd.DataFrame, groupings: tuple[tuple[str, ...], ...], opts: PrevalenceOptions
) -> tuple[pd.Series | None, str | None]:
    """The rows' periods, and the one to estimate (None: no selection needed).

    ``period=`` chooses; otherwise, when the frame holds several periods and some
    grouping set of ``by`` does not tabulate a period (``period``, ``measure_month``,
    ``measure_quarter``, ``measure_year``), the latest (``2025-08`` sorts by time).
    """
    from stuntlib.rounds import PERIOD_SOURCES, measurement_period

    if not any(c in frame.columns for c in PERIOD_SOURCES):
        if opts.period is not None:
            raise ColumnError(
                f"period: choosing period {opts.period!r} needs one of the columns "
                f"{list(PERIOD_SOURCES)}; the columns are {list(frame.columns)}"
            )
        return None, None
    periods = measurement_period(frame)
    present = sorted(periods.dropna().unique())
    if opts.period is not None:
        if opts.period not in present:
            raise StuntlibError(
                f"period: expected one of the periods in the frame {present}; got {opts.period!r}"
            )
        return periods, opts.period
    by_period = all(any(c in _PERIOD_GROUPS for c in g) for g in groupings)
    if len(present) > 1 and not by_period:
        return periods, str(present[-1])
    return periods, None


def _single_period(periods: pd.Series | None) -> str | None:
    if periods is None:
        return None
    present = periods.dropna().unique()
    return str(present[0]) if len(present) == 1 else None
