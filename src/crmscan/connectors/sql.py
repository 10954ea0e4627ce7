"""SQL databases (SQLite, PostgreSQL, MySQL/MariaDB) as a Connector, over SQLAlchemy 2.

This module owns what is the same for every database: URL handling, the engine and its pool (one
connection per worker thread, so the scan may sample several tables at once), per-table caches, and
turning driver exceptions into one-line :class:`~crmscan.errors.ConnectorError` messages. What differs
per database lives in the ``sql_<dialect>.py`` helpers behind
:class:`~crmscan.connectors.sql_dialect.SqlDialect`.

Every session is read-only by construction (the database itself refuses writes), every statement has a
time limit, and no identifier is ever pasted into SQL text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from crmscan.connectors.sql_dialect import EXACT_COUNT_LIMIT, SqlDialect, table_clause
from crmscan.errors import ConnectorError, UsageError, redact_url, safe_message
from crmscan.model import ColumnInfo, RowCount, TableRef

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.sql import Select

    from crmscan.grants.model import GrantSet

_DEFAULT_DRIVERS = {"postgresql": "psycopg", "mysql": "pymysql", "mariadb": "pymysql"}
_SECRET_KEY = re.compile(r"pass|secret|token|key", re.IGNORECASE)
_SUPPORTED = (
    "crmscan reads SQLite, PostgreSQL and MySQL/MariaDB URLs, e.g. sqlite:///crm.db, "
    "postgresql://user@host/db, mysql://user@host/db"
)


def normalise_url(raw: str) -> URL:
    """Parse *raw* and pick crmscan's drivers for plain ``postgresql://``/``mysql://`` URLs.

    Raises:
        UsageError: not a URL, or a database family crmscan has no dialect helper for.
    """
    try:
        url = make_url(raw)
    except (sa.exc.ArgumentError, ValueError):
        raise UsageError(f"{redact_url(raw)}: not a database URL; {_SUPPORTED}") from None
    backend, _, driver = url.drivername.partition("+")
    if backend == "postgres":  # Heroku-style alias SQLAlchemy no longer accepts
        backend = "postgresql"
    if backend not in ("sqlite", "postgresql", "mysql", "mariadb"):
        raise UsageError(f"{redacted_label(raw)}: {backend} is not supported; {_SUPPORTED}")
    driver = driver or _DEFAULT_DRIVERS.get(backend, "")
    return url.set(drivername=f"{backend}+{driver}" if driver else backend)


def redacted_label(raw: str) -> str:
    """The URL as shown in reports: password and secret-looking query parameters replaced by ``***``."""
    try:
        url = make_url(raw)
    except (sa.exc.ArgumentError, ValueError):
        return redact_url(raw)
    query = {key: ("***" if _SECRET_KEY.search(key) else value) for key, value in url.query.items()}
    return redact_url(url.set(query=query).render_as_string(hide_password=True))


def _dialect_for(url: URL, query_timeout: float | None) -> SqlDialect:
    backend = url.get_backend_name()
    if backend == "sqlite":
        from crmscan.connectors.sql_sqlite import SqliteDialect

        return SqliteDialect(query_timeout)
    if backend == "postgresql":
        from crmscan.connectors.sql_postgres import PostgresDialect

        return PostgresDialect(query_timeout)
    from crmscan.connectors.sql_mysql import MysqlDialect

    return MysqlDialect(query_timeout)


def _driver_text(exc: BaseException) -> str:
    """The driver's own one-line message, without the SQL and parameters SQLAlchemy appends."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if primary:
        return str(primary)
    if len(exc.args) >= 2 and isinstance(exc.args[0], int):  # PyMySQL: (errno, message)
        return f"{exc.args[0]} {exc.args[1]}"
    lines = str(exc).splitlines()
    return lines[0] if lines else ""


