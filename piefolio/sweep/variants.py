"""Variants of a pie: rebalance policy x deposit x frequency x random weights.

A sweep file (or the command line) lists values per axis; their product is the
set of *plan variants*, each run with the pie's own weights and with ``weights``
random weightings drawn around them within the spec's ``[optimize]`` limits
(seeded). Example ``sweep.toml``::

    [sweep]
    rebalance = ["none", "monthly", { policy = "threshold", band = 0.05 }]
    deposit = [50, 100, 200]
    every = ["month", "quarter"]
    weights = 1000        # random weightings per plan variant (0: only the pie's)
    spread = 0.5          # how far they stray from the targets (0 < spread <= 1)
    seed = 1

Each plan variant runs its weightings through
:func:`~piefolio.engine.simulate_batch` in chunks, with
:func:`~piefolio._parallel.run_chunks` (resumable; local, all cores or Dask).
One row per variant: its parameters, final value, time-weighted return a year,
volatility, Sharpe (daily, annualised with 252 days, over the plan's cash rate),
maximum drawdown. Weights are in ``w_<ticker>`` columns.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny

from piefolio._toml import read_text, validate_toml
from piefolio.errors import PlanError
from piefolio.models import replace
from piefolio.spec import (
    Calendar,
    Count,
    Flow,
    Frequency,
    Number,
    PieSpec,
    Plan,
    Rebalance,
    Threshold,
)
from piefolio.typing import FloatArray, PathLike

if TYPE_CHECKING:
    from piefolio.data.frame import PriceFrame
    from piefolio.data.store import Store
    from piefolio.engine.frame import Frame
    from piefolio.sweep.honest import Selection

__all__ = [
    "SweepSettings",
    "VariantReport",
    "VariantSweep",
    "frame_for",
    "load_sweep",
    "plan_variants",
    "random_weights",
    "run_variants",
    "sweep_variants",
]

TRADING_DAYS = 252
CHUNK_ROWS = 2_000
DRAW_BLOCK = 16_384  # random weightings per seeded stream


# A deposit on the axis obeys what the plan's own deposit amount obeys.
_Deposit = Annotated[float, Flow.model_fields["amount"]]


class SweepSettings(BaseModel):
    """The ``[sweep]`` table: values to try per axis (absent: the plan's own).

    Each axis takes what the plan's field takes: a deposit is a positive finite
    amount (as ``[plan] deposits.amount``), a rebalance a policy (a band inside
    (0, 1)), an ``every`` a frequency.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    rebalance: list[SerializeAsAny[Rebalance]] | None = Field(
        default=None, min_length=1
    )
    deposit: list[_Deposit] | None = Field(default=None, min_length=1)
    every: list[Frequency] | None = Field(default=None, min_length=1)
    weights: Count = Field(default=0, ge=0, le=10_000_000)
    spread: Number = Field(default=0.5, gt=0, le=1)
    seed: Count = Field(default=0, ge=0)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sweep: SweepSettings


def load_sweep(path: PathLike) -> SweepSettings:
    """Read a sweep TOML file; errors name the file and the key."""
    return validate_toml(_File, read_text(path), str(path), required=("sweep",)).sweep


def plan_variants(
    plan: Plan, settings: SweepSettings
) -> list[tuple[dict[str, Any], Plan]]:
    """Every combination of the axes, as (parameters, plan).

    Raises
    ------
    PlanError
        ``deposit`` or ``every`` is asked for a plan without deposits.
    """
    if plan.deposits is None and (settings.deposit or settings.every):
        raise PlanError("the plan has no deposits to vary: add [plan] deposits first")
    policies = settings.rebalance or [plan.rebalance]
    amounts: list[float | None] = list(settings.deposit or []) or (
        [plan.deposits.amount] if plan.deposits else [None]
    )
    freqs: list[Frequency | None] = list(settings.every or []) or (
        [plan.deposits.every] if plan.deposits else [None]
    )
    out = []
    for policy, amount, every in itertools.product(policies, amounts, freqs):
        update: dict[str, Any] = {"rebalance": policy}
        if plan.deposits is not None:
            day = plan.deposits.day if every == plan.deposits.every else 1
            update["deposits"] = replace(
                plan.deposits, amount=amount, every=every, day=day
            )
        params = {
            "rebalance": _describe(policy),
            "deposit": amount,
            "every": None if every is None else every.value,
        }
        out.append((params, replace(plan, **update)))
    return out


def _describe(policy: Rebalance) -> str:
    match policy:
        case Calendar(every=every):
            return f"{policy.policy.value}:{every}"
        case Threshold(band=band):
            return f"{policy.policy.value}:{band:g}"
        case _:
            return policy.policy.value


def random_weights(
    spec: PieSpec, count: int, *, spread: float = 0.5, seed: int = 0
) -> pd.DataFrame:
    """Draw ``count`` random weightings within the limits, after the pie's own.

    Draws are Dirichlet around the targets (concentration ``1 / spread**2`` per
    unit of weight: a spread of 1 strays far, 0.1 stays close) and are kept only
    when they obey the ``[optimize]`` limits (slice bounds, stock cap, theme
    bounds). They come in blocks of ``DRAW_BLOCK``, block ``k`` from its own
    stream of ``SeedSequence(seed)``, drawn on threads: the same seed gives the
    same rows however many threads ran.

    Returns
    -------
    pd.DataFrame, shape (1 + count, n_tickers)
        Row 0 is the pie itself (``"pie"``), then ``"w1"``, ``"w2"``...

    Raises
    ------
    PlanError
        Fewer than 1 % of draws fit the limits (they are too tight for the
        spread).
    """
    from piefolio.optimize.constraints import build_limits

    targets = pd.Series(spec.pie.effective_weights())
    limits = build_limits(spec)
    a, b = limits.inequalities()
    order = np.array([targets.index.get_loc(t) for t in limits.tickers], dtype=int)
    alpha = np.maximum(targets.to_numpy()[order], 1e-6) / spread**2

    def block(stream: np.random.SeedSequence) -> FloatArray:
        draws = np.random.default_rng(stream).dirichlet(alpha, size=DRAW_BLOCK)
        ok = np.all(
            (draws >= limits.lower - 1e-12) & (draws <= limits.upper + 1e-12), axis=1
        )
        if len(b):
            ok &= np.all(draws @ a.T <= b + 1e-12, axis=1)
        return draws[ok]

    root = np.random.SeedSequence(seed)
    kept: list[FloatArray] = []
    have = drawn = 0
    # Most of a big sweep's draws are rejected (a spiky Dirichlet against a
    # slice cap): numpy draws them outside the GIL, so threads share the work.
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        while have < count:
            rate = max(have / drawn, 0.01) if drawn else 1.0
            blocks = min(64, -(-(count - have) // max(int(rate * DRAW_BLOCK), 1)))
            for rows in pool.map(block, root.spawn(blocks)):
                kept.append(rows)
                have += len(rows)
            drawn += blocks * DRAW_BLOCK
            if drawn >= 100 * max(count, 1024) and have < count:
                raise PlanError(
                    f"only {have} of {drawn} random weightings fit the [optimize] "
                    "limits; loosen them or lower the sweep's spread"
                )
    rows = np.vstack([targets.to_numpy()[order][None, :], *kept])[: count + 1]
    names = ["pie", *(f"w{i}" for i in range(1, count + 1))]
    return pd.DataFrame(rows, index=names, columns=list(limits.tickers))


@dataclass(frozen=True, slots=True)
class _Payload:
    frame: Frame  # the plan's window: closes, dividends and FX mask together
    plans: tuple[Plan, ...]
    weights: pd.DataFrame
    chunks_per_plan: int


def _fingerprint(payload: _Payload) -> str:
    """Hash everything a chunk's rows depend on, so a resume never mixes inputs.

    The payload itself, not the arguments that made it: the window's closes,
    dividends and FX mask, every plan, every weighting (so the targets, the
    ``[optimize]`` limits, the seed and the spread), the chunking, and the
    code's version.
    """
    from piefolio import __version__

    digest = hashlib.blake2b(digest_size=32)

    def add(data: bytes) -> None:
        digest.update(len(data).to_bytes(8, "little") + data)

    frame, weights = payload.frame, payload.weights
    add(__version__.encode())
    add(json.dumps([p.model_dump(mode="json") for p in payload.plans]).encode())
    add(str(payload.chunks_per_plan).encode())
    add(json.dumps([list(frame.symbols), frame.base_currency]).encode())
    add(pd.DatetimeIndex(frame.dates).asi8.tobytes())
    for array in (frame.base, frame.dividends, frame.fx_mask):
        add(b"none" if array is None else np.ascontiguousarray(array).tobytes())
    add(json.dumps([str(c) for c in weights.columns]).encode())
    add(pd.util.hash_pandas_object(weights, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def _run_chunk(index: int, payload: _Payload) -> pd.DataFrame:
    """Run one chunk: one plan variant, up to CHUNK_ROWS weightings."""
    from piefolio.engine import simulate_batch

    k, part = divmod(index, payload.chunks_per_plan)
    plan = payload.plans[k]
    weights = payload.weights.iloc[part * CHUNK_ROWS : (part + 1) * CHUNK_ROWS]
    batch = simulate_batch(payload.frame, weights, plan, paths=False)
    years = (batch.dates[-1] - batch.dates[0]).days / 365.25
    rf = (1 + plan.cash_interest) ** (1 / TRADING_DAYS) - 1
    mean = batch.return_mean.to_numpy()
    sd = batch.return_std.to_numpy()
    growth = batch.twr.to_numpy() + 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        sharpe = np.where(sd > 0, (mean - rf) / sd * np.sqrt(TRADING_DAYS), np.nan)
    frame = pd.DataFrame(
        {
            "plan": k,
            "weights": weights.index,
            "final_value": batch.final_value.to_numpy(),
            "deposited": batch.deposited.to_numpy(),
            "withdrawn": batch.withdrawn.to_numpy(),
            "twr_annual": growth ** (1 / years) - 1 if years > 0 else np.nan,
            "volatility": sd * np.sqrt(TRADING_DAYS),
            "sharpe": sharpe,
            "max_drawdown": batch.max_drawdown.to_numpy(),
            "fees": batch.fees.to_numpy(),
        }
    )
    return frame


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class VariantSweep:
    """The variants and their outcomes.

    Attributes
    ----------
    rows : pd.DataFrame
        One row per variant: ``plan`` (index into ``plans``), ``weights`` (row
        name), the plan's parameters, the outcomes and ``w_<ticker>`` weights.
    plans : tuple of Plan
        The plan variants.
    weights : pd.DataFrame
        The weightings (name x ticker).
    """

    rows: pd.DataFrame
    plans: tuple[Plan, ...]
    weights: pd.DataFrame

    def ranked(self, by: str = "sharpe") -> pd.DataFrame:
        """Rows sorted best first by a column (``sharpe``, ``final_value``...)."""
        return self.rows.sort_values(by, ascending=False, kind="stable")

    def unit_values(
        self, picks: pd.DataFrame, prices: pd.DataFrame | Frame
    ) -> pd.DataFrame:
        """Re-run chosen variants for their daily unit values (dates x variants).

        Only the variants asked for are re-run, so a 100,000-variant sweep never
        holds 100,000 daily series; selection statistics use a sample.
        """
        from piefolio.engine import simulate_batch

        cols = {}
        for k, group in picks.groupby("plan", sort=False):
            plan = self.plans[int(str(k))]
            batch = simulate_batch(prices, self.weights.loc[group["weights"]], plan)
            for name, col in batch.unit_value.items():
                cols[f"{k}:{name}"] = col
        return pd.DataFrame(cols)


def run_variants(
    spec: PieSpec,
    prices: pd.DataFrame | Frame,
    settings: SweepSettings,
    out_dir: Path,
    *,
    executor: str | Any = "local",
    workers: int | None = None,
    fx_mask: pd.Series | None = None,
    progress: Callable[[int, int], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> VariantSweep:
    """Run every plan variant with every weighting; resumable in ``out_dir``.

    Parameters
    ----------
    spec : PieSpec
        The pie (targets, limits, plan).
    prices : Frame or pd.DataFrame
        The price frame (its dividends and FX mask come with it), or
        base-currency prices; covering the pie's tickers over the plan.
    settings : SweepSettings
        The axes.
    out_dir : Path
        Folder of the parts; a killed sweep restarted with the same arguments
        continues where it stopped.
    executor : {"local", "processes"} or dask.distributed.Client
        Where chunks run.
    workers : int, optional
        Processes for ``"processes"``.
    fx_mask : pd.Series, optional
        With a DataFrame of prices only: tickers that pay the FX fee.
    progress : callable, optional
        ``progress(done, total)`` in chunks.
    note : callable, optional
        Told when parts on disk cannot be read and are computed again.

    Returns
    -------
    VariantSweep
    """
    from piefolio._parallel import run_chunks
    from piefolio.engine import frame_of, on_prices

    variants = plan_variants(spec.plan, settings)
    plans = tuple(p for _, p in variants)
    weights = random_weights(
        spec, settings.weights, spread=settings.spread, seed=settings.seed
    )
    tickers = list(weights.columns)
    frame = frame_of(prices, fx_mask=fx_mask)
    window = frame.prices.loc[pd.Timestamp(spec.plan.start) :, tickers]
    if spec.plan.end is not None:
        window = window.loc[: pd.Timestamp(spec.plan.end)]
    per_plan = -(-len(weights) // CHUNK_ROWS)
    payload = _Payload(on_prices(frame, window), plans, weights, per_plan)
    total = len(plans) * per_plan
    rows = run_chunks(
        _run_chunk,
        payload,
        total,
        out_dir,
        fingerprint=_fingerprint(payload),
        executor=executor,
        workers=workers,
        progress=None if progress is None else (lambda done: progress(done, total)),
        note=note,
    )
    params = pd.DataFrame([p for p, _ in variants])
    rows = rows.join(params, on="plan")
    w = weights.add_prefix("w_")
    rows = rows.join(w, on="weights")
    return VariantSweep(rows.reset_index(drop=True), plans, weights)


# ------------------------------------------------------------------------ the verb


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class VariantReport:
    """A variant sweep and how much of its best Sharpe ratio is luck.

    Attributes
    ----------
    sweep : VariantSweep
        Every variant's row.
    selection : Selection
        Deflated Sharpe, probability of backtest overfitting, walk-forward.
    """

    sweep: VariantSweep
    selection: Selection


def frame_for(
    spec: PieSpec,
    settings: SweepSettings | None = None,
    *,
    offline: bool = False,
    store: Store | None = None,
) -> PriceFrame:
    """Load the prices a variant sweep runs on: the pie's, over its plan."""
    from piefolio.data import get_prices

    return get_prices(spec, offline=offline, store=store)


def sweep_variants(
    spec: PieSpec,
    frame: PriceFrame | Frame | None = None,
    *,
    settings: SweepSettings | None = None,
    out_dir: Path | None = None,
    executor: str | Any = "local",
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> VariantReport:
    """Run every plan and weight variant, then measure the best one honestly.

    Parameters
    ----------
    spec : PieSpec
        The pie (targets, ``[optimize]`` limits, plan).
    frame : PriceFrame, optional
        The prices, whole; loaded by :func:`frame_for` when None.
    settings : SweepSettings, optional
        The axes, the random weightings and their seed (default: the plan as
        it is, the pie's own weights).
    out_dir : Path, optional
        Folder of the resumable parts (default: a temporary one).
    executor, workers, progress, note
        Where the chunks run, how progress is told and where notes go (they
        change no number); see :func:`run_variants`.

    Returns
    -------
    VariantReport
    """
    import tempfile

    from piefolio.sweep.honest import honest_selection

    settings = settings or SweepSettings()
    if frame is None:
        frame = frame_for(spec, settings)
    with tempfile.TemporaryDirectory() as scratch:
        sweep = run_variants(
            spec,
            frame,
            settings,
            out_dir or Path(scratch),
            executor=executor,
            workers=workers,
            progress=progress,
            note=note,
        )
    return VariantReport(sweep, honest_selection(sweep, frame, seed=settings.seed))
