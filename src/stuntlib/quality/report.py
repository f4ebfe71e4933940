"""``check_quality``: the data-quality report of a scored frame (orchestration only).

The report has three parts, each described in ``docs/methodology/quality.md``:

1. the WHO/UNICEF (2019) data-quality profile (:mod:`stuntlib.quality.profile`);
2. the SMART (2017) plausibility check, on request (:mod:`stuntlib.quality.smart`);
3. routine-data (e-PPGBM) checks: NIK format and consistency, coverage, and the
   longitudinal checks when children have repeated measurements.

This module runs the row-level checks (:mod:`stuntlib.quality.checks`), cuts the frame
into groups, calls the table builders for the whole data and for each group, and
assembles a :class:`QualityReport`. Rendering is in :mod:`stuntlib.quality.render`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib._validation import check_unique_labels
from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.quality import render
from stuntlib.quality.checks import CHECKS, Check, Language
from stuntlib.quality.context import CheckContext, QualityParams
from stuntlib.quality.failures import failure_table
from stuntlib.quality.profile import (
    WARNING_LIMITS,
    WHO_EXPECTED_RANGES,
    GroupContext,
    concat_indicators,
    distribution_tables,
    indicators,
    percent,
    profile,
)
from stuntlib.quality.smart import smart_indicators, smart_table

__all__ = ["WARNING_LIMITS", "WHO_EXPECTED_RANGES", "QualityReport", "check_quality"]


@dataclass(frozen=True)
class QualityReport:
    """Tables of a data-quality report (see :func:`check_quality`).

    Every attribute except ``by`` is a :class:`pandas.DataFrame` of numbers and codes
    (no formatted text); ``smart`` and ``coverage`` are None when not requested.

    Attributes
    ----------
    overview : DataFrame
        Headline indicators for the whole data: ``table, item, value, limit, warning``.
    warnings : DataFrame
        Every indicator, overall (``scope = "all"``) or per group, that crossed its limit.
    checks : DataFrame
        The row-level checks: name, family, severity, columns, ``status`` (``run`` or
        why not), ``n_failed``, ``pct_failed``.
    failures : DataFrame
        One row per failing (check, row): ``check, column, index, row, value,
        severity, description`` and, where the frame has them, ``no``, ``kelurahan``,
        ``posyandu`` (see :func:`stuntlib.quality.failures.failure_table`).
    summary : DataFrame
        One row per group of ``by`` (one row overall without groups): row counts,
        failures per check and the headline indicators, plus ``n_warnings``.
    completeness, duplicates, age_distribution, birth_months, age_heaping, sex_ratio,
    digit_preference, digit_preference_score, flagged, zscore_distribution, position,
    routine, longitudinal : DataFrame
        The WHO/UNICEF profile and the routine-data tables, for the whole data.
    smart : DataFrame or None
        SMART plausibility: ``criterion, label, flags, value, p_value, category,
        penalty, reason`` and a ``total`` row, overall and per group.
    coverage : DataFrame or None
        Children measured against the target population.
    by : tuple of str
        Labels of the grouping columns.
    notes : DataFrame
        ``table, reason``: each table that could not be computed, and why.

    References
    ----------
    WHO, UNICEF (2019). Recommendations for data collection, analysis and reporting on
    anthropometric indicators in children under 5 years old. Geneva: World Health
    Organization and UNICEF. SMART Methodology (2017). Plausibility check for SMART
    surveys. Action Against Hunger Canada.
    """

    overview: pd.DataFrame
    warnings: pd.DataFrame
    checks: pd.DataFrame
    failures: pd.DataFrame
    summary: pd.DataFrame
    completeness: pd.DataFrame
    duplicates: pd.DataFrame
    age_distribution: pd.DataFrame
    birth_months: pd.DataFrame
    age_heaping: pd.DataFrame
    sex_ratio: pd.DataFrame
    digit_preference: pd.DataFrame
    digit_preference_score: pd.DataFrame
    flagged: pd.DataFrame
    zscore_distribution: pd.DataFrame
    position: pd.DataFrame
    routine: pd.DataFrame
    longitudinal: pd.DataFrame
    smart: pd.DataFrame | None
    coverage: pd.DataFrame | None
    by: tuple[str, ...]
    notes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"table": [], "reason": []}, dtype=object)
    )

    def failing_rows(self, check: str) -> pd.Index:
        """Index labels of the rows that fail ``check``.

        Parameters
        ----------
        check : str
            A check name (see ``report.checks``).

        Returns
        -------
        pandas.Index
            Row labels, in frame order.
        """
        rows = self.failures.loc[self.failures["check"] == check, "index"]
        return pd.Index(rows.to_numpy(), name="index")

    def to_html(self, *, max_rows: int = 200, digits: int = 3) -> str:
        """Render the report as an HTML fragment of headings and plain tables.

        Row numbers and reasons are shown; NIKs, names and other identifying columns
        (:func:`stuntlib.columns.identifying_columns`) never are.

        Parameters
        ----------
        max_rows : int, default 200
            Largest number of rows shown of a long table (failures, summary); the
            number left out is stated.
        digits : int, default 3
            Decimal places of floating-point numbers.

        Returns
        -------
        str
            HTML (``<section>`` with ``<h2>``/``<h3>`` and ``<table>``), no ``<html>``
            wrapper and no styles, for the HTML report to embed.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"sex": [1, 2], "age_days": [400, 500],
        ...                    "lenhei": [75.1, 78.4], "weight": [9.3, 10.2]})
        >>> html = check_quality(df).to_html()
        >>> html.startswith('<section class="stuntlib-quality">')
        True
        """
        return render.to_html(self, max_rows=max_rows, digits=digits)

    def to_text(self) -> str:
        """A plain-text summary: warnings, failing checks and what was not computed.

        Returns
        -------
        str
            Lines of text, without identifying values.
        """
        return render.to_text(self)


def _resolve_checks(checks: Iterable[str | Check] | None, smart: bool) -> dict[str, Check]:
    if checks is None:
        chosen = [c for c in CHECKS.values() if smart or c.family != "smart"]
    else:
        chosen = []
        for item in checks:
            if isinstance(item, Check):
                chosen.append(item)
            elif item in CHECKS:
                chosen.append(CHECKS[item])
            else:
                raise StuntlibError(
                    f"checks: unknown check {item!r}; expected a Check or one of {list(CHECKS)}"
                )
    return {c.name: c for c in chosen}


def _run_checks(
    ctx: CheckContext, registry: Mapping[str, Check]
) -> tuple[dict[str, NDArray[np.bool_]], dict[str, str]]:
    results: dict[str, NDArray[np.bool_]] = {}
    status: dict[str, str] = {}
    for name, check in registry.items():
        mask = check.evaluate(ctx)
        if mask is None:
            status[name] = "skipped: needs " + ", ".join(check.columns)
        else:
            results[name] = mask
            status[name] = "run"
    return results, status


def _by_labels(ctx: CheckContext, by: str | Sequence[str] | None) -> list[Any]:
    """Frame labels of the grouping columns.

    Default: (kelurahan, posyandu) where both exist, posyandu alone otherwise. A
    posyandu is named within its kelurahan, so ``by="posyandu"`` groups by both when
    the frame has a kelurahan column.
    """
    if by is None:
        wanted: list[str] = ["kelurahan", "posyandu"] if ctx.label("posyandu") is not None else []
    else:
        wanted = [by] if isinstance(by, str) else list(by)
        if wanted == ["posyandu"]:
            wanted = ["kelurahan", "posyandu"]
    labels = []
    for item in wanted:
        label = ctx.label(item)
        if label is None:
            if by is None or (item == "kelurahan" and wanted[1:] == ["posyandu"]):
                continue  # a default part the frame does not have
            raise ColumnError(
                f"by: {item!r} is neither a column nor a canonical name found in the frame; "
                f"the columns are {list(ctx.frame.columns)}"
            )
        if label not in labels:
            labels.append(label)
    return labels


def _group_codes(ctx: CheckContext, labels: Sequence[Any]) -> tuple[NDArray[np.intp], pd.DataFrame]:
    """Group code per row, and the group keys sorted by value (missing last)."""
    if not labels:
        return np.zeros(ctx.n, dtype=np.intp), pd.DataFrame(index=[0])
    parts = [ctx.group_codes(label) for label in labels]
    combined = parts[0].astype(np.int64)
    for part in parts[1:]:
        combined = combined * (int(part.max(initial=0)) + 1) + part
    uniques, codes = np.unique(combined, return_inverse=True)
    first = np.zeros(len(uniques), dtype=np.intp)
    first[codes[::-1]] = np.arange(ctx.n)[::-1]
    keys = pd.DataFrame({label: ctx.group_values(label).iloc[first].to_numpy() for label in labels})
    order = keys.sort_values(list(labels), na_position="last", kind="stable").index.to_numpy()
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[codes].astype(np.intp), keys.iloc[order].reset_index(drop=True)


def _cluster_codes(ctx: CheckContext, cluster: str | Sequence[str] | None) -> Any:
    if cluster is None:
        labels = [ctx.label(n) for n in ("kelurahan", "posyandu")]
        if labels[1] is None:
            return None
        chosen = [lab for lab in labels if lab is not None]
    else:
        chosen = [cluster] if isinstance(cluster, str) else list(cluster)
        missing = [c for c in chosen if c not in ctx.frame.columns]
        if missing:
            raise ColumnError(
                f"cluster: {missing} not in the frame; the columns are {list(ctx.frame.columns)}"
            )
    combined = np.zeros(ctx.n, dtype=np.int64)
    for label in chosen:
        part = ctx.group_codes(label)
        combined = combined * (int(part.max(initial=0)) + 1) + part
    return np.asarray(pd.factorize(combined)[0], dtype=np.intp)


def _attach(df: pd.DataFrame, keys: pd.DataFrame | None) -> pd.DataFrame:
    """Replace the private group code by the group's key columns (or drop it)."""
    if "_g" not in df.columns:
        return df
    if keys is None or keys.shape[1] == 0:
        return df.drop(columns="_g").reset_index(drop=True)
    joined = keys.reset_index(drop=True).iloc[df["_g"].to_numpy()].reset_index(drop=True)
    return pd.concat([joined, df.drop(columns="_g").reset_index(drop=True)], axis=1)


