"""Work handed to an executor, or done now: one rule for the report and the command line."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor
from typing import Any, TypeVar

T = TypeVar("T")


def later(executor: Executor | None, function: Callable[..., T], *args: Any) -> Callable[[], T]:
    """``function(*args)`` on ``executor``, or now when there is none; its result on call.

    For work that is a pure function of picklable arguments (the report's charts, a
    workbook), so that a process pool can do it while this process goes on. A pool that
    is shut down or broken (its process killed) loses nothing: the function then runs
    here. Exceptions of ``function`` are raised by the returned callable.
    """
    if executor is not None:
        try:
            future = executor.submit(function, *args)
        except (BrokenExecutor, RuntimeError):  # broken, or shut down
            pass
        else:

            def result() -> T:
                try:
                    return future.result()
                except BrokenExecutor:
                    return function(*args)

            return result
    value = function(*args)
    return lambda: value
