"""Statistical disclosure control for published count tables: suppression and its audit.

A published table of counts (children measured, stunted children) can identify a child
when a count is small. Three pieces, used by every table that leaves the library:

* :func:`primary_cells`: the cells that are sensitive themselves (1-2 cases, 1-2
  non-cases, or fewer than ``min_n`` children).
* :func:`audit`: what an attacker can compute about each suppressed cell from everything
  that *is* published: the tightest interval ``[lower, upper]`` that the table's additive
  relations (a parent is the sum of its children; a total is the sum of its parts), the
  published values and ``0 <= cell <= bound`` allow. A cell is *recovered* when the
  interval is narrower than a stated width.
* :func:`protect`: primary suppression followed by complementary suppression: while an
  audit recovers a sensitive cell, the cheapest published cell that shares a relation
  with it is suppressed too, and the table is audited again.

Tables are described generically, as a vector of cell values, each cell's upper bound and
a list of additive relations ``(total, parts)``; :func:`prevalence_relations` builds that
description for a :func:`stuntlib.estimation.prevalence` table with rollups.

The audit solves two linear programmes per suppressed cell (minimum and maximum) with
HiGHS through :func:`scipy.optimize.linprog`, on each connected group of suppressed cells
separately. The linear relaxation gives bounds at least as wide as the integer ones, so
integer bounds are its ceiling and floor. This is the attacker model of the cell
suppression methods of tau-ARGUS and sdcTable.

References
----------
.. [1] Hundepool A, Domingo-Ferrer J, Franconi L, et al. *Statistical Disclosure
   Control*. Wiley, 2012. Chapter 4 (frequency tables), 4.2-4.3 (primary and secondary
   cell suppression, interval protection, the linear-programming attacker).
.. [2] de Wolf P-P, Hundepool A, et al. *tau-ARGUS user's manual*, version 4.2. Statistics
   Netherlands, 2018 (secondary suppression: hypercube, modular and optimal methods).
.. [3] Meindl B. *sdcTable: Methods for Statistical Disclosure Control in Tabular Data*,
   R package (protectTable, attack).
.. [4] Kementerian Kesehatan RI. Small-cell practice of the e-PPGBM publication: counts of
   1-2 children are not published by desa/kelurahan.

Examples
--------
>>> import numpy as np
>>> from stuntlib.disclosure import audit, protect
>>> # total 7 = a + b + c; a = 1 is sensitive
>>> values = np.array([7, 1, 4, 2]); upper = np.array([10, 5, 5, 5])
>>> relations = [(0, (1, 2, 3))]
>>> only_a = np.array([False, True, False, False])
>>> audit(values, only_a, relations, upper=upper)[["cell", "lower", "upper"]].to_numpy().tolist()
[[1.0, 1.0, 1.0]]
>>> protect(values, only_a, relations, upper=upper).tolist()
[False, True, False, True]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from stuntlib.errors import StuntlibError

__all__ = [
    "DEFAULT_MIN_CASES",
    "Relation",
    "audit",
    "primary_cells",
    "prevalence_relations",
    "protect",
    "protect_prevalence",
]

#: Counts from 1 to ``DEFAULT_MIN_CASES - 1`` (cases or non-cases) are sensitive.
DEFAULT_MIN_CASES = 3

#: An additive relation between cells: ``values[total] == sum(values[parts])``.
Relation = tuple[int, tuple[int, ...]]

_BoolArray = NDArray[np.bool_]


def primary_cells(
    cases: ArrayLike, n: ArrayLike, *, min_cases: int = DEFAULT_MIN_CASES, min_n: int = 0
) -> _BoolArray:
    """Cells sensitive in themselves: few cases, few non-cases, or few children.

    Parameters
    ----------
    cases, n : array_like of int, shape (k,)
        Cases and children of each cell (NaN or NA where unknown: never sensitive).
    min_cases : int, default 3
        A cell with ``0 < cases < min_cases`` or ``0 < n - cases < min_cases`` is
        sensitive.
    min_n : int, default 0
        A cell with ``0 < n < min_n`` is sensitive too.

    Returns
    -------
    numpy.ndarray of bool, shape (k,)

    Raises
    ------
    StuntlibError
        If ``min_cases`` or ``min_n`` is negative, or the arrays differ in length.

    References
    ----------
    .. [1] Hundepool et al. (2012), section 4.2.1 (threshold rule for frequency tables).

    Examples
    --------
    >>> primary_cells([0, 1, 2, 3, 9, 10], [10, 10, 10, 10, 10, 10]).tolist()
    [False, True, True, False, True, False]
    """
    if min_cases < 0 or min_n < 0:
        raise StuntlibError(
            f"min_cases/min_n: expected non-negative integers; got {min_cases!r}, {min_n!r}"
        )
    c = np.asarray(pd.to_numeric(pd.Series(np.asarray(cases, dtype=object)), errors="coerce"))
    m = np.asarray(pd.to_numeric(pd.Series(np.asarray(n, dtype=object)), errors="coerce"))
    if c.shape != m.shape:
        raise StuntlibError(f"cases, n: expected equal lengths; got {c.shape} and {m.shape}")
    c = c.astype(np.float64)
    m = m.astype(np.float64)
    with np.errstate(invalid="ignore"):
        few_cases = (c > 0) & (c < min_cases)
        few_non = ((m - c) > 0) & ((m - c) < min_cases)
        few_n = (m > 0) & (m < min_n)
    return np.asarray(few_cases | few_non | few_n, dtype=bool)


def _check_tabulation(
    values: ArrayLike, suppressed: ArrayLike, relations: Sequence[Relation], upper: Any
) -> tuple[NDArray[np.float64], _BoolArray, NDArray[np.float64]]:
    v = np.asarray(values, dtype=np.float64)
    s = np.asarray(suppressed, dtype=bool)
    if v.ndim != 1 or s.shape != v.shape:
        raise StuntlibError(
            f"values, suppressed: expected 1-d arrays of one length; got {v.shape}, {s.shape}"
        )
    if np.isnan(v[~s]).any():
        raise StuntlibError("values: every published (not suppressed) cell needs a value")
    if upper is None:
        # without a stated bound a cell is at most the largest total it is part of
        u = np.full(v.shape, np.inf)
    else:
        u = np.asarray(upper, dtype=np.float64)
        if u.shape != v.shape:
            raise StuntlibError(f"upper: expected shape {v.shape}; got {u.shape}")
    k = len(v)
    for total, parts in relations:
        if not (0 <= total < k) or any(not (0 <= p < k) for p in parts):
            raise StuntlibError(
                f"relations: cell indices must lie in 0..{k - 1}; got ({total}, {parts})"
            )
    return v, s, u


def _integer_bounds(lower: Any, upper: Any) -> tuple[Any, Any]:
    """The integer bounds inside relaxed LP bounds (a tolerance of 1e-7 for round-off)."""
    return np.ceil(lower - 1e-7), np.floor(upper + 1e-7)


def _components(
    suppressed: _BoolArray, relations: Sequence[Relation]
) -> list[tuple[NDArray[np.int64], list[Relation]]]:
    """Groups of suppressed cells tied together by relations (solved independently).

    Two suppressed cells are in one group when a chain of relations links them, each
    relation tying its suppressed cells together. The groups are the connected
    components of that graph (:func:`_component_labels`). Groups come in the order of
    their first cell, with their relations in the order given.
    """
    k = len(suppressed)
    members = [np.asarray((total, *parts), dtype=np.int64) for total, parts in relations]
    hidden = [m[suppressed[m]] for m in members]
    live = [i for i, h in enumerate(hidden) if h.size]
    label = _component_labels(k, [hidden[i] for i in live])
    index = np.flatnonzero(suppressed)
    groups: dict[int, list[int]] = {}
    for i in index:
        groups.setdefault(int(label[i]), []).append(int(i))
    by_root: dict[int, list[Relation]] = {r: [] for r in groups}
    for r in live:
        total, parts = relations[int(r)]
        by_root[int(label[hidden[r][0]])].append((total, tuple(parts)))
    return [(np.array(cells, dtype=np.int64), by_root[root]) for root, cells in groups.items()]


def _component_labels(k: int, groups: Sequence[NDArray[np.int64]]) -> NDArray[np.int64]:
    """Component label of each of ``k`` nodes, where each array of ``groups`` links its nodes.

    The smallest node of a component is its label. Each pass gives every group the
    smallest label among its nodes and every node the smallest label among its groups,
    then lets each label jump to its own label (pointer jumping), until nothing
    changes: the connected components of the hypergraph, as
    :func:`scipy.sparse.csgraph.connected_components` finds them on the graph that
    links each group's nodes, which the tests compare with. Written here because
    importing :mod:`scipy.sparse` costs about 0.3 s of a report that takes 3, for graphs
    of a few hundred cells.
    """
    label = np.arange(k, dtype=np.int64)
    if not groups:
        return label
    node = np.concatenate(groups)
    group = np.repeat(np.arange(len(groups)), [g.size for g in groups])
    while True:
        low = np.full(len(groups), k, dtype=np.int64)
        np.minimum.at(low, group, label[node])
        new = label.copy()
        np.minimum.at(new, node, low[group])
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


def _bounds_of_component(
    cells: NDArray[np.int64],
    relations: list[Relation],
    values: NDArray[np.float64],
    suppressed: _BoolArray,
    upper: NDArray[np.float64],
    only: Sequence[int] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Relaxed bounds of each cell of a component (of the cells ``only`` if given)."""
    if not relations:  # a hidden cell tied to nothing: the reader knows only its bounds
        return np.zeros(len(cells)), upper[cells].astype(np.float64)
    position = {int(c): j for j, c in enumerate(cells)}
    rows, rhs = [], []
    for total, parts in relations:
        row = np.zeros(len(cells))
        constant = 0.0
        for cell, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if suppressed[cell]:
                row[position[cell]] += sign
            else:
                constant -= sign * values[cell]
        if row.any():
            rows.append(row)
            rhs.append(constant)
    which = range(len(cells)) if only is None else [position[int(c)] for c in only]
    lower = np.zeros(len(cells))
    high = np.full(len(cells), np.inf)
    solver = _LinearProgramme(np.array(rows), np.array(rhs), upper[cells])
    for j in which:  # two small LPs per cell, warm-started from the previous basis
        lower[j], high[j] = solver.range_of(j)
    return lower, high


