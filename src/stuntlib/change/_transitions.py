"""Children followed across rounds: new cases, recoveries and the noise baseline.

The work is split as map / reduce / finalise, like prevalence: :func:`transition_partial_sums`
turns the rows of some children (all their rounds) into additive sums per pair of
consecutive periods and group; sums of disjoint sets of children are added; and
:func:`finalize_transitions` turns the sums into counts, rates, expected counts under a
stationary population and intervals. :func:`transitions` does the three in memory.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.change._had import height_for_age_difference
from stuntlib.change._normal import (
    STUNTING_CUTOFF,
    stationary_confirmed_rates,
    stationary_transition_rates,
)
from stuntlib.errors import ColumnError, StuntlibError

__all__ = [
    "TRANSITION_SUMS",
    "child_key",
    "finalize_transitions",
    "transition_partial_sums",
    "transitions",
]

#: Children who turn this old [days] between two rounds leave the under-five population.
AGE_OUT_DAYS = 1826

#: The additive columns of a partial-sums table (besides the period and group columns).
TRANSITION_SUMS: tuple[str, ...] = (
    "linked", "at_risk", "newly_stunted", "relapsed", "stunted_before", "recovered",
    "persistent", "lost_to_follow_up", "aged_out", "newly_measured", "duplicates",
    "unscored", "unkeyed",
    "at_risk_3", "newly_stunted_3", "relapsed_3", "stunted_before_3", "recovered_3",
    "n", "s1", "s11", "s2", "s22", "s12", "n_had", "d_had",
    "n3", "t1", "t11", "t2", "t22", "t3", "t33", "t12", "t23", "t13",
)  # fmt: skip


def child_key(values: Any, salt: str | None = None) -> NDArray[np.uint64]:
    """Salted pseudonym of each child: a 64-bit keyed hash of the child identifier.

    The identifier (NIK or any other) is hashed with SipHash-2-4 keyed by the salt, so
    the pseudonym links the rounds of one child without carrying the NIK, and differs
    between salts. Missing identifiers give 0.

    Parameters
    ----------
    values : array_like
        Child identifiers (text or integers), shape (n,).
    salt : str, optional
        Secret salt. Default: a random one, so pseudonyms of two calls cannot be matched.
        Pass the same salt to every chunk of one analysis.

    Returns
    -------
    numpy.ndarray of uint64
        Shape (n,).

    Raises
    ------
    StuntlibError
        If ``salt`` is not a string.

    References
    ----------
    .. [1] Aumasson JP, Bernstein DJ (2012). SipHash: a fast short-input PRF. INDOCRYPT.
    .. [2] Undang-Undang No 27 Tahun 2022 tentang Pelindungan Data Pribadi (pseudonymised
       personal data).

    Examples
    --------
    >>> a = child_key(["3375012601236629", None], salt="kota")
    >>> bool(a[0] == child_key(["3375012601236629"], salt="kota")[0]), int(a[1])
    (True, 0)
    """
    if salt is None:
        salt = secrets.token_hex(16)
    if not isinstance(salt, str):
        raise StuntlibError(f"salt: expected a string; got {type(salt).__name__}")
    digest = hashlib.sha256(salt.encode("utf-8")).hexdigest()
    s = pd.Series(values)
    if pd.api.types.is_integer_dtype(s.dtype):
        # integer ids: mix with the salt (fast path for national files; not a keyed PRF)
        missing = s.isna().to_numpy()
        ints = s.to_numpy(dtype=np.int64, na_value=0).view(np.uint64)
        hashed = pd.util.hash_array(ints ^ np.uint64(int(digest[:16], 16)))
    else:
        text = s.astype("string").fillna("").str.strip()
        missing = s.isna().to_numpy() | (text == "").to_numpy()
        hashed = pd.util.hash_array(
            text.to_numpy(dtype=object), hash_key=digest[:16], categorize=True
        )
    hashed = np.where(hashed == 0, np.uint64(1), hashed)  # 0 is kept for "missing"
    return np.where(missing, np.uint64(0), hashed).astype(np.uint64)


def _columns(frame: pd.DataFrame, by: Any) -> list[str]:
    if by is None:
        return []
    names = [by] if isinstance(by, str) else list(by)
    for name in names:
        if not isinstance(name, str):
            raise StuntlibError(f"by: expected column names; got {name!r}")
    return names


def _group_frame(scored: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The grouping columns, derived ones (``birth_semester``, ``age_group``...) added."""
    from stuntlib.estimation import add_group_columns

    plain = [n for n in names if n != "birth_semester"]
    missing = [n for n in plain if n not in scored.columns]
    out = add_group_columns(scored, missing)[plain] if missing else scored[plain]
    out = out.copy()
    if "birth_semester" in names:
        if "birth_semester" in scored.columns:
            out["birth_semester"] = scored["birth_semester"]
        else:
            if "birth_date" not in scored.columns:
                raise ColumnError("by: 'birth_semester' needs a 'birth_date' column")
            d = pd.to_datetime(scored["birth_date"], errors="coerce")
            year = d.dt.year.astype("Int64").astype("string")
            half = (d.dt.month > 6).astype("int64").add(1).astype("string")
            out["birth_semester"] = (year + "-S" + half).where(d.notna())
    return out[names]


