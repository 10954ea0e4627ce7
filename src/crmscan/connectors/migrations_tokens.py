"""A cursor over sqlglot tokens for the statements crmscan reads itself.

sqlglot's tokenizer knows every dialect's quoting, comments and dollar-quoting, so the small
hand-written parsers for table DDL and access statements (:mod:`~crmscan.connectors.migrations_ddl`,
:mod:`~crmscan.connectors.migrations_access`) work on its tokens rather than on text. A bare word is
matched case-insensitively by its text; a quoted identifier or a string never matches a keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NoReturn

from sqlglot.tokens import Token, TokenType

STRING_TYPES = frozenset(t for t in TokenType if t.name.endswith("STRING"))
_OPEN = (TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE)
_CLOSE = (TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE)


class SyntaxProblem(Exception):
    """A statement crmscan reads itself is malformed; *token* (or *offset* into the text) is where,
    None meaning at the statement's end."""

    def __init__(self, reason: str, token: Token | None = None, offset: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.token = token
        self.offset = offset


def explode(tokens: Sequence[Token], sql: str) -> list[Token]:
    """sqlglot folds some keyword pairs into one token (``PRIMARY KEY``, ``DOUBLE PRECISION``); split them
    back into one token per word so that readers can match words one at a time. The first word keeps the
    token's type, so ``DOUBLE`` is still a type token."""
    out: list[Token] = []
    for tok in tokens:
        parts = tok.text.split()
        if len(parts) < 2 or tok.token_type == TokenType.IDENTIFIER or tok.token_type in STRING_TYPES:
            out.append(tok)
            continue
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", sql[tok.start : tok.end + 1])]
        if len(spans) != len(parts):
            spans = [(0, len(tok.text))] * len(parts)
        for k, (part, (a, b)) in enumerate(zip(parts, spans, strict=True)):
            token_type = tok.token_type if k == 0 else TokenType.VAR
            out.append(Token(token_type, part, tok.line, tok.col, tok.start + a, tok.start + b - 1))
    return out


def short_reason(exc: Exception) -> str:
    """sqlglot's description of a parse error, without quoting any of the statement's text."""
    errors = getattr(exc, "errors", None) or [{}]
    desc = str(errors[0].get("description") or "") or "invalid syntax"
    desc = re.sub(r"<class '[\w.]*?(\w+)'>", r"\1", desc)
    desc = re.sub(r"Required keyword: '(\w+)' missing for (\w+)", r"incomplete \2 (missing \1)", desc)
    desc = re.sub(r"\b(but got|got)\b.*", "here", desc)
    desc = re.sub(r"'[^']{2,}'|\"[^\"]{2,}\"|`[^`]{2,}`", "'…'", desc)
    desc = re.sub(r"\d{4,}", "…", desc)
    desc = " ".join(desc.split())
    return desc[:120] or "invalid syntax"


def word(token: Token | None) -> str:
    """Upper-cased text of a bare word; "" for quoted identifiers, strings, numbers and punctuation."""
    if token is None or token.token_type == TokenType.IDENTIFIER or token.token_type in STRING_TYPES:
        return ""
    text = token.text
    if not text or not (text[0].isalpha() or text[0] == "_"):
        return ""
    return text.upper()


def is_name(token: Token | None) -> bool:
    """A quoted identifier or a bare word (keywords included: ``key`` and ``type`` are common names)."""
    return token is not None and (token.token_type == TokenType.IDENTIFIER or bool(word(token)))


def fold(token: Token, dialect: str) -> str:
    """An identifier as the database stores it: PostgreSQL folds unquoted names to lower case."""
    if token.token_type == TokenType.IDENTIFIER or token.token_type in STRING_TYPES:
        return token.text
    return token.text.lower() if dialect == "postgres" else token.text


def split_top(tokens: Sequence[Token], sep: TokenType = TokenType.COMMA) -> list[list[Token]]:
    """*tokens* split at *sep* outside parentheses; empty pieces kept so that ``a,,b`` can be reported."""
    out: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.token_type in _OPEN:
            depth += 1
        elif tok.token_type in _CLOSE:
            depth = max(depth - 1, 0)
        elif tok.token_type == sep and depth == 0:
            out.append([])
            continue
        out[-1].append(tok)
    return out


class Cursor:
    """Reads one statement's tokens front to back; *sql* is the text their offsets point into."""

    def __init__(self, tokens: Sequence[Token], dialect: str, sql: str = "") -> None:
        self.tokens = list(tokens)
        self.dialect = dialect
        self.sql = sql
        self.i = 0

    def source(self, first: Token, last: Token) -> str:
        """The statement text from *first* to *last*, whitespace runs collapsed to one space."""
        return " ".join(self.sql[first.start : last.end + 1].split())

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.tokens[j] if 0 <= j < len(self.tokens) else None

    def word(self, k: int = 0) -> str:
        return word(self.peek(k))

    def done(self) -> bool:
        return self.i >= len(self.tokens)

    def at(self, *words: str) -> bool:
        return all(self.word(k) == w for k, w in enumerate(words))

    def at_type(self, *types: TokenType) -> bool:
        tok = self.peek()
        return tok is not None and tok.token_type in types

    def accept(self, *words: str) -> bool:
        if self.at(*words):
            self.i += len(words)
            return True
        return False

    def accept_type(self, token_type: TokenType) -> bool:
        if self.at_type(token_type):
            self.i += 1
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            self.fail(f"expected {' '.join(words)}")

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            self.fail("statement ends too early")
        self.i += 1
        return tok

    def fail(self, reason: str) -> NoReturn:
        raise SyntaxProblem(reason, self.peek())

    def ident(self, what: str = "a name") -> str:
        tok = self.peek()
        if not is_name(tok):
            self.fail(f"expected {what}")
        self.i += 1
        return fold(tok, self.dialect)  # type: ignore[arg-type]

    def qname(self, what: str = "a table name") -> tuple[str | None, str]:
        """``[server.][database.][schema.]name`` -> (schema or None, name); T-SQL ``#temp`` keeps its
        ``#``."""
        prefix = ""
        if self.at_type(TokenType.HASH):
            self.i += 1
            prefix = "#"
            if self.at_type(TokenType.HASH):
                self.i += 1
                prefix = "##"
        parts = [prefix + self.ident(what)]
        while self.at_type(TokenType.DOT):
            self.i += 1
            if self.at_type(TokenType.DOT):  # T-SQL db..table: default schema
                continue
            parts.append(self.ident(what))
        return (parts[-2] if len(parts) > 1 else None), parts[-1]

    def string(self) -> str | None:
        """The text of a string literal at the cursor (consumed), else None."""
        tok = self.peek()
        if tok is not None and tok.token_type in STRING_TYPES:
            self.i += 1
            return tok.text
        return None

    def group(self) -> list[Token]:
        """Consume a balanced ``( ... )`` and return what is inside."""
        if not self.at_type(TokenType.L_PAREN):
            self.fail("expected (")
        depth = 0
        start = self.i
        for j in range(self.i, len(self.tokens)):
            tt = self.tokens[j].token_type
            if tt in _OPEN:
                depth += 1
            elif tt in _CLOSE:
                depth -= 1
                if depth == 0:
                    self.i = j + 1
                    return self.tokens[start + 1 : j]
        self.fail("unbalanced parentheses")

    def rest(self) -> list[Token]:
        out = self.tokens[self.i :]
        self.i = len(self.tokens)
        return out

    def skip_to_top(self, *words: str) -> None:
        """Advance to the next depth-0 token whose word is one of *words* (or to the end)."""
        depth = 0
        while not self.done():
            tok = self.tokens[self.i]
            if tok.token_type in _OPEN:
                depth += 1
            elif tok.token_type in _CLOSE:
                depth = max(depth - 1, 0)
            elif depth == 0 and word(tok) in words:
                return
            self.i += 1


def names_list(tokens: Sequence[Token], dialect: str, what: str) -> list[str]:
    """``a, b, "c"`` -> names; a malformed list raises :class:`SyntaxProblem`."""
    out: list[str] = []
    for piece in split_top(tokens):
        if len(piece) != 1 or not is_name(piece[0]):
            raise SyntaxProblem(f"expected {what}", piece[0] if piece else None)
        out.append(fold(piece[0], dialect))
    return out


def iter_words(tokens: Sequence[Token]) -> Iterator[str]:
    for tok in tokens:
        yield word(tok)
