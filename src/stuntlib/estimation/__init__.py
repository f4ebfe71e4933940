"""Prevalence estimation: indicators, groupings, partial sums, variance and intervals.

The public entry point is :func:`prevalence`; :func:`prevalence_partial_sums`,
:func:`merge_partial_sums` and :func:`finalize_prevalence` are its map, reduce and
finalise steps, shared by the in-memory, streaming and Dask paths.
"""

from __future__ import annotations

from stuntlib.estimation._prevalence import (
    DERIVED_GROUPS,
    INDICATORS,
    OEDEMA_AUX_ZSCORE,
    WHO_MAX_AGE_DAYS,
    CIMethod,
    Indicator,
    PartialSums,
    add_group_columns,
    disclosive_cells,
    finalize_prevalence,
    merge_partial_sums,
    prevalence,
    prevalence_partial_sums,
    prevalence_table,
    rollup,
    who_groupings,
)

__all__ = [
    "DERIVED_GROUPS",
    "INDICATORS",
    "OEDEMA_AUX_ZSCORE",
    "WHO_MAX_AGE_DAYS",
    "CIMethod",
    "Indicator",
    "PartialSums",
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
