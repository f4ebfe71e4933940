"""The Aksi 7 table under attack: no small count can be recovered from what it publishes.

The attacker is the integer programme of ``test_disclosure.attacker_bounds`` (written in
the tests, not taken from the library). It sees the published table: every measured
count, and the severe/moderate/total counts that are not masked. It knows the table's
arithmetic: severe + moderate = total in every row, desa/kelurahan add up to their
kecamatan and kecamatan to the kabupaten/kota (with an unknown remainder where the
rows do not add up), and no count exceeds the children measured. When the data name
puskesmas, it also knows that desa rows naming a puskesmas add up to that puskesmas's
row and puskesmas rows to their kecamatan, reading the relations from the published
columns (level, kecamatan, puskesmas), not from the library.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from stuntlib.publication import aksi7_table
from test_disclosure import attacker_bounds

#: Real desa/kelurahan of Kota Pekalongan with their kecamatan (Kepmendagri 2025).
PLACES = (
    ("PEKALONGAN BARAT", "TIRTO"),
    ("PEKALONGAN BARAT", "MEDONO"),
    ("PEKALONGAN BARAT", "PODOSUGIH"),
    ("PEKALONGAN TIMUR", "KAUMAN"),
    ("PEKALONGAN TIMUR", "PONCOL"),
    ("PEKALONGAN UTARA", "KRAPYAK"),
    ("PEKALONGAN SELATAN", "JENGGOT"),
)
COLUMNS = ("severe", "moderate", "stunted")


def _children(place: tuple[str, str], severe: int, moderate: int, other: int) -> pd.DataFrame:
    kec, kel = place
    z = [-3.5] * severe + [-2.5] * moderate + [0.0] * other
    return pd.DataFrame({"kecamatan": kec, "kelurahan": kel, "zlen": z, "flen": 0, "age_days": 700})


def _cells(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, list, np.ndarray]:
    """Truth, bounds, hidden flags and relations of an Aksi 7 table (keys in attrs)."""
    keyed = table.set_axis(table.attrs["stuntlib_aksi7"]["keys"], axis=1)
    code = keyed["code"].astype("string").fillna("").to_numpy(dtype=object)
    kec = keyed["kecamatan"].astype("string").fillna("").to_numpy(dtype=object)
    rows = len(keyed)
    n = keyed["measured"].to_numpy(dtype=float)
    return keyed, code, kec, rows, n


def _attack(published: pd.DataFrame, truth: pd.DataFrame, min_cases: int = 3) -> list[str]:
    keyed, code, _, rows, n = _cells(published)
    true = truth.set_axis(truth.attrs["stuntlib_aksi7"]["keys"], axis=1)
    values = np.concatenate([true[c].to_numpy(dtype=float) for c in COLUMNS])
    hidden = np.concatenate([keyed[c].isna().to_numpy() for c in COLUMNS])
    upper = np.tile(n, 3)
    relations = [(2 * rows + i, (i, rows + i)) for i in range(rows)]
    level = keyed["level"].astype(str).to_numpy(dtype=object)
    kota = int(np.flatnonzero(code == str(published.attrs["stuntlib_aksi7"]["kota_code"]))[0])
    kec_rows = [i for i in range(rows) if len(code[i]) == 8]
    parents = {c: i for i, c in ((i, code[i]) for i in kec_rows)}
    groups: dict[int, list[int]] = {kota: list(kec_rows)}
    kec_names = keyed["kecamatan"].astype("string").fillna("").to_numpy(dtype=object)
    by_name = {kec_names[i]: i for i in kec_rows}
    # puskesmas rows add up to their kecamatan (by name), desa rows that name a puskesmas
    # to that puskesmas row of their kecamatan
    pkm = keyed["puskesmas"] if "puskesmas" in keyed else pd.Series("", index=keyed.index)
    pkm = pkm.astype("string").fillna("").to_numpy(dtype=object)
    is_pkm = level == "Puskesmas"
    pkm_rows = {(kec_names[i], pkm[i]): i for i in np.flatnonzero(is_pkm)}
    for i in range(rows):
        if i == kota or i in kec_rows:
            continue
        if is_pkm[i]:
            parent = by_name.get(kec_names[i])
        elif (kec_names[i], pkm[i]) in pkm_rows:
            parent = pkm_rows[(kec_names[i], pkm[i])]
        else:
            parent = parents.get(code[i][:8]) if code[i] else by_name.get(kec_names[i])
        groups.setdefault(kota if parent is None else parent, []).append(i)
    extra_v, extra_u, extra_h = [], [], []
    for parent, children in groups.items():
        parts = [[k * rows + c for c in children] for k in range(3)]
        rest = n[parent] - n[children].sum()
        gaps = [values[k * rows + parent] - values[[k * rows + c for c in children]].sum()
                for k in range(3)]  # fmt: skip
        if rest or any(gaps):
            first = 3 * rows + len(extra_v)
            extra_v += gaps
            extra_u += [rest] * 3
            extra_h += [True] * 3  # the attacker does not see the remainder
            relations.append((first + 2, (first, first + 1)))
            parts = [p + [first + k] for k, p in enumerate(parts)]
        relations += [(k * rows + parent, tuple(parts[k])) for k in range(3) if parts[k]]
    values = np.r_[values, extra_v]
    hidden = np.r_[hidden, np.asarray(extra_h, dtype=bool)]
    upper = np.r_[upper, extra_u]
    bounds = attacker_bounds(values, hidden, relations, upper)
    found = []
    for cell, (lo, hi) in bounds.items():
        if cell >= 3 * rows:
            continue
        c, m = values[cell], upper[cell]
        sensitive = (0 < c < min_cases) or (0 < m - c < min_cases)
        if sensitive and hi - lo < min(min_cases, m):
            found.append(f"{level[cell % rows]} {code[cell % rows]} {COLUMNS[cell // rows]}"
                         f"={c:g} in [{lo:g}, {hi:g}]")  # fmt: skip
    # a published sensitive cell is a failure too
    for cell in np.flatnonzero(~hidden[: 3 * rows]):
        c, m = values[cell], upper[cell]
        if (0 < c < min_cases) or (0 < m - c < min_cases):
            found.append(f"published {code[cell % rows]} {COLUMNS[cell // rows]}={c:g} of {m:g}")
    return found


place_counts = st.lists(
    st.tuples(st.sampled_from(PLACES), st.integers(0, 3), st.integers(0, 6), st.integers(0, 30)),
    min_size=2,
    max_size=6,
    unique_by=lambda t: t[0],
)


@settings(max_examples=40, deadline=None)
@given(place_counts, st.integers(0, 2))
def test_random_small_kota_aksi7_nothing_recoverable(places, unknown) -> None:
    """Random small Kota Pekalongan files: every masked count keeps an interval >= 3."""
    frame = pd.concat([_children(p, s, m, o) for p, s, m, o in places], ignore_index=True)
    if unknown:  # children with a kecamatan but no desa/kelurahan (reliability case 22)
        extra = _children(("PEKALONGAN BARAT", ""), 0, unknown, 1)
        frame = pd.concat([frame, extra.assign(kelurahan=None)], ignore_index=True)
    published = aksi7_table(frame, language="en", decimals=None)
    truth = aksi7_table(frame, language="en", decimals=None, protect=False)
    assert _attack(published, truth) == []


#: Puskesmas names as the export writes them ("" = not filled in).
PUSKESMAS = ("MEDONO", "TIRTO", "PUSKESMAS KLEGO", "")

place_pkm_counts = st.lists(
    st.tuples(
        st.sampled_from(PLACES),
        st.sampled_from(PUSKESMAS),
        st.integers(0, 3),
        st.integers(0, 6),
        st.integers(0, 30),
    ),
    min_size=2,
    max_size=8,
    unique_by=lambda t: (t[0], t[1]),
)


@settings(max_examples=25, deadline=None)
@given(place_pkm_counts)
def test_random_puskesmas_aksi7_nothing_recoverable(places) -> None:
    """With a puskesmas level (desa under two puskesmas, children without one) as well."""
    frame = pd.concat(
        [_children(p, s, m, o).assign(Pukesmas=pkm) for p, pkm, s, m, o in places],
        ignore_index=True,
    )
    published = aksi7_table(frame, language="en", decimals=None)
    truth = aksi7_table(frame, language="en", decimals=None, protect=False)
    assert ("Puskesmas" in set(truth["Level"])) == any(pkm for _, pkm, *_ in places)
    assert _attack(published, truth) == []


def test_sample_aksi7_table_nothing_recoverable() -> None:
    """The bundled sample (20,040 rows of Kota Pekalongan, with its puskesmas level)."""
    import stuntlib

    root = Path(__file__).resolve().parents[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scored = stuntlib.score(
            stuntlib.read_measurements(root / "data/samples/pekalongan_eppgbm.csv")
        )
    published = aksi7_table(scored, decimals=None)
    truth = aksi7_table(scored, decimals=None, protect=False)
    assert _attack(published, truth) == []


def test_a_masked_desa_is_not_recovered_from_its_puskesmas() -> None:
    """Puskesmas Medono = desa Medono + desa Podosugih: hiding Medono's 1 severely stunted
    child alone (or with a sibling under another puskesmas) would leave it as Medono's
    row minus Podosugih's; a sibling under the same puskesmas (or the puskesmas row) is
    hidden too."""
    barat = "PEKALONGAN BARAT"
    frame = pd.concat(
        [
            _children((barat, "MEDONO"), 1, 8, 30).assign(Pukesmas="MEDONO"),
            _children((barat, "PODOSUGIH"), 10, 5, 40).assign(Pukesmas="MEDONO"),
            _children((barat, "TIRTO"), 5, 5, 10).assign(Pukesmas="TIRTO"),
            _children((barat, "PASIRKRATONKRAMAT"), 5, 5, 15).assign(Pukesmas="TIRTO"),
            _children(("PEKALONGAN TIMUR", "KAUMAN"), 6, 5, 20).assign(Pukesmas="KLEGO"),
            _children(("PEKALONGAN TIMUR", "PONCOL"), 6, 5, 20).assign(Pukesmas="KLEGO"),
        ],
        ignore_index=True,
    )
    published = aksi7_table(frame, language="en", decimals=None)
    truth = aksi7_table(frame, language="en", decimals=None, protect=False)
    assert _attack(published, truth) == []
    rows = published.set_index(published["Level"].str[:3] + ":" + published["Area name"])
    severe = rows["Severely stunted"]
    assert pd.isna(severe["Des:Medono"])
    assert pd.isna(severe["Des:Podosugih"]) or pd.isna(severe["Pus:Medono"])
    # the totals a rembuk stunting reads stay published (complements are cheaper below)
    assert severe["Dis:Kota Pekalongan"] == 1 + 10 + 5 + 5 + 6 + 6
    assert severe["Kec:Pekalongan Barat"] == 21
