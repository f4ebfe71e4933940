"""Run element-wise work over blocks of rows on a small thread pool (private).

Every hot path of stuntlib is a chain of element-wise numpy operations, so rows can be
processed in independent blocks: each block's temporaries stay in the CPU cache, and
numpy releases the GIL inside its loops, so blocks run in parallel on a thread pool.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["BLOCK_ROWS", "run_in_blocks"]

#: Rows per block (about 0.5 MB per float64 column).
BLOCK_ROWS = 1 << 16

BlockFunction = Callable[[Mapping[str, "np.ndarray | None"], int], dict[str, np.ndarray]]


#: Environment variable that caps the threads of the block pool (e.g. 1 inside Dask
#: workers that already use every core).
THREADS_VARIABLE = "STUNTLIB_NUM_THREADS"


def _max_workers() -> int:
    cores = max(1, min(4, os.cpu_count() or 1))
    setting = os.environ.get(THREADS_VARIABLE, "").strip()
    return max(1, int(setting)) if setting.isdigit() else cores


def run_in_blocks(
    func: BlockFunction, columns: Mapping[str, np.ndarray | None], n: int
) -> dict[str, np.ndarray]:
    """Apply ``func(block_columns, block_rows) -> {name: array}`` block by block, in order.

    ``func`` must be element-wise: the output rows of a block depend only on that
    block's input rows. The results are gathered into arrays of length ``n``.
    """
    if n <= BLOCK_ROWS:
        return func(columns, n)

    def work(start: int) -> tuple[int, dict[str, np.ndarray]]:
        stop = min(start + BLOCK_ROWS, n)
        block = {k: (None if v is None else v[start:stop]) for k, v in columns.items()}
        return start, func(block, stop - start)

    results: dict[str, np.ndarray] = {}
    with ThreadPoolExecutor(max_workers=_max_workers()) as pool:
        for start, part in pool.map(work, range(0, n, BLOCK_ROWS)):
            if not results:
                results = {k: np.empty(n, dtype=v.dtype) for k, v in part.items()}
            for k, v in part.items():
                results[k][start : start + len(v)] = v
    return results
