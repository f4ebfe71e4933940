"""A stream that never lies: real kills (SIGKILL), real collisions (two processes),
changed and corrupted files, each compared with an uninterrupted run.

The scenarios of the reliability cases 07 (an output orphaned by a kill between its
rename and the manifest write), 08 (two runs into one destination) and 09 (a column
that only later source files carry) are rebuilt here from their descriptions.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from filelock import FileLock

from stuntlib.errors import StuntlibError
from stuntlib.stream import (
    LOCK_NAME,
    MANIFEST_NAME,
    SUCCESS_NAME,
    score_dataset,
)

ROOT = Path(__file__).resolve().parents[1]
BATCH = 200

# A worker imports stuntlib, says "ready", then runs one score_dataset given as a JSON
# line on stdin. It can SIGKILL itself right after its k-th os.replace (every rename the
# stream makes: parts, sums, manifest, _SUCCESS), or stop there or mid-file (holding the
# destination's lock) until it is killed.
WORKER = r"""
import json, os, signal, sys, time
from pathlib import Path
from stuntlib.stream import score_dataset
print("ready", flush=True)
spec = json.loads(sys.stdin.readline())
kill_at, calls, real = spec.get("kill_at_replace"), 0, os.replace
def replace(a, b, *args, **kwargs):
    global calls
    real(a, b, *args, **kwargs)
    calls += 1
    if calls == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    if calls == spec.get("hold_at_replace"):
        Path(spec["signal"]).write_text("held")
        time.sleep(600)
os.replace = replace
hold = spec.get("hold_at_rows")
def progress(rows, rate):
    if hold is not None and rows >= hold:
        Path(spec["signal"]).write_text("held")
        time.sleep(600)
try:
    r = score_dataset(spec["src"], spec["dest"], batch_rows=spec["batch_rows"],
                      indicators="stunting", progress=progress)
    out = {"ok": True, "rows": r.rows, "complete": r.complete}
except Exception as exc:
    out = {"ok": False, "error": type(exc).__name__, "message": str(exc)}
print(json.dumps(out), flush=True)
"""


class Worker:
    """One scoring process (real PID, really killed)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )

    def start(self, src: Path, dest: Path, **spec: Any) -> Worker:
        assert self.proc.stdout is not None and self.proc.stdin is not None
        assert self.proc.stdout.readline().strip() == "ready"
        payload = {"src": str(src), "dest": str(dest), "batch_rows": BATCH, **spec}
        self.proc.stdin.write(json.dumps(payload) + "\n")
        self.proc.stdin.flush()
        return self

    def result(self, timeout: float = 120) -> dict[str, Any] | None:
        """The run's JSON result, or None if the process was killed."""
        out, _ = self.proc.communicate(timeout=timeout)
        if self.proc.returncode == -signal.SIGKILL:
            return None
        assert self.proc.returncode == 0, out
        return dict(json.loads(out.strip().splitlines()[-1]))

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


class Workers:
    """Hands out workers that have already imported stuntlib (one kept warm)."""

    def __init__(self) -> None:
        self.spare = Worker()
        self.used: list[Worker] = []

    def get(self) -> Worker:
        worker, self.spare = self.spare, Worker()
        self.used.append(worker)
        return worker

    def close(self) -> None:
        for w in [*self.used, self.spare]:
            w.kill()


@pytest.fixture
def workers():
    pool = Workers()
    yield pool
    pool.close()


def children(n: int, start: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 1826, n).astype(np.float64)
    median = np.interp(age, [0, 365, 730, 1095, 1461, 1826], [50, 75, 87, 96, 103, 110])
    return pd.DataFrame(
        {
            "rid": np.arange(start, start + n),
            "sex": rng.integers(1, 3, n),
            "age_days": age,
            "lenhei": np.round(median * (1 + 0.04 * rng.normal(-0.9, 1.2, n)), 1),
            "kelurahan": rng.choice(["TIRTO", "MEDONO", "KURIPAN"], n),
        }
    )


