"""Work handed to an executor, or done now: one rule for the report and the command line."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor
from typing import Any, TypeVar

T = TypeVar("T")


def later(executor: Executor | None, function: Callable[..., T], *args: Any) -> Callable[[], T]:
    """``function(*args)`` on ``executor``, or now when there is none; its result on call.

    For work that is a pure function of picklable arguments (the report's charts, a
    workbook), so that a process pool can do it while this process goes on. A pool that
    is shut down or broken (its process killed) loses nothing: the function then runs
    here. Exceptions of ``function`` are raised by the returned callable, and its
    warnings are issued again here, where the caller's filters and display apply.
    """
    if executor is not None:
        try:
            future = executor.submit(_recorded, function, *args)
        except (BrokenExecutor, RuntimeError):  # broken, or shut down
            pass
        else:

            def result() -> T:
                try:
                    value, caught = future.result()
                except BrokenExecutor:
                    return function(*args)
                for message, category in caught:
                    warnings.warn(message, category, stacklevel=2)
                return value

            return result
    value = function(*args)
    return lambda: value


def _recorded(function: Callable[..., T], *args: Any) -> tuple[T, list[tuple[Any, Any]]]:
    """``function(*args)`` and the warnings it issued (run in the executor's process)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = function(*args)
    return value, [(w.message, w.category) for w in caught]