def _coverage(
    ctx: CheckContext, codes: NDArray[np.intp], keys: pd.DataFrame, target: Any
) -> pd.DataFrame:
    """Children measured (distinct valid NIKs, else rows) against the target, per group."""
    size = len(keys)
    child = ctx.child_codes
    if child is not None and (child >= 0).any():
        known = child >= 0
        combos = pd.DataFrame({"g": codes[known], "c": child[known]}).drop_duplicates()
        measured = np.bincount(combos["g"].to_numpy(), minlength=size).astype(np.float64)
    else:
        measured = np.bincount(codes, minlength=size).astype(np.float64)
    if np.ndim(target) == 0 and not isinstance(target, (Mapping, pd.Series)):
        if size != 1:
            measured = np.array([measured.sum()])
            keys = pd.DataFrame(index=[0])
        targets = np.array([float(target)])
    else:
        series = pd.Series(target) if isinstance(target, Mapping) else target
        if keys.shape[1] == 0:
            raise StuntlibError(
                "target_population: a Series or mapping per area needs by=...; pass a "
                "number for the whole data"
            )
        if keys.shape[1] == 1:
            lookup = keys.iloc[:, 0]
        else:
            lookup = pd.Series(list(pd.MultiIndex.from_frame(keys)), index=keys.index)
        targets = lookup.map(series).to_numpy(dtype=np.float64, na_value=np.nan)
    share = percent(measured, targets)
    out = keys.reset_index(drop=True).copy()
    out["n_children"] = measured
    out["target"] = targets
    out["coverage_pct"] = share
    with np.errstate(invalid="ignore"):
        out["warning"] = share < WARNING_LIMITS["coverage_pct"]
    return out


