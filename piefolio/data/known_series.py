"""Frequency and unit of economic series piefolio knows by id.

A FRED download (``DATE,VALUE`` or ``date,series,value``) names a series but
not its unit; for the ids below, an import records the unit (and checks the
frequency) without the user declaring it. The FRED API gives both for any id
(see :mod:`piefolio.data.providers.fred`); this table is for files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["KNOWN_SERIES", "KnownSeries", "known_series"]


@dataclass(frozen=True, slots=True)
class KnownSeries:
    """How often a known series prints, what it measures and what it is."""

    frequency: str
    unit: str
    name: str


def _m(unit: str, name: str) -> KnownSeries:
    return KnownSeries("monthly", unit, name)


_INDEX_1982_84 = "index 1982-84=100"
_USD_T = "USD per metric ton"

#: Known ids -> frequency, unit, name (FRED's, World Bank Pink Sheet columns as
#: ``WB_*``, the Census data-center series that FRED does not carry).
KNOWN_SERIES: Mapping[str, KnownSeries] = MappingProxyType(
    {
        "CPIAUCSL": _m(_INDEX_1982_84, "US CPI-U, all items, seasonally adjusted"),
        "CPIAUCNS": _m(_INDEX_1982_84, "US CPI-U, all items, not seasonally adjusted"),
        "CP0000EZ19M086NEST": _m("index 2025=100", "HICP, all items, euro area"),
        "PCOPPUSDM": _m(_USD_T, "Global price of copper (IMF)"),
        "PALUMUSDM": _m(_USD_T, "Global price of aluminum (IMF)"),
        "PNICKUSDM": _m(_USD_T, "Global price of nickel (IMF)"),
        "PURANUSDM": _m("USD per pound", "Global price of uranium (IMF)"),
        "PCOALAUUSDM": _m(_USD_T, "Global price of coal, Australia (IMF)"),
        "WB_SILVER": _m("USD per troy ounce", "Silver (World Bank Pink Sheet)"),
        "WB_COPPER": _m(_USD_T, "Copper, LME (World Bank Pink Sheet)"),
        "WB_ALUMINUM": _m(_USD_T, "Aluminum, LME (World Bank Pink Sheet)"),
        "WB_NICKEL": _m(_USD_T, "Nickel, LME (World Bank Pink Sheet)"),
        "WB_NGAS_EUR": _m(
            "USD per mmbtu", "Natural gas, Europe (World Bank Pink Sheet)"
        ),
        "APU000072610": _m(
            "USD per kWh", "Average price: electricity per kWh, US city average"
        ),
        "CUSR0000SEHF01": _m(_INDEX_1982_84, "CPI-U: electricity, US city average"),
        "WPU0543": _m("index 1982=100", "PPI: industrial electric power"),
        "WPU054": _m("index 1982=100", "PPI: electric power"),
        "MHHNGSP": _m("USD per million Btu", "Henry Hub natural gas spot price"),
        "DHHNGSP": KnownSeries(
            "daily", "USD per million Btu", "Henry Hub natural gas spot price"
        ),
        "IPG2211A2N": _m(
            "index 2017=100", "Industrial production: electric and gas utilities"
        ),
        "IPG2211S": _m(
            "index 2017=100", "Industrial production: electric power generation"
        ),
        "TLPWRCONS": _m("millions of USD (SAAR)", "Total construction spending: power"),
        "C30_PRIVATE_DATA_CENTER_SAAR": _m(
            "millions of USD (SAAR)", "Private construction spending: data center"
        ),
        "DCOILWTICO": KnownSeries(
            "daily", "USD per barrel", "Crude oil prices: WTI, Cushing"
        ),
        "DCOILBRENTEU": KnownSeries(
            "daily", "USD per barrel", "Crude oil prices: Brent, Europe"
        ),
    }
)


def known_series(series_id: str) -> KnownSeries | None:
    """Return what piefolio knows of ``series_id`` (case-insensitive), or None."""
    return KNOWN_SERIES.get(series_id.strip().upper())
