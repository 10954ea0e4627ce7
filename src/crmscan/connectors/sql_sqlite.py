"""SQLite: read-only file URI, catalog from ``pragma_table_list``/``pragma_table_xinfo``, seeded sampling.

SQLite genuinely differs from the servers in three ways that this module handles:

* there is no server to enforce read-only sessions, so the file is opened through a ``file:...?mode=ro``
  URI (a write fails with "attempt to write a readonly database") plus ``PRAGMA query_only``;
* there is no statement timeout, so a progress handler interrupts a statement after ``query_timeout``;
* ``ORDER BY random()`` cannot be seeded, so rows are ordered by a 32-bit integer hash of their rowid (or,
  for views and WITHOUT ROWID tables, their row number) and the seed, computed in SQL; big rowid tables
  are sampled by probing random rowids (:func:`crmscan.connectors.sql_sampling.probe_integer_keys`).
"""

from __future__ import annotations

import os
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import QueuePool

from crmscan.connectors.sql_dialect import KEY_LABEL, SMALL_TABLE_ROWS, ErrorKind, SqlDialect
from crmscan.connectors.sql_sampling import probe_integer_keys
from crmscan.connectors.sql_types import normalise_type
from crmscan.errors import ConnectorError, UsageError
from crmscan.model import ColumnInfo

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.sql.expression import ColumnClause, Label, TableClause

    from crmscan.model import TableKind, TableRef

_MASK = "4294967295"
_HASH_LABEL = "__crmscan_hash"
_DEADLINE = "crmscan_deadline"
# How many SQLite VM instructions run between two deadline checks: cheap, still sub-millisecond.
_PROGRESS_STEPS = 20_000
#: Below this share of existing rowids in [min, max], probing wastes too many look-ups.
_MIN_DENSITY = 0.2


def hash_steps(seed: int) -> list[Callable[[str], str]]:
    """SQL builders for a well-mixed 32-bit hash of an integer key and *seed*, one step per subquery.

    SQLite has no hash function and turns integer overflow into floating point, so this is the 32-bit
    integer finaliser of https://stackoverflow.com/a/12996028 with 32-bit masks (products stay below
    2**59) and XOR spelled ``(a | b) - (a & b)``. XOR names its operand four times, so each step runs in
    its own non-flattened subquery; inlined, the expression would grow 64-fold. Builders take trusted
    SQL (a column this module named); *seed* is folded into a 32-bit salt in Python.
    """
    salt = (seed * 0x9E3779B9 + 0x7F4A7C15) & 0xFFFFFFFF

    def xorshift(e: str) -> str:
        return f"((({e}) >> 16) | ({e})) - ((({e}) >> 16) & ({e}))"

    def first(key: str) -> str:
        start = f"((({key}) & {_MASK}) + {salt}) & {_MASK}"
        return f"(({xorshift(start)}) * 73244475) & {_MASK}"

    def middle(x: str) -> str:
        return f"(({xorshift(x)}) * 73244475) & {_MASK}"

    def last(x: str) -> str:
        return f"({xorshift(x)})"

    return [first, middle, last]


