"""Input coercion and output wrapping shared by the array API (private)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from stuntlib.errors import StuntlibError

__all__ = ["as_column", "broadcast_columns", "common_index", "wrap_like"]


def as_column(name: str, value: Any) -> np.ndarray:
    """Return a 1-d numpy view of a scalar, list, array, Series or Index (no copy if possible).

    Raises
    ------
    StuntlibError
        If the value is not one-dimensional.
    """
    if isinstance(value, (pd.Series, pd.Index)):
        dtype = value.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            arr = np.asarray(value.astype(object))
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            arr = value.to_numpy()
        elif pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            arr = value.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            arr = value.to_numpy(dtype=object)
    elif isinstance(value, pd.DataFrame):
        raise StuntlibError(
            f"{name}: expected a scalar, list, 1-d array or Series; got a DataFrame "
            "(use stuntlib.score for frames)"
        )
    else:
        arr = np.asarray(value)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise StuntlibError(
            f"{name}: expected a scalar or a one-dimensional array; got shape {arr.shape}"
        )
    return arr


def broadcast_columns(columns: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], int]:
    """Broadcast length-1 inputs to the common length; reject other mismatches."""
    lengths = {name: len(arr) for name, arr in columns.items()}
    longer = {k: v for k, v in lengths.items() if v != 1}
    sizes = set(longer.values())
    if len(sizes) > 1:
        raise StuntlibError(
            "inputs must have the same length (or length 1); got lengths "
            + ", ".join(f"{k}={v}" for k, v in lengths.items())
        )
    n = sizes.pop() if sizes else (1 if lengths else 0)
    out = {
        name: (np.broadcast_to(arr, (n,)) if len(arr) == 1 and n != 1 else arr)
        for name, arr in columns.items()
    }
    return out, n


def common_index(values: Mapping[str, Any], n: int) -> pd.Index | None:
    """The index shared by the Series among ``values`` (None if there is none).

    Raises
    ------
    StuntlibError
        If two Series arguments carry different indexes.
    """
    index: pd.Index | None = None
    owner = ""
    for name, value in values.items():
        if isinstance(value, pd.Series) and len(value) == n:
            if index is None:
                index, owner = value.index, name
            elif not index.equals(value.index):
                raise StuntlibError(
                    f"{name}: its index differs from the index of {owner}; align the Series "
                    "or pass numpy arrays"
                )
    return index


def wrap_like(template: Any, values: np.ndarray, name: str | None = None) -> Any:
    """Return ``values`` in the type of ``template``: Series (same index), scalar or array."""
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=name, copy=False)
    if np.ndim(template) == 0 and not isinstance(template, (list, tuple)):
        return values[0].item() if values.size == 1 else values
    return values
