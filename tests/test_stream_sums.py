"""Partial sums on disk: Parquet + JSON, exact round trip, checked by sha256, never pickle."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import stuntlib
from stuntlib.estimation import finalize_prevalence, prevalence_partial_sums
from stuntlib.stream import MANIFEST_NAME, SUMS_DIR, score_dataset
from stuntlib.stream._part import Part
from stuntlib.stream._sums import load_sums, save_sums
from test_stream import make_children

DESIGNS = [
    {"by": None},
    {"by": [[], ["desa"], ["age_group", "sex"]]},
    {"by": "desa", "weights": "w", "cluster": "psu", "strata": "strata"},
    {"by": "desa", "weights": "w", "strata": "strata"},
    {"by": ["desa", "strata"], "weights": "w"},
]


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    frame = make_children(2500, seed=5)
    frame.loc[frame.index[::97], "desa"] = None  # children without a desa form a group
    return stuntlib.score(frame)


@pytest.mark.parametrize("design", DESIGNS, ids=lambda d: ",".join(f"{k}" for k in d))
def test_round_trip_is_exact(scored, tmp_path, design):
    sums = prevalence_partial_sums(scored, **design)
    quality = {("zlen", "scored"): 2400, ("zlen", "missing_age"): 100}
    files = save_sums(tmp_path, "round1/part-0.parquet", Part(sums, quality, len(scored)))
    assert files and all(not name.endswith((".pkl", ".pickle")) for name in files)
    back = load_sums(tmp_path, files)
    assert back is not None and back.rows == len(scored) and back.quality == quality
    assert back.sums._signature() == sums._signature() and back.sums.rows == sums.rows
    for mine, theirs in zip(back.sums.cells, sums.cells, strict=True):
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
    pd.testing.assert_frame_equal(back.sums.design, sums.design, check_exact=True)
    pd.testing.assert_frame_equal(finalize_prevalence(back.sums), finalize_prevalence(sums),
                                  check_exact=True)  # fmt: skip


def test_an_altered_sums_file_is_not_trusted(scored, tmp_path):
    sums = prevalence_partial_sums(scored, by="desa")
    files = save_sums(tmp_path, "a.parquet", Part(sums, {}, len(scored)))
    header = next(name for name in files if name.endswith(".json"))
    text = (tmp_path / header).read_text()
    (tmp_path / header).write_text(text.replace(f'"rows": {sums.rows}', '"rows": 1'))
    assert load_sums(tmp_path, files) is None  # sha256 differs from the manifest's
    (tmp_path / header).write_text(text)
    assert load_sums(tmp_path, files) is not None
    (tmp_path / next(iter(files))).unlink()
    assert load_sums(tmp_path, files) is None  # missing


def test_resume_reads_checked_sums_and_rebuilds_altered_ones(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    frame = make_children(3000, seed=9)
    for k in range(3):
        frame.iloc[k * 1000 : (k + 1) * 1000].to_parquet(src / f"p{k}.parquet", index=False)
    out = tmp_path / "out"
    first = score_dataset(src, out, by="desa", indicators="stunting")
    stored = list((out / SUMS_DIR).iterdir())
    assert stored and not any(p.suffix in (".pkl", ".pickle") for p in stored)
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    # a hand-edited sums file: 999 cases of stunting more in one desa
    cells = next(n for n in manifest["parts"]["p1.parquet"]["sums_files"] if "cells-0" in n)
    table = pd.read_parquet(out / cells)
    case_column = next(c for c in table.columns if c.startswith("c:"))
    table[case_column] = table[case_column] + 999
    table.to_parquet(out / cells, index=False)
    again = score_dataset(src, out, by="desa", indicators="stunting")
    assert again.rows_scored == 0 and again.rows_resumed == 3000
    pd.testing.assert_frame_equal(again.prevalence, first.prevalence, check_exact=True)
    assert np.array_equal(again.prevalence["cases"], first.prevalence["cases"])
