"""PostgreSQL grants from the system catalogs.

``information_schema.role_table_grants`` only shows grants to or by roles the *current* user is enabled
for, and leaves out ``PUBLIC`` grants, so a low-privilege scanner would under-report. The catalogs are
readable by every role: ``aclexplode()`` over ``pg_class.relacl``, ``pg_attribute.attacl`` and
``pg_namespace.nspacl`` (with ``acldefault()`` standing in for a NULL ACL, which means "owner only"),
``pg_auth_members`` for the role graph, ``pg_policies`` for row-level security and ``pg_default_acl`` for
privileges future tables will get.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from crmscan.grants.model import (
    PUBLIC,
    DefaultPrivilege,
    Grant,
    GrantSet,
    Membership,
    Principal,
    PrincipalKind,
    RlsPolicy,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_SCOPE = """
    n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    AND (CAST(:schema AS text) IS NULL OR n.nspname = CAST(:schema AS text))
"""
_GRANTEE = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee) END"
_RELKINDS = "c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition"

_ROLES = sa.text(
    """
    SELECT r.rolname, r.rolsuper, r.rolcanlogin, r.rolbypassrls,
           (SELECT count(*) FROM pg_catalog.pg_auth_members m WHERE m.roleid = r.oid)
    FROM pg_catalog.pg_roles r
    WHERE r.rolname !~ '^pg_' OR r.rolname IN ('pg_read_all_data', 'pg_write_all_data', 'pg_database_owner')
    """
)

# PostgreSQL 16 moved INHERIT from the member role to each membership (inherit_option).
_MEMBERS_16 = """
    SELECT m.rolname, r.rolname, am.inherit_option FROM pg_catalog.pg_auth_members am
    JOIN pg_catalog.pg_roles r ON r.oid = am.roleid JOIN pg_catalog.pg_roles m ON m.oid = am.member
"""
_MEMBERS_OLD = """
    SELECT m.rolname, r.rolname, m.rolinherit FROM pg_catalog.pg_auth_members am
    JOIN pg_catalog.pg_roles r ON r.oid = am.roleid JOIN pg_catalog.pg_roles m ON m.oid = am.member
