"""Shared HTTP plumbing for the CSV providers (Stooq, FRED): errors mapped once.

Every request has an overall deadline (:data:`DEADLINE` seconds for the whole
answer), not only httpx's per-read timeout: a server that drips a byte every
half second never trips a read timeout, yet must not hold a fetch for a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from piefolio.data.providers.base import (
    RateLimited,
    TransientProviderError,
    Unreachable,
)
from piefolio.errors import ProviderError

__all__ = ["DEADLINE", "get_text"]

#: Seconds one request may take from sending to the last byte of the answer.
DEADLINE = 30.0

#: Bytes of a refusal's body read for its reason: an API's error is a line of
#: JSON, and a server that answers an error page of megabytes is not waited on.
_REFUSAL_BYTES = 65_536


def get_text(
    client: httpx.Client,
    url: str,
    params: dict[str, str],
    *,
    what: str,
    deadline: float = DEADLINE,
    reason: Callable[[str], str | None] | None = None,
) -> str:
    """GET ``url`` and return the body, mapping failures to provider errors.

    Parameters
    ----------
    reason : callable, optional
        Reads the body of a refusal (a 4xx answer other than 429) and returns
        the provider's own words for it, or None when the body holds none; the
        error then says those words instead of the bare status.

    Raises
    ------
    Unreachable
        When no connection could be made (DNS, refused, connect timeout).
    RateLimited
        On HTTP 429.
    TransientProviderError
        On read timeouts, a body slower than ``deadline`` and 5xx answers.
    ProviderError
        On any other non-200 answer, too many redirects, an undecodable body.
    """
    start = time.monotonic()
    try:
        with client.stream("GET", url, params=params) as response:
            status = response.status_code
            chunks: list[bytes] = []
            if status == 200:
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    if time.monotonic() - start > deadline:
                        raise TransientProviderError(
                            f"{what}: timed out (no whole answer within {deadline:g} s)"
                        )
            elif reason is not None and 400 <= status < 500 and status != 429:
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    if sum(map(len, chunks)) > _REFUSAL_BYTES:
                        break
                    if time.monotonic() - start > deadline:
                        break
            encoding = response.encoding or "utf-8"
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise Unreachable(f"{what}: cannot connect ({_short(exc)})") from exc
    except httpx.TimeoutException as exc:
        raise TransientProviderError(f"{what}: timed out ({_short(exc)})") from exc
    except httpx.TooManyRedirects as exc:
        raise ProviderError(f"{what}: too many redirects ({_short(exc)})") from exc
    except httpx.DecodingError as exc:
        raise ProviderError(
            f"{what}: answer cannot be decoded ({_short(exc)})"
        ) from exc
    except httpx.HTTPError as exc:
        # The rest of httpx's transport errors: network, protocol, proxy.
        raise TransientProviderError(f"{what}: unreachable ({_short(exc)})") from exc
    if status == 429:
        raise RateLimited(f"{what}: rate limited (HTTP 429)")
    if status >= 500:
        raise TransientProviderError(f"{what}: server error (HTTP {status})")
    if status != 200:
        said = None
        if reason is not None and chunks:
            said = reason(b"".join(chunks)[:_REFUSAL_BYTES].decode(encoding, "replace"))
        if said:
            raise ProviderError(f"{what}: {said} (HTTP {status})")
        raise ProviderError(f"{what}: HTTP {status}")
    try:
        return b"".join(chunks).decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ProviderError(f"{what}: answer is not {encoding} text") from exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