class _LinearProgramme:
    """``A x = b``, ``0 <= x <= ub``: the range of each ``x_j``, by HiGHS.

    One model per component; only the objective changes between solves, so each solve
    starts from the previous optimal basis (a few simplex iterations instead of a fresh
    ``scipy.optimize.linprog`` call each time).
    """

    def __init__(self, a_eq: NDArray[np.float64], b_eq: NDArray[np.float64],
                 ub: NDArray[np.float64]) -> None:  # fmt: skip
        import highspy  # lazily: only the audit needs a solver

        self._highspy = highspy
        # highspy's Highs subclass prints a banner when built; the core class does not,
        # and library code never prints
        self._h = getattr(highspy, "_Highs")()  # noqa: B009
        self._h.setOptionValue("output_flag", False)
        lp = highspy.HighsLp()
        m, k = a_eq.shape
        lp.num_col_, lp.num_row_ = k, m
        lp.col_cost_ = np.zeros(k)
        lp.col_lower_ = np.zeros(k)
        lp.col_upper_ = np.where(np.isfinite(ub), ub, highspy.kHighsInf).astype(np.float64)
        lp.row_lower_ = b_eq.astype(np.float64)
        lp.row_upper_ = b_eq.astype(np.float64)
        nz_row, nz_col = np.nonzero(a_eq.T)  # column-wise (CSC) order
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.r_[0, np.cumsum(np.bincount(nz_row, minlength=k))].astype(np.int32)
        lp.a_matrix_.index_ = nz_col.astype(np.int32)
        lp.a_matrix_.value_ = a_eq.T[nz_row, nz_col].astype(np.float64)
        self._h.passModel(lp)

    def _solve(self, sense: object) -> float:
        status = self._h.changeObjectiveSense(sense)
        self._h.run()
        model = self._h.getModelStatus()
        ok = self._highspy.HighsModelStatus
        if model == ok.kUnbounded:
            return np.inf
        if model != ok.kOptimal:
            raise StuntlibError(
                "values: the published table is inconsistent with its relations "
                f"(linear programme status {model}, {status})"
            )
        return float(self._h.getInfo().objective_function_value)

    def range_of(self, j: int) -> tuple[float, float]:
        """Smallest and largest feasible ``x_j``."""
        sense = self._highspy.ObjSense
        self._h.changeColCost(j, 1.0)
        low = self._solve(sense.kMinimize)
        high = self._solve(sense.kMaximize)
        self._h.changeColCost(j, 0.0)
        return low, high