def _summary(
    codes: NDArray[np.intp],
    size: int,
    keys: pd.DataFrame,
    results: Mapping[str, NDArray[np.bool_]],
    registry: Mapping[str, Check],
    group_ind: pd.DataFrame,
) -> pd.DataFrame:
    n = np.bincount(codes, minlength=size)
    any_error = np.zeros(codes.shape, dtype=bool)
    any_warning = np.zeros(codes.shape, dtype=bool)
    counts = {}
    for name, mask in results.items():
        counts[f"n_{name}"] = np.bincount(codes[~mask], minlength=size)
        if registry[name].severity == "error":
            any_error |= ~mask
        elif registry[name].severity == "warning":
            any_warning |= ~mask
    out = keys.reset_index(drop=True).copy() if keys.shape[1] else pd.DataFrame(index=[0])
    out["n"] = n
    out["n_rows_with_error"] = np.bincount(codes[any_error], minlength=size)
    out["n_rows_with_warning"] = np.bincount(codes[any_warning], minlength=size)
    if len(group_ind):
        wide = group_ind.pivot_table(
            index="_g", columns="item", values="value", aggfunc="first", dropna=False
        ).reindex(range(size))
        order = list(dict.fromkeys(group_ind["item"]))
        wide = wide[[c for c in order if c in wide.columns]]
        n_warn = group_ind.groupby("_g")["warning"].sum().reindex(range(size), fill_value=0)
    else:
        wide = pd.DataFrame(index=range(size))
        n_warn = pd.Series(0, index=range(size))
    out["n_warnings"] = n_warn.to_numpy()
    out = pd.concat([out, wide.reset_index(drop=True)], axis=1)
    return pd.concat([out, pd.DataFrame(counts, index=out.index)], axis=1)


