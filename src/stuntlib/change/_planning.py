"""Survey planning: design effects and ICC from a design, sample size, a two-stage simulation."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from stuntlib.errors import ColumnError, StuntlibError

__all__ = ["design_effects", "sample_size", "simulate_two_stage_survey"]


def _z(level: float) -> float:
    from scipy import stats

    if not isinstance(level, (int, float)) or not 0.0 < float(level) < 1.0:
        raise StuntlibError(f"level: expected a confidence level in (0, 1); got {level!r}")
    return float(stats.norm.ppf(1.0 - (1.0 - float(level)) / 2.0))


def sample_size(
    p: ArrayLike,
    margin: ArrayLike,
    *,
    deff: ArrayLike = 1.0,
    level: float = 0.95,
    nonresponse: float = 0.0,
    population: ArrayLike | None = None,
    rounding: Literal["nearest", "up"] = "nearest",
) -> int | NDArray[np.int64]:
    """Children to measure for a prevalence with a given margin of error.

    ``n0 = z^2 p (1 - p) / d^2 x deff``; with a ``population`` N, the finite-population
    correction ``n = n0 / (1 + (n0 - 1) / N)``; then ``n / (1 - nonresponse)``; then
    rounded. ``z`` is the normal quantile of ``level`` (1.959964 at 95 %).

    Parameters
    ----------
    p : array_like
        Expected prevalence [proportion] in (0, 1).
    margin : array_like
        Half-width of the interval [proportion], e.g. 0.05 for ±5 percentage points.
    deff : array_like, default 1
        Design effect (>= 1 for a cluster sample; see :func:`design_effects`).
    level : float, default 0.95
        Confidence level.
    nonresponse : float, default 0
        Expected share of children not measured, in [0, 1).
    population : array_like, optional
        Children in the population (finite-population correction).
    rounding : {"nearest", "up"}, default "nearest"
        Round to the nearest integer (the convention of the published tables this
        reproduces: p = 0.45, ±5 % gives 380.3 -> 380), or up (381), the conservative
        choice.

    Returns
    -------
    int or numpy.ndarray of int64
        Sample size, broadcast over the inputs (an int for scalar inputs).

    Raises
    ------
    StuntlibError
        If ``p`` or ``margin`` is outside (0, 1), ``deff <= 0``, ``nonresponse`` is
        outside [0, 1) or ``rounding`` is unknown.

    References
    ----------
    .. [1] Cochran WG (1977). Sampling Techniques, 3rd ed. New York: Wiley, eq. 4.2-4.3.
    .. [2] Kish L (1965). Survey Sampling. New York: Wiley (design effect).
    .. [3] WHO (2019). Recommendations for data collection, analysis and reporting on
       anthropometric indicators in children under 5 years old, section on sample size.

    Examples
    --------
    >>> sample_size(0.45, 0.05), sample_size(0.2, 0.05, deff=1.5)
    (380, 369)
    """
    z = _z(level)
    pp, d, de = np.broadcast_arrays(
        np.asarray(p, dtype=float), np.asarray(margin, dtype=float), np.asarray(deff, float)
    )
    if np.any(~((pp > 0) & (pp < 1))):
        raise StuntlibError(f"p: expected proportions in (0, 1); got {np.asarray(p).tolist()}")
    if np.any(~((d > 0) & (d < 1))):
        raise StuntlibError(
            f"margin: expected a proportion in (0, 1) (0.05 for ±5 %); got "
            f"{np.asarray(margin).tolist()}"
        )
    if np.any(~(de > 0)):
        raise StuntlibError(f"deff: expected a design effect > 0; got {np.asarray(deff).tolist()}")
    if not 0.0 <= float(nonresponse) < 1.0:
        raise StuntlibError(f"nonresponse: expected a share in [0, 1); got {nonresponse!r}")
    if rounding not in ("nearest", "up"):
        raise StuntlibError(f"rounding: expected 'nearest' or 'up'; got {rounding!r}")
    n = z * z * pp * (1.0 - pp) / (d * d) * de
    if population is not None:
        big_n = np.asarray(population, dtype=float)
        if np.any(~(big_n > 0)):
            raise StuntlibError(f"population: expected counts > 0; got {population!r}")
        n = n / (1.0 + (n - 1.0) / big_n)
    n = n / (1.0 - float(nonresponse))
    # 1e-9 guards against n = 380.0000000001 rounding up a whole child
    out = np.ceil(n - 1e-9) if rounding == "up" else np.floor(n + 0.5)
    out = out.astype(np.int64)
    return int(out) if out.ndim == 0 else out


def design_effects(
    frame: pd.DataFrame,
    *,
    cluster: str,
    by: str | list[str] | None = None,
    indicators: str | list[str] = "stunting",
    weights: str | None = None,
    strata: str | None = None,
) -> pd.DataFrame:
    """Design effect, deft, effective n and intra-cluster correlation per indicator and domain.

    The design effect comes from :func:`stuntlib.prevalence` with the survey design
    (linearised variance over the sampling variance of a simple random sample of the
    same size). The ICC follows Kish: ``ICC = (deff - 1) / (m - 1)`` with ``m`` the
    mean number of measured children per cluster in the domain.

    Parameters
    ----------
    frame : pandas.DataFrame
        Scored children (:func:`stuntlib.score`) with the design columns.
    cluster : str
        Column of the primary sampling units.
    by : str or list of str, optional
        Domain columns (one row per domain); default one overall row.
    indicators : str or list of str, default "stunting"
        Prevalence indicators of :data:`stuntlib.estimation.INDICATORS`.
    weights, strata : str, optional
        Sampling weights and strata columns.

    Returns
    -------
    pandas.DataFrame
        One row per domain x indicator: the domain columns, ``indicator``, ``n``,
        ``clusters``, ``mean_cluster_size``, ``estimate``, ``se``, ``deff``, ``deft``
        (sqrt(deff)), ``n_eff`` and ``icc`` (NaN when ``m <= 1``).

    Raises
    ------
    StuntlibError
        For a bad argument; :class:`~stuntlib.errors.ColumnError` for a missing column.

    References
    ----------
    .. [1] Kish L (1965). Survey Sampling. New York: Wiley, section 5.4 (deff = 1 +
       (m - 1) ICC).
    .. [2] Lumley T (2004). Analysis of complex survey samples. J Stat Softw 9(8).
    """
    from stuntlib.estimation import INDICATORS, prevalence

    if not isinstance(frame, pd.DataFrame):
        raise StuntlibError(f"frame: expected a DataFrame; got {type(frame).__name__}")
    if not isinstance(cluster, str) or cluster not in frame.columns:
        raise ColumnError(f"cluster: no column {cluster!r}; the columns are {list(frame.columns)}")
    keys = [by] if isinstance(by, str) else list(by or [])
    names = [indicators] if isinstance(indicators, str) else list(indicators)
    table = prevalence(
        frame, keys or None, indicators=names, weights=weights, cluster=cluster,
        strata=strata, min_n=1, min_cases=0,
    )  # fmt: skip
    table = table[table["kind"] == "prevalence"]
    parts = []
    for name in names:  # one pass per indicator (a handful), never per child
        z = INDICATORS[name].z_columns[0]
        flag = frame[f"f{z[1:]}"] if f"f{z[1:]}" in frame.columns else 0
        valid = frame[z].notna() & (pd.Series(flag, index=frame.index).fillna(1) == 0)
        sub = frame.loc[valid & frame[cluster].notna()]
        if keys:
            per_domain = sub.groupby(keys, observed=True, dropna=True)[cluster].nunique()
            found = per_domain.rename("clusters").reset_index()
        else:
            found = pd.DataFrame({"clusters": [sub[cluster].nunique()]})
        found["indicator"] = name
        parts.append(found)
    clusters = pd.concat(parts, ignore_index=True)
    out = table[[*keys, "indicator", "n", "estimate", "se", "deff", "n_eff"]].reset_index(drop=True)
    out = out.merge(clusters, on=[*keys, "indicator"], how="left")
    with np.errstate(invalid="ignore", divide="ignore"):
        m = out["n"].astype(float) / out["clusters"].astype(float)
        out["mean_cluster_size"] = m
        out["deft"] = np.sqrt(out["deff"].astype(float))
        out["icc"] = np.where(m > 1, (out["deff"].astype(float) - 1.0) / (m - 1.0), np.nan)
    cols = [*keys, "indicator", "n", "clusters", "mean_cluster_size", "estimate", "se",
            "deff", "deft", "n_eff", "icc"]  # fmt: skip
    return out[cols]


def simulate_two_stage_survey(
    clusters: int,
    cluster_size: int,
    *,
    prevalence: float = 0.3,
    icc: float = 0.05,
    seed: int | None = None,
) -> pd.DataFrame:
    """Simulate a two-stage cluster survey of stunting with a given intra-cluster correlation.

    Each cluster's prevalence is drawn from a beta distribution with mean ``prevalence``
    and ``alpha + beta = (1 - icc) / icc`` (the beta-binomial model, whose ICC is
    ``icc``); each child is stunted with its cluster's prevalence. A child's HAZ is drawn
    from the standard normal restricted to the stunted or non-stunted side of the WHO
    cut-off, so the result goes straight into :func:`stuntlib.prevalence` and
    :func:`design_effects`. The expected design effect is ``1 + (m - 1) icc``.

    Parameters
    ----------
    clusters : int
        Number of clusters (>= 2).
    cluster_size : int
        Children per cluster ``m`` (>= 1).
    prevalence : float, default 0.3
        Mean stunting prevalence [proportion] in (0, 1).
    icc : float, default 0.05
        Intra-cluster correlation of the stunting indicator, in (0, 1).
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    pandas.DataFrame
        ``clusters x cluster_size`` rows: ``cluster`` (int64), ``zlen`` (float64),
        ``flen`` (int8, 0), ``age_days`` (float64, 365).

    Raises
    ------
    StuntlibError
        If an argument is out of range.

    References
    ----------
    .. [1] Kish L (1965). Survey Sampling. New York: Wiley, section 5.4.
    .. [2] Ridout MS, Demetrio CGB, Firth D (1999). Estimating intraclass correlation for
       binary data. Biometrics 55:137-148 (the beta-binomial ICC).

    Examples
    --------
    >>> sim = simulate_two_stage_survey(4, 10, seed=1)
    >>> sim.shape
    (40, 4)
    """
    from scipy import stats

    if not isinstance(clusters, (int, np.integer)) or clusters < 2:
        raise StuntlibError(f"clusters: expected an integer >= 2; got {clusters!r}")
    if not isinstance(cluster_size, (int, np.integer)) or cluster_size < 1:
        raise StuntlibError(f"cluster_size: expected an integer >= 1; got {cluster_size!r}")
    if not 0.0 < float(prevalence) < 1.0:
        raise StuntlibError(f"prevalence: expected a proportion in (0, 1); got {prevalence!r}")
    if not 0.0 < float(icc) < 1.0:
        raise StuntlibError(f"icc: expected a correlation in (0, 1); got {icc!r}")
    rng = np.random.default_rng(seed)
    total = (1.0 - icc) / icc
    p_cluster = rng.beta(prevalence * total, (1.0 - prevalence) * total, size=clusters)
    p_child = np.repeat(p_cluster, cluster_size)
    u = rng.uniform(size=p_child.size)
    stunted = u < p_child
    tail = stats.norm.cdf(-2.005)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(
            stunted,
            u / p_child * tail,
            tail + (u - p_child) / (1.0 - p_child) * (1.0 - tail),
        )
    zlen = stats.norm.ppf(np.clip(q, 1e-12, 1 - 1e-12))
    zlen = np.where(stunted, np.minimum(zlen, -2.0051), np.maximum(zlen, -2.0049))
    return pd.DataFrame(
        {
            "cluster": np.repeat(np.arange(clusters, dtype=np.int64), cluster_size),
            "zlen": zlen,
            "flen": np.zeros(zlen.size, dtype=np.int8),
            "age_days": np.full(zlen.size, 365.0),
        }
    )
