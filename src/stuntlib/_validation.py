"""Argument checks shared by the public functions (private).

Each raises a :class:`~stuntlib.errors.StuntlibError` whose message names the argument,
what was expected and what was given.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from stuntlib.errors import ColumnError, StuntlibError

__all__ = ["check_language", "check_scored_frame", "check_unique_labels"]


def check_language(language: Any) -> None:
    """Raise unless ``language`` is ``"en"`` or ``"id"``."""
    if language not in ("en", "id"):
        raise StuntlibError(f"language: expected 'en' or 'id'; got {language!r}")


def check_scored_frame(scored: Any, argument: str = "scored") -> None:
    """Raise unless ``scored`` is a DataFrame carrying the z-scores of :func:`stuntlib.score`."""
    if not isinstance(scored, pd.DataFrame):
        raise StuntlibError(f"{argument}: expected a DataFrame; got {type(scored).__name__}")
    check_unique_labels(scored, argument)
    if "zlen" not in scored.columns:
        raise ColumnError(
            f"{argument}: no 'zlen' column; score the rows first: stuntlib.score(frame)"
        )


def check_unique_labels(frame: pd.DataFrame, argument: str = "frame") -> None:
    """Raise :class:`ColumnError` naming a column label that appears more than once.

    Two columns under one label (``pandas.concat`` of two exports) make every column
    lookup return a frame instead of a column, so no result can be trusted.
    """
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        raise ColumnError(
            f"{argument}: the column label {repeated[0]!r} appears more than once; rename or "
            "drop the duplicates (e.g. after pandas.concat) so each column has one label"
        )
