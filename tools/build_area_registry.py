"""Build the packaged area registry ``src/stuntlib/data/kode_wilayah_2025.tsv.gz``.

Input: the Kepmendagri No 300.2.2-2138 Tahun 2025 code list as extracted in
the Kepmendagri 2025 list given as ``--source`` (columns ``kode, nama, tingkat``;
from the MIT-licensed ``cahyadsn/wilayah`` repository, copyright 2025 Cahya DSN).
Output: a gzip-compressed TSV of ``kode`` and ``nama`` (the level follows from the code's
shape), preceded by ``#`` lines giving the source and the licence. Names are stripped of
surrounding white space; nothing else is changed.

Usage::

    python tools/build_area_registry.py [--source PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "stuntlib" / "data" / "kode_wilayah_2025.tsv.gz"

HEADER = """\
# Kode dan nama wilayah administrasi pemerintahan Indonesia (provinsi, kabupaten/kota,
# kecamatan, desa/kelurahan) as set by Keputusan Menteri Dalam Negeri (Kepmendagri)
# No 300.2.2-2138 Tahun 2025. Columns: kode (PP, PP.KK, PP.KK.CC, PP.KK.CC.XDDD with
# X = 1 kelurahan, 2 desa), nama.
# Extracted from the list in https://github.com/cahyadsn/wilayah
# Copyright (c) 2025 Cahya DSN. MIT License: Permission is hereby granted, free of
# charge, to any person obtaining a copy of this software and associated documentation
# files, to deal in the Software without restriction, subject to the condition that the
# above copyright notice and this permission notice shall be included in all copies or
# substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT
# WARRANTY OF ANY KIND. Full text: src/stuntlib/data/NOTICE_kode_wilayah.md
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", type=Path, required=True, help="the Kepmendagri list (kode, nama, tingkat)"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    table = pd.read_csv(args.source, dtype=str, keep_default_na=False)
    table["nama"] = table["nama"].str.strip()
    if table["nama"].str.contains("[#\t\n]", regex=True).any():
        raise SystemExit("a name holds '#', a tab or a newline: the TSV format cannot keep it")
    body = table[["kode", "nama"]].to_csv(sep="\t", index=False, lineterminator="\n")
    with gzip.GzipFile(args.out, "wb", compresslevel=9, mtime=0) as handle:
        handle.write((HEADER + body).encode("utf-8"))
    counts = table["kode"].str.len().value_counts().sort_index().to_dict()
    print(f"{args.out}: {args.out.stat().st_size:,} bytes; codes by length {counts}")


if __name__ == "__main__":
    main()
