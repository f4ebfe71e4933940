"""Dask entry points: ``stuntlib.dask.score`` and ``stuntlib.dask.prevalence``.

A thin public name for :mod:`stuntlib.adapters.dask`. Importing it does not import Dask;
the functions do, and say ``pip install stuntlib[dask]`` when it is missing.

Examples
--------
>>> import stuntlib.dask as sdask
>>> sorted(n for n in sdask.__all__)
['partial_sums', 'prevalence', 'score']
"""

from __future__ import annotations

from stuntlib.adapters.dask import partial_sums, prevalence, score

__all__ = ["partial_sums", "prevalence", "score"]