def audit(
    values: ArrayLike,
    suppressed: ArrayLike,
    relations: Sequence[Relation],
    *,
    upper: ArrayLike | None = None,
    width: float = DEFAULT_MIN_CASES,
) -> pd.DataFrame:
    """What an attacker can compute about each suppressed cell from the published ones.

    Parameters
    ----------
    values : array_like of int, shape (k,)
        The true value of every cell (the auditor knows them; the attacker knows only the
        published ones).
    suppressed : array_like of bool, shape (k,)
        True for the cells not published.
    relations : sequence of (int, tuple of int)
        Additive relations ``values[total] == sum(values[parts])`` that the attacker
        knows: hierarchies (kota = sum of kecamatan), margins (age x sex), and parts of a
        total (stunted = severely stunted + moderately stunted).
    upper : array_like of int, shape (k,), optional
        Public upper bound of each cell (for a count of cases: the published number of
        children in the cell). Every cell is at least 0.
    width : float, default 3
        A cell is ``recovered`` when its interval is narrower than ``width`` (or, for a
        cell whose upper bound is below ``width``, narrower than ``[0, upper]``).

    Returns
    -------
    pandas.DataFrame
        One row per suppressed cell: ``cell`` (index), ``value``, ``lower``, ``upper``
        (integer bounds the attacker can prove), ``exact`` (lower == upper) and
        ``recovered`` (``upper - lower < width``).

    Raises
    ------
    StuntlibError
        If the arrays have different lengths, a published cell has no value, a relation
        names a cell that does not exist, or the table contradicts its relations.

    References
    ----------
    .. [1] Hundepool et al. (2012), section 4.3 (the linear-programming attacker and
       interval protection).

    Examples
    --------
    >>> audit([5, 2, 3], [False, True, True], [(0, (1, 2))], upper=[9, 4, 4])[
    ...     ["lower", "upper", "exact"]].to_numpy().tolist()
    [[1.0, 4.0, False], [1.0, 4.0, False]]
    """
    v, s, u = _check_tabulation(values, suppressed, relations, upper)
    lower = np.zeros(len(v))
    high = np.full(len(v), np.inf)
    for cells, rels in _components(s, relations):
        lo, hi = _bounds_of_component(cells, rels, v, s, u)
        lower[cells] = lo
        high[cells] = hi
    idx = np.flatnonzero(s)
    lo_int, hi_int = _integer_bounds(lower[idx], high[idx])
    return pd.DataFrame(
        {
            "cell": idx,
            "value": v[idx],
            "lower": lo_int,
            "upper": hi_int,
            "exact": lo_int == hi_int,
            # a cell of n < width children is protected when nothing narrows [0, n]
            "recovered": (hi_int - lo_int) < np.minimum(width, u[idx]),
        }
    ).astype({"lower": "float64", "upper": "float64"})


