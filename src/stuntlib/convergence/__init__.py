"""Aksi 1 situation analysis: small-area estimates, convergence score and priority list.

The eight convergence actions against stunting (Kemendagri/Bappenas) start each year with
Aksi 1, the situation analysis: where stunting is, which services do not reach the
families at risk, and which desa/kelurahan come first. This package computes the pieces:

* :func:`small_area_estimates`: prevalence per area shrunk by empirical Bayes
  (beta-binomial) or Fay-Herriot, with intervals and MSE;
* :func:`convergence_score`: Kemendesa's village convergence scorecard from by-name
  service records;
* :func:`situation_analysis`: one row per desa/kelurahan with burden, coverage gaps,
  a priority class under a configurable preset and the probability of being in the top k.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader as _lazy

# names load on first use: the command line builds its parser (stuntlib.convergence._cli)
# without importing pandas
__getattr__, __dir__, _ = _lazy.attach(
    __name__,
    submod_attrs={
        "_sae": ["SAE_COLUMNS", "posterior_draws", "small_area_estimates"],
        "_scorecard": [
            "CHILD_INDICATORS",
            "MOTHER_INDICATORS",
            "RECORD_COLUMNS",
            "ConvergenceScore",
            "convergence_score",
            "read_service_records",
        ],
        "_situation": [
            "PRESETS",
            "PriorityPreset",
            "priority_classes",
            "situation_analysis",
            "top_k_probability",
        ],
        "_tables": [
            "COVERAGE_INDICATORS",
            "DATA_SASARAN_COLUMNS",
            "KRS_COLUMNS",
            "read_area_table",
            "read_coverage",
            "read_krs",
            "safe_text",
            "write_aksi_bangda",
        ],
    },
)

if TYPE_CHECKING:  # the static view of the lazy names, for type checkers and IDEs
    from stuntlib.convergence._sae import SAE_COLUMNS, posterior_draws, small_area_estimates
    from stuntlib.convergence._scorecard import (
        CHILD_INDICATORS,
        MOTHER_INDICATORS,
        RECORD_COLUMNS,
        ConvergenceScore,
        convergence_score,
        read_service_records,
    )
    from stuntlib.convergence._situation import (
        PRESETS,
        PriorityPreset,
        priority_classes,
        situation_analysis,
        top_k_probability,
    )
    from stuntlib.convergence._tables import (
        COVERAGE_INDICATORS,
        DATA_SASARAN_COLUMNS,
        KRS_COLUMNS,
        read_area_table,
        read_coverage,
        read_krs,
        safe_text,
        write_aksi_bangda,
    )

__all__ = [
    "COVERAGE_INDICATORS",
    "DATA_SASARAN_COLUMNS",
    "KRS_COLUMNS",
    "PRESETS",
    "PriorityPreset",
    "priority_classes",
    "read_area_table",
    "read_coverage",
    "read_krs",
    "safe_text",
    "situation_analysis",
    "top_k_probability",
    "write_aksi_bangda",
    "CHILD_INDICATORS",
    "MOTHER_INDICATORS",
    "RECORD_COLUMNS",
    "ConvergenceScore",
    "convergence_score",
    "read_service_records",
    "SAE_COLUMNS",
    "posterior_draws",
    "small_area_estimates",
]
