"""Generate a national-scale SYNTHETIC e-PPGBM-like dataset as partitioned Parquet.

Everything about the children is invented by a seeded random generator. Only the
administrative structure is real: the provinces, kabupaten/kota, kecamatan and the
~84,000 desa/kelurahan codes of Kepmendagri 2025, read at run time from
``../shared/reference/kode_wilayah_kemendagri_2025.csv`` (beside the repository; never
copied into it), or from ``--regions``.

Each row is one measurement in a monthly weighing round (``bulan``): the region codes,
``sex`` (1/2), ``age_days`` (0-1825), ``lenhei`` [cm] and ``weight`` [kg] to 0.1, and
``measure`` (``l`` under 2 years, ``h`` from 2 years, with some recorded the other way).
Desa differ in size (log-normal) and in stunting level (a kabupaten effect plus a desa
effect on the height-for-age z-score, centred so that national stunting is near the
SSGI 2024 level of ~20 %). Heights come from a WHO-like median-by-age curve, weights
from a WHO-like median-by-length curve; both are approximations good enough for
benchmarks, not a growth reference. A few defects are planted (missing weight, missing
sex, a height typed x10) so that the reason columns are exercised.

Output: ``--out/part-00000.parquet``, ``part-00001.parquet``... of ``--rows-per-file``
rows (the last one shorter), row groups of ``--row-group`` rows. Files are generated
independently from ``SeedSequence(seed).spawn``, so the output is the same for any
``--jobs``.

A second mode, ``--eppgbm KODE``, writes a synthetic e-PPGBM export (CSV or xlsx, the
verbatim export headers) for ANY kabupaten/kota of the packaged registry
(:mod:`stuntlib.areas`): real kecamatan and desa/kelurahan names of that kabupaten/kota
(so names repeated across its kecamatan are repeated in the file), spelled the way
operators type them (``KEL. X``, ``DESA X``, ``Kec. Y``, lower case, double spaces), a few
rows without a kecamatan and a few with a misspelled desa; two weighing rounds
(Februari and Agustus 2025) with most children measured in both; exact duplicate rows and
conflicting duplicates (same child and date, another weight or height); invented names,
parents, addresses and NIKs. ``--check`` reads the file back and prints the area match
rates (:func:`stuntlib.areas.match_areas`).

Usage::

    python tools/make_national.py --rows 100_000_000 --out /tmp/national --jobs 2
    python tools/make_national.py --rows 200_000 --rows-per-file 50_000 --out /tmp/small
    python tools/make_national.py --eppgbm 33.25 --children 5000 --out /tmp/batang.csv --check
    python tools/make_national.py --eppgbm 94.01 --out /tmp/nabire.xlsx --check
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
#: Region list: the packaged registry (stuntlib.areas) unless --regions names a CSV.
REGIONS: Path | None = None

DEFAULT_SEED = 20250817
#: Mean height-for-age z of the synthetic population (about 20 % stunting with SD 1.15).
MEAN_HAZ = -0.95
HAZ_SD = 1.15

# WHO-like medians of length/height [cm] by age [days] (boys, girls); approximations.
_AGE_KNOTS = np.array([0, 91, 183, 274, 365, 548, 730, 1095, 1461, 1826], dtype=np.float64)
_MEDIAN_HEIGHT = {
    1: np.array([49.9, 61.4, 67.6, 72.0, 75.7, 82.3, 87.1, 96.1, 103.3, 110.0]),
    2: np.array([49.1, 59.8, 65.7, 70.1, 74.0, 80.7, 85.7, 95.1, 102.7, 109.4]),
}
#: Coefficient of variation of length/height.
HEIGHT_CV = 0.038
# WHO-like medians of weight [kg] by length/height [cm].
_LEN_KNOTS = np.array([45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100, 105, 110, 120.0])
_MEDIAN_WEIGHT = np.array(
    [2.4, 3.3, 4.5, 5.9, 7.3, 8.5, 9.6, 10.6, 11.7, 12.9, 14.1, 15.4, 16.8, 18.3, 21.9]
)
WEIGHT_LOG_SD = 0.09

SCHEMA = pa.schema(
    [
        ("kode_provinsi", pa.string()),
        ("kode_kabupaten", pa.string()),
        ("kode_kecamatan", pa.string()),
        ("kode_desa", pa.string()),
        ("bulan", pa.string()),
        ("sex", pa.int8()),
        ("age_days", pa.int16()),
        ("measure", pa.string()),
        ("lenhei", pa.float64()),
        ("weight", pa.float64()),
    ]
)


class Frame:
    """The desa table: codes, relative sizes and HAZ shifts (arrays indexed by desa)."""

    def __init__(self, regions: Path | None, seed: int) -> None:
        if regions is None:
            from stuntlib.areas import load_areas

            table = load_areas()
        elif not regions.exists():
            sys.exit(f"make_national: {regions} not found; pass --regions PATH")
        else:
            table = pd.read_csv(regions, dtype=str)
        desa = table.loc[table["kode"].str.len() == 13, "kode"].to_numpy(dtype=str)
        desa = np.sort(desa)
        self.desa = desa
        self.kecamatan = np.array([c[:8] for c in desa])
        self.kabupaten = np.array([c[:5] for c in desa])
        self.provinsi = np.array([c[:2] for c in desa])
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
        size = rng.lognormal(0.0, 0.8, len(desa))
        self.p = size / size.sum()
        kab_codes, kab_index = np.unique(self.kabupaten, return_inverse=True)
        kab_effect = rng.normal(0.0, 0.35, len(kab_codes))
        self.shift = MEAN_HAZ + kab_effect[kab_index] + rng.normal(0.0, 0.25, len(desa))


def _rounds(start: str, months: int) -> np.ndarray:
    first = pd.Period(start, freq="M")
    return np.array([str(first + k) for k in range(months)])


def make_table(
    frame: Frame, rows: int, rounds: np.ndarray, seed: np.random.SeedSequence
) -> pa.Table:
    """One file's rows, vectorised."""
    rng = np.random.default_rng(seed)
    d = rng.choice(len(frame.desa), size=rows, p=frame.p)
    sex = rng.integers(1, 3, rows).astype(np.int8)
    age = rng.integers(0, 1826, rows).astype(np.int16)
    haz = rng.normal(frame.shift[d], HAZ_SD)
    median = np.where(
        sex == 1,
        np.interp(age, _AGE_KNOTS, _MEDIAN_HEIGHT[1]),
        np.interp(age, _AGE_KNOTS, _MEDIAN_HEIGHT[2]),
    )
    height = median * (1.0 + HEIGHT_CV * haz)
    weight = np.interp(height, _LEN_KNOTS, _MEDIAN_WEIGHT) * np.exp(
        rng.normal(0.0, WEIGHT_LOG_SD, rows)
    )
    lying = (age < 730) ^ (rng.random(rows) < 0.02)
    measure = np.where(lying, "l", "h")
    # planted defects
    defect = rng.random(rows)
    weight = np.where(defect < 0.002, np.nan, weight)
    height = np.where((defect >= 0.002) & (defect < 0.0025), height * 10.0, height)
    sex_arr = pa.array(sex, mask=(defect >= 0.0025) & (defect < 0.0035))
    round_idx = rng.integers(0, len(rounds), rows)
    return pa.table(
        {
            "kode_provinsi": frame.provinsi[d],
            "kode_kabupaten": frame.kabupaten[d],
            "kode_kecamatan": frame.kecamatan[d],
            "kode_desa": frame.desa[d],
            "bulan": rounds[round_idx],
            "sex": sex_arr,
            "age_days": age,
            "measure": measure,
            "lenhei": np.round(height, 1),
            "weight": np.round(weight, 1),
        },
        schema=SCHEMA,
    )


