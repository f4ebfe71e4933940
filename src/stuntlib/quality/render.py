"""Rendering of a :class:`~stuntlib.quality.report.QualityReport` as HTML or text.

Rendering computes nothing: it lays out the report's tables. What it shows is meant to
be shared, so identifying columns (:func:`stuntlib.columns.identifying_columns`: NIK,
names, addresses) are left out of every table, and the failure table's value is blanked
where the failing column is identifying. Failures are located by the spreadsheet row
number and the desa/kelurahan and posyandu instead.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd

from stuntlib.columns import identifying_columns

if TYPE_CHECKING:
    from stuntlib.quality.report import QualityReport

__all__ = ["publishable", "to_html", "to_text"]


def publishable(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """A table without identifying columns or identifying values.

    Parameters
    ----------
    table : pandas.DataFrame or None
        A table of the report.

    Returns
    -------
    pandas.DataFrame or None
        A copy without identifying columns (and without the frame index labels of the
        failure table, which may be anything); ``value`` is blanked on rows whose
        ``column`` is identifying.

    Examples
    --------
    >>> t = pd.DataFrame({"check": ["nik_format"], "column": ["NIK"], "row": [2],
    ...                   "value": ["33750"], "nik": ["33750"]})
    >>> publishable(t).to_dict("records")
    [{'check': 'nik_format', 'column': 'NIK', 'row': 2, 'value': None}]
    """
    if table is None:
        return None
    out = table.drop(columns=identifying_columns(table.columns))
    if "column" in out.columns and "value" in out.columns:
        hidden = out["column"].isin(identifying_columns(out["column"].dropna().unique()))
        if hidden.any():
            out = out.assign(value=out["value"].astype(object).where(~hidden, None))
    if {"check", "row", "index", "sheet_row"} <= set(out.columns):
        out = out.drop(columns=["index", "row"])  # people find rows by the spreadsheet's number
    return out


def _sections(report: QualityReport) -> list[tuple[str, pd.DataFrame | None]]:
    return [
        ("Overview (WHO/UNICEF 2019 profile)", report.overview),
        ("Warnings", report.warnings),
        ("Not computed", report.notes),
        ("Summary by group" if report.by else "Summary", report.summary),
        ("Completeness", report.completeness),
        ("Duplicates", report.duplicates),
        ("Age distribution (completed months)", report.age_distribution),
        ("Calendar month of birth", report.birth_months),
        ("Age heaping", report.age_heaping),
        ("Sex ratio", report.sex_ratio),
        ("Digit preference (terminal digit)", report.digit_preference),
        ("Digit preference score", report.digit_preference_score),
        ("WHO-flagged values", report.flagged),
        ("Distribution of z-scores", report.zscore_distribution),
        ("Measurement position and age", report.position),
        ("SMART plausibility check", report.smart),
        ("Routine data: NIK", report.routine),
        ("Coverage", report.coverage),
        ("Repeated measurements", report.longitudinal),
        ("Checks", report.checks),
        ("Failures (spreadsheet row and reason)", report.failures),
    ]


def to_html(report: QualityReport, *, max_rows: int = 200, digits: int = 3) -> str:
    """The report as an HTML fragment of headings and plain tables.

    Parameters
    ----------
    report : QualityReport
        The report.
    max_rows : int, default 200
        Largest number of rows shown of a table; the number left out is stated.
    digits : int, default 3
        Decimal places of floating-point numbers.

    Returns
    -------
    str
        ``<section class="stuntlib-quality">`` with ``<h2>``/``<h3>`` and ``<table>``.
    """
    fmt = f"{{:.{digits}f}}".format

    def table(df: pd.DataFrame | None) -> str:
        if df is None:
            return "<p>Not requested.</p>"
        if df.empty:
            return "<p>None.</p>"
        out = df.head(max_rows).to_html(
            index=False, float_format=fmt, na_rep="", border=0, classes="quality-table"
        )
        if len(df) > max_rows:
            out += f"<p>{len(df) - max_rows} more rows not shown.</p>"
        return out

    n_warn = len(report.warnings)
    parts = [
        '<section class="stuntlib-quality">',
        "<h2>Data quality</h2>",
        f"<p>{n_warn} warning{'s' if n_warn != 1 else ''}; "
        f"{len(report.failures)} failing check results on individual rows.</p>",
    ]
    for title, df in _sections(report):
        parts.append(f"<h3>{html.escape(title)}</h3>")
        parts.append(table(publishable(df)))
    parts.append("</section>")
    return "\n".join(parts)


def to_text(report: QualityReport) -> str:
    """A short plain-text summary of the report.

    Parameters
    ----------
    report : QualityReport
        The report.

    Returns
    -------
    str
        The warnings, the checks that failed on some rows, and what was not computed.
    """
    lines = [f"Data quality: {len(report.warnings)} warnings"]
    for row in report.warnings.itertuples(index=False):
        lines.append(f"  warning: {row.table} {row.item} = {row.value:.3g} (limit {row.limit})")
    failing = report.checks[report.checks["n_failed"] > 0]
    for row in failing.itertuples(index=False):
        lines.append(f"  {row.check}: {row.n_failed:.0f} rows ({row.severity})")
    for row in report.notes.itertuples(index=False):
        lines.append(f"  {row.table}: {row.reason}")
    return "\n".join(lines)
