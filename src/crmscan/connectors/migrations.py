"""SQL migration files as a source: the schema and grants they produce, without a database.

Made for CI gating of schema changes: ``crmscan scan migrations/`` (or a pull request's new ``.sql``
files) classifies the columns the migrations create — by name, type and comment, as there are no rows — and
reports who can read them, each finding pointing at the file and line that introduced the column or
granted the access.

Files are applied in migration order: a folder's ``*.sql`` files sorted by natural name (``2_x`` before
``10_x``), Flyway-aware (``V1__``, ``V1.1__``, ``V2__``, then repeatable ``R__`` files; ``U`` undo files
and golang-migrate ``.down.sql`` files skipped); files named one by one are applied in the order given.
Each file's dialect (PostgreSQL, MySQL, SQLite, T-SQL) is detected from its syntax unless one is given.

The pipeline, one module each:

* :mod:`~crmscan.connectors.migrations_text` — decoding, client directives (``GO``, ``DELIMITER``, psql
  backslash commands, dbmate/goose down sections), dialect hints;
* :mod:`~crmscan.connectors.migrations_split` — sqlglot tokens cut into statements (T-SQL blocks too);
* :mod:`~crmscan.connectors.migrations_parse` — each statement routed to a reader, or checked by sqlglot;
* :mod:`~crmscan.connectors.migrations_ddl`, :mod:`~crmscan.connectors.migrations_select`,
  :mod:`~crmscan.connectors.migrations_access`, :mod:`~crmscan.connectors.migrations_tsql` — the readers,
  over :mod:`~crmscan.connectors.migrations_tokens`, producing :mod:`~crmscan.connectors.migrations_ops`;
* :mod:`~crmscan.connectors.migrations_schema` and :mod:`~crmscan.connectors.migrations_grants` — the
  state the ops leave, with the file and line behind every column and grant.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from crmscan.connectors.migrations_grants import Access
from crmscan.connectors.migrations_parse import parse_file
from crmscan.connectors.migrations_schema import Location, Schema, Table
from crmscan.connectors.migrations_text import MigrationError, canonical_dialect, decode
from crmscan.errors import ConnectorError
from crmscan.grants.model import GrantSet
from crmscan.model import ColumnInfo, RowCount, TableRef

__all__ = ["MigrationConnector", "MigrationError", "migration_files"]

_FLYWAY = re.compile(r"^(?P<kind>[VRU])(?P<version>\d+(?:[._]\d+)*)?__(?P<rest>.*)$", re.IGNORECASE)


def _natural(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(
        (0, int(t), "") if t.isdigit() else (1, 0, t.casefold()) for t in re.findall(r"\d+|\D+", text)
    )


def _order_key(name: str) -> tuple[int, tuple[tuple[int, int, str], ...], str]:
    match = _FLYWAY.match(name)
    if match and match["kind"].upper() == "V" and match["version"]:
        version = tuple((0, int(part), "") for part in re.split(r"[._]", match["version"]))
        return 0, version, name
    if match and match["kind"].upper() == "R" and not match["version"]:
        return 1, _natural(match["rest"]), name
    return 0, _natural(name), name


def _is_rollback(name: str) -> bool:
    match = _FLYWAY.match(name)
    return name.lower().endswith(".down.sql") or bool(
        match and match["kind"].upper() == "U" and match["version"]
    )


def migration_files(paths: list[Path]) -> list[tuple[Path, str]]:
    """(file, name shown in messages) in the order they are applied.

    The shown name is the path as given: ``migrations/002_add_ssn.sql`` for a folder given as
    ``migrations``, forward slashes on every platform (it goes into CI annotations).
    """
    out: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise MigrationError(f"{path.as_posix()}: no such file or folder")
        if path.is_dir():
            found = sorted(
                (
                    f
                    for f in path.iterdir()
                    if f.is_file() and f.suffix.lower() == ".sql" and not _is_rollback(f.name)
                ),
                key=lambda f: _order_key(f.name),
            )
            if not found:
                raise MigrationError(f"{path.as_posix()}: no .sql migration files in this folder")
            batch = [(f, (path / f.name).as_posix()) for f in found]
        else:
            batch = [(path, path.as_posix())]
        for file, shown in batch:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                out.append((file, shown))
    return out


class MigrationConnector:
    """Tables, columns and grants that a set of SQL migration files leaves behind.

    All files are read and applied when the connector is created, so a file that does not parse fails
    the source at once with a one-line :class:`MigrationError` (``file:line: ...``, exit code 2). There are
    no rows: :meth:`row_count` says so and :meth:`sample` returns an empty frame with the columns.
    """

    def __init__(
        self, paths: list[Path] | Path | str, dialect: str | None = None, *, label: str | None = None
    ):
        given = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
        if not given:
            raise MigrationError("no migration files given")
        self.label = label or ", ".join(str(p) for p in given)
        self._dialect = canonical_dialect(dialect) if dialect else None
        self.files = migration_files(given)
        #: The dialect each file was read as, by shown name.
        self.dialects: dict[str, str] = {}
        self._schema = Schema()
        self._access = Access(self._schema)
        for path, shown in self.files:
            self._apply_file(path, shown)

    def _apply_file(self, path: Path, shown: str) -> None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise MigrationError(
                f"{shown}: cannot read the file ({exc.strerror or type(exc).__name__})"
            ) from None
        previous = next(reversed(self.dialects.values()), None)
        dialect, statements = parse_file(decode(raw, shown), shown, self._dialect, prefer=previous)
        self.dialects[shown] = dialect
        for statement in statements:
            loc: Location = (statement.file, statement.line)
            for op in statement.ops:
                try:
                    if not self._schema.apply(op, loc, statement.dialect):
                        self._access.apply(op, loc, statement.dialect)
                    if self._schema.created is not None:
                        self._access.created(self._schema.created)
                        self._schema.created = None
                except Exception as exc:  # noqa: BLE001 - a crmscan bug must not surface as a traceback
                    raise MigrationError(
                        f"{shown}:{statement.line}: cannot apply statement (internal error "
                        f"{type(exc).__name__}); please report it with the statement"
                    ) from None

    # -- Connector protocol ----------------------------------------------------------------------------

    def tables(self) -> list[TableRef]:
        """Tables and views the migrations leave, sorted by schema then name."""
        refs = [
            TableRef(self.label, t.name, t.schema, "view" if t.kind == "view" else "table")
            for t in self._schema.tables
        ]
        return sorted(refs, key=lambda ref: (ref.schema or "", ref.name, ref.kind))

    def columns(self, table: TableRef) -> list[ColumnInfo]:
        """Columns in definition order with normalised and native types, comments and nullability."""
        found = self._table(table)
        return [ColumnInfo(c.name, c.data_type, c.native_type, c.comment, c.nullable) for c in found.columns]

    def row_count(self, table: TableRef) -> RowCount:
        """Migrations hold no rows."""
        self._table(table)
        return RowCount(None, False, "none")

    def sample(self, table: TableRef, n: int, seed: int) -> pd.DataFrame:
        """An empty frame with the table's columns: classification works from names, types and comments."""
        return pd.DataFrame(columns=[c.name for c in self.columns(table)], dtype=object)

    def grants(self) -> GrantSet:
        """Principals, grants and memberships as the migrations leave them; ``objects`` lists every table."""
        return self._access.grant_set()

    def close(self) -> None:
        """Nothing to release: the files were read when the connector was created."""

    def __enter__(self) -> MigrationConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- where things come from ------------------------------------------------------------------------

    def location(self, table: str | TableRef, column: str | None = None) -> Location | None:
        """(file, 1-based line) of the statement that last created, renamed or retyped *column* — or, with
        no column, the table itself; None if the migrations do not define it."""
        found = self._find(table)
        if found is None:
            return None
        if column is None:
            return found.location
        col = found.column(column)
        return col.location if col is not None else None

    def grant_location(
        self, principal: str, table: str | TableRef, column: str | None = None, privilege: str = "SELECT"
    ) -> Location | None:
        """(file, line) of the GRANT that gives *principal* *privilege* on *table* (or *column*): a direct
        grant (column, then table, schema, global), else one to a role it belongs to, PUBLIC last."""
        found = self._find(table)
        if found is None:
            return None
        col = found.column(column) if column is not None else None
        if column is not None and col is None:
            return None
        return self._access.grant_location(principal, found, col, privilege)

    def membership_location(self, member: str, role: str) -> Location | None:
        """(file, line) of the statement that made *member* a member of *role*."""
        return self._access.membership_location(member, role)

    def table_comment(self, table: str | TableRef) -> str | None:
        found = self._find(table)
        return found.comment if found is not None else None

    def _find(self, table: str | TableRef) -> Table | None:
        if isinstance(table, TableRef):
            return self._exact(table.schema, table.name)
        exact = next((t for t in self._schema.tables if t.qualified_name == table), None)
        if exact is not None:
            return exact
        schema, _, name = table.rpartition(".")
        return self._schema.find((schema or None, name))

    def _exact(self, schema: str | None, name: str) -> Table | None:
        return next((t for t in self._schema.tables if (t.schema, t.name) == (schema, name)), None)

    def _table(self, table: TableRef) -> Table:
        found = self._exact(table.schema, table.name)
        if found is None:
            raise ConnectorError(
                f"{self.label}: table {table.qualified_name} is not defined by the migrations"
            )
        return found
