"""Shared HTTP plumbing for the CSV providers (Stooq, FRED): errors mapped once."""

from __future__ import annotations

import httpx

from piefolio.data.providers.base import RateLimited, TransientProviderError
from piefolio.errors import ProviderError

__all__ = ["get_text"]


def get_text(
    client: httpx.Client, url: str, params: dict[str, str], *, what: str
) -> str:
    """GET ``url`` and return the body, mapping failures to provider errors.

    Raises
    ------
    RateLimited
        On HTTP 429.
    TransientProviderError
        On timeouts, connection failures and 5xx answers.
    ProviderError
        On any other non-200 answer.
    """
    try:
        response = client.get(url, params=params)
    except httpx.TimeoutException as exc:
        raise TransientProviderError(f"{what}: timed out ({exc})") from exc
    except httpx.TransportError as exc:
        raise TransientProviderError(f"{what}: unreachable ({exc})") from exc
    if response.status_code == 429:
        raise RateLimited(f"{what}: rate limited (HTTP 429)")
    if response.status_code >= 500:
        raise TransientProviderError(f"{what}: server error {response.status_code}")
    if response.status_code != 200:
        raise ProviderError(f"{what}: HTTP {response.status_code}")
    return response.text
