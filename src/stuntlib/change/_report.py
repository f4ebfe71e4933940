"""HTML sections "Perkembangan" and "Target" for the report (several rounds in one file)."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from stuntlib._format import MISSING, format_count, format_decimal, format_month, format_percent
from stuntlib.errors import ColumnError, StuntlibError

__all__ = ["mask_transitions", "render_change_sections"]

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
        "trend": "Prevalensi stunting per putaran (dengan interval kepercayaan 95%)",
        "flow": "Kasus baru dan anak yang pulih, dibandingkan dengan variasi pengukuran",
        "target": "Target",
        "target_intro": (
            "Kategori WHO/UNICEF 2019, peluang bahwa prevalensi sebenarnya di bawah 2,5% "
            "(\u201cbebas stunting\u201d), dan apakah laju penurunan cukup untuk mencapai "
            "target. 0 anak stunting dari sedikit anak yang diukur belum berarti bebas "
            "stunting: lihat batas atas."
        ),
        "area": "Desa/kelurahan", "all": "Semua",
        "linked": "Anak diukur di kedua putaran",
        "new": "Baru stunting", "expected_new": "Perkiraan tanpa perubahan",
        "excess_new": "Selisih (IK 95%)", "recovered": "Pulih",
        "expected_rec": "Perkiraan tanpa perubahan", "excess_rec": "Selisih (IK 95%)",
        "change_col": "Perubahan", "p": "Nilai p", "points": "poin",
        "prev": "Prevalensi", "class": "Kategori WHO/UNICEF", "upper": "Batas atas 95%",
        "p_below": "Peluang < 2,5%", "aarr": "Laju penurunan per tahun",
        "need": "Laju yang dibutuhkan", "track": "Status",
        "masked": (
            "Sel kecil disamarkan (\u2013) untuk melindungi identitas anak, dengan aturan "
            "yang sama seperti tabel lain laporan ini; perubahan dan nilai p hanya ditulis "
            "bila kedua putaran ditampilkan."
        ),
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
        "trend": "Stunting prevalence per round (95% confidence interval)",
        "flow": "New cases and recoveries against measurement noise",
        "target": "Target",
        "target_intro": (
            "WHO/UNICEF 2019 class, the probability that the true prevalence is below "
            "2.5% (\u201cstunting free\u201d), and whether the rate of reduction reaches "
            "the target. 0 stunted of few children measured is not stunting free: see the "
            "upper bound."
        ),
        "area": "Desa/kelurahan", "all": "All",
        "linked": "Children measured in both rounds",
        "new": "Newly stunted", "expected_new": "Expected without change",
        "excess_new": "Excess (95% CI)", "recovered": "Recovered",
        "expected_rec": "Expected without change", "excess_rec": "Excess (95% CI)",
        "change_col": "Change", "p": "p-value", "points": "points",
        "prev": "Prevalence", "class": "WHO/UNICEF class", "upper": "95% upper bound",
        "p_below": "P(< 2.5%)", "aarr": "Reduction per year",
        "need": "Needed per year", "track": "Status",
        "masked": (
            "Small cells are masked (\u2013) to protect the children, by the same rule as "
            "the other tables of this report; a change and its p-value are written only "
            "when both rounds are shown."
        ),
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


#: Counts of children per area in the transitions table, and what is computed from each
#: (masked with it: an interval or an excess beside a masked count gives it away).
_COUNTS: dict[str, tuple[str, ...]] = {
    "linked": ("mean_haz_from", "mean_haz_to", "model_mean", "model_sd", "r",
               "mean_delta_haz", "mean_delta_had", "mean_conditional_z"),
    "at_risk": ("incidence",),
    "newly_stunted": ("newly_stunted_low", "newly_stunted_high", "excess_newly_stunted",
                      "excess_newly_stunted_low", "excess_newly_stunted_high", "incidence"),
    "stunted_before": ("recovery",),
    "recovered": ("recovered_low", "recovered_high", "excess_recovered",
                  "excess_recovered_low", "excess_recovered_high", "recovery"),
    "relapsed": (), "persistent": (), "lost_to_follow_up": (), "aged_out": (),
    "newly_measured": (), "duplicates": (), "unscored": (), "unkeyed": (),
}  # fmt: skip


def mask_transitions(table: pd.DataFrame, min_cases: int) -> pd.DataFrame:
    """A transitions table with counts of 1..min_cases-1 masked (NA), and what comes from them.

    Used for the Perkembangan section and for the table the ``change`` command writes.
    Counts become nullable integers, what is derived from them nullable floats.
    """
    out = table.copy()
    for count, derived in _COUNTS.items():
        if count not in out.columns:
            continue
        values = pd.to_numeric(out[count], errors="coerce")
        small = ((values > 0) & (values < min_cases)).to_numpy()
        out[count] = values.round().astype("Int64").mask(small)
        for column in derived:
            if column in out.columns:
                out[column] = out[column].astype("Float64").mask(small)
    return out


def _num(x: Any, decimals: int, language: str) -> str:
    return format_decimal(x, language, decimals)


def _pct(x: Any, language: str) -> str:
    return format_percent(x, language)


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


def _stunting_by_round(
    frame: pd.DataFrame, pcol: str, area: str, options: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stunting per round and area: as published (masked) and as computed, row for row.

    Computed once for the Perkembangan and the Target tables.
    """
    from stuntlib.estimation import prevalence

    shown = prevalence(frame, [pcol, area], indicators="stunting", suppress=True, **options)
    raw = prevalence(frame, [pcol, area], indicators="stunting", min_n=1, min_cases=0,
                     ci=options["ci"])  # fmt: skip
    return shown, raw


