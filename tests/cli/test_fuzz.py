"""No input ends in a traceback: generated pie files and command lines.

Hypothesis writes pie files from a valid one with one to three keys replaced
by hostile values (markup, control characters, 1e308, NaN, year 1, 5,000
characters, strings for numbers, 2,000-deep arrays, unknown keys) and sometimes
a cut or a stray character in the text; and command lines with hostile option
values. The property: every exit code is 0, 2 or 3; an error names the file;
a file that ``show`` accepts does not crash ``run``, ``stress`` or ``claims``.

Bounded: a fixed number of examples per test, no per-example deadline (a run
compiles nothing but still takes a fraction of a second), against a small
synthetic store so no network and no shared data are needed. Set
``PIEFOLIO_FUZZ_COUNTS=file.json`` to record how many inputs were tried and
the count of each exit code.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.cli.conftest import Invoke

TICKERS = ("SPY", "CVX", "XOM", "IWM")
EXIT_CODES = {0, 2, 3}
COUNTS: Counter[str] = Counter()

VALID: dict[str, Any] = {
    "pie": {
        "name": "Fuzz",
        "currency": "USD",
        "thesis": "energy beats the index",
        "slices": [
            {"name": "Energy", "weight": 0.5, "slices": [
                {"ticker": "CVX", "weight": 0.5}, {"ticker": "XOM", "weight": 0.5}]},
            {"ticker": "SPY", "weight": 0.5, "name": "S&P 500"},
        ],
    },
    "benchmarks": {"Small caps": "IWM"},
    "plan": {
        "start": dt.date(2016, 1, 4),
        "initial": 1000,
        "deposits": {"amount": 100, "every": "month", "day": 1},
        "rebalance": {"policy": "threshold", "band": 0.05},
        "fees": {"commission_pct": 0.1, "min_order": 1},
        "cash_interest": 0.02,
    },
    "claims": [{"id": "energy", "long": ["Energy"], "short": ["SPY"], "horizon": "6M"}],
    "optimize": {"method": "hrp", "slice_max": 0.6, "theme_limits": {"Energy": [0.2, 0.8]}},
}  # fmt: skip

# Where a mutation lands: every key of VALID, and one level of new keys.
PATHS: list[tuple[str | int, ...]] = [
    ("pie", "name"), ("pie", "currency"), ("pie", "thesis"), ("pie", "slices"),
    ("pie", "slices", 0, "name"), ("pie", "slices", 0, "weight"),
    ("pie", "slices", 0, "slices"), ("pie", "slices", 0, "slices", 1, "ticker"),
    ("pie", "slices", 0, "slices", 1, "weight"), ("pie", "slices", 1, "ticker"),
    ("pie", "slices", 1, "proxy"), ("benchmarks", "Small caps"), ("benchmarks", "[/b]"),
    ("plan", "start"), ("plan", "end"), ("plan", "initial"), ("plan", "deposits"),
    ("plan", "deposits", "amount"), ("plan", "deposits", "every"),
    ("plan", "deposits", "day"), ("plan", "withdrawals"), ("plan", "rebalance"),
    ("plan", "rebalance", "band"), ("plan", "fees", "min_order"),
    ("plan", "fees", "spread_bps"), ("plan", "cash_interest"), ("plan", "dividends"),
    ("plan", "late_listing"), ("claims", 0, "id"), ("claims", 0, "text"),
    ("claims", 0, "long"), ("claims", 0, "horizon"), ("optimize", "method"),
    ("optimize", "lookback"), ("optimize", "theme_limits"),
    ("optimize", "expected_returns"), ("plan", "[/bold]"), ("pie", "\x1b[31m"),
    ("plan",), ("pie",),
]  # fmt: skip

HOSTILE_TEXT = [
    "", " ", "[/bold]", "[red]x[/]", ":smile:", "a\x1b[31mred", "nul\x00", "\u202e",
    "x" * 5000, "0.5", "1e308", "nan", "2020-01-01", "month", "monthly", "threshold",
    "EUR", "ZZZ", "SPY", "Energy", "99999999999Y", "0Y", "6M", "../../x", "名前",
]  # fmt: skip
HOSTILE_NUMBERS = [
    0, -1, 1, 0.5, 0.05, 100, 1000, 1e12, 1e13, 1e308, -1e308, 1e-300, 5e-324,
    math.inf, -math.inf, math.nan, 2**63, 10**30, True,
]  # fmt: skip
HOSTILE_DATES = [dt.date(1, 1, 1), dt.date(1800, 1, 1), dt.date(1899, 12, 31),
                 dt.date(2016, 1, 4), dt.date(2030, 1, 1), dt.date(9999, 12, 31)]  # fmt: skip


class Deep:
    """Arrays ``depth`` deep around "SPY"; a short repr (hypothesis prints it)."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    def __repr__(self) -> str:
        return f"Deep({self.depth})"