def _candidates(
    cell: int, relations: Sequence[Relation], suppressed: _BoolArray, room: NDArray[np.float64]
) -> list[int]:
    """Published cells that can vary and share a relation with ``cell``'s hidden cluster.

    The cluster is ``cell`` and every suppressed cell linked to it through relations
    that run over suppressed cells: hiding a neighbour of any of them can widen the
    interval of ``cell`` (a complement of a complement).
    """
    members = [(total, *parts) for total, parts in relations]
    cluster = {cell}
    frontier = [cell]
    while frontier:
        current = frontier.pop()
        for group in members:
            if current in group:
                for m in group:
                    if suppressed[m] and m not in cluster:
                        cluster.add(m)
                        frontier.append(m)
    return sorted({m for group in members if cluster.intersection(group)
                   for m in group if not suppressed[m] and room[m] > 0})  # fmt: skip


#: How many of the cheapest candidates :func:`protect` tries before taking the cheapest.
CANDIDATES_TRIED = 12


def _closure(
    first: int, suppressed: _BoolArray, relations: Sequence[Relation],
    room: NDArray[np.float64], cost: NDArray[np.float64],
) -> list[int]:  # fmt: skip
    """``first`` and the cells it needs so that no relation has a lone hidden cell.

    A hidden cell alone in a relation whose other cells are published is the difference
    of those cells. So, starting from ``first``, every relation left with one hidden
    cell gets its cheapest other cell that can vary hidden too, and so on (severe and
    moderate beside a hidden total; a desa beside a hidden kecamatan, and its own row).
    """
    hidden = suppressed.copy()
    hidden[first] = True
    chosen, queue = [first], [first]
    while queue:
        cell = queue.pop()
        for total, parts in relations:
            group = (total, *parts)
            if cell not in group or int(hidden[list(group)].sum()) != 1:
                continue
            options = [m for m in group if not hidden[m] and room[m] > 0]
            if options:
                pick = min(options, key=lambda i: (cost[i], i))
                hidden[pick] = True
                chosen.append(pick)
                queue.append(pick)
    return chosen


