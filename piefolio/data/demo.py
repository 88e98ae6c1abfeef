"""The offline demo: a pie built from the bundled sample, and its prices.

:func:`demo_spec` reads ``piefolio/data/sample/demo.toml`` (package data), so the
CLI's ``piefolio demo`` and any later backtest of it share one definition. The
demo's prices live in their own store (:func:`~piefolio.data.store.sample_store_path`),
never in the user's: sample CVX is not the user's CVX.
"""

from __future__ import annotations

from importlib.resources import files

from piefolio.data.frame import PriceFrame
from piefolio.data.store import Store, sample_store_path
from piefolio.spec import PieSpec, parse_pie

__all__ = ["demo_prices", "demo_spec", "load_sample"]

DEMO_RESOURCE = "sample/demo.toml"


def demo_spec() -> PieSpec:
    """Return the demo pie: energy (CVX, XOM, RRC) and staples (KO, PEP, PG, WMT).

    Its benchmark is the S&P 500 price index ``^GSPC`` of the sample; its plan
    runs 2005-01-03 to 2022-12-28 with 1,000 USD and 100 USD a month.
    """
    text = files("piefolio.data").joinpath(DEMO_RESOURCE).read_text("utf-8")
    return parse_pie(text, source="piefolio/data/sample/demo.toml")


def load_sample(store: Store, symbols: list[str] | None = None) -> int:
    """Write the offline sample (or some of its symbols) to ``store``; return rows.

    Sample symbols already stored with the sample as their source are skipped.
    """
    import datetime as dt

    from piefolio.data.providers.sample import SampleProvider, sample_symbols

    wanted = symbols or sample_symbols()
    stored = {i.symbol for i in store.symbols() if i.source == "sample"}
    todo = [s for s in wanted if s not in stored]
    if not todo:
        return 0
    series = SampleProvider().fetch(todo, dt.date(1990, 1, 1), dt.date(2022, 12, 31))
    return store.write(series)


def demo_prices(store: Store | None = None) -> PriceFrame:
    """Prices of the demo pie from the sample, with no network.

    The sample is written to the demo's own store first (once; default
    :func:`~piefolio.data.store.sample_store_path`, apart from the user's
    prices), then the frame is built offline, exactly as for any other pie.
    """
    from piefolio.data.prices import get_prices, spec_symbols

    store = store or Store(sample_store_path())
    spec = demo_spec()
    load_sample(store, spec_symbols(spec)[1])
    return get_prices(spec, store=store, offline=True)
