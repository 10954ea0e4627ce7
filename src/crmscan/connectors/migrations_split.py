"""A migration file's tokens, cut into statements.

sqlglot tokenizes each segment (see :func:`~crmscan.connectors.migrations_text.segments`) in the chosen
dialect — quoting, comments and dollar-quoting handled there, every token carrying its offset. The tokens
are cut at ``;``, except inside the ``BEGIN ... END`` body of a trigger or procedure and anywhere in a
T-SQL procedure's batch (which runs to the next ``GO``).

T-SQL needs no ``;`` between statements, so a T-SQL statement is also cut where a new line starts with a
statement keyword (not after ``ON``, ``AS``, a comma..., and not between ``ALTER TABLE t`` and its action
on the next line), and ``IF ... BEGIN ... END`` guards and ``BEGIN TRY`` blocks are opened: the statements
they guard are applied as if the guard held, which is what an idempotent migration intends. ELSE branches,
CATCH blocks and loops are not applied.
"""

from __future__ import annotations

import re

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from crmscan.connectors.migrations_text import Lines, Segment, scrub
from crmscan.connectors.migrations_tokens import word

_ROUTINES = frozenset("FUNCTION PROCEDURE PROC TRIGGER EVENT PACKAGE".split())
_TSQL_PROCEDURAL = frozenset(
    """DECLARE PRINT RAISERROR THROW RETURN WHILE BREAK CONTINUE GOTO WAITFOR OPEN FETCH CLOSE
    DEALLOCATE""".split()
)
_TSQL_STARTERS = frozenset(
    """CREATE ALTER DROP GRANT REVOKE DENY EXEC EXECUTE INSERT MERGE TRUNCATE USE PRINT DECLARE IF WHILE
    BEGIN COMMIT ROLLBACK RAISERROR THROW RETURN SET UPDATE DELETE""".split()
)
_NO_SPLIT_AFTER = frozenset(
    """AS ON TO FROM AND OR NOT THEN ELSE UNION ALL EXCEPT INTERSECT BY FOR WITH IS IN EXISTS BEGIN INTO
    WHEN SELECT VALUES WHERE JOIN""".split()
)
_NOT_A_BLOCK = frozenset(
    "TRAN TRANSACTION WORK DISTRIBUTED DIALOG CONVERSATION DEFERRED IMMEDIATE EXCLUSIVE".split()
)


class ParseFailure(Exception):
    """A statement (or the file's text) that cannot be read; *line* is 1-based in the file."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def split_statements(tokens: list[Token], dialect: str, text: str, whole: bool = False) -> list[list[Token]]:
    """The statements in one segment's *tokens* (*whole*: the segment is one statement)."""
    out: list[list[Token]] = []
    for chunk in [tokens] if whole else _chunks(tokens, dialect):
        out.extend(p for p in (_tsql_expand(chunk, text) if dialect == "tsql" else [chunk]) if p)
    return out


def tokenize(seg: Segment, dialect: str, lines: Lines) -> list[Token]:
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(seg.text)
    except Exception as exc:  # noqa: BLE001 - any tokenizer failure is the file's fault, reported by line
        offset = _token_error_offset(exc, seg.text, dialect)
        reason = "unterminated string, quoted name or comment" if offset is not None else "unreadable text"
        raise ParseFailure(lines.line(seg.start + (offset or 0)), reason) from None
    if tokens and tokens[-1].token_type == TokenType.SEMICOLON and seg.whole:
        tokens = tokens[:-1]
    return _uncommand(tokens, seg.text, dialect)


