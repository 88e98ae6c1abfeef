"""The exceptions piefolio raises, and the exit code each one maps to.

Every error a user can cause or meet is a :class:`PiefolioError`; the CLI prints its
message without a traceback and exits with :attr:`PiefolioError.exit_code`. Errors
from other libraries are wrapped (``raise DataError(...) from exc``) so that their
traceback never reaches a user, but stays chained for a developer.

Hierarchy::

    PiefolioError                exit 1   anything piefolio itself reports
    ├── SpecError                exit 2   a pie file (TOML) is malformed or invalid
    ├── PlanError                exit 2   a plan cannot run on the data given
    ├── HistoryError             exit 2   a broker history file does not parse
    ├── DataError                exit 3   prices could not be had or are unusable
    │   ├── ProviderError        exit 3   a live provider failed (network, parse)
    │   ├── StoreError           exit 3   the local DuckDB store failed
    │   ├── DataUnavailable      exit 3   no source holds the data asked for
    │   └── BadData              exit 2   a price file or option holds a bad value
    ├── OptimizationError        exit 1   a weight optimiser failed or is infeasible
    └── WriteError               exit 1   a file could not be written (disk, rights)

Exit codes: 0 ok, 1 other failure, 2 bad input, 3 data unavailable; 4 is no error
but an alert: ``piefolio thesis --fail-on`` found a claim in the state it names.
"""

from __future__ import annotations

__all__ = [
    "BadData",
    "DataError",
    "DataUnavailable",
    "HistoryError",
    "OptimizationError",
    "PiefolioError",
    "PlanError",
    "ProviderError",
    "SpecError",
    "StoreError",
    "WriteError",
]


class PiefolioError(Exception):
    """Base of every error piefolio raises on purpose."""

    exit_code: int = 1


class SpecError(PiefolioError, ValueError):
    """A pie spec is malformed: the message names the file, the key and the fix."""

    exit_code = 2


class PlanError(PiefolioError, ValueError):
    """A plan cannot be run as asked (dates outside the data, bad weights...)."""

    exit_code = 2


class HistoryError(PiefolioError, ValueError):
    """A broker history file does not parse: the message names file, line, column."""

    exit_code = 2


class DataError(PiefolioError):
    """Prices could not be obtained, stored or trusted."""

    exit_code = 3


class ProviderError(DataError):
    """A data provider failed: network down, rate limit, unknown ticker, bad body."""


class StoreError(DataError):
    """The local store could not be read or written."""


class DataUnavailable(DataError):
    """No provider nor the store holds the data that was asked for."""


class BadData(DataError):
    """A file or option a user gave holds a value that cannot be stored.

    The message names the file, the line or column and the value. Bad input,
    so exit 2 like a bad pie file; still a :class:`DataError` for callers that
    catch every data failure.
    """

    exit_code = 2


class OptimizationError(PiefolioError):
    """An optimiser failed, or its constraints cannot all hold."""

    exit_code = 1


class WriteError(PiefolioError):
    """A file piefolio writes for the user could not be written.

    A full disk, a folder without write rights or a path through a file: the
    message names the path and the system's reason. The old file, if any, is
    left as it was (see :mod:`piefolio._atomic`).
    """

    exit_code = 1
