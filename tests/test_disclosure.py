"""Disclosure control: primary and complementary suppression, checked by an independent attacker.

The attacker in these tests is written here, not taken from the module: an integer
programme (scipy.optimize.milp) over *every* cell of the table, published cells fixed to
their values, all relations as equalities. It finds the tightest integer bounds a reader
of the published table can prove for each suppressed cell. The module's own audit uses a
different formulation (linear relaxation per connected component of suppressed cells).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from stuntlib.disclosure import audit, prevalence_relations, primary_cells, protect
from stuntlib.errors import StuntlibError


def attacker_bounds(values, suppressed, relations, upper):
    """Integer min/max of each suppressed cell given everything published (independent)."""
    values = np.asarray(values, dtype=float)
    k = len(values)
    rows = []
    for total, parts in relations:
        row = np.zeros(k)
        row[total] += 1
        for p in parts:
            row[p] -= 1
        rows.append(row)
    cons = [LinearConstraint(np.array(rows), 0, 0)] if rows else []
    lo = np.where(suppressed, 0, values)
    hi = np.where(suppressed, upper, values)
    out = {}
    for cell in np.flatnonzero(suppressed):
        c = np.zeros(k)
        c[cell] = 1
        mins = milp(c, constraints=cons, integrality=np.ones(k), bounds=Bounds(lo, hi))
        maxs = milp(-c, constraints=cons, integrality=np.ones(k), bounds=Bounds(lo, hi))
        out[int(cell)] = (round(mins.fun), round(-maxs.fun))
    return out


def kota_table(kelurahan_n, kelurahan_cases, kecamatan_of):
    """Cells: kota, kecamatan..., kelurahan...; relations kota = sum kec, kec = sum kel."""
    kecs = sorted(set(kecamatan_of))
    n_kel = len(kelurahan_n)
    kel_idx = np.arange(1 + len(kecs), 1 + len(kecs) + n_kel)
    cases = np.zeros(1 + len(kecs) + n_kel)
    n = np.zeros_like(cases)
    cases[kel_idx] = kelurahan_cases
    n[kel_idx] = kelurahan_n
    relations = []
    for j, kec in enumerate(kecs):
        members = tuple(int(kel_idx[i]) for i in range(n_kel) if kecamatan_of[i] == kec)
        cases[1 + j] = cases[list(members)].sum()
        n[1 + j] = n[list(members)].sum()
        relations.append((1 + j, members))
    cases[0] = cases[1 : 1 + len(kecs)].sum()
    n[0] = n[1 : 1 + len(kecs)].sum()
    relations.append((0, tuple(range(1, 1 + len(kecs)))))
    return cases, n, relations


def test_primary_rule_hand_cases() -> None:
    # cases 1-2 and non-cases 1-2 are sensitive; 0 and n are not (nothing to hide
    # beyond the published n); min_n adds small cells
    got = primary_cells([0, 1, 2, 3, 28, 29, 30, 0], [30, 30, 30, 30, 30, 30, 30, 4], min_n=5)
    assert got.tolist() == [False, True, True, False, True, True, False, True]


def test_subtraction_attack_on_a_rollup_is_closed() -> None:
    """Kel A (1 of 30) masked alone is Kec Satu minus its siblings (reliability case 01)."""
    cases, n, relations = kota_table([30, 30, 30, 30, 30, 30], [1, 6, 9, 5, 7, 8], list("SSSDDD"))
    primary = primary_cells(cases, n)
    assert primary.tolist() == [False, False, False, True, False, False, False, False, False]
    only_primary = attacker_bounds(cases, primary, relations, n)
    assert only_primary == {3: (1, 1)}  # what 0.1 published: recoverable exactly
    final = protect(cases, primary, relations, upper=n)
    bounds = attacker_bounds(cases, final, relations, n)
    assert all(hi - lo >= 3 for lo, hi in bounds.values()), bounds
    # the module's audit agrees with the independent attacker
    report = audit(cases, final, relations, upper=n).set_index("cell")
    assert {c: (int(r.lower), int(r.upper)) for c, r in report.iterrows()} == bounds


def test_bounds_attack_two_masked_cells_that_must_be_full() -> None:
    """Two masked cells whose cases must equal their children (case: Aksi 7 bounds)."""
    # kec = 2 + 2 + 0 of n = 2, 2, 30: masking only the two small cells leaves a+b = 4
    # with a <= 2, b <= 2, so a = b = 2 exactly.
    cases = np.array([4, 2, 2, 0])
    n = np.array([34, 2, 2, 30])
    relations = [(0, (1, 2, 3))]
    primary = np.array([False, True, True, False])
    assert attacker_bounds(cases, primary, relations, n) == {1: (2, 2), 2: (2, 2)}
    final = protect(cases, primary, relations, upper=n)
    bounds = attacker_bounds(cases, final, relations, n)
    # a cell of 2 children is protected when the reader cannot narrow [0, 2]
    assert all(hi - lo >= min(3, n[c]) for c, (lo, hi) in bounds.items() if primary[c]), bounds


@given(
    st.lists(st.integers(1, 40), min_size=3, max_size=8).flatmap(
        lambda ns: st.tuples(
            st.just(ns),
            st.tuples(*[st.integers(0, m) for m in ns]),
            st.lists(st.sampled_from("AB"), min_size=len(ns), max_size=len(ns)),
        )
    )
)
def test_random_small_kota_nothing_recoverable(args) -> None:
    ns, cs, kec = args
    cases, n, relations = kota_table(ns, list(cs), kec)
    primary = primary_cells(cases, n)
    final = protect(cases, primary, relations, upper=n)
    assert (final >= primary).all()
    bounds = attacker_bounds(cases, final, relations, n)
    for cell, (lo, hi) in bounds.items():
        assert lo <= cases[cell] <= hi
        if primary[cell]:
            assert hi - lo >= min(3, n[cell]), (cell, lo, hi, cases.tolist(), final.tolist())


def test_prevalence_relations_include_children_without_a_kelurahan() -> None:
    """Two children with no kelurahan are a hidden remainder cell (reliability case 22)."""
    rows = []
    for kel, n, stunted in (("Kel A", 30, 7), ("Kel B", 30, 9), ("Kel C", 30, 9), (None, 2, 1)):
        z = [-2.5] * stunted + [0.0] * (n - stunted)
        rows += [{"kecamatan": "Kec Satu", "kelurahan": kel, "zlen": v, "flen": 0, "age_days": 700}
                 for v in z]  # fmt: skip
    from stuntlib.estimation import prevalence, rollup

    table = prevalence(
        pd.DataFrame(rows), rollup(["kecamatan", "kelurahan"]), indicators="stunting"
    )
    relations, cases, n = prevalence_relations(table, ["kecamatan", "kelurahan"])
    assert len(cases) == len(table) + 1  # one remainder: the 2 children without kelurahan
    assert (n[-1], cases[-1]) == (2.0, 1.0)
    primary = primary_cells(cases, n)
    assert primary[-1]  # 1 stunted of 2 is sensitive although it is no published row
    suppressed = primary.copy()
    assert attacker_bounds(cases, suppressed, relations, n)[len(table)] == (1, 1)
    final = protect(cases, primary, relations, upper=n)
    bounds = attacker_bounds(cases, final, relations, n)
    assert bounds[len(table)][1] - bounds[len(table)][0] >= 2  # capped by its n of 2
    assert final[: len(table)].any()  # a published cell had to go


def test_errors_name_the_argument() -> None:
    with pytest.raises(StuntlibError, match="values, suppressed"):
        audit([1, 2], [True], [])
    with pytest.raises(StuntlibError, match="relations"):
        audit([1, 2], [True, False], [(0, (5,))])
    with pytest.raises(StuntlibError, match="min_cases"):
        primary_cells([1], [2], min_cases=-1)


def _kel(kec: str, name: str, n: int, stunted: int) -> list[dict[str, object]]:
    return [
        {"kecamatan": kec, "kelurahan": name, "zlen": -2.5 if i < stunted else 0.0,
         "flen": 0, "age_days": 700}
        for i in range(n)
    ]  # fmt: skip


def test_prevalence_suppress_closes_the_rollup_subtraction() -> None:
    """Reliability case 01: Kel A (1 of 30) must not be Kec Satu minus Kel B minus Kel C."""
    from stuntlib.estimation import prevalence, rollup

    rows = (
        _kel("Kec Satu", "Kel A", 30, 1) + _kel("Kec Satu", "Kel B", 30, 6)
        + _kel("Kec Satu", "Kel C", 30, 9) + _kel("Kec Dua", "Kel D", 30, 5)
        + _kel("Kec Dua", "Kel E", 30, 7) + _kel("Kec Dua", "Kel F", 30, 8)
    )  # fmt: skip
    by = rollup(["kecamatan", "kelurahan"])
    published = prevalence(pd.DataFrame(rows), by, indicators="stunting", suppress=True)
    truth = prevalence(pd.DataFrame(rows), by, indicators="stunting")
    hidden = published["suppressed"].to_numpy()
    assert hidden.sum() >= 2 and published["reliability"].eq("complementary").any()
    relations, cases, n = prevalence_relations(truth, ["kecamatan", "kelurahan"])
    bounds = attacker_bounds(cases, np.r_[hidden, np.zeros(len(cases) - len(hidden), bool)],
                             relations, n)  # fmt: skip
    kel_a = int(np.flatnonzero(truth["kelurahan"].eq("Kel A").to_numpy())[0])
    lo, hi = bounds[kel_a]
    assert hi - lo >= 3, (lo, hi)


@pytest.mark.parametrize("by", ["nik", "Nama Balita", ["kelurahan", "NIK Anak"], "alamat"])
def test_a_suppressed_table_is_never_grouped_by_an_identifier(by) -> None:
    """Reliability case 04 through the Python API: suppress=True refuses, naming the column."""
    from stuntlib.estimation import prevalence

    df = pd.DataFrame({"zlen": [-2.5, 0.0], "flen": 0, "kelurahan": "TIRTO", "nik": ["1", "2"],
                       "Nama Balita": ["A", "B"], "NIK Anak": ["1", "2"],
                       "alamat": ["x", "y"]})  # fmt: skip
    with pytest.raises(StuntlibError, match="identify children"):
        prevalence(df, by, suppress=True)
    assert len(prevalence(df, by, min_n=1)) > 0  # internal (unsuppressed) use stays possible


def test_an_ungrouped_suppressed_table_masks_its_small_cells() -> None:
    """The headline (no grouping) is a published table: 2 of 3 stunted is disclosive."""
    from stuntlib.estimation import prevalence

    df = pd.DataFrame({"zlen": [-2.5, -2.1, 0.3], "flen": 0})
    out = prevalence(df, indicators="stunting", suppress=True)
    assert out["suppressed"].tolist() == [True] and np.isnan(out["estimate"].iloc[0])
    assert out["cases"].isna().all()


@given(
    k=st.integers(1, 40),
    data=st.data(),
)
def test_groups_of_suppressed_cells_are_scipys_connected_components(k, data) -> None:
    """The audit's groups equal scipy.sparse.csgraph's components of the same graph.

    The module finds the groups itself (importing scipy.sparse would cost a report about
    0.3 s); scipy is the independent reference here.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from stuntlib.disclosure import _components

    suppressed = np.array(data.draw(st.lists(st.booleans(), min_size=k, max_size=k)))
    cell = st.integers(0, k - 1)
    relations = data.draw(st.lists(st.tuples(cell, st.lists(cell, max_size=5).map(tuple)),
                                   max_size=12))  # fmt: skip
    # reference: an edge between every two suppressed cells of one relation
    src, dst = [], []
    for total, parts in relations:
        hidden = [c for c in (total, *parts) if suppressed[c]]
        src += hidden
        dst += [hidden[0]] * len(hidden) if hidden else []
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(k, k))
    _, label = connected_components(graph, directed=False)
    expected = {frozenset(np.flatnonzero(suppressed & (label == lab)).tolist())
                for lab in set(label[suppressed].tolist())}  # fmt: skip
    groups = _components(suppressed, relations)
    assert {frozenset(cells.tolist()) for cells, _ in groups} == expected
    # every cell once, groups in the order of their first cell, cells ascending
    flat = [c for cells, _ in groups for c in cells.tolist()]
    assert sorted(flat) == np.flatnonzero(suppressed).tolist()
    assert [int(cells[0]) for cells, _ in groups] == sorted(int(cells[0]) for cells, _ in groups)
    # each relation with a suppressed cell belongs to the group of those cells
    tied = [(t, tuple(p)) for t, p in relations if suppressed[[t, *p]].any()]
    assert sorted(r for _, rels in groups for r in rels) == sorted(tied)
    for cells, rels in groups:
        for total, parts in rels:
            hidden = [c for c in (total, *parts) if suppressed[c]]
            assert set(hidden) <= set(cells.tolist())
