"""Seam for the "Situasi" section of the HTML report (wired into :mod:`stuntlib.report`)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stuntlib._validation import check_language
from stuntlib.errors import ColumnError

__all__ = ["render_situation_section"]

_TEXT: dict[str, dict[str, Any]] = {
    "id": {
        "title": "Situasi: desa/kelurahan prioritas",
        "intro": (
            "Prevalensi stunting setelah penyusutan (small-area estimation) dengan interval "
            "95 %, dan peluang setiap wilayah termasuk {k} wilayah dengan prevalensi "
            "tertinggi. Peluang mendekati 100 % berarti wilayah itu pasti prioritas; sekitar "
            "50 % berarti untung-untungan."
        ),
        "cols": [
            "Peringkat",
            "Kode",
            "Desa/Kelurahan",
            "Diukur",
            "Stunting",
            "Prevalensi (%)",
            "Interval 95 %",
            "KRS",
            "Kelas prioritas",
            "Peluang masuk {k} teratas (%)",
        ],
        "masked": (
            "Sel dengan kurang dari {n} anak diukur atau kurang dari {c} kasus disamarkan (—)."
        ),
        "map": "Peta kelas prioritas",
    },
    "en": {
        "title": "Situation: priority desa/kelurahan",
        "intro": (
            "Stunting prevalence after shrinkage (small-area estimation) with its 95 % "
            "interval, and the probability that each area is among the {k} with the highest "
            "prevalence. Near 100 % means surely a priority; near 50 % is a coin toss."
        ),
        "cols": [
            "Rank",
            "Code",
            "Desa/Kelurahan",
            "Measured",
            "Stunted",
            "Prevalence (%)",
            "95 % interval",
            "KRS",
            "Priority class",
            "Probability in top {k} (%)",
        ],
        "masked": (
            "Cells with fewer than {n} children measured or fewer than {c} cases are masked (—)."
        ),
        "map": "Map of priority classes",
    },
}
_PERCENT = ("prevalensi", "prevalensi_low", "prevalensi_high", "peluang_top_k")
_TEXT_COLUMNS = ("peringkat", "kode", "nama", "label_prioritas")
_COLOURS = {1: "#b2182b", 2: "#ef8a62", 3: "#fddbc7", 4: "#e0e0e0"}


def _fmt(v: Any, digits: int = 1) -> str:
    return "—" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.{digits}f}"


def render_situation_section(
    table: pd.DataFrame,
    *,
    language: str = "id",
    geojson: Any = None,
    geojson_key: str = "kode",
    min_n: int = 25,
    min_cases: int = 3,
) -> str:
    """Render the "Situasi" report section: priorities with their probabilities.

    Parameters
    ----------
    table : pandas.DataFrame
        Result of :func:`situation_analysis` (``kode``, ``nama``, ``balita_diukur``,
        ``stunting``, ``prevalensi``, ``prevalensi_low``/``_high``, ``label_prioritas``,
        ``kelas_prioritas``, ``peringkat``, ``peluang_top_k``; ``krs`` if present).
    language : {"id", "en"}
        Language of all text.
    geojson : dict, str or Path, optional
        Area boundaries (FeatureCollection, lon/lat polygons); when given, an SVG map of
        the priority classes is drawn. Features are joined on ``properties[geojson_key]``.
    geojson_key : str
        Property of each feature holding the area code.
    min_n, min_cases : int
        Small-cell masking: the stunted count is shown as "—" when fewer than ``min_n``
        children were measured or the count is between 1 and ``min_cases`` - 1.

    Returns
    -------
    str
        An HTML fragment (``<section>``), no names of persons, text escaped.

    Raises
    ------
    StuntlibError
        If ``language`` is not ``"id"`` or ``"en"``.
    ColumnError
        If ``table`` lacks a needed column.

    References
    ----------
    .. [1] Kemendagri (2019). Pedoman Pelaksanaan Intervensi Penurunan Stunting Terintegrasi,
       Aksi 1 and Aksi 7 (publication of stunting data).
    """
    check_language(language)
    need = [
        "kode",
        "nama",
        "balita_diukur",
        "stunting",
        "prevalensi",
        "prevalensi_low",
        "prevalensi_high",
        "label_prioritas",
        "kelas_prioritas",
        "peringkat",
        "peluang_top_k",
    ]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise ColumnError(f"table: missing columns {missing}; pass a situation_analysis result")
    t = _TEXT[language]
    k = table.attrs.get("k", "k")
    rows = table.sort_values(["peringkat", "kode"])
    n = rows["balita_diukur"].to_numpy(dtype=float)
    cases = rows["stunting"].to_numpy(dtype=float)
    hide = (n < min_n) | ((cases > 0) & (cases < min_cases))
    krs = rows["krs"].to_numpy(dtype=float) if "krs" in rows else np.full(len(rows), np.nan)
    head = "".join(f"<th>{html.escape(c.format(k=k))}</th>" for c in t["cols"])
    pct = {c: rows[c].to_numpy(dtype=float) * 100 for c in _PERCENT}
    text = {c: rows[c].astype("string").to_numpy(dtype=object) for c in _TEXT_COLUMNS}
    classes = rows["kelas_prioritas"].to_numpy(dtype=int)
    body = []
    for i in range(len(rows)):
        cells = [
            text["peringkat"][i],
            text["kode"][i],
            text["nama"][i],
            _fmt(n[i], 0),
            "—" if hide[i] else _fmt(cases[i], 0),
            _fmt(pct["prevalensi"][i]),
            f"{_fmt(pct['prevalensi_low'][i])}–{_fmt(pct['prevalensi_high'][i])}",
            _fmt(krs[i], 0),
            text["label_prioritas"][i],
            _fmt(pct["peluang_top_k"][i], 0),
        ]
        colour = _COLOURS.get(int(classes[i]), "#ffffff")
        body.append(
            f'<tr style="border-left:6px solid {colour}">'
            + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
            + "</tr>"
        )
    parts = [
        '<section id="situasi">',
        f"<h2>{html.escape(t['title'])}</h2>",
        f"<p>{html.escape(t['intro'].format(k=k))}</p>",
    ]
    if geojson is not None:
        parts.append(f"<h3>{html.escape(t['map'])}</h3>")
        parts.append(_svg_map(table, geojson, geojson_key))
    parts += [
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>",
        f"<p><small>{html.escape(t['masked'].format(n=min_n, c=min_cases))}</small></p>",
        "</section>",
    ]
    return "\n".join(parts)


def _svg_map(table: pd.DataFrame, geojson: Any, key: str, width: int = 480) -> str:
    """A plain SVG choropleth of the priority classes (equirectangular)."""
    if isinstance(geojson, str | Path):
        geojson = json.loads(Path(geojson).read_text(encoding="utf-8"))
    classes = dict(zip(table["kode"], table["kelas_prioritas"], strict=True))
    rings = []
    for feature in geojson.get("features", []):
        geom = feature.get("geometry") or {}
        polys = geom.get("coordinates", [])
        polys = [polys] if geom.get("type") == "Polygon" else polys
        code = str((feature.get("properties") or {}).get(key))
        for poly in polys:
            rings.append((code, np.asarray(poly[0], dtype=float)))
    if not rings:
        return ""
    allxy = np.vstack([r for _, r in rings])
    lo, hi = allxy.min(axis=0), allxy.max(axis=0)
    scale = width / max(hi[0] - lo[0], 1e-9)
    height = int((hi[1] - lo[1]) * scale) + 1
    paths = []
    for code, ring in rings:
        x = (ring[:, 0] - lo[0]) * scale
        y = (hi[1] - ring[:, 1]) * scale
        d = "M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True)) + "Z"
        fill = _COLOURS.get(int(classes.get(code, 4)), "#ffffff")
        paths.append(
            f'<path d="{d}" fill="{fill}" stroke="#555" stroke-width="0.5">'
            f"<title>{html.escape(code)}</title></path>"
        )
    return f'<svg width="{width}" height="{height}" role="img">{"".join(paths)}</svg>'
