"""The data layer's public surface."""

from __future__ import annotations

import importlib

import pytest

import piefolio


@pytest.mark.parametrize("name", ["piefolio.data", "piefolio.data.providers"])
def test_all_is_sorted_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    assert list(module.__all__) == sorted(module.__all__)
    for attr in module.__all__:
        assert getattr(module, attr) is not None


def test_top_level_lazy_names() -> None:
    from piefolio.data import PriceFrame, get_prices

    assert piefolio.PriceFrame is PriceFrame and piefolio.get_prices is get_prices
    assert list(piefolio.__all__) == sorted(piefolio.__all__)


def test_list_providers() -> None:
    from piefolio.data import list_providers

    assert list(list_providers()) == ["yahoo", "stooq", "fred", "files", "sample"]
