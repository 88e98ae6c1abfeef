"""What-if analysis: claims of the thesis checked against market data."""

from __future__ import annotations

from piefolio.scenarios.claims import ClaimCheck, basket_of, check_claim, check_claims

__all__ = ["ClaimCheck", "basket_of", "check_claim", "check_claims"]
