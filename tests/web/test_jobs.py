"""Long work as jobs: progress, cancel, two at once, errors as messages."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from piefolio.errors import DataUnavailable
from piefolio.web.commands import _JobProgress
from piefolio.web.jobs import Job, Jobs, Outcome

HX = {"hx-request": "true"}


def wait(job: Job, timeout: float = 30) -> Job:
    deadline = time.monotonic() + timeout
    while not job.finished:
        assert time.monotonic() < deadline, f"{job.kind} still {job.state}"
        time.sleep(0.01)
    return job


@pytest.fixture
def jobs() -> Jobs:
    pool = Jobs(workers=2)
    yield pool
    pool.close()


def test_a_job_reports_its_progress_and_ends_done(jobs: Jobs) -> None:
    seen: list[int | None] = []

    def work(job: Job) -> Outcome:
        for done in range(0, 101, 25):
            job.report(done, 100)
            seen.append(job.percent)
        (job.folder / "page.html").write_text("<p>hi</p>", encoding="utf-8")
        return Outcome("page.html", ("page.html",))

    job = wait(jobs.start("test", "Test", work))
    assert job.state == "done" and job.percent == 100
    assert seen == [0, 25, 50, 75, 100]
    assert job.outcome is not None and job.outcome.page == "page.html"


def test_cancel_stops_the_work_at_its_next_report(jobs: Jobs) -> None:
    started, reports = threading.Event(), []

    def work(job: Job) -> Outcome:
        started.set()
        for done in range(1_000_000):
            reports.append(done)
            job.report(done, 1_000_000)
            time.sleep(0.001)
        return Outcome("")

    job = jobs.start("test", "Test", work)
    assert started.wait(10)
    job.cancel()
    wait(job)
    assert job.state == "cancelled"
    assert len(reports) < 1_000_000
    assert job.outcome is None


def test_two_jobs_run_at_once_and_both_finish(jobs: Jobs) -> None:
    # Each waits for the other inside its work: they pass only if both run
    # at the same time.
    meet = threading.Barrier(2, timeout=10)

    def work(job: Job) -> Outcome:
        meet.wait()
        job.report(1, 1)
        return Outcome("")

    a, b = jobs.start("a", "A", work), jobs.start("b", "B", work)
    assert wait(a).state == "done" and wait(b).state == "done"


def test_a_piefolio_error_is_the_jobs_message_and_a_bug_no_traceback(
    jobs: Jobs,
) -> None:
    def missing(job: Job) -> Outcome:
        raise DataUnavailable("XYZ is not in the store")

    def bug(job: Job) -> Outcome:
        raise ZeroDivisionError("division by zero")

    failed = wait(jobs.start("x", "X", missing))
    assert failed.state == "failed" and failed.error == "XYZ is not in the store"
    crashed = wait(jobs.start("y", "Y", bug))
    assert crashed.state == "failed"
    assert crashed.error == "internal error (ZeroDivisionError); see the server's log"


def test_closing_deletes_every_jobs_files() -> None:
    pool = Jobs()
    job = wait(pool.start("x", "X", lambda job: Outcome("")))
    assert job.folder.is_dir()
    pool.close()
    assert not pool.root.exists()


def test_the_clis_progress_bar_feeds_the_job_and_cancels_it(tmp_path: Path) -> None:
    from piefolio.web.jobs import Cancelled

    job = Job(id="1", kind="x", title="X", folder=tmp_path)
    with _JobProgress(job) as bar:
        task = bar.add_task("1,000 paths x 10 years", total=1000)
        assert job.stage == "1,000 paths x 10 years"
        bar.update(task, completed=250)
        assert (job.done, job.total, job.percent) == (250, 1000, 25)
        bar.advance(task, 250)
        assert job.percent == 50
        job.state = "running"
        job.cancel()
        with pytest.raises(Cancelled):
            bar.update(task, completed=600)


# ------------------------------------------------------------------ the routes


def test_the_progress_fragment_polls_until_the_job_is_done(
    client: TestClient,
) -> None:
    jobs: Jobs = client.app.app.state.jobs  # the app behind the guard
    gate = threading.Event()

    def work(job: Job) -> Outcome:
        job.report(3, 10)
        gate.wait(10)
        return Outcome("")

    job = jobs.start("test", "Test", work)
    while job.done != 3:
        time.sleep(0.01)
    running = client.get(f"/jobs/{job.id}/progress").text
    assert f'hx-get="/jobs/{job.id}/progress"' in running
    assert 'value="30"' in running and "30 %" in running and "Cancel" in running
    gate.set()
    wait(job)
    done = client.get(f"/jobs/{job.id}/progress").text
    assert "hx-get" not in done  # no more polling
    assert "100 %" in done
    assert job.title in client.get("/jobs").text


def test_the_cancel_button_cancels(client: TestClient) -> None:
    jobs: Jobs = client.app.app.state.jobs

    def work(job: Job) -> Outcome:
        while True:
            job.report(0, None)
            time.sleep(0.005)

    job = jobs.start("test", "Test", work)
    answer = client.post(f"/jobs/{job.id}/cancel", headers=HX)
    assert answer.status_code == 200
    assert wait(job).state == "cancelled"
    assert "Cancelled." in client.get(f"/jobs/{job.id}/progress").text


def test_an_unknown_job_is_a_404_message(client: TestClient) -> None:
    for path in ("/jobs/nope", "/jobs/nope/progress", "/jobs/nope/files/x.html"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert "no job &#39;nope&#39;" in answer.text


def test_a_job_serves_only_the_files_it_wrote(client: TestClient) -> None:
    jobs: Jobs = client.app.app.state.jobs

    def work(job: Job) -> Outcome:
        (job.folder / "page.html").write_text("<p>page</p>", encoding="utf-8")
        (job.folder / "hidden.txt").write_text("not offered", encoding="utf-8")
        return Outcome("page.html", ("page.html",))

    job = wait(jobs.start("test", "Test", work))
    assert client.get(f"/jobs/{job.id}/files/page.html").text == "<p>page</p>"
    for name in ("hidden.txt", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd"):
        answer = client.get(f"/jobs/{job.id}/files/{name}")
        assert answer.status_code == 404
        assert "not offered" not in answer.text and "root:" not in answer.text


def test_work_that_cannot_stop_halfway_is_dropped_when_cancelled(jobs: Jobs) -> None:
    started, release = threading.Event(), threading.Event()

    def work(job: Job) -> Outcome:  # no progress reports, like a backtest
        started.set()
        release.wait(10)
        return Outcome("page.html")

    job = jobs.start("run", "Run", work)
    assert started.wait(10)
    job.cancel()
    release.set()
    assert wait(job).state == "cancelled"
    assert job.outcome is None


def test_a_pies_page_links_its_jobs(client: TestClient, folder: Path) -> None:
    from piefolio.template import render_template

    (folder / "p.toml").write_text(render_template("P"), encoding="utf-8")
    jobs: Jobs = client.app.app.state.jobs
    mine = wait(
        jobs.start("claims", "Claims: p.toml", lambda j: Outcome(""), pie="p.toml")
    )
    other = wait(
        jobs.start("claims", "Claims: q.toml", lambda j: Outcome(""), pie="q.toml")
    )
    page = client.get("/pies/p.toml").text
    assert f'href="/jobs/{mine.id}">Claims (done)</a>' in page
    assert f"/jobs/{other.id}" not in page
