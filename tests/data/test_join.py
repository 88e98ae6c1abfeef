"""Issue 13, case 3: how an incremental fetch joins stored history.

Each case stores a history, fetches the next weeks from a recorded provider
(with the usual week of overlap) and checks what became of the stored days.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from piefolio.data.chain import RetryPolicy, update
from piefolio.data.providers.recorded import RecordedProvider
from piefolio.data.store import Store

from .conftest import series

D = dt.date
FAST = RetryPolicy(attempts=1, wait_initial=0.0, wait_max=0.0)
JAN = pd.bdate_range("2024-01-02", "2024-01-31")
ALL = pd.bdate_range("2024-01-02", "2024-02-29")


def stored_rows(store: Store, sym: str, end: str = "2024-01-31") -> pd.DataFrame:
    rows = store.read([sym], None, pd.Timestamp(end).date())
    return rows.drop(columns=[]).reset_index(drop=True)


def fetch(store: Store, provider: RecordedProvider, sym: str):  # type: ignore[no-untyped-def]
    (report,) = update(
        [sym],
        D(2024, 1, 2),
        D(2024, 2, 29),
        store=store,
        providers=[provider],
        policy=FAST,
    )
    return report


def test_a_rate_is_never_rescaled(store: Store) -> None:
    # Stored EUR/USD of January; FRED now answers 0.5 % higher on every day.
    store.write([series("EURUSD=X", JAN, np.full(len(JAN), 1.10), source="fred")])
    before = stored_rows(store, "EURUSD=X")
    off = series("EURUSD=X", ALL, np.full(len(ALL), 1.10 * 1.005), source="fred")
    report = fetch(store, RecordedProvider({"EURUSD=X": off}, name="fred"), "EURUSD=X")
    pd.testing.assert_frame_equal(stored_rows(store, "EURUSD=X"), before)
    feb = store.read(["EURUSD=X"], D(2024, 2, 1), None)
    assert len(feb) == len(ALL) - len(JAN)
    assert "+0.500%" in report.describe() and "never re-based" in report.describe()


def test_rows_outside_the_range_asked_are_not_taken(store: Store) -> None:
    store.write([series("A", JAN, np.full(len(JAN), 10.0), source="yahoo")])
    before = stored_rows(store, "A")
    # The provider answers from 2023 to April whatever it was asked.
    wide = pd.bdate_range("2023-12-01", "2024-04-30")
    sloppy = series("A", wide, np.full(len(wide), 10.0), source="yahoo")

    class Sloppy(RecordedProvider):
        def fetch(self, symbols, start, end):  # type: ignore[no-untyped-def]
            self.calls.append((symbols[0], start, end))
            return [sloppy]

    report = fetch(store, Sloppy({"A": sloppy}, name="yahoo"), "A")
    assert report.ok
    rows = store.read(["A"])
    assert rows["date"].min() == pd.Timestamp("2024-01-02")
    assert rows["date"].max() == pd.Timestamp("2024-02-29")
    pd.testing.assert_frame_equal(stored_rows(store, "A"), before)


def test_an_answer_lacking_a_stored_overlap_day_is_fine(store: Store) -> None:
    store.write([series("A", JAN, np.full(len(JAN), 10.0), source="yahoo")])
    before = stored_rows(store, "A")
    holes = ALL[
        (ALL != pd.Timestamp("2024-01-29")) & (ALL != pd.Timestamp("2024-01-31"))
    ]
    answer = series("A", holes, np.full(len(holes), 10.0), source="yahoo")
    report = fetch(store, RecordedProvider({"A": answer}, name="yahoo"), "A")
    assert report.ok and report.notes == ()
    pd.testing.assert_frame_equal(stored_rows(store, "A"), before)
    assert len(store.read(["A"])) == len(ALL)


def test_a_dividend_after_the_overlap_rebases_the_same_providers_history(
    store: Store,
) -> None:
    # Stored: close 100, adj 50 every January day. Yahoo's new answer holds a
    # 2 % dividend on 2024-02-05 (ex-date), so every earlier adjusted close is
    # re-based by 1 - 2/100 = 0.98: adj 49 on the overlap days.
    store.write(
        [
            series(
                "A",
                JAN,
                np.full(len(JAN), 100.0),
                adj=np.full(len(JAN), 50.0),
                source="yahoo",
            )
        ]
    )
    adj = np.where(ALL < pd.Timestamp("2024-02-05"), 49.0, 50.0)
    div = np.where(ALL == pd.Timestamp("2024-02-05"), 2.0, 0.0)
    answer = series(
        "A", ALL, np.full(len(ALL), 100.0), adj=adj, dividend=div, source="yahoo"
    )
    report = fetch(store, RecordedProvider({"A": answer}, name="yahoo"), "A")
    jan = stored_rows(store, "A")
    np.testing.assert_allclose(jan["adj_close"], 49.0)
    np.testing.assert_array_equal(jan["close"], 100.0)  # a dividend leaves closes
    assert "dividend on 2024-02-05" in report.describe()
    assert (
        f"{len(JAN)} stored days" in report.describe() and "0.98" in report.describe()
    )


def test_a_disagreement_without_a_dividend_changes_nothing(store: Store) -> None:
    store.write([series("A", JAN, np.full(len(JAN), 100.0), source="yahoo")])
    before = stored_rows(store, "A")
    answer = series("A", ALL, np.full(len(ALL), 97.0), source="yahoo")
    report = fetch(store, RecordedProvider({"A": answer}, name="yahoo"), "A")
    pd.testing.assert_frame_equal(stored_rows(store, "A"), before)
    assert (
        "-3.000%" in report.describe() and "no dividend or split" in report.describe()
    )


def test_another_providers_history_is_not_rescaled(store: Store) -> None:
    store.write([series("A", JAN, np.full(len(JAN), 100.0), source="file:a.csv")])
    before = stored_rows(store, "A")
    div = np.where(ALL == pd.Timestamp("2024-02-05"), 2.0, 0.0)
    answer = series("A", ALL, np.full(len(ALL), 98.0), dividend=div, source="yahoo")
    report = fetch(store, RecordedProvider({"A": answer}, name="yahoo"), "A")
    pd.testing.assert_frame_equal(stored_rows(store, "A"), before)
    assert "come from file:a.csv" in report.describe()


def test_a_provider_changing_the_currency_is_refused(store: Store) -> None:
    store.write([series("A", JAN, np.full(len(JAN), 100.0), source="yahoo")])
    before = stored_rows(store, "A", "2024-12-31")
    answer = series("A", ALL, np.full(len(ALL), 100.0), currency="EUR", source="yahoo")
    report = fetch(store, RecordedProvider({"A": answer}, name="yahoo"), "A")
    assert (
        not report.ok
        and "in EUR, but the stored prices are in USD" in report.describe()
    )
    pd.testing.assert_frame_equal(stored_rows(store, "A", "2024-12-31"), before)
    assert store.info("A").currency == "USD"  # type: ignore[union-attr]
