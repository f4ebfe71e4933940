"""HTML sections "Perkembangan" and "Target" for the report (several rounds in one file)."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from stuntlib.errors import ColumnError, StuntlibError

__all__ = ["render_change_sections"]

_TEXT: dict[str, dict[str, Any]] = {
    "id": {
        "change": "Perkembangan",
        "change_intro": (
            "Perbandingan antar putaran pengukuran. Anak yang sama diukur ulang, sehingga "
            "sebagian perubahan hanyalah variasi pengukuran: anak yang tingginya pas di "
            "sekitar batas -2 SD dapat tercatat \u201cbaru stunting\u201d atau "
            "\u201csembuh\u201d walaupun tidak ada perubahan nyata. Kolom \u201cperkiraan "
            "tanpa perubahan\u201d menunjukkan berapa yang diharapkan dari variasi itu saja; "
            "hanya selisih di atasnya yang menunjukkan perubahan nyata."
        ),
        "trend": "Prevalensi stunting per putaran (dengan selang kepercayaan 95 %)",
        "flow": "Kasus baru dan anak yang pulih, dibandingkan dengan variasi pengukuran",
        "target": "Target",
        "target_intro": (
            "Kategori WHO/UNICEF 2019, peluang bahwa prevalensi sebenarnya di bawah 2,5 % "
            "(\u201cbebas stunting\u201d), dan apakah laju penurunan cukup untuk mencapai "
            "target. 0 anak stunting dari sedikit anak yang diukur belum berarti bebas "
            "stunting: lihat batas atas."
        ),
        "area": "Kelurahan", "all": "Semua",
        "linked": "Anak diukur di kedua putaran",
        "new": "Baru stunting", "expected_new": "Perkiraan tanpa perubahan",
        "excess_new": "Selisih (95 %)", "recovered": "Pulih",
        "expected_rec": "Perkiraan tanpa perubahan", "excess_rec": "Selisih (95 %)",
        "change_col": "Perubahan", "p": "Nilai p", "points": "poin",
        "prev": "Prevalensi", "class": "Kategori WHO/UNICEF", "upper": "Batas atas 95 %",
        "p_below": "Peluang < 2,5 %", "aarr": "Laju penurunan per tahun",
        "need": "Laju yang dibutuhkan", "track": "Status",
        "masked": "Sel dengan 1-2 anak ditulis \u201c<3\u201d untuk melindungi identitas anak.",
        "flow_note": (
            "Selisih positif yang selang kepercayaannya tidak mencakup 0 berarti kasus baru "
            "lebih banyak daripada yang dapat dijelaskan oleh variasi pengukuran."
        ),
        "classes": {"very low": "sangat rendah", "low": "rendah", "medium": "sedang",
                    "high": "tinggi", "very high": "sangat tinggi"},
        "tracks": {"met": "tercapai", "on track": "sesuai jalur",
                   "off track": "tidak sesuai jalur", "uncertain": "belum pasti",
                   "no trend": "belum ada tren", "no target": "tanpa target"},
        "one_period": "Data hanya memuat satu putaran; perkembangan belum dapat dihitung.",
    },
    "en": {
        "change": "Change",
        "change_intro": (
            "Comparison between measurement rounds. The same children are measured again, "
            "so part of any change is measurement noise: a child near the -2 SD line can "
            "be recorded as \u201cnewly stunted\u201d or \u201crecovered\u201d without any "
            "real change. The \u201cexpected without change\u201d column shows how many "
            "that noise alone gives; only the excess over it is real change."
        ),
        "trend": "Stunting prevalence per round (95 % confidence interval)",
        "flow": "New cases and recoveries against measurement noise",
        "target": "Target",
        "target_intro": (
            "WHO/UNICEF 2019 class, the probability that the true prevalence is below "
            "2.5 % (\u201cstunting free\u201d), and whether the rate of reduction reaches "
            "the target. 0 stunted of few children measured is not stunting free: see the "
            "upper bound."
        ),
        "area": "Kelurahan", "all": "All",
        "linked": "Children measured in both rounds",
        "new": "Newly stunted", "expected_new": "Expected without change",
        "excess_new": "Excess (95 %)", "recovered": "Recovered",
        "expected_rec": "Expected without change", "excess_rec": "Excess (95 %)",
        "change_col": "Change", "p": "p-value", "points": "points",
        "prev": "Prevalence", "class": "WHO/UNICEF class", "upper": "95 % upper bound",
        "p_below": "P(< 2.5 %)", "aarr": "Reduction per year",
        "need": "Needed per year", "track": "Status",
        "masked": "Cells with 1-2 children read \u201c<3\u201d to protect the children.",
        "flow_note": (
            "A positive excess whose interval excludes 0 means more new cases than "
            "measurement noise explains."
        ),
        "classes": {c: c for c in ("very low", "low", "medium", "high", "very high")},
        "tracks": {t: t for t in ("met", "on track", "off track", "uncertain", "no trend",
                                  "no target")},
        "one_period": "The data hold one round only; change cannot be computed yet.",
    },
}  # fmt: skip


def _count(x: Any) -> str:
    """A count for publication: 1-2 masked as ``<3``."""
    if pd.isna(x):
        return "-"
    v = int(round(float(x)))
    return "<3" if 0 < v < 3 else f"{v:,}".replace(",", ".")


def _num(x: float, decimals: int = 1, language: str = "id") -> str:
    if pd.isna(x):
        return "-"
    text = f"{x:.{decimals}f}"
    return text.replace(".", ",") if language == "id" else text


def _pct(x: float, language: str) -> str:
    return "-" if pd.isna(x) else _num(100 * x, 1, language) + " %"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f'<table class="change"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _period_column(scored: pd.DataFrame, period: str | None) -> tuple[pd.DataFrame, str]:
    if period is not None:
        if period not in scored.columns:
            raise ColumnError(f"period: no column {period!r}; the columns are "
                              f"{list(scored.columns)}")  # fmt: skip
        return scored, period
    for name in ("period", "round", "putaran"):
        if name in scored.columns:
            return scored, name
    if "measure_date" not in scored.columns:
        raise ColumnError("period: no period column and no measure_date to derive one from")
    d = pd.to_datetime(scored["measure_date"], errors="coerce")
    return scored.assign(period=d.dt.to_period("M").astype(str).where(d.notna())), "period"


def render_change_sections(
    scored: pd.DataFrame,
    *,
    language: str = "id",
    child: str = "nik",
    period: str | None = None,
    by: str = "kelurahan",
    target: float | None = None,
    target_year: int | None = None,
) -> str:
    """HTML of the "Perkembangan" (change) and "Target" sections of the report.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score` for two or more rounds.
    language : {"id", "en"}, default "id"
        Language of the text.
    child : str, default "nik"
        Column identifying a child across rounds (never shown).
    period : str, optional
        Round column; default ``period``, ``round`` or ``putaran`` if present, else the
        month of ``measure_date``.
    by : str, default "kelurahan"
        Area column.
    target, target_year : optional
        As for :func:`stuntlib.change.target_status` (default: the national path when
        ``target_year`` is given).

    Returns
    -------
    str
        Two ``<section>`` elements. Counts of 1-2 children read ``<3``; no NIK or name.

    Raises
    ------
    StuntlibError
        For a bad ``language``; :class:`~stuntlib.errors.ColumnError` for a missing
        column.

    References
    ----------
    .. [1] de Onis M et al. (2019). Prevalence thresholds for wasting, overweight and
       stunting in children under 5 years. Public Health Nutr 22(1):175-179.
    .. [2] Cole TJ (2005). Regression to the mean. BMJ 331:687.
    .. [3] UNICEF (2018). Technical note: how to calculate average annual rate of
       reduction (AARR).
    """
    from stuntlib.change._compare import compare_prevalence
    from stuntlib.change._targets import target_status
    from stuntlib.change._transitions import transitions
    from stuntlib.estimation import prevalence

    if language not in _TEXT:
        raise StuntlibError(f"language: expected 'id' or 'en'; got {language!r}")
    t = _TEXT[language]
    frame, pcol = _period_column(scored, period)
    if by not in frame.columns:
        raise ColumnError(f"by: no column {by!r}; the columns are {list(frame.columns)}")
    periods = sorted(frame[pcol].dropna().unique())
    parts = [f'<section id="perkembangan"><h2>{t["change"]}</h2><p>{t["change_intro"]}</p>']
    prev = prevalence(frame, [pcol, by], indicators="stunting", min_n=1, min_cases=0)
    prev = prev[prev["kind"] == "prevalence"]
    if len(periods) < 2:
        parts.append(f"<p>{t['one_period']}</p></section>")
    else:
        first, last = periods[0], periods[-1]
        a = prev[prev[pcol] == first][[by, "estimate", "se"]]
        b = prev[prev[pcol] == last][[by, "estimate", "se"]]
        diff = compare_prevalence(b, a).set_index(by)
        rows = []
        for area, g in prev.groupby(by, sort=True):
            cells = [str(area)]
            for p_ in periods:
                r = g[g[pcol] == p_]
                if r.empty or r["n"].iloc[0] == 0:
                    cells.append("-")
                    continue
                r0 = r.iloc[0]
                shown = "<3" if 0 < r0["cases"] < 3 else (
                    f"{_pct(r0['estimate'], language)} ({_pct(r0['ci_low'], language)}"
                    f"-{_pct(r0['ci_high'], language)})")  # fmt: skip
                cells.append(shown)
            d = diff["difference"].get(area, np.nan)
            points = "-" if pd.isna(d) else f"{_num(100 * d, 1, language)} {t['points']}"
            cells += [points, _num(diff["p_value"].get(area, np.nan), 3, language)]
            rows.append(cells)
        parts.append(f"<h3>{t['trend']}</h3>")
        parts.append(_table([t["area"], *map(str, periods), t["change_col"], t["p"]], rows))
        flows = transitions(frame, child=child, period=pcol, by=by)
        flows = flows[(flows["period_from"] == periods[-2]) & (flows["period_to"] == last)]
        rows = []
        for _, r in flows.sort_values(by).iterrows():  # one row per kelurahan of the table
            rows.append([
                str(r[by]), _count(r["linked"]), _count(r["newly_stunted"]),
                _num(r["expected_newly_stunted"], 1, language),
                f"{_num(r['excess_newly_stunted'], 1, language)} "
                f"({_num(r['excess_newly_stunted_low'], 1, language)} s.d. "
                f"{_num(r['excess_newly_stunted_high'], 1, language)})",
                _count(r["recovered"]), _num(r["expected_recovered"], 1, language),
            ])  # fmt: skip
        parts.append(f"<h3>{t['flow']} ({periods[-2]} \u2192 {last})</h3>")
        header = [t["area"], t["linked"], t["new"], t["expected_new"], t["excess_new"],
                  t["recovered"], t["expected_rec"]]  # fmt: skip
        parts.append(_table(header, rows))
        parts.append(f"<p>{t['flow_note']} {t['masked']}</p></section>")
    # Target: the latest year of each area from counts
    d = pd.to_datetime(frame["measure_date"], errors="coerce") if (
        "measure_date" in frame.columns) else None  # fmt: skip
    year_of = (
        frame.assign(_year=d.dt.year).groupby(pcol)["_year"].median()
        if d is not None
        else pd.Series(dtype=float)
    )
    counts = prev[[pcol, by, "n", "cases"]].copy()
    counts["year"] = counts[pcol].map(year_of)
    counts = counts.dropna(subset=["year"])
    counts = counts[counts["n"] > 0]
    counts = counts.sort_values([by, pcol]).groupby([by, "year"], as_index=False).last()
    status = target_status(counts[[by, "n", "cases", "year"]].astype({"year": int}),
                           target=target, target_year=target_year)  # fmt: skip
    rows = []
    for _, r in status.iterrows():  # one row per kelurahan of the table
        shown = "<3" if 0 < r["cases"] < 3 else _pct(r["prevalence"], language)
        rows.append([
            str(r[by]), shown, t["classes"].get(r["who_class"], "-"),
            _pct(r["upper_bound"], language), _num(r["p_below_threshold"], 2, language),
            _pct(r["aarr"], language), _pct(r["required_aarr"], language),
            t["tracks"].get(r["track"], "-"),
        ])  # fmt: skip
    parts.append(f'<section id="target"><h2>{t["target"]}</h2><p>{t["target_intro"]}</p>')
    parts.append(_table([t["area"], t["prev"], t["class"], t["upper"], t["p_below"],
                         t["aarr"], t["need"], t["track"]], rows))  # fmt: skip
    parts.append(f"<p>{t['masked']}</p></section>")
    return "\n".join(parts)
