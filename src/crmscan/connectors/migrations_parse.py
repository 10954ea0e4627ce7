"""One migration file -> its statements, each with its start line and what it does (ops).

:mod:`~crmscan.connectors.migrations_split` cuts the file into statements; each is routed by its first
words:

* table DDL, views, ``COMMENT ON`` and access statements go to the token readers of
  :mod:`~crmscan.connectors.migrations_ddl`, :mod:`~crmscan.connectors.migrations_select`,
  :mod:`~crmscan.connectors.migrations_access` and (T-SQL ``EXEC sp_...``)
  :mod:`~crmscan.connectors.migrations_tsql`;
* routines (functions, procedures, triggers) and other DDL objects (indexes, sequences, types...) are
  skipped unread: they do not change which columns exist or who reads them;
* everything else (INSERT, UPDATE, DO blocks, SET...) must parse with sqlglot and is then ignored.

A statement that does not parse raises :class:`ParseFailure` with its line; :func:`parse_file` tries the
candidate dialects in turn and turns the most telling failure into a one-line :class:`MigrationError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError
from sqlglot.tokens import Token, TokenType

from crmscan.connectors import migrations_access as access
from crmscan.connectors import migrations_ddl as ddl
from crmscan.connectors.migrations_select import parse_create_view
from crmscan.connectors.migrations_split import ParseFailure, is_routine, split_statements, tokenize
from crmscan.connectors.migrations_text import (
    Lines,
    MigrationError,
    Segment,
    candidate_dialects,
    segments,
    strip_directives,
)
from crmscan.connectors.migrations_tokens import Cursor, SyntaxProblem, explode, short_reason, word
from crmscan.connectors.migrations_tsql import parse_exec

_OTHER_OBJECTS = frozenset(
    """INDEX UNIQUE CLUSTERED NONCLUSTERED SEQUENCE TYPE DOMAIN EXTENSION SCHEMA DATABASE RULE CAST COLLATION
    CONVERSION LANGUAGE OPERATOR PUBLICATION SUBSCRIPTION SERVER STATISTICS TABLESPACE TEXT SYNONYM LOGIN
    FULLTEXT SPATIAL XML ASSEMBLY PARTITION DEFAULT ACCESS TRANSFORM COLUMNSTORE APPLICATION CERTIFICATE
    SYMMETRIC ASYMMETRIC MASTER CREDENTIAL ENDPOINT QUEUE SERVICE CONTRACT MESSAGE ROUTE EXTERNAL SECURITY
    SPFILE LOGFILE TABLEGROUP INSTANCE RESOURCE AVAILABILITY EVENTTRIGGER""".split()
)
_TABLE_MODIFIERS = frozenset(
    "OR REPLACE GLOBAL LOCAL TEMP TEMPORARY UNLOGGED VIRTUAL FOREIGN EXTERNAL".split()
)
_TSQL_PROCEDURAL = frozenset(
    """DECLARE PRINT RAISERROR THROW RETURN WHILE BREAK CONTINUE GOTO WAITFOR OPEN FETCH CLOSE
    DEALLOCATE""".split()
)


@dataclass
class Statement:
    """One statement that changes the schema or the grants; ``line`` is where it starts (1-based)."""

    file: str
    line: int
    dialect: str
    ops: list[object] = field(default_factory=list)


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning for every statement it keeps as an opaque command; not the user's concern."""
    logger = logging.getLogger("sqlglot")
    old = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(old)


def parse_file(
    text: str, display: str, dialect: str | None = None, prefer: str | None = None
) -> tuple[str, list[Statement]]:
    """(dialect used, statements) for one file's text; *dialect* None means detect it, trying *prefer*
    (the previous file's dialect) first when the file itself shows no hint.

    Raises:
        MigrationError: ``display:line: cannot parse statement: reason; fix the SQL or pass --dialect``.
    """
    text = strip_directives(text)
    hinted, candidates = (True, [dialect]) if dialect else candidate_dialects(text)
    if not hinted and prefer in candidates:
        candidates = [prefer, *(c for c in candidates if c != prefer)]
    failures: list[tuple[str, ParseFailure]] = []
    with _quiet_sqlglot():
        for name in candidates:
            try:
                return name, _parse_as(text, display, name)
            except ParseFailure as problem:
                failures.append((name, problem))
            except RecursionError:
                failures.append((name, ParseFailure(1, "statement nests too deeply")))
            except Exception as exc:  # noqa: BLE001 - a reader bug must still end as a file:line message
                failures.append(
                    (name, ParseFailure(1, f"internal error {type(exc).__name__}, please report it"))
                )
    name, worst = failures[0] if hinted else max(failures, key=lambda f: f[1].line)
    advice = "pass another --dialect" if dialect else "pass --dialect"
    raise MigrationError(
        f"{display}:{worst.line}: cannot parse statement: {worst.reason} (read as {name}); "
        f"fix the SQL or {advice}"
    )


def _parse_as(text: str, display: str, dialect: str) -> list[Statement]:
    lines = Lines(text)
    out: list[Statement] = []
    for seg in segments(text, dialect):
        tokens = tokenize(seg, dialect, lines)
        ctx = _Context(seg, dialect, lines, display, lines.line(seg.start))
        for piece in split_statements(tokens, dialect, seg.text, seg.whole):
            statement = ctx.statement(piece)
            if statement.ops:
                out.append(statement)
    return out


