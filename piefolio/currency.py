"""ISO 4217 currency codes: the one list the spec and the data layer check against.

A typo such as ``EUO`` or ``EURO`` must fail where it is written (a pie file, a
``--currency`` option, a file's ``currency`` column, a provider's answer), not as
a missing FX series three steps later.
"""

from __future__ import annotations

import difflib

__all__ = ["CURRENCIES", "currency_problem"]

#: Active ISO 4217 codes.
CURRENCIES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
    BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG
    """.split()
)


def currency_problem(value: str) -> str | None:
    """Return why ``value`` is not an ISO 4217 code, or None when it is one.

    The code is compared in upper case (``eur`` is EUR); the message quotes the
    value as written and suggests near codes.
    """
    code = value.strip().upper()
    if code in CURRENCIES:
        return None
    near = difflib.get_close_matches(code, sorted(CURRENCIES), n=3)
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    return (
        f"unknown currency code {value!r}{hint}; expected an ISO 4217 code such "
        "as EUR, USD, GBP"
    )
