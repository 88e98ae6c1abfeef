"""Replay of saved provider answers, for tests and offline demonstrations.

Two shapes, as in httpx: :class:`RecordedProvider` serves saved
:class:`~piefolio.data.providers.base.RawSeries` (or raises saved errors) through
the :class:`~piefolio.data.providers.base.Provider` interface, and
:func:`recorded_transport` builds an :class:`httpx.MockTransport` that answers saved
HTTP bodies by URL, so the Stooq and FRED providers run their real parsing code.
Both count calls, so a test can assert what was asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import httpx
import pandas as pd

from piefolio.data.providers.base import RawSeries, UnknownSymbol

__all__ = ["RecordedProvider", "recorded_transport"]

Answer = RawSeries | BaseException


class RecordedProvider:
    """A provider that replays saved answers.

    Parameters
    ----------
    answers : mapping symbol -> RawSeries | exception | list of them
        What to answer; a list is consumed one item per call (the last repeats),
        so a test can script "429, 429, then success".
    name : str, default "recorded"
    """

    def __init__(
        self,
        answers: Mapping[str, Answer | Sequence[Answer]],
        *,
        name: str = "recorded",
    ) -> None:
        self.name = name
        self._answers: dict[str, list[Answer]] = {
            k: [v] if isinstance(v, RawSeries | BaseException) else list(v)
            for k, v in answers.items()
        }
        self.calls: list[tuple[str, dt.date, dt.date]] = []

    def supports(self, symbol: str) -> bool:
        """Whether an answer was saved for ``symbol``."""
        return symbol in self._answers

    def fetch(
        self, symbols: Sequence[str], start: dt.date, end: dt.date
    ) -> list[RawSeries]:
        """Replay the next saved answer of each symbol, cut to ``[start, end]``."""
        out = []
        for sym in symbols:
            self.calls.append((sym, start, end))
            queue = self._answers.get(sym)
            if not queue:
                raise UnknownSymbol(f"{sym}: nothing recorded")
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            if isinstance(answer, BaseException):
                raise answer
            frame = answer.frame.loc[pd.Timestamp(start) : pd.Timestamp(end)]
            out.append(
                RawSeries(
                    sym,
                    frame,
                    answer.currency,
                    answer.source,
                    answer.name,
                    answer.terms,
                )
            )
        return out


def recorded_transport(
    routes: Mapping[str, httpx.Response | Callable[[httpx.Request], httpx.Response]],
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """Build an httpx transport that answers saved responses by URL key.

    ``routes`` maps a key found in the URL (``"s=cvx.us"``, ``"id=DEXUSEU"``) to a
    saved response or a function of the request (which may raise, e.g.
    ``httpx.ReadTimeout``). Unmatched requests get a 404.

    Returns
    -------
    transport, requests
        The transport, and the list every request is appended to.
    """
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        url = str(request.url)
        for key, answer in routes.items():
            if key in url:
                return answer(request) if callable(answer) else answer
        return httpx.Response(404, text="not recorded")

    return httpx.MockTransport(handler), seen