def _useful(
    options: list[int], cost: NDArray[np.float64], target: int, width: float,
    v: NDArray[np.float64], suppressed: _BoolArray, relations: Sequence[Relation],
    u: NDArray[np.float64], room: NDArray[np.float64],
) -> list[int]:  # fmt: skip
    """The cheapest candidate, with its closure, whose suppression widens ``target``.

    Each of the :data:`CANDIDATES_TRIED` cheapest candidates is taken with the cells it
    needs (:func:`_closure`); the set of least total cost that widens the interval is
    chosen, else the cheapest set (the next round goes on from there).
    """
    ranked = sorted(options, key=lambda i: (cost[i], i))

    def widens(extra: list[int]) -> bool:
        trial = suppressed.copy()
        trial[extra] = True
        for cells, rels in _components(trial, relations):
            if target in cells:
                lo, hi = _bounds_of_component(cells, rels, v, trial, u, only=[target])
                at = int(np.flatnonzero(cells == target)[0])
                low, high = _integer_bounds(lo[at], hi[at])
                return bool(high - low > width)
        return False

    cheapest: list[int] | None = None
    # the cheapest candidates first; only when none of them helps, all the others
    for batch in (ranked[:CANDIDATES_TRIED], ranked[CANDIDATES_TRIED:]):
        sets = sorted(
            (_closure(cell, suppressed, relations, room, cost) for cell in batch),
            key=lambda cells: (float(cost[cells].sum()), cells),
        )
        cheapest = cheapest or (sets[0] if sets else None)
        for extra in sets:
            if widens(extra):
                return extra
    assert cheapest is not None  # options is never empty here
    return cheapest


