"""Access statements read from tokens: GRANT/REVOKE/DENY, roles and users, default privileges and
row-level security policies.

sqlglot turns most of these into an opaque ``Command`` (any GRANT naming two tables, every role grant,
every CREATE ROLE) or rejects them (T-SQL ``DENY``), so they are read here, for all four dialects, into
ops that :mod:`crmscan.connectors.migrations_grants` and :mod:`crmscan.connectors.migrations_schema`
apply.
"""

from __future__ import annotations

from sqlglot.tokens import TokenType

from crmscan.connectors.migrations_ops import (
    Account,
    AlterPolicy,
    AlterPrincipal,
    CreatePolicy,
    CreatePrincipals,
    DefaultPrivilegeChange,
    DropPolicy,
    DropPrincipals,
    PrincipalSpec,
    PrivilegeChange,
    RenamePrincipal,
    RoleChange,
    SetDefaultRoles,
    Target,
)
from crmscan.connectors.migrations_tokens import STRING_TYPES, Cursor, SyntaxProblem, is_name, word
from crmscan.grants.model import PUBLIC

_ALL = "ALL"
_SPECIAL_USERS = ("CURRENT_USER", "SESSION_USER", "CURRENT_ROLE")
_PG_OTHER_OBJECTS = frozenset(
    """SEQUENCE FUNCTION PROCEDURE ROUTINE DATABASE DOMAIN FOREIGN LANGUAGE LARGE PARAMETER TABLESPACE
    TYPE""".split()
)


# -- principals ------------------------------------------------------------------------------------


def account(cur: Cursor) -> Account:
    """One grantee: a role or user name, MySQL ``'user'@'host'``, ``PUBLIC``, ``CURRENT_USER``."""
    if cur.dialect == "postgres" and cur.word() == "GROUP" and is_name(cur.peek(1)):
        cur.i += 1  # TO GROUP staff: the old spelling of a role
    tok = cur.peek()
    if tok is None:
        cur.fail("expected a role or user name")
    if word(tok) == "PUBLIC" or (cur.dialect == "tsql" and tok.text.casefold() == "public"):
        cur.i += 1
        return PUBLIC, None
    if word(tok) in _SPECIAL_USERS:
        cur.i += 1
        if cur.at_type(TokenType.L_PAREN):
            cur.group()
        return word(tok), None
    if tok.token_type in STRING_TYPES:
        if cur.dialect != "mysql":
            cur.fail("expected a role or user name")
        cur.i += 1
        user = tok.text
    else:
        user = cur.ident("a role or user name")
    host: str | None = None
    if cur.dialect == "mysql" and cur.at_type(TokenType.PARAMETER):
        cur.i += 1
        host_tok = cur.take()
        if host_tok.token_type not in STRING_TYPES and not is_name(host_tok):
            raise SyntaxProblem("expected a host after @", host_tok)
        host = host_tok.text.lower()
    return user, host


def accounts(cur: Cursor) -> tuple[Account, ...]:
    """``a, b, 'c'@'%'``: one or more grantees."""
    out = [account(cur)]
    while cur.accept_type(TokenType.COMMA):
        out.append(account(cur))
    return tuple(out)


_FLAGS = {
    "SUPERUSER": ("superuser", True),
    "NOSUPERUSER": ("superuser", False),
    "LOGIN": ("login", True),
    "NOLOGIN": ("login", False),
    "INHERIT": ("inherit", True),
    "NOINHERIT": ("inherit", False),
    "BYPASSRLS": ("bypass_rls", True),
    "NOBYPASSRLS": ("bypass_rls", False),
}


def parse_create_principal(cur: Cursor) -> list[object]:
    """``CREATE ROLE|USER|GROUP``: PostgreSQL options, MySQL account lists, T-SQL ``FOR LOGIN``."""
    cur.expect("CREATE")
    kind = cur.take().text.lower()  # role, user, group
    cur.accept("IF", "NOT", "EXISTS")
    if cur.dialect == "mysql":
        return [_mysql_create(cur, kind)]
    acct = account(cur)
    flags: dict[str, bool] = {"login": kind == "user"}
    member_of: list[Account] = []
    members: list[Account] = []
    if cur.dialect == "tsql":
        if kind == "user" and cur.accept("WITHOUT", "LOGIN"):
            flags["login"] = False
        cur.rest()
    else:
        _pg_options(cur, flags, member_of, members)
    spec = PrincipalSpec(acct, "group" if kind == "group" else kind, **flags)  # type: ignore[arg-type]
    return [CreatePrincipals((spec,), tuple(member_of), tuple(members))]