leaves = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HOSTILE_NUMBERS),
    st.sampled_from(HOSTILE_DATES),
    st.text(max_size=12),
    st.floats(),
    st.integers(),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 1, 1)),
    st.sampled_from([3, 70, 2000]).map(Deep),
    st.none(),  # the key is removed
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["policy", "every", "amount", "x", "slices", "ticker", "weight", "[/b]"]
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=6,
)


def toml_value(value: Any) -> str:
    """Render a value as TOML (inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "nan"
            if value != value
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, dt.date):  # dt.datetime too
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Deep):
        return "[" * value.depth + '"SPY"' + "]" * value.depth
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value if v is not None) + "]"
    assert isinstance(value, dict)
    return "{ " + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {toml_value(v)}"
                             for k, v in value.items() if v is not None) + " }"  # fmt: skip


def toml_file(doc: dict[str, Any]) -> str:
    """Render a document: scalars first, then one [table] per top-level table."""
    head, tables = [], []
    for key, value in doc.items():
        name = json.dumps(key, ensure_ascii=False)
        if isinstance(value, dict):
            body = [f"{json.dumps(str(k), ensure_ascii=False)} = {toml_value(v)}"
                    for k, v in value.items() if v is not None]  # fmt: skip
            tables.append(f"[{name}]\n" + "\n".join(body))
        elif value is not None:
            head.append(f"{name} = {toml_value(value)}")
    return "\n".join(head) + "\n\n" + "\n\n".join(tables) + "\n"


def mutate(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    """Set (or, for None, delete) ``path`` in ``doc``; a path that no longer
    exists (an earlier mutation replaced its parent) is left alone."""
    *parents, last = path
    node: Any = doc
    for key in parents:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(node, dict):
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value


# Values at the edge of what the spec accepts: show takes them, so run must too.
EDGES: dict[tuple[str | int, ...], list[Any]] = {
    ("pie", "name"): ["[/bold] x [red]", "名前", "x" * 100, ":smile:"],
    ("pie", "currency"): ["EUR", "JPY"],  # no FX rate in the store: exit 3
    ("pie", "slices", 1, "proxy"): ["IWM", "ZZZZ"],
    ("plan", "initial"): [1e12, 1e9, 0.01],
    ("plan", "deposits", "amount"): [1e12, 0.01, 1e11],
    ("plan", "start"): [dt.date(1900, 1, 1), dt.date(2199, 12, 31), dt.date(2012, 1, 2),
                        dt.date(2026, 6, 30)],
    ("plan", "end"): [dt.date(2016, 1, 5), dt.date(2199, 1, 1), dt.date(2026, 6, 30)],
    ("plan", "withdrawals"): [{"amount": 1e12}, {"amount": 50, "every": "week", "day": 7}],
    ("plan", "rebalance"): ["monthly", "deposits", "none",
                            {"policy": "calendar", "every": "year"}],
    ("plan", "fees", "min_order"): [0, 1e12],
    ("plan", "cash_interest"): [0, 0.99],
    ("plan", "dividends"): ["cash"],
    ("claims", 0, "horizon"): ["100Y", "1D", "36525D", "1200M"],
    ("claims", 0, "text"): ["[/i] :smile: \t tab"],
    ("optimize", "lookback"): ["100Y", "1D"],
}  # fmt: skip


@st.composite
def pie_files(draw: st.DrawFn) -> str:
    doc = json.loads(json.dumps(VALID, default=str))  # a deep copy...
    doc["plan"]["start"] = VALID["plan"]["start"]  # ...that keeps the TOML date
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            path = draw(st.sampled_from(sorted(EDGES, key=str)))
            mutate(doc, path, draw(st.sampled_from(EDGES[path])))
        else:
            mutate(doc, draw(st.sampled_from(PATHS)), draw(values))
    text = toml_file(doc)
    damage = draw(st.sampled_from(["none"] * 6 + ["cut", "insert"]))
    if damage != "none":
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at]
            if damage == "cut"
            else text[:at] + draw(st.characters()) + text[at:]
        )
    return text


@pytest.fixture(scope="module", autouse=True)
def _write_counts() -> Iterator[None]:
    yield
    target = os.environ.get("PIEFOLIO_FUZZ_COUNTS")
    if target:
        Path(target).write_text(json.dumps(dict(sorted(COUNTS.items())), indent=1))


def record(kind: str, code: int) -> None:
    COUNTS[f"{kind} inputs"] += 1
    COUNTS[f"{kind} exit {code}"] += 1


FUZZ = settings(
    max_examples=30,
    deadline=None,
    # No shrinking: one example costs up to a second, a shrink minutes; the
    # failing command line is readable as drawn.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(text=pie_files(), follow=st.sampled_from(["run", "stress", "claims"]))
def test_no_pie_file_ends_in_a_traceback(
    piefolio: Invoke, synthetic_home: Path, tmp_path: Path, text: str, follow: str
) -> None:
    spec = tmp_path / "pie.toml"
    spec.write_text(text, encoding="utf-8", errors="surrogatepass")
    shown = piefolio("show", str(spec), home=synthetic_home)
    record("pie file (show)", shown.code)
    assert shown.code in {0, 2}, shown.output
    if shown.code == 2:
        assert shown.output.startswith(f"error: {spec}"), shown.output
        return
    # What show accepts, run (and the other readers of the spec) never crash on.
    args = {"run": ("--no-report",), "stress": ("--json",), "claims": ("--json",)}
    ran = piefolio(follow, str(spec), "--offline", *args[follow], home=synthetic_home)
    record(f"accepted pie file ({follow})", ran.code)
    assert ran.code in EXIT_CODES, ran.output


OPTION_VALUES = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(["0", "-1", "1", "2", "20", "1e9", "nan", "inf", "3Y", "10D", "1200M",
                     "2016-01-04", "0001-01-01", "9999-12-31", "X=2018-01-02:2018-12-31",
                     "X=2018-12-31:2018-01-02", "bootstrap", "normal", "hrp", "week"]),
    st.text(max_size=8),
)  # fmt: skip
COMMANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # command -> (options that take the value, fixed options that keep it fast)
    "sweep": (("--horizon", "--starts", "--from"), ("--json",)),
    "simulate": (("--years", "--paths", "--goal", "--since", "--until", "--sampler",
                  "--seed"), ("--json", "--paths", "20", "--years", "2")),
    "stress": (("--window",), ("--json",)),
    "optimize": (("--method",), ()),
    "run": (("--risk-free", "--out"), ("--no-report",)),
    "claims": (("--out",), ()),
    "next": (("--amount", "--mode"), ()),
}  # fmt: skip


@FUZZ
@given(
    command=st.sampled_from(sorted(COMMANDS)),
    pick=st.integers(0, 10),
    value=OPTION_VALUES,
    new_name=st.sampled_from(HOSTILE_TEXT) | st.text(max_size=10),
)
def test_no_command_line_ends_in_a_traceback(
    piefolio: Invoke, synthetic_home: Path, write_pie: Callable[..., Path],
    command: str, pick: int, value: str, new_name: str,
) -> None:  # fmt: skip
    spec = write_pie()
    if "\x00" in value:  # the OS refuses it in argv before piefolio sees it
        value = value.replace("\x00", "")
    options, fixed = COMMANDS[command]
    option = options[pick % len(options)]
    # The drawn value comes last, so it wins over a fixed one of the same name.
    args = (command, str(spec), "--offline", *fixed, option, value)
    if command == "next":
        args = ("next", str(spec), "--offline", "--amount", "100", option, value)
    outcome = piefolio(*args, home=synthetic_home)
    record("command line", outcome.code)
    assert outcome.code in EXIT_CODES, outcome.output
    made = piefolio(
        "new", new_name.replace("\x00", ""), "--out", "new-pie.toml", "--force"
    )
    record("command line", made.code)
    assert made.code in {0, 2}, made.output
    if made.code == 0:  # what new writes, show reads
        again = piefolio("show", "new-pie.toml")
        assert again.code == 0, again.output