def _checks_table(
    registry: Mapping[str, Check],
    status: Mapping[str, str],
    results: Mapping[str, NDArray[np.bool_]],
    n: int,
    language: Language,
) -> pd.DataFrame:
    rows = []
    for name, check in registry.items():
        mask = results.get(name)
        failed = float((~mask).sum()) if mask is not None else np.nan
        rows.append(
            {
                "check": name,
                "family": check.family,
                "severity": check.severity,
                "columns": ", ".join(check.columns),
                "description": check.text(language),
                "status": status[name],
                "n_failed": failed,
                "pct_failed": 100.0 * failed / n if n else np.nan,
            }
        )
    columns = ["check", "family", "severity", "columns", "description", "status"]
    return pd.DataFrame(rows, columns=[*columns, "n_failed", "pct_failed"])


def _warnings_table(
    overview: pd.DataFrame, group_ind: pd.DataFrame | None, keys: pd.DataFrame
) -> pd.DataFrame:
    parts = [overview[overview["warning"].astype(bool)].assign(scope="all")]
    if group_ind is not None:
        flagged = group_ind[group_ind["warning"].astype(bool)]
        parts.append(_attach(flagged, keys).assign(scope="group"))
    table = pd.concat(parts, ignore_index=True)
    front = ["scope", *[c for c in keys.columns if c in table.columns]]
    return table[front + [c for c in table.columns if c not in front and c != "warning"]]


@dataclass
class _Sections:
    """Overall and per-group indicators as they are assembled."""

    overall: pd.DataFrame
    groups: pd.DataFrame | None


def _add_smart(
    whole: GroupContext, grouped: GroupContext | None, keys: pd.DataFrame, sections: _Sections
) -> pd.DataFrame:
    overall = smart_table(whole)
    sections.overall = concat_indicators([sections.overall, smart_indicators(overall)])
    if grouped is None:
        return _attach(overall, None)
    per_group = smart_table(grouped)
    assert sections.groups is not None
    sections.groups = concat_indicators([sections.groups, smart_indicators(per_group, grouped.n)])
    everyone = pd.DataFrame({c: ["(all)"] for c in keys.columns})
    return pd.concat([_attach(overall, everyone), _attach(per_group, keys)], ignore_index=True)


