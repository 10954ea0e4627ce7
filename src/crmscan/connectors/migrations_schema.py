"""The schema a sequence of migrations leaves behind, built by applying their DDL ops in order.

Every table and column remembers the statement (file, line) that last introduced or changed it, so a CI
finding can point at ``migrations/002_add_ssn.sql:4``. Tables and columns are objects with identity:
grants hold on to them (see :mod:`crmscan.connectors.migrations_grants`), so a rename carries its grants
along and a DROP takes them away, as in PostgreSQL.

Migrations are often scanned partially (only the files a pull request adds), so a statement about a
table no earlier statement created — ``ALTER TABLE customers ADD COLUMN ssn`` — still records the table
and what the statement says about it. Names match case-insensitively; an unqualified name matches a
qualified table of the same name when that is the only candidate (``customers`` = ``public.customers``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crmscan.connectors import migrations_ops as ops
from crmscan.connectors.sql_types import normalise_type

Location = tuple[str, int]
_DEFAULT_SCHEMAS = ("public", "dbo")
#: Types :func:`normalise_type` has no rule for (T-SQL's, mostly).
_EXTRA_TYPES = {"uniqueidentifier": "string", "ntext": "string", "sysname": "string", "rowversion": "binary"}


def data_type(native: str, dialect: str) -> str:
    """crmscan's type vocabulary for a type as written in a migration (``[nvarchar](50)`` included)."""
    bare = re.sub(r'["`]', "", native).strip()
    if dialect == "tsql":
        bare = re.sub(r"\[([^\]]*)\]", r"\1", bare)
    if not bare:
        return "unknown"
    base = bare.lower().split("(")[0].strip()
    if dialect == "tsql" and base == "timestamp":  # T-SQL timestamp is rowversion, not a time
        return "binary"
    found = normalise_type(bare, sqlite=dialect == "sqlite")
    return _EXTRA_TYPES.get(base, found) if found == "unknown" else found


@dataclass(eq=False)
class Column:
    name: str
    native_type: str
    data_type: str
    location: Location
    comment: str | None = None
    nullable: bool | None = None


@dataclass(eq=False)
class Policy:
    name: str
    permissive: bool
    command: str
    roles: tuple[str, ...]


@dataclass(eq=False)
class Table:
    schema: str | None
    name: str
    kind: str
    location: Location
    columns: list[Column] = field(default_factory=list)
    comment: str | None = None
    owner: str | None = None
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: list[Policy] = field(default_factory=list)
    implicit: bool = False  # known only from a statement about it, not from its CREATE

    def column(self, name: str) -> Column | None:
        key = name.casefold()
        return next((c for c in self.columns if c.name.casefold() == key), None)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


