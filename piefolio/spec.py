"""The pie spec: a TOML file read into validated, frozen pydantic models.

Conventions, stated once for the whole spec:

- Weights are fractions of the parent (0.25 = a quarter of the parent slice); the
  weights of siblings sum to 1 within 1e-9. A slice's *effective* weight is the
  product of the weights from the root down to it.
- Amounts (``initial``, deposits, withdrawals, fixed fees, ``min_order``) are in the
  pie's base ``currency``.
- Fee keys ending in ``_pct`` are in percent (``fx_pct = 0.15`` is 0.15 %), ``_bps``
  in basis points; ``band`` and ``cash_interest`` are plain fractions (``band =
  0.05`` is 5 weight points, ``cash_interest = 0.02`` is 2 % a year, day count 365).
- Dates are ISO ``YYYY-MM-DD`` (TOML dates or strings).

Any problem raises :class:`~piefolio.errors.SpecError` naming the file, the key
path (``pie.slices[1].slices[0].weight``), the value found and what was expected.
Unknown keys are errors, with a "did you mean" suggestion.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)

from piefolio._toml import read_text, validate_toml
from piefolio.currency import CURRENCIES
from piefolio.models import replace
from piefolio.periods import check_period

if TYPE_CHECKING:
    from piefolio.typing import PathLike

__all__ = [
    "Benchmark",
    "Claim",
    "Fees",
    "Flow",
    "Frequency",
    "Method",
    "Optimize",
    "Pie",
    "PieSpec",
    "Plan",
    "Rebalance",
    "RebalancePolicy",
    "Slice",
    "load_pie",
    "parse_pie",
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

    def describe(self) -> str:
        """Say the policy in words, for ``piefolio show``."""
        if self.policy is RebalancePolicy.CALENDAR:
            return f"rebalanced on the first trading day of each {self.every}"
        if self.policy is RebalancePolicy.THRESHOLD:
            assert self.band is not None
            return f"rebalanced when a slice drifts {self.band * 100:g} points"
        if self.policy is RebalancePolicy.DEPOSITS:
            return "new money goes to the most underweight slices; nothing is sold"
        return "never rebalanced; deposits are invested at the target weights"


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

    def describe(self, currency: str) -> str:
        """Say the plan in words: "1,000 EUR now, then 100 EUR on the first...".

        Parameters
        ----------
        currency : str
            The pie's base currency, printed after each amount.
        """
        parts = []
        if self.initial:
            parts.append(
                f"{_money(self.initial, currency)} on {self.start.isoformat()}"
            )
        if self.deposits is not None:
            parts.append(f"then {_flow_words(self.deposits, currency)}")
        if self.withdrawals is not None:
            parts.append(f"taking out {_flow_words(self.withdrawals, currency)}")
        text = ", ".join(parts)
        text += f", {self.rebalance.describe()}"
        until = self.end.isoformat() if self.end else "the latest data"
        return f"{text}; until {until}."


def _money(amount: float, currency: str) -> str:
    return (
        f"{amount:,.0f} {currency}"
        if amount == int(amount)
        else (f"{amount:,.2f} {currency}")
    )


def _ordinal(n: int) -> str:
    words = {1: "first", 2: "second", 3: "third"}
    if n in words:
        return words[n]
    suffix = (
        "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    )
    return f"{n}{suffix}"


def _flow_words(flow: Flow, currency: str) -> str:
    if flow.every is Frequency.WEEK:
        day = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][flow.day - 1]
        when = f"each week on {day} (or the next trading day)"
    elif flow.day == 1:
        when = f"on the first trading day of each {flow.every.value}"
    else:
        when = (
            f"on the {_ordinal(flow.day)} day of each {flow.every.value} "
            "(or the next trading day)"
        )
    return f"{_money(flow.amount, currency)} {when}"


class Slice(_Model):
    """A slice of a pie: a ticker, or a sub-pie (a theme) with its own slices.

    ``weight`` is the fraction of the parent. ``proxy`` names a ticker whose
    history stands in for this one where it has none (stress tests only).
    """

    name: Name | None = None
    weight: Number = Field(gt=0, le=1)
    ticker: str | None = None
    slices: tuple[Slice, ...] | None = None
    proxy: str | None = None

    @field_validator("ticker", "proxy")
    @classmethod
    def _ticker_shape(cls, value: str | None) -> str | None:
        return _valid_ticker(value)

    @field_validator("slices")
    @classmethod
    def _children_sum_to_one(
        cls, value: tuple[Slice, ...] | None
    ) -> tuple[Slice, ...] | None:
        if value is not None:
            _check_siblings(value)
        return value

    @model_validator(mode="after")
    def _leaf_or_branch(self) -> Slice:
        if self.ticker is not None and self.slices is not None:
            raise ValueError("a slice has either 'ticker' or 'slices', not both")
        if self.ticker is None and self.slices is None:
            raise ValueError("a slice needs 'ticker' (a holding) or 'slices' (a theme)")
        if self.slices is not None and self.name is None:
            raise ValueError("a theme (a slice with 'slices') needs a 'name'")
        return self

    @property
    def label(self) -> str:
        """The name to show: ``name``, else the ticker."""
        return self.name or self.ticker or "?"


def _check_depth(slices: tuple[Slice, ...]) -> None:
    layer, level = slices, 1
    while layer:
        layer = tuple(c for s in layer for c in s.slices or ())
        level += bool(layer)
        if level > MAX_DEPTH:
            raise ValueError(
                f"themes nest more than {MAX_DEPTH} levels deep; expected at most "
                f"{MAX_DEPTH} levels of slices"
            )


def _check_siblings(slices: tuple[Slice, ...]) -> None:
    if not slices:
        raise ValueError("'slices' is empty; expected at least one slice")
    total = math.fsum(s.weight for s in slices)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        listed = " + ".join(f"{s.weight:g}" for s in slices)
        raise ValueError(
            f"weights of the slices sum to {total:.10g} ({listed}); expected 1"
        )


class Pie(_Model):
    """The ``[pie]`` table: a named basket of nested slices in a base currency."""

    name: Name
    currency: str = "EUR"
    thesis: Prose = ""
    slices: tuple[Slice, ...]

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        code = value.upper()
        if code not in CURRENCIES:
            near = difflib.get_close_matches(code, sorted(CURRENCIES), n=3)
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            raise ValueError(
                f"unknown currency code {value!r}{hint}; expected an ISO 4217 "
                "code such as EUR, USD, GBP"
            )
        return code

    @field_validator("slices")
    @classmethod
    def _siblings_sum_to_one(cls, value: tuple[Slice, ...]) -> tuple[Slice, ...]:
        if not value:
            raise ValueError("the pie has no slices; expected at least one")
        _check_siblings(value)
        _check_depth(value)
        return value

    def leaves(self) -> Iterator[tuple[tuple[str, ...], Slice, float]]:
        """Walk the tree: (theme path, leaf slice, effective weight) per ticker."""
        yield from _walk(self.slices, (), 1.0)

    def effective_weights(self) -> dict[str, float]:
        """Ticker -> effective weight, summed over every place a ticker appears.

        Returns
        -------
        dict[str, float]
            Weights in first-seen order; they sum to 1 within 1e-9.
        """
        return _sum_weights(self.slices)

    def themes(self) -> dict[str, dict[str, float]]:
        """Top-level theme -> {ticker: effective weight} (a bare ticker is its own)."""
        out: dict[str, dict[str, float]] = {}
        for path, leaf, weight in self.leaves():
            assert leaf.ticker is not None
            theme = path[0] if path else leaf.label
            bucket = out.setdefault(theme, {})
            bucket[leaf.ticker] = bucket.get(leaf.ticker, 0.0) + weight
        return out

    def proxies(self) -> dict[str, str]:
        """Ticker -> declared proxy, for slices with a ``proxy``."""
        return {
            leaf.ticker: leaf.proxy
            for _, leaf, _ in self.leaves()
            if leaf.ticker is not None and leaf.proxy is not None
        }

    def notes(self) -> list[str]:
        """Remarks a user should see, such as a ticker held in two themes."""
        seen: dict[str, list[str]] = {}
        for path, leaf, _ in self.leaves():
            assert leaf.ticker is not None
            seen.setdefault(leaf.ticker, []).append(" / ".join(path) or "(top level)")
        return [
            f"{ticker} appears {len(places)} times ({'; '.join(places)}); "
            "its weights are summed"
            for ticker, places in seen.items()
            if len(places) > 1
        ]


def _walk(
    slices: tuple[Slice, ...], path: tuple[str, ...], scale: float
) -> Iterator[tuple[tuple[str, ...], Slice, float]]:
    for s in slices:
        if s.slices is not None:
            yield from _walk(s.slices, (*path, s.label), scale * s.weight)
        else:
            yield path, s, scale * s.weight


def _sum_weights(slices: tuple[Slice, ...]) -> dict[str, float]:
    out: dict[str, float] = {}
    for _, leaf, weight in _walk(slices, (), 1.0):
        assert leaf.ticker is not None
        out[leaf.ticker] = out.get(leaf.ticker, 0.0) + weight
    return out


class Benchmark(_Model):
    """A benchmark: one ticker or an inline pie, run with the pie's own plan."""

    name: Name
    ticker: str | None = None
    slices: tuple[Slice, ...] | None = None

    @field_validator("ticker")
    @classmethod
    def _ticker_shape(cls, value: str | None) -> str | None:
        return _valid_ticker(value)

    @field_validator("slices")
    @classmethod
    def _children_sum_to_one(
        cls, value: tuple[Slice, ...] | None
    ) -> tuple[Slice, ...] | None:
        if value is not None:
            _check_siblings(value)
            _check_depth(value)
        return value

    @model_validator(mode="after")
    def _one_form(self) -> Benchmark:
        if (self.ticker is None) == (self.slices is None):
            raise ValueError("a benchmark is a ticker string or a table with 'slices'")
        return self

    def effective_weights(self) -> dict[str, float]:
        """Ticker -> effective weight of the benchmark pie."""
        if self.ticker is not None:
            return {self.ticker: 1.0}
        assert self.slices is not None
        return _sum_weights(self.slices)


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