def _options(
    failing: NDArray[np.intp], relations: Sequence[Relation], suppressed: _BoolArray,
    room: NDArray[np.float64],
) -> list[int]:  # fmt: skip
    """Candidates for the next complement: around the first failing cell that has any."""
    for cell in failing:
        options = _candidates(int(cell), relations, suppressed, room)
        if options:
            return options
    options = []  # every neighbour is hidden: widen through the hidden cells' relations
    for cell in np.flatnonzero(suppressed):
        options += _candidates(int(cell), relations, suppressed, room)
    return options


def _room(
    v: NDArray[np.float64], u: NDArray[np.float64], suppressed: _BoolArray,
    relations: Sequence[Relation],
) -> NDArray[np.float64]:  # fmt: skip
    """How far each cell could vary: its bound, capped by every published total it is in."""
    room = u.copy()
    for total, parts in relations:
        if not suppressed[total]:
            idx = np.asarray(parts, dtype=np.intp)
            room[idx] = np.minimum(room[idx], v[total])
    return room


def protect(
    values: ArrayLike,
    primary: ArrayLike,
    relations: Sequence[Relation],
    *,
    upper: ArrayLike | None = None,
    cost: ArrayLike | None = None,
    width: float = DEFAULT_MIN_CASES,
    max_rounds: int = 200,
    start: ArrayLike | None = None,
) -> _BoolArray:
    """Primary and complementary suppression: no sensitive cell can be narrowed down.

    Starting from ``primary``, the table is audited (:func:`audit`); while a primary cell
    is recovered (its provable interval is narrower than ``width``), the cheapest
    published cell that shares a relation with it and can still vary is suppressed too,
    and the table is audited again.

    Parameters
    ----------
    values, relations, upper, width
        As in :func:`audit`.
    primary : array_like of bool, shape (k,)
        The sensitive cells (:func:`primary_cells`).
    cost : array_like of float, shape (k,), optional
        Information lost by suppressing each cell; the cheapest candidate is chosen first
        (default: the cell's value plus one, so small cells go first).
    max_rounds : int, default 200
        Safety limit on audit rounds.
    start : array_like of bool, shape (k,), optional
        Cells already chosen as complements (e.g. by a pattern suited to the table's
        shape); they are kept and the audit goes on from them.

    Returns
    -------
    numpy.ndarray of bool, shape (k,)
        The cells to suppress (a superset of ``primary``).

    Raises
    ------
    StuntlibError
        As :func:`audit`; also if a sensitive cell cannot be protected within
        ``max_rounds``.

    References
    ----------
    .. [1] Hundepool et al. (2012), section 4.3 (secondary suppression).
    .. [2] tau-ARGUS user's manual (2018), "secondary cell suppression".

    Examples
    --------
    >>> protect([3, 1, 2], [False, True, False], [(0, (1, 2))], upper=[9, 5, 5]).tolist()
    [False, True, True]
    """
    v, s, u = _check_tabulation(values, primary, relations, upper)
    sensitive = s.copy()
    suppressed = s.copy()
    if start is not None:
        begin = np.asarray(start, dtype=bool)
        if begin.shape != s.shape:
            raise StuntlibError(f"start: expected {len(s)} booleans; got shape {begin.shape}")
        suppressed |= begin
    c = v + 1.0 if cost is None else np.asarray(cost, dtype=np.float64)
    safe: set[int] = set()
    known: dict[frozenset[int], dict[int, float]] = {}
    for _ in range(max_rounds):
        # a cell whose public bound is 0 cannot vary, so suppressing it hides nothing
        room = _room(v, u, suppressed, relations)
        widths = _unsafe_widths(v, suppressed, sensitive, relations, u, (safe, known), width)
        failing = np.array(sorted(widths), dtype=np.intp)
        if not failing.size:
            return suppressed
        options = _options(failing, relations, suppressed, room)
        if not options:  # cells pinned by published totals may still help once those go
            options = _options(failing, relations, suppressed, u)
        if not options:
            raise StuntlibError(
                "relations: a sensitive cell cannot be protected by suppressing more cells "
                f"(cells {failing.tolist()}); publish a coarser table"
            )
        # re-audit after each addition: one cell often protects several
        target = int(failing[0])
        chosen = _useful(options, c, target, widths[target], v, suppressed, relations, u, room)
        suppressed[chosen] = True
    raise StuntlibError(f"max_rounds: protection did not converge in {max_rounds} rounds")


