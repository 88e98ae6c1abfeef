"""The public surface: what users import is listed, sorted and importable."""

from __future__ import annotations

import importlib

import pytest

import piefolio
from piefolio import errors

PACKAGES = [
    "piefolio",
    "piefolio.account",
    "piefolio.analytics",
    "piefolio.data",
    "piefolio.engine",
    "piefolio.errors",
    "piefolio.optimize",
    "piefolio.report",
    "piefolio.scenarios",
    "piefolio.spec",
    "piefolio.sweep",
    "piefolio.thesis",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert list(exported) == sorted(exported)
    for attr in exported:
        assert getattr(module, attr) is not None


def test_top_level_names() -> None:
    assert {"load_pie", "Plan", "PieSpec", "SpecError", "__version__"} <= set(
        piefolio.__all__
    )
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = piefolio.nope  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (errors.SpecError, 2),
        (errors.PlanError, 2),
        (errors.HistoryError, 2),
        (errors.DataError, 3),
        (errors.ProviderError, 3),
        (errors.StoreError, 3),
        (errors.DataUnavailable, 3),
        (errors.OptimizationError, 1),
        (errors.PiefolioError, 1),
    ],
)
def test_exit_codes(exc: type[errors.PiefolioError], code: int) -> None:
    assert exc.exit_code == code
    assert issubclass(exc, errors.PiefolioError)


@pytest.mark.parametrize("name", PACKAGES)
def test_public_names_are_exactly_all(name: str) -> None:
    """What a package binds without a leading underscore is what it exports.

    As httpx tests it: a helper imported for internal use must not become public
    by accident, and an exported name must exist. Submodules and the
    ``from __future__`` and ``TYPE_CHECKING`` names are not members.
    """
    import types

    module = importlib.import_module(name)
    bound = {
        member
        for member, value in vars(module).items()
        if not member.startswith("_")
        and not isinstance(value, types.ModuleType)
        and member not in {"annotations", "TYPE_CHECKING"}
    }
    exported = set(module.__all__) - {"__version__"}
    lazy = set(getattr(module, "_LAZY", {}))  # PEP 562: bound on first use
    assert bound - exported == set()
    assert exported - bound <= lazy
