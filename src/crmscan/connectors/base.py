"""The connector interface.

A connector lists tables, describes their columns, counts rows and draws a uniform random sample,
pushing the sampling down to the source so that a 50 M-row table or a 5 GB CSV is never read whole.
Connectors are opened by :func:`crmscan.connectors.registry.open_source` and used as context managers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

    from crmscan.model import ColumnInfo, RowCount, TableRef


@runtime_checkable
class Connector(Protocol):
    """A source of tables and samples.

    ``label`` identifies the source in reports; it must never contain a password (database URLs are
    passed through :func:`crmscan.errors.redact_url`).

    Every method that touches one table raises :class:`crmscan.errors.ConnectorError` naming the source
    and table, so the scan can record the failure and go on with the other tables.
    """

    label: str

    def tables(self) -> list[TableRef]:
        """All tables (and views, sheets, files) this source holds, in a stable order."""
        ...

    def columns(self, table: TableRef) -> list[ColumnInfo]:
        """Column names, types and comments, without reading rows where the source allows."""
        ...

    def row_count(self, table: TableRef) -> RowCount:
        """Exact row count when cheap, otherwise an estimate (``exact=False``)."""
        ...

    def sample(self, table: TableRef, n: int, seed: int) -> pd.DataFrame:
        """Up to *n* rows drawn uniformly at random with *seed*; all rows if the table is smaller.

        Columns come back in schema order. Values may be of any type; the classifier normalises them.
        """
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...
