"""Aksi 1 situation table: burden, coverage gaps, priority presets, top-k probability."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from stuntlib.convergence._sae import posterior_draws, small_area_estimates
from stuntlib.convergence._scorecard import ConvergenceScore
from stuntlib.convergence._tables import COVERAGE_INDICATORS, read_coverage, read_krs
from stuntlib.errors import ColumnError, StuntlibError

__all__ = [
    "PRESETS",
    "PriorityPreset",
    "priority_classes",
    "situation_analysis",
    "top_k_probability",
]

_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")


@dataclass(frozen=True)
class PriorityPreset:
    """A documented rule that turns criteria into a priority class.

    Attributes
    ----------
    kind : {"traffic_light", "intersection", "weighted_index"}
        How criteria combine (see :func:`priority_classes`).
    criteria : mapping of str to str
        Column -> ``"high"`` (a high value is worse) or ``"low"`` (a low value is worse).
    thresholds : mapping of str to float
        Fixed "red" thresholds per column (a proportion for rates); a criterion without
        one is red in the worst third of areas (by rank).
    weights : mapping of str to float
        Weights of the weighted index (relative; normalised over available criteria).
    """

    kind: str
    criteria: Mapping[str, str]
    thresholds: Mapping[str, float] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)


#: The three built-in presets. None is "the official formula": there is none.
#:
#: * ``traffic_light`` (after Kab. Banjar 2025): KRS count, stunted burden, prevalence and
#:   coverage; a criterion is red when the prevalence is >= 20 % (WHO/UNICEF "high") or,
#:   for the others, when the area is in the worst third. 4 red = priority 1, 3 = 2, 2 = 3.
#: * ``intersection`` (after Kab. Pemalang 2023): priority when the area is on every list:
#:   prevalence >= 20 %, burden in the worst third, KRS rate in the worst third.
#: * ``weighted_index`` (after TNP2K 2019): criteria scaled min-max to 0-1 (1 = worst),
#:   weighted equally by default; top third = priority 1, middle = 2, rest = 3.
PRESETS: dict[str, PriorityPreset] = {
    "traffic_light": PriorityPreset(
        "traffic_light",
        {"krs": "high", "beban_stunting": "high", "prevalensi": "high", "indeks_cakupan": "low"},
        thresholds={"prevalensi": 0.20},
    ),
    "intersection": PriorityPreset(
        "intersection",
        {"prevalensi": "high", "beban_stunting": "high", "krs_rate": "high"},
        thresholds={"prevalensi": 0.20},
    ),
    "weighted_index": PriorityPreset(
        "weighted_index",
        {
            "prevalensi": "high",
            "beban_stunting": "high",
            "krs_rate": "high",
            "indeks_cakupan": "low",
        },
        weights={"prevalensi": 1, "beban_stunting": 1, "krs_rate": 1, "indeks_cakupan": 1},
    ),
}

_LABELS = {1: "Prioritas 1", 2: "Prioritas 2", 3: "Prioritas 3", 4: "Bukan prioritas"}


def _worst_third(values: np.ndarray, direction: str) -> np.ndarray:
    """True for the worst ceil(m/3) areas (ties share the better rank; NaN never)."""
    s = pd.Series(values if direction == "high" else -values)
    rank = s.rank(ascending=False, method="min").to_numpy()
    m = int(np.isfinite(values).sum())
    return np.nan_to_num(rank, nan=np.inf) <= math.ceil(m / 3)


def _red(table: pd.DataFrame, preset: PriorityPreset) -> pd.DataFrame:
    red = {}
    for col, direction in preset.criteria.items():
        v = (
            table[col].to_numpy(dtype=float)
            if col in table.columns
            else np.full(len(table), np.nan)
        )
        if col in preset.thresholds:
            t = preset.thresholds[col]
            red[col] = np.where(np.isnan(v), False, v >= t if direction == "high" else v <= t)
        else:
            red[col] = _worst_third(v, direction)
    return pd.DataFrame(red, index=table.index)


def priority_classes(
    table: pd.DataFrame, preset: str | PriorityPreset = "traffic_light"
) -> pd.DataFrame:
    """Classify areas under a priority preset.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per area with the preset's criterion columns (a missing column or NaN
        value is never red and scores 0 in the index).
    preset : str or PriorityPreset
        A key of :data:`PRESETS` or a custom :class:`PriorityPreset`.

    Returns
    -------
    pandas.DataFrame
        Same index: ``merah_<criterion>`` (bool, traffic light and intersection),
        ``skor_prioritas`` (number of red criteria, or the weighted index 0-1),
        ``kelas_prioritas`` (int: 1-3 priority, 4 not a priority), ``label_prioritas``
        and ``peringkat`` (1 = most urgent; ties share a rank).

    Raises
    ------
    StuntlibError
        If the preset is unknown or malformed.

    References
    ----------
    .. [1] TNP2K (2019). 100 Kabupaten/Kota Prioritas untuk Intervensi Anak Kerdil.
    .. [2] de Onis M et al. (2019). Prevalence thresholds for wasting, overweight and
       stunting in children under 5 years. Public Health Nutr 22:175-179.
    """
    if isinstance(preset, str):
        if preset not in PRESETS:
            raise StuntlibError(f"preset: expected one of {sorted(PRESETS)}; got {preset!r}")
        preset = PRESETS[preset]
    if not isinstance(preset, PriorityPreset) or preset.kind not in PRESETS:
        raise StuntlibError(f"preset: expected a PriorityPreset of kind {sorted(PRESETS)}")
    bad = {c: d for c, d in preset.criteria.items() if d not in ("high", "low")}
    if bad:
        raise StuntlibError(f"preset: criteria directions must be 'high' or 'low'; got {bad}")
    out = pd.DataFrame(index=table.index)
    if preset.kind in ("traffic_light", "intersection"):
        red = _red(table, preset)
        for c in red.columns:
            out[f"merah_{c}"] = red[c]
        reds = red.sum(axis=1).to_numpy()
        out["skor_prioritas"] = reds
        if preset.kind == "traffic_light":
            k = len(red.columns)
            cls = np.where(reds >= k, 1, np.where(reds == k - 1, 2, np.where(reds == k - 2, 3, 4)))
        else:
            cls = np.where(reds == len(red.columns), 1, 4)
    else:
        total = np.zeros(len(table))
        wsum = np.zeros(len(table))
        for col, direction in preset.criteria.items():
            w = float(preset.weights.get(col, 1.0))
            if col not in table.columns:
                continue
            v = table[col].to_numpy(dtype=float)
            lo, hi = np.nanmin(v, initial=np.inf), np.nanmax(v, initial=-np.inf)
            span = hi - lo if hi > lo else 1.0
            s = (v - lo) / span if direction == "high" else (hi - v) / span
            ok = ~np.isnan(s)
            total += np.where(ok, w * s, 0.0)
            wsum += np.where(ok, w, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            index = np.where(wsum > 0, total / wsum, np.nan)
        out["skor_prioritas"] = index
        rank = pd.Series(index).rank(ascending=False, method="min").to_numpy()
        m = int(np.isfinite(index).sum())
        cls = np.where(rank <= math.ceil(m / 3), 1, np.where(rank <= math.ceil(2 * m / 3), 2, 3))
        cls = np.where(np.isnan(index), 4, cls)
    out["kelas_prioritas"] = cls.astype(int)
    out["label_prioritas"] = pd.Series(cls, index=table.index).map(_LABELS)
    out["peringkat"] = (
        pd.Series(out["skor_prioritas"].to_numpy(dtype=float), index=table.index)
        .rank(ascending=False, method="min")
        .astype("Int64")
    )
    return out


def top_k_probability(draws: np.ndarray, k: int, *, chunk: int = 64) -> np.ndarray:
    """Probability that each area is among the k largest, from posterior draws.

    Parameters
    ----------
    draws : numpy.ndarray, shape (areas, draws)
        Draws of the ranking quantity (e.g. prevalence) per area.
    k : int
        Size of the top list, 1 <= k <= areas.
    chunk : int
        Draws handled at once (bounds memory at areas x chunk).

    Returns
    -------
    numpy.ndarray of float64, shape (areas,)
        Share of draws in which the area is in the top k (sums to k over areas).

    Raises
    ------
    StuntlibError
        If ``draws`` is not 2-D or ``k`` is out of range.

    References
    ----------
    .. [1] Rao JNK, Molina I (2015). Small Area Estimation, 2nd ed., sec. 9.2 (posterior
       summaries of ranks); Laird NM, Louis TA (1989). Empirical Bayes ranking methods.
       J Educ Stat 14:29-46.
    """
    draws = np.asarray(draws, dtype=float)
    if draws.ndim != 2:
        raise StuntlibError(f"draws: expected a 2-D array (areas, draws); got shape {draws.shape}")
    m, d = draws.shape
    if not (isinstance(k, int | np.integer) and 1 <= k <= m):
        raise StuntlibError(f"k: expected an integer between 1 and {m}; got {k!r}")
    hits = np.zeros(m)
    for start in range(0, d, chunk):
        # One contiguous row per draw; the k-th largest of each row is its threshold.
        block = np.ascontiguousarray(draws[:, start : start + chunk].T)
        threshold = np.partition(block, m - k, axis=1)[:, m - k]
        hits += (block >= threshold[:, None]).sum(axis=0)
    return hits / d


def _counts(scored: pd.DataFrame, area: str) -> pd.DataFrame:
    """N and stunted cases per area from scored rows or from a counts table."""
    if area not in scored.columns:
        raise ColumnError(f"area: column {area!r} not in scored {list(scored.columns)[:12]}...")
    if "zlen" in scored.columns:
        from stuntlib.estimation import prevalence

        prev = prevalence(scored, by=area, indicators=["stunting", "severe_stunting"])
        stunting = prev[prev["indicator"] == "stunting"]
        severe = prev[prev["indicator"] == "severe_stunting"].set_index(area)["cases"]
        out = pd.DataFrame(
            {
                area: stunting[area].to_numpy(),
                "n": stunting["n"].to_numpy(dtype=float),
                "cases": stunting["cases"].to_numpy(dtype=float, na_value=np.nan),
                "sangat_pendek": severe.reindex(stunting[area]).to_numpy(
                    dtype=float, na_value=np.nan
                ),
            }
        )
        return out
    for col in ("n", "cases"):
        if col not in scored.columns:
            raise ColumnError(
                f"scored: expected scored rows (a 'zlen' column, from stuntlib.score) or a "
                f"counts table with {area!r}, 'n' and 'cases'; got {list(scored.columns)[:12]}"
            )
    return scored.reset_index(drop=True)


def _default_match(names: pd.Series) -> pd.Series:
    """Match Kota Pekalongan's kelurahan names to codes (built-in list)."""
    from stuntlib.publication._areas import area_codes
    from stuntlib.publication._areas import name_key as _name_key

    lookup = area_codes()
    kel = lookup[lookup["level"] == "kelurahan"]
    by_key = pd.Series(kel["code"].to_numpy(), index=kel["key"].to_numpy())
    return pd.Series(_name_key(names.astype("string")).map(by_key).to_numpy(), index=names.index)


