"""Who can read what once the migrations have run: principals, grants and role memberships.

Grants hold the :class:`~crmscan.connectors.migrations_schema.Table` and ``Column`` objects they are on,
so renaming a table or column keeps its grants and dropping one removes them (PostgreSQL semantics; MySQL
would keep a dropped table's grants for a same-named successor, which is not modelled). Each grant and
membership remembers the statement that made it, for :meth:`Access.grant_location`.

Semantics followed, per the databases' documentation:

* ``GRANT ALL`` = SELECT, INSERT, UPDATE, DELETE; ``GRANT ... ON ALL TABLES IN SCHEMA s`` covers the
  tables that exist *at that point* (not later ones);
* PostgreSQL: revoking a table privilege also revokes it on every column; revoking a column privilege
  leaves a table-level grant alone; membership inherits unless the member is NOINHERIT or the grant says
  ``WITH INHERIT FALSE``;
* MySQL: accounts are ``user@host``, roles are named by their user part; a granted role is active
  without ``SET ROLE`` only when it is a default role (``SET DEFAULT ROLE``);
* T-SQL: ``DENY`` is applied as a ``REVOKE`` of the same grant (see the note it adds); membership of
  ``db_datareader``/``db_owner`` (and PostgreSQL's ``pg_read_all_data``) reads every table.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crmscan.connectors import migrations_ops as ops
from crmscan.connectors.migrations_schema import Column, Location, Schema, Table
from crmscan.grants.model import (
    PUBLIC,
    DefaultPrivilege,
    Grant,
    GrantSet,
    GrantSource,
    Membership,
    Principal,
    RlsPolicy,
)

#: GrantSet.source / Grant.source of everything read from migrations.
SOURCE: GrantSource = "migration"
_DML = ("SELECT", "INSERT", "UPDATE", "DELETE")
_READ_EVERYTHING = {"postgres": ("pg_read_all_data",), "tsql": ("db_datareader", "db_owner")}
_DEFAULT_SCHEMAS = ("public", "dbo")


@dataclass(eq=False)
class _Grant:
    principal: str
    privilege: str
    level: str  # global, schema, table, column
    schema: str | None
    table: Table | None
    column: Column | None
    grantable: bool
    location: Location | None


@dataclass(eq=False)
class _Member:
    member: str
    role: str
    inherit: bool | None
    location: Location
    dialect: str


@dataclass(eq=False)
class _Default:
    """One ALTER DEFAULT PRIVILEGES grant still in force: what new tables in *schema* give *grantee*."""

    owner: str | None
    schema: str | None
    object_type: str
    grantee: str
    privilege: str
    grantable: bool
    location: Location


@dataclass(eq=False)
class _Principal:
    name: str
    kind: str
    dialect: str
    location: Location
    can_login: bool | None = None
    superuser: bool = False
    inherit: bool = True
    bypass_rls: bool = False
    host: str | None = None
    flags: tuple[str, ...] = ()


@dataclass
class Access:
    """Principals, grants and memberships as the migrations leave them."""

    schema: Schema
    principals: dict[str, _Principal] = field(default_factory=dict)
    grants: list[_Grant] = field(default_factory=list)
    members: list[_Member] = field(default_factory=list)
    default_roles: dict[str, set[str] | str] = field(default_factory=dict)
    mysql_roles: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    defaults: list[_Default] = field(default_factory=list)

    # -- names -------------------------------------------------------------------------------------

    def name(self, account: ops.Account, dialect: str, *, role: bool = False) -> str:
        """The principal name an account resolves to, following each database's naming."""
        user, host = account
        if user == PUBLIC:
            return PUBLIC
        if dialect == "mysql":
            if role:
                self.mysql_roles.add(user)
            if host is None:
                if user in self.mysql_roles or role:
                    return user
                return f"{user}@%" if f"{user}@%" in self.principals else user
            if host == "%" and user in self.mysql_roles:
                return user
            return f"{user}@{host}"
        if dialect == "tsql":
            known = next((n for n in self.principals if n.casefold() == user.casefold()), None)
            return known or user
        return user

    # -- ops ---------------------------------------------------------------------------------------

    def apply(self, op: object, loc: Location, dialect: str) -> bool:
        handler = _HANDLERS.get(type(op))
        if handler is None:
            return False
        handler(self, op, loc, dialect)
        return True

    def _create(self, op: ops.CreatePrincipals, loc: Location, dialect: str) -> None:
        for spec in op.specs:
            if dialect == "mysql" and spec.kind == "role":
                self.mysql_roles.add(spec.account[0])
            name = self.name(spec.account, dialect)
            principal = _Principal(name, "role", dialect, loc)
            if dialect == "mysql" and spec.kind == "user":
                principal.host = spec.account[1]
                principal.flags = ("any-host",) if spec.account[1] == "%" else ()
                principal.kind = "anonymous" if spec.account[0] == "" else "user"
                principal.can_login = not spec.locked
            else:
                principal.kind = spec.kind if spec.kind in ("user", "group") else "role"
                principal.can_login = bool(spec.login)
            self.principals[name] = principal
            _set_flags(principal, spec)
            for role in op.member_of:
                self._add_member(name, self.name(role, dialect, role=True), None, loc, dialect)
            for member in op.members:
                self._add_member(self.name(member, dialect), name, None, loc, dialect)
            if op.default_roles:
                self.default_roles[name] = {self.name(r, dialect, role=True) for r in op.default_roles}

    def _alter(self, op: ops.AlterPrincipal, loc: Location, dialect: str) -> None:
        name = self.name(op.spec.account, dialect)
        principal = self.principals.get(name)
        if principal is not None:
            _set_flags(principal, op.spec)
        for member in op.add_members:
            self._add_member(self.name(member, dialect), name, None, loc, dialect)
        for member in op.drop_members:
            self._remove_member(self.name(member, dialect), name)
        if op.default_roles is not None:
            self.default_roles[name] = (
                op.default_roles
                if isinstance(op.default_roles, str)
                else {self.name(r, dialect, role=True) for r in op.default_roles}
            )
        if op.rename_to:
            host = op.spec.account[1]
            new = self.name((op.rename_to, host), dialect) if dialect == "mysql" else op.rename_to
            self._rename(name, new)

    def _rename(self, old: str, new: str) -> None:
        principal = self.principals.pop(old, None)
        if principal is not None:
            principal.name = new
            self.principals[new] = principal
        for grant in self.grants:
            if grant.principal == old:
                grant.principal = new
        for member in self.members:
            member.member = new if member.member == old else member.member
            member.role = new if member.role == old else member.role
        if old in self.default_roles:
            self.default_roles[new] = self.default_roles.pop(old)

    def _drop(self, op: ops.DropPrincipals, loc: Location, dialect: str) -> None:
        for account in op.accounts:
            name = self.name(account, dialect)
            self.principals.pop(name, None)
            self.grants = [g for g in self.grants if g.principal != name]
            self.members = [m for m in self.members if name not in (m.member, m.role)]

    def _rename_user(self, op: ops.RenamePrincipal, loc: Location, dialect: str) -> None:
        self._rename(self.name(op.old, dialect), self.name(op.new, dialect))

    def _set_default_roles(self, op: ops.SetDefaultRoles, loc: Location, dialect: str) -> None:
        for user in op.users:
            roles = op.roles
            self.default_roles[self.name(user, dialect)] = (
                roles if isinstance(roles, str) else {self.name(r, dialect, role=True) for r in roles}
            )

    def _roles(self, op: ops.RoleChange, loc: Location, dialect: str) -> None:
        for role_account in op.roles:
            role = self.name(role_account, dialect, role=True)
            for member_account in op.members:
                member = self.name(member_account, dialect)
                if op.action == "grant":
                    self._add_member(member, role, op.inherit, loc, dialect)
                elif not op.option_only:
                    self._remove_member(member, role)

    def _add_member(self, member: str, role: str, inherit: bool | None, loc: Location, dialect: str) -> None:
        for existing in self.members:
            if (existing.member, existing.role) == (member, role):
                existing.inherit = inherit if inherit is not None else existing.inherit
                return
        self.members.append(_Member(member, role, inherit, loc, dialect))

    def _remove_member(self, member: str, role: str) -> None:
        self.members = [m for m in self.members if (m.member, m.role) != (member, role)]

    def _privileges(self, op: ops.PrivilegeChange, loc: Location, dialect: str) -> None:
        grantees = [self.name(a, dialect) for a in op.grantees]
        if op.target.level == "everything":
            self.grants = [g for g in self.grants if g.principal not in grantees]
            return
        if op.target.level == "other":
            return
        if op.action == "deny" and not any("DENY" in note for note in self.notes):
            self.notes.append(
                "T-SQL DENY is applied as a REVOKE of the same grant; a DENY that overrides access granted "
                "through a role or at another level is not modelled, so that access may be overstated"
            )
        for privilege, columns in op.privileges:
            for target in self._targets(op.target, columns, loc):
                for grantee in grantees:
                    if op.action == "grant":
                        for name in _DML if privilege == "ALL" else (privilege,):
                            self._grant(grantee, name, target, op.grant_option, loc)
                    else:
                        self._revoke(grantee, privilege, target, op.grant_option, dialect)

    def _default_privileges(self, op: ops.DefaultPrivilegeChange, loc: Location, dialect: str) -> None:
        """Remembered, and applied to each table created afterwards (whoever runs the migrations is taken
        to be the ``FOR ROLE`` owner: the runner's identity is not in the files)."""
        grantees = [self.name(a, dialect) for a in op.grantees]
        for owner in op.owners or (None,):
            for schema in op.schemas or (None,):
                for grantee in grantees:
                    for privilege in op.privileges:
                        names = _DML if privilege == "ALL" else (privilege,)
                        same = [
                            d
                            for d in self.defaults
                            if (d.owner, d.schema, d.object_type, d.grantee)
                            == (owner, schema, op.object_type, grantee)
                            and (privilege == "ALL" or d.privilege == privilege)
                        ]
                        if op.action == "revoke":
                            for d in same:
                                if op.grant_option:
                                    d.grantable = False
                                else:
                                    self.defaults.remove(d)
                        elif not same or privilege == "ALL":
                            have = {d.privilege for d in same}
                            self.defaults.extend(
                                _Default(owner, schema, op.object_type, grantee, n, op.grant_option, loc)
                                for n in names
                                if n not in have
                            )

    def created(self, table: Table) -> None:
        """A new table or view gets the default privileges for TABLES in its schema."""
        for d in self.defaults:
            if d.object_type == "TABLES" and (d.schema is None or _in_schema(table, d.schema)):
                target = ("table", table.schema, table, None)
                self._grant(d.grantee, d.privilege, target, d.grantable, d.location)

    def _targets(
        self, target: ops.Target, columns: tuple[str, ...] | None, loc: Location
    ) -> list[tuple[str, str | None, Table | None, Column | None]]:
        """(level, schema, table, column) for every object the statement names."""
        if target.level == "global":
            return [("global", None, None, None)]
        if target.level == "schema":
            return [("schema", s, None, None) for s in target.schemas]
        tables: list[Table] = []
        if target.level == "all_tables":
            for schema in target.schemas:
                tables.extend(t for t in self.schema.tables if _in_schema(t, schema))
        else:
            tables = [self.schema.ensure(q, loc) for q in target.tables]
        out: list[tuple[str, str | None, Table | None, Column | None]] = []
        for table in tables:
            if columns is None:
                out.append(("table", table.schema, table, None))
            else:
                out.extend(
                    ("column", table.schema, table, self.schema.column(table, c, loc)) for c in columns
                )
        return out

    def _grant(self, grantee: str, privilege: str, target: tuple, grantable: bool, loc: Location) -> None:
        level, schema, table, column = target
        for grant in self.grants:
            if grant.principal == grantee and grant.privilege == privilege and _same_object(grant, *target):
                grant.grantable |= grantable
                return
        self.grants.append(_Grant(grantee, privilege, level, schema, table, column, grantable, loc))

    def _revoke(self, grantee: str, privilege: str, target: tuple, option_only: bool, dialect: str) -> None:
        level, schema, table, column = target
        keep: list[_Grant] = []
        for grant in self.grants:
            hit = grant.principal == grantee and privilege in ("ALL", grant.privilege)
            hit = hit and (
                _same_object(grant, *target)
                # PostgreSQL: revoking on the table revokes the same privilege on each of its columns
                or (
                    dialect == "postgres"
                    and level == "table"
                    and grant.level == "column"
                    and grant.table is table
                )
            )
            if hit and option_only:
                grant.grantable = False
            if not hit or option_only:
                keep.append(grant)
        self.grants = keep

    # -- results -----------------------------------------------------------------------------------

    def grant_set(self) -> GrantSet:
        """The :class:`GrantSet` the risk engine reads; ``objects`` lists every table's columns."""
        tables = self.schema.tables
        gs = GrantSet(source=SOURCE)
        gs.notes = [
            "grants come from the migration files only: privileges given outside them (by hand, by default "
            "privileges, by the tool that runs the migrations) are not included",
            *self.notes,
        ]
        gs.objects = {(t.schema, t.name): tuple(c.name for c in t.columns) for t in tables}
        gs.rls = {(t.schema, t.name): t.rls_forced for t in tables if t.rls_enabled}
        gs.owners = {(t.schema, t.name): t.owner for t in tables if t.owner}
        gs.policies = [
            RlsPolicy(t.schema, t.name, p.name, p.roles, p.command, p.permissive)
            for t in tables
            for p in t.policies
        ]
        counts = Counter(m.role for m in self.members)
        gs.principals[PUBLIC] = Principal(PUBLIC, "public")
        for p in self.principals.values():
            kind = "superuser" if p.superuser else p.kind
            members = counts.get(p.name, 0) if kind in ("role", "group") else None
            gs.principals[p.name] = Principal(
                p.name,
                kind,  # type: ignore[arg-type]
                member_count=members,
                can_login=p.can_login,
                bypass_rls=p.bypass_rls or p.superuser,
                host=p.host,
                flags=p.flags,
            )
        gs.memberships = [Membership(m.member, m.role, self._inherits(m)) for m in self.members]
        alive = {id(t): {id(c) for c in t.columns} for t in tables}
        for g in self.grants:
            if g.table is not None and id(g.table) not in alive:
                continue  # dropped (a same-named table created later is another object)
            if g.table is not None and g.column is not None and id(g.column) not in alive[id(g.table)]:
                continue
            for schema in self._grant_schemas(g, tables):
                gs.grants.append(
                    Grant(
                        g.principal,
                        g.privilege,
                        g.level,  # type: ignore[arg-type]
                        SOURCE,
                        schema,
                        g.table.name if g.table else None,
                        g.column.name if g.column else None,
                        g.grantable,
                    )
                )
        grouped: dict[tuple[str, str | None, str, str], list[str]] = {}
        for d in self.defaults:
            key = (d.owner or "CURRENT_USER", d.schema, d.object_type.lower().rstrip("s"), d.grantee)
            grouped.setdefault(key, []).append(d.privilege)
        gs.default_privileges = [
            DefaultPrivilege(owner, schema, kind, grantee, tuple(sorted(privs)))
            for (owner, schema, kind, grantee), privs in grouped.items()
        ]
        for role in self._read_everything_roles():
            gs.grants.append(Grant(role, "SELECT", "global", SOURCE, basis="predefined-role"))
        return gs

    def _grant_schemas(self, grant: _Grant, tables: list[Table]) -> list[str | None]:
        if grant.table is not None:
            return [grant.table.schema]
        if grant.level != "schema":
            return [None]
        schema = grant.schema
        used = {(t.schema or "").casefold() for t in tables}
        if schema is None:
            return [None]
        if schema.casefold() in _DEFAULT_SCHEMAS or schema.casefold() not in used:
            # public/dbo, or a MySQL database the migrations never name: their unqualified tables
            return [schema, None]
        return [schema]

    def _inherits(self, member: _Member) -> bool:
        if member.dialect == "mysql":
            defaults = self.default_roles.get(member.member, set())
            return defaults == "ALL" or (isinstance(defaults, set) and member.role in defaults)
        if member.inherit is not None:
            return member.inherit
        principal = self.principals.get(member.member)
        return principal.inherit if principal is not None else True

    def _read_everything_roles(self) -> list[str]:
        found = []
        for dialect, roles in _READ_EVERYTHING.items():
            for m in self.members:
                if m.dialect == dialect and m.role.casefold() in roles and m.role not in found:
                    found.append(m.role)
        return found

    def grant_location(
        self, principal: str, table: Table, column: Column | None = None, privilege: str = "SELECT"
    ) -> Location | None:
        """Where the GRANT that gives *principal* this access is: a direct grant first (the most specific
        one), else the grant to a role *principal* belongs to (nearest role first, PUBLIC last), else the
        membership that put it in a role that reads everything."""
        seen = {principal}
        queue: deque[tuple[str, Location | None]] = deque([(principal, None)])
        while queue:
            name, via = queue.popleft()
            found = self._direct(name, table, column, privilege)
            if found is not None:
                return found
            if via is not None and name.casefold() in {r for rs in _READ_EVERYTHING.values() for r in rs}:
                return via
            for m in self.members:
                if m.member == name and m.role not in seen:
                    seen.add(m.role)
                    queue.append((m.role, m.location))
            if not queue and PUBLIC not in seen:
                seen.add(PUBLIC)
                queue.append((PUBLIC, None))
        return None

    def _direct(self, name: str, table: Table, column: Column | None, privilege: str) -> Location | None:
        order = {"column": 0, "table": 1, "schema": 2, "global": 3}
        hits = []
        for g in self.grants:
            if g.principal != name or g.privilege != privilege:
                continue
            if g.level == "column" and column is not None and g.column is column:
                hits.append(g)
            elif g.level == "table" and g.table is table:
                hits.append(g)
            elif g.level == "schema" and table.schema in self._grant_schemas(g, self.schema.tables):
                hits.append(g)
            elif g.level == "global":
                hits.append(g)
        hits.sort(key=lambda g: order[g.level])
        return hits[0].location if hits else None

    def membership_location(self, member: str, role: str) -> Location | None:
        return next((m.location for m in self.members if (m.member, m.role) == (member, role)), None)