def _pg_options(
    cur: Cursor, flags: dict[str, bool], member_of: list[Account], members: list[Account]
) -> None:
    cur.accept("WITH")
    while not cur.done():
        w = cur.word()
        if w in _FLAGS:
            field, value = _FLAGS[w]
            flags[field] = value
            cur.i += 1
        elif cur.accept("IN", "ROLE") or cur.accept("IN", "GROUP"):
            member_of.extend(accounts(cur))
        elif cur.accept("ROLE") or cur.accept("USER") or cur.accept("ADMIN"):
            members.extend(accounts(cur))
        else:
            cur.i += 1


def _mysql_create(cur: Cursor, kind: str) -> CreatePrincipals:
    specs: list[PrincipalSpec] = []
    default_roles: tuple[Account, ...] = ()
    locked = None
    while True:
        acct = account(cur)
        if kind == "role":
            specs.append(PrincipalSpec(acct, "role"))
        else:
            specs.append(
                PrincipalSpec((acct[0], acct[1] if acct[1] is not None else "%"), "user", login=True)
            )
            _skip_identified(cur)
        if not cur.accept_type(TokenType.COMMA):
            break
    while not cur.done():
        if cur.accept("DEFAULT", "ROLE"):
            default_roles = accounts(cur)
        elif cur.accept("ACCOUNT", "LOCK"):
            locked = True
        elif cur.accept("ACCOUNT", "UNLOCK"):
            locked = False
        else:
            cur.i += 1
    if locked is not None:
        specs = [PrincipalSpec(s.account, s.kind, login=not locked, locked=locked) for s in specs]
    return CreatePrincipals(tuple(specs), default_roles=default_roles)


def _skip_identified(cur: Cursor) -> None:
    """``IDENTIFIED [WITH plugin] [BY 'pw' | BY RANDOM PASSWORD | AS 'hash'] [AND ...]``; never kept."""
    while cur.accept("IDENTIFIED"):
        if cur.accept("WITH"):
            cur.take()
        if cur.accept("BY"):
            if not cur.accept("RANDOM", "PASSWORD"):
                cur.take()
        elif cur.accept("AS"):
            cur.take()
        if not cur.accept("AND"):
            break


def parse_alter_principal(cur: Cursor) -> list[object]:
    """``ALTER ROLE|USER|GROUP``: options, RENAME TO / WITH NAME =, T-SQL ADD/DROP MEMBER, PostgreSQL
    ALTER GROUP ADD/DROP USER, MySQL DEFAULT ROLE and ACCOUNT LOCK."""
    cur.expect("ALTER")
    kind = cur.take().text.lower()
    cur.accept("IF", "EXISTS")
    acct = account(cur)
    if cur.dialect == "mysql" and kind == "user" and acct[1] is None:
        acct = (acct[0], "%")
    flags: dict[str, bool] = {}
    rename_to = None
    add: tuple[Account, ...] = ()
    drop: tuple[Account, ...] = ()
    default_roles: tuple[Account, ...] | str | None = None
    if cur.accept("RENAME", "TO"):
        rename_to = cur.ident("a new name")
    elif cur.accept("ADD", "MEMBER") or cur.accept("ADD", "USER"):
        add = accounts(cur)
    elif cur.accept("DROP", "MEMBER") or cur.accept("DROP", "USER"):
        drop = accounts(cur)
    elif cur.accept("WITH", "NAME"):
        cur.accept_type(TokenType.EQ)
        rename_to = cur.ident("a new name")
    elif cur.dialect == "mysql":
        _skip_identified(cur)
        while not cur.done():
            if cur.accept("DEFAULT", "ROLE"):
                default_roles = _default_roles(cur)
            elif cur.accept("ACCOUNT", "LOCK"):
                flags["locked"], flags["login"] = True, False
            elif cur.accept("ACCOUNT", "UNLOCK"):
                flags["locked"], flags["login"] = False, True
            else:
                cur.i += 1
    elif cur.dialect != "tsql" and cur.word() not in ("SET", "RESET", "IN"):
        _pg_options(cur, flags, [], [])
    cur.rest()
    spec = PrincipalSpec(acct, kind, **flags)  # type: ignore[arg-type]
    return [AlterPrincipal(spec, rename_to, add, drop, default_roles)]


