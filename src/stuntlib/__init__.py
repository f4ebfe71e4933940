"""stuntlib: exact, vectorised WHO child-growth z-scores and stunting analytics.

``import stuntlib`` is cheap: it loads no WHO table, no pyarrow dataset, no scipy.stats and
no matplotlib. Each name below is imported from its topic module on first use (SPEC 1 lazy
loading), and every topic module is reachable as ``stuntlib.<module>``:

* :mod:`stuntlib.growth`: z-scores (array API); :mod:`stuntlib.indicators`: the catalogue;
  :mod:`stuntlib.classification`: classes; :mod:`stuntlib.scoring`: :func:`score`.
* :mod:`stuntlib.lms`, :mod:`stuntlib.reference`: the LMS method and WHO's tables.
* :mod:`stuntlib.estimation`: prevalence; :mod:`stuntlib.intervals`: binomial intervals.
* :mod:`stuntlib.quality`, :mod:`stuntlib.io`, :mod:`stuntlib.publication`,
  :mod:`stuntlib.report`, :mod:`stuntlib.stream`, :mod:`stuntlib.adapters`.

Examples
--------
>>> import stuntlib
>>> r = stuntlib.zscores(sex=[1, 2], age_days=[1001, 1000], lenhei=[120, 80])
>>> r["zlen"].round(2).tolist()
[7.31, -3.5]
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

import lazy_loader as _lazy

from stuntlib._version import __version__
from stuntlib.errors import ColumnError, StuntlibError, StuntlibWarning

#: Public names of the root, by the module that defines them.
_EXPORTS: dict[str, list[str]] = {
    "growth": [
        "REASONS",
        "arm_circumference_for_age_zscore",
        "bmi_for_age_zscore",
        "head_circumference_for_age_zscore",
        "height_for_age_zscore",
        "lenhei_from_zscore",
        "subscapular_skinfold_for_age_zscore",
        "triceps_skinfold_for_age_zscore",
        "weight_for_age_zscore",
        "weight_for_lenhei_zscore",
        "zscores",
    ],
    "classification": ["CLASSIFICATIONS", "classify", "classify_stunting"],
    "scoring": ["age_group", "score"],
    "io": [
        "MissingColumnsError",
        "ReadError",
        "parse_measurements",
        "read_measurements",
        "write_table",
    ],
    "estimation": ["prevalence", "prevalence_table", "rollup", "who_groupings"],
    "quality": ["QualityReport", "check_quality"],
    "publication": ["aksi7_table", "write_aksi7_workbook"],
    "report": ["render_report", "write_report"],
    "stream": ["StreamResult", "score_dataset"],
}

#: Topic modules reachable as attributes (``stuntlib.lms.r_round``) without an import.
_SUBMODULES = [
    "adapters",
    "classification",
    "columns",
    "errors",
    "estimation",
    "growth",
    "indicators",
    "intervals",
    "io",
    "lms",
    "publication",
    "quality",
    "reference",
    "report",
    "scoring",
    "standardize",
    "stream",
]

#: Names the root exported in 0.1 that now live only in their topic module. They still
#: resolve, with a FutureWarning naming the new place, until 0.3.
_MOVED = {
    "CANONICAL_ALIASES": "stuntlib.columns",
    "resolve_columns": "stuntlib.columns",
    "clopper_pearson_interval": "stuntlib.intervals",
    "jeffreys_interval": "stuntlib.intervals",
    "korn_graubard_interval": "stuntlib.intervals",
    "logit_interval": "stuntlib.intervals",
    "wilson_interval": "stuntlib.intervals",
    "r_round": "stuntlib.lms",
    "restricted_zscore": "stuntlib.lms",
    "value_from_zscore": "stuntlib.lms",
    "zscore_from_lms": "stuntlib.lms",
    "LMSTable": "stuntlib.reference",
    "load_table": "stuntlib.reference",
    "INDICATORS": "stuntlib.growth",
    "Classification": "stuntlib.classification",
    "PartialSums": "stuntlib.estimation",
    "disclosive_cells": "stuntlib.estimation",
    "finalize_prevalence": "stuntlib.estimation",
    "merge_partial_sums": "stuntlib.estimation",
    "prevalence_partial_sums": "stuntlib.estimation",
    "CHECKS": "stuntlib.quality",
    "Check": "stuntlib.quality",
}

_lazy_getattr, _lazy_dir, _lazy_all = _lazy.attach(
    __name__, submodules=_SUBMODULES, submod_attrs=_EXPORTS
)

__all__ = [
    "aksi7_table",
    "write_aksi7_workbook",
    "CLASSIFICATIONS",
    "ColumnError",
    "MissingColumnsError",
    "QualityReport",
    "REASONS",
    "ReadError",
    "StreamResult",
    "StuntlibError",
    "StuntlibWarning",
    "__version__",
    "age_group",
    "arm_circumference_for_age_zscore",
    "bmi_for_age_zscore",
    "check_quality",
    "classify",
    "classify_stunting",
    "head_circumference_for_age_zscore",
    "height_for_age_zscore",
    "lenhei_from_zscore",
    "parse_measurements",
    "prevalence",
    "prevalence_table",
    "read_measurements",
    "render_report",
    "rollup",
    "score",
    "score_dataset",
    "subscapular_skinfold_for_age_zscore",
    "triceps_skinfold_for_age_zscore",
    "weight_for_age_zscore",
    "weight_for_lenhei_zscore",
    "who_groupings",
    "write_report",
    "write_table",
    "zscores",
]


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        warnings.warn(
            f"stuntlib.{name} has moved to {_MOVED[name]}.{name}; the root alias will be "
            "removed in stuntlib 0.3",
            FutureWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(_MOVED[name]), name)
    return _lazy_getattr(name)


def __dir__() -> list[str]:
    return sorted(set(_lazy_dir()) | set(__all__))


if TYPE_CHECKING:  # the static view of the lazy names, for type checkers and IDEs
    from stuntlib import (  # noqa: F401  (submodules, lazily reachable as attributes)
        adapters,
        classification,
        columns,
        errors,
        estimation,
        growth,
        indicators,
        intervals,
        io,
        lms,
        publication,
        quality,
        reference,
        report,
        scoring,
        standardize,
        stream,
    )
    from stuntlib.classification import CLASSIFICATIONS, classify, classify_stunting
    from stuntlib.estimation import prevalence, prevalence_table, rollup, who_groupings
    from stuntlib.growth import (
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
    from stuntlib.io import (
        MissingColumnsError,
        ReadError,
        parse_measurements,
        read_measurements,
        write_table,
    )
    from stuntlib.publication import aksi7_table, write_aksi7_workbook
    from stuntlib.quality import QualityReport, check_quality
    from stuntlib.report import render_report, write_report
    from stuntlib.scoring import age_group, score
    from stuntlib.stream import StreamResult, score_dataset
