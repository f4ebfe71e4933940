"""The vocabulary of prevalence options: interval methods, rounding, the age limit."""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = ["WHO_MAX_AGE_DAYS", "CIMethod"]

CIMethod: TypeAlias = Literal["wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard"]

#: WHO ``anthro_prevalence`` drops rows whose age in days (rounded half up) exceeds this.
WHO_MAX_AGE_DAYS = 1826

_CI_METHODS: tuple[str, ...] = ("wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard")
