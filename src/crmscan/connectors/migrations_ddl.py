"""Table DDL read from tokens: what each CREATE/ALTER/DROP/COMMENT statement does to the schema.

sqlglot parses most DDL but gives up (a generic ``Command``, or an error) on plenty of valid statements
that migrations are full of: SSMS-scripted ``CREATE TABLE ... ON [PRIMARY]``, SQLite ``COLLATE NOCASE``
and ``WITHOUT ROWID``, PostgreSQL's short ``RENAME a TO b``, ``ENABLE ROW LEVEL SECURITY``, MySQL's
``ADD COLUMN (a, b)``. Only names, types, nullability and comments matter here, so a small reader over
sqlglot's tokens handles every dialect the same way; sqlglot still parses the SELECT behind a view.

Each reader returns ops (:mod:`~crmscan.connectors.migrations_ops`) that
:mod:`~crmscan.connectors.migrations_schema` applies.
A column's ``native_type`` is its type as written (``character varying(30)``, ``NVARCHAR(MAX)``), whitespace
collapsed and T-SQL's ``[brackets]`` dropped.
"""

from __future__ import annotations

import re

from sqlglot.parser import Parser
from sqlglot.tokens import Token, TokenType

from crmscan.connectors.migrations_ops import (
    AddColumn,
    ChangeColumn,
    ColumnDef,
    CreateTable,
    DropColumn,
    DropTables,
    QName,
    RenameTable,
    SetComment,
    SetDefaultSchema,
    SetOwner,
    SetRowSecurity,
)
from crmscan.connectors.migrations_select import parse_select
from crmscan.connectors.migrations_tokens import (
    STRING_TYPES,
    Cursor,
    SyntaxProblem,
    is_name,
    split_top,
    word,
)

#: Words that end a column's type and start its constraints.
_COLUMN_STOP = frozenset(
    """CONSTRAINT NOT NULL DEFAULT PRIMARY UNIQUE REFERENCES CHECK COLLATE GENERATED AS IDENTITY
    AUTO_INCREMENT AUTOINCREMENT COMMENT ON MASKED SPARSE FILESTREAM ROWGUIDCOL ENCRYPTED WITH INVISIBLE
    VISIBLE STORAGE
    COLUMN_FORMAT ENGINE_ATTRIBUTE SECONDARY_ENGINE_ATTRIBUTE SRID FIRST AFTER CHARACTER CHARSET USING KEY
    COMPRESSION""".split()
)
_TABLE_CONSTRAINT = frozenset(
    "CONSTRAINT PRIMARY FOREIGN UNIQUE CHECK INDEX KEY FULLTEXT SPATIAL EXCLUDE PERIOD".split()
)
_ALTER_ACTIONS = frozenset(
    """ADD DROP ALTER MODIFY CHANGE RENAME ENABLE DISABLE FORCE NO OWNER SET COMMENT ALGORITHM LOCK ENGINE
    CONVERT ATTACH DETACH VALIDATE INHERIT CLUSTER REPLICA OF NOT RESET CHECK NOCHECK SWITCH
    REBUILD""".split()
)


# -- CREATE TABLE ----------------------------------------------------------------------------------


