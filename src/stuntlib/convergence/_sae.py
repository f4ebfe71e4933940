"""Small-area estimates of a prevalence: empirical-Bayes beta-binomial and Fay-Herriot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from stuntlib.errors import ColumnError, StuntlibError

__all__ = ["SAE_COLUMNS", "posterior_draws", "small_area_estimates"]

#: Columns :func:`small_area_estimates` adds after the area key columns, in order.
SAE_COLUMNS: tuple[str, ...] = (
    "n",
    "cases",
    "direct",
    "direct_se",
    "estimate",
    "ci_low",
    "ci_high",
    "mse",
    "shrinkage",
    "method",
)

#: Columns of a :func:`stuntlib.estimation.prevalence` table that are not group keys.
_PREVALENCE_STATS = frozenset(
    {
        "grouping",
        "indicator",
        "kind",
        "n",
        "cases",
        "weighted_n",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "deff",
        "n_eff",
        "sd",
        "reliability",
        "suppressed",
    }
)

Method = Literal["beta_binomial", "fay_herriot"]


def _area_frame(table: Any, area: str | Sequence[str] | None) -> tuple[pd.DataFrame, list[str]]:
    """Return the key columns and ``n``/``cases`` of ``table`` (validated)."""
    if not isinstance(table, pd.DataFrame):
        raise StuntlibError(f"table: expected a DataFrame; got {type(table).__name__}")
    for col in ("n", "cases"):
        if col not in table.columns:
            raise ColumnError(
                f"table: no {col!r} column; expected one row per area with 'n' (children "
                f"measured) and 'cases'; got columns {list(table.columns)}"
            )
    if "indicator" in table.columns and table["indicator"].nunique(dropna=False) > 1:
        raise StuntlibError(
            "table: a prevalence table with several indicators; select one first, e.g. "
            "table[table['indicator'] == 'stunting'] (got "
            f"{sorted(map(str, table['indicator'].unique()))})"
        )
    if area is None:
        if "area" in table.columns:
            keys = ["area"]
        elif "grouping" in table.columns:
            keys = [c for c in table.columns if c not in _PREVALENCE_STATS]
        else:
            raise ColumnError(
                "area: no 'area' column in table; name the key column(s), e.g. area='kode'"
            )
    else:
        keys = [area] if isinstance(area, str) else list(area)
        missing = [k for k in keys if k not in table.columns]
        if missing:
            raise ColumnError(f"area: columns {missing} not in table {list(table.columns)}")
    n = pd.to_numeric(table["n"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    cases = pd.to_numeric(table["cases"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isnan(n) & ((n < 0) | (n != np.round(n)))
    bad |= ~np.isnan(cases) & ((cases < 0) | (cases > np.nan_to_num(n, nan=np.inf)))
    if bad.any():
        raise StuntlibError(
            "table: 'n' must be a whole number >= 0 and 0 <= 'cases' <= 'n'; rows "
            f"{np.flatnonzero(bad)[:5].tolist()} are not"
        )
    out = table[keys].reset_index(drop=True).copy()
    out["n"] = np.nan_to_num(n, nan=0.0)
    out["cases"] = cases
    return out, keys


def _fit_beta_prior(n: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood Beta(a, b) prior from the beta-binomial marginal likelihood."""
    from scipy import optimize, special

    if n.size < 2:
        raise StuntlibError(
            "table: the prior needs at least 2 areas with measured children; "
            f"got {n.size} (pass prior=(a, b) to use a known prior)"
        )
    p = y / n
    mean = float(np.clip(np.sum(y) / np.sum(n), 1e-3, 1 - 1e-3))
    var = float(np.var(p))
    binom_var = float(np.mean(mean * (1 - mean) / n))
    excess = max(var - binom_var, 1e-4 * mean * (1 - mean))
    strength = float(np.clip(mean * (1 - mean) / excess - 1.0, 0.5, 1e5))
    start = np.log([mean * strength, (1 - mean) * strength])

    def negloglik(theta: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = np.exp(theta)
        ll = np.sum(special.betaln(y + a, n - y + b)) - n.size * special.betaln(a, b)
        dig_ab = special.digamma(n + a + b)
        common = n.size * special.digamma(a + b) - np.sum(dig_ab)
        da = np.sum(special.digamma(y + a)) - n.size * special.digamma(a) + common
        db = np.sum(special.digamma(n - y + b)) - n.size * special.digamma(b) + common
        # gradient with respect to log a, log b
        return -float(ll), -np.array([da * a, db * b])

    res = optimize.minimize(
        negloglik,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-12, 14), (-12, 14)],
        options={"ftol": 1e-15, "gtol": 1e-9},
    )
    a, b = np.exp(res.x)
    return float(a), float(b)


