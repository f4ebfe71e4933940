"""Generate synthetic multi-round measurements of Kota Pekalongan children, with known truth.

Everything is SYNTHETIC: children, NIKs (fictional, never issued) and measurements are
drawn by a seeded generator. Only the kelurahan names are real (Kota Pekalongan,
Kepmendagri No 300.2.2-2138 Tahun 2025); posyandu names are invented.

Two modes:

* ``stationary``: every child is measured in every round (bulan timbang Februari and
  Agustus); HAZ follows ``mean + sd * x`` with ``x`` an AR(1) series of correlation
  ``r`` between rounds, so the population does not change and any "new case" is noise.
  ``--shift`` moves the mean of the later rounds (a real improvement, for examples).
* ``planted``: children follow known trajectories over three rounds (never stunted, new
  case, recovery, relapse, lost, newly measured, aged out), with HAZ far from the
  cut-off, so every transition is known exactly. The truth per pair of rounds and
  kelurahan is written next to the data.

Heights are ``M (1 + S z)`` from the WHO 2006 length/height-for-age table (L = 1),
measured lying under 731 days and standing from then on, rounded to 0.1 cm.

Usage::

    python tools/make_rounds.py --out /tmp/rounds --children 3000 --rounds 2
    python tools/make_rounds.py --out /tmp/rounds --mode planted
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src" / "stuntlib" / "data" / "who2006_lhfa.tsv"

#: Kelurahan of Kota Pekalongan used by the generator (real names).
KELURAHAN = (
    "Medono", "Podosugih", "Tirto", "Pringrejo", "Kauman", "Noyontaansari",
    "Krapyak", "Panjang Wetan", "Kuripan Kidul", "Jenggot",
)  # fmt: skip
POSYANDU_PER_KELURAHAN = 4
FLOWERS = ("Melati", "Mawar", "Anggrek", "Kenanga", "Dahlia", "Flamboyan")

#: Bulan timbang rounds: February and August.
FIRST_ROUND = np.datetime64("2025-02-01")

#: Planted trajectories over three rounds: N not stunted, S stunted, - not measured,
#: A aged out (not measured, 60 months or older), with how many children follow each.
PLANTED: dict[str, int] = {
    "NNN": 400, "NSS": 37, "NNS": 23, "NSN": 11, "SNN": 29, "SSS": 61, "SNS": 13,
    "NN-": 17, "N--": 19, "-NN": 31, "--N": 7, "NAA": 9, "SAA": 3,
}  # fmt: skip


def _round_dates(rounds: int) -> np.ndarray:
    months = np.arange(rounds) * 6
    return np.array([np.datetime64(FIRST_ROUND.astype("datetime64[M]") + m, "D") for m in months])


def _medians() -> np.ndarray:
    t = pd.read_csv(TABLE, sep="\t")
    t = t.sort_values(["sex", t.columns[1]])
    return np.stack([t[t["sex"] == s][["m", "s"]].to_numpy() for s in (1, 2)])  # (2, days, 2)


def _heights(z: np.ndarray, age_days: np.ndarray, sex: np.ndarray, lms: np.ndarray):
    idx = np.clip(age_days.astype(np.int64), 0, lms.shape[1] - 1)
    m = lms[sex - 1, idx, 0]
    s = lms[sex - 1, idx, 1]
    return np.round(m * (1.0 + s * z), 1)


def _nik(rng: np.random.Generator, n: int) -> np.ndarray:
    # "3375" (Kota Pekalongan) + 12 random digits: fictional NIKs, unique in the file
    serial = rng.choice(10**12, size=n, replace=False)
    return np.array([f"3375{v:012d}" for v in serial])


def _places(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    kel = rng.integers(0, len(KELURAHAN), n)
    pos = rng.integers(0, POSYANDU_PER_KELURAHAN, n)
    kel_names = np.array(KELURAHAN)[kel]
    names = np.array(
        [
            [
                f"Posyandu {FLOWERS[(k + p) % len(FLOWERS)]} {p + 1}"
                for p in range(POSYANDU_PER_KELURAHAN)
            ]
            for k in range(len(KELURAHAN))
        ]
    )  # the posyandu of each kelurahan: a small table, looked up for every child
    return kel_names, names[kel, pos]


def _rows(nik, sex, birth, dates, kel, pos, z, present, lms) -> pd.DataFrame:
    parts = []
    for k, date in enumerate(dates):
        m = present[:, k]
        age = (date - birth[m]).astype(np.int64)
        parts.append(
            pd.DataFrame(
                {
                    "nik": nik[m],
                    "sex": np.where(sex[m] == 1, "L", "P"),
                    "birth_date": birth[m].astype("datetime64[s]"),
                    "measure_date": np.datetime64(date, "s"),
                    "round": str(np.datetime64(date, "M")),
                    "lenhei": _heights(z[m, k], age, sex[m], lms),
                    "measure": np.where(age < 731, "l", "h"),
                    "kelurahan": kel[m],
                    "posyandu": pos[m],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def stationary(
    children: int = 3000,
    rounds: int = 2,
    *,
    mean: float = -1.2,
    sd: float = 1.1,
    r: float = 0.9,
    shift: float = 0.0,
    seed: int = 20250201,
) -> pd.DataFrame:
    """Every child in every round; HAZ an AR(1) series (``shift`` added from round 2)."""
    rng = np.random.default_rng(seed)
    dates = _round_dates(rounds)
    span = 6 * (rounds - 1) * 30.4375
    # ages at round 1 from 0 to (59 months - the study span), so nobody ages out
    age1 = rng.uniform(0, 59 * 30.4375 - span, children).astype(np.int64)
    birth = dates[0] - age1.astype("timedelta64[D]")
    sex = rng.integers(1, 3, children)
    x = np.empty((children, rounds))
    x[:, 0] = rng.standard_normal(children)
    for k in range(1, rounds):  # one step per round, vectorised over children
        x[:, k] = r * x[:, k - 1] + np.sqrt(1 - r * r) * rng.standard_normal(children)
    z = mean + sd * x
    z[:, 1:] += shift
    kel, pos = _places(rng, children)
    present = np.ones((children, rounds), dtype=bool)
    return _rows(_nik(rng, children), sex, birth, dates, kel, pos, z, present, _medians())


def planted(seed: int = 20250202) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Children on the trajectories of :data:`PLANTED` over three rounds, and the truth."""
    rng = np.random.default_rng(seed)
    pattern = np.repeat(np.array(list(PLANTED)), list(PLANTED.values()))
    n = pattern.size
    dates = _round_dates(3)
    states = np.array([list(p) for p in pattern])  # (n, 3) of N/S/-/A
    aged = states[:, 1] == "A"
    age1 = np.where(
        aged,
        rng.integers(int(57.5 * 30.4375), int(59.5 * 30.4375), n),
        rng.integers(0, int(46 * 30.4375), n),
    )
    # children first measured in a later round are born before it, like everyone else
    birth = dates[0] - age1.astype("timedelta64[D]")
    sex = rng.integers(1, 3, n)
    z = np.where(states == "S", rng.uniform(-3.5, -2.4, (n, 3)), rng.uniform(-1.6, 0.5, (n, 3)))
    present = (states == "N") | (states == "S")
    kel, pos = _places(rng, n)
    data = _rows(_nik(rng, n), sex, birth, dates, kel, pos, z, present, _medians())
    return data, _truth(states, kel, dates)


