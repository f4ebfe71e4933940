"""Charts of the report, drawn with matplotlib's object API and embedded as PNG.

Every figure is a :class:`matplotlib.figure.Figure` on its own Agg canvas: pyplot is
never imported and the caller's backend is never switched. Axis numbers go through
:mod:`stuntlib._format`, so the Indonesian report writes ``24,4%``.

Each chart takes NumPy arrays and strings, never a DataFrame, and this module is outside
the :mod:`stuntlib.report` package: the ``stuntlib report`` command's chart process
imports matplotlib and NumPy only, not pandas (:func:`stuntlib.cli._chart_pool`).
"""

from __future__ import annotations

import base64
import io as _io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from stuntlib._format import axis_formatter, format_decimal
from stuntlib.errors import StuntlibError

__all__ = [
    "STUNTING_CLASSES",
    "age_sex_figure",
    "kelurahan_figure",
    "map_figure",
    "zscore_figure",
]

#: WHO/UNICEF (2019) prevalence thresholds of stunting [%]: lower bounds of the classes
#: very low, low, medium, high and very high, with their fixed colours.
STUNTING_CLASSES: tuple[tuple[float, str], ...] = (
    (0.0, "#1a9850"),
    (2.5, "#a6d96a"),
    (10.0, "#fee08b"),
    (20.0, "#fc8d59"),
    (30.0, "#d73027"),
)
_NO_DATA = "#cccccc"
_DPI = 100
#: Space kept around the axes and their labels [inches] (3 points, as matplotlib's
#: constrained layout keeps).
_PAD = 3 / 72


