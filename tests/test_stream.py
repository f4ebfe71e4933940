"""score_dataset: streaming == in-memory, resume after a real kill, errors by file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import stuntlib
from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.estimation import prevalence
from stuntlib.stream import MANIFEST_NAME, SUCCESS_NAME, StreamFileError, _part, score_dataset

ROOT = Path(__file__).resolve().parents[1]

# Uneven file sizes (one empty) and uneven row groups; batches of 700 rows cut across both.
FILE_SIZES = (1, 1733, 0, 2999, 412, 1855)
ROW_GROUPS = (1, 500, 1, 1000, 97, 333)
BATCH = 700


def make_children(n: int, seed: int = 7) -> pd.DataFrame:
    """Synthetic measurements with the defects real exports carry."""
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 1900, n).astype(np.float64)  # a few over 1826 days
    median = np.interp(age, [0, 365, 730, 1095, 1461, 1826], [50, 75, 87, 96, 103, 110])
    lenhei = np.round(median * (1 + 0.04 * rng.normal(-0.9, 1.2, n)), 1)
    weight = np.round(np.interp(lenhei, [45, 65, 85, 110], [2.4, 7.3, 11.7, 18.3]), 1)
    weight = weight * np.exp(rng.normal(0, 0.1, n))
    age[rng.random(n) < 0.01] = np.nan
    weight[rng.random(n) < 0.01] = np.nan
    lenhei[rng.random(n) < 0.005] *= 10
    sex = rng.choice(np.array(["L", "P", None], dtype=object), n, p=[0.495, 0.495, 0.01])
    return pd.DataFrame(
        {
            "desa": rng.choice([f"desa-{k:02d}" for k in range(23)], n),
            "Tinggi": lenhei,
            "JK": sex,
            "age_days": age,
            "weight": weight,
            "measure": np.where(age < 730, "l", "h"),
            "oedema": rng.choice(["n", "y"], n, p=[0.995, 0.005]),
            "strata": rng.integers(0, 4, n),
            "psu": rng.integers(0, 30, n),
            "w": rng.uniform(0.5, 3.0, n),
        }
    )


def write_files(frame: pd.DataFrame, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    start = 0
    for k, (size, group) in enumerate(zip(FILE_SIZES, ROW_GROUPS, strict=True)):
        part = frame.iloc[start : start + size].reset_index(drop=True)
        part.to_parquet(folder / f"part-{k:02d}.parquet", row_group_size=group, index=False)
        start += size
    assert start == len(frame)
    return folder


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("source")
    write_files(make_children(sum(FILE_SIZES)), folder)
    return folder, pd.read_parquet(folder)


def assert_same_table(streamed: pd.DataFrame, memory: pd.DataFrame) -> None:
    """Census tables are identical to the last bit, means included.

    Counts are sums of integers, and under WHO's 2-decimal rounding the mean z-scores are
    summed in whole hundredths, so no order of summation changes a bit (see docs/scale.md).
    """
    assert list(streamed.columns) == list(memory.columns)
    assert (streamed.dtypes == memory.dtypes).all()
    pd.testing.assert_frame_equal(streamed, memory, check_exact=True)


def test_stream_equals_in_memory_exactly(data, tmp_path):
    folder, whole = data
    seen: list[tuple[int, float]] = []
    by = [[], ["desa"], ["age_group", "sex"]]
    res = score_dataset(folder, tmp_path / "out", by=by, batch_rows=BATCH,
                        progress=lambda rows, rate: seen.append((rows, rate)))  # fmt: skip
    scored = stuntlib.score(whole)
    assert res.complete and res.errors == () and res.rows == len(whole) == res.rows_scored
    assert_same_table(res.prevalence, prevalence(scored, by=by))
    # every row written once, all input columns kept in order, values bit-identical
    written = pd.read_parquet(tmp_path / "out")
    pd.testing.assert_frame_equal(written, scored, check_exact=True)
    assert set(whole.columns) <= set(written.columns)
    # (age_days is an output of the core too, so score() moves it among the scored columns)
    kept = [c for c in whole.columns if c != "age_days"]
    assert list(written.columns[: len(kept)]) == kept
    # one output file per input file, same names, and the completion marker
    outputs = sorted(p.name for p in (tmp_path / "out").glob("*.parquet"))
    assert outputs == sorted(p.name for p in folder.glob("*.parquet"))
    assert (tmp_path / "out" / SUCCESS_NAME).exists()
    # progress: increasing, ends at the total
    rows_done = [r for r, _ in seen]
    assert rows_done == sorted(rows_done) and rows_done[-1] == len(whole)
    assert all(rate > 0 for _, rate in seen)
    # quality summary: as many zlen rows as input rows, reasons from the core
    q = res.quality[res.quality["column"] == "zlen"]
    assert q["rows"].sum() == len(whole)
    expected = scored["zlen_reason"].value_counts()
    for status, rows in zip(q["status"], q["rows"], strict=True):
        if status not in ("scored", "flagged"):
            assert expected[status] == rows


def test_stream_survey_design_and_no_destination(data):
    folder, whole = data
    kwargs = {"weights": "w", "cluster": "psu", "strata": "strata", "ci": "logit"}
    res = score_dataset(folder, by="desa", batch_rows=BATCH, **kwargs)
    memory = prevalence(stuntlib.score(whole), by="desa", **kwargs)
    assert res.destination is None and res.rows == len(whole)
    # weighted sums are float sums: n and cases exact, the rest to rounding
    keys = ["desa", "indicator", "n", "cases"]
    pd.testing.assert_frame_equal(res.prevalence[keys], memory[keys], check_exact=True)
    pd.testing.assert_frame_equal(res.prevalence, memory, check_exact=False, rtol=1e-12, atol=1e-14)


def test_stream_accepts_a_file_and_a_pyarrow_dataset(data, tmp_path):
    import pyarrow.dataset as ds

    folder, whole = data
    one = folder / "part-03.parquet"
    res = score_dataset(one, by="desa", indicators="stunting", batch_rows=BATCH)
    frame = pd.read_parquet(one)
    memory = prevalence(stuntlib.score(frame), by="desa", indicators="stunting")
    assert_same_table(res.prevalence, memory)
    res2 = score_dataset(ds.dataset(folder, format="parquet"), by="desa", batch_rows=BATCH)
    assert res2.rows == len(whole) and len(res2.parts) == len(FILE_SIZES)


def test_hive_partition_columns_become_columns(tmp_path):
    frame = make_children(300)
    for prov, chunk in ((11, frame.iloc[:100]), (33, frame.iloc[100:])):
        (tmp_path / "src" / f"prov={prov}").mkdir(parents=True)
        chunk.to_parquet(tmp_path / "src" / f"prov={prov}" / "data.parquet", index=False)
    res = score_dataset(tmp_path / "src", tmp_path / "out", by="prov", indicators="stunting",
                        min_n=1)  # fmt: skip
    n = res.prevalence.set_index("prov")["n"]
    assert set(n.index) == {11, 33} and res.rows == 300
    assert (tmp_path / "out" / "prov=33" / "data.parquet").exists()
    # the output folder reads back as one table, the key coming from the folder path
    back = pd.read_parquet(tmp_path / "out")
    assert len(back) == 300 and "prov" in back.columns
    assert "prov" not in pd.read_parquet(tmp_path / "out" / "prov=33" / "data.parquet").columns


def test_rerun_after_the_source_changed_mirrors_the_new_source(tmp_path):
    frame = make_children(180).assign(child=np.arange(180))
    src = tmp_path / "src"
    src.mkdir()
    frame.iloc[:50].to_parquet(src / "a.parquet", index=False)
    frame.iloc[50:110].to_parquet(src / "b.parquet", index=False)
    score_dataset(src, tmp_path / "out", indicators="stunting")
    (src / "b.parquet").unlink()  # a file removed ...
    frame.iloc[110:].to_parquet(src / "c.parquet", index=False)  # ... and one added
    (src / "a.parquet").rename(src / "a2.parquet")  # ... and one renamed
    res = score_dataset(src, tmp_path / "out", indicators="stunting")
    back = pd.read_parquet(tmp_path / "out")
    expected = sorted(frame["child"].iloc[list(range(50)) + list(range(110, 180))])
    assert sorted(back["child"]) == expected  # no stale rows, no duplicates
    assert res.rows == 120 and res.complete
    assert sorted(p.name for p in (tmp_path / "out").glob("*.parquet")) == [
        "a2.parquet",
        "c.parquet",
    ]


def test_malformed_file_is_reported_by_name_and_others_go_on(data, tmp_path):
    folder, whole = data
    src = tmp_path / "src"
    write_files(whole, src)
    bad = src / "part-03.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    truncated = src / "part-05.parquet"
    truncated.write_bytes(truncated.read_bytes()[:-100])
    res = score_dataset(src, tmp_path / "out", by="desa", batch_rows=BATCH)
    assert {e.path for e in res.errors} == {str(bad), str(truncated)}
    assert all(e.stage == "read" for e in res.errors)
    assert not res.complete and not (tmp_path / "out" / SUCCESS_NAME).exists()
    good = [p for p in sorted(src.glob("*.parquet")) if p not in (bad, truncated)]
    expected_rows = sum(pq.ParquetFile(p).metadata.num_rows for p in good)
    assert res.rows == expected_rows == len(pd.read_parquet(tmp_path / "out"))
    manifest = json.loads((tmp_path / "out" / MANIFEST_NAME).read_text())
    assert manifest["status"] == "incomplete"
    assert {e["path"] for e in manifest["errors"]} == {str(bad), str(truncated)}
    with pytest.raises(StreamFileError, match="part-03.parquet"):
        score_dataset(src, by="desa", on_error="raise")


def test_resume_reuses_finished_parts_and_recomputes_sums_for_other_groupings(data, tmp_path):
    folder, whole = data
    out = tmp_path / "out"
    first = score_dataset(folder, out, by="desa", batch_rows=BATCH)
    again = score_dataset(folder, out, by="desa", batch_rows=BATCH)
    assert again.rows_scored == 0 and again.rows_resumed == len(whole) and again.complete
    pd.testing.assert_frame_equal(again.prevalence, first.prevalence, check_exact=True)
    # other groupings: the sums are rebuilt from the scored output, nothing is rescored
    other = score_dataset(folder, out, by=["age_group", "sex"], batch_rows=BATCH)
    assert other.rows_scored == 0
    memory = prevalence(stuntlib.score(whole), by=["age_group", "sex"])
    assert_same_table(other.prevalence, memory)
    # scoring options changed: refuse to mix, unless resume=False
    with pytest.raises(StuntlibError, match="resume=False"):
        score_dataset(folder, out, by="desa", language="id")
    fresh = score_dataset(folder, out, by="desa", language="id", resume=False)
    assert fresh.rows_scored == len(whole)
    assert len(pd.read_parquet(out)) == len(whole)


def test_destination_with_foreign_files_is_refused(data, tmp_path):
    folder, _ = data
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(StuntlibError, match="not empty"):
        score_dataset(folder, tmp_path / "out")


def test_bad_arguments_fail_before_any_file_is_scored(data, tmp_path):
    folder, _ = data
    with pytest.raises(ColumnError, match="nowhere"):
        score_dataset(folder, tmp_path / "o1", by="nowhere")
    with pytest.raises(StuntlibError, match="batch_rows"):
        score_dataset(folder, batch_rows=0)
    with pytest.raises(StuntlibError, match="on_error"):
        score_dataset(folder, on_error="ignore")  # type: ignore[arg-type]
    assert not any(p.suffix == ".parquet" for p in (tmp_path / "o1").rglob("*"))


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from stuntlib.stream import score_dataset

    src, dest, signal_dir, threshold = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])

    def progress(rows_done, rows_per_s):
        (signal_dir / "rows").write_text(str(rows_done))
        if rows_done >= threshold:
            (signal_dir / "ready").write_text("x")
            time.sleep(120)  # wait here, mid-file, to be killed

    score_dataset(src, dest, by="desa", batch_rows=500, progress=progress)
    (signal_dir / "finished").write_text("x")
    """
)


