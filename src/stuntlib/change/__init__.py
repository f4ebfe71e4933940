"""Change across rounds: new cases, recoveries, targets, change tests and survey planning.

* :func:`transitions` follows children from round to round and sets new cases and
  recoveries against what regression to the mean alone would give
  (:func:`stationary_transition_rates`); :func:`conditional_zscore` and
  :func:`height_for_age_difference` measure growth between rounds.
* :func:`target_status` gives the WHO/UNICEF class, the evidence for "bebas stunting",
  the AARR achieved and required, and whether an area is on track.
* :func:`compare_prevalence` and :func:`prevalence_trend` test a change in prevalence.
* :func:`design_effects`, :func:`sample_size` and :func:`simulate_two_stage_survey`
  plan a survey.

Importing this package is cheap: scipy is imported inside the functions that use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader as _lazy

# names load on first use: the command line builds its parser (stuntlib.change._cli)
# without importing pandas
__getattr__, __dir__, _ = _lazy.attach(
    __name__,
    submod_attrs={
        "_compare": ["compare_prevalence", "prevalence_trend"],
        "_had": ["height_for_age_difference"],
        "_normal": ["STUNTING_CUTOFF", "conditional_zscore", "stationary_transition_rates"],
        "_planning": ["design_effects", "sample_size", "simulate_two_stage_survey"],
        "_targets": [
            "NATIONAL_TARGETS",
            "PREVALENCE_CLASSES",
            "aarr",
            "prevalence_class",
            "required_aarr",
            "target_status",
        ],
        "_transitions": [
            "TRANSITION_SUMS",
            "child_key",
            "finalize_transitions",
            "transition_partial_sums",
            "transitions",
        ],
    },
)

if TYPE_CHECKING:  # the static view of the lazy names, for type checkers and IDEs
    from stuntlib.change._compare import compare_prevalence, prevalence_trend
    from stuntlib.change._had import height_for_age_difference
    from stuntlib.change._normal import (
        STUNTING_CUTOFF,
        conditional_zscore,
        stationary_transition_rates,
    )
    from stuntlib.change._planning import design_effects, sample_size, simulate_two_stage_survey
    from stuntlib.change._targets import (
        NATIONAL_TARGETS,
        PREVALENCE_CLASSES,
        aarr,
        prevalence_class,
        required_aarr,
        target_status,
    )
    from stuntlib.change._transitions import (
        TRANSITION_SUMS,
        child_key,
        finalize_transitions,
        transition_partial_sums,
        transitions,
    )

__all__ = [
    "NATIONAL_TARGETS",
    "PREVALENCE_CLASSES",
    "STUNTING_CUTOFF",
    "TRANSITION_SUMS",
    "aarr",
    "child_key",
    "compare_prevalence",
    "conditional_zscore",
    "design_effects",
    "finalize_transitions",
    "height_for_age_difference",
    "prevalence_class",
    "prevalence_trend",
    "required_aarr",
    "sample_size",
    "simulate_two_stage_survey",
    "stationary_transition_rates",
    "target_status",
    "transition_partial_sums",
    "transitions",
]