def _uncommand(tokens: list[Token], text: str, dialect: str, depth: int = 0) -> list[Token]:
    """sqlglot keeps the rest of a statement that starts with a "command" keyword as one string token.
    That hides MySQL's ``RENAME TABLE`` and, in T-SQL, where ``;`` is optional, whole statements after
    ``PRINT 'x'`` or a block's ``END``: the rest is tokenized again, at its real offsets."""
    tokenizer = Dialect.get_or_raise(dialect).tokenizer_class
    commands = set(tokenizer.COMMANDS) if dialect == "tsql" else {TokenType.RENAME}
    out: list[Token] = []
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        if (
            depth < 50
            and prev is not None
            and prev.token_type in commands
            and tok.token_type == TokenType.STRING
        ):
            start = prev.end + 1
            end = tokens[i + 1].start if i + 1 < len(tokens) else len(text)
            again = Dialect.get_or_raise(dialect).tokenize(text[start:end])
            lines_before = text.count("\n", 0, start)
            for sub in again:
                sub.start += start
                sub.end += start
                sub.line += lines_before
            out.extend(_uncommand(again, text, dialect, depth + 1) if again else [])
            continue
        out.append(tok)
    return out


def _token_error_offset(exc: Exception, text: str, dialect: str) -> int | None:
    cause = exc.__cause__ if isinstance(exc, TokenError) else exc
    match = re.search(r"from \d+:(\d+)$", str(cause or ""))
    if match and int(match.group(1)) < len(text):
        return int(match.group(1))
    _, unterminated = scrub(text, dialect)
    return unterminated


def _chunks(tokens: list[Token], dialect: str) -> list[list[Token]]:
    """Statements at ``;``, keeping a routine's ``BEGIN ... END`` body (and a T-SQL routine's batch) whole."""
    out: list[list[Token]] = []
    cur: list[Token] = []
    depth = 0
    routine = False
    for i, tok in enumerate(tokens):
        if tok.token_type == TokenType.SEMICOLON and depth == 0 and not (routine and dialect == "tsql"):
            if cur:
                out.append(cur)
            cur, routine = [], False
            continue
        cur.append(tok)
        if len(cur) <= 12 and not routine:
            routine = is_routine(cur)
        if routine or dialect == "tsql":
            depth = _block_depth(depth, tokens, i, dialect)
    if cur:
        out.append(cur)
    return out


def is_routine(tokens: list[Token]) -> bool:
    if word(tokens[0]) not in ("CREATE", "ALTER"):
        return False
    for tok in tokens[1:]:
        w = word(tok)
        if w in _ROUTINES:
            return True
        if tok.token_type == TokenType.L_PAREN or w in ("TABLE", "VIEW", "ON", "AS", "INDEX"):
            return False
    return False


def _block_depth(depth: int, tokens: list[Token], i: int, dialect: str) -> int:
    w = word(tokens[i])
    nxt = word(tokens[i + 1]) if i + 1 < len(tokens) else ""
    prev = word(tokens[i - 1]) if i > 0 else ""
    if w == "BEGIN" and nxt not in _NOT_A_BLOCK and i + 1 < len(tokens):
        if tokens[i + 1].token_type != TokenType.SEMICOLON:
            return depth + 1
    if w == "CASE" and prev != "END":
        return depth + 1
    if w == "END" and not (dialect == "mysql" and nxt in ("IF", "LOOP", "WHILE", "REPEAT")):
        return max(depth - 1, 0)
    return depth


# -- T-SQL: statements without ';' and IF/BEGIN blocks ----------------------------------------------


def _tsql_expand(chunk: list[Token], text: str) -> list[list[Token]]:
    out: list[list[Token]] = []
    for piece in _tsql_split(chunk, text):
        first, second = word(piece[0]), word(piece[1]) if len(piece) > 1 else ""
        if first == "IF":
            out.extend(_tsql_if_body(piece, text))
        elif first == "BEGIN" and second not in _NOT_A_BLOCK and len(piece) > 1:
            if second == "CATCH":
                continue  # error handling, not the migration's path
            inner = _block_inner(piece)
            for sub in _chunks(inner, "tsql"):
                out.extend(_tsql_expand(sub, text))
        elif first == "ELSE" or first in _TSQL_PROCEDURAL:
            continue
        else:
            out.append(piece)
    return out