def _default_roles(cur: Cursor) -> tuple[Account, ...] | str:
    if cur.accept("ALL"):
        return "ALL"
    if cur.accept("NONE"):
        return "NONE"
    return accounts(cur)


def parse_drop_principal(cur: Cursor) -> list[object]:
    cur.expect("DROP")
    kind = cur.take().text.lower()
    cur.accept("IF", "EXISTS")
    accts = accounts(cur)
    if cur.dialect == "mysql" and kind == "user":
        accts = tuple((a[0], a[1] if a[1] is not None else "%") for a in accts)
    return [DropPrincipals(accts)]


def parse_rename_user(cur: Cursor) -> list[object]:
    """MySQL ``RENAME USER a TO b[, c TO d]``."""
    cur.expect("RENAME")
    cur.expect("USER")
    ops: list[object] = []
    while True:
        old = account(cur)
        cur.expect("TO")
        new = account(cur)
        ops.append(RenamePrincipal((old[0], old[1] or "%"), (new[0], new[1] or "%")))
        if not cur.accept_type(TokenType.COMMA):
            break
    return ops


def parse_set_default_role(cur: Cursor) -> list[object]:
    """MySQL ``SET DEFAULT ROLE {NONE | ALL | role, ...} TO user, ...``."""
    cur.expect("SET")
    cur.expect("DEFAULT")
    cur.expect("ROLE")
    roles = _default_roles(cur)
    cur.expect("TO")
    users = tuple((u, h if h is not None else "%") for u, h in accounts(cur))
    return [SetDefaultRoles(roles, users)]


# -- GRANT / REVOKE / DENY -------------------------------------------------------------------------


def parse_privileges(cur: Cursor) -> list[object]:
    """``GRANT|REVOKE|DENY``: privileges on tables, columns, schemas or everything; or role membership."""
    action = cur.take().text.lower()
    option_only = False
    if action == "revoke":
        cur.accept("IF", "EXISTS")
        for words in (
            ("GRANT", "OPTION", "FOR"),
            ("ADMIN", "OPTION", "FOR"),
            ("INHERIT", "OPTION", "FOR"),
            ("SET", "OPTION", "FOR"),
        ):
            if cur.accept(*words):
                option_only = True
    has_on = _top_level_on(cur)
    if not has_on and cur.dialect != "tsql":
        if cur.dialect == "mysql" and _mysql_revoke_all(cur):
            users: tuple[Account, ...] = tuple((u, h if h is not None else "%") for u, h in accounts(cur))
            return [PrivilegeChange("revoke", ((_ALL, None),), Target("everything"), users)]
        return [_role_change(cur, action, option_only)]
    privileges = _privilege_list(cur)
    target = _target(cur) if has_on else Target("global")
    if cur.dialect == "tsql" and target.level == "table" and cur.at_type(TokenType.L_PAREN):
        columns = tuple(_column_names(cur))  # T-SQL: GRANT SELECT ON t (a, b)
        privileges = tuple((p, columns) for p, _ in privileges)
    if not (cur.accept("TO") or cur.accept("FROM")):
        cur.fail("expected TO or FROM")
    grantees = accounts(cur)
    grant_option = option_only
    while not cur.done():
        if cur.accept("WITH", "GRANT", "OPTION"):
            grant_option = True
        elif cur.accept("GRANTED", "BY") or cur.accept("AS"):
            account(cur)
        elif cur.accept("CASCADE") or cur.accept("RESTRICT") or cur.accept("IGNORE", "UNKNOWN", "USER"):
            pass
        elif cur.accept("WITH", "ROLE"):
            cur.rest()
        else:
            cur.fail("unexpected text after the grantee list")
    return [PrivilegeChange(action, privileges, target, grantees, grant_option)]


