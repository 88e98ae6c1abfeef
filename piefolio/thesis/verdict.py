"""A claim's verdict from its signals: holding, weakening or broken.

A claim's signals are its price check (when it names ``long`` and ``short``: the
latest window's relative return above 0 is the claim holding) and its
indicators. A signal *fails* when a supporting condition does not hold or a
weakening one does. Of the signals that could be read:

- ``holding``: none fails;
- ``weakening``: some fail, no more than half;
- ``broken``: more than half fail.

A claim none of whose signals could be read (too little history) is
``unknown``; an alert never fires on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Signal", "State", "Verdict", "state_of", "verdict_of"]


class State(StrEnum):
    """Where a claim stands; the order is one of growing alarm."""

    UNKNOWN = "unknown"
    HOLDING = "holding"
    WEAKENING = "weakening"
    BROKEN = "broken"

    @property
    def level(self) -> int:
        """0 unknown, 1 holding, 2 weakening, 3 broken: ``--fail-on`` compares these."""
        return list(State).index(self)


@dataclass(frozen=True, slots=True)
class Signal:
    """One signal of a claim, read on its latest date.

    Attributes
    ----------
    name : str
        The indicator's id, or ``"price check"``.
    condition : str
        What the signal asks, in words (``"PCOPPUSDM yoy above 0.0%"``).
    value : float
        The latest transformed value (NaN when none could be computed).
    failing : bool or None
        Whether it fails; None when the value is NaN.
    """

    name: str
    condition: str
    value: float
    failing: bool | None


def state_of(failing: Sequence[bool | None]) -> State:
    """Return the state of a claim whose signals fail, hold or are unread.

    Parameters
    ----------
    failing : sequence of bool or None
        One entry per signal; None (unread) does not count either way.

    Returns
    -------
    State
    """
    read = [f for f in failing if f is not None]
    if not read:
        return State.UNKNOWN
    failed = sum(read)
    if failed == 0:
        return State.HOLDING
    return State.BROKEN if 2 * failed > len(read) else State.WEAKENING


@dataclass(frozen=True, slots=True)
class Verdict:
    """The verdict on one claim today.

    Attributes
    ----------
    claim : str
        The claim's id.
    state : State
    signals : tuple of Signal
        The price check first (when the claim has one), then its indicators.
    sentence : str
        One sentence that explains the state.
    """

    claim: str
    state: State
    signals: tuple[Signal, ...]
    sentence: str


def verdict_of(claim: str, signals: Sequence[Signal]) -> Verdict:
    """Judge a claim from its signals and say why in one sentence.

    Parameters
    ----------
    claim : str
        The claim's id.
    signals : sequence of Signal

    Returns
    -------
    Verdict
    """
    state = state_of([s.failing for s in signals])
    read = [s for s in signals if s.failing is not None]
    failed = [s for s in read if s.failing]
    unread = len(signals) - len(read)
    tail = f"; {unread} could not be read yet" if unread else ""
    if state is State.UNKNOWN:
        sentence = (
            f"{claim} is unknown: none of its {len(signals)} signal(s) could be read "
            "(too little history for its transform)"
        )
    elif state is State.HOLDING:
        sentence = f"{claim} is holding: all {len(read)} signal(s) read hold{tail}"
    else:
        why = "; ".join(f"{s.name} ({s.condition}) fails" for s in failed)
        more = " (more than half)" if state is State.BROKEN else ""
        sentence = (
            f"{claim} is {state.value}: {len(failed)} of {len(read)} signal(s) "
            f"fail{more}: {why}{tail}"
        )
    return Verdict(claim, state, tuple(signals), sentence)
