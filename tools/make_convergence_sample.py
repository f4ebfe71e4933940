"""Write the synthetic Aksi 1 inputs for the 27 kelurahan of Kota Pekalongan.

    python tools/make_convergence_sample.py --out data/samples

Files (all fictional, seeded, byte-for-byte reproducible):

* ``pekalongan_cakupan.csv``: coverage indicators per kelurahan as numerator/denominator;
* ``pekalongan_krs.csv``: a BKKBN-style recap of keluarga berisiko stunting;
* ``pekalongan_layanan.csv``: by-name service records (long format) for 2025Q3;
* ``pekalongan_layanan_expected.csv``: the known scorecard answer per kelurahan.

The service records are built backwards: first each person's Y/T/TS mark per indicator is
drawn, then raw counts that produce exactly that mark under the Kemendesa rules are written.
The expected counts therefore come from the drawn marks, not from stuntlib.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from stuntlib.publication import PEKALONGAN_AREAS

SEED = 20250930
QUARTER = "2025Q3"
#: Measured children per kelurahan in the e-PPGBM sample (data/samples/README.md, "rows").
ROWS = {
    "33.75.01.1002": 935,
    "33.75.01.1003": 629,
    "33.75.01.1004": 998,
    "33.75.01.1006": 715,
    "33.75.01.1008": 499,
    "33.75.01.1009": 994,
    "33.75.01.1012": 469,
    "33.75.02.1002": 975,
    "33.75.02.1004": 674,
    "33.75.02.1007": 848,
    "33.75.02.1008": 543,
    "33.75.02.1009": 926,
    "33.75.02.1010": 580,
    "33.75.02.1012": 1046,
    "33.75.03.1002": 646,
    "33.75.03.1003": 934,
    "33.75.03.1004": 786,
    "33.75.03.1006": 683,
    "33.75.03.1007": 782,
    "33.75.03.1009": 1029,
    "33.75.03.1010": 624,
    "33.75.04.1002": 468,
    "33.75.04.1003": 504,
    "33.75.04.1004": 733,
    "33.75.04.1006": 646,
    "33.75.04.1008": 643,
    "33.75.04.1010": 731,
}
COVERAGE = {  # indicator -> (mean coverage, spread)
    "asi_eksklusif": (0.72, 0.10),
    "mpasi": (0.78, 0.08),
    "imunisasi_dasar_lengkap": (0.88, 0.06),
    "balita_dipantau": (0.84, 0.08),
    "air_minum_layak": (0.90, 0.06),
    "sanitasi_layak": (0.80, 0.10),
}
MOTHER = ["anc", "fe", "nifas", "konseling", "kunjungan_rumah", "air_bersih", "jamban", "jkn"]
CHILD = [
    "imunisasi",
    "penimbangan",
    "pengukuran",
    "konseling",
    "kunjungan_rumah",
    "air_bersih",
    "jamban",
    "akta",
    "jkn",
    "paud",
]
WEIGHINGS = [(0, 1), (6, 5), (13, 8), (18, 15)]


def kelurahan() -> pd.DataFrame:
    rows = [(c, n) for c, n in PEKALONGAN_AREAS if c.count(".") == 3]
    return pd.DataFrame(rows, columns=["kode", "nama"])


def coverage(kel: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    out = kel.copy()
    out["balita_sasaran"] = [round(ROWS[k] / rng.uniform(0.78, 0.97)) for k in kel["kode"]]
    for ind, (mean, sd) in COVERAGE.items():
        den = rng.integers(40, 400, len(kel))
        share = np.clip(rng.normal(mean, sd, len(kel)), 0.3, 1.0)
        out[f"{ind}_pembilang"] = np.round(den * share).astype(int)
        out[f"{ind}_penyebut"] = den
    return out


def krs(kel: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    out = kel.copy()
    families = rng.integers(2500, 7000, len(kel))
    target = np.round(families * rng.uniform(0.35, 0.5, len(kel))).astype(int)
    at_risk = np.round(target * rng.uniform(0.08, 0.35, len(kel))).astype(int)
    out["jumlah_keluarga"] = families
    out["keluarga_sasaran"] = target
    out["krs"] = at_risk
    out["tidak_berisiko"] = target - at_risk
    out["sasaran_baduta"] = np.round(target * 0.18).astype(int)
    out["sasaran_balita"] = np.round(target * 0.42).astype(int)
    for col, share in (
        ("air_tidak_layak", 0.2),
        ("jamban_tidak_layak", 0.3),
        ("terlalu_muda", 0.05),
        ("terlalu_tua", 0.1),
        ("terlalu_dekat", 0.08),
        ("terlalu_banyak", 0.12),
    ):
        out[col] = np.round(at_risk * share * rng.uniform(0.5, 1.5, len(kel))).astype(int)
    return out


def _yes(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def services(kel: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows: list[tuple[str, str, str, str, str, str]] = []
    expected = []
    for kode, p in zip(kel["kode"], rng.uniform(0.45, 0.9, len(kel)), strict=True):
        y = app = app_opensid = complete = persons = 0
        for i in range(6):
            pid = f"{kode}-IBU{i + 1:02d}"
            tri = int(rng.integers(0, 4))  # 0 = delivered
            kek = _yes(rng, 0.25)
            raw: dict[str, object] = {"trimester": tri, "kek": int(kek)}
            marks = {}
            need = 2 if tri == 3 else 1
            for ind in MOTHER:
                applies = {
                    "anc": tri >= 1,
                    "fe": tri >= 1,
                    "konseling": tri >= 1,
                    "nifas": tri == 0,
                    "kunjungan_rumah": tri >= 1 and kek,
                }.get(ind, True)
                if not applies:
                    marks[ind] = "TS"
                    if ind == "kunjungan_rumah" and tri >= 1:
                        raw[ind] = 0  # a non-KEK pregnant mother without a visit
                    continue
                got = _yes(rng, p)
                marks[ind] = "Y" if got else "T"
                if ind in ("anc", "konseling"):
                    raw[ind] = need if got else need - 1
                elif ind == "nifas":
                    raw[ind] = 3 if got else int(rng.integers(0, 3))
                elif ind in ("fe", "kunjungan_rumah"):
                    raw[ind] = 1 if got else 0
                else:
                    raw[ind] = "Y" if got else "T"
            ys = sum(m == "Y" for m in marks.values())
            ap = sum(m != "TS" for m in marks.values())
            y, app = y + ys, app + ap
            app_opensid += ap + (1 if (tri >= 1 and not kek) else 0)
            complete += ys == ap
            persons += 1
            rows += [(pid, "ibu_hamil", QUARTER, kode, k, str(v)) for k, v in raw.items()]
        for i in range(10):
            pid = f"{kode}-ANAK{i + 1:02d}"
            age = int(rng.integers(0, 24))
            risk = _yes(rng, 0.2)
            raw = {"umur_bulan": age, "gizi_bermasalah": int(risk)}
            needed = [c for b, c in WEIGHINGS if age >= b][-1]
            ys = ap = 0
            for ind in CHILD:
                applies = not (
                    (ind == "paud" and age < 6) or (ind == "kunjungan_rumah" and not risk)
                )
                if not applies:
                    continue
                got = _yes(rng, p)
                ap += 1
                ys += got
                if ind == "penimbangan":
                    raw[ind] = needed + int(rng.integers(0, 3)) if got else needed - 1
                elif ind in ("imunisasi", "akta", "jkn", "air_bersih", "jamban"):
                    raw[ind] = "Y" if got else "T"
                else:
                    raw[ind] = int(rng.integers(1, 3)) if got else 0
            y, app, app_opensid = y + ys, app + ap, app_opensid + ap
            complete += ys == ap
            persons += 1
            rows += [(pid, "anak_0_23", QUARTER, kode, k, str(v)) for k, v in raw.items()]
        expected.append((kode, QUARTER, y, app, app_opensid, persons, complete))
    records = pd.DataFrame(
        rows, columns=["person", "group", "quarter", "area", "indicator", "value"]
    )
    exp = pd.DataFrame(
        expected,
        columns=[
            "kode",
            "quarter",
            "y",
            "applicable",
            "applicable_opensid",
            "households",
            "complete",
        ],
    )
    return records, exp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/samples"))
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    kel = kelurahan()
    args.out.mkdir(parents=True, exist_ok=True)
    coverage(kel, rng).to_csv(args.out / "pekalongan_cakupan.csv", index=False, lineterminator="\n")
    krs(kel, rng).to_csv(args.out / "pekalongan_krs.csv", index=False, lineterminator="\n")
    records, expected = services(kel, rng)
    records.to_csv(args.out / "pekalongan_layanan.csv", index=False, lineterminator="\n")
    expected.to_csv(args.out / "pekalongan_layanan_expected.csv", index=False, lineterminator="\n")
    print(f"wrote 4 files to {args.out} ({len(records)} service records)")


if __name__ == "__main__":
    main()