def _tsql_split(chunk: list[Token], text: str) -> list[list[Token]]:
    """Cut where a line starts with a statement keyword at nesting depth 0 (T-SQL's ``;`` is optional)."""
    pieces: list[list[Token]] = [[]]
    parens = blocks = 0
    has_body = False
    for i, tok in enumerate(chunk):
        piece = pieces[-1]
        w = word(tok)
        if piece and parens == 0 and blocks == 0 and w in _TSQL_STARTERS and _starts_line(tok, text):
            head = word(piece[0])
            guarded = head in ("IF", "WHILE", "ELSE") and not has_body
            if guarded:
                has_body = True
            elif _may_split(piece, chunk[i - 1], w):
                pieces.append([])
                piece = pieces[-1]
                has_body = False
        if tok.token_type == TokenType.L_PAREN:
            parens += 1
        elif tok.token_type == TokenType.R_PAREN:
            parens = max(parens - 1, 0)
        elif parens == 0:
            blocks = _block_depth(blocks, chunk, i, "tsql")
            if w == "ELSE" and blocks == 0:
                has_body = False
            if w == "BEGIN" and blocks == 1 and word(piece[0] if piece else tok) in ("IF", "WHILE", "ELSE"):
                has_body = True
        piece.append(tok)
    return [p for p in pieces if p]


def _starts_line(tok: Token, text: str) -> bool:
    start = text.rfind("\n", 0, tok.start) + 1
    return not text[start : tok.start].strip()


def _may_split(piece: list[Token], prev: Token, starter: str) -> bool:
    if prev.token_type not in (TokenType.R_PAREN, TokenType.IDENTIFIER, TokenType.NUMBER) and not word(prev):
        if prev.token_type.name.endswith("STRING"):
            return True
        return False
    if word(prev) in _NO_SPLIT_AFTER:
        return False
    head = [word(t) for t in piece[:2]]
    if starter == "SET" and head[0] in ("UPDATE", "MERGE", "ALTER"):
        return False
    if head == ["ALTER", "TABLE"] and _alter_header_only(piece):
        return False
    return True


def _alter_header_only(piece: list[Token]) -> bool:
    """``ALTER TABLE [schema.]name [WITH CHECK]`` with no action yet: the next line holds its action."""
    rest = piece[2:]
    i = 0
    while i < len(rest):
        if rest[i].token_type in (TokenType.DOT, TokenType.IDENTIFIER) or (i == 0 and word(rest[i])):
            i += 1
        elif i > 0 and rest[i - 1].token_type == TokenType.DOT and word(rest[i]):
            i += 1
        else:
            break
    tail = [word(t) for t in rest[i:]]
    return tail in ([], ["WITH", "CHECK"], ["WITH", "NOCHECK"])


def _tsql_if_body(piece: list[Token], text: str) -> list[list[Token]]:
    """The statements an ``IF <condition>`` guards (the ELSE branch is not applied)."""
    parens = 0
    start = None
    for i, tok in enumerate(piece[1:], 1):
        if tok.token_type == TokenType.L_PAREN:
            parens += 1
        elif tok.token_type == TokenType.R_PAREN:
            parens = max(parens - 1, 0)
        elif parens == 0 and word(tok) in _TSQL_STARTERS:
            start = i
            break
    if start is None:
        return []
    body = piece[start:]
    blocks = 0
    for i, tok in enumerate(body):
        if word(tok) == "ELSE" and blocks == 0 and i > 0:
            body = body[:i]
            break
        blocks = _block_depth(blocks, body, i, "tsql")
    if word(body[0]) == "BEGIN":
        body = _block_inner(body)
    out: list[list[Token]] = []
    for sub in _chunks(body, "tsql"):
        out.extend(_tsql_expand(sub, text))
    return out


def _block_inner(tokens: list[Token]) -> list[Token]:
    """The tokens between a leading ``BEGIN [TRY]`` and its matching ``END [TRY]``."""
    start = 2 if word(tokens[1]) == "TRY" else 1
    depth = 0
    for i, _tok in enumerate(tokens):
        depth = _block_depth(depth, tokens, i, "tsql")
        if i > 0 and depth == 0:
            return tokens[start:i]
    return tokens[start:]
