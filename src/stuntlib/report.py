"""One self-contained HTML report of stunting in a kabupaten/kota, for the rembuk stunting.

:func:`render_report` turns scored rows (:func:`stuntlib.score`) into a single HTML page
in Indonesian (default) or English: headline figures, the distribution of
height-for-age z-scores against the WHO standard normal curve, stunting prevalence by
kelurahan with confidence intervals (a sorted dot chart), by age group and sex, an
optional kelurahan map drawn from a GeoJSON of boundaries, the data-quality profile, the
Aksi 7 table and a methods paragraph. Plots are PNG images embedded as ``data:`` URIs,
so the file can be mailed or opened offline; the page has no script and no external
resource.

matplotlib (the ``plot`` extra) is imported only when a report is rendered, with the
non-interactive Agg backend.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io as _io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from stuntlib._validation import check_language, check_scored_frame
from stuntlib.columns import identifying_columns, resolve_columns
from stuntlib.errors import StuntlibError

if TYPE_CHECKING:
    from stuntlib.estimation import CIMethod

__all__ = ["render_report", "write_report"]

Language = Literal["id", "en"]

_TEXT: Mapping[str, Mapping[str, str]] = {
    "id": {
        "title": "Laporan stunting balita",
        "generated": "Dibuat {date} dengan stuntlib {version}",
        "source": "Sumber data",
        "period": "Periode pengukuran",
        "headline": "Angka utama",
        "records": "Data balita dalam berkas",
        "measured": "Balita diukur (TB/U sah)",
        "stunting": "Prevalensi stunting",
        "severe": "Sangat pendek (TB/U < -3 SD)",
        "wasting": "Wasting (BB/TB < -2 SD)",
        "underweight": "Underweight (BB/U < -2 SD)",
        "kelurahan_n": "Desa/kelurahan",
        "ci": "IK 95%",
        "dist": "Sebaran z-skor TB/U dibandingkan standar WHO",
        "dist_caption": "Histogram z-skor tinggi badan menurut umur (TB/U) balita 0-59 bulan; "
        "garis hitam: standar WHO (normal baku, rata-rata 0, SD 1); garis oranye: sebaran "
        "normal dengan rata-rata dan SD data. Garis putus-putus: -2 dan -3 SD.",
        "by_kel": "Prevalensi stunting menurut desa/kelurahan",
        "by_kel_caption": "Titik: prevalensi; garis: interval kepercayaan 95%; garis vertikal: "
        "angka kota. Diurutkan dari tertinggi. Sel yang disamarkan tidak digambar.",
        "by_age": "Prevalensi stunting menurut kelompok umur dan jenis kelamin",
        "map": "Peta prevalensi stunting menurut desa/kelurahan",
        "map_caption": "Warna: prevalensi stunting (%). Abu-abu: tanpa data atau disamarkan.",
        "quality": "Profil kualitas data",
        "quality_intro": "Baris yang tidak dapat dihitung z-skornya dan alasannya, "
        "masalah saat membaca berkas, serta hasil pemeriksaan kualitas data.",
        "reasons": "Alasan z-skor TB/U tidak dihitung",
        "read_problems": "Masalah saat membaca berkas",
        "checks": "Pemeriksaan per baris",
        "indicators": "Indikator kualitas (WHO/UNICEF)",
        "by_group": "Ringkasan per desa/kelurahan",
        "none": "Tidak ada.",
        "table": "Tabel publikasi Aksi 7",
        "methods": "Metode",
        "rows": "baris",
        "male": "Laki-laki",
        "female": "Perempuan",
        "age": "Kelompok umur (bulan)",
        "prev_axis": "Prevalensi stunting (%)",
        "haz_axis": "z-skor TB/U",
        "density": "Kepadatan",
        "who_curve": "Standar WHO N(0, 1)",
        "data_curve": "Data: N({mean:.2f}, {sd:.2f}²)",
        "city": "Kota",
        "count": "Jumlah",
        "reason": "Alasan",
        "problem": "Masalah",
        "check": "Pemeriksaan",
    },
    "en": {
        "title": "Child stunting report",
        "generated": "Produced {date} with stuntlib {version}",
        "source": "Data source",
        "period": "Measurement period",
        "headline": "Headline figures",
        "records": "Records of children in the file",
        "measured": "Children measured (valid HAZ)",
        "stunting": "Stunting prevalence",
        "severe": "Severe stunting (HAZ < -3 SD)",
        "wasting": "Wasting (WHZ < -2 SD)",
        "underweight": "Underweight (WAZ < -2 SD)",
        "kelurahan_n": "Villages (desa/kelurahan)",
        "ci": "95% CI",
        "dist": "Height-for-age z-scores against the WHO standard",
        "dist_caption": "Histogram of height-for-age z-scores (HAZ) of children 0-59 months; "
        "black: the WHO standard (standard normal, mean 0, SD 1); orange: a normal curve "
        "with the data's mean and SD. Dashed: -2 and -3 SD.",
        "by_kel": "Stunting prevalence by desa/kelurahan",
        "by_kel_caption": "Dots: prevalence; lines: 95% confidence intervals; vertical line: "
        "the city figure. Sorted from the highest. Masked cells are not drawn.",
        "by_age": "Stunting prevalence by age group and sex",
        "map": "Map of stunting prevalence by desa/kelurahan",
        "map_caption": "Colour: stunting prevalence (%). Grey: no data or masked.",
        "quality": "Data-quality profile",
        "quality_intro": "Rows whose z-score could not be computed and why, problems met "
        "while reading the file, and the results of the data-quality checks.",
        "reasons": "Why the height-for-age z-score is missing",
        "read_problems": "Problems met while reading the file",
        "checks": "Row-level checks",
        "indicators": "Quality indicators (WHO/UNICEF)",
        "by_group": "Summary by desa/kelurahan",
        "none": "None.",
        "table": "Aksi 7 publication table",
        "methods": "Methods",
        "rows": "rows",
        "male": "Male",
        "female": "Female",
        "age": "Age group (months)",
        "prev_axis": "Stunting prevalence (%)",
        "haz_axis": "Height-for-age z-score",
        "density": "Density",
        "who_curve": "WHO standard N(0, 1)",
        "data_curve": "Data: N({mean:.2f}, {sd:.2f}²)",
        "city": "City",
        "count": "Count",
        "reason": "Reason",
        "problem": "Problem",
        "check": "Check",
    },
}

_METHODS = {
    "id": (
        "Z-skor dihitung dengan stuntlib {version} menurut Standar Pertumbuhan Anak WHO 2006 "
        "(metode LMS), persis seperti paket R WHO <i>anthro</i>: umur dalam hari dari tanggal "
        "lahir dan tanggal pengukuran; panjang badan yang diukur berdiri ditambah 0,7 cm di "
        "bawah umur 731 hari dan tinggi badan yang diukur terlentang dikurangi 0,7 cm sejak "
        "umur 731 hari. Z-skor TB/U di luar -6..+6 SD ditandai tidak sah dan tidak dihitung. "
        "Prevalensi mengikuti aturan WHO (balita sampai 1826 hari, z-skor dibulatkan 2 "
        "desimal, batas tegas &lt; -2 SD); interval kepercayaan 95% metode {ci} untuk data "
        "sensus posyandu (tanpa bobot survei). Data e-PPGBM mencakup balita yang datang ke "
        "posyandu, bukan sampel acak: cakupan yang rendah dapat membuat angka bias. Untuk "
        "melindungi anak, jumlah 1-{m1} kasus disamarkan dan tidak ada nama atau NIK dalam "
        "laporan ini."
    ),
    "en": (
        "Z-scores were computed with stuntlib {version} against the WHO Child Growth "
        "Standards 2006 (LMS method), exactly as WHO's <i>anthro</i> R package does: age in "
        "days from the birth and measurement dates; a length measured standing gets +0.7 cm "
        "below 731 days and a height measured lying gets -0.7 cm from 731 days. HAZ outside "
        "-6..+6 SD is flagged as implausible and left out. Prevalence follows WHO's rules "
        "(children up to 1826 days, z-scores rounded to 2 decimals, strict cut-off &lt; -2 "
        "SD); 95% confidence intervals by the {ci} method for census-style posyandu data "
        "(no survey weights). e-PPGBM covers the children who come to the posyandu, not a "
        "random sample: low coverage can bias the figures. To protect children, counts of "
        "1-{m1} cases are masked and no name or NIK appears in this report."
    ),
}

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;
color:#1d2733;background:#f5f7fa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:28px}h2{margin-top:36px;border-bottom:2px solid #d5dde8;
padding-bottom:4px;font-size:21px}h3{font-size:16px;margin-bottom:6px}
.meta{color:#56657a;font-size:14px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.card{background:#fff;border-radius:8px;padding:14px 16px;box-shadow:0 1px 3px #0002}
.card .v{font-size:26px;font-weight:650}.card .l{font-size:13px;color:#56657a}
.card .s{font-size:12px;color:#56657a}
figure{background:#fff;margin:16px 0;padding:12px;border-radius:8px;box-shadow:0 1px 3px #0002}
figure img{max-width:100%;height:auto;display:block;margin:0 auto}
figcaption{font-size:13px;color:#56657a;margin-top:6px}
table{border-collapse:collapse;background:#fff;font-size:12.5px;margin:8px 0}
th,td{border:1px solid #d5dde8;padding:3px 6px;text-align:right}
th{background:#e8eef7;text-align:center}td.t{text-align:left}
tr.kec td{font-weight:600;background:#f0f4fa}tr.kota td{font-weight:700;background:#dfe8f5}
.scroll{overflow-x:auto}p.methods{background:#fff;padding:14px;border-radius:8px;
line-height:1.5;font-size:14px}
"""


