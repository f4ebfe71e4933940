"""Dask adapter == pandas path (differential test on a 2-worker LocalCluster); and the
core imports and works with dask blocked.

Dask is a development dependency (the ``dask`` extra is in ``dev``): these tests import
it directly and fail, rather than skip, when it is missing.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import stuntlib
from stuntlib.adapters import dask as sdask
from stuntlib.errors import ColumnError, StuntlibError
from stuntlib.estimation import prevalence

ROOT = Path(__file__).resolve().parents[1]


def make_children(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 1900, n).astype(np.float64)
    median = np.interp(age, [0, 365, 730, 1095, 1461, 1826], [50, 75, 87, 96, 103, 110])
    lenhei = np.round(median * (1 + 0.04 * rng.normal(-0.9, 1.2, n)), 1)
    weight = np.interp(lenhei, [45, 65, 85, 110], [2.4, 7.3, 11.7, 18.3])
    weight = np.round(weight * np.exp(rng.normal(0, 0.1, n)), 1)
    weight[rng.random(n) < 0.01] = np.nan
    return pd.DataFrame(
        {
            "desa": rng.choice([f"desa-{k:02d}" for k in range(17)], n),
            "sex": rng.choice([1, 2], n),
            "age_days": age,
            "lenhei": lenhei,
            "weight": weight,
            "measure": np.where(age < 730, "l", "h"),
            "oedema": rng.choice(["n", "y"], n, p=[0.995, 0.005]),
            "strata": rng.integers(0, 3, n),
            "psu": rng.integers(0, 25, n),
            "w": rng.uniform(0.5, 3.0, n),
        }
    )


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, dd.DataFrame]:
    ddf = dd.from_pandas(make_children(6000), npartitions=7)
    # the pandas side gets the frame exactly as Dask holds it (Dask stores text as
    # pyarrow strings by default, "dataframe.convert-string")
    return ddf.compute(scheduler="sync"), ddf


def test_score_matches_pandas_with_exact_meta(client, frames):
    df, ddf = frames
    lazy = sdask.score(ddf)
    out = lazy.compute()
    expected = stuntlib.score(df)
    pd.testing.assert_frame_equal(out, expected, check_exact=True)
    # the metadata Dask was given is exactly what the partitions hold
    assert list(lazy._meta.columns) == list(expected.columns)
    assert (lazy._meta.dtypes == expected.dtypes).all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"by": "desa"},
        {"by": [[], ["age_group", "sex"], ["desa"]], "ci": "clopper-pearson"},
        {"by": "desa", "weights": "w", "cluster": "psu", "strata": "strata", "ci": "logit"},
        {"by": "desa", "weights": "w", "ci": "korn-graubard"},
    ],
    ids=["census", "grouping-sets", "clustered-survey", "weighted"],
)
def test_prevalence_matches_pandas_on_a_two_worker_cluster(client, frames, kwargs):
    df, ddf = frames
    got = sdask.prevalence(sdask.score(ddf), split_every=3, **kwargs)
    expected = prevalence(stuntlib.score(df), **kwargs)
    assert (got.dtypes == expected.dtypes).all()
    keys = [c for c in ("grouping", "desa", "age_group", "sex", "indicator") if c in got]
    # counts are sums of integers: identical; float sums are added in another order
    pd.testing.assert_frame_equal(
        got[[*keys, "n", "cases"]], expected[[*keys, "n", "cases"]], check_exact=True
    )
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-14)


def test_census_cut_off_prevalence_is_bit_identical(client, frames):
    df, ddf = frames
    got = sdask.prevalence(sdask.score(ddf), by="desa", indicators=["stunting", "wasting"])
    expected = prevalence(stuntlib.score(df), by="desa", indicators=["stunting", "wasting"])
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_partial_sums_are_lazy_and_arguments_fail_early(frames):
    _, ddf = frames
    lazy = sdask.partial_sums(sdask.score(ddf), "desa", indicators="stunting")
    assert hasattr(lazy, "dask")  # a Delayed, nothing computed yet
    with pytest.raises(ColumnError, match="nowhere"):
        sdask.prevalence(sdask.score(ddf), by="nowhere")
    with pytest.raises(ColumnError, match="z-score"):
        sdask.prevalence(ddf, by="desa")  # not scored
    with pytest.raises(StuntlibError, match="dask.dataframe.DataFrame"):
        sdask.score(pd.DataFrame({"sex": [1]}))
    with pytest.raises(StuntlibError, match="split_every"):
        sdask.partial_sums(ddf, split_every=1)


BLOCKED = textwrap.dedent(
    """
    import sys, importlib.abc

    class BlockDask(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("dask", "distributed"):
                raise ImportError(f"No module named {name!r} (blocked by the test)")
            return None

    sys.meta_path.insert(0, BlockDask())

    import stuntlib
    r = stuntlib.zscores(sex=[1, 2], age_days=[1001, 1000], lenhei=[120, 80])
    assert r["zlen"].round(2).tolist() == [7.31, -3.5], r
    import pandas as pd
    from stuntlib.estimation import prevalence
    from stuntlib.stream import score_dataset  # the single-machine path needs no dask
    out = prevalence(stuntlib.score(pd.DataFrame({"sex": [1], "age_days": [400],
                                                  "lenhei": [70.0]})), indicators="stunting")
    assert out["n"].tolist() == [1]
    import stuntlib.adapters.dask as sdask  # importable: the docs can document it
    try:
        sdask.score(None)
    except ImportError as exc:
        assert "pip install stuntlib[dask]" in str(exc), exc
    else:
        raise AssertionError("no ImportError without dask")
    assert not [m for m in sys.modules if m.split(".")[0] in ("dask", "distributed")]
    print("ok")
    """
)


def test_core_imports_and_works_with_dask_blocked():
    run = subprocess.run(
        [sys.executable, "-c", BLOCKED],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


def test_import_stuntlib_does_not_import_dask():
    code = (
        "import sys, stuntlib, stuntlib.adapters, stuntlib.adapters.dask, stuntlib.stream; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed'}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_there_is_one_dask_path() -> None:
    """stuntlib.adapters.dask is the only Dask implementation; no stuntlib.dask alias."""
    import importlib.util

    assert importlib.util.find_spec("stuntlib.adapters.dask") is not None
    assert importlib.util.find_spec("stuntlib.dask") is None


def test_dask_finalises_with_the_shared_finaliser(monkeypatch, frames) -> None:
    """The Dask path ends in stuntlib.estimation.finalize_prevalence, as the stream does."""
    from stuntlib.estimation import finalize_prevalence, prevalence_partial_sums

    calls = []

    def spy(sums, **kwargs):
        calls.append(sums.rows)
        return finalize_prevalence(sums, **kwargs)

    monkeypatch.setattr(sdask, "finalize_prevalence", spy)
    df, ddf = frames
    sdask.prevalence(sdask.score(ddf), "desa", scheduler="sync")
    assert calls == [prevalence_partial_sums(stuntlib.score(df), "desa").rows]
