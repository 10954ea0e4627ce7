"""MySQL and MariaDB grants from the ``mysql.*`` grant tables.

The grant tables hold every account's privileges at four levels (``user`` = global, ``db`` = schema,
``tables_priv``, ``columns_priv``) plus roles (MariaDB ``roles_mapping``; MySQL 8 ``role_edges`` and
``default_roles``). ``information_schema.*_PRIVILEGES`` is only a fallback: it shows just the current
account's grants to an account without access to ``mysql.*``, and MariaDB reports a column-level grant as
a table-level one there.

Account names are ``user@host`` (anonymous accounts ``''@host``); roles, which have no real host, are named
by their user part; MariaDB's ``PUBLIC`` is :data:`~crmscan.grants.model.PUBLIC`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from crmscan.grants.model import PUBLIC, Grant, GrantSet, Membership, ObjectType, Principal, PrincipalKind

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_SYSTEM = ("mysql", "information_schema", "performance_schema", "sys")
_PRIVILEGE_COLUMNS = {
    "Select_priv": "SELECT",
    "Insert_priv": "INSERT",
    "Update_priv": "UPDATE",
    "Delete_priv": "DELETE",
}
_USER_EXTRA = ("is_role", "default_role", "account_locked", "Super_priv")
_OBJECTS = sa.text(
    """
    SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
      AND (:schema IS NULL OR TABLE_SCHEMA = :schema)
    ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION
    """
)
_GRANTEE = re.compile(r"^'(?P<user>(?:[^']|'')*)'@'(?P<host>(?:[^']|'')*)'$")


class _Accounts:
    """Turns (user, host) pairs into principal names consistently."""

    def __init__(self) -> None:
        self.roles: set[str] = set()

    def name(self, user: str, host: str) -> str:
        if user == PUBLIC and host == "":
            return PUBLIC
        if host == "" or (user in self.roles and host == "%"):
            return user
        return f"{user}@{host}" if user else f"''@{host}"  # the anonymous account


def read_grants(conn: Connection, schema: str | None = None) -> GrantSet:
    """Accounts, roles and SELECT/INSERT/UPDATE/DELETE grants; falls back to information_schema."""
    gs = GrantSet(source="mysql")
    _read_objects(conn, gs, schema)
    try:
        conn.execute(sa.text("SELECT 1 FROM mysql.tables_priv LIMIT 0")).all()
    except sa.exc.DBAPIError:
        _read_information_schema(conn, gs)
        return gs
    mariadb = "mariadb" in str(conn.execute(sa.text("SELECT VERSION()")).scalar_one()).lower()
    accounts = _Accounts()
    user_rows = _read_users(conn)
    defaults = _read_roles(conn, gs, accounts, user_rows, mariadb)
    _principals(gs, accounts, user_rows, defaults)
    _read_levels(conn, gs, accounts, schema)
    return gs


def _read_objects(conn: Connection, gs: GrantSet, schema: str | None) -> None:
    columns: dict[tuple[str | None, str], list[str]] = {}
    for db, table, column in conn.execute(_OBJECTS, {"schema": schema}):
        columns.setdefault((_s(db), _s(table)), []).append(_s(column))
    gs.objects = {key: tuple(cols) for key, cols in columns.items()}


def _read_users(conn: Connection) -> list[dict[str, Any]]:
    """Rows of ``mysql.user`` restricted to the columns crmscan needs (never password hashes)."""
    present = {
        _s(row[0])
        for row in conn.execute(
            sa.text(
                "SELECT COLUMN_NAME FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME = 'user'"
            )
        )
    }
    wanted = ["User", "Host", *(c for c in (*_PRIVILEGE_COLUMNS, *_USER_EXTRA) if c in present)]
    # Column names come from the fixed list above, never from input.
    sql = "SELECT " + ", ".join(f"`{c}`" for c in wanted) + " FROM mysql.user"
    rows = [dict(zip(wanted, (_s(v) for v in row), strict=True)) for row in conn.execute(sa.text(sql))]
    if "account_locked" not in present:  # MariaDB 10.4+: the flag lives in global_priv's JSON
        try:
            locked = {
                (_s(u), _s(h))
                for u, h in conn.execute(
                    sa.text(
                        "SELECT User, Host FROM mysql.global_priv "
                        "WHERE JSON_VALUE(Priv, '$.account_locked') = 'true'"
                    )
                )
            }
        except sa.exc.DBAPIError:
            locked = set()
        for row in rows:
            row["account_locked"] = "Y" if (row["User"], row["Host"]) in locked else "N"
    return rows


def _read_roles(
    conn: Connection, gs: GrantSet, accounts: _Accounts, users: list[dict[str, Any]], mariadb: bool
) -> dict[str, set[str]]:
    """Role edges into ``gs.memberships``; returns each account's default (auto-activated) roles."""
    defaults: dict[str, set[str]] = {}
    if mariadb:
        accounts.roles = {row["User"] for row in users if row.get("is_role") == "Y"}
        for row in users:
            if row.get("default_role"):
                defaults[accounts.name(row["User"], row["Host"])] = {row["default_role"]}
        for host, user, role in conn.execute(sa.text("SELECT Host, User, Role FROM mysql.roles_mapping")):
            member = accounts.name(_s(user), _s(host))
            is_role = _s(host) == "" and _s(user) in accounts.roles
            gs.memberships.append(
                Membership(member, _s(role), inherit=is_role or _s(role) in defaults.get(member, set()))
            )
        return defaults
    # MySQL 8: a role is an account that appears on the FROM side of role_edges.
    edges = [
        tuple(_s(v) for v in row)
        for row in conn.execute(
            sa.text("SELECT FROM_USER, FROM_HOST, TO_USER, TO_HOST FROM mysql.role_edges")
        )
    ]
    accounts.roles = {from_user for from_user, from_host, _, _ in edges}
    for user, host, role_user, role_host in conn.execute(
        sa.text("SELECT USER, HOST, DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST FROM mysql.default_roles")
    ):
        defaults.setdefault(accounts.name(_s(user), _s(host)), set()).add(
            accounts.name(_s(role_user), _s(role_host))
        )
    all_active = _variable(conn, "activate_all_roles_on_login") in ("1", "ON")
    for from_user, from_host, to_user, to_host in edges:
        member, role = accounts.name(to_user, to_host), accounts.name(from_user, from_host)
        gs.memberships.append(
            Membership(member, role, inherit=all_active or role in defaults.get(member, set()))
        )
    for role in filter(None, (_variable(conn, "mandatory_roles") or "").split(",")):
        user, _, host = role.replace("`", "").replace("'", "").partition("@")
        gs.memberships.append(
            Membership(PUBLIC, accounts.name(user.strip(), host.strip() or "%"), all_active)
        )
    return defaults


