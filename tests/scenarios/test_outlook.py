"""The sample behind simulate: longest history through proxies, said when thin."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from piefolio.data.frame import PriceFrame
from piefolio.errors import DataUnavailable, PlanError, SpecError
from piefolio.scenarios.outlook import (
    SimulateSettings,
    monte_carlo,
    sample_history,
    suggest_proxy,
)
from piefolio.spec import parse_pie

DAYS = pd.bdate_range("2000-01-03", "2026-07-31")


def pie(young: str = 'ticker = "Y"\nproxy = "P"') -> object:
    return parse_pie(
        '[pie]\nname = "p"\ncurrency = "USD"\n'
        '[[pie.slices]]\nticker = "A"\nweight = 0.5\n'
        f"[[pie.slices]]\n{young}\nweight = 0.5\n"
        '[benchmarks]\n"Market" = "M"\n'
        "[plan]\nstart = 2020-01-01\ninitial = 1000\n"
        'deposits = { amount = 100, every = "month", day = 1 }\n'
    )


def market(crash: float = -0.5, seed: int = 1) -> pd.DataFrame:
    """A, M from 2000; P (the proxy) from 2003-06-02; Y from 2018-03-01. M falls by
    ``crash`` over 2008 and recovers; everything else is noise around a drift."""
    rng = np.random.default_rng(seed)
    r = rng.normal(3e-4, 0.004, (len(DAYS), 4))
    in_2008 = np.asarray(DAYS.year == 2008)
    r[in_2008, 1] = (1 + crash) ** (1 / in_2008.sum()) - 1
    prices = pd.DataFrame(
        100 * np.cumprod(1 + r, axis=0), index=DAYS, columns=["A", "M", "P", "Y"]
    )
    prices.loc[:"2003-05-30", "P"] = np.nan
    prices.loc[:"2018-02-28", "Y"] = np.nan
    return prices


def test_a_young_slice_with_a_proxy_samples_from_the_proxys_first_day() -> None:
    returns, sample = sample_history(pie(), market())
    # The first return is the proxy's second day: its first day has a price, no return.
    assert (
        sample.start == pd.Timestamp("2003-06-03") and returns.index[0] == sample.start
    )
    assert sample.end == pd.Timestamp("2026-07-31") and sample.days == len(returns)
    assert sample.proxied == ("Y before 2018-03-01: P's returns",)
    assert not returns.isna().any().any()
    # 23 years holding a 50 % fall of the benchmark: nothing to warn about.
    assert sample.deepest < -0.45 and sample.warning is None


def test_a_young_slice_without_a_proxy_is_an_error_naming_it_with_a_suggestion() -> (
    None
):
    prices = market()
    # C follows Y closely and is listed since 2000: the store's best stand-in.
    prices["C"] = prices["A"]
    prices.loc["2018-03-01":, "C"] = prices.loc["2018-03-01":, "Y"]
    with pytest.raises(SpecError) as info:
        sample_history(pie('ticker = "Y"'), prices, candidates=lambda: prices)
    message = str(info.value)
    assert (
        "Y has prices only since 2018-03-01, after 15 years before the data end (2011-07-31), and no proxy"
        in message
    )
    assert 'proxy = "C"' in message and "--since 2018-03-01" in message
    assert info.value.exit_code == 2


def test_since_is_honoured_or_refused() -> None:
    _, sample = sample_history(pie(), market(), since=dt.date(2010, 1, 4))
    assert sample.start == pd.Timestamp("2010-01-04")
    # Asked to reach 2001, the proxy (from 2003) cannot: the sample starts at the
    # proxy, later than asked, and the CLI echoes what was asked next to it.
    _, early = sample_history(pie(), market(), since=dt.date(2001, 1, 2))
    assert early.start == pd.Timestamp("2003-06-03")
    with pytest.raises(
        SpecError, match=r"Y has prices only since 2018-03-01, after --since 2010-01-04"
    ):
        sample_history(pie('ticker = "Y"'), market(), since=dt.date(2010, 1, 4))
    _, until = sample_history(pie(), market(), until=dt.date(2020, 12, 31))
    assert until.end == pd.Timestamp("2020-12-31")


def test_a_short_sample_without_a_crash_says_so_in_one_sentence() -> None:
    _, sample = sample_history(pie(), market(crash=-0.1), since=dt.date(2019, 1, 2))
    assert sample.years < 15 and sample.deepest > -0.30
    assert sample.warning is not None and sample.warning.count(". ") == 0
    assert sample.warning.startswith(
        "The sample is only 7.6 years (2019-01-02 to 2026-07-31) and holds no fall of Market worse than -30%"
    )
    _, kind = sample_history(pie(), market(crash=-0.1, seed=4))
    assert (
        kind.years > 15
        and kind.warning is not None
        and "holds no fall of Market worse than -30%" in kind.warning
    )


def test_monte_carlo_names_its_horizon_from_the_day_after_the_data() -> None:
    settings = SimulateSettings(years=2, paths=20, seed=3, goal=5000)
    out = monte_carlo(pie(), PriceFrame.from_prices(market(), "USD"), settings=settings)
    # The data end on Friday 2026-07-31: the horizon is 2026-08-03 .. 2028-08-02.
    assert out.horizon_start == pd.Timestamp(
        "2026-08-03"
    ) and out.horizon_end == pd.Timestamp("2028-08-02")
    assert out.result.invested.iloc[-1] == 1000 + 24 * 100
    assert "p_goal" in out.result.summary().columns
    assert out.basis.startswith("bootstrap of ")


def test_suggest_proxy_prefers_the_closest_listed_in_time() -> None:
    prices = market()
    late_twin = prices["Y"] * 1.0
    late_twin.loc[:"2012-01-02"] = np.nan  # follows Y perfectly but listed too late
    candidates = pd.DataFrame({"A": prices["A"], "TWIN": late_twin})
    found = suggest_proxy(
        prices["Y"].rename("Y"), candidates, pd.Timestamp("2011-07-31")
    )
    assert found is not None and found[0] == "A"


def test_suggest_proxy_skips_what_cannot_stand_in_and_keeps_the_first_best() -> None:
    # Y: 300 days of seeded returns from 2020-01-01; the proxy must be listed by
    # day 10 (Wed 15 Jan 2020) and share at least 250 daily returns with Y.
    days = pd.bdate_range("2020-01-01", periods=300)
    rng = np.random.default_rng(5)
    y = pd.Series(100 * np.cumprod(1 + rng.normal(0, 0.01, 300)), index=days, name="Y")
    before = days[10]
    noisy = y * np.cumprod(1 + rng.normal(0, 0.01, 300))  # correlation < 1 with Y
    late = y.copy()
    late.iloc[:11] = np.nan  # follows Y exactly but lists on day 11
    short = y.copy()
    short.iloc[250:] = np.nan  # 250 prices: 249 returns shared, too few
    exact = y.copy()
    exact.iloc[251:] = np.nan  # 251 prices: exactly 250 returns, enough
    flat = pd.Series(50.0, index=days)  # never moves: no correlation at all
    candidates = pd.DataFrame(
        {"Y": y, "LATE": late, "FLAT": flat, "SHORT": short, "EXACT": exact,
         "NOISY": noisy}
    )  # fmt: skip
    # Y itself, the late, the flat and the short one are passed over, not the end
    # of the search; EXACT follows Y's returns exactly (correlation 1).
    assert suggest_proxy(y, candidates, before) == ("EXACT", pytest.approx(1.0))
    # Listed on the day itself is listed by it.
    on_day = y.copy()
    on_day.iloc[:10] = np.nan
    both = pd.DataFrame({"ON_DAY": on_day, "NOISY": noisy})
    assert suggest_proxy(y, both, before)[0] == "ON_DAY"  # type: ignore[index]
    # Two equally good candidates: the first in the store's order is kept.
    twins = pd.DataFrame({"NOISY": noisy, "TWIN": noisy.copy()})
    assert suggest_proxy(y, twins, before)[0] == "NOISY"  # type: ignore[index]


def test_a_young_slice_error_starts_with_the_pie_file() -> None:
    text = (
        '[pie]\nname = "p"\ncurrency = "USD"\n'
        '[[pie.slices]]\nticker = "A"\nweight = 0.5\n'
        '[[pie.slices]]\nticker = "Y"\nweight = 0.5\n'
        '[benchmarks]\n"Market" = "M"\n'
        "[plan]\nstart = 2020-01-01\ninitial = 1000\n"
    )
    spec = parse_pie(text, source="pies/p.toml")
    with pytest.raises(SpecError, match=r"^pies/p\.toml: Y has prices only since "):
        sample_history(spec, market())


def test_frame_for_and_proxy_candidates_ask_the_data_layer_for_all_history(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    import piefolio.data
    from piefolio.scenarios.outlook import frame_for, proxy_candidates

    asked: list[dict[str, object]] = []
    closes = market()

    def fake_get_prices(spec: object, **kwargs: object) -> SimpleNamespace:
        asked.append({"late_listing": spec.plan.late_listing, **kwargs})  # type: ignore[attr-defined]
        return SimpleNamespace(prices=closes)

    monkeypatch.setattr(piefolio.data, "get_prices", fake_get_prices)
    store = SimpleNamespace(
        symbols=lambda: [
            SimpleNamespace(symbol=s) for s in ("A", "EURUSD=X", "^GSPC", "XLU")
        ]
    )
    spec = pie('ticker = "Y"')  # young, no proxy: loading must not refuse it
    assert frame_for(spec).prices is closes
    frame_for(spec, offline=True, store=store)  # type: ignore[arg-type]
    assert proxy_candidates(spec, store=store) is closes  # type: ignore[arg-type]
    start = dt.date(2000, 1, 1)
    base = {"late_listing": "redistribute", "start": start}
    assert asked == [
        {**base, "offline": False, "store": None},
        {**base, "offline": True, "store": store},
        # Currency pairs and indices are no proxy for a fund: left out.
        {**base, "offline": True, "extra": ["A", "XLU"], "store": store},
    ]


def test_the_young_slice_error_in_full() -> None:
    # Without the store's candidates: no suggestion, the two ways out.
    with pytest.raises(SpecError) as info:
        sample_history(pie('ticker = "Y"'), market())
    assert str(info.value) == (
        "Y has prices only since 2018-03-01, after 15 years before the data end "
        "(2011-07-31), and no proxy: declare a proxy on its slice, a longer-listed "
        "ticker whose returns stand in for its missing past; or sample --since "
        "2018-03-01"
    )
    # A slice with no price at all: no --since to offer.
    prices = market()
    prices["Y"] = np.nan
    with pytest.raises(SpecError) as info:
        sample_history(pie('ticker = "Y"'), prices)
    assert str(info.value) == (
        "Y has no prices, after 15 years before the data end (2011-07-31), and no "
        "proxy: declare a proxy on its slice, a longer-listed ticker whose returns "
        "stand in for its missing past"
    )


def test_a_slice_with_no_price_of_its_own_samples_its_proxy_whole() -> None:
    # As in a stress window the slice never traded in: the declared proxy stands
    # in for the whole history, so the sample starts on the proxy's second day
    # (its first return) and Y's returns are P's, day for day.
    prices = market()
    prices["Y"] = np.nan
    returns, sample = sample_history(pie(), prices)
    assert sample.start == pd.Timestamp("2003-06-03")
    assert sample.proxied == ("Y throughout: P's returns (no price of its own)",)
    expected = prices["P"].pct_change(fill_method=None).loc[returns.index]
    np.testing.assert_array_equal(returns["Y"].to_numpy(), expected.to_numpy())
    # Neither the slice nor its proxy has a price: say so, and how to get them,
    # instead of asking for a proxy it already declares.
    prices["P"] = np.nan
    with pytest.raises(DataUnavailable) as info:
        sample_history(pie(), prices)
    assert str(info.value) == (
        "Y has no prices, nor has its proxy P: fetch them (`piefolio data fetch "
        "Y P`) or import a file (`piefolio data import FILE`)"
    )
    assert info.value.exit_code == 3  # missing data, not a bad pie


def test_a_suggested_proxy_is_listed_by_the_pies_own_dates() -> None:
    # C follows Y from 2018 and has one more price, on Saturday 1 Jan 2005, a day
    # the pie's prices do not have: on the pie's dates C lists in 2018, too late
    # to stand in for 2011 on, so nothing is suggested.
    prices = market()
    c = prices["Y"].copy()
    c.loc[pd.Timestamp("2005-01-01")] = 100.0
    candidates = pd.DataFrame({"C": c.sort_index()})
    with pytest.raises(SpecError) as info:
        sample_history(pie('ticker = "Y"'), prices, candidates=lambda: candidates)
    assert "e.g. proxy" not in str(info.value)


def test_monte_carlo_without_a_frame_loads_the_stored_history_offline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import piefolio.data

    asked: list[dict[str, object]] = []
    frame = PriceFrame.from_prices(market(), "USD")

    def fake_get_prices(spec: object, **kwargs: object) -> PriceFrame:
        asked.append(kwargs)
        return frame

    monkeypatch.setattr(piefolio.data, "get_prices", fake_get_prices)
    settings = SimulateSettings(years=1 / 12, paths=2, seed=3)
    out = monte_carlo(pie(), settings=settings)
    assert [(a["start"], a["offline"]) for a in asked] == [(dt.date(2000, 1, 1), True)]
    given = monte_carlo(pie(), frame, settings=settings)
    np.testing.assert_array_equal(out.result.nav, given.result.nav)


def test_each_warning_in_full() -> None:
    # 2006-01-02 to 2019-12-31 is 5,111 days, 14.0 years of 365.25 days, with
    # the benchmark's 2008 fall of 50 % in it: short only.
    returns, short = sample_history(
        pie(), market(), since=dt.date(2006, 1, 2), until=dt.date(2019, 12, 31)
    )
    assert short.warning == (
        "The sample is only 14.0 years (2006-01-02 to 2019-12-31), under 15: these "
        "odds rest on few market cycles."
    )
    assert short.days == len(returns) == 3652
    # Short and no crash (the benchmark fell 10 % in 2008, 12.8 % at worst).
    _, both = sample_history(pie(), market(crash=-0.1), since=dt.date(2019, 1, 2))
    assert both.warning == (
        "The sample is only 7.6 years (2019-01-02 to 2026-07-31) and holds no fall "
        "of Market worse than -30% (its deepest is -12.8%): the paths never meet a "
        "crash like 2008's, so these odds are kinder than history has been."
    )
    # Long enough, but no crash.
    _, kind = sample_history(pie(), market(crash=-0.1, seed=4))
    assert kind.warning == (
        "The sample (2003-06-03 to 2026-07-31) holds no fall of Market worse than "
        "-30% (its deepest is -17.3%): these odds are kinder than history has been."
    )


def test_monte_carlo_passes_on_its_settings_and_helpers() -> None:
    from piefolio.engine import frame_of

    prices = market()
    frame = PriceFrame.from_prices(prices, "USD")
    settings = SimulateSettings(
        years=1 / 12, paths=3, seed=3, since=dt.date(2006, 1, 2),
        until=dt.date(2019, 12, 31),
    )  # fmt: skip
    calls: list[tuple[int, int]] = []
    out = monte_carlo(
        pie(), frame, settings=settings, progress=lambda *a: calls.append(a)
    )
    assert (out.sample.start, out.sample.end) == (
        pd.Timestamp("2006-01-02"),
        pd.Timestamp("2019-12-31"),
    )
    assert calls[-1] == (3, 3)
    # The seed fixes the paths.
    again = monte_carlo(pie(), frame, settings=settings)
    np.testing.assert_array_equal(out.result.nav, again.result.nav)
    # The frame's FX mask reaches the plan's fees: A pays 1 % on every buy.
    fx = parse_pie(
        '[pie]\nname = "p"\ncurrency = "USD"\n'
        '[[pie.slices]]\nticker = "A"\nweight = 1.0\n'
        "[plan]\nstart = 2020-01-01\ninitial = 1000\nfees = { fx_pct = 1.0 }\n"
    )
    one = SimulateSettings(years=1 / 12, paths=1, seed=3)
    free = monte_carlo(fx, frame, settings=one).result.final[0, 0]
    masked = frame_of(prices[["A"]], fx_mask={"A": True})
    paid = monte_carlo(fx, masked, settings=one).result.final[0, 0]  # type: ignore[arg-type]
    # One buy of 1,000 at 1 % FX: 1000 / 1.01 invested instead of 1000.
    assert paid == pytest.approx(free / 1.01, rel=1e-9)
    # A young slice's error carries the store's suggestion.
    prices["C"] = prices["A"]
    prices.loc["2018-03-01":, "C"] = prices.loc["2018-03-01":, "Y"]
    with pytest.raises(SpecError, match='proxy = "C"'):
        monte_carlo(
            pie('ticker = "Y"'), PriceFrame.from_prices(prices, "USD"),
            settings=one, candidates=lambda: prices,
        )  # fmt: skip


def test_sample_history_edges() -> None:
    prices = market()
    # No price up to --until.
    with pytest.raises(
        PlanError, match=r"^no prices up to 1999-01-01; pick a later --until$"
    ):
        sample_history(pie(), prices, until=dt.date(1999, 1, 1))
    # Y (no proxy) lists on Thu 2018-03-01: a --since a week before is met (a
    # week of slack), eight days before is not.
    young = pie('ticker = "Y"')
    _, met = sample_history(young, prices, since=dt.date(2018, 2, 22))
    assert met.start == pd.Timestamp("2018-03-02")  # Y's first return
    with pytest.raises(SpecError, match=r"after --since 2018-02-21, and no proxy"):
        sample_history(young, prices, since=dt.date(2018, 2, 21))
    # A --since after Y lists replaces the 15-year default: no error.
    _, later = sample_history(young, prices, since=dt.date(2018, 3, 5))
    assert later.start == pd.Timestamp("2018-03-05")
    # A declared proxy missing from the prices: Y's own history, no note.
    _, own = sample_history(pie('ticker = "Y"\nproxy = "Q"'), prices)
    assert own.start == pd.Timestamp("2018-03-02") and own.proxied == ()
    # 250 returns are enough; 249 are not.
    _, year = sample_history(pie(), prices, since=DAYS[-250].date())
    assert year.days == 250
    with pytest.raises(
        PlanError,
        match=r"^only 249 days where every slice has a price; the samplers need a "
        r"year or more: declare proxies for young tickers or move --since$",
    ):
        sample_history(pie(), prices, since=DAYS[-249].date())


def test_a_young_benchmark_borrows_no_history() -> None:
    prices = market()
    prices.loc[:"2018-02-28", "M"] = np.nan  # the benchmark M lists in 2018
    with pytest.raises(SpecError) as info:
        sample_history(pie(), prices)
    assert str(info.value) == (
        "M has prices only since 2018-03-01, after 15 years before the data end "
        "(2011-07-31), and no proxy: a benchmark borrows no history; pick an older "
        "one; or sample --since 2018-03-01"
    )


def test_without_a_benchmark_the_pie_is_the_crash_reference() -> None:
    spec = parse_pie(
        '[pie]\nname = "p"\ncurrency = "USD"\n'
        '[[pie.slices]]\nticker = "M"\nweight = 1.0\n'
        "[plan]\nstart = 2020-01-01\ninitial = 1000\n"
    )
    returns, sample = sample_history(spec, market())
    growth = (1 + returns["M"]).cumprod()
    assert sample.reference == "p"
    assert sample.deepest == pytest.approx(float((growth / growth.cummax() - 1).min()))
    assert sample.deepest < -0.45  # M's 2008 fall of 50 %
