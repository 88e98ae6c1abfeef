"""Jobs are the CLI's commands: the same checks, messages, pages and files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from piefolio.template import render_template
from piefolio.web.jobs import Job, Jobs

from .test_pages import HX, cli_error, message, template

BAD_SIMULATE = [
    ({"paths": "0"}, ["--paths", "0"]),
    ({"paths": "2000000"}, ["--paths", "2000000"]),
    ({"years": "1000"}, ["--years", "1000"]),
    ({"years": "0"}, ["--years", "0"]),
    ({"years": "nan"}, ["--years", "nan"]),
    ({"goal": "-5"}, ["--goal", "-5"]),
    ({"sampler": "magic"}, ["--sampler", "magic"]),
    ({"paths": "200000", "years": "100"}, ["--paths", "200000", "--years", "100"]),
    ({"since": "2099-01-01"}, ["--since", "2099-01-01"]),
    ({"until": "1800-01-01"}, ["--until", "1800-01-01"]),
]


@pytest.mark.parametrize(("form", "args"), BAD_SIMULATE)
def test_a_bad_monte_carlo_input_is_the_message_of_piefolio_simulate(
    client: TestClient,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    form: dict[str, str],
    args: list[str],
) -> None:
    template(folder)
    answer = client.post("/pies/my-pie.toml/jobs/simulate", data=form, headers=HX)
    assert answer.status_code == 422
    expected = cli_error(folder, monkeypatch, "simulate", "my-pie.toml", *args)
    assert message(answer.text) == expected
    assert client.app.app.state.jobs.all() == []  # nothing started


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"paths": "many"}, "--paths 'many': expected a whole number"),
        ({"paths": "1.5"}, "--paths '1.5': expected a whole number"),
        ({"goal": "lots"}, "--goal 'lots': expected a number"),
        ({"since": "2020-13-01"}, "--since '2020-13-01': expected a day as YYYY-MM-DD"),
    ],
)
def test_a_monte_carlo_input_that_is_no_number_names_the_field(
    client: TestClient, folder: Path, form: dict[str, str], expected: str
) -> None:
    template(folder)
    answer = client.post("/pies/my-pie.toml/jobs/simulate", data=form, headers=HX)
    assert answer.status_code == 422
    assert message(answer.text) == expected


def test_bad_inputs_of_the_other_jobs_are_refused_before_they_start(
    client: TestClient, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template(folder)
    (folder / "taken.toml").write_text("mine", encoding="utf-8")
    cases = [
        ("sweep", {"horizon": "soon"}, ["sweep", "my-pie.toml", "--horizon", "soon"]),
        ("sweep", {"starts": "day"}, ["sweep", "my-pie.toml", "--starts", "day"]),
        ("next", {"amount": "-5"}, None),
        ("next", {"amount": "x"}, None),
        ("optimize", {"write": "taken.toml"}, None),
        ("optimize", {"write": "../x.toml"}, None),
        ("teleport", {}, None),
        ("stress", {"scenario": "none.toml"}, None),
        ("stress", {"scenario": "../../etc/x.toml"}, None),
        ("sweep", {"variants": "none.toml"}, None),
        ("sweep", {"weights": "many"}, None),
    ]
    for kind, form, args in cases:
        answer = client.post(f"/pies/my-pie.toml/jobs/{kind}", data=form, headers=HX)
        assert answer.status_code == 422, (kind, form)
        if args is not None:
            assert message(answer.text) == cli_error(folder, monkeypatch, *args)
    assert (folder / "taken.toml").read_text(encoding="utf-8") == "mine"
    assert client.app.app.state.jobs.all() == []


def test_a_job_on_a_broken_or_missing_pie_is_one_message(
    client: TestClient, folder: Path
) -> None:
    (folder / "broken.toml").write_text("[pie]\n", encoding="utf-8")
    answer = client.post("/pies/broken.toml/jobs/claims", headers=HX)
    job = wait(client, answer)
    assert job.state == "failed"
    assert "[plan] is missing" in job.error
    assert "[plan] is missing" in client.get(f"/jobs/{job.id}/progress").text
    compare = client.post("/compare", data={"pie": ["broken.toml"]}, headers=HX)
    assert compare.status_code == 422
    assert message(compare.text) == "compare needs two or more pie files: tick them"


def wait(client: TestClient, started: object, timeout: float = 600) -> Job:
    jobs: Jobs = client.app.app.state.jobs
    url = started.headers["hx-redirect"]  # type: ignore[attr-defined]
    job = jobs.get(url.rsplit("/", 1)[1])
    assert job is not None
    deadline = time.monotonic() + timeout
    while not job.finished:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return job


def test_claims_as_a_job_is_the_command_its_page_and_its_files(
    client: TestClient, folder: Path
) -> None:
    (folder / "my-pie.toml").write_text(
        render_template("My pie", file="my-pie.toml"), encoding="utf-8"
    )
    job = wait(client, client.post("/pies/my-pie.toml/jobs/claims", headers=HX))
    assert job.state == "done", job.error
    assert job.outcome is not None
    assert job.outcome.page == "claims.html"
    assert set(job.outcome.files) == {"claims.html", "claims.png"}
    # What the terminal shows: the table and the claim's verdict line; the
    # files it wrote by their names, which the downloads list.
    assert "small-beats-large" in job.outcome.terminal
    assert "claims.html</span>" in job.outcome.terminal
    assert str(job.folder) not in job.outcome.terminal
    done = client.get(f"/jobs/{job.id}/progress").text
    assert f'src="/jobs/{job.id}/files/claims.html"' in done
    assert f'href="/jobs/{job.id}/files/claims.png" download' in done
    page = client.get(f"/jobs/{job.id}/files/claims.html")
    assert page.status_code == 200
    assert "My pie: claims of the thesis" in page.text
    png = client.get(f"/jobs/{job.id}/files/claims.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    # The pie's folder holds the pie only: the job wrote into its own folder.
    assert sorted(p.name for p in folder.iterdir()) == ["my-pie.toml"]


@pytest.mark.slow  # backtests: the engine compiles on a fresh checkout
def test_compare_optimize_stress_and_simulate_as_jobs(
    client: TestClient, folder: Path
) -> None:
    from piefolio.spec import load_pie

    template(folder, "One", "one.toml")
    template(folder, "Two", "two.toml")
    compare = wait(
        client,
        client.post("/compare", data={"pie": ["one.toml", "two.toml"]}, headers=HX),
    )
    assert compare.state == "done", compare.error
    assert compare.outcome is not None and compare.outcome.page == "index.html"
    side = client.get(f"/jobs/{compare.id}/files/index.html").text
    assert "Pies side by side" in side

    proposal = wait(
        client,
        client.post(
            "/pies/one.toml/jobs/optimize",
            data={"method": "equal", "write": "one-equal.toml"},
            headers=HX,
        ),
    )
    assert proposal.state == "done", proposal.error
    written = load_pie(folder / "one-equal.toml")  # a valid pie, saved new
    assert written.pie.name != ""
    assert proposal.outcome is not None and "Wrote" in proposal.outcome.terminal
    assert proposal.makes == "one-equal.toml"
    shown = client.get(f"/jobs/{proposal.id}/progress").text
    assert '<a href="/pies/one-equal.toml" id="made">' in shown

    run = wait(client, client.post("/pies/one.toml/jobs/run", headers=HX))
    assert run.state == "done", run.error
    assert run.outcome is not None and run.outcome.files == ("index.html",)
    done = client.get(f"/jobs/{run.id}/progress").text
    assert 'hx-post="/pies/one.toml/jobs/pngs"' in done
    images = wait(client, client.post("/pies/one.toml/jobs/pngs", headers=HX))
    assert images.state == "done", images.error
    assert images.outcome is not None
    assert "growth.png" in images.outcome.files
    assert any(f.endswith(".pdf") for f in images.outcome.files)

    thesis = wait(client, client.post("/pies/one.toml/jobs/thesis", headers=HX))
    assert thesis.state == "done", thesis.error
    assert thesis.outcome is not None and thesis.outcome.page == "thesis.html"

    orders = wait(
        client,
        client.post("/pies/one.toml/jobs/next", data={"amount": "100"}, headers=HX),
    )
    assert orders.state == "done", orders.error
    # No history stored: the orders come from the backtest's last day.
    assert orders.outcome is not None
    assert "Next 100.00 EUR (targets), from the backtest" in orders.outcome.terminal

    stress = wait(client, client.post("/pies/one.toml/jobs/stress", headers=HX))
    assert stress.state == "done", stress.error
    assert stress.outcome is not None and stress.outcome.page == "stress.html"

    simulate = wait(
        client,
        client.post(
            "/pies/one.toml/jobs/simulate",
            data={"paths": "500", "years": "2", "goal": "5000"},
            headers=HX,
        ),
    )
    assert simulate.state == "done", simulate.error
    # The CLI's bar, fed chunk by chunk, ended at every path.
    assert (simulate.done, simulate.total) == (500, 500)
    assert simulate.outcome is not None and simulate.outcome.page == "simulate.html"
    assert "simulate.png" in simulate.outcome.files


def test_two_commands_at_once_each_keep_their_own_output(
    client: TestClient, folder: Path
) -> None:
    # Two tabs, two pies, started together: each job's terminal and page are its
    # own pie's, though the commands print through the same functions.
    template(folder, "Alpha pie", "alpha.toml")
    template(folder, "Beta pie", "beta.toml")
    first = client.post("/pies/alpha.toml/jobs/claims", headers=HX)
    second = client.post("/pies/beta.toml/jobs/claims", headers=HX)
    a, b = wait(client, first), wait(client, second)
    assert (a.state, b.state) == ("done", "done"), (a.error, b.error)
    assert a.outcome is not None and b.outcome is not None
    assert "Alpha pie" in a.outcome.terminal and "Beta pie" not in a.outcome.terminal
    assert "Beta pie" in b.outcome.terminal and "Alpha pie" not in b.outcome.terminal
    page = client.get(f"/jobs/{b.id}")
    assert page.status_code == 200
    assert "Claims: beta.toml" in page.text
    assert "Beta pie: claims of the thesis" in (b.folder / "claims.html").read_text(
        encoding="utf-8"
    )


def test_the_real_account_without_a_history_fails_with_the_clis_message(
    client: TestClient, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template(folder)
    job = wait(client, client.post("/pies/my-pie.toml/jobs/actual", headers=HX))
    assert job.state == "failed"
    monkeypatch.chdir(folder)
    from typer.testing import CliRunner

    from piefolio.cli import app as cli

    result = CliRunner().invoke(
        cli, ["actual", str(folder / "my-pie.toml"), "--offline", "--out", "x"],
        env={"COLUMNS": "500"},
    )  # fmt: skip
    assert result.exit_code != 0
    assert result.output.strip() == f"error: {job.error}"


def test_an_unknown_ticker_fails_the_run_with_the_clis_message(
    client: TestClient, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = template(folder)
    path.write_text(
        path.read_text(encoding="utf-8").replace('ticker = "XLE"', 'ticker = "ZZZZ"'),
        encoding="utf-8",
    )
    job = wait(client, client.post("/pies/my-pie.toml/jobs/run", headers=HX))
    assert job.state == "failed"
    assert "ZZZZ" in job.error
    monkeypatch.chdir(folder)
    from typer.testing import CliRunner

    from piefolio.cli import app as cli

    result = CliRunner().invoke(
        cli, ["run", str(path), "--offline", "--out", "x"], env={"COLUMNS": "500"}
    )
    assert result.exit_code == 3  # data unavailable
    assert result.output.strip().splitlines()[-1] == f"error: {job.error}"


@pytest.mark.parametrize(
    ("kind", "form"),
    [
        ("run", {}),
        ("pngs", {}),
        ("stress", {}),
        ("simulate", {"since": "2015-01-02", "until": "2020-12-31", "goal": "5"}),
        ("simulate", {}),
        ("claims", {}),
        ("thesis", {}),
        ("sweep", {"horizon": "3Y", "weights": "10"}),
        ("optimize", {}),
        ("actual", {}),
        ("next", {"amount": "100"}),
    ],
)
def test_each_form_makes_arguments_its_command_takes(
    folder: Path, kind: str, form: dict[str, str]
) -> None:
    # A renamed CLI option (simulate's --since became since_text) must not leave
    # the browser's job calling the command with a keyword it no longer has.
    import inspect

    from piefolio.web import app as web
    from piefolio.web.commands import _unwrapped
    from piefolio.web.folder import PieFolder

    arguments = web._STARTERS[kind](form, PieFolder(folder))
    command = _unwrapped(web._command(kind))
    inspect.signature(command).bind_partial(**arguments)  # TypeError if not