def _add_coverage(
    ctx: CheckContext,
    codes: NDArray[np.intp],
    keys: pd.DataFrame,
    target: Any,
    sections: _Sections,
) -> pd.DataFrame:
    grouped = sections.groups is not None
    coverage = _coverage(ctx, codes, keys if grouped else pd.DataFrame(index=[0]), target)
    values = coverage["coverage_pct"].to_numpy()
    limit = f">= {WARNING_LIMITS['coverage_pct']:g}"
    warn = coverage["warning"].to_numpy(dtype=bool)
    ind = indicators(len(values), "coverage", "coverage_pct", values, limit, warn)
    if sections.groups is not None and len(values) == len(keys):
        sections.groups = concat_indicators([sections.groups, ind])
    else:
        sections.overall = concat_indicators([sections.overall, ind])
    return coverage


def _check_arguments(scored: Any, ratios: Mapping[str, float], language: str) -> None:
    if not isinstance(scored, pd.DataFrame):
        raise StuntlibError(f"scored: expected a pandas DataFrame; got {type(scored).__name__}")
    check_unique_labels(scored, "scored")
    for name, value in ratios.items():
        if not (np.isfinite(value) and value > 0):
            raise StuntlibError(f"{name}: expected a positive number; got {value!r}")
    if language not in ("en", "id"):
        raise StuntlibError(f"language: expected 'en' or 'id'; got {language!r}")


