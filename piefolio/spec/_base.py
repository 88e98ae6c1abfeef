"""What every part of the spec shares: bounds, value types, the frozen model.

Bounds of what a spec may say (past them a run overflows, crashes or means
nothing), the TOML value types (a number written as text is an error), and
:class:`_Model`, frozen and strict about unknown keys.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
)

from piefolio.periods import check_period

__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "MAX_AMOUNT",
    "MAX_DEPTH",
    "MAX_NAME",
    "MAX_TEXT",
    "WEIGHT_TOLERANCE",
    "Amount",
    "Count",
    "Date",
    "Name",
    "Number",
    "Period",
    "Prose",
]


WEIGHT_TOLERANCE = 1e-9

# Bounds of what a spec may say. Past them a run overflows, crashes or means
# nothing: 1e308 EUR, a start before any price, a name longer than a file name.
MAX_AMOUNT = 1e12  # base currency: initial, each flow, fixed fees, min_order
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)
MAX_NAME = 100  # characters of a pie, theme, slice or benchmark name
MAX_TEXT = 10_000  # characters of a thesis or a claim's text
MAX_DEPTH = 10  # levels of themes within themes

_TICKER = re.compile(r"^[A-Za-z0-9^][A-Za-z0-9.\-=^_]{0,24}$")


def _valid_ticker(value: str | None) -> str | None:
    if value is not None and not _TICKER.match(value):
        raise ValueError(
            f"{value!r} is not a ticker; expected letters, digits and . - = ^ _ "
            "(for example 'CVX', 'ASML.AS', 'EURUSD=X')"
        )
    return value.upper() if value is not None else None


def _date(value: Any) -> dt.date:
    # TOML dates or "YYYY-MM-DD" only: pydantic alone reads 1800 as seconds
    # after 1970 and drops the time of a datetime.
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            value = None
    if type(value) is not dt.date:
        raise ValueError("expected a date YYYY-MM-DD")
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(
            f"{value.isoformat()} is outside {FIRST_DATE.isoformat()}.."
            f"{LAST_DATE.isoformat()}; expected a date in that range"
        )
    return value


def _printable(allowed: str) -> Any:
    def check(value: str) -> str:
        # A NUL or an ANSI escape in a name would reach the terminal as is.
        for char in value:
            if unicodedata.category(char) == "Cc" and char not in allowed:
                raise ValueError(
                    f"holds the control character {char!r}; expected printable text"
                )
        return value

    return AfterValidator(check)


# TOML has types: a number written as a string ("0.5") is an error, not a number.
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
Count = Annotated[int, Strict()]
Amount = Annotated[Number, Field(le=MAX_AMOUNT)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME), _printable("")]
Prose = Annotated[str, Field(max_length=MAX_TEXT), _printable("\n\t")]
Period = Annotated[str, AfterValidator(check_period)]


class _Model(BaseModel):
    """Frozen, strict about unknown keys: a typo is an error, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)
