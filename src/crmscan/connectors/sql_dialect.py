"""What differs between SQLite, PostgreSQL and MySQL, behind one small interface.

:class:`crmscan.connectors.sql.SqlConnector` holds the SQLAlchemy engine, caching, threading and error
wrapping; a :class:`SqlDialect` answers only the questions whose SQL differs per database: how to open a
read-only session, where the catalog lists tables and comments, how to estimate a row count and how to
draw a seeded random sample without reading the whole table.

Identifiers are never pasted into SQL text: tables are SQLAlchemy ``TableClause`` objects built by
:func:`table_clause` with every name force-quoted, and catalog look-ups pass names as bound parameters.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import sqlalchemy as sa
from sqlalchemy.sql.elements import quoted_name

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.sql.expression import ColumnClause, TableClause

    from crmscan.grants.model import GrantSet
    from crmscan.model import ColumnInfo, TableKind, TableRef

ErrorKind = Literal["permission", "timeout", "missing", "connection", "readonly", "other"]

#: Row-count estimates below this are replaced by an exact ``COUNT(*)`` (cheap at that size).
EXACT_COUNT_LIMIT = 1_000_000
#: Tables up to this many rows are sampled by ordering every row by a seeded hash; bigger ones use the
#: dialect's block/key sampling so the sort never sees the whole table.
SMALL_TABLE_ROWS = 100_000
#: How much more than *n* the Bernoulli-style samplers ask for, so that one round usually suffices.
OVERSAMPLE = 1.5

#: Name of the helper column the samplers add; chosen so it cannot clash with a real CRM column.
KEY_LABEL = "__crmscan_key"


def table_clause(schema: str | None, name: str, columns: Sequence[str]) -> TableClause:
    """A ``TableClause`` whose schema, table and column names are always quoted.

    Forcing quotes keeps mixed-case names exact and turns a hostile name such as
    ``x"; DROP TABLE y; --`` into an ordinary (if odd) identifier.
    """
    cols: list[ColumnClause[Any]] = [sa.column(quoted_name(col, True)) for col in columns]
    return sa.table(
        quoted_name(name, True), *cols, schema=quoted_name(schema, True) if schema is not None else None
    )


class SqlDialect(ABC):
    """One database family's catalog queries, session settings and sampler."""

    name: ClassVar[str]
    #: What to check when the database cannot be opened at all.
    connect_advice: ClassVar[str] = (
        "check host, port, database name, credentials and that the server is running"
    )
    #: Schemas that never hold CRM data (catalogs, the server's own tables).
    system_schemas: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, query_timeout: float | None) -> None:
        self.query_timeout = query_timeout

    @abstractmethod
    def create_engine(self, url: URL) -> Engine:
        """An engine whose every pooled connection is read-only and has a statement timeout."""

    def ping(self, conn: Connection) -> None:
        """Fail now, at open time, if the database cannot be used at all."""
        conn.execute(sa.text("SELECT 1")).all()

    def check_schema(self, schema: str | None) -> str | None:
        """Validate the user's ``--schema``; returns the value to filter on."""
        return schema

    def default_schema(self, url: URL) -> str | None:
        """The schema to scan when the user named none (``None`` = every user schema)."""
        return None

    @abstractmethod
    def list_tables(self, conn: Connection, schema: str | None) -> list[tuple[str | None, str, TableKind]]:
        """``(schema, name, kind)`` of every user table and view, optionally of one schema."""

    @abstractmethod
    def list_columns(self, conn: Connection, ref: TableRef) -> list[ColumnInfo]:
        """Columns of one table in schema order; empty when the table does not exist."""

    def estimate_rows(self, conn: Connection, ref: TableRef) -> int | None:
        """A statistics-based row estimate, or ``None`` when the database keeps none for this object."""
        return None

    def always_count(self) -> bool:
        """True when ``COUNT(*)`` is the only way to know a row count (SQLite)."""
        return False

    @abstractmethod
    def sample_rows(
        self, conn: Connection, table: TableClause, ref: TableRef, n: int, seed: int, rows: int | None
    ) -> list[Sequence[Any]]:
        """Up to *n* rows chosen uniformly at random with *seed*, columns in ``table.c`` order.

        *rows* is the best known row count (exact or estimated) or ``None``.
        """

    @abstractmethod
    def classify(self, exc: BaseException) -> ErrorKind:
        """Sort a DBAPI exception into the few cases that call for different advice."""

    def read_grants(self, conn: Connection, schema: str | None) -> GrantSet | None:
        """Grants, roles and row policies from the catalogs; None where the database has no grants."""
        return None