def parse_create_table(cur: Cursor) -> list[object]:
    """``CREATE [OR REPLACE] [TEMP|UNLOGGED|VIRTUAL...] TABLE [IF NOT EXISTS] name ...``; temporary
    tables are not part of the resulting schema and produce nothing."""
    cur.expect("CREATE")
    cur.accept("OR", "REPLACE")
    temporary = False
    virtual = False
    while cur.word() in (
        "GLOBAL",
        "LOCAL",
        "TEMP",
        "TEMPORARY",
        "UNLOGGED",
        "VIRTUAL",
        "FOREIGN",
        "EXTERNAL",
    ):
        temporary |= cur.word() in ("TEMP", "TEMPORARY")
        virtual |= cur.word() == "VIRTUAL"
        cur.i += 1
    cur.expect("TABLE")
    if_not_exists = cur.accept("IF", "NOT", "EXISTS")
    table = cur.qname()
    if temporary or table[1].startswith("#"):
        cur.rest()
        return []
    if virtual and cur.accept("USING"):  # SQLite: CREATE VIRTUAL TABLE f USING fts5(a, b, tokenize=...)
        cur.ident("a module name")
        args = split_top(cur.group()) if cur.at_type(TokenType.L_PAREN) else []
        cols = tuple(ColumnDef(p[0].text, "") for p in args if len(p) == 1 and is_name(p[0]))
        return [CreateTable(table, columns=cols, if_not_exists=if_not_exists)]
    if cur.accept("PARTITION", "OF"):
        parent = cur.qname()
        cur.rest()
        return [CreateTable(table, copy_from=(parent,), if_not_exists=if_not_exists)]
    if cur.accept("LIKE"):
        source = cur.qname()
        cur.rest()
        return [CreateTable(table, copy_from=(source,), if_not_exists=if_not_exists)]
    if cur.at("AS"):
        return [_create_as(cur, table, if_not_exists)]
    if not cur.at_type(TokenType.L_PAREN):
        cur.fail("expected a column list")
    columns, copy_from = _table_elements(cur, cur.group())
    if cur.at("AS"):  # CREATE TABLE t (a, b) AS SELECT ...
        return [_create_as(cur, table, if_not_exists, tuple(c.name for c in columns))]
    comment = None
    inherits: list[QName] = []
    while not cur.done():
        if cur.accept("INHERITS"):
            inner = Cursor(cur.group(), cur.dialect, cur.sql)
            inherits.append(inner.qname())
            while inner.accept_type(TokenType.COMMA):
                inherits.append(inner.qname())
        elif cur.accept("COMMENT"):
            cur.accept_type(TokenType.EQ)
            comment = cur.string()
        elif cur.at_type(TokenType.L_PAREN):
            cur.group()
        else:
            cur.i += 1
    return [
        CreateTable(
            table,
            columns=tuple(columns),
            copy_from=tuple(inherits) + tuple(copy_from),
            if_not_exists=if_not_exists,
            comment=comment,
        )
    ]


def _create_as(cur: Cursor, table: QName, if_not_exists: bool, names: tuple[str, ...] = ()) -> CreateTable:
    """``CREATE TABLE t AS SELECT ...``: the columns are the SELECT's; types copied where traceable."""
    cur.expect("AS")
    select, sources = parse_select(cur)
    return CreateTable(table, select=select, sources=sources, names=names, if_not_exists=if_not_exists)


def _table_elements(cur: Cursor, tokens: list[Token]) -> tuple[list[ColumnDef], list[QName]]:
    columns: list[ColumnDef] = []
    copy_from: list[QName] = []
    primary: set[str] = set()
    for piece in split_top(tokens):
        if not piece:
            raise SyntaxProblem("empty column definition (two commas in a row?)", None)
        sub = Cursor(piece, cur.dialect, cur.sql)
        if sub.accept("LIKE"):
            copy_from.append(sub.qname())
            continue
        if _is_table_constraint(piece):
            if sub.accept("CONSTRAINT"):
                sub.ident("a constraint name")
            if sub.accept("PRIMARY", "KEY"):
                sub.skip_to_top()
                primary.update(_key_columns(piece))
            continue
        columns.append(column_def(sub))
    if primary:
        columns = [
            ColumnDef(c.name, c.native_type, False, c.comment) if c.name.casefold() in primary else c
            for c in columns
        ]
    return columns, copy_from


def _is_table_constraint(piece: list[Token]) -> bool:
    first = word(piece[0])
    if first not in _TABLE_CONSTRAINT:
        return False
    nxt = piece[1] if len(piece) > 1 else None
    if first in ("CONSTRAINT",):
        return True
    if first in ("PRIMARY", "FOREIGN"):
        return word(nxt) == "KEY"
    if first == "CHECK":
        return nxt is not None and nxt.token_type == TokenType.L_PAREN
    if first == "PERIOD":
        return word(nxt) == "FOR"
    if nxt is None:
        return False
    if nxt.token_type == TokenType.L_PAREN or word(nxt) in ("KEY", "INDEX", "USING"):
        return True
    # "KEY ix (a)" / "INDEX ix NONCLUSTERED (a)" are indexes, "key varchar(50)" is a column named key.
    return is_name(nxt) and not _is_type_token(nxt)