def check_quality(
    scored: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    smart: bool = False,
    expected_sex_ratio: float = 1.05,
    expected_age_ratio: float = 0.85,
    target_population: float | pd.Series | Mapping[Any, float] | None = None,
    columns: Mapping[str, str] | None = None,
    cluster: str | Sequence[str] | None = None,
    checks: Iterable[str | Check] | None = None,
    expected_ranges: Mapping[str, Mapping[str, tuple[float, float]]] | None = None,
    digits: Mapping[str, Sequence[int]] | None = None,
    language: Language = "en",
    include_identifiers: bool = False,
    first_row: int = 2,
    max_age_months: float = 60.0,
    round_by: str | None = None,
    height_tolerance_cm: float = 1.0,
    max_haz_change: float = 2.0,
    carried_forward_min_days: int = 28,
) -> QualityReport:
    """Data-quality report of anthropometric data (WHO/UNICEF, SMART, e-PPGBM).

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score` (the input columns plus ``zlen``, ``flen``,
        ...). An unscored frame works too: the z-score tables are then left out and
        ``report.notes`` says so.
    by : str or sequence of str, optional
        Grouping columns for ``summary``, ``warnings`` and the per-group SMART rows,
        as canonical names (``posyandu``, ``kelurahan``) or labels (``"team"``).
        Default: kelurahan and posyandu together where the frame has both (posyandu
        names repeat across kelurahan), posyandu alone without a kelurahan column, no
        groups without either. ``"posyandu"`` alone also means posyandu within
        kelurahan. Pass ``()`` for no groups.
    smart : bool, default False
        Add the SMART plausibility check (``report.smart``) and the SMART-flag row
        checks.
    expected_sex_ratio : float, default 1.05
        Expected boys per girl. SMART/ENA test against 1.0: pass 1.0 to match them.
    expected_age_ratio : float, default 0.85
        Expected ratio of children aged 6-29 to 30-59 months (SMART). A flat age
        distribution gives 24/30 = 0.8.
    target_population : float, pandas.Series or mapping, optional
        Children expected; a number for the whole data, or values per group of ``by``
        (keys as the group values; tuples for several ``by`` columns). Adds
        ``report.coverage``.
    columns : mapping, optional
        ``{canonical name: label}`` overrides.
    cluster : str or sequence of str, optional
        Cluster column(s) for the SMART Poisson test (default: ``kelurahan`` and
        ``posyandu`` together; ``posyandu`` alone without a kelurahan column; no test
        without either).
    checks : iterable of str or Check, optional
        Row-level checks to run (default all of :data:`CHECKS`, SMART flags only with
        ``smart=True``); pass :class:`Check` objects to add your own.
    expected_ranges : mapping, optional
        Replacement of :data:`WHO_EXPECTED_RANGES`.
    digits : mapping of str to sequence of int, optional
        The terminal digits each instrument can give, by measurement (``height``,
        ``weight``, ``muac``), e.g. ``{"muac": (0, 2, 4, 6, 8)}`` for a tape marked
        every 2 mm; default all ten. Digit preference is scored over these digits.
    language : {"en", "id"}, default "en"
        Language of the check descriptions (English or Indonesian).
    include_identifiers : bool, default False
        Put NIK and name into the failure table (and keep the value of the NIK
        checks). Off by default: the report is meant to be shared.
    first_row : int, default 2
        Spreadsheet row number of the frame's first row, for ``failures["sheet_row"]``
        (2: the export has one header row).
    max_age_months : float, default 60
        Ages at or above are reported by ``age_out_of_range``.
    round_by : str, optional
        Column identifying a data-collection round for ``duplicate_nik`` (default: the
        calendar month of the measurement date).
    height_tolerance_cm : float, default 1.0
        Allowed decrease of position-adjusted height between visits [cm].
    max_haz_change : float, default 2.0
        Largest plausible change of HAZ between two visits.
    carried_forward_min_days : int, default 28
        Minimum interval [days] for an identical value to count as carried forward.

    Returns
    -------
    QualityReport
        Frozen report of DataFrames; nothing is printed and bad rows never raise.
        Missing values (also the text ``NA``, ``.``, ``-``, ``#N/A``) are reported,
        not dropped: every statistic leaves them out. What cannot be computed is
        listed in ``report.notes`` (and a SMART total NaN with its reason).

    Raises
    ------
    StuntlibError
        For a bad argument: ``scored`` not a DataFrame, an unknown check, a
        non-positive ratio, an unknown ``language``, bad ``digits``, a per-area
        ``target_population`` without groups.
    ColumnError
        If a ``by``, ``cluster`` or ``round_by`` column is not in the frame, or
        ``columns`` does not fit it.

    References
    ----------
    WHO, UNICEF (2019). Recommendations for data collection, analysis and reporting on
    anthropometric indicators in children under 5 years old. Geneva: World Health
    Organization and UNICEF.
    SMART Methodology (2017). Plausibility check for SMART surveys. Action Against
    Hunger Canada.
    Bilukha O, Couture A, McCain K, Leidman E (2020). Comparison of anthropometric data
    quality in children aged 6-59 months: assessing data quality metrics. Emerging
    Themes in Epidemiology 17:16 (digit preference score).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> n = 400
    >>> df = pd.DataFrame({"sex": rng.integers(1, 3, n), "age_days": rng.integers(0, 1826, n),
    ...                    "zlen": rng.normal(size=n), "flen": 0,
    ...                    "lenhei": rng.integers(600, 1100, n) / 10})
    >>> report = check_quality(df)
    >>> report.warnings.empty
    True
    >>> report.zscore_distribution[["indicator", "n"]]
      indicator      n
    0      zlen  400.0
    >>> report.failures.columns.tolist()
    ['check', 'column', 'index', 'row', 'sheet_row', 'value', 'severity', 'description']
    """
    _check_arguments(
        scored,
        {"expected_sex_ratio": expected_sex_ratio, "expected_age_ratio": expected_age_ratio},
        language,
    )
    params = QualityParams(
        max_age_months=max_age_months,
        round_by=round_by,
        height_tolerance_cm=height_tolerance_cm,
        max_haz_change=max_haz_change,
        carried_forward_min_days=carried_forward_min_days,
    )
    ctx = CheckContext(scored, columns, params)
    labels = _by_labels(ctx, by)
    codes, keys = _group_codes(ctx, labels)
    registry = _resolve_checks(checks, smart)
    results, status = _run_checks(ctx, registry)

    def grouping(group_codes: NDArray[np.intp], size: int) -> GroupContext:
        return GroupContext(
            frame=ctx,
            masks=results,
            codes=group_codes,
            size=size,
            expected_sex_ratio=float(expected_sex_ratio),
            expected_age_ratio=float(expected_age_ratio),
            expected_ranges=expected_ranges or WHO_EXPECTED_RANGES,
            cluster=_cluster_codes(ctx, cluster) if smart else None,
            digits=dict(digits or {}),
        )

    whole = grouping(np.zeros(ctx.n, dtype=np.intp), 1)
    tables, overall_ind, notes = profile(whole)
    grouped = grouping(codes, len(keys)) if labels else None
    sections = _Sections(overall_ind, profile(grouped)[1] if grouped is not None else None)
    smart_out = _add_smart(whole, grouped, keys, sections) if smart else None
    coverage = None
    if target_population is not None:
        coverage = _add_coverage(ctx, codes, keys, target_population, sections)
    return _assemble(
        ctx,
        tables,
        notes,
        sections,
        keys if labels else pd.DataFrame(index=[0]),
        codes,
        results,
        status,
        registry,
        smart_out,
        coverage,
        language=language,
        include_identifiers=include_identifiers,
        first_row=first_row,
    )