"""

_OBJECTS = sa.text(
    f"""
    SELECT n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner), c.relrowsecurity,
           c.relforcerowsecurity,
           ARRAY(SELECT att.attname::text FROM pg_catalog.pg_attribute att
                 WHERE att.attrelid = c.oid AND att.attnum > 0 AND NOT att.attisdropped ORDER BY att.attnum)
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE {_RELKINDS} AND {_SCOPE}
    """
)

_TABLE_ACL = sa.text(
    f"""
    SELECT n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner), {_GRANTEE}, a.privilege_type,
           a.is_grantable
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(c.relacl, pg_catalog.acldefault('r', c.relowner))) a
    WHERE {_RELKINDS} AND {_SCOPE}
    """
)

_COLUMN_ACL = sa.text(
    f"""
    SELECT n.nspname, c.relname, att.attname, {_GRANTEE}, a.privilege_type, a.is_grantable
    FROM pg_catalog.pg_attribute att
    JOIN pg_catalog.pg_class c ON c.oid = att.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL pg_catalog.aclexplode(att.attacl) a
    WHERE att.attacl IS NOT NULL AND att.attnum > 0 AND NOT att.attisdropped AND {_RELKINDS} AND {_SCOPE}
    """
)

_SCHEMA_ACL = sa.text(
    f"""
    SELECT n.nspname, {_GRANTEE}, a.privilege_type, a.is_grantable
    FROM pg_catalog.pg_namespace n
    CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
    WHERE {_SCOPE}
    """
)

_POLICIES = sa.text(
    """
    SELECT p.schemaname, p.tablename, p.policyname, p.permissive, p.roles::text[], p.cmd
    FROM pg_catalog.pg_policies p
    WHERE p.schemaname NOT LIKE 'pg\\_%'
      AND (CAST(:schema AS text) IS NULL OR p.schemaname = CAST(:schema AS text))
    """
)

_DEFAULT_ACL = sa.text(
    f"""
    SELECT pg_catalog.pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype, {_GRANTEE}, a.privilege_type
    FROM pg_catalog.pg_default_acl d
    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
    CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) a
    WHERE d.defaclnamespace = 0 OR (CAST(:schema AS text) IS NULL OR n.nspname = CAST(:schema AS text))
    ORDER BY 1, 2, 3, 4, 5
    """
)

_OBJTYPES = {"r": "table", "S": "sequence", "f": "function", "T": "type", "n": "schema"}


def read_grants(conn: Connection, schema: str | None = None) -> GrantSet:
    """Grants, roles, RLS policies and default privileges for the user schemas (or just *schema*)."""
    params = {"schema": schema}
    gs = GrantSet(source="postgresql", requires_schema_usage=True)
    _read_roles(conn, gs)
    for nsp, rel, owner, rls, forced, columns in conn.execute(_OBJECTS, params):
        gs.objects[(nsp, rel)] = tuple(columns)
        gs.owners[(nsp, rel)] = owner
        if rls:
            gs.rls[(nsp, rel)] = bool(forced)
    for nsp, rel, owner, grantee, privilege, grantable in conn.execute(_TABLE_ACL, params):
        gs.grants.append(
            Grant(
                grantee,
                privilege,
                "table",
                "postgresql",
                nsp,
                rel,
                None,
                bool(grantable),
                basis="owner" if grantee == owner else "grant",
            )
        )
    for nsp, rel, column, grantee, privilege, grantable in conn.execute(_COLUMN_ACL, params):
        gs.grants.append(Grant(grantee, privilege, "column", "postgresql", nsp, rel, column, bool(grantable)))
    for nsp, grantee, privilege, grantable in conn.execute(_SCHEMA_ACL, params):
        gs.grants.append(Grant(grantee, privilege, "schema", "postgresql", nsp, None, None, bool(grantable)))
    for nsp, rel, name, permissive, roles, cmd in conn.execute(_POLICIES, params):
        gs.policies.append(
            RlsPolicy(nsp, rel, name, _policy_roles(roles), str(cmd), str(permissive).upper() == "PERMISSIVE")
        )
    gs.default_privileges = _default_privileges(list(conn.execute(_DEFAULT_ACL, params)))
    return gs


def _read_roles(conn: Connection, gs: GrantSet) -> None:
    gs.principals[PUBLIC] = Principal(PUBLIC, "public")
    for name, superuser, login, bypass, members in conn.execute(_ROLES):
        kind: PrincipalKind = "superuser" if superuser else ("user" if login else "role")
        gs.principals[name] = Principal(
            name, kind, member_count=int(members), can_login=bool(login), bypass_rls=bool(bypass or superuser)
        )
    version = int(conn.execute(sa.text("SHOW server_version_num")).scalar_one())
    members_sql = _MEMBERS_16 if version >= 160000 else _MEMBERS_OLD
    for member, role, inherit in conn.execute(sa.text(members_sql)):
        gs.memberships.append(Membership(member, role, bool(inherit)))
    if "pg_database_owner" in gs.principals:
        # Implicit membership: the current database's owner (PostgreSQL 14+).
        owner = conn.execute(
            sa.text(
                "SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database "
                "WHERE datname = current_database()"
            )
        ).scalar_one()
        gs.memberships.append(Membership(owner, "pg_database_owner"))
    if "pg_read_all_data" in gs.principals:
        gs.grants.append(Grant("pg_read_all_data", "SELECT", "global", "postgresql", basis="predefined-role"))


def _policy_roles(roles: Any) -> tuple[str, ...]:
    """``pg_policies.roles`` spells PUBLIC as lower-case ``public`` (no real role can have that name)."""
    return tuple(PUBLIC if role == "public" else str(role) for role in (roles or ()))


def _default_privileges(rows: list[Any]) -> list[DefaultPrivilege]:
    grouped: dict[tuple[str, str | None, str, str], list[str]] = {}
    for owner, nsp, objtype, grantee, privilege in rows:
        grouped.setdefault((owner, nsp, _OBJTYPES.get(objtype, objtype), grantee), []).append(privilege)
    return [
        DefaultPrivilege(owner, nsp, objtype, grantee, tuple(sorted(privs)))
        for (owner, nsp, objtype, grantee), privs in grouped.items()
    ]
