"""``run``, ``demo``, ``compare``, ``stress``, ``simulate`` and ``claims`` end to end.

Real prices: the shared store (``shared_home``); offline demo: the bundled sample.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from piefolio.cli import app

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO / "examples" / "ai-energy-2026.toml")
runner = CliRunner()


def invoke(*args: str, home: Path) -> tuple[int, str]:
    result = runner.invoke(
        app, list(args), env={"COLUMNS": "200", "PIEFOLIO_HOME": str(home)}
    )
    return result.exit_code, result.output


def test_demo_runs_offline_and_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    code, text = invoke("demo", "--out", str(out), home=tmp_path / "home")
    assert code == 0, text
    assert "Energy & staples (offline demo)" in text
    assert "S&P 500 (price index)" in text
    assert "price index" in text and "dividends are not in it" in text
    page = out / "index.html"
    assert page.is_file() and page.stat().st_size > 100_000
    html = page.read_text(encoding="utf-8")
    assert "Energy &amp; staples (offline demo)" in html or "Energy & staples" in html
    assert "examples only" in text  # the sample's terms
    # The second run reuses the sample already in the store.
    again, _ = invoke("demo", "--no-report", home=tmp_path / "home")
    assert again == 0


def test_demo_json_is_valid_and_matches(tmp_path: Path) -> None:
    code, text = invoke(
        "demo", "--json", "--no-report", "--out", str(tmp_path), home=tmp_path
    )
    assert code == 0, text
    data = json.loads(text)
    assert data["files"] == []
    assert "summary" in data


def test_run_real_example_offline(shared_home: Path, tmp_path: Path) -> None:
    code, text = invoke(
        "run", EXAMPLE, "--offline", "--out", str(tmp_path), "--png", home=shared_home
    )
    assert code == 0, text
    for name in ("AI energy 2026", "S&P 500", "Russell 2000", "Semiconductors"):
        assert name in text
    assert "with the same deposits" in text
    assert (tmp_path / "index.html").is_file()
    assert list(tmp_path.glob("*.png"))
    # No euro-area HICP in this store: one line says how to import it.
    words = " ".join(text.split())
    assert "No real (inflation-adjusted) figures: no CP0000EZ19M086NEST" in words
    assert "import it with `piefolio data import FILE`" in words
    assert "`piefolio data fetch CP0000EZ19M086NEST --provider fred`" in words


@pytest.fixture(scope="module")
def hicp_home(
    shared_home: Path, shared_macro_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The shared store plus the euro-area HICP, in a home of its own."""
    import shutil

    from piefolio.data import read_prices_file
    from piefolio.data.store import Store

    home = tmp_path_factory.mktemp("hicp-home")
    shutil.copy(shared_home / "store.duckdb", home / "store.duckdb")
    Store(home / "store.duckdb").write(
        read_prices_file(
            shared_macro_dir / "fred_macro_monthly.csv", only=["CP0000EZ19M086NEST"]
        )
    )
    return home


def test_run_json_gives_real_figures_beside_the_nominal_ones(
    hicp_home: Path, shared_macro_dir: Path
) -> None:
    import math

    import pandas as pd

    code, text = invoke("run", EXAMPLE, "--offline", "--json", "--no-report",
                        home=hicp_home)  # fmt: skip
    assert code == 0, text
    payload = json.loads(text)
    real = payload["real"]
    assert real["index"] == "CP0000EZ19M086NEST"
    # The HICP's last print is July 2026 (dated 2026-07-01); prices run to
    # 2026-08-03, 33 days after it, held at the July level and said.
    assert real["last_print"] == "2026-07-01" and real["held_days"] == 33
    assert real["money_of"] == payload["start"] == "2021-01-04"
    assert any("33 days come after it" in n for n in payload["notes"])
    # Independently from the CSV: 2021-01-04 lies 3 of the 31 days from the
    # January to the February print, log-linearly; the end is July's level.
    csv = pd.read_csv(shared_macro_dir / "fred_macro_monthly.csv")
    hicp = csv[csv["series"] == "CP0000EZ19M086NEST"].set_index("date")["value"]
    jan, feb, jul = hicp["2021-01-01"], hicp["2021-02-01"], hicp["2026-07-01"]
    start = math.exp(math.log(jan) + 3 / 31 * (math.log(feb) - math.log(jan)))
    assert real["inflation"] == pytest.approx(jul / start - 1, rel=1e-12)
    for name, nominal in payload["summary"].items():
        row = real["summary"][name]
        assert row["final_value"] == pytest.approx(
            nominal["final_value"] * start / jul, rel=1e-12
        )
        assert row["twr"] == pytest.approx(
            (1 + nominal["twr"]) * start / jul - 1, rel=1e-9
        )
        assert row["xirr"] < nominal["xirr"]
        assert row["deposited"] < nominal["deposited"]