def _beta_binomial(frame: pd.DataFrame, prior: tuple[float, float] | None, level: float) -> dict:
    from scipy import stats

    n = frame["n"].to_numpy(dtype=float)
    y = frame["cases"].to_numpy(dtype=float)
    known = (n > 0) & ~np.isnan(y)
    if prior is None:
        a, b = _fit_beta_prior(n[known], y[known])
    else:
        a, b = _check_prior(prior)
    yk = np.where(known, y, 0.0)
    nk = np.where(known, n, 0.0)
    post_a = a + yk
    post_b = b + nk - yk
    estimate = post_a / (post_a + post_b)
    mse = post_a * post_b / ((post_a + post_b) ** 2 * (post_a + post_b + 1))
    tail = (1 - level) / 2
    return {
        "estimate": estimate,
        "ci_low": stats.beta.ppf(tail, post_a, post_b),
        "ci_high": stats.beta.ppf(1 - tail, post_a, post_b),
        "mse": mse,
        "shrinkage": (a + b) / (a + b + nk),
        "params": {"alpha": a, "beta": b, "prior_mean": a / (a + b)},
    }


def _check_prior(prior: Any) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in prior)
    except (TypeError, ValueError):
        raise StuntlibError(
            f"prior: expected a pair (a, b) of numbers > 0; got {prior!r}"
        ) from None
    if not (a > 0 and b > 0 and np.isfinite(a) and np.isfinite(b)):
        raise StuntlibError(f"prior: expected a pair (a, b) of numbers > 0; got {prior!r}")
    return a, b


def _reml_variance(theta: np.ndarray, d: np.ndarray, x: np.ndarray) -> float:
    """REML estimate of the Fay-Herriot area variance (Rao & Molina 2015, sec. 6.1.2)."""
    from scipy import optimize

    def neg_reml(s2: float) -> float:
        v = s2 + d
        w = 1.0 / v
        xtwx = x.T @ (x * w[:, None])
        beta = np.linalg.solve(xtwx, x.T @ (w * theta))
        r = theta - x @ beta
        _, logdet = np.linalg.slogdet(xtwx)
        return 0.5 * float(np.sum(np.log(v)) + logdet + np.sum(w * r * r))

    upper = max(float(np.var(theta)) * 10.0, 1e-6)
    res = optimize.minimize_scalar(
        neg_reml, bounds=(0.0, upper), method="bounded", options={"xatol": 1e-12}
    )
    s2 = float(res.x)
    # The bounded search never lands on 0 exactly: take 0 when it is at least as good.
    return 0.0 if neg_reml(0.0) <= neg_reml(s2) else s2


