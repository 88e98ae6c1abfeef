"""A whole pie file: the pie, its plan, benchmarks, claims, indicators; reading it."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import (
    Field,
    model_validator,
)

from piefolio._toml import read_text, validate_toml
from piefolio.models import replace
from piefolio.spec._base import (
    _TICKER,
    MAX_NAME,
    Period,
    Prose,
    _Model,
)
from piefolio.spec.indicators import Indicator
from piefolio.spec.optimize import (
    Optimize,
)
from piefolio.spec.pie import (
    Benchmark,
    Pie,
)
from piefolio.spec.plan import (
    Plan,
)

if TYPE_CHECKING:
    from piefolio.typing import PathLike

__all__ = ["Claim", "PieSpec", "load_pie", "parse_pie"]


class Claim(_Model):
    """A testable statement of the thesis: ``long`` beats ``short`` over ``horizon``.

    ``long`` and ``short`` name themes of the pie or tickers; ``horizon`` is a count
    and a unit: ``D`` trading days, ``W`` weeks, ``M`` months, ``Y`` years. A
    claim about the world rather than prices names neither side and is tested by
    the ``[[indicators]]`` that name it instead.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=MAX_NAME)
    text: Prose = ""
    long: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    horizon: Period = "6M"

    @model_validator(mode="after")
    def _both_sides_or_none(self) -> Claim:
        if bool(self.long) != bool(self.short):
            given, other = ("long", "short") if self.long else ("short", "long")
            raise ValueError(
                f"names {given!r} but no {other!r}; expected both sides of the "
                "price check, or neither (a claim tested by its [[indicators]])"
            )
        return self

    @property
    def has_price_check(self) -> bool:
        """Whether the claim names ``long`` and ``short`` (a price check)."""
        return bool(self.long)


class PieSpec(_Model):
    """A whole pie file: the pie, its plan, its benchmarks and its claims."""

    pie: Pie
    plan: Plan
    benchmarks: tuple[Benchmark, ...] = ()
    claims: tuple[Claim, ...] = ()
    indicators: tuple[Indicator, ...] = ()
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
    def _indicators_name_claims(self) -> PieSpec:
        claims = [c.id for c in self.claims]
        seen: set[str] = set()
        for i, ind in enumerate(self.indicators):
            if ind.id in seen:
                raise ValueError(
                    f"indicators[{i}].id: {ind.id!r} is used twice; expected "
                    "one id per indicator"
                )
            seen.add(ind.id)
            if ind.claim not in claims:
                near = difflib.get_close_matches(ind.claim, claims, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                listed = ", ".join(claims) or "none"
                raise ValueError(
                    f"indicators[{i}].claim: {ind.claim!r} is not the id of a "
                    f"[[claims]] entry{hint} (claims: {listed})"
                )
        named = {ind.claim for ind in self.indicators}
        for i, claim in enumerate(self.claims):
            if not claim.has_price_check and claim.id not in named:
                raise ValueError(
                    f"claims[{i}]: {claim.id!r} names no 'long' and 'short' and no "
                    "[[indicators]] entry names it; expected a price check or an "
                    "indicator"
                )
        return self

    def indicators_of(self, claim: str) -> tuple[Indicator, ...]:
        """Return the indicators that name ``claim``, in the file's order."""
        return tuple(ind for ind in self.indicators if ind.claim == claim)

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
