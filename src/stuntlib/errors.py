"""Exception and warning classes of stuntlib.

A bad *argument* raises one of these errors, with a message that names the argument,
what was expected and what was given. A bad *row* never raises: it becomes NaN plus a
machine-readable reason.
"""

from __future__ import annotations

__all__ = ["ColumnError", "ReadError", "StuntlibError", "StuntlibWarning"]


class StuntlibError(ValueError):
    """Base class of the errors raised for bad arguments."""


class ColumnError(StuntlibError, KeyError):
    """A required column is missing, unknown or ambiguous."""

    def __str__(self) -> str:
        # KeyError quotes its message; show it as plain text like a ValueError.
        return str(self.args[0]) if self.args else ""


class ReadError(StuntlibError):
    """A file cannot be read at all (not found is :class:`FileNotFoundError`)."""


class StuntlibWarning(UserWarning):
    """Base class of the warnings stuntlib emits for conditions worth a look."""
