"""MySQL and MariaDB: read-only sessions, ``information_schema`` metadata, ``RAND(seed)`` sampling.

A MySQL "schema" is a database. When the URL names a database only that one is scanned (that is what a
user who types ``mysql://host/crm`` means); without one, every non-system database is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.sql.elements import quoted_name

from crmscan.connectors.sql_dialect import KEY_LABEL, SMALL_TABLE_ROWS, ErrorKind, SqlDialect
from crmscan.connectors.sql_sampling import bernoulli_fraction, probe_integer_keys, subsample
from crmscan.connectors.sql_types import normalise_type
from crmscan.model import ColumnInfo

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.sql.expression import ColumnClause, TableClause

    from crmscan.grants.model import GrantSet
    from crmscan.model import TableKind, TableRef

SYSTEM_SCHEMAS = frozenset({"mysql", "information_schema", "performance_schema", "sys"})

_TABLES = sa.text(
    """
    SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES
    WHERE TABLE_TYPE IN ('BASE TABLE', 'VIEW', 'SYSTEM VERSIONED')
      AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
      AND (:schema IS NULL OR TABLE_SCHEMA = :schema)
    """
)

_COLUMNS = sa.text(
    """
    SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_COMMENT FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :name ORDER BY ORDINAL_POSITION
    """
)

_ESTIMATE = sa.text(
    "SELECT TABLE_ROWS, TABLE_TYPE FROM information_schema.TABLES "
    "WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :name"
)

_PRIMARY_KEY = sa.text(
    """
    SELECT k.COLUMN_NAME, c.DATA_TYPE FROM information_schema.KEY_COLUMN_USAGE k
    JOIN information_schema.COLUMNS c
      ON c.TABLE_SCHEMA = k.TABLE_SCHEMA AND c.TABLE_NAME = k.TABLE_NAME AND c.COLUMN_NAME = k.COLUMN_NAME
    WHERE k.CONSTRAINT_NAME = 'PRIMARY' AND k.TABLE_SCHEMA = :schema AND k.TABLE_NAME = :name
    """
)

_INTEGER_TYPES = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}
_MIN_DENSITY = 0.2
_PERMISSION = {1044, 1142, 1143, 1227, 1370}
_TIMEOUT = {1969, 3024, 1317, 1205, 1028}
_MISSING = {1146, 1356, 1054, 1049, 1305, 1109}
_CONNECTION = {1045, 1040, 1129, 1130, 2002, 2003, 2005, 2006, 2013}


class MysqlDialect(SqlDialect):
    """MySQL 8 and MariaDB 10.4+ through PyMySQL."""

    name = "mysql"

    def create_engine(self, url: URL) -> Engine:
        """Every pooled connection starts with a read-only session and a statement time limit."""
        engine = sa.create_engine(
            url, pool_pre_ping=True, pool_size=4, max_overflow=4, connect_args={"connect_timeout": 10}
        )
        event.listen(engine, "connect", self._on_connect)
        return engine

    def _on_connect(self, dbapi_conn: Any, record: Any) -> None:
        cur = dbapi_conn.cursor()
        try:
            cur.execute("SET SESSION TRANSACTION READ ONLY")
            if self.query_timeout:
                if "mariadb" in str(dbapi_conn.get_server_info()).lower():
                    cur.execute(f"SET SESSION max_statement_time = {self.query_timeout:.3f}")
                else:  # MySQL: milliseconds, applies to SELECT only (which is all crmscan runs)
                    cur.execute(f"SET SESSION max_execution_time = {max(1, int(self.query_timeout * 1000))}")
        finally:
            cur.close()

    def default_schema(self, url: URL) -> str | None:
        """The database named in the URL, if any."""
        return url.database or None

    def list_tables(self, conn: Connection, schema: str | None) -> list[tuple[str | None, str, TableKind]]:
        """Base tables, system-versioned tables and views; sequences and system views are skipped."""
        rows = conn.execute(_TABLES, {"schema": schema}).all()
        return [(db, name, "view" if kind == "VIEW" else "table") for db, name, kind in rows]

    def list_columns(self, conn: Connection, ref: TableRef) -> list[ColumnInfo]:
        """Columns with ``COLUMN_TYPE`` (``tinyint(1)``, ``varchar(64)``) and ``COLUMN_COMMENT``."""
        rows = conn.execute(_COLUMNS, {"schema": ref.schema, "name": ref.name}).all()
        return [
            ColumnInfo(
                name=name,
                data_type=normalise_type(_text(native)),
                native_type=_text(native),
                comment=_text(comment) or None,
                nullable=nullable == "YES",
            )
            for name, native, nullable, comment in rows
        ]

    def estimate_rows(self, conn: Connection, ref: TableRef) -> int | None:
        """``TABLES.TABLE_ROWS``: exact for MyISAM, an estimate for InnoDB, NULL for views."""
        row = conn.execute(_ESTIMATE, {"schema": ref.schema, "name": ref.name}).first()
        if row is None or row[0] is None or row[1] == "VIEW":
            return None
        return int(row[0])

    def sample_rows(
        self, conn: Connection, table: TableClause, ref: TableRef, n: int, seed: int, rows: int | None
    ) -> list[Sequence[Any]]:
        """``ORDER BY RAND(seed)`` for small tables; key probing or a ``RAND(seed) < p`` pass for big ones."""
        rand = sa.func.rand(sa.literal_column(str(seed % 2**32)))
        if ref.kind == "table" and rows is not None and rows > SMALL_TABLE_ROWS:
            probed = self._probe(conn, table, ref, n, seed, rows)
            if probed is not None:
                return probed
            fraction = bernoulli_fraction(n, rows)
            while fraction < 0.5:
                stmt = sa.select(*table.c).where(rand < sa.literal_column(repr(fraction)))
                got = list(conn.execute(stmt).all())
                if len(got) >= n:
                    return subsample(got, n, seed)
                fraction *= 4  # TABLE_ROWS overestimated the table
        stmt = sa.select(*table.c).order_by(rand).limit(n)
        return list(conn.execute(stmt).all())

    def _probe(
        self, conn: Connection, table: TableClause, ref: TableRef, n: int, seed: int, rows: int
    ) -> list[Sequence[Any]] | None:
        keys = conn.execute(_PRIMARY_KEY, {"schema": ref.schema, "name": ref.name}).all()
        if len(keys) != 1 or str(keys[0][1]).lower() not in _INTEGER_TYPES:
            return None
        pk: ColumnClause[Any] = sa.column(quoted_name(keys[0][0], True))
        lo, hi = conn.execute(sa.select(sa.func.min(pk), sa.func.max(pk)).select_from(table)).one()
        if lo is None or rows / (int(hi) - int(lo) + 1) < _MIN_DENSITY:
            return None

        def fetch(batch: list[int]) -> dict[int, Sequence[Any]]:
            stmt = sa.select(pk.label(KEY_LABEL), *table.c).select_from(table).where(pk.in_(batch))
            return {int(row[0]): tuple(row[1:]) for row in conn.execute(stmt)}

        return probe_integer_keys(fetch, int(lo), int(hi), n, seed, rows / (int(hi) - int(lo) + 1))

    def read_grants(self, conn: Connection, schema: str | None) -> GrantSet | None:
        """See :func:`crmscan.grants.mysql.read_grants`."""
        from crmscan.grants.mysql import read_grants

        return read_grants(conn, schema)

    def classify(self, exc: BaseException) -> ErrorKind:
        """By server error number (``exc.args[0]`` in PyMySQL)."""
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
        if code in _PERMISSION:
            return "permission"
        if code in _TIMEOUT:
            return "timeout"
        if code in _MISSING:
            return "missing"
        if code == 1792:
            return "readonly"
        if code in _CONNECTION:
            return "connection"
        return "other"


def _text(value: object) -> str:
    """information_schema returns bytes for some columns on some server/driver combinations."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)
