"""Generate the synthetic Kota Pekalongan e-PPGBM sample in ``data/samples/``.

Everything this script writes is SYNTHETIC: the children, their names, parents, addresses
and NIKs are invented by a seeded random generator. Only the administrative facts are real:
Kota Pekalongan (Kemendagri code 33.75), its 4 kecamatan and 27 kelurahan with their names
and codes (Kepmendagri No 300.2.2-2138 Tahun 2025). The puskesmas-to-kelurahan assignment,
the posyandu names, the street names and the per-kelurahan stunting levels are invented.

The sample imitates one round (bulan timbang Agustus 2025) of an e-PPGBM export: the
verbatim export headers (``Pukesmas`` misspelled as in the real export), dd/mm/yyyy text
dates, NIK as text, ``Cara Ukur`` ``Terlentang``/``Berdiri``. Heights are drawn from the WHO
2006 length/height-for-age standard with a kelurahan-specific shift, weights from the WHO
weight-for-length/height standard given the height, then defects that real exports carry
are planted, each listed with its row in ``pekalongan_defects.csv``.

Usage::

    python tools/make_sample.py --out data/samples            # the bundled sample
    python tools/make_sample.py --out /tmp/s --n 2000 --seed 7  # a smaller variant

Writes ``pekalongan_eppgbm.csv``, ``pekalongan_eppgbm.xlsx`` (unless ``--formats csv``) and
``pekalongan_defects.csv``, then prints a check of the stunting prevalence recomputed from
the written CSV (LMS formula and WHO's 0.7 cm rule). Output is byte-for-byte reproducible
for a given ``--n`` and ``--seed`` (the xlsx too: fixed document and zip timestamps).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
TABLES = ROOT / "src" / "stuntlib" / "data"

DEFAULT_N = 20_000
DEFAULT_SEED = 20250817

CSV_NAME = "pekalongan_eppgbm.csv"
XLSX_NAME = "pekalongan_eppgbm.xlsx"
DEFECTS_NAME = "pekalongan_defects.csv"

#: Fixed timestamp for the xlsx document properties and zip entries (reproducible output).
XLSX_TIMESTAMP = dt.datetime(2025, 9, 1, 8, 0, 0)

#: Measurement round: bulan timbang Agustus 2025.
ROUND_START = np.datetime64("2025-08-01")
ROUND_DAYS = 31

PROVINSI = "JAWA TENGAH"
KOTA = "KOTA PEKALONGAN"
KOTA_CODE = "33.75"

#: Kecamatan of Kota Pekalongan: (Kemendagri code, name).
KECAMATAN: tuple[tuple[str, str], ...] = (
    ("33.75.01", "Pekalongan Barat"),
    ("33.75.02", "Pekalongan Timur"),
    ("33.75.03", "Pekalongan Utara"),
    ("33.75.04", "Pekalongan Selatan"),
)

#: The 27 kelurahan: (Kemendagri code, name, synthetic puskesmas, synthetic target stunting
#: prevalence). Codes and names are real; puskesmas assignment and prevalence are invented.
KELURAHAN: tuple[tuple[str, str, str, float], ...] = (
    ("33.75.01.1002", "Medono", "Medono", 0.18),
    ("33.75.01.1003", "Podosugih", "Medono", 0.21),
    ("33.75.01.1004", "Sapuro Kebulen", "Medono", 0.15),
    ("33.75.01.1006", "Bendan Kergon", "Medono", 0.12),
    ("33.75.01.1008", "Pasirkratonkramat", "Tirto", 0.27),
    ("33.75.01.1009", "Tirto", "Tirto", 0.24),
    ("33.75.01.1012", "Pringrejo", "Tirto", 0.20),
    ("33.75.02.1002", "Noyontaansari", "Noyontaan", 0.17),
    ("33.75.02.1004", "Kauman", "Noyontaan", 0.14),
    ("33.75.02.1007", "Poncol", "Noyontaan", 0.19),
    ("33.75.02.1008", "Klego", "Klego", 0.23),
    ("33.75.02.1009", "Gamer", "Klego", 0.26),
    ("33.75.02.1010", "Setono", "Klego", 0.22),
    ("33.75.02.1012", "Kali Baros", "Klego", 0.25),
    ("33.75.03.1002", "Krapyak", "Krapyak", 0.30),
    ("33.75.03.1003", "Kandang Panjang", "Panjang Wetan", 0.32),
    ("33.75.03.1004", "Panjang Wetan", "Panjang Wetan", 0.35),
    ("33.75.03.1006", "Padukuhan Kraton", "Krapyak", 0.28),
    ("33.75.03.1007", "Degayu", "Krapyak", 0.31),
    ("33.75.03.1009", "Bandengan", "Panjang Wetan", 0.33),
    ("33.75.03.1010", "Panjang Baru", "Panjang Wetan", 0.29),
    ("33.75.04.1002", "Banyurip", "Buaran", 0.24),
    ("33.75.04.1003", "Buaran Kradenan", "Buaran", 0.27),
    ("33.75.04.1004", "Jenggot", "Jenggot", 0.22),
    ("33.75.04.1006", "Kuripan Kertoharjo", "Jenggot", 0.26),
    ("33.75.04.1008", "Kuripan Yosorejo", "Jenggot", 0.28),
    ("33.75.04.1010", "Sokoduwet", "Buaran", 0.30),
)

#: Export headers, verbatim as in e-PPGBM (``Pukesmas`` sic).
COLUMNS: tuple[str, ...] = (
    "No",
    "NIK",
    "Nama",
    "JK",
    "Tgl Lahir",
    "BB Lahir",
    "TB Lahir",
    "Nama Ortu",
    "Prov",
    "Kab/Kota",
    "Kec",
    "Pukesmas",
    "Desa/Kel",
    "Posyandu",
    "RT",
    "RW",
    "Alamat",
    "Usia Saat Ukur",
    "Tanggal Pengukuran",
    "Berat",
    "Tinggi",
    "Cara Ukur",
    "LiLA",
    "BB/U",
    "ZS BB/U",
    "TB/U",
    "ZS TB/U",
    "BB/TB",
    "ZS BB/TB",
)
#: Columns left empty on purpose: the export's own computed statuses are not trusted.
EMPTY_COLUMNS = ("BB/U", "ZS BB/U", "TB/U", "ZS TB/U", "BB/TB", "ZS BB/TB")
NUMERIC_COLUMNS = ("BB Lahir", "TB Lahir", "Berat", "Tinggi", "LiLA")

#: Row-level defects: number planted in a 20,000-child sample (scaled with ``--n``).
DEFECT_COUNTS: dict[str, int] = {
    "age_over_60m": 25,
    "twin_nik_duplicate": 10,
    "lying_over_24m": 150,
    "standing_under_9m": 15,
    "missing_cara_ukur": 300,
    "swapped_height_weight": 8,
    "implausible_height": 8,
    "implausible_weight": 8,
    "missing_height": 10,
    "missing_weight": 10,
    "missing_sex": 8,
    "nik_birthdate_mismatch": 15,
    "nik_sex_mismatch": 10,
    "nik_scientific_notation": 12,
    "birth_after_measurement": 10,
    "missing_birth_date": 20,
    "duplicate_row": 40,
}
#: Quirks that readers must handle (not data errors), numbers for 20,000 children.
QUIRK_COUNTS: dict[str, int] = {
    "xlsx_decimal_comma_text": 30,
    "xlsx_nik_numeric": 5,
}
TELENTANG_SHARE = 0.03  # share of lying rows spelled "Telentang"
HEIGHT_HEAPING_POSYANDU_SHARE = 0.12
WEIGHT_HEAPING_POSYANDU_SHARE = 0.08
HEAPING_ROW_SHARE = 0.8  # within a heaping posyandu, share of rows rounded

IMPLAUSIBLE_HEIGHTS = (15.0, 875.0, 0.9, 250.0, 8.6, 999.0, 190.0, 1.0)
IMPLAUSIBLE_WEIGHTS = (150.0, 112.0, 999.0, 0.2, 85.0, 1.1, 60.0, 131.0)

# --- name material (all invented combinations) -------------------------------------------
BOY_NAMES = (
    "Muhammad",
    "Ahmad",
    "Rizky",
    "Fadil",
    "Arkan",
    "Alif",
    "Bima",
    "Dimas",
    "Fauzan",
    "Hafiz",
    "Ilham",
    "Kenzo",
    "Raka",
    "Zidan",
    "Azka",
    "Farhan",
    "Galih",
    "Haikal",
    "Naufal",
    "Rafi",
    "Satria",
    "Yusuf",
    "Abdullah",
    "Athar",
    "Bagas",
    "Daffa",
    "Emir",
    "Fikri",
    "Gilang",
    "Hanif",
    "Irfan",
    "Jibran",
    "Khalil",
    "Lutfi",
    "Malik",
    "Nabil",
    "Omar",
    "Pandu",
    "Qais",
    "Reza",
)
GIRL_NAMES = (
    "Aisyah",
    "Siti",
    "Nur",
    "Azzahra",
    "Kirana",
    "Nadia",
    "Salsabila",
    "Zahra",
    "Alya",
    "Bilqis",
    "Citra",
    "Dinda",
    "Fatimah",
    "Hana",
    "Intan",
    "Khansa",
    "Laila",
    "Maryam",
    "Nayla",
    "Putri",
    "Rania",
    "Safira",
    "Tiara",
    "Umi",
    "Wulan",
    "Yasmin",
    "Zaskia",
    "Adiba",
    "Anindya",
    "Aqila",
    "Hilya",
    "Keisha",
    "Mikayla",
    "Naura",
    "Qonita",
    "Shafa",
    "Syifa",
    "Arumi",
    "Dewi",
    "Kayla",
)
MOTHER_NAMES = (
    "Sri",
    "Siti",
    "Nur",
    "Umi",
    "Dewi",
    "Endang",
    "Fitri",
    "Lestari",
    "Rina",
    "Khusnul",
    "Ani",
    "Eka",
    "Ika",
    "Lia",
    "Mega",
    "Nining",
    "Ratna",
    "Septi",
    "Tri",
    "Wahyu",
    "Yuni",
    "Zulaikha",
    "Aminah",
    "Faridah",
    "Halimah",
    "Jamilah",
    "Maesaroh",
    "Nurul",
    "Rohmah",
    "Solikhah",
    "Uswatun",
    "Wiwik",
    "Yeni",
    "Dian",
    "Erna",
    "Heni",
    "Indah",
    "Kurniasih",
)
SYLLABLES_A = (
    "Ra",
    "Fa",
    "Za",
    "Ka",
    "Na",
    "Sa",
    "Ha",
    "Ma",
    "La",
    "Da",
    "Ta",
    "Ar",
    "Al",
    "Is",
    "Nu",
    "Ri",
    "Ki",
    "Ya",
    "Wi",
    "Ad",
)
SYLLABLES_MID = ("", "", "", "ri", "la", "si", "na", "ma", "di")
ENDINGS_BOY = ("fan", "dan", "ran", "san", "zan", "dio", "tra", "wan", "ndra", "ko", "zam", "ham")
ENDINGS_GIRL = ("fa", "na", "ra", "ya", "ni", "sa", "ka", "la", "tri", "nda", "ti", "wati")
FLOWERS = (
    "Melati",
    "Mawar",
    "Anggrek",
    "Kenanga",
    "Dahlia",
    "Flamboyan",
    "Cempaka",
    "Teratai",
    "Seruni",
    "Kamboja",
    "Bougenville",
    "Nusa Indah",
    "Lili",
    "Tulip",
    "Asoka",
    "Sakura",
)
STREETS = (
    "Jl. Kenari",
    "Jl. Seruni",
    "Jl. Merpati",
    "Jl. Kutilang",
    "Jl. Nangka",
    "Jl. Jambu",
    "Jl. Belimbing",
    "Jl. Pisang",
    "Jl. Manggis",
    "Jl. Kelapa",
    "Jl. Tembusan",
    "Jl. Pesisir",
    "Jl. Batik",
    "Jl. Tenun",
    "Jl. Sawo",
    "Jl. Duku",
    "Jl. Rambutan",
    "Jl. Waru",
    "Jl. Masjid",
    "Jl. Pondok",
    "Jl. Sungai",
    "Jl. Tambak",
    "Jl. Kebon",
    "Jl. Sekolah",
)


# --- WHO LMS tables -------------------------------------------------------------------------
class LmsTable:
    """An LMS table keyed by sex and an evenly spaced index (age in days or cm)."""

    def __init__(self, name: str, step: float = 1.0) -> None:
        raw = np.loadtxt(TABLES / name, delimiter="\t", skiprows=1)
        self.step = step
        self.start = raw[raw[:, 0] == 1, 1][0]
        self.stop = raw[raw[:, 0] == 1, 1][-1]
        self.lms = {int(s): raw[raw[:, 0] == s, 2:5] for s in (1, 2)}

    def params(self, sex: NDArray, key: NDArray) -> NDArray:
        """L, M, S (columns) at the nearest key (clipped to the table range)."""
        k = np.clip(np.rint((key - self.start) / self.step), 0, None).astype(np.int64)
        out = np.empty((len(sex), 3))
        for s in (1, 2):
            rows = sex == s
            tab = self.lms[s]
            out[rows] = tab[np.minimum(k[rows], len(tab) - 1)]
        return out

    def value(self, sex: NDArray, key: NDArray, z: NDArray, restricted: bool = False) -> NDArray:
        """Measurement at z-score z; ``restricted`` applies WHO's linear tails beyond |z|=3."""
        lms = self.params(sex, key)
        v = lms_value(lms, z)
        if restricted:
            sd3p, sd2p = lms_value(lms, np.full_like(z, 3.0)), lms_value(lms, np.full_like(z, 2.0))
            sd3n = lms_value(lms, np.full_like(z, -3.0))
            sd2n = lms_value(lms, np.full_like(z, -2.0))
            v = np.where(z > 3, sd3p + (z - 3) * (sd3p - sd2p), v)
            v = np.where(z < -3, sd3n + (z + 3) * (sd2n - sd3n), v)
        return v

    def zscore(self, sex: NDArray, key: NDArray, y: NDArray) -> NDArray:
        """Plain LMS z-score of y."""
        lms = self.params(sex, key)
        l_, m, s = lms[:, 0], lms[:, 1], lms[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(l_ != 0, ((y / m) ** l_ - 1) / (l_ * s), np.log(y / m) / s)


def lms_value(lms: NDArray, z: NDArray) -> NDArray:
    """M (1 + L S z)^(1/L), or M exp(S z) when L = 0."""
    l_, m, s = lms[:, 0], lms[:, 1], lms[:, 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        pos = m * np.power(np.maximum(1 + l_ * s * z, 1e-9), 1 / np.where(l_ == 0, 1, l_))
    return np.where(l_ != 0, pos, m * np.exp(s * z))


def norm_cdf(x: NDArray) -> NDArray:
    """Standard normal CDF (scipy-free)."""
    from math import erf, sqrt

    return 0.5 * (1 + np.vectorize(erf)(np.asarray(x) / sqrt(2)))


# --- helpers --------------------------------------------------------------------------------
def scaled(count: int, n: int) -> int:
    """Count for a sample of n children (at least 1 when planted at all)."""
    return max(1, round(count * n / DEFAULT_N)) if count else 0


def fmt_dates(d: NDArray) -> list[str]:
    """Datetime64[D] -> dd/mm/yyyy text ('' for NaT)."""
    out = []
    for s in np.datetime_as_string(d, unit="D"):
        out.append("" if s == "NaT" else f"{s[8:10]}/{s[5:7]}/{s[0:4]}")
    return out


def ymd(d: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Year, month (1-12), day (1-31) of datetime64[D] values."""
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, day


def age_text(birth: NDArray, visit: NDArray) -> list[str]:
    """Calendar age 'Y Tahun - M Bulan - D Hari' as e-PPGBM prints it."""
    by, bm, bd = ymd(birth)
    vy, vm, vd = ymd(visit)
    years, months, days = vy - by, vm - bm, vd - bd
    month_start = visit.astype("datetime64[M]").astype("datetime64[D]")
    prev_len = (
        month_start - (month_start - 1).astype("datetime64[M]").astype("datetime64[D]")
    ).astype(np.int64)
    borrow = days < 0
    days = np.where(borrow, days + prev_len, days)
    months = np.where(borrow, months - 1, months)
    neg = months < 0
    months = np.where(neg, months + 12, months)
    years = np.where(neg, years - 1, years)
    return [
        f"{a} Tahun - {b} Bulan - {c} Hari" for a, b, c in zip(years, months, days, strict=True)
    ]


def make_nik(kec2: NDArray, birth: NDArray, sex: NDArray, serial: NDArray) -> NDArray:
    """16-digit NIK: 3375 + kecamatan + DDMMYY (DD + 40 for girls) + 4-digit serial."""
    y, m, d = ymd(birth)
    d = d + 40 * (sex == 2)
    return np.array(
        [
            f"3375{k:02d}{dd:02d}{mm:02d}{yy % 100:02d}{s:04d}"
            for k, dd, mm, yy, s in zip(kec2, d, m, y, serial, strict=True)
        ],
        dtype=object,
    )


def _pick_words(rng: np.random.Generator, words: tuple[str, ...], n: int) -> NDArray:
    return np.array(words, dtype=object)[rng.integers(0, len(words), n)]


def made_names(rng: np.random.Generator, sex: NDArray) -> NDArray:
    """Invented second names from syllables (e.g. 'Karifan', 'Zalana')."""
    n = len(sex)
    stem = _pick_words(rng, SYLLABLES_A, n) + _pick_words(rng, SYLLABLES_MID, n)
    end = np.where(sex == 1, _pick_words(rng, ENDINGS_BOY, n), _pick_words(rng, ENDINGS_GIRL, n))
    return stem + end


def child_names(rng: np.random.Generator, sex: NDArray) -> NDArray:
    """Invented Indonesian-looking child names (1-3 words), upper case."""
    n = len(sex)
    first = np.where(sex == 1, _pick_words(rng, BOY_NAMES, n), _pick_words(rng, GIRL_NAMES, n))
    made = made_names(rng, sex)
    other = np.where(sex == 1, _pick_words(rng, BOY_NAMES, n), _pick_words(rng, GIRL_NAMES, n))
    words = rng.choice(3, size=n, p=[0.15, 0.6, 0.25]) + 1
    out = np.where(words == 1, first, first + " " + made)
    out = np.where(words == 3, first + " " + other + " " + made, out)
    return np.array([s.upper() for s in out], dtype=object)


def mother_names(rng: np.random.Generator, n: int) -> NDArray:
    """Invented mothers' names (2 words), upper case."""
    first = _pick_words(rng, MOTHER_NAMES, n)
    made = made_names(rng, np.full(n, 2))
    return np.array([s.upper() for s in first + " " + made], dtype=object)


# --- generation -----------------------------------------------------------------------------
def build_posyandu(rng: np.random.Generator, n: int, share: float) -> dict[str, NDArray]:
    """Posyandu (one per RW) of every kelurahan, with size, date and heaping behaviour."""
    kel_weight = rng.uniform(0.6, 1.4, len(KELURAHAN))
    kel_n = rng.multinomial(n, kel_weight / kel_weight.sum())
    kel_idx, names, rw, n_rt = [], [], [], []
    for k, size in enumerate(kel_n):
        n_pos = max(3, round(size / 70))
        flowers = rng.choice(len(FLOWERS), size=min(4, 1 + n_pos // 4), replace=False)
        counters = dict.fromkeys(flowers.tolist(), 0)
        for j in range(n_pos):
            f = int(flowers[j % len(flowers)])
            counters[f] += 1
            names.append(f"Posyandu {FLOWERS[f]} {counters[f]}")
            kel_idx.append(k)
            rw.append(j + 1)
            n_rt.append(int(rng.integers(3, 11)))
    p = len(names)
    days = rng.integers(0, ROUND_DAYS, p)
    date = ROUND_START + days
    sunday = ((date.astype(np.int64) + 3) % 7) == 6  # 1970-01-01 was a Thursday (Mon = 0)
    date = np.where(sunday, date - 1, date)
    return {
        "kel": np.array(kel_idx),
        "name": np.array(names, dtype=object),
        "rw": np.array(rw),
        "n_rt": np.array(n_rt),
        "date": date,
        "kel_n": kel_n,
        "heap_h": rng.random(p) < share * HEIGHT_HEAPING_POSYANDU_SHARE,
        "heap_w": rng.random(p) < share * WEIGHT_HEAPING_POSYANDU_SHARE,
    }


def haz_age_profile(age_days: NDArray) -> NDArray:
    """Mean HAZ shift by age: near the standard at birth, falling through the second year."""
    months = age_days / 30.4375
    return 0.55 * np.exp(-months / 7.0) - 0.1 * np.clip((months - 24) / 36, 0, 1)


HAZ_SD = 1.12


def kelurahan_means(target: NDArray, kel: NDArray, age_days: NDArray) -> NDArray:
    """Per-kelurahan HAZ mean shift so that P(HAZ < -2) hits its target (bisection)."""
    lo, hi = np.full(len(target), -3.0), np.full(len(target), 1.0)
    prof = haz_age_profile(age_days)
    for _ in range(50):
        mid = (lo + hi) / 2
        p = norm_cdf((-2 - mid[kel] - prof) / HAZ_SD)
        prev = np.bincount(kel, weights=p, minlength=len(target)) / np.maximum(
            np.bincount(kel, minlength=len(target)), 1
        )
        too_high = prev > target  # mean too low
        lo = np.where(too_high, mid, lo)
        hi = np.where(too_high, hi, mid)
    return (lo + hi) / 2


def pick(rng: np.random.Generator, eligible: NDArray, used: NDArray, count: int) -> NDArray:
    """Choose ``count`` eligible, not yet used rows (sorted), mark them used."""
    pool = np.flatnonzero(eligible & ~used)
    rows = np.sort(rng.choice(pool, size=min(count, len(pool)), replace=False))
    used[rows] = True
    return rows


def generate(
    n: int, seed: int, clean: bool = False
) -> tuple[list[list[object]], list[dict[str, object]]]:
    """Build the export rows (typed values) and the defect list.

    ``clean=True`` draws HAZ and WHZ from the WHO standard itself (N(0, 1), no kelurahan
    shift) and plants no defect, heaping or quirk: a reference set that quality checks
    should pass.
    """
    rng = np.random.default_rng(seed)
    count = {k: 0 if clean else scaled(v, n) for k, v in {**DEFECT_COUNTS, **QUIRK_COUNTS}.items()}
    share = 0.0 if clean else 1.0
    lhfa = LmsTable("who2006_lhfa.tsv")
    wfl = LmsTable("who2006_wfl.tsv", step=0.1)
    wfh = LmsTable("who2006_wfh.tsv", step=0.1)
    acfa = LmsTable("who2006_acfa.tsv")
    hfa07 = LmsTable("who2007_hfa.tsv")

    pos = build_posyandu(rng, n, share)
    # children -> posyandu, proportional to random posyandu sizes within each kelurahan
    pos_w = rng.uniform(0.5, 1.5, len(pos["name"]))
    child_pos = np.empty(n, dtype=np.int64)
    start = 0
    for k, size in enumerate(pos["kel_n"]):
        mine = np.flatnonzero(pos["kel"] == k)
        child_pos[start : start + size] = rng.choice(
            mine, size=size, p=pos_w[mine] / pos_w[mine].sum()
        )
        start += size
    kel = pos["kel"][child_pos]
    visit = pos["date"][child_pos]

    sex = np.where(rng.random(n) < 1.05 / 2.05, 1, 2)
    # age: uniform over 0-1825 days, half density in the first month
    first_month = rng.random(n) < 15 / (15 + 1796)
    age = np.where(first_month, rng.integers(0, 30, n), rng.integers(30, 1826, n))
    used = np.zeros(n, dtype=bool)
    defects: list[tuple[int, str, str, str]] = []  # (child index, kind, column, detail)

    older = pick(rng, np.ones(n, bool), used, count["age_over_60m"])
    age[older] = rng.integers(1827, 2160, len(older))
    defects += [(int(i), "age_over_60m", "Tgl Lahir", f"age {age[i]} days") for i in older]
    birth = visit - age

    kec2 = np.array([int(KELURAHAN[k][0][6:8]) for k in kel])
    moved = rng.random(n) < 0.1
    nik_kec = np.where(moved, rng.integers(1, 5, n), kec2)
    rt = 1 + (rng.random(n) * pos["n_rt"][child_pos]).astype(np.int64)
    alamat = [
        f"{STREETS[s]}{f' Gg. {g}' if g else ''} No. {h}"
        for s, g, h in zip(
            rng.integers(0, len(STREETS), n),
            np.where(rng.random(n) < 0.5, rng.integers(1, 13, n), 0),
            rng.integers(1, 160, n),
            strict=True,
        )
    ]
    alamat = np.array(alamat, dtype=object)
    nama = child_names(rng, sex)
    ortu = mother_names(rng, n)

    # twins: a second child with the same mother, birth date, posyandu and (wrongly) NIK
    twins = pick(rng, np.ones(n, bool), used, count["twin_nik_duplicate"])
    sources = pick(rng, age < 1826, used, len(twins))
    for t, s in zip(twins, sources, strict=True):
        for arr in (sex, age, birth, visit, kel, child_pos, kec2, nik_kec, rt, alamat, ortu):
            arr[t] = arr[s]
        nama[t] = child_names(rng, sex[[t]])[0]
        while nama[t] == nama[s]:
            nama[t] = child_names(rng, sex[[t]])[0]

    # NIK, unique except for the planted twins
    serial = rng.integers(1, 10000, n)
    nik = make_nik(nik_kec, birth, sex, serial)
    for _ in range(100):
        _, first_idx, counts = np.unique(nik, return_index=True, return_counts=True)
        dup = np.ones(n, bool)
        dup[first_idx] = False
        if not dup.any():
            break
        serial[dup] = rng.integers(1, 10000, dup.sum())
        nik[dup] = make_nik(nik_kec[dup], birth[dup], sex[dup], serial[dup])
    nik[twins] = nik[sources]
    defects += [
        (int(t), "twin_nik_duplicate", "NIK", f"same NIK as twin {nama[s]}")
        for t, s in zip(twins, sources, strict=True)
    ]

    # --- true anthropometry -----------------------------------------------------------------
    target = np.array([k[3] for k in KELURAHAN])
    mu = kelurahan_means(target, kel[age < 1826], age[age < 1826])
    haz = mu[kel] + haz_age_profile(np.minimum(age, 1825)) + HAZ_SD * rng.standard_normal(n)
    if clean:
        haz = rng.standard_normal(n)
    # length if under 731 days, height from 731 days (the position of the standard)
    true_h = lhfa.value(sex, np.minimum(age, 1856), haz)
    over = age > 1856
    true_h[over] = hfa07.value(sex[over], np.rint(age[over] / 30.4375), haz[over])
    mu_w = -0.15 + 0.25 * (mu - mu.mean())
    whz = mu_w[kel] + 1.05 * rng.standard_normal(n)
    if clean:
        whz = rng.standard_normal(n)
    lying_std = age < 731
    weight = np.empty(n)
    key = np.round(true_h, 1)
    weight[lying_std] = wfl.value(
        sex[lying_std], np.clip(key[lying_std], 45, 110), whz[lying_std], restricted=True
    )
    weight[~lying_std] = wfh.value(
        sex[~lying_std], np.clip(key[~lying_std], 65, 120), whz[~lying_std], restricted=True
    )
    waz_noise = rng.standard_normal(n)
    bb_lahir = np.round(np.clip(3.05 + 0.12 * haz + 0.42 * waz_noise, 1.4, 4.8), 1)
    tb_lahir = np.round(np.clip(48.8 + 0.5 * haz + 1.8 * rng.standard_normal(n), 40, 55), 1)
    bb_lahir = np.where(rng.random(n) < 0.07, np.nan, bb_lahir)
    tb_lahir = np.where(rng.random(n) < 0.15, np.nan, tb_lahir)
    lila = acfa.value(
        sex,
        np.clip(age, 91, 1856),
        0.6 * whz - 0.2 * share + 0.8 * rng.standard_normal(n),
        restricted=True,
    )
    lila = np.where((age >= 183) & (rng.random(n) < 0.35), np.round(lila, 1), np.nan)

    # --- position and recorded length/height --------------------------------------------------
    position = np.where(age < 731, "Terlentang", "Berdiri").astype(object)
    recorded_h = true_h.copy()
    lying_old = pick(rng, (age >= 731) & (age < 1826), used, count["lying_over_24m"])
    position[lying_old] = "Terlentang"
    recorded_h[lying_old] += 0.7  # lying length is 0.7 cm longer than standing height
    defects += [(int(i), "lying_over_24m", "Cara Ukur", f"age {age[i]} days") for i in lying_old]
    standing_young = pick(rng, age < 274, used, count["standing_under_9m"])
    position[standing_young] = "Berdiri"  # a recumbent length labelled standing
    defects += [
        (int(i), "standing_under_9m", "Cara Ukur", f"age {age[i]} days") for i in standing_young
    ]
    no_pos = pick(rng, np.ones(n, bool), used, count["missing_cara_ukur"])
    position[no_pos] = ""
    defects += [(int(i), "missing_cara_ukur", "Cara Ukur", "") for i in no_pos]
    recorded_h = np.round(recorded_h, 1)
    recorded_w = np.round(weight, 1)

    # --- value defects (rows not heaped) ------------------------------------------------------
    value_rows: dict[str, NDArray] = {}
    for kind in (
        "swapped_height_weight",
        "implausible_height",
        "implausible_weight",
        "missing_height",
        "missing_weight",
    ):
        value_rows[kind] = pick(rng, age < 1826, used, count[kind])

    # --- heaping by posyandu -------------------------------------------------------------------
    excluded = np.zeros(n, bool)
    for rows in value_rows.values():
        excluded[rows] = True
    pos_label = [
        f"{KELURAHAN[k][1].upper()} / {p}" for k, p in zip(pos["kel"], pos["name"], strict=True)
    ]
    heap_h = pos["heap_h"][child_pos] & (rng.random(n) < HEAPING_ROW_SHARE) & ~excluded
    to_whole = rng.random(n) < 0.55
    recorded_h = np.where(
        heap_h, np.where(to_whole, np.round(recorded_h), np.round(recorded_h * 2) / 2), recorded_h
    )
    defects += [
        (int(i), "height_heaping", "Tinggi", pos_label[child_pos[i]])
        for i in np.flatnonzero(heap_h)
    ]
    heap_w = pos["heap_w"][child_pos] & (rng.random(n) < HEAPING_ROW_SHARE) & ~excluded
    recorded_w = np.where(heap_w, np.maximum(np.round(recorded_w), 1.0), recorded_w)
    defects += [
        (int(i), "weight_heaping", "Berat", pos_label[child_pos[i]]) for i in np.flatnonzero(heap_w)
    ]

    rows = value_rows["swapped_height_weight"]
    recorded_h[rows], recorded_w[rows] = recorded_w[rows].copy(), recorded_h[rows].copy()
    defects += [(int(i), "swapped_height_weight", "Berat,Tinggi", "") for i in rows]
    rows = value_rows["implausible_height"]
    recorded_h[rows] = [IMPLAUSIBLE_HEIGHTS[j % len(IMPLAUSIBLE_HEIGHTS)] for j in range(len(rows))]
    defects += [(int(i), "implausible_height", "Tinggi", f"{recorded_h[i]:.1f}") for i in rows]
    rows = value_rows["implausible_weight"]
    recorded_w[rows] = [IMPLAUSIBLE_WEIGHTS[j % len(IMPLAUSIBLE_WEIGHTS)] for j in range(len(rows))]
    defects += [(int(i), "implausible_weight", "Berat", f"{recorded_w[i]:.1f}") for i in rows]
    recorded_h[value_rows["missing_height"]] = np.nan
    recorded_w[value_rows["missing_weight"]] = np.nan
    defects += [(int(i), "missing_height", "Tinggi", "") for i in value_rows["missing_height"]]
    defects += [(int(i), "missing_weight", "Berat", "") for i in value_rows["missing_weight"]]

    # --- identity and date defects ------------------------------------------------------------
    jk = np.where(sex == 1, "L", "P").astype(object)
    rows = pick(rng, np.ones(n, bool), used, count["missing_sex"])
    jk[rows] = ""
    defects += [(int(i), "missing_sex", "JK", "") for i in rows]

    rows = pick(rng, age < 1826, used, count["nik_birthdate_mismatch"])
    shift = rng.integers(1, 400, len(rows)) * rng.choice([-1, 1], len(rows))
    wrong = make_nik(nik_kec[rows], birth[rows] + shift, sex[rows], serial[rows])
    nik[rows] = wrong
    defects += [
        (int(i), "nik_birthdate_mismatch", "NIK", f"NIK encodes birth date shifted {d:+d} days")
        for i, d in zip(rows, shift, strict=True)
    ]
    rows = pick(rng, age < 1826, used, count["nik_sex_mismatch"])
    nik[rows] = make_nik(nik_kec[rows], birth[rows], 3 - sex[rows], serial[rows])
    defects += [(int(i), "nik_sex_mismatch", "NIK", "NIK encodes the other sex") for i in rows]
    rows = pick(rng, age < 1826, used, count["nik_scientific_notation"])
    for i in rows:
        nik[i] = f"{int(nik[i]):.5E}"
    defects += [(int(i), "nik_scientific_notation", "NIK", nik[i]) for i in rows]

    birth_rec = birth.copy()
    rows = pick(
        rng,
        (age < 330) & (age >= 30),
        used,
        count["birth_after_measurement"],
    )
    y, m, d = ymd(birth[rows])
    birth_rec[rows] = np.array(
        [
            np.datetime64(f"{a + 1:04d}-{b:02d}-{min(c, 28):02d}")
            for a, b, c in zip(y, m, d, strict=True)
        ]
    )
    nik[rows] = make_nik(nik_kec[rows], birth_rec[rows], sex[rows], serial[rows])
    defects += [
        (int(i), "birth_after_measurement", "Tgl Lahir", "birth year typed one too high")
        for i in rows
    ]
    rows = pick(rng, age < 1826, used, count["missing_birth_date"])
    birth_rec[rows] = np.datetime64("NaT")
    defects += [(int(i), "missing_birth_date", "Tgl Lahir", "") for i in rows]

    # spelling variant (a quirk, not an error)
    telentang = (position == "Terlentang") & (rng.random(n) < share * TELENTANG_SHARE)
    position[telentang] = "Telentang"

    usia = np.array(age_text(birth_rec, visit), dtype=object)
    usia[np.isnat(birth_rec) | (birth_rec > visit)] = ""

    # --- rows -----------------------------------------------------------------------------
    kec_name = {code: name.upper() for code, name in KECAMATAN}
    records = []
    b_txt, v_txt = fmt_dates(birth_rec), fmt_dates(visit)
    for i in range(n):
        code, kname, pkm, _ = KELURAHAN[kel[i]]
        records.append(
            [
                0,
                nik[i],
                nama[i],
                jk[i],
                b_txt[i],
                bb_lahir[i],
                tb_lahir[i],
                ortu[i],
                PROVINSI,
                KOTA,
                kec_name[code[:8]],
                pkm.upper(),
                kname.upper(),
                pos["name"][child_pos[i]],
                int(rt[i]),
                int(pos["rw"][child_pos[i]]),
                alamat[i],
                usia[i],
                v_txt[i],
                recorded_w[i],
                recorded_h[i],
                position[i],
                lila[i],
                *([""] * len(EMPTY_COLUMNS)),
            ]
        )

    # exact duplicates (double entry): copies placed next to their original by the sort
    dup_src = pick(rng, np.ones(n, bool), used, count["duplicate_row"])
    # one copy in four was re-typed: same child and date, height off by 0.1-0.5 cm
    retyped = {
        int(i): float(d)
        for j, (i, d) in enumerate(zip(dup_src, rng.integers(1, 6, len(dup_src)) / 10, strict=True))
        if j % 4 == 3 and not np.isnan(recorded_h[i])
    }
    order_keys = [
        (records[i][10], records[i][11], records[i][12], records[i][13], records[i][2], i, 0)
        for i in range(n)
    ] + [
        (records[i][10], records[i][11], records[i][12], records[i][13], records[i][2], i, 1)
        for i in dup_src
    ]
    order_keys.sort()
    out_rows: list[list[object]] = []
    no_of_child: dict[int, int] = {}
    by_child: dict[int, list[tuple[str, str, str]]] = {}
    for child, kind, column, detail in defects:
        by_child.setdefault(child, []).append((kind, column, detail))
    defect_list: list[dict[str, object]] = []
    for key_ in order_keys:
        child, copy = key_[5], key_[6]
        row = list(records[child])
        row[0] = len(out_rows) + 1
        out_rows.append(row)
        if copy:
            detail = f"copy of No {no_of_child[child]}"
            if child in retyped:
                row[20] = round(float(row[20]) + retyped[child], 1)  # type: ignore[arg-type]
                detail += f", Tinggi re-entered as {row[20]:.1f}"
            defect_list.append(
                {
                    "No": row[0],
                    "NIK": row[1],
                    "kind": "duplicate_row",
                    "category": "defect",
                    "column": "",
                    "detail": detail,
                }
            )
            continue
        no_of_child[child] = row[0]
        for kind, column, detail in by_child.get(child, []):
            cat = "heaping" if kind.endswith("heaping") else "defect"
            defect_list.append(
                {
                    "No": row[0],
                    "NIK": row[1],
                    "kind": kind,
                    "category": cat,
                    "column": column,
                    "detail": detail,
                }
            )
        if row[21] == "Telentang":
            defect_list.append(
                {
                    "No": row[0],
                    "NIK": row[1],
                    "kind": "telentang_spelling",
                    "category": "quirk",
                    "column": "Cara Ukur",
                    "detail": "Telentang",
                }
            )

    # xlsx-only quirks, chosen among rows without any other entry
    flagged = {int(d["No"]) for d in defect_list}
    clean = np.array([r[0] for r in out_rows if r[0] not in flagged])
    chosen = rng.choice(
        clean,
        size=count["xlsx_decimal_comma_text"] + count["xlsx_nik_numeric"],
        replace=False,
    )
    n_comma = count["xlsx_decimal_comma_text"]
    for j, no in enumerate(chosen.tolist()):
        row = out_rows[no - 1]
        if j < n_comma:
            col = ("Berat", "Tinggi", "LiLA")[j % 3]
            if col == "LiLA" and np.isnan(row[COLUMNS.index(col)]):
                col = "Berat"
            value = f"{row[COLUMNS.index(col)]:.1f}".replace(".", ",")
            defect_list.append(
                {
                    "No": no,
                    "NIK": row[1],
                    "kind": "xlsx_decimal_comma_text",
                    "category": "quirk",
                    "column": col,
                    "detail": value,
                }
            )
        else:
            value = str(int(row[1]) // 10 * 10)
            defect_list.append(
                {
                    "No": no,
                    "NIK": row[1],
                    "kind": "xlsx_nik_numeric",
                    "category": "quirk",
                    "column": "NIK",
                    "detail": value,
                }
            )
    defect_list.sort(key=lambda d: (int(d["No"]), str(d["kind"])))
    return out_rows, defect_list


# --- writers --------------------------------------------------------------------------------
def csv_cell(v: object) -> object:
    """Text for one CSV cell: floats with one decimal (dot), NaN empty."""
    if isinstance(v, float | np.floating):
        return "" if np.isnan(v) else f"{v:.1f}"
    if isinstance(v, np.integer):
        return int(v)
    return v


def write_csv(path: Path, rows: list[list[object]]) -> None:
    """UTF-8, comma-separated, LF line ends."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for row in rows:
            w.writerow([csv_cell(v) for v in row])


def write_defects(path: Path, defects: list[dict[str, object]]) -> None:
    """The defect list: one line per planted defect or quirk."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(
            fh,
            fieldnames=["No", "NIK", "kind", "category", "column", "detail"],
            lineterminator="\n",
        )
        w.writeheader()
        w.writerows(defects)


def write_xlsx(path: Path, rows: list[list[object]], defects: list[dict[str, object]]) -> None:
    """One sheet, real numbers, text dates and NIK; then normalise timestamps."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    comma = {
        (int(d["No"]), str(d["column"])): str(d["detail"])
        for d in defects
        if d["kind"] == "xlsx_decimal_comma_text"
    }
    numeric_nik = {
        int(d["No"]): int(str(d["detail"])) for d in defects if d["kind"] == "xlsx_nik_numeric"
    }
    wb = Workbook(write_only=True)
    wb.properties.creator = "stuntlib tools/make_sample.py (synthetic data)"
    wb.properties.title = "Synthetic e-PPGBM export, Kota Pekalongan, Agustus 2025"
    wb.properties.created = XLSX_TIMESTAMP
    ws = wb.create_sheet("Data Balita")
    ws.append(list(COLUMNS))
    numeric_idx = {COLUMNS.index(c) for c in NUMERIC_COLUMNS}
    for row in rows:
        no = int(row[0])  # type: ignore[call-overload]
        cells: list[object] = []
        for j, v in enumerate(row):
            if j in numeric_idx:
                if (no, COLUMNS[j]) in comma:
                    v = comma[(no, COLUMNS[j])]
                elif isinstance(v, float) and np.isnan(v):
                    v = None
                else:
                    v = float(v)  # type: ignore[arg-type]
            elif j == 1 and no in numeric_nik:
                c = WriteOnlyCell(ws, value=numeric_nik[no])
                c.number_format = "General"
                v = c
            elif isinstance(v, np.integer):
                v = int(v)
            elif v == "":
                v = None
            cells.append(v)
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    # rewrite the zip with fixed entry times and a fixed modified date
    stamp = XLSX_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                start = text.find("<dcterms:modified")
                end = text.find("</dcterms:modified>") + len("</dcterms:modified>")
                if start >= 0:
                    text = (
                        text[:start]
                        + f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
                        + text[end:]
                    )
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=XLSX_TIMESTAMP.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)


# --- check ----------------------------------------------------------------------------------
def check(csv_path: Path) -> dict[str, object]:
    """Recompute HAZ from the written CSV (LMS, 0.7 cm rule) and summarise stunting."""
    import pandas as pd

    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    birth = pd.to_datetime(df["Tgl Lahir"], format="%d/%m/%Y", errors="coerce")
    visit = pd.to_datetime(df["Tanggal Pengukuran"], format="%d/%m/%Y", errors="coerce")
    age = (visit - birth).dt.days.to_numpy(dtype=float)
    sex = df["JK"].map({"L": 1, "P": 2}).to_numpy(dtype=float)
    h = pd.to_numeric(df["Tinggi"], errors="coerce").to_numpy(dtype=float)
    pos = df["Cara Ukur"].str.lower().to_numpy()
    lying = np.isin(pos, ["terlentang", "telentang"])
    standing = pos == "berdiri"
    standing = standing & ~(age < 274)  # WHO anthro: "standing" under 9 months is a length
    h = h + 0.7 * ((age < 731) & standing) - 0.7 * ((age >= 731) & lying)
    ok = (age >= 0) & (age < 1826) & np.isin(sex, [1, 2]) & ~np.isnan(h)
    z = np.full(len(df), np.nan)
    lhfa = LmsTable("who2006_lhfa.tsv")
    z[ok] = lhfa.zscore(sex[ok].astype(int), age[ok], h[ok])
    valid = ok & (np.abs(np.round(z, 2)) <= 6)
    stunted = valid & (z < -2)
    kel = df["Desa/Kel"].to_numpy()
    by = {
        k: float(stunted[kel == k].sum() / valid[kel == k].sum()) for k in sorted(set(kel.tolist()))
    }
    return {
        "rows": len(df),
        "scored": int(valid.sum()),
        "flagged": int((ok & ~valid).sum()),
        "stunting": float(stunted.sum() / valid.sum()),
        "severe": float((valid & (z < -3)).sum() / valid.sum()),
        "mean_haz": float(np.nanmean(z[valid])),
        "sd_haz": float(np.nanstd(z[valid])),
        "by_kelurahan": by,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "samples")
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="children before duplicates")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--formats", default="csv,xlsx", help="comma list of csv,xlsx")
    parser.add_argument("--no-check", action="store_true", help="skip the prevalence check")
    parser.add_argument(
        "--clean",
        action="store_true",
        help="draw from the WHO standard (HAZ, WHZ ~ N(0,1)) and plant no defects or quirks",
    )
    args = parser.parse_args(argv)
    if args.n < 300:
        parser.error("--n must be at least 300 (every defect kind needs eligible rows)")
    args.out.mkdir(parents=True, exist_ok=True)
    rows, defects = generate(args.n, args.seed, clean=args.clean)
    formats = {f.strip() for f in args.formats.split(",")}
    write_csv(args.out / CSV_NAME, rows)
    write_defects(args.out / DEFECTS_NAME, defects)
    if "xlsx" in formats:
        write_xlsx(args.out / XLSX_NAME, rows, defects)
    kinds: dict[str, int] = {}
    for d in defects:
        kinds[str(d["kind"])] = kinds.get(str(d["kind"]), 0) + 1
    print(f"wrote {len(rows)} rows to {args.out}")
    for k in sorted(kinds):
        print(f"  {k:26s} {kinds[k]:6d}")
    if not args.no_check:
        res = check(args.out / CSV_NAME)
        by = res["by_kelurahan"]
        assert isinstance(by, dict)
        lo, hi = min(by, key=by.get), max(by, key=by.get)
        print(
            f"check: scored {res['scored']}, flagged |z|>6 {res['flagged']}, "
            f"stunting {100 * res['stunting']:.1f}% (severe {100 * res['severe']:.1f}%), "
            f"HAZ mean {res['mean_haz']:.2f} sd {res['sd_haz']:.2f}; "
            f"kelurahan {lo} {100 * by[lo]:.1f}% .. {hi} {100 * by[hi]:.1f}%"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