def write_source(path: Path, frame: pd.DataFrame) -> None:
    """Uncompressed, with page checksums and without statistics: a changed value keeps
    the file size, as an edit that ``cp -p`` or ``rsync -t`` then copies would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, compression="none", write_page_checksum=True,
                   write_statistics=False)  # fmt: skip


def make_source(folder: Path, files: int = 3, rows: int = 600) -> Path:
    for k in range(files):
        write_source(folder / f"part_{k}.parquet", children(rows, k * rows, seed=k))
    return folder


def uninterrupted(src: Path, tmp: Path) -> pd.DataFrame:
    """What one clean run writes."""
    ref = tmp / f"reference-{time.monotonic_ns()}"
    score_dataset(src, ref, batch_rows=BATCH, indicators="stunting")
    return pd.read_parquet(ref)


def assert_markers_agree(dest: Path) -> None:
    """_SUCCESS only beside a complete manifest whose parts are exactly the visible files."""
    manifest = json.loads((dest / MANIFEST_NAME).read_text())
    if (dest / SUCCESS_NAME).exists():
        assert manifest["status"] == "complete" and not manifest["pending"]
        listed = {p["output"] for p in manifest["parts"].values()}
        visible = {
            p.relative_to(dest).as_posix()
            for p in dest.rglob("*")
            if p.is_file() and not any(s.startswith((".", "_")) for s in p.relative_to(dest).parts)
        }
        assert visible == listed
        assert sum(p["rows"] for p in manifest["parts"].values()) == len(pd.read_parquet(dest))


def assert_mirrors(src: Path, dest: Path, tmp: Path, result: Any) -> None:
    """The rerun is complete and its folder equals an uninterrupted run's, row for row."""
    assert result.complete and result.errors == ()
    out = pd.read_parquet(dest)
    total = sum(pq.ParquetFile(p).metadata.num_rows for p in src.glob("*.parquet"))
    assert result.rows == len(out) == total
    pd.testing.assert_frame_equal(out, uninterrupted(src, tmp), check_exact=True)
    assert_markers_agree(dest)


# --------------------------------------------------------------------------------------
# case 07: kills, and an orphaned output after the source is withdrawn
# --------------------------------------------------------------------------------------


def test_case07_output_renamed_before_the_manifest_knew_it_is_removed(tmp_path, workers):
    src, dest = make_source(tmp_path / "src", rows=1000), tmp_path / "dest"
    # kill right after part_1's output is renamed into place (the window between the
    # rename and the manifest write): count the renames of a clean run to find it
    renames = []
    real = os.replace

    def spy(a, b, *args, **kwargs):
        real(a, b, *args, **kwargs)
        renames.append(str(b))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "replace", spy)
        score_dataset(src, tmp_path / "count", batch_rows=BATCH, indicators="stunting")
    k = next(i for i, b in enumerate(renames, 1) if b.endswith("count/part_1.parquet"))
    assert workers.get().start(src, dest, kill_at_replace=k).result() is None
    manifest = json.loads((dest / MANIFEST_NAME).read_text())
    assert "part_1.parquet" not in manifest["parts"]  # renamed, not yet recorded ...
    assert manifest["pending"] == {"part_1.parquet": "part_1.parquet"}  # ... but pending
    assert (dest / "part_1.parquet").exists() and not (dest / SUCCESS_NAME).exists()

    (src / "part_1.parquet").unlink()  # the source is withdrawn before the rerun
    res = score_dataset(src, dest, batch_rows=BATCH, indicators="stunting")
    out = pd.read_parquet(dest)
    assert res.rows == len(out) == 2000
    assert not out["rid"].between(1000, 1999).any()
    assert_mirrors(src, dest, tmp_path, res)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8, 13, 20, 21])
def test_kill_after_any_rename_then_rerun_equals_an_uninterrupted_run(tmp_path, workers, k):
    src, dest = make_source(tmp_path / "src"), tmp_path / "dest"
    killed = workers.get().start(src, dest, kill_at_replace=k).result() is None
    assert killed  # a clean run of 3 parts makes 21 renames: 6 per part, 3 for the markers
    assert_markers_agree(dest)
    res = score_dataset(src, dest, batch_rows=BATCH, indicators="stunting")
    assert_mirrors(src, dest, tmp_path, res)


