"""Whatever a browser sends, the answer is a page or a message: never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piefolio.template import render_template

HX = {"hx-request": "true"}

#: Text near a pie file: the template with one line replaced by noise.
LINES = render_template("Fuzz").splitlines()


@st.composite
def edited(draw: st.DrawFn) -> str:
    lines = list(LINES)
    i = draw(st.integers(0, len(lines) - 1))
    lines[i] = draw(st.text(max_size=40))
    return "\n".join(lines)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.one_of(edited(), st.text(max_size=200)))
def test_checking_any_text_is_the_tree_or_one_message(
    client: TestClient, folder: Path, text: str
) -> None:
    answer = client.post("/pies/fuzz.toml/check", data={"text": text}, headers=HX)
    assert answer.status_code in (200, 422), answer.text
    assert "Traceback" not in answer.text
    if answer.status_code == 422:
        assert answer.text.count('class="message error"') == 1


FIELDS = ["paths", "years", "goal", "sampler", "seed", "since", "until"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    form=st.dictionaries(
        st.sampled_from(FIELDS),
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(["-1", "0", "1e308", "inf", "-inf", "nan", "1e-300"]),
        ),
    )
)
def test_any_monte_carlo_form_is_a_message_or_a_job(
    client: TestClient, folder: Path, form: dict[str, str]
) -> None:
    if not (folder / "fuzz.toml").exists():
        (folder / "fuzz.toml").write_text(render_template("Fuzz"), encoding="utf-8")
    jobs = client.app.app.state.jobs
    before = len(jobs.all())
    answer = client.post("/pies/fuzz.toml/jobs/simulate", data=form, headers=HX)
    assert answer.status_code in (204, 422), answer.text
    if answer.status_code == 422:
        assert answer.text.count('class="message error"') == 1
        assert len(jobs.all()) == before
    else:
        started = jobs.all()[0]
        started.cancel()  # only its checks were under test


@pytest.mark.parametrize(
    "path",
    ["/pies/%00.toml", "/pies/" + "a" * 5000 + ".toml", "/jobs/" + "x" * 5000,
     "/pies/x.toml/jobs/" + "k" * 300, "/static/%2e%2e"],
)  # fmt: skip
def test_odd_urls_are_messages(client: TestClient, path: str) -> None:
    answer = client.get(path) if "/jobs/k" not in path else client.post(path)
    assert answer.status_code in (404, 405, 422)
    assert "Traceback" not in answer.text
