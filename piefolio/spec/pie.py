"""The ``[pie]`` tree of slices and the ``[benchmarks]``: weights and themes."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from piefolio.currency import CURRENCIES
from piefolio.spec._base import (
    MAX_DEPTH,
    WEIGHT_TOLERANCE,
    Name,
    Number,
    Prose,
    _Model,
    _valid_ticker,
)

__all__ = ["Benchmark", "Pie", "Slice"]


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
        # The depth is the root's to check: a theme does not know how deep it sits.
        return _valid_slices(value, root=False)

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


def _valid_slices(
    slices: tuple[Slice, ...] | None, *, root: bool
) -> tuple[Slice, ...] | None:
    """Check one set of sibling slices: they sum to 1; at a tree's root, its depth.

    The one check of a pie's slices, a theme's and an inline benchmark's.
    """
    if slices is not None:
        _check_siblings(slices)
        if root:
            _check_depth(slices)
    return slices


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
        _valid_slices(value, root=True)
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
        return _valid_slices(value, root=True)

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
