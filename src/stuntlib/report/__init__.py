"""One self-contained HTML report of stunting in a kabupaten/kota, for the rembuk stunting.

:func:`render_report` turns scored rows (:func:`stuntlib.score`) into a single HTML page
in Indonesian (default) or English: headline figures; the flow of counts from the rows
of the file to the children analysed; prevalence of stunting, wasting, underweight and
overweight per kelurahan and of stunting per age group and sex, with n, cases and
intervals; mean z-scores per kelurahan; the HAZ, WHZ and WAZ distributions against the
WHO standard; an optional map in the WHO/UNICEF 2019 prevalence classes; the
data-quality findings; the Aksi 7 table; how to read a census interval; and the methods.
Numbers, percentages and dates are written in the report's language
(:mod:`stuntlib._format`). Plots are PNG images embedded as ``data:`` URIs, so the file
can be mailed or opened offline; the page has no script and no external resource, and
prints on A4 landscape.

The package is split by job: ``_text`` (every visible string), ``_html`` (tables and
page), ``_sections`` (one function per section); the charts are :mod:`stuntlib._charts`
(matplotlib object API, never pyplot, the caller's backend untouched; no pandas).
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import os
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from stuntlib import _charts
from stuntlib._concurrent import later as _later
from stuntlib._format import (
    format_count,
    format_date,
    format_interval,
    format_percent,
    format_period,
)
from stuntlib._validation import check_language, check_scored_frame
from stuntlib.errors import StuntlibError
from stuntlib.report import _html, _sections
from stuntlib.report._text import METHODS, TEXT
from stuntlib.rounds import select_round

if TYPE_CHECKING:
    from stuntlib.estimation import CIMethod

__all__ = ["render_report", "write_report"]

Language = Literal["id", "en"]

_GEO_KEYS = ("kode", "code", "kode_desa", "kode_kel", "kdepum", "kd_desa", "kelurahan",
             "desa", "nama", "name", "namobj", "wadmkd", "desa_kel")  # fmt: skip
_GEO_NAMES = ("nama", "name", "kelurahan", "desa", "desa_kel", "namobj", "wadmkd")


def _load_geojson(geojson: Any) -> Mapping[str, Any] | None:
    if geojson is None:
        return None
    if isinstance(geojson, Mapping):
        return geojson
    path = Path(geojson)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such GeoJSON file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StuntlibError(f"geojson: {path} is not valid JSON ({exc})") from exc
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        raise StuntlibError(f"geojson: {path} is not a GeoJSON FeatureCollection")
    return data


def _map_section(
    geo: Mapping[str, Any] | None, kel: pd.DataFrame, key: str | None, t: Mapping[str, Any]
) -> str:
    """The map (fixed WHO/UNICEF classes) with its match report, or a note without one."""
    from stuntlib.publication._areas import name_key

    if geo is None:
        return _html.section(str(t["map"]), _html.paragraph(str(t["map_none"]), "note"))
    features = [f for f in geo.get("features", []) if f.get("geometry")]
    if not features:
        raise StuntlibError("geojson: no feature with a geometry")
    props = [{str(k).lower(): v for k, v in (f.get("properties") or {}).items()} for f in features]
    chosen = key.lower() if key else next((k for k in _GEO_KEYS if k in props[0]), None)
    if chosen is None:
        raise StuntlibError(
            "geojson: cannot tell which property names the kelurahan; pass geojson_key= one of "
            f"{sorted(props[0])}"
        )
    geo_keys = name_key(pd.Series([str(p.get(chosen, "")) for p in props], dtype="string"))
    by_code = dict(zip(kel["code"].astype(str), kel["prevalence"], strict=True))
    by_name = dict(zip(name_key(kel["kelurahan"]).astype(str), kel["prevalence"], strict=True))
    raw = [str(p.get(chosen, "")) for p in props]
    percent = np.array(
        [by_code.get(r, by_name.get(str(k), np.nan)) for r, k in zip(raw, geo_keys, strict=True)],
        dtype=float,
    )
    name_prop = next((k for k in _GEO_NAMES if k in props[0]), chosen)
    labels = [str(p.get(name_prop, "")).title() for p in props]
    uri = _charts.map_figure(features, percent, labels, t)
    matched_keys = set(raw) | set(geo_keys.astype(str))
    data_keys = list(zip(kel["code"].astype(str), name_key(kel["kelurahan"]).astype(str),
                         kel["kelurahan"], strict=True))  # fmt: skip
    unmatched = [
        name for code, k, name in data_keys if code not in matched_keys and k not in matched_keys
    ]
    match = str(t["map_match"]).format(
        matched=len(data_keys) - len(unmatched), total=len(data_keys)
    )
    body = _html.figure(uri, str(t["map"]), str(t["map_caption"])) + _html.paragraph(match)
    if unmatched:
        body += _html.paragraph(f"{t['map_unmatched']}: {', '.join(unmatched)}.", "note")
    return _html.section(str(t["map"]), body)


def _aksi7_html(table: pd.DataFrame, keys: list[str], language: Language) -> str:
    """The Aksi 7 table formatted in the report's language."""
    from stuntlib.publication._table import LEVELS

    keyed = table.set_axis(keys, axis=1)
    shown = [k for k in keys if k not in ("level", "name")]
    percent = {"coverage", "prevalence", "ci_low", "ci_high"}
    text = {"code", "kecamatan", "puskesmas", "kelurahan", "note"}
    rows = []
    for record in keyed[shown].itertuples(index=False):
        row = []
        for k, v in zip(shown, record, strict=True):
            if k in text:
                row.append("" if pd.isna(v) else str(v))
            elif k in percent:
                row.append(format_percent(v / 100.0 if pd.notna(v) else v, language))
            else:
                row.append(format_count(v, language))
        rows.append(row)
    levels = keyed["level"].astype(str).tolist()
    kota, subtotals = LEVELS[language][0], (LEVELS[language][1], LEVELS[language][3])
    classes = ["kota" if lv == kota else "kec" if lv in subtotals else "" for lv in levels]
    names = keyed["name"].astype(str).tolist()
    for i, lv in enumerate(levels):  # the kota row carries its name
        if lv == kota:
            rows[i][shown.index("kecamatan")] = names[i]
    headers = [str(c) for k, c in zip(keys, table.columns, strict=True) if k in shown]
    text_idx = [i for i, k in enumerate(shown) if k in text]
    return _html.table(headers, rows, text_columns=text_idx, row_classes=classes)


