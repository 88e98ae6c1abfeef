"""The ``[plan]`` table: money in and out, rebalancing, fees, interest.

How a plan reads in words is :func:`piefolio.report.format.plan_words`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    Field,
    model_validator,
)

from piefolio.spec._base import (
    Amount,
    Count,
    Date,
    Number,
    _Model,
)

__all__ = ["Fees", "Flow", "Frequency", "Plan", "Rebalance", "RebalancePolicy"]


class Frequency(StrEnum):
    """How often a scheduled deposit or withdrawal falls."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


class RebalancePolicy(StrEnum):
    """The four ways a pie returns to its targets (DESIGN.md, engine semantics)."""

    NONE = "none"
    CALENDAR = "calendar"
    THRESHOLD = "threshold"
    DEPOSITS = "deposits"


class Flow(_Model):
    """A scheduled cash flow: ``amount`` every ``every``, on day ``day`` of it.

    ``day`` is 1-based: 1..7 (Monday = 1) for weeks, 1..31 for months (clipped to
    the month's length), 1..92 for quarters. The flow falls on the first trading day
    on or after that calendar day.
    """

    amount: Amount = Field(gt=0)
    every: Frequency = Frequency.MONTH
    day: Count = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _day_fits_period(self) -> Flow:
        limit = {Frequency.WEEK: 7, Frequency.MONTH: 31, Frequency.QUARTER: 92}
        if self.day > limit[self.every]:
            raise ValueError(
                f"day {self.day} does not exist in a {self.every.value}; "
                f"expected 1..{limit[self.every]}"
            )
        return self


class Rebalance(_Model):
    """When and how the pie trades back to its target weights.

    Written in TOML either as a word (``"none"``, ``"deposits"``, ``"monthly"``,
    ``"quarterly"``, ``"yearly"``) or as a table: ``{ policy = "threshold", band =
    0.05 }`` or ``{ policy = "calendar", every = "quarter" }``.
    """

    policy: RebalancePolicy = RebalancePolicy.NONE
    every: Literal["month", "quarter", "year"] | None = None
    band: Number | None = Field(default=None, gt=0, lt=1)

    @model_validator(mode="before")
    @classmethod
    def _from_word(cls, data: Any) -> Any:
        words = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
        if isinstance(data, str):
            if data in words:
                return {"policy": "calendar", "every": words[data]}
            if data in ("none", "deposits"):
                return {"policy": data}
            if data in ("threshold", "calendar"):
                needs = "band = 0.05" if data == "threshold" else 'every = "quarter"'
                raise ValueError(
                    f"'{data}' needs parameters: write "
                    f'{{ policy = "{data}", {needs} }}'
                )
            raise ValueError(
                f"unknown rebalance policy {data!r}; expected one of "
                "'none', 'deposits', 'monthly', 'quarterly', 'yearly', or a table "
                "with policy = 'calendar' | 'threshold'"
            )
        return data

    @model_validator(mode="after")
    def _parameters_match_policy(self) -> Rebalance:
        if self.policy is RebalancePolicy.CALENDAR and self.every is None:
            raise ValueError(
                'calendar rebalancing needs every = "month"|"quarter"|"year"'
            )
        if self.policy is RebalancePolicy.THRESHOLD and self.band is None:
            raise ValueError("threshold rebalancing needs band (e.g. 0.05 = 5 points)")
        if self.policy is not RebalancePolicy.CALENDAR and self.every is not None:
            raise ValueError(
                f"'every' only applies to calendar, not {self.policy.value}"
            )
        if self.policy is not RebalancePolicy.THRESHOLD and self.band is not None:
            raise ValueError(
                f"'band' only applies to threshold, not {self.policy.value}"
            )
        return self


class Fees(_Model):
    """Trading costs, all taken out of the pie (never on top of it).

    ``commission_pct`` and ``fx_pct`` are percent of the traded value (``0.15`` =
    0.15 %); ``spread_bps`` is the half-spread paid on each trade in basis points;
    ``commission_fixed`` is per order in the base currency; an order smaller than
    ``min_order`` (base currency) is not placed and is reported.
    """

    commission_pct: Number = Field(default=0.0, ge=0, lt=100)
    commission_fixed: Amount = Field(default=0.0, ge=0)
    fx_pct: Number = Field(default=0.0, ge=0, lt=100)
    spread_bps: Number = Field(default=0.0, ge=0, lt=10_000)
    min_order: Amount = Field(default=1.0, ge=0)

    @property
    def proportional(self) -> float:
        """Commission plus half-spread as one fraction of traded value (no FX)."""
        return self.commission_pct / 100 + self.spread_bps / 10_000


class Plan(_Model):
    """The ``[plan]`` table: how money goes in and out and how the pie is run."""

    start: Date
    end: Date | None = None
    initial: Amount = Field(default=0.0, ge=0)
    deposits: Flow | None = None
    withdrawals: Flow | None = None
    rebalance: Rebalance = Field(default_factory=Rebalance)
    fees: Fees = Field(default_factory=Fees)
    cash_interest: Number = Field(default=0.0, ge=0, lt=1)
    dividends: Literal["reinvest", "cash"] = "reinvest"
    late_listing: Literal["error", "redistribute"] = "error"

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        if self.end is not None and self.end <= self.start:
            raise ValueError(
                f"end {self.end.isoformat()} is not after start "
                f"{self.start.isoformat()}; expected end > start"
            )
        if self.initial == 0 and self.deposits is None:
            raise ValueError("the plan puts no money in: set initial > 0 or deposits")
        return self