class SqliteDialect(SqlDialect):
    """SQLite through the standard library's ``sqlite3``."""

    name = "sqlite"
    connect_advice = "check that the file is a SQLite database and that it is readable"

    def create_engine(self, url: URL) -> Engine:
        """Open the database file read-only; refuse in-memory databases (nothing to scan)."""
        database = url.database or ""
        if database.startswith("file:"):
            database = urllib.parse.unquote(database[5:].split("?", 1)[0])
        if not database or database == ":memory:":
            raise UsageError(
                "sqlite: an in-memory database is empty when crmscan opens it; give a file such as sqlite:///crm.db"
            )
        path = os.path.abspath(database)
        if not os.path.isfile(path):
            raise ConnectorError(f"{database}: no such SQLite database file; check the path")
        uri = f"file:{urllib.parse.quote(path)}?mode=ro"

        def creator() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, check_same_thread=False)

        engine = sa.create_engine("sqlite+pysqlite://", creator=creator, poolclass=QueuePool, pool_size=4)
        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "before_cursor_execute", self._arm_deadline)
        return engine

    def _on_connect(self, dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.execute("PRAGMA query_only = ON")
        deadline: list[float | None] = [None]
        record.info[_DEADLINE] = deadline
        if self.query_timeout:

            def interrupt() -> int:
                limit = deadline[0]
                return 1 if limit is not None and time.monotonic() > limit else 0

            dbapi_conn.set_progress_handler(interrupt, _PROGRESS_STEPS)

    def _arm_deadline(
        self, conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any
    ) -> None:
        # Rows are produced while fetching, so the deadline covers execute and fetch of this statement.
        deadline = conn.info.get(_DEADLINE)
        if deadline is not None and self.query_timeout:
            deadline[0] = time.monotonic() + self.query_timeout

    def ping(self, conn: Connection) -> None:
        """Read the schema table: opening a file that is not a database only fails on first read."""
        conn.execute(sa.text("SELECT count(*) FROM sqlite_master")).all()

    def check_schema(self, schema: str | None) -> str | None:
        """SQLite has one schema worth scanning, ``main``; it is reported as no schema."""
        if schema in (None, "main"):
            return None
        raise UsageError(f"SQLite databases have a single schema 'main'; --schema {schema} does not exist")

    def list_tables(self, conn: Connection, schema: str | None) -> list[tuple[str | None, str, TableKind]]:
        """Tables, virtual tables and views of ``main``; FTS shadow tables and ``sqlite_*`` are skipped."""
        try:
            rows = conn.execute(
                sa.text(
                    "SELECT name, type FROM pragma_table_list "
                    "WHERE schema = 'main' AND type IN ('table', 'view', 'virtual')"
                )
            ).all()
        except sa.exc.OperationalError:  # SQLite < 3.37
            rows = conn.execute(
                sa.text("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')")
            ).all()
        out: list[tuple[str | None, str, TableKind]] = []
        for name, kind in rows:
            if name.lower().startswith("sqlite_"):
                continue
            out.append((None, name, "view" if kind == "view" else "table"))
        return out

    def list_columns(self, conn: Connection, ref: TableRef) -> list[ColumnInfo]:
        """Declared columns; hidden columns of virtual tables are left out, generated ones kept."""
        rows = conn.execute(
            sa.text('SELECT name, type, "notnull", hidden FROM pragma_table_xinfo(:name)'), {"name": ref.name}
        ).all()
        return [
            ColumnInfo(
                name=name,
                data_type=normalise_type(native or "", sqlite=True),
                native_type=native or "",
                comment=None,
                nullable=None if ref.kind == "view" else not notnull,
            )
            for name, native, notnull, hidden in rows
            if hidden != 1
        ]

    def always_count(self) -> bool:
        """SQLite keeps no row statistics unless ANALYZE ran; counting is the only reliable figure."""
        return True

    def sample_rows(
        self, conn: Connection, table: TableClause, ref: TableRef, n: int, seed: int, rows: int | None
    ) -> list[Sequence[Any]]:
        """Probe rowids for big dense tables, otherwise order every row by a seeded hash."""
        key = self._rowid_alias(conn, table) if ref.kind == "table" else None
        if key is not None and rows is not None and rows > SMALL_TABLE_ROWS:
            probed = self._probe(conn, table, key, n, seed, rows)
            if probed is not None:
                return probed
        key_expr = sa.literal_column(key) if key else sa.func.row_number().over()
        names = [col.name for col in table.c]
        # LIMIT -1 keeps SQLite from flattening the subqueries, so each hash step is computed once.
        level = (
            sa.select(*table.c, key_expr.label(KEY_LABEL)).select_from(table).limit(-1).subquery("crmscan_s0")
        )
        column = KEY_LABEL
        for depth, step in enumerate(hash_steps(seed), start=1):
            mixed: Label[Any] = sa.literal_column(step(f"crmscan_s{depth - 1}.{column}")).label(_HASH_LABEL)
            level = (
                sa.select(*[level.c[name] for name in names], level.c[KEY_LABEL], mixed)
                .limit(-1)
                .subquery(f"crmscan_s{depth}")
            )
            column = _HASH_LABEL
        stmt = (
            sa.select(*[level.c[name] for name in names])
            .order_by(level.c[_HASH_LABEL], level.c[KEY_LABEL])
            .limit(n)
        )
        return list(conn.execute(stmt).all())

    def _rowid_alias(self, conn: Connection, table: TableClause) -> str | None:
        """A name that reaches the rowid (a column may shadow ``rowid``), or None for WITHOUT ROWID."""
        taken = {col.name.lower() for col in table.c}
        for alias in ("rowid", "_rowid_", "oid"):
            if alias in taken:
                continue
            try:
                conn.execute(sa.select(sa.literal_column(alias)).select_from(table).limit(0)).all()
            except sa.exc.OperationalError:
                return None
            return alias
        return None

    def _probe(
        self, conn: Connection, table: TableClause, key: str, n: int, seed: int, rows: int
    ) -> list[Sequence[Any]] | None:
        rowid: ColumnClause[Any] = sa.literal_column(key)
        lo, hi = conn.execute(sa.select(sa.func.min(rowid), sa.func.max(rowid)).select_from(table)).one()
        if lo is None or rows / (hi - lo + 1) < _MIN_DENSITY:
            return None

        def fetch(keys: list[int]) -> dict[int, Sequence[Any]]:
            stmt = sa.select(rowid.label(KEY_LABEL), *table.c).select_from(table).where(rowid.in_(keys))
            return {row[0]: tuple(row[1:]) for row in conn.execute(stmt)}

        return probe_integer_keys(fetch, lo, hi, n, seed, rows / (hi - lo + 1))

    def classify(self, exc: BaseException) -> ErrorKind:
        """sqlite3 has no error codes in its Python exceptions before 3.11's ``sqlite_errorname``."""
        text = str(exc).lower()
        if "interrupted" in text:
            return "timeout"
        if "readonly" in text or "read-only" in text or "query_only" in text:
            return "readonly"
        if "no such" in text or "malformed" in text:
            return "missing"
        if "not authorized" in text or "permission" in text:
            return "permission"
        if "unable to open" in text or "not a database" in text:
            return "connection"
        return "other"
