"""stuntlib: exact, vectorised WHO child-growth z-scores and stunting analytics.

Importing stuntlib is cheap: WHO tables are read on first use and heavy optional
modules (plotting, Dask) are imported only by the functions that need them.

Examples
--------
>>> import stuntlib
>>> r = stuntlib.zscores(sex=[1, 2], age_days=[1001, 1000], lenhei=[120, 80])
>>> r["zlen"].round(2).tolist()
[7.31, -3.5]
"""

from __future__ import annotations

from stuntlib.classification import CLASSIFICATIONS, Classification, classify, classify_stunting
from stuntlib.columns import CANONICAL_ALIASES, resolve_columns
from stuntlib.errors import ColumnError, StuntlibError, StuntlibWarning
from stuntlib.estimation import (
    PartialSums,
    disclosive_cells,
    finalize_prevalence,
    merge_partial_sums,
    prevalence,
    prevalence_partial_sums,
    prevalence_table,
    rollup,
    who_groupings,
)
from stuntlib.growth import (
    INDICATORS,
    REASONS,
    arm_circumference_for_age_zscore,
    bmi_for_age_zscore,
    head_circumference_for_age_zscore,
    height_for_age_zscore,
    lenhei_from_zscore,
    subscapular_skinfold_for_age_zscore,
    triceps_skinfold_for_age_zscore,
    weight_for_age_zscore,
    weight_for_lenhei_zscore,
    zscores,
)
from stuntlib.intervals import (
    clopper_pearson_interval,
    jeffreys_interval,
    korn_graubard_interval,
    logit_interval,
    wilson_interval,
)
from stuntlib.io import (
    MissingColumnsError,
    ReadError,
    parse_measurements,
    read_measurements,
    write_table,
)
from stuntlib.lms import r_round, restricted_zscore, value_from_zscore, zscore_from_lms
from stuntlib.publication import aksi7_table, write_aksi7_workbook
from stuntlib.quality import CHECKS, Check, QualityReport, check_quality
from stuntlib.reference import LMSTable, load_table
from stuntlib.report import render_report, write_report
from stuntlib.scoring import age_group, score
from stuntlib.stream import StreamResult, score_dataset

__version__ = "0.1.0"

__all__ = [
    "disclosive_cells",
    "score_dataset",
    "StreamResult",
    "write_report",
    "render_report",
    "write_aksi7_workbook",
    "aksi7_table",
    "write_table",
    "read_measurements",
    "parse_measurements",
    "ReadError",
    "MissingColumnsError",
    "check_quality",
    "QualityReport",
    "Check",
    "CHECKS",
    "wilson_interval",
    "logit_interval",
    "korn_graubard_interval",
    "jeffreys_interval",
    "clopper_pearson_interval",
    "who_groupings",
    "rollup",
    "prevalence_table",
    "prevalence_partial_sums",
    "prevalence",
    "merge_partial_sums",
    "finalize_prevalence",
    "PartialSums",
    "CANONICAL_ALIASES",
    "CLASSIFICATIONS",
    "INDICATORS",
    "REASONS",
    "Classification",
    "ColumnError",
    "LMSTable",
    "StuntlibError",
    "StuntlibWarning",
    "__version__",
    "age_group",
    "arm_circumference_for_age_zscore",
    "bmi_for_age_zscore",
    "classify",
    "classify_stunting",
    "head_circumference_for_age_zscore",
    "height_for_age_zscore",
    "lenhei_from_zscore",
    "load_table",
    "r_round",
    "resolve_columns",
    "restricted_zscore",
    "score",
    "subscapular_skinfold_for_age_zscore",
    "triceps_skinfold_for_age_zscore",
    "value_from_zscore",
    "weight_for_age_zscore",
    "weight_for_lenhei_zscore",
    "zscore_from_lms",
    "zscores",
]