def _kota_estimates(
    scored: pd.DataFrame, options: dict[str, Any]
) -> tuple[list[str], pd.DataFrame]:
    """The headline's indicators and the kab/kota's prevalence of each, masked.

    The headline is a published table too: its small cells are masked like the others.
    """
    from stuntlib.estimation import prevalence

    wanted = [i for i, z in _sections.INDICATORS if z in scored.columns]
    est = prevalence(scored, indicators=wanted, suppress=True, **options)
    return wanted, est.set_index("indicator")


def _city(est: pd.DataFrame) -> float:
    """The kab/kota's stunting prevalence [%] as the tables round it (one decimal); NaN if masked.

    The line of the kelurahan chart: the headline's figure, so the chart can be drawn
    before the Aksi 7 table is computed.
    """
    if "stunting" not in est.index or bool(est.loc["stunting", "suppressed"]):
        return np.nan
    estimate = est["estimate"].to_numpy(dtype=np.float64)[est.index.get_loc("stunting")]
    return float(np.round(estimate * 100.0, 1))


def _headline(
    kota: tuple[list[str], pd.DataFrame], kota_row: pd.Series, n_kel: int, kota_name: str,
    t: Mapping[str, Any], language: Language, *, records: int,
) -> str:  # fmt: skip
    """Headline cards: rows of the file (every period), children measured, prevalences.

    ``kota``: :func:`_kota_estimates`.
    """
    wanted, est = kota

    def card(name: str) -> tuple[str, str, str]:
        if name not in est.index:
            return str(t[name]), "–", ""
        r = est.loc[name]
        if bool(r["suppressed"]):
            return str(t[name]), "–", str(t["masked"])
        return (str(t[name]), format_percent(r["estimate"], language),
                format_interval(r["ci_low"], r["ci_high"], language))  # fmt: skip

    items = [
        (str(t["records"]), format_count(records, language), ""),
        (str(t["measured"]), format_count(kota_row["measured"], language), ""),
        *[card(i) for i in wanted],
        (str(t["kelurahan_n"]), format_count(n_kel, language), kota_name),
    ]
    return _html.section(str(t["headline"]), _html.cards(items))