def _trend(frame: pd.DataFrame, shown: pd.DataFrame, raw: pd.DataFrame, pcol: str, area: str,
           periods: list[Any], t: dict[str, Any], language: str) -> str:  # fmt: skip
    """Stunting per area and round (masked), and the change from the first to the last."""
    from stuntlib.change._compare import compare_prevalence

    names = sorted(frame[area].dropna().unique(), key=str)
    shown = shown[shown["kind"] == "prevalence"].set_index([area, pcol])
    first, last = periods[0], periods[-1]
    a = raw[raw[pcol] == first][[area, "estimate", "se"]]
    b = raw[raw[pcol] == last][[area, "estimate", "se"]]
    diff = compare_prevalence(b, a).set_index(area)
    rows = []
    for name in names:
        cells, published = [str(name)], []
        for p_ in periods:
            r = shown.loc[(name, p_)] if (name, p_) in shown.index else None
            ok = r is not None and not bool(r["suppressed"]) and r["n"] > 0
            published.append(ok)
            cells.append(
                f"{_pct(r['estimate'], language)} ({_pct(r['ci_low'], language)}"
                f"\u2013{_pct(r['ci_high'], language)})"
                if ok and r is not None
                else MISSING
            )
        both = published[0] and published[-1]  # a change next to a masked cell unmasks it
        d = diff["difference"].get(name, np.nan) if both else np.nan
        p_value = diff["p_value"].get(name, np.nan) if both else np.nan
        cells += [MISSING if pd.isna(d) else f"{_num(100 * d, 1, language)} {t['points']}",
                  _num(p_value, 3, language)]  # fmt: skip
        rows.append(cells)
    header = [t["area"], *(format_month(p, language) for p in periods), t["change_col"], t["p"]]
    return f"<h3>{t['trend']}</h3>" + _table(header, rows)


def _flows(frame: pd.DataFrame, child: str, pcol: str, area: str, periods: list[Any],
           t: dict[str, Any], language: str, min_cases: int) -> str:  # fmt: skip
    """New cases and recoveries between the last two rounds; small counts masked."""
    from stuntlib.change._transitions import transitions

    before, last = periods[-2], periods[-1]
    flows = transitions(frame, child=child, period=pcol, by=area)
    flows = flows[(flows["period_from"] == before) & (flows["period_to"] == last)]
    flows = mask_transitions(flows, min_cases)
    rows = []
    for r in flows.sort_values(area).to_dict("records"):
        excess = (
            MISSING
            if pd.isna(r["newly_stunted"])  # masked, with its excess
            else f"{_num(r['excess_newly_stunted'], 1, language)} "
            f"({_num(r['excess_newly_stunted_low'], 1, language)}\u2013"
            f"{_num(r['excess_newly_stunted_high'], 1, language)})"
        )
        rows.append([
            str(r[area]), format_count(r["linked"], language),
            format_count(r["newly_stunted"], language),
            _num(r["expected_newly_stunted"], 1, language), excess,
            format_count(r["recovered"], language),
            _num(r["expected_recovered"], 1, language),
        ])  # fmt: skip
    header = [t["area"], t["linked"], t["new"], t["expected_new"], t["excess_new"],
              t["recovered"], t["expected_rec"]]  # fmt: skip
    span = f"{format_month(before, language)} \u2192 {format_month(last, language)}"
    return f"<h3>{t['flow']} ({span})</h3>" + _table(header, rows)


