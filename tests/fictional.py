"""Fictional e-PPGBM exports for the command-line tests (no real child anywhere)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd


def fictional_export(
    path: Path, heights: Sequence[str], kels: Sequence[str] = ("TIRTO",), *, numbered: bool = True
) -> Path:
    """A small export of Kota Pekalongan as a ``;`` CSV: one child a row, all measured
    standing on 11 August 2025 at 2 years 7 months, with the given heights (as typed),
    the kelurahan ``kels`` in equal consecutive blocks, and the export's ``No`` column
    when ``numbered``."""
    n = len(heights)
    rows = [
        {
            **({"No": i + 1} if numbered else {}),
            "NIK": f"33750114012300{i:02d}",
            "Nama": f"Anak Fiktif {i}",
            "JK": "L" if i % 2 else "P",
            "Tgl Lahir": "01/01/2023",
            "Tanggal Pengukuran": "11/08/2025",
            "Berat": "11,0",
            "Tinggi": height,
            "Cara Ukur": "Berdiri",
            "Kec": "PEKALONGAN BARAT",
            "Desa/Kel": kels[i * len(kels) // n],
            "Posyandu": "Melati",
        }
        for i, height in enumerate(heights)
    ]
    pd.DataFrame(rows).to_csv(path, sep=";", index=False)
    return path
