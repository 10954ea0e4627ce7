"""PostgreSQL: read-only sessions, ``pg_catalog`` metadata, ``TABLESAMPLE BERNOULLI ... REPEATABLE``.

Catalog queries read ``pg_class``/``pg_attribute`` directly rather than ``information_schema``, which
hides objects the scanning role has no privilege on (so a missing grant would look like a missing table)
and carries no comments or row estimates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event

from crmscan.connectors.sql_dialect import SMALL_TABLE_ROWS, ErrorKind, SqlDialect
from crmscan.connectors.sql_sampling import bernoulli_fraction
from crmscan.connectors.sql_types import normalise_type
from crmscan.model import ColumnInfo

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.sql.expression import ColumnElement, TableClause

    from crmscan.grants.model import GrantSet
    from crmscan.model import TableKind, TableRef

_TABLES = sa.text(
    """
    SELECT n.nspname, c.relname, c.relkind
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
      AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
      AND (CAST(:schema AS text) IS NULL OR n.nspname = CAST(:schema AS text))
    """
)

_COLUMNS = sa.text(
    """
    SELECT a.attname,
           pg_catalog.format_type(a.atttypid, a.atttypmod) AS native,
           CASE WHEN t.typtype = 'e' THEN 'enum'
                WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod)
                ELSE pg_catalog.format_type(a.atttypid, a.atttypmod) END AS base,
           NOT a.attnotnull AS nullable,
           pg_catalog.col_description(c.oid, a.attnum) AS comment
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    WHERE n.nspname = :schema AND c.relname = :name AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attnum
    """
)

_RELATION = sa.text(
    """
    SELECT c.oid, c.relkind, c.reltuples, c.relpages
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = :schema AND c.relname = :name
    """
)

# A partitioned parent keeps no statistics of its own: add up its leaf partitions.
_PARTITIONS = sa.text(
    """
    SELECT COALESCE(sum(c.reltuples) FILTER (WHERE c.reltuples >= 0), 0), bool_or(c.reltuples < 0)
    FROM pg_catalog.pg_partition_tree(CAST(:oid AS oid)) p JOIN pg_catalog.pg_class c ON c.oid = p.relid
    WHERE p.isleaf
    """
)

_CONNECTION_CLASSES = ("08", "28", "3D", "53", "57P")
_MISSING = {"42P01", "42703", "42883", "42704", "3F000", "42P02"}


class PostgresDialect(SqlDialect):
    """PostgreSQL through psycopg 3."""

    name = "postgresql"

    def create_engine(self, url: URL) -> Engine:
        """Every pooled connection starts with a read-only session and a statement timeout."""
        engine = sa.create_engine(
            url,
            pool_pre_ping=True,
            pool_size=4,
            max_overflow=4,
            connect_args={"connect_timeout": 10, "application_name": "crmscan"},
        )
        event.listen(engine, "connect", self._on_connect)
        return engine

    def _on_connect(self, dbapi_conn: Any, record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            # Session-level, so it survives the commit below and applies to every later transaction.
            cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            if self.query_timeout:
                cur.execute(f"SET statement_timeout = {max(1, int(self.query_timeout * 1000))}")
        dbapi_conn.commit()

    def list_tables(self, conn: Connection, schema: str | None) -> list[tuple[str | None, str, TableKind]]:
        """Tables, partitioned parents, views, materialized views and foreign tables; no partitions."""
        rows = conn.execute(_TABLES, {"schema": schema}).all()
        return [(nsp, rel, "view" if kind in ("v", "m") else "table") for nsp, rel, kind in rows]

    def list_columns(self, conn: Connection, ref: TableRef) -> list[ColumnInfo]:
        """Columns with domains resolved to their base type and ``COMMENT ON COLUMN`` text."""
        rows = conn.execute(_COLUMNS, {"schema": ref.schema, "name": ref.name}).all()
        return [
            ColumnInfo(
                name=name,
                data_type=normalise_type(base),
                native_type=native,
                comment=comment or None,
                nullable=nullable,
            )
            for name, native, base, nullable, comment in rows
        ]

    def _relation(self, conn: Connection, ref: TableRef) -> tuple[int, str, float, int] | None:
        row = conn.execute(_RELATION, {"schema": ref.schema, "name": ref.name}).first()
        return None if row is None else (int(row[0]), str(row[1]), float(row[2]), int(row[3]))

    def estimate_rows(self, conn: Connection, ref: TableRef) -> int | None:
        """``pg_class.reltuples``; None for views and tables never analysed (-1, or 0 with no pages)."""
        rel = self._relation(conn, ref)
        if rel is None:
            return None
        oid, kind, tuples, pages = rel
        if kind == "p":
            total, unknown = conn.execute(_PARTITIONS, {"oid": oid}).one()
            return None if unknown else int(total)
        if kind not in ("r", "m") or tuples < 0 or (tuples == 0 and pages == 0):
            return None
        return int(tuples)

    def sample_rows(
        self, conn: Connection, table: TableClause, ref: TableRef, n: int, seed: int, rows: int | None
    ) -> list[Sequence[Any]]:
        """``TABLESAMPLE BERNOULLI(p) REPEATABLE(seed)`` on big tables, a seeded hash order elsewhere."""
        rel = self._relation(conn, ref)
        kind = rel[1] if rel else "v"
        physical = kind in ("r", "p", "m")
        if physical and rows is not None and rows > SMALL_TABLE_ROWS:
            percent = 100.0 * bernoulli_fraction(n, rows)
            while True:
                sampled = sa.tablesample(
                    table,
                    sa.func.bernoulli(sa.literal_column(repr(percent))),
                    name="crmscan_s",
                    seed=sa.literal_column(str(int(seed))),
                )
                stmt = sa.select(*sampled.c).order_by(_row_hash(physical, seed)).limit(n)
                got: list[Sequence[Any]] = list(conn.execute(stmt).all())
                if len(got) >= n or percent >= 100.0:
                    return got
                percent = min(100.0, percent * 4)  # statistics were stale: the table is smaller
        alias = table.alias("crmscan_s")
        stmt = sa.select(*alias.c).order_by(_row_hash(physical, seed)).limit(n)
        return list(conn.execute(stmt).all())

    def read_grants(self, conn: Connection, schema: str | None) -> GrantSet | None:
        """See :func:`crmscan.grants.postgres.read_grants`."""
        from crmscan.grants.postgres import read_grants

        return read_grants(conn, schema)

    def classify(self, exc: BaseException) -> ErrorKind:
        """By SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html)."""
        state = getattr(exc, "sqlstate", None) or ""
        if state == "42501":
            return "permission"
        if state in ("57014", "55P03"):
            return "timeout"
        if state in _MISSING:
            return "missing"
        if state == "25006":
            return "readonly"
        if state.startswith(_CONNECTION_CLASSES):
            return "connection"
        # psycopg raises OperationalError without SQLSTATE when the server cannot be reached at all.
        if not state and type(exc).__name__ == "OperationalError":
            return "connection"
        return "other"


def _row_hash(physical: bool, seed: int) -> ColumnElement[Any]:
    """``md5(<row identity> || seed)`` over alias ``crmscan_s``.

    Physical relations use ``tableoid`` + ``ctid`` (no column privilege needed, unique across partitions);
    views and foreign tables have neither, so the whole row's text is hashed instead.
    """
    ident: ColumnElement[Any]
    if physical:
        ident = sa.literal_column("crmscan_s.tableoid::text || ':' || crmscan_s.ctid::text")
    else:
        ident = sa.cast(sa.literal_column("crmscan_s"), sa.Text)
    return sa.func.md5(ident.op("||")(sa.literal(f":{int(seed)}", sa.Text)))