def test_kill_mid_file_from_outside(tmp_path, workers):
    src, dest = make_source(tmp_path / "src"), tmp_path / "dest"
    held = tmp_path / "held"
    worker = workers.get().start(src, dest, hold_at_rows=1000, signal=str(held))
    deadline = time.monotonic() + 120
    while not held.exists():
        assert worker.proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    worker.kill()
    assert not (dest / SUCCESS_NAME).exists()
    assert len(pd.read_parquet(dest)) == 600  # only the finished part is visible
    res = score_dataset(src, dest, batch_rows=BATCH, indicators="stunting")
    assert res.rows_resumed == 600 and res.rows_scored == 1200
    assert_mirrors(src, dest, tmp_path, res)


# --------------------------------------------------------------------------------------
# case 08: two runs into one destination
# --------------------------------------------------------------------------------------


def test_case08_a_second_run_refuses_while_the_first_holds_the_destination(tmp_path, workers):
    src, dest = make_source(tmp_path / "src"), tmp_path / "dest"
    held = tmp_path / "held"
    first = workers.get().start(src, dest, hold_at_rows=400, signal=str(held))
    deadline = time.monotonic() + 120
    while not held.exists():
        assert first.proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    second = workers.get().start(src, dest).result()
    assert second is not None and not second["ok"]
    assert second["error"] == "StuntlibError" and "in use by another" in second["message"]
    with pytest.raises(StuntlibError, match="in use by another score_dataset run"):
        score_dataset(src, dest, batch_rows=BATCH, indicators="stunting")
    first.kill()  # the holder dies: the kernel releases its lock
    res = score_dataset(src, dest, batch_rows=BATCH, indicators="stunting")
    assert_mirrors(src, dest, tmp_path, res)


def test_two_processes_started_together_never_contradict_each_other(tmp_path, workers):
    src, dest = make_source(tmp_path / "src", files=4), tmp_path / "dest"
    a, b = workers.get(), workers.get()
    a.start(src, dest)
    b.start(src, dest)
    results = [a.result(), b.result()]
    assert all(r is not None for r in results)
    ok = [r for r in results if r["ok"]]
    refused = [r for r in results if not r["ok"]]
    assert ok and all("in use by another" in r["message"] for r in refused)
    assert all(r["complete"] and r["rows"] == 2400 for r in ok)
    assert (dest / SUCCESS_NAME).exists()
    assert_markers_agree(dest)
    pd.testing.assert_frame_equal(pd.read_parquet(dest), uninterrupted(src, tmp_path),
                                  check_exact=True)  # fmt: skip


def test_a_lock_held_in_this_process_is_respected(tmp_path):
    src, dest = make_source(tmp_path / "src", files=1), tmp_path / "dest"
    dest.mkdir()
    with FileLock(dest / LOCK_NAME, timeout=0):
        with pytest.raises(StuntlibError, match="destination: .* is in use"):
            score_dataset(src, dest, indicators="stunting")
    assert not (dest / MANIFEST_NAME).exists()
    assert score_dataset(src, dest, indicators="stunting").complete


# --------------------------------------------------------------------------------------
# case 09 and the source changing under the destination
# --------------------------------------------------------------------------------------


def test_case09_a_column_only_later_files_carry_is_kept(tmp_path):
    src = tmp_path / "src"
    base = pd.DataFrame({"sex": [1, 2], "age_days": [400, 500], "lenhei": [74.0, 75.0]})
    write_source(src / "a_round1.parquet", base)
    write_source(src / "b_round2.parquet", base.assign(posyandu=["Melati", "Mawar"]))
    res = score_dataset(src, tmp_path / "dest", indicators="stunting")
    assert res.complete and res.errors == ()
    for name in ("a_round1.parquet", "b_round2.parquet"):  # one schema for every part
        assert "posyandu" in pq.read_schema(tmp_path / "dest" / name).names
    out = pd.read_parquet(tmp_path / "dest")
    assert out["posyandu"].tolist()[2:] == ["Melati", "Mawar"]
    assert out["posyandu"].isna().tolist() == [True, True, False, False]
    # a later file bringing a new column changes every part's columns: all are rescored
    write_source(src / "c_round3.parquet", base.assign(kader=["Sri", "Wati"]))
    again = score_dataset(src, tmp_path / "dest", indicators="stunting")
    assert again.rows == 6 and again.rows_resumed == 0
    assert {r.reason for r in again.rescored} == {"the source folder's columns changed"}
    assert pd.read_parquet(tmp_path / "dest")["kader"].isna().sum() == 4