def _to_codes(values: pd.Series, match: Callable[[pd.Series], pd.Series] | None) -> pd.Series:
    text = values.astype("string").str.strip()
    is_code = text.str.fullmatch(_CODE).fillna(False)
    if is_code.all():
        return text
    mapped = (match or _default_match)(text)
    return text.where(is_code, mapped.astype("string"))


def _coverage_columns(
    cov: pd.DataFrame, targets: Mapping[str, float] | None
) -> tuple[pd.DataFrame, list[str]]:
    spec = COVERAGE_INDICATORS.set_index("indicator")
    inds = [c for c in spec.index if c in cov.columns]
    tgt = {k: float(v) for k, v in spec["target"].items() if not np.isnan(v)}
    tgt.update(targets or {})
    out = cov[["kode", *(["nama"] if "nama" in cov else []), *inds]].copy()
    ratios = []
    for ind in inds:
        t = tgt.get(ind)
        if t is None:
            continue
        v = out[ind].to_numpy(dtype=float)
        lower = bool(spec.loc[ind, "lower_is_better"])
        out[f"{ind}_gap"] = v - t if lower else t - v
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios.append(np.minimum(np.where(lower, t / v, v / t), 1.0))
    if ratios:
        with np.errstate(invalid="ignore"):
            out["indeks_cakupan"] = np.nanmean(np.column_stack(ratios), axis=1)
    else:
        out["indeks_cakupan"] = np.nan
    return out, inds