def _age_sex(scored: pd.DataFrame, t: Mapping[str, Any], language: Language,
             options: dict[str, Any], executor: Executor | None) -> Callable[[], str]:  # fmt: skip
    """Stunting by age group and sex: table and chart, small cells masked in both.

    Returns the section to write once its chart is drawn.
    """
    from stuntlib.estimation import add_group_columns, prevalence

    if not ({"age_days", "age_months"} & set(scored.columns)) or not (
        {"csex", "sex"} & set(scored.columns)
    ):
        return lambda: ""
    wanted = ("zlen", "flen", "age_days", "age_months", "csex", "sex")
    subset = scored[[c for c in scored.columns if c in wanted]]
    grouped = add_group_columns(subset, ["age_group", "sex"])
    res = prevalence(grouped, ["age_group", "sex"], indicators="stunting", suppress=True,
                     **options)  # fmt: skip
    res = res.sort_values(["age_group", "sex"], kind="stable")
    res.loc[res["suppressed"], ["estimate", "ci_low", "ci_high"]] = np.nan
    body = _sections.age_sex_table(res, t, language)
    chart = _later(executor, _charts.age_sex_figure, *_age_sex_figure(res, t), t, language)
    return lambda: _html.section(
        str(t["prev_age"]), body + _html.figure(chart(), str(t["prev_age"]))
    )


def _masking(min_cases: int, language: Language) -> str:
    """What the small-cell rule masks, in words, for the methods paragraph."""
    if min_cases <= 1:
        off = {"id": "jumlah kasus kecil TIDAK disamarkan", "en": "small counts are NOT masked"}
        return f"{off[language]} (min_cases = {min_cases})"
    counts = "1" if min_cases == 2 else f"1–{min_cases - 1}"
    on = {"id": "jumlah {} kasus disamarkan", "en": "counts of {} cases are masked"}
    return on[language].format(counts)


def _desa_rows(keyed: pd.DataFrame, language: Language) -> pd.DataFrame:
    """One row per desa/kelurahan of an Aksi 7 table (for the map and the count card).

    The pooled rows of children whose desa has no code are not a desa. A desa recorded
    under two puskesmas has a row under each, with part of its children: its rows are
    kept once, without a prevalence (no part is the desa's).
    """
    from stuntlib.publication._table import _UNKNOWN

    pooled = keyed["code"].isna() & (keyed["kelurahan"] == _UNKNOWN[language])
    desa = keyed[(keyed["kelurahan"] != "") & ~pooled]
    place = [c for c in ("code", "kecamatan", "kelurahan") if c in desa.columns]
    split = desa.duplicated(place, keep=False).to_numpy()
    out = desa.assign(prevalence=desa["prevalence"].where(~split))
    return out[~out.duplicated(place)].assign(label=lambda d: d["kelurahan"])


def _check_aksi7(table: Any, language: Language) -> pd.DataFrame:
    """A given Aksi 7 table, if it is a masked one in the report's language."""
    info = getattr(table, "attrs", {}).get("stuntlib_aksi7")
    if not isinstance(table, pd.DataFrame) or info is None:
        raise StuntlibError(
            "aksi7: expected a table of stuntlib.publication.aksi7_table; got "
            f"{type(table).__name__}"
        )
    if not info["protected"] or info["language"] != language:
        raise StuntlibError(
            f"aksi7: expected a masked table in language {language!r}; got "
            f"protect={info['protected']}, language={info['language']!r}"
        )
    return table