def _png(fig: Any) -> str:
    """Encode a matplotlib figure as a base64 PNG data URI and close it."""
    import matplotlib.pyplot as plt

    buffer = _io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise StuntlibError(
            "the HTML report needs matplotlib; install it with: pip install stuntlib[plot]"
        ) from exc
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _haz_figure(z: np.ndarray, t: Mapping[str, str]) -> str:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8.5, 3.8))
    bins = np.arange(-6.0, 6.01, 0.25)
    if z.size:
        ax.hist(z, bins=bins, density=True, color="#9db7dd", edgecolor="white", label="HAZ")
    grid = np.linspace(-6, 6, 400)
    ax.plot(grid, np.exp(-0.5 * grid**2) / np.sqrt(2 * np.pi), color="black", lw=2,
            label=t["who_curve"])  # fmt: skip
    if z.size > 1:
        mean, sd = float(np.mean(z)), float(np.std(z, ddof=1))
        curve = np.exp(-0.5 * ((grid - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
        ax.plot(grid, curve, color="#e07b00", lw=2, label=t["data_curve"].format(mean=mean, sd=sd))
    for cut in (-2, -3):
        ax.axvline(cut, color="#b00020", ls="--", lw=1)
    ax.set_xlim(-6, 6)
    ax.set_xlabel(t["haz_axis"])
    ax.set_ylabel(t["density"])
    ax.legend(frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def _kelurahan_figure(kel: pd.DataFrame, city: float, t: Mapping[str, str]) -> str:
    plt = _pyplot()
    kel = kel.dropna(subset=["prevalence"]).sort_values("prevalence")
    height = max(3.0, 0.28 * len(kel) + 1.0)
    fig, ax = plt.subplots(figsize=(8.5, height))
    y = np.arange(len(kel))
    p = kel["prevalence"].to_numpy(dtype=float)
    lo = kel["ci_low"].to_numpy(dtype=float)
    hi = kel["ci_high"].to_numpy(dtype=float)
    ax.hlines(y, lo, hi, color="#7f95b5", lw=2)
    ax.plot(p, y, "o", color="#1f4e8c", ms=6)
    if np.isfinite(city):
        ax.axvline(city, color="#b00020", lw=1, ls="--", label=f"{t['city']}: {city:.1f}%")
        ax.legend(frameon=False, fontsize=9, loc="lower right")
    ax.set_yticks(y, kel["label"].tolist(), fontsize=8.5)
    ax.set_xlabel(t["prev_axis"])
    ax.set_xlim(0, max(50.0, float(np.nanmax(hi)) + 5 if len(hi) else 50.0))
    ax.grid(axis="x", color="#e3e8ef")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def _age_sex_figure(res: pd.DataFrame, t: Mapping[str, str]) -> str:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8.5, 3.8))
    groups = list(res["age_group"].cat.categories)
    x = np.arange(len(groups))
    colours = {"Male": "#1f4e8c", "Female": "#e07b00"}
    labels = {"Male": t["male"], "Female": t["female"]}
    for k, sex in enumerate(("Male", "Female")):
        part = res[res["sex"] == sex].set_index("age_group").reindex(groups)
        est = part["estimate"].to_numpy(dtype=float) * 100
        err = np.vstack(
            [
                est - part["ci_low"].to_numpy(dtype=float) * 100,
                part["ci_high"].to_numpy(dtype=float) * 100 - est,
            ]
        )
        ax.bar(x + (k - 0.5) * 0.38, np.nan_to_num(est), width=0.38, color=colours[sex],
               yerr=np.nan_to_num(err), capsize=3, label=labels[sex])  # fmt: skip
    ax.set_xticks(x, [g.replace(" mo", "") for g in groups])
    ax.set_xlabel(t["age"])
    ax.set_ylabel(t["prev_axis"])
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def _feature_rings(geometry: Mapping[str, Any]) -> list[np.ndarray]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates", [])
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [np.asarray(ring, dtype=float)[:, :2] for poly in polygons for ring in poly[:1]]


_GEO_KEYS = ("kode", "code", "kode_desa", "kode_kel", "kdepum", "kd_desa", "kelurahan",
             "desa", "nama", "name", "namobj", "wadmkd", "desa_kel")  # fmt: skip


_GEO_NAMES = ("nama", "name", "kelurahan", "desa", "desa_kel", "namobj", "wadmkd")


def _map_figure(
    geojson: Mapping[str, Any], values: Mapping[str, float], key: str | None, t: Mapping[str, str]
) -> str:
    from matplotlib import colormaps
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import Normalize

    from stuntlib.publication import _name_key

    plt = _pyplot()
    features = [f for f in geojson.get("features", []) if f.get("geometry")]
    if not features:
        raise StuntlibError("geojson: no feature with a geometry")
    props = [{str(k).lower(): v for k, v in (f.get("properties") or {}).items()} for f in features]
    chosen = key.lower() if key else next((k for k in _GEO_KEYS if k in props[0]), None)
    if chosen is None:
        raise StuntlibError(
            "geojson: cannot tell which property names the kelurahan; pass geojson_key= one of "
            f"{sorted(props[0])}"
        )
    labels = pd.Series([str(p.get(chosen, "")) for p in props], dtype="string")
    keys = _name_key(labels)
    lookup = {**{_name_key(pd.Series([k])).iloc[0]: v for k, v in values.items()}}
    lookup.update({k: v for k, v in values.items()})
    rings: list[np.ndarray] = []
    colour_values: list[float] = []
    for label, k, feature in zip(labels, keys, features, strict=True):
        value = lookup.get(str(label), lookup.get(str(k), np.nan))
        for ring in _feature_rings(feature["geometry"]):
            rings.append(ring)
            colour_values.append(value)
    vals = np.asarray(colour_values, dtype=float)
    finite = vals[np.isfinite(vals)]
    norm = Normalize(vmin=float(finite.min()) if finite.size else 0.0,
                     vmax=float(finite.max()) if finite.size else 1.0)  # fmt: skip
    cmap = colormaps["YlOrRd"]
    faces = [cmap(norm(v)) if np.isfinite(v) else (0.8, 0.8, 0.8, 1.0) for v in vals]
    fig, ax = plt.subplots(figsize=(8.5, 6.0))
    ax.add_collection(PolyCollection(rings, facecolors=faces, edgecolors="white", linewidths=0.8))
    allxy = np.vstack(rings)
    ax.set_xlim(allxy[:, 0].min(), allxy[:, 0].max())
    ax.set_ylim(allxy[:, 1].min(), allxy[:, 1].max())
    ax.set_aspect(1.0 / np.cos(np.deg2rad(float(np.mean(allxy[:, 1])))))
    ax.set_axis_off()
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(mappable, ax=ax, shrink=0.7, label=t["prev_axis"])
    name_key = next((k for k in _GEO_NAMES if k in props[0]), chosen)
    names = [str(p.get(name_key, "")) for p in props]
    for label, feature in zip(names, features, strict=True):
        shapes = _feature_rings(feature["geometry"])
        if shapes:
            biggest = max(shapes, key=len)
            cx, cy = biggest.mean(axis=0)
            ax.text(cx, cy, str(label).title(), fontsize=6.5, ha="center", va="center")
    return _png(fig)


def _table_html(frame: pd.DataFrame, classes: list[str] | None = None) -> str:
    """A small, escaped HTML table (text columns left-aligned)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    text_cols = [not pd.api.types.is_numeric_dtype(frame[c].dtype) for c in frame.columns]
    body = []
    cells = frame.astype(object).where(frame.notna(), "").to_numpy()
    for i, row in enumerate(cells):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        tds = "".join(
            f"<td{' class=t' if is_text else ''}>{html.escape(_fmt(v))}</td>"
            for v, is_text in zip(row, text_cols, strict=True)
        )
        body.append(f"<tr{cls}>{tds}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:,.1f}"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    return str(value)


def _counts_table(values: pd.Series, label: str, t: Mapping[str, str]) -> str:
    counts = values.dropna().astype(str)
    if counts.empty:
        return f"<p>{html.escape(t['none'])}</p>"
    split = counts.str.split("; ").explode()
    table = split.value_counts().rename_axis(label).reset_index(name=t["count"])
    return _table_html(table)


def _quality_section(scored: pd.DataFrame, quality: Any, t: Mapping[str, str]) -> str:
    parts = [f"<p>{html.escape(t['quality_intro'])}</p>"]
    if "zlen_reason" in scored.columns:
        parts.append(f"<h3>{html.escape(t['reasons'])}</h3>")
        parts.append(_counts_table(scored["zlen_reason"], t["reason"], t))
    if "read_problems" in scored.columns:
        parts.append(f"<h3>{html.escape(t['read_problems'])}</h3>")
        parts.append(_counts_table(scored["read_problems"], t["problem"], t))
    for heading, table in _quality_tables(scored, quality, t):
        parts.append(f"<h3>{html.escape(heading)}</h3>")
        parts.append(_table_html(_drop_identifiers(table)))
    return "\n".join(parts)


def _quality_tables(
    scored: pd.DataFrame, quality: Any, t: Mapping[str, str]
) -> list[tuple[str, pd.DataFrame]]:
    """Tables of :func:`stuntlib.quality.check_quality` to show, when it is available."""
    if isinstance(quality, pd.DataFrame):
        return [(t["checks"], quality)]
    report = quality
    if report is None:
        try:
            from stuntlib.quality import check_quality
        except ImportError:  # pragma: no cover - quality is part of the package
            return []
        by = resolve_columns(scored.columns).get("kelurahan")  # e.g. "Desa/Kel" unrenamed
        try:
            report = check_quality(scored, by=by)
        except StuntlibError:
            return []
    tables: list[tuple[str, pd.DataFrame]] = []
    overview = getattr(report, "overview", None)
    if isinstance(overview, pd.DataFrame) and len(overview):
        tables.append((t["indicators"], overview))
    checks = getattr(report, "checks", None)
    if isinstance(checks, pd.DataFrame) and len(checks):
        shown = checks
        if "status" in checks.columns:
            shown = checks[checks["status"] == "run"]
        keep = [c for c in ("check", "severity", "description", "n_failed", "pct_failed")
                if c in shown.columns]  # fmt: skip
        tables.append((t["checks"], shown[keep] if keep else shown))
    summary = getattr(report, "summary", None)
    groups = tuple(getattr(report, "by", ()) or ())
    if isinstance(summary, pd.DataFrame) and groups and len(summary) > 1:
        keep = [c for c in (*groups, "n", "n_rows_with_error", "n_rows_with_warning", "n_warnings")
                if c in summary.columns]  # fmt: skip
        tables.append((t["by_group"], summary[keep]))
    return tables


def _drop_identifiers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=identifying_columns(frame.columns))


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
) -> str:
    """Render the stunting report of scored rows as one self-contained HTML page.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score` (``zlen``, ``flen``, ``age_days``, ``csex``,
        ``zwfl``, ``zwei``...) with a kelurahan column (and ideally kecamatan), e.g.
        ``score(read_measurements("export.xlsx", profile="eppgbm"))``.
    language : {"id", "en"}, default "id"
        Language of every text, header and axis label.
    title, source, period : str, optional
        Title (default "Laporan stunting balita" plus the kota), the data source shown
        under it (e.g. the file name) and the measurement period (default: the range of
        ``measure_date``).
    areas : optional
        Kemendagri area codes (:func:`stuntlib.publication.area_codes`); default Kota
        Pekalongan.
    targets : optional
        Target children per kelurahan (:func:`stuntlib.publication.aksi7_table`).
    geojson : str, path or dict, optional
        A GeoJSON FeatureCollection of kelurahan boundaries (Polygon/MultiPolygon, lon/lat):
        adds a map. Features are joined on a property holding the Kemendagri code or the
        kelurahan name.
    geojson_key : str, optional
        The property to join on; default the first of ``kode``, ``code``, ``kelurahan``,
        ``desa``, ``nama``, ``name``... present.
    quality : object, optional
        A report of :func:`stuntlib.quality.check_quality` (or a DataFrame summary) to
        show; default: computed when :mod:`stuntlib.quality` provides ``check_quality``.
    ci : str, default "wilson"
        Interval method of :func:`stuntlib.prevalence`.
    min_n, min_cases : int, default 25 and 3
        Small-cell rules (:func:`stuntlib.publication.aksi7_table`).

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
    from stuntlib import __version__
    from stuntlib.estimation import add_group_columns, prevalence
    from stuntlib.publication import aksi7_table, area_codes

    check_language(language)
    check_scored_frame(scored)
    t = _TEXT[language]
    lookup = area_codes(areas)
    kota_rows = lookup[lookup["level"] == "kota"]
    kota_name = str(kota_rows["name"].iloc[0]) if len(kota_rows) else ""
    geo = _load_geojson(geojson)

    table = aksi7_table(
        scored, areas, targets=targets, language=language, ci=ci, min_n=min_n,
        min_cases=min_cases, decimals=1,
    )  # fmt: skip
    keys = table.attrs["stuntlib_aksi7"]["keys"]
    keyed = table.set_axis(keys, axis=1)
    indicators = [i for i in ("stunting", "severe_stunting", "wasting", "underweight")
                  if {"stunting": "zlen", "severe_stunting": "zlen", "wasting": "zwfl",
                      "underweight": "zwei"}[i] in scored.columns]  # fmt: skip
    overall = prevalence(
        scored,
        indicators=indicators,
        ci=ci,
        min_n=min_n,
        min_cases=min_cases,
    )
    est = overall.set_index("indicator")

    def pct(name: str) -> tuple[str, str]:
        if name not in est.index or not np.isfinite(est.loc[name, "estimate"]):
            return "–", ""
        row = est.loc[name]
        return (
            f"{row['estimate'] * 100:.1f}%",
            f"{t['ci']} {row['ci_low'] * 100:.1f}–{row['ci_high'] * 100:.1f}",
        )

    kota_row = keyed[keyed["level"] == table.iloc[0, 0]].iloc[0]
    n_kel = int(((keyed["code"].notna()) & (keyed["kelurahan"] != "")).sum())
    cards = [
        (t["records"], f"{len(scored):,}", ""),
        (t["measured"], f"{int(kota_row['measured']):,}", ""),
        (t["stunting"], *pct("stunting")),
        (t["severe"], *pct("severe_stunting")),
        (t["wasting"], *pct("wasting")),
        (t["underweight"], *pct("underweight")),
        (t["kelurahan_n"], f"{n_kel}", kota_name),
    ]
    cards_html = "".join(
        f'<div class="card"><div class="v">{html.escape(v)}</div>'
        f'<div class="l">{html.escape(label)}</div><div class="s">{html.escape(s)}</div></div>'
        for label, v, s in cards
    )

    # Figures.
    z = scored["zlen"].to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(z)
    if "flen" in scored.columns:
        ok &= scored["flen"].fillna(0).to_numpy(dtype=float) == 0
    if "age_days" in scored.columns:
        ok &= scored["age_days"].to_numpy(dtype=float, na_value=np.nan) <= 1826
    figures = [(t["dist"], _haz_figure(z[ok], t), t["dist_caption"])]
    kel = keyed[keyed["kelurahan"] != ""].assign(label=lambda d: d["kelurahan"])
    city = float(kota_row["prevalence"]) if pd.notna(kota_row["prevalence"]) else np.nan
    figures.append((t["by_kel"], _kelurahan_figure(kel, city, t), t["by_kel_caption"]))
    if {"age_days", "age_months"} & set(scored.columns) and ({"csex", "sex"} & set(scored.columns)):
        wanted = ("zlen", "flen", "age_days", "age_months", "csex", "sex")
        subset = scored[[c for c in scored.columns if c in wanted]]
        grouped = add_group_columns(subset, ["age_group", "sex"])
        res = prevalence(grouped, ["age_group", "sex"], indicators="stunting", ci=ci,
                         min_n=min_n, min_cases=min_cases)  # fmt: skip
        figures.append((t["by_age"], _age_sex_figure(res, t), ""))
    if geo is not None:
        values: dict[str, float] = {}
        for code, name, p in kel[["code", "kelurahan", "prevalence"]].itertuples(index=False):
            if pd.notna(p):
                values[str(name)] = float(p)
                if pd.notna(code):
                    values[str(code)] = float(p)
        figures.append((t["map"], _map_figure(geo, values, geojson_key, t), t["map_caption"]))

    figure_html = "".join(
        f'<h2>{html.escape(head)}</h2><figure><img src="{uri}" alt="{html.escape(head)}">'
        + (f"<figcaption>{html.escape(cap)}</figcaption>" if cap else "")
        + "</figure>"
        for head, uri, cap in figures
    )
    level_names = table.iloc[:, 0].astype(str).tolist()
    kota_level, kec_level = level_names[0], "Kecamatan"
    row_classes = [
        "kota" if lv == kota_level else "kec" if lv == kec_level else "" for lv in level_names
    ]
    table_html = _table_html(table, row_classes)
    measure_dates = scored.get("measure_date")
    if period is None and measure_dates is not None and measure_dates.notna().any():
        dates = pd.to_datetime(measure_dates, errors="coerce")
        period = f"{dates.min():%d/%m/%Y} – {dates.max():%d/%m/%Y}"
    heading = title or f"{t['title']} {kota_name}".strip()
    meta = [t["generated"].format(date=_dt.date.today().isoformat(), version=__version__)]
    if source:
        meta.append(f"{t['source']}: {source}")
    if period:
        meta.append(f"{t['period']}: {period}")
    methods = _METHODS[language].format(
        version=html.escape(__version__), ci=html.escape(ci), m1=min_cases - 1
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(heading)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{html.escape(heading)}</h1>"
        f'<p class="meta">{" · ".join(html.escape(m) for m in meta)}</p>'
        f'<h2>{html.escape(t["headline"])}</h2><div class="cards">{cards_html}</div>'
        f"{figure_html}"
        f"<h2>{html.escape(t['table'])}</h2>{table_html}"
        f"<h2>{html.escape(t['quality'])}</h2>{_quality_section(scored, quality, t)}"
        f'<h2>{html.escape(t["methods"])}</h2><p class="methods">{methods}</p>'
        "</main></body></html>\n"
    )


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

    Examples
    --------
    >>> import pathlib, tempfile
    >>> df = pd.DataFrame({"kelurahan": ["TIRTO"] * 40, "flen": 0,
    ...                    "zlen": np.linspace(-3, 1, 40), "age_days": 400})
    >>> out = write_report(df, pathlib.Path(tempfile.mkdtemp()) / "laporan.html")
    >>> out.read_text(encoding="utf-8").count("<img ")
    2
    """
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(render_report(scored, **options), encoding="utf-8")
    return file