def situation_analysis(
    scored: pd.DataFrame,
    *,
    coverage: Any = None,
    krs: Any = None,
    targets: Mapping[str, float] | None = None,
    convergence: ConvergenceScore | pd.DataFrame | None = None,
    preset: str | PriorityPreset = "traffic_light",
    area: str = "kelurahan",
    match: Callable[[pd.Series], pd.Series] | None = None,
    method: str = "beta_binomial",
    covariates: Sequence[str] = (),
    k: int | None = None,
    draws: int | None = None,
    seed: Any = 20250101,
) -> pd.DataFrame:
    r"""Build the Aksi 1 situation table: one row per desa/kelurahan.

    Parameters
    ----------
    scored : pandas.DataFrame
        Rows from :func:`stuntlib.score` (columns ``zlen``, ``flen``, ``age_days`` and the
        ``area`` column), or a counts table with ``area``, ``n`` (children measured) and
        ``cases`` (stunted), one row per area. An area is a code ``PP.KK.CC.DDDD`` or a
        name matched through ``match``.
    coverage : path or DataFrame, optional
        Coverage table (see :func:`read_coverage`), one row per desa, keyed by ``kode``.
    krs : path or DataFrame, optional
        BKKBN KRS recap (see :func:`read_krs`). ``sasaran_balita`` there, or
        ``balita_sasaran`` in ``coverage``, gives the target children.
    targets : mapping of str to float, optional
        Coverage targets (proportions) overriding those of :data:`COVERAGE_INDICATORS`.
    convergence : ConvergenceScore or DataFrame, optional
        Village convergence score; its latest quarter per area is used (``area`` there
        holds codes or names).
    preset : str or PriorityPreset
        Priority rule, a key of :data:`PRESETS` or a custom preset.
    area : str
        Area column of ``scored``.
    match : callable, optional
        ``match(names) -> codes`` for area names (default: the built-in Kota Pekalongan
        list); the seam for the national area registry.
    method : {"beta_binomial", "fay_herriot"}
        Small-area model, see :func:`small_area_estimates`.
    covariates : sequence of str
        Fay-Herriot covariates, columns of the assembled table (e.g. ``"krs_rate"``).
    k : int, optional
        Size of the top list for ``peluang_top_k``; default ceil(areas / 3).
    draws : int, optional
        Posterior draws for the top-k probability; default 1,000, or 200 above 5,000 areas
        (Monte Carlo standard error at most 0.016 and 0.035 for a probability of 0.5).
    seed : int, optional
        Seed of the draws (reproducible by default).

    Returns
    -------
    pandas.DataFrame
        One row per area, in input order, then the areas found only in ``coverage``
        or ``krs`` (``balita_diukur`` 0, prevalence from the model alone): ``kode``,
        ``nama`` (area value as given, or the side table's name when given by code),
        ``balita_diukur`` (n), ``balita_sasaran``, ``cakupan_pengukuran`` (n / target,
        0-1), ``stunting`` (cases; with scored rows or a ``sangat_pendek`` count also
        ``balita_sangat_pendek`` HAZ < -3 and ``balita_pendek`` -3 <= HAZ < -2),
        ``prevalensi_langsung`` with Wilson ``_low``/``_high``,
        ``prevalensi`` (shrunk) with ``prevalensi_low``/``prevalensi_high``,
        ``shrinkage``, ``beban_stunting`` (shrunk prevalence x target children, else the
        count), the KRS columns and ``krs_rate``, each coverage indicator with ``<key>_gap``
        (target - value, positive = shortfall), ``indeks_cakupan`` (mean of value / target,
        capped at 1), ``konvergensi`` (0-1), the :func:`priority_classes` columns and
        ``peluang_top_k`` (probability of being among the k highest shrunk prevalences).
        ``attrs["k"]`` and ``attrs["sae"]`` record k and the fitted model.

    Raises
    ------
    StuntlibError
        If an argument is invalid.
    ColumnError
        If a needed column is missing.

    References
    ----------
    .. [1] Kemendagri, Bappenas (2019). Pedoman Pelaksanaan Intervensi Penurunan Stunting
       Terintegrasi di Kabupaten/Kota (Aksi 1: analisis situasi).
    .. [2] Surat Edaran Mendagri 400.5/8476/SJ (indikator esensial per desa/kelurahan).
    .. [3] Rao JNK, Molina I (2015). Small Area Estimation, 2nd ed. Wiley.
    .. [4] Laird NM, Louis TA (1989). Empirical Bayes ranking methods. J Educ Stat 14:29-46.
    """
    if not isinstance(scored, pd.DataFrame):
        raise StuntlibError(f"scored: expected a DataFrame; got {type(scored).__name__}")
    if not (draws is None or (isinstance(draws, int) and draws > 0)):
        raise StuntlibError(f"draws: expected a positive integer; got {draws!r}")
    counts = _counts(scored, area)
    table = pd.DataFrame(
        {"kode": _to_codes(counts[area], match).to_numpy(), "nama": counts[area].to_numpy()}
    )
    if table["kode"].isna().any():
        raise StuntlibError(
            f"scored: areas {table.loc[table['kode'].isna(), 'nama'].tolist()[:5]} did not "
            "match a code; pass match= or use codes"
        )
    table["balita_diukur"] = counts["n"].to_numpy(dtype=float)
    table["stunting"] = counts["cases"].to_numpy(dtype=float)
    if "sangat_pendek" in counts.columns:
        severe = pd.to_numeric(counts["sangat_pendek"], errors="coerce").to_numpy(dtype=float)
        table["balita_sangat_pendek"] = severe
        table["balita_pendek"] = table["stunting"].to_numpy() - severe
    side: list[pd.DataFrame] = []
    cov_inds: list[str] = []
    if krs is not None:
        side.append(read_krs(krs, match=match))
    if coverage is not None:
        cov = read_coverage(coverage, match=match)
        cov_table, cov_inds = _coverage_columns(cov, targets)
        if "balita_sasaran" in cov.columns:
            cov_table["balita_sasaran"] = pd.to_numeric(cov["balita_sasaran"], errors="coerce")
        side.append(cov_table)
    for frame in side:
        table = _merge_side(table, frame)
    if "balita_sasaran" not in table.columns:
        table["balita_sasaran"] = table["sasaran_balita"] if "sasaran_balita" in table else np.nan
    if convergence is not None:
        table["konvergensi"] = _convergence_by_code(convergence, table, match)
    sae = _add_estimates(table, method, covariates)
    cols = [
        "kode",
        "nama",
        "balita_diukur",
        "balita_sasaran",
        "cakupan_pengukuran",
        "stunting",
        "prevalensi_langsung",
        "prevalensi_langsung_low",
        "prevalensi_langsung_high",
        "prevalensi",
        "prevalensi_low",
        "prevalensi_high",
        "shrinkage",
        "beban_stunting",
    ]
    cols += [c for c in ("balita_sangat_pendek", "balita_pendek") if c in table.columns]
    krs_cols = [
        c for c in ("jumlah_keluarga", "krs", "keluarga_sasaran", "krs_rate") if c in table.columns
    ]
    cov_cols = [c for ind in cov_inds for c in (ind, f"{ind}_gap") if c in table.columns]
    rest = ["indeks_cakupan"] if "indeks_cakupan" in table else []
    rest += ["konvergensi"] if "konvergensi" in table else []
    out = table[cols + krs_cols + cov_cols + rest].copy()
    out = pd.concat([out, priority_classes(out, preset)], axis=1)
    m = len(out)
    k = math.ceil(m / 3) if k is None else k
    if not (isinstance(k, int) and 1 <= k <= m):
        raise StuntlibError(f"k: expected an integer between 1 and {m}; got {k!r}")
    if draws is None:
        draws = 1000 if m <= 5000 else 200
    out["peluang_top_k"] = _posterior_top_k(sae, k, draws, seed)
    out.attrs = {"k": k, "sae": sae.attrs["sae"]}
    return out