def test_resume_after_a_real_kill(tmp_path):
    frame = make_children(10_000, seed=11)
    src = tmp_path / "src"
    src.mkdir()
    for k in range(5):
        frame.iloc[k * 2000 : (k + 1) * 2000].to_parquet(src / f"part-{k}.parquet", index=False)
    dest, reference, sig = tmp_path / "dest", tmp_path / "reference", tmp_path / "sig"
    sig.mkdir()
    # killed after two whole files and the first batch of the third (4000 + 500 rows)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(src), str(dest), str(sig), "4500"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        deadline = time.monotonic() + 60
        while not (sig / "ready").exists():
            assert proc.poll() is None, "the scoring process ended before it could be killed"
            assert time.monotonic() < deadline, "the scoring process never reached the kill point"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL and not (sig / "finished").exists()

    # what the kill left: two finished parts in the manifest, the third only as a hidden
    # temporary file that readers ignore, and no completion marker
    manifest = json.loads((dest / MANIFEST_NAME).read_text())
    assert manifest["status"] == "running"
    assert sorted(manifest["parts"]) == ["part-0.parquet", "part-1.parquet"]
    assert (dest / ".part-2.parquet.inprogress").exists()
    assert not (dest / SUCCESS_NAME).exists()
    assert len(pd.read_parquet(dest)) == 4000
    finished_mtimes = {p: (dest / p).stat().st_mtime_ns for p in manifest["parts"]}

    resumed = score_dataset(src, dest, by="desa", batch_rows=500)
    clean = score_dataset(src, reference, by="desa", batch_rows=500)
    assert resumed.rows_resumed == 4000 and resumed.rows_scored == 6000
    assert resumed.rows == clean.rows == 10_000 and resumed.complete
    assert {p: (dest / p).stat().st_mtime_ns for p in finished_mtimes} == finished_mtimes
    assert not list(dest.glob(".*inprogress"))
    pd.testing.assert_frame_equal(pd.read_parquet(dest), pd.read_parquet(reference),
                                  check_exact=True)  # fmt: skip
    # same parts merged in the same order: identical to the last bit, means included
    pd.testing.assert_frame_equal(resumed.prevalence, clean.prevalence, check_exact=True)