def _set_flags(principal: _Principal, spec: ops.PrincipalSpec) -> None:
    if spec.login is not None:
        principal.can_login = spec.login
        if principal.kind in ("role", "user") and principal.dialect == "postgres":
            principal.kind = "user" if spec.login else "role"
    if spec.superuser is not None:
        principal.superuser = spec.superuser
    if spec.inherit is not None:
        principal.inherit = spec.inherit
    if spec.bypass_rls is not None:
        principal.bypass_rls = spec.bypass_rls


def _same_object(
    grant: _Grant, level: str, schema: str | None, table: Table | None, column: Column | None
) -> bool:
    if grant.level != level:
        return False
    if level == "schema":
        return (grant.schema or "").casefold() == (schema or "").casefold()
    return grant.table is table and grant.column is column


def _in_schema(table: Table, schema: str | None) -> bool:
    if schema is None or table.schema is None:
        return table.schema is None and (schema is None or schema.casefold() in _DEFAULT_SCHEMAS)
    return table.schema.casefold() == schema.casefold()


_HANDLERS: dict[type, Callable[[Access, Any, Location, str], None]] = {
    ops.CreatePrincipals: Access._create,
    ops.AlterPrincipal: Access._alter,
    ops.DropPrincipals: Access._drop,
    ops.RenamePrincipal: Access._rename_user,
    ops.SetDefaultRoles: Access._set_default_roles,
    ops.RoleChange: Access._roles,
    ops.PrivilegeChange: Access._privileges,
    ops.DefaultPrivilegeChange: Access._default_privileges,
}
