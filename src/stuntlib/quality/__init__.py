"""Data-quality report of anthropometric data: WHO/UNICEF profile, SMART, e-PPGBM checks.

:func:`check_quality` runs every registered row-level check (:data:`CHECKS`) and builds
the aggregate tables of a :class:`QualityReport`. One module per job:

* :mod:`~stuntlib.quality.context`: :class:`CheckContext`, the standardised frame
  every check reads (rules from :mod:`stuntlib.standardize`);
* :mod:`~stuntlib.quality.checks`: the registry and the built-in checks;
* :mod:`~stuntlib.quality.profile`: the WHO/UNICEF (2019) profile tables;
* :mod:`~stuntlib.quality.smart`: the SMART (2017) bands and table;
* :mod:`~stuntlib.quality.stats`: the statistics (DPS, Whipple, ratio tests, moments);
* :mod:`~stuntlib.quality.failures`: the failure table;
* :mod:`~stuntlib.quality.report`: :class:`QualityReport` and :func:`check_quality`;
* :mod:`~stuntlib.quality.render`: HTML and text.

Examples
--------
>>> import pandas as pd
>>> from stuntlib.quality import check_quality
>>> df = pd.DataFrame({"JK": ["L", "P", None], "Tgl Lahir": ["01/02/2023"] * 3,
...                    "Tanggal Pengukuran": ["11/08/2025"] * 3,
...                    "Tinggi": [88.2, 87.0, 90.1], "Berat": [12.1, 11.4, 13.0]})
>>> report = check_quality(df)
>>> report.failures[["check", "column", "row", "sheet_row", "severity"]]
         check column  row  sheet_row severity
0  missing_sex     JK    2          4    error
"""

from __future__ import annotations

from stuntlib.quality.checks import CHECKS, Check
from stuntlib.quality.context import CheckContext, QualityParams
from stuntlib.quality.report import (
    WARNING_LIMITS,
    WHO_EXPECTED_RANGES,
    QualityReport,
    check_quality,
)
from stuntlib.quality.smart import SMART_CATEGORIES, SMART_CRITERIA, SMART_TOTAL, smart_score
from stuntlib.quality.stats import (
    digit_preference_score,
    index_of_dispersion,
    kurtosis,
    ratio_test,
    skewness,
    whipple_index,
)

__all__ = [
    "CHECKS",
    "SMART_CATEGORIES",
    "SMART_CRITERIA",
    "SMART_TOTAL",
    "WARNING_LIMITS",
    "WHO_EXPECTED_RANGES",
    "Check",
    "CheckContext",
    "QualityParams",
    "QualityReport",
    "check_quality",
    "digit_preference_score",
    "index_of_dispersion",
    "kurtosis",
    "ratio_test",
    "skewness",
    "smart_score",
    "whipple_index",
]