def _posterior_top_k(sae: pd.DataFrame, k: int, draws: int, seed: Any, chunk: int = 100) -> Any:
    """Top-k probability from posterior draws taken ``chunk`` at a time (bounded memory)."""
    rng = np.random.default_rng(seed)
    hits = np.zeros(len(sae))
    for start in range(0, draws, chunk):
        size = min(chunk, draws - start)
        hits += top_k_probability(posterior_draws(sae, size, seed=rng), k, chunk=size) * size
    return hits / draws


def _merge_side(table: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Left-join a side table; its areas with no measured child are appended (n = 0)."""
    known = pd.Index(table["kode"].to_numpy(dtype=object))
    extra = frame.loc[known.get_indexer(frame["kode"].to_numpy(dtype=object)) < 0]
    if len(extra):
        names = extra["nama"] if "nama" in extra else extra["kode"]
        table = pd.concat(
            [
                table,
                pd.DataFrame(
                    {
                        "kode": extra["kode"].to_numpy(),
                        "nama": names.to_numpy(),
                        "balita_diukur": 0.0,
                        "stunting": np.nan,
                    }
                ),
            ],
            ignore_index=True,
        )
    if "nama" in frame:
        by_code = frame.set_index("kode")["nama"]
        named_by_code = table["nama"].astype("string") == table["kode"].astype("string")
        table["nama"] = table["nama"].where(~named_by_code, table["kode"].map(by_code))
    side = frame.drop(columns=["nama"], errors="ignore")
    return table.merge(side, on="kode", how="left", validate="one_to_one")


def _add_estimates(table: pd.DataFrame, method: str, covariates: Sequence[str]) -> pd.DataFrame:
    from stuntlib.intervals import wilson_interval

    n = table["balita_diukur"].to_numpy(dtype=float)
    y = table["stunting"].to_numpy(dtype=float)
    sae_in = table.assign(area=table["kode"], n=n, cases=y)
    sae = small_area_estimates(
        sae_in,
        method=method,  # type: ignore[arg-type]
        area="area",
        covariates=covariates,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        table["cakupan_pengukuran"] = n / table["balita_sasaran"].to_numpy(dtype=float)
    table["prevalensi_langsung"] = sae["direct"].to_numpy()
    low, high = wilson_interval(np.nan_to_num(y), n)
    table["prevalensi_langsung_low"] = low
    table["prevalensi_langsung_high"] = high
    table["prevalensi"] = sae["estimate"].to_numpy()
    table["prevalensi_low"] = sae["ci_low"].to_numpy()
    table["prevalensi_high"] = sae["ci_high"].to_numpy()
    table["shrinkage"] = sae["shrinkage"].to_numpy()
    target = table["balita_sasaran"].to_numpy(dtype=float)
    table["beban_stunting"] = np.where(np.isnan(target), y, table["prevalensi"] * target)
    return sae


def _convergence_by_code(
    convergence: Any, table: pd.DataFrame, match: Callable[[pd.Series], pd.Series] | None
) -> np.ndarray:
    kon = convergence.konvergensi if isinstance(convergence, ConvergenceScore) else convergence
    if not isinstance(kon, pd.DataFrame) or not {"area", "quarter", "tingkat_konvergensi"} <= set(
        kon.columns
    ):
        raise StuntlibError(
            "convergence: expected a ConvergenceScore or a frame with 'area', 'quarter' and "
            "'tingkat_konvergensi'"
        )
    latest = kon.sort_values("quarter").drop_duplicates("area", keep="last")
    codes = _to_codes(latest["area"], match)
    by_code = pd.Series(latest["tingkat_konvergensi"].to_numpy(dtype=float), index=codes.to_numpy())
    return table["kode"].map(by_code).to_numpy(dtype=float)
