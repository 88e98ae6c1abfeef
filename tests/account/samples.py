"""Trading 212 History exports written by hand, one per real layout.

Every value is made up; the headers are the layouts seen in real exports (the
issue lists them). Each row carries a comment saying what it tests. One EUR
account across the three files: 2021 (file A), mid-2024 to March 2025 (file B),
February 2025 to January 2026 (file C). B and C overlap on two rows (a deposit
with an ID, a dividend without one), which must be stored once.

Money is hand-checked: a buy's Total is shares x price / rate plus fees in EUR.
"""

from __future__ import annotations

from pathlib import Path


def _csv(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# Layout 2021: the account currency inside the column names ("Total (EUR)").
LAYOUT_2021 = _csv(
    "Action,Time,ISIN,Ticker,Name,No. of shares,Price / share,"
    "Currency (Price / share),Exchange rate,Result (EUR),Total (EUR),"
    "Withholding tax,Currency (Withholding tax),Charge amount (EUR),"
    "Stamp duty reserve tax (EUR),Notes,ID,Currency conversion fee (EUR)",
    # line 2: a deposit; Total and Charge amount both in EUR by their names
    "Deposit,2021-03-01 10:00:00,,,,,,,,,1000.00,,,1000.00,,"
    '"Transaction ID: 1",a1b2c3d4-0001,',
    # line 3: a USD market buy: 2 x 120.00 / 1.2000 = 200.00 + 0.30 FX fee
    'Market buy,2021-03-02 15:30:00,US0378331005,AAPL,"Apple",2.0000000000,'
    "120.00,USD,1.20000,,200.30,,,,,,EOF0000001,0.30",
    # line 4: a UK buy in GBX (pence): 10 x 3500 GBX / 86.00 = 406.98 + 2.03 stamp
    # duty; stored as 35.00 GBP at 0.86 GBP per EUR
    'Market buy,2021-03-03 08:00:00,GB00B10RZP78,ULVR,"Unilever",10.0000000000,'
    "3500.00,GBX,86.00000,,409.01,,,,2.03,,EOF0000002,",
    # line 5: a dividend without ID, exchange rate "Not available", tax withheld
    'Dividend (Ordinary),2021-05-14 12:00:00,US0378331005,AAPL,"Apple",'
    "2.0000000000,0.22,USD,Not available,,0.37,0.07,USD,,,,,",
    # line 6: a limit sell: 1 x 130.00 / 1.25 = 104.00 - 0.16 FX fee = 103.84
    'Limit sell,2021-05-20 16:00:00,US0378331005,AAPL,"Apple",1.0000000000,'
    "130.00,USD,1.25000,3.50,103.84,,,,,,EOF0000003,0.16",
    # line 7: a withdrawal written positive (the 2021 layout's sign)
    "Withdrawal,2021-06-01 09:00:00,,,,,,,,,50.00,,,,,,a1b2c3d4-0002,",
)

# Layout 2023-25 (EUR accounts): Total with "Currency (Total)", Notes and ID
# after the taxes, one currency conversion fee column.
LAYOUT_2023 = _csv(
    "Action,Time,ISIN,Ticker,Name,No. of shares,Price / share,"
    "Currency (Price / share),Exchange rate,Result,Currency (Result),Total,"
    "Currency (Total),Withholding tax,Currency (Withholding tax),Notes,ID,"
    "Currency conversion fee,Currency (Currency conversion fee)",
    # line 2: a deposit
    "Deposit,2024-06-03 09:00:00,,,,,,,,,,500.00,EUR,,,,b0000001,,",
    # line 3: a stop buy: 0.5 x 400.00 / 1.08 = 185.19 + 0.28 FX fee = 185.47
    'Stop buy,2024-06-04 15:45:10,US5949181045,MSFT,"Microsoft",0.5000000000,'
    "400.00,USD,1.08000,,EUR,185.47,EUR,,,,EOF1000001,0.28,EUR",
    # line 4: a market buy before a split: 0.1 x 1200 / 1.08 = 111.11 + 0.17
    'Market buy,2024-06-05 15:00:00,US67066G1040,NVDA,"NVIDIA",0.1000000000,'
    "1200.00,USD,1.08000,,EUR,111.28,EUR,,,,EOF1000002,0.17,EUR",
    # lines 5-6: a 10-for-1 split: the close of 0.1 old shares, the open of 1.0
    'Stock split close,2024-06-10 05:00:00,US67066G1040,NVDA,"NVIDIA",'
    "0.1000000000,1200.00,USD,Not available,,EUR,,EUR,,,,,,",
    'Stock split open,2024-06-10 05:00:00,US67066G1040,NVDA,"NVIDIA",'
    "1.0000000000,120.00,USD,Not available,,EUR,,EUR,,,,,,",
    # line 7: a US dividend variant, no ID, withholding tax in USD
    "Dividend (Dividends paid by us corporations),2024-09-12 12:00:00,"
    'US5949181045,MSFT,"Microsoft",0.5000000000,0.75,USD,Not available,,EUR,'
    "0.30,EUR,0.06,USD,,,,",
    # line 8: lending interest, no ID
    "Lending interest,2024-10-01 00:00:00,,,,,,,,,EUR,0.02,EUR,,,,,,",
    # line 9: interest on cash, no ID
    "Interest on cash,2025-01-01 00:00:00,,,,,,,,,EUR,1.23,EUR,,,,,,",
    # line 10: a deposit that file C repeats (same ID): stored once
    "Deposit,2025-02-03 09:00:00,,,,,,,,,,300.00,EUR,,,,b0000002,,",
    # line 11: a dividend that file C repeats (no ID): the row hash matches
    'Dividend (Ordinary),2025-03-13 12:00:00,US5949181045,MSFT,"Microsoft",'
    "0.5000000000,0.83,USD,Not available,,EUR,0.33,EUR,0.06,USD,,,,",
)

# Layout 2025-26, newest spelling "Time (UTC)": every fee and tax with its
# currency column, card rows with a merchant.
LAYOUT_2025 = _csv(
    "Action,Time (UTC),ISIN,Ticker,Name,Notes,ID,No. of shares,Price / share,"
    "Currency (Price / share),Exchange rate,Result,Currency (Result),Total,"
    "Currency (Total),Withholding tax,Currency (Withholding tax),"
    "Stamp duty reserve tax,Currency (Stamp duty reserve tax),"
    "French transaction tax,Currency (French transaction tax),Transaction fee,"
    "Finra fee,Currency conversion from amount,"
    "Currency (Currency conversion from amount),Currency conversion to amount,"
    "Currency (Currency conversion to amount),Currency conversion fee,"
    "Currency (Currency conversion fee),Currency (Transaction fee),"
    "Currency (Finra fee),Merchant name,Merchant category",
    # line 2: the deposit of file B's line 10 (same ID, other layout)
    "Deposit,2025-02-03 09:00:00,,,,,b0000002,,,,,,,300.00,EUR,,,,,,,,,,,,,,,,,,",
    # line 3: the dividend of file B's line 11 (no ID; same hash, other layout)
    'Dividend (Ordinary),2025-03-13 12:00:00,US5949181045,MSFT,"Microsoft",,,'
    "0.5000000000,0.83,USD,Not available,,,0.33,EUR,0.06,USD"
    ",,,,,,,,,,,,,,,,",
    # line 4: "Bank Transfer", the newer name of a deposit
    "Bank Transfer,2025-04-01 08:00:00,,,,,c0000001,,,,,,,200.00,EUR,,,,,,,,,,,,,,,,,,",
    # line 5: a stop limit buy with a French transaction tax and an FX fee in EUR
    # 1 x 100.00 / 1.0 = 100.00 + 0.40 tax (EUR) = 100.40 (no FX: EUR price)
    'Stop limit buy,2025-04-02 10:00:00,FR0000120271,TTE,"TotalEnergies",,'
    "EOF2000001,1.0000000000,100.00,EUR,1.00000,,,100.40,EUR,,,,,0.40,EUR,"
    ",,,,,,,,,,,",
    # line 6: a sale whose Finra fee is in USD (not an EUR fee): Total 58.90
    'Market sell,2025-05-02 15:00:00,US67066G1040,NVDA,"NVIDIA",,EOF2000002,'
    "0.5000000000,130.00,USD,1.10000,1.00,EUR,58.90,EUR,,,,,,,0.10,0.01,,,,,"
    "0.09,EUR,EUR,USD,,",
    # line 7: a withdrawal written negative (the newer sign)
    "Withdrawal,2025-06-02 09:00:00,,,,,c0000002,,,,,,,-100.00,EUR,,,,,,,,,,,,,,,,,,",
    # line 8: card spending: money out of the account, with a merchant
    "Card debit,2025-06-15 13:00:00,,,,,c0000003,,,,,,,-12.50,EUR"
    ",,,,,,,,,,,,,,,,,Cafe Central,RESTAURANTS",
    # line 9: cashback on that card spending: money in
    "Spending cashback,2025-06-16 00:00:00,,,,,c0000004,,,,,,,0.12,EUR"
    ",,,,,,,,,,,,,,,,,,",
    # line 10: a currency conversion inside the account: only its fee moves EUR
    "Currency conversion,2025-07-01 10:00:00,,,,,c0000005,,,,,,,,"
    ",,,,,,,,,100.00,EUR,107.80,USD,0.15,EUR,,,,",
    # line 11: a negative dividend adjustment keeps its sign
    'Dividend adjustment,2025-07-10 12:00:00,US5949181045,MSFT,"Microsoft",,,'
    "0.5000000000,,USD,Not available,,,-0.05,EUR,,,,,,,,,,,,,,,,,,",
    # line 12: another dividend variant: return of capital
    "Dividend (Return of capital),2025-09-11 12:00:00,US5949181045,MSFT,"
    '"Microsoft",,,0.5000000000,0.20,USD,Not available,,,0.09,EUR'
    ",,,,,,,,,,,,,,,,,,",
    # line 13: interest on cash in the new layout, no ID
    "Interest on cash,2026-01-01 00:00:00,,,,,,,,,,,,2.10,EUR,,,,,,,,,,,,,,,,,,",
)

SAMPLES = {
    "2021.csv": LAYOUT_2021,
    "2023-25.csv": LAYOUT_2023,
    "2025-26.csv": LAYOUT_2025,
}


def write(folder: Path, name: str, text: str | None = None) -> Path:
    """Write a sample (or ``text``) as ``folder/name`` and return its path."""
    path = folder / name
    path.write_text(text if text is not None else SAMPLES[name], encoding="utf-8")
    return path