def _unsafe_widths(
    v: NDArray[np.float64], suppressed: _BoolArray, sensitive: _BoolArray,
    relations: Sequence[Relation], u: NDArray[np.float64],
    memory: tuple[set[int], dict[frozenset[int], dict[int, float]]], width: float,
) -> dict[int, float]:  # fmt: skip
    """Provable interval width of every sensitive cell not yet known to be protected.

    ``memory`` (updated in place) spares solving again: suppressing more cells only
    widens what an attacker can prove (the feasible set grows), so a cell found
    protected stays protected (``safe``); and a component of suppressed cells that did
    not change keeps its widths (``known``: they depend only on its cells and the
    published cells of its relations). Returns the widths of the cells still recovered.
    """
    safe, known = memory
    out: dict[int, float] = {}
    for cells, rels in _components(suppressed, relations):
        key = frozenset(int(x) for x in cells)
        if key not in known:
            wanted = [int(x) for x in cells if sensitive[x] and int(x) not in safe]
            failing: dict[int, float] = {}
            if wanted:
                lo, hi = _bounds_of_component(cells, rels, v, suppressed, u, only=wanted)
                at = {int(x): j for j, x in enumerate(cells)}
                for cell in wanted:
                    j = at[cell]
                    low, high = _integer_bounds(lo[j], hi[j])
                    w = float(high - low)
                    if w < min(width, u[cell]):
                        failing[cell] = w
                    else:
                        safe.add(cell)
            known[key] = failing
        out.update(known[key])
    return out


def prevalence_relations(
    table: pd.DataFrame, group_columns: Sequence[str]
) -> tuple[list[Relation], NDArray[np.float64], NDArray[np.float64]]:
    """The additive relations of a prevalence table with rollups, with hidden remainders.

    For each indicator, a row of grouping set ``G`` is the sum of the rows of every
    grouping set ``G + (column,)`` that share its keys. Children whose ``column`` is
    missing are in the parent row and in no child row: they become a *remainder* cell,
    appended after the table's rows, never published, whose count of children is public
    by difference. Remainders are sensitive in the same way as published cells.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`stuntlib.estimation.prevalence` table (``grouping``, the group columns,
        ``indicator``, ``kind``, ``n``, ``cases``). Mean rows are ignored.
    group_columns : sequence of str
        The group columns of the table.

    Returns
    -------
    relations : list of (int, tuple of int)
        Over cells ``0..len(table)-1`` (the table's rows) and remainder cells after them.
    cases, n : numpy.ndarray of float64
        Cases and children of every cell (rows, then remainders).

    Raises
    ------
    StuntlibError
        If ``table`` lacks ``indicator``, ``n``, ``cases`` or a group column.

    References
    ----------
    .. [1] Hundepool et al. (2012), section 4.4 (linked and hierarchical tables).
    """
    need = ["indicator", "n", "cases", *group_columns]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise StuntlibError(f"table: expected a prevalence table with {need}; missing {missing}")
    frame = table.reset_index(drop=True)
    cases = pd.to_numeric(frame["cases"], errors="coerce").to_numpy(dtype=np.float64)
    n = pd.to_numeric(frame["n"], errors="coerce").to_numpy(dtype=np.float64)
    present = frame[list(group_columns)].notna().to_numpy(dtype=bool)
    is_mean = frame["kind"].eq("mean").to_numpy() if "kind" in frame else np.zeros(len(frame), bool)
    names = np.array(list(group_columns), dtype=object)
    keysets = [tuple(names[row]) for row in present]
    extra_cases: list[float] = []
    extra_n: list[float] = []
    relations: list[Relation] = []
    text = frame[list(group_columns)].astype("string").fillna("\x00").to_numpy(dtype=object)
    position = {c: i for i, c in enumerate(group_columns)}

    def key(rows: Sequence[int], columns: Sequence[str]) -> NDArray[np.object_]:
        cols = [position[c] for c in columns]
        return np.array(["\x01".join(r) for r in text[np.asarray(rows)][:, cols]], dtype=object)

    for indicator in frame.loc[~is_mean, "indicator"].unique():
        rows = np.flatnonzero((frame["indicator"] == indicator).to_numpy() & ~is_mean)
        by_set: dict[tuple[str, ...], list[int]] = {}
        for r in rows:
            by_set.setdefault(keysets[r], []).append(int(r))
        for parent_set, parent_rows in by_set.items():
            for column in group_columns:
                if column in parent_set:
                    continue
                child_set = tuple(c for c in group_columns if c in parent_set or c == column)
                child_rows = by_set.get(child_set)
                if not child_rows:
                    continue
                child_key = key(child_rows, parent_set)
                parent_key = key(parent_rows, parent_set)
                for p, pk in zip(parent_rows, parent_key, strict=True):
                    parts = [child_rows[i] for i in np.flatnonzero(child_key == pk)]
                    rest_n = n[p] - np.nansum(n[parts])
                    rest_cases = cases[p] - np.nansum(cases[parts])
                    if rest_n > 0:
                        parts.append(len(frame) + len(extra_n))
                        extra_n.append(rest_n)
                        extra_cases.append(rest_cases)
                    relations.append((int(p), tuple(parts)))
    all_cases = np.concatenate([cases, np.asarray(extra_cases, dtype=np.float64)])
    all_n = np.concatenate([n, np.asarray(extra_n, dtype=np.float64)])
    return relations, all_cases, all_n