def _safe(exc: BaseException) -> str:
    """:func:`safe_message` of the driver's first line, keeping the driver's exception class name."""
    proxy = type(type(exc).__name__, (Exception,), {})(_driver_text(exc))
    return safe_message(proxy)


class SqlConnector:
    """Reads one SQL database.

    Args:
        url: SQLAlchemy URL; ``postgresql://`` and ``mysql://`` get the psycopg and PyMySQL drivers.
        label: how the source is named in reports; defaults to the URL with its password hidden.
        schema: scan only this schema (MySQL: database). Default: every user schema (PostgreSQL), the
            URL's database or every user database (MySQL), ``main`` (SQLite).
        query_timeout: seconds any one statement may run before the database stops it; None = no limit.
    """

    def __init__(
        self,
        url: str,
        *,
        label: str | None = None,
        schema: str | None = None,
        query_timeout: float | None = 30.0,
    ) -> None:
        self.label = label or redacted_label(url)
        parsed = normalise_url(url)
        self.query_timeout = query_timeout
        self._dialect = _dialect_for(parsed, query_timeout)
        self._schema = (
            self._dialect.check_schema(schema) if schema is not None else self._dialect.default_schema(parsed)
        )
        self._engine = self._dialect.create_engine(parsed)
        self._lock = threading.Lock()
        self._columns: dict[TableRef, list[ColumnInfo]] = {}
        self._counts: dict[TableRef, RowCount] = {}
        try:
            with self._engine.connect() as conn:
                self._dialect.ping(conn)
        except sa.exc.SQLAlchemyError as exc:
            self._engine.dispose()
            raise self._error(exc, None, "connecting to") from None

    # -- plumbing ---------------------------------------------------------------------------------

    @property
    def dialect(self) -> str:
        """``sqlite``, ``postgresql`` or ``mysql`` (MariaDB included)."""
        return self._dialect.name

    @property
    def schema(self) -> str | None:
        """The schema (MySQL: database) the scan is limited to, or None for all."""
        return self._schema

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A pooled read-only connection, for grant introspection and tests; errors are not wrapped."""
        with self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _reading(self, table: TableRef | None, action: str) -> Iterator[None]:
        try:
            yield
        except sa.exc.SQLAlchemyError as exc:
            raise self._error(exc, table, action) from None

    def _error(self, exc: BaseException, table: TableRef | None, action: str) -> ConnectorError:
        orig = getattr(exc, "orig", None) or exc
        kind = self._dialect.classify(orig)
        where = " ".join(table.qualified_name.split()) if table else ""  # a name may hold a newline
        safe = _safe(orig)
        if kind == "connection" or (table is None and action == "connecting to"):
            return ConnectorError(f"{self.label}: cannot connect ({safe}); {self._dialect.connect_advice}")
        target = f"{action} {where}".strip() if where else f"{action} the database"
        if kind == "permission":
            return ConnectorError(
                f"{self.label}: permission denied on {where or 'the catalog'}; grant SELECT on it to the "
                f"scanning account or exclude the table with --exclude ({safe})"
            )
        if kind == "timeout":
            limit = f"longer than {self.query_timeout:g} s" if self.query_timeout else "too long"
            return ConnectorError(
                f"{self.label}: {target} took {limit} and was stopped; raise --query-timeout or exclude the "
                "table with --exclude"
            )
        if kind == "missing":
            return ConnectorError(
                f"{self.label}: {where or 'an object'} cannot be read: it refers to a table, column or "
                f"function that does not exist (a broken view?); fix it or exclude it with --exclude ({safe})"
            )
        if kind == "readonly":
            return ConnectorError(
                f"{self.label}: the database refused a write while {target}; crmscan only reads, please "
                f"report this ({safe})"
            )
        return ConnectorError(
            f"{self.label}: {target} failed ({safe}); check it or exclude it with --exclude"
        )

    # -- Connector protocol ------------------------------------------------------------------------

    def tables(self) -> list[TableRef]:
        """User tables and views, sorted by schema then name."""
        with self._reading(None, "listing the tables of"), self._engine.connect() as conn:
            rows = self._dialect.list_tables(conn, self._schema)
        refs = [
            TableRef(source=self.label, name=name, schema=schema, kind=kind) for schema, name, kind in rows
        ]
        return sorted(refs, key=lambda ref: (ref.schema or "", ref.name, ref.kind))

    def columns(self, table: TableRef) -> list[ColumnInfo]:
        """Column names, normalised and native types, comments; from the catalog, no rows read."""
        with self._lock:
            cached = self._columns.get(table)
        if cached is not None:
            return list(cached)
        with self._reading(table, "reading the columns of"), self._engine.connect() as conn:
            cols = self._dialect.list_columns(conn, table)
            if not cols:
                # MySQL lists no columns for a broken view; querying it yields the real reason.
                probe: Select[Any] = sa.select(sa.literal_column("*")).select_from(
                    table_clause(table.schema, table.name, [])
                )
                conn.execute(probe.limit(0)).all()
        if not cols:
            raise ConnectorError(
                f"{self.label}: {table.qualified_name} has no readable columns (dropped, broken or not "
                "visible to the scanning account); check it or exclude it with --exclude"
            )
        with self._lock:
            self._columns[table] = cols
        return list(cols)

    def row_count(self, table: TableRef) -> RowCount:
        """Exact ``COUNT(*)`` when the estimate is below ~1 M rows (SQLite: always), else the statistics.

        A count that hits the time limit falls back to the estimate, or to ``value=None``
        (``method="unknown"``) when there is none.
        """
        with self._lock:
            cached = self._counts.get(table)
        if cached is not None:
            return cached
        estimate: int | None = None
        if not self._dialect.always_count():
            with self._reading(table, "estimating the rows of"), self._engine.connect() as conn:
                estimate = self._dialect.estimate_rows(conn, table)
        if estimate is not None and estimate >= EXACT_COUNT_LIMIT:
            result = RowCount(estimate, exact=False, method="metadata")
        else:
            result = self._exact_count(table, estimate)
        with self._lock:
            self._counts[table] = result
        return result

    def _exact_count(self, table: TableRef, estimate: int | None) -> RowCount:
        stmt = sa.select(sa.func.count()).select_from(table_clause(table.schema, table.name, []))
        try:
            with self._engine.connect() as conn:
                return RowCount(int(conn.execute(stmt).scalar_one()), exact=True, method="count")
        except sa.exc.DBAPIError as exc:
            if self._dialect.classify(exc.orig or exc) != "timeout":
                raise self._error(exc, table, "counting the rows of") from None
        if estimate is not None:
            return RowCount(estimate, exact=False, method="metadata")
        return RowCount(None, exact=False, method="unknown")

    def sample(self, table: TableRef, n: int, seed: int) -> pd.DataFrame:
        """Up to *n* rows drawn uniformly with *seed* inside the database; same seed, same rows."""
        cols = self.columns(table)
        names = [col.name for col in cols]
        if n <= 0:
            return pd.DataFrame(columns=names, dtype=object)
        try:
            rows_hint = self.row_count(table).value
        except ConnectorError:
            rows_hint = None  # the sample query will report the underlying problem itself
        clause = table_clause(table.schema, table.name, names)
        with self._reading(table, "sampling"), self._engine.connect() as conn:
            rows = self._dialect.sample_rows(conn, clause, table, n, seed, rows_hint)
        # object dtype: keep card numbers, leading-zero ids and Decimals exactly as the database sent them
        return pd.DataFrame([tuple(row) for row in rows], columns=names, dtype=object)

    def grants(self) -> GrantSet | None:
        """Who can read what, from the database's own catalogs; None for SQLite (it has no grants)."""
        with self._reading(None, "reading the grants of"), self._engine.connect() as conn:
            return self._dialect.read_grants(conn, self._schema)

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> SqlConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