def _fay_herriot(
    frame: pd.DataFrame, table: pd.DataFrame, covariates: Sequence[str], level: float
) -> dict:
    from scipy import stats

    n = frame["n"].to_numpy(dtype=float)
    y = frame["cases"].to_numpy(dtype=float)
    known = (n > 0) & ~np.isnan(y)
    missing = [c for c in covariates if c not in table.columns]
    if missing:
        raise ColumnError(f"covariates: columns {missing} not in table {list(table.columns)}")
    x = np.column_stack(
        [np.ones(len(frame))]
        + [pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float) for c in covariates]
    )
    if np.isnan(x).any():
        raise StuntlibError(f"covariates: columns {list(covariates)} have missing values")
    m = int(known.sum())
    if m <= x.shape[1] + 1:
        raise StuntlibError(
            f"table: Fay-Herriot with {x.shape[1]} coefficients needs more than "
            f"{x.shape[1] + 1} areas with measured children; got {m}"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.arcsin(np.sqrt(y / n))
        d = 1.0 / (4.0 * n)
    s2 = _reml_variance(theta[known], d[known], x[known])
    v = s2 + d[known]
    xk = x[known]
    xtwx_inv = np.linalg.inv(xk.T @ (xk / v[:, None]))
    beta = xtwx_inv @ (xk.T @ (theta[known] / v))
    synthetic = x @ beta
    gamma = np.where(known, s2 / (s2 + np.where(known, d, 1.0)), 0.0)
    eblup = np.where(known, gamma * np.nan_to_num(theta) + (1 - gamma) * synthetic, synthetic)
    # Prasad-Rao MSE with the REML correction of Datta & Lahiri (2000): g1 + g2 + 2 g3.
    lever = np.einsum("ij,jk,ik->i", x, xtwx_inv, x)
    var_s2 = 2.0 / float(np.sum(1.0 / v**2))
    dd = np.where(known, d, 0.0)
    g1 = gamma * dd
    g2 = (1 - gamma) ** 2 * lever
    g3 = np.where(known, dd**2 / (s2 + dd) ** 3 * var_s2, 0.0)
    mse_theta = np.where(known, g1 + g2 + 2 * g3, s2 + lever + var_s2)
    z = stats.norm.ppf(0.5 + level / 2)
    half = z * np.sqrt(mse_theta)
    lim = np.pi / 2

    def back(t: np.ndarray) -> np.ndarray:
        return np.sin(np.clip(t, 0.0, lim)) ** 2

    return {
        "estimate": back(eblup),
        "ci_low": back(eblup - half),
        "ci_high": back(eblup + half),
        "mse": np.sin(2 * np.clip(eblup, 0.0, lim)) ** 2 * mse_theta,
        "shrinkage": 1 - gamma,
        "params": {
            "sigma2_v": s2,
            "coefficients": {
                k: float(v) for k, v in zip(["intercept", *covariates], beta, strict=True)
            },
        },
        "eblup_arcsine": eblup,
        "mse_arcsine": mse_theta,
    }


def small_area_estimates(
    table: pd.DataFrame,
    *,
    method: Method = "beta_binomial",
    area: str | Sequence[str] | None = None,
    covariates: Sequence[str] = (),
    prior: tuple[float, float] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    r"""Shrink each area's prevalence towards what the other areas say (small-area estimation).

    A prevalence from 12 children is mostly noise. Both methods pull a direct estimate
    towards a model fitted across all areas, the more so the fewer children it rests on.

    * ``"beta_binomial"`` (empirical Bayes): the true prevalences follow a
      Beta(:math:`\alpha, \beta`) prior fitted by maximum likelihood on the beta-binomial
      marginal likelihood :math:`\prod_i B(y_i+\alpha, n_i-y_i+\beta)/B(\alpha,\beta)`.
      The estimate is the posterior mean :math:`(\alpha+y_i)/(\alpha+\beta+n_i)`, the
      interval the equal-tailed posterior interval and the MSE the posterior variance.
    * ``"fay_herriot"``: the direct estimate on the arcsine-square-root scale,
      :math:`\hat\theta_i=\arcsin\sqrt{y_i/n_i}` with known sampling variance
      :math:`1/(4n_i)`, follows :math:`\theta_i = x_i^\top\beta + v_i`,
      :math:`v_i\sim N(0,\sigma_v^2)`. :math:`\sigma_v^2` is estimated by REML, the
      estimate is the EBLUP, the MSE is Prasad-Rao's :math:`g_1+g_2+2g_3` (REML form),
      and estimate and interval are transformed back with :math:`\sin^2`.

    Parameters
    ----------
    table : pandas.DataFrame, one row per area
        Columns ``n`` (children measured, whole number >= 0) and ``cases`` (children
        with the condition, 0..n), the key column(s) and, for Fay-Herriot, the
        covariate columns. A table from :func:`stuntlib.estimation.prevalence` with one
        indicator is accepted as it is; its group columns become the keys.
    method : {"beta_binomial", "fay_herriot"}
        The model, see above.
    area : str or sequence of str, optional
        Key column(s). Default ``"area"``, or the group columns of a prevalence table.
    covariates : sequence of str
        Area-level covariates for Fay-Herriot (coverage indicators, KRS rate...); an
        intercept is always included. Ignored by ``"beta_binomial"``.
    prior : (float, float), optional
        A known Beta(a, b) prior instead of the fitted one (``"beta_binomial"`` only).
    level : float
        Confidence (credibility) level of the interval, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per input row, in input order, under a fresh ``RangeIndex``: the key
        columns, then :data:`SAE_COLUMNS`: ``n`` (float64), ``cases``, ``direct``
        (cases/n, a proportion 0-1; NaN if n = 0), ``direct_se`` (binomial,
        :math:`\sqrt{p(1-p)/n}`), ``estimate`` (shrunk proportion), ``ci_low``,
        ``ci_high``, ``mse`` (proportion², on the proportion scale), ``shrinkage``
        (weight of the model in the estimate, 0 = direct only, 1 = model only) and
        ``method``. An area with n = 0 gets the model's value (shrinkage 1). The fitted
        parameters are in ``result.attrs["sae"]``.

    Raises
    ------
    StuntlibError
        If ``table`` is not a DataFrame, ``n``/``cases`` are inconsistent, the method,
        prior or level is invalid, or too few areas have data to fit the model.
    ColumnError
        If a required, key or covariate column is missing.

    References
    ----------
    .. [1] Fay RE, Herriot RA (1979). Estimates of income for small places: an
       application of James-Stein procedures to census data. JASA 74:269-277.
    .. [2] Prasad NGN, Rao JNK (1990). The estimation of the mean squared error of
       small-area estimators. JASA 85:163-171.
    .. [3] Datta GS, Lahiri P (2000). A unified measure of uncertainty of estimated best
       linear unbiased predictors in small area estimation problems. Stat Sin 10:613-627.
    .. [4] Rao JNK, Molina I (2015). Small Area Estimation, 2nd ed. Wiley; ch. 6 and 9.
    .. [5] Efron B, Morris C (1975). Data analysis using Stein's estimator and its
       generalizations. JASA 70:311-319.
    .. [6] Casella G (1985). An introduction to empirical Bayes data analysis. Am Stat
       39:83-87.

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["A", "B", "C"], "n": [2, 150, 150], "cases": [1, 30, 45]})
    >>> r = small_area_estimates(t, prior=(4, 16))
    >>> r["estimate"].round(3).tolist()
    [0.227, 0.2, 0.288]
    """
    if method not in ("beta_binomial", "fay_herriot"):
        raise StuntlibError(f"method: expected 'beta_binomial' or 'fay_herriot'; got {method!r}")
    if not (isinstance(level, float | int) and 0 < level < 1):
        raise StuntlibError(f"level: expected a number between 0 and 1; got {level!r}")
    if isinstance(covariates, str):
        covariates = [covariates]
    frame, _ = _area_frame(table, area)
    if method == "beta_binomial":
        if covariates:
            raise StuntlibError(
                "covariates: the beta-binomial model takes no covariates; use method='fay_herriot'"
            )
        fit = _beta_binomial(frame, prior, float(level))
    else:
        if prior is not None:
            raise StuntlibError("prior: only used by method='beta_binomial'")
        fit = _fay_herriot(frame, table.reset_index(drop=True), list(covariates), float(level))
    n = frame["n"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = np.where(n > 0, frame["cases"].to_numpy(dtype=float) / n, np.nan)
        frame["direct"] = direct
        frame["direct_se"] = np.sqrt(direct * (1 - direct) / n)
    for col in ("estimate", "ci_low", "ci_high", "mse", "shrinkage"):
        frame[col] = np.asarray(fit[col], dtype=float)
    frame["method"] = method
    if method == "fay_herriot":
        frame["eblup_arcsine"] = fit["eblup_arcsine"]
        frame["mse_arcsine"] = fit["mse_arcsine"]
    frame.attrs["sae"] = {"method": method, "level": float(level), **fit["params"]}
    return frame


def posterior_draws(estimates: pd.DataFrame, draws: int = 1000, *, seed: Any = None) -> np.ndarray:
    """Draw true prevalences from the posterior behind :func:`small_area_estimates`.

    Parameters
    ----------
    estimates : pandas.DataFrame
        A result of :func:`small_area_estimates` (its ``attrs`` carry the posterior).
    draws : int
        Number of draws per area (> 0).
    seed : int or numpy.random.Generator, optional
        Seed for reproducible draws.

    Returns
    -------
    numpy.ndarray of float64, shape (areas, draws)
        Prevalences (proportions 0-1). Beta posterior for ``"beta_binomial"``; normal on
        the arcsine scale (EBLUP, root MSE), transformed back, for ``"fay_herriot"``.

    Raises
    ------
    StuntlibError
        If ``estimates`` does not come from :func:`small_area_estimates` or ``draws``
        is not a positive integer.

    References
    ----------
    .. [1] Rao JNK, Molina I (2015). Small Area Estimation, 2nd ed. Wiley; sec. 9.2.
    """
    spec = getattr(estimates, "attrs", {}).get("sae")
    if not isinstance(spec, dict) or "method" not in spec:
        raise StuntlibError(
            "estimates: expected the result of small_area_estimates (fit in .attrs['sae'])"
        )
    if not (isinstance(draws, int | np.integer) and draws > 0):
        raise StuntlibError(f"draws: expected a positive integer; got {draws!r}")
    rng = np.random.default_rng(seed)
    # Drawn as (draws, areas) and returned transposed: each draw is one contiguous row.
    shape = (int(draws), len(estimates))
    if spec["method"] == "beta_binomial":
        n = estimates["n"].to_numpy(dtype=float)
        y = np.nan_to_num(estimates["cases"].to_numpy(dtype=float, na_value=np.nan))
        y = np.where(n > 0, y, 0.0)
        post_a = spec["alpha"] + y
        post_b = spec["beta"] + n - y
        return rng.beta(post_a, post_b, size=shape).T
    centre = estimates["eblup_arcsine"].to_numpy(dtype=float)
    sd = np.sqrt(estimates["mse_arcsine"].to_numpy(dtype=float))
    return (np.sin(np.clip(centre + sd * rng.standard_normal(shape), 0.0, np.pi / 2)) ** 2).T
