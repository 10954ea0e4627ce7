"""The T-SQL system procedures migrations call to change the schema or its access: ``sp_rename``,
``sp_addextendedproperty``/``sp_updateextendedproperty``/``sp_dropextendedproperty`` (``MS_Description``
is SQL Server's column and table comment) and ``sp_addrolemember``/``sp_droprolemember``. Arguments are
read positionally or by name (``@level2name = N'Ssn'``); any other procedure changes nothing here.
"""

from __future__ import annotations

import re

from sqlglot.tokens import TokenType

from crmscan.connectors.migrations_ops import ChangeColumn, RenameTable, RoleChange, SetComment
from crmscan.connectors.migrations_tokens import STRING_TYPES, Cursor, SyntaxProblem, fold, is_name, word
from crmscan.grants.model import PUBLIC


def parse_exec(cur: Cursor) -> list[object]:
    """``EXEC sp_rename``, ``sp_add/update/dropextendedproperty`` (MS_Description comments),
    ``sp_addrolemember``/``sp_droprolemember``; any other procedure changes nothing here."""
    cur.take()  # EXEC / EXECUTE
    if cur.at_type(TokenType.PARAMETER):  # EXEC @rc = proc
        cur.skip_to_top()
        return []
    if not is_name(cur.peek()):
        cur.rest()
        return []  # EXEC ('dynamic sql'): not read
    proc = cur.qname("a procedure name")[1].lower()
    if proc not in _PROCS:
        cur.rest()
        return []
    args = _exec_args(cur)
    return _PROCS[proc](args)


_ARG_NAMES = {
    "sp_rename": ("objname", "newname", "objtype"),
    "sp_addextendedproperty": (
        "name",
        "value",
        "level0type",
        "level0name",
        "level1type",
        "level1name",
        "level2type",
        "level2name",
    ),
    "sp_dropextendedproperty": (
        "name",
        "level0type",
        "level0name",
        "level1type",
        "level1name",
        "level2type",
        "level2name",
    ),
    "sp_addrolemember": ("rolename", "membername"),
    "sp_droprolemember": ("rolename", "membername"),
}
_ARG_NAMES["sp_updateextendedproperty"] = _ARG_NAMES["sp_addextendedproperty"]


def _exec_args(cur: Cursor) -> dict[str, str | None]:
    proc_names: tuple[str, ...] = ()
    tokens = cur.tokens
    name_tok = tokens[cur.i - 1] if cur.i else None
    if name_tok is not None:
        proc_names = _ARG_NAMES.get(name_tok.text.lower(), ())
    out: dict[str, str | None] = {}
    position = 0
    while not cur.done():
        key: str | None = None
        if cur.at_type(TokenType.PARAMETER):
            cur.i += 1
            key = cur.ident("a parameter name").lower()
            if not cur.accept_type(TokenType.EQ):
                cur.fail("expected = after the parameter name")
        tok = cur.take()
        value: str | None
        if tok.token_type in STRING_TYPES or tok.token_type == TokenType.NUMBER:
            value = tok.text
        elif word(tok) in ("NULL", "DEFAULT"):
            value = None
        elif is_name(tok):
            value = fold(tok, cur.dialect)
        else:
            raise SyntaxProblem("expected a procedure argument", tok)
        if key is None:
            if position >= len(proc_names):
                raise SyntaxProblem("too many arguments", tok)
            key = proc_names[position]
        out[key] = value
        position += 1
        if not cur.accept_type(TokenType.COMMA):
            break
    if not cur.done():
        cur.fail("unexpected text after the arguments")
    return out


def multipart(text: str) -> list[str]:
    """``'[dbo].[Customers].Phone'`` -> ``['dbo', 'Customers', 'Phone']`` (brackets or quotes optional)."""
    parts = re.findall(r'\[((?:[^\]]|\]\])*)\]|"((?:[^"]|"")*)"|([^.\[\]"]+)', text)
    return [(b.replace("]]", "]") if b else q.replace('""', '"') if q else p.strip()) for b, q, p in parts]


def _sp_rename(args: dict[str, str | None]) -> list[object]:
    parts = multipart(args.get("objname") or "")
    new = args.get("newname")
    objtype = (args.get("objtype") or "OBJECT").upper()
    if not parts or not new:
        raise SyntaxProblem("sp_rename needs @objname and @newname", None)
    if objtype == "COLUMN" and len(parts) >= 2:
        schema = parts[-3] if len(parts) >= 3 else None
        return [ChangeColumn((schema, parts[-2]), parts[-1], new_name=new)]
    if objtype == "OBJECT":
        schema = parts[-2] if len(parts) >= 2 else None
        return [RenameTable((schema, parts[-1]), (schema, new))]
    return []


def _extended_property(args: dict[str, str | None], drop: bool) -> list[object]:
    if (args.get("name") or "").casefold() != "ms_description":
        return []
    level1 = (args.get("level1type") or "").upper()
    if level1 not in ("TABLE", "VIEW") or not args.get("level1name"):
        return []
    schema = args.get("level0name") if (args.get("level0type") or "").upper() == "SCHEMA" else None
    table = (schema, args["level1name"] or "")
    text = None if drop else args.get("value")
    if (args.get("level2type") or "").upper() == "COLUMN" and args.get("level2name"):
        return [SetComment(table, args["level2name"], text)]
    if args.get("level2type"):
        return []
    return [SetComment(table, None, text)]


def _role_member(args: dict[str, str | None], action: str) -> list[object]:
    role, member = args.get("rolename"), args.get("membername")
    if not role or not member:
        raise SyntaxProblem(
            f"sp_{'add' if action == 'grant' else 'drop'}rolemember needs a role and a member", None
        )
    role_name = PUBLIC if role.casefold() == "public" else role
    return [RoleChange(action, ((role_name, None),), ((member, None),))]


_PROCS = {
    "sp_rename": _sp_rename,
    "sp_addextendedproperty": lambda a: _extended_property(a, drop=False),
    "sp_updateextendedproperty": lambda a: _extended_property(a, drop=False),
    "sp_dropextendedproperty": lambda a: _extended_property(a, drop=True),
    "sp_addrolemember": lambda a: _role_member(a, "grant"),
    "sp_droprolemember": lambda a: _role_member(a, "revoke"),
}
