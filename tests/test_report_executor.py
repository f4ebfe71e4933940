"""The report's charts drawn on an executor: the same page, and nothing lost when it fails."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pytest

from stuntlib.report import render_report


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 240
    return pd.DataFrame(
        {
            "kelurahan": rng.choice(["TIRTO", "MEDONO", "BENDAN"], n),
            "kecamatan": "PEKALONGAN BARAT",
            "flen": 0,
            "csex": rng.integers(1, 3, n),
            "zlen": rng.normal(-1.2, 1.1, n),
            "zwei": rng.normal(-0.8, 1.0, n),
            "age_days": rng.integers(0, 1800, n),
        }
    )


def test_charts_drawn_in_another_process_give_the_same_page(scored: pd.DataFrame) -> None:
    here = render_report(scored, language="en")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        there = render_report(scored, language="en", executor=pool)
    assert there == here
    assert here.count('<img src="data:image/png;base64,') == 3


class _Broken(Executor):
    """An executor whose process died: every submit fails, or every result does."""

    def __init__(self, at: str) -> None:
        self.at = at
        self.submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        if self.at == "submit":
            raise BrokenExecutor("the worker died")
        future: Future[Any] = Future()
        future.set_exception(BrokenExecutor("the worker died"))
        return future


@pytest.mark.parametrize("at", ["submit", "result"])
def test_a_broken_executor_loses_no_chart(scored: pd.DataFrame, at: str) -> None:
    broken = _Broken(at)
    page = render_report(scored, language="en", executor=broken)
    assert broken.submitted == 3  # the kelurahan chart, the z-score histograms, age x sex
    assert page == render_report(scored, language="en")


def _warns(x: int) -> int:
    import warnings

    warnings.warn(f"half of {x} is not whole", UserWarning, stacklevel=2)
    return 2 * x


def test_work_on_an_executor_returns_its_value_and_its_warnings_here() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from stuntlib._concurrent import later

    with ThreadPoolExecutor(1) as pool:
        done = later(pool, _warns, 3)
        with pytest.warns(UserWarning, match="half of 3 is not whole"):
            assert done() == 6
    with pytest.warns(UserWarning, match="half of 5"):  # no executor: now, as a call
        assert later(None, _warns, 5)() == 10


def test_a_desa_under_two_puskesmas_is_one_desa_in_the_report() -> None:
    # Tirto's 60 children are recorded by two puskesmas (40 + 20), Medono's 50 by one:
    # the Aksi 7 table has a Tirto row under each puskesmas; the report still counts the
    # 27 kelurahan of Kota Pekalongan (Kepmendagri 2025), not 28.
    rng = np.random.default_rng(3)
    rows = [("TIRTO", "TIRTO", 40), ("TIRTO", "MEDONO", 20), ("MEDONO", "MEDONO", 50)]
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "kelurahan": desa,
                    "puskesmas": pkm,
                    "kecamatan": "PEKALONGAN BARAT",
                    "flen": 0,
                    "csex": rng.integers(1, 3, n),
                    "zlen": rng.normal(-1.0, 1.0, n),
                    "age_days": rng.integers(0, 1800, n),
                }
            )
            for desa, pkm, n in rows
        ],  # fmt: skip
        ignore_index=True,
    )
    page = render_report(frame, language="en")
    card = page.split('<div class="l">Villages (desa/kelurahan)</div>')[0].rsplit(">", 2)[-2]
    assert card.startswith("27<")


class _Recording(Executor):
    """Runs each chart in place and records its name and arguments, in submission order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.calls.append((args[0].__name__, args[1:]))  # fn is a wrapper: (chart, *its args)
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def test_the_kelurahan_chart_is_drawn_before_the_table_with_the_kota_figure() -> None:
    """Its dashed line is the kab/kota's prevalence, rounded as the tables round it.

    60 fictional children of TIRTO and 40 of MEDONO, all measured at 1-2 years: 27
    stunted (z < -2) in all, so the line is at 27 / 100 = 27.0 %. The chart is submitted
    before the Aksi 7 table is computed (so that it is drawn meanwhile).
    """
    z = np.r_[np.full(15, -2.5), np.full(45, -0.5), np.full(12, -3.1), np.full(28, 0.2)]
    scored = pd.DataFrame({"kelurahan": ["TIRTO"] * 60 + ["MEDONO"] * 40,
                           "kecamatan": "PEKALONGAN BARAT", "flen": 0, "csex": 1, "zlen": z,
                           "age_days": 500})  # fmt: skip
    recording = _Recording()
    table_computed_after: list[int] = []

    def table() -> pd.DataFrame:
        from stuntlib.publication import aksi7_table

        table_computed_after.append(len(recording.calls))
        return aksi7_table(scored, language="en", min_n=25)

    render_report(scored, language="en", executor=recording, aksi7=table)
    names = [name for name, _ in recording.calls]
    assert "kelurahan_figure" in names
    kel = names.index("kelurahan_figure")
    assert table_computed_after == [kel + 1]
    rows, city = recording.calls[kel][1][:2]
    assert city == 27.0
    assert sorted(rows["label"].tolist()) == ["Medono", "Tirto"]