def _is_type_token(token: Token) -> bool:
    return token.token_type in Parser.TYPE_TOKENS


def _key_columns(piece: list[Token]) -> set[str]:
    depth = 0
    out: set[str] = set()
    for tok in piece:
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 1 and is_name(tok):
            out.add(tok.text.casefold())
    return out


def column_def(cur: Cursor) -> ColumnDef:
    """``name [type] [constraints...]``; the cursor ends after the definition."""
    name = cur.ident("a column name")
    first = cur.i
    depth = 0
    while not cur.done():
        tok = cur.peek()
        assert tok is not None
        w = word(tok)
        if depth == 0 and w in _COLUMN_STOP and not _type_continues(cur, first):
            break
        if depth == 0 and tok.token_type == TokenType.COMMA:
            break
        if tok.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET):
            depth += 1
        elif tok.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET):
            depth -= 1
            if depth < 0:
                cur.fail("unbalanced parentheses")
        cur.i += 1
    if depth:
        cur.fail("unbalanced parentheses")
    native = cur.source(cur.tokens[first], cur.tokens[cur.i - 1]) if cur.i > first else ""
    if cur.dialect == "tsql":  # SSMS scripts bracket type names: [nvarchar](50)
        native = re.sub(r"\[([^\]]*)\]", r"\1", native)
    nullable: bool | None = None
    comment: str | None = None
    after: str | None = None
    depth = 0
    while not cur.done() and not (depth == 0 and cur.at_type(TokenType.COMMA)):
        if cur.at_type(TokenType.L_PAREN):
            cur.group()
            continue
        if cur.accept("NOT", "NULL"):
            nullable = False
        elif cur.accept("PRIMARY", "KEY"):
            nullable = False
        elif cur.accept("NULL"):
            nullable = True if nullable is None else nullable
        elif cur.accept("COMMENT"):
            comment = cur.string()
        elif cur.dialect == "mysql" and cur.accept("FIRST"):
            after = ""
        elif cur.dialect == "mysql" and cur.accept("AFTER"):
            after = cur.ident("a column name")
        else:
            cur.i += 1
    return ColumnDef(name, native, nullable, comment, after)


def _type_continues(cur: Cursor, first: int) -> bool:
    """Type names made of stop words: ``character varying``, ``timestamp with time zone``, ``double
    precision``, MySQL ``varchar(5) CHARACTER SET x`` (the set is not part of the type)."""
    w = cur.word()
    if cur.i == first:
        return w == "CHARACTER"
    if w in ("WITH", "WITHOUT") and cur.word(1) in ("TIME", "LOCAL"):
        return True
    return False


# -- ALTER TABLE -----------------------------------------------------------------------------------


def parse_alter_table(cur: Cursor) -> list[object]:
    """``ALTER TABLE [IF EXISTS] [ONLY] name action[, action...]`` in any of the four dialects."""
    cur.expect("ALTER")
    cur.accept("ONLINE")
    cur.accept("IGNORE")
    cur.accept("MATERIALIZED") or cur.accept("FOREIGN")
    if not cur.accept("TABLE"):
        cur.expect("VIEW")
    cur.accept("IF", "EXISTS")
    cur.accept("ONLY")
    table = cur.qname()
    cur.accept_type(TokenType.STAR)
    if cur.accept("WITH", "CHECK") or cur.accept("WITH", "NOCHECK"):
        pass
    if cur.done():
        cur.fail("ALTER TABLE without an action")
    ops: list[object] = []
    mode = ""
    for piece in split_top(cur.rest()):
        if not piece:
            raise SyntaxProblem("empty ALTER TABLE action (two commas in a row?)", None)
        sub = Cursor(piece, cur.dialect, cur.sql)
        if mode and cur.dialect == "tsql" and sub.word() not in _ALTER_ACTIONS:
            # T-SQL repeats no keyword: ADD a int, b int / DROP COLUMN a, b
            ops.append(AddColumn(table, column_def(sub)) if mode == "add" else DropColumn(table, sub.ident()))
            continue
        mode = _alter_action(sub, table, ops)
    return ops


