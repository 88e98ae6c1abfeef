"""Who may talk to the web app: the per-launch token and the Host check.

Every request must carry the token that ``piefolio serve`` printed, in the URL
(``?token=...``, the first visit) or in the cookie that visit sets, as Jupyter
does. A request whose ``Host`` is not the bound address, ``localhost`` or a
loopback address is refused: a web page elsewhere that rebinds its own name to
127.0.0.1 (DNS rebinding) sends its own name as the Host. A form sent from
another origin is refused too. Every answer forbids requests to anywhere but
the app itself (Content-Security-Policy) and never sends the URL, token and
all, as a referrer.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

__all__ = ["Guard", "new_token"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Host names always accepted: the machine itself.
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})

#: Nothing but the app: scripts and styles inline (htmx, the report's packed
#: plotly.js), images from data URLs; no request to any other host.
POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; "
    "form-action 'self'; base-uri 'none'"
)


def new_token() -> str:
    """Return a fresh token: 24 random bytes, URL-safe (192 bits)."""
    return secrets.token_urlsafe(24)


def host_name(header: str) -> str:
    """Return the host part of a ``Host`` header: no port, no IPv6 brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


@dataclass(frozen=True, slots=True)
class Guard:
    """ASGI middleware: refuse what lacks the token or names another host.

    Parameters
    ----------
    app : ASGI application
        What answers the requests that pass.
    token : str
        The launch's token.
    hosts : iterable of str
        Host names accepted besides :data:`LOOPBACK` (the bound address).
    cookie : str
        Name of the token's cookie; one per port, so two servers on one
        machine do not overwrite each other's.
    """

    app: App
    token: str
    hosts: frozenset[str]
    cookie: str

    @classmethod
    def around(cls, app: App, token: str, hosts: Iterable[str], port: int) -> Guard:
        """Wrap ``app``; ``port`` names the cookie."""
        return cls(
            app, token, frozenset(h.lower() for h in hosts) | LOOPBACK,
            f"piefolio-token-{port}",
        )  # fmt: skip

    def set_cookie(self) -> bytes:
        """Return the ``Set-Cookie`` value that keeps the token for this server."""
        return (
            f"{self.cookie}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        ).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 403 with one line of why, or pass the request on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
        }
        host = host_name(headers.get("host", ""))
        if host not in self.hosts:
            await _refuse(
                send,
                f"refused: the Host {headers.get('host', '')!r} is not this "
                "server's address; open the URL that piefolio serve printed",
            )
            return
        origin = headers.get("origin")
        if (
            scope["method"] not in ("GET", "HEAD")
            and origin is not None
            and host_name(urlsplit(origin).netloc) not in self.hosts
        ):
            await _refuse(send, f"refused: a form sent from another site ({origin})")
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [None])[0]
        if given is None:
            jar = SimpleCookie(headers.get("cookie", ""))
            given = jar[self.cookie].value if self.cookie in jar else ""
            set_cookie = False
        else:
            set_cookie = True
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            await _refuse(
                send,
                "refused: a missing or wrong token; open the URL with ?token=... "
                "that piefolio serve printed when it started",
            )
            return
        if set_cookie and scope["method"] == "GET":
            # As Jupyter does: the cookie now holds the token, so the address
            # bar, the history and a screenshot need not.
            rest = urlencode(
                [(k, v) for k, vs in query.items() if k != "token" for v in vs]
            )
            await _moved(send, scope["path"] + (f"?{rest}" if rest else ""), self)
            return

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", POLICY.encode()),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"cache-control", b"no-store"),
                ]
                if set_cookie:
                    extra.append((b"set-cookie", self.set_cookie()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_guarded)


async def _refuse(send: Send, why: str) -> None:
    body = (why + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _moved(send: Send, location: str, guard: Guard) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1")),
                (b"set-cookie", guard.set_cookie()),
                (b"referrer-policy", b"no-referrer"),
                (b"cache-control", b"no-store"),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
