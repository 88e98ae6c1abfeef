"""The token and the Host check: nothing answers without both."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from piefolio.web.guard import host_name, new_token

from .conftest import PORT, TOKEN

ROUTES = [
    ("GET", "/"),
    ("GET", "/data"),
    ("GET", "/account"),
    ("GET", "/jobs"),
    ("GET", "/pies/x.toml"),
    ("GET", "/static/htmx.min.js"),
    ("POST", "/pies"),
    ("POST", "/compare"),
    ("POST", "/pies/x.toml/check"),
    ("POST", "/pies/x.toml/jobs/run"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_refuses_a_request_without_the_token(
    anonymous: TestClient, method: str, path: str
) -> None:
    answer = anonymous.request(method, path)
    assert answer.status_code == 403
    assert "token" in answer.text
    assert "set-cookie" not in answer.headers


@pytest.mark.parametrize("wrong", ["", "x", TOKEN[:-1], TOKEN + "x", TOKEN.upper()])
def test_a_wrong_token_in_the_url_or_the_cookie_is_refused(
    anonymous: TestClient, wrong: str
) -> None:
    assert anonymous.get(f"/?token={wrong}").status_code == 403
    anonymous.cookies.set(f"piefolio-token-{PORT}", wrong)
    assert anonymous.get("/").status_code == 403


def test_the_token_in_the_url_sets_a_strict_cookie_that_then_suffices(
    anonymous: TestClient,
) -> None:
    first = anonymous.get(f"/?token={TOKEN}", follow_redirects=False)
    # The token leaves the address bar: a redirect to the same page, cookie set.
    assert first.status_code == 303
    assert first.headers["location"] == "/"
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"piefolio-token-{PORT}={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # No token in the URL now: the cookie alone lets the next page in.
    assert anonymous.get("/data").status_code == 200


def test_the_cookie_of_another_port_is_not_this_servers(anonymous: TestClient) -> None:
    anonymous.cookies.set(f"piefolio-token-{PORT + 1}", TOKEN)
    assert anonymous.get("/").status_code == 403


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "10.0.0.1"]
)
def test_a_request_for_another_host_is_refused_even_with_the_token(
    anonymous: TestClient, host: str
) -> None:
    answer = anonymous.get(f"/?token={TOKEN}", headers={"host": host})
    assert answer.status_code == 403
    assert "Host" in answer.text


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8765", "127.0.0.1:8765", "[::1]:8765", "LOCALHOST"]
)
def test_loopback_names_are_this_machine(anonymous: TestClient, host: str) -> None:
    assert anonymous.get(f"/?token={TOKEN}", headers={"host": host}).status_code == 200


def test_a_form_sent_from_another_site_is_refused(client: TestClient) -> None:
    answer = client.post(
        "/pies", data={"name": "Evil"}, headers={"origin": "http://evil.example"}
    )
    assert answer.status_code == 403
    assert "another site" in answer.text
    same = client.post(
        "/pies",
        data={"name": "Mine"},
        headers={"origin": "http://127.0.0.1:8765"},
        follow_redirects=False,
    )
    assert same.status_code == 303
    assert same.headers["location"] == "/pies/mine.toml"


def test_every_answer_forbids_requests_elsewhere_and_sends_no_referrer(
    client: TestClient,
) -> None:
    for path in ("/", "/static/htmx.min.js", "/nope"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "connect-src 'self'" in policy
        assert "http" not in policy  # no other origin is allowed anywhere
        assert headers["referrer-policy"] == "no-referrer"


def test_host_name_drops_the_port_and_the_brackets() -> None:
    assert host_name("127.0.0.1:8765") == "127.0.0.1"
    assert host_name("[::1]:8765") == "::1"
    assert host_name("::1") == "::1"
    assert host_name("LocalHost") == "localhost"


def test_tokens_are_long_and_new_each_launch() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) >= 32 for t in tokens)


def test_the_redirect_keeps_the_other_query_parameters(anonymous: TestClient) -> None:
    moved = anonymous.get(f"/jobs?token={TOKEN}&a=1&b=x%20y", follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == "/jobs?a=1&b=x+y"


def test_a_form_posted_with_the_token_in_the_url_is_answered_not_redirected(
    anonymous: TestClient,
) -> None:
    answer = anonymous.post(
        f"/pies?token={TOKEN}", data={"name": "P"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/pies/p.toml"
