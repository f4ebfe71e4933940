"""Adapters that run stuntlib's pure core on other engines, each behind an extra.

An adapter maps the pandas core over the partitions of a distributed frame and reduces
the additive partial sums of :mod:`stuntlib.estimation` with the engine, so every engine
shares one finaliser. Importing this package imports no engine: ``stuntlib.adapters.dask``
imports Dask only when one of its functions is called, and says what to install
(``pip install stuntlib[dask]``) when it is missing.
"""

from __future__ import annotations

__all__: list[str] = []