def _alter_action(cur: Cursor, table: QName, ops: list[object]) -> str:
    """Read one action into *ops*; returns "add"/"drop" when T-SQL may continue the list without keyword."""
    if cur.accept("ADD"):
        explicit = cur.accept("COLUMN")
        if_not_exists = cur.accept("IF", "NOT", "EXISTS")
        if cur.at_type(TokenType.L_PAREN) and cur.dialect != "tsql":  # MySQL ADD (a int, b int)
            columns, _ = _table_elements(cur, cur.group())
            ops.extend(AddColumn(table, c) for c in columns)
            return ""
        if cur.done():
            cur.fail("expected a column definition after ADD")
        if not explicit and _is_table_constraint(cur.tokens[cur.i :]):
            return ""
        if not explicit and cur.word() in ("CONSTRAINT", "PARTITION", "INDEX", "KEY"):
            return ""
        ops.append(AddColumn(table, column_def(cur), if_not_exists))
        return "add"
    if cur.accept("DROP"):
        explicit = cur.accept("COLUMN")
        if not explicit and (
            cur.dialect == "tsql"
            or cur.word()
            in ("CONSTRAINT", "INDEX", "KEY", "PRIMARY", "FOREIGN", "CHECK", "DEFAULT", "PARTITION")
            or cur.word() in ("PERIOD", "SYSTEM", "EXPRESSION")
        ):
            return ""
        cur.accept("IF", "EXISTS")
        ops.append(DropColumn(table, cur.ident("a column name")))
        return "drop"
    if cur.accept("ALTER"):
        cur.accept("COLUMN")
        column = cur.ident("a column name")
        if cur.accept("SET", "DATA", "TYPE") or cur.accept("TYPE"):
            ops.append(ChangeColumn(table, column, native_type=_type_only(cur)))
        elif cur.accept("SET", "NOT", "NULL"):
            ops.append(ChangeColumn(table, column, nullable=False))
        elif cur.accept("DROP", "NOT", "NULL"):
            ops.append(ChangeColumn(table, column, nullable=True))
        elif cur.dialect == "tsql" and cur.word() not in ("ADD", "DROP"):
            spec = column_def(Cursor([Token(TokenType.VAR, column), *cur.rest()], cur.dialect, cur.sql))
            ops.append(
                ChangeColumn(table, column, native_type=spec.native_type or None, nullable=spec.nullable)
            )
        return ""
    if cur.accept("MODIFY"):
        cur.accept("COLUMN")
        spec = column_def(cur)
        ops.append(
            ChangeColumn(
                table, spec.name, None, spec.native_type, spec.nullable, spec.comment, True, spec.after
            )
        )
        return ""
    if cur.accept("CHANGE"):
        cur.accept("COLUMN")
        old = cur.ident("a column name")
        spec = column_def(cur)
        ops.append(
            ChangeColumn(
                table, old, spec.name, spec.native_type, spec.nullable, spec.comment, True, spec.after
            )
        )
        return ""
    if cur.accept("RENAME"):
        if cur.accept("TO") or cur.accept("AS"):
            ops.append(RenameTable(table, cur.qname()))
        elif cur.word() in ("CONSTRAINT", "INDEX", "KEY"):
            cur.rest()
        else:
            cur.accept("COLUMN")
            first = cur.qname("a column name")
            if cur.done():  # MySQL: RENAME new_name
                ops.append(RenameTable(table, first))
            else:
                cur.expect("TO")
                ops.append(ChangeColumn(table, first[1], new_name=cur.ident("a column name")))
        return ""
    for words, enabled, forced in (
        (("ENABLE", "ROW", "LEVEL", "SECURITY"), True, None),
        (("DISABLE", "ROW", "LEVEL", "SECURITY"), False, None),
        (("FORCE", "ROW", "LEVEL", "SECURITY"), None, True),
        (("NO", "FORCE", "ROW", "LEVEL", "SECURITY"), None, False),
    ):
        if cur.accept(*words):
            ops.append(SetRowSecurity(table, enabled, forced))
            return ""
    if cur.accept("OWNER", "TO"):
        ops.append(SetOwner(table, cur.ident("a role name")))
    elif cur.accept("SET", "SCHEMA"):
        ops.append(RenameTable(table, (cur.ident("a schema name"), table[1])))
    elif cur.accept("COMMENT"):
        cur.accept_type(TokenType.EQ)
        ops.append(SetComment(table, None, cur.string()))
    return ""


