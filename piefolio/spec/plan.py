"""The ``[plan]`` table: money in and out, rebalancing, fees, interest.

How a plan reads in words is :func:`piefolio.report.format.plan_words`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    Field,
    SerializeAsAny,
    model_validator,
)

from piefolio.spec._base import (
    Amount,
    Count,
    Date,
    Number,
    _Model,
)

__all__ = [
    "Calendar",
    "Deposits",
    "Fees",
    "Flow",
    "Frequency",
    "NoRebalance",
    "Plan",
    "Rebalance",
    "RebalancePolicy",
    "Threshold",
]


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
    """When and how the pie trades back to its target weights: a tagged union.

    Validating a ``Rebalance`` gives one of :class:`NoRebalance`,
    :class:`Calendar` (``every``), :class:`Threshold` (``band``) or
    :class:`Deposits`, chosen by ``policy``; each holds only its own parameter.
    Written in TOML either as a word (``"none"``, ``"deposits"``, ``"monthly"``,
    ``"quarterly"``, ``"yearly"``) or as a table: ``{ policy = "threshold", band =
    0.05 }`` or ``{ policy = "calendar", every = "quarter" }``. In words:
    :func:`piefolio.report.format.rebalance_words`; to the kernel:
    :func:`piefolio.engine.prepare_inputs`.
    """

    policy: RebalancePolicy = RebalancePolicy.NONE

    @model_validator(mode="wrap")
    @classmethod
    def _tagged(cls, data: Any, handler: Any) -> Any:
        # Any variant's model_validate reads the spec's words and tables, and
        # hands the data to the variant its policy names.
        if isinstance(data, Rebalance):
            return handler(data)
        data = _from_word(data)
        if isinstance(data, dict):
            tag = data.get("policy", cls.policy_value())
            # Only a word can name a variant; anything else (a list, a table)
            # is left to the enum, which says what is allowed.
            kind = _KINDS.get(tag) if isinstance(tag, str) else None
            if kind is not None:
                _parameters_match_policy(data, kind.policy_value())
                if kind is not cls:
                    return kind.model_validate(data)
        return handler(data)  # an unknown policy: the enum names what is allowed

    @classmethod
    def policy_value(cls) -> RebalancePolicy:
        """Return the ``policy`` tag of this variant."""
        default = cls.model_fields["policy"].default
        assert isinstance(default, RebalancePolicy)
        return default


class NoRebalance(Rebalance):
    """Never rebalanced: deposits are invested at the target weights."""

    policy: RebalancePolicy = RebalancePolicy.NONE


class Calendar(Rebalance):
    """Back to the targets on the first trading day of each ``every``."""

    policy: RebalancePolicy = RebalancePolicy.CALENDAR
    every: Literal["month", "quarter", "year"]


class Threshold(Rebalance):
    """Back to the targets when a slice drifts more than ``band`` weight points."""

    policy: RebalancePolicy = RebalancePolicy.THRESHOLD
    band: Number = Field(gt=0, lt=1)


class Deposits(Rebalance):
    """New money to the most underweight slices; nothing is ever sold."""

    policy: RebalancePolicy = RebalancePolicy.DEPOSITS


_KINDS: dict[str, type[Rebalance]] = {
    RebalancePolicy.NONE: NoRebalance,
    RebalancePolicy.CALENDAR: Calendar,
    RebalancePolicy.THRESHOLD: Threshold,
    RebalancePolicy.DEPOSITS: Deposits,
}


def _from_word(data: Any) -> Any:
    words = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
    if isinstance(data, str):
        if data in words:
            return {"policy": "calendar", "every": words[data]}
        if data in ("none", "deposits"):
            return {"policy": data}
        if data in ("threshold", "calendar"):
            needs = "band = 0.05" if data == "threshold" else 'every = "quarter"'
            raise ValueError(
                f"'{data}' needs parameters: write {{ policy = \"{data}\", {needs} }}"
            )
        raise ValueError(
            f"unknown rebalance policy {data!r}; expected one of "
            "'none', 'deposits', 'monthly', 'quarterly', 'yearly', or a table "
            "with policy = 'calendar' | 'threshold'"
        )
    return data


def _parameters_match_policy(data: dict[str, Any], policy: RebalancePolicy) -> None:
    """Name the parameter a policy lacks or does not take, as a person wrote it."""
    every, band = data.get("every"), data.get("band")
    if policy is RebalancePolicy.CALENDAR and every is None:
        raise ValueError('calendar rebalancing needs every = "month"|"quarter"|"year"')
    if policy is RebalancePolicy.THRESHOLD and band is None:
        raise ValueError("threshold rebalancing needs band (e.g. 0.05 = 5 points)")
    if policy is not RebalancePolicy.CALENDAR and every is not None:
        raise ValueError(f"'every' only applies to calendar, not {policy.value}")
    if policy is not RebalancePolicy.THRESHOLD and band is not None:
        raise ValueError(f"'band' only applies to threshold, not {policy.value}")


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
    # SerializeAsAny: a plan's dump holds its variant's parameter too.
    rebalance: SerializeAsAny[Rebalance] = Field(default_factory=NoRebalance)
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
