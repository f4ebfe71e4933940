"""Stateful test of score_dataset: kills, reruns, changed and added files, collisions.

Hypothesis draws a short sequence of events against one source folder and one
destination. After every event the markers must agree (``_SUCCESS`` only beside a
complete manifest listing exactly the visible files); after every rerun the destination
must equal an uninterrupted run over the current source, row for row, and so must a
final run after the last event.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from stuntlib.errors import StuntlibError
from stuntlib.stream import score_dataset
from test_stream_faults import (
    BATCH,
    Workers,
    assert_markers_agree,
    assert_mirrors,
    children,
    write_source,
)

ROWS = 400


class StreamMachine(RuleBasedStateMachine):
    """One source folder, one destination, real processes."""

    @initialize()
    def setup(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="stuntlib-machine-"))
        self.src, self.dest = self.tmp / "src", self.tmp / "dest"
        self.files = 0
        for _ in range(2):
            self._new_file()
        self.workers = Workers()

    def _new_file(self, extra_column: bool = False) -> None:
        frame = children(ROWS, self.files * ROWS, seed=self.files)
        if extra_column:
            frame["posyandu"] = "Melati"
        write_source(self.src / f"part_{self.files:02d}.parquet", frame)
        self.files += 1

    def _run(self):
        return score_dataset(self.src, self.dest, batch_rows=BATCH, indicators="stunting")

    @rule(k=st.integers(1, 16))
    def kill_after_a_rename(self, k: int) -> None:
        self.workers.get().start(self.src, self.dest, kill_at_replace=k).result()
        if self.dest.exists():
            assert_markers_agree(self.dest)

    @rule()
    def rerun(self) -> None:
        assert_mirrors(self.src, self.dest, self.tmp, self._run())

    @rule(index=st.integers(0, 10), shift=st.sampled_from([0.5, -1.0]))
    def change_a_file_keeping_size_and_mtime(self, index: int, shift: float) -> None:
        target = sorted(self.src.glob("*.parquet"))[index % self.files]
        before = target.stat()
        frame = pd.read_parquet(target)
        frame["lenhei"] = frame["lenhei"] + shift
        write_source(target, frame)
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))

    @rule(extra_column=st.booleans())
    def add_a_file(self, extra_column: bool) -> None:
        if self.files < 4:
            self._new_file(extra_column)

    @rule()
    def collide(self) -> None:
        held = self.tmp / f"held-{time.monotonic_ns()}"
        # the first rename is the manifest written under the lock: the holder stops there
        holder = self.workers.get().start(self.src, self.dest, hold_at_replace=1,
                                          signal=str(held))  # fmt: skip
        deadline = time.monotonic() + 120
        while not held.exists():
            assert holder.proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        try:
            self._run()
        except StuntlibError as exc:
            assert "in use by another score_dataset run" in str(exc)
        else:
            raise AssertionError("a second run wrote into a destination another run holds")
        finally:
            holder.kill()
        assert_markers_agree(self.dest)

    def teardown(self) -> None:
        try:
            if hasattr(self, "workers"):
                self.workers.close()
                # whatever happened, one more run must leave a faithful mirror
                assert_mirrors(self.src, self.dest, self.tmp, self._run())
        finally:
            if hasattr(self, "tmp"):
                shutil.rmtree(self.tmp, ignore_errors=True)


StreamMachine.TestCase.settings = settings(
    max_examples=3,
    stateful_step_count=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
test_stream_machine = StreamMachine.TestCase