def _period_codes(values: pd.Series, periods: Sequence[Any] | None) -> tuple[np.ndarray, list]:
    if periods is None:
        codes, uniques = pd.factorize(values)
        try:
            ordered = sorted(uniques)
        except TypeError as exc:
            raise StuntlibError(f"period: the period values cannot be ordered ({exc})") from None
        rank = pd.Index(ordered).get_indexer(uniques)
        return np.where(codes >= 0, rank[codes], -1).astype(np.int64), ordered
    else:
        ordered = list(periods)
        if len(set(ordered)) != len(ordered):
            raise StuntlibError("periods: expected distinct periods, in order")
    codes = pd.Index(ordered).get_indexer(values).astype(np.int64)
    extra = values.notna().to_numpy() & (codes < 0)
    if periods is not None and np.any(extra):
        raise StuntlibError(
            f"periods: the data hold periods not in the list, e.g. "
            f"{values[extra].iloc[:3].tolist()}"
        )
    return codes, ordered


def _valid_haz(scored: pd.DataFrame) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    from stuntlib.lms import r_round

    z = pd.to_numeric(scored["zlen"], errors="coerce").to_numpy(dtype=np.float64)
    if "flen" in scored.columns:
        flag = pd.to_numeric(scored["flen"], errors="coerce").to_numpy(dtype=np.float64)
        ok = ~np.isnan(z) & (flag == 0)
    else:
        with np.errstate(invalid="ignore"):
            ok = ~np.isnan(z) & (np.abs(r_round(z, 2)) <= 6.0)
    return np.where(ok, z, np.nan), ok


def _day_numbers(scored: pd.DataFrame, column: str) -> NDArray[np.float64]:
    if column not in scored.columns:
        return np.full(len(scored), np.nan)
    d = pd.to_datetime(scored[column], errors="coerce")
    days = d.to_numpy(dtype="datetime64[D]").astype("int64").astype(np.float64)
    return np.where(d.isna().to_numpy(), np.nan, days)


def _wide(values: NDArray[Any], flat: NDArray[np.int64], shape: tuple[int, int], fill: Any):
    out = np.full(shape[0] * shape[1], fill, dtype=values.dtype)
    out[flat] = values
    return out.reshape(shape)


def _decode(codes: NDArray[np.int64], uniques: list[pd.Index], names: list[str]) -> pd.DataFrame:
    """Mixed-radix group codes back to the group values (the last level of each is NA)."""
    cols = {}
    rest = codes.copy()
    for name, u in zip(reversed(names), reversed(uniques), strict=True):
        size = len(u) + 1
        part = rest % size
        rest //= size
        vals = u.take(np.where(part < len(u), part, 0))
        cols[name] = pd.Series(vals).where(part < len(u)).to_numpy(dtype=object)
    return pd.DataFrame({n: cols[n] for n in names})