def _figure(width: float, height: float, layout: Any = None) -> Any:
    """A figure on its own Agg canvas (no pyplot, no global backend).

    Without a layout engine: :func:`_fit` places the axes from the size of their tick
    and axis labels, instead of measuring every artist of the figure before drawing it.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise StuntlibError(
            "the HTML report needs matplotlib; install it with: pip install stuntlib[plot]"
        ) from exc
    fig = Figure(figsize=(width, height), dpi=_DPI, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def preload(language: str = "id") -> None:
    """Load matplotlib now and draw a small chart (an initializer for a chart worker).

    The imports, the font, the number formats of ``language`` and the PNG encoder are
    most of the time of a first chart; a worker started early loads them while the
    data are still being read.
    """
    fig = _figure(2.0, 1.5)
    ax = fig.add_subplot()
    ax.plot([0.0, 1.0], [0.0, 1.0], "o-", label="-")
    ax.legend(frameon=False)
    ax.set_xlabel("-")
    ax.xaxis.set_major_formatter(axis_formatter(language, "percent"))
    _fit(fig, [ax])
    _png(fig)


def _in_view(axis: Any) -> list[Any]:
    """The visible major tick labels of an axis whose tick lies inside the view."""
    low, high = sorted(axis.get_view_interval())
    slack = 1e-9 * max(abs(high - low), 1e-300)
    labels = axis.get_majorticklabels()  # updates the ticks to the current view
    ticks = [t for t in axis.get_major_ticks() if t.label1.get_visible()]
    return [
        label
        for tick, label in zip(ticks, labels, strict=False)
        if label.get_text() and low - slack <= tick.get_loc() <= high + slack
    ]


def _reach(ax: Any, renderer: Any) -> tuple[float, float, float, float]:
    """How far [pixels] the tick and axis labels of ``ax`` reach beyond it: l, b, r, t."""
    box = ax.get_window_extent(renderer)
    reach = [0.0, 0.0, 0.0, 0.0]
    for label in _in_view(ax.xaxis) + _in_view(ax.yaxis):
        b = label.get_window_extent(renderer)
        reach = [max(reach[0], box.x0 - b.x0), max(reach[1], box.y0 - b.y0),
                 max(reach[2], b.x1 - box.x1), max(reach[3], b.y1 - box.y1)]  # fmt: skip
    points = renderer.points_to_pixels(1.0)
    if ax.yaxis.label.get_text():
        width = ax.yaxis.label.get_window_extent(renderer).width
        reach[0] += ax.yaxis.labelpad * points + width
    if ax.xaxis.label.get_text():
        height = ax.xaxis.label.get_window_extent(renderer).height
        reach[1] += ax.xaxis.labelpad * points + height
    return reach[0], reach[1], reach[2], reach[3]


def _fit(fig: Any, axes: Sequence[Any]) -> None:
    """Place a row of axes so that their tick and axis labels fit, :data:`_PAD` apart.

    Two passes: the number of ticks can change with the size of the axes.
    """
    renderer = fig.canvas.get_renderer()
    width, height = (float(v) * fig.dpi for v in fig.get_size_inches())
    pad = _PAD * fig.dpi
    for _ in range(2):
        reach = [_reach(ax, renderer) for ax in axes]
        left = pad + reach[0][0]
        right = pad + reach[-1][2]
        bottom = pad + max(r[1] for r in reach)
        top = pad + max(r[3] for r in reach)
        gaps = [2 * pad + a[2] + b[0] for a, b in zip(reach, reach[1:], strict=False)]
        each = (width - left - right - sum(gaps)) / len(axes)
        x = left
        for ax, gap in zip(axes, [*gaps, 0.0], strict=True):
            ax.set_position(
                [x / width, bottom / height, each / width, (height - bottom - top) / height]
            )
            x += each + gap


#: zlib level of the PNGs: 3 writes the charts' flat colours in two thirds of the time
#: of Pillow's default 6; as RGB the files are still smaller than matplotlib's RGBA ones.
_PNG_LEVEL = 3


def _png(fig: Any, tight: bool = False) -> str:
    """The figure as a base64 PNG ``data:`` URI (drawn once unless ``tight``).

    An opaque figure (every chart but the map) is written as RGB: matplotlib's
    ``savefig`` always writes RGBA, whose alpha channel the encoder then compresses for
    nothing (a third of its time). These charts are drawn from the canvas, so a
    caller's ``savefig.*`` settings (``savefig.transparent``, ``savefig.facecolor``) do
    not change the report's charts; the figure's own colours do.
    """
    buffer = _io.BytesIO()
    if tight:
        fig.savefig(buffer, format="png", dpi=_DPI, bbox_inches="tight")
    else:
        from PIL import Image  # matplotlib's own image library

        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())
        opaque = bool((pixels[..., 3] == 255).all())
        image = Image.fromarray(pixels[..., :3] if opaque else pixels)
        image.save(buffer, format="png", compress_level=_PNG_LEVEL, dpi=(_DPI, _DPI))
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _normal_pdf(x: np.ndarray, mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * np.sqrt(2.0 * np.pi))


def zscore_figure(
    panels: Sequence[tuple[str, np.ndarray]], t: Mapping[str, Any], language: str
) -> str:
    """Histograms of z-scores (one panel per indicator) against the WHO N(0, 1)."""
    fig = _figure(10.5, 3.4)
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    bins = np.arange(-6.0, 6.01, 0.25)
    grid = np.linspace(-6, 6, 300)
    for ax, (label, z) in zip(axes, panels, strict=True):
        if z.size:  # one filled step artist instead of one patch per bin
            density, _ = np.histogram(z, bins=bins, density=True)
            ax.stairs(density, bins, fill=True, color="#9db7dd")
        ax.plot(grid, _normal_pdf(grid), color="black", lw=1.8, label=t["who_curve"])
        if z.size > 1:
            mean, sd = float(np.mean(z)), float(np.std(z, ddof=1))
            text = t["data_curve"].format(
                mean=format_decimal(mean, language, 2), sd=format_decimal(sd, language, 2)
            )
            ax.plot(grid, _normal_pdf(grid, mean, sd), color="#e07b00", lw=1.8, label=text)
        for cut in (-2, -3):
            ax.axvline(cut, color="#b00020", ls="--", lw=0.9)
        ax.set_xlim(-5, 5)
        ax.set_xlabel(label)
        ax.xaxis.set_major_formatter(axis_formatter(language))
        ax.yaxis.set_major_formatter(axis_formatter(language, decimals=2))
        ax.legend(frameon=False, fontsize=7.5, loc="upper right")
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].set_ylabel(t["density"])
    _fit(fig, list(axes))
    return _png(fig)


def kelurahan_figure(
    rows: Mapping[str, np.ndarray], city: float, t: Mapping[str, Any], language: str
) -> str:
    """Stunting prevalence [%] per kelurahan with its interval, sorted (a dot chart).

    ``rows``: arrays of one length, ``label`` (str) and ``prevalence``, ``ci_low``,
    ``ci_high`` [%] (float, NaN where masked: not drawn); ``city``: the kab/kota's
    prevalence [%] (a dashed line unless NaN).
    """
    from stuntlib._format import format_percent

    prevalence = np.asarray(rows["prevalence"], dtype=float)
    shown = np.flatnonzero(~np.isnan(prevalence))
    order = shown[np.argsort(prevalence[shown], kind="stable")]
    fig = _figure(9.0, max(3.0, 0.26 * len(order) + 1.0))
    ax = fig.add_subplot()
    y = np.arange(len(order))
    hi = np.asarray(rows["ci_high"], dtype=float)[order]
    ax.hlines(y, np.asarray(rows["ci_low"], dtype=float)[order], hi, color="#7f95b5", lw=2)
    ax.plot(prevalence[order], y, "o", color="#1f4e8c", ms=5.5)
    if np.isfinite(city):
        label = f"{t['city']}: {format_percent(city / 100, language)}"
        ax.axvline(city, color="#b00020", lw=1, ls="--", label=label)
        ax.legend(frameon=False, fontsize=9, loc="lower right")
    ax.set_yticks(y, [str(v) for v in np.asarray(rows["label"])[order]], fontsize=8.5)
    ax.set_xlabel(str(t["prev_axis"]))
    ax.set_xlim(0, max(50.0, float(np.nanmax(hi)) + 5 if len(hi) else 50.0))
    ax.xaxis.set_major_formatter(axis_formatter(language, "percent"))
    ax.grid(axis="x", color="#e3e8ef")
    ax.spines[["top", "right"]].set_visible(False)
    _fit(fig, [ax])
    return _png(fig)


def age_sex_figure(
    groups: Sequence[str], by_sex: Mapping[str, np.ndarray], t: Mapping[str, Any], language: str
) -> str:
    """Stunting prevalence by age group and sex; masked cells are not drawn.

    ``groups``: the age groups' labels on the x axis; ``by_sex``: for ``"Male"`` and
    ``"Female"``, an array of shape (3, len(groups)) of estimate, ci_low and ci_high [%]
    (NaN where masked).
    """
    fig = _figure(9.0, 3.6)
    ax = fig.add_subplot()
    x = np.arange(len(groups))
    colours = {"Male": "#1f4e8c", "Female": "#e07b00"}
    for k, sex in enumerate(("Male", "Female")):
        est, lo, hi = np.asarray(by_sex[sex], dtype=float)
        shown = np.isfinite(est)
        ax.bar(x[shown] + (k - 0.5) * 0.38, est[shown], width=0.38, color=colours[sex],
               yerr=np.vstack([est - lo, hi - est])[:, shown], capsize=3,
               label=t["male" if sex == "Male" else "female"])  # fmt: skip
    ax.set_xticks(x, list(groups))
    ax.set_xlabel(str(t["age"]))
    ax.set_ylabel(str(t["prev_axis"]))
    ax.yaxis.set_major_formatter(axis_formatter(language, "percent"))
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    _fit(fig, [ax])
    return _png(fig)


def _feature_rings(geometry: Mapping[str, Any]) -> list[np.ndarray]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates", [])
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [np.asarray(ring, dtype=float)[:, :2] for poly in polygons for ring in poly[:1]]


def stunting_class(percent: np.ndarray) -> np.ndarray:
    """Index of the WHO/UNICEF 2019 class of each prevalence [%] (-1 when missing)."""
    bounds = np.array([b for b, _ in STUNTING_CLASSES[1:]])
    out = np.searchsorted(bounds, percent, side="right").astype(int)
    return np.where(np.isfinite(percent), out, -1)


def map_figure(
    features: Sequence[Mapping[str, Any]],
    percent: np.ndarray,
    labels: Sequence[str],
    t: Mapping[str, Any],
) -> str:
    """Choropleth of stunting prevalence [%] in the fixed WHO/UNICEF 2019 classes."""
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    classes = stunting_class(np.asarray(percent, dtype=float))
    colours = [c for _, c in STUNTING_CLASSES]
    rings: list[np.ndarray] = []
    faces: list[str] = []
    for cls, feature in zip(classes, features, strict=True):
        for ring in _feature_rings(feature["geometry"]):
            rings.append(ring)
            faces.append(colours[cls] if cls >= 0 else _NO_DATA)
    fig = _figure(9.0, 6.5, layout=None)
    ax = fig.add_subplot()
    ax.add_collection(PolyCollection(rings, facecolors=faces, edgecolors="white", linewidths=0.8))
    allxy = np.vstack(rings)
    ax.set_xlim(allxy[:, 0].min(), allxy[:, 0].max())
    ax.set_ylim(allxy[:, 1].min(), allxy[:, 1].max())
    ax.set_aspect(1.0 / np.cos(np.deg2rad(float(np.mean(allxy[:, 1])))))
    ax.set_axis_off()
    for label, feature in zip(labels, features, strict=True):
        shapes = _feature_rings(feature["geometry"])
        if shapes and label:
            cx, cy = max(shapes, key=len).mean(axis=0)
            ax.text(cx, cy, label, fontsize=7, ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.7})  # fmt: skip
    handles = [
        Patch(color=c, label=name) for c, name in zip(colours, t["map_classes"], strict=True)
    ]
    handles.append(Patch(color=_NO_DATA, label=str(t["no_data_class"])))
    ax.legend(handles=handles, title=str(t["prev_axis"]), loc="upper left",
              bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8.5)  # fmt: skip
    return _png(fig, tight=True)