def _age_sex_figure(
    res: pd.DataFrame, t: Mapping[str, Any]
) -> tuple[list[str], dict[str, np.ndarray]]:
    """What the age x sex chart draws from a masked table (a seam tests patch).

    The age groups' axis labels and, per sex, estimate, ci_low and ci_high [%] of shape
    (3, groups), NaN where masked: the arguments of :func:`stuntlib._charts.age_sex_figure`.
    """
    groups = list(res["age_group"].cat.categories)
    by_sex = {}
    for sex in ("Male", "Female"):
        part = res[res["sex"] == sex].set_index("age_group").reindex(groups)
        by_sex[sex] = part[["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float).T * 100
    return [str(g).replace(" mo", "") for g in groups], by_sex


def _period(scored: pd.DataFrame, period: str | None, language: Language) -> str | None:
    if period is not None or "measure_date" not in scored.columns:
        return period
    dates = pd.to_datetime(scored["measure_date"], errors="coerce").dropna()
    return format_period(dates.min(), dates.max(), language) if len(dates) else None


def _interpretation(t: Mapping[str, Any], min_n: int) -> str:
    first, second = t["interpret_text"]
    body = _html.paragraph(first, "text") + _html.paragraph(second.format(min_n=min_n), "text")
    return _html.section(str(t["interpret"]), body)


def _change_html(every_round: pd.DataFrame, areas: Any, t: Mapping[str, Any],
                 language: Language, options: dict[str, Any],
                 upto: str | None = None) -> str:  # fmt: skip
    """The Perkembangan and Target sections when the file holds two or more rounds.

    Rows are named by the registry's desa (:func:`_sections.desa_labels`), as in the
    other per-desa tables, and masked by the same rule.
    """
    from stuntlib.change._report import render_change_sections
    from stuntlib.publication import match_desa
    from stuntlib.rounds import measurement_period

    if "nik" not in every_round.columns:
        return ""
    periods = measurement_period(every_round)
    if upto not in (None, "-"):  # the report of a round compares it with earlier ones only
        every_round = every_round[(periods <= upto).fillna(False).to_numpy(dtype=bool)]
        periods = measurement_period(every_round)
    if periods.nunique() < 2:
        return ""
    labels = _sections.desa_labels(match_desa(every_round, areas), t)
    try:
        return render_change_sections(every_round, language=language, labels=labels, **options)
    except StuntlibError:  # rounds that cannot be linked: the single-round report stands
        return ""


def _situation_html(situation: pd.DataFrame | None, language: Language, geojson: Any) -> str:
    """The Situasi section (Aksi 1 priorities) when a situation table is given."""
    if situation is None:
        return ""
    from stuntlib.convergence._report import render_situation_section

    return render_situation_section(situation, language=language, geojson=geojson)


def render_report(
    scored: pd.DataFrame,
    *,
    language: Language = "id",
    title: str | None = None,
    source: str | None = None,
    period: str | None = None,
    areas: Any = None,
    targets: Any = None,
    geojson: Any = None,
    geojson_key: str | None = None,
    quality: Any = None,
    ci: CIMethod = "wilson",
    min_n: int = 25,
    min_cases: int = 3,
    situation: pd.DataFrame | None = None,
    aksi7: pd.DataFrame | None = None,
    executor: Executor | None = None,
) -> str:
    """Render the stunting report of scored rows as one self-contained HTML page.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score` (``zlen``, ``flen``, ``age_days``, ``csex``,
        ``zwfl``, ``zwei``...) with a kelurahan column (and ideally kecamatan), e.g.
        ``score(read_measurements("export.xlsx", profile="eppgbm"))``.
    language : {"id", "en"}, default "id"
        Language of every text, header, number and axis label.
    title, source, period : str, optional
        Title (default "Laporan stunting balita" plus the kota), the data source shown
        under it (e.g. the file name) and the measurement period (default: the range of
        ``measure_date``, as dates in the report's language).
    areas : optional
        As in :func:`stuntlib.publication.aksi7_table`: by default the kabupaten/kota is
        found from the data in the Kemendagri 2025 registry; a path to a newer code
        table, or the codes of one kabupaten/kota.
    targets : optional
        Target children per kelurahan (:func:`stuntlib.publication.aksi7_table`).
    geojson : str, path or dict, optional
        A GeoJSON FeatureCollection of kelurahan boundaries (Polygon/MultiPolygon, lon/lat):
        adds a map in the WHO/UNICEF 2019 classes and a report of the names matched.
        Without it the report says that no map was drawn.
    geojson_key : str, optional
        The property to join on; default the first of ``kode``, ``code``, ``kelurahan``,
        ``desa``, ``nama``, ``name``... present.
    quality : object, optional
        A report of :func:`stuntlib.quality.check_quality` (or its checks table);
        default: computed.
    ci : str, default "wilson"
        Interval method of :func:`stuntlib.prevalence`.
    min_n, min_cases : int, default 25 and 3
        Small-cell rules (:func:`stuntlib.publication.aksi7_table`).
    situation : pandas.DataFrame, optional
        A table of :func:`stuntlib.convergence.situation_analysis`: adds the "Situasi"
        section (priority desa/kelurahan with their probabilities, Aksi 1).
    aksi7 : pandas.DataFrame, optional
        The masked :func:`stuntlib.publication.aksi7_table` of the same rows (one period)
        in ``language``, when the caller has it already (the CLI writes it to the
        workbook too); default: computed with ``areas``, ``targets``, ``ci``, ``min_n``
        and ``min_cases``.
    executor : concurrent.futures.Executor, optional
        Where the charts are drawn. The command line passes a one-process pool started
        before it reads the file, so matplotlib loads and the charts are drawn on a
        second core while the tables are computed; the page is the same. Default: drawn
        here, in turn.

    Returns
    -------
    str
        The HTML document (UTF-8 text; images embedded as ``data:image/png;base64``).

    Raises
    ------
    ColumnError
        If ``scored`` has no ``zlen`` column (it was not scored).
    StuntlibError
        For a bad argument or an unusable GeoJSON, or when matplotlib is not installed.
    FileNotFoundError
        If ``geojson`` names a file that does not exist.

    References
    ----------
    .. [1] WHO (2019). *Recommendations for data collection, analysis and reporting on
       anthropometric indicators in children under 5 years old*. Geneva: WHO.
    .. [2] de Onis, M. et al. (2019). Prevalence thresholds for wasting, overweight and
       stunting in children under 5 years. *Public Health Nutrition* 22(1), 175-179.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({
    ...     "kelurahan": rng.choice(["TIRTO", "MEDONO"], 200), "kecamatan": "PEKALONGAN BARAT",
    ...     "flen": 0, "csex": rng.integers(1, 3, 200), "zlen": rng.normal(-1.2, 1.1, 200),
    ...     "age_days": rng.integers(0, 1800, 200)})
    >>> page = render_report(df, language="en")
    >>> page.startswith("<!DOCTYPE html>"), page.count('<img src="data:image/png;base64,')
    (True, 3)
    """
    check_language(language)
    check_scored_frame(scored)
    return _page(scored, select_round(scored, period), language=language, title=title,
                 source=source, period=period, areas=areas, targets=targets, geojson=geojson,
                 geojson_key=geojson_key, quality=quality, ci=ci, min_n=min_n,
                 min_cases=min_cases, situation=situation, aksi7=aksi7,
                 executor=executor)  # fmt: skip


def _page(
    every_round: pd.DataFrame,
    scored: pd.DataFrame,
    *,
    language: Language,
    title: str | None,
    source: str | None,
    period: str | None,
    areas: Any,
    targets: Any,
    geojson: Any,
    geojson_key: str | None,
    quality: Any,
    ci: CIMethod,
    min_n: int,
    min_cases: int,
    situation: pd.DataFrame | None,
    aksi7: pd.DataFrame | Callable[[], pd.DataFrame] | None,
    executor: Executor | None,
) -> str:
    """:func:`render_report` of the rows of every round and of the round reported.

    ``aksi7`` may also be a callable that computes the table (the command line's, with
    its options, which also starts the workbooks): it is called once the charts that
    need no table are under way; so may ``areas`` (the command's, which finds the
    kab/kota once for the page and its workbooks). On an executor, each chart is
    submitted as soon as its data are known, so that it is drawn while the tables are
    computed.
    """
    from stuntlib import __version__
    from stuntlib.publication import aksi7_table, areas_of, match_desa
    from stuntlib.publication._table import placements_shared

    t = TEXT[language]
    geo = _load_geojson(geojson)
    options: dict[str, Any] = {"ci": ci, "min_n": min_n, "min_cases": min_cases}
    panels = [(f"{ZS.label_id if language == 'id' else ZS.abbreviation}", z)
              for ZS, z in _zscore_panels(scored)]  # fmt: skip
    dist = _later(executor, _charts.zscore_figure, panels, t, language)
    age_sex = _age_sex(scored, t, language, options, executor)
    if callable(areas):  # the command's: found once, for its workbooks too
        areas = areas()
    elif areas is None or isinstance(areas, (str, os.PathLike)):
        areas = areas_of(scored, areas)  # once: the table and the desa sections share it
    with placements_shared():  # the rows are placed in desa once, for every table
        matched = match_desa(scored, areas)
        desa = _sections.desa_labels(matched, t)
        by_desa = _sections.desa_prevalence(scored, desa, options)
        chart = _sections.chart_rows(by_desa)  # the per-desa table's labels and masks
        kota = _kota_estimates(scored, options)
        by_kel = _later(executor, _charts.kelurahan_figure, chart, _city(kota[1]), t, language)
        if aksi7 is None:
            table = aksi7_table(scored, areas, targets=targets, language=language,
                                decimals=1, **options)  # fmt: skip
        else:
            table = _check_aksi7(aksi7() if callable(aksi7) else aksi7, language)
    keys = table.attrs["stuntlib_aksi7"]["keys"]
    keyed = table.set_axis(keys, axis=1)
    kota_row = keyed.iloc[0]
    kota_name = str(kota_row["name"])
    kel = _desa_rows(keyed, language)
    checks = _sections.round_checks(every_round, period) if quality is None else quality
    parts: list[str | Callable[[], str]] = [
        _headline(kota, kota_row, len(kel), kota_name, t, language, records=len(every_round)),
        _sections.flow_section(scored, t, language),
        _sections.prevalence_section(by_desa, t, language),
        lambda: _html.section(
            str(t["by_kel"]),
            _html.figure(by_kel(), str(t["by_kel"]), str(t["by_kel_caption"])),
        ),
        age_sex,
        _sections.mean_z_section(scored, desa, t, language, options),
        lambda: _html.section(
            str(t["dist"]), _html.figure(dist(), str(t["dist"]), str(t["dist_caption"]))
        ),
        _map_section(geo, kel, geojson_key, t),
        _html.section(str(t["table"]), _aksi7_html(table, keys, language)),
        _sections.match_section(matched, t, language),
        _change_html(
            every_round,
            areas,
            t,
            language,
            options,
            scored.attrs.get("stuntlib_round", {}).get("period"),
        ),  # fmt: skip
        _situation_html(situation, language, geojson),
        _sections.quality_section(scored, checks, t, language),
        _interpretation(t, min_n),
        _html.section(
            str(t["methods"]),
            '<p class="text">'
            + METHODS[language].format(
                version=html.escape(__version__),
                ci=html.escape(str(ci).title()),
                masking=_masking(min_cases, language),
                max_days=format_count(_sections._max_age_days(), language),
            )
            + "</p>",
        ),  # fmt: skip
    ]
    heading = title or f"{t['title']} {kota_name}".strip()
    meta = [str(t["generated"]).format(date=format_date(_dt.date.today(), language),
                                       version=__version__)]  # fmt: skip
    if source:
        meta.append(f"{t['source']}: {source}")
    chosen = scored.attrs.get("stuntlib_round", {}).get("period")
    # a round was selected: its rows' dates, whatever spelling chose it ("2025-8", "Feb 2025")
    shown_period = _period(scored, None if chosen not in (None, "-") else period, language)
    if shown_period:
        meta.append(f"{t['period']}: {shown_period}")
    body = "".join(part if isinstance(part, str) else part() for part in parts)
    return _html.page(language, heading, meta, body)


def _zscore_panels(scored: pd.DataFrame) -> list[tuple[Any, np.ndarray]]:
    """HAZ, WHZ and WAZ of the rows analysed for each (valid, unflagged, 0-59 months)."""
    from stuntlib.indicators import ZSCORES

    panels = []
    for z in ("zlen", "zwfl", "zwei"):
        if z in scored.columns:
            ok = _sections.analysed_mask(scored, z)
            panels.append((ZSCORES[z], scored[z].to_numpy(dtype=float, na_value=np.nan)[ok]))
    return panels


def write_report(scored: pd.DataFrame, path: str | os.PathLike[str], **options: Any) -> Path:
    """Render the report (:func:`render_report`) and write it to an HTML file.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score`.
    path : str or path-like
        Output ``.html`` file; parent folders are created.
    **options
        Keyword arguments of :func:`render_report`.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ColumnError, StuntlibError, FileNotFoundError
        As :func:`render_report`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> df = pd.DataFrame({"kelurahan": ["TIRTO"] * 40, "kecamatan": "PEKALONGAN BARAT",
    ...                    "flen": 0, "zlen": np.linspace(-3, 1, 40), "age_days": 400})
    >>> out = write_report(df, pathlib.Path(tempfile.mkdtemp()) / "laporan.html")
    >>> out.read_text(encoding="utf-8").count("<img ")
    2
    """
    return _write_page(render_report(scored, **options), path)


def _write_page(page: str, path: str | os.PathLike[str]) -> Path:
    """Write a page as UTF-8, its folders created; the path."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(page, encoding="utf-8")
    return file