def _had_and_age(scored: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Height-for-age difference [cm] and age [days] of each row (NaN where unknown)."""
    had = np.full(len(scored), np.nan)
    if {"clenhei", "age_days", "csex"} <= set(scored.columns):
        had = np.asarray(
            height_for_age_difference(
                pd.to_numeric(scored["clenhei"], errors="coerce").to_numpy(float),
                pd.to_numeric(scored["age_days"], errors="coerce").to_numpy(float),
                pd.to_numeric(scored["csex"], errors="coerce").to_numpy(float),
            )
        )
    age = (
        pd.to_numeric(scored["age_days"], errors="coerce").to_numpy(float)
        if "age_days" in scored.columns
        else np.full(len(scored), np.nan)
    )
    return had, age


def transition_partial_sums(
    scored: pd.DataFrame,
    *,
    child: str,
    period: str,
    by: str | Sequence[str] | None = None,
    periods: Sequence[Any] | None = None,
    salt: str | None = None,
) -> pd.DataFrame:
    """Map step of :func:`transitions`: additive sums per pair of periods and group.

    Every round of a child must be in the same call (split the data by a hash of the
    child key, not by rows). Sums of disjoint sets of children are added with
    ``pd.concat(parts).groupby(keys).sum()``, which :func:`finalize_transitions` does.

    Parameters
    ----------
    scored, child, period, by, salt
        As for :func:`transitions`.
    periods : sequence, optional
        All periods of the analysis, in order. Needed when a chunk may miss a period;
        default the sorted periods present.

    Returns
    -------
    pandas.DataFrame
        ``period_from``, ``period_to``, the group columns and :data:`TRANSITION_SUMS`
        (counts as int64, moments as float64). No child identifier.

    Raises
    ------
    StuntlibError, ColumnError
        As for :func:`transitions`.

    References
    ----------
    See :func:`transitions`.
    """
    from stuntlib._validation import check_scored_frame

    check_scored_frame(scored)
    for argument, name in (("child", child), ("period", period)):
        if not isinstance(name, str) or name not in scored.columns:
            raise ColumnError(
                f"{argument}: no column {name!r}; the columns are {list(scored.columns)}"
            )
    names = _columns(scored, by)
    pcode, ordered = _period_codes(scored[period], periods)
    n_per = len(ordered)
    z, valid = _valid_haz(scored)
    key = child_key(scored[child], salt)
    keyed = key != 0
    groups = _group_frame(scored, names) if names else pd.DataFrame(index=scored.index)
    uniques: list[pd.Index] = []
    gcode = np.zeros(len(scored), dtype=np.int64)
    for name in names:
        codes, u = pd.factorize(groups[name], sort=True)
        uniques.append(pd.Index(u))
        gcode = gcode * (len(u) + 1) + np.where(codes < 0, len(u), codes)
    had, age = _had_and_age(scored)
    day = _day_numbers(scored, "measure_date")
    stunted = np.where(valid, np.where(z < STUNTING_CUTOFF, 1, 0), -1).astype(np.int8)

    # compact group ids for counting (the mixed-radix gcode is kept for decoding)
    if len(names) <= 1:
        compact, gvals = gcode, np.arange(int(gcode.max(initial=0)) + 1, dtype=np.int64)
    else:
        compact, gvals = pd.factorize(gcode)
        gvals = np.asarray(gvals, dtype=np.int64)
    n_g = max(len(gvals), 1)

    # one row per child and period: a valid row first, then the latest date, then the last
    in_period = pcode >= 0
    use = keyed & in_period
    rows = np.flatnonzero(use)
    child_idx, _ = pd.factorize(key[rows])
    n_child = int(child_idx.max()) + 1 if rows.size else 0
    flat = child_idx.astype(np.int64) * n_per + pcode[rows]
    per_cell = np.bincount(flat, minlength=n_child * n_per)
    repeated = per_cell[flat] > 1
    if np.any(repeated):  # sort only the children measured twice in a period
        sub, sub_flat = rows[repeated], flat[repeated]
        order = np.lexsort((sub, np.nan_to_num(day[sub], nan=-1e12), valid[sub], sub_flat))
        sorted_flat = sub_flat[order]
        last = np.r_[sorted_flat[1:] != sorted_flat[:-1], True]
        dup_rows = sub[order[~last]]
        keep = np.concatenate([rows[~repeated], sub[order[last]]])
        flat_keep = np.concatenate([flat[~repeated], sorted_flat[last]])
    else:
        dup_rows = np.zeros(0, dtype=np.int64)
        keep, flat_keep = rows, flat

    # row-level counts per period and group: rows without a key or a valid HAZ, repeats
    cell = pcode[in_period] * n_g + compact[in_period]
    size = n_per * n_g
    row_counts = {
        "unkeyed": np.bincount(cell, weights=(~keyed)[in_period], minlength=size),
        "unscored": np.bincount(cell, weights=(keyed & ~valid)[in_period], minlength=size),
        "duplicates": np.bincount(pcode[dup_rows] * n_g + compact[dup_rows], minlength=size).astype(
            np.float64
        ),
    }
    nonzero = np.flatnonzero(sum(row_counts.values()) > 0)
    row_stats = pd.DataFrame(
        {"p": nonzero // n_g, "g": gvals[nonzero % n_g]}
        | {name: values[nonzero].astype(np.int64) for name, values in row_counts.items()}
    )
    shape = (n_child, n_per)
    S = _wide(stunted[keep], flat_keep, shape, np.int8(-1))
    Z = _wide(z[keep], flat_keep, shape, np.nan)
    H = _wide(had[keep], flat_keep, shape, np.nan)
    A = _wide(age[keep], flat_keep, shape, np.nan)
    D = _wide(day[keep], flat_keep, shape, np.nan)
    G = _wide(gcode[keep], flat_keep, shape, np.int64(-1))
    # stunted in some round before k (for relapse): running OR, shifted by one round
    ever = np.maximum.accumulate(S == 1, axis=1) if n_child else np.zeros(shape, dtype=bool)
    before = np.zeros(shape, dtype=bool)
    before[:, 1:] = ever[:, :-1]
    ref_day = np.array(
        [np.nanmedian(D[:, k]) if np.any(~np.isnan(D[:, k])) else np.nan for k in range(n_per)]
    )  # one median per period

    parts = []
    for k in range(n_per - 1):  # one pass per pair of periods, vectorised over children
        parts.append(_pair_sums(k, S, Z, H, A, D, G, before, ref_day))
    sums = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["p", "g"])
    rs = row_stats[row_stats["p"] >= 1].copy()
    rs["p"] = rs["p"] - 1  # a period's row counts go to the pair that ends in it
    sums = sums.merge(rs, on=["p", "g"], how="outer")
    for col in TRANSITION_SUMS:
        if col not in sums.columns:
            sums[col] = 0
        sums[col] = sums[col].fillna(0)
    counts = TRANSITION_SUMS[: TRANSITION_SUMS.index("n")]
    sums[list(counts)] = sums[list(counts)].astype(np.int64)
    sums = sums[sums["p"] < n_per - 1]
    out = pd.DataFrame(
        {
            "period_from": pd.Series(ordered, dtype=object).take(sums["p"].to_numpy()).to_numpy(),
            "period_to": pd.Series(ordered, dtype=object).take(sums["p"].to_numpy() + 1).to_numpy(),
        }
    )
    if names:
        out = pd.concat([out, _decode(sums["g"].to_numpy(np.int64), uniques, names)], axis=1)
    body = sums[list(TRANSITION_SUMS)].reset_index(drop=True)
    return pd.concat([out, body], axis=1)


def _pair_sums(k: int, S, Z, H, A, D, G, before, ref_day) -> pd.DataFrame:
    s1, s2 = S[:, k], S[:, k + 1]
    v1, v2 = s1 >= 0, s2 >= 0
    any_ = v1 | v2
    g = np.where(v1, G[:, k], G[:, k + 1])[any_]
    linked = (v1 & v2)[any_]
    a1, a2 = s1[any_], s2[any_]
    at_risk = linked & (a1 == 0)
    new = at_risk & (a2 == 1)
    stunted_before = linked & (a1 == 1)
    recovered = stunted_before & (a2 == 0)
    with np.errstate(invalid="ignore"):
        expected_age = A[:, k] + (ref_day[k + 1] - D[:, k])
        out_of_age = (expected_age >= AGE_OUT_DAYS)[any_]
    gone = (v1 & ~v2)[any_]
    z1 = np.where(linked, Z[:, k][any_], 0.0)
    z2 = np.where(linked, Z[:, k + 1][any_], 0.0)
    dh = (H[:, k + 1] - H[:, k])[any_]
    has_had = linked & ~np.isnan(dh)
    cols: dict[str, Any] = {
        "g": g,
        "linked": linked,
        "at_risk": at_risk,
        "newly_stunted": new,
        "relapsed": new & before[:, k][any_],
        "stunted_before": stunted_before,
        "recovered": recovered,
        "persistent": stunted_before & (a2 == 1),
        "lost_to_follow_up": gone & ~out_of_age,
        "aged_out": gone & out_of_age,
        "newly_measured": (~v1 & v2)[any_],
        "n": linked,
        "s1": z1, "s11": z1 * z1, "s2": z2, "s22": z2 * z2, "s12": z1 * z2,
        "n_had": has_had,
        "d_had": np.where(has_had, dh, 0.0),
    }  # fmt: skip
    if k + 2 < S.shape[1]:
        v3 = (S[:, k + 2] >= 0)[any_]
        a3 = S[:, k + 2][any_]
        triple = linked & v3
        z3 = np.where(triple, Z[:, k + 2][any_], 0.0)
        t1, t2 = np.where(triple, z1, 0.0), np.where(triple, z2, 0.0)
        cols.update(
            {
                "n3": triple,
                "t1": t1, "t11": t1 * t1, "t2": t2, "t22": t2 * t2, "t3": z3, "t33": z3 * z3,
                "t12": t1 * t2, "t23": t2 * z3, "t13": t1 * z3,
                # confirmed transitions: the next visit keeps the new state
                "at_risk_3": at_risk & v3, "newly_stunted_3": new & v3 & (a3 == 1),
                "relapsed_3": new & before[:, k][any_] & v3 & (a3 == 1),
                "stunted_before_3": stunted_before & v3,
                "recovered_3": recovered & v3 & (a3 == 0),
            }
        )  # fmt: skip
    codes, uniq = pd.factorize(cols.pop("g"), sort=True)
    size = len(uniq)
    out = {"p": np.full(size, k, dtype=np.int64), "g": np.asarray(uniq, dtype=np.int64)}
    for name, values in cols.items():
        summed = np.bincount(codes, weights=values, minlength=size)
        out[name] = summed if values.dtype.kind == "f" else np.rint(summed).astype(np.int64)
    return pd.DataFrame(out)


def _within_r(s: pd.DataFrame, pair: pd.Series, n: str, a: str, aa: str, b: str, bb: str,
              ab: str) -> NDArray[np.float64]:  # fmt: skip
    """Correlation pooled within groups over each pair of periods (one value per row)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        m = s[n].to_numpy(float)
        sxy = s[ab] - s[a] * s[b] / m
        sxx = s[aa] - s[a] ** 2 / m
        syy = s[bb] - s[b] ** 2 / m
        use = m >= 2
        parts = pd.DataFrame(
            {"pair": pair.to_numpy(), "xy": np.where(use, sxy, 0.0),
             "xx": np.where(use, sxx, 0.0), "yy": np.where(use, syy, 0.0)}
        )  # fmt: skip
        pooled = parts.groupby("pair", sort=False).transform("sum")
        r: NDArray[np.float64] = (pooled["xy"] / np.sqrt(pooled["xx"] * pooled["yy"])).to_numpy(
            float
        )
    return np.clip(r, -0.999999, 0.999999)


def _model_mean_sd(
    pair: pd.Series, n: NDArray[np.float64], s1: NDArray[np.float64], s11: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Mean and SD of the stationary model of each group: shrunken mean, within-group SD.

    A group's own round-1 mean is a noisy estimate of its true mean, and its noise is
    correlated with which children are at risk; used as is it would itself regress to
    the mean and bias the expected counts of small groups. The mean is therefore the
    empirical-Bayes estimate ``mu + B (mean_g - mu)``, ``B = tau^2 / (tau^2 +
    sigma_w^2 / n_g)``, with the between-group variance ``tau^2`` from the method of
    moments, and the SD the pooled within-group SD ``sigma_w``, all within each pair of
    periods. With one group (no ``by``) this is the group's own mean and SD.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_g = np.where(n > 0, s1 / n, np.nan)
        ss_g = np.where(n > 0, s11 - n * np.nan_to_num(mean_g) ** 2, 0.0)
        frame = pd.DataFrame(
            {"pair": pair.to_numpy(), "n": n, "s1": np.where(n > 0, s1, 0.0), "ss": ss_g,
             "df": np.maximum(n - 1, 0), "g": (n > 0).astype(np.int64), "n2": n * n}
        )  # fmt: skip
        tot = frame.groupby("pair", sort=False).transform("sum")
        big_n, groups = tot["n"].to_numpy(float), tot["g"].to_numpy(float)
        mu = tot["s1"].to_numpy(float) / big_n
        var_w = tot["ss"].to_numpy(float) / tot["df"].to_numpy(float)
        frame["q"] = np.where(n > 0, n * (np.nan_to_num(mean_g) - mu) ** 2, 0.0)
        q = frame.groupby("pair", sort=False)["q"].transform("sum").to_numpy(float)
        denom = big_n - tot["n2"].to_numpy(float) / big_n
        tau2 = np.maximum((q - (groups - 1) * var_w) / denom, 0.0)
        shrink = np.where(groups > 1, tau2 / (tau2 + var_w / n), 1.0)
        mean = mu + shrink * (mean_g - mu)
        sd = np.sqrt(var_w)
    return np.where(n > 0, mean, np.nan), np.where(n > 0, sd, np.nan)


def finalize_transitions(
    sums: pd.DataFrame | Sequence[pd.DataFrame],
    *,
    confirm: int = 1,
    level: float = 0.95,
) -> pd.DataFrame:
    """Finalise step of :func:`transitions`: counts, rates, expected counts and intervals.

    Parameters
    ----------
    sums : DataFrame or sequence of DataFrame
        Output(s) of :func:`transition_partial_sums` for disjoint sets of children, with
        the same ``by``.
    confirm : {1, 2}, default 1
        As for :func:`transitions`.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        As :func:`transitions`.

    Raises
    ------
    StuntlibError
        If ``confirm`` or ``level`` is bad, or ``sums`` lacks the sum columns.

    References
    ----------
    See :func:`transitions`.
    """
    from stuntlib.intervals import wilson_interval

    if confirm not in (1, 2) or isinstance(confirm, bool):
        raise StuntlibError(f"confirm: expected 1 or 2; got {confirm!r}")
    if not isinstance(level, (int, float)) or not 0.0 < float(level) < 1.0:
        raise StuntlibError(f"level: expected a confidence level in (0, 1); got {level!r}")
    parts = [sums] if isinstance(sums, pd.DataFrame) else list(sums)
    if not parts or any(not isinstance(p, pd.DataFrame) for p in parts):
        raise StuntlibError("sums: expected partial sums from transition_partial_sums")
    missing = set(TRANSITION_SUMS) - set(parts[0].columns)
    if missing:
        raise ColumnError(f"sums: missing the sum columns {sorted(missing)}")
    keys = [c for c in parts[0].columns if c not in TRANSITION_SUMS]
    allp = pd.concat(parts, ignore_index=True)
    s = allp.groupby(keys, sort=True, dropna=False).sum().reset_index()
    s = s.sort_values(keys[:2], kind="stable").reset_index(drop=True)
    pair = s["period_from"].astype(str) + "\x00" + s["period_to"].astype(str)
    if confirm == 1:
        cnt = {c: s[c].to_numpy(np.int64) for c in
               ("at_risk", "newly_stunted", "relapsed", "stunted_before", "recovered")}  # fmt: skip
        n, m1, m11 = s["n"].to_numpy(float), s["s1"], s["s11"]
        r = _within_r(s, pair, "n", "s1", "s11", "s2", "s22", "s12")
    else:
        cnt = {c: s[f"{c}_3"].to_numpy(np.int64) for c in
               ("at_risk", "newly_stunted", "relapsed", "stunted_before", "recovered")}  # fmt: skip
        n, m1, m11 = s["n3"].to_numpy(float), s["t1"], s["t11"]
        r = _within_r(s, pair, "n3", "t1", "t11", "t2", "t22", "t12")
    mean1, sd1 = _model_mean_sd(pair, n, m1.to_numpy(float), m11.to_numpy(float))
    if confirm == 1:
        rate_new, rate_back = stationary_transition_rates(mean1, sd1, r)
    else:
        r23 = _within_r(s, pair, "n3", "t2", "t22", "t3", "t33", "t23")
        r13 = _within_r(s, pair, "n3", "t1", "t11", "t3", "t33", "t13")
        rate_new, rate_back = stationary_confirmed_rates(mean1, sd1, r, r23, r13)
    out = s[keys].copy()
    for c in ("linked",):
        out[c] = s[c].to_numpy(np.int64)
    out["at_risk"] = cnt["at_risk"]
    _add_count(out, "newly_stunted", cnt["newly_stunted"], cnt["at_risk"], rate_new, level,
               wilson_interval)  # fmt: skip
    out["incidence"] = out.pop("newly_stunted_rate")
    out["relapsed"] = cnt["relapsed"]
    out["stunted_before"] = cnt["stunted_before"]
    _add_count(out, "recovered", cnt["recovered"], cnt["stunted_before"], rate_back, level,
               wilson_interval)  # fmt: skip
    out["recovery"] = out.pop("recovered_rate")
    out["persistent"] = s["persistent"].to_numpy(np.int64)
    for c in ("lost_to_follow_up", "aged_out", "newly_measured", "duplicates", "unscored",
              "unkeyed"):  # fmt: skip
        out[c] = s[c].to_numpy(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        nl = s["n"].to_numpy(float)
        mz1, mz2 = s["s1"] / nl, s["s2"] / nl
        out["mean_haz_from"] = np.where(nl > 0, mz1, np.nan)
        out["mean_haz_to"] = np.where(nl > 0, mz2, np.nan)
        out["model_mean"] = mean1
        out["model_sd"] = sd1
        out["r"] = r
        out["mean_delta_haz"] = np.where(nl > 0, mz2 - mz1, np.nan)
        nh = s["n_had"].to_numpy(float)
        out["mean_delta_had"] = np.where(nh > 0, s["d_had"] / nh, np.nan)
        out["mean_conditional_z"] = np.where(nl > 0, (mz2 - r * mz1) / np.sqrt(1.0 - r * r), np.nan)
    return out


def _add_count(out: pd.DataFrame, name: str, count, base, rate, level, interval) -> None:
    low, high = interval(count, base, level)
    expected = base * rate
    out[name] = count
    out[f"{name}_low"] = low * base
    out[f"{name}_high"] = high * base
    with np.errstate(invalid="ignore", divide="ignore"):
        out[f"{name}_rate"] = np.where(base > 0, count / base, np.nan)
    out[f"expected_{name}"] = expected
    out[f"excess_{name}"] = count - expected
    out[f"excess_{name}_low"] = low * base - expected
    out[f"excess_{name}_high"] = high * base - expected


def transitions(
    scored: pd.DataFrame,
    *,
    child: str,
    period: str,
    by: str | Sequence[str] | None = None,
    confirm: int = 1,
    periods: Sequence[Any] | None = None,
    level: float = 0.95,
    salt: str | None = None,
) -> pd.DataFrame:
    """Children followed from round to round: new cases, recoveries, and what noise alone gives.

    Each child is linked across consecutive periods by a salted pseudonym of ``child``
    (:func:`child_key`; the identifier never reaches the output). A child counts in a
    period when it has a valid HAZ there (``zlen`` present, ``flen == 0``); several rows
    of one child in one period keep the latest valid one (the others are counted as
    ``duplicates``). Stunted means WHO's ``round(HAZ, 2) < -2``.

    For every pair of consecutive periods and group it counts the children linked, the
    **newly stunted** among those not stunted before (the incidence proportion; this
    includes the **relapsed**, stunted in some earlier round, recovered, and stunted
    again), the **recovered** and **persistent** among those stunted before, and those
    **lost to follow-up** (no valid measurement in the later period), **aged out**
    (60 months by the later period's median date) and **newly measured**.

    Each of the two transitions comes with its Wilson interval, the **expected count if
    nothing had changed** and the excess over it. The expected count is the number at
    risk times the share that crosses the cut-off when the z-scores of the two rounds are
    bivariate normal with the same mean and SD in both and the observed between-round
    correlation (pooled within groups over the pair): ``P(Z1 >= c, Z2 < c) / P(Z1 >= c)``
    with ``c = -2.005`` (the exact-scale WHO cut-off). The mean is the group's
    earlier-round mean shrunk towards the mean of all groups by its reliability
    (empirical Bayes), and the SD the pooled within-group SD, so that small groups do not
    carry their own regression to the mean into the baseline (with no ``by`` they are the
    plain mean and SD). Measurement error and biological variation alone move children across the
    cut-off in both directions (regression to the mean); only the excess is change. The
    interval of the excess is the count's interval minus the expected count (the
    expected count is taken as known).

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`stuntlib.score` for all rounds (n rows), with ``zlen``,
        ``flen``, the ``child`` and ``period`` columns, and for HAD and age-out
        ``clenhei``, ``age_days``, ``csex`` and ``measure_date``. Group columns as
        named in ``by``.
    child : str
        Column identifying a child across rounds (NIK, or any stable id). Rows with a
        missing id are counted as ``unkeyed``.
    period : str
        Column of the round (any ordered values: year, ``"2025-02"``, a pandas Period).
        Rows with a missing period are not counted.
    by : str or sequence of str, optional
        Group columns, e.g. ``"kelurahan"``, ``"posyandu"``, ``"sex"``, ``"age_group"``,
        ``"birth_year"`` or ``"birth_semester"`` (birth cohorts; derived from
        ``birth_date`` when absent, as are the other names of
        :data:`stuntlib.estimation.DERIVED_GROUPS`). A child is grouped by its values in
        the earlier period of a pair (the later one if newly measured).
    confirm : {1, 2}, default 1
        2 counts a transition only when the child's next visit (period k + 2) confirms
        the new state; then the counts and bases are limited to children measured in all
        three periods, and the expected counts come from the trivariate normal. The last
        pair has no confirming visit and gives zeros.
    periods : sequence, optional
        The periods in order (default: the sorted distinct values of ``period``).
    level : float, default 0.95
        Confidence level.
    salt : str, optional
        Salt of the pseudonyms (default random).

    Returns
    -------
    pandas.DataFrame
        One row per pair of consecutive periods and group: ``period_from``,
        ``period_to``, the group columns, ``linked``, ``at_risk``, ``newly_stunted``
        (with ``_low``/``_high``), ``incidence`` (proportion of ``at_risk``),
        ``expected_newly_stunted``, ``excess_newly_stunted`` (with ``_low``/``_high``),
        ``relapsed``, ``stunted_before``, ``recovered`` (same companions), ``recovery``
        (proportion of ``stunted_before``), ``persistent``, ``lost_to_follow_up``,
        ``aged_out``, ``newly_measured``, ``duplicates``, ``unscored`` (rows without a
        valid HAZ in ``period_to``), ``unkeyed``, ``mean_haz_from``, ``mean_haz_to``,
        ``model_mean`` and ``model_sd`` (of the stationary model), ``r`` (between-round
        correlation, pooled within groups), ``mean_delta_haz``,
        ``mean_delta_had`` [cm] and ``mean_conditional_z``. Counts are int64, the rest
        float64.

    Raises
    ------
    StuntlibError
        If ``scored`` is not a scored frame, ``confirm`` is not 1 or 2, ``level`` is out
        of range or ``periods`` misses a period in the data;
        :class:`~stuntlib.errors.ColumnError` for a missing column.

    References
    ----------
    .. [1] Cole TJ (2005). Regression to the mean. BMJ 331:687; Cole TJ (1995).
       Conditional reference charts to assess weight gain in British infants. Arch Dis
       Child 73:8-16.
    .. [2] Leroy JL, Ruel M, Habicht JP, Frongillo EA (2015). Using height-for-age
       differences (HAD) instead of height-for-age z-scores (HAZ) for the meaningful
       measurement of population-level catch-up in linear growth in children less than
       5 years of age. BMC Pediatrics 15:145.
    .. [3] WHO (2019). Recommendations for data collection, analysis and reporting on
       anthropometric indicators in children under 5 years old. Geneva: WHO & UNICEF.
    .. [4] Rothman KJ, Greenland S, Lash TL (2008). Modern Epidemiology, 3rd ed., ch. 3
       (incidence proportion).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"nik": ["a", "b", "c", "a", "b", "c"],
    ...                      "round": [1, 1, 1, 2, 2, 2],
    ...                      "zlen": [-1.0, -2.5, -1.9, -2.2, -1.5, -1.8],
    ...                      "flen": [0, 0, 0, 0, 0, 0]})
    >>> out = transitions(rows, child="nik", period="round")
    >>> out[["linked", "at_risk", "newly_stunted", "stunted_before", "recovered"]]
       linked  at_risk  newly_stunted  stunted_before  recovered
    0       3        2              1               1          1
    """
    sums = transition_partial_sums(
        scored, child=child, period=period, by=by, periods=periods, salt=salt
    )
    return finalize_transitions(sums, confirm=confirm, level=level)