def _targets(frame: pd.DataFrame, shown: pd.DataFrame, raw: pd.DataFrame, pcol: str,
             area: str, t: dict[str, Any], language: str, target: float | None,
             target_year: int | None) -> str:  # fmt: skip
    """Class, evidence of "bebas stunting" and the AARR per area; masked areas blank."""
    from stuntlib.change._targets import target_status

    d = pd.to_datetime(frame["measure_date"], errors="coerce") if (
        "measure_date" in frame.columns) else None  # fmt: skip
    year_of = (
        frame.assign(_year=d.dt.year).groupby(pcol)["_year"].median()
        if d is not None
        else pd.Series(dtype=float)
    )
    counts = raw[[pcol, area, "n", "cases"]].assign(
        suppressed=shown["suppressed"].to_numpy(dtype=bool)
    )
    counts["year"] = counts[pcol].map(year_of)
    counts = counts.dropna(subset=["year"])
    counts = counts[counts["n"] > 0]
    # the latest round of each area and year (tail, not last(): no mixing of rounds)
    counts = counts.sort_values([area, pcol]).groupby([area, "year"]).tail(1)
    header = [t["area"], t["prev"], t["class"], t["upper"], t["p_below"], t["aarr"], t["need"],
              t["track"]]  # fmt: skip
    if counts.empty:  # no measurement dates: no year to set against a target
        return _table(header, [])
    masked = counts.groupby(area)["suppressed"].last()  # the latest year's round
    status = target_status(counts[[area, "n", "cases", "year"]].astype({"year": int}),
                           target=target, target_year=target_year)  # fmt: skip
    rows = []
    for r in status.to_dict("records"):
        if bool(masked.get(r[area], True)):
            rows.append([str(r[area]), *[MISSING] * 7])
            continue
        rows.append([
            str(r[area]), _pct(r["prevalence"], language),
            t["classes"].get(r["who_class"], MISSING), _pct(r["upper_bound"], language),
            _num(r["p_below_threshold"], 2, language), _pct(r["aarr"], language),
            _pct(r["required_aarr"], language), t["tracks"].get(r["track"], MISSING),
        ])  # fmt: skip
    return _table(header, rows)


def render_change_sections(
    scored: pd.DataFrame,
    *,
    language: str = "id",
    child: str = "nik",
    period: str | None = None,
    by: str = "kelurahan",
    labels: pd.Series | None = None,
    target: float | None = None,
    target_year: int | None = None,
    ci: str = "wilson",
    min_n: int = 25,
    min_cases: int = 3,
) -> str:
    """HTML of the "Perkembangan" (change) and "Target" sections of the report.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score` for two or more rounds.
    language : {"id", "en"}, default "id"
        Language of the text and of every number and month (:mod:`stuntlib._format`).
    child : str, default "nik"
        Column identifying a child across rounds (never shown).
    period : str, optional
        Round column; default ``period``, ``round`` or ``putaran`` if present, else the
        month of ``measure_date``. Month keys (``2025-08``) are shown as words.
    by : str, default "kelurahan"
        Area column.
    labels : pandas.Series, optional
        Area label of each row (aligned with ``scored``), e.g. the registry's desa names
        of :func:`stuntlib.publication.match_desa`, so that spelling variants of one desa
        are one row; default the ``by`` column as written.
    target, target_year : optional
        As for :func:`stuntlib.change.target_status` (default: the national path when
        ``target_year`` is given).
    ci, min_n, min_cases : optional
        Interval method and small-cell rules of :func:`stuntlib.prevalence` with
        ``suppress=True``, as in the rest of the report.

    Returns
    -------
    str
        Two ``<section>`` elements. Masked cells read "\u2013"; a change, p-value, upper
        bound or rate next to a masked prevalence is masked too (it would give it away);
        counts of new cases and recoveries below ``min_cases`` are masked with their
        excess. No NIK or name.

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
    if language not in _TEXT:
        raise StuntlibError(f"language: expected 'id' or 'en'; got {language!r}")
    t = _TEXT[language]
    frame, pcol = _period_column(scored, period)
    if pcol != "period":  # named "period", prevalence tabulates every round, not the latest
        frame, pcol = frame.assign(period=frame[pcol]), "period"
    if labels is not None:
        frame, by = frame.assign(_area=np.asarray(labels, dtype=object)), "_area"
    if by not in frame.columns:
        raise ColumnError(f"by: no column {by!r}; the columns are {list(frame.columns)}")
    options = {"ci": ci, "min_n": min_n, "min_cases": min_cases}
    periods = sorted(frame[pcol].dropna().unique())
    parts = [f'<section id="perkembangan"><h2>{t["change"]}</h2><p>{t["change_intro"]}</p>']
    shown, raw = _stunting_by_round(frame, pcol, by, options)
    if len(periods) < 2:
        parts.append(f"<p>{t['one_period']}</p></section>")
    else:
        parts.append(_trend(frame, shown, raw, pcol, by, periods, t, language))
        parts.append(_flows(frame, child, pcol, by, periods, t, language, min_cases))
        parts.append(f"<p>{t['flow_note']} {t['masked']}</p></section>")
    parts.append(f'<section id="target"><h2>{t["target"]}</h2><p>{t["target_intro"]}</p>')
    parts.append(_targets(frame, shown, raw, pcol, by, t, language, target, target_year))
    parts.append(f"<p>{t['masked']}</p></section>")
    return "\n".join(parts)