def _type_only(cur: Cursor) -> str:
    spec = column_def(Cursor([Token(TokenType.VAR, "x"), *cur.rest()], cur.dialect, cur.sql))
    if not spec.native_type:
        cur.fail("expected a type")
    return spec.native_type


# -- DROP, COMMENT ON, RENAME TABLE, USE -----------------------------------------------------------


def parse_drop(cur: Cursor) -> list[object]:
    """``DROP [MATERIALIZED] TABLE|VIEW [IF EXISTS] a, b [CASCADE]``."""
    cur.expect("DROP")
    cur.accept("TEMPORARY")
    cur.accept("MATERIALIZED")
    kind = "view" if cur.accept("VIEW") else ""
    if not kind:
        cur.expect("TABLE")
        kind = "table"
    cur.accept("IF", "EXISTS")
    tables = [cur.qname()]
    while cur.accept_type(TokenType.COMMA):
        tables.append(cur.qname())
    while cur.word() in ("CASCADE", "RESTRICT", "PURGE"):
        cur.i += 1
    if not cur.done():
        cur.fail("unexpected text after the table names")
    return [DropTables(tuple(t for t in tables if not t[1].startswith("#")), kind)]


def parse_comment(cur: Cursor) -> list[object]:
    """PostgreSQL ``COMMENT ON TABLE|VIEW|COLUMN name IS 'text' | NULL``; other objects produce nothing."""
    cur.expect("COMMENT")
    cur.expect("ON")
    cur.accept("MATERIALIZED")
    kind = cur.word()
    if kind not in ("TABLE", "VIEW", "COLUMN", "FOREIGN"):
        cur.rest()
        return []
    cur.i += 1
    if kind == "FOREIGN":
        cur.expect("TABLE")
    parts = [cur.ident("a name")]
    while cur.accept_type(TokenType.DOT):
        parts.append(cur.ident("a name"))
    cur.expect("IS")
    text = cur.string()
    if text is None:
        cur.expect("NULL")
    if not cur.done():
        cur.fail("unexpected text after the comment")
    if kind == "COLUMN":
        if len(parts) < 2:
            raise SyntaxProblem("COMMENT ON COLUMN needs table.column", None)
        schema = parts[-3] if len(parts) > 2 else None
        return [SetComment((schema, parts[-2]), parts[-1], text)]
    return [SetComment(((parts[-2] if len(parts) > 1 else None), parts[-1]), None, text)]


def parse_rename_table(cur: Cursor) -> list[object]:
    """MySQL ``RENAME TABLE a TO b[, c TO d]``."""
    cur.expect("RENAME")
    cur.expect("TABLE")
    ops: list[object] = []
    while True:
        old = cur.qname()
        cur.expect("TO")
        ops.append(RenameTable(old, cur.qname()))
        if not cur.accept_type(TokenType.COMMA):
            break
    if not cur.done():
        cur.fail("unexpected text after RENAME TABLE")
    return ops


def parse_use(cur: Cursor) -> list[object]:
    """MySQL ``USE db``; T-SQL's USE picks a database, not a schema, and changes nothing here."""
    cur.expect("USE")
    name = cur.ident("a database name")
    return [] if cur.dialect == "tsql" else [SetDefaultSchema(name)]


def parse_search_path(cur: Cursor) -> list[object]:
    """PostgreSQL ``SET [SESSION|LOCAL] search_path TO|= a, b``: new unqualified tables go to ``a``."""
    cur.expect("SET")
    cur.accept("SESSION") or cur.accept("LOCAL")
    cur.expect("SEARCH_PATH")
    if not (cur.accept("TO") or cur.accept_type(TokenType.EQ)):
        cur.fail("expected TO or =")
    tok = cur.peek()
    if tok is not None and tok.token_type in STRING_TYPES:
        first = tok.text.split(",")[0].strip().strip('"')
    else:
        first = cur.ident("a schema name")
    cur.rest()
    return [SetDefaultSchema(None if first in ("$user", "public") else first)]