class Claim(_Model):
    """A testable statement of the thesis: ``long`` beats ``short`` over ``horizon``.

    ``long`` and ``short`` name themes of the pie or tickers; ``horizon`` is a count
    and a unit: ``D`` trading days, ``W`` weeks, ``M`` months, ``Y`` years.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=MAX_NAME)
    text: Prose = ""
    long: tuple[str, ...] = Field(min_length=1)
    short: tuple[str, ...] = Field(min_length=1)
    horizon: Period = "6M"


class PieSpec(_Model):
    """A whole pie file: the pie, its plan, its benchmarks and its claims."""

    pie: Pie
    plan: Plan
    benchmarks: tuple[Benchmark, ...] = ()
    claims: tuple[Claim, ...] = ()
    optimize: Optimize | None = None
    source: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _benchmarks_from_table(cls, data: Any) -> Any:
        # TOML writes benchmarks as a table name -> ticker | {slices = [...]}; the
        # model keeps an ordered tuple so each benchmark carries its own name.
        if isinstance(data, dict) and isinstance(data.get("benchmarks"), dict):
            table = data["benchmarks"]
            items = []
            for name, value in table.items():
                if isinstance(value, str):
                    items.append({"name": name, "ticker": value})
                elif isinstance(value, dict):
                    items.append({"name": name, **value})
                else:
                    items.append(value)
            data = {**data, "benchmarks": items}
        return data

    @model_validator(mode="after")
    def _claims_refer_to_the_pie(self) -> PieSpec:
        themes = set(self.pie.themes())
        for i, claim in enumerate(self.claims):
            for side in ("long", "short"):
                for j, name in enumerate(getattr(claim, side)):
                    if name not in themes and not _TICKER.match(name):
                        raise ValueError(
                            f"claims[{i}].{side}[{j}]: {name!r} is neither a theme "
                            f"of the pie ({', '.join(sorted(themes))}) nor a ticker"
                        )
        ids: set[str] = set()
        for claim in self.claims:
            if claim.id in ids:
                raise ValueError(f"claim id {claim.id!r} is used twice")
            ids.add(claim.id)
        return self

    @model_validator(mode="after")
    def _theme_limits_name_themes(self) -> PieSpec:
        if self.optimize is None:
            return self
        themes = self.pie.themes()
        for name in self.optimize.theme_limits:
            if name not in themes:
                near = difflib.get_close_matches(name, list(themes), n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise ValueError(
                    f"optimize.theme_limits: {name!r} is not a top-level theme of "
                    f"the pie{hint} (themes: {', '.join(themes)})"
                )
        return self

    @property
    def name(self) -> str:
        """The pie's name."""
        return self.pie.name

    def series(self) -> dict[str, dict[str, float]]:
        """Name -> effective weights of the pie, then of each benchmark in order.

        Everything that runs "the pie and its benchmarks with the same plan"
        (backtest, stress, Monte Carlo, sweeps) iterates over this.
        """
        out = {self.pie.name: self.pie.effective_weights()}
        out.update({b.name: b.effective_weights() for b in self.benchmarks})
        return out


# --------------------------------------------------------------------------- loading


def load_pie(path: PathLike) -> PieSpec:
    """Read and validate a pie file.

    Parameters
    ----------
    path : str or os.PathLike
        A TOML file with ``[pie]``, ``[plan]`` and optional ``[benchmarks]`` and
        ``[[claims]]``.

    Returns
    -------
    PieSpec
        The frozen, validated spec; ``spec.source`` is the resolved path.

    Raises
    ------
    SpecError
        The file is missing, is not valid TOML (the message gives the line), or a
        key is unknown, missing or out of range (the message gives the key path,
        the value found and what was expected).
    """
    return parse_pie(read_text(path), source=path)


def parse_pie(text: str, *, source: PathLike = "<string>") -> PieSpec:
    """Validate a pie from TOML text; see :func:`load_pie`."""
    spec = validate_toml(
        PieSpec,
        text,
        str(source),
        required=("pie", "plan"),
        named_lists=("benchmarks",),
    )
    return spec if str(source) == "<string>" else replace(spec, source=Path(source))
