"""Generated price files for the fuzz test: plausible shapes, hostile cells.

``cases(n, seed)`` yields ``n`` CSV texts, each a header of one of the shapes
piefolio reads (long, wide, FRED-style) or a stranger one, and rows whose cells
come from pools of good and bad tokens (numbers at the edges of float64, blank
cells, dates out of range or in mixed zones, odd tickers, quotes, ragged rows,
control characters). Seeded: the same cases each run.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

NUMBERS = [
    "1",
    "101.25",
    "0.5",
    "2",
    "",
    ".",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "1e-300",
    "-5",
    "0",
    "-0.0",
    "1e12",
    "1e13",
    "abc",
    "1O2.5",
    "1,5",
    '"7"',
    "NaN",
    "None",
    "9" * 40,
    "0x1A",
    "1_000",
    " 3 ",
    "+4",
    "1e-8",
]
DATES = [
    "2024-01-02",
    "2024-01-03",
    "2024-01-04",
    "2024-01-05",
    "2024-01-08",
    "2024-13-01",
    "2024-02-30",
    "1850-01-02",
    "2250-01-02",
    "0001-01-01",
    "2024-01-02T00:00:00+01:00",
    "2024-01-03T00:00:00-05:00",
    "2024-01-04T10:00Z",
    "20240102",
    "yesterday",
    "",
    "2024/01/05",
    "9999-12-31",
]
TICKERS = [
    "CVX",
    "XOM",
    "EURUSD=X",
    "^GSPC",
    "ASML.AS",
    "C V X",
    "",
    "x" * 40,
    "é",
    "DEXUSEU",
]
CURRENCIES = ["USD", "EUR", "ZZZ", "EURO", "usd", ""]
HEADERS = [
    ["date", "ticker", "close"],
    ["date", "ticker", "close", "adj_close", "dividend", "split"],
    ["date", "ticker", "close", "currency"],
    ["date", "symbol", "adj_close"],
    ["date", "series", "value"],
    ["date", "CVX", "XOM"],
    ["Date", "AAA"],
    ["date", "ticker"],
    ["day", "ticker", "close"],
    ["date", "CVX", "CVX"],
    ["date"],
]


GOOD_DAYS = [f"2024-02-{d:02d}" for d in (1, 2, 5, 6, 7, 8, 9, 12, 13, 14)]
GOOD = {"number": ["1", "101.25", "0.5", "2", "47.1"], "ticker": ["AAA", "BBB"]}


def _cell(rng: random.Random, column: str, row: int, bad: float) -> str:
    """A cell of ``column`` on ``row``: a bad token with probability ``bad``."""
    hostile = rng.random() < bad
    if column.lower() == "date":
        return rng.choice(DATES) if hostile else GOOD_DAYS[row % len(GOOD_DAYS)]
    if column in ("ticker", "symbol", "series"):
        return rng.choice(TICKERS) if hostile else rng.choice(GOOD["ticker"])
    if column == "currency":
        return rng.choice(CURRENCIES) if hostile else "USD"
    if hostile and rng.random() < 0.1:
        return rng.choice(["\x00", "\x1b[31m", "[/bold]", "a,b", '"'])
    return rng.choice(NUMBERS) if hostile else rng.choice(GOOD["number"])


def cases(n: int, seed: int = 13) -> Iterator[str]:
    """Yield ``n`` generated CSV texts."""
    rng = random.Random(seed)
    for _ in range(n):
        header = list(rng.choice(HEADERS))
        bad = rng.choice([0.0, 0.0, 0.05, 0.2, 0.5])
        lines = [",".join(header)]
        for row in range(rng.randint(0, 8)):
            cells = [_cell(rng, c, row, bad) for c in header]
            if rng.random() < bad / 2:  # ragged: a cell too many or too few
                cells = [*cells, "1"] if rng.random() < 0.5 else cells[:-1]
            lines.append(",".join(cells))
        text = "\n".join(lines) + ("\n" if rng.random() < 0.9 else "")
        if rng.random() < 0.05:
            text = "\ufeff" + text  # a byte-order mark, as Excel writes
        yield text