_FRAME: Frame | None = None


def _init(regions: Path | None, seed: int) -> None:
    global _FRAME
    _FRAME = Frame(regions, seed)


def _write(job: tuple[int, int, str, np.ndarray, np.random.SeedSequence, int]) -> int:
    index, rows, out, rounds, seed, row_group = job
    assert _FRAME is not None
    table = make_table(_FRAME, rows, rounds, seed)
    path = Path(out) / f"part-{index:05d}.parquet"
    tmp = path.with_name("." + path.name + ".tmp")
    pq.write_table(table, tmp, row_group_size=row_group, compression="snappy")
    tmp.replace(path)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=lambda s: int(s.replace("_", "")))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--eppgbm", metavar="KODE", help="write an e-PPGBM export of this kab/kota")
    ap.add_argument("--children", type=lambda s: int(s.replace("_", "")), default=5_000)
    ap.add_argument("--check", action="store_true", help="print area match rates (--eppgbm)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--rows-per-file", type=lambda s: int(s.replace("_", "")), default=5_000_000)
    ap.add_argument("--row-group", type=lambda s: int(s.replace("_", "")), default=1_000_000)
    ap.add_argument("--months", type=int, default=12, help="monthly rounds (default 12)")
    ap.add_argument("--start", default="2025-01", help="first round, YYYY-MM")
    ap.add_argument("--regions", type=Path, default=REGIONS)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    if args.eppgbm is not None:
        return write_export(args.eppgbm, args.children, args.out, args.seed, args.check)
    if args.rows is None:
        ap.error("--rows is required (or --eppgbm KODE)")
    if args.rows < 0 or args.rows_per_file < 1:
        ap.error("--rows must be >= 0 and --rows-per-file >= 1")
    args.out.mkdir(parents=True, exist_ok=True)
    if any(args.out.glob("part-*.parquet")):
        ap.error(f"{args.out} already holds part-*.parquet files; choose an empty folder")
    rounds = _rounds(args.start, args.months)
    nfiles = max(1, -(-args.rows // args.rows_per_file))
    seeds = np.random.SeedSequence([args.seed, 1]).spawn(nfiles)
    jobs = []
    left = args.rows
    for i in range(nfiles):
        n = min(args.rows_per_file, left)
        left -= n
        jobs.append((i, n, str(args.out), rounds, seeds[i], args.row_group))
    t0 = time.perf_counter()
    if args.jobs > 1:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(args.jobs, initializer=_init, initargs=(args.regions, args.seed)) as pool:
            written = sum(pool.imap_unordered(_write, jobs))
    else:
        _init(args.regions, args.seed)
        written = sum(_write(j) for j in jobs)
    dt = time.perf_counter() - t0
    print(
        f"make_national: {written:,} rows in {nfiles} files to {args.out} "
        f"in {dt:.1f} s ({written / max(dt, 1e-9):,.0f} rows/s)"
    )
    return 0


# --------------------------------------------------------------------------------------
# --eppgbm: a synthetic e-PPGBM export of one kabupaten/kota
# --------------------------------------------------------------------------------------

EPPGBM_HEADERS = (
    "No", "NIK", "Nama", "JK", "Tgl Lahir", "Nama Ortu", "Prov", "Kab/Kota", "Kec",
    "Pukesmas", "Desa/Kel", "Posyandu", "RT", "RW", "Alamat", "Tanggal Pengukuran",
    "Berat", "Tinggi", "Cara Ukur", "LiLA",
)  # fmt: skip
#: The two weighing rounds (bulan timbang) and the share of children measured in each.
ROUNDS = (("2025-02-03", 0.80), ("2025-08-04", 0.85))
ROUND_DAYS = 25
BIRTH_FIRST, BIRTH_LAST = np.datetime64("2020-09-01"), np.datetime64("2025-01-31")
#: Shares of rows planted with each defect.
EXACT_DUPLICATES = 0.01
CONFLICTING_DUPLICATES = 0.005
NO_KECAMATAN = 0.01
MISSPELLED_DESA = 0.005


def _spell(rng: np.random.Generator, names: np.ndarray, prefixes: tuple[str, ...]) -> np.ndarray:
    """Names as operators type them: upper case mostly, sometimes a prefix, lower case."""
    n = len(names)
    upper = np.char.upper(names.astype(str))
    style = rng.random(n)
    prefix = np.array(prefixes, dtype=object)[rng.integers(0, len(prefixes), n)]
    out = np.where(style < 0.15, prefix + upper.astype(object), upper.astype(object))
    out = np.where((style >= 0.15) & (style < 0.20), np.char.lower(names.astype(str)), out)
    out = np.where(
        (style >= 0.20) & (style < 0.23), np.char.replace(upper, " ", "  ").astype(object), out
    )
    return out.astype(object)


def _kabupaten_spelling(rng: np.random.Generator, name: str, n: int) -> np.ndarray:
    """``Kabupaten Batang`` as exports write it: KABUPATEN BATANG, KAB. BATANG or BATANG."""
    upper = name.upper()
    if not upper.startswith("KABUPATEN "):
        return np.full(n, upper, dtype=object)  # KOTA X stays KOTA X
    base = upper.removeprefix("KABUPATEN ")
    forms = np.array([upper, "KAB. " + base, base], dtype=object)
    return forms[rng.choice(3, size=n, p=[0.5, 0.3, 0.2])]


def eppgbm_frame(kode: str, children: int, seed: int) -> pd.DataFrame:
    """Rows of a synthetic e-PPGBM export of kabupaten/kota ``kode`` (vectorised)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from make_sample import child_names, fmt_dates, mother_names
    from stuntlib.areas import load_areas, normalise_area_code

    kab = normalise_area_code([kode]).iloc[0]
    table = load_areas()
    names = table.set_index("kode")["nama"]
    if kab is pd.NA or len(kab) != 5 or kab not in names.index:
        sys.exit(f"make_national: --eppgbm {kode!r} is not a kabupaten/kota code (PP.KK)")
    desa = table[(table["kode"].str.len() == 13) & table["kode"].str.startswith(kab + ".")]
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2, int(kab.replace(".", ""))]))
    size = rng.lognormal(0.0, 0.6, len(desa))
    d = rng.choice(len(desa), size=children, p=size / size.sum())
    desa_code = desa["kode"].to_numpy(dtype=str)[d]
    kec_code = np.array([c[:8] for c in desa_code])
    sex = rng.integers(1, 3, children)
    span = int((BIRTH_LAST - BIRTH_FIRST).astype(int))
    birth = BIRTH_FIRST + rng.integers(0, span + 1, children).astype("timedelta64[D]")
    haz = rng.normal(MEAN_HAZ, HAZ_SD, children)
    serial = rng.permutation(children) % 10_000
    dd = (birth - birth.astype("datetime64[M]")).astype(int) + 1 + 40 * (sex == 2)
    mm = birth.astype("datetime64[M]").astype(int) % 12 + 1
    yy = (birth.astype("datetime64[Y]").astype(int) + 1970) % 100
    nik = np.char.add(
        np.char.replace(kec_code.astype(str), ".", ""),
        np.char.add(
            np.char.add(np.char.zfill(dd.astype(str), 2), np.char.zfill(mm.astype(str), 2)),
            np.char.add(np.char.zfill(yy.astype(str), 2), np.char.zfill(serial.astype(str), 4)),
        ),
    )
    child = pd.DataFrame(
        {
            "NIK": nik,
            "Nama": child_names(rng, sex),
            "JK": np.where(sex == 1, "L", "P"),
            "birth": birth,
            "Nama Ortu": mother_names(rng, children),
            "Prov": names[kab[:2]].upper(),
            "Kab/Kota": _kabupaten_spelling(rng, names[kab], children),
            "Kec": _spell(rng, names.reindex(kec_code).to_numpy(dtype=str), ("KEC. ", "Kec. ")),
            "Pukesmas": "PUSKESMAS " + np.char.upper(names.reindex(kec_code).to_numpy(dtype=str)),
            "Desa/Kel": _spell(
                rng,
                names.reindex(desa_code).to_numpy(dtype=str),
                ("DESA ", "KEL. ", "KELURAHAN "),
            ),
            "Posyandu": "Posyandu Melati " + rng.integers(1, 9, children).astype(str),
            "RT": rng.integers(1, 12, children),
            "RW": rng.integers(1, 8, children),
            "Alamat": "Jl. Fiktif No. " + rng.integers(1, 200, children).astype(str),
            "haz": haz,
            "sex": sex,
        }
    )
    rounds = []
    for date, share in ROUNDS:
        seen = child[rng.random(children) < share].copy()
        visit = np.datetime64(date) + rng.integers(0, ROUND_DAYS, len(seen)).astype(
            "timedelta64[D]"
        )
        seen["visit"] = visit
        rounds.append(seen[seen["visit"].to_numpy() > seen["birth"].to_numpy()])
    rows = pd.concat(rounds, ignore_index=True)
    age = (rows["visit"] - rows["birth"]).dt.days.to_numpy()
    sx = rows["sex"].to_numpy()
    median = np.where(
        sx == 1,
        np.interp(age, _AGE_KNOTS, _MEDIAN_HEIGHT[1]),
        np.interp(age, _AGE_KNOTS, _MEDIAN_HEIGHT[2]),
    )
    height = median * (1.0 + HEIGHT_CV * (rows["haz"].to_numpy() + rng.normal(0, 0.15, len(rows))))
    weight = np.interp(height, _LEN_KNOTS, _MEDIAN_WEIGHT) * np.exp(
        rng.normal(0.0, WEIGHT_LOG_SD, len(rows))
    )
    rows["Tinggi"] = np.round(height, 1)
    rows["Berat"] = np.round(weight, 1)
    rows["Cara Ukur"] = np.where(age < 730, "Terlentang", "Berdiri")
    rows["LiLA"] = np.round(rng.normal(14.5, 1.1, len(rows)), 1)
    rows["Tgl Lahir"] = fmt_dates(rows["birth"].to_numpy().astype("datetime64[D]"))
    rows["Tanggal Pengukuran"] = fmt_dates(rows["visit"].to_numpy().astype("datetime64[D]"))
    # planted: rows without a kecamatan, misspelled desa names
    u = rng.random(len(rows))
    rows.loc[u < NO_KECAMATAN, "Kec"] = ""
    typo = (u >= NO_KECAMATAN) & (u < NO_KECAMATAN + MISSPELLED_DESA)
    rows.loc[typo, "Desa/Kel"] = rows.loc[typo, "Desa/Kel"].str.upper() + "XQ"
    # planted: exact duplicates and conflicting duplicates (same child and date)
    exact = rows.sample(frac=EXACT_DUPLICATES, random_state=rng.integers(2**31))
    conflict = rows.sample(frac=CONFLICTING_DUPLICATES, random_state=rng.integers(2**31)).copy()
    conflict["Berat"] = np.round(conflict["Berat"] + rng.choice([-0.8, 0.6, 1.0], len(conflict)), 1)
    conflict["Tinggi"] = np.round(conflict["Tinggi"] + rng.choice([-3.0, 2.5], len(conflict)), 1)
    rows = pd.concat([rows, exact, conflict]).sort_values(["visit", "Kec", "NIK"], kind="stable")
    rows["No"] = np.arange(1, len(rows) + 1)
    return rows[list(EPPGBM_HEADERS)].reset_index(drop=True)


def write_export(kode: str, children: int, out: Path, seed: int, check: bool) -> int:
    """Write the export of ``kode`` to ``out`` (.csv or .xlsx) and optionally check it."""
    frame = eppgbm_frame(kode, children, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        frame.to_excel(out, index=False, sheet_name="Data")
    else:
        frame.to_csv(out, index=False)
    print(f"make_national: {len(frame):,} rows ({children:,} children) of {kode} -> {out}")
    if check:
        import stuntlib
        from stuntlib.areas import match_areas

        read = stuntlib.read_measurements(out, profile="eppgbm")
        m = match_areas(read)
        share = (m.counts / m.counts.sum() * 100).round(2)
        print("area_match (% of rows):", share.to_dict())
        print("kabupaten/kota found:", m.kabupaten)
        print("distinct ambiguous places:", len(m.ambiguous), "| unmatched:", len(m.unmatched))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