def protect_prevalence(
    table: pd.DataFrame,
    group_columns: Sequence[str],
    *,
    min_cases: int = DEFAULT_MIN_CASES,
    min_n: int = 0,
) -> _BoolArray:
    """Rows of a prevalence table to suppress so that no small count can be recovered.

    Primary suppression (:func:`primary_cells`) of every prevalence row, and of the
    hidden remainders of its rollups (children without a lower-level group), followed by
    complementary suppression (:func:`protect`) within every rollup relation of the table
    (:func:`prevalence_relations`). Mean rows are never sensitive.

    Parameters
    ----------
    table : pandas.DataFrame
        An unsuppressed :func:`stuntlib.estimation.prevalence` table.
    group_columns : sequence of str
        Its group columns.
    min_cases, min_n : int
        As in :func:`primary_cells`.

    Returns
    -------
    numpy.ndarray of bool, shape (len(table),)
        True for the rows to suppress.

    Raises
    ------
    StuntlibError
        As :func:`prevalence_relations` and :func:`protect`.

    References
    ----------
    .. [1] Hundepool et al. (2012), sections 4.2-4.4.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"grouping": ["All", "kel", "kel", "kel"],
    ...                   "kel": [None, "A", "B", "C"], "indicator": "stunting",
    ...                   "kind": "prevalence", "n": [90, 30, 30, 30], "cases": [16, 1, 6, 9]})
    >>> protect_prevalence(t, ["kel"]).tolist()
    [False, True, True, False]
    """
    relations, cases, n = prevalence_relations(table, group_columns)
    is_mean = (
        table["kind"].eq("mean").to_numpy() if "kind" in table else np.zeros(len(table), dtype=bool)
    )
    primary = primary_cells(cases, n, min_cases=min_cases, min_n=min_n)
    primary[: len(table)] &= ~is_mean
    values = np.nan_to_num(cases, nan=0.0)
    upper = np.nan_to_num(n, nan=0.0)
    suppressed = protect(values, primary, relations, upper=upper)
    return np.asarray(suppressed[: len(table)], dtype=bool)