def _principals(
    gs: GrantSet, accounts: _Accounts, users: list[dict[str, Any]], defaults: dict[str, set[str]]
) -> None:
    members = Counter(m.role for m in gs.memberships)
    gs.principals[PUBLIC] = Principal(PUBLIC, "public")
    for row in users:
        user, host = row["User"], row["Host"]
        name = accounts.name(user, host)
        if name == PUBLIC:
            continue
        is_role = user in accounts.roles and host in ("", "%")
        flags: list[str] = []
        kind: PrincipalKind
        if user == "":
            kind, flags = "anonymous", ["anonymous"]
        elif is_role:
            kind = "role"
        elif row.get("Super_priv") == "Y" and row.get("Select_priv") == "Y":
            kind = "superuser"
        else:
            kind = "user"
        if host == "%" and not is_role:
            flags.append("any-host")
        gs.principals[name] = Principal(
            name,
            kind,
            member_count=members.get(name) if is_role else None,
            can_login=not is_role and row.get("account_locked") != "Y",
            host=None if is_role else host,
            flags=tuple(flags),
        )
        for column, privilege in _PRIVILEGE_COLUMNS.items():
            if row.get(column) == "Y":
                gs.grants.append(Grant(name, privilege, "global", "mysql"))


def _read_levels(conn: Connection, gs: GrantSet, accounts: _Accounts, schema: str | None) -> None:
    """Schema (``mysql.db``), table and column grants, limited to *schema* when given."""
    privs = ", ".join(f"`{c}`" for c in _PRIVILEGE_COLUMNS)
    for row in conn.execute(sa.text(f"SELECT User, Host, Db, {privs} FROM mysql.db")):
        user, host, db, *flags = (_s(v) for v in row)
        if not _in_scope(db, schema):
            continue
        pattern, db_glob = _like_to_glob(db)
        for privilege, flag in zip(_PRIVILEGE_COLUMNS.values(), flags, strict=True):
            if flag == "Y":
                gs.grants.append(
                    Grant(accounts.name(user, host), privilege, "schema", "mysql", db_glob, pattern=pattern)
                )
    for user, host, db, table, table_priv in conn.execute(
        sa.text("SELECT User, Host, Db, Table_name, Table_priv FROM mysql.tables_priv")
    ):
        if _in_scope(_s(db), schema):
            for privilege in _set_values(table_priv):
                gs.grants.append(
                    Grant(accounts.name(_s(user), _s(host)), privilege, "table", "mysql", _s(db), _s(table))
                )
    for user, host, db, table, column, column_priv in conn.execute(
        sa.text("SELECT User, Host, Db, Table_name, Column_name, Column_priv FROM mysql.columns_priv")
    ):
        if _in_scope(_s(db), schema):
            for privilege in _set_values(column_priv):
                gs.grants.append(
                    Grant(
                        accounts.name(_s(user), _s(host)),
                        privilege,
                        "column",
                        "mysql",
                        _s(db),
                        _s(table),
                        _s(column),
                    )
                )


