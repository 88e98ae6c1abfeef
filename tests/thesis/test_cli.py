"""``piefolio thesis`` on a hand-made store: verdicts, --json, --fail-on, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from piefolio.cli import app

from .conftest import PRICED, WORLD, indicator, write_pie


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"piefolio {' '.join(args)} raised") from result.exception
    return result.exit_code, result.output


# COPPERX is 1.0 on its latest month (2021-12-01): `above 0.5` holds, `above 5.5`
# fails (it fell below 5.5 on 2021-08-01, when it printed 5).
HOLDS = indicator("copper-up", "copper-scarce", above=0.5)
FAILS = indicator("copper-up", "copper-scarce", above=5.5)


def test_json_holds_every_signal_with_its_latest_value_and_date(
    world: Path, tmp_path: Path
) -> None:
    pie = write_pie(tmp_path, PRICED + WORLD + HOLDS)
    code, out = run("thesis", str(pie), "--offline", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert [v["state"] for v in data["verdicts"]] == ["holding", "holding"]
    (copper,) = [s for s in data["signals"] if s["signal"] == "copper-up"]
    assert copper["date"] == "2021-12-01"
    assert copper["value"] == 1.0 and copper["level"] == 1.0
    assert copper["frequency"] == "monthly"
    # 3 months back is 2021-09-01's 4.0: 1 / 4 - 1; 12 months back 13.0.
    assert copper["trend_3M"] == pytest.approx(-0.75)
    assert copper["trend_12M"] == pytest.approx(1 / 13 - 1)
    assert copper["margin"] == pytest.approx(0.5)
    (price,) = [s for s in data["signals"] if s["signal"] == "price check"]
    assert price["status"] == "holds" and price["date"] == "2021-12-31"
    assert data["changes"] == []
    # The hand-made data end in 2021: today COPPERX is long stale.
    assert data["stale"][0].startswith("COPPERX last printed 2021-12-01")
    assert copper["stale"] == data["stale"][0]


def test_fail_on_broken_exits_4_only_when_broken(world: Path, tmp_path: Path) -> None:
    # holding: no alert
    holding = write_pie(tmp_path, PRICED + WORLD + HOLDS)
    assert (
        run("thesis", str(holding), "--offline", "--json", "--fail-on", "broken")[0]
        == 0
    )
    assert (
        run("thesis", str(holding), "--offline", "--json", "--fail-on", "weakening")[0]
        == 0
    )
    # weakening: the price check holds, the indicator fails, 1 of 2
    weak = write_pie(
        tmp_path,
        PRICED + indicator("copper-up", "energy-wins", above=5.5),
    )
    code, out = run("thesis", str(weak), "--offline", "--json", "--fail-on", "broken")
    assert code == 0, out
    assert json.loads(out)["verdicts"][0]["state"] == "weakening"
    assert (
        run("thesis", str(weak), "--offline", "--json", "--fail-on", "weakening")[0]
        == 4
    )
    # broken: the only signal fails
    broken = write_pie(tmp_path, PRICED + WORLD + FAILS)
    code, out = run("thesis", str(broken), "--offline", "--json", "--fail-on", "broken")
    assert code == 4, out
    data = json.loads(out)
    assert [v["state"] for v in data["verdicts"]] == ["holding", "broken"]
    # It printed 5 for 2021-08-01, so it held from the plan's start until that
    # value was out: two months later by default for a monthly series.
    assert data["changes"] == [
        {
            "claim": "copper-scarce",
            "date": "2021-10-01",
            "from": "holding",
            "to": "broken",
            "after_6M": None,  # the data end before 2022-04-01
            "after_12M": None,
        }
    ]


def test_bad_fail_on_is_exit_2(world: Path, tmp_path: Path) -> None:
    pie = write_pie(tmp_path, PRICED + WORLD + HOLDS)
    code, out = run("thesis", str(pie), "--offline", "--fail-on", "worse")
    assert code == 2
    assert "--fail-on 'worse'" in out and "weakening, broken" in out


def test_missing_series_is_exit_3_naming_it_and_the_command(
    world: Path, tmp_path: Path
) -> None:
    pie = write_pie(tmp_path, PRICED + WORLD + HOLDS.replace("COPPERX", "NOSUCH"))
    code, out = run("thesis", str(pie), "--offline", "--json")
    assert code == 3
    assert "NOSUCH" in out and "piefolio data import" in out
    assert "piefolio data fetch NOSUCH" in out
    assert "Traceback" not in out
    # The line names the pie file and the indicator reading the series.
    assert f"{pie}: indicators[0] ('copper-up') reads NOSUCH" in out


def test_a_missing_reference_stops_before_the_backtest(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import piefolio.backtest

    def no_backtest(*args: object, **kwargs: object) -> None:
        raise AssertionError("the backtest ran before the series were read")

    monkeypatch.setattr(piefolio.backtest, "backtest", no_backtest)
    pie = write_pie(
        tmp_path,
        PRICED + WORLD + HOLDS.replace('"level"', '"relative:NOREF"'),
    )
    code, out = run("thesis", str(pie), "--offline")
    assert code == 3, out
    assert "indicators[0] ('copper-up') reads NOREF: no stored values" in out


def test_page_and_terminal(world: Path, tmp_path: Path) -> None:
    pie = write_pie(tmp_path, PRICED + WORLD + FAILS)
    out_dir = tmp_path / "out"
    code, out = run("thesis", str(pie), "--offline", "--out", str(out_dir))
    assert code == 0, out
    assert "copper-scarce is broken: 1 of 1 signal(s) fail" in out
    assert "2021-10-01" in out  # the 2021-08-01 value, out two months later
    page = (out_dir / "thesis.html").read_text(encoding="utf-8")
    assert "copper-up" in page and "thesis health" in page
    assert "cdn.plot.ly" not in page  # plotly bundled, offline
    # The pie against its benchmark, the states, then one chart per indicator.
    assert page.count('class="plotly-graph-div"') == 3
    assert page.index("against S&amp;P 500") < page.index("copper-up: COPPERX level")
    rows = (out_dir / "thesis-changes.csv").read_text(encoding="utf-8").splitlines()
    assert rows == [
        "claim,date,from,to,after_6M,after_12M",
        "copper-scarce,2021-10-01,holding,broken,,",
    ]


def test_price_checks_only_and_no_claims(world: Path, tmp_path: Path) -> None:
    only_prices = write_pie(tmp_path, PRICED)
    code, out = run("thesis", str(only_prices), "--offline", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert [(v["claim"], v["state"]) for v in data["verdicts"]] == [
        ("energy-wins", "holding")
    ]
    assert data["stale"] == []
    none = write_pie(tmp_path, "")
    code, out = run("thesis", str(none), "--offline", "--json")
    assert code == 2
    assert "no [[claims]] to judge" in out


def test_since_runs_the_history_from_an_earlier_day(
    world: Path, tmp_path: Path
) -> None:
    # COPPERX prints 31 on 2019-06-01 and 30 on 2019-07-01: `above 30.5` fails
    # with July's value, out on 2019-09-01 (two months on). From the plan's
    # start (2020-01-02) the claim is broken all along, no change; from
    # 2019-01-02 it changes once, on 2019-09-01.
    pie = write_pie(tmp_path, WORLD + indicator("c", "copper-scarce", above=30.5))
    code, out = run("thesis", str(pie), "--offline", "--json")
    assert code == 0, out
    assert json.loads(out)["changes"] == []
    code, out = run("thesis", str(pie), "--offline", "--json", "--since", "2019-01-02")
    assert code == 0, out
    data = json.loads(out)
    assert data["start"] == "2019-01-02"
    assert [(c["date"], c["from"], c["to"]) for c in data["changes"]] == [
        ("2019-09-01", "holding", "broken")
    ]
    assert data["changes"][0]["after_6M"] is not None
    code, out = run("thesis", str(pie), "--offline", "--since", "1800-01-01")
    assert code == 2 and "--since" in out


def test_without_benchmark_the_history_still_starts_with_the_plan(
    world: Path, tmp_path: Path
) -> None:
    # As in test_since: `above 30.5` fails from July 2019, before the plan's
    # start; no benchmark, so no returns, and still no change since the start.
    text = WORLD + indicator("c", "copper-scarce", above=30.5)
    pie = write_pie(tmp_path, text)
    pie.write_text(pie.read_text().replace('[benchmarks]\n"S&P 500" = "SPY"\n', ""))
    code, out = run("thesis", str(pie), "--offline", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["benchmark"] is None
    assert data["changes"] == []
    assert data["verdicts"][0]["state"] == "broken"