def _top_level_on(cur: Cursor) -> bool:
    depth = 0
    for tok in cur.tokens[cur.i :]:
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and word(tok) in ("TO", "FROM"):
            return False
        elif depth == 0 and word(tok) == "ON":
            return True
    return False


def _mysql_revoke_all(cur: Cursor) -> bool:
    """``REVOKE ALL [PRIVILEGES], GRANT OPTION FROM user``: everything the user holds, at every level."""
    start = cur.i
    if cur.accept("ALL"):
        cur.accept("PRIVILEGES")
        if cur.accept_type(TokenType.COMMA) and cur.accept("GRANT", "OPTION") and cur.accept("FROM"):
            return True
    cur.i = start
    return False


def _privilege_list(cur: Cursor) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    out: list[tuple[str, tuple[str, ...] | None]] = []
    while True:
        words: list[str] = []
        while cur.word() and cur.word() not in ("ON", "TO", "FROM"):
            words.append(cur.word())
            cur.i += 1
        if not words:
            cur.fail("expected a privilege")
        name = "ALL" if words in (["ALL"], ["ALL", "PRIVILEGES"]) else " ".join(words)
        columns = tuple(_column_names(cur)) if cur.at_type(TokenType.L_PAREN) else None
        out.append((name, columns))
        if not cur.accept_type(TokenType.COMMA):
            return tuple(out)


def _column_names(cur: Cursor) -> list[str]:
    inner = Cursor(cur.group(), cur.dialect, cur.sql)
    names = [inner.ident("a column name")]
    while inner.accept_type(TokenType.COMMA):
        names.append(inner.ident("a column name"))
    if not inner.done():
        inner.fail("expected a column name")
    return names


def _target(cur: Cursor) -> Target:
    cur.expect("ON")
    if cur.dialect == "tsql":
        return _tsql_target(cur)
    if cur.dialect == "mysql":
        return _mysql_target(cur)
    if cur.accept("ALL", "TABLES", "IN", "SCHEMA"):
        return Target("all_tables", schemas=tuple(_name_list(cur)))
    if cur.word() == "ALL" and cur.word(2) == "IN":
        _skip_to_grantees(cur)
        return Target("other")
    if cur.accept("SCHEMA"):
        return Target("schema", schemas=tuple(_name_list(cur)))
    if cur.word() in _PG_OTHER_OBJECTS:
        _skip_to_grantees(cur)
        return Target("other")
    cur.accept("TABLE")
    tables = [cur.qname()]
    while cur.accept_type(TokenType.COMMA):
        tables.append(cur.qname())
    return Target("table", tables=tuple(tables))


def _name_list(cur: Cursor) -> list[str]:
    names = [cur.ident("a schema name")]
    while cur.accept_type(TokenType.COMMA):
        names.append(cur.ident("a schema name"))
    return names


def _skip_to_grantees(cur: Cursor) -> None:
    cur.skip_to_top("TO", "FROM")


def _mysql_target(cur: Cursor) -> Target:
    tok = cur.peek()
    if cur.word() in ("FUNCTION", "PROCEDURE") or (tok is not None and tok.token_type in STRING_TYPES):
        _skip_to_grantees(cur)
        return Target("other")
    cur.accept("TABLE")
    if cur.accept_type(TokenType.STAR):
        if cur.accept_type(TokenType.DOT):
            if not cur.accept_type(TokenType.STAR):
                cur.fail("expected *.*")
            return Target("global")
        return Target("schema", schemas=(None,))
    first = cur.ident("a table or database name")
    if cur.accept_type(TokenType.DOT):
        if cur.accept_type(TokenType.STAR):
            return Target("schema", schemas=(first,))
        return Target("table", tables=((first, cur.ident("a table name")),))
    return Target("table", tables=((None, first),))


def _tsql_target(cur: Cursor) -> Target:
    nxt = cur.peek(1)
    if nxt is not None and nxt.token_type == TokenType.DCOLON:
        kind = cur.word()
        cur.i += 2
        if kind == "OBJECT":
            return Target("table", tables=(cur.qname(),))
        if kind == "SCHEMA":
            return Target("schema", schemas=(cur.ident("a schema name"),))
        if kind == "DATABASE":
            cur.ident("a database name")
            return Target("global")
        _skip_to_grantees(cur)
        return Target("other")
    return Target("table", tables=(cur.qname(),))


