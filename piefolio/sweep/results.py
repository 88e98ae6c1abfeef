"""Sweep results kept for SQL: tables of their own, apart from the prices.

A sweep's rows are written to the ``results`` schema of the store's DuckDB file
(``SELECT * FROM results.sweep_<pie>_starts``), never beside the price tables:
a results table can be replaced at will, the prices never are. Each write
replaces its table whole, in one transaction, or leaves it as it was.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from piefolio.errors import StoreError

if TYPE_CHECKING:
    from piefolio.data.store import Store

__all__ = ["SCHEMA", "write_results"]

#: The DuckDB schema that holds every results table.
SCHEMA = "results"

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def write_results(store: Store, name: str, rows: pd.DataFrame) -> str:
    """Replace the results table ``name`` with ``rows``.

    Parameters
    ----------
    store : Store
        The store whose file holds the ``results`` schema.
    name : str
        Table name: a letter, then letters, digits and underscores.
    rows : pd.DataFrame
        The rows, written whole.

    Returns
    -------
    str
        The qualified name to query, ``results.<name>``.

    Raises
    ------
    StoreError
        A name that is not an identifier, or the store cannot be written.
    """
    if not _NAME.match(name):
        raise StoreError(
            f"results table {name!r}: expected letters, digits and underscores"
        )
    with store.session(write=True) as con:
        con.begin()
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
        con.register("incoming", rows)
        con.execute(
            f'CREATE OR REPLACE TABLE "{SCHEMA}"."{name}" AS SELECT * FROM incoming'
        )
        con.unregister("incoming")
        con.commit()
    return f"{SCHEMA}.{name}"
