"""Honest selection for a variant sweep: deflated Sharpe, PBO and a walk-forward.

The best of many variants looks good partly by luck; this module says how much,
with the measures of :mod:`piefolio.sweep.selection`:

- deflated Sharpe ratio of the best variant, deflated for *every* variant tried
  (the number of trials and the spread of their Sharpe ratios come from the whole
  results table; the best's skewness and kurtosis from its daily returns);
- probability of backtest overfitting (CSCV) on a seeded sample of variants (the
  best included), re-run for their daily returns so that a sweep of 100,000
  never holds 100,000 daily series;
- walk-forward: pick the best Sharpe on the first half of the dates, then see
  where that pick ranks on the second half among the same sample.

Sharpe ratios here are daily (``mean / std``) unless named ``_annual``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from piefolio.sweep.selection import (
    PBOResult,
    expected_max_sharpe,
    probabilistic_sharpe_ratio,
    probability_of_overfitting,
    sharpe_ratio,
)
from piefolio.sweep.variants import TRADING_DAYS, VariantSweep

if TYPE_CHECKING:
    from piefolio.engine.frame import Frame

__all__ = ["Selection", "honest_selection"]


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class Selection:
    """How much to trust the best variant.

    Attributes
    ----------
    best : pd.Series
        The best row of the sweep by Sharpe ratio.
    trials : int
        Variants tried.
    deflated_sharpe : float
        Probability in [0, 1] that the best's true Sharpe ratio is above zero
        after deflating for ``trials``; below 0.95, its edge may be luck.
    pbo : PBOResult or None
        Probability of backtest overfitting on ``sample`` variants (None with
        fewer than 2 variants).
    sample : int
        Variants in the PBO and walk-forward sample.
    walk_forward : dict
        ``in_sample_sharpe``, ``out_of_sample_sharpe`` (annualised) of the
        first-half pick, ``out_of_sample_percentile`` (1 = best of the sample on
        the second half) and the sample's median second-half Sharpe.
    """

    best: pd.Series
    trials: int
    deflated_sharpe: float
    pbo: PBOResult | None
    sample: int
    walk_forward: dict[str, float]

    def lines(self) -> list[str]:
        """Say the findings in words, for the terminal."""
        out = [
            f"Deflated Sharpe ratio of the best of {self.trials:,} variants: "
            f"{self.deflated_sharpe:.2f} "
            + (
                "(its edge survives the number of tries)"
                if self.deflated_sharpe >= 0.95
                else "(below 0.95: its edge may be luck from trying many)"
            )
        ]
        if self.pbo is not None:
            out.append(
                f"Probability of backtest overfitting: {self.pbo.pbo:.0%} over "
                f"{self.pbo.splits:,} splits of {self.sample} sampled variants"
            )
            # The two read as a contradiction side by side; say what each asks.
            out.append(
                "They answer two questions: the deflated Sharpe asks whether the "
                "best variant's edge beats what luck gives the best of that many "
                "tries; PBO asks how often the variant best on one half of the "
                "history falls below the median on the other. An edge can survive "
                "while the ranking among variants does not repeat: then the plan "
                "holds up, but picking its best variant adds little."
            )
        wf = self.walk_forward
        if wf:
            out.append(
                "Walk-forward: the best on the first half (Sharpe "
                f"{wf['in_sample_sharpe']:.2f}) scored {wf['out_of_sample_sharpe']:.2f}"
                f" on the second half, better than {wf['out_of_sample_percentile']:.0%}"
                f" of the sample (median {wf['median_out_of_sample_sharpe']:.2f})"
            )
        return out


def honest_selection(
    sweep: VariantSweep,
    prices: pd.DataFrame | Frame,
    *,
    sample: int = 200,
    seed: int = 0,
    blocks: int = 16,
) -> Selection:
    """Measure how much of the best variant's Sharpe ratio is luck.

    Parameters
    ----------
    sweep : VariantSweep
        The sweep's results.
    prices : Frame or pd.DataFrame
        The price frame it ran on (dividends and FX mask with it).
    sample : int
        Variants re-run for PBO and the walk-forward (the best is always in).
    seed : int
        Seed of the sample.
    blocks : int
        CSCV blocks (even).

    Returns
    -------
    Selection
    """
    rows = sweep.rows
    order = np.argsort(-rows["sharpe"].to_numpy(na_value=-np.inf), kind="stable")
    best = rows.iloc[int(order[0])]
    rng = np.random.default_rng(seed)
    others = rng.permutation(order[1:])[: max(sample - 1, 0)]
    picks = rows.take(np.r_[order[0], np.sort(others)])
    unit = sweep.unit_values(picks, prices)
    daily = (unit.iloc[1:].to_numpy() / unit.iloc[:-1].to_numpy()) - 1.0
    x = daily[:, 0]
    all_daily = rows["sharpe"].to_numpy(dtype=float) / np.sqrt(TRADING_DAYS)
    variance = float(np.nanvar(all_daily, ddof=1)) if len(rows) > 1 else 0.0
    sr0 = expected_max_sharpe(len(rows), variance)
    dsr = probabilistic_sharpe_ratio(
        float(sharpe_ratio(daily[:, :1])[0]),
        sr0,
        len(x),
        skew=float(stats.skew(x)),
        kurtosis=float(stats.kurtosis(x, fisher=False)),
    )
    pbo = None
    walk: dict[str, float] = {}
    if daily.shape[1] >= 2:
        pbo = probability_of_overfitting(daily, blocks=blocks)
        half = len(daily) // 2
        first = sharpe_ratio(daily[:half])
        second = sharpe_ratio(daily[half:])
        pick = int(np.nanargmax(first))
        annual = np.sqrt(TRADING_DAYS)
        walk = {
            "in_sample_sharpe": float(first[pick] * annual),
            "out_of_sample_sharpe": float(second[pick] * annual),
            "out_of_sample_percentile": float(np.mean(second < second[pick])),
            "median_out_of_sample_sharpe": float(np.nanmedian(second) * annual),
        }
    return Selection(best, len(rows), dsr, pbo, unit.shape[1], walk)