def _role_change(cur: Cursor, action: str, option_only: bool) -> RoleChange:
    roles = accounts(cur)
    if not (cur.accept("TO") or cur.accept("FROM")):
        cur.fail("expected ON, TO or FROM")
    members = accounts(cur)
    inherit = None
    while not cur.done():
        if cur.accept("WITH"):
            while True:
                option = cur.word()
                if option not in ("ADMIN", "INHERIT", "SET"):
                    cur.fail("expected ADMIN, INHERIT or SET after WITH")
                cur.i += 1
                value = cur.word()
                if value not in ("OPTION", "TRUE", "FALSE"):
                    cur.fail("expected OPTION, TRUE or FALSE")
                cur.i += 1
                if option == "INHERIT":
                    inherit = value != "FALSE"
                if not cur.accept_type(TokenType.COMMA):
                    break
        elif cur.accept("GRANTED", "BY"):
            account(cur)
        elif cur.accept("CASCADE") or cur.accept("RESTRICT"):
            pass
        else:
            cur.fail("unexpected text after the member list")
    return RoleChange(action, roles, members, inherit, option_only)


# -- ALTER DEFAULT PRIVILEGES (PostgreSQL) ----------------------------------------------------------


def parse_default_privileges(cur: Cursor) -> list[object]:
    """``ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT|REVOKE privs ON TABLES TO|FROM roles``."""
    cur.expect("ALTER")
    cur.expect("DEFAULT")
    cur.expect("PRIVILEGES")
    owners: list[str] = []
    schemas: list[str] = []
    while True:
        if cur.accept("FOR", "ROLE") or cur.accept("FOR", "USER"):
            owners.extend(name for name, _ in accounts(cur))
        elif cur.accept("IN", "SCHEMA"):
            schemas.extend(_name_list(cur))
        else:
            break
    action = cur.word().lower()
    if action not in ("grant", "revoke"):
        cur.fail("expected GRANT or REVOKE")
    cur.i += 1
    option_only = action == "revoke" and cur.accept("GRANT", "OPTION", "FOR")
    privileges = tuple(name for name, _ in _privilege_list(cur))
    cur.expect("ON")
    object_type = cur.ident("TABLES, SEQUENCES, FUNCTIONS, ROUTINES, TYPES or SCHEMAS").upper()
    if not (cur.accept("TO") or cur.accept("FROM")):
        cur.fail("expected TO or FROM")
    grantees = accounts(cur)
    grant_option = option_only or cur.accept("WITH", "GRANT", "OPTION")
    cur.accept("CASCADE") or cur.accept("RESTRICT")
    return [
        DefaultPrivilegeChange(
            action, tuple(owners), tuple(schemas), object_type, privileges, grantees, grant_option
        )
    ]


# -- row-level security policies (PostgreSQL) ------------------------------------------------------


def parse_policy(cur: Cursor) -> list[object]:
    verb = cur.take().text.upper()
    cur.expect("POLICY")
    if verb == "DROP":
        cur.accept("IF", "EXISTS")
    name = cur.ident("a policy name")
    cur.expect("ON")
    table = cur.qname()
    if verb == "DROP":
        return [DropPolicy(name, table)]
    if verb == "ALTER":
        if cur.accept("RENAME", "TO"):
            return [AlterPolicy(name, table, rename_to=cur.ident("a policy name"))]
        new_roles = _policy_roles(cur) if cur.accept("TO") else None
        cur.rest()
        return [AlterPolicy(name, table, roles=new_roles)]
    permissive = True
    if cur.accept("AS"):
        permissive = cur.take().text.upper() != "RESTRICTIVE"
    command = "ALL"
    if cur.accept("FOR"):
        command = cur.take().text.upper()
    roles: tuple[str, ...] = (PUBLIC,)
    if cur.accept("TO"):
        roles = _policy_roles(cur)
    cur.rest()
    return [CreatePolicy(name, table, permissive, command, roles)]


def _policy_roles(cur: Cursor) -> tuple[str, ...]:
    return tuple(name for name, _ in accounts(cur))
