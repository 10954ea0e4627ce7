"""What each migration statement does, as data: the vocabulary between the statement readers
(:mod:`~crmscan.connectors.migrations_ddl`, :mod:`~crmscan.connectors.migrations_select`,
:mod:`~crmscan.connectors.migrations_access`, :mod:`~crmscan.connectors.migrations_tsql`) and the state
they change (:mod:`~crmscan.connectors.migrations_schema`, :mod:`~crmscan.connectors.migrations_grants`).

Names are as the database stores them (PostgreSQL's unquoted names already folded to lower case). A table
is ``(schema or None, name)``; a principal is ``(name, host)``, the host being MySQL's (``'app'@'%'``).
"""

from __future__ import annotations

from dataclasses import dataclass

QName = tuple[str | None, str]
Account = tuple[str, str | None]
_KEEP = object()


def keep_comment(value: object) -> bool:
    """True when a :class:`ChangeColumn` leaves the comment as it was."""
    return value is _KEEP


# -- tables and columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnDef:
    name: str
    native_type: str
    nullable: bool | None = None
    comment: str | None = None
    after: str | None = None  # MySQL ADD ... AFTER col; "" = FIRST


@dataclass(frozen=True)
class Projection:
    """One output column of a view's SELECT: a copy of ``table.column``, a typed expression, or ``*``."""

    name: str | None
    table: QName | None = None
    column: str | None = None
    native_type: str | None = None
    star: bool = False


@dataclass(frozen=True)
class CreateTable:
    table: QName
    kind: str = "table"
    columns: tuple[ColumnDef, ...] = ()
    copy_from: tuple[QName, ...] = ()  # LIKE / PARTITION OF / INHERITS: their columns come first
    select: tuple[Projection, ...] | None = None  # views and CREATE TABLE AS
    sources: tuple[QName, ...] = ()  # the SELECT's FROM/JOIN tables, for unqualified columns and *
    names: tuple[str, ...] = ()  # CREATE VIEW v (a, b): explicit output names
    replace: bool = False
    if_not_exists: bool = False
    comment: str | None = None


@dataclass(frozen=True)
class AddColumn:
    table: QName
    column: ColumnDef
    if_not_exists: bool = False


@dataclass(frozen=True)
class DropColumn:
    table: QName
    column: str


@dataclass(frozen=True)
class ChangeColumn:
    """RENAME COLUMN, ALTER COLUMN TYPE, SET/DROP NOT NULL, MySQL MODIFY/CHANGE (``redefine``)."""

    table: QName
    column: str
    new_name: str | None = None
    native_type: str | None = None
    nullable: bool | None = None
    comment: object = _KEEP
    redefine: bool = False
    after: str | None = None


@dataclass(frozen=True)
class RenameTable:
    table: QName
    new: QName


@dataclass(frozen=True)
class DropTables:
    tables: tuple[QName, ...]
    kind: str  # "table" or "view"


@dataclass(frozen=True)
class SetComment:
    table: QName
    column: str | None
    text: str | None


@dataclass(frozen=True)
class SetRowSecurity:
    table: QName
    enabled: bool | None = None
    forced: bool | None = None


@dataclass(frozen=True)
class SetOwner:
    table: QName
    owner: str


@dataclass(frozen=True)
class SetDefaultSchema:
    """MySQL ``USE db`` / PostgreSQL ``SET search_path``: where unqualified new tables go."""

    schema: str | None


# -- principals, privileges, policies --------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a privilege is on: ``table`` (``tables``), ``schema``/``all_tables`` (``schemas``; None is the
    current MySQL database), ``global``, ``everything`` (MySQL ``REVOKE ALL, GRANT OPTION``) or ``other``."""

    level: str
    tables: tuple[QName, ...] = ()
    schemas: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class PrivilegeChange:
    action: str  # grant, revoke, deny
    privileges: tuple[tuple[str, tuple[str, ...] | None], ...]
    target: Target
    grantees: tuple[Account, ...]
    grant_option: bool = False  # GRANT ... WITH GRANT OPTION / REVOKE GRANT OPTION FOR ...


@dataclass(frozen=True)
class RoleChange:
    action: str  # grant, revoke
    roles: tuple[Account, ...]
    members: tuple[Account, ...]
    inherit: bool | None = None
    option_only: bool = False  # REVOKE ADMIN OPTION FOR: the membership itself stays


@dataclass(frozen=True)
class PrincipalSpec:
    account: Account
    kind: str  # role, user, group
    login: bool | None = None
    superuser: bool | None = None
    inherit: bool | None = None
    bypass_rls: bool | None = None
    locked: bool | None = None


@dataclass(frozen=True)
class CreatePrincipals:
    specs: tuple[PrincipalSpec, ...]
    member_of: tuple[Account, ...] = ()  # PostgreSQL IN ROLE
    members: tuple[Account, ...] = ()  # PostgreSQL ROLE/USER/ADMIN: these join the new role
    default_roles: tuple[Account, ...] = ()  # MySQL DEFAULT ROLE


@dataclass(frozen=True)
class AlterPrincipal:
    spec: PrincipalSpec
    rename_to: str | None = None
    add_members: tuple[Account, ...] = ()
    drop_members: tuple[Account, ...] = ()
    default_roles: tuple[Account, ...] | str | None = None


@dataclass(frozen=True)
class DropPrincipals:
    accounts: tuple[Account, ...]


@dataclass(frozen=True)
class RenamePrincipal:
    old: Account
    new: Account


@dataclass(frozen=True)
class SetDefaultRoles:
    roles: tuple[Account, ...] | str  # or "ALL" / "NONE"
    users: tuple[Account, ...]


@dataclass(frozen=True)
class CreatePolicy:
    name: str
    table: QName
    permissive: bool
    command: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class DropPolicy:
    name: str
    table: QName


@dataclass(frozen=True)
class AlterPolicy:
    name: str
    table: QName
    rename_to: str | None = None
    roles: tuple[str, ...] | None = None


@dataclass(frozen=True)
class DefaultPrivilegeChange:
    """Privileges tables created later get automatically (``object_type`` is PostgreSQL's plural word)."""

    action: str  # grant, revoke
    owners: tuple[str, ...]
    schemas: tuple[str, ...]
    object_type: str
    privileges: tuple[str, ...]
    grantees: tuple[Account, ...]
    grant_option: bool = False
