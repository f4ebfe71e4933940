"""The options of a prevalence estimate, in one frozen object.

:class:`PrevalenceOptions` holds every choice of :func:`~stuntlib.estimation.prevalence`
(indicators, interval method and level, rounding, survey design columns, target
population, reliability thresholds, the age limit and the measurement period), validated
once. The in-memory, streaming and Dask paths take the same object, so a choice is
declared and checked in one place.

References
----------
.. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence`` (rounding, age limit).
.. [2] WHO Multicentre Growth Reference Study Group (2006). WHO Child Growth Standards:
   length/height-for-age ... Methods and development. Geneva: WHO (0 to 60 months).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import numpy as np

from stuntlib._validation import check_language
from stuntlib.errors import StuntlibError
from stuntlib.indicators import WHO2006_BELOW_MONTHS
from stuntlib.standardize import DAYS_PER_MONTH

__all__ = ["WHO_MAX_AGE_DAYS", "CIMethod", "PrevalenceOptions", "Rounding"]

CIMethod: TypeAlias = Literal["wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard"]
#: ``"who"``: z-scores rounded to 2 decimals as R rounds them before the cut-offs and
#: means (what WHO does); ``"exact"``: full precision. The same words as the z-scores'.
Rounding: TypeAlias = Literal["who", "exact"]

#: WHO ``anthro_prevalence`` keeps rows whose age in days, rounded half up, is at most
#: this. stuntlib reads ``max_age_days=1826`` as the WHO 2006 boundary (months < 60),
#: which is the same for whole days and excludes a child of exactly 60.0 months.
WHO_MAX_AGE_DAYS = 1826

_CI_METHODS: tuple[str, ...] = ("wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard")
#: Option groups: what the map step (partial sums) and the finaliser each read.
SUMS_FIELDS = (
    "indicators", "weights", "cluster", "strata", "rounding", "max_age_months", "period",
)  # fmt: skip
FINALIZE_FIELDS = ("ci", "level", "population", "min_n", "min_cases", "suppress")


def _column_or_none(argument: str, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise StuntlibError(f"{argument}: expected a column name (str) or None; got {value!r}")


@dataclass(frozen=True)
class PrevalenceOptions:
    """Every choice of a prevalence estimate, validated once.

    Build it directly, or let :func:`~stuntlib.estimation.prevalence` build it from its
    keyword arguments (the same names). :meth:`replace` gives a changed copy.

    Attributes
    ----------
    indicators : tuple of str or None, default None
        Names from :data:`~stuntlib.estimation.INDICATORS`; ``None``: every indicator
        whose z columns are present. A single name is accepted.
    ci : {"wilson", "clopper-pearson", "jeffreys", "logit", "korn-graubard"} or None
        Interval method; ``None``: Wilson without a design, logit with one.
    level : float, default 0.95
        Confidence level, strictly between 0 and 1.
    rounding : {"who", "exact"}, default "who"
        ``"who"``: cut-offs and means on z-scores rounded to 2 decimals (R's rounding),
        as WHO does; ``"exact"``: full precision. ``None`` is read as ``"exact"``.
    weights, cluster, strata : str or None
        Survey design columns (sampling weight, PSU, stratum).
    population : number, pandas.Series or pandas.DataFrame, optional
        Census only: target number of children (finite-population correction).
    min_n : int, default 25
        Cells with fewer children are ``small_n``.
    min_cases : int, default 3
        Threshold of the ``disclosive`` reliability.
    suppress : bool, default False
        Blank the estimates of cells not ``ok``.
    max_age_months : float or None, default 60.0
        Rows whose age [months, unrounded] is this or more are not in the population:
        60.0 is the WHO 2006 boundary (the standards end below 60 months; a child of
        exactly 60.0 months is scored against WHO 2007). Rows with unknown age are kept
        (as WHO does). ``None`` keeps every row.
    period : str or None, default None
        Measurement period to estimate (``"2025-08"``); ``None``: in
        :func:`~stuntlib.estimation.prevalence`, the latest period when the frame holds
        several (see :func:`stuntlib.rounds.measurement_period`); rows of other periods
        are left out, so pooled rounds are never one prevalence.
    child : str or None, default None
        Column identifying a child (``"nik"``): one measurement per child and period
        (:func:`stuntlib.rounds.one_per_child`). In-memory only.
    language : {"en", "id"}, default "en"
        Language of the labels of report tables.

    Raises
    ------
    StuntlibError
        For a value outside its domain; the message names the field.

    References
    ----------
    .. [1] WHO ``anthro`` R package 1.1.0, ``anthro_prevalence``.
    .. [2] Kish L (1965). Survey Sampling. Wiley (finite-population correction).

    Examples
    --------
    >>> opts = PrevalenceOptions(indicators="stunting", ci="wilson", min_n=1)
    >>> opts.indicators, opts.rounding, opts.max_age_months
    (('stunting',), 'who', 60.0)
    >>> opts.replace(rounding=None).rounding
    'exact'
    """

    indicators: tuple[str, ...] | None = None
    ci: CIMethod | None = None
    level: float = 0.95
    rounding: Rounding = "who"
    weights: str | None = None
    cluster: str | None = None
    strata: str | None = None
    population: Any = field(default=None, compare=False)
    min_n: int = 25
    min_cases: int = 3
    suppress: bool = False
    max_age_months: float | None = WHO2006_BELOW_MONTHS
    period: str | None = None
    child: str | None = None
    language: Literal["en", "id"] = "en"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.indicators is not None:
            names = (self.indicators,) if isinstance(self.indicators, str) else self.indicators
            try:
                names = tuple(names)
            except TypeError:
                raise StuntlibError(
                    f"indicators: expected a name or a list of names; got {self.indicators!r}"
                ) from None
            set_(self, "indicators", names)
        if self.ci is not None and self.ci not in _CI_METHODS:
            raise StuntlibError(f"ci: expected one of {list(_CI_METHODS)} or None; got {self.ci!r}")
        from stuntlib.intervals import _check_level

        set_(self, "level", _check_level(self.level))
        if self.rounding is None:
            set_(self, "rounding", "exact")
        if self.rounding not in ("who", "exact"):
            raise StuntlibError(f"rounding: expected 'who' or 'exact'; got {self.rounding!r}")
        for argument in ("weights", "cluster", "strata"):
            _column_or_none(argument, getattr(self, argument))
        for argument in ("min_n", "min_cases"):
            value = getattr(self, argument)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise StuntlibError(f"{argument}: expected a non-negative integer; got {value!r}")
        if not isinstance(self.suppress, (bool, np.bool_)):
            raise StuntlibError(f"suppress: expected True or False; got {self.suppress!r}")
        limit = self.max_age_months
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, (int, float, np.number))
        ):
            raise StuntlibError(
                f"max_age_months: expected a number of months or None; got {limit!r}"
            )
        if self.period is not None and not isinstance(self.period, str):
            raise StuntlibError(
                f"period: expected a period such as '2025-08' or None; got {self.period!r}"
            )
        _column_or_none("child", self.child)
        check_language(self.language)

    @property
    def survey(self) -> bool:
        """Whether a design column is given (weights, cluster or strata)."""
        return self.weights is not None or self.cluster is not None or self.strata is not None

    def replace(self, **changes: Any) -> PrevalenceOptions:
        """A copy with ``changes`` (field names, or the legacy ``max_age_days``).

        Raises
        ------
        StuntlibError
            For an unknown name or a bad value.
        """
        return dataclasses.replace(self, **_translate(changes))

    @classmethod
    def build(
        cls, options: PrevalenceOptions | None = None, /, **changes: Any
    ) -> PrevalenceOptions:
        """``options`` (or the defaults) with keyword ``changes`` applied.

        Raises
        ------
        StuntlibError
            If ``options`` is not a PrevalenceOptions, or for an unknown name or bad value.
        """
        if options is None:
            return cls(**_translate(changes))
        if not isinstance(options, PrevalenceOptions):
            raise StuntlibError(
                f"options: expected a PrevalenceOptions; got {type(options).__name__}"
            )
        return options.replace(**changes) if changes else options


_FIELDS = frozenset(f.name for f in dataclasses.fields(PrevalenceOptions))


def max_age_months_from_days(max_age_days: float | None) -> float | None:
    """The month limit equal to WHO's "rounded days <= ``max_age_days``" rule.

    ``1826`` (WHO's figure) gives the WHO 2006 boundary, 60.0 months; any other ``d``
    gives ``(d + 0.5) / 30.4375`` (a day count rounded half up is ``<= d`` exactly when
    the age is below ``d + 0.5`` days).

    Raises
    ------
    StuntlibError
        If ``max_age_days`` is not a number or None.
    """
    if max_age_days is None:
        return None
    if isinstance(max_age_days, bool) or not isinstance(max_age_days, (int, float, np.number)):
        raise StuntlibError(
            f"max_age_days: expected a number of days or None; got {max_age_days!r}"
        )
    if float(max_age_days) == WHO_MAX_AGE_DAYS:
        return WHO2006_BELOW_MONTHS
    return (float(max_age_days) + 0.5) / DAYS_PER_MONTH


def _translate(changes: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(changes)
    if "max_age_days" in out:
        if "max_age_months" in out:
            raise StuntlibError("max_age_days: give max_age_days or max_age_months, not both")
        out["max_age_months"] = max_age_months_from_days(out.pop("max_age_days"))
    unknown = sorted(set(out) - _FIELDS)
    if unknown:
        raise StuntlibError(
            f"{unknown[0]}: not an option of prevalence; expected keyword arguments from "
            f"{sorted(_FIELDS | {'max_age_days'})}; got {unknown}"
        )
    return out
