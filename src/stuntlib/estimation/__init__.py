"""Prevalence estimation: indicators, groupings, partial sums, variance and intervals.

The public entry point is :func:`prevalence`; :func:`prevalence_partial_sums`,
:func:`merge_partial_sums` and :func:`finalize_prevalence` are its map, reduce and
finalise steps, shared by the in-memory, streaming and Dask paths.
"""

from __future__ import annotations

from stuntlib.estimation.api import prevalence
from stuntlib.estimation.finalize import disclosive_cells, finalize_prevalence
from stuntlib.estimation.groupings import (
    DERIVED_GROUPS,
    add_group_columns,
    rollup,
    who_groupings,
)
from stuntlib.estimation.indicators import INDICATORS, OEDEMA_AUX_ZSCORE, Indicator
from stuntlib.estimation.options import WHO_MAX_AGE_DAYS, CIMethod, PrevalenceOptions, Rounding
from stuntlib.estimation.sums import PartialSums, merge_partial_sums, prevalence_partial_sums
from stuntlib.estimation.tables import prevalence_table

__all__ = [
    "DERIVED_GROUPS",
    "INDICATORS",
    "OEDEMA_AUX_ZSCORE",
    "WHO_MAX_AGE_DAYS",
    "CIMethod",
    "Indicator",
    "PartialSums",
    "PrevalenceOptions",
    "Rounding",
    "add_group_columns",
    "disclosive_cells",
    "finalize_prevalence",
    "merge_partial_sums",
    "prevalence",
    "prevalence_partial_sums",
    "prevalence_table",
    "rollup",
    "who_groupings",
]
