"""Hypothetical shocks: "what if SMH falls 35 % and copper rises 10 %?".

A scenario file shocks *factors* (tickers such as SMH, XLE, CPER) and, optionally,
whole *themes* of the pie. Each holding then moves by

- the theme's shock, when its theme is shocked directly;
- its own shock, when the holding is itself a shocked factor;
- otherwise ``sum_k beta_k * shock_k``: its betas to the shocked factors, from an
  ordinary least-squares regression (with intercept) of its returns on the
  factors' returns over a lookback window.

Conventions: simple returns; the regression uses weekly returns (Friday closes,
``W-FRI``) over ``lookback`` (3 years by default) ending on the scenario's ``asof``
date or the last date of the prices; a shock is an instantaneous simple return
(``-0.35`` = -35 %). The intercept is dropped from the implied move: a shock is a
surprise, not a drift. The fit quality (R²) is reported with every move, because a
beta from a regression with R² = 0.05 says little.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from piefolio._toml import read_text, validate_toml
from piefolio.errors import PlanError
from piefolio.periods import period_offset
from piefolio.spec import Date, Name, Number, Period, PieSpec, Prose
from piefolio.typing import PathLike

__all__ = [
    "Scenario",
    "ShockResult",
    "apply_shock",
    "load_scenario",
    "shock_spec",
]

_PERIOD = ("W", "M", "Y")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScenarioInfo(_Model):
    """The ``[scenario]`` table: a name, a story, and the regression window."""

    name: Name
    description: Prose = ""
    lookback: Period = "3Y"
    asof: Date | None = None

    @field_validator("lookback")
    @classmethod
    def _lookback_shape(cls, value: str) -> str:
        if value[-1] not in _PERIOD:
            raise ValueError(
                f"lookback {value!r} is not a period; expected e.g. '3Y', '18M', '104W'"
            )
        return value


class Scenario(_Model):
    """A scenario file: ``[scenario]`` and ``[shocks]`` (factor or theme -> return).

    Example::

        [scenario]
        name = "Data-center slowdown"
        lookback = "3Y"

        [shocks]
        SMH = -0.35          # a factor: every holding moves by its beta to SMH
        "Grid equipment" = -0.10   # a theme of the pie: its holdings move -10 %
    """

    scenario: ScenarioInfo
    shocks: dict[str, Number] = Field(min_length=1)

    @field_validator("shocks")
    @classmethod
    def _shocks_are_returns(cls, value: dict[str, float]) -> dict[str, float]:
        for name, shock in value.items():
            if not -1.0 <= shock <= 10.0:
                raise ValueError(
                    f"shock {name} = {shock} is not a return; expected a fraction "
                    "between -1 (-100 %) and 10 (+1000 %), e.g. -0.35"
                )
        return value


def load_scenario(path: PathLike) -> Scenario:
    """Read and validate a scenario TOML file (errors name the file and the key)."""
    return validate_toml(Scenario, read_text(path), str(path), required=("scenario",))


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class ShockResult:
    """The implied move of a pie (or benchmark) under a scenario.

    Attributes
    ----------
    name : str
        The pie's or benchmark's name.
    total : float
        The pie's implied return (weights x moves).
    slices : pd.DataFrame
        One row per ticker: ``weight``, ``source`` ("theme", "factor" or
        "regression"), one ``beta_<factor>`` column per factor, ``r2``, ``move``
        (implied return), ``contribution`` (weight x move) and ``share`` of the
        total move.
    """

    name: str
    total: float
    slices: pd.DataFrame


def _lookback_start(end: pd.Timestamp, lookback: str) -> pd.Timestamp:
    start: pd.Timestamp = end - period_offset(lookback)
    return start


def _regress(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, float]:
    """OLS of y on [1, x]; return the slopes and R²."""
    design = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    total = ((y - y.mean()) ** 2).sum()
    r2 = 1.0 - (resid**2).sum() / total if total > 0 else float("nan")
    return coef[1:], float(r2)


def apply_shock(
    prices: pd.DataFrame,
    weights: Mapping[str, float],
    scenario: Scenario,
    *,
    themes: Mapping[str, Mapping[str, float]] | None = None,
    name: str = "pie",
) -> ShockResult:
    """Move each holding by its theme's shock, its own shock, or its betas.

    Parameters
    ----------
    prices : pd.DataFrame
        Daily total-return closes, dates x tickers, holding every ticker of
        ``weights`` and every factor of the scenario.
    weights : Mapping[str, float]
        Ticker -> weight of the pie (sums to 1).
    scenario : Scenario
        The shocks.
    themes : Mapping[str, Mapping[str, float]], optional
        Theme -> {ticker: weight}, as :meth:`piefolio.spec.Pie.themes`; shocks
        whose key is a theme apply to its tickers directly.
    name : str
        Label of the result.

    Returns
    -------
    ShockResult

    Raises
    ------
    PlanError
        A factor has no prices, or a holding has too little history in the
        lookback for a regression (fewer than 26 weekly returns).
    """
    themes = themes or {}
    theme_shock = {
        ticker: shock
        for key, shock in scenario.shocks.items()
        if key in themes
        for ticker in themes[key]
    }
    factors = [k for k in scenario.shocks if k not in themes]
    missing = [f for f in factors if f not in prices.columns]
    if missing:
        raise PlanError(
            f"scenario {scenario.scenario.name!r}: no prices for factor(s) "
            f"{', '.join(missing)}; fetch them first (piefolio data fetch ...)"
        )
    end = (
        pd.Timestamp(scenario.scenario.asof)
        if scenario.scenario.asof
        else prices.index[-1]
    )
    start = _lookback_start(end, scenario.scenario.lookback)
    weekly = prices.loc[start:end].resample("W-FRI").last().pct_change().iloc[1:]
    shock_vec = np.array([scenario.shocks[f] for f in factors])
    rows = []
    for ticker, weight in weights.items():
        row: dict[str, object] = {"ticker": ticker, "weight": weight}
        if ticker in theme_shock:
            row.update(source="theme", move=theme_shock[ticker], r2=np.nan)
        elif ticker in scenario.shocks:
            row.update(source="factor", move=scenario.shocks[ticker], r2=1.0)
        else:
            data = weekly[[ticker, *factors]].dropna()
            if len(data) < 26:
                raise PlanError(
                    f"{ticker}: only {len(data)} weekly returns in the "
                    f"{scenario.scenario.lookback} lookback to {end.date()}; need 26 "
                    "to estimate its betas (shorten the lookback or shock its theme)"
                )
            betas, r2 = _regress(data[ticker].to_numpy(), data[factors].to_numpy())
            row.update(
                source="regression",
                move=float(betas @ shock_vec),
                r2=r2,
                **{f"beta_{f}": b for f, b in zip(factors, betas, strict=True)},
            )
        rows.append(row)
    table = pd.DataFrame(rows).set_index("ticker")
    table["move"] = table["move"].clip(lower=-1.0)  # nothing loses more than all
    table["contribution"] = table["weight"] * table["move"]
    total = float(table["contribution"].sum())
    table["share"] = table["contribution"] / total if total else np.nan
    return ShockResult(name, total, table)


def shock_spec(
    spec: PieSpec, prices: pd.DataFrame, scenario: Scenario
) -> list[ShockResult]:
    """Shock the pie and each of its benchmarks with the same scenario."""
    out = [
        apply_shock(
            prices,
            spec.pie.effective_weights(),
            scenario,
            themes=spec.pie.themes(),
            name=spec.pie.name,
        )
    ]
    for bench in spec.benchmarks:
        out.append(
            apply_shock(prices, bench.effective_weights(), scenario, name=bench.name)
        )
    return out