def _read_information_schema(conn: Connection, gs: GrantSet) -> None:
    """Fallback for accounts that cannot read ``mysql.*``: only their own privileges are visible."""
    gs.complete = False
    gs.notes.append(
        "the scanning account cannot read the mysql.* grant tables, so only its own privileges are listed; "
        "grant it SELECT on mysql.user, mysql.db, mysql.tables_priv, mysql.columns_priv and "
        "mysql.roles_mapping "
        "(MariaDB) or mysql.role_edges and mysql.default_roles (MySQL) for a complete picture"
    )
    gs.principals[PUBLIC] = Principal(PUBLIC, "public")
    queries: tuple[tuple[ObjectType, str, str], ...] = (
        ("global", "NULL, NULL, NULL", "USER_PRIVILEGES"),
        ("schema", "TABLE_SCHEMA, NULL, NULL", "SCHEMA_PRIVILEGES"),
        ("table", "TABLE_SCHEMA, TABLE_NAME, NULL", "TABLE_PRIVILEGES"),
        ("column", "TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME", "COLUMN_PRIVILEGES"),
    )
    for level, columns, view in queries:
        sql = f"SELECT GRANTEE, PRIVILEGE_TYPE, {columns} FROM information_schema.{view}"  # fixed text only
        for grantee, privilege, db, table, column in conn.execute(sa.text(sql)):
            match = _GRANTEE.match(_s(grantee))
            if not match:
                continue
            user, host = match["user"].replace("''", "'"), match["host"].replace("''", "'")
            name = PUBLIC if (user, host) == (PUBLIC, "") else _Accounts().name(user, host)
            if name not in gs.principals:
                gs.principals[name] = Principal(
                    name, "anonymous" if user == "" else "user", host=host or None
                )
            gs.grants.append(
                Grant(
                    name, _s(privilege), level, "mysql", _s(db) or None, _s(table) or None, _s(column) or None
                )
            )


def _in_scope(db: str, schema: str | None) -> bool:
    if db in _SYSTEM:
        return False
    if schema is None:
        return True
    pattern, glob = _like_to_glob(db)
    return db == schema or (pattern and _glob_match(glob, schema))


def _glob_match(glob: str, value: str) -> bool:
    from fnmatch import fnmatchcase

    return fnmatchcase(value, glob)


def _like_to_glob(db: str) -> tuple[bool, str]:
    r"""``mysql.db.Db`` may hold LIKE wildcards (``crm\_%``); return (is_pattern, fnmatch glob)."""
    out: list[str] = []
    pattern = False
    escaped = False
    for char in db:
        if escaped:
            out.append(f"[{char}]" if char in "*?[" else char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "%_":
            pattern = True
            out.append("*" if char == "%" else "?")
        elif char in "*?[":
            out.append(f"[{char}]")
        else:
            out.append(char)
    return pattern, "".join(out) if pattern else db.replace("\\", "")


def _set_values(value: Any) -> list[str]:
    """A MySQL SET column (``'Select,Insert'``) as upper-case privilege names."""
    if isinstance(value, (set, frozenset)):
        items = list(value)
    else:
        items = _s(value).split(",")
    return sorted({item.strip().upper() for item in items if item and item.strip()})


def _variable(conn: Connection, name: str) -> str | None:
    try:
        row = conn.execute(sa.text("SHOW VARIABLES LIKE :name"), {"name": name}).first()
    except sa.exc.DBAPIError:
        return None
    return None if row is None else _s(row[1])


def _s(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)