def test_a_change_that_keeps_size_and_mtime_is_rescored(tmp_path):
    src, dest = make_source(tmp_path / "src"), tmp_path / "dest"
    score_dataset(src, dest, batch_rows=BATCH, indicators="stunting")
    target = src / "part_1.parquet"
    before = target.stat()
    changed = pd.read_parquet(target)
    changed["lenhei"] = changed["lenhei"] + 0.5  # every child half a centimetre taller
    write_source(target, changed)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p / rsync -t
    assert target.stat().st_size == before.st_size
    assert target.stat().st_mtime_ns == before.st_mtime_ns
    res = score_dataset(src, dest, batch_rows=BATCH, indicators="stunting")
    assert [(Path(r.path).name, r.reason) for r in res.rescored] == [
        ("part_1.parquet", "the source file changed")
    ]
    assert res.rows_scored == 600 and res.rows_resumed == 1200
    assert_mirrors(src, dest, tmp_path, res)


def test_a_source_that_turns_unreadable_takes_its_old_output_with_it(tmp_path):
    src, dest = make_source(tmp_path / "src"), tmp_path / "dest"
    score_dataset(src, dest, batch_rows=BATCH, indicators="stunting")
    (src / "part_2.parquet").write_bytes(b"PAR1 no longer parquet")
    res = score_dataset(src, dest, batch_rows=BATCH, indicators="stunting")
    assert [Path(e.path).name for e in res.errors] == ["part_2.parquet"]
    assert not res.complete and not (dest / SUCCESS_NAME).exists()
    assert res.rows == len(pd.read_parquet(dest)) == 1200
    assert not (dest / "part_2.parquet").exists()


def test_a_file_the_manifest_does_not_list_is_refused_by_name(tmp_path):
    src, dest = make_source(tmp_path / "src", files=2), tmp_path / "dest"
    score_dataset(src, dest, indicators="stunting")
    write_source(dest / "extra.parquet", children(5, 10_000, seed=99))
    with pytest.raises(StuntlibError, match=r"does not list.*extra\.parquet"):
        score_dataset(src, dest, indicators="stunting")
    assert (dest / SUCCESS_NAME).exists()  # a refusal changes nothing


# --------------------------------------------------------------------------------------
# corruption: bytes flipped inside a page
# --------------------------------------------------------------------------------------


def flip_inside_a_value(path: Path, value: float) -> None:
    """Flip the top bit of ``value``'s first byte-for-byte occurrence in ``path``."""
    data = bytearray(path.read_bytes())
    at = data.find(np.float64(value).tobytes())
    assert at > 0
    data[at + 7] ^= 0x40
    path.write_bytes(bytes(data))


def test_a_corrupted_source_page_is_reported_and_never_read_as_data(tmp_path):
    src, dest = make_source(tmp_path / "src"), tmp_path / "dest"
    target = src / "part_1.parquet"
    original = pd.read_parquet(target)
    flip_inside_a_value(target, float(original["lenhei"].iloc[300]))
    # without checksum verification the reader returns a wrong length, silently
    silent = pq.read_table(target).to_pandas()
    assert silent["lenhei"].iloc[300] != original["lenhei"].iloc[300]
    res = score_dataset(src, dest, batch_rows=BATCH, indicators="stunting")
    (error,) = res.errors
    assert Path(error.path).name == "part_1.parquet" and error.stage == "read"
    assert "CRC" in error.message or "checksum" in error.message
    assert not res.complete and not (dest / SUCCESS_NAME).exists()
    assert res.rows == len(pd.read_parquet(dest)) == 1200


def test_a_corrupted_output_page_is_detected_and_rescored(tmp_path):
    src, dest = make_source(tmp_path / "src"), tmp_path / "dest"
    score_dataset(src, dest, batch_rows=BATCH, indicators="stunting", compression="none")
    output = dest / "part_0.parquet"
    clean = pd.read_parquet(output)
    flip_inside_a_value(output, float(clean["zlen"].dropna().iloc[100]))
    with pytest.raises(OSError, match="CRC"):  # the output carries page checksums
        pq.read_table(output, page_checksum_verification=True)
    res = score_dataset(src, dest, batch_rows=BATCH, indicators="stunting", compression="none")
    assert [(Path(r.path).name, r.reason) for r in res.rescored] == [
        ("part_0.parquet", "the output was missing or altered")
    ]
    assert_mirrors(src, dest, tmp_path, res)