class Schema:
    """Tables in creation order, with the ops of :mod:`migrations_ddl` (and policies) applied to them."""

    def __init__(self) -> None:
        self.tables: list[Table] = []
        self.default_schema: str | None = None
        #: The table the last op created (not replaced), for default privileges; reset by the caller.
        self.created: Table | None = None

    # -- lookup ------------------------------------------------------------------------------------

    def find(self, qname: ops.QName) -> Table | None:
        schema, name = qname
        same = [t for t in self.tables if t.name.casefold() == name.casefold()]
        if not same:
            return None
        want = (schema if schema is not None else self.default_schema or "").casefold()
        exact = [t for t in same if (t.schema or "").casefold() == want]
        if exact:
            return exact[0]
        if not want or want in _DEFAULT_SCHEMAS:
            # unqualified (or public/dbo): the table in the default schema, else the only one of that name
            default = [t for t in same if t.schema is None or t.schema.casefold() in _DEFAULT_SCHEMAS]
            if default:
                return default[0]
            return same[0] if len(same) == 1 and schema is None else None
        # a schema no table of that name is in: the unqualified one (MySQL crm.customers = customers)
        unqualified = [t for t in same if t.schema is None]
        return unqualified[0] if len(unqualified) == 1 else None

    def ensure(self, qname: ops.QName, loc: Location, kind: str = "table") -> Table:
        """The table *qname*, recorded from this statement if no earlier one created it."""
        table = self.find(qname)
        if table is None:
            table = Table(qname[0] or self.default_schema, qname[1], kind, loc, implicit=True)
            self.tables.append(table)
        return table

    def column(self, table: Table, name: str, loc: Location) -> Column:
        """Column *name* of *table*, recorded (type unknown) from this statement if not known yet."""
        column = table.column(name)
        if column is None:
            column = Column(name, "", "unknown", loc)
            table.columns.append(column)
        return column

    # -- ops ---------------------------------------------------------------------------------------

    def apply(self, op: object, loc: Location, dialect: str) -> bool:
        """Apply one op; False when the op is not a schema op (the caller passes it on)."""
        handler = _HANDLERS.get(type(op))
        if handler is None:
            return False
        handler(self, op, loc, dialect)
        return True

    def _create(self, op: ops.CreateTable, loc: Location, dialect: str) -> None:
        existing = self.find(op.table)
        if existing is not None and op.if_not_exists and not existing.implicit:
            return
        columns = self._build_columns(op, loc, dialect)
        if existing is not None and (op.replace or existing.implicit):
            existing.kind, existing.columns, existing.location = op.kind, columns, loc
            existing.implicit = False
            existing.comment = op.comment if op.comment is not None else existing.comment
            return
        if existing is not None:
            self.tables.remove(existing)
        self.created = Table(
            op.table[0] or self.default_schema, op.table[1], op.kind, loc, columns, op.comment
        )
        self.tables.append(self.created)

    def _build_columns(self, op: ops.CreateTable, loc: Location, dialect: str) -> list[Column]:
        columns: list[Column] = []
        for source in op.copy_from:
            parent = self.find(source)
            if parent is not None:
                columns.extend(_copy(c, loc) for c in parent.columns)
        for spec in op.columns:
            columns.append(
                Column(
                    spec.name,
                    spec.native_type,
                    data_type(spec.native_type, dialect),
                    loc,
                    spec.comment,
                    spec.nullable,
                )
            )
        if op.select is not None:
            columns.extend(self._projected(op, loc, dialect))
        if op.names:
            if op.select is None and not columns:
                columns = [Column(name, "", "unknown", loc) for name in op.names]
            for column, name in zip(columns, op.names, strict=False):
                column.name = name
        seen: set[str] = set()
        unique = []
        for column in columns:
            if column.name.casefold() not in seen:
                seen.add(column.name.casefold())
                unique.append(column)
        return unique

    def _projected(self, op: ops.CreateTable, loc: Location, dialect: str) -> list[Column]:
        sources = [self.find(q) for q in op.sources]
        out: list[Column] = []
        for proj in op.select or ():
            if proj.star:
                tables = [self.find(proj.table)] if proj.table else sources
                for table in tables:
                    if table is not None:
                        out.extend(_copy(c, loc) for c in table.columns)
                continue
            base = None
            if proj.column:
                candidates = [self.find(proj.table)] if proj.table else sources
                base = next((t.column(proj.column) for t in candidates if t and t.column(proj.column)), None)
            if proj.name is None:
                continue
            if base is not None:
                out.append(Column(proj.name, base.native_type, base.data_type, loc, None, base.nullable))
            else:
                native = proj.native_type or ""
                out.append(Column(proj.name, native, data_type(native, dialect), loc))
        return out

    def _add_column(self, op: ops.AddColumn, loc: Location, dialect: str) -> None:
        table = self.ensure(op.table, loc)
        spec = op.column
        existing = table.column(spec.name)
        if existing is not None and op.if_not_exists:
            return
        column = Column(
            spec.name,
            spec.native_type,
            data_type(spec.native_type, dialect),
            loc,
            spec.comment,
            spec.nullable,
        )
        if existing is not None:
            table.columns[table.columns.index(existing)] = column
        else:
            table.columns.insert(_position(table, spec.after), column)

    def _drop_column(self, op: ops.DropColumn, loc: Location, dialect: str) -> None:
        table = self.find(op.table)
        column = table.column(op.column) if table else None
        if table is not None and column is not None:
            table.columns.remove(column)

    def _change_column(self, op: ops.ChangeColumn, loc: Location, dialect: str) -> None:
        table = self.ensure(op.table, loc)
        column = self.column(table, op.column, loc)
        if op.new_name is not None and op.new_name != column.name:
            clash = table.column(op.new_name)
            if clash is not None and clash is not column:
                table.columns.remove(clash)
            column.name = op.new_name
            column.location = loc
        if op.after is not None and column in table.columns:
            table.columns.remove(column)
            table.columns.insert(_position(table, op.after), column)
        if op.redefine or op.native_type:
            column.native_type = op.native_type or ""
            column.data_type = data_type(column.native_type, dialect)
            column.location = loc
        if op.redefine or op.nullable is not None:
            column.nullable = op.nullable
        if op.redefine:  # MySQL MODIFY/CHANGE replace the whole definition, comment included
            column.comment = None if ops.keep_comment(op.comment) else op.comment  # type: ignore[assignment]
        elif not ops.keep_comment(op.comment):
            column.comment = op.comment  # type: ignore[assignment]

    def _rename_table(self, op: ops.RenameTable, loc: Location, dialect: str) -> None:
        table = self.find(op.table)
        if table is None:
            self.ensure(op.new, loc)
            return
        clash = self.find(op.new)
        if clash is not None and clash is not table:
            self.tables.remove(clash)
        table.name = op.new[1]
        if op.new[0] is not None:
            table.schema = op.new[0]
        table.location = loc

    def _drop_tables(self, op: ops.DropTables, loc: Location, dialect: str) -> None:
        for qname in op.tables:
            table = self.find(qname)
            if table is not None:
                self.tables.remove(table)

    def _comment(self, op: ops.SetComment, loc: Location, dialect: str) -> None:
        table = self.ensure(op.table, loc)
        if op.column is None:
            table.comment = op.text
        else:
            self.column(table, op.column, loc).comment = op.text

    def _row_security(self, op: ops.SetRowSecurity, loc: Location, dialect: str) -> None:
        table = self.ensure(op.table, loc)
        if op.enabled is not None:
            table.rls_enabled = op.enabled
        if op.forced is not None:
            table.rls_forced = op.forced

    def _owner(self, op: ops.SetOwner, loc: Location, dialect: str) -> None:
        self.ensure(op.table, loc).owner = op.owner

    def _default_schema(self, op: ops.SetDefaultSchema, loc: Location, dialect: str) -> None:
        self.default_schema = op.schema

    def _create_policy(self, op: ops.CreatePolicy, loc: Location, dialect: str) -> None:
        table = self.ensure(op.table, loc)
        table.policies = [p for p in table.policies if p.name != op.name]
        table.policies.append(Policy(op.name, op.permissive, op.command, op.roles))

    def _drop_policy(self, op: ops.DropPolicy, loc: Location, dialect: str) -> None:
        table = self.find(op.table)
        if table is not None:
            table.policies = [p for p in table.policies if p.name != op.name]

    def _alter_policy(self, op: ops.AlterPolicy, loc: Location, dialect: str) -> None:
        table = self.find(op.table)
        policy = next((p for p in table.policies if p.name == op.name), None) if table else None
        if policy is None:
            return
        if op.rename_to:
            policy.name = op.rename_to
        if op.roles is not None:
            policy.roles = op.roles


def _position(table: Table, after: str | None) -> int:
    """Where a MySQL ``FIRST`` / ``AFTER col`` puts a column; the end otherwise."""
    if after is None:
        return len(table.columns)
    if after == "":
        return 0
    anchor = table.column(after)
    return table.columns.index(anchor) + 1 if anchor is not None else len(table.columns)


def _copy(column: Column, loc: Location) -> Column:
    return Column(column.name, column.native_type, column.data_type, loc, None, column.nullable)


_HANDLERS: dict[type, Callable[[Schema, Any, Location, str], None]] = {
    ops.CreateTable: Schema._create,
    ops.AddColumn: Schema._add_column,
    ops.DropColumn: Schema._drop_column,
    ops.ChangeColumn: Schema._change_column,
    ops.RenameTable: Schema._rename_table,
    ops.DropTables: Schema._drop_tables,
    ops.SetComment: Schema._comment,
    ops.SetRowSecurity: Schema._row_security,
    ops.SetOwner: Schema._owner,
    ops.SetDefaultSchema: Schema._default_schema,
    ops.CreatePolicy: Schema._create_policy,
    ops.DropPolicy: Schema._drop_policy,
    ops.AlterPolicy: Schema._alter_policy,
}
