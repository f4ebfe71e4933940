"""Smoke test: the benchmark script runs end to end on a small input (no timing checks)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_zscores.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_zscores", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_script_runs_without_peers(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows", "10000", "--repeat", "1", "--no-peers"]
        + ["--json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "haz" in proc.stdout and "all4" in proc.stdout
    result = json.loads(out.read_text())
    (size,) = result["stuntlib"]
    for workload in ("haz", "all4"):
        entry = size[workload]
        assert entry["rows"] == 10_000
        assert entry["rows_per_s"] > 0
        assert entry["tracemalloc_peak_bytes"] > 0
    assert result["machine"]["numpy"] == np.__version__


def test_inputs_are_reproducible_and_plausible() -> None:
    bench = _load_bench()
    a = bench.make_inputs(5_000, seed=1)
    b = bench.make_inputs(5_000, seed=1)
    longer = bench.make_inputs(7_000, seed=1)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
        np.testing.assert_array_equal(a[name], longer[name][:5_000])
    assert set(np.unique(a["sex"]).tolist()) == {1, 2}
    assert a["age_days"].min() >= 0 and a["age_days"].max() <= 1826
    assert set(np.unique(a["measure"]).tolist()) == {"l", "h"}
    mismatch = (a["measure"] == "l") != (a["age_days"] < 731)
    assert 0.0 < mismatch.mean() < 0.1
    z, classes = bench.run_haz(a)
    assert np.isfinite(z).all()
    stunted = np.isin(np.asarray(classes), ["severely stunted", "stunted"]).mean()
    assert 0.1 < stunted < 0.35


def test_peer_adapters_run() -> None:
    # make test installs the bench extra, so every peer adapter is exercised here
    bench = _load_bench()
    peers = [p for p in bench._peers.PEERS if p.available()]
    assert len(peers) == len(bench._peers.PEERS), "install the bench extra: pip install -e .[bench]"
    inputs = bench.make_inputs(300, seed=2)
    results, reference = bench.bench_peers(inputs, rows=300, repeat=1)
    assert reference["rows"] == 300
    for entry in results:
        if "error" in entry:
            continue
        assert entry["haz"]["zlen"]["compared"] > 0
        assert 0.0 <= entry["haz"]["zlen"]["differ_share"] <= 1.0
