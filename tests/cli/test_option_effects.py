"""Options whose effect a user sees, each checked against an answer worked out
here from the stored closes (not from piefolio's own output).

The store is ``synthetic_home``: seeded random walks of SPY, CVX, XOM and IWM
(USD, every business day 2012-01-02 to 2026-06-30).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from piefolio.data.store import Store

from .conftest import Invoke

CLAIM = """
[[claims]]
id = "cvx-beats-xom"
text = "CVX beats XOM over 20 trading days."
long = ["CVX"]
short = ["XOM"]
horizon = "20D"
"""

PNG = b"\x89PNG\r\n\x1a\n"


def closes(home: Path, start: str = "2015-01-02") -> pd.DataFrame:
    rows = Store(home / "store.duckdb").read(["CVX", "XOM", "SPY"])
    wide = rows.pivot(index="date", columns="symbol", values="adj_close")
    return wide.loc[start:]


def test_run_json_is_the_buy_and_hold_value_and_no_report_writes_nothing(
    piefolio: Invoke, write_pie, synthetic_home: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    spec = write_pie()
    out = tmp_path / "out"
    ran = piefolio(
        "run", str(spec), "--offline", "--json", "--no-report", "--out", str(out),
        home=synthetic_home,
    )  # fmt: skip
    assert ran.code == 0, ran.output
    data = json.loads(ran.output)
    # Never rebalanced, no fees: 1000 split 0.25 CVX, 0.25 XOM, 0.5 SPY on
    # 2015-01-02 and held: the final value is 1000 * sum w_i P_i,T / P_i,0.
    c = closes(synthetic_home)
    growth = c.iloc[-1] / c.iloc[0]
    expected = 1000 * (
        0.25 * growth["CVX"] + 0.25 * growth["XOM"] + 0.5 * growth["SPY"]
    )
    pie = data["summary"]["T"]
    assert pie["final_value"] == pytest.approx(expected, rel=1e-9)
    assert pie["deposited"] == 1000.0 and pie["fees"] == 0.0
    assert (data["start"], data["end"]) == ("2015-01-02", "2026-06-30")
    # --no-report: no page, no folder.
    assert not out.exists()


def test_claims_json_is_the_share_of_windows_long_beat_short(
    piefolio: Invoke, write_pie, synthetic_home: Path
) -> None:  # type: ignore[no-untyped-def]
    spec = write_pie(("initial = 1000\n", "initial = 1000\n" + CLAIM))
    ran = piefolio("claims", str(spec), "--offline", "--json", home=synthetic_home)
    assert ran.code == 0, ran.output
    (claim,) = json.loads(ran.output)["claims"]
    # A 20D window is 20 rows: (CVX_t / CVX_t-20) / (XOM_t / XOM_t-20) - 1,
    # for every t from the plan's start on that has a row 20 days before.
    c = closes(synthetic_home)
    relative = (c["CVX"] / c["CVX"].shift(20)) / (c["XOM"] / c["XOM"].shift(20)) - 1
    relative = relative.dropna()
    assert claim["id"] == "cvx-beats-xom"
    assert claim["windows"] == len(relative)
    assert claim["share_held"] == pytest.approx((relative > 0).mean(), rel=1e-12)
    assert claim["latest"] == pytest.approx(relative.iloc[-1], rel=1e-9)
    assert claim["median"] == pytest.approx(relative.median(), rel=1e-9)


@pytest.mark.parametrize("every", ["week", "quarter"])
def test_sweep_starts_one_run_per_week_or_quarter(
    piefolio: Invoke, write_pie, synthetic_home: Path, tmp_path: Path, every: str
) -> None:  # type: ignore[no-untyped-def]
    spec = write_pie()
    ran = piefolio(
        "sweep", str(spec), "--offline", "--horizon", "1Y", "--starts", every,
        "--json", "--out", str(tmp_path / "out"), home=synthetic_home,
    )  # fmt: skip
    assert ran.code == 0, ran.output
    starts = json.loads(ran.output)["starts"]
    # A start on the first business day of each week (quarter) from the data's
    # first day, 2012-01-02, while a whole year of prices follows: up to
    # 2026-06-30 - 1Y = 2025-06-30. Every business day has a price here.
    days = pd.bdate_range("2012-01-02", "2025-06-30")
    firsts = days.to_series().groupby(days.to_period(every[0].upper())).first()
    assert starts["every"] == every and starts["count"] == len(firsts)
    assert starts["first"] == "2012-01-02"
    assert starts["last"] == firsts.iloc[-1].date().isoformat()
    assert (tmp_path / "out" / "sweep-starts.parquet").is_file()


def test_demo_png_writes_the_charts_as_png(piefolio: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    ran = piefolio("demo", "--png", "--out", str(out))
    assert ran.code == 0, ran.output
    pngs = sorted(out.glob("*.png"))
    assert pngs, sorted(p.name for p in out.iterdir())
    for png in pngs:
        assert png.read_bytes()[:8] == PNG, png.name
    bare = tmp_path / "bare"
    assert piefolio("demo", "--out", str(bare)).code == 0
    assert not list(bare.glob("*.png"))  # only with --png


def _prices_csv(path: Path, tickers: dict[str, list[float]]) -> Path:
    days = pd.bdate_range("2024-01-02", periods=len(next(iter(tickers.values()))))
    frame = pd.concat(
        pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "ticker": t, "close": v})
        for t, v in tickers.items()
    )
    frame.to_csv(path, index=False)
    return path


def test_import_only_keeps_the_named_series(piefolio: Invoke, tmp_path: Path) -> None:
    path = _prices_csv(
        tmp_path / "three.csv",
        {"ABC": [10.0] * 5, "DEF": [20.0] * 5, "GHI": [30.0] * 5},
    )
    ran = piefolio("data", "import", str(path), "--only", "DEF, GHI")
    assert ran.code == 0, ran.output
    assert "Imported 10 rows of 2 symbols" in ran.output
    stored = Store(tmp_path / "home" / "store.duckdb")
    assert [s.symbol for s in stored.symbols()] == ["DEF", "GHI"]
    assert stored.read(["DEF"])["close"].tolist() == [20.0] * 5


def test_verify_symbols_checks_only_those(piefolio: Invoke, tmp_path: Path) -> None:
    # Both series jump 10 -> 25 (+150 %) on the third day: a big move each.
    jump = [10.0, 10.0, 25.0, 25.0, 25.0]
    path = _prices_csv(tmp_path / "two.csv", {"ABC": jump, "DEF": jump})
    assert piefolio("data", "import", str(path)).code == 0
    both = piefolio("data", "verify")
    assert "ABC" in both.output and "DEF" in both.output
    one = piefolio("data", "verify", "def")
    assert one.code == 0, one.output
    assert "DEF" in one.output and "+150%" in one.output
    assert "ABC" not in one.output
    assert "1 big-move" in one.output


def test_simulate_since_until_and_goal(
    piefolio: Invoke, write_pie, synthetic_home: Path
) -> None:  # type: ignore[no-untyped-def]
    spec = write_pie()

    def simulate(goal: str) -> dict:  # type: ignore[type-arg]
        ran = piefolio(
            "simulate", str(spec), "--offline", "--paths", "20", "--years", "1",
            "--json", "--since", "2020-01-01", "--until", "2021-12-31",
            "--goal", goal, home=synthetic_home,
        )  # fmt: skip
        assert ran.code == 0, ran.output
        return json.loads(ran.output)  # type: ignore[no-any-return]

    low = simulate("1")
    sample = low["sample"]
    # The sample is the business days of 2020 and 2021 (262 + 261), and the
    # deepest fall in it is the worst drawdown of the closes there.
    assert (sample["start"], sample["end"]) == ("2020-01-01", "2021-12-31")
    assert sample["days"] == len(pd.bdate_range("2020-01-01", "2021-12-31")) == 523
    iwm = Store(synthetic_home / "store.duckdb").read(["IWM"]).set_index("date")
    window = iwm.loc["2020-01-01":"2021-12-31", "adj_close"]
    assert sample["deepest_fall"] == pytest.approx(
        (window / window.cummax() - 1).min(), rel=1e-9
    )
    assert "only 2.0 years" in sample["warning"]
    # --goal: every path ends above 1 USD, none above a trillion.
    assert low["goal"] == 1.0 and low["summary"]["T"]["p_goal"] == 1.0
    assert simulate("1e12")["summary"]["T"]["p_goal"] == 0.0