def test_run_without_data_exits_3(tmp_path: Path) -> None:
    code, text = invoke("run", EXAMPLE, "--offline", home=tmp_path / "empty")
    assert code == 3, text
    assert "piefolio data import" in text or "piefolio data fetch" in text


def test_compare_two_pies(shared_home: Path, tmp_path: Path) -> None:
    chips = tmp_path / "chips.toml"
    chips.write_text(
        '[pie]\nname = "Chips"\ncurrency = "EUR"\n'
        '[[pie.slices]]\nticker = "SMH"\nweight = 0.5\n'
        '[[pie.slices]]\nticker = "NVDA"\nweight = 0.5\n'
        "[plan]\nstart = 2021-01-04\ninitial = 1000\n"
        'deposits = { amount = 100, every = "month", day = 1 }\n'
    )
    # The report gets its own folder: tmp_path holds chips.toml, the user's.
    code, text = invoke(
        "compare", EXAMPLE, str(chips), "--offline", "--out", str(tmp_path / "cmp"),
        "--png", home=shared_home,
    )  # fmt: skip
    assert code == 0, text
    assert (tmp_path / "cmp" / "index.html").is_file()
    for name in ("compare-value.png", "compare-growth.png"):
        assert (tmp_path / "cmp" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The value chart's axis names the currency.
    html = (tmp_path / "cmp" / "index.html").read_text("utf-8")
    assert "value, EUR" in html
    # The real period, not "until the latest data" (the shared prices end then).
    assert "until 2026-08-03" in html and "until the latest data" not in html
    assert "AI energy 2026" in text and "Chips" in text and "S&P 500" in text
    assert (
        "risk-free rate of 2.00% a year for every row (the cash_interest of"
        in text.replace("\n", " ")
    )
    code, text = invoke(
        "compare", EXAMPLE, str(chips), "--offline", "--json", home=shared_home
    )
    data = json.loads(text)
    rows = data["summary"]
    assert list(rows) == ["AI energy 2026", "Chips", "S&P 500", "Russell 2000",
                          "Semiconductors", "Data centers & chips"]  # fmt: skip
    assert rows["Chips"]["deposited"] == rows["AI energy 2026"]["deposited"]
    # One risk-free rate for the table: the first pie's cash_interest (2 %), also
    # for Chips, whose own plan has none.
    assert data["risk_free"] == 0.02
    code, text = invoke(
        "compare", EXAMPLE, str(chips), "--offline", "--json", "--risk-free", "0",
        home=shared_home,
    )  # fmt: skip
    zero = json.loads(text)["summary"]
    daily = 1.02 ** (1 / 252) - 1
    for name, row in rows.items():
        # Sharpe = mean(r - rf_d) / sd * sqrt(252), so the rate moves it by
        # rf_d sqrt(252) / sd = rf_d * 252 / volatility, the same way in every row.
        gap = zero[name]["sharpe"] - row["sharpe"]
        assert gap == pytest.approx(daily * 252 / row["volatility"], rel=1e-6), name


def test_compare_needs_two(shared_home: Path) -> None:
    code, text = invoke("compare", EXAMPLE, home=shared_home)
    assert code == 2 and "two or more" in text


def test_stress_default_windows_and_a_scenario(
    shared_home: Path, tmp_path: Path
) -> None:
    scenario = REPO / "examples" / "scenarios" / "datacenter-slowdown.toml"
    code, text = invoke(
        "stress", EXAMPLE, "--offline", "--scenario", str(scenario), "--out",
        str(tmp_path), home=shared_home,
    )  # fmt: skip
    assert code == 0, text
    page = (tmp_path / "stress.html").read_text(encoding="utf-8")
    assert "Max drawdown" in page and "datacenter-slowdown" in page
    for window in ("dot-com bust", "2008 crisis", "2020 crash", "2022 rate shock"):
        assert window in text
    assert "XLU's returns stand in" in text
    flat = " ".join(text.split())
    # Titled by its [scenario] name, the file beside it; returns in the currency.
    assert "Data-center slowdown (datacenter-slowdown.toml): AI energy 2026" in flat
    assert "return (EUR)" in flat and "days back to peak" in flat
    assert "recovery is counted from the trough back to the prior peak" in page
    # The page says each window's dates and the replays' notes, as the terminal.
    assert "2020 crash 2020-" in page
    assert "XLU&#39;s returns stand in" in page or "XLU's returns stand in" in page


def test_stress_json_user_window(shared_home: Path) -> None:
    code, text = invoke(
        "stress", EXAMPLE, "--offline", "--json", "--window",
        "covid=2020-02-19:2020-03-23", home=shared_home,
    )  # fmt: skip
    assert code == 0, text
    data = json.loads(text)
    (window,) = data["windows"]
    spy = next(r for r in window["rows"] if r["name"] == "S&P 500")
    # SPY in EUR fell a little less than in USD in March 2020 (the dollar rose).
    assert -0.36 < spy["max_drawdown"] < -0.28


def test_stress_bad_window_exits_2(shared_home: Path) -> None:
    code, text = invoke(
        "stress", EXAMPLE, "--offline", "--window", "x=2020-13-01:2020-02-01",
        home=shared_home,
    )  # fmt: skip
    assert code == 2 and "YYYY-MM-DD" in text


def test_simulate_small_run(shared_home: Path, tmp_path: Path) -> None:
    code, text = invoke(
        "simulate", EXAMPLE, "--offline", "--paths", "200", "--years", "2",
        "--goal", "5000", "--out", str(tmp_path), home=shared_home,
    )  # fmt: skip
    assert code == 0, text
    assert "P(goal)" in text and "S&P 500" in text
    page = (tmp_path / "simulate.html").read_text(encoding="utf-8")
    assert "Final value after 2 years" in page and "percentiles 5-95" in page
    # One chart with every series on one scale, axes in the currency.
    assert "Medians and middle halves, side by side" in page
    assert "value, EUR" in page


def test_simulate_json_is_reproducible(shared_home: Path) -> None:
    args = ("simulate", EXAMPLE, "--offline", "--paths", "50", "--years", "1")
    one = json.loads(invoke(*args, "--json", home=shared_home)[1])
    two = json.loads(invoke(*args, "--json", home=shared_home)[1])
    assert one == two
    assert one["summary"]["AI energy 2026"]["final_p50"] > 0
    # Every young slice has a proxy: the sample reaches back before 2008 (DLR, in
    # a benchmark, lists on 2004-10-29), and the horizon is one calendar year
    # from the day after the data end (2026-08-03).
    sample = one["sample"]
    assert sample["start"] <= "2008-12-31" and sample["end"] == "2026-08-03"
    assert sample["days"] > 15 * 250 and sample["warning"] is None
    assert (one["horizon_start"], one["horizon_end"]) == ("2026-08-04", "2027-08-03")
    assert one["invested"] == 1000 + 12 * 100


def test_simulate_since_is_echoed_and_a_young_slice_needs_a_proxy(
    shared_home: Path, tmp_path: Path
) -> None:
    args = ("simulate", EXAMPLE, "--offline", "--paths", "20", "--years", "1")
    code, text = invoke(
        *args, "--since", "2012-01-03", "--out", str(tmp_path), home=shared_home
    )
    assert code == 0, text
    flat = " ".join(text.split())
    assert (
        "Sample as asked: --since 2012-01-03" in flat
        and "2012-01-03 to 2026-08-03" in flat
    )
    assert "The sample is only 14.6 years" in flat
    young = tmp_path / "young.toml"
    young.write_text(
        '[pie]\nname = "Young"\ncurrency = "EUR"\n'
        '[[pie.slices]]\nticker = "SPY"\nweight = 0.5\n'
        '[[pie.slices]]\nticker = "TLN"\nweight = 0.5\n'
        "[plan]\nstart = 2024-01-02\ninitial = 1000\n"
    )
    code, text = invoke(
        "simulate", str(young), "--offline", "--paths", "20", home=shared_home
    )
    flat = " ".join(text.split())
    assert code == 2, text
    assert (
        "TLN has prices only since 2023-06-02, after 15 years before the data end"
        in flat
    )
    assert 'declare a proxy on its slice (e.g. proxy = "' in flat


def test_simulate_sampler_and_seed_change_the_paths(shared_home: Path) -> None:
    def summary(*extra: str) -> tuple[str, dict[str, float]]:
        code, text = invoke(
            "simulate", EXAMPLE, "--offline", "--paths", "20", "--years", "1",
            "--json", *extra, home=shared_home,
        )  # fmt: skip
        assert code == 0, text
        data = json.loads(text)
        return data["basis"], data["summary"]["AI energy 2026"]

    boot = summary("--seed", "5")
    normal = summary("--seed", "5", "--sampler", "normal")
    student = summary("--seed", "5", "--sampler", "student-t")
    # The sampler named is the one used: it is the basis, and with one seed
    # each draws other paths (a bootstrap of days, a normal and a t fit).
    assert boot[0].startswith("bootstrap of ")
    assert normal[0].startswith("normal of ")
    assert student[0].startswith("student-t of ")
    medians = {boot[1]["final_p50"], normal[1]["final_p50"], student[1]["final_p50"]}
    assert len(medians) == 3
    # --seed: the same seed draws the same paths, another seed others.
    assert summary("--seed", "5", "--sampler", "normal") == normal
    other = summary("--seed", "6", "--sampler", "normal")[1]
    assert other["final_p50"] != normal[1]["final_p50"]


def test_simulate_processes_runs_its_chunks_on_that_many_workers(
    shared_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import piefolio._parallel as parallel

    pools: list[int | None] = []

    class Recording(ThreadPoolExecutor):
        # A thread pool in the process pool's place: the test sees how many
        # workers were asked for without paying for spawned interpreters.
        def __init__(self, max_workers=None, mp_context=None, **kw):  # type: ignore[no-untyped-def]
            pools.append(max_workers)
            super().__init__(max_workers=max_workers, **kw)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Recording)
    args = ("simulate", EXAMPLE, "--offline", "--paths", "40", "--years", "1", "--json")
    here = json.loads(invoke(*args, home=shared_home)[1])
    assert pools == []  # no --processes: this process, no pool
    pooled = json.loads(invoke(*args, "--processes", "3", home=shared_home)[1])
    assert pools == [3]
    assert pooled["summary"] == here["summary"]


def test_simulate_unknown_sampler_exits_2(shared_home: Path) -> None:
    code, text = invoke(
        "simulate", EXAMPLE, "--offline", "--sampler", "magic", home=shared_home
    )
    assert code == 2 and "bootstrap" in text


def test_claims_table_and_page(shared_home: Path, tmp_path: Path) -> None:
    code, text = invoke(
        "claims", EXAMPLE, "--offline", "--out", str(tmp_path), home=shared_home
    )
    assert code == 0, text
    for cid in ("power-beats-datacenters", "grid-beats-chips", "metals-beat-market"):
        assert cid in text
    page = (tmp_path / "claims.html").read_text(encoding="utf-8")
    # The claims' table on the page: long, short, horizon, held in, latest.
    for heading in ("Long", "Short", "Horizon", "Held in", "Latest"):
        assert f'<th scope="col">{heading}</th>' in page
    assert '<th scope="row">grid-beats-chips</th>' in page


def test_sweep_every_start_month(shared_home: Path, tmp_path: Path) -> None:
    code, text = invoke(
        "sweep", EXAMPLE, "--offline", "--horizon", "3Y", "--out", str(tmp_path),
        home=shared_home,
    )  # fmt: skip
    assert code == 0, text
    assert "Every start date (3Y runs)" in text and "of starts" in text
    assert (tmp_path / "sweep-starts.parquet").is_file()
    page = (tmp_path / "sweep-starts.html").read_text(encoding="utf-8")
    # Columns a reader can name, in percent, with the beat share beside them.
    assert "xirr_worst" not in page and '<th scope="col">XIRR worst</th>' in page
    assert '<th scope="col">pie beat it</th>' in page and "% of starts" in page
    assert "How the XIRR spread over the start dates" in page
    assert "sweep_ai_energy_2026_starts" in text


def test_sweep_variants_json(shared_home: Path, tmp_path: Path) -> None:
    sweep = tmp_path / "sweep.toml"
    sweep.write_text('[sweep]\nrebalance = ["none", "quarterly"]\n')
    code, text = invoke(
        "sweep", EXAMPLE, "--offline", "--variants", str(sweep), "--weights", "20",
        "--json", "--out", str(tmp_path / "out"), home=shared_home,
    )  # fmt: skip
    assert code == 0, text
    data = json.loads(text)
    assert data["variants"] == 2 * 21
    # Results live in a schema of their own, apart from the price tables.
    assert data["table"] == "results.sweep_ai_energy_2026_variants"
    # Its value is worked out from the closes in tests/cli/test_sweep_selection.py.
    assert isinstance(data["deflated_sharpe"], float)
    assert len(data["top"]) == 10


def test_simulate_on_processes_gives_the_same_numbers(shared_home: Path) -> None:
    args = ("simulate", EXAMPLE, "--offline", "--paths", "40", "--years", "1", "--json")
    here = json.loads(invoke(*args, home=shared_home)[1])
    cores = json.loads(invoke(*args, "--processes", "2", home=shared_home)[1])
    assert here["summary"] == cores["summary"]


def test_the_python_api_gives_the_cli_numbers(shared_home: Path, shared_store) -> None:  # type: ignore[no-untyped-def]
    import piefolio
    from piefolio.scenarios.outlook import SimulateSettings, frame_for
    from piefolio.sweep.history import StartSettings
    from piefolio.sweep.history import frame_for as starts_frame

    spec = piefolio.load_pie(EXAMPLE)
    settings = SimulateSettings(years=1, paths=30, seed=5)
    api = piefolio.monte_carlo(
        spec,
        frame_for(spec, settings, offline=True, store=shared_store),
        settings=settings,
    )
    code, text = invoke(
        "simulate",
        EXAMPLE,
        "--offline",
        "--paths",
        "30",
        "--years",
        "1",
        "--seed",
        "5",
        "--json",
        home=shared_home,
    )
    assert code == 0, text
    cli = json.loads(text)
    assert (
        cli["summary"]["AI energy 2026"]["final_p50"]
        == api.result.summary().loc["AI energy 2026", "final_p50"]
    )
    assert cli["sample"]["start"] == api.sample.start.date().isoformat()
    starts = StartSettings(horizon="10Y")
    sweep = piefolio.sweep_starts(
        spec,
        starts_frame(spec, starts, offline=True, store=shared_store),
        settings=starts,
    )
    code, text = invoke(
        "sweep",
        EXAMPLE,
        "--offline",
        "--horizon",
        "10Y",
        "--json",
        "--out",
        str(shared_home / "api"),
        home=shared_home,
    )
    assert code == 0, text
    assert json.loads(text)["pie_beat_share"] == sweep.sweep.beat_share().to_dict()


def test_run_writes_a_pdf_tearsheet(shared_home: Path, tmp_path: Path) -> None:
    code, text = invoke(
        "run", EXAMPLE, "--offline", "--pdf", "--no-report", "--out", str(tmp_path),
        home=shared_home,
    )  # fmt: skip
    assert code == 0, text
    assert (tmp_path / "tearsheet.pdf").read_bytes().startswith(b"%PDF-")
    assert not (tmp_path / "index.html").exists()


def test_sweep_variants_writes_a_page(shared_home: Path, tmp_path: Path) -> None:
    sweep = tmp_path / "sweep.toml"
    sweep.write_text('[sweep]\nrebalance = ["none", "quarterly"]\n')
    code, text = invoke(
        "sweep", EXAMPLE, "--offline", "--variants", str(sweep), "--weights", "20",
        "--out", str(tmp_path / "out"), "--png", home=shared_home,
    )  # fmt: skip
    assert code == 0, text
    image = tmp_path / "out" / "sweep-variants.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (tmp_path / "out" / "sweep-variants.html").read_text(encoding="utf-8")
    assert "The best ten variants by Sharpe ratio" in page
    # A weight set's name comes with its weights, one row per slice.
    assert '<th scope="row">NVDA</th>' in page or '<th scope="row">ETN</th>' in page
    # Deflated Sharpe and PBO explained in one sentence that reconciles them.
    assert "They answer two questions" in page and "They answer two questions" in text


def test_scenario_commands_write_pngs(shared_home: Path, tmp_path: Path) -> None:
    for args, names in (
        (("stress",), ("stress-drawdown.png", "stress-return.png")),
        (("simulate", "--paths", "20", "--years", "1"), ("simulate.png",)),
        (("claims",), ("claims.png",)),
        (("sweep", "--horizon", "3Y"), ("sweep-starts.png",)),
    ):
        out = tmp_path / args[0]
        code, text = invoke(
            *args[:1], EXAMPLE, *args[1:], "--offline", "--png", "--out", str(out),
            home=shared_home,
        )  # fmt: skip
        assert code == 0, text
        for name in names:
            assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_compare_names_one_window_or_each_pie_s() -> None:
    from types import SimpleNamespace

    import pandas as pd

    from piefolio.cli.run import _compare_title

    def run(name: str, first: str) -> Any:
        nav = pd.DataFrame(index=pd.bdate_range(first, "2026-08-03"))
        return SimpleNamespace(spec=SimpleNamespace(pie=SimpleNamespace(name=name)),
                               nav=lambda: nav)  # fmt: skip

    same = [run("A", "2021-01-04"), run("B", "2021-01-04")]
    assert _compare_title(same) == "Pies side by side, 2021-01-04 to 2026-08-03"
    apart = [run("A", "2021-01-04"), run("B", "2024-01-02")]
    assert _compare_title(apart) == (
        "Pies side by side, each on its own plan: A 2021-01-04 to 2026-08-03; "
        "B 2024-01-02 to 2026-08-03"
    )