# -- one statement ---------------------------------------------------------------------------------


@dataclass
class _Context:
    seg: Segment
    dialect: str
    lines: Lines
    display: str
    base: int

    def line_of(self, tok: Token) -> int:
        return self.lines.line(self.seg.start + tok.start)

    def statement(self, piece: list[Token]) -> Statement:
        line = self.line_of(piece[0])
        try:
            ops = self._ops(piece)
        except SyntaxProblem as problem:
            if problem.offset is not None:
                where = self.lines.line(self.seg.start + problem.offset)
            elif problem.token is not None and problem.token.start >= piece[0].start:
                where = self.line_of(problem.token)
            else:
                where = self.line_of(piece[-1])
            raise ParseFailure(where, problem.reason) from None
        except ParseError as exc:
            raise ParseFailure(self._parse_error_line(exc, piece), short_reason(exc)) from None
        except ParseFailure:
            raise
        except RecursionError:
            raise ParseFailure(line, "statement nests too deeply") from None
        except Exception as exc:  # noqa: BLE001 - a parser bug must still end as a file:line message
            raise ParseFailure(line, f"internal error {type(exc).__name__}, please report it") from None
        return Statement(self.display, line, self.dialect, ops)

    def _parse_error_line(self, exc: ParseError, piece: list[Token]) -> int:
        rel = exc.errors[0].get("line") if exc.errors else None
        if isinstance(rel, int) and rel >= 1:
            absolute = self.base + rel - 1
            return min(max(absolute, self.line_of(piece[0])), self.line_of(piece[-1]))
        return self.line_of(piece[0])

    def _ops(self, piece: list[Token]) -> list[object]:
        reader = _route(piece, self.dialect)
        if reader is None:
            return []
        if reader == _VALIDATE:
            _validate(piece, self.seg.text, self.dialect)
            return []
        assert callable(reader)
        cur = Cursor(explode(piece, self.seg.text), self.dialect, self.seg.text)
        ops = reader(cur)
        if not cur.done():
            cur.fail("unexpected text at the end of the statement")
        return ops


Reader = Callable[[Cursor], list[object]]
_VALIDATE = "validate"


def _route(piece: list[Token], dialect: str) -> Reader | str | None:
    """Which reader handles a statement, from its first words; None = skip it unread, ``_VALIDATE`` =
    check it parses and ignore it."""
    w = [word(t) for t in piece[:16]] + [""] * 16
    first, second = w[0], w[1]
    if is_routine(piece):
        return None
    if first in ("GRANT", "REVOKE") or (first == "DENY" and dialect == "tsql"):
        return access.parse_privileges
    if first in ("CREATE", "ALTER", "DROP") and second in ("ROLE", "USER", "GROUP") and w[2] != "MAPPING":
        return {"CREATE": access.parse_create_principal, "ALTER": access.parse_alter_principal}.get(
            first, access.parse_drop_principal
        )
    if first in ("CREATE", "ALTER", "DROP") and second == "POLICY":
        return access.parse_policy
    if first == "RENAME":
        return access.parse_rename_user if second == "USER" else ddl.parse_rename_table
    if first == "SET" and second == "DEFAULT" and w[2] == "ROLE":
        return access.parse_set_default_role
    if first == "SET" and dialect == "postgres" and "SEARCH_PATH" in (second, w[2]):
        return ddl.parse_search_path
    if first == "USE" and dialect in ("mysql", "tsql"):
        return ddl.parse_use
    if first in ("EXEC", "EXECUTE") and dialect == "tsql":
        return parse_exec
    if first == "ALTER" and second == "DEFAULT" and w[2] == "PRIVILEGES":
        return access.parse_default_privileges
    if first == "COMMENT" and second == "ON":
        return ddl.parse_comment
    if first == "CREATE":
        objects = [x for x in w[1:8] if x not in _TABLE_MODIFIERS]
        if objects and objects[0] == "TABLE":
            return ddl.parse_create_table
        if "VIEW" in w[1:16]:
            return parse_create_view
        if second in _OTHER_OBJECTS or (objects and objects[0] in _OTHER_OBJECTS):
            return None
    if first == "ALTER":
        if second == "VIEW" and dialect in ("mysql", "tsql") and _has_top_level(piece, "AS"):
            return parse_create_view
        if second in ("TABLE", "VIEW", "ONLINE", "IGNORE") or (
            second in ("MATERIALIZED", "FOREIGN") and w[2] in ("VIEW", "TABLE")
        ):
            return ddl.parse_alter_table
        if second in _OTHER_OBJECTS:
            return None
    if first == "DROP":
        if second in ("TABLE", "VIEW") or (
            second in ("TEMPORARY", "MATERIALIZED") and w[2] in ("TABLE", "VIEW")
        ):
            return ddl.parse_drop
        if second in _OTHER_OBJECTS:
            return None
    if dialect == "tsql" and first in _TSQL_PROCEDURAL:
        return None
    return _VALIDATE


def _has_top_level(piece: list[Token], keyword: str) -> bool:
    depth = 0
    for tok in piece:
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and word(tok) == keyword:
            return True
    return False


def _validate(piece: list[Token], text: str, dialect: str) -> None:
    """A statement crmscan does not model must still be valid SQL (sqlglot raises ParseError if not)."""
    Dialect.get_or_raise(dialect).parser().parse(piece, text)