def checks_table(
    scored: pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    language: Language = "en",
) -> pd.DataFrame:
    """The ``checks`` table of :func:`check_quality` (default checks and thresholds) alone.

    What the report's quality section shows. The profile tables, which it does not
    show, are most of :func:`check_quality`'s time, so they are not computed.

    Parameters
    ----------
    scored : pandas.DataFrame
        As in :func:`check_quality`.
    columns : mapping, optional
        ``{canonical name: column}`` for columns under other names.
    language : {"en", "id"}, default "en"
        Language of the descriptions.

    Returns
    -------
    pandas.DataFrame
        One row per check: ``check``, ``family``, ``severity``, ``columns``,
        ``description``, ``status``, ``n_failed`` and ``pct_failed``, equal to
        ``check_quality(scored, columns=columns, language=language).checks``.

    Raises
    ------
    StuntlibError
        As :func:`check_quality`, for a bad argument.

    References
    ----------
    .. [1] As :func:`check_quality`.
    """
    _check_arguments(scored, {}, language)
    ctx = CheckContext(scored, columns, QualityParams())
    registry = _resolve_checks(None, smart=False)
    results, status = _run_checks(ctx, registry)
    return _checks_table(registry, status, results, ctx.n, language)


def _assemble(
    ctx: CheckContext,
    tables: Mapping[str, pd.DataFrame],
    notes: pd.DataFrame,
    sections: _Sections,
    keys: pd.DataFrame,
    codes: NDArray[np.intp],
    results: Mapping[str, NDArray[np.bool_]],
    status: Mapping[str, str],
    registry: Mapping[str, Check],
    smart: pd.DataFrame | None,
    coverage: pd.DataFrame | None,
    **failure_options: Any,
) -> QualityReport:
    overview = sections.overall.drop(columns="_g").reset_index(drop=True)
    group_ind = sections.groups if sections.groups is not None else sections.overall
    detail = {name: _attach(df, None) for name, df in tables.items()}
    ages, births = distribution_tables(ctx)
    return QualityReport(
        overview=overview,
        warnings=_warnings_table(overview, sections.groups, keys),
        checks=_checks_table(registry, status, results, ctx.n, failure_options["language"]),
        failures=failure_table(ctx, results, registry, **failure_options),
        summary=_summary(codes, len(keys), keys, results, registry, group_ind),
        completeness=detail["completeness"],
        duplicates=detail["duplicates"],
        age_distribution=ages,
        birth_months=births,
        age_heaping=detail["age_heaping"],
        sex_ratio=detail["sex_ratio"],
        digit_preference=detail["digit_preference"],
        digit_preference_score=detail["digit_preference_score"],
        flagged=detail["flagged"],
        zscore_distribution=detail["zscore_distribution"],
        position=detail["position"],
        routine=detail["routine"],
        longitudinal=detail["longitudinal"],
        smart=smart,
        coverage=coverage,
        by=tuple(str(c) for c in keys.columns),
        notes=notes,
    )
