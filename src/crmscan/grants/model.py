"""One model for "who can read what", whatever the grants came from.

PostgreSQL catalogs, MySQL grant tables, a hand-written grants file and a Salesforce FieldPermissions
export all become a :class:`GrantSet`: principals, the grants made to them, role memberships, row-level
security policies (a mitigating control) and default privileges (a future exposure). The risk engine
then asks :func:`crmscan.grants.paths.effective_read_paths` who can *effectively* read each column —
through which chain of roles — rather than reasoning about raw grants.

Plain frozen dataclasses: they serialise straight into the JSON report and hold no data values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from crmscan.errors import UsageError

PrincipalKind = Literal["role", "user", "group", "public", "service", "third_party", "anonymous", "superuser"]
GrantSource = Literal["postgresql", "mysql", "grants-file", "salesforce", "migration"]
#: Where a grant applies. ``global`` = every table the source holds (MySQL ``*.*``, PostgreSQL's
#: ``pg_read_all_data``, a grants-file ``*``).
ObjectType = Literal["global", "schema", "table", "column"]
#: Why a principal holds a privilege: an explicit grant, ownership, superuser status, or membership of a
#: predefined role that reads everything.
Basis = Literal["grant", "owner", "superuser", "predefined-role"]

PUBLIC = "PUBLIC"
READ = "SELECT"


class GrantsFileError(UsageError):
    """A grants file or permission export is malformed; the message names file, entry and field."""


@dataclass(frozen=True)
class Principal:
    """Someone or something that can be granted access.

    ``member_count`` counts direct members of a role (or the people behind a shared account when a grants
    file says so). ``host`` is MySQL's account host (``%`` = any host). ``flags`` carries findings about
    the account itself, e.g. ``any-host`` or ``anonymous``.
    """

    name: str
    kind: PrincipalKind
    member_count: int | None = None
    third_party: bool = False
    purpose: str | None = None
    department: str | None = None
    mfa: bool | None = None
    can_login: bool | None = None
    bypass_rls: bool = False
    host: str | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Membership:
    """*member* belongs to *role*. ``inherit=False``: the member must ``SET ROLE`` to use its privileges."""

    member: str
    role: str
    inherit: bool = True


@dataclass(frozen=True)
class Grant:
    """One privilege on one object (or, with ``pattern=True``, on every object its globs match).

    ``schema``/``table``/``column`` are ``None`` above the grant's level: a schema grant has no table.
    """

    principal: str
    privilege: str
    object_type: ObjectType
    source: GrantSource
    schema: str | None = None
    table: str | None = None
    column: str | None = None
    grantable: bool = False
    basis: Basis = "grant"
    pattern: bool = False


@dataclass(frozen=True)
class RlsPolicy:
    """A PostgreSQL row-level security policy; ``roles`` may contain ``PUBLIC``."""

    schema: str | None
    table: str
    name: str
    roles: tuple[str, ...]
    command: str  # ALL, SELECT, INSERT, UPDATE, DELETE
    permissive: bool = True


@dataclass(frozen=True)
class DefaultPrivilege:
    """Privileges future objects will get automatically (PostgreSQL ``ALTER DEFAULT PRIVILEGES``).

    ``schema=None`` means in every schema. A default grant to PUBLIC or a broad role is an exposure
    waiting for the next ``CREATE TABLE``.
    """

    owner: str
    schema: str | None
    object_type: str  # table, sequence, function, type, schema
    grantee: str
    privileges: tuple[str, ...]


@dataclass(frozen=True)
class ReadPath:
    """*principal* can read *column* of *schema.table* (``column=None``: every column).

    ``via`` lists the roles from the principal to the role holding the grant (empty when granted
    directly). ``row_filter`` names the row-level security policies that limit which rows it sees;
    ``rows_visible=False`` means RLS is on and no policy lets this principal see any row.
    ``requires_set_role``: the access needs an explicit ``SET ROLE`` (a NOINHERIT membership, or a MySQL
    role that is not a default role) — still a read path, one step removed.
    """

    principal: str
    schema: str | None
    table: str
    column: str | None
    privilege: str = READ
    via: tuple[str, ...] = ()
    object_type: ObjectType = "table"
    basis: Basis = "grant"
    source: GrantSource = "grants-file"
    row_filter: tuple[str, ...] = ()
    rows_visible: bool = True
    requires_set_role: bool = False


TableKey = tuple[str | None, str]


@dataclass
class GrantSet:
    """Everything one source says about access, ready for :func:`~crmscan.grants.paths.effective_read_paths`.

    ``objects`` maps each table in scope to its columns; global and schema grants and grants-file globs
    are expanded against it. ``rls`` maps tables with row-level security on to whether it is *forced*
    (applies to the owner too); ``owners`` maps tables to their owning role. ``requires_schema_usage``
    is PostgreSQL's rule that a table grant is useless without ``USAGE`` on its schema. ``complete=False``
    (with ``notes``) says the scanning account could not see every grant.
    """

    source: GrantSource
    principals: dict[str, Principal] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    policies: list[RlsPolicy] = field(default_factory=list)
    default_privileges: list[DefaultPrivilege] = field(default_factory=list)
    objects: dict[TableKey, tuple[str, ...]] = field(default_factory=dict)
    rls: dict[TableKey, bool] = field(default_factory=dict)
    owners: dict[TableKey, str] = field(default_factory=dict)
    requires_schema_usage: bool = False
    complete: bool = True
    notes: list[str] = field(default_factory=list)

    def principal(self, name: str) -> Principal:
        """The principal called *name*; unknown names (a grantee dropped meanwhile) become plain roles."""
        if name == PUBLIC:
            return self.principals.get(name, Principal(PUBLIC, "public"))
        return self.principals.get(name, Principal(name, "role"))
