"""Small frame helpers shared by the estimation modules."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stuntlib.errors import ColumnError, StuntlibError

FloatArray = NDArray[np.float64]


def _numeric(frame: pd.DataFrame, column: str) -> FloatArray:
    s = frame[column]
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    return np.asarray(pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan))


def _need_column(frame: pd.DataFrame, argument: str, column: object) -> str:
    if not isinstance(column, str):
        raise StuntlibError(f"{argument}: expected a column name (str); got {column!r}")
    if column not in frame.columns:
        raise ColumnError(
            f"{argument}: column {column!r} is not in the frame; the columns are "
            f"{list(frame.columns)}"
        )
    return column