def test_memory_is_bounded_by_the_batch_not_the_dataset(tmp_path, monkeypatch):
    """Sanity, no timing: frames scored never exceed batch_rows, and peak traced memory of
    a dataset 8x larger stays about the same."""
    sizes: list[int] = []
    real_score = _part.score

    def spy(frame, *args, **kwargs):
        sizes.append(len(frame))
        return real_score(frame, *args, **kwargs)

    monkeypatch.setattr(_part, "score", spy)
    peaks = []
    for n_files in (1, 8):
        src = tmp_path / f"src{n_files}"
        src.mkdir()
        for k in range(n_files):
            make_children(6000, seed=k).to_parquet(src / f"p{k}.parquet", index=False)
        score_dataset(src, by="desa", batch_rows=1000)  # warm-up: tables, imports
        tracemalloc.start()
        res = score_dataset(src, by="desa", batch_rows=1000)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert res.rows == 6000 * n_files
    assert max(sizes) <= 1000
    assert peaks[1] < 1.5 * peaks[0], peaks


def test_destination_inside_the_source_is_not_read_back(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    make_children(500).to_parquet(src / "a.parquet", index=False)
    first = score_dataset(src, src / "scored", indicators="stunting")
    again = score_dataset(src, src / "scored", indicators="stunting")
    assert first.rows == again.rows == 500 and again.rows_resumed == 500


def test_stream_finalises_with_the_shared_finaliser(data, monkeypatch):
    """The stream ends in stuntlib.estimation.finalize_prevalence, once, over all rows."""
    import stuntlib.stream as stream_module
    from stuntlib.estimation import finalize_prevalence, prevalence_partial_sums

    folder, whole = data
    calls = []

    def spy(sums, **kwargs):
        calls.append(sums.rows)
        return finalize_prevalence(sums, **kwargs)

    monkeypatch.setattr(stream_module, "finalize_prevalence", spy)
    score_dataset(folder, by="desa", batch_rows=BATCH)
    analysed = prevalence_partial_sums(stuntlib.score(whole), by="desa").rows
    assert calls == [analysed]
