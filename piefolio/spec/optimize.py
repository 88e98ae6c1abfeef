"""The ``[optimize]`` table: methods, limits, lookback."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from piefolio.spec._base import (
    Number,
    Period,
    _Model,
    _valid_ticker,
)

__all__ = ["Method", "Optimize"]


class Method(StrEnum):
    """How ``piefolio optimize`` proposes weights (see :mod:`piefolio.optimize`)."""

    EQUAL = "equal"
    THEME_EQUAL = "theme-equal"
    INVERSE_VOL = "inverse-vol"
    RISK_PARITY = "risk-parity"
    HRP = "hrp"
    MIN_VARIANCE = "min-variance"
    MAX_SHARPE = "max-sharpe"
    MAX_DIVERSIFICATION = "max-diversification"


class Optimize(_Model):
    """The ``[optimize]`` table: how to propose weights, and the limits they obey.

    Weights and limits are fractions of the whole pie (0.1 = 10 %).
    ``slice_min``/``slice_max`` bound every slice (ticker); ``stock_max`` caps any
    one ticker's total weight (the tighter of the two applies); ``theme_limits``
    bounds a top-level theme's total, ``{ "Energy" = [0.1, 0.3] }``;
    ``turnover_max`` caps how far each slice may move from its current weight
    (per slice, as skfolio's ``max_turnover``). ``lookback`` and
    ``rebalance_every`` are periods like ``"3Y"``, ``"3M"``. ``expected_returns``
    is ``"equilibrium"`` (the sample mean shrunk toward the CAPM equilibrium of
    the first benchmark, Bayes-Stein), ``"historical"`` (mean), ``"shrunk"``
    (James-Stein toward the grand mean), ``"equal"`` (every slice the average),
    or a table ticker -> annual return that overrides the historical mean for
    those tickers; means use the longest history every slice has through its
    proxy. ``risk_free`` is an annual rate (default:
    the plan's ``cash_interest``).
    """

    method: Method = Method.RISK_PARITY
    lookback: Period = "3Y"
    expected_returns: (
        Literal["equilibrium", "historical", "shrunk", "equal"] | dict[str, Number]
    ) = "equilibrium"
    risk_free: Number | None = Field(default=None, ge=0, lt=1)
    slice_min: Number = Field(default=0.0, ge=0, lt=1)
    slice_max: Number = Field(default=1.0, gt=0, le=1)
    stock_max: Number | None = Field(default=None, gt=0, le=1)
    theme_limits: dict[str, tuple[Number, Number]] = Field(default_factory=dict)
    turnover_max: Number | None = Field(default=None, gt=0, le=1)
    rebalance_every: Period = "3M"

    @field_validator("expected_returns")
    @classmethod
    def _views_are_rates(cls, value: str | dict[str, float]) -> str | dict[str, float]:
        if isinstance(value, dict):
            for ticker, rate in value.items():
                _valid_ticker(ticker)
                if not -1 < rate < 10:
                    raise ValueError(
                        f"expected return of {ticker} is {rate:g}; expected an "
                        "annual fraction above -1 (0.08 = 8 % a year)"
                    )
            return {str(_valid_ticker(t)): r for t, r in value.items()}
        return value

    def __hash__(self) -> int:
        # Frozen models hash their fields; the two tables here are dicts (the TOML
        # shape users write), so hash their items to keep a PieSpec hashable.
        views = self.expected_returns
        return hash(
            (
                *(v for k, v in self if k not in ("expected_returns", "theme_limits")),
                tuple(views.items()) if isinstance(views, dict) else views,
                tuple(self.theme_limits.items()),
            )
        )

    @model_validator(mode="after")
    def _limits_in_order(self) -> Optimize:
        if self.slice_min > self.slice_max:
            raise ValueError(
                f"slice_min {self.slice_min:g} is above slice_max {self.slice_max:g}"
            )
        for theme, (low, high) in self.theme_limits.items():
            if not 0 <= low <= high <= 1:
                raise ValueError(
                    f"theme_limits.{theme!r} is [{low:g}, {high:g}]; expected "
                    "[min, max] with 0 <= min <= max <= 1"
                )
        return self