def _truth(states: np.ndarray, kel: np.ndarray, dates: np.ndarray) -> pd.DataFrame:
    """Transition counts per pair of rounds and kelurahan, read off the trajectories."""
    measured = (states == "N") | (states == "S")
    rows = []
    for k in range(states.shape[1] - 1):
        a, b = states[:, k], states[:, k + 1]
        third = states[:, k + 2] if k + 2 < states.shape[1] else np.full(len(a), "-")
        earlier = (states[:, :k] == "S").any(axis=1)
        frame = pd.DataFrame(
            {
                "kelurahan": kel,
                "linked": measured[:, k] & measured[:, k + 1],
                "newly_stunted": (a == "N") & (b == "S"),
                "relapsed": (a == "N") & (b == "S") & earlier,
                "recovered": (a == "S") & (b == "N"),
                "persistent": (a == "S") & (b == "S"),
                "lost_to_follow_up": measured[:, k] & (b == "-"),
                "aged_out": measured[:, k] & (b == "A"),
                "newly_measured": ~measured[:, k] & measured[:, k + 1],
                "newly_stunted_confirmed": (a == "N") & (b == "S") & (third == "S"),
                "recovered_confirmed": (a == "S") & (b == "N") & (third == "N"),
            }
        )
        t = frame.groupby("kelurahan").sum().reset_index()
        t.insert(0, "period_to", str(np.datetime64(dates[k + 1], "M")))
        t.insert(0, "period_from", str(np.datetime64(dates[k], "M")))
        rows.append(t)
    return pd.concat(rows, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--mode", choices=["stationary", "planted"], default="stationary")
    p.add_argument("--children", type=int, default=3000)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--r", type=float, default=0.9, help="between-round correlation")
    p.add_argument("--shift", type=float, default=0.0, help="HAZ shift from round 2")
    p.add_argument("--seed", type=int, default=20250201)
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.mode == "planted":
        data, truth = planted(args.seed)
        truth.to_csv(args.out / "pekalongan_rounds_truth.csv", index=False)
    else:
        data = stationary(args.children, args.rounds, r=args.r, shift=args.shift, seed=args.seed)
    path = args.out / "pekalongan_rounds.csv"
    data.assign(
        birth_date=data["birth_date"].dt.strftime("%d/%m/%Y"),
        measure_date=data["measure_date"].dt.strftime("%d/%m/%Y"),
    ).to_csv(path, index=False)
    print(f"wrote {len(data):,} rows to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
